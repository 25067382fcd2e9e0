"""``batching``: one epoch of full-batch, stochastic and mini-batch gradient descent on 3–4
examples (Herrmann Algorithms 5–7); the parameters after each variant's epoch.

Every update is ``derive``'s: the mean-cost gradient of the examples in the (mini-)batch,
then W ← W − α ∂C/∂W, b ← b − α ∂C/∂b.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from derive import backprop
from derive.numbers import EXACT
from derive.steps import Section, Step

from .. import networks
from ..options import Table
from ..problem import Problem, Question
from ..sheet import Sheet
from . import Kind, split_points
from .forward import statement


@dataclass(frozen=True)
class Options:
    net: networks.NetOptions
    examples: int
    batch: int


def options(t: Table, difficulty: str) -> Options:
    if not t.has("sizes"):
        t.data["sizes"] = [2, 1] if difficulty != "hard" else [2, 2, 1]
    if not t.has("activation"):
        t.data["activation"] = "identity" if difficulty != "hard" else ["relu", "identity"]
    t.data.setdefault("bias", True)
    t.data.setdefault("learning_rate", "1/10")
    net = networks.parse(t, difficulty, learning_rate=True)
    examples = t.integer("examples", 4, 2, 8)
    batch = t.integer("batch_size", 2, 1, examples)
    return Options(net, examples, batch)


def _epoch(network: Any, params: Any, x: Any, y: Any, rate: Any, batches: list[list[int]]) -> list[Any]:
    """Parameters after each update, one update per batch (Algorithm 5, 6 or 7)."""
    history = []
    for batch in batches:
        fwd = backprop.forward(network, params, x[batch], y[batch], EXACT)
        params = backprop.step(params, backprop.backward(network, params, fwd, EXACT), rate, EXACT)
        history.append(params)
    return history


def make(rng: np.random.Generator, opts: Options, sheet: Sheet, points: int) -> Problem:
    data = networks.sample(rng, opts.net, opts.examples)
    computed = networks.compute({k: v for k, v in data.items() if k != "learning_rate"}, opts.net, sheet.decimals,
                                sheet.notation)
    computed = networks.Computed(data, computed.spec, computed.trace, computed.hand)
    net, trace = computed.spec.network, computed.trace
    x, y = trace.forward.x, trace.forward.y
    m, k = opts.examples, opts.batch
    schemes = {
        "full": ("Full-batch gradient descent (Algorithm 5)", [list(range(m))]),
        "sgd": ("Stochastic gradient descent (Algorithm 6)", [[i] for i in range(m)]),
        "mini": (f"Mini-batch gradient descent, batches of {k} (Algorithm 7)",
                 [list(range(s, min(s + k, m))) for s in range(0, m, k)]),
    }
    p, n, d = sheet.printer, sheet.notation, sheet.decimals
    rate = opts.net.learning_rate
    sections, answers, groups = [], [], []
    for key, (title, batches) in schemes.items():
        history = _epoch(net, trace.params, x, y, rate, batches)
        steps = []
        for u, (batch, params) in enumerate(zip(batches, history), start=1):
            for l, (w, b) in enumerate(params, start=1):
                who = ", ".join(str(i + 1) for i in batch)
                steps.append(Step(rf"{n.matrix('W', l)}_{{[{u}]}}",
                                  rf"{n.matrix('W', l)} - \alpha\, \tfrac{{1}}{{{len(batch)}}}\textstyle\sum_{{i \in \{{{who}\}}}}"
                                  rf"\frac{{\partial C_i}}{{\partial {n.matrix('W', l)}}}", "", p.matrix(w)))
                if b is not None:
                    steps.append(Step(rf"{n.matrix('b', l)}_{{[{u}]}}", "", "", p.vector(b)))
        final = history[-1]
        parts = []
        for l, (w, b) in enumerate(final, start=1):
            for j, row in enumerate(w, start=1):
                for c, v in enumerate(row, start=1):
                    networks._check_value(f"{key}_W{l}", v, opts.net, d)
                    answers.append(networks.answer(f"{key}_W{l}[{j},{c}]", rf"{n.w(l, j, c)}\ \text{{({key})}}", v, None, d))
                    parts.append(answers[-1].part)
            if b is not None:
                for j, v in enumerate(b, start=1):
                    networks._check_value(f"{key}_b{l}", v, opts.net, d)
                    answers.append(networks.answer(f"{key}_b{l}[{j}]", rf"{n.b(l, j)}\ \text{{({key})}}", v, None, d))
                    parts.append(answers[-1].part)
        sections.append(Section(title, tuple(steps), f"{len(batches)} update{'s' if len(batches) > 1 else ''} in the epoch."))
        groups.append((f"{title}: the parameters after one epoch.", parts))
    third = len(answers) // 3
    if [a.value for a in answers[:third]] == [a.value for a in answers[third:2 * third]]:
        raise networks.Degenerate("full-batch and SGD end alike")
    shares = split_points(points, [1, 1, 1])
    return Problem(
        kind="batching", title="Full-batch, stochastic and mini-batch gradient descent", points=points,
        statement={**statement(computed, sheet, learning_rate=True), "m": m, "batch": k},
        questions=tuple(Question(t, s) for (t, _), s in zip(groups, shares)),
        solution=tuple(sections), answers=tuple(answers),
        network=computed.data, fingerprint=networks.fingerprint(computed.data),
    )


KIND = Kind("batching", "Full-batch, stochastic and mini-batch gradient descent",
            "one epoch of full-batch, stochastic and mini-batch descent on 3–4 examples", options, make)
