"""``activation``: value and derivative of an activation at a point, the derivative in terms
of the output, and the function's properties (range, zero-centred, saturating)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from derive import activations
from derive.errors import SpecError
from derive.numbers import EXACT, hand
from derive.steps import Section, Step

from .. import networks
from ..options import Table
from ..printing import plain
from ..problem import Answer, Degenerate, Problem, Question
from ..sampling import one_decimal, pick
from ..sheet import Sheet
from . import Kind, split_points

# (zero-centred, saturating) as the lectures characterise them
PROPERTIES = {
    "sigmoid": ("no", "yes"), "tanh": ("yes", "yes"), "relu": ("no", "no"), "leaky_relu": ("no", "no"),
    "elu": ("no", "yes"), "softplus": ("no", "no"), "silu": ("no", "no"), "identity": ("yes", "no"),
}
_DEFAULTS = {"easy": ("sigmoid", "tanh", "relu"), "medium": ("sigmoid", "tanh", "leaky_relu", "softplus"),
             "hard": ("elu", "silu", "softplus", "tanh")}


@dataclass(frozen=True)
class Options:
    names: tuple[str, ...]


def options(t: Table, difficulty: str) -> Options:
    names = t.strings("activation", _DEFAULTS[difficulty])
    assert names is not None
    for name in names:
        if name not in PROPERTIES:
            raise SpecError(t.where("activation"), f"{name!r} is not offered for this kind",
                            f"use {', '.join(PROPERTIES)}")
    return Options(names)


def make(rng: np.random.Generator, opts: Options, sheet: Sheet, points: int) -> Problem:
    name = pick(rng, opts.names)
    act = activations.get(name)
    z0 = one_decimal(rng, "-2", "2")
    if any(z0 == k for k in act.kinks):
        raise Degenerate("the point sits on a kink")
    d = sheet.decimals
    zs = np.asarray([[z0]], dtype=object)
    a = act.value(zs, EXACT)
    prime = act.derivative(zs, a, EXACT)[0][0]
    a_hand = act.value(zs, hand(d))
    prime_hand = act.derivative(zs, a_hand, hand(d))[0][0]
    value = a[0][0]
    for label, v in (("value", value), ("derivative", prime)):
        networks.ambiguous_rounding(float(v), d, label)
    zero_centred, saturating = PROPERTIES[name]
    sym, z = sp.Symbol("a"), sp.Symbol("z")
    in_output = act.prime_from_output
    by_output = None if in_output is None or isinstance(in_output, sp.Piecewise) else sp.latex(in_output)
    p = sheet.printer
    ans = [networks.answer("value", rf"{act.latex}({plain(z0, d)})", value, a_hand[0][0], d),
           networks.answer("derivative", rf"{act.latex}'({plain(z0, d)})", prime, prime_hand, d),
           Answer("zero_centred", r"\text{zero-centred?}", zero_centred, rf"\text{{{zero_centred}}}", zero_centred),
           Answer("saturating", r"\text{saturating?}", saturating, rf"\text{{{saturating}}}", saturating)]
    at = sp.Symbol(f"({p.number(z0)})")
    steps = [Step(rf"{act.latex}({p.number(z0)})", sp.latex(act.expr.subs(z, at)), "", p.number(value)),
             Step(rf"{act.latex}'(z)", sp.latex(act.prime_expr), "", ""),
             Step(rf"{act.latex}'({p.number(z0)})", sp.latex(act.prime_expr.subs(z, at)), "", p.number(prime))]
    if by_output:
        a_sym = sp.Symbol(rf"{act.latex}(z)")
        steps.append(Step(rf"{act.latex}'(z)", sp.latex(in_output.subs(sym, a_sym)),
                          sp.latex(in_output.subs(sym, sp.Symbol(f"({p.number(value)})"))), p.number(prime)))
    span = act.range.replace("∞", r"\infty").replace("−", "-").replace("λα", r"\lambda\alpha").replace("…", r"\dots")
    properties = f"Range ${span}$; zero-centred: {zero_centred}; saturating: {saturating}."
    texts = [rf"Compute ${act.latex}({p.number(z0)})$.",
             rf"Compute the derivative ${act.latex}'(z)$ at $z = {p.number(z0)}$"
             + (", and write it in terms of the output $a$ alone." if by_output else "."),
             "Give its range. Is it zero-centred? Does it saturate?"]
    shares = split_points(points, [2, 2, 1])
    return Problem(
        kind="activation", title="Activation functions", points=points,
        statement={"definition": networks.definition(act), "name": name.replace("_", " ")},
        questions=tuple(Question(t, s) for t, s in zip(texts, shares)),
        solution=(Section("Value and derivative", tuple(steps)), Section("Properties", (), properties)),
        answers=tuple(ans), fingerprint=f"{name}:{z0}",
    )


KIND = Kind("activation", "Activation functions",
            "value, derivative (also from the output) and properties of an activation at a point", options, make)
