"""Notation is a setting, not a fork: how w, b, z, a, δ, x, y and C are written.

The default follows Herrmann et al.: ``w_{jk}^{(l)}`` (to neuron j of layer l from neuron k
of layer l−1), ``b_j^{(l)}``, cost ``C``. Bhadani writes ``w_{kj}^{[\\ell]}`` (from k to j),
the bias as ``w_0`` and the loss as ``L``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal, Mapping

from .errors import SpecError

_CHOICES = {
    "layer_index": ("()", "[]"),
    "bias": ("b", "w0"),
    "cost": ("C", "L"),
    "index_order": ("jk", "kj"),
}


@dataclass(frozen=True)
class Notation:
    layer_index: Literal["()", "[]"] = "()"
    bias: Literal["b", "w0"] = "b"
    cost: Literal["C", "L"] = "C"
    index_order: Literal["jk", "kj"] = "jk"
    wide: bool = False  # any index ≥ 10: separate indices with a comma
    equation_refs: bool = True  # False: no "Eq. 3.14" tags (they number one set of lecture notes)

    @classmethod
    def parse(cls, table: Mapping[str, Any] | None, field: str = "notation") -> "Notation":
        if table is not None and not isinstance(table, Mapping):
            raise SpecError(field, f"expected a table, found {table!r}"[:120],
                            'write [notation] with e.g. layer_index = "[]", bias = "w0"')
        table = dict(table or {})
        for key, value in table.items():
            if key == "equation_refs":
                if not isinstance(value, bool):
                    raise SpecError(f"{field}.{key}", f"expected true or false, found {value!r}"[:120],
                                    "write equation_refs = false to leave out the Eq. 3.x tags")
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
        """An equation reference ("Eq. 3.14") as the notation prints it: "" without them."""
        return text if self.equation_refs else ""

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
