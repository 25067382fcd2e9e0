"""The cheap forward screen on a raw draw rejects only what the full check rejects."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest

from gradsheet.generate import networks
from gradsheet.generate.options import Table
from gradsheet.generate.problem import Degenerate


@pytest.mark.parametrize("table", [{"activation": "square", "bias": True}, {"activation": ["relu", "identity"]},
                                   {"activation": "leaky_relu", "sizes": [2, 3, 1], "loss": "mse"}])
def test_a_prescreened_draw_fails_the_full_check_too(table: dict) -> None:
    opts = networks.parse(Table(dict(table), "problems[1]"), "medium")
    screened = 0
    for seed in range(400):
        try:
            networks.sample(np.random.default_rng(seed), opts)
            continue
        except Degenerate:
            screened += 1
        with mock.patch.object(networks, "_prescreen", lambda *args: None):
            data = networks.sample(np.random.default_rng(seed), opts)
        with pytest.raises(Degenerate):
            networks.compute(data, opts, 4, networks_notation())
    assert screened > 0


def networks_notation():  # type: ignore[no-untyped-def]
    from gradsheet.derive.notation import Notation

    return Notation()
