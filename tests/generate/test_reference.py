"""generate --kinds KIND: the options reference comes from the code that validates them."""

from __future__ import annotations

import json
import re

import pytest

from gradsheet.generate import problems, spec
from gradsheet.generate.cli import main
from gradsheet.generate.reference import MEANING, reference


def _listed(text: str) -> dict[str, str]:
    """option → its first printed default (difficulty easy, integer style)."""
    options, key = {}, None
    for line in text.splitlines():
        m = re.match(r"^  (\w+)\s{2,}", line)
        if m:
            key = m[1]
        elif key and line.strip().startswith("default: "):
            first = line.strip().removeprefix("default: ")
            options[key] = first.split(" · ")[0].removeprefix("easy ") if first.startswith("easy ") else first
            key = None
    return options


@pytest.mark.parametrize("kind", problems.NAMES)
def test_every_listed_option_with_its_listed_default_is_accepted(kind: str) -> None:
    from gradsheet.generate.options import Drawn, Table

    listed = _listed(reference(kind))
    assert {"points", "difficulty"} <= set(listed)
    t = Table({}, "p", ignore=("kind", "points", "difficulty"))
    problems.get(kind).options(t, "easy")
    from gradsheet.generate.reference import COMMON

    read = {**{o.key: o for o in COMMON}, **t.read}
    drawn = {key for key, option in read.items() if isinstance(option.default, Drawn)}  # no one value
    assert all(listed[key] == str(read[key].default) for key in drawn)
    table = {"kind": kind, **{key: json.loads(value) for key, value in listed.items() if key not in drawn}}
    parsed = spec.parse({"title": "t", "problems": [table]})  # unknown keys would be refused
    default = spec.parse({"title": "t", "problems": [{"kind": kind}]})
    assert parsed.problems[0].options == default.problems[0].options


@pytest.mark.parametrize("kind", problems.NAMES)
def test_every_option_a_kind_reads_is_listed_and_explained(kind: str) -> None:
    from gradsheet.generate.options import Table

    listed = _listed(reference(kind))
    for difficulty in spec.DIFFICULTIES:
        t = Table({}, "p", ignore=("kind", "points", "difficulty"))
        problems.get(kind).options(t, difficulty)
        assert set(t.read) <= set(listed)
    assert all(key in MEANING for key in listed)


def test_the_reference_is_one_command_away(capsys) -> None:
    assert main(["--kinds", "batching"]) == 0
    out = capsys.readouterr().out
    assert "batch_size" in out and "examples per mini-batch" in out and 'kind = "batching"' in out
    assert main(["--kinds", "nope"]) == 2
    assert "unknown problem kind 'nope'" in capsys.readouterr().err
