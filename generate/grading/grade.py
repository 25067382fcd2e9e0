"""Grading a class: ``key.json`` plus the students' answers → scores, diagnoses, a summary.

The answers CSV has the columns ``student,problem,part,value`` (part names as in the key,
``grad_W1[2,2]``). A part is right when |value − key| ≤ the key's tolerance. On a network
problem whose parts are trace quantities the student's answers go through ``derive``'s
checker with the variant's network from the key: a part that is wrong but follows from the
student's own earlier answers is ``carried`` and gets full credit (one slip costs one
step), and a wrong part that a typical mistake explains gets that diagnosis.

A question's printed points are shared by the answers it asks (the key's ``points``); the
points of a question that asks for nothing the key holds are the "by hand" column. Writes ``grades.csv`` (one row per
student: points per problem and total) and ``parts.csv`` (one row per student and part:
given, key, verdict, diagnosis, and for a wrong network value its step with the student's own
numbers); the summary (one line per problem) goes to stdout.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from gradsheet.derive.checking import answers as derive_answers, quantities
from gradsheet.derive.engine import backprop
from gradsheet.derive.checking.check import CARRIED, CORRECT, WRONG, Tolerance, check
from gradsheet.derive.errors import SpecError
from gradsheet.derive.limits import CLASS_FILE_BYTES
from gradsheet.derive.engine.network import read_text
from gradsheet.derive.engine.numbers import FLOAT, parse_number

from .. import carry, csv_rows, key as key_format, problems
from . import class_report, report_pdf
from ..key import Entry, Key, KeyVariant

MISSING = class_report.MISSING  # a part the student left out
Followed = tuple[str, str, str]  # a follower's verdict of a part, the mistake it names, the step as it should go
NOT_FOLLOWED: Followed = (WRONG, "", "")


@dataclass(frozen=True)
class PartGrade:
    student: str
    problem: int
    part: str
    given: str
    key: Any
    verdict: str
    credit: Fraction  # points earned for this part
    diagnosis: str = ""
    worth: Fraction = Fraction(0)  # what the part is worth: its question's points over the answers it asks
    step: str = ""  # a wrong trace value's step as it should go, with the student's own numbers


def load_key(path: Path) -> key_format.Key:
    """``key.json``, every field checked as it is read: its form (``key.read``), and that what
    it holds grades: each text answer one the kinds ask for, each network's values the key's
    (a float trace, within the key's tolerance), each kind's data what its follower computes
    from. A field edited by hand is one line naming it, before any student is graded."""
    key = key_format.read(path)
    kinds = {p.problem: p.kind for p in key.problems}
    for i, p in enumerate(key.problems):
        if p.kind not in problems.NAMES:
            raise SpecError(f"{path.name} problems[{i}].kind", f"unknown problem kind {p.kind!r}", key_format.FIX)
    for i, s in enumerate(key.students):
        for j, variant in enumerate(s.variants):
            _validate_variant(kinds[variant.problem], variant, key.decimals, f"{path.name} students[{i}].variants[{j}]")
    return key


TEXT_ANSWERS = frozenset({"yes", "no", "forward", "reverse"})  # the kinds' non-numeric answers


def _validate_variant(kind: str, variant: KeyVariant, decimals: int, where: str) -> None:
    for k, entry in enumerate(variant.answers):
        if isinstance(entry.value, str) and entry.value not in TEXT_ANSWERS:
            raise SpecError(f"{where}.answers[{k}].value", f"{entry.value[:40]!r} is neither a number nor one of the "
                            f"text answers {', '.join(sorted(TEXT_ANSWERS))}", key_format.FIX)
        if isinstance(entry.value, str):
            if entry.exact != entry.value:
                raise SpecError(f"{where}.answers[{k}].exact", f"{entry.exact[:40]!r} is not the answer {entry.value!r}",
                                key_format.FIX)
        else:
            try:
                exact = parse_number(entry.exact, "exact")
            except SpecError:
                raise SpecError(f"{where}.answers[{k}].exact", f"{entry.exact[:40]!r} is not a number",
                                key_format.FIX) from None
            # the printed value is the exact one rounded, or the hand computation: within the tolerance
            if not abs(float(exact) - float(entry.value)) <= (entry.tolerance + 10.0 ** -decimals) * (1 + 1e-9) \
                    + 1e-9 * abs(float(exact)):
                raise SpecError(f"{where}.answers[{k}].exact", f"{entry.exact[:40]} is not the value {entry.value} "
                                "unrounded", key_format.FIX)
    if kind in TRACE_KINDS and variant.network is not None:
        spec = variant.network
        try:
            with np.errstate(all="ignore"):
                truth = quantities.entries(backprop.trace(spec.network, spec.examples, FLOAT))
        except SpecError as error:
            raise error.within(f"{where}.network") from None
        unit = 10.0 ** -decimals
        for k, entry in enumerate(variant.answers):
            if entry.part in truth and not isinstance(entry.value, str):
                computed = float(truth[entry.part])
                # the key's value is the hand computation or the exact one rounded: within its
                # tolerance and a unit of the exact value (float's own error is far below)
                allowed = (entry.tolerance + unit) * (1 + 1e-9) + 1e-9 * abs(computed)
                if not abs(float(entry.value) - computed) <= allowed:
                    raise SpecError(f"{where}.answers[{k}].value",
                                    f"{entry.value} is not what the variant's network gives for {entry.part} "
                                    f"({computed:.6g})", key_format.FIX)
    follow = problems.get(kind).follow
    if follow is not None:
        truth_values = {e.part: e.value for e in variant.answers}
        try:
            with np.errstate(all="ignore"):
                carry.probe(follow, carry.Work(variant.data, variant.network, {}, truth_values, decimals),
                            tuple(truth_values))
        except _FOLLOW_ERRORS as error:
            problem = error.problem if isinstance(error, SpecError) else type(error).__name__
            raise SpecError(f"{where}.data", f"not the data generate wrote ({problem})", key_format.FIX) from None


@dataclass(frozen=True)
class Row:
    """One answer as the CSV gives it, with the line it starts on."""

    line: int
    student: str
    problem: str
    part: str
    value: str


@dataclass(frozen=True)
class Unread:
    """A row the grader could not place: it is named, never scored in silence."""

    line: int
    text: str
    why: str
    student: str = ""  # the row's first field, where it has one: whose answer was not graded
    place: str = ""  # where it stands, where that is no line (a results file); else "line N"

    @property
    def at(self) -> str:
        return self.place or f"line {self.line}"


@dataclass(frozen=True)
class ClassAnswers:
    rows: tuple[Row, ...]
    unread: tuple[Unread, ...]


_DECIMAL_COMMA = re.compile(r"[-−]?\d+,\d+")
_WHOLE, _DIGITS = re.compile(r"[-−]?\d+"), re.compile(r"\d+")


def load_answers(path: Path) -> ClassAnswers:
    """Every row of the answers CSV. A row that cannot be an answer (its columns, a control
    character) is kept as :class:`Unread` with its line and why; only a file that is not an
    answers CSV at all (no header) is an error."""
    text = read_text(path, "check the path", "a CSV file with columns student,problem,part,value", CLASS_FILE_BYTES)
    rows: list[Row] = []
    unread: list[Unread] = []
    header = False
    for line, row in csv_rows.rows(text, str(path), "write one answer per line: student,problem,part,value"):
        if not header:
            if [c.strip().lower() for c in row] != ["student", "problem", "part", "value"]:
                raise SpecError(f"{path} line 1", "the header must be student,problem,part,value",
                                "write that header line first")
            header = True
            continue
        if not any(c.strip() for c in row):
            continue
        shown = ",".join(row)
        if not csv_rows.printable_cells(row):
            unread.append(Unread(line, shown[:80], "a line break or control character inside a field: "
                                                   + csv_rows.UNCLOSED, row[0].strip()[:100]))
            continue
        if len(row) == 5 and _WHOLE.fullmatch(row[3].strip()) and _DIGITS.fullmatch(row[4].strip()):
            row = [*row[:3], f"{row[3].strip()},{row[4].strip()}"]  # an unquoted decimal comma: 0,0331
        if len(row) != 4:
            hint = ("quote part names that contain commas: \"grad_W1[1,2]\"" if any("[" in c and "]" not in c for c in row)
                    else "write student,problem,part,value")
            unread.append(Unread(line, shown, f"{len(row)} columns instead of 4 ({hint})", row[0].strip()[:100]))
            continue
        rows.append(Row(line, *(c.strip() for c in row)))
    if not header:
        raise SpecError(f"{path}", "empty file", "write the header student,problem,part,value and a row per answer")
    return ClassAnswers(tuple(rows), tuple(unread))


# what a student copies from a PDF or types for a minus: U+2212 (the sheets print it), the
# dashes, the small and full-width hyphen-minus
_MINUS = str.maketrans({c: "-" for c in "\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d"})
_SPACE = re.compile(r"[\s\u00a0\u2007\u2009\u200a\u202f]+|\\[,;:! ]")
_WRAPPED = re.compile(r"\$(.*)\$|\\\((.*)\\\)|\\(?:text|mathrm|textrm|mbox)\{(.*)\}", re.S)


def as_read(value: str) -> str:
    """A value as a student wrote it, read: the minus signs and dashes the sheets print or a
    keyboard gives (−0.5, –0.5), thin and non-breaking spaces (1 234, 0.5 ), TeX as the
    solutions show it ($-0.5$, \\text{yes}, \\,) and a decimal comma (0,0331)."""
    value = value.strip().translate(_MINUS)
    while (m := _WRAPPED.fullmatch(value.strip())) is not None:
        value = next(g for g in m.groups() if g is not None)
    value = _SPACE.sub("", value)
    return value.replace(",", ".") if _DECIMAL_COMMA.fullmatch(value) else value



# the text answers a student may write for the kinds' yes/no and forward/reverse parts
TEXT_SYNONYMS = {"yes": "yes", "y": "yes", "true": "yes", "no": "no", "n": "no", "false": "no",
                 "forward": "forward", "forwards": "forward", "reverse": "reverse", "backward": "reverse",
                 "backwards": "reverse",
                 # as a German sheet asks (language = "de")
                 "ja": "yes", "j": "yes", "nein": "no", "vorwärts": "forward", "rückwärts": "reverse"}


def text_answer(value: str) -> str | None:
    """A text answer as the key writes it (yes, no, forward, reverse), or None."""
    return TEXT_SYNONYMS.get(as_read(value).lower())


def unreadable(value: str, numeric: bool) -> str:
    """Why ``value`` cannot be graded ("" if it can): not a number where the key holds one (a
    word for a yes/no part is read, and right or wrong)."""
    if not value.strip() or not numeric:
        return ""
    try:
        parse_number(as_read(value), "value")
    except SpecError:
        return f"{value[:40]!r} is not a number (write it as 0.25, -1.5, 3/4 or 1.2e-3)"
    return ""


def canonical_part(written: str, parts: tuple[str, ...]) -> str | None:
    """The key's part a student's part name means: as written, without spaces, or in another
    case (Z1[1] is z1[1]); None if none. An index is never shifted (0-based is not obvious)."""
    bare = "".join(written.split())
    if bare in parts:
        return bare
    folded = {p.lower(): p for p in parts}
    return folded.get(bare.lower())


@dataclass(frozen=True)
class Placed:
    """The class's answers matched to the key: (student, problem) → {key part: value}."""

    answers: dict[tuple[str, int], dict[str, str]]
    unread: tuple[Unread, ...]
    absent: tuple[str, ...]  # students of the key with no row at all


def place(key: Key, given: ClassAnswers) -> Placed:
    """Each row to its student, problem and part of the key; what does not match is unread."""
    sheets = {s.id: {v.problem: tuple(e.part for e in v.answers) for v in s.variants} for s in key.students}
    numeric = {(s.id, v.problem, e.part): not isinstance(e.value, str) for s in key.students for v in s.variants
               for e in v.answers}
    answers: dict[tuple[str, int], dict[str, str]] = {}
    first: dict[tuple[str, int, str], int] = {}
    unread = list(given.unread)
    for row in given.rows:
        def skip(why: str) -> None:
            unread.append(Unread(row.line, f"{row.student},{row.problem},{row.part},{row.value}", why, row.student))

        if row.student not in sheets:
            skip(f"student {row.student!r} is not in the key (use the ids of the roster the key was built for)")
            continue
        if not (row.problem.isascii() and row.problem.isdigit() and int(row.problem) in sheets[row.student]):
            numbers = sorted(sheets[row.student])
            skip(f"problem {row.problem!r} is not on {row.student}'s sheet (its problems: "
                 f"{', '.join(map(str, numbers))})")
            continue
        problem = int(row.problem)
        parts = sheets[row.student][problem]
        part = canonical_part(row.part, parts)
        if part is None:
            listed = ", ".join(parts[:6]) + (", …" if len(parts) > 6 else "")
            skip(f"problem {problem} has no part {row.part!r} (its parts: {listed})")
            continue
        if (row.student, problem, part) in first:
            skip(f"a second answer to {part} of problem {problem} (line {first[row.student, problem, part]} "
                 "has the first; keep one row per part)")
            continue
        first[row.student, problem, part] = row.line
        why = unreadable(row.value, numeric[row.student, problem, part])
        if why:  # never graded wrong in silence: the instructor reads it
            skip(f"{part} of problem {problem}: {why}")
            continue
        answers.setdefault((row.student, problem), {})[part] = row.value
    answered = {student for student, _ in answers}
    absent = tuple(s.id for s in key.students if s.id not in answered)
    return Placed(answers, tuple(sorted(unread, key=lambda u: u.line)), absent)


def grade(key: Key, placed: Placed) -> list[PartGrade]:
    points = {p.problem: Fraction(p.points) for p in key.problems}
    kinds = {p.problem: p.kind for p in key.problems}
    grades = []
    for s in key.students:
        for variant in s.variants:
            mine = placed.answers.get((s.id, variant.problem), {})
            checked = _followed(kinds[variant.problem], variant, mine, key.decimals,
                                f"students[{s.id}].variants[problem {variant.problem}]")
            grades += _grade_variant(s.id, variant, mine, shares(variant, points[variant.problem]), checked)
    return grades


def _followed(kind: str, variant: KeyVariant, mine: dict[str, str], decimals: int,
              where: str) -> dict[str, Followed]:
    """Per answered part, the verdict and diagnosis of the checker that follows the student's
    own earlier answers: derive's trace checker for the trace kinds, else the kind's own
    :class:`~generate.carry.Follow`; nothing for a kind whose parts do not depend on each other."""
    if kind in TRACE_KINDS:
        try:
            return {**_checked(variant, mine, decimals), **_judged_from_own_values(variant, mine)}
        except SpecError as error:  # the network's own arithmetic, past a limit: the key's field
            raise error.within(f"key.json {where}.network") from None
    follow = problems.get(kind).follow if kind in problems.NAMES else None
    if follow is None or not mine:
        return {}
    given = {e.part: carry.reading(text_answer(mine[e.part]) or as_read(mine[e.part]), e.part) for e in variant.answers
             if mine.get(e.part, "").strip()}
    given = {part: v for part, v in given.items() if carry.followable(v)}
    truth = {e.part: e.value for e in variant.answers}
    try:
        with np.errstate(all="ignore"):
            judged = carry.judge(follow, carry.Work(variant.data, variant.network, given, truth, decimals),
                                 {e.part: e.tolerance for e in variant.answers})
            return {part: (verdict, why, "") for part, (verdict, why) in judged.items()}
    except _FOLLOW_ERRORS:
        try:
            carry.probe(follow, carry.Work(variant.data, variant.network, {}, truth, decimals), tuple(truth))
        except _FOLLOW_ERRORS as error:
            # the key's data is what generate wrote; an edited one cannot be followed
            raise SpecError(f"key.json {where}.data", f"not the data generate wrote ({type(error).__name__})",
                            "give the key.json generate wrote, unedited") from None
        # the data is sound: the student's own values take their computation past the
        # arithmetic's limits (an answer of 10^999), so nothing follows from them and each is
        # judged against the key alone
        return {}


def shares(variant: KeyVariant, points: Fraction) -> dict[str, Fraction]:
    """Each part's points: as the key gives them (the printed question's points shared over the
    answers it asks); for a key without them, the problem's points shared equally."""
    if all(e.points is not None for e in variant.answers):
        return {e.part: e.points for e in variant.answers}  # type: ignore[misc]
    return {e.part: points / max(len(variant.answers), 1) for e in variant.answers}


def graded_points(key: Key, student: Any) -> Fraction:
    """What a student can earn from the key: the exam's points less those graded by hand."""
    points = {p.problem: Fraction(p.points) for p in key.problems}
    return sum((sum(shares(v, points[v.problem]).values(), Fraction(0)) for v in student.variants), Fraction(0))


def _grade_variant(student: str, variant: KeyVariant, mine: dict[str, str], share: dict[str, Fraction],
                   checked: dict[str, Followed]) -> list[PartGrade]:
    out = []
    for entry in variant.answers:
        part = entry.part
        if part not in mine or mine[part] == "":
            out.append(PartGrade(student, variant.problem, part, "", entry.value, MISSING, Fraction(0), "", share[part]))
            continue
        value = mine[part]
        followed, named, step = checked.get(part, NOT_FOLLOWED)
        if _right(value, entry):
            verdict, why, step = CORRECT, "", ""
        elif followed == CARRIED:
            verdict, why, step = CARRIED, "", ""
        else:
            verdict, why = WRONG, named
        out.append(PartGrade(student, variant.problem, part, value, entry.value, verdict,
                             share[part] if verdict in (CORRECT, CARRIED) else Fraction(0), why, share[part], step))
    return out


def _right(value: str, entry: Entry) -> bool:
    """Within the key's tolerance of its value, or of the exact value: a student who keeps
    every digit (a BCE cost of 0.376226548 beside the key's hand-rounded 0.3761 ± 0.0001) is
    closer to the truth than the tolerance asks."""
    if isinstance(entry.value, str):
        return text_answer(value) == entry.value
    try:
        number = parse_number(as_read(value), "value")
    except SpecError:
        return False
    allowed = float(entry.tolerance) * (1 + 1e-9) + 1e-12
    try:
        if abs(float(number) - float(entry.value)) <= allowed:
            return True
        return abs(float(number) - float(parse_number(entry.exact, "exact"))) <= allowed
    except (OverflowError, SpecError):  # 10^999 is no float, and no key value
        return False


# what following a student's answers can raise: from an edited key's data, or from answers that
# take the arithmetic past its limits (told apart by following the data alone)
_FOLLOW_ERRORS = (KeyError, TypeError, ValueError, IndexError, ZeroDivisionError, AttributeError, OverflowError,
                  SpecError)


# the kinds whose part names mean the variant network's own trace quantities (z1[1], W1_new[2,1]):
# the checker recomputes them from the student's answers. Dropout's output is the thinned
# network's and batching's parameters an epoch's, so those kinds are graded against the key only.
TRACE_KINDS = frozenset({"forward", "backprop", "update", "chain_rule", "perceptron"})


# the trace kinds' text parts that follow from the student's own values: the part, the values
# it reads, and the answer they give
OWN_TEXT = {"cost_fell": (("cost", "cost_new"), lambda v: "yes" if v["cost_new"] < v["cost"] else "no")}


def _judged_from_own_values(variant: KeyVariant, mine: dict[str, str]) -> dict[str, Followed]:
    """A yes/no part answered from the student's own numbers ("did the cost fall?" from their
    0.0294 and 0.0270): carried where those numbers give the student's answer and the key's
    differ, as a number computed from them would be."""
    out = {}
    for part, (reads, answer) in OWN_TEXT.items():
        if part not in mine or any(not mine.get(r, "").strip() for r in reads):
            continue
        try:
            values = {r: parse_number(as_read(mine[r]), r) for r in reads}
        except SpecError:
            continue
        own, key = answer(values), next(e.value for e in variant.answers if e.part == part)
        if own != key and text_answer(mine[part]) == own:
            out[part] = (CARRIED, "", "")
    return out


def _checked(variant: KeyVariant, mine: dict[str, str], decimals: int) -> dict[str, Followed]:
    """The checker's verdict and diagnosis per part, for the parts that are the network's
    quantities (an update's yes/no "did the cost fall" is not one, and does not stop the rest)."""
    if variant.network is None or not mine:
        return {}
    spec = variant.network
    parts = {e.part for e in variant.answers} & set(quantities.names(spec))
    values = {}
    for part, text in mine.items():
        if part in parts:
            try:
                values[part] = parse_number(as_read(text), part)
            except SpecError:
                continue
    if not values:
        return {}
    result = check(spec, derive_answers.Answers(values, 0), Tolerance(decimals=decimals))
    return {r.name: (r.verdict, r.diagnosis, r.formula) for r in result.rows}


def grades_csv(key: Key, grades: list[PartGrade]) -> str:
    problems = [p.problem for p in key.problems]
    earned: dict[tuple[str, int], Fraction] = Counter()
    for g in grades:
        earned[g.student, g.problem] += g.credit
    points, rows = class_report.points, []
    for s in key.students:
        row = [earned[s.id, p] for p in problems]
        # questions that ask for nothing in the key (write ŷ as a nested function) are the grader's
        rows.append([s.id, s.name, *(points(v) for v in row), points(sum(row)), points(graded_points(key, s)),
                     sum(v.by_hand for v in s.variants)])
    return csv_rows.table(["student", "name", *(f"problem {p}" for p in problems), "total", "max", "by hand"], rows)


def parts_csv(grades: list[PartGrade]) -> str:
    return csv_rows.table(["student", "problem", "part", "given", "key", "verdict", "points", "diagnosis", "step"],
                          ([g.student, g.problem, g.part, g.given, g.key, g.verdict, class_report.points(g.credit),
                            g.diagnosis, g.step] for g in grades))


def summary(key: Key, grades: list[PartGrade]) -> str:
    """One line per problem: how many got each part right (carried counted apart), and the
    mistake the class made most often."""
    lines = []
    for p in key.problems:
        mine = [g for g in grades if g.problem == p.problem]
        parts = list(dict.fromkeys(g.part for g in mine))
        cells = []
        for part in parts:
            these = [g for g in mine if g.part == part]
            right = sum(g.verdict == CORRECT for g in these)
            carried = sum(g.verdict == CARRIED for g in these)
            # chain_rule asks each student about another weight: count those who were asked
            cells.append(f"{part} {right}/{len(these)}" + (f" (+{carried} carried)" if carried else ""))
        # students, not answers: one student's nine slips of one kind are one student's mistake;
        # the same mistake on δ^(1)_1 and δ^(2)_2 is one mistake (class_report.mistake_of)
        students: dict[str, set[str]] = {}
        for g in mine:
            if g.verdict == WRONG and g.diagnosis:
                students.setdefault(class_report.mistake_of(g.diagnosis), set()).add(g.student)
        common = ""
        if students:
            top = min(students, key=lambda m: (-len(students[m]), m))
            n = len(students[top])
            common = f"; most common mistake: {top} ({n} student{'s' if n > 1 else ''})"
        lines.append(f"problem {p.problem} ({p.kind}): " + ", ".join(cells) + common)
    return "\n".join(lines) + "\n"


def class_line(r: class_report.ClassReport) -> str:
    """The class in one line: who handed in, the mean and median of the points graded."""
    d = r.distribution
    share = (lambda v: f" ({float(v / d.maximum) * 100:.0f} %)") if d.maximum else (lambda v: "")
    return (f"class: {d.students} of {r.enrolled} handed in; mean {class_report.points(d.mean)}{share(d.mean)}, "
            f"median {class_report.points(d.median)} of {class_report.points(d.maximum)}\n")


GRADED_KEY = "graded-key.sha256"


def grading_folder(key_path: Path) -> Path:
    """Where a class's grades go by default: beside the build folder, not in it, so that
    rebuilding the exam (``--force`` replaces the build folder) cannot erase them:
    output/quiz/key.json → output/quiz-grading/."""
    build = key_path.resolve().parent
    return build.with_name(f"{build.name}-grading")


def key_digest(key_path: Path) -> str:
    return hashlib.sha256(key_path.read_bytes()).hexdigest()


def stale_grades(build: Path) -> Path | None:
    """The grading folder of ``build`` if its grades were made against another key than the
    one ``build`` now holds (a rebuild changed the exam after it was graded)."""
    folder = grading_folder(build / "key.json")
    mark = folder / GRADED_KEY
    if not mark.is_file() or not (build / "key.json").is_file():
        return None
    return None if mark.read_text(encoding="utf-8").strip() == key_digest(build / "key.json") else folder


def unread_csv(unread: tuple[Unread, ...]) -> str:
    return csv_rows.table(["line", "row", "why"], ([u.line, u.text, u.why] for u in unread))


def report(key: Key, grades: list[PartGrade], placed: Placed) -> class_report.ClassReport:
    """The class report's figures (generate/class_report.py) of these grades."""
    unread = Counter(u.student for u in placed.unread if u.student)
    return class_report.build(key, grades, placed.absent, dict(unread),
                              {s.id: graded_points(key, s) for s in key.students})


def files(key: Key, grades: list[PartGrade], placed: Placed, r: class_report.ClassReport) -> dict[str, str]:
    """Every table the grading writes, by file name."""
    return {"grades.csv": grades_csv(key, grades), "parts.csv": parts_csv(grades), "unread.csv": unread_csv(placed.unread),
            "report-scores.csv": class_report.distribution_csv(r), "report-problems.csv": class_report.problems_csv(r),
            "report-parts.csv": class_report.parts_csv(r), "report-mistakes.csv": class_report.mistakes_csv(r),
            "report-students.csv": class_report.students_csv(r), "report.tex": report_pdf.tex(r)}


def write(out: Path, contents: dict[str, str | bytes], force: bool, digest: str = "") -> list[Path]:
    """``contents`` (file name → text or bytes) into ``out``, all or none; never over a file
    without ``force``. ``digest`` (the key's SHA-256) is kept in graded-key.sha256, so that a
    rebuild that changes the key can say the grades are stale."""
    targets: dict[Path, str | bytes] = {out / name: text for name, text in contents.items()}
    if digest:
        targets[out / GRADED_KEY] = digest + "\n"
    for parent in (out, *out.parents):
        if parent.exists() and not parent.is_dir():
            raise SpecError(str(out), f"{parent} is a file, not a folder", "give a folder as --out")
    for path in targets:
        if path.exists() and not path.is_file():
            raise SpecError(str(path), "is not a file", "remove it, or choose another --out")
        if path.exists() and not force:
            raise SpecError(str(path), "already exists", "pass --force to replace it, or choose another --out")
    temporary = {path: path.with_name(f".{path.name}.tmp") for path in targets}
    try:
        out.mkdir(parents=True, exist_ok=True)
        for path, content in targets.items():
            if isinstance(content, bytes):
                temporary[path].write_bytes(content)
            else:
                temporary[path].write_text(content, encoding="utf-8")
        for path, tmp in temporary.items():
            os.replace(tmp, path)
    except OSError as error:
        raise SpecError(str(out), f"cannot write: {error.strerror or error}",
                        "choose an --out in a folder you can write to") from None
    finally:
        for tmp in temporary.values():
            tmp.unlink(missing_ok=True)
    return list(targets)
