"""Every kind with every value of each of its finite options (a choice, a flag, a name from a
list) reaches TeX in characters the engine sets: the problem text, the worked solutions and
the key are ASCII (LaTeX's own commands for −, →, σ, …), so pdflatex compiles any exam whose
user text is Latin; and a sample of them compiles to PDF.

The tables come from the code that validates the options (``options.Table`` records every
option with the values it takes), so a new option or value is swept without a list to update.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from gradsheet.derive.errors import SpecError
from gradsheet.generate import pdf, problems, render, spec, variants
from gradsheet.generate.options import Table
from gradsheet.generate.roster import Student

STUDENTS = 3  # variants per table: different draws print different numbers and branches


def _options(kind: str, table: dict, difficulty: str) -> dict:
    t = Table(table, "problems[1]", ignore=("kind", "points", "difficulty"))
    problems.get(kind).options(t, difficulty)
    return t.read


@cache
def option_tables() -> tuple[tuple[str, tuple[tuple[str, object], ...]], ...]:
    """(kind, table) for every difficulty and number style, and every value of every finite
    option on its own beside each style."""
    found: dict[tuple[str, tuple], None] = {}
    for kind in problems.NAMES:
        styles = ["integer", "decimal"] if "numbers" in _options(kind, {}, "easy") else [None]
        for style in styles:
            base = {"numbers": style} if style else {}
            for difficulty in spec.DIFFICULTIES:
                found[kind, tuple(sorted({**base, "difficulty": difficulty}.items()))] = None
            for option in _options(kind, base, "easy").values():
                for value in option.values:
                    if option.key in ("numbers", "difficulty"):
                        continue
                    found[kind, tuple(sorted({**base, option.key: value}.items()))] = None
    return tuple(found)


def _drawn(kind: str, table: dict) -> tuple[spec.ExamSpec, tuple] | None:
    """The exam of one problem and its sheets; None where the combination is refused (softmax
    in a hidden layer) or has no usable variant (its error says so, as a build would)."""
    try:
        exam = spec.parse({"title": "Quiz", "decimals": 4, "seed": 5, "problems": [{"kind": kind, **table}]})
        return exam, variants.draw_all(exam, [Student(f"s{i}", f"Student {i}") for i in range(STUDENTS)])
    except SpecError:
        return None


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def test_the_sweep_covers_every_kind_and_finite_option() -> None:
    tables = option_tables()
    assert {kind for kind, _ in tables} == set(problems.NAMES)
    assert ("dropout", (("inverted", False), ("numbers", "integer"))) in tables
    assert len(tables) > 150


@pytest.mark.parametrize("kind", problems.NAMES)
def test_every_option_of_a_kind_prints_only_what_pdflatex_sets(kind: str) -> None:
    env = render.templates()
    drawn = 0
    for table in (dict(t) for k, t in option_tables() if k == kind):
        made = _drawn(kind, table)
        if made is None:
            continue
        drawn += 1
        exam, sheets = made
        for document in ("exam", "solutions"):
            tex = render.render(document, exam, sheets, env)
            bad = {m.group(): tex[max(0, m.start() - 40):m.end() + 20] for m in _NON_ASCII.finditer(tex)}
            assert not bad, (table, document, bad)
    assert drawn, f"no option table of {kind} drew a variant"


@pytest.mark.skipif(not pdf.available(), reason="needs pdflatex")
def test_a_kind_of_each_option_compiles_to_pdf(tmp_path) -> None:
    """One exam holding, for each kind, every table that draws (up to the exam's 100
    problems in each of a few exams): the PDF route, not only the sources."""
    from gradsheet.generate.cli import main

    chosen = [(kind, dict(t)) for kind, t in option_tables() if _drawn(kind, dict(t)) is not None]
    for start in range(0, len(chosen), 100):
        batch = chosen[start:start + 100]
        quiz = tmp_path / f"quiz{start}.json"
        import json

        quiz.write_text(json.dumps({"title": "Quiz", "decimals": 4, "seed": 5,
                                    "problems": [{"kind": k, **t} for k, t in batch]}))
        assert main([str(quiz), "--out", str(tmp_path / f"out{start}")]) == 0
