"""An activation's formula with a printed number in place of z, as a student writes it down
before evaluating: σ(0.3000) = 1/(1 + e^(−0.3000)), ReLU(−0.5) = 0, and softmax's
exponentials over their sum. The number goes in as printed, so the step computes from what
the reader sees.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

import sympy as sp
from sympy.printing.latex import LatexPrinter

from .activations import SELU_ALPHA, SELU_LAMBDA, Activation, a, z

_SLOT = "zSLOT"  # a symbol name that sorts among the terms where z does
# SELU's constants by name: their 30 digits would swamp the step (the rule line defines them)
SELU_CONSTANTS = (sp.Symbol("lambda"), sp.Symbol("alpha"))


def written(act: Activation) -> sp.Expr:
    """σ(z) as the lectures write it: tanh through exponentials, so it can be evaluated by hand,
    and SELU with λ and α by name."""
    if act.name == "tanh":
        return act.expr.rewrite(sp.exp)
    if act.name == "selu":
        lam, alpha = SELU_CONSTANTS
        return sp.Piecewise((lam * z, z > 0), (lam * alpha * (sp.exp(z) - 1), True))
    return act.expr


def branch(expr: sp.Expr, at: sp.Rational, var: sp.Symbol = z) -> sp.Expr:
    """The branch of a piecewise function that holds at ``var = at`` (the expression itself otherwise)."""
    if not isinstance(expr, sp.Piecewise):
        return expr
    for piece, condition in expr.args:
        if condition is sp.true or bool(condition.subs(var, at)):
            return piece
    raise ValueError(f"no branch of {expr} holds at {at}")


def substituted(expr: sp.Expr, var: sp.Symbol, number: str, latex: bool) -> str:
    """``expr`` with ``var`` replaced by the printed number (or symbol), kept unevaluated."""
    negative = number.startswith(("-", "−"))
    text = _with_slot(expr, var, latex)
    if "^" in number:  # a symbol with a layer index, raised to a power: a^{(2)}^{2} is no TeX
        text = text.replace(f"{_SLOT}^", rf"\left({number}\right)^" if latex else f"({number})^")
    text = text.replace(_SLOT, f"({number})" if negative else number)
    if negative:  # a negative number alone in an exponent or an argument needs no second pair
        text = text.replace(f"{{({number})}}", f"{{{number}}}").replace(f"(({number}))", f"({number})")
        text = re.sub(r"\\left\(\s*\(" + re.escape(number) + r"\)\s*\\right\)", lambda _: rf"\left({number}\right)", text)
    return text


@lru_cache(maxsize=None)
def _with_slot(expr: sp.Expr, var: sp.Symbol, latex: bool) -> str:
    # printing is most of a step's cost: each formula once, each point's number filled in
    slotted = expr.xreplace({var: sp.Symbol(_SLOT)})
    return _LATEX.doprint(slotted) if latex else (
        sp.sstr(slotted).replace("**", "^").replace("*", " · ").replace("-", "−").replace("lambda", "λ").replace("alpha", "α"))


class _StepLatexPrinter(LatexPrinter):
    """SymPy's LaTeX with e^{…} as exp(…) once the exponent holds a fraction: a fraction in a
    superscript is set in script-script size, too small to read on a sheet (GELU's e^{−z²/2})."""

    def _print_ExpBase(self, expr: sp.Expr, exp: str | None = None) -> str:
        power = self._print(expr.args[0])
        if r"\frac" not in power:
            return super()._print_ExpBase(expr, exp)
        tex = rf"\exp\left({power}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


_LATEX = _StepLatexPrinter({"ln_notation": True, "mul_symbol": "dot"})


def _point(value: object) -> sp.Expr:
    """A trace value as SymPy compares it with a branch's condition: exact stays exact."""
    return sp.Rational(value) if isinstance(value, (int, sp.Rational)) else sp.Float(float(value))  # type: ignore[arg-type]


def _named_constants(expr: sp.Expr) -> sp.Expr:
    lam, alpha = SELU_CONSTANTS
    return expr.xreplace({SELU_LAMBDA * SELU_ALPHA: lam * alpha, SELU_LAMBDA: lam})


def derivative(act: Activation) -> tuple[sp.Expr, sp.Symbol]:
    """σ' as the lectures compute it: in the output a where such a form exists (a(1 − a),
    1 − a²), in z otherwise; with the variable it is written in."""
    if act.prime_from_output is not None:
        return _named_constants(act.prime_from_output), a
    return _named_constants(act.prime_expr), z


def derivative_at(act: Activation, z_value: object, a_value: object, z_printed: str, a_printed: str,
                  latex: bool) -> str:
    """σ'(z) with the printed a (or z) in its formula; "" where the branch is a constant."""
    expr, var = derivative(act)
    value, printed = (a_value, a_printed) if var is a else (z_value, z_printed)
    formula = branch(expr, _point(value), var)
    if formula == var or not formula.free_symbols:
        return ""
    return substituted(formula, var, printed, latex)


def activation_at(act: Activation, value: object, printed: str, latex: bool) -> str:
    """σ at the printed z, the branch that holds at ``value``; "" where that says nothing
    more than the result (identity, ReLU's z > 0, a constant branch)."""
    formula = branch(written(act), _point(value))
    if formula == z or not formula.free_symbols:
        return ""
    return substituted(formula, z, printed, latex)


def softmax_at(printed: Sequence[str], j: int, latex: bool) -> str:
    """e^{z_j} / Σ_k e^{z_k} with the printed z's."""
    def e(number: str) -> str:
        return f"e^{{{number}}}" if latex else f"exp({number})"

    total = " + ".join(e(n) for n in printed)
    return rf"\frac{{{e(printed[j])}}}{{{total}}}" if latex else f"{e(printed[j])}/({total})"
