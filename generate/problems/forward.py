"""``forward``: z, a, ŷ and the cost of one example (Herrmann 3.2, Eq. 3.4 and 3.11)."""

from __future__ import annotations

from typing import Any

import numpy as np

from gradsheet.derive.printing.step import Section
from gradsheet.derive.printing.steps import forward_steps

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
    values = computed.values
    groups = []
    L = computed.spec.network.depth
    for l in range(1, L + 1):
        group = [p for p in values if p.startswith((f"z{l}[", f"a{l}["))]
        if l == L:
            group += [p for p in values if p.startswith("output[")] + ["cost"]
        groups.append(group)
    return groups


def rule(sheet: Sheet, bias: bool) -> str:
    """Eq. 3.4 in the sheet's notation."""
    n = sheet.notation
    z = rf"{n.node('z', 'l')} = {n.matrix('W', 'l')}{n.node('a', 'l-1')}" + (rf" + {n.matrix('b', 'l')}" if bias else "")
    return sheet.say("{z}, {a} with {x}", z=f"${z}$", a=rf"${n.node('a', 'l')} = \sigma\big({n.node('z', 'l')}\big)$",
                     x=rf"${n.node('a', 0)} = \mathbf{{x}}$")


def per_layer(computed: networks.Computed, sheet: Sheet) -> str:
    """Which activation each layer applies, in words."""
    names = [layer.activation.latex for layer in computed.spec.network.layers]
    if len(set(names)) == 1:
        return sheet.say("Every layer applies {activation}.", activation=f"${names[0]}$")
    return sheet.say("Layer {layers}.", layers=sheet.say(", layer ").join(
        sheet.say("{l} applies {activation}", l=l, activation=f"${name}$") for l, name in enumerate(names, start=1)))


def statement(computed: networks.Computed, sheet: Sheet, learning_rate: bool = False,
              targets: bool = True) -> dict[str, Any]:
    """What a network problem's text shows; without ``targets`` no y and no cost (a perceptron's pass)."""
    p = sheet.printer
    net = computed.spec.network
    return {
        "sizes": "--".join(map(str, net.sizes)),
        "rule": rule(sheet, any(layer.bias is not None for layer in net.layers)),
        "per_layer": per_layer(computed, sheet),
        "given": networks.given(computed, p, learning_rate=learning_rate, targets=targets),
        "activations": networks.activation_lines(computed),
        "layer_activations": [layer.activation.name for layer in net.layers],
        "loss": rf"{sheet.notation.cost_symbol} = {net.loss.latex}" if targets else "",
        "formulas": networks.formula_rows(networks.activation_lines(computed) + (
            [rf"{sheet.notation.cost_symbol} = {net.loss.latex}"] if targets else [])),
        "decimals": sheet.decimals,
        "integer": net.rational,
    }


def network_problem(kind: str, title: str, computed: networks.Computed, sheet: Sheet, points: int,
                    groups: list[tuple[str, list[str]]], solution: tuple[Section, ...], *,
                    learning_rate: bool = False, targets: bool = True, extra: tuple[Any, ...] = (),
                    solution_values: str = "hand") -> Problem:
    """A problem on one drawn network: its figure and data, questions ``(text, parts)``, points
    shared in proportion to the parts asked."""
    shares = split_points(points, [max(len(parts), 1) for _, parts in groups])
    p = sheet.printer
    return Problem(
        kind=kind, title=title, points=points,
        statement=statement(computed, sheet, learning_rate, targets),
        # the extra answers (cost fell?, trainable?) are what the last question asks
        questions=tuple(Question(text, s, tuple(parts) + (tuple(a.part for a in extra) if n == len(groups) - 1 else ()))
                        for n, ((text, parts), s) in enumerate(zip(groups, shares))),
        solution=solution,
        answers=networks.answers(computed, [q for _, g in groups for q in g], sheet.decimals,
                                 solution_values) + tuple(extra),
        figure=network_figure(computed.trace.params, computed.trace.forward.x[0], p),
        network=computed.data,
        fingerprint=networks.fingerprint(computed.data),
    )


def make(rng: np.random.Generator, opts: networks.NetOptions, sheet: Sheet, points: int) -> Problem:
    computed = networks.sample_computed(rng, opts, sheet)
    n = sheet.notation
    L = computed.spec.network.depth
    yhat = r"\hat{\mathbf{y}}"
    groups = [(sheet.say("Compute {z} and {a} and the cost {C}." if l == L else "Compute {z} and {a}.",
                         z=f"${n.node('z', l)}$", a=f"${n.node('a', l) if l < L else yhat}$", C=f"${n.cost_symbol}$"), parts)
              for l, parts in enumerate(forward_parts(computed), start=1)]
    solution = (Section("Forward pass", tuple(forward_steps(computed.report, sheet.solution_printer(opts.numbers), 0))),)
    return network_problem("forward", "Forward propagation", computed, sheet, points, groups, solution)


KIND = Kind("forward", "Forward propagation", "z, a, ŷ and the cost of one example", options, make)
