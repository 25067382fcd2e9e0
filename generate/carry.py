"""Error carried forward outside the network trace: one judge for every kind.

A kind whose later answers compute from earlier ones (the derivative of an activation from
its value, a regularized step from the regularized gradient, an SGD update from the
parameters after the update before, the cheaper mode from the pass counts) says how: its
:class:`Follow` recomputes each such part from the student's own answers (``own``) and
lists the typical mistakes a part can show (``slips``). :func:`judge` then gives every
answered part the verdict ``derive.checking.check`` gives a network's trace quantities:

* ``carried``: wrong against the key, but what the student's own earlier answers give
  (and those differ from the true ones): the slip was made earlier and costs nothing again;
* ``wrong``, with the first slip whose value the student wrote as the diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, TypeVar

import sympy as sp

from gradsheet.derive.checking.check import CARRIED, CORRECT, WRONG
from gradsheet.derive.errors import SpecError
from gradsheet.derive.engine.network import Spec
from gradsheet.derive.engine.numbers import parse_number

T = TypeVar("T")


@dataclass(frozen=True)
class Work:
    """What a grader knows of one student's variant: the data the sheet gave (``data``, as the
    key holds it), its network if any, and the student's answers (numbers exact, text as written)."""

    data: Mapping[str, Any]
    network: Spec | None
    given: Mapping[str, Any]  # part → sp.Rational, or str for a text answer
    truth: Mapping[str, Any]  # part → the key's value
    decimals: int
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def once(self, name: str, compute: Callable[[], T]) -> T:
        """``compute()``, computed once for this work: a follower derives the same values (a
        student's whole epoch) for every part it judges, and a class has thousands of parts."""
        if name not in self._memo:
            self._memo[name] = compute()
        return self._memo[name]

    def number(self, part: str) -> sp.Rational | None:
        value = self.given.get(part)
        return value if isinstance(value, sp.Rational) else None

    def value(self, part: str) -> Any:
        """The student's value of ``part`` where it is a number, else the key's: a part not
        answered is no slip to carry."""
        mine = self.number(part)
        return mine if mine is not None else self.truth.get(part)


DATA_LIMIT = 10**6  # no number a sheet gives (a weight, a point, a rate) comes near this


def rational(value: Any, field: str) -> sp.Rational:
    """A number of the key's ``data`` exactly, within :data:`DATA_LIMIT`: an edited key's
    "1e999999" is an error, not a number of a million digits built."""
    number = parse_number(str(value), f"data.{field}")
    if abs(number) > DATA_LIMIT:
        raise SpecError(f"data.{field}", f"{value!r} is beyond {DATA_LIMIT:,}", "give the key.json generate wrote")
    return number


Slip = tuple[Any, str]  # (the value the mistake gives, the sentence that names it)


@dataclass(frozen=True)
class Follow:
    """How a kind's parts follow from each other: ``own(work)`` gives, per dependent part, its
    value from the student's own earlier answers; ``slips(work, part)`` the typical mistakes."""

    own: Callable[[Work], Mapping[str, Any]]
    slips: Callable[[Work, str], Iterable[Slip]] = lambda work, part: ()
    # the key's values from its data alone, where the kind can recompute them (an autodiff
    # graph from its source and point): a key whose data and values disagree was edited
    truth: Callable[[Work], Mapping[str, Any]] = lambda work: {}


ANSWER_LIMIT = 10**12  # an answer beyond this is wrong on every sheet, and nothing is computed from it


def followable(value: Any) -> bool:
    """Whether the kinds recompute from this answer: text, or a number within
    :data:`ANSWER_LIMIT` (σ' of 10^999 would take SymPy seconds, and teaches nothing)."""
    return not isinstance(value, sp.Rational) or abs(value) <= ANSWER_LIMIT


def reading(text: str, part: str) -> Any:
    """A student's answer as :class:`Work` holds it: an exact number where it reads as one."""
    try:
        return parse_number(text.strip(), part)
    except SpecError:
        return text.strip()


def probe(follow: Follow, work: Work, parts: tuple[str, ...]) -> None:
    """Everything ``follow`` computes from the key's data alone (no answer given): whether a
    failure while following a student was the key's data (it fails here too) or their answers."""
    follow.own(work)
    for part in parts:
        list(follow.slips(work, part))
    for part, value in follow.truth(work).items():
        key = work.truth.get(part)
        if part in work.truth and not isinstance(key, str) and not abs(float(key) - float(value)) <= \
                10.0 ** -work.decimals * (1 + 1e-9) + 1e-9 * abs(float(value)):
            raise SpecError(f"answers.{part}", f"the key's {key} is not what its data gives ({float(value):.6g})",
                            "give the key.json generate wrote")


def judge(follow: Follow, work: Work, tolerance: Mapping[str, float]) -> dict[str, tuple[str, str]]:
    """The verdict and diagnosis of every answered part. A value within ``allowance`` of the
    key is correct; of its own value, carried; of a slip's value, wrong with that slip named."""
    unit = 10.0 ** -work.decimals

    def close(given: Any, reference: Any, part: str) -> bool:
        if reference is None:
            return False
        if isinstance(reference, str) or isinstance(given, str):
            return isinstance(given, str) and isinstance(reference, str) and \
                given.strip().lower() == reference.strip().lower()
        # the student rounds every intermediate to the sheet's decimals: a unit in the last
        # place, or the key's own tolerance where the hand computation drifts further
        allowed = max(tolerance.get(part, 0.0), unit) * (1 + 1e-9) + 1e-12 * abs(float(reference))
        return abs(float(given) - float(reference)) <= allowed

    own = dict(follow.own(work))
    out: dict[str, tuple[str, str]] = {}
    for part, given in work.given.items():
        truth = work.truth.get(part)
        if truth is None:
            continue
        if _exactly(given, truth, tolerance.get(part, 0.0)):
            out[part] = (CORRECT, "")
            continue
        mine = own.get(part)
        if mine is not None and not close(mine, truth, part) and close(given, mine, part):
            out[part] = (CARRIED, "")
            continue
        why = ""
        for value, sentence in follow.slips(work, part):
            if value is None or close(value, truth, part) or (mine is not None and close(value, mine, part)):
                continue  # a "mistake" that gives the right value names nothing
            if close(given, value, part):
                why = sentence
                break
        out[part] = (WRONG, why)
    return out


def _exactly(given: Any, truth: Any, tolerance: float) -> bool:
    if isinstance(truth, str) or isinstance(given, str):
        return isinstance(given, str) and isinstance(truth, str) and given.strip().lower() == truth.strip().lower()
    return abs(float(given) - float(truth)) <= tolerance * (1 + 1e-9) + 1e-12


def fmt(value: Any, decimals: int) -> str:
    """A value in a diagnosis as the sheet rounds it: 3, 0.25, 0.5370."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, sp.Rational)) and sp.Rational(value).q == 1:
        return str(sp.Rational(value).p).replace("-", "−")
    number = float(value)
    short = f"{number:.{decimals}f}"
    return (short if float(short) != number or "." not in short else short.rstrip("0").rstrip(".")).replace("-", "−")
