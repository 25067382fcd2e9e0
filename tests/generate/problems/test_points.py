"""A problem's points are shared over its questions: exactly, and none worth nothing when
there are points enough (a one-step-descent sheet once gave "Did the cost fall? (0)")."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gradsheet.generate import spec
from gradsheet.generate.problems import split_points
from gradsheet.generate.roster import Student
from gradsheet.generate.variants import draw


@given(total=st.integers(0, 100), weights=st.lists(st.integers(1, 50), min_size=1, max_size=8))
def test_shares_add_up_and_every_question_counts(total: int, weights: list[int]) -> None:
    shares = split_points(total, weights)
    assert sum(shares) == total and len(shares) == len(weights)
    assert all(s >= (1 if total >= len(weights) else 0) for s in shares)
    # beyond the one point each, the shares follow the weights
    for (a, wa), (b, wb) in zip(zip(shares, weights), zip(shares[1:], weights[1:])):
        if wa > wb:
            assert a >= b - 1


def test_the_update_problems_last_question_is_worth_a_point() -> None:
    exam = spec.parse({"title": "t", "problems": [{"kind": "update", "points": 6}]})
    problem = draw(exam, Student("s", ""), exam.problems[0]).problem
    assert [q.points for q in problem.questions][-1] >= 1 and sum(q.points for q in problem.questions) == 6
