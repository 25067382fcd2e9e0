"""The CSV files people write by hand (rosters, answers), read with the line each row starts
on, so an error names the line a person sees in their editor; and the CSV files we write,
safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from typing import Any, Iterable, Iterator

from gradsheet.derive.errors import SpecError


def rows(text: str, where: str, fix: str, separator: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(first line of the row, its cells) for every row; a malformed row is a
    :class:`SpecError` naming its line, with ``fix``."""
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    end = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise SpecError(f"{where} line {end + 1}", f"malformed CSV ({error})", fix) from None
        yield end + 1, row
        end = reader.line_num


def printable_cells(row: list[str]) -> bool:
    """No line break or control character in any cell: most often one is a quote left open,
    which swallows the lines after it into one cell."""
    return not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for cell in row for c in cell)


UNCLOSED = "close the quote (\"…\") the row opens, or remove the character"


# a cell a spreadsheet would run as a formula (=, +, −, @ and their full-width forms; a tab or
# line break before one), unless it is a plain number such as -0.25, -9/2 or 1e-3
_FORMULA_START = tuple("=+-@\t\r\n＝＋－＠")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?:/\d+)?")


def neutral(cell: Any) -> Any:
    """A cell as a spreadsheet shows it but never evaluates: text that would start a formula
    gets a leading apostrophe, as OWASP's CSV-injection advice and spreadsheet-safe exporters
    do. A roster id ``=cmd|' /C calc'!A0`` is written ``'=cmd|' /C calc'!A0``."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def table(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    """A CSV file's text: ``header`` and ``rows``, every cell :func:`neutral`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([neutral(cell) for cell in row] for row in rows)
    return out.getvalue()
