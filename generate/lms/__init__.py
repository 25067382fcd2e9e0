"""Learning-management-system exports over the same draw as the PDFs (R/exams' one driver per
format): the statement, the questions, the key's values and tolerances and the worked solution
of every variant, as Moodle XML (:mod:`.moodle`).

:mod:`.html` turns the LaTeX the templates write into HTML with its mathematics left as TeX
for MathJax; :mod:`.figures` compiles the figures once and converts each page to SVG.
"""

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .. import key as key_format


@dataclass(frozen=True)
class Weights:
    """Each key entry's printed points as an integer over one denominator: its question's points
    shared over the answers it asks, times the least common denominator of the shares (4 parts of
    a 6-point question are 3/2 each: weight 3, denominator 2). Integers add exactly in every LMS."""

    of: dict[str, int]
    denominator: int

    @property
    def total(self) -> Fraction:
        """The printed points they share."""
        return Fraction(sum(self.of.values()), self.denominator)

    @property
    def whole(self) -> bool:
        """Whether every share is a whole number of points (the weights are the points)."""
        return self.denominator == 1


def weights(problem: Any) -> Weights:
    """The entries' points as integer weights over their least common denominator."""
    points = key_format.part_points(problem)
    scale = math.lcm(*(p.denominator for p in points.values())) if points else 1
    return Weights({part: int(p * scale) for part, p in points.items()}, scale)


# the words a key's text answers are drawn from, offered as the choices of a question
CHOICES = (("yes", "no"), ("forward", "reverse"))


def choices(answer: str) -> tuple[str, ...]:
    """The words offered for a text answer, in a fixed order: yes/no, forward/reverse."""
    return next((c for c in CHOICES if answer in c), (answer,))
