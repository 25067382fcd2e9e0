"""Printers for numbers, vectors, matrices and the lectures' symbols: plain text and LaTeX.

One settings object, one method per kind of thing (as SymPy's printers): the step builder in
:mod:`derive.printing.steps` writes each equation once and a printer decides how it looks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, Sequence

import mpmath
import numpy as np
import sympy as sp

from ..engine.notation import Notation
from ..engine.numbers import Mode, Real, fixed


@dataclass(frozen=True)
class Printer:
    """Base: how numbers look in a mode. Subclasses say how symbols and arrays look."""

    mode: Mode
    notation: Notation = Notation()
    digits: int = 10  # significant digits for floats and irrational exact values

    def number(self, value: Any) -> str:
        if self.mode.name == "hand":
            return self._decimal(value, self.mode.decimals or 0)
        if isinstance(value, (float, np.floating)):
            return self._float(float(value))
        if isinstance(value, int):  # before SymPy's types are asked for: the float route runs without SymPy
            return self._minus(str(int(value)))
        if isinstance(value, Real):
            return self._approx(mpmath.nstr(value.approx, self.digits, strip_zeros=True))
        if isinstance(value, (int, sp.Integer)):
            return self._minus(str(int(value)))
        if isinstance(value, sp.Rational):
            return self._fraction(int(value.p), int(value.q))
        return self._float(float(value))

    def _decimal(self, value: Any, decimals: int) -> str:
        return self._minus(fixed(value, decimals))

    def _float(self, value: float) -> str:
        # −0.0 (0.7 · (−1.15) · 0) is 0 to a reader: a "−0" reads as a slip or a sign
        text = _significant(value + 0.0, self.digits)
        return self._minus(text if "e" not in text else self._scientific(text))

    def _scientific(self, text: str) -> str:
        return text

    def _minus(self, text: str) -> str:
        return text

    def _fraction(self, p: int, q: int) -> str:
        return self._minus(f"{p}/{q}")

    def _approx(self, text: str) -> str:
        return "≈" + self._minus(text)


@lru_cache(maxsize=1 << 16)
def _significant(value: float, digits: int) -> str:
    """``value`` to ``digits`` significant digits, halves away from zero, as %g writes it.
    Cached: a derivation prints each value in many steps (a float derivation of 100,000 values
    formats half a million numbers)."""
    wide = f"{value:.{digits + 2}e}"
    # format rounds the double's exact value correctly, except exactly on a half, which it
    # rounds to even: only a value whose next digits read 50 can be one
    if wide[digits + 1 + (wide[0] == "-"):digits + 3 + (wide[0] == "-")] == "50":
        value = half_away(value, digits)
    return f"{value:.{digits}g}"


def significant(exact: Decimal, digits: int) -> Decimal:
    """``exact`` rounded to ``digits`` significant digits, halves away from zero."""
    return exact.quantize(Decimal(1).scaleb(exact.adjusted() - digits + 1), rounding=ROUND_HALF_UP)


def half_away(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits half away from zero, as the sheets
    round: 0.28125 to 4 digits is 0.2813 (format's round-half-even gave 0.2812 for a value
    that sits exactly on the half, as a binary fraction can)."""
    if not value or value != value or value in (float("inf"), float("-inf")):
        return value
    result = float(significant(Decimal(value), digits))  # the double's exact binary value, rounded
    return result if result not in (float("inf"), float("-inf")) else value  # 1.8·10³⁰⁸ rounds past float's range


class TextPrinter(Printer):
    def _minus(self, text: str) -> str:
        return text.replace("-", "−")

    def _fraction(self, p: int, q: int) -> str:
        text = self._minus(f"{p}/{q}")
        # A long exact fraction is unreadable alone; its decimal value goes beside it.
        if len(text) <= LONG_FRACTION:
            return text
        with mpmath.workdps(self.digits + 5):  # p/q may be far past a float's range
            return f"{text} (≈{self._minus(mpmath.nstr(mpmath.mpf(p) / q, self.digits))})"

    def factor(self, value: Any) -> str:
        text = self.number(value)
        return f"({text})" if text.startswith("−") else text

    def vector(self, values: Sequence[Any]) -> str:
        return "(" + ", ".join(self.number(v) for v in values) + ")"

    def matrix(self, rows: Any) -> str:
        return "[" + "; ".join(", ".join(self.number(v) for v in row) for row in np.atleast_2d(rows)) + "]"

    def w(self, l: int, j: int, k: int) -> str:
        return self.notation.text_w(l, j, k)

    def b(self, l: int, j: int) -> str:
        return self.notation.text_b(l, j)

    def node(self, name: str, l: int, j: int | None = None) -> str:
        symbol = {"delta": "δ"}.get(name, name)
        return f"{symbol}{self.notation.text_layer(l)}" + (f"_{j}" if j is not None else "")

    def partial(self, of: str, wrt: str) -> str:
        return f"∂{of}/∂{wrt}"


# an exact number with more digits than this cannot sit on a printed line
LONG_DIGITS = 60
# a fraction longer than this ("p/q") is read by its decimal value, printed beside it
LONG_FRACTION = 16
_LONE_FRACTION = re.compile(r"(-?)\\frac\{(\d+)\}\{(\d+)\}")
# what LatexPrinter.glossed makes of one: the fraction, then its value (the layout may break between)
GLOSSED = re.compile(r"(-?\\frac\{\d+\}\{\d+\}) (\\approx -?[\d.]+(?: \\cdot 10\^\{-?\d+\})?)")


class LatexPrinter(Printer):
    def number(self, value: Any) -> str:
        if self.mode.name != "hand" and isinstance(value, (int, sp.Rational)) and not isinstance(value, bool):
            r = sp.Rational(value)
            if max(len(str(abs(r.p))), len(str(r.q))) > LONG_DIGITS:
                return self.approximately(r)
        return super().number(value)

    def glossed(self, tex: str) -> str:
        """A result as printed, with its decimal value beside it where it is a long exact
        fraction (\\frac{318404458255351426603316088921}{745058059692382812500000} says
        nothing until it reads ≈ 427355.2297). Only a lone result: inside a product or a
        matrix the gloss would crowd a line that is already full."""
        m = _LONE_FRACTION.fullmatch(tex)
        if m is None or len(m[2]) + len(m[3]) + 1 <= LONG_FRACTION:
            return tex
        # ten significant digits, as the text printer's gloss: 427355.2297, not 427355.0
        return f"{tex} {self.approximately(sp.Rational(int(m[1] + m[2]), int(m[3])), max(self.digits, 10))}"

    def approximately(self, value: Any, digits: int | None = None) -> str:
        """``\\approx`` and the value to the printer's significant digits, for a page too narrow for it."""
        _, approx = Real.parts(value)
        text = mpmath.nstr(approx, digits or self.digits, strip_zeros=True, min_fixed=-4, max_fixed=8)
        if "e" in text:
            text = self._scientific(text.replace("e+", "e"))
        return rf"\approx {text}"

    def _minus(self, text: str) -> str:
        return text

    def _fraction(self, p: int, q: int) -> str:
        sign = "-" if p < 0 else ""
        return rf"{sign}\frac{{{abs(p)}}}{{{q}}}"

    def _approx(self, text: str) -> str:
        return text

    def _scientific(self, text: str) -> str:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \cdot 10^{{{int(exponent)}}}"

    def vector(self, values: Sequence[Any]) -> str:
        return r"\begin{pmatrix}" + r" \\ ".join(self.number(v) for v in values) + r"\end{pmatrix}"

    def matrix(self, rows: Any) -> str:
        body = r" \\ ".join(" & ".join(self.number(v) for v in row) for row in np.atleast_2d(rows))
        return r"\begin{pmatrix}" + body + r"\end{pmatrix}"

    def w(self, l: int, j: int, k: int) -> str:
        return self.notation.w(l, j, k)

    def b(self, l: int, j: int) -> str:
        return self.notation.b(l, j)

    def node(self, name: str, l: int, j: int | None = None) -> str:
        return self.notation.node(name, l, j)

    def partial(self, of: str, wrt: str) -> str:
        return rf"\frac{{\partial {of}}}{{\partial {wrt}}}"

    def factor(self, value: Any) -> str:
        """A number as a factor in a product: negative ones in parentheses."""
        text = self.number(value)
        return f"\\left({text}\\right)" if text.startswith("-") else text
