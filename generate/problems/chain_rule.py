"""``chain_rule``: ŷ as one nested function, and ∂C/∂w of one first-layer weight by the chain
rule (Herrmann 3.3). Networks of one hidden layer and one output, so there is one path."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from gradsheet.derive.symbolic import derivation as symbolic
from gradsheet.derive.errors import SpecError
from gradsheet.derive.engine.network import Network
from gradsheet.derive.engine.notation import Notation
from gradsheet.derive.printing.step import Section, Step
from gradsheet.derive.printing.steps import forward_steps

from .. import networks
from ..options import Table
from ..problem import Problem
from ..sheet import Sheet
from . import Kind
from .forward import network_problem


def options(t: Table, difficulty: str) -> networks.NetOptions:
    t.default("bias", False)  # as on the slide: the nested form without biases
    if t.peek("numbers", "integer") == "integer":
        t.default("activation", "square")
    opts = networks.parse(t, difficulty)
    if len(opts.sizes) != 3 or opts.sizes[-1] != 1:
        raise SpecError(t.where("sizes"), f"{list(opts.sizes)}: the chain-rule kind takes one hidden layer and one output",
                        "give a network of one hidden layer and one output" if opts.given else
                        "write sizes = [2, 2, 1] (or [n, h, 1])")
    return opts


_NESTED: dict[tuple, str] = {}
EXPANDED_WEIGHTS = 6  # beyond this many weights the written-out nesting no longer fits a line


def _nested(structure: tuple, notation: Notation, network: Network) -> str:
    """ŷ as one nested function, as LaTeX: written out for small networks, with sums beyond.

    It depends on the structure only, not on the drawn numbers: derived once per exam.
    """
    key = (structure, notation)
    if key not in _NESTED:
        n, h = network.sizes[0], network.sizes[1]
        if h * (n + 1) <= EXPANDED_WEIGHTS:
            derivation = symbolic.derive(network, notation)
            _NESTED[key] = derivation.latex(derivation.display_yhat[0])
        else:
            inner = rf"\sum_{{k=1}}^{{{n}}} {notation.w(1, 'j', 'k')}\, x_k"
            bias1 = rf" + {notation.b(1, 'j')}" if network.has_bias else ""
            bias2 = rf" + {notation.b(2, 1)}" if network.has_bias else ""
            _NESTED[key] = (rf"\sigma\Big(\sum_{{j=1}}^{{{h}}} {notation.w(2, 1, 'j')}\, "
                            rf"\sigma\Big({inner}{bias1}\Big){bias2}\Big)")
    return _NESTED[key]


def _leibniz(notation: Notation, j: int, k: int) -> str:
    """Eq. 3.3's chain for a first-layer weight: one factor per link of the only path."""
    z2, a1, z1 = notation.node("z", 2, 1), notation.node("a", 1, j + 1), notation.node("z", 1, j + 1)
    pairs = [(notation.cost_symbol, r"\hat{y}"), (r"\hat{y}", z2), (z2, a1), (a1, z1), (z1, notation.w(1, j + 1, k + 1))]
    return r"\,".join(rf"\frac{{\partial {top}}}{{\partial {bottom}}}" for top, bottom in pairs)


def make(rng: np.random.Generator, opts: networks.NetOptions, sheet: Sheet, points: int) -> Problem:
    computed = networks.sample_computed(rng, opts, sheet)
    net, n = computed.spec.network, sheet.notation
    j, k = int(rng.integers(net.sizes[1])), int(rng.integers(net.sizes[0]))
    part = f"grad_W1[{j + 1},{k + 1}]"
    networks.nonzero(computed, [part], opts)
    key = (net.sizes, net.has_bias, tuple(layer.activation.name for layer in net.layers), net.loss.name)
    yhat = _nested(key, n, net)
    nested = rf"\hat{{y}} = {yhat}"
    trace, p = computed.trace, sheet.printer
    out, hidden = trace.backward.layers[-1], trace.backward.layers[0]
    w2 = trace.params[1][0][0][j]
    factors = [out.upstream[0][0], out.sigma_prime[0][0], w2, hidden.sigma_prime[0][j], trace.forward.x[0][k]]
    dot = r" \cdot "
    lhs = networks.quantities.label(part, n)
    steps = (
        Step(lhs, rf"\frac{{\partial {n.cost_symbol}}}{{\partial \hat{{y}}}}\, \sigma'\big({n.node('z', 2, 1)}\big)\,"
                  rf"{n.w(2, 1, j + 1)}\, \sigma'\big({n.node('z', 1, j + 1)}\big)\, x_{{{k + 1}}}",
             dot.join(p.factor(f) for f in factors), p.number(trace.backward.layers[0].grad_W[j][k])),
    )
    groups = [
        (sheet.say("Write {y} as one nested function of the inputs and the weights, and the cost {C}.",
                   y=r"$\hat{y}$", C=f"${n.cost_symbol}$"), []),
        # ŷ first: every factor of the chain is a value of the forward pass, and a slip there
        # is carried into the derivative, not charged twice
        (sheet.say("Evaluate {y}, then derive {gradient} by the chain rule and evaluate it.", y=r"$\hat{y}$",
                   gradient=f"${lhs}$"), ["output[1]", part]),
    ]
    solution = (
        Section("The nested function", (Step(r"\hat{y}", yhat, "", ""),)),
        Section("Forward pass", tuple(forward_steps(computed.report, sheet.solution_printer(opts.numbers), 0))),
        Section("The chain rule", (Step(lhs, _leibniz(n, j, k), "", "", "chain rule"),) + steps,
                sheet.say("Every factor is a value of the forward pass; the product is the backpropagation result "
                          "{result}.", result=rf"${n.node('delta', 1, j + 1)}\, x_{{{k + 1}}}$"
                          + (f" ({sheet.language.ref(n.ref('Eq. 3.14'))})" if n.ref("Eq. 3.14") else ""))),
    )
    problem = network_problem("chain_rule", "Differentiation by the chain rule", computed, sheet, points, groups,
                              solution)
    return replace(problem, statement={**problem.statement, "nested": nested}, fingerprint=problem.fingerprint + part)


KIND = Kind("chain_rule", "Differentiation by the chain rule",
            "ŷ as a nested function, ∂C/∂w of one weight by the chain rule", options, make)
