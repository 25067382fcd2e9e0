"""One variant per student and problem, drawn from (exam seed, student id, problem index).

A draw that :class:`~generate.problem.Degenerate` rejects, or that repeats a variant another
student already has, is drawn again with the next ``attempt``; the key records the attempt,
so any sheet can be rebuilt from the key alone. Duplicates are resolved in roster order: a
student appended to the roster never changes anybody else's sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from derive.errors import SpecError

from . import problems
from .problem import Degenerate, Problem
from .roster import Student
from .sampling import variant_rng
from .sheet import Sheet
from .spec import ExamSpec, ProblemSpec

MAX_ATTEMPTS = 400


@dataclass(frozen=True)
class Variant:
    spec: ProblemSpec
    attempt: int
    problem: Problem


@dataclass(frozen=True)
class StudentSheet:
    student: Student
    variants: tuple[Variant, ...]


def sheet_of(exam: ExamSpec) -> Sheet:
    return Sheet(exam.notation, exam.decimals)


def draw(exam: ExamSpec, student: Student, pspec: ProblemSpec, taken: set[str] | None = None,
         first: int = 0) -> Variant:
    """The first usable draw for this student and problem, from ``attempt = first`` on."""
    kind, sheet = problems.get(pspec.kind), sheet_of(exam)
    reasons: dict[str, int] = {}
    for attempt in range(first, first + MAX_ATTEMPTS):
        try:
            problem = kind.make(variant_rng(exam.seed, student.id, pspec.index, attempt), pspec.options, sheet,
                                pspec.points)
        except Degenerate as why:
            reason = str(why).split(" = ")[0]
            reasons[reason] = reasons.get(reason, 0) + 1
            continue
        if taken is not None and problem.fingerprint in taken:
            continue
        return Variant(pspec, attempt, problem)
    common = max(reasons, key=reasons.get) if reasons else "duplicates"
    raise SpecError(f"problems[{pspec.index}]", f"no usable variant in {MAX_ATTEMPTS} draws (most often: {common})",
                    "loosen the options: a larger bound, more decimals, smaller sizes or another activation")


def draw_all(exam: ExamSpec, students: Iterable[Student],
             progress: Callable[[int], None] | None = None) -> tuple[StudentSheet, ...]:
    taken: dict[int, set[str]] = {p.index: set() for p in exam.problems}
    sheets = []
    for student in students:
        variants = []
        for pspec in exam.problems:
            variant = draw(exam, student, pspec, taken[pspec.index])
            taken[pspec.index].add(variant.problem.fingerprint)
            variants.append(variant)
        sheets.append(StudentSheet(student, tuple(variants)))
        if progress:
            progress(1)
    return tuple(sheets)
