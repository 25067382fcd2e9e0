"""An online quiz's answers, read back to be graded with carried credit (``--grade KEY --answers``).

No LMS gives carried-forward credit on Cloze or QTI answers; gradsheet does, from what the LMS
recorded of the quiz its ``moodle.xml`` or ``qti.zip`` became:

* **Moodle's Responses report** (*Quiz → Results → Responses*, downloaded as CSV with
  *Response* and *Right answer* ticked under *Include*). A row is one attempt: the user's
  identity columns, ``State``, then ``Response N`` and ``Right answer N`` for each slot N. A
  Cloze slot is written as Moodle's ``qtype_multianswer`` summarises it: ``part 1: 0,25; part
  2: yes`` (its ``subqresponse`` string, ``part {i}: {response}``, joined by ``; ``), one part
  per field in the question's order; an unanswered field is empty, a slot never reached ``-``.
  The slot's variant is the key variant whose values its right answer lists (a quiz draws a
  random question per category, so the report does not say which student's sheet it was).
* **QTI 2.1 results**: ``assessmentResult`` documents (IMS QTI Results Reporting), one file per
  candidate, given as a file, a folder or a zip of them. The candidate is the ``context``'s
  ``sourcedId`` (else its session identifier, else the file's name), an ``itemResult``'s
  identifier names the variant's item as ``qti.zip`` does, and its response ``R<k>`` is the
  variant's k-th key entry.

Either becomes the answers ``--grade`` reads (student, problem, part, value) and the key cut
per participant (each with the variants the LMS gave them), so that the marking, the carried
credit and the class report are those of a paper exam. Numbers are read as Moodle reads them
(a decimal comma, ``1e-3``, ``2×10^-3``, ``1,234.5``) and beyond: the sign − and fractions
(``81/2``), which Moodle's own grading does not read, are read as the student meant them.
What cannot be placed goes to ``unread.csv``, named; ``gradebook.csv`` holds the points in the
form Moodle's CSV grade import takes (an identity column, a column per grade item).
"""

from __future__ import annotations

import io
import re
import stat
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Iterator

from gradsheet.derive.errors import SpecError
from gradsheet.derive.engine.network import read_text
from gradsheet.derive.limits import CLASS_FILE_BYTES

from .. import csv_rows, roster
from ..key import Key, KeyStudent, KeyVariant
from ..lms.qti import item_identifiers
from .grade import ClassAnswers, PartGrade, Row, Unread, text_answer
from .class_report import points

ANSWERS_HEADER = ["student", "problem", "part", "value"]
MAX_RESULT_FILES = 20_000  # a class's candidates, several files each
_SLOT = re.compile(r"(response|right answer) (\d{1,4})", re.I)
_RESPONSE = re.compile(r"R(\d{1,4})")
_NOT_ANSWERED = ("", "-")  # Moodle's cell for a slot without a response


@dataclass(frozen=True)
class Online:
    """A quiz's answers as ``--grade`` reads them, and the key as the LMS dealt it."""

    key: Key  # one student per participant, holding the variants they answered
    answers: ClassAnswers
    identity: str  # the column that names a participant (the gradebook's identifier)


def read(path: Path, key: Key, columns: dict[str, str] | None = None) -> Online | None:
    """The answers at ``path`` if they are an online quiz's (Moodle's Responses report, QTI
    results); None for gradsheet's own answers CSV (student,problem,part,value)."""
    if path.is_dir() or path.suffix.lower() in (".zip", ".xml"):
        return qti_results(path, key)
    text = read_text(path, "check the path", "a CSV file: student,problem,part,value or Moodle's Responses report",
                     CLASS_FILE_BYTES).lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    if [c.strip().lower() for c in first.split(",")] == ANSWERS_HEADER:
        return None
    return moodle_responses(text, str(path), key, columns)


# ---- numbers as Moodle reads them (qtype_numerical_answer_processor::apply_units), and more

_EXPONENT = re.compile(r"(?:e|E|(?:x|\*|×)10(?:\^|\*\*))([+-]?\d+)")


def typed(value: str) -> str:
    """A number as a student typed it into Moodle, as Moodle reads it: spaces dropped, 2×10^-3
    as 2e-3, a comma the decimal point unless a point is there too (1,234.5) or it repeats
    (1,234,567). Anything else (the sign −, 81/2) is left for the grader's reading."""
    text = _EXPONENT.sub(r"e\1", value.strip().replace(" ", ""))
    if "." in text or text.count(",") > 1:
        return text.replace(",", "")
    return text.replace(",", ".")


def _number(value: str) -> float | None:
    try:
        return float(typed(value))
    except ValueError:
        return None


def _signature(values: list[str | float]) -> tuple:
    """Values compared as the key's and Moodle's right answers agree: numbers to 9 digits
    (Moodle stores an answer as a float: 0.5646 comes back 0.5646, 1e-05 as 1.0E-5)."""
    return tuple(f"{v:.9g}" if isinstance(v, float) else v for v in values)


def _variants(key: Key) -> dict[tuple, list[tuple[int, KeyVariant]]]:
    """Every variant of the key by the signature of its values, in the key's order."""
    index: dict[tuple, list[tuple[int, KeyVariant]]] = {}
    for s in key.students:
        for v in s.variants:
            values = [e.value if isinstance(e.value, str) else float(e.value) for e in v.answers]
            index.setdefault(_signature(values), []).append((v.problem, v))
    return index


def _right_signature(parts: list[str]) -> tuple | None:
    values: list[str | float] = []
    for part in parts:
        word = text_answer(part)
        number = _number(part) if word is None else None
        if word is None and number is None:
            return None
        values.append(word if word is not None else number)  # type: ignore[arg-type]
    return _signature(values)


def parts_of(summary: str) -> list[str] | None:
    """The fields of a Cloze response as Moodle summarises it, ``part 1: 0,25; part 2: yes``
    → ["0,25", "yes"]; None for a slot without one (``-``) or a summary of another form. The
    label ("part", or the site language's word) is the first field's; a field's own text may
    hold "; " as long as it is not followed by the next field's label and number."""
    if summary.strip() in _NOT_ANSWERED:
        return None
    m = re.match(r"([^\d:;]{1,40}?) 1: ?", summary)
    if m is None:
        return None
    label = re.escape(m.group(1))
    values, start, k = [], m.end(), 1
    for nxt in re.finditer(rf"; {label} (\d{{1,6}}): ?", summary[m.end():]):
        if int(nxt.group(1)) != k + 1:
            continue  # a field's own text, not the next field
        values.append(summary[start:m.end() + nxt.start()].strip())
        start, k = m.end() + nxt.end(), k + 1
    values.append(summary[start:].strip())
    return values


# ---- Moodle's Responses report


@dataclass
class _Attempt:
    line: int
    participant: str
    name: str
    cells: list[str]


def moodle_responses(text: str, where: str, key: Key, columns: dict[str, str] | None = None) -> Online:
    """The report's last finished attempt of each participant, every slot placed on its variant."""
    fix = "download the quiz's Responses report as CSV (Quiz → Results → Responses)"
    rows = list(csv_rows.rows(text, where, fix, roster.separator(text)))
    if not rows:
        raise SpecError(where, "empty file", "give the answers CSV (student,problem,part,value) or " + fix)
    header = [c.strip() for c in rows[0][1]]
    slots: dict[int, dict[str, int]] = {}
    for i, cell in enumerate(header):
        m = _SLOT.fullmatch(cell)
        if m:
            slots.setdefault(int(m.group(2)), {})[m.group(1).lower()] = i
    if not any("response" in s for s in slots.values()):
        raise SpecError(f"{where} line 1", "the header must be student,problem,part,value, or Moodle's Responses "
                        "report's (Response 1, Right answer 1, …)", "write that header line first, or " + fix)
    missing = sorted(n for n, s in slots.items() if "right answer" not in s)
    if missing:
        raise SpecError(f"{where} line 1", f"no column Right answer {missing[0]}: the right answers say which "
                        "variant each student was dealt", "download the report again with Right answer ticked under "
                        "Include")
    found = roster.roles(header, columns, where)
    state = next((i for i, h in enumerate(header) if h.lower() == "state"), None)
    unread: list[Unread] = []
    attempts: dict[str, _Attempt] = {}
    for line, row in rows[1:]:
        if not any(c.strip() for c in row):
            continue
        shown = ",".join(row)[:80]
        pid = row[found["id"]].strip() if found["id"] < len(row) else ""
        if not pid:
            unread.append(Unread(line, shown, f"no {header[found['id']]} in this row: whose attempt it is is unknown"))
            continue
        if not csv_rows.printable_cells([pid]):
            unread.append(Unread(line, shown, "a line break or control character in the participant's id", pid[:100]))
            continue
        if state is not None and state < len(row) and row[state].strip().lower() not in ("finished", ""):
            unread.append(Unread(line, shown, f"{pid}'s attempt is {row[state].strip()[:40]!r}, not finished: not "
                                              "graded", pid[:100]))
            continue
        if pid in attempts:
            earlier = attempts[pid]
            unread.append(Unread(earlier.line, ",".join(earlier.cells)[:80], f"an earlier attempt of {pid}: the last "
                                 f"one in the report (line {line}) is graded", pid[:100]))
        attempts[pid] = _Attempt(line, pid, roster.name_of(row, found), row)
        if len(attempts) > roster.MAX_STUDENTS:
            raise SpecError(f"{where} line {line}", f"more than {roster.MAX_STUDENTS:,} participants",
                            "grade the class in parts")
    index = _variants(key)
    answers: list[Row] = []
    dealt: dict[str, dict[int, KeyVariant]] = {}
    for a in attempts.values():
        mine = dealt.setdefault(a.participant, {})
        cell = (lambda i: a.cells[i] if i < len(a.cells) else "")  # noqa: E731 (a row may be short)
        for n in sorted(slots):
            right = parts_of(cell(slots[n]["right answer"]))
            given = parts_of(cell(slots[n]["response"])) if "response" in slots[n] else None
            if right is None:
                continue  # a slot the attempt never reached
            place = f"{a.participant}, slot {n}"
            matches = index.get(_right_signature(right) or (), [])
            if not matches:
                unread.append(Unread(a.line, f"Right answer {n}: {cell(slots[n]['right answer'])[:60]}",
                                     f"{place}: its right answers are no variant's of the key (is the quiz the "
                                     "moodle.xml of this key.json?)", a.participant[:100]))
                continue
            problem, variant = matches[0]
            if problem in mine:
                unread.append(Unread(a.line, f"Response {n}", f"{place}: a second slot of problem {problem}",
                                     a.participant[:100]))
                continue
            mine[problem] = variant
            if given is None:
                continue
            if len(given) != len(variant.answers):
                unread.append(Unread(a.line, f"Response {n}: {cell(slots[n]['response'])[:60]}",
                                     f"{place}: {len(given)} fields where problem {problem} has "
                                     f"{len(variant.answers)}", a.participant[:100]))
                continue
            for entry, value in zip(variant.answers, given):
                if value.strip():
                    shown_value = value if isinstance(entry.value, str) else typed(value)
                    answers.append(Row(a.line, a.participant, str(problem), entry.part, shown_value))
    names = {a.participant: a.name for a in attempts.values()}
    return Online(_dealt(key, dealt, names), ClassAnswers(tuple(answers), tuple(unread)),
                  header[found["id"]])


def _dealt(key: Key, dealt: dict[str, dict[int, KeyVariant]], names: dict[str, str]) -> Key:
    """The key with one student per participant, holding the variants they were dealt."""
    return replace(key, students=tuple(
        KeyStudent(pid, names.get(pid, ""), tuple(variants[p] for p in sorted(variants)))
        for pid, variants in dealt.items()))


# ---- QTI 2.1 results


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _documents(path: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every results document: the file, a folder's .xml files, a zip's; at
    most the class limit of bytes in all."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.xml") if p.is_file())
        members = [(p.relative_to(path).as_posix(), lambda left, p=p: _bytes(p)) for p in files]
        unpacked = ""
    elif path.suffix.lower() == ".zip":
        try:
            archive = zipfile.ZipFile(io.BytesIO(_bytes(path)))
        except zipfile.BadZipFile:
            raise SpecError(str(path), "not a zip file", "give the results as a zip, a folder or an .xml file") from None

        def unzip(left: int, name: str) -> bytes:
            with archive.open(name) as handle:  # read with a limit: a zip's sizes can lie
                return handle.read(left + 1)

        members = [(n, lambda left, n=n: unzip(left, n)) for n in sorted(archive.namelist())
                   if n.lower().endswith(".xml") and not n.endswith("/")]
        unpacked = " unpacked"
    else:
        yield path.name, _bytes(path)
        return
    if len(members) > MAX_RESULT_FILES:
        raise SpecError(str(path), f"more than {MAX_RESULT_FILES:,} results files", "grade the class in parts")
    total = 0
    for name, read in members:
        data = read(CLASS_FILE_BYTES - total)
        total += len(data)
        if total > CLASS_FILE_BYTES:
            raise SpecError(str(path), f"more than {CLASS_FILE_BYTES:,} bytes of results{unpacked}",
                            "grade the class in parts")
        yield name, data


def _bytes(path: Path) -> bytes:
    """A regular file of at most the class limit, as bytes (XML says its own encoding)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SpecError(str(path), "not a regular file", "give the results as a zip, a folder or .xml files")
        if info.st_size > CLASS_FILE_BYTES:
            raise SpecError(str(path), f"larger than {CLASS_FILE_BYTES:,} bytes", "grade the class in parts")
        with path.open("rb") as handle:
            data = handle.read(CLASS_FILE_BYTES + 1)
    except FileNotFoundError:
        raise SpecError(str(path), "no such file", "check the path") from None
    except OSError as error:
        raise SpecError(str(path), f"cannot read: {error.strerror or error}", "give a readable file") from None
    if len(data) > CLASS_FILE_BYTES:
        raise SpecError(str(path), f"larger than {CLASS_FILE_BYTES:,} bytes", "grade the class in parts")
    return data


def qti_results(path: Path, key: Key) -> Online:
    """Every candidate's item results placed on the variants the items are."""
    items = {ident: place for place, ident in item_identifiers(
        key.exam, (p.problem for p in key.problems), (s.id for s in key.students)).items()}
    variants = {(v.problem, s.id): v for s in key.students for v in s.variants}
    unread: list[Unread] = []
    answers: list[Row] = []
    dealt: dict[str, dict[int, KeyVariant]] = {}
    documents = 0
    for number, (name, data) in enumerate(_documents(path), start=1):
        documents += 1

        def skip(text: str, why: str, who: str = "") -> None:
            unread.append(Unread(number, f"{name}{': ' + text if text else ''}", why, who, f"file {name}"))

        try:
            root = ET.fromstring(data)
        except ET.ParseError as error:
            skip("", f"not XML ({error})")
            continue
        if _local(root.tag) != "assessmentResult":
            skip("", f"a <{_local(root.tag)[:40]}>, not an assessmentResult")
            continue
        context = next((c for c in root if _local(c.tag) == "context"), None)
        session = next((c for c in context if _local(c.tag) == "sessionIdentifier"), None) if context is not None else None
        candidate = ((context.get("sourcedId") if context is not None else None)
                     or (session.get("identifier") if session is not None else None) or Path(name).stem).strip()[:100]
        mine = dealt.setdefault(candidate, {})
        if len(dealt) > roster.MAX_STUDENTS:
            raise SpecError(str(path), f"more than {roster.MAX_STUDENTS:,} candidates", "grade the class in parts")
        for result in (c for c in root if _local(c.tag) == "itemResult"):
            ident = result.get("identifier", "")
            if ident not in items:
                skip(ident[:60], f"{candidate}: item {ident[:60]!r} is no variant of the key (is the test this "
                                 "key.json's qti.zip?)", candidate)
                continue
            problem, owner = items[ident]
            variant = variants[problem, owner]
            if problem in mine and mine[problem] is not variant:
                skip(ident, f"{candidate}: a second variant of problem {problem}", candidate)
                continue
            mine[problem] = variant
            for response in (c for c in result if _local(c.tag) == "responseVariable"):
                m = _RESPONSE.fullmatch(response.get("identifier", ""))
                if m is None:
                    continue  # the engine's own (duration, numAttempts)
                k = int(m.group(1))
                if not 1 <= k <= len(variant.answers):
                    skip(f"{ident} {m.group(0)}", f"{candidate}: problem {problem} has no response {m.group(0)}",
                         candidate)
                    continue
                given = next((c for c in response if _local(c.tag) == "candidateResponse"), None)
                value = next((c.text or "" for c in given if _local(c.tag) == "value"), "") if given is not None else ""
                if value.strip():
                    answers.append(Row(number, candidate, str(problem), variant.answers[k - 1].part, value.strip()))
    if not documents:
        raise SpecError(str(path), "no .xml results in it", "give the assessmentResult files the LMS exported")
    return Online(_dealt(key, {c: v for c, v in dealt.items() if v}, {}),
                  ClassAnswers(tuple(answers), tuple(unread)), "candidate")


# ---- back into the gradebook


def gradebook(key: Key, grades: list[PartGrade], identity: str) -> str:
    """``gradebook.csv`` for Moodle's CSV grade import (*Grades → Import → CSV file*): the
    participant's identity, the exam's total and each problem's points; map the first column
    to the user field it holds and the others to grade items."""
    earned: Counter[tuple[str, int]] = Counter()
    for g in grades:
        earned[g.student, g.problem] += g.credit
    problems = [p.problem for p in key.problems]
    rows = []
    for s in key.students:
        row = [earned[s.id, p] if any(v.problem == p for v in s.variants) else None for p in problems]
        rows.append([s.id, points(sum((v for v in row if v is not None), Fraction(0))),
                     *("" if v is None else points(v) for v in row)])
    title = key.title or key.exam
    return csv_rows.table([identity, title, *(f"{title}: problem {p}" for p in problems)], rows)
