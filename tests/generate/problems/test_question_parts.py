"""Every answer of the key belongs to exactly one question of the sheet, so that the points
printed beside a question are the points its answers are graded with (issue 16)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gradsheet.generate import problems, spec
from gradsheet.generate.roster import Student
from gradsheet.generate.variants import draw


@pytest.mark.parametrize("kind", problems.NAMES)
def test_the_questions_partition_the_answers(kind: str) -> None:
    exam = spec.parse({"title": "t", "problems": [{"kind": kind, "points": 7}]})
    for seed in range(5):
        problem = draw(replace(exam, seed=seed), Student(f"s{seed}", ""), exam.problems[0]).problem
        asked = [part for q in problem.questions for part in q.parts]
        assert sorted(asked) == sorted(a.part for a in problem.answers), kind
        assert sum(q.points for q in problem.questions) == 7
