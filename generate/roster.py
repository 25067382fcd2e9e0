"""The roster: a CSV with a header ``id,name`` (more columns are ignored), one student a row."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from derive.errors import SpecError


@dataclass(frozen=True)
class Student:
    id: str
    name: str


SAMPLE = (Student("sample", ""),)


def load(path: Path) -> tuple[Student, ...]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SpecError(f"roster {path}", "no such file", "check the path (relative to the exam spec)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(f"roster {path}", f"cannot read: {error}", "give a UTF-8 CSV file with columns id,name") from None
    return parse(text, str(path))


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
        if sid in seen:
            raise SpecError(f"{where} line {number}", f"duplicate id {sid!r}", "give every student a distinct id")
        seen.add(sid)
        students.append(Student(sid, name))
    if not students:
        raise SpecError(where, "no students", "add a line id,name per student")
    return tuple(students)
