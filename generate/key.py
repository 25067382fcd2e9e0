"""The answer key: ``key.json`` (everything, the format ``derive --check``-style graders read)
and ``key.csv`` (one row per answer: student, problem, part, value, tolerance).

``key.json`` (format ``gradsheet-key/1``)::

    {"format": "gradsheet-key/1", "exam": "quiz-1", "title": "…", "seed": 2026, "decimals": 4,
     "problems": [{"problem": 1, "kind": "forward", "points": 6, "difficulty": "easy"}],
     "students": [{"id": "s01", "name": "…", "points": 20,
                   "variants": [{"problem": 1, "attempt": 0, "network": {derive spec} | null,
                                 "answers": [{"part": "z1[1]", "value": -5, "exact": "-5",
                                              "tolerance": 0, "shown": "-5"}]}]}]}

``value`` is the exact value rounded to ``decimals`` places (a number, or text for a
non-numeric answer such as "yes"); a student's answer v is right when |v − value| ≤ tolerance.
``exact`` is the unrounded value (a fraction, or a decimal to 15 significant digits).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import sympy as sp

from derive.numbers import to_fraction_string

from .spec import ExamSpec
from .variants import StudentSheet

FORMAT = "gradsheet-key/1"


def _exact(value: Any) -> str:
    """A fraction for a rational value; 15 significant digits for any other."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, sp.Rational)):
        return to_fraction_string(value)
    return format(float(value), ".15g")


def _number(value: float | str) -> Any:
    if isinstance(value, str):
        return value
    return int(value) if float(value).is_integer() else value


def document(exam: ExamSpec, sheets: tuple[StudentSheet, ...]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "exam": exam.name,
        "title": exam.title,
        "seed": exam.seed,
        "decimals": exam.decimals,
        "problems": [{"problem": p.index, "kind": p.kind, "points": p.points, "difficulty": p.difficulty}
                     for p in exam.problems],
        "students": [{
            "id": s.student.id,
            "name": s.student.name,
            "points": exam.total_points,
            "variants": [{
                "problem": v.spec.index,
                "attempt": v.attempt,
                "network": v.problem.network,
                "answers": [{"part": a.part, "value": _number(a.key_value), "exact": _exact(a.value),
                             "tolerance": _number(a.tolerance), "shown": a.shown}
                            for a in v.problem.answers],
            } for v in s.variants],
        } for s in sheets],
    }


def to_json(exam: ExamSpec, sheets: tuple[StudentSheet, ...]) -> str:
    return json.dumps(document(exam, sheets), indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def to_csv(exam: ExamSpec, sheets: tuple[StudentSheet, ...]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "problem", "part", "value", "tolerance"])
    for s in sheets:
        for v in s.variants:
            for a in v.problem.answers:
                writer.writerow([s.student.id, v.spec.index, a.part, _number(a.key_value), _number(a.tolerance)])
    return out.getvalue()
