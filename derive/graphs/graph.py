"""A computation graph: one node per elementary operation, in evaluation order.

Numbering follows Baydin et al. (2018): the n inputs are v_{1−n} … v_0 and the operations
v_1 … v_l in the order they are evaluated, so Baydin's example y = ln x₁ + x₁x₂ − sin x₂
has v₋₁ = x₁, v₀ = x₂, v₁ = ln v₋₁, v₂ = v₋₁ × v₀, v₃ = sin v₀, v₄ = v₁ + v₂, v₅ = v₄ − v₃.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import sympy as sp

from .operations import OPERATIONS, Operation
from .terms import Num, Sym, Term


@dataclass(frozen=True)
class Const:
    """A number written in the expression; it is not a node (Baydin's traces have none)."""

    value: sp.Rational


Arg = int | Const  # an int is the position of a node in Graph.nodes


@dataclass(frozen=True)
class Node:
    """An input (``op == "input"``) or one elementary operation on earlier nodes."""

    op: str
    args: tuple[Arg, ...] = ()
    param: Any = None             # a power's exponent; an ``activation`` node's Activation
    name: Sym | None = None       # what the author called it: x1, z1, y, w^(1)_12
    column: int | None = None     # where it was written (1-based), for messages
    source: str = ""              # the text it was written as

    @property
    def operation(self) -> Operation:
        return OPERATIONS[self.op]


@dataclass(frozen=True)
class Graph:
    """Nodes (inputs first, then operations in evaluation order) and which are outputs."""

    nodes: tuple[Node, ...]
    outputs: tuple[int, ...]
    output_names: tuple[Sym, ...]
    source: str = ""
    named: bool = False  # write named nodes by their names (z^(1)_2), the others as v_i


    @cached_property
    def n_inputs(self) -> int:
        return sum(1 for node in self.nodes if node.op == "input")

    @property
    def inputs(self) -> range:
        return range(self.n_inputs)

    @property
    def operations(self) -> range:
        return range(self.n_inputs, len(self.nodes))

    def index(self, position: int) -> int:
        """Baydin's index i of v_i."""
        return position - self.n_inputs + 1

    def v(self, position: int) -> Sym:
        """The node's symbol in traces: v_i (Baydin), or its own name in a ``named`` graph."""
        name = self.nodes[position].name
        if self.named and name is not None:
            return name
        return Sym("v", str(self.index(position)))

    def input_name(self, position: int) -> Sym:
        name = self.nodes[position].name
        return name if name is not None else Sym("x", str(position + 1))

    def input_names(self) -> tuple[str, ...]:
        """The inputs' names as written (``x1``), for ``--at`` and answer keys."""
        return tuple(self.nodes[p].source for p in self.inputs)

    def term(self, arg: Arg) -> Term:
        return Num(arg.value) if isinstance(arg, Const) else self.v(arg)

    @cached_property
    def consumers(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        """For each node, the (consumer, argument position) pairs that use it: its out-edges."""
        uses: list[list[tuple[int, int]]] = [[] for _ in self.nodes]
        for i in self.operations:
            for k, arg in enumerate(self.nodes[i].args):
                if isinstance(arg, int):
                    uses[arg].append((i, k))
        return tuple(tuple(u) for u in uses)

    @cached_property
    def levels(self) -> tuple[int, ...]:
        """Longest path from an input: operations on inputs only are level 1."""
        levels: list[int] = []
        for node in self.nodes:
            levels.append(1 + max((levels[a] for a in node.args if isinstance(a, int)), default=0)
                          if node.op != "input" else 0)
        return tuple(levels)

    def edges(self) -> list[tuple[int, int, int]]:
        """(from, to, argument position) for every edge, in evaluation order of the consumer."""
        return [(arg, i, k) for i in self.operations for k, arg in enumerate(self.nodes[i].args)
                if isinstance(arg, int)]

    def ancestors(self, position: int) -> frozenset[int]:
        """``position`` and every node it depends on."""
        seen = {position}
        for i in range(position, -1, -1):
            if i in seen:
                seen.update(a for a in self.nodes[i].args if isinstance(a, int))
        return frozenset(seen)
