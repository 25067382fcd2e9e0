"""The roster: a CSV with a header ``id,name`` (more columns are ignored), one student a row."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from derive.errors import SpecError
from derive.network import read_text


@dataclass(frozen=True)
class Student:
    id: str
    name: str


SAMPLE = (Student("sample", ""),)


# a student id names a PDF (sheets/<id>.pdf): short enough for any file system
ID_CHARS = 64
NAME_CHARS = 200
MAX_STUDENTS = 5_000


def load(path: Path) -> tuple[Student, ...]:
    """The roster file: a regular UTF-8 file of at most 5 MB (a FIFO or /dev/zero is refused)."""
    try:
        text = read_text(path, "check the path (relative to the exam spec)", "a CSV file with columns id,name")
    except SpecError as error:
        raise SpecError(f"roster {path}", error.problem, error.fix) from None
    return parse(text.removeprefix("\ufeff"), str(path))


def parse(text: str, where: str = "roster") -> tuple[Student, ...]:
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise SpecError(where, f"malformed CSV: {error}", "write one student a line: id,name") from None
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["id", "name"]:
        raise SpecError(f"{where} line 1", "the header must start with id,name", "make the first line: id,name")
    students, seen = [], set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2:
            raise SpecError(f"{where} line {number}", f"expected id,name, found {','.join(row)!r}", "add the name column")
        sid, name = row[0].strip(), row[1].strip()
        if not sid:
            raise SpecError(f"{where} line {number}", "empty id", "give every student an id")
        if len(sid) > ID_CHARS or len(name) > NAME_CHARS:
            raise SpecError(f"{where} line {number}", f"an id of {len(sid)} or a name of {len(name)} characters",
                            f"ids are limited to {ID_CHARS} characters, names to {NAME_CHARS}")
        if len(students) >= MAX_STUDENTS:
            raise SpecError(f"{where} line {number}", f"more than {MAX_STUDENTS:,} students",
                            "split the roster into several exams")
        if sid in seen:
            raise SpecError(f"{where} line {number}", f"duplicate id {sid!r}", "give every student a distinct id")
        seen.add(sid)
        students.append(Student(sid, name))
    if not students:
        raise SpecError(where, "no students", "add a line id,name per student")
    return tuple(students)
