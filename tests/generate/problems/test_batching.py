"""batching: the float screen rejects a diverging epoch before the exact epochs are computed."""

from __future__ import annotations

from fractions import Fraction

import pytest

from gradsheet.derive.engine.network import parse_spec
from gradsheet.generate.problem import Degenerate
from gradsheet.generate.problems.batching import SCREEN_MARGIN, _screen

SCHEMES = [[[0, 1]], [[0], [1]], [[0, 1]]]  # full batch, SGD, mini-batches of 2


def _spec(weight: str):
    return parse_spec({"loss": "half_sse", "layers": [{"weights": [[weight]], "bias": [0], "activation": "identity"}],
                       "examples": [{"x": [3], "y": [0]}, {"x": [-2], "y": [1]}]})


def test_a_diverging_sgd_epoch_is_rejected_naming_the_update():
    # w = 2, b = 0, rate 10: SGD's first step gives w = 2 − 10 · (6 · 3) = −178, b = −60;
    # the second, at x = −2: z = 296, w = −178 − 10 · (295 · −2) = 5722
    with pytest.raises(Degenerate, match=r"^SGD update 2: a parameter = 5722 is beyond the bound 100$"):
        _screen(_spec("2"), Fraction(10), SCHEMES, 100)


def test_only_values_certainly_past_the_bound_are_rejected():
    one_step = [[[0]]]  # w = −178 after it
    assert SCREEN_MARGIN * 80 < 178 <= SCREEN_MARGIN * 100
    _screen(_spec("2"), Fraction(10), one_step, 100)  # within twice the bound: the exact check decides
    with pytest.raises(Degenerate, match=r"^full-batch update 1: a parameter = 178 is beyond the bound 80$"):
        _screen(_spec("2"), Fraction(10), one_step, 80)


def test_a_calm_epoch_passes_the_screen():
    _screen(_spec("1/2"), Fraction(1, 100), SCHEMES, 100)
