"""The problem kinds: each module turns a seeded draw into a :class:`~generate.problem.Problem`.

A kind is a :class:`Kind`: ``options`` reads and validates its spec table once, ``make``
draws one variant (raising :class:`~generate.problem.Degenerate` to be drawn again), and
``capacity`` counts its distinct variants where they are few enough to run out (None: more
than any roster needs).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any, Callable

import numpy as np

from ..carry import Follow
from ..options import Table
from ..problem import Problem
from ..sheet import Sheet


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    summary: str  # one line for --help
    options: Callable[[Table, str], Any]
    make: Callable[[np.random.Generator, Any, Sheet, int], Problem]
    capacity: Callable[[Any], int | None] = lambda options: None
    widen: str = ""  # how to get more distinct variants, for the error when a roster needs more
    follow: Follow | None = None  # how its answers compute from each other, for carried credit
    # what every draw under these options computes first (an activation's exact functions),
    # made before the drawing forks its workers, so that each inherits it instead of making it again
    prepare: Callable[[Any], None] = lambda options: None


NAMES = ("forward", "backprop", "update", "chain_rule", "activation", "param_count", "regularization",
         "batching", "dropout", "perceptron", "autodiff")


def get(name: str) -> Kind:
    return import_module(f"{__name__}.{name}").KIND  # type: ignore[no-any-return]


class TooFewPoints(Exception):
    """A problem's points cannot give each of its questions one: ``needed`` is how many it asks."""

    def __init__(self, needed: int) -> None:
        super().__init__(needed)
        self.needed = needed


def split_points(total: int, weights: list[int]) -> list[int]:
    """Share ``total`` points over parts in proportion to ``weights``; the shares add up exactly,
    and every part gets at least one: a question worth nothing reads as a mistake (and is a
    0-weight field in Moodle and QTI), so fewer points than questions is :class:`TooFewPoints`."""
    if total < len(weights):
        raise TooFewPoints(len(weights))
    floor = 1
    rest, whole = total - floor * len(weights), sum(weights)
    shares = [floor + rest * w // whole for w in weights]
    for i in sorted(range(len(weights)), key=lambda i: -(rest * weights[i] % whole))[: total - sum(shares)]:
        shares[i] += 1
    return shares
