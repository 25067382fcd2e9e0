"""The cheap screen on a raw draw (bounds, and kinks, dead layers and met targets while every
value is an exact integer; the backward pass's δ and gradients against the bound where the
forward pass was all integers) rejects only what the full check rejects."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest

from gradsheet.generate import networks
from gradsheet.generate.options import Table
from gradsheet.generate.problem import Degenerate


TABLES = [{"activation": "square", "bias": True}, {"activation": ["relu", "identity"]},
          {"activation": "leaky_relu", "sizes": [2, 3, 1], "loss": "mse"},
          {"activation": ["relu", "relu", "identity"], "sizes": [2, 3, 2, 2]},
          {"activation": ["step", "identity"], "bias": True}]


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("examples", [1, 3])
def test_a_prescreened_draw_fails_the_full_check_too(table: dict, examples: int) -> None:
    opts = networks.parse(Table(dict(table), "problems[1]"), "medium")
    screened = by_forward = 0
    for seed in range(400):
        try:
            networks.sample(np.random.default_rng(seed), opts, examples, screen_forward=True)
            continue
        except Degenerate as why:
            screened += 1
            by_forward += "beyond the bound" not in str(why)
        with mock.patch.object(networks, "_prescreen", lambda *args: None):
            data = networks.sample(np.random.default_rng(seed), opts, examples)
        with pytest.raises(Degenerate):
            networks.compute(data, opts, 4, networks_notation())
    assert screened > 0
    if "relu" in str(table["activation"]):  # ReLU's kink and dead layers: the forward screen finds them
        assert by_forward > 0


def networks_notation():  # type: ignore[no-untyped-def]
    from gradsheet.derive.engine.notation import Notation

    return Notation()


@pytest.mark.parametrize("table", [TABLES[0], TABLES[3], {"activation": ["relu", "square"], "loss": "mse", "sizes": [2, 2, 2]}])
@pytest.mark.parametrize("examples", [1, 3])
def test_the_backward_screen_rejects_what_the_exact_trace_rejects(table: dict, examples: int) -> None:
    """A draw whose δ, ∂C/∂W, ∂C/∂b or ∂C/∂x passes the bound is caught in integers; the exact
    trace of the same draw, unscreened, is rejected for a value past the bound too."""
    opts = networks.parse(Table(dict(table), "problems[1]"), "medium")
    backward = 0
    for seed in range(600):
        try:
            networks.sample(np.random.default_rng(seed), opts, examples, screen_forward=True)
            continue
        except Degenerate as why:
            if not str(why).startswith(("δ", "∂C/∂")):
                continue
        backward += 1
        with mock.patch.object(networks, "_prescreen", lambda *args: None):
            data = networks.sample(np.random.default_rng(seed), opts, examples)
        with pytest.raises(Degenerate, match="beyond the bound"):
            networks.compute(data, opts, 4, networks_notation())
    assert backward > 0
