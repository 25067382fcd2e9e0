"""A check of a student's answers as a table (text) or as JSON (``derive --check``).

JSON: ``{"format": "gradsheet-check/1", "spec": name, "mode": "exact"|"float",
"tolerance": text, "summary": {"correct": n, "carried": n, "wrong": n}, "rows": [{"name":
"grad_W1[2,2]", "label": "∂C/∂w^(1)_22", "given": "108", "expected": "192", "own": "192",
"verdict": "wrong", "diagnosis": "…", "formula": "…", "decimals": 6, "rounded_from": null}]}``; exact values as
fraction strings, float ones as numbers; ``own`` is the step recomputed from the student's own
earlier values; ``diagnosis`` the typical mistake that gives a wrong value ("" if none does),
``formula`` its step as it should go with the student's own numbers; ``decimals`` the decimals the value was judged at (null: exactly, or by a fixed
tolerance); ``rounded_from``, for a correct value that is not the true value rounded, the value
the student's own (correct, rounded) earlier values give.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..checking.check import CARRIED, WRONG, Check
from ..engine.numbers import exact_decimal, fixed, to_fraction_string
from ..checking.quantities import text_label
from .json import dumps


def _text_number(value: Any, exact: bool, decimal: bool = False) -> str:
    """A value for the table; ``decimal``: one with an exact decimal is written so (1.432, not
    179/125), as the student who wrote decimals reads it."""
    if value is None:
        return ""
    if decimal and isinstance(value, sp.Rational) and exact_decimal(value) is not None:
        return exact_decimal(value)
    if exact or isinstance(value, sp.Rational):
        return to_fraction_string(sp.Rational(value)) if isinstance(value, (int, sp.Rational)) else str(value)
    return f"{float(value):.6g}"


LONGEST = 24  # characters of a value the table shows whole; a longer one is shortened in the middle


def _shortened(text: str) -> str:
    """A value as long as the file allows (thousands of digits) keeps the table readable: its
    head and tail, and how long it is."""
    if len(text) <= LONGEST:
        return text
    return f"{text[:12]}…{text[-6:]} ({len(text)} characters)"


def _at_decimals(value: Any, decimals: int | None, exact: bool, decimal: bool) -> str:
    """The expected value as precise as the student's: 0.082167 beside their 0.082167, not
    the six significant digits of every row (0.0821670) nor the exact fraction."""
    if value is None or decimals is None:
        return _text_number(value, exact, decimal)
    if isinstance(value, sp.Rational) and exact_decimal(value) is not None and \
            len(exact_decimal(value).partition(".")[2]) <= decimals:
        return exact_decimal(value)  # 1.5 as 1.5 at 4 decimals: it is exact
    return fixed(value, decimals)


def expected(row: Any, exact: bool, decimal: bool) -> str:
    """The expected column of a row: the true value at the decimals the value was judged at."""
    return _at_decimals(row.expected, row.decimals, exact, decimal)


def why(row: Any, exact: bool) -> str:
    """What the table says under a row: how a correct value that is not the true one's rounding
    follows, where a carried value comes from, what went wrong."""
    decimal = row.decimals is not None
    if row.rounded_from is not None:
        return (f"right from your own earlier values as you rounded them (they give "
                f"{_at_decimals(row.rounded_from, row.decimals, exact, decimal)})")
    if row.verdict == CARRIED:
        return (f"right from your own earlier values (they give {_text_number(row.own, exact, decimal)}): "
                "the mistake is earlier and not counted again")
    return (row.diagnosis or row.formula) if row.verdict == WRONG else ""


def text(check: Check, source: str = "answers") -> str:
    exact = not check.mode.is_float
    name = check.spec.name or "the spec"
    lines = [f"Checking {source} against {name} ({check.mode.name} values; {check.tolerance.describe()})", ""]
    table = [("value", "given", "expected", "verdict")]
    decimal = check.tolerance.decimals is not None
    for row in check.rows:
        given = row.written or _text_number(row.given, True)  # as written: 0.70, not 7/10
        table.append((text_label(row.name), _shortened(given),
                      _shortened(expected(row, exact, decimal)), row.verdict))
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    for i, (cells, row) in enumerate(zip(table, (None,) + check.rows)):
        lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())
        if row is None:
            continue
        note = why(row, exact)
        if note:
            lines.append(f"      {note}")
    counts = check.counts()
    lines += ["", f"{counts['correct']} correct, {counts['carried']} carried, {counts['wrong']} wrong "
                  f"of {len(check.rows)}"]
    return "\n".join(lines) + "\n"


def _json_number(value: Any, exact: bool) -> Any:
    if value is None:
        return None
    if exact or isinstance(value, sp.Rational):
        return to_fraction_string(sp.Rational(value))
    return float(value)


def to_json(check: Check) -> str:
    exact = not check.mode.is_float
    doc = {
        "format": "gradsheet-check/1",
        "spec": check.spec.name,
        "mode": check.mode.name,
        "tolerance": check.tolerance.describe(),
        "summary": check.counts(),
        "rows": [{"name": r.name, "label": text_label(r.name), "given": _json_number(r.given, True),
                  "expected": _json_number(r.expected, exact), "own": _json_number(r.own, exact),
                  "verdict": r.verdict, "diagnosis": r.diagnosis, "formula": r.formula, "decimals": r.decimals,
                  "rounded_from": _json_number(r.rounded_from, exact)} for r in check.rows],
    }
    return dumps(doc)
