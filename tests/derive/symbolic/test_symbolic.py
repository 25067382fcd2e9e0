"""The symbolic route: activations as functions with their own derivative, the memoized
differentiation against sympy.diff, exact agreement, overflow, and the sweep to the limit."""

from __future__ import annotations

import pickle

import pytest
import sympy as sp

from gradsheet.derive.engine import activations
from gradsheet.derive.printing import report
from gradsheet.derive.symbolic import derivation as symbolic
from gradsheet.derive.symbolic.functions import applied, softmax
from gradsheet.derive.engine.network import parse_spec
from gradsheet.derive.engine.numbers import EXACT, FLOAT, hand
from tests.conftest import thorough
from tests.strategies import sweep_specs

x = sp.Symbol("x", real=True)
ELEMENTWISE = [n for n in activations.NAMES if activations.get(n).elementwise]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_an_activation_function_differentiates_like_its_formula(name):
    act = activations.get(name)
    mine = sp.diff(applied(act, x), x)
    formula = sp.diff(act.expr, activations.z).xreplace({activations.z: x})
    for point in (sp.Rational(-3, 2), sp.Rational(-1, 3), sp.Rational(1, 4), sp.Rational(5, 2)):
        assert sp.N(mine.subs(x, point), 30) == pytest.approx(float(sp.N(formula.subs(x, point), 30)), rel=1e-14)
    assert not mine.has(sp.Piecewise)


@pytest.mark.parametrize("name,at,left", [("relu", 0, 0), ("leaky_relu", 0, sp.Rational(1, 100)), ("step", 0, 0)])
def test_the_derivative_at_a_kink_is_the_left_one(name, at, left):
    act = activations.get(name)
    assert sp.diff(applied(act, x), x).subs(x, at) == left


def test_an_activation_evaluates_exactly_where_its_value_is_rational_and_stays_whole_otherwise():
    relu, sigmoid = activations.get("relu"), activations.get("sigmoid")
    assert applied(relu, sp.Integer(-3)) == 0 and applied(relu, sp.Rational(3, 2)) == sp.Rational(3, 2)
    assert applied(sigmoid, sp.Integer(0)) == sp.Rational(1, 2)
    assert str(applied(sigmoid, sp.Rational(3, 10))) == "sigmoid(3/10)"


def test_derivatives_print_as_the_lectures_write_them():
    sigmoid, relu = activations.get("sigmoid"), activations.get("relu")
    assert str(sp.diff(applied(sigmoid, x), x)) == "(1 - sigmoid(x))*sigmoid(x)"
    assert sp.latex(sp.diff(applied(relu, x), x)) == r"\mathrm{ReLU}'\left(x\right)"


def test_functions_with_parameters_survive_a_worker_process():
    leaky = activations.get("leaky_relu", {"alpha": "1/5"})
    expr = sp.diff(applied(leaky, x) * applied(activations.get("elu"), x), x)
    assert pickle.loads(pickle.dumps(expr)) == expr
    assert activations.get("leaky_relu") is activations.get("leaky_relu", {"alpha": "1/100"})


def test_softmax_derivative_is_s_times_kronecker_minus_s():
    a, b, c = sp.symbols("a b c", real=True)
    s1, s2 = softmax(sp.Integer(0), a, b, c), softmax(sp.Integer(1), a, b, c)
    assert sp.diff(s1, a) == s1 * (1 - s1)
    assert sp.diff(s1, b) == -s1 * s2
    assert sp.diff(sp.log(s1), b) == -s2  # the 1/s₁ of the log cancels against s₁


# sympy.diff itself is the slow side here: networks up to 10 parameters, 20 in the thorough run
@pytest.mark.sweep
@pytest.mark.parametrize("label,spec", [pytest.param(lab, s, id=lab) for lab, s in sweep_specs(20 if thorough() else 10, range(2 if thorough() else 1))])
def test_memoized_differentiation_gives_sympy_diffs_expression(label, spec):
    derivation = symbolic.derive(spec.network)
    for p in derivation.symbols.parameters:
        mine, theirs = symbolic.diff(derivation.cost, p), sp.diff(derivation.cost, p)
        assert mine == theirs or sp.expand(mine - theirs) == 0, (label, p)


def test_an_exact_sigmoid_neuron_agrees_without_a_trip_through_float64():
    # CS231n's neuron: the exact path negated an 80-digit value at 15 digits and disagreed
    spec = parse_spec({"loss": "half_sse", "layers": [{"weights": [[2, -3]], "bias": [-3], "activation": "sigmoid"}],
                       "example": {"x": [-1, -2], "y": [0]}})
    assert report.build(spec, EXACT).agrees is True


def test_an_overflowing_float_trace_is_an_error_not_agreement():
    from gradsheet.derive.errors import SpecError

    spec = parse_spec({"layers": [{"weights": [[1e200]], "activation": "identity"}],
                       "example": {"x": [1e200], "y": [0]}})
    with pytest.raises(SpecError, match=r"float64 overflows: z\^\(1\) is inf or NaN.*--exact"):
        report.build(spec, FLOAT)
    # hand mode compares with the float engine: that overflow is a note, not agreement
    rep = report.build(spec, hand(2))
    assert rep.agrees is None and rep.symbolic is None and "overflowed" in rep.skipped
    assert report.build(spec, EXACT).agrees is True  # exact mode has no overflow


SWEEP = sweep_specs(report.SYMBOLIC_LIMIT, range(2 if thorough() else 1))


@pytest.mark.sweep
@pytest.mark.parametrize("mode", [FLOAT, EXACT, hand(4)], ids=["float", "exact", "hand"])
def test_every_network_up_to_the_symbolic_limit_agrees_with_backprop(mode):
    # the time of the same sweep is benchmarks/bench_symbolic.py's (all within 0.5 s)
    for label, spec in SWEEP:
        assert report.build(spec, mode).agrees is True, label


@pytest.mark.parametrize("spec_text,decimals", [
    ('loss = "bce"\n[[layers]]\nweights = [[6]]\nactivation = "sigmoid"\n[example]\nx = [2]\ny = [0]\n', 2),
    ('loss = "cross_entropy"\n[[layers]]\nweights = [[3, 0], [0, -3]]\nactivation = "softmax"\n'
     '[example]\nx = [2, 2]\ny = [0, 1]\n', 2),
])
def test_hand_mode_on_a_saturated_output_takes_the_simplified_delta(tmp_path, spec_text, decimals):
    from gradsheet.derive.engine.network import loads

    spec = parse_spec(loads(spec_text, ".toml", "spec"))
    rep = report.build(spec, hand(decimals))
    out, exact = rep.trace.backward.layers[-1], report.build(spec, EXACT).trace
    # ŷ rounds to 0 or 1; δ^(L) = ŷ − y with the rounded ŷ, the cost from the unrounded one
    assert rep.trace.backward.fused
    assert list(out.delta[0]) == [a - y for a, y in zip(rep.trace.forward.output[0], spec.examples[0].y)]
    assert abs(float(rep.trace.forward.cost) - float(exact.forward.cost.approx if hasattr(exact.forward.cost, "approx")
                                                      else exact.forward.cost)) <= 10 ** -decimals
    assert any("rounds to 0 or 1" in n for n in rep.trace.notes)
    assert rep.agrees is True
