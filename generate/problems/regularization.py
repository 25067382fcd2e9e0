"""``regularization``: one L1 and one L2 gradient step on the same weights (Herrmann 3.7.2).

L1: w' = w − αλ sign(w) − α ∂C/∂w.  L2: w' = w(1 − αλ) − α ∂C/∂w.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from derive.steps import Section, Step

from .. import networks
from ..options import MAX_LAMBDA, MAX_LEARNING_RATE, Table
from ..printing import is_short
from ..problem import Problem, Question
from ..sampling import integer, one_decimal, pick
from ..sheet import Sheet
from . import Kind, split_points


@dataclass(frozen=True)
class Options:
    size: int
    learning_rates: tuple[sp.Rational, ...]
    lambdas: tuple[sp.Rational, ...]


def options(t: Table, difficulty: str) -> Options:
    size = t.integer("weights", {"easy": 2, "medium": 3, "hard": 4}[difficulty], 1, 8)
    rates, lambdas = (sp.Rational(1, 10), sp.Rational(1, 2)), (sp.Rational(1, 10), sp.Rational(1, 2), sp.Integer(1))
    rate = t.number("learning_rate", None, positive=True, high=MAX_LEARNING_RATE, drawn=_among(rates))
    lam = t.number("lambda", None, positive=True, high=MAX_LAMBDA, drawn=_among(lambdas))
    return Options(size, (rate,) if rate else rates, (lam,) if lam else lambdas)


def _among(values: tuple[sp.Rational, ...]) -> str:
    return "drawn per variant from " + ", ".join(map(str, values))


def make(rng: np.random.Generator, opts: Options, sheet: Sheet, points: int) -> Problem:
    w = [one_decimal(rng, "-2", "2") for _ in range(opts.size)]
    g = [integer(rng, -4, 4, nonzero=True) * sp.Rational(1, 10) * pick(rng, [1, 5, 10]) for _ in range(opts.size)]
    alpha, lam = pick(rng, opts.learning_rates), pick(rng, opts.lambdas)
    l1 = [wi - alpha * lam * sp.sign(wi) - alpha * gi for wi, gi in zip(w, g)]
    l2 = [wi * (1 - alpha * lam) - alpha * gi for wi, gi in zip(w, g)]
    d = sheet.decimals
    p = sheet.printer
    for v in l1 + l2:
        if not is_short(v, d):
            raise networks.Degenerate("an updated weight has too many decimals")
    if l1 == l2:
        raise networks.Degenerate("L1 and L2 give the same step")
    vec = p.vector
    signs = [sp.sign(wi) for wi in w]
    f = p.factor  # a negative operand in brackets
    # each weight's update entry by entry as well: the vectors' products are read off, these redone
    l1_detail = tuple(Step(f"w_{{{i + 1}}}'", "", rf"{p.number(wi)} - {f(alpha * lam)} \cdot {f(si)} - {f(alpha)} \cdot {f(gi)}",
                           p.number(v)) for i, (wi, si, gi, v) in enumerate(zip(w, signs, g, l1)))
    l2_detail = tuple(Step(f"w_{{{i + 1}}}'", "", rf"{f(1 - alpha * lam)} \cdot {f(wi)} - {f(alpha)} \cdot {f(gi)}",
                           p.number(v)) for i, (wi, gi, v) in enumerate(zip(w, g, l2)))
    steps1 = (Step(r"\mathbf{w}'", r"\mathbf{w} - \alpha\lambda\,\operatorname{sign}(\mathbf{w}) - \alpha\frac{\partial C}{\partial \mathbf{w}}",
                   rf"{vec(w)} - {p.number(alpha * lam)}\,{vec(signs)} - {p.number(alpha)}\,{vec(g)}", vec(l1), "", l1_detail),)
    steps2 = (Step(r"\mathbf{w}'", r"\mathbf{w}(1 - \alpha\lambda) - \alpha\frac{\partial C}{\partial \mathbf{w}}",
                   rf"{p.number(1 - alpha * lam)}\,{vec(w)} - {p.number(alpha)}\,{vec(g)}", vec(l2), "", l2_detail),)
    answers = tuple(networks.answer(f"l1_w[{i + 1}]", rf"w_{{{i + 1}}}'\ (L^1)", v, None, d) for i, v in enumerate(l1)) + \
        tuple(networks.answer(f"l2_w[{i + 1}]", rf"w_{{{i + 1}}}'\ (L^2)", v, None, d) for i, v in enumerate(l2))
    shares = split_points(points, [1, 1])
    return Problem(
        kind="regularization", title="L1 and L2 regularization", points=points,
        statement={"w": vec(w), "g": vec(g), "alpha": p.number(alpha), "lam": p.number(lam),
                   "values": {"w": [str(v) for v in w], "g": [str(v) for v in g], "alpha": str(alpha), "lambda": str(lam)}},
        questions=(Question(r"One gradient step on $\tilde C = C + \lambda\|\mathbf{w}\|_1$ ($L^1$): the new weights.", shares[0],
                            tuple(a.part for a in answers if a.part.startswith("l1_"))),
                   Question(r"One gradient step on $\tilde C = C + \frac{\lambda}{2}\mathbf{w}^T\mathbf{w}$ ($L^2$): the new weights.", shares[1],
                            tuple(a.part for a in answers if a.part.startswith("l2_")))),
        solution=(Section("L1 regularization", steps1, r"$L^1$ moves every weight by the same amount $\alpha\lambda$ towards zero."),
                  Section("L2 regularization", steps2, r"$L^2$ shrinks every weight by the factor $1 - \alpha\lambda$ (weight decay).")),
        answers=answers, fingerprint=f"{w}{g}{alpha}{lam}",
    )


KIND = Kind("regularization", "L1 and L2 regularization", "one L1 and one L2 update of given weights", options, make)
