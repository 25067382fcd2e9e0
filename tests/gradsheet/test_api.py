"""The Python API: each function returns what the matching command computes, writes the
command's outputs and shows itself in a notebook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy as sp

import gradsheet
from gradsheet.derive.errors import SpecError
from gradsheet.derive.numbers import FLOAT
from gradsheet.generate.lms.moodle import answers_of

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
    assert shown.startswith("1 correct, 2 carried, 1 wrong") and "| `delta2[1]` | 13 | 12 | ✗ wrong |" in shown
    assert json.loads(result.to_json())


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
