"""Herrmann & Kollmannsberger's worked examples, asserted exactly (slide slips corrected)."""

import numpy as np
import sympy as sp

from gradsheet.derive import catalogue
from gradsheet.derive.engine.backprop import trace
from gradsheet.derive.engine.numbers import EXACT
from gradsheet.derive.engine.params import count
from gradsheet.derive.symbolic.derivation import derive, evaluate


def _herrmann():
    spec, _ = catalogue.load("herrmann-backprop")
    return spec, trace(spec.network, spec.examples, EXACT)


def R(text):
    return sp.Rational(text)


def test_herrmann_forward_pass_gives_yhat_4_and_cost_9_halves():
    _, t = _herrmann()
    assert list(t.forward.z(1)[0]) == [-3, -4]
    assert list(t.forward.a(1)[0]) == [9, 16]
    assert t.forward.output[0, 0] == 4
    assert t.forward.cost == R("9/2")


def test_herrmann_deltas_follow_eq_3_18_and_3_23():
    _, t = _herrmann()
    assert list(t.backward.delta(2)[0]) == [12]
    assert list(t.backward.delta(1)[0]) == [-144, 96]


def test_herrmann_gradient_w22_is_192_not_the_slides_108():
    _, t = _herrmann()
    assert t.backward.layers[0].grad_W.tolist() == [[-432, -288], [288, 192]]
    assert t.backward.layers[1].grad_W.tolist() == [[108, 192]]


def test_herrmann_update_with_alpha_one_thousandth_is_exact():
    _, t = _herrmann()
    (w1, _), (w2, _) = t.update.params
    assert w1.tolist() == [[R("1.432"), R("-2.712")], [R("-2.288"), R("0.808")]]
    assert w2.tolist() == [[R("1.892"), R("-1.192")]]
    assert all(isinstance(v, sp.Rational) for v in np.ravel(w1))


def test_herrmann_step_overshoots_the_cost_rises():
    _, t = _herrmann()
    assert t.update.forward.cost > t.forward.cost


def test_herrmann_symbolic_gradients_equal_backprop_exactly():
    spec, t = _herrmann()
    values = evaluate(derive(spec.network), spec.examples, EXACT)
    assert values.grad_W[0].tolist() == [[-432, -288], [288, 192]]
    assert values.grad_W[1].tolist() == [[108, 192]]


def test_herrmann_homework_step_network_outputs_1():
    spec, _ = catalogue.load("herrmann-homework")
    t = trace(spec.network, spec.examples, EXACT)
    assert list(t.forward.z(1)[0]) == [4, 9]
    assert list(t.forward.a(2)[0]) == [0, 1]
    assert t.forward.output[0, 0] == 1
    assert any("vanishes" in note for note in t.notes)


def test_herrmann_parameter_count_figures():
    figures = {(2, 300): 91_501, (5, 150): 91_201, (5, 800): 2_566_401, (2, 100): 10_501, (5, 100): 40_801,
               (10, 100): 91_301}
    for (depth, width), expected in figures.items():
        assert count(depth, width, inputs=2, outputs=1, bias=True) == expected


def test_parameter_count_without_bias_counts_only_weights():
    assert count(1, 3, inputs=2, outputs=1, bias=False) == 2 * 3 + 3 * 1
