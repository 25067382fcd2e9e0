"""Checking a student's hand computation: one verdict per value, errors carried forward.

Each value the student gives is compared with the true trace and with the student's own
trace (:mod:`derive.own`):

* ``correct``: within the tolerance of the true value;
* ``carried``: wrong against the truth, but right from the student's own earlier values
  (which differ from the true ones): the mistake was made earlier and is not counted again;
* ``wrong``: neither; :mod:`derive.mistakes` then names the typical mistake that gives
  exactly this value, when one does.

The tolerance admits a student who rounded every intermediate to D decimals as instructed
(``--decimals D``): the gap between the true value and the engine's hand-mode value, plus
half a unit in the last place. ``--tol`` gives a fixed absolute or relative tolerance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from . import backprop, quantities
from .answers import Answers
from .errors import SpecError
from .limits import MAX_DECIMALS
from .network import Spec
from .numbers import EXACT, FLOAT, Mode, hand, places
from .own import own_trace

CORRECT, WRONG, CARRIED = "correct", "wrong", "carried"


@dataclass(frozen=True)
class Tolerance:
    """How close counts as equal: rounding to ``decimals`` as instructed, or a fixed tolerance."""

    decimals: int | None = None
    absolute: float | None = None
    relative: float | None = None

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


@dataclass(frozen=True)
class Check:
    spec: Spec
    mode: Mode
    tolerance: Tolerance
    rows: tuple[Row, ...]

    def counts(self) -> dict[str, int]:
        return {v: sum(r.verdict == v for r in self.rows) for v in (CORRECT, CARRIED, WRONG)}


def inferred_tolerance(answers: Answers) -> Tolerance:
    """The most decimals the student wrote: a student giving 0.1235 rounded to 4. Beyond hand
    mode's 30 places (``limits.MAX_DECIMALS``) the comparison is at 30: far finer than any
    hand computation, and the rounded trace it needs stays within its limits."""
    if answers.decimals is None:
        return Tolerance()
    return Tolerance(decimals=min(answers.decimals, MAX_DECIMALS))


class Judge:
    """Compares a value with a reference under the tolerance, per entry."""

    def __init__(self, spec: Spec, answers: Answers, tolerance: Tolerance, mode: Mode,
                 truth: dict[str, Any], own: dict[str, Any]) -> None:
        self.tolerance, self.mode = tolerance, mode
        self.unit = None if tolerance.decimals is None else sp.Rational(1, 10 ** tolerance.decimals)
        # how far rounding every intermediate as instructed moves each value, true and own
        self._gap_true: dict[str, float] = {}
        self._gap_own: dict[str, float] = {}
        self._spec, self._example = spec, answers.example
        self._hand: dict[int, dict[str, Any]] = {}
        if tolerance.decimals is not None and tolerance.absolute is None and tolerance.relative is None:
            hand_true = self.hand_entries(tolerance.decimals)
            hand_own = _followed(spec, answers, hand(tolerance.decimals))
            self._gap_true = {n: abs(float(v) - float(truth[n])) for n, v in hand_true.items() if n in truth}
            self._gap_own = {n: abs(float(v) - float(own[n])) for n, v in hand_own.items() if n in own}

    def hand_entries(self, decimals: int) -> dict[str, Any]:
        """The true values with every intermediate rounded to ``decimals``, computed once."""
        if decimals not in self._hand:
            trace = backprop.trace(self._spec.network, self._spec.examples, hand(decimals))
            self._hand[decimals] = quantities.entries(trace, self._example)
        return self._hand[decimals]

    def allowance(self, name: str, reference: Any, own: bool = False) -> float:
        t = self.tolerance
        if t.absolute is not None:
            return t.absolute
        if t.relative is not None:
            return t.relative * abs(float(reference))
        if self.unit is None:
            return 0.0 if not self.mode.is_float else 1e-9 * max(1.0, abs(float(reference)))
        gap = (self._gap_own if own else self._gap_true).get(name, 0.0)
        # half a unit for the final rounding; a hair more so that a tie counts as rounded
        return float(self.unit) / 2 * (1 + 1e-9) + gap + 1e-12 * abs(float(reference))

    @property
    def exact(self) -> bool:
        t = self.tolerance
        return not self.mode.is_float and self.unit is None and t.absolute is None and t.relative is None

    def close(self, value: Any, reference: Any, name: str, own: bool = False) -> bool:
        if reference is None:
            return False
        if self.exact:
            return bool(sp.Rational(value) == reference)
        return abs(float(value) - float(reference)) <= self.allowance(name, reference, own)


def check(spec: Spec, answers: Answers, tolerance: Tolerance | None = None) -> Check:
    """One :class:`Row` per given value, in the order of the trace."""
    from .mistakes import diagnose

    tolerance = tolerance or inferred_tolerance(answers)
    mode = EXACT if spec.network.rational else FLOAT
    truth = quantities.entries(backprop.trace(spec.network, spec.examples, mode), answers.example)
    own = _own(spec, answers, mode)
    judge = Judge(spec, answers, tolerance, mode, truth, own.computed if own else {})
    verdicts: dict[str, str] = {}
    rows = []
    for name in _in_order(truth):
        if name not in answers.values:
            continue
        given, expected, mine = answers.values[name], truth[name], own.computed.get(name) if own else None
        if judge.close(given, expected, name):
            verdict = CORRECT
        elif mine is not None and not _same(mine, expected) and judge.close(given, mine, name, own=True):
            verdict = CARRIED
        else:
            verdict = WRONG
        verdicts[name] = verdict
        rows.append((name, given, expected, mine, verdict))
    out = []
    for name, given, expected, mine, verdict in rows:
        why = diagnose(name, given, spec, own, truth, judge, verdicts, answers) if verdict == WRONG and own else ""
        out.append(Row(name, given, expected, mine, verdict, why, answers.written.get(name, "")))
    return Check(spec, mode, tolerance, tuple(out))


def _own(spec: Spec, answers: Answers, mode: Mode) -> Any:
    """The student's own trace (:mod:`derive.own`), or None where their values take it past
    the arithmetic's limits (a z of 10^999): then nothing follows from them, and each value
    is judged against the true one alone."""
    try:
        with np.errstate(all="ignore"):  # float mode: an inf the student wrote gives nan, judged wrong
            return own_trace(spec, answers.values, answers.example, mode)
    except SpecError:
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
