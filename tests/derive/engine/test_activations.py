"""Every activation: NumPy agrees with its SymPy expression; kink conventions hold."""

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from gradsheet.derive.engine import activations
from gradsheet.derive.errors import SpecError
from gradsheet.derive.engine.numbers import EXACT, FLOAT
from tests.conftest import examples

ELEMENTWISE = [n for n in activations.NAMES if n != "softmax"]
POINTS = np.array([[-2.5, -0.75, 0.5, 1.25, 3.0]])


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_numpy_value_and_derivative_match_sympy(name):
    act = activations.get(name)
    value = sp.lambdify(activations.z, act.expr, "mpmath")
    prime = sp.lambdify(activations.z, act.prime_expr, "mpmath")
    for v in POINTS[0]:
        assert act.np_value(np.array([v]))[0] == pytest.approx(float(value(v)), rel=1e-12, abs=1e-14)
        outputs = act.np_value(np.array([v]))
        assert act.derivative(np.array([v]), outputs, FLOAT)[0] == pytest.approx(float(prime(v)), rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("name", [n for n in ELEMENTWISE if activations.get(n).prime_from_output is not None])
def test_derivative_from_the_output_equals_the_derivative(name):
    act = activations.get(name)
    zs = np.array([[sp.Rational(-5, 4), sp.Rational(1, 2), sp.Rational(3, 2)]], dtype=object)
    outputs = act.value(zs, EXACT)
    from_output = act.derivative(zs, outputs, EXACT)
    for zv, got in zip(zs[0], from_output[0]):
        assert float(got) == pytest.approx(float(act.prime_expr.subs(activations.z, zv)), rel=1e-12)


def test_kink_conventions_take_the_left_derivative():
    zero = np.array([[sp.Integer(0)]], dtype=object)
    assert activations.get("relu").derivative(zero, zero, EXACT)[0, 0] == 0
    leaky = activations.get("leaky_relu", {"alpha": "1/10"})
    assert leaky.derivative(zero, zero, EXACT)[0, 0] == sp.Rational(1, 10)
    assert activations.get("relu").at_kink(zero)[0, 0]


def test_step_threshold_and_value_at_threshold_are_configurable():
    step = activations.get("step", {"threshold": 1, "at_threshold": 1})  # Bhadani: z >= θ
    zs = np.array([[0, 1, 2]], dtype=object)
    assert list(step.value(zs, EXACT)[0]) == [0, 1, 1]
    assert list(step.derivative(zs, zs, EXACT)[0]) == [0, 0, 0]


def test_softmax_jacobian_is_diag_minus_outer_product():
    act = activations.get("softmax")
    s = act.value(np.array([[1.0, 2.0, 0.5]]), FLOAT)
    jac = act.jacobian(s)[0]
    assert np.allclose(jac, np.diag(s[0]) - np.outer(s[0], s[0]))
    g = np.array([[0.3, -1.0, 2.0]])
    assert np.allclose(act.backward(None, s, g, FLOAT), (jac.T @ g[0])[None, :])


def test_unknown_activation_lists_the_known_ones():
    with pytest.raises(SpecError) as info:
        activations.get("swish")
    assert "sigmoid" in str(info.value) and "relu" in str(info.value)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_float_value_and_derivative_keep_their_relative_accuracy_when_saturated(name):
    # 1 − tanh², σ(1 − σ) and 1 + erf lose every digit at |z| ≈ 20; the engine must not
    act = activations.get(name)
    value = sp.lambdify(activations.z, act.expr, "mpmath")
    prime = sp.lambdify(activations.z, act.prime_expr, "mpmath")
    with mpmath.workdps(400):  # GELU at −30 needs ~200 digits of 1 + erf
        for v in (-30.0, -12.0, 12.0, 30.0):
            zs = np.array([v])
            outputs = act.np_value(zs)
            assert outputs[0] == pytest.approx(float(value(v)), rel=1e-12, abs=1e-300)
            assert act.derivative(zs, outputs, FLOAT)[0] == pytest.approx(float(prime(v)), rel=1e-12, abs=1e-300)


def test_complement_of_a_saturated_output_is_accurate():
    sig, soft = activations.get("sigmoid"), activations.get("softmax")
    zs = np.array([[25.0]])
    assert sig.complement(zs, sig.np_value(zs))[0, 0] == pytest.approx(math.exp(-25) / (1 + math.exp(-25)), rel=1e-14)
    zs = np.array([[30.0, 0.0, 1.0]])
    rest = soft.complement(zs, soft.value(zs, FLOAT))[0, 0]
    assert rest == pytest.approx((1 + math.e) / (math.exp(30) + 1 + math.e), rel=1e-14)


@pytest.mark.parametrize("activation, loss, y", [("sigmoid", "bce", [0]), ("softmax", "cross_entropy", [0, 1])])
def test_a_saturated_output_still_gives_a_finite_cost(activation, loss, y):
    # σ(803) is 1.0 in float, so −log(1 − ŷ) would be inf; the cost is about 803
    from gradsheet.derive.engine.backprop import trace
    from gradsheet.derive.engine.network import network_from

    weights = [[1]] if activation == "sigmoid" else [[1], [0]]
    spec = network_from([{"weights": weights, "activation": activation}], x=[803], y=y, loss=loss)
    assert trace(spec.network, spec.examples, FLOAT).forward.cost == pytest.approx(803.0, rel=1e-12)


def test_a_loss_without_logarithms_does_not_take_them_and_bce_needs_a_sigmoid_output() -> None:
    import warnings

    from gradsheet.derive.engine import backprop
    from gradsheet.derive.errors import SpecError
    from gradsheet.derive.engine.network import parse_spec
    from gradsheet.derive.engine.numbers import FLOAT

    layers = [{"weights": [[3]], "activation": "identity"}]
    spec = parse_spec({"loss": "half_sse", "layers": layers, "example": {"x": [1], "y": [0]}})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no log is taken, so no warning
        assert float(backprop.trace(spec.network, spec.examples, FLOAT).forward.cost) == 4.5
    # ŷ = 3 has no log(1 − ŷ): BCE on an identity output is refused when read
    with pytest.raises(SpecError, match=r"layers\[1\]\.activation: bce .* needs a sigmoid output layer"):
        parse_spec({"loss": "bce", "layers": layers, "example": {"x": [1], "y": [0]}})


@settings(max_examples=examples(1.2))  # 60 in dev, as before the profiles
@given(st.sampled_from([n for n in activations.NAMES if activations.get(n).elementwise]),
       st.fractions(min_value=-4, max_value=4, max_denominator=1000), st.integers(0, 6))
def test_hand_mode_values_are_the_exact_values_rounded(name: str, point: Fraction, decimals: int) -> None:
    from gradsheet.derive.engine.numbers import hand, round_half_away

    zs = np.asarray([[sp.Rational(point.numerator, point.denominator)]], dtype=object)
    act = activations.get(name)
    assert act.value(zs, hand(decimals))[0][0] == round_half_away(act.value(zs, EXACT)[0][0], decimals)
