"""Where each node of a computation graph is drawn: columns by level, rows to limit crossings.

An operation sits in the column of its level (longest path from an input); an input sits
one column left of its first consumer, so a network's weights stand beside the layer that
uses them. Within a column, operations follow the mean row of their arguments (one
barycentre sweep), which keeps most edges short and uncrossed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .graph import Graph


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
    for level in sorted(columns):
        members = columns[level]
        ops = [p for p in members if graph.nodes[p].op != "input"]
        inputs = [p for p in members if graph.nodes[p].op == "input"]

        def centre(p: int) -> float:
            placed = [rows[a] for a in graph.nodes[p].args if isinstance(a, int) and a in rows]
            return sum(placed) / len(placed) if placed else 0.0

        ordered = sorted(ops, key=lambda p: (-centre(p), p)) + inputs
        count = len(ordered)
        for r, p in enumerate(ordered):
            rows[p] = (count - 1) / 2 - r
    lowest = min(levels)
    return Layout(tuple(float(levels[p] - lowest) for p in range(len(graph.nodes))),
                  tuple(rows[p] for p in range(len(graph.nodes))),
                  max(levels) - lowest + 1, max(len(c) for c in columns.values()))
