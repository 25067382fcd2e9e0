"""What a problem kind produces: a statement, questions, worked solution steps, key entries.

Every number in these objects was computed by :mod:`derive`; the kinds only choose what to
ask and how to name it. Values print through :class:`generate.printing.SheetPrinter`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from gradsheet.derive.errors import SpecError
from gradsheet.derive.printing.step import Section


class Degenerate(Exception):
    """A sampled variant that would make a bad exercise; the sampler draws again."""


class Refused(SpecError):
    """Bad input found while drawing that every draw would hit (a lecture network on a kink,
    a placeholder the problem has not): reported at once, not drawn again."""


@dataclass(frozen=True)
class Answer:
    """One key entry: ``part`` uses the names of ``derive``'s JSON (``grad_W1[2,2]``)."""

    part: str
    label: str  # LaTeX, e.g. \frac{\partial C}{\partial w^{(1)}_{22}}
    value: Any  # the exact (or float) value, unrounded
    shown: str  # as the key and the solution print it (LaTeX)
    key_value: float | str  # rounded to the exam's decimals; a string for non-numeric answers
    tolerance: float = 0.0


@dataclass(frozen=True)
class Question:
    """One ``\\part`` of a problem: what to do, and its points."""

    text: str  # LaTeX
    points: int
    parts: tuple[str, ...] = ()  # the answers it asks for: its points are shared over them when graded
    by_hand: str = ""  # what else it asks that no answer field takes ("its range"), said where it is graded


@dataclass(frozen=True)
class Problem:
    kind: str
    title: str
    points: int
    statement: Mapping[str, Any]  # the kind's template context (LaTeX strings)
    questions: tuple[Question, ...]
    solution: tuple[Section, ...]
    answers: tuple[Answer, ...]
    figure: Any = None  # generate.figure.Figure
    network: Mapping[str, Any] | None = None  # the derive spec this variant computes from
    fingerprint: str = ""  # equal fingerprints = identical variants
    notes: tuple[str, ...] = field(default_factory=tuple)
    data: Mapping[str, Any] = field(default_factory=dict)  # what grading needs that the network does not hold (JSON)
