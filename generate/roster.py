"""The roster: a CSV, one student a row, with a header that names its columns.

``id,name`` is the plain form; an LMS's export is read as it comes: separated by commas,
semicolons or tabs, its columns in any order and named as Moodle, Canvas, ILIAS or a
spreadsheet names them ("ID number", "First name", "Last name", "Email address", …). Where a
roster names them otherwise, ``--roster-columns id=Matrikelnummer,name=Name`` (or
``first=…,last=…``) says which is which. Other columns are ignored."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gradsheet.derive.errors import SpecError
from gradsheet.derive.engine.network import read_text

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


# what the LMSs and spreadsheets call a roster's columns, compared without case, spaces or
# punctuation; the first that a header has is taken
ROLES: dict[str, tuple[str, ...]] = {
    "id": ("id", "idnumber", "studentid", "studentnumber", "matriculationnumber", "matrikelnummer", "matrnr",
           "sisuserid", "sisloginid", "userid", "username", "login", "emailaddress", "email", "mail"),
    "name": ("name", "fullname", "studentname", "student", "displayname"),
    "first": ("firstname", "givenname", "forename", "vorname"),
    "last": ("lastname", "surname", "familyname", "nachname"),
}
SEPARATORS = ",;\t"


def _key(header: str) -> str:
    return "".join(c for c in header.lower() if c.isalnum())


def columns_option(text: str) -> dict[str, str]:
    """``--roster-columns id=Matrikelnummer,name=Name`` as {role: column header}."""
    out: dict[str, str] = {}
    for item in filter(None, (i.strip() for i in text.split(","))):
        role, sep, column = item.partition("=")
        role = role.strip().lower()
        if not sep or role not in ROLES or not column.strip():
            raise SpecError("--roster-columns", f"{item[:40]!r} is not role=column",
                            f"give e.g. id=Matrikelnummer,name=Name (roles: {', '.join(ROLES)})")
        out[role] = column.strip()
    if not out:
        raise SpecError("--roster-columns", "empty", "give e.g. id=Matrikelnummer,name=Name")
    return out


def load(path: Path, columns: dict[str, str] | None = None) -> tuple[Student, ...]:
    """The roster file: a regular UTF-8 file of at most 5 MB (a FIFO or /dev/zero is refused)."""
    try:
        text = read_text(path, "check the path (relative to the exam spec)", "a CSV file with columns id,name")
    except SpecError as error:
        raise SpecError(f"roster {path}", error.problem, error.fix) from None
    return parse(text, str(path), columns)


def separator(text: str) -> str:
    """The header line's separator: the one of , ; tab it has most of (a comma by default)."""
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda sep: (counts[sep], sep == ","))
    return best if counts[best] else ","


def roles(header: list[str], columns: dict[str, str] | None, where: str) -> dict[str, int]:
    """Which column holds each role: as ``columns`` names them, else by the names LMSs use."""
    keys = [_key(h) for h in header]
    found: dict[str, int] = {}
    if columns:
        for role, column in columns.items():
            if _key(column) not in keys:
                raise SpecError(f"{where} line 1", f"no column {column[:40]!r} (--roster-columns {role}=…)",
                                f"name one of: {', '.join(h.strip() for h in header)[:200]}")
            found[role] = keys.index(_key(column))
    for role, names in ROLES.items():
        if role not in found:
            index = next((keys.index(n) for n in names if n in keys), None)
            if index is not None and index not in found.values():
                found[role] = index
    if "id" not in found:
        raise SpecError(f"{where} line 1", "no id column in the header "
                        f"({', '.join(h.strip() for h in header)[:120] or 'empty'})",
                        "make the first line id,name, or say which column is which: --roster-columns id=…,name=…")
    return found


def parse(text: str, where: str = "roster", columns: dict[str, str] | None = None) -> tuple[Student, ...]:
    fix = "write one student a line: id,name"
    students: list[Student] = []
    seen: set[str] = set()
    found: dict[str, int] = {}
    text = text.lstrip("\ufeff")  # a spreadsheet's byte-order mark is no part of the first column's name
    for line, row in csv_rows.rows(text, where, fix, separator(text)):
        if line == 1:
            found = roles(row, columns, where)
            continue
        _add(students, seen, row, found, f"{where} line {line}")
    if not students:
        raise SpecError(where, "no students" if seen or text.strip() else "empty file",
                        "add a line id,name per student" if text.strip() else "make the first line: id,name")
    return tuple(students)


def name_of(row: list[str], roles: dict[str, int]) -> str:
    """A row's name: its name column, or its first and last names."""
    cell = (lambda role: row[roles[role]].strip() if role in roles and roles[role] < len(row) else "")
    return cell("name") or " ".join(part for part in (cell("first"), cell("last")) if part)


def _add(students: list[Student], seen: set[str], row: list[str], roles: dict[str, int], where: str) -> None:
    if not any(cell.strip() for cell in row):
        return
    if roles["id"] >= len(row):
        raise SpecError(where, f"no id in {','.join(row)[:60]!r}", "give every student a line with an id")
    sid, name = row[roles["id"]].strip(), name_of(row, roles)
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
