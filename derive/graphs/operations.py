"""The elementary operations of a computation graph, each with its local derivatives beside it.

As in micrograd's engine, every operation says in one place how it computes its value, its
partial derivative with respect to each argument, how it is written (``v₂ = v₋₁ × v₀``),
how those partials are written (``∂v₂/∂v₋₁ = v₀``), and where it is undefined. The traces
in :mod:`derive.graphs.autodiff` only combine these local pieces by the chain rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import sympy as sp

from ..engine.activations import Activation
from .scalars import Scalars
from .terms import Add, Call, Div, Mul, Neg, Num, Positive, Pow, Sub, Term

ONE, MINUS_ONE = Num(sp.Integer(1)), Num(sp.Integer(-1))

Values = tuple[Any, ...]
Param = Any  # the exponent of a power, the activation of an ``activation`` node, or None


def _no_domain(args: Values, param: Param) -> str | None:
    return None


@dataclass(frozen=True)
class Operation:
    """One elementary operation v = f(u₁, …): value, local partials ∂v/∂u_k, and their forms."""

    name: str
    arity: int
    symbol: str                                                   # inside a figure's node (LaTeX)
    value: Callable[[Scalars, Values, Param], Any]
    partials: Callable[[Scalars, Values, Any, Param], Values]      # (args, output) → ∂v/∂u_k
    form: Callable[[tuple[Term, ...], Param], Term]                # v = form(u)
    partial_forms: Callable[[tuple[Term, ...], Term, Param], tuple[Term, ...]]
    domain: Callable[[Values, Param], str | None] = _no_domain     # why f is undefined there, if it is

    def text(self, param: Param) -> str:
        """The operation's name as a person reads it in a message."""
        if self.name == "pow":
            return f"power {param}"
        if self.name == "activation":
            return param.describe()
        return self.name


def _log_domain(args: Values, param: Param) -> str | None:
    return None if args[0] > 0 else f"log of {_show(args[0])}: log is defined for positive numbers only"


def _div_domain(args: Values, param: Param) -> str | None:
    return None if args[1] != 0 else "division by zero"


def _pow_domain(args: Values, param: Param) -> str | None:
    (x,), k = args, param
    if x < 0 and not k.is_integer:
        return f"{_show(x)}^({k}): a negative number to a fractional power is not real"
    if x == 0 and k < 0:
        return f"0^({k}): division by zero"
    if x == 0 and k < 1 and not k.is_integer:
        return f"the derivative of u^({k}) is infinite at u = 0"
    return None


def _show(x: Any) -> str:
    return str(x) if not hasattr(x, "approx") else str(float(x))


def _pow_partial_form(args: tuple[Term, ...], out: Term, k: sp.Rational) -> tuple[Term, ...]:
    if k - 1 == 0:
        return (ONE,)
    power = args[0] if k - 1 == 1 else Pow(args[0], k - 1)
    return (Mul(Num(k), power),)


def _activation_value(s: Scalars, args: Values, act: Activation) -> Any:
    return s.activation(act, args[0])[0]


def _activation_partial(s: Scalars, args: Values, out: Any, act: Activation) -> Values:
    return (s.activation(act, args[0])[1],)


OPERATIONS: dict[str, Operation] = {op.name: op for op in (
    Operation("add", 2, "+", lambda s, a, p: s.add(a[0], a[1]),
              lambda s, a, o, p: (s.constant(sp.Integer(1)), s.constant(sp.Integer(1))),
              lambda u, p: Add(u[0], u[1]), lambda u, o, p: (ONE, ONE)),
    Operation("sub", 2, "-", lambda s, a, p: s.add(a[0], -a[1]),
              lambda s, a, o, p: (s.constant(sp.Integer(1)), s.constant(sp.Integer(-1))),
              lambda u, p: Sub(u[0], u[1]), lambda u, o, p: (ONE, MINUS_ONE)),
    Operation("mul", 2, r"\times", lambda s, a, p: a[0] * a[1],
              lambda s, a, o, p: (a[1], a[0]),
              lambda u, p: Mul(u[0], u[1]), lambda u, o, p: (u[1], u[0])),
    Operation("div", 2, r"\div", lambda s, a, p: a[0] / a[1],
              lambda s, a, o, p: (1 / a[1], -a[0] / a[1] ** 2),
              lambda u, p: Div(u[0], u[1]), lambda u, o, p: (Div(ONE, u[1]), Neg(Div(u[0], Pow(u[1], sp.Integer(2))))),
              _div_domain),
    Operation("neg", 1, "-", lambda s, a, p: -a[0],
              lambda s, a, o, p: (s.constant(sp.Integer(-1)),),
              lambda u, p: Neg(u[0]), lambda u, o, p: (MINUS_ONE,)),
    Operation("pow", 1, "^", lambda s, a, k: s.power(a[0], k),
              lambda s, a, o, k: (s.constant(k) * s.power(a[0], k - 1),),
              lambda u, k: Pow(u[0], k), _pow_partial_form, _pow_domain),
    Operation("exp", 1, r"\exp", lambda s, a, p: s.exp(a[0]),
              lambda s, a, o, p: (o,),
              lambda u, p: Call("exp", u[0]), lambda u, o, p: (Call("exp", u[0]),)),
    Operation("log", 1, r"\ln", lambda s, a, p: s.log(a[0]),
              lambda s, a, o, p: (1 / a[0],),
              lambda u, p: Call("log", u[0]), lambda u, o, p: (Div(ONE, u[0]),), _log_domain),
    Operation("sin", 1, r"\sin", lambda s, a, p: s.sin(a[0]),
              lambda s, a, o, p: (s.cos(a[0]),),
              lambda u, p: Call("sin", u[0]), lambda u, o, p: (Call("cos", u[0]),)),
    Operation("cos", 1, r"\cos", lambda s, a, p: s.cos(a[0]),
              lambda s, a, o, p: (-s.sin(a[0]),),
              lambda u, p: Call("cos", u[0]), lambda u, o, p: (Neg(Call("sin", u[0])),)),
    # tanh' and σ' from the output, as the lectures write them
    Operation("tanh", 1, r"\tanh", lambda s, a, p: s.tanh(a[0]),
              lambda s, a, o, p: (1 - o ** 2,),
              lambda u, p: Call("tanh", u[0]), lambda u, o, p: (Sub(ONE, Pow(o, sp.Integer(2))),)),
    Operation("sigmoid", 1, r"\sigma", lambda s, a, p: s.sigmoid(a[0]),
              lambda s, a, o, p: (o * (1 - o),),
              lambda u, p: Call("sigmoid", u[0]), lambda u, o, p: (Mul(o, Sub(ONE, o)),)),
    Operation("relu", 1, r"\mathrm{ReLU}", lambda s, a, p: s.relu(a[0]),
              lambda s, a, o, p: (s.positive(a[0]),),
              lambda u, p: Call("relu", u[0]), lambda u, o, p: (Positive(u[0]),)),
    # any other elementwise activation of derive's registry, on a network's graph
    Operation("activation", 1, r"\sigma", _activation_value, _activation_partial,
              lambda u, act: Call(act.name, u[0]), lambda u, o, act: (Call(f"{act.name}'", u[0]),)),
)}

# the names a formula may call, and the operation each one is
FUNCTIONS = {"exp": "exp", "log": "log", "ln": "log", "sin": "sin", "cos": "cos", "tanh": "tanh",
             "sigmoid": "sigmoid", "sigma": "sigmoid", "relu": "relu", "square": "pow", "sqrt": "pow"}
