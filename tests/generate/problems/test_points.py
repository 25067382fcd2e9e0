"""A problem's points are shared over its questions: exactly, and none worth nothing when
there are points enough (a one-step-descent sheet once gave "Did the cost fall? (0)")."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradsheet.generate import spec
from gradsheet.generate.problems import TooFewPoints, split_points
from gradsheet.generate.roster import Student
from gradsheet.generate.variants import draw


@given(total=st.integers(0, 100), weights=st.lists(st.integers(1, 50), min_size=1, max_size=8))
def test_shares_add_up_and_every_question_counts(total: int, weights: list[int]) -> None:
    if total < len(weights):
        with pytest.raises(TooFewPoints):
            split_points(total, weights)
        return
    shares = split_points(total, weights)
    assert sum(shares) == total and len(shares) == len(weights)
    assert all(s >= 1 for s in shares)
    # beyond the one point each, the shares follow the weights
    for (a, wa), (b, wb) in zip(zip(shares, weights), zip(shares[1:], weights[1:])):
        if wa > wb:
            assert a >= b - 1


def test_the_update_problems_last_question_is_worth_a_point() -> None:
    exam = spec.parse({"title": "t", "problems": [{"kind": "update", "points": 6}]})
    problem = draw(exam, Student("s", ""), exam.problems[0]).problem
    assert [q.points for q in problem.questions][-1] >= 1 and sum(q.points for q in problem.questions) == 6



def test_fewer_points_than_questions_is_one_line_naming_the_least_that_works(capsys, tmp_path) -> None:
    from gradsheet.generate.cli import main

    quiz = tmp_path / "quiz.toml"
    quiz.write_text('title = "t"\n[[problems]]\nkind = "perceptron"\ndifficulty = "hard"\npoints = 3\n')
    assert main([str(quiz), "--format", "tex", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err == ("generate: error: problems[1].points: 3 points for 4 questions, and a question worth nothing "
                   "reads as a mistake (fix: give points = 4 or more)\n")
    assert not (tmp_path / "out").exists()
