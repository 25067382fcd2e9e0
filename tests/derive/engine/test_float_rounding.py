"""Float mode prints no binary rounding residue (issue 32): 0.5 − 0.6 + 0.1 is 2.8·10⁻¹⁷ in
float64, a number no reader computes from the printed operands. A sum that is zero within its
rounding is 0 in the engine, the symbolic reference and the computation graph alike, so that
a ReLU at that z takes the kink's convention in all three, as exact mode does."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradsheet
from gradsheet.derive.graphs import report as graph_report
from gradsheet.derive.printing import report
from gradsheet.derive.engine.numbers import EXACT, FLOAT, hand
from tests.conftest import examples

CANCELS = {"loss": "half_sse", "layers": [
    {"weights": [[0.5, -0.6], [0.3, 0.2]], "bias": [0.1, 0.0], "activation": "relu"},
    {"weights": [[0.7, -0.3]], "activation": "identity"}],
    "example": {"x": [1, 1], "y": [1]}}


def test_a_sum_that_cancels_is_printed_as_zero_not_as_its_rounding_residue() -> None:
    d = gradsheet.derive(CANCELS, mode="float")
    assert d.z[0][0][0] == 0.0
    for text in (d.to_text(), d.to_latex(), d._repr_markdown_()):
        assert "17" not in text  # neither 2.77556e−17 nor 10^{-17}
        assert "−0 " not in text and "-0 " not in text and "(−0)" not in text  # nor a negative zero


def test_at_a_cancelled_kink_backprop_symbolic_and_the_graph_agree_with_exact_mode() -> None:
    floats, exact = report.build(gradsheet.spec(CANCELS), FLOAT), report.build(gradsheet.spec(CANCELS), EXACT)
    assert floats.agrees is True
    for got, want in zip(floats.trace.backward.layers, exact.trace.backward.layers):
        assert np.array_equal(got.grad_W.astype(float), want.grad_W.astype(float))
    assert graph_report.for_network(gradsheet.spec(CANCELS), FLOAT).agrees is True


@pytest.mark.parametrize("mode", [FLOAT, EXACT, hand(4)], ids=["float", "exact", "hand"])
def test_a_step_that_lands_on_zero_gives_zero(mode) -> None:
    # ∂C/∂w = ŷ − y = 0.8 − (−2.2) = 3 and w − 0.1 · 3 = 0.3 − 0.3, 5.6·10⁻¹⁷ in float64
    spec = gradsheet.spec({"loss": "half_sse", "learning_rate": 0.1, "layers": [
        {"weights": [[0.3]], "bias": [0.5], "activation": "identity"}], "example": {"x": [1], "y": [-2.2]}})
    built = report.build(spec, mode)
    assert built.trace.update is not None and built.trace.update.params[0][0][0][0] == 0


def test_a_tiny_value_that_is_no_residue_is_kept() -> None:
    # 10⁻²⁰ is as large as its terms: nothing cancelled, nothing to settle
    spec = gradsheet.spec({"loss": "half_sse", "layers": [{"weights": [["1/100000000000000000000"]],
                                                            "activation": "identity"}],
                           "example": {"x": [1], "y": [0]}})
    assert report.build(spec, FLOAT).trace.forward.layers[0].z[0][0] == 1e-20


ONE_DECIMAL = st.integers(-9, 9).map(lambda k: f"{k / 10:.1f}")


@st.composite
def one_decimal_networks(draw) -> dict:
    """ReLU networks with one-decimal numbers, where sums cancel to 0 often (0.5 − 0.6 + 0.1)."""
    sizes = draw(st.lists(st.integers(1, 3), min_size=3, max_size=4))
    layers = [{"weights": [[draw(ONE_DECIMAL) for _ in range(sizes[l - 1])] for _ in range(sizes[l])],
               "bias": [draw(ONE_DECIMAL) for _ in range(sizes[l])],
               "activation": "relu" if l < len(sizes) - 1 else "identity"} for l in range(1, len(sizes))]
    return {"loss": "half_sse", "learning_rate": "0.1", "layers": layers,
            "example": {"x": [draw(ONE_DECIMAL) for _ in range(sizes[0])],
                        "y": [draw(ONE_DECIMAL) for _ in range(sizes[-1])]}}


@settings(max_examples=examples(1), deadline=None)
@given(one_decimal_networks())
def test_float_mode_is_zero_exactly_where_exact_mode_is(data: dict) -> None:
    spec = gradsheet.spec(data)
    floats, exact = report.build(spec, FLOAT), report.build(spec, EXACT)
    assert floats.agrees is True
    for f, e in zip(floats.trace.forward.layers, exact.trace.forward.layers):
        assert ((f.z == 0) == (e.z == 0)).all()
    for f, e in zip(floats.trace.backward.layers, exact.trace.backward.layers):
        assert ((f.grad_W == 0) == (e.grad_W == 0)).all() and ((f.upstream == 0) == (e.upstream == 0)).all()
    for (fw, fb), (ew, eb) in zip(floats.trace.update.params, exact.trace.update.params):
        assert ((fw == 0) == (ew == 0)).all() and ((fb == 0) == (eb == 0)).all()
