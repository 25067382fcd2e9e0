"""Every problem kind draws many variants without error, degeneracy or an unbounded number,
and every key entry recomputed independently through ``derive`` is equal."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
import sympy as sp

from derive import backprop, quantities
from derive.network import parse_spec
from derive.numbers import EXACT
from generate import problems, spec
from generate.printing import rounded
from generate.roster import Student
from generate.variants import draw, draw_all

# 1,000 variants per kind and option set (about a minute); GRADSHEET_VARIANTS=N for fewer.
N = int(os.environ.get("GRADSHEET_VARIANTS", "1000"))

KIND_TABLES = {
    "forward": [{"difficulty": "easy"}, {"difficulty": "medium"}, {"difficulty": "hard", "numbers": "decimal"}],
    "backprop": [{"difficulty": "medium"}, {"numbers": "decimal", "loss": "bce", "activation": "sigmoid"}],
    "update": [{"difficulty": "easy"}, {"numbers": "decimal"}],
    "chain_rule": [{}],
    "activation": [{"difficulty": "easy"}, {"difficulty": "hard"}],
    "param_count": [{"difficulty": "hard"}],
    "regularization": [{}],
    "batching": [{}],
    "dropout": [{}, {"numbers": "decimal", "inverted": False}],
    "perceptron": [{"difficulty": "medium"}],
    "autodiff": [{}, {"difficulty": "hard"}, {"difficulty": "hard", "numbers": "decimal"}],
}


def exam_for(kind: str, table: dict) -> spec.ExamSpec:
    return spec.parse({"title": "t", "decimals": 4, "problems": [{"kind": kind, **table}]})


def test_every_kind_is_covered() -> None:
    assert set(KIND_TABLES) == set(problems.NAMES)


@pytest.mark.parametrize("kind,table", [(k, t) for k, ts in KIND_TABLES.items() for t in ts])
def test_variants_are_sound_and_the_key_recomputes_through_derive(kind: str, table: dict) -> None:
    exam = exam_for(kind, table)
    pspec = exam.problems[0]
    seen = set()
    for seed in range(N):
        variant = draw(exam.__class__(**{**exam.__dict__, "seed": seed}), Student(f"s{seed}", ""), pspec)
        problem = variant.problem
        assert problem.answers, "a problem with nothing to grade"
        seen.add(problem.fingerprint)
        for a in problem.answers:
            if isinstance(a.key_value, str):
                continue
            assert math.isfinite(a.key_value) and math.isfinite(a.tolerance)
            assert a.tolerance >= 0
            bound = getattr(getattr(pspec.options, "net", pspec.options), "bound", None)
            if isinstance(bound, int):
                assert abs(a.key_value) <= bound
        if problem.network is not None and kind not in ("batching", "dropout"):
            _recompute(problem, exam.decimals)
        if kind == "autodiff":
            _recompute_autodiff(problem, exam.decimals)
    assert len(seen) >= min(N // 2, 40), "too few distinct variants"


def _recompute(problem, decimals: int) -> None:  # type: ignore[no-untyped-def]
    """Independently: the key's network through derive in exact mode, every entry compared."""
    spec_ = parse_spec(problem.network)
    trace = backprop.trace(spec_.network, spec_.examples, EXACT)
    assert not trace.kinks
    values = quantities.entries(trace)
    for a in problem.answers:
        if a.part in values:
            assert float(rounded(values[a.part], decimals)) == a.key_value, a.part


def _recompute_autodiff(problem, decimals: int) -> None:  # type: ignore[no-untyped-def]
    """Independently of the traces: y and ∂y/∂x_k by sympy.diff of the formula, rounded."""
    st = problem.statement
    x = {name: sp.Symbol(name) for name in st["at"]}
    y = sp.sympify(st["source"].replace("^", "**"), locals={**x, "sigmoid": lambda u: 1 / (1 + sp.exp(-u))})
    point = {x[name]: sp.Rational(v) for name, v in st["at"].items()}
    expected = {"y": y, "tangent_y": sp.diff(y, x["x1"])}
    expected.update({f"grad_{name}": sp.diff(y, s) for name, s in x.items()})
    key = {a.part: a for a in problem.answers}
    for part, expr in expected.items():
        value = sp.N(expr.subs(point), 40)
        assert float(rounded(value, decimals)) == key[part].key_value, part
        assert part == "y" or key[part].key_value != 0, part  # a zero gradient is degenerate
    assert key["cheaper"].key_value == ("reverse" if key["passes_reverse"].key_value < key["passes_forward"].key_value
                                        else "forward")


def test_a_variant_depends_only_on_seed_student_and_problem() -> None:
    exam = spec.parse({"title": "t", "seed": 5, "problems": [{"kind": "forward"}, {"kind": "activation"}]})
    alone = draw_all(exam, [Student("bob", "Bob")])
    crowd = draw_all(exam, [Student("amy", "Amy"), Student("bob", "Bob"), Student("cy", "Cy")])
    assert alone[0].variants == crowd[1].variants
    other = draw_all(spec.parse({"title": "t", "seed": 6, "problems": [{"kind": "forward"}, {"kind": "activation"}]}),
                     [Student("bob", "Bob")])
    assert other[0].variants != alone[0].variants


def test_no_two_students_share_a_variant() -> None:
    exam = spec.parse({"title": "t", "problems": [{"kind": "param_count", "difficulty": "easy"}]})
    sheets = draw_all(exam, [Student(f"s{i}", "") for i in range(30)])
    prints = [s.variants[0].problem.fingerprint for s in sheets]
    assert len(set(prints)) == len(prints)


def test_parallel_drawing_gives_the_sequential_sheets() -> None:
    # param_count has few variants, so duplicates are redrawn after the parallel stage
    exam = spec.parse({"title": "t", "problems": [{"kind": "param_count", "difficulty": "easy"}, {"kind": "forward"}]})
    roster = [Student(f"s{i}", "") for i in range(40)]
    one, two = draw_all(exam, roster, workers=1), draw_all(exam, roster, workers=2)
    assert [[(v.attempt, v.problem.fingerprint) for v in s.variants] for s in one] == \
           [[(v.attempt, v.problem.fingerprint) for v in s.variants] for s in two]
    assert any(v.attempt > 0 for s in one for v in s.variants)


def test_herrmann_style_integer_variant_is_exact() -> None:
    exam = exam_for("backprop", {"difficulty": "medium"})
    problem = draw(exam, Student("x", ""), exam.problems[0]).problem
    for a in problem.answers:
        assert isinstance(a.value, (sp.Integer, sp.Rational))
        assert a.tolerance == 0


def test_decimal_tolerance_covers_the_hand_rounded_student() -> None:
    exam = exam_for("forward", {"numbers": "decimal", "activation": "sigmoid", "sizes": [1, 2, 3, 1]})
    problem = draw(exam, Student("x", ""), exam.problems[0]).problem
    spec_ = parse_spec(problem.network)
    from derive.numbers import hand

    hand_values = quantities.entries(backprop.trace(spec_.network, spec_.examples, hand(4)))
    for a in problem.answers:
        assert abs(float(hand_values[a.part]) - a.key_value) <= a.tolerance + 1e-12
        assert np.isclose(float(a.value), a.key_value, atol=0.5e-4 + 1e-12)
