"""Autodiff variants exercise what the kind teaches (issue 15): some local partial is not ±1,
so the chain rule multiplies, and some adjoint is not 0 or ±1."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sympy as sp

from gradsheet.derive.graphs.autodiff import trace
from gradsheet.derive.graphs.expression import parse
from gradsheet.derive.engine.numbers import EXACT
from gradsheet.generate import spec
from gradsheet.generate.problem import Degenerate
from gradsheet.generate.problems.autodiff import _screen
from gradsheet.generate.roster import Student
from gradsheet.generate.variants import draw
from tests.conftest import variants


def test_the_reported_all_ones_expression_is_redrawn() -> None:
    graph = parse("y = x1 + x1 + (x2 - x1)", ["x1", "x2"])
    with pytest.raises(Degenerate, match="±1"):
        _screen(trace(graph, {"x1": -1, "x2": -1}, EXACT), "integer", 4)


@pytest.mark.sweep
@pytest.mark.parametrize("numbers", ["integer", "decimal"])
def test_every_variant_multiplies_along_some_path(numbers: str) -> None:
    exam = spec.parse({"title": "t", "problems": [{"kind": "autodiff", "numbers": numbers}]})
    for seed in range(max(variants() // 3, 10)):
        problem = draw(replace(exam, seed=seed), Student(f"s{seed}", ""), exam.problems[0]).problem
        st = problem.statement
        graph = parse(f"y = {st['source']}", list(st["at"]))
        t = trace(graph, {k: sp.Rational(v) for k, v in st["at"].items()}, EXACT)
        partials = [d for row in t.primal.partials for d in row if d is not None]
        assert any(abs(d) != 1 for d in partials), st["source"]
        assert any(abs(v) not in (0, 1) for v in t.reverse[0].adjoints), (st["source"], st["at"])
