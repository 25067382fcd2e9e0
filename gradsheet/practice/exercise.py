"""One practice problem: drawn as an exam draws it, shown as the LMS exports show it, checked
as ``--grade`` checks a class, one step of its worked solution at a time.

The server keeps nothing: a problem is its :class:`Source` (a kind, a difficulty and a seed;
a lecture example; or a pasted network spec), which the page sends back with every request,
and the same source draws the same problem (generate's seeded draw). Everything else is
computed from it and cached in memory, bounded.
"""

from __future__ import annotations

import base64
import json
import math
import re
import tomllib
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from gradsheet.derive import catalogue
from gradsheet.derive.errors import SpecError
from gradsheet.derive.limits import FILE_BYTES
from gradsheet.generate import key as key_format, problems, render, spec as exam_spec, variants
from gradsheet.generate.grading import grade
from gradsheet.generate.language import CODES
from gradsheet.generate.lms import choices, figures as figure_files, html as to_html
from gradsheet.generate.roster import Student
from gradsheet.generate.spec import DIFFICULTIES, MAX_SEED

STUDENT = Student("practice", "")
# the kinds that take a network of their own (a lecture example, a pasted spec)
NETWORK_KINDS = ("forward", "backprop", "update", "chain_rule", "regularization", "batching", "dropout", "perceptron")
FIGURE_SECONDS = 60  # pdflatex for one problem's figures
CACHED = 64  # problems kept drawn, with their figures


@dataclass(frozen=True)
class Source:
    """What a problem is drawn from: ``kind`` and ``difficulty`` with ``seed``, and, instead of
    a drawn network, a lecture ``example`` or a pasted network ``spec`` (TOML or JSON)."""

    kind: str = "backprop"
    difficulty: str = "medium"
    seed: int = 1
    example: str = ""
    spec: str = ""
    language: str = "en"

    @classmethod
    def of(cls, data: Any) -> Source:
        """The page's request, every field checked: one line naming the field and the fix."""
        if not isinstance(data, dict):
            raise SpecError("request", "expected a JSON object", "reload the page")
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            raise SpecError(unknown[0][:40], "unknown field", f"send {', '.join(cls.__dataclass_fields__)}")
        kind = data.get("kind", "backprop")
        if kind not in problems.NAMES:
            raise SpecError("kind", f"unknown problem kind {str(kind)[:40]!r}", f"choose one of {', '.join(problems.NAMES)}")
        difficulty = data.get("difficulty", "medium")
        if difficulty not in DIFFICULTIES:
            raise SpecError("difficulty", f"unknown difficulty {str(difficulty)[:40]!r}",
                            f"choose one of {', '.join(DIFFICULTIES)}")
        seed = data.get("seed", 1)
        if isinstance(seed, str) and seed.strip().isdigit() and len(seed.strip()) <= 20:
            seed = int(seed)
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
            raise SpecError("seed", "expected a whole number from 0 to 2^64 − 1", "give a seed such as 2026")
        example, text = data.get("example", ""), data.get("spec", "")
        if not isinstance(example, str) or example and example not in {e.name for e in catalogue.CATALOGUE}:
            raise SpecError("example", f"unknown example {str(example)[:40]!r}",
                            f"choose one of {', '.join(e.name for e in catalogue.CATALOGUE)}")
        if not isinstance(text, str) or len(text.encode("utf-8", "surrogatepass")) > FILE_BYTES:
            raise SpecError("spec", f"longer than {FILE_BYTES:,} bytes", "paste a network spec of one network")
        if (example or text.strip()) and kind not in NETWORK_KINDS:
            raise SpecError("kind", f"{kind} draws no network of yours", f"choose one of {', '.join(NETWORK_KINDS)}")
        language = data.get("language", "en")
        if language not in CODES:
            raise SpecError("language", f"unknown language {str(language)[:20]!r}", f"choose one of {', '.join(CODES)}")
        return cls(kind, difficulty, seed, example, text if text.strip() else "", language)

    def exam(self) -> dict[str, Any]:
        """The one-problem exam spec this source is."""
        problem: dict[str, Any] = {"kind": self.kind, "difficulty": self.difficulty}
        if self.example:
            problem["network"] = _network(catalogue.text(self.example), f"example {self.example}")
        elif self.spec:
            problem["network"] = _network(self.spec, "spec")
        return {"title": "Practice", "name": "practice", "seed": self.seed, "problems": [problem],
                "language": self.language}


def _network(text: str, where: str) -> dict[str, Any]:
    """A pasted network spec, TOML or JSON, as tables (derive checks them when the problem is drawn)."""
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError, RecursionError) as error:
        first = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
        raise SpecError(where, f"neither TOML nor JSON ({first})", "paste a network spec as derive reads it") from None
    if not isinstance(data, dict):
        raise SpecError(where, "not a table of a network spec", "paste a network spec as derive reads it")
    return data


@dataclass(frozen=True)
class Exercise:
    """A drawn problem with what the page shows of it."""

    source: Source
    exam: Any  # ExamSpec
    sheet: Any  # StudentSheet
    key: key_format.Key

    @property
    def problem(self) -> Any:
        return self.sheet.variants[0].problem

    @property
    def say(self) -> Any:
        return self.exam.language.say


@lru_cache(maxsize=CACHED)
def exercise(source: Source) -> Exercise:
    """The problem ``source`` draws (the same every time)."""
    try:
        exam = exam_spec.parse(source.exam())
        sheets = variants.draw_all(exam, (STUDENT,))
    except SpecError as error:  # named as the page names it: the spec, the example, the problem
        field = error.field.replace("problems[1].network", "example" if source.example else "spec")
        raise SpecError(field.replace("problems[1]", "problem"), error.problem, error.fix) from None
    key = key_format.parse(json.loads(key_format.to_json(exam, sheets)))
    return Exercise(source, exam, sheets[0], key)


@lru_cache(maxsize=CACHED)
def page(source: Source) -> dict[str, Any]:
    """Everything the page shows of the problem: the statement with its figure (SVG), the rounding
    rule, and the questions with one field per asked quantity (its label in the lectures'
    notation, TeX), the solution's step titles. Not the answers."""
    ex = exercise(source)
    p, say = ex.problem, ex.say
    env = render.templates()
    figures = to_html.Figures()
    statement = _with_images(ex, to_html.statement(render.statements(env, (ex.sheet,), ex.exam.language)(p), figures),
                             figures)
    answers = {a.part: a for a in p.answers}
    groups = []
    for q in p.questions:
        fields = []
        for part in q.parts:
            a = answers[part]
            offered = [{"value": w, "text": say(w)} for w in choices(a.key_value)] if isinstance(a.key_value, str) else []
            fields.append({"part": part, "label": a.label, "choices": offered})
        note = say(", graded by hand: not in this test") if not q.parts else ""
        groups.append({"text": to_html.fragment(q.text), "points": q.points, "fields": fields, "note": note})
    return {"source": source.__dict__, "title": say(p.title), "statement": statement,
            "rounding": render.rounding(ex.exam.decimals, ex.exam.language), "groups": groups,
            "steps": [say(s.title) for s in p.solution]}


MAX_ANSWERS = 500  # fields a page sends: more than any problem asks
ANSWER_CHARS = 200


def check(source: Source, given: Any) -> dict[str, Any]:
    """Each asked value marked as ``--grade`` marks it: correct, carried (right from the
    student's own earlier values), wrong (with the typical mistake it shows and the step as it
    should go, with the student's numbers), missing or unread; the expected value to the
    student's own decimals."""
    ex = exercise(source)
    if not isinstance(given, dict) or len(given) > MAX_ANSWERS:
        raise SpecError("answers", "expected an object of at most 500 values", "reload the page")
    entries = {e.part: e for e in ex.key.students[0].variants[0].answers}
    mine: dict[str, str] = {}
    for part, value in given.items():
        if part not in entries:
            raise SpecError("answers", f"no part {str(part)[:40]!r} in this problem", "reload the page")
        if not isinstance(value, str) or len(value) > ANSWER_CHARS:
            raise SpecError(f"answers.{part}", f"expected text of at most {ANSWER_CHARS} characters", "shorten it")
        if value.strip():
            mine[part] = value
    unread = {part: why for part, value in mine.items()
              if (why := grade.unreadable(value, not isinstance(entries[part].value, str)))}
    readable = {part: value for part, value in mine.items() if part not in unread}
    placed = grade.Placed({(STUDENT.id, 1): readable}, (), ())
    marks = {}
    graded = grade.grade(ex.key, placed)
    for g in graded:
        verdict = "unread" if g.part in unread else g.verdict
        marks[g.part] = {"verdict": verdict, "given": mine.get(g.part, ""),
                         "expected": expected(entries[g.part], mine.get(g.part, "")),
                         "why": unread.get(g.part, ex.exam.language.translated(g.diagnosis) if g.diagnosis else ""),
                         "step": g.step,
                         "points": _points(g.credit), "worth": _points(g.worth)}
    return {"marks": marks, "score": _points(sum((g.credit for g in graded), Fraction(0))),
            "of": _points(sum(key_format.part_points(ex.problem).values(), Fraction(0)))}


def _points(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.4g}"


def expected(entry: key_format.Entry, given: str) -> str:
    """The key's value as the student wrote theirs: to their own number of decimals where they
    wrote fewer than the key (0.56 for 0.5646 when they wrote 0.57), else as the key has it."""
    if isinstance(entry.value, str):
        return entry.value
    value = entry.value
    typed = grade.as_read(given)
    m = re.fullmatch(r"[-+]?\d*\.(\d+)", typed)
    key_decimals = len(str(value).partition(".")[2]) if isinstance(value, float) else 0
    if m is None or len(m.group(1)) >= key_decimals or not math.isfinite(float(value)):
        return str(key_format._number(value))
    places = len(m.group(1))
    exact = Fraction(str(value))
    rounded = Fraction(math.floor(abs(exact) * 10 ** places + Fraction(1, 2)), 10 ** places) * (1 if exact >= 0 else -1)
    return f"{float(rounded):.{places}f}"


def solution(source: Source, step: int | None = None) -> dict[str, Any]:
    """The worked solution as HTML with TeX for the page's typesetting: one step (a section of
    the solution, from 0) or all of them."""
    ex = exercise(source)
    sections = ex.problem.solution
    if step is not None:
        if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step < len(sections):
            raise SpecError("step", f"expected a step from 0 to {len(sections) - 1}", "reload the page")
        sections = (sections[step],)
    figures = to_html.Figures()
    return {"html": _with_images(ex, to_html.solution(sections, figures, ex.exam.language), figures)}


def _with_images(ex: Exercise, html: str, figures: to_html.Figures) -> str:
    """``html`` with its figures compiled to SVG (as the LMS exports compile them), inline."""
    svgs = figure_files.svgs(figures.latex, render.templates(), render.skeleton_list((ex.sheet,)), FIGURE_SECONDS)
    return to_html.images(html, ["data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii") for svg in svgs])
