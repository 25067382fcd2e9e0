"""Notation is a setting, not a fork: how w, b, z, a, δ, x, y and C are written.

The default follows Herrmann et al.: ``w_{jk}^{(l)}`` (to neuron j of layer l from neuron k
of layer l−1), ``b_j^{(l)}``, cost ``C``. Bhadani writes ``w_{kj}^{[\\ell]}`` (from k to j),
the bias as ``w_0`` and the loss as ``L``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Literal, Mapping

from ..errors import SpecError

_CHOICES = {
    "layer_index": ("()", "[]"),
    "bias": ("b", "w0"),
    "cost": ("C", "L"),
    "index_order": ("jk", "kj"),
}


_EQUATION = re.compile(r"3\.\d+")  # the lectures' equations the derivations cite: 3.4, 3.11, …, 3.23


def _equation_refs(value: Any, field: str) -> bool | tuple[tuple[str, str], ...]:
    """``equation_refs``: true, false, or a table from the lectures' numbers to the instructor's
    own tags (``"3.14" = "Eq. 5"``)."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, Mapping) or not value:
        raise SpecError(field, f"expected true, false or a table, found {value!r}"[:120],
                        'write equation_refs = false, or a table such as { "3.14" = "Eq. 5" }')
    for number, tag in value.items():
        if not _EQUATION.fullmatch(str(number)):
            raise SpecError(f"{field}.{number}", "not an equation the derivations cite",
                            "name one of 3.4, 3.11, 3.14, 3.16, 3.18, 3.23")
        # it is set in LaTeX (\\tag*, a table cell) and MathJax: plain ASCII, nothing TeX reads
        if not isinstance(tag, str) or not 0 < len(tag) <= 40 or not re.fullmatch(r"[A-Za-z0-9 .,:()/-]+", tag):
            raise SpecError(f"{field}.{number}", f"expected a short tag such as \"Eq. 5\", found {tag!r}"[:120],
                            "write ASCII letters, digits, spaces and . , : ( ) / - only (at most 40)")
    return tuple(sorted((str(k), str(v)) for k, v in value.items()))


@dataclass(frozen=True)
class Notation:
    layer_index: Literal["()", "[]"] = "()"
    bias: Literal["b", "w0"] = "b"
    cost: Literal["C", "L"] = "C"
    index_order: Literal["jk", "kj"] = "jk"
    wide: bool = False  # any index ≥ 10: separate indices with a comma
    # False: no "Eq. 3.14" tags (they number one set of lecture notes); or the instructor's own
    # numbering, (("3.14", "Eq. 5"), …): a tag it does not name is left out
    equation_refs: bool | tuple[tuple[str, str], ...] = True

    @classmethod
    def parse(cls, table: Mapping[str, Any] | None, field: str = "notation") -> "Notation":
        if table is not None and not isinstance(table, Mapping):
            raise SpecError(field, f"expected a table, found {table!r}"[:120],
                            'write [notation] with e.g. layer_index = "[]", bias = "w0"')
        table = dict(table or {})
        for key, value in table.items():
            if key == "equation_refs":
                table[key] = _equation_refs(value, f"{field}.{key}")
                continue
            if key not in _CHOICES:
                raise SpecError(f"{field}.{key}", "unknown notation setting",
                                f"use {', '.join(_CHOICES)} or equation_refs")
            if value not in _CHOICES[key]:
                raise SpecError(f"{field}.{key}", f"unknown value {value!r}",
                                f"use one of {', '.join(repr(c) for c in _CHOICES[key])}")
        return cls(**table)

    def updated(self, **changes: Any) -> "Notation":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def ref(self, text: str) -> str:
        """An equation reference ("Eq. 3.14", "Eq. 3.18, simplified") as the notation prints it:
        as it is, "" without references, or in the instructor's numbering ("Eq. 7, simplified";
        "" where it has no such equation)."""
        if self.equation_refs is True:
            return text
        if self.equation_refs is False:
            return ""
        number, _, rest = text.removeprefix("Eq. ").partition(",")
        own = dict(self.equation_refs).get(number.strip())
        return "" if own is None else own + ("," + rest if rest else "")

    # --- LaTeX ---------------------------------------------------------------------------
    def _layer(self, l: int | str) -> str:
        return f"({l})" if self.layer_index == "()" else f"[{l}]"

    def _pair(self, j: int | str, k: int | str) -> str:
        first, second = (j, k) if self.index_order == "jk" else (k, j)
        sep = "," if self.wide else ""
        return f"{first}{sep}{second}"

    def w(self, l: int, j: int | str, k: int | str) -> str:
        return f"w_{{{self._pair(j, k)}}}^{{{self._layer(l)}}}"

    def b(self, l: int, j: int | str) -> str:
        if self.bias == "w0":
            return self.w(l, j, 0)
        return f"b_{{{j}}}^{{{self._layer(l)}}}"

    def node(self, name: str, l: int, j: int | str | None = None) -> str:
        """z, a, δ of neuron j in layer l (the whole layer's vector without j)."""
        symbol = {"delta": r"\delta"}.get(name, name)
        if j is None:
            symbol = {"z": r"\mathbf{z}", "a": r"\mathbf{a}", "delta": r"\boldsymbol{\delta}"}.get(name, symbol)
            return f"{symbol}^{{{self._layer(l)}}}"
        return f"{symbol}_{{{j}}}^{{{self._layer(l)}}}"

    def matrix(self, name: str, l: int) -> str:
        symbol = {"W": r"\mathbf{W}", "b": r"\mathbf{b}"}[name]
        if name == "b" and self.bias == "w0":
            symbol = r"\mathbf{w}_0"
        return f"{symbol}^{{{self._layer(l)}}}"

    @property
    def cost_symbol(self) -> str:
        return self.cost

    # --- plain text ----------------------------------------------------------------------
    def text_layer(self, l: int | str) -> str:
        return f"^({l})" if self.layer_index == "()" else f"^[{l}]"

    def text_w(self, l: int, j: int, k: int) -> str:
        first, second = (j, k) if self.index_order == "jk" else (k, j)
        sep = "," if self.wide else ""
        return f"w{self.text_layer(l)}_{first}{sep}{second}"

    def text_b(self, l: int, j: int) -> str:
        return self.text_w(l, j, 0) if self.bias == "w0" else f"b{self.text_layer(l)}_{j}"
