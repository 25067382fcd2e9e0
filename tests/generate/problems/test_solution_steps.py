"""The worked steps of the non-network kinds say what a student writes: the point substituted,
one row per layer, one factor per link of the chain."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from gradsheet.generate import spec
from gradsheet.generate.options import Table
from gradsheet.generate.problems import activation, chain_rule, param_count
from gradsheet.generate.roster import Student
from gradsheet.generate.variants import draw, sheet_of

EXAM = spec.parse({"title": "t", "decimals": 4, "problems": [{"kind": "param_count"}]})


def _rows(problem) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{s.lhs} = " + " = ".join(s.parts()[1:]) for sec in problem.solution for s in sec.steps]


def _activation(name: str):  # type: ignore[no-untyped-def]
    sheet = sheet_of(EXAM)
    for seed in range(100):
        try:
            return activation.make(np.random.default_rng(seed), activation.Options((name,)), sheet, 4)
        except Exception:
            continue
    raise AssertionError(name)


def test_tanh_is_defined_through_exponentials_and_evaluated_at_the_drawn_point() -> None:
    problem = _activation("tanh")
    z0 = problem.answers[0].label.split("(")[1].rstrip(")")
    a = math.tanh(float(z0))
    assert problem.statement["definition"] == r"\tanh(z) = \frac{e^{z} - e^{- z}}{e^{z} + e^{- z}}"
    value, _, at_point, by_output = _rows(problem)
    e = f"({z0})" if z0.startswith("-") else z0
    shown = problem.answers[0].shown
    assert value == rf"\tanh({z0}) = \frac{{e^{{{e}}} - e^{{- {e}}}}}{{e^{{{e}}} + e^{{- {e}}}}} = {shown}"
    assert float(shown) == pytest.approx(a, abs=0.5e-4)
    assert at_point == rf"\tanh'({z0}) = 1 - \tanh^{{2}}{{\left({e} \right)}} = {problem.answers[1].shown}"
    # in terms of the output: the rounded a is what gets squared
    assert by_output.startswith(r"\tanh'(z) = 1 - a^{2} = 1 - ") and shown in by_output


def test_a_piecewise_activation_shows_the_branch_that_holds() -> None:
    problem = _activation("relu")
    z0 = sp.Rational(problem.answers[0].label.split("(")[1].rstrip(")"))
    value_row = _rows(problem)[0]
    assert value_row.endswith(f"= {max(z0, 0)}".replace(".0", "") if z0 <= 0 else f"= {problem.answers[0].shown}")
    assert "cases" not in value_row and "z" not in value_row.split("=", 1)[1]


def test_softplus_is_written_with_ln() -> None:
    problem = _activation("softplus")
    assert r"\ln" in problem.statement["definition"] and r"\log" not in " ".join(_rows(problem))


@pytest.mark.parametrize("depth,width,inputs,outputs,bias", [(4, 8, 4, 3, True), (1, 3, 2, 1, False), (2, 3, 2, 1, True)])
def test_parameters_are_counted_one_row_per_layer_and_summed(depth: int, width: int, inputs: int, outputs: int,
                                                              bias: bool) -> None:
    steps = param_count.layer_steps(inputs, width, depth, outputs, bias)
    sizes = [inputs] + [width] * depth + [outputs]
    expected = [b * a + (b if bias else 0) for a, b in zip(sizes, sizes[1:])]
    rows = [int(s.result) for s in steps[:-1]]
    # the equal hidden-to-hidden layers share one row
    assert rows == (expected if depth <= 2 else [expected[0], expected[1], expected[-1]])
    assert int(steps[-1].result) == sum(expected)


def test_the_demo_architecture_has_283_parameters() -> None:
    steps = param_count.layer_steps(4, 8, 4, 3, True)
    assert [s.result for s in steps] == ["40", "72", "27", "283"]
    assert steps[-1].substituted == r"40 + 3 \cdot 72 + 27"


def test_param_count_rows_are_short_enough_for_a_line() -> None:
    exam = spec.parse({"title": "t", "problems": [{"kind": "param_count", "difficulty": "hard"}]})
    for i in range(50):
        problem = draw(exam, Student(f"s{i}", ""), exam.problems[0]).problem
        assert all(len(row) < 90 for row in _rows(problem))


def test_the_chain_rule_has_one_factor_per_link_of_the_path() -> None:
    exam = spec.parse({"title": "t", "problems": [{"kind": "chain_rule"}]})
    problem = draw(exam, Student("s", ""), exam.problems[0]).problem
    chain = next(s for s in problem.solution if s.title == "The chain rule").steps[0]
    assert chain.ref == "chain rule" and chain.rule.count(r"\frac{\partial") == 5
    assert chain.rule.startswith(r"\frac{\partial C}{\partial \hat{y}}")


def test_a_wide_network_nests_with_sums_instead_of_running_off_the_page() -> None:
    sheet = sheet_of(EXAM)
    opts = chain_rule.options(Table({"sizes": [3, 3, 1], "bias": True}, "problems[1]"), "medium")
    for seed in range(100):
        try:
            problem = chain_rule.make(np.random.default_rng(seed), opts, sheet, 6)
            break
        except Exception:
            continue
    nested = problem.solution[0].steps[0].rule
    assert r"\sum_{j=1}^{3}" in nested and r"\sum_{k=1}^{3}" in nested and "b_{j}^{(1)}" in nested


def test_a_perceptron_statement_gives_no_target_and_no_cost() -> None:
    exam = spec.parse({"title": "t", "problems": [{"kind": "perceptron", "difficulty": "medium"}]})
    problem = draw(exam, Student("s", ""), exam.problems[0]).problem
    assert problem.statement["loss"] == ""
    assert not any(r"\mathbf{y}" in line for line in problem.statement["given"])
    assert any(r"\mathbf{x}" in line for line in problem.statement["given"])


def test_batching_shows_each_examples_pass_their_mean_and_the_step() -> None:
    exam = spec.parse({"title": "t", "problems": [{"kind": "batching"}]})
    problem = draw(exam, Student("s", ""), exam.problems[0]).problem
    titles = [section.title for section in problem.solution]
    # full batch: 4 examples, then the mean and the step; SGD: 4 × (example, step); mini-batch: 2 × (2 + 1)
    assert titles[0] == "Full-batch gradient descent (Algorithm 5)"
    assert titles[1:6] == [f"Example {i}, the update: forward and backward pass" for i in (1, 2, 3, 4)] + \
        ["The update: mean gradient and step"]
    assert titles[6] == "Stochastic gradient descent (Algorithm 6)"
    assert titles[7:9] == ["Example 1, update 1: forward and backward pass", "Update 1: step"]
    assert len(titles) == 6 + 9 + 7
    example = problem.solution[1].steps
    # 2–1 network with a bias: z, a, the cost, δ, two weight gradients and the bias gradient
    assert [s.ref for s in example] == ["Eq. 3.4", "", "Eq. 3.11", "Eq. 3.18", "Eq. 3.14", "Eq. 3.14", "Eq. 3.16"]
    full = [f"{s.lhs} = " + " = ".join(s.parts()[1:]) for s in problem.solution[5].steps]
    # per parameter: 4 gradients, their mean, the step
    assert len(full) == 2 * (4 + 1 + 1)
    assert full[4].startswith(r"\frac{1}{4}\sum_{i} \frac{\partial C_i}{\partial \mathbf{W}^{(1)}} = \tfrac{1}{4}\big(")
    assert full[5].startswith(r"\mathbf{W}^{(1)}_{[1]} = \mathbf{W}^{(1)}_{[0]} - \alpha")
    # each example's gradient in its pass is the one the mean takes
    assert example[4].result == problem.solution[5].steps[0].result.split()[0].removeprefix(r"\begin{pmatrix}")
    assert r"\alpha = 0.1" in problem.statement["given"][-1]


