"""``regularization``: one L1 and one L2 gradient step on the same weights (Herrmann 3.7.2).

The regularized gradient, then the step on it:
L1: ∂C̃/∂w = ∂C/∂w + λ sign(w);  L2: ∂C̃/∂w = ∂C/∂w + λw (so w' = w(1 − αλ) − α ∂C/∂w);
w' = w − α ∂C̃/∂w.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from gradsheet.derive.errors import SpecError
from gradsheet.derive.printing.step import Section, Step

from .. import networks
from ..carry import Follow, Work, fmt, rational
from ..options import MAX_LAMBDA, MAX_LEARNING_RATE, Drawn, Table
from ..printing import is_short, rounded
from ..problem import Problem, Question
from ..sampling import integer, one_decimal, pick
from ..sheet import Sheet
from . import Kind, split_points


@dataclass(frozen=True)
class Options:
    size: int
    learning_rates: tuple[sp.Rational, ...]
    lambdas: tuple[sp.Rational, ...]
    net: networks.NetOptions | None = None  # a given network: w and ∂C/∂w are its layer's
    layer: int = 0


def options(t: Table, difficulty: str) -> Options:
    net, layer = None, 0
    networks.record_given(t)
    t.record("layer", "an integer from 1 to the network's depth", Drawn("its last layer"))
    if t.has("network"):
        if t.written("weights"):
            raise SpecError(t.where("weights"), "comes from the given network's layer", "leave weights out; give layer = …")
        net = networks.parse(t, difficulty, examples=None)
        depth = len(net.sizes) - 1
        layer = t.integer("layer", depth, 1, depth)
        t.default("weights", net.sizes[layer] * net.sizes[layer - 1])
        if t.peek("weights", 0) > 8:
            raise SpecError(t.where("layer"), f"layer {layer} has {t.peek('weights', 0)} weights; the step writes "
                            "out at most 8", "choose a smaller layer")
    else:
        networks.no_vary(t)
    size = t.integer("weights", {"easy": 2, "medium": 3, "hard": 4}[difficulty], 1, 8)
    rates, lambdas = (sp.Rational(1, 10), sp.Rational(1, 2)), (sp.Rational(1, 10), sp.Rational(1, 2), sp.Integer(1))
    rate = t.number("learning_rate", None, positive=True, high=MAX_LEARNING_RATE, drawn=_among(rates))
    lam = t.number("lambda", None, positive=True, high=MAX_LAMBDA, drawn=_among(lambdas))
    return Options(size, (rate,) if rate else rates, (lam,) if lam else lambdas, net, layer)


def _among(values: tuple[sp.Rational, ...]) -> str:
    return "drawn per variant from " + ", ".join(map(str, values))


def _from_network(rng: np.random.Generator, opts: Options, sheet: Sheet) -> tuple[list, list, str]:
    """A given network's layer: its weights row by row, and ∂C/∂W of that layer from derive's
    backward pass (Eq. 3.14), as a student computes it (hand-rounded in decimal style)."""
    assert opts.net is not None
    computed = networks.compute(networks.sample(rng, opts.net), opts.net, sheet.decimals, sheet.notation)
    trace = computed.hand or computed.trace
    l = opts.layer
    w = [sp.Rational(str(v)) for row in computed.trace.params[l - 1][0] for v in row]
    g = [sp.Rational(str(rounded(v, sheet.decimals))) if computed.hand else v
         for row in trace.backward.layers[l - 1].grad_W for v in row]
    source = sheet.say("The weights of layer {l} of the network with {W}, row by row, and their gradient from its "
                       "backward pass:", l=l,
                       W=f"${sheet.notation.matrix('W', l)} = {sheet.printer.matrix(computed.trace.params[l - 1][0])}$")
    return w, g, source


def make(rng: np.random.Generator, opts: Options, sheet: Sheet, points: int) -> Problem:
    source = ""
    if opts.net is not None:
        w, g, source = _from_network(rng, opts, sheet)
    else:
        w = [one_decimal(rng, "-2", "2") for _ in range(opts.size)]
        g = [integer(rng, -4, 4, nonzero=True) * sp.Rational(1, 10) * pick(rng, [1, 5, 10]) for _ in range(opts.size)]
    alpha, lam = pick(rng, opts.learning_rates), pick(rng, opts.lambdas)
    signs = [sp.sign(wi) for wi in w]
    # the regularized gradient first (∂C̃/∂w = ∂C/∂w + λ sign(w), or + λw), then the step on it:
    # a slip in the gradient is carried into the step, not charged twice
    g1 = [gi + lam * si for gi, si in zip(g, signs)]
    g2 = [gi + lam * wi for gi, wi in zip(g, w)]
    l1 = [wi - alpha * gi for wi, gi in zip(w, g1)]
    l2 = [wi - alpha * gi for wi, gi in zip(w, g2)]
    d = sheet.decimals
    p = sheet.printer
    for v in g1 + g2 + l1 + l2:
        if not is_short(v, d):
            raise networks.Degenerate("an updated weight has too many decimals")
    if l1 == l2:
        raise networks.Degenerate("L1 and L2 give the same step")
    vec = p.vector
    f = p.factor  # a negative operand in brackets
    grad = r"\frac{\partial \tilde C}{\partial \mathbf{w}}"

    def entries(symbol: str, rows: list[tuple[str, object]]) -> tuple[Step, ...]:
        # entry by entry as well: the vectors' sums and products are read off, these redone
        return tuple(Step(symbol.format(i=i + 1), "", text, p.number(v)) for i, (text, v) in enumerate(rows))

    sections = []
    for norm, penalty, penalty_rule, grads, new, note in (
            ("1", signs, r"\lambda\,\operatorname{sign}(\mathbf{w})", g1, l1,
             sheet.say("{L1} moves every weight by the same amount {step} towards zero.", L1="$L^1$",
                       step=r"$\alpha\lambda$")),
            ("2", w, r"\lambda\mathbf{w}", g2, l2,
             sheet.say("So {update}: {L2} shrinks every weight by the factor {factor} (weight decay).",
                       update=r"$\mathbf{w}' = \mathbf{w}(1 - \alpha\lambda) - \alpha\frac{\partial C}{\partial \mathbf{w}}$",
                       L2="$L^2$", factor=r"$1 - \alpha\lambda$"))):
        grad_steps = entries(r"\frac{{\partial \tilde C}}{{\partial w_{{{i}}}}}",
                             [(rf"{f(gi)} + {f(lam)} \cdot {f(pi)}", gg) for gi, pi, gg in zip(g, penalty, grads)])
        new_steps = entries(r"w_{{{i}}}'", [(rf"{p.number(wi)} - {f(alpha)} \cdot {f(gg)}", v)
                                            for wi, gg, v in zip(w, grads, new)])
        sections.append(Section(sheet.say("L{norm} regularization", norm=norm), (
            Step(grad, rf"\frac{{\partial C}}{{\partial \mathbf{{w}}}} + {penalty_rule}",
                 rf"{vec(g)} + {p.number(lam)}\,{vec(penalty)}", vec(grads), "", grad_steps),
            Step(r"\mathbf{w}'", rf"\mathbf{{w}} - \alpha {grad}", rf"{vec(w)} - {p.number(alpha)}\,{vec(grads)}",
                 vec(new), "", new_steps)), note))
    answers = tuple(networks.answer(f"l{norm}_{what}[{i + 1}]", label.format(i=i + 1, norm=norm), v, None, d)
                    for norm, grads, new in (("1", g1, l1), ("2", g2, l2))
                    for what, label, values in (("grad", r"\partial \tilde C / \partial w_{{{i}}}\ (L^{norm})", grads),
                                                ("w", r"w_{{{i}}}'\ (L^{norm})", new))
                    for i, v in enumerate(values))
    shares = split_points(points, [1, 1])
    return Problem(
        kind="regularization", title="L1 and L2 regularization", points=points,
        statement={"w": vec(w), "g": vec(g), "alpha": p.number(alpha), "lam": p.number(lam), "source": source,
                   "values": {"w": [str(v) for v in w], "g": [str(v) for v in g], "alpha": str(alpha), "lambda": str(lam)}},
        questions=(Question(sheet.say("One gradient step on {cost} ({norm}): the gradient {grad}, then the new weights.",
                                      cost=r"$\tilde C = C + \lambda\|\mathbf{w}\|_1$", norm="$L^1$", grad=f"${grad}$"),
                            shares[0],
                            tuple(a.part for a in answers if a.part.startswith("l1_"))),
                   Question(sheet.say("One gradient step on {cost} ({norm}): the gradient {grad}, then the new weights.",
                                      cost=r"$\tilde C = C + \frac{\lambda}{2}\mathbf{w}^T\mathbf{w}$", norm="$L^2$",
                                      grad=f"${grad}$"), shares[1],
                            tuple(a.part for a in answers if a.part.startswith("l2_")))),
        solution=tuple(sections), answers=answers, fingerprint=f"{w}{g}{alpha}{lam}",
        data={"w": [str(v) for v in w], "g": [str(v) for v in g], "alpha": str(alpha), "lambda": str(lam)},
    )


# --- grading: each new weight follows from the student's own regularized gradient

def _data(work: Work) -> tuple[list[sp.Rational], list[sp.Rational], sp.Rational, sp.Rational]:
    d = work.data
    return ([rational(v, "w") for v in d["w"]], [rational(v, "g") for v in d["g"]], rational(d["alpha"], "alpha"),
            rational(d["lambda"], "lambda"))


def _own(work: Work) -> dict[str, object]:
    w, _, alpha, _ = _data(work)
    return {f"l{norm}_w[{i + 1}]": wi - alpha * work.number(f"l{norm}_grad[{i + 1}]")
            for norm in (1, 2) for i, wi in enumerate(w) if work.number(f"l{norm}_grad[{i + 1}]") is not None}


def _slips(work: Work, part: str) -> list[tuple[object, str]]:
    w, g, alpha, lam = _data(work)
    norm, what, i = part[1], part[3:part.index("[")], int(part[part.index("[") + 1:-1]) - 1
    wi, gi, d = w[i], g[i], work.decimals
    penalty = sp.sign(wi) if norm == "1" else wi
    rule = (f"∂C̃/∂w_{i + 1} = ∂C/∂w_{i + 1} + λ " + ("sign(w)" if norm == "1" else "w") +
            f" = {fmt(gi, d)} + {fmt(lam, d)} · {fmt(penalty, d)} = {fmt(gi + lam * penalty, d)}")
    if what == "grad":
        out = [(gi, f"the penalty's gradient was left out: {rule}"),
               (gi - lam * penalty, f"the penalty's gradient was subtracted: {rule}")]
        out += [(gi + lam, f"sign(w) was left out of the L1 penalty's gradient λ sign(w): {rule}")] if norm == "1" else \
            [(gi + lam * wi / 2, f"the gradient of (λ/2) wᵀw is λw, not (λ/2) w: {rule}"),
             (gi + 2 * lam * wi, f"the gradient of (λ/2) wᵀw is λw, not 2λw: {rule}"),
             (gi + lam * sp.sign(wi), f"that is the L1 penalty's gradient λ sign(w); L2's is λw: {rule}")]
        if norm == "1":
            out.append((gi + lam * wi, f"that is the L2 penalty's gradient λw; L1's is λ sign(w): {rule}"))
        return out
    grad = work.value(f"l{norm}_grad[{i + 1}]")
    step = f"w' = w − α ∂C̃/∂w = {fmt(wi, d)} − {fmt(alpha, d)} · {fmt(grad, d)} = {fmt(wi - alpha * grad, d)}"
    return [(wi + alpha * grad, f"the step was added instead of subtracted: {step}"),
            (wi - grad, f"the learning rate was left out: {step}"),
            (wi - alpha * gi, f"the step used ∂C/∂w without the penalty: {step}")]


KIND = Kind("regularization", "L1 and L2 regularization", "one L1 and one L2 update of given weights", options, make,
            follow=Follow(_own, _slips))
