"""``forward``: z, a, ŷ and the cost of one example (Herrmann 3.2, Eq. 3.4 and 3.11)."""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import Section, forward_steps

from .. import networks
from ..figure import network_figure
from ..options import Table
from ..problem import Problem, Question
from ..sheet import Sheet
from . import Kind, split_points


def options(t: Table, difficulty: str) -> networks.NetOptions:
    return networks.parse(t, difficulty)


def forward_parts(computed: networks.Computed) -> list[list[str]]:
    """The values asked, grouped by layer; the last group adds the cost."""
    values = computed.values()
    groups = []
    L = computed.spec.network.depth
    for l in range(1, L + 1):
        group = [p for p in values if p.startswith((f"z{l}[", f"a{l}["))]
        if l == L:
            group += [p for p in values if p.startswith("output[")] + ["cost"]
        groups.append(group)
    return groups


def statement(computed: networks.Computed, sheet: Sheet, learning_rate: bool = False) -> dict[str, Any]:
    p = sheet.printer
    net = computed.spec.network
    return {
        "sizes": "--".join(map(str, net.sizes)),
        "given": networks.given(computed, p, learning_rate=learning_rate),
        "activations": networks.activation_lines(computed),
        "layer_activations": [layer.activation.name for layer in net.layers],
        "loss": rf"{sheet.notation.cost_symbol} = {net.loss.latex}",
        "decimals": sheet.decimals,
        "integer": net.rational,
    }


def make(rng: np.random.Generator, opts: networks.NetOptions, sheet: Sheet, points: int) -> Problem:
    computed = networks.sample_computed(rng, opts, sheet)
    groups = forward_parts(computed)
    n = sheet.notation
    L = computed.spec.network.depth
    yhat = r"\hat{\mathbf{y}}"
    texts = [rf"Compute ${n.node('z', l)}$ and ${n.node('a', l) if l < L else yhat}$." for l in range(1, L + 1)]
    texts[-1] = texts[-1][:-1] + rf" and the cost ${n.cost_symbol}$."
    shares = split_points(points, [len(g) for g in groups])
    p = sheet.printer
    return Problem(
        kind="forward", title="Forward propagation", points=points,
        statement=statement(computed, sheet),
        questions=tuple(Question(t, s) for t, s in zip(texts, shares)),
        solution=(Section("Forward pass", tuple(forward_steps(computed.report, p, 0))),),
        answers=networks.answers(computed, [q for g in groups for q in g], sheet.decimals),
        figure=network_figure(computed.trace.params, computed.trace.forward.x[0], p),
        network=computed.data,
        fingerprint=networks.fingerprint(computed.data),
    )


KIND = Kind("forward", "Forward propagation", "z, a, ŷ and the cost of one example", options, make)
