"""The small expression trees a trace line is written in, and their text and LaTeX printers.

A trace line such as ``v̇₂ = v̇₋₁ × v₀ + v̇₀ × v₋₁ = 1 × 5 + 0 × 2 = 5`` keeps the operations
in the order they were written; SymPy would reorder the factors and turn ``a − b`` into
``a + (−1)·b``. So lines are built from these nodes, numbers are substituted into them by
:func:`substitute`, and one printer per format (one ``_print_X`` per node type, as SymPy's
printers) decides how they look.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Mapping

import mpmath
import numpy as np
import sympy as sp

from ..engine import activations
from ..engine.numbers import Real, round_half_away


@dataclass(frozen=True)
class Sym:
    """A named quantity: ``v_{-1}``, ``\\dot v_3``, ``\\bar x_1``, ``w^{(1)}_{12}``.

    ``accent`` is ``""``, ``"dot"`` (a tangent) or ``"bar"`` (an adjoint).
    """

    base: str
    sub: str = ""
    sup: str = ""
    accent: str = ""

    def dot(self) -> "Sym":
        return Sym(self.base, self.sub, self.sup, "dot")

    def bar(self) -> "Sym":
        return Sym(self.base, self.sub, self.sup, "bar")

    def plain(self) -> "Sym":
        return Sym(self.base, self.sub, self.sup)


@dataclass(frozen=True)
class Num:
    value: Any


@dataclass(frozen=True)
class Add:
    left: "Term"
    right: "Term"


@dataclass(frozen=True)
class Sub:
    left: "Term"
    right: "Term"


@dataclass(frozen=True)
class Mul:
    left: "Term"
    right: "Term"


@dataclass(frozen=True)
class Div:
    left: "Term"
    right: "Term"


@dataclass(frozen=True)
class Neg:
    arg: "Term"


@dataclass(frozen=True)
class Pow:
    base: "Term"
    exponent: sp.Rational


@dataclass(frozen=True)
class Call:
    """A named function of one argument: ``ln``, ``exp``, ``sin``, ``cos``, ``tanh``, ``σ``, ``ReLU``."""

    fn: str
    arg: "Term"


@dataclass(frozen=True)
class Positive:
    """The indicator [u > 0], ReLU's derivative (0 at the kink, as derive's convention)."""

    arg: "Term"


@dataclass(frozen=True)
class Partial:
    """The symbol ∂v_i/∂v_j, written before its value in an adjoint line (Baydin, Table 3)."""

    of: Sym
    wrt: Sym


@dataclass(frozen=True)
class Juxtapose:
    """Two factors written side by side without a sign: ``v̄₅ ∂v₅/∂v₃``."""

    left: "Term"
    right: "Term"


Term = Sym | Num | Add | Sub | Mul | Div | Neg | Pow | Call | Positive | Partial | Juxtapose


def total(terms: list[Term]) -> Term:
    """The sum of ``terms`` as written: a negated term is subtracted (``a − b``, not ``a + (−b)``)."""
    if not terms:
        return Num(sp.Integer(0))
    result = terms[0]
    for term in terms[1:]:
        result = Sub(result, term.arg) if isinstance(term, Neg) else Add(result, term)
    return result


def times(factor: Term, partial: Term, *, simplify: bool) -> Term:
    """``factor · partial``, as a person writes it: ``v̇/v`` for a partial 1/v; with ``simplify``
    (tangent lines) also ``v̇`` for a partial 1 and ``−v̇`` for −1, as Baydin's Table 2."""
    if isinstance(partial, Div) and partial.left == Num(sp.Integer(1)):
        return Div(factor, partial.right)
    if simplify and partial == Num(sp.Integer(1)):
        return factor
    if simplify and partial == Num(sp.Integer(-1)):
        return Neg(factor)
    return Mul(factor, partial)


def substitute(term: Term, values: Mapping[Sym, Any]) -> Term:
    """``term`` with each symbol that has a value replaced by that number."""
    if isinstance(term, Sym):
        return Num(values[term]) if term in values else term
    if isinstance(term, (Num, Partial)):
        return term
    if isinstance(term, (Add, Sub, Mul, Div, Juxtapose)):
        return type(term)(substitute(term.left, values), substitute(term.right, values))
    if isinstance(term, Neg):
        return Neg(substitute(term.arg, values))
    if isinstance(term, Pow):
        return Pow(substitute(term.base, values), term.exponent)
    if isinstance(term, Call):
        return Call(term.fn, substitute(term.arg, values))
    if isinstance(term, Positive):
        return Positive(substitute(term.arg, values))
    raise TypeError(f"not a term: {term!r}")


# Binding strength: a child binding less tightly than its parent needs parentheses.
_SUM, _PRODUCT, _UNARY, _POWER, _ATOM = 1, 2, 3, 4, 5


@dataclass(frozen=True)
class NumberStyle:
    """How a number looks in a trace: integers and short fractions exactly, everything
    else to ``decimals`` places, marked ≈ when the rounding changed it."""

    decimals: int = 3
    fractions: bool = True  # a short exact fraction as p/q (1/3), or rounded like any decimal
    fixed: bool = False  # hand mode: a decimal with all its places (0.830: rounded to 3, not 0.83)

    def parts(self, value: Any) -> tuple[str, bool]:
        """(the number's text without its sign convention applied, whether it is rounded)."""
        if isinstance(value, (int, sp.Integer)):
            return str(int(value)), False
        if isinstance(value, sp.Rational):
            p, q = int(value.p), int(value.q)
            scaled = value * 10 ** self.decimals
            if scaled == int(scaled):  # terminates within the places shown: 1/2 is 0.5
                return _digits(int(scaled), self.decimals, strip=not self.fixed), False
            if self.fractions and len(f"{p}/{q}") <= 7:
                return f"{p}/{q}", False
            # exactly, whatever its size: a float's 16 digits would misprint a 20-digit value
            return _digits(int(round_half_away(value, self.decimals) * 10 ** self.decimals), self.decimals), True
        if isinstance(value, Real):
            approx = value.approx
        elif isinstance(value, (float, np.floating)):
            x = float(value)
            if x == int(x) and abs(x) < 1e15:
                return str(int(x)), False
            text = _fixed(mpmath.mpf(x), self.decimals, strip=True)
            return text, float(text) != x
        else:
            approx = mpmath.mpf(sp.N(value, 40))
        return _fixed(approx, self.decimals), True


def _fixed(x: Any, decimals: int, strip: bool = False) -> str:
    """``x`` to ``decimals`` places, halves away from zero (``strip``: no trailing zeros)."""
    with mpmath.workdps(max(30, decimals + 20)):
        scaled = int(mpmath.nint(x * mpmath.mpf(10) ** decimals))
    return _digits(scaled, decimals, strip)


def _digits(scaled: int, decimals: int, strip: bool = False) -> str:
    """The integer ``scaled`` = x·10^decimals written as x with ``decimals`` places."""
    digits = str(abs(scaled)).rjust(decimals + 1, "0")
    whole, frac = digits[: len(digits) - decimals], digits[len(digits) - decimals:] if decimals else ""
    if strip:
        frac = frac.rstrip("0")
    sign = "-" if scaled < 0 else ""
    return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"


class TermPrinter:
    """Base printer: the layout rules; subclasses give the symbols of one format."""

    times_sign = "×"

    def __init__(self, numbers: NumberStyle = NumberStyle()) -> None:
        self.numbers = numbers

    def doprint(self, term: Term) -> str:
        return self._print(term)

    def approx(self, value: Any) -> bool:
        """Whether ``value`` prints rounded (its line then ends in ≈ rather than =)."""
        return self.numbers.parts(value)[1]

    def _print(self, term: Term) -> str:
        return getattr(self, f"_print_{type(term).__name__}")(term)

    def _strength(self, term: Term) -> int:
        if isinstance(term, (Add, Sub)):
            return _SUM
        if isinstance(term, (Mul, Div, Juxtapose)):
            return _PRODUCT
        if isinstance(term, Neg) or (isinstance(term, Num) and self.numbers.parts(term.value)[0].startswith("-")):
            return _UNARY
        if isinstance(term, Num) and "/" in self.numbers.parts(term.value)[0]:
            return _PRODUCT
        if isinstance(term, Pow):
            return _POWER
        return _ATOM

    def _operand(self, term: Term, parent: int, right: bool = False) -> str:
        strength = self._strength(term)
        # a signed operand after an operator is bracketed: 5 × (−2), a − (−b)
        needs = strength < parent or (right and strength <= parent) or (right and strength == _UNARY)
        return self._paren(self._print(term)) if needs else self._print(term)

    def _print_Add(self, t: Add) -> str:
        return f"{self._operand(t.left, _SUM)} + {self._operand(t.right, _SUM, right=True)}"

    def _print_Sub(self, t: Sub) -> str:
        return f"{self._operand(t.left, _SUM)} {self.minus} {self._operand(t.right, _SUM, right=True)}"

    def _print_Mul(self, t: Mul) -> str:
        # a signed factor is bracketed on either side: (−144) × (−3), never + −144 × …
        left = self._operand(t.left, _PRODUCT, right=self._strength(t.left) == _UNARY)
        return f"{left} {self.times_sign} {self._operand(t.right, _PRODUCT, right=True)}"

    def _print_Juxtapose(self, t: Juxtapose) -> str:
        return f"{self._operand(t.left, _PRODUCT)} {self._operand(t.right, _PRODUCT)}"

    def _print_Neg(self, t: Neg) -> str:
        # −v₂/v₀² needs no brackets; −(a + b) and −(−a) do
        strength = self._strength(t.arg)
        needs = strength < _PRODUCT or strength == _UNARY
        return self.minus + (self._paren(self._print(t.arg)) if needs else self._print(t.arg))

    def _print_Num(self, t: Num) -> str:
        text = self.numbers.parts(t.value)[0]
        return self.minus + text[1:] if text.startswith("-") else text

    @property
    def minus(self) -> str:
        return "−"

    def _paren(self, text: str) -> str:
        return f"({text})"


_SUBSCRIPTS = str.maketrans("0123456789-+()", "₀₁₂₃₄₅₆₇₈₉₋₊₍₎")
_ACCENTS = {"": "", "dot": "\u0307", "bar": "\u0304"}
_TEXT_FUNCTIONS = {"log": "ln", "sigmoid": "σ", "relu": "ReLU"}


class TextTermPrinter(TermPrinter):
    """Plain text with Unicode: ``v̄₋₁ = v̄₂ × v₀`` (NFC: ẋ and ȳ as single characters)."""

    def doprint(self, term: Term) -> str:
        return unicodedata.normalize("NFC", self._print(term))

    def _print_Sym(self, t: Sym) -> str:
        sub = t.sub.translate(_SUBSCRIPTS) if all(c in "0123456789-+()" for c in t.sub) else (f"_{t.sub}" if t.sub else "")
        sup = f"^{t.sup}" if t.sup else ""
        return f"{t.base}{_ACCENTS[t.accent]}{sup}{sub}"

    def _print_Div(self, t: Div) -> str:
        return f"{self._operand(t.left, _PRODUCT)}/{self._operand(t.right, _PRODUCT, right=True)}"

    def _print_Pow(self, t: Pow) -> str:
        exponent = {2: "²", 3: "³"}.get(int(t.exponent), None) if t.exponent.is_integer else None
        base = self._operand(t.base, _POWER, right=True)
        if exponent is None:
            text = str(t.exponent).replace("-", "−")
            exponent = "^" + (text if text.isdigit() else f"({text})")
        return f"{base}{exponent}"

    def _print_Call(self, t: Call) -> str:
        return f"{_TEXT_FUNCTIONS.get(t.fn, t.fn)}({self._print(t.arg)})"

    def _print_Positive(self, t: Positive) -> str:
        return f"[{self._print(t.arg)} > 0]"

    def _print_Partial(self, t: Partial) -> str:
        return f"∂{self._print(t.of)}/∂{self._print(t.wrt)}"


_LATEX_FUNCTIONS = {"log": r"\ln", "exp": r"\exp", "sin": r"\sin", "cos": r"\cos", "tanh": r"\tanh",
                    "sigmoid": r"\sigma", "relu": r"\operatorname{ReLU}"}


def _activation_head(fn: str) -> str:
    """An activation's name as the lectures write it (\\mathrm{step}), primed for its derivative."""
    name = fn.rstrip("'")
    head = activations.get(name).latex if name in activations.NAMES else rf"\operatorname{{{name}}}"
    return head + "'" * (len(fn) - len(name))


_LATEX_LETTERS = {"δ": r"\delta", "σ": r"\sigma", "alpha": r"\alpha", "beta": r"\beta", "theta": r"\theta"}


class LatexTermPrinter(TermPrinter):
    """LaTeX for math mode: ``\\bar{v}_{-1} = \\bar{v}_{2} \\times v_{0}``."""

    times_sign = r"\times"

    @property
    def minus(self) -> str:
        return "-"

    def _paren(self, text: str) -> str:
        return rf"\left({text}\right)"

    def _print_Sym(self, t: Sym) -> str:
        letter = _LATEX_LETTERS.get(t.base, t.base)
        base = {"dot": rf"\dot{{{letter}}}", "bar": rf"\bar{{{letter}}}"}.get(t.accent, letter)
        sup = f"^{{{t.sup}}}" if t.sup else ""
        sub = f"_{{{t.sub}}}" if t.sub else ""
        return f"{base}{sup}{sub}"

    def _print_Num(self, t: Num) -> str:
        text = self.numbers.parts(t.value)[0]
        if "/" in text:
            p, q = text.lstrip("-").split("/")
            return ("-" if text.startswith("-") else "") + rf"\tfrac{{{p}}}{{{q}}}"
        return text

    def _print_Div(self, t: Div) -> str:
        return rf"\frac{{{self._print(t.left)}}}{{{self._print(t.right)}}}"

    def _print_Pow(self, t: Pow) -> str:
        exponent = str(t.exponent)
        base = self._operand(t.base, _POWER, right=True)
        if isinstance(t.base, Sym) and t.base.sup:
            base = f"{{{base}}}"  # z^{(2)}_{1} squared: one more superscript needs a group
        return f"{base}^{{{exponent}}}"

    def _print_Call(self, t: Call) -> str:
        fn = _LATEX_FUNCTIONS.get(t.fn) or _activation_head(t.fn)
        arg = self._print(t.arg)
        bare = isinstance(t.arg, Sym) or (isinstance(t.arg, Num) and self._strength(t.arg) == _ATOM)
        if bare and t.fn in ("log", "exp", "sin", "cos", "tanh"):
            return f"{fn} {arg}"
        return rf"{fn}\left({arg}\right)"

    def _print_Positive(self, t: Positive) -> str:
        return rf"[{self._print(t.arg)} > 0]"

    def _print_Partial(self, t: Partial) -> str:
        return rf"\frac{{\partial {self._print(t.of)}}}{{\partial {self._print(t.wrt)}}}"


def printer_for(fmt: str, decimals: int = 3, fractions: bool = True, mode: Any = None) -> TermPrinter:
    """A printer for traces computed in ``mode``: in hand mode every decimal shows all its
    places, as the sheets print rounded values."""
    fixed = mode is not None and mode.name == "hand"
    return {"text": TextTermPrinter, "latex": LatexTermPrinter}[fmt](NumberStyle(decimals, fractions, fixed))

