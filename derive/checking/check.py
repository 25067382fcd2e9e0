"""Checking a student's hand computation: one verdict per value, errors carried forward.

Each value the student gives is compared with the true trace and with the student's own
trace (:mod:`derive.checking.own`):

* ``correct``: within the tolerance of the true value, or computed right from the student's
  own earlier values where those were correct (a z written to 2 decimals and a = σ(z) from
  it to 8: the student rounded, and carried what they wrote);
* ``carried``: wrong against the truth, but right from the student's own earlier values
  (which differ from the true ones): the mistake was made earlier and is not counted again;
* ``wrong``: neither; :mod:`derive.checking.mistakes` then names the typical mistake that gives
  exactly this value, when one does (``diagnosis``), and writes the step's correct formula
  with the student's own numbers (``formula``).

By default each value is judged at its own written decimals (0.082167 at 6, 0.75136507 at
8): right when it is the true value rounded to them, or the value of the computation with
every intermediate rounded to them, or anything between (a student may round some steps and
not others). A value written without decimals is judged at the most any value has. ``--tol``
gives a fixed absolute or relative tolerance, ``--decimals D`` one number of decimals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from ..engine import backprop
from . import quantities
from .answers import Answers
from ..errors import SpecError
from ..limits import MAX_DECIMALS
from ..engine.network import Spec
from ..engine.numbers import EXACT, FLOAT, Mode, hand, places
from .own import own_trace

CORRECT, WRONG, CARRIED = "correct", "wrong", "carried"


@dataclass(frozen=True)
class Tolerance:
    """How close counts as equal: rounding to ``decimals`` (to each value's own written
    decimals where ``own``, ``decimals`` for a value written without), or a fixed tolerance."""

    decimals: int | None = None
    absolute: float | None = None
    relative: float | None = None
    own: bool = False

    @staticmethod
    def parse(text: str) -> "Tolerance":
        """``0.005`` (absolute) or ``0.1%`` (relative)."""
        text = text.strip()
        relative = text.endswith("%")
        value = float(text[:-1] if relative else text)
        if not math.isfinite(value) or value < 0 or (relative and value >= 100):
            raise ValueError(f"{text!r} is not a tolerance")
        return Tolerance(relative=value / 100) if relative else Tolerance(absolute=value)

    def describe(self) -> str:
        if self.absolute is not None:
            return f"absolute tolerance {self.absolute:g}"
        if self.relative is not None:
            return f"relative tolerance {self.relative * 100:g}%"
        if self.own:
            return "each value rounded to its own decimals as written, intermediates too"
        if self.decimals is not None:
            return f"rounded to {places(self.decimals)}, intermediates too"
        return "exact"


@dataclass(frozen=True)
class Row:
    name: str
    given: sp.Rational
    expected: Any  # the true value
    own: Any  # the same step from the student's own earlier values
    verdict: str
    diagnosis: str = ""
    written: str = ""  # the given value's text as the student wrote it; "" when not read from a file
    decimals: int | None = None  # the decimals it was judged at; None: exactly or by a fixed tolerance
    formula: str = ""  # a wrong value's step as it should go, with the student's own numbers
    rounded_from: Any = None  # correct as it follows from the student's own rounded earlier values: that value


@dataclass(frozen=True)
class Check:
    spec: Spec
    mode: Mode
    tolerance: Tolerance
    rows: tuple[Row, ...]

    def counts(self) -> dict[str, int]:
        return {v: sum(r.verdict == v for r in self.rows) for v in (CORRECT, CARRIED, WRONG)}


def inferred_tolerance(answers: Answers) -> Tolerance:
    """Each value at the decimals it is written with: a student giving 0.1235 rounded to 4.
    Beyond hand mode's 30 places (``limits.MAX_DECIMALS``) the comparison is at 30: far
    finer than any hand computation, and the rounded trace it needs stays within its limits."""
    if answers.decimals is None:
        return Tolerance()
    return Tolerance(decimals=min(answers.decimals, MAX_DECIMALS), own=True)


class Judge:
    """Compares a value with a reference under the tolerance, per entry."""

    def __init__(self, spec: Spec, answers: Answers, tolerance: Tolerance, mode: Mode,
                 truth: dict[str, Any], own: dict[str, Any]) -> None:
        self.tolerance, self.mode = tolerance, mode
        self._spec, self._answers, self._example = spec, answers, answers.example
        self._truth, self._own = truth, own
        self._hand: dict[int, dict[str, Any]] = {}
        self._hand_own: dict[int, dict[str, Any]] = {}

    def decimals(self, name: str) -> int | None:
        """The decimals ``name`` is judged at: its own as written, or the tolerance's."""
        t = self.tolerance
        if t.absolute is not None or t.relative is not None:
            return None
        written = self._answers.places.get(name, 0) if t.own else 0
        return min(written, MAX_DECIMALS) if written else t.decimals

    def hand_entries(self, decimals: int) -> dict[str, Any]:
        """The true values with every intermediate rounded to ``decimals``, computed once."""
        if decimals not in self._hand:
            trace = backprop.trace(self._spec.network, self._spec.examples, hand(decimals))
            self._hand[decimals] = quantities.entries(trace, self._example)
        return self._hand[decimals]

    def _gap(self, name: str, decimals: int, own: bool) -> float:
        """How far rounding every intermediate to ``decimals`` moves the value, true or own."""
        if own:
            if decimals not in self._hand_own:
                self._hand_own[decimals] = _followed(self._spec, self._answers, hand(decimals))
            rounded, reference = self._hand_own[decimals], self._own
        else:
            rounded, reference = self.hand_entries(decimals), self._truth
        if name not in rounded or name not in reference:
            return 0.0
        return abs(float(rounded[name]) - float(reference[name]))

    def allowance(self, name: str, reference: Any, own: bool = False) -> float:
        t = self.tolerance
        if t.absolute is not None:
            return t.absolute
        if t.relative is not None:
            return t.relative * abs(float(reference))
        decimals = self.decimals(name)
        if decimals is None:
            return 0.0 if not self.mode.is_float else 1e-9 * max(1.0, abs(float(reference)))
        # half a unit for the final rounding; a hair more so that a tie counts as rounded
        return 0.5 * 10.0 ** -decimals * (1 + 1e-9) + self._gap(name, decimals, own) + 1e-12 * abs(float(reference))

    def exact(self, name: str) -> bool:
        t = self.tolerance
        return not self.mode.is_float and self.decimals(name) is None and t.absolute is None and t.relative is None

    def close(self, value: Any, reference: Any, name: str, own: bool = False) -> bool:
        if reference is None:
            return False
        if self.exact(name):
            return bool(sp.Rational(value) == reference)
        return abs(float(value) - float(reference)) <= self.allowance(name, reference, own)


def check(spec: Spec, answers: Answers, tolerance: Tolerance | None = None) -> Check:
    """One :class:`Row` per given value, in the order of the trace."""
    from .mistakes import correct_step, diagnose

    tolerance = tolerance or inferred_tolerance(answers)
    mode = EXACT if spec.network.rational else FLOAT
    truth = quantities.entries(backprop.trace(spec.network, spec.examples, mode), answers.example)
    own = _own(spec, answers, mode)
    judge = Judge(spec, answers, tolerance, mode, truth, own.computed if own else {})
    # one pass that follows the student's correct values alone: a value computed right from
    # them (rounded as the student wrote them) is correct too, not carried
    judged: dict[str, tuple[str, Any]] = {}

    def correct(name: str, followed: Any) -> bool:
        given = answers.values[name]
        if judge.close(given, truth[name], name):
            judged[name] = (CORRECT, None)
        elif own is not None and judge.close(given, followed, name, own=True):
            judged[name] = (CORRECT, followed)
        return name in judged

    if own is not None:
        _own(spec, answers, mode, keep=correct)
    verdicts: dict[str, str] = {}
    rows = []
    for name in _in_order(truth):
        if name not in answers.values:
            continue
        given, expected, mine = answers.values[name], truth[name], own.computed.get(name) if own else None
        if name not in judged:  # not reached by the pass (it stopped at a value past the limits)
            correct(name, None)
        verdict, rounded_from = judged.get(name, (None, None))
        if verdict is None:
            close_to_own = mine is not None and not _same(mine, expected) and judge.close(given, mine, name, own=True)
            verdict = CARRIED if close_to_own else WRONG
        verdicts[name] = verdict
        rows.append((name, given, expected, mine, verdict, rounded_from))
    out = []
    for name, given, expected, mine, verdict, rounded_from in rows:
        why = diagnose(name, given, spec, own, truth, judge, verdicts, answers) if verdict == WRONG and own else ""
        step = correct_step(name, spec, own, truth, judge, verdicts, answers) if verdict == WRONG and own else ""
        out.append(Row(name, given, expected, mine, verdict, why, answers.written.get(name, ""),
                       decimals=judge.decimals(name), formula=step, rounded_from=rounded_from))
    return Check(spec, mode, tolerance, tuple(out))


def _own(spec: Spec, answers: Answers, mode: Mode, keep: Any = None) -> Any:
    """The student's own trace (:mod:`derive.checking.own`), or None where their values take it past
    the arithmetic's limits (a z of 10^999) or out of its domain (a BCE gradient at a ŷ that
    rounds to 1 divides by 0): then nothing follows from them, and each value is judged
    against the true one alone."""
    try:
        with np.errstate(all="ignore"):  # float mode: an inf the student wrote gives nan, judged wrong
            return own_trace(spec, answers.values, answers.example, mode, keep)
    except (SpecError, ArithmeticError, ValueError):
        return None


def _followed(spec: Spec, answers: Answers, mode: Mode) -> dict[str, Any]:
    own = _own(spec, answers, mode)
    return own.computed if own else {}


def _in_order(truth: dict[str, Any]) -> list[str]:
    """The trace's order, with the deltas from the output layer back, as they are computed."""
    names = list(truth)
    deltas = [n for n in names if n.startswith("delta")]
    backward = sorted(deltas, key=lambda n: -int(n[5:n.index("[")]))
    first = names.index(deltas[0]) if deltas else 0
    rest = [n for n in names if not n.startswith("delta")]
    return rest[:first] + backward + rest[first:]


def _same(a: Any, b: Any) -> bool:
    try:
        return abs(float(a) - float(b)) <= 1e-12 * max(1.0, abs(float(b)))
    except TypeError:
        return a == b
