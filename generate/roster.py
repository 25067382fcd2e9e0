"""The roster: a CSV with a header ``id,name`` (more columns are ignored), one student a row."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gradsheet.derive.errors import SpecError
from gradsheet.derive.network import read_text

from . import csv_rows, text


@dataclass(frozen=True)
class Student:
    id: str
    name: str


SAMPLE = (Student("sample", ""),)


def drawn(n: int) -> tuple[Student, ...]:
    """``--variants N`` without a roster: N variants per problem, for a question bank (v001, …)."""
    if not 1 <= n <= MAX_STUDENTS:
        raise SpecError("--variants", f"must be from 1 to {MAX_STUDENTS:,}", "give e.g. --variants 50")
    width = len(str(n))
    return tuple(Student(f"v{i:0{width}d}", "") for i in range(1, n + 1))


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
    return parse(text, str(path))


def parse(text: str, where: str = "roster") -> tuple[Student, ...]:
    fix = "write one student a line: id,name"
    students: list[Student] = []
    seen: set[str] = set()
    for line, row in csv_rows.rows(text, where, fix):
        if line == 1:
            if [c.strip().lower() for c in row[:2]] != ["id", "name"]:
                raise SpecError(f"{where} line 1", "the header must start with id,name", "make the first line: id,name")
            continue
        _add(students, seen, row, f"{where} line {line}")
    if not students:
        raise SpecError(where, "no students" if seen or text.strip() else "empty file",
                        "add a line id,name per student" if text.strip() else "make the first line: id,name")
    return tuple(students)


def _add(students: list[Student], seen: set[str], row: list[str], where: str) -> None:
    if not any(cell.strip() for cell in row):
        return
    if len(row) < 2:
        raise SpecError(where, f"expected id,name, found {','.join(row)!r}", "add the name column")
    sid, name = row[0].strip(), row[1].strip()
    if not csv_rows.printable_cells([sid, name]):
        raise SpecError(where, "a line break or control character inside an id or name", csv_rows.UNCLOSED)
    if not sid:
        raise SpecError(where, "empty id", "give every student an id")
    sid, name = text.checked(sid, f"{where} id", ID_CHARS), text.checked(name, f"{where} name", NAME_CHARS)
    if len(students) >= MAX_STUDENTS:
        raise SpecError(where, f"more than {MAX_STUDENTS:,} students", "split the roster into several exams")
    if sid in seen:
        raise SpecError(where, f"duplicate id {sid!r}", "give every student a distinct id")
    seen.add(sid)
    students.append(Student(sid, name))
