"""``perceptron``: forward passes through step-activation networks, as the Herrmann homework
(1-2-2-1 with biases) and the Bhadani perceptron; and why they cannot be trained by gradients."""

from __future__ import annotations

import numpy as np

from gradsheet.derive.printing.step import Section
from gradsheet.derive.printing.steps import forward_steps

from .. import networks
from ..options import Table
from ..problem import Answer, Problem
from ..sheet import Sheet
from . import Kind
from .forward import network_problem

_SIZES = {"easy": (2, 1), "medium": (1, 2, 2, 1), "hard": (2, 3, 2, 1)}


def options(t: Table, difficulty: str) -> networks.NetOptions:
    t.default("sizes", list(_SIZES[difficulty]))
    t.default("activation", "step")
    t.default("bias", True)
    # step layers only: the last question's answer (not trainable by gradients) is theirs
    return networks.parse(t, difficulty, activations_allowed=("step",))


def make(rng: np.random.Generator, opts: networks.NetOptions, sheet: Sheet, points: int) -> Problem:
    data = networks.sample(rng, opts)
    try:
        computed = networks.compute(data, opts, sheet.decimals, sheet.notation)
    except networks.Degenerate as why:
        if "target equals" not in str(why):  # a perceptron has no target to miss
            raise
        computed = networks.compute({**data, "example": {**data["example"], "y": [1 - int(v) for v in data["example"]["y"]]}},
                                    opts, sheet.decimals, sheet.notation)
    values = computed.values
    n, L = sheet.notation, computed.spec.network.depth
    layers = [[p for p in values if p.startswith((f"z{l}[", f"a{l}["))] for l in range(1, L)]
    outputs = [p for p in values if p.startswith("output")]
    groups = [(sheet.say("Compute {z} and {a}.", z=f"${n.node('z', l)}$", a=f"${n.node('a', l)}$"), parts)
              for l, parts in enumerate(layers, start=1)]
    groups.append((sheet.say("Compute the output {y}.", y=r"$\hat{\mathbf{y}}$"), outputs))
    # asked open, not "why can it not be trained": the question must not give its answer away
    groups.append((sheet.say("Can such a network be trained by gradient descent? Answer yes or no, and give the reason."),
                   []))
    why = sheet.say("step'(z) = 0 wherever it is defined, so every delta and every gradient is zero: "
                    "gradient descent never moves the weights.")
    solution = (Section("Forward pass", tuple(s for s in forward_steps(computed.report, sheet.printer, 0)
                                              if s.lhs != n.cost_symbol)),
                Section("Training", (), why))
    extra = (Answer("trainable", rf"\text{{{sheet.say('trainable by gradient descent?')}}}", "no",
                    rf"\text{{{sheet.say('no')}}}", "no"),)
    return network_problem("perceptron", "Step-activation network", computed, sheet, points, groups, solution,
                           targets=False, extra=extra)


KIND = Kind("perceptron", "Step-activation network", "forward pass of a step-activation network (perceptron)",
            options, make)
