"""The answer key: ``key.json`` (everything, the format ``derive --check``-style graders read)
and ``key.csv`` (one row per answer: student, problem, part, value, tolerance).

``key.json`` (format ``gradsheet-key/1``)::

    {"format": "gradsheet-key/1", "exam": "quiz-1", "title": "…", "seed": 2026, "decimals": 4,
     "problems": [{"problem": 1, "kind": "forward", "points": 6, "difficulty": "easy"}],
     "students": [{"id": "s01", "name": "…", "points": 20,
                   "variants": [{"problem": 1, "attempt": 0, "network": {derive spec} | null, "data": {…},
                                 "answers": [{"part": "z1[1]", "value": -5, "exact": "-5",
                                              "tolerance": 0, "shown": "-5", "points": "1/2"}],
                                 "by_hand": 0}]}]}

and ``"language": "de"`` after ``decimals`` where the exam is not in English (the class report's).

``value`` is the value the worked solution prints: in decimal style its hand computation
(every intermediate rounded to ``decimals`` places), else the exact value rounded (a number,
or text for a non-numeric answer such as "yes"); a student's answer v is right when
|v − value| ≤ tolerance, which admits both the hand computation and the exact one rounded.
``exact`` is the unrounded value (a fraction, or a decimal to 12 significant digits).
``points`` is what the answer is worth: its question's printed points shared over the answers
the question asks (an integer or "p/q"); ``by_hand`` the points of a variant's questions that
ask for nothing the key holds (write ŷ as a nested function), graded by hand. ``data`` is what
the sheet gave that grading recomputes from and the network does not hold (the activation and
z, the dropout mask and p, the weights and gradient of a regularization step, the expression
and point of an autodiff problem; ``{}`` where there is nothing).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any, Callable

from gradsheet.derive.errors import SpecError
from gradsheet.derive.limits import CLASS_FILE_BYTES
from gradsheet.derive.engine.network import Spec, loads, parse_spec, read_text
from gradsheet.derive.engine.numbers import is_rational, to_fraction_string

from . import csv_rows
from .language import CODES
from .spec import ExamSpec
from .variants import StudentSheet

FORMAT = "gradsheet-key/1"


def _exact(value: Any) -> str:
    """A fraction for a rational value; 12 significant digits for any other (the float
    engine's relative accuracy: 0.04, not 0.0399999999999999)."""
    if isinstance(value, str):
        return value
    if is_rational(value):
        return to_fraction_string(value)
    return format(float(value), ".12g")


def _number(value: float | str) -> Any:
    if isinstance(value, str):
        return value
    return int(value) if float(value).is_integer() else value


def document(exam: ExamSpec, sheets: tuple[StudentSheet, ...]) -> dict[str, Any]:
    # the class's language, where it is not English: the class report speaks it (optional field)
    language = {"language": exam.language.code} if exam.language.code != "en" else {}
    return {
        "format": FORMAT,
        "exam": exam.name,
        "title": exam.title,
        "seed": exam.seed,
        "decimals": exam.decimals,
        **language,
        "problems": [{"problem": p.index, "kind": p.kind, "points": p.points, "difficulty": p.difficulty}
                     for p in exam.problems],
        "students": [{
            "id": s.student.id,
            "name": s.student.name,
            "points": exam.total_points,
            "variants": [_variant(v) for v in s.variants],
        } for s in sheets],
    }


def _variant(v: Any) -> dict[str, Any]:
    worth = part_points(v.problem)
    return {
        "problem": v.spec.index,
        "attempt": v.attempt,
        "network": v.problem.network,
        "data": dict(v.problem.data),
        "by_hand": sum(q.points for q in v.problem.questions if not q.parts),
        "answers": [{"part": a.part, "value": _number(a.key_value), "exact": _exact(a.value),
                     "tolerance": _number(a.tolerance), "shown": a.shown, "points": _fraction(worth[a.part])}
                    for a in v.problem.answers],
    }


def part_points(problem: Any) -> dict[str, Fraction]:
    """Each answer's points: its question's printed points shared over the answers it asks."""
    return {part: Fraction(q.points, len(q.parts)) for q in problem.questions for part in q.parts}


def _fraction(value: Fraction) -> int | str:
    return value.numerator if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def to_json(exam: ExamSpec, sheets: tuple[StudentSheet, ...]) -> str:
    return indented_json(document(exam, sheets)) + "\n"


def indented_json(value: Any) -> str:
    """``json.dumps(value, indent=1, ensure_ascii=False, allow_nan=False)``, character for
    character, in half its time: with an indent, the standard library writes JSON in Python
    through nested generators (a class's key, 40,000 values, took 0.05 CPU-s)."""
    out: list[str] = []
    _write_json(value, "\n", out)
    return "".join(out)


def _write_json(value: Any, newline: str, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None or value is True or value is False:
        out.append("null" if value is None else "true" if value else "false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
        out.append(float.__repr__(value))
    elif isinstance(value, (dict, list, tuple)):
        if not value:
            out.append("{}" if isinstance(value, dict) else "[]")
            return
        inner, opening, closing = newline + " ", *("{}" if isinstance(value, dict) else "[]")
        items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
        for n, (name, item) in enumerate(items):
            if name is None:
                out.append((opening if n == 0 else ",") + inner)
            elif isinstance(name, str):
                out.append((opening if n == 0 else ",") + inner + encode_basestring(name) + ": ")
            else:  # the key has text keys only: another key is a writer's mistake, not data
                raise TypeError(f"keys must be str, not {type(name).__name__}")
            _write_json(item, inner, out)
        out.append(newline + closing)
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def to_csv(exam: ExamSpec, sheets: tuple[StudentSheet, ...]) -> str:
    return csv_rows.table(["student", "problem", "part", "value", "tolerance"],
                          ([s.student.id, v.spec.index, a.part, _number(a.key_value), _number(a.tolerance)]
                           for s in sheets for v in s.variants for a in v.problem.answers))


# ---- reading a key back (grading): every field checked, errors name its place in the file


@dataclass(frozen=True)
class Entry:
    part: str
    value: float | int | str  # a number, or text for a yes/no part
    tolerance: float
    exact: str
    shown: str
    points: Fraction | None = None  # its question's points shared over the question's answers


@dataclass(frozen=True)
class KeyVariant:
    problem: int
    attempt: int
    network: Spec | None  # the variant's network, for the checker's carried credit
    answers: tuple[Entry, ...]
    by_hand: int = 0  # points of questions that ask for no key entry (write ŷ as a function)
    data: dict[str, Any] = field(default_factory=dict)  # the sheet's data grading recomputes from


@dataclass(frozen=True)
class KeyStudent:
    id: str
    name: str
    variants: tuple[KeyVariant, ...]


@dataclass(frozen=True)
class KeyProblem:
    problem: int
    kind: str
    points: float | int


@dataclass(frozen=True)
class Key:
    exam: str
    title: str
    decimals: int
    problems: tuple[KeyProblem, ...]
    students: tuple[KeyStudent, ...]
    language: str = "en"  # the class report's language (generate/language.py)


FIX = _FIX = "give the key.json generate wrote, unedited"


def read(path: Path) -> Key:
    """``key.json`` as :class:`Key`; a field that is missing or of the wrong type is a
    :class:`SpecError` naming it (``key.json students[3].variants[1].answers[0].tolerance``)."""
    doc = loads(read_text(path, "give the key.json generate wrote", "a key.json file", CLASS_FILE_BYTES),
                ".json", str(path))
    try:
        return parse(doc)
    except SpecError as error:
        raise SpecError(f"{path.name} {error.field}".strip(), error.problem, error.fix) from None


def parse(doc: Any) -> Key:
    """A key document (key.json's content) as :class:`Key`, every field checked."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SpecError("", f"not a {FORMAT} answer key", "give the key.json generate wrote")
    problems = tuple(_problem(p, f"problems[{i}]") for i, p in enumerate(_list(doc, "problems", "")))
    numbers = [p.problem for p in problems]
    if len(set(numbers)) != len(numbers):
        raise SpecError("problems", "a problem number appears twice", _FIX)
    students = tuple(_student(s, f"students[{i}]", set(numbers)) for i, s in enumerate(_list(doc, "students", "")))
    ids = [s.id for s in students]
    if len(set(ids)) != len(ids):
        raise SpecError("students", "a student id appears twice", _FIX)
    language = doc.get("language", "en")
    if language not in CODES:
        raise SpecError("language", f"unknown language {language!r:.40}", f"one of {', '.join(CODES)}; {_FIX}")
    return Key(_field(doc, "exam", str, ""), _field(doc, "title", str, ""), _field(doc, "decimals", _decimals, ""),
               problems, students, language)


def _field(doc: Any, name: str, kind: type | Callable[[Any], bool], where: str) -> Any:
    here = f"{where}.{name}" if where else name
    if not isinstance(doc, dict):
        raise SpecError(where, "expected an object", _FIX)
    if name not in doc:
        raise SpecError(here, "missing", _FIX)
    value = doc[name]
    ok = isinstance(value, kind) if isinstance(kind, type) else kind(value)
    if not ok or isinstance(value, bool):
        raise SpecError(here, f"unexpected value {value!r}", _FIX)
    return value


def _list(doc: Any, name: str, where: str) -> list[Any]:
    return _field(doc, name, list, where)


def _decimals(value: Any) -> bool:
    return isinstance(value, int) and 0 <= value <= 30


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _tolerance(value: Any) -> bool:
    return _finite(value) and value >= 0


def _answer_value(value: Any) -> bool:
    return _finite(value) or (isinstance(value, str) and 0 < len(value) <= 100)


_POINTS = re.compile(r"\d{1,12}(/\d{1,12})?")


def _points(value: Any, where: str) -> Fraction | None:
    """An answer's points: an integer or a fraction "p/q" (absent in keys before they were kept)."""
    if value is None:
        return None
    try:
        # an integer or "p/q" in digits: Fraction("1e999999999") would build that number
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not _POINTS.fullmatch(str(value)):
            raise ValueError
        points = Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise SpecError(where, f"unexpected value {value!r}", _FIX) from None
    if not 0 <= points <= 10**6:
        raise SpecError(where, f"unexpected value {value!r}", _FIX)
    return points


def _problem(doc: Any, where: str) -> KeyProblem:
    return KeyProblem(_field(doc, "problem", int, where), _field(doc, "kind", str, where),
                      _field(doc, "points", _tolerance, where))


def _student(doc: Any, where: str, problems: set[int]) -> KeyStudent:
    variants = []
    for i, v in enumerate(_list(doc, "variants", where)):
        here = f"{where}.variants[{i}]"
        problem = _field(v, "problem", int, here)
        if problem not in problems:
            raise SpecError(f"{here}.problem", f"problem {problem} is not in the key's problems", _FIX)
        network = v.get("network")
        try:
            spec = None if network is None else parse_spec(network)
        except SpecError as error:
            raise error.within(f"{here}.network") from None
        answers = tuple(Entry(_field(a, "part", str, f"{here}.answers[{j}]"),
                              _field(a, "value", _answer_value, f"{here}.answers[{j}]"),
                              _field(a, "tolerance", _tolerance, f"{here}.answers[{j}]"),
                              str(a.get("exact", "")), str(a.get("shown", "")),
                              _points(a.get("points"), f"{here}.answers[{j}].points"))
                        for j, a in enumerate(_list(v, "answers", here)))
        if len({a.part for a in answers}) != len(answers):
            raise SpecError(f"{here}.answers", "a part appears twice", _FIX)
        by_hand = v.get("by_hand", 0)
        if not isinstance(by_hand, int) or isinstance(by_hand, bool) or not 0 <= by_hand <= 10**6:
            raise SpecError(f"{here}.by_hand", f"unexpected value {by_hand!r}", _FIX)
        data = v.get("data", {})
        if not isinstance(data, dict) or len(json.dumps(data)) > 100_000:
            raise SpecError(f"{here}.data", "expected the sheet's data as an object", _FIX)
        variants.append(KeyVariant(problem, _field(v, "attempt", int, here), spec, answers, by_hand, data))
    return KeyStudent(_field(doc, "id", str, where), _field(doc, "name", str, where), tuple(variants))
