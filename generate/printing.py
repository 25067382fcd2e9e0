"""Numbers on a sheet: exact where they are short, else rounded to the exam's decimals.

A sheet prints ``-432``, ``1.432`` or ``0.7311`` (never ``0.7311000`` nor a fraction like
``\\frac{3}{10}`` for a one-decimal weight): a value with at most ``decimals`` places prints
exactly, any other value rounds half away from zero, as students are told to.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from gradsheet.derive.engine.numbers import Real
from gradsheet.derive.printing.printers import LatexPrinter


def to_decimal(value: Any) -> Decimal:
    """The value as a :class:`~decimal.Decimal` precise to far more places than any sheet prints."""
    if isinstance(value, Decimal):  # a value rounded already (a key's): as it is, not through SymPy's N
        return value
    if isinstance(value, (int, np.integer, sp.Integer)):
        return Decimal(int(value))
    if isinstance(value, sp.Rational):
        return Decimal(int(value.p)) / Decimal(int(value.q))
    if isinstance(value, Real):
        return Decimal(mpmath.nstr(value.approx, 40, min_fixed=-mpmath.inf, max_fixed=mpmath.inf))
    if isinstance(value, (float, np.floating)):
        return Decimal(repr(float(value)))
    return Decimal(str(sp.N(value, 40)))


def rounded(value: Any, decimals: int) -> Decimal:
    """Round half away from zero to ``decimals`` places (Decimal's ROUND_HALF_UP does that)."""
    # a sheet rounds the same few hundred numbers tens of thousands of times (checks, key,
    # statement, steps)
    return _cached(_ROUNDED, _rounded, value, decimals)


_ROUNDED: dict[tuple, Decimal] = {}


def _key(value: Any, decimals: int) -> tuple | None:
    """A number's cache key: its integers (SymPy's own hash costs more than the lookup saves)
    or the float itself, marked apart (2 and 2.0 print differently); None: not cached."""
    if isinstance(value, sp.Rational):
        return int(value.p), int(value.q), decimals
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value), 1, decimals
    if isinstance(value, float):
        return "float", value, decimals
    return None


def _cached(table: dict[tuple, Any], compute: Any, value: Any, decimals: int) -> Any:
    """``compute(value, decimals)``, kept in ``table`` by the number's key (at most 100,000)."""
    key = _key(value, decimals)
    if key is None:
        return compute(value, decimals)
    found = table.get(key)
    if found is None:
        if len(table) > 100_000:
            table.clear()
        found = table[key] = compute(value, decimals)
    return found


def _rounded(value: Any, decimals: int) -> Decimal:
    exact = to_decimal(value)
    with localcontext() as context:  # quantize needs every integer digit within the precision
        context.prec = max(context.prec, exact.adjusted() + decimals + 5)
        return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP) + 0  # -0 → 0


def plain(value: Any, decimals: int) -> str:
    """The rounded value with trailing zeros dropped: ``-432``, ``1.432``, ``0.7311``."""
    return _cached(_PLAIN, _plain, value, decimals)


_PLAIN: dict[tuple, str] = {}


def _plain(value: Any, decimals: int) -> str:
    text = format(rounded(value, decimals), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def grouped(n: int) -> str:
    r"""An integer in LaTeX with thin spaces between groups of three digits from 10 000 on
    (1\,000\,000), as SI writes them; 4-digit numbers stay whole (1000)."""
    text = str(abs(n))
    if len(text) > 4:
        text = r"\,".join(text[max(i - 3, 0):i] for i in range(len(text), 0, -3)[::-1])
    return ("-" if n < 0 else "") + text


def is_short(value: Any, decimals: int) -> bool:
    """True when the value has at most ``decimals`` places, so rounding loses nothing."""
    if isinstance(value, Real):
        return False
    if isinstance(value, (float, np.floating)):
        return to_decimal(value) == rounded(value, decimals)
    # p/q in lowest terms times 10^d is whole exactly when q divides 10^d
    q = int(value.q) if isinstance(value, sp.Rational) else int(sp.Rational(value).q)
    return 10**decimals % q == 0


def fixed(value: Any, decimals: int) -> str:
    """The value rounded to exactly ``decimals`` places, trailing zeros kept: ``0.4130``."""
    return _cached(_FIXED, _fixed, value, decimals)


_FIXED: dict[tuple, str] = {}


def _fixed(value: Any, decimals: int) -> str:
    text = format(rounded(value, decimals), "f")
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


@dataclass(frozen=True)
class SheetPrinter(LatexPrinter):
    """derive's LaTeX printer, with the sheet's number format: in hand mode (decimal-style
    solutions, every intermediate rounded) each number with exactly the sheet's decimals,
    else exact where short."""

    decimals: int = 4
    comma: bool = False  # a decimal comma, set {,} so that math mode does not space it as a list's

    def number(self, value: Any) -> str:
        text = fixed(value, self.decimals) if self.mode.name == "hand" else plain(value, self.decimals)
        return text.replace(".", "{,}") if self.comma else text
