"""An activation's formula with a printed number in place of z, as a student writes it down
before evaluating: σ(0.3000) = 1/(1 + e^(−0.3000)), ReLU(−0.5) = 0, and softmax's
exponentials over their sum. The number goes in as printed, so the step computes from what
the reader sees.

SymPy prints each formula once (:func:`compile_formula`: its branches, each with a slot for the
number); the shipped activations' printed formulas are stored with the package
(``formulas.json``), so that the float engine's steps print without importing SymPy, whose
import was most of ``derive --float --no-symbolic``'s start-up. A test compiles them again
and compares (``python -m gradsheet.derive.printing.at_point`` writes the file).
"""

from __future__ import annotations

import json
import numbers
import operator
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Callable, Literal, Sequence

import numpy as np
import sympy as sp

from ..engine.activations import NAMES, Activation, get

_SLOT = "zSLOT"  # a symbol name that sorts among the terms where z does
Kind = Literal["written", "derivative"]


@cache
def selu_constants() -> tuple[sp.Symbol, sp.Symbol]:
    """SELU's constants by name: their 30 digits would swamp the step (the rule line defines them)."""
    return sp.Symbol("lambda"), sp.Symbol("alpha")


def written(act: Activation) -> sp.Expr:
    """σ(z) as the lectures write it: tanh through exponentials, so it can be evaluated by hand,
    and SELU with λ and α by name."""
    from ..engine.activations import z

    if act.name == "tanh":
        return act.expr.rewrite(sp.exp)
    if act.name == "selu":
        lam, alpha = selu_constants()
        return sp.Piecewise((lam * z, z > 0), (lam * alpha * (sp.exp(z) - 1), True))
    return act.expr


def branch(expr: sp.Expr, at: sp.Rational, var: sp.Symbol | None = None) -> sp.Expr:
    """The branch of a piecewise function that holds at ``var = at`` (default: z; the
    expression itself where it is not piecewise)."""
    if not isinstance(expr, sp.Piecewise):
        return expr
    if var is None:
        from ..engine.activations import z as var
    for piece, condition in expr.args:
        if condition is sp.true or bool(condition.subs(var, at)):
            return piece
    raise ValueError(f"no branch of {expr} holds at {at}")


def substituted(expr: sp.Expr, var: sp.Symbol, number: str, latex: bool) -> str:
    """``expr`` with ``var`` replaced by the printed number (or symbol), kept unevaluated."""
    return fill(_with_slot(expr, var, latex), number, latex)


def fill(slotted: str, number: str, latex: bool) -> str:
    """A formula printed with a slot for its variable (:func:`_with_slot`), the number put in."""
    negative = number.startswith(("-", "−"))
    text = slotted
    if "^" in number:  # a symbol with a layer index, raised to a power: a^{(2)}^{2} is no TeX
        text = text.replace(f"{_SLOT}^", rf"\left({number}\right)^" if latex else f"({number})^")
    text = text.replace(_SLOT, f"({number})" if negative else number)
    if negative:  # a negative number alone in an exponent or an argument needs no second pair
        text = text.replace(f"{{({number})}}", f"{{{number}}}").replace(f"(({number}))", f"({number})")
        if r"\left" in text and f"({number})" in text:  # each pattern is compiled anew: rarely needed
            text = re.sub(r"\\left\(\s*\(" + re.escape(number) + r"\)\s*\\right\)", lambda _: rf"\left({number}\right)",
                          text)
    return text


@lru_cache(maxsize=None)
def _with_slot(expr: sp.Expr, var: sp.Symbol, latex: bool) -> str:
    # printing is most of a step's cost: each formula once, each point's number filled in
    slotted = expr.xreplace({var: sp.Symbol(_SLOT)})
    return _latex_printer().doprint(slotted) if latex else (
        sp.sstr(slotted).replace("**", "^").replace("*", " · ").replace("-", "−").replace("lambda", "λ").replace("alpha", "α"))


@cache
def _latex_printer() -> Any:
    from sympy.printing.latex import LatexPrinter

    class StepLatexPrinter(LatexPrinter):
        """SymPy's LaTeX with e^{…} as exp(…) once the exponent holds a fraction: a fraction in a
        superscript is set in script-script size, too small to read on a sheet (GELU's e^{−z²/2})."""

        def _print_ExpBase(self, expr: sp.Expr, exp: str | None = None) -> str:
            power = self._print(expr.args[0])
            if r"\frac" not in power:
                return super()._print_ExpBase(expr, exp)
            tex = rf"\exp\left({power}\right)"
            return tex if exp is None else rf"{tex}^{{{exp}}}"

    return StepLatexPrinter({"ln_notation": True, "mul_symbol": "dot"})


def _named_constants(expr: sp.Expr) -> sp.Expr:
    from ..engine.activations import SELU_ALPHA, SELU_LAMBDA

    lam, alpha = selu_constants()
    return expr.xreplace({SELU_LAMBDA * SELU_ALPHA: lam * alpha, SELU_LAMBDA: lam})


def derivative(act: Activation) -> tuple[sp.Expr, sp.Symbol]:
    """σ' as the lectures compute it: in the output a where such a form exists (a(1 − a),
    1 − a²), in z otherwise; with the variable it is written in."""
    from ..engine.activations import a, z

    if act.prime_from_output is not None:
        return _named_constants(act.prime_from_output), a
    return _named_constants(act.prime_expr), z


# --- the formulas compiled: branches with printed slots ------------------------------------

_OPS = {"StrictGreaterThan": ">", "StrictLessThan": "<", "GreaterThan": ">=", "LessThan": "<=", "Equality": "==",
        "Unequality": "!="}
_FLIPPED = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "==": "==", "!=": "!="}
_COMPARE = {">": operator.gt, "<": operator.lt, ">=": operator.ge, "<=": operator.le, "==": operator.eq,
            "!=": operator.ne}
_LOGIC = {"And": "and", "Or": "or", "Not": "not"}
# a condition: None (everywhere), (op, c) for `var op c`, or ("and" | "or" | "not", condition, …)
Condition = Any


def holds(condition: Condition, at: Any) -> bool:
    """Whether ``condition`` holds where the variable is ``at``."""
    if condition is None:
        return True
    op, *args = condition
    if op == "and":
        return all(holds(c, at) for c in args)
    if op == "or":
        return any(holds(c, at) for c in args)
    if op == "not":
        return not holds(args[0], at)
    return bool(_COMPARE[op](at, args[0]))


def _thresholds(condition: Condition, convert: Callable[[Any], Any]) -> Condition:
    """``condition`` with ``convert`` applied to each number it compares with (to and from JSON)."""
    if condition is None:
        return None
    op, *args = condition
    if op in ("and", "or", "not"):
        return (op, *(_thresholds(c, convert) for c in args))
    return op, convert(args[0])


@dataclass(frozen=True)
class Branch:
    """One branch of a formula: where it holds (``var op c``; None: everywhere), and the
    branch printed with a slot for the number, as text and as LaTeX."""

    condition: Condition
    text: str
    latex: str
    trivial: bool  # the variable itself or a constant: says nothing more than the result

    def slotted(self, latex: bool) -> str:
        return self.latex if latex else self.text


@dataclass(frozen=True)
class Formula:
    """σ(z) as the lectures write it, or σ' as they compute it, ready to print at a point."""

    var: str  # "z", or "a" for a derivative in terms of the output
    branches: tuple[Branch, ...]
    piecewise: bool  # no one formula holds for every entry: the vector step has no rule
    entrywise: bool  # a product of two factors in the variable (a(1 − a)): ⊙ between vectors

    def at(self, value: Any) -> Branch:
        """The branch that holds at ``value`` (exact values compared exactly)."""
        point = _point(value)
        for candidate in self.branches:
            if holds(candidate.condition, point):
                return candidate
        raise ValueError(f"no branch holds at {value}")

    def printed(self, number: str, latex: bool, value: Any = None) -> str:
        """The branch at ``value`` (the only one, if None) with ``number`` in it; "" where that
        branch is trivial."""
        chosen = self.branches[0] if value is None else self.at(value)
        return "" if chosen.trivial else fill(chosen.slotted(latex), number, latex)

    def rule(self, symbol: str, latex: bool) -> str:
        """The formula with ``symbol`` in it, where one formula holds for every entry ("" otherwise)."""
        return "" if self.piecewise else fill(self.branches[0].slotted(latex), symbol, latex)


def _point(value: Any) -> Any:
    """A trace value as a branch's condition compares it: exact stays exact (a Fraction)."""
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, int):
        return value
    if isinstance(value, numbers.Rational):  # SymPy's Rational is registered as one
        return Fraction(int(value.numerator), int(value.denominator))
    return float(value)  # an irrational exact value (derive.engine.numbers.Real)


def compile_formula(act: Activation, kind: Kind) -> Formula:
    """``kind`` of ``act`` compiled by SymPy: each branch's condition and printed forms."""
    from ..engine.activations import z

    expr, var = (written(act), z) if kind == "written" else derivative(act)
    pieces = expr.args if isinstance(expr, sp.Piecewise) else ((expr, sp.true),)
    branches = tuple(Branch(_condition(condition, var), _with_slot(piece, var, False), _with_slot(piece, var, True),
                            piece == var or not piece.free_symbols)
                     for piece, condition in pieces)
    entrywise = isinstance(expr, sp.Mul) and sum(f.has(var) for f in expr.args) > 1
    return Formula(var.name, branches, bool(expr.has(sp.Piecewise)), bool(entrywise))


def _condition(condition: Any, var: sp.Symbol) -> Condition:
    if condition is sp.true:
        return None
    logic = _LOGIC.get(type(condition).__name__)
    if logic:
        return (logic, *(_condition(c, var) for c in condition.args))
    op = _OPS.get(type(condition).__name__)
    lhs, rhs = condition.args if op else (None, None)
    if op and rhs == var and lhs.is_Rational:
        op, lhs, rhs = _FLIPPED[op], rhs, lhs
    if not (op and lhs == var and rhs.is_Rational):
        raise ValueError(f"cannot compile the condition {condition}: a comparison of {var} with a number")
    return op, Fraction(int(rhs.p), int(rhs.q))


def formula(act: Activation, kind: Kind) -> Formula:
    """The compiled formula: from the shipped table where ``act`` has its default parameters,
    compiled by SymPy otherwise (each once per process)."""
    stored = _table().get(act.describe(), {}).get(kind)
    return stored if stored is not None else _compiled(act, kind)


@lru_cache(maxsize=None)
def _compiled(act: Activation, kind: Kind) -> Formula:
    return compile_formula(act, kind)


TABLE = "formulas.json"


@cache
def _table() -> dict[str, dict[str, Formula]]:
    data = json.loads(resources.files(__package__).joinpath(TABLE).read_text(encoding="utf-8"))
    return {key: {kind: _from_json(f) for kind, f in kinds.items()} for key, kinds in data.items()}


def _from_json(data: dict[str, Any]) -> Formula:
    branches = tuple(Branch(_thresholds(b["condition"], Fraction), b["text"], b["latex"], b["trivial"])
                     for b in data["branches"])
    return Formula(data["var"], branches, data["piecewise"], data["entrywise"])


def _to_json(f: Formula) -> dict[str, Any]:
    return {"var": f.var, "piecewise": f.piecewise, "entrywise": f.entrywise,
            "branches": [{"condition": _thresholds(b.condition, str), "text": b.text, "latex": b.latex,
                          "trivial": b.trivial} for b in f.branches]}


def table_text() -> str:
    """The shipped table as written: every elementwise activation with its default parameters."""
    entries = {}
    for name in NAMES:
        act = get(name)
        if act.elementwise:
            entries[act.describe()] = {kind: _to_json(compile_formula(act, kind)) for kind in ("written", "derivative")}
    return json.dumps(entries, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def derivative_at(act: Activation, z_value: object, a_value: object, z_printed: str, a_printed: str,
                  latex: bool) -> str:
    """σ'(z) with the printed a (or z) in its formula; "" where the branch is a constant."""
    f = formula(act, "derivative")
    value, printed = (a_value, a_printed) if f.var == "a" else (z_value, z_printed)
    return f.printed(printed, latex, value)


def activation_at(act: Activation, value: object, printed: str, latex: bool) -> str:
    """σ at the printed z, the branch that holds at ``value``; "" where that says nothing
    more than the result (identity, ReLU's z > 0, a constant branch)."""
    return formula(act, "written").printed(printed, latex, value)


def softmax_at(printed: Sequence[str], j: int, latex: bool) -> str:
    """e^{z_j} / Σ_k e^{z_k} with the printed z's."""
    def e(number: str) -> str:
        return f"e^{{{number}}}" if latex else f"exp({number})"

    total = " + ".join(e(n) for n in printed)
    return rf"\frac{{{e(printed[j])}}}{{{total}}}" if latex else f"{e(printed[j])}/({total})"


if __name__ == "__main__":  # python -m gradsheet.derive.printing.at_point > derive/printing/formulas.json
    import sys

    sys.stdout.write(table_text())
