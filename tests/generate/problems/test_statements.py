"""What a sheet's statements say: definitions that define, instructions said once, questions
that do not give their answers away."""

from __future__ import annotations

import re

import pytest

from gradsheet.derive.engine import activations
from gradsheet.generate import networks, render, spec, variants
from gradsheet.generate.roster import Student


@pytest.mark.parametrize("name", activations.NAMES)
def test_an_activation_is_defined_by_a_formula_not_by_itself(name: str) -> None:
    act = activations.get(name)
    lhs, rhs = networks.definition(act).split(" = ", 1)
    assert act.latex not in rhs or name in ("square", "sigmoid") and r"\sigma" not in rhs, rhs  # \tanh(z) = \tanh(z)
    assert not re.search(r"\d{13}", rhs), rhs  # SELU's 30-digit constants by name, their values beside


def _statement_tex(kind: str, **options) -> str:
    exam = spec.parse({"title": "t", "seed": 4, "problems": [{"kind": kind, **options}]})
    sheets = variants.draw_all(exam, [Student("s", "")])
    return render.render("exam", exam, sheets, render.templates())


@pytest.mark.parametrize("kind,options", [("activation", {}), ("activation", {"activation": ["tanh"]}),
                                          ("autodiff", {"numbers": "decimal", "difficulty": "hard"})])
def test_the_rounding_instruction_is_said_once(kind: str, options: dict) -> None:
    tex = _statement_tex(kind, **options)
    assert "Round every result to the exam's decimals" not in tex
    assert tex.count("round every other one to") == 1  # the sheet's own line, under the points table


def test_the_perceptron_asks_whether_it_trains_without_saying_so() -> None:
    exam = spec.parse({"title": "t", "seed": 4, "problems": [{"kind": "perceptron", "difficulty": "hard"}]})
    problem = variants.draw(exam, Student("s", ""), exam.problems[0]).problem
    last = problem.questions[-1]
    assert "not" not in last.text and "yes or no" in last.text and last.parts == ("trainable",)


@pytest.mark.parametrize("kind,said", [
    ("activation", ["the range: graded by hand, not in this quiz"]),
    ("autodiff", ["the drawing of the graph and its intermediate values: graded by hand", "which derivative it gives: "
                  "graded by hand", "which adjoints collect more than one contribution: graded by hand"]),
])
def test_what_a_part_asks_beyond_its_fields_is_said_to_be_graded_by_hand(kind: str, said: list[str]) -> None:
    from gradsheet.generate.lms import html as to_html, moodle, qti

    exam = spec.parse({"title": "t", "seed": 4, "problems": [{"kind": kind}]})
    problem = variants.draw(exam, Student("s", ""), exam.problems[0]).problem
    html = moodle.question_html(problem, "", 4, to_html.Figures())
    for text in said:
        assert text in html, html
    body = qti._body(problem, "", 4, to_html.Figures(), {a.part: f"R{i}" for i, a in enumerate(problem.answers)})
    assert said[0].replace("quiz", "test") in body
