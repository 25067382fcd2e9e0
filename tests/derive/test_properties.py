"""Over random networks: backprop = symbolic = central differences; exact = float."""

import math

import numpy as np
from hypothesis import example, given, settings

from gradsheet.derive.engine.backprop import batch_arrays, forward, parameters, trace
from gradsheet.derive.engine.network import parse_spec
from gradsheet.derive.engine.numbers import EXACT, FLOAT
from gradsheet.derive.symbolic.derivation import agrees, derive, evaluate
from tests.conftest import examples
from tests.strategies import RATIONAL_HIDDEN, specs

def _near_kink(spec, t):
    for l, layer in enumerate(spec.network.layers, start=1):
        for kink in layer.activation.kinks:
            if np.any(np.abs(t.forward.z(l) - float(kink)) < 1e-4):
                return True
    return False


# every gradient 0, by 5/4 · (−3/4) + 3/4 · 5/4 two layers up: float leaves 1e−20, not 0
CANCELLING = parse_spec({"loss": "half_sse", "layers": [
    {"weights": [[0]], "activation": "identity"}, {"weights": [["1/4"]], "activation": "identity"},
    {"weights": [["1/4"], [0]], "activation": "identity"},
    {"weights": [["5/4", 0], ["3/4", 0]], "activation": "leaky_relu"}], "example": {"x": ["1/4"], "y": ["3/4", "-5/4"]}})


@given(specs(max_depth=4, max_width=2))
@example(CANCELLING)
def test_backprop_equals_symbolic_differentiation_in_float(spec):
    t = trace(spec.network, spec.examples, FLOAT)
    assert agrees(evaluate(derive(spec.network), spec.examples, FLOAT), t, rel=1e-12)


@settings(max_examples=examples(1.2))  # 60 in dev, as before the profiles
@given(specs())
def test_backprop_equals_central_differences(spec):
    t = trace(spec.network, spec.examples, FLOAT)
    if _near_kink(spec, t):
        return  # a difference quotient across a kink measures neither one-sided slope
    params = parameters(spec.network, FLOAT)
    x, y = batch_arrays(spec.examples, FLOAT)
    h = 1e-6
    for l, (weights, bias) in enumerate(params):
        for array, grad in ((weights, t.backward.layers[l].grad_W), (bias, t.backward.layers[l].grad_b)):
            if array is None:
                continue
            for idx in np.ndindex(array.shape):
                saved = array[idx]
                array[idx] = saved + h
                up = forward(spec.network, params, x, y, FLOAT).cost
                array[idx] = saved - h
                down = forward(spec.network, params, x, y, FLOAT).cost
                array[idx] = saved
                numeric = (up - down) / (2 * h)
                # the quotient itself carries a rounding error of about ε·|C|/h
                rounding = 100 * np.finfo(float).eps * max(abs(up), abs(down)) / h
                assert math.isclose(grad[idx], numeric, rel_tol=1e-6, abs_tol=1e-6 + rounding), \
                    (l + 1, idx, grad[idx], numeric)


@given(specs(max_depth=3, max_width=3, max_examples=2))
def test_exact_mode_equals_float_mode(spec):
    exact = trace(spec.network, spec.examples, EXACT)
    approx = trace(spec.network, spec.examples, FLOAT)
    pairs = [(exact.forward.cost, approx.forward.cost)]
    for e, f in zip(exact.backward.layers, approx.backward.layers):
        pairs += list(zip(np.ravel(e.grad_W), np.ravel(f.grad_W)))
    pairs += list(zip(np.ravel(exact.backward.grad_x), np.ravel(approx.backward.grad_x)))
    scale = max(1.0, max(abs(float(v)) for _, v in pairs))
    for e, f in pairs:
        assert abs(float(e) - f) <= 1e-9 * scale


@given(specs(hidden=RATIONAL_HIDDEN, losses=("half_sse", "mse"), max_depth=3, max_width=3, max_examples=2))
def test_rational_networks_stay_rational_and_match_symbolic_exactly(spec):
    t = trace(spec.network, spec.examples, EXACT)
    for layer in t.backward.layers:
        assert all(type(v).__name__ in ("Integer", "Rational", "Zero", "One", "NegativeOne", "Half")
                   for v in np.ravel(layer.grad_W))
    assert agrees(evaluate(derive(spec.network), spec.examples, EXACT), t)


def test_a_gradient_cancelling_to_zero_still_agrees_in_float_and_a_wrong_one_does_not():
    t = trace(CANCELLING.network, CANCELLING.examples, FLOAT)
    # the sum Σ_k w δ cancels: zero within its rounding, the engine settles it to 0 (Mode.settle)
    assert t.backward.layers[0].grad_W[0, 0] == 0
    assert agrees(evaluate(derive(CANCELLING.network), CANCELLING.examples, FLOAT), t)
    t.backward.layers[0].grad_W[0, 0] = 1e-6  # far above any rounding of these terms
    assert not agrees(evaluate(derive(CANCELLING.network), CANCELLING.examples, FLOAT), t)
