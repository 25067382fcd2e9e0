"""batching and dropout screen their raw integer draw for a forward-degenerate network (a kink
hit, a dead layer, a met target) before any exact trace: the draws they accept are the same,
and a deep ReLU batching exam no longer spends 16 s of exact epochs failing."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

from gradsheet.generate import networks, problems
from gradsheet.generate import spec as exam_spec
from gradsheet.generate.problem import Degenerate
from gradsheet.generate.sampling import variant_rng
from gradsheet.generate.variants import sheet_of

CASES = [("batching", {"activation": "relu"}),
         ("batching", {"sizes": [2, 2, 1], "activation": "relu"}),
         ("dropout", {"sizes": [3, 4, 2], "activation": "relu"})]


def _outcome(kind: str, options: Any, sheet: Any, seed: int) -> tuple:
    try:
        problem = problems.get(kind).make(variant_rng(seed, "s01", 1, 0), options, sheet, 10)
    except Degenerate:
        return ("rejected",)
    return problem.fingerprint, tuple((a.part, str(a.value), str(a.tolerance)) for a in problem.answers)


@pytest.mark.parametrize(("kind", "table"), CASES)
def test_the_forward_screen_changes_no_accepted_draw(kind: str, table: dict) -> None:
    exam = exam_spec.parse({"title": "t", "problems": [{"kind": kind, "numbers": "integer", **table}]})
    pspec, sheet = exam.problems[0], sheet_of(exam)
    sample = networks.sample
    screened = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        try:
            return sample(*args, **kwargs)
        except Degenerate:
            screened.append(kwargs.get("screen_forward", False))
            raise

    def unscreened(*args: Any, **kwargs: Any) -> Any:
        return sample(*args, **{**kwargs, "screen_forward": False})

    usable = 0
    for seed in range(40):
        with mock.patch.object(networks, "sample", counted):
            with_screen = _outcome(kind, pspec.options, sheet, seed)
        with mock.patch.object(networks, "sample", unscreened):
            without = _outcome(kind, pspec.options, sheet, seed)
        assert with_screen == without, seed
        usable += with_screen != ("rejected",)
    assert usable > 0
    assert any(screened), "no draw was rejected by the forward screen"


def test_a_deep_relu_batching_exam_fails_without_exact_epochs() -> None:
    # sizes [6]*5 in integer style: nearly every draw hits ReLU's kink in the forward pass
    exam = exam_spec.parse({"title": "t", "seed": 1, "problems": [
        {"kind": "batching", "numbers": "integer", "sizes": [6, 6, 6, 6, 6], "activation": "relu", "examples": 8,
         "bound": 10**9}]})
    pspec, sheet = exam.problems[0], sheet_of(exam)
    traced = []
    trace = networks.backprop.trace

    def counting_trace(*args: Any, **kwargs: Any) -> Any:
        traced.append(1)
        return trace(*args, **kwargs)

    rejected = 0
    with mock.patch.object(networks.backprop, "trace", counting_trace):
        for attempt in range(50):
            try:
                problems.get("batching").make(variant_rng(1, "s01", 1, attempt), pspec.options, sheet, 10)
            except Degenerate:
                rejected += 1
    assert rejected == 50
    assert len(traced) < 5  # was two traces (float screen, exact) for each draw
