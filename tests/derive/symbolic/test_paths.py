"""The derivative as SymPy writes it with the lectures' names: one term per path, and the
same value as backpropagation."""

from __future__ import annotations

import math

import mpmath
import numpy as np
from hypothesis import example, given

from gradsheet.derive import catalogue
from gradsheet.derive.symbolic import paths, derivation as symbolic
from gradsheet.derive.symbolic.functions import evaluate_shared
from gradsheet.derive.engine.backprop import trace
from gradsheet.derive.engine.network import parse_spec
from gradsheet.derive.engine.numbers import EXACT, FLOAT, Real
from tests.strategies import specs


def _path_values(spec):
    derivation = symbolic.derive(spec.network, spec.notation)
    lay = paths.layered(derivation)
    params = derivation.symbols.parameters
    exprs = [paths.concrete(lay, sum(lay.path_sum(p).terms)) for p in params]
    env = {**symbolic._values(spec.network, derivation.symbols),
           **symbolic._example_values(derivation.symbols, spec.examples[0])}
    # a saturated output (σ(2400) = 1 − 10^-1042) needs the digits to see 1 − ŷ, as in symbolic.evaluate
    for digits in (40, 200, 1000, 5000):
        try:
            with mpmath.workdps(digits):
                values = evaluate_shared(exprs, {k: mpmath.mpf(Real.parts(v)[1]) for k, v in env.items()})
            break
        except ZeroDivisionError:
            continue
    return lay, params, [float(v) for v in values]


def _backprop(spec, mode=FLOAT):
    t = trace(spec.network, spec.examples[:1], mode)
    flat = []
    for g in t.backward.layers:
        flat += list(np.ravel(g.grad_W))
        if g.grad_b is not None:
            flat += list(np.ravel(g.grad_b))
    return [float(v) for v in flat]


def test_herrmanns_first_weight_is_one_path_through_sigma_prime_twice():
    spec, _ = catalogue.load("herrmann-backprop")
    lay = paths.layered(symbolic.derive(spec.network, spec.notation))
    w11 = lay.derivation.symbols.W[0][0, 0]
    (term,) = lay.path_sum(w11).terms
    assert lay.term_latex(term) == (r"\frac{\partial C}{\partial \hat{y}}\,\sigma'\left(z_{1}^{(2)}\right)\,"
                                    r"w_{11}^{(2)}\,\sigma'\left(z_{1}^{(1)}\right)\,x_{1}")
    assert lay.latex(lay.loss_gradient[0]) == r"- y + \hat{y}"
    _, _, values = _path_values(spec)
    assert values == [-432, -288, 288, 192, 108, 192]


def test_bhadanis_first_weight_has_a_term_for_each_of_the_three_middle_neurons():
    spec, _ = catalogue.load("bhadani-sigmoid")
    lay = paths.layered(symbolic.derive(spec.network, spec.notation))
    terms = lay.path_sum(lay.derivation.symbols.W[0][0, 0]).terms
    assert len(terms) == 3
    assert [lay.term_latex(t).count(r"\sigma'") for t in terms] == [3, 3, 3]
    assert lay.latex(lay.loss_gradient[0]) == r"- \frac{y}{\hat{y}} + \frac{1 - y}{1 - \hat{y}}"


def test_softmax_paths_go_through_every_output_and_its_jacobian():
    spec = parse_spec({
        "loss": "cross_entropy", "layers": [
            {"weights": [[1, 2], [3, -1], [0, 1]], "activation": "tanh"},
            {"weights": [[1, -1, 2], [2, 0, -1]], "activation": "softmax"}],
        "example": {"x": [1, -1], "y": [0, 1]}})
    lay = paths.layered(symbolic.derive(spec.network, spec.notation))
    terms = lay.path_sum(lay.derivation.symbols.W[0][0, 0]).terms
    # ŷ_j ← z_k^(2) ← a_1^(1): 2 outputs × 2 logits
    assert len(terms) == 4
    assert all(r"\frac{\partial a_{" in lay.term_latex(t) for t in terms)
    lay_values = _path_values(spec)[2]
    assert np.allclose(lay_values, _backprop(spec), rtol=0, atol=1e-12)


@given(specs(max_depth=3, max_width=3, max_examples=1))  # paths grow as width^depth
# every gradient 0 by cancellation: δ^(1) = 1/4 · (−2/3) + 0 · 1/3 + 1/2 · 1/3 through a zero hidden layer
@example(parse_spec({"loss": "cross_entropy", "learning_rate": "1/10", "layers": [
    {"weights": [[0]], "activation": "identity"},
    {"weights": [["1/4"], [0], ["1/2"]], "activation": "softmax"}], "example": {"x": ["1/4"], "y": [1, 0, 0]}}))
def test_the_paths_add_up_to_backprops_gradient(spec):
    lay, params, values = _path_values(spec)
    # backprop's exact engine (irrational values to 80 digits): float's rounding is not
    # relative to a gradient that cancels to 0 (1/4 · (−2/3) + 1/2 · 1/3 left −7e−18)
    expected = _backprop(spec, EXACT)
    scale = max([abs(v) for v in expected] + [1e-9])
    assert all(abs(v - e) <= 1e-10 * scale for v, e in zip(values, expected))
    # elementwise layers: one term per path, the product of the widths above
    if all(layer.activation.elementwise for layer in spec.network.layers):
        sizes = spec.network.sizes
        for l in range(1, spec.network.depth + 1):
            n = len(lay.path_sum(lay.derivation.symbols.W[l - 1][0, 0]).terms)
            assert n == math.prod(sizes[l + 1:])
