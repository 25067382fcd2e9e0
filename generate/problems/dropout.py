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

from derive.errors import SpecError
from derive.steps import Section, Step

from .. import networks
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
        raise SpecError(t.where("sizes"), "dropout problems have one hidden layer", "write sizes = [2, 3, 1]")
    p = t.number("p", "1/2", positive=True, below=1)
    return Options(net, p, t.boolean("inverted", True))


def make(rng: np.random.Generator, opts: Options, sheet: Sheet, points: int) -> Problem:
    hidden = opts.net.sizes[1]
    mask = [int(v) for v in rng.integers(0, 2, hidden)]
    if all(mask) or not any(mask):
        raise networks.Degenerate("the mask keeps all or none")
    data = networks.sample(rng, opts.net)
    scale = 1 / (1 - opts.p) if opts.inverted else sp.Integer(1)
    thinned = copy.deepcopy(data)
    for row in thinned["layers"][1]["weights"]:
        for j, keep in enumerate(mask):
            row[j] = networks._text(sp.Rational(row[j]) * scale * keep)
    full = networks.compute(data, opts.net, sheet.decimals, sheet.notation)
    thin = networks.compute(thinned, opts.net, sheet.decimals, sheet.notation)
    n, p = sheet.notation, sheet.printer
    a1 = full.trace.forward.a(1)[0]
    tilde = [v * scale * m for v, m in zip(a1, mask)]
    values = thin.values
    parts = ["output[1]"] if opts.net.sizes[-1] == 1 else [k for k in values if k.startswith("output")]
    w2, b2 = full.trace.params[1]
    z2 = rf"\mathbf{{W}}^{{{n._layer(2)}}}\tilde{{\mathbf{{a}}}}^{{{n._layer(1)}}}" + (
        rf" + {n.matrix('b', 2)}" if b2 is not None else "")
    steps = (
        Step(n.node("a", 1), "", "", p.vector(a1)),
        Step(rf"\tilde{{\mathbf{{a}}}}^{{{n._layer(1)}}}",
             r"\mathbf{m} \odot " + n.node("a", 1) + (" / (1 - p)" if opts.inverted else ""),
             rf"{p.vector(mask)} \odot {p.vector(a1)}" + (rf" / {p.number(1 - opts.p)}" if opts.inverted else ""),
             p.vector(tilde)),
        Step(n.node("z", 2), z2, p.matrix(w2) + p.vector(tilde) + (f" + {p.vector(b2)}" if b2 is not None else ""),
             p.vector(thin.trace.forward.z(2)[0])),
        Step(r"\hat{\mathbf{y}}", rf"\sigma({n.node('z', 2)})", "", p.vector(thin.trace.forward.output[0])),
    )
    groups = [(rf"Compute ${n.node('a', 1)}$ without dropout.", [f"a1[{j + 1}]" for j in range(hidden)]),
              (r"Apply the mask" + (" with inverted-dropout scaling" if opts.inverted else "") +
               r" and compute the output $\hat{\mathbf{y}}$ of the thinned network.", parts)]
    # the solution goes through ã = m ⊙ a exactly (not derive's hand trace of the thinned
    # network, which never forms ã): its values are the exact ones rounded
    problem = network_problem("dropout", "Dropout", full, sheet, points, groups[:1], (), solution_values="exact")
    answers = problem.answers + networks.answers(thin, parts, sheet.decimals, "exact")
    shares = split_points(points, [len(g[1]) for g in groups])
    return replace(problem, questions=tuple(Question(t, s) for (t, _), s in zip(groups, shares)),
                   answers=answers, solution=(Section("Forward pass with dropout", steps,
                                                      "Dropped neurons contribute nothing; at prediction time the whole "
                                                      "network is used" + (" unscaled." if opts.inverted else
                                                                           ", its activations scaled by 1 − p.")),),
                   statement={**problem.statement, "mask": p.vector(mask), "p": p.number(opts.p), "inverted": opts.inverted,
                              "values": {"mask": mask, "p": str(opts.p)}},
                   fingerprint=problem.fingerprint + str(mask))


KIND = Kind("dropout", "Dropout", "a forward pass with a given dropout mask (inverted scaling optional)", options, make)
