"""The Python API: each function returns what the matching command computes, writes the
command's outputs and shows itself in a notebook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import sympy as sp

import gradsheet
from gradsheet.derive.errors import SpecError
from gradsheet.derive.engine.numbers import FLOAT
from gradsheet.generate.lms.moodle import answers_of
from tests.conftest import examples

HERRMANN_GRAD_W1 = [[-432, -288], [288, 192]]


def test_derive_gives_the_lecture_example_exactly() -> None:
    d = gradsheet.derive(gradsheet.example("herrmann-backprop"))
    assert d.grad_W[0].tolist() == HERRMANN_GRAD_W1 and d.cost == sp.Rational(9, 2)
    assert d.output.tolist() == [[4]] and d.delta[1].tolist() == [[12]] and d.agrees is True
    assert d.update is not None  # the spec has a learning rate: the step and its verification pass


def test_derive_writes_what_the_command_writes(capsys) -> None:
    from gradsheet.derive.cli import main

    d = gradsheet.derive(gradsheet.example("herrmann-backprop"))
    assert main(["--example", "herrmann-backprop", "--format", "json"]) == 0
    assert json.loads(d.to_json()) == json.loads(capsys.readouterr().out)
    assert "\\documentclass" in d.to_latex() and d.to_latex().rstrip().endswith("\\end{document}")
    assert "−432" in d.to_text()  # the text writer prints a true minus


def test_derive_shows_the_derivation_in_a_notebook() -> None:
    shown = gradsheet.derive(gradsheet.example("herrmann-backprop"))._repr_markdown_()
    assert shown.startswith("### ") and "**Forward pass**" in shown and "**Gradients**" in shown
    assert "$$\\begin{aligned}" in shown and "agrees with backpropagation" in shown


def test_a_steps_reference_is_the_tag_of_its_own_display_in_a_notebook() -> None:
    # "*(Eq. 3.4)*" after the display fell on a line of its own under the formula (issue 32)
    import re
    shown = gradsheet.derive(gradsheet.example("herrmann-backprop"))._repr_markdown_()
    displays = re.findall(r"\$\$(.*?)\$\$", shown, re.S)
    assert sum("\\tag*{(Eq. 3.4)}" in d for d in displays) >= 2
    # one tag, the display's last item (after aligned's end, where MathJax accepts it)
    assert all(d.count("\\tag") == 0 or (d.count("\\tag") == 1 and re.search(r"\\tag\*\{\([^{}]*\)\}$", d))
               for d in displays)
    assert "(Eq." not in re.sub(r"\$\$.*?\$\$", "", shown, flags=re.S)


def test_the_mode_is_the_example_s_own_unless_asked() -> None:
    bhadani = gradsheet.example("bhadani-sigmoid")
    assert gradsheet.derive(bhadani).mode.decimals == 4  # the slides round every step to 4 decimals
    assert gradsheet.derive(bhadani, mode="float").mode == FLOAT
    assert gradsheet.derive(bhadani, decimals=2).mode.decimals == 2
    with pytest.raises(SpecError, match="mode"):
        gradsheet.derive(bhadani, mode="fast")


def test_a_spec_is_a_file_or_a_dict_with_the_same_fields(tmp_path: Path) -> None:
    data = {"layers": [{"weights": [[1, 2]], "activation": "identity"}], "example": {"x": [1, 1], "y": [0]}}
    (tmp_path / "net.json").write_text(json.dumps(data))
    assert gradsheet.derive(data).grad_W[0].tolist() == gradsheet.derive(tmp_path / "net.json").grad_W[0].tolist() \
        == [[3, 3]]
    with pytest.raises(SpecError, match="activation"):
        gradsheet.spec({**data, "layers": [{"weights": [[1, 2]], "activation": "nope"}]})


def test_check_gives_a_verdict_per_value_with_carried_credit() -> None:
    d2 = 13  # the true δ^(2) is 12; everything after it follows from 13
    result = gradsheet.check(gradsheet.example("herrmann-backprop"),
                             {"output": 4, "delta2": d2, "grad_W2": [[d2 * 9, d2 * 16]]})
    assert result.verdicts() == {"output[1]": "correct", "delta2[1]": "wrong", "grad_W2[1,1]": "carried",
                                 "grad_W2[1,2]": "carried"}
    shown = result._repr_markdown_()
    assert shown.startswith("1 correct, 2 carried, 1 wrong") and "| $\\delta^{(2)}_{1}$ | 13 | 12 | ✗ wrong |" in shown
    assert json.loads(result.to_json())


def test_api_results_print_as_their_text_and_a_given_value_as_written() -> None:
    # print(gradsheet.check(...)) dumped a dataclass; a given 0.1 showed as 1/10 (issue 33)
    net = {"loss": "half_sse", "layers": [{"weights": [[0.5]], "activation": "identity"}],
           "example": {"x": [0.2], "y": [0]}}
    result = gradsheet.check(net, {"z1": 0.1, "output": 0.3})
    assert str(result).startswith("Checking answers against") and "0 carried" in str(result)
    shown = result._repr_markdown_()
    assert "| $z^{(1)}_{1}$ | 0.1 | 0.1 | ✓ correct |" in shown
    # the why column's symbols typeset as the values' (issue 33): no plain δ^(1)_1 beside $…$
    assert "| $\\hat{y}_{1}$ = σ($z^{(1)}_{1}$) = identity(0.1) = 0.1 |" in shown and "^(" not in shown
    assert str(gradsheet.derive(net)).startswith("network: 1-1 network")
    assert repr(gradsheet.derive(net)) == "<Derivation of a 1–1 network, exact mode; print() or .to_text() shows it>"
    assert repr(result) == "<Checked: 1 correct, 0 carried, 1 wrong; print() shows the table>"
    assert str(gradsheet.graph("x1*x2", at={"x1": 2, "x2": 3})).startswith("Computation graph of")


def test_graph_gives_values_gradients_and_traces() -> None:
    g = gradsheet.graph("x1*x2 + x1^2", at={"x1": 2, "x2": "1/2"})
    assert g.value == 5 and tuple(g.gradient) == (sp.Rational(9, 2), 2) and g.agrees is True
    shown = g._repr_markdown_()
    assert "**Primal trace**" in shown and "adjoints" in shown and "$$\\begin{aligned}" in shown
    assert "\\bar" in g.to_latex() and json.loads(g.to_json())
    with pytest.raises(SpecError, match="mode"):
        gradsheet.graph("x1", at={"x1": 1}, mode="sideways")


def test_build_writes_an_exam_for_a_roster_given_in_python(tmp_path: Path) -> None:
    out = gradsheet.build({"title": "Quiz", "name": "quiz", "problems": [{"kind": "forward"}]},
                          roster=[("a1", "Ann, \"the first\""), ("b2", "Bo")], out=tmp_path / "quiz",
                          formats=("tex", "moodle"))
    assert out == tmp_path / "quiz" and (out / "tex" / "exam.tex").is_file()
    assert [i for i, _ in answers_of((out / "moodle.xml").read_text(encoding="utf-8"))] == ["quiz-p1-a1", "quiz-p1-b2"]
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in key["students"]] == ["Ann, \"the first\"", "Bo"]
    with pytest.raises(SpecError, match="already exists"):
        gradsheet.build({"title": "Quiz", "name": "quiz", "problems": [{"kind": "forward"}]}, out=out,
                        formats=("tex",))


# ---- arguments: checked as the commands check their options


@pytest.mark.parametrize("call, argument, error", [
    (lambda s: gradsheet.derive(s, decimals=4.5), "decimals", TypeError),
    (lambda s: gradsheet.derive(s, decimals=True), "decimals", TypeError),
    (lambda s: gradsheet.derive(s, decimals="4"), "decimals", TypeError),
    (lambda s: gradsheet.derive(s, decimals=31), "decimals", ValueError),
    (lambda s: gradsheet.derive(s, mode="hand"), "mode", ValueError),
    (lambda s: gradsheet.derive(s, mode=3), "mode", TypeError),
    (lambda s: gradsheet.derive(s, symbolic="no"), "symbolic", TypeError),
    (lambda s: gradsheet.derive(42), "spec", TypeError),
    (lambda s: gradsheet.check(s, "cost=5"), "answers", TypeError),
    (lambda s: gradsheet.check(s, None), "answers", TypeError),
    (lambda s: gradsheet.check(s, {"delta2": 12}, tol=[1]), "tol", TypeError),
    (lambda s: gradsheet.check(s, {"delta2": 12}, decimals=2.0), "decimals", TypeError),
    (lambda s: gradsheet.graph(5, at={"x1": 2}), "expr", TypeError),
    (lambda s: gradsheet.graph("x1*2", at=[2]), "at", TypeError),
    (lambda s: gradsheet.graph("x1*2", at="x1=2", mode="sideways"), "mode", ValueError),
    (lambda s: gradsheet.build({"title": "t", "problems": [{"kind": "forward"}]}, formats="docx"), "formats", ValueError),
    (lambda s: gradsheet.build({"title": "t", "problems": [{"kind": "forward"}]}, formats=[1]), "formats", TypeError),
    (lambda s: gradsheet.build({"title": "t", "problems": [{"kind": "forward"}]}, roster=5), "roster", TypeError),
    (lambda s: gradsheet.build({"title": "t", "problems": [{"kind": "forward"}]}, seed=1.5), "seed", TypeError),
])
def test_a_bad_argument_is_one_line_naming_it_and_the_fix(call, argument, error) -> None:
    with pytest.raises(error) as raised:
        call(gradsheet.example("herrmann-backprop"))
    message = str(raised.value)
    assert isinstance(raised.value, SpecError) and "\n" not in message
    assert message.startswith(f"{argument}: ") and "(fix: " in message, message


def test_what_a_numpy_user_passes_is_taken(tmp_path: Path) -> None:
    import numpy as np

    s = gradsheet.example("herrmann-backprop")
    assert gradsheet.derive(s, decimals=np.int64(3)).mode.decimals == 3
    net = {"layers": [{"weights": np.array([[1, 2]]), "activation": "identity"}],
           "example": {"x": (1, np.int64(1)), "y": np.array([0])}}
    assert gradsheet.derive(net).grad_W[0].tolist() == [[3, 3]]
    assert gradsheet.check(s, {"delta1": np.array([-144, 96])}, tol=0.5).counts()["correct"] == 2
    assert gradsheet.graph("x1*2", at="x1=2").gradient == (2,)
    answers = tmp_path / "mine.toml"
    answers.write_text('"delta1[2]" = 96\n')
    assert gradsheet.check(s, answers).verdicts() == {"delta1[2]": "correct"}
    made = gradsheet.build({"title": "t", "problems": [{"kind": "forward"}]}, out=tmp_path / "out", formats="tex")
    assert (made / "key.json").is_file()


_ANY = st.one_of(st.none(), st.booleans(), st.integers(-10**40, 10**40), st.floats(allow_nan=True), st.text(max_size=8),
                 st.lists(st.integers(-3, 3), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
                 st.tuples(st.integers(), st.text(max_size=2)))


@settings(max_examples=examples(1), deadline=None)
@given(decimals=_ANY, mode=_ANY, tol=_ANY, answers=_ANY, at=_ANY, symbolic=_ANY)
def test_any_argument_is_a_result_or_a_one_line_error(decimals, mode, tol, answers, at, symbolic) -> None:
    s = gradsheet.example("herrmann-backprop")
    for call in (lambda: gradsheet.derive(s, mode=mode, decimals=decimals, symbolic=symbolic),
                 lambda: gradsheet.check(s, answers, decimals=decimals, tol=tol),
                 lambda: gradsheet.check(s, {"delta2": 12}, decimals=decimals, tol=tol),
                 lambda: gradsheet.graph("x1*x2", at=at, mode=mode, decimals=decimals)):
        try:
            call()
        except SpecError as error:
            assert "\n" not in str(error) and "(fix: " in str(error)
