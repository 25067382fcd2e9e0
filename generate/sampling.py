"""Seeded draws: a variant depends only on (exam seed, student id, problem index, attempt).

Each (student, problem) pair gets its own random stream from a SHA-256 of those four
values, so adding a student to the roster changes nobody else's sheet and any sheet can be
drawn again from the key alone. ``attempt`` counts the draws rejected as degenerate.
"""

from __future__ import annotations

import hashlib
from fractions import Fraction
from functools import cache
from typing import Sequence, TypeVar

import numpy as np
import sympy as sp

T = TypeVar("T")


def variant_rng(seed: int, student: str, index: int, attempt: int) -> np.random.Generator:
    digest = hashlib.sha256(f"{seed}\x1f{student}\x1f{index}\x1f{attempt}".encode()).digest()
    return np.random.Generator(np.random.PCG64(int.from_bytes(digest[:16], "big")))


def integer(rng: np.random.Generator, low: int, high: int, nonzero: bool = False) -> sp.Integer:
    """An integer in [low, high], zero excluded on request."""
    while True:
        value = int(rng.integers(low, high + 1))
        if value or not nonzero:
            return _number(value, 1)


def one_decimal(rng: np.random.Generator, low: str, high: str, nonzero: bool = True) -> sp.Rational:
    """A number with one decimal place in [low, high]."""
    lo, hi = _tenths(low), _tenths(high)
    while True:
        tenths = int(rng.integers(lo, hi + 1))
        if tenths or not nonzero:
            return _number(tenths, 10)


@cache
def _tenths(text: str) -> int:
    return int(Fraction(text) * 10)


@cache
def _number(p: int, q: int) -> sp.Rational:
    """p/q as SymPy's number, made once: a class draws the same few dozen numbers tens of
    thousands of times, and SymPy's constructor costs more than the draw."""
    return sp.Rational(p, q)


def pick(rng: np.random.Generator, options: Sequence[T]) -> T:
    return options[int(rng.integers(len(options)))]
