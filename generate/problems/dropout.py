"""``dropout``: a forward pass with a given dropout mask on the hidden layer (Herrmann 3.7.4).

Dropping hidden neuron j is the same as deleting column j of the next layer's weights, and
inverted dropout scales the kept activations by 1/(1 − p): so the pass is ``derive``'s
forward pass of the thinned network, and the solution writes it with the mask visible.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

import numpy as np
import sympy as sp

from gradsheet.derive.checking import quantities
from gradsheet.derive.errors import SpecError
from gradsheet.derive.engine import backprop
from gradsheet.derive.engine.numbers import EXACT, FLOAT, hand
from gradsheet.derive.printing.step import Section, Step
from gradsheet.derive.printing.steps import layer_steps

from .. import networks
from ..carry import Follow, Work, fmt, rational
from ..options import Table
from ..problem import Problem, Question
from ..sheet import Sheet
from . import Kind, split_points
from .forward import network_problem


@dataclass(frozen=True)
class Options:
    net: networks.NetOptions
    p: sp.Rational
    inverted: bool


def options(t: Table, difficulty: str) -> Options:
    t.default("sizes", [2, 3, 1])
    networks.square_then_identity(t, difficulty)
    net = networks.parse(t, difficulty)
    if len(net.sizes) != 3:
        raise SpecError(t.where("sizes"), "dropout problems have one hidden layer",
                        "give a network of one hidden layer" if net.given else "write sizes = [2, 3, 1]")
    p = t.number("p", "1/2", positive=True, below=1)
    return Options(net, p, t.boolean("inverted", True))


def make(rng: np.random.Generator, opts: Options, sheet: Sheet, points: int) -> Problem:
    hidden = opts.net.sizes[1]
    mask = [int(v) for v in rng.integers(0, 2, hidden)]
    if all(mask) or not any(mask):
        raise networks.Degenerate("the mask keeps all or none")
    data = networks.sample(rng, opts.net, screen_forward=True)
    scale = 1 / (1 - opts.p) if opts.inverted else sp.Integer(1)
    thinned = copy.deepcopy(data)
    for row in thinned["layers"][1]["weights"]:
        for j, keep in enumerate(mask):
            row[j] = networks.text(sp.Rational(row[j]) * scale * keep)
    full = networks.compute(data, opts.net, sheet.decimals, sheet.notation, screened=networks.backward_screened(opts.net))
    thin = networks.compute(thinned, opts.net, sheet.decimals, sheet.notation, drawn=True)  # the exact values
    n = sheet.notation
    p = sheet.solution_printer(opts.net.numbers)
    mode = EXACT if opts.net.integer else hand(sheet.decimals)
    worked = full.report  # the hand computation in decimal style: what the solution prints
    layer_1 = worked.trace.forward
    a1 = layer_1.a(1)[0]
    # ã = m ⊙ a / (1 − p) and the output layer on ã, in the solution's arithmetic, so each
    # printed step computes from the numbers printed before it
    tilde = mode.fix(np.asarray([v * scale * m for v, m in zip(a1, mask)], dtype=object))
    if not any(tilde):  # the kept neurons are the inactive ones: ŷ is the bias alone, the mask teaches nothing
        raise networks.Degenerate("every kept activation is 0")
    w2, b2 = worked.trace.params[1]
    z2 = mode.fix(np.asarray(w2, dtype=object) @ tilde + (b2 if b2 is not None else 0))
    act2 = full.spec.network.layers[1].activation
    yhat = act2.value(z2[None, :], mode)[0]
    parts = ["output[1]"] if opts.net.sizes[-1] == 1 else [k for k in thin.values if k.startswith("output")]

    x = [f"x_{{{k + 1}}}" for k in range(opts.net.sizes[0])]
    first = layer_steps(p, 1, full.spec.network.layers[0].activation, *worked.trace.params[0], layer_1.a(0)[0],
                        layer_1.z(1)[0], a1, r"\mathbf{x}", x)
    a_tilde = rf"\tilde{{\mathbf{{a}}}}^{{{n._layer(1)}}}"
    # the mask and 1 − p as the statement gives them: 0 and 1 are not rounded values
    divide = rf" / {sheet.printer.number(1 - opts.p)}" if opts.inverted else ""
    masked = Step(a_tilde, r"\mathbf{m} \odot " + n.node("a", 1) + (" / (1 - p)" if opts.inverted else ""),
                  rf"{sheet.printer.vector(mask)} \odot {p.vector(a1)}" + divide, p.vector(tilde), "",
                  tuple(Step(rf"\tilde{{a}}^{{{n._layer(1)}}}_{{{j + 1}}}", "",
                             f"{m} \\cdot {p.number(v)}" + divide, p.number(t)) for j, (m, v, t) in
                        enumerate(zip(mask, a1, tilde))))
    entries = [rf"\tilde{{a}}^{{{n._layer(1)}}}_{{{k + 1}}}" for k in range(hidden)]
    second = layer_steps(p, 2, act2, w2, b2, tilde, z2, yhat, a_tilde, entries)
    steps = (*first, masked, *second)

    groups = [(sheet.say("Compute {a} without dropout.", a=f"${n.node('a', 1)}$"), [f"a1[{j + 1}]" for j in range(hidden)]),
              (sheet.say("Apply the mask with inverted-dropout scaling and compute the output {y} of the thinned network."
                         if opts.inverted else "Apply the mask and compute the output {y} of the thinned network.",
                         y=r"$\hat{\mathbf{y}}$"), parts)]
    problem = network_problem("dropout", "Dropout", full, sheet, points, groups[:1], ())
    outputs = tuple(networks.answer(part, quantities.label(part, full.spec.notation, opts.net.sizes[-1]),
                                    thin.values[part], None if opts.net.integer else yhat[int(part[7:-1]) - 1],
                                    sheet.decimals) for part in parts)
    shares = split_points(points, [len(g[1]) for g in groups])
    return replace(problem, questions=tuple(Question(t, s, tuple(parts)) for (t, parts), s in zip(groups, shares)),
                   answers=problem.answers + outputs,
                   solution=(Section("Forward pass with dropout", steps, sheet.say(
                                     "Dropped neurons contribute nothing; at prediction time the whole network is used "
                                     "unscaled." if opts.inverted else "Dropped neurons contribute nothing; at prediction "
                                     "time the whole network is used, its activations scaled by {scale}.",
                                     scale="$1 - p$")),),
                   statement={**problem.statement, "mask": sheet.printer.vector(mask), "p": sheet.printer.number(opts.p),
                              "inverted": opts.inverted, "values": {"mask": mask, "p": str(opts.p)}},
                   fingerprint=problem.fingerprint + str(mask),
                   data={"mask": mask, "p": str(opts.p), "inverted": opts.inverted})


# --- grading: the output follows from the student's own a^(1); the mask and the scaling are
# where the mistakes are

def _output(work: Work, a1: list, keep: list, scale: object) -> list:
    """ŷ of the network whose hidden activations are ``a1``, each kept or not and scaled."""
    spec = work.network
    assert spec is not None
    mode = EXACT if spec.network.rational else FLOAT
    w2, b2 = backprop.parameters(spec.network, mode)[1]
    # mode.array: in float mode a float64 array (a SymPy scale times a float is a SymPy Float,
    # which NumPy's exp cannot take), exact values as they are otherwise
    tilde = mode.array([v * k * scale for v, k in zip(a1, keep)])
    z2 = mode.fix(w2 @ tilde + (b2 if b2 is not None else 0))
    return list(spec.network.layers[1].activation.value(z2[None, :], mode)[0])


def _hidden(work: Work) -> list:
    """a^(1) as the student wrote it, entry by entry, and as it is where they did not."""
    spec = work.network
    assert spec is not None
    mode = EXACT if spec.network.rational else FLOAT
    fwd = backprop.forward(spec.network, backprop.parameters(spec.network, mode),
                           *backprop.batch_arrays(spec.examples[:1], mode), mode)
    return [work.number(f"a1[{j + 1}]") if work.number(f"a1[{j + 1}]") is not None else v
            for j, v in enumerate(fwd.a(1)[0])]


def _scale(work: Work) -> sp.Rational:
    return 1 / (1 - rational(work.data["p"], "p")) if work.data["inverted"] else sp.Integer(1)


def _own(work: Work) -> dict[str, object]:
    if not any(work.number(p) is not None for p in work.given if p.startswith("a1[")):
        return {}
    outputs = _output(work, _hidden(work), work.data["mask"], _scale(work))
    return {f"output[{i + 1}]": v for i, v in enumerate(outputs)}


def _slips(work: Work, part: str) -> list[tuple[object, str]]:
    mask, p = work.data["mask"], rational(work.data["p"], "p")
    d = work.decimals
    if part.startswith("a1["):
        j = int(part[3:-1]) - 1
        value = _hidden(work)[j]  # the true a where the student gave none
        return [(value * mask[j] * _scale(work), f"the mask was applied to a(1), which is asked without dropout: "
                                                 f"a(1)_{j + 1} = {fmt(work.truth[part], d)}")]
    if not part.startswith("output["):
        return []
    i = int(part[7:-1]) - 1
    a1, ones = _hidden(work), [1] * len(mask)
    right = fmt(_output(work, a1, mask, _scale(work))[i], d)
    out = [(_output(work, a1, ones, 1)[i], f"the mask was not applied: the dropped neurons contribute nothing; ŷ = {right}")]
    if work.data["inverted"]:
        out += [(_output(work, a1, mask, 1)[i], f"the kept activations were not scaled by 1/(1 − p) (inverted dropout): "
                                                f"1/(1 − p) = {fmt(_scale(work), d)}, ŷ = {right}"),
                (_output(work, a1, mask, 1 - p)[i], f"the kept activations were multiplied by 1 − p instead of divided "
                                                    f"by it (inverted dropout): ŷ = {right}")]
    else:
        out.append((_output(work, a1, mask, 1 / (1 - p))[i], f"the kept activations were scaled by 1/(1 − p), "
                                                             f"which only inverted dropout does: ŷ = {right}"))
    return out


KIND = Kind("dropout", "Dropout", "a forward pass with a given dropout mask (inverted scaling optional)", options, make,
            follow=Follow(_own, _slips))
