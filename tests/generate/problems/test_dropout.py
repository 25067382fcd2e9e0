"""Dropout variants: the mask keeps a neuron that is active, so the thinned output depends on it."""

from __future__ import annotations

import pytest

from gradsheet.generate import spec
from gradsheet.generate.roster import Student
from gradsheet.generate.variants import draw


@pytest.mark.parametrize("table", [{}, {"inverted": False}, {"numbers": "decimal"}, {"difficulty": "medium"}])
def test_the_mask_keeps_an_active_neuron(table: dict) -> None:
    exam = spec.parse({"title": "t", "seed": 11, "problems": [{"kind": "dropout", **table}]})
    for i in range(40):
        problem = draw(exam, Student(f"s{i}", ""), exam.problems[0]).problem
        hidden = {a.part: a.value for a in problem.answers if a.part.startswith("a1[")}
        kept = [hidden[f"a1[{j + 1}]"] for j, m in enumerate(problem.data["mask"]) if m]
        assert any(v != 0 for v in kept), (problem.data, hidden)
