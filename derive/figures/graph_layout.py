"""Where each node of a computation graph is drawn: columns by level, rows to limit crossings.

An operation sits in the column of its level (longest path from an input); an input sits
one column left of its first consumer, so a network's weights stand beside the layer that
uses them. Within a column, an operation follows the mean row of its arguments and an input
the mean row of its consumers (barycentre sweeps), which keeps most edges short and uncrossed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..graphs.graph import Graph


@dataclass(frozen=True)
class Layout:
    x: tuple[float, ...]   # column of each node
    y: tuple[float, ...]   # row of each node, 0 in the middle, upwards positive
    width: int             # columns
    height: float          # rows in the tallest column


def layout(graph: Graph) -> Layout:
    levels = list(graph.levels)
    for p in graph.inputs:
        users = [levels[c] for c, _ in graph.consumers[p]]
        levels[p] = min(users) - 1 if users else 0
    columns: dict[int, list[int]] = {}
    for p, level in enumerate(levels):
        columns.setdefault(level, []).append(p)
    rows: dict[int, float] = {}

    def place(members: list[int], key: dict[int, float]) -> None:
        ordered = sorted(members, key=lambda p: (-key[p], p))
        for r, p in enumerate(ordered):
            rows[p] = (len(ordered) - 1) / 2 - r

    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    # left to right: an operation at the mean row of its arguments; inputs, not yet placed
    # beside what they feed, below the operations of their column
    for level in sorted(columns):
        members = columns[level]
        key = {p: mean([rows[a] for a in graph.nodes[p].args if isinstance(a, int) and a in rows]) for p in members}
        key.update({p: -1e9 - p for p in members if graph.nodes[p].op == "input"})
        place(members, key)
    # then each input at the mean row of its consumers, and the operations after them again
    # (two sweeps settle the few nodes of a sheet's expression)
    for _ in range(2):
        for level in sorted(columns):
            members = columns[level]
            key = {}
            for p in members:
                if graph.nodes[p].op == "input":
                    key[p] = mean([rows[c] for c, _ in graph.consumers[p]])
                else:
                    key[p] = mean([rows[a] for a in graph.nodes[p].args if isinstance(a, int)])
            place(members, key)
    lowest = min(levels)
    return Layout(tuple(float(levels[p] - lowest) for p in range(len(graph.nodes))),
                  tuple(rows[p] for p in range(len(graph.nodes))),
                  max(levels) - lowest + 1, max(len(c) for c in columns.values()))
