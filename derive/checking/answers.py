"""A student's answers to a network spec: named values, read and validated.

The file (TOML or JSON) uses the names of :mod:`derive.checking.quantities`, whole or by entry::

    # answers to herrmann_backprop.toml
    z1 = [-3, -4]                           # a vector, entries 1…n
    output = 4                              # a single entry may be written bare
    "delta1[2]" = 96                        # one entry, 1-based
    grad_W1 = [[-432, -288], [288, 108]]    # a matrix, row j = neuron j
    cost = "9/2"                            # integers, decimals and "p/q" fractions
    example = 1                             # optional: which example of a batch (default 1)

Numbers are read exactly as written (``0.1`` is 1/10), so an exact network is checked exactly.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import sympy as sp

from ..errors import SpecError
from ..engine.numbers import Written, parse_number

_KEY = re.compile(r"^(?P<base>[A-Za-z_]+\d*(?:_new)?)(?:\[(?P<index>[^\]]*)\])?$")


@dataclass(frozen=True)
class Answers:
    """The student's values by entry name (``grad_W1[2,2]``), in the order given."""

    values: dict[str, sp.Rational]
    example: int  # 0-based
    decimals: int | None = None  # the most decimal places written (0.125 → 3); None: no decimals
    written: dict[str, str] = field(default_factory=dict)  # each value's text as written ("0.70", "9/2")
    places: dict[str, int] = field(default_factory=dict)  # each value's decimal places as written (0: none)


def shapes(names: list[str]) -> dict[str, tuple[int, ...]]:
    """``grad_W1`` → (2, 2), ``delta2`` → (1,), ``cost`` → () from a trace's entry names."""
    out: dict[str, tuple[int, ...]] = {}
    for name in names:
        base, _, rest = name.partition("[")
        index = tuple(int(i) for i in rest.rstrip("]").split(",")) if rest else ()
        known = out.get(base, (0,) * len(index))
        out[base] = tuple(max(a, b) for a, b in zip(known, index))
    return out


def parse(data: Mapping[str, Any], names: list[str], examples: int = 1) -> Answers:
    """Validate ``data`` against the entry names of a trace; one-line errors name the entry."""
    known = shapes(names)
    example = data.get("example", 1)
    if isinstance(example, bool) or not isinstance(example, int) or not 1 <= example <= examples:
        raise SpecError("answers.example", f"{example!r} is not an example of the spec",
                        f"give a number from 1 to {examples}")
    values: dict[str, sp.Rational] = {}
    written: dict[str, str] = {}
    places: dict[str, int] = {}
    for key, value in data.items():
        if key == "example":
            continue
        for name, raw, where in _entries(str(key), value, known):
            if name in values:
                raise SpecError(f"answers.{name}", "given twice", "give each value once, whole or by entry")
            values[name] = parse_number(raw, f"answers.{where}")
            written[name] = _as_written(raw)
            places[name] = _places(raw)
    if not values:
        raise SpecError("answers", "no values given", 'write values such as z1 = [1, 2] or "grad_W1[2,2]" = 108')
    most = max(places.values())
    return Answers(values, example - 1, most or None, written, places)


def _as_written(value: Any) -> str:
    """The number's text as the student wrote it (a valid number: :func:`parse_number` read it)."""
    if isinstance(value, Written):
        return value.text
    return value.strip() if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)


def _flat(value: Any) -> list[Any]:
    return [x for v in value for x in _flat(v)] if isinstance(value, list) else [value]


def _places(value: Any) -> int:
    """Decimal places as written: 0.125 → 3, "1.50" → 2, 3 or "9/2" → 0."""
    text = value.text if isinstance(value, Written) else repr(value) if isinstance(value, float) \
        else value if isinstance(value, str) else ""
    if "e" in text.lower() or "/" in text or "." not in text:
        return 0
    return len(text.split(".")[1].strip())


def load(path: str | Path, names: list[str], examples: int = 1) -> Answers:
    from ..engine.network import read

    data = read(Path(path), "give the answers file as .toml or .json")
    if not isinstance(data, dict):
        raise SpecError(str(path), "the answers file must be a table of name = value",
                        'write e.g. "grad_W1[2,2]" = 108')
    return parse(data, names, examples)


def _entries(key: str, value: Any, known: dict[str, tuple[int, ...]]) -> list[tuple[str, Any, str]]:
    """(entry name, the value as read from the file, the name its errors give) for each entry."""
    match = _KEY.match(key.replace(" ", ""))
    base = match["base"] if match else key
    if match and base not in known and "output" in known and base == f"a{_depth(known)}":
        base = "output"  # a^(L), the output layer's activation, is ŷ: the lectures write both
    if not match or base not in known:
        raise SpecError(f"answers.{key}", "unknown quantity", _suggest(base, known))
    shape = known[base]
    if match["index"] is not None:
        return [(_indexed(key, base, match["index"], shape), value, key)]
    return _whole(base, value, shape)


def _depth(known: dict[str, tuple[int, ...]]) -> int:
    """L, the number of layers: the highest z^(l) the trace has."""
    return max(int(name[1:]) for name in known if name[:1] == "z" and name[1:].isdigit())


def _indexed(key: str, base: str, text: str, shape: tuple[int, ...]) -> str:
    try:
        index = tuple(int(i) for i in text.split(","))
    except ValueError:
        raise SpecError(f"answers.{key}", "the index is not a list of integers",
                        f"write {base}[{','.join(['1'] * len(shape))}]") from None
    if len(index) != len(shape):
        raise SpecError(f"answers.{key}", f"{base} takes {len(shape)} index(es), found {len(index)}",
                        f"write {base}[{','.join(['1'] * len(shape))}]" if shape else f"write {base} without an index")
    if any(not 1 <= i <= n for i, n in zip(index, shape)):
        raise SpecError(f"answers.{key}", f"index out of range: {base} is {_size(shape)}",
                        "indices start at 1 (row j = neuron j, column k = neuron k of the layer before)")
    return f"{base}[{','.join(map(str, index))}]"


def _whole(base: str, value: Any, shape: tuple[int, ...]) -> list[tuple[str, Any, str]]:
    where = f"answers.{base}"
    if not shape:
        return [(base, value, base)]
    if len(shape) == 1:
        if shape[0] == 1 and not isinstance(value, list):
            value = [value]
        if not isinstance(value, list) or len(value) != shape[0] or any(isinstance(v, list) for v in value):
            raise SpecError(where, f"expected a vector of {shape[0]} numbers, found {_describe(value)}",
                            f"write {base} = [{', '.join(['…'] * shape[0])}]")
        return [(f"{base}[{j}]", v, f"{base}[{j}]") for j, v in enumerate(value, start=1)]
    rows, cols = shape
    if (not isinstance(value, list) or len(value) != rows
            or any(not isinstance(r, list) or len(r) != cols for r in value)):
        raise SpecError(where, f"expected a {rows}×{cols} matrix (a list of {rows} rows of {cols}), "
                        f"found {_describe(value)}", "row j lists the weights into neuron j")
    return [(f"{base}[{j},{k}]", v, f"{base}[{j},{k}]")
            for j, row in enumerate(value, start=1) for k, v in enumerate(row, start=1)]


def _size(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape)) if len(shape) > 1 else f"a vector of {shape[0]}"


def _describe(value: Any) -> str:
    if isinstance(value, list):
        inner = {len(v) for v in value if isinstance(v, list)}
        return f"{len(value)} rows of {'/'.join(map(str, sorted(inner)))}" if inner else f"{len(value)} numbers"
    return repr(value)


def _suggest(base: str, known: dict[str, tuple[int, ...]]) -> str:
    close = difflib.get_close_matches(base, list(known), n=1)
    if base.startswith("a") and base[1:].isdigit() and "output" in known and base not in known:
        return f"the network has {_depth(known)} layers: its output layer's activations are a{_depth(known)} (or output)"
    if base.endswith("_new") and not any(k.endswith("_new") for k in known):
        return "values after the step need a learning_rate in the spec"
    hint = f"did you mean {close[0]}? " if close else ""
    return hint + "known: " + ", ".join(known)
