"""The class report: what a graded class did, as figures an instructor reads before the next lecture.

From the graded parts (:func:`generate.grade.grade`) and the rows not placed:

* the score distribution of the students who handed in (histogram in tenths of the points
  graded, mean, median, standard deviation, lowest and highest);
* per problem the mean and median points, how many scored full marks and how many nothing;
* per part the shares correct, carried (right from the student's own earlier answers),
  wrong and missing;
* the mistakes the checker named, grouped over parts and layers (δ^(l)_j is missing the
  factor σ'(z^(l)_j)), with the number of students who made each;
* the students to look at: no answer at all, nothing right on a problem they answered,
  under half the points, rows that could not be graded.

Every figure is computed here; the CSV files and the PDF print these objects.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from gradsheet.derive.checking.check import CARRIED, CORRECT, WRONG

from .. import csv_rows
from ..key import Key

MISSING = "missing"
VERDICTS = (CORRECT, CARRIED, WRONG, MISSING)
BINS = 10  # the histogram's bars: tenths of the points graded
FREQUENT = 12  # mistakes listed


@dataclass(frozen=True)
class Distribution:
    students: int  # who handed in
    maximum: Fraction  # points graded per student
    mean: Fraction
    median: Fraction
    stdev: float
    lowest: Fraction
    highest: Fraction
    bins: tuple[int, ...]  # students per tenth of the maximum: [0, 10 %), …, [90 %, 100 %]


@dataclass(frozen=True)
class ProblemFigures:
    problem: int
    kind: str
    points: Fraction  # graded by the key (the by-hand questions apart)
    mean: Fraction
    median: Fraction
    full: int  # students with every graded point
    nothing: int  # students who answered and earned nothing


@dataclass(frozen=True)
class PartFigures:
    problem: int
    part: str
    counts: tuple[int, int, int, int]  # correct, carried, wrong, missing

    @property
    def asked(self) -> int:
        return sum(self.counts)

    def share(self, verdict: str) -> Fraction:
        return Fraction(self.counts[VERDICTS.index(verdict)], max(self.asked, 1))


@dataclass(frozen=True)
class Mistake:
    mistake: str  # the diagnosis's head, its layer and unit indices generalised
    problems: tuple[int, ...]
    students: int
    answers: int
    example: str  # one full diagnosis, with its numbers


@dataclass(frozen=True)
class Attention:
    student: str
    name: str
    total: Fraction
    maximum: Fraction
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ClassReport:
    exam: str
    title: str
    enrolled: int  # students in the key
    unread: int  # rows not graded
    distribution: Distribution
    problems: tuple[ProblemFigures, ...]
    parts: tuple[PartFigures, ...]
    mistakes: tuple[Mistake, ...]
    attention: tuple[Attention, ...]
    language: str = "en"  # the report's language: the key's


def build(key: Key, grades: list[Any], absent: tuple[str, ...], unread_by_student: dict[str, int],
          maximum: dict[str, Fraction]) -> ClassReport:
    """The report of ``grades`` (PartGrade rows). ``maximum`` is each student's gradable points."""
    present = [s for s in key.students if s.id not in absent]
    earned: dict[tuple[str, int], Fraction] = defaultdict(Fraction)
    answered: set[tuple[str, int]] = set()
    by_problem_max: dict[tuple[str, int], Fraction] = defaultdict(Fraction)
    for g in grades:
        earned[g.student, g.problem] += g.credit
        by_problem_max[g.student, g.problem] += g.worth
        if g.verdict != MISSING:
            answered.add((g.student, g.problem))
    totals = {s.id: sum((earned[s.id, p.problem] for p in key.problems), Fraction(0)) for s in key.students}
    return ClassReport(
        exam=key.exam, title=key.title, enrolled=len(key.students), unread=sum(unread_by_student.values()),
        distribution=_distribution([totals[s.id] for s in present], [maximum[s.id] for s in present]),
        problems=tuple(_problem(p.problem, p.kind, present, earned, by_problem_max, answered) for p in key.problems),
        parts=_parts(grades, {s.id for s in present}),
        mistakes=_mistakes(grades),
        attention=_attention(key, totals, maximum, absent, earned, answered, by_problem_max, unread_by_student),
        language=key.language,
    )


def _distribution(totals: list[Fraction], maxima: list[Fraction]) -> Distribution:
    if not totals:
        zero = Fraction(0)
        return Distribution(0, max(maxima, default=zero), zero, zero, 0.0, zero, zero, (0,) * BINS)
    top = max(maxima)
    bins = [0] * BINS
    for total, most in zip(totals, maxima):
        share = total / most if most else Fraction(0)
        bins[min(int(share * BINS), BINS - 1)] += 1  # full marks go into the last bar
    return Distribution(len(totals), top, sum(totals, Fraction(0)) / len(totals), Fraction(statistics.median(totals)),
                        statistics.pstdev([float(t) for t in totals]), min(totals), max(totals), tuple(bins))


def _problem(number: int, kind: str, present: list[Any], earned: dict, most: dict, answered: set) -> ProblemFigures:
    scores = [earned[s.id, number] for s in present]
    points = max((most[s.id, number] for s in present), default=Fraction(0))
    return ProblemFigures(
        number, kind, points,
        sum(scores, Fraction(0)) / len(scores) if scores else Fraction(0),
        Fraction(statistics.median(scores)) if scores else Fraction(0),
        sum(1 for s in present if most[s.id, number] and earned[s.id, number] == most[s.id, number]),
        sum(1 for s in present if (s.id, number) in answered and earned[s.id, number] == 0),
    )


def _parts(grades: list[Any], present: set[str]) -> tuple[PartFigures, ...]:
    counts: dict[tuple[int, str], Counter] = {}
    for g in grades:
        if g.student in present:
            counts.setdefault((g.problem, g.part), Counter())[g.verdict] += 1
    return tuple(PartFigures(problem, part, tuple(c[v] for v in VERDICTS))  # type: ignore[arg-type]
                 for (problem, part), c in sorted(counts.items(), key=lambda item: item[0][0]))


_LAYER = re.compile(r"\^\(\d+\)")
_INDEX = re.compile(r"(?<=[A-Za-zδσ')])_\d+")  # x_1, w^(l)_12, δ^(l)_2: after a letter, a prime or a layer


def mistake_of(diagnosis: str) -> str:
    """A diagnosis's head (before the colon) with its layer and unit indices generalised, so
    that one mistake made on δ^(1)_1 and on δ^(2)_2 counts as one:
    "δ^(l)_j is missing the factor σ'(z^(l)_j)"."""
    head = diagnosis.split(":")[0].strip()
    # a weight's two indices (w^(1)_22, networks being at most 6 wide) are jk, a unit's one j
    return _INDEX.sub(lambda m: "_jk" if len(m[0]) == 3 else "_j", _LAYER.sub("^(l)", head))


def _mistakes(grades: list[Any]) -> tuple[Mistake, ...]:
    students: dict[str, set[str]] = defaultdict(set)
    answers: Counter = Counter()
    problems: dict[str, set[int]] = defaultdict(set)
    example: dict[str, str] = {}
    for g in grades:
        if g.verdict == WRONG and g.diagnosis:
            m = mistake_of(g.diagnosis)
            students[m].add(g.student)
            answers[m] += 1
            problems[m].add(g.problem)
            example.setdefault(m, g.diagnosis)
    ranked = sorted(students, key=lambda m: (-len(students[m]), -answers[m], m))
    return tuple(Mistake(m, tuple(sorted(problems[m])), len(students[m]), answers[m], example[m])
                 for m in ranked[:FREQUENT])


def _attention(key: Key, totals: dict[str, Fraction], maximum: dict[str, Fraction], absent: tuple[str, ...],
               earned: dict, answered: set, most: dict, unread: dict[str, int]) -> tuple[Attention, ...]:
    out = []
    for s in key.students:
        reasons = []
        if s.id in absent:
            reasons.append("no answer at all" + (f" ({unread[s.id]} rows not graded)" if unread.get(s.id) else ""))
        else:
            zero = [p.problem for p in key.problems
                    if (s.id, p.problem) in answered and earned[s.id, p.problem] == 0 and most[s.id, p.problem]]
            if zero:
                reasons.append("nothing right on problem" + ("s " if len(zero) > 1 else " ")
                               + ", ".join(map(str, zero)))
            if maximum[s.id] and totals[s.id] * 2 < maximum[s.id]:
                reasons.append("under half the points")
            if unread.get(s.id):
                reasons.append(f"{unread[s.id]} row{'s' if unread[s.id] > 1 else ''} not graded")
        if reasons:
            out.append(Attention(s.id, s.name, totals[s.id], maximum[s.id], tuple(reasons)))
    return tuple(out)


# ---- CSV: one file per table

POINT_DECIMALS = 4  # a share of 5 points over 13 answers is 0.3846: a gradebook adds such cells up


def points(value: Fraction) -> str:
    """Points as a gradebook reads them: exactly where a decimal holds them (2.5, 0.125), else
    to 4 decimals (70/13 is 5.3846; at 2, 5.38, a column of them did not add up to its total)."""
    if value.denominator == 1:
        return str(int(value))
    scale = 10 ** POINT_DECIMALS
    if (value * scale).denominator == 1:
        return f"{float(value):.{POINT_DECIMALS}f}".rstrip("0")
    rounded = Fraction(round(value * scale), scale)  # halves to even: rare at 4 decimals
    return f"{float(rounded):.{POINT_DECIMALS}f}"


def percent(value: Fraction) -> str:
    return f"{float(value) * 100:.0f}"


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    return csv_rows.table(header, rows)


def problems_csv(r: ClassReport) -> str:
    return _csv(["problem", "kind", "points", "mean", "median", "full marks", "nothing right"],
                [[p.problem, p.kind, points(p.points), points(p.mean), points(p.median), p.full, p.nothing]
                 for p in r.problems])


def parts_csv(r: ClassReport) -> str:
    return _csv(["problem", "part", "asked", *VERDICTS, *(f"{v} %" for v in VERDICTS)],
                [[p.problem, p.part, p.asked, *p.counts, *(percent(p.share(v)) for v in VERDICTS)] for p in r.parts])


def mistakes_csv(r: ClassReport) -> str:
    return _csv(["mistake", "problems", "students", "answers", "example"],
                [[m.mistake, " ".join(map(str, m.problems)), m.students, m.answers, m.example] for m in r.mistakes])


def students_csv(r: ClassReport) -> str:
    return _csv(["student", "name", "total", "max", "why"],
                [[a.student, a.name, points(a.total), points(a.maximum), "; ".join(a.reasons)] for a in r.attention])


def distribution_csv(r: ClassReport) -> str:
    d = r.distribution
    rows = [["students in the key", r.enrolled], ["handed in", d.students], ["rows not graded", r.unread],
            ["max", points(d.maximum)], ["mean", points(d.mean)], ["median", points(d.median)],
            ["standard deviation", f"{d.stdev:.2f}"], ["lowest", points(d.lowest)], ["highest", points(d.highest)]]
    rows += [[f"{10 * i}-{10 * (i + 1)} %", n] for i, n in enumerate(d.bins)]
    return _csv(["figure", "value"], rows)
