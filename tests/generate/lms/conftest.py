"""One build of every kind for two students, in every LMS format, shared by the export tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradsheet.generate.cli import main

ALL_KINDS = """
title = "All <kinds> & one/two"
name = "lms"
seed = 5
decimals = 4
[[problems]]
kind = "forward"
points = 4
numbers = "decimal"
[[problems]]
kind = "backprop"
points = 6
[[problems]]
kind = "update"
points = 6
[[problems]]
kind = "chain_rule"
points = 3
[[problems]]
kind = "activation"
points = 3
[[problems]]
kind = "param_count"
points = 2
[[problems]]
kind = "regularization"
points = 3
[[problems]]
kind = "batching"
points = 6
[[problems]]
kind = "dropout"
points = 4
[[problems]]
kind = "perceptron"
points = 2
[[problems]]
kind = "autodiff"
points = 6
numbers = "decimal"
"""


@pytest.fixture(scope="package")
def built(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("lms")
    (tmp / "exam.toml").write_text(ALL_KINDS, encoding="utf-8")
    (tmp / "roster.csv").write_text("id,name\nr<1>,A & B\nr2,Zoë\n", encoding="utf-8")
    assert main([str(tmp / "exam.toml"), "--roster", str(tmp / "roster.csv"), "--format", "tex,moodle,qti",
                 "--out", str(tmp / "out")]) == 0
    return tmp / "out"
