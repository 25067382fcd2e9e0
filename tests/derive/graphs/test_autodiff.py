"""Computation graphs: Baydin et al.'s traces, the lecture's graph, and forward = reverse =
sympy.diff = central differences over random expressions."""

from __future__ import annotations

import re

import unicodedata
from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gradsheet.derive.symbolic.functions import evaluate_shared
from gradsheet.derive.graphs.autodiff import symbolic, trace
from gradsheet.derive.errors import SpecError
from gradsheet.derive.graphs.expression import parse
from gradsheet.derive.formats.graph_text import line
from gradsheet.derive.engine.numbers import EXACT, FLOAT, hand, round_half_away
from gradsheet.derive.graphs.terms import printer_for
from tests.conftest import examples
from tests.derive.printing.test_printed_steps import evaluate
from tests.strategies import expression_texts, input_values

BAYDIN = "y = log(x1) + x1*x2 - sin(x2)"
AT = {"x1": 2, "x2": 5}


def lines(pass_) -> list[str]:
    p = printer_for("text", 3)
    return [line(p, ln) for ln in pass_.lines]


def nfc(texts: list[str]) -> list[str]:
    return [unicodedata.normalize("NFC", t) for t in texts]


def test_baydin_primal_trace_is_table_2_left():
    t = trace(parse(BAYDIN), AT)
    assert lines(t.primal) == nfc([
        "v₋₁ = x₁ = 2",
        "v₀ = x₂ = 5",
        "v₁ = ln(v₋₁) = ln(2) ≈ 0.693",
        "v₂ = v₋₁ × v₀ = 2 × 5 = 10",
        "v₃ = sin(v₀) = sin(5) ≈ −0.959",
        "v₄ = v₁ + v₂ = 0.693 + 10 ≈ 10.693",
        "v₅ = v₄ − v₃ = 10.693 − (−0.959) ≈ 11.652",
        "y = v₅ ≈ 11.652",
    ])


def test_baydin_tangent_trace_is_table_2_right():
    t = trace(parse(BAYDIN), AT)
    assert lines(t.forward[0]) == nfc([
        "v̇₋₁ = ẋ₁ = 1",
        "v̇₀ = ẋ₂ = 0",
        "v̇₁ = v̇₋₁/v₋₁ = 1/2 = 0.5",
        "v̇₂ = v̇₋₁ × v₀ + v̇₀ × v₋₁ = 1 × 5 + 0 × 2 = 5",
        "v̇₃ = v̇₀ × cos(v₀) = 0 × cos(5) = 0",
        "v̇₄ = v̇₁ + v̇₂ = 0.5 + 5 = 5.5",
        "v̇₅ = v̇₄ − v̇₃ = 5.5 − 0 = 5.5",
        "ẏ = v̇₅ = 5.5",
    ])


def test_baydin_adjoint_trace_is_table_3_with_both_contributions():
    t = trace(parse(BAYDIN), AT)
    assert lines(t.reverse[0]) == nfc([
        "v̄₅ = ȳ = 1",
        "v̄₄ = v̄₅ ∂v₅/∂v₄ = v̄₅ × 1 = 1 × 1 = 1",
        "v̄₃ = v̄₅ ∂v₅/∂v₃ = v̄₅ × (−1) = 1 × (−1) = −1",
        "v̄₁ = v̄₄ ∂v₄/∂v₁ = v̄₄ × 1 = 1 × 1 = 1",
        "v̄₂ = v̄₄ ∂v₄/∂v₂ = v̄₄ × 1 = 1 × 1 = 1",
        "v̄₀ = v̄₃ ∂v₃/∂v₀ = v̄₃ × cos(v₀) = (−1) × cos(5) ≈ −0.284",
        "v̄₋₁ = v̄₂ ∂v₂/∂v₋₁ = v̄₂ × v₀ = 1 × 5 = 5",
        "v̄₀ = v̄₀ + v̄₂ ∂v₂/∂v₀ = v̄₀ + v̄₂ × v₋₁ = −0.284 + 1 × 2 ≈ 1.716",
        "v̄₋₁ = v̄₋₁ + v̄₁ ∂v₁/∂v₋₁ = v̄₋₁ + v̄₁/v₋₁ = 5 + 1/2 = 5.5",
        "x̄₁ = v̄₋₁ = 5.5",
        "x̄₂ = v̄₀ ≈ 1.716",
    ])
    contributions = [ln.contribution for ln in t.reverse[0].lines if ln.contribution]
    assert contributions == [(1, 2), (1, 2), (2, 2), (2, 2)]


def test_baydin_values_from_both_modes():
    t = trace(parse(BAYDIN), AT)
    y = float(t.outputs[0])
    assert round(y, 3) == 11.652
    assert t.forward[0].derivatives[0] == sp.Rational(11, 2) == t.reverse[0].gradient[0]
    d2 = 2 - sp.cos(5)
    assert float(t.forward[1].derivatives[0]) == pytest.approx(float(d2), rel=1e-15)
    assert float(t.reverse[0].gradient[1]) == pytest.approx(float(d2), rel=1e-15)
    assert round(float(d2), 3) == 1.716


def test_baydin_formulas_equal_sympy_diff():
    s = symbolic(parse(BAYDIN), AT)
    x1, x2 = s.symbols
    assert s.agrees
    assert sp.simplify(s.derivatives[0][0] - (x2 + 1 / x1)) == 0
    assert sp.simplify(s.derivatives[0][1] - (x1 - sp.cos(x2))) == 0


# The lecture's graph (Herrmann 3.4): z1 = x1·x2, z2 = z1·x1, y = z2². The slides give
# ∂y/∂x1 = 2x1³x2², following only the path through z1; x1 also feeds z2 directly, and the
# sum of both paths is 4x1³x2² (y = x1⁴x2²). Their ∂y/∂x2 = 2x1⁴x2 is right.
LECTURE = "z1 = x1*x2; z2 = z1*x1; y = z2^2"


def test_lecture_graph_sums_both_paths_where_the_slide_follows_one():
    s = symbolic(parse(LECTURE))
    x1, x2 = s.symbols
    assert s.agrees
    assert sp.simplify(s.derivatives[0][0] - 4 * x1**3 * x2**2) == 0
    assert sp.simplify(s.derivatives[0][0] - 2 * x1**3 * x2**2) != 0  # the slide's slip
    assert sp.simplify(s.derivatives[0][1] - 2 * x1**4 * x2) == 0
    t = trace(parse(LECTURE), {"x1": 2, "x2": 3})
    assert t.reverse[0].gradient == (288, 96) == tuple(tp.derivatives[0] for tp in t.forward)
    twice = [ln for ln in t.reverse[0].lines if ln.node == 0 and ln.contribution]
    assert [ln.value for ln in twice] == [144, 288]  # one path gives half the gradient


def test_operations_keep_the_order_written():
    g = parse("y = a - b*c")
    assert [n.op for n in g.nodes[g.n_inputs:]] == ["mul", "sub"]
    p = printer_for("text")
    t = trace(g, {"a": 1, "b": 2, "c": 3})
    assert lines(t.primal)[3:5] == ["v₁ = v₋₁ × v₀ = 2 × 3 = 6", "v₂ = v₋₂ − v₁ = 1 − 6 = −5"]
    del p


def test_assignments_name_nodes_and_unused_names_are_the_outputs():
    g = parse("u = x*y\nf = u + x\ng = exp(u)")
    assert [str(n.name.base) for n in g.nodes[g.n_inputs:]] == ["u", "f", "g"]
    assert [s.base for s in g.output_names] == ["f", "g"]
    t = trace(g, {"x": 1, "y": 2})
    assert len(t.forward) == 2 and len(t.reverse) == 2  # one pass per input, one per output
    assert t.reverse[0].gradient == (3, 1)  # ∂f/∂x = y + 1, ∂f/∂y = x
    assert t.reverse[1].gradient[0] == t.forward[0].derivatives[1]


def test_constants_are_not_nodes_and_fold():
    g = parse("y = 1/2 * x^2 - 3")
    assert [n.op for n in g.nodes[g.n_inputs:]] == ["pow", "mul", "sub"]
    t = trace(g, {"x": 4})
    assert t.outputs[0] == 5 and t.reverse[0].gradient == (4,)


def test_hand_mode_rounds_every_intermediate():
    t = trace(parse(BAYDIN), AT, hand(2))
    assert t.primal.values[2] == sp.Rational(69, 100)
    assert t.outputs[0] == sp.Rational(1165, 100)  # 0.69 + 10 + 0.96
    assert t.reverse[0].gradient[1] == sp.Rational(172, 100)  # 2 − 0.28


@pytest.mark.parametrize("text, message", [
    ("y = log(x1) + * x2", "column 15: cannot parse at '* x2'"),
    ("y = foo(x1)", "column 5: unknown function 'foo'"),
    ("y = x1^x2", "the exponent 'x2' is not a number"),
    ("y = x1 +", "cannot parse"),
    ("y = x1.real", "'x1.real' is not an elementary operation"),
    ("z = x; z = x*x", "z is assigned twice"),
    ("x1 + 1\ny = x1*2", "line 1, column 1: a formula that is not assigned to a name must come last"),
    ("y = x1", "the output y is the input x1"),
    ("y = 3", "the output y is a number"),
])
def test_bad_expressions_name_the_place(text, message):
    with pytest.raises(SpecError) as error:
        parse(text)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("text, at, message", [
    ("y = log(x1 - x2)", {"x1": 1, "x2": 3}, "log of -2"),
    ("y = x/(x - 1)", {"x": 1}, "division by zero"),
    ("y = (x - 2)^(1/2)", {"x": 1}, "fractional power"),
])
def test_values_outside_a_domain_are_named(text, at, message):
    with pytest.raises(SpecError) as error:
        trace(parse(text, list(at)), at)
    assert message in str(error.value) and error.value.field == "--at"


# --- properties ---------------------------------------------------------------------------

def _central(expr: sp.Expr, symbols, point: dict, k: int) -> mpmath.mpf:
    """∂expr/∂x_k by a central difference at 60 digits (step 1e-20: error ~1e-40)."""
    with mpmath.workdps(60):
        h = mpmath.mpf("1e-20")
        args = [mpmath.mpf(point[s].numerator) / point[s].denominator for s in symbols]
        up, down = list(args), list(args)
        up[k] += h
        down[k] -= h

        def f(*values):
            return evaluate_shared([expr], dict(zip(symbols, values)))[0]

        return (f(*up) - f(*down)) / (2 * h)


@settings(max_examples=examples(3))
@given(text=expression_texts(), values=st.lists(input_values, min_size=3, max_size=3))
def test_forward_equals_reverse_equals_sympy_diff_equals_central_differences(text, values):
    try:
        graph = parse(text)  # a formula of constants only is not a graph
    except SpecError:
        assume(False)
    at = {name: Fraction(v) for name, v in zip(graph.input_names(), values)}
    try:
        exact = trace(graph, at, EXACT)
        approx = trace(graph, at, FLOAT)
    except (SpecError, OverflowError, ZeroDivisionError):
        assume(False)
    # keep away from ReLU's kink, where the derivative is a convention, and from overflow
    for q in graph.operations:
        node = graph.nodes[q]
        if node.op == "relu":
            arg = node.args[0]
            assume(isinstance(arg, int) and abs(float(exact.primal.values[arg])) > 1e-6)
    assume(all(abs(float(v)) < 1e6 for v in exact.primal.values))
    s = symbolic(graph, at)
    assert s.agrees
    symbols = s.symbols
    point = {x: Fraction(at[x.name]) for x in symbols}
    for q, x in enumerate(symbols):
        forward = float(approx.forward[q].derivatives[0])
        reverse = float(approx.reverse[0].gradient[q])
        assert exact.forward[q].derivatives[0] == exact.reverse[0].gradient[q]
        diff = float(sp.N(sp.diff(s.outputs[0], x).subs({k: sp.Rational(v) for k, v in point.items()}), 30))
        central = float(_central(s.outputs[0], symbols, point, q))
        scale = max(1.0, abs(diff))
        assert abs(forward - diff) <= 1e-10 * scale
        assert abs(reverse - diff) <= 1e-10 * scale
        assert abs(central - diff) <= 1e-10 * scale
        assert abs(float(exact.reverse[0].gradient[q]) - diff) <= 1e-12 * scale


@settings(max_examples=examples(2))
@given(text=expression_texts(), values=st.lists(input_values, min_size=3, max_size=3), decimals=st.integers(1, 4))
def test_every_hand_mode_trace_line_computes_from_its_printed_numbers(text, values, decimals):
    """Issue 15's rule for traces: a line's last expression, evaluated from the numbers it
    prints, rounded once, is the value it prints (a rounded partial is printed rounded)."""
    try:
        graph = parse(text)
        traces = trace(graph, {n: Fraction(v) for n, v in zip(graph.input_names(), values)}, hand(decimals))
    except (SpecError, OverflowError, ZeroDivisionError):
        assume(False)
    p = printer_for("text", decimals, mode=traces.mode)
    lines = list(traces.primal.lines) + [ln for t in traces.forward for ln in t.lines] + \
        [ln for t in traces.reverse for ln in t.lines]
    checked = 0
    for ln in lines:
        if not ln.forms:
            continue
        last = p.doprint(ln.forms[-1]).replace("×", "·").replace("σ(", "sigma(").replace("ReLU(", "relu(")
        last = re.sub(r"\bln\(", "log(", last)
        last = re.sub(r"\[([^\]]+) > 0\]", lambda m: "(1)" if evaluate(m[1]) > 0 else "(0)", last)
        value = evaluate(last)
        if value is None:  # a form in symbols (v̇₋₁ = ẋ₁): nothing to compute
            assert any(unicodedata.category(c).startswith("L") for c in re.sub(r"sigma|relu|log|exp|sin|cos|tanh", "", last)), last
            continue
        if value.is_Rational:
            number = value
        else:  # to 40 places after the point, however large
            size = sp.N(abs(value), 20)
            number = sp.Rational(str(sp.N(value, 40 + max(0, int(sp.log(size, 10))) if size > 1 else 40)))
        assert round_half_away(number, decimals) == ln.value, (p.doprint(ln.target), last, ln.value)
        checked += 1
    assert checked >= len(graph.operations)
