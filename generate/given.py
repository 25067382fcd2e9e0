"""A network the instructor gives a problem (``network = "lecture.toml"``), and what varies.

The network is a ``derive`` spec (a file relative to the exam spec, or the same tables
inline), read and validated by :func:`derive.engine.network.parse_spec`; every student gets it,
except for the parts ``vary`` names, which are drawn per student within the kind's usual
bounds. The exam's ``[notation]`` applies; the network file's own notation, name and
description are not used on the sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import sympy as sp

from gradsheet.derive.errors import SpecError
from gradsheet.derive.engine.network import Spec, parse_spec, read

from .printing import is_short, plain
from .problem import Refused

# what ``vary`` may name: the parts of a network a student's draw replaces
PARTS = ("x", "y", "weights", "bias")


@dataclass(frozen=True)
class Given:
    """The given network as JSON-ready spec data (numbers as written: ints, short decimals,
    "p/q"), where it came from, and the parts drawn per student."""

    data: Mapping[str, Any]
    where: str  # the option's field, e.g. problems[2].network, for errors about this network
    vary: tuple[str, ...] = ()

    @property
    def fixed(self) -> bool:
        """Every student gets the same network: nothing about it is drawn."""
        return not self.vary

    @property
    def examples(self) -> list[Mapping[str, Any]]:
        return list(self.data["examples"]) if "examples" in self.data else [self.data["example"]]


def text(value: Any) -> Any:
    """A number as a spec writes it: an int, a short decimal string, else "p/q"."""
    value = sp.Rational(value)
    if value.q == 1:
        return int(value)
    if is_short(value, 6):
        return plain(value, 6)
    return f"{value.p}/{value.q}"


def data_of(spec: Spec, learning_rate: bool) -> dict[str, Any]:
    """The spec's network and examples as JSON-ready data, the form a drawn network has."""
    layers = []
    for layer in spec.network.layers:
        act = layer.activation
        entry: dict[str, Any] = {
            "weights": [[text(w) for w in row] for row in layer.weights],
            "activation": {"name": act.name, **{k: text(sp.Rational(v.numerator, v.denominator)) for k, v in act.params}}
            if act.params else act.name}
        if layer.bias is not None:
            entry["bias"] = [text(b) for b in layer.bias]
        layers.append(entry)
    data: dict[str, Any] = {"loss": spec.network.loss.name, "layers": layers}
    if learning_rate and spec.network.learning_rate is not None:
        data["learning_rate"] = text(spec.network.learning_rate)
    examples = [{"x": [text(v) for v in e.x], "y": [text(v) for v in e.y]} for e in spec.examples]
    if len(examples) == 1:
        data["example"] = examples[0]
    else:
        data["examples"] = examples
    return data


def read_given(value: Any, where: str, base: Path, learning_rate: bool) -> tuple[Spec, dict[str, Any]]:
    """The ``network`` option: a file name (relative to the exam spec) or the spec's tables
    inline; every error names the field inside it (``problems[1].network.layers[2].weights``)."""
    if isinstance(value, str):
        label = f"{where} ({value[:60]})"
        try:
            data = read(base / value, "give a derive spec file's path, relative to the exam spec")
        except SpecError as error:
            raise SpecError(label, error.problem, error.fix) from None
    elif isinstance(value, Mapping):
        data, label = value, where
    else:
        raise SpecError(where, f"expected a file name or a table, found {value!r:.60}",
                        'write network = "lecture.toml", or give its tables inline')
    try:
        spec = parse_spec(data)
    except SpecError as error:
        raise error.within(label) from None
    return spec, data_of(spec, learning_rate)


def read_vary(value: Any, where: str) -> tuple[str, ...]:
    """``vary = ["x", "weights"]``: the parts drawn per student, each named once."""
    fix = f'write e.g. vary = ["x", "y"]: names from {", ".join(PARTS)}'
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or len(value) > len(PARTS) or not all(isinstance(v, str) for v in value):
        raise SpecError(where, f"expected a list of names, found {value!r:.60}", fix)
    for name in value:
        if name not in PARTS:
            raise SpecError(where, f"unknown part {name[:40]!r}", fix)
    if len(set(value)) < len(value):
        raise SpecError(where, "a part named twice", "name each part once")
    return tuple(p for p in PARTS if p in value)  # one order, whatever the spec's: the same draws


class Unusable(Refused):
    """A given network the kind cannot ask about as it is (a kink hit exactly, a value too
    large to print): drawing again cannot help, so it is reported at once."""
