"""Reading the CSV files people write by hand (rosters, answers): each row with the line it
starts on, so an error names the line a person sees in their editor."""

from __future__ import annotations

import csv
import io
import unicodedata
from typing import Iterator

from gradsheet.derive.errors import SpecError


def rows(text: str, where: str, fix: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the row, its cells) for every row; a malformed row is a
    :class:`SpecError` naming its line, with ``fix``."""
    reader = csv.reader(io.StringIO(text))
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
