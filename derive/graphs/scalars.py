"""Scalar arithmetic for computation graphs, in each number mode and symbolically.

A graph's traces are computed one scalar at a time. :class:`Scalars` supplies the
elementary functions and the rounding a mode asks for: exact (SymPy rationals, and
irrational values as :class:`~derive.engine.numbers.Real`), float64, hand (exact, rounded to D
places after every step, as a student computes), and symbolic (SymPy expressions in the
inputs' symbols), which gives each derivative as a formula.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import mpmath
import numpy as np
import sympy as sp

from ..engine.activations import Activation, get
from ..engine.numbers import EXACT, Mode, exact_call, round_half_away


def _float_sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _sym_sigmoid(x: Any) -> Any:
    return 1 / (1 + sp.exp(-x))


def _function_sigmoid(x: Any) -> Any:
    from ..symbolic.functions import applied  # SymPy's function classes: only when symbolic

    return applied(get("sigmoid"), x)


def _mp_sigmoid(x: Any) -> Any:
    return 1 / (1 + mpmath.exp(-x))


@dataclass(frozen=True)
class Scalars:
    """One number system: elementary functions, a power by a constant, rounding."""

    name: str
    log: Callable[[Any], Any]
    exp: Callable[[Any], Any]
    sin: Callable[[Any], Any]
    cos: Callable[[Any], Any]
    tanh: Callable[[Any], Any]
    sigmoid: Callable[[Any], Any]
    mode: Mode | None = None  # None: symbolic

    @property
    def symbolic(self) -> bool:
        return self.mode is None

    def constant(self, q: sp.Rational) -> Any:
        return float(q) if self.mode is not None and self.mode.is_float else q

    def power(self, x: Any, k: sp.Rational) -> Any:
        if k.is_integer:
            return x ** int(k)
        if self.mode is None:
            return x ** k
        if self.mode.is_float:
            return float(x) ** float(k)
        return exact_call(lambda v: v ** k, lambda v: v ** (mpmath.mpf(k.p) / k.q))(x)

    def positive(self, x: Any) -> Any:
        """1 where x > 0, else 0: ReLU's derivative, 0 at the kink (derive's convention)."""
        if self.mode is None:
            from ..symbolic.functions import applied_prime

            return applied_prime(get("relu"), x)
        return self.constant(sp.Integer(1 if x > 0 else 0))

    def relu(self, x: Any) -> Any:
        if self.mode is None:
            from ..symbolic.functions import applied

            return applied(get("relu"), x)
        return x if x > 0 else self.constant(sp.Integer(0))

    def activation(self, act: Activation, x: Any) -> tuple[Any, Any]:
        """(σ(x), σ'(x)) for any elementwise activation of derive's registry."""
        if self.mode is None:
            from ..symbolic.functions import applied, applied_prime

            return applied(act, x), applied_prime(act, x)
        zs = self.mode.array([x]) if self.mode.is_float else np.asarray([x], dtype=object)
        out = act.value(zs, self.mode)
        return out[0], act.derivative(zs, out, self.mode)[0]

    def add(self, a: Any, b: Any) -> Any:
        """a + b; in float mode 0 where the sum is zero within its rounding (Mode.settle:
        0.5 − 0.6 + 0.1 is 0, as the backprop engine has it)."""
        total = a + b
        if self.mode is not None and self.mode.is_float and total != 0:
            return float(self.mode.settle(np.float64(total), np.float64(abs(a) + abs(b)), 2))
        return total

    def fix(self, x: Any) -> Any:
        """Every intermediate passes here; hand mode rounds it."""
        if self.mode is not None and self.mode.name == "hand":
            return round_half_away(x, self.mode.decimals or 0)
        return x

    def number(self, q: sp.Rational) -> Any:
        """An input value given exactly, in this system's representation."""
        return self.fix(self.constant(sp.Rational(q)))


def _exact(name: str, mode: Mode) -> Scalars:
    return Scalars(name, exact_call(sp.log, mpmath.log), exact_call(sp.exp, mpmath.exp),
                   exact_call(sp.sin, mpmath.sin), exact_call(sp.cos, mpmath.cos),
                   exact_call(sp.tanh, mpmath.tanh), exact_call(_sym_sigmoid, _mp_sigmoid), mode)


# σ and ReLU as function nodes that know their derivatives: formulas stay the size of the
# graph, and no Piecewise is ever folded (see derive.symbolic.functions)
SYMBOLIC = Scalars("symbolic", sp.log, sp.exp, sp.sin, sp.cos, sp.tanh, _function_sigmoid, None)


def scalars(mode: Mode) -> Scalars:
    if mode.is_float:
        return Scalars("float", math.log, math.exp, math.sin, math.cos, math.tanh, _float_sigmoid, mode)
    return _exact(mode.name, mode)


EXACT_SCALARS = scalars(EXACT)
