"""``backprop``: the deltas and the gradients of one example (Eq. 3.18, 3.23, 3.14, 3.16)."""

from __future__ import annotations

import re

import numpy as np

from gradsheet.derive.errors import SpecError
from gradsheet.derive.printing.step import Section
from gradsheet.derive.printing.steps import delta_steps, forward_steps, gradient_steps

from .. import networks
from ..options import Table
from ..problem import Problem
from ..sheet import Sheet
from . import Kind
from .forward import network_problem

_GRADIENT = re.compile(r"^grad_(W(\d+)\[(\d+),(\d+)\]|b(\d+)\[(\d+)\])$")


def options(t: Table, difficulty: str) -> tuple[networks.NetOptions, tuple[str, ...] | None]:
    opts = networks.parse(t, difficulty)
    ask = t.strings("ask", ("all",))
    assert ask is not None
    if ask == ("all",):
        return opts, None
    for part in ask:
        m = _GRADIENT.match(part)
        if not m:
            raise SpecError(t.where("ask"), f"{part!r} is not a gradient name",
                            'write "all" or names such as "grad_W1[2,1]", "grad_b2[1]"')
        l = int(m[2] or m[5])
        j, k = int(m[3] or m[6]), int(m[4] or 1)
        if not 1 <= l < len(opts.sizes) or j > opts.sizes[l] or k > opts.sizes[l - 1]:
            raise SpecError(t.where("ask"), f"{part} is outside a {'-'.join(map(str, opts.sizes))} network",
                            "layers are 1…L, neuron j of layer l, input k of layer l−1")
        if m[5] and not opts.bias:
            raise SpecError(t.where("ask"), f"{part} asks for a bias the network does not have", "set bias = true")
    return opts, ask


def asked(computed: networks.Computed, ask: tuple[str, ...] | None) -> list[str]:
    names = [p for p in computed.values if p.startswith("grad_W") or p.startswith("grad_b")]
    return names if ask is None else list(ask)


def make(rng: np.random.Generator, options: tuple[networks.NetOptions, tuple[str, ...] | None], sheet: Sheet,
         points: int) -> Problem:
    opts, ask = options
    computed = networks.sample_computed(rng, opts, sheet)
    grads = asked(computed, ask)
    networks.nonzero(computed, grads if ask is not None else [], opts)
    for layer in computed.trace.backward.layers:  # no layer whose whole gradient vanishes
        if all(v == 0 for v in np.ravel(layer.grad_W)):
            networks.reject(opts, "a layer's gradient is zero")
    values = computed.values
    n, L = sheet.notation, computed.spec.network.depth
    deltas = [p for p in values if p.startswith("delta")]
    which = sheet.say("every weight and bias" if opts.bias else "every weight") if ask is None else \
        ", ".join(f"${networks.quantities.label(g, n)}$" for g in grads)
    groups = [
        (sheet.say("Run the forward pass: {y} and {C}.", y=r"$\hat{\mathbf{y}}$", C=f"${n.cost_symbol}$"),
         [p for p in values if p.startswith("output")] + ["cost"]),
        (sheet.say("Compute the sensitivities {deltas} by backpropagation.",
                   deltas=rf"${n.node('delta', L)}, \dots, {n.node('delta', 1)}$"), deltas),
        (sheet.say("Compute the gradient of {C} with respect to {which}.", C=f"${n.cost_symbol}$", which=which), grads),
    ]
    p, report = sheet.solution_printer(opts.numbers), computed.report
    labels = {networks.quantities.label(g, n) for g in grads}
    solution = (Section("Forward pass", tuple(forward_steps(report, p, 0))),
                Section("Sensitivities", tuple(delta_steps(report, p, 0))),
                Section("Gradients", tuple(s for s in gradient_steps(report, p) if ask is None or s.lhs in labels)))
    return network_problem("backprop", "Backpropagation", computed, sheet, points, groups, solution)


KIND = Kind("backprop", "Backpropagation", "deltas and gradients of one example, for chosen parameters or all",
            options, make)
