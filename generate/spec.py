"""The exam spec: a TOML file, a public contract (see the README)::

    title = "Backpropagation quiz"       # required
    course = "Deep Learning"             # optional text, printed in the header
    date = "2026-12-01"
    instructions = "Round every result to 4 decimals."
    seed = 2026                          # the exam's seed; --seed overrides it
    decimals = 4                         # rounding of decimal answers
    roster = "students.csv"              # optional; id,name; relative to this file
    name = "quiz-1"                      # optional; the folder under output/
    answer_space = "auto"                # writing space under each part: "auto" (sized to the work
                                         # it asks), "none" (compact), or a length such as "6cm"
    language = "de"                      # the sheets' language: en (default) or de
    decimal_comma = true                 # numbers as 0,25 on the sheets (grading reads both)

    [notation]                           # as in derive: layer_index, bias, cost, index_order, equation_refs
    layer_index = "()"

    [[problems]]
    kind = "forward"                     # see `generate --kinds`
    points = 6
    difficulty = "easy"                  # easy | medium | hard: default sizes and activations
    answer_space = "8cm"                 # optional: this problem's own writing space
    new_page = true                      # optional: the problem starts a page
    numbers = "integer"                  # the kind's options follow
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradsheet.derive.errors import SpecError
from gradsheet.derive.engine.network import read
from gradsheet.derive.engine.notation import Notation

from . import language, problems, text, wording
from .language import ENGLISH, Language
from .options import Table

_TOP = ("title", "course", "date", "instructions", "seed", "decimals", "roster", "name", "notation", "answer_space",
        "language", "decimal_comma", "problems")
DIFFICULTIES = ("easy", "medium", "hard")


@dataclass(frozen=True)
class ProblemSpec:
    index: int  # 1-based, as printed
    kind: str
    points: int
    difficulty: str
    options: Any  # the kind's parsed options
    answer_space: str | None = None  # "auto", "none" or a length; None: the exam's
    new_page: bool = False  # the problem starts a page
    wording: Any = None  # generate.wording.Wording: the instructor's statement and questions


@dataclass(frozen=True)
class ExamSpec:
    title: str
    name: str
    course: str
    date: str
    instructions: str
    seed: int
    decimals: int
    roster: Path | None
    notation: Notation
    problems: tuple[ProblemSpec, ...]
    answer_space: str = "auto"  # writing space under each part: "auto", "none" or a length ("6cm")
    language: Language = ENGLISH  # the sheets' language (generate/catalogs)
    decimal_comma: bool = False  # numbers on the sheets with a decimal comma (0,25)

    @property
    def total_points(self) -> int:
        return sum(p.points for p in self.problems)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "exam"


def default_name(title: str) -> str:
    """The output folder's name when the spec gives none: the title's slug, cut to the name's
    limit at a word boundary, so that every legal title has one."""
    name, limit = slug(title), TEXT_CHARS["name"]
    if len(name) <= limit:
        return name
    cut = name[:limit + 1]
    cut = cut[:cut.rindex("-")] if "-" in cut[limit // 2:] else name[:limit]  # a whole last word where one fits
    return cut.strip("-")


# how long each text field may be (README, "Limits"); the sheets print them whole
TEXT_CHARS = {"title": 200, "course": 200, "date": 100, "instructions": 2000, "name": 64}
MAX_PROBLEMS = 100
MAX_SEED = 2**64 - 1


def _text(data: dict[str, Any], key: str, default: str = "") -> str:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) and not hasattr(value, "isoformat"):
        raise SpecError(key, f"expected text, found {value!r}", f'write {key} = "…"')
    return text.checked(str(value), key, TEXT_CHARS[key])


def parse(data: dict[str, Any], base: Path = Path(".")) -> ExamSpec:
    unknown = sorted(set(data) - set(_TOP))
    if unknown:
        raise SpecError(unknown[0], "unknown key", f"an exam spec takes {', '.join(_TOP)}")
    title = _text(data, "title")
    if not title.strip():
        raise SpecError("title", "missing", 'give the exam a title = "…"')
    seed = data.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise SpecError("seed", f"expected an integer from 0 to 2^64 − 1, found {seed!r}", "write seed = 2026")
    decimals = data.get("decimals", 4)
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 8:
        raise SpecError("decimals", f"expected an integer from 0 to 8, found {decimals!r}", "write decimals = 4")
    roster = data.get("roster")
    if roster is not None and not isinstance(roster, str):
        raise SpecError("roster", f"expected a file name, found {roster!r}", 'write roster = "students.csv"')
    name = _text(data, "name", default_name(title))
    if slug(name) != name:
        raise SpecError("name", f"{name!r} is not a folder name", f'use letters, digits and dashes, e.g. name = "{slug(name)}"')
    raw = data.get("problems")
    if not isinstance(raw, list) or not raw:
        raise SpecError("problems", "missing or empty", 'add [[problems]] tables, e.g. kind = "forward"')
    if len(raw) > MAX_PROBLEMS:
        raise SpecError("problems", f"{len(raw)} problems", f"an exam takes up to {MAX_PROBLEMS}; split it")
    parsed = tuple(_problem(table, i, base) for i, table in enumerate(raw, start=1))
    comma = data.get("decimal_comma", False)
    if not isinstance(comma, bool):
        raise SpecError("decimal_comma", f"expected true or false, found {comma!r:.40}", "write decimal_comma = true")
    return ExamSpec(title, name, _text(data, "course"), _text(data, "date"), _text(data, "instructions"), seed,
                    decimals, base / roster if roster else None, Notation.parse(data.get("notation")), parsed,
                    answer_space(data.get("answer_space", "auto"), "answer_space"),
                    language.parse(data.get("language", "en")), comma)


# how much room a part leaves for writing (README, "Writing space"): sized from the work it asks,
# none (today's compact sheet, for take-home sheets), or a length the instructor gives
_LENGTH = re.compile(r"(\d{1,2}(?:\.\d{1,2})?)(cm|mm|in)")
_CM = {"cm": 1.0, "mm": 0.1, "in": 2.54}
MAX_SPACE_CM = 24.0  # a part's space: at most a page's text height


def answer_space(value: Any, field: str) -> str:
    """``"auto"``, ``"none"`` or a length such as ``"6cm"``, ``"45mm"``, ``"2.5in"`` (at most a page)."""
    fix = 'write "auto", "none" or a length such as "6cm"'
    if not isinstance(value, str):
        raise SpecError(field, f"expected text, found {value!r}", fix)
    if value in ("auto", "none"):
        return value
    match = _LENGTH.fullmatch(value.strip())
    if match is None:
        raise SpecError(field, f"{value[:40]!r} is not auto, none or a length in cm, mm or in", fix)
    if float(match[1]) * _CM[match[2]] > MAX_SPACE_CM:
        raise SpecError(field, f"{value} is more than a page", f"give at most {MAX_SPACE_CM:g}cm")
    return value.strip()


def _problem(table: Any, index: int, base: Path = Path(".")) -> ProblemSpec:
    field = f"problems[{index}]"
    if not isinstance(table, dict):
        raise SpecError(field, "expected a table", 'write [[problems]] with kind = "forward"')
    kind = table.get("kind")
    if kind not in problems.NAMES:
        raise SpecError(f"{field}.kind", f"unknown problem kind {kind!r}", f"use one of {', '.join(problems.NAMES)}")
    t = Table(table, field, ignore=("kind", "answer_space", "text", "questions"), base=base)
    points = t.integer("points", 10, 1, 1000)
    difficulty = t.choice("difficulty", "easy", DIFFICULTIES)
    new_page = t.boolean("new_page", False)
    opts = problems.get(kind).options(t, difficulty)
    t.done()
    space = answer_space(table["answer_space"], f"{field}.answer_space") if "answer_space" in table else None
    return ProblemSpec(index, kind, points, difficulty, opts, space, new_page, wording.parse(table, field))


def load(path: str | Path) -> ExamSpec:
    path = Path(path)
    data = read(path, "check the path, or try `generate --demo`")
    if not isinstance(data, dict):
        raise SpecError(str(path), "an exam spec must be a TOML table", "see the README's exam spec")
    return parse(data, path.parent)
