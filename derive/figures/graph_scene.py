"""A computation graph's figure laid out in cm: where each edge runs and where each label goes.

The lectures draw a computation graph with each node's value above it, its adjoint below it
and each edge's local partial derivative on the edge. For that to read:

* no edge passes through a node it does not join, nor through a label;
* an input used twice by one operation (v₀ × v₀) has two edges, side by side, each with its
  own partial derivative: the two contributions are the point such a problem tests;
* no label overlaps another or sits on a node.

So edges leave a node on its right and enter on its left, as a layered drawing does, each at
its own port (spread over the side, in the order of the nodes at their other ends), and the
value and adjoint above and below the node stay clear. An edge to the next column is one
S-curve; an edge that skips columns runs along a lane, a height where the columns it passes
have neither node nor label. Every piece is written out with its control points, so what is
checked here is what TikZ draws; label boxes are estimated a little wide (:mod:`derive.figures.geometry`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

from . import geometry as geo
from .geometry import Box, Point
from ..graphs.graph import Graph
from .graph_layout import Layout

NORMAL_PT, VALUE_PT, PARTIAL_PT = 10.95, 8.0, 8.0  # 11 pt document: \normalsize, \scriptsize, \scriptsize
OP_RADIUS, LEAF_HALF = 0.4, 0.35  # cm: the minimum sizes (8 mm circles, 7 mm squares)
LABEL_PAD = 0.035  # cm: the labels' inner sep (1 pt)
_GAP = 0.05  # cm between a node and its value or adjoint
_OUTPUT_ARROW = 0.9  # cm
_SPREAD = {1: 0.0, 2: 24.0, 3: 36.0}  # degrees either side of a node's east (west) point its ports span
_LANE_CLEAR = 0.16  # cm a lane keeps from what it passes
_LANE_APART = 0.42  # cm between two lanes over the same stretch: a label on one clears the other
_TWIN_BOW = 0.3  # cm each of two edges between the same nodes bows out from their middle
_ALONG = tuple(round(0.1 + 0.04 * i, 2) for i in range(21))  # along an edge, by length
_SHIFTS = tuple((fx, dy) for dy in (0.0, 0.12, 0.24, 0.36) for fx in (0, -0.25, 0.25, -0.45, 0.45, -0.6, 0.6))
# further out, only where every spot of _SHIFTS leaves the label on a node, a label or an edge
_LIFTS = tuple((fx, dy) for dy in (0.6, 0.9) for fx in (0, -0.25, 0.25, -0.45, 0.45, -0.6, 0.6))


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    radius: float  # a circle's radius, a square's half side
    square: bool   # an input: a rounded square
    symbol: str = ""  # LaTeX math inside it

    def meets(self, box: Box, margin: float = 0.0) -> bool:
        if self.square:
            return geo.overlap(box, geo.grown((self.x, self.y, self.x, self.y), self.radius + margin))
        return geo.meets_circle(box, self.x, self.y, self.radius + margin)

    def near(self, path: tuple[Point, ...], margin: float) -> bool:
        """Whether the path comes within ``margin`` of the node's outline."""
        if self.square:
            return geo.meets_path(geo.grown((self.x, self.y, self.x, self.y), self.radius + margin), path)
        return geo.path_distance((self.x, self.y), path) < self.radius + margin

    def port(self, degrees: float) -> Point:
        """The point of the outline in the direction ``degrees`` (0: east, counter-clockwise)."""
        dx, dy = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
        scale = self.radius / max(abs(dx), abs(dy)) if self.square else self.radius
        return self.x + dx * scale, self.y + dy * scale


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str      # LaTeX math
    kind: str      # "value" | "adjoint" | "partial" | "output"
    box: Box
    owner: int     # the node (value, adjoint, output) or the edge (partial) it belongs to


@dataclass(frozen=True)
class Edge:
    source: int
    target: int    # -1: an output's arrow
    start: Point
    pieces: tuple[tuple[Point, ...], ...]  # (c1, c2, to): a curve; (to,): a line
    path: tuple[Point, ...]                # the same, as a polyline

    @cached_property
    def bounds(self) -> Box:
        return geo.bounds(self.path)

    def meets(self, box: Box) -> bool:
        return geo.meets_path(box, self.path, self.bounds)

    def near(self, point: Point, distance: float) -> bool:
        x, y = point
        if not geo.overlap((x - distance, y - distance, x + distance, y + distance), geo.grown(self.bounds, 1e-9)):
            return False
        return geo.path_distance(point, self.path) < distance

    def tikz(self) -> str:
        """The path in TikZ syntax, with every control point written out."""
        def xy(p: Point) -> str:
            return f"({p[0]:.3f},{p[1]:.3f})"
        parts = [xy(self.start)]
        for piece in self.pieces:
            parts.append(f".. controls {xy(piece[0])} and {xy(piece[1])} .. {xy(piece[2])}" if len(piece) == 3
                         else f"-- {xy(piece[0])}")
        return " ".join(parts)


@dataclass(frozen=True)
class Scene:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]          # graph.edges() order, then one arrow per output
    labels: tuple[Label, ...]

    def defects(self) -> list[str]:
        """What would make the figure hard to read; [] for a clean figure (the layout tests)."""
        found = []
        for e in self.edges:
            for q, node in enumerate(self.nodes):
                if q not in (e.source, e.target) and e.meets(geo.grown((node.x, node.y, node.x, node.y), node.radius)) \
                        and node.near(e.path, 0.0):
                    found.append(f"edge {e.source}->{e.target} passes through node {q}")
        for i, a in enumerate(self.labels):
            for b in self.labels[i + 1:]:
                if geo.overlap(a.box, b.box):
                    found.append(f"{a.kind} label {a.text!r} and {b.kind} label {b.text!r} overlap")
            for q, node in enumerate(self.nodes):
                if node.meets(a.box):
                    found.append(f"{a.kind} label {a.text!r} covers node {q}")
            for n, e in enumerate(self.edges):
                if not (a.kind == "partial" and a.owner == n) and e.meets(a.box):
                    found.append(f"edge {e.source}->{e.target} crosses {a.kind} label {a.text!r}")
        return found


def node_shape(x: float, y: float, symbol: str, square: bool) -> Node:
    """A node as TikZ sizes it: at least the minimum size, larger for a long symbol."""
    x0, y0, x1, y1 = geo.text_box(0, 0, symbol, NORMAL_PT)
    w_cm, h_cm = x1 - x0, y1 - y0
    if square:
        return Node(x, y, round(max(LEAF_HALF, w_cm / 2 + 0.08, h_cm / 2 + 0.08), 3), True, symbol)
    return Node(x, y, round(max(OP_RADIUS, math.hypot(w_cm / 2 + 0.04, h_cm / 2 + 0.04)), 3), False, symbol)


def _rounded(p: Point) -> Point:
    return round(p[0], 3), round(p[1], 3)


def _s_curve(a: Point, b: Point) -> tuple[Point, Point, Point]:
    """A curve leaving a horizontally and arriving at b horizontally."""
    half = (b[0] - a[0]) / 2
    return _rounded((a[0] + half, a[1])), _rounded((b[0] - half, b[1])), _rounded(b)


def _polyline(start: Point, pieces: Sequence[tuple[Point, ...]]) -> tuple[Point, ...]:
    points = [start]
    for piece in pieces:
        points += geo.bezier(points[-1], *piece)[1:] if len(piece) == 3 else [piece[0]]
    return tuple(points)


def _ports(nodes: Sequence[Node], graph: Graph) -> tuple[dict[int, Point], dict[int, Point], dict[int, Point]]:
    """Each edge's start (on its source's right side) and end (on its target's left side), and
    each output arrow's start: spread over the side, ordered by the height of the other end so
    that edges at one node do not cross there."""
    starts: dict[int, Point] = {}
    ends: dict[int, Point] = {}
    outputs: dict[int, Point] = {}
    edges = graph.edges()
    for q, node in enumerate(nodes):
        # out: consumers, highest first, then the output arrow (straight east, in the middle)
        outs = sorted((n for n, (s, _, _) in enumerate(edges) if s == q), key=lambda n: (-nodes[edges[n][1]].y, n))
        slots: list[object] = list(outs)
        if q in graph.outputs:
            slots.insert(len(slots) // 2, "out")
        for slot, degrees in zip(slots, _angles(len(slots))):
            if slot == "out":
                outputs[q] = _rounded(node.port(degrees))
            else:
                starts[slot] = _rounded(node.port(degrees))  # type: ignore[index]
        ins = sorted((n for n, (_, t, _) in enumerate(edges) if t == q), key=lambda n: (-nodes[edges[n][0]].y, n))
        for n, degrees in zip(ins, _angles(len(ins))):
            ends[n] = _rounded(node.port(180 - degrees))
    return starts, ends, outputs


def _angles(count: int) -> list[float]:
    """Port directions, top first, symmetric about east."""
    spread = _SPREAD.get(count, 45.0)
    if count == 1:
        return [0.0]
    return [spread - 2 * spread * i / (count - 1) for i in range(count)]


@dataclass(frozen=True)
class _Obstacle:
    column: int
    low: float   # the lowest point of the node and its adjoint
    high: float  # the highest point of the node and its value


def _lane(start: Point, end: Point, between: Sequence[_Obstacle], taken: Sequence[tuple[float, float, float]],
          x_range: tuple[float, float]) -> float:
    """The height at which an edge passes the columns between its ends: clear of their nodes
    and labels and of the lanes already taken over the same stretch, as near its ends as can be."""
    spans = [(o.low - _LANE_CLEAR, o.high + _LANE_CLEAR) for o in between]
    spans += [(y - _LANE_APART, y + _LANE_APART) for y, x0, x1 in taken if x0 < x_range[1] and x_range[0] < x1]
    candidates = {start[1], end[1], (start[1] + end[1]) / 2}
    for low, high in spans:
        candidates.update((low - 0.001, high + 0.001))
    clear = [y for y in candidates if not any(low < y < high for low, high in spans)]
    return min(clear, key=lambda y: (abs(y - start[1]) + abs(y - end[1]), -y))


def scene(graph: Graph, where: Layout, symbols: Sequence[str], values: Sequence[str], adjoints: Sequence[str],
          partials: Sequence[str], outputs: Sequence[str]) -> Scene:
    """Lay out the figure: node shapes, routed edges, and every label placed where it reads.

    ``symbols``/``values``/``adjoints`` are per node (an empty adjoint is not drawn),
    ``partials`` per edge of ``graph.edges()`` (empty: no label), ``outputs`` per output.
    Where labels crowd, the columns and rows move apart (twice at most) until all are clear."""
    widest = max(geo.text_box(0, 0, text, VALUE_PT, LABEL_PAD)[2] * 2 for text in (*values, *adjoints))
    # columns far enough apart that the widest values of two neighbours leave a gap between them
    base = max(2.6 if where.width <= 6 else 2.2, round(widest + 0.5, 1))
    tried = []
    # last, rows far enough apart for the labels between two nodes of a column (a wide symbol
    # such as □⁻¹ makes a large node): needed only where the first three leave a defect
    rows = [2.1, 2.3, 2.5, max(2.7, _rows_apart(graph, where, symbols, values, adjoints))]
    for step, yscale in enumerate(rows):
        laid = _scene(graph, where, base + 0.4 * step, yscale, symbols, values, adjoints, partials, outputs)
        defects = len(laid.defects())
        if defects == 0:
            return laid
        tried.append((defects, step, laid))
    return min(tried, key=lambda t: t[:2])[2]


def _rows_apart(graph: Graph, where: Layout, symbols: Sequence[str], values: Sequence[str],
                adjoints: Sequence[str]) -> float:
    """The row scale at which two nodes above each other in a column leave room between them
    for the upper one's adjoint and the lower one's value, each at its gap."""
    def height(text: str) -> float:
        box = geo.text_box(0, 0, text, VALUE_PT, LABEL_PAD)
        return _GAP + box[3] - box[1]

    shapes = [node_shape(0.0, 0.0, symbols[q], graph.nodes[q].op == "input") for q in range(len(graph.nodes))]
    need = 0.0
    for column in {round(x) for x in where.x}:
        members = sorted((q for q in range(len(graph.nodes)) if round(where.x[q]) == column), key=lambda q: -where.y[q])
        for upper, lower in zip(members, members[1:]):
            apart = where.y[upper] - where.y[lower]
            if apart <= 0:
                continue
            room = (shapes[upper].radius + shapes[lower].radius + height(values[lower]) + 0.1
                    + (height(adjoints[upper]) if adjoints[upper] else 0.0))
            need = max(need, room / apart)
    return round(need, 2)


def _scene(graph: Graph, where: Layout, xscale: float, yscale: float, symbols: Sequence[str],
           values: Sequence[str], adjoints: Sequence[str], partials: Sequence[str],
           outputs: Sequence[str]) -> Scene:
    nodes = tuple(node_shape(round(where.x[q] * xscale, 3), round(where.y[q] * yscale, 3), symbols[q],
                             graph.nodes[q].op == "input") for q in range(len(graph.nodes)))
    column = [round(where.x[q]) for q in range(len(nodes))]
    wants: list[tuple[int, str, str, float]] = []  # (node, kind, text, +1 above / −1 below)
    for q in range(len(nodes)):
        wants.append((q, "value", values[q], 1.0))
        if adjoints[q]:
            wants.append((q, "adjoint", adjoints[q], -1.0))
    obstacles = []
    for q, node in enumerate(nodes):
        above = _node_label_box(node, values[q], 1.0, 0.0, 0.0)[3]
        below = _node_label_box(node, adjoints[q], -1.0, 0.0, 0.0)[1] if adjoints[q] else node.y - node.radius
        obstacles.append(_Obstacle(column[q], below, above))

    starts, ends, output_starts = _ports(nodes, graph)
    pairs = [(s, t) for s, t, _ in graph.edges()]
    taken: list[tuple[float, float, float]] = []
    routed: dict[int, Edge] = {}
    # the short edges first: a lane is chosen clear of the lanes taken before it
    for n in sorted(range(len(pairs)), key=lambda n: (column[pairs[n][1]] - column[pairs[n][0]], n)):
        s, t = pairs[n]
        a, b = starts[n], ends[n]
        twins = [m for m, pair in enumerate(pairs) if pair == (s, t)]
        if column[t] - column[s] <= 1 and len(twins) > 1:
            # one node used twice (v₀ × v₀): the two edges bow apart, room for a label on each
            bow = _TWIN_BOW if n == twins[0] else -_TWIN_BOW
            middle = _rounded(((a[0] + b[0]) / 2, (a[1] + b[1]) / 2 + bow))
            pieces: tuple[tuple[Point, ...], ...] = (_s_curve(a, middle), _s_curve(middle, b))
        elif column[t] - column[s] <= 1:
            pieces = (_s_curve(a, b),)
        else:
            # rise (or fall) to the lane in the gap after the source, run, and meet the target in
            # the gap before it, clear of the labels beside both
            x0 = round((column[s] + 1) * xscale - 0.95, 3)
            x1 = round((column[t] - 1) * xscale + 0.95, 3)
            between = [o for o in obstacles if column[s] < o.column < column[t]]
            y = round(_lane(a, b, between, taken, (x0, x1)), 3)
            taken.append((y, x0, x1))
            pieces = (_s_curve(a, (x0, y)), ((x1, y),), _s_curve((x1, y), b))
        routed[n] = Edge(s, t, a, pieces, _polyline(a, pieces))
    edges = [routed[n] for n in range(len(pairs))]
    placed: list[Label] = []
    for q, text in zip(graph.outputs, outputs):
        start = output_starts[q]
        end = _rounded((nodes[q].x + nodes[q].radius + _OUTPUT_ARROW, start[1]))
        edges.append(Edge(q, -1, start, ((end,),), (start, end)))
        w = geo.text_box(0, 0, text, NORMAL_PT)
        box = (end[0] + 0.03, start[1] + w[1], end[0] + 0.03 + (w[2] - w[0]), start[1] + w[3])
        placed.append(Label(round((box[0] + box[2]) / 2, 3), start[1], text, "output", box, q))
    around = _Obstacles(nodes, edges)
    for q, kind, text, side in wants:
        placed.append(_place_node_label(around, q, kind, text, side, placed))
    placed += _place_partials(around, partials, placed)
    return Scene(nodes, tuple(edges), tuple(placed))


def _node_label_box(node: Node, text: str, side: float, dx: float, dy: float) -> Box:
    base = geo.text_box(0, 0, text, VALUE_PT, LABEL_PAD)
    half_h = (base[3] - base[1]) / 2
    cy = node.y + side * (node.radius + _GAP + dy + half_h)
    return geo.text_box(node.x + dx, cy, text, VALUE_PT, LABEL_PAD)


_CELL = 1.0  # cm: the side of a _Grid cell, about a label's width
_MARGIN = 0.02  # cm a label keeps from a node


class _Grid:
    """Boxes bucketed by the cells they cover, so that a label's spot is tested against the
    nodes and edges near it, not against all of them: placing every label of a graph had
    been quadratic in its size (a 100-operation graph took 16 s, a 200-operation one a
    minute). A query gives a superset of what may meet its box, in index order; the exact
    test then decides, so the figure is the one the full scan gives."""

    def __init__(self, boxes: Sequence[Box]) -> None:
        self.cells: dict[tuple[int, int], list[int]] = {}
        for i, box in enumerate(boxes):
            for key in self._keys(box):
                self.cells.setdefault(key, []).append(i)

    @staticmethod
    def _keys(box: Box) -> list[tuple[int, int]]:
        x0, y0 = math.floor(box[0] / _CELL), math.floor(box[1] / _CELL)
        x1, y1 = math.floor(box[2] / _CELL), math.floor(box[3] / _CELL)
        return [(gx, gy) for gx in range(x0, x1 + 1) for gy in range(y0, y1 + 1)]

    def near(self, box: Box) -> list[int]:
        found: set[int] = set()
        for key in self._keys(geo.grown(box, 1e-6)):  # boxes that only touch it count too
            found.update(self.cells.get(key, ()))
        return sorted(found)


class _Obstacles:
    """The nodes and the routed edges a label must keep clear of, indexed by where they are."""

    def __init__(self, nodes: Sequence[Node], edges: Sequence[Edge]) -> None:
        self.nodes, self.edges = nodes, edges
        self._nodes = _Grid([geo.grown((n.x, n.y, n.x, n.y), n.radius + _MARGIN) for n in nodes])
        # each edge's segments on their own: a lane across the figure has a box as wide as it
        self._segments = [(n, p, q) for n, e in enumerate(edges) for p, q in zip(e.path, e.path[1:])]
        self._grid = _Grid([(min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1]))
                            for _, p, q in self._segments])

    def on_nodes(self, box: Box, margin: float) -> int:
        return sum(self.nodes[i].meets(box, margin) for i in self._nodes.near(box))

    def crossed(self, box: Box, own_edge: int = -1) -> int:
        """Edges other than ``own_edge`` through the box: those with a segment through it
        (``Edge.meets``; a segment through the box has its box meeting the box, so it is near)."""
        hit = {n for n, p, q in (self._segments[i] for i in self._grid.near(box))
               if n != own_edge and geo.meets_segment(box, p, q)}
        return len(hit)

    def near_edges(self, point: Point, distance: float, own_edge: int) -> int:
        """Edges other than ``own_edge`` passing within ``distance`` of ``point``."""
        x, y = point
        box = (x - distance, y - distance, x + distance, y + distance)
        candidates = {self._segments[i][0] for i in self._grid.near(box)}
        return sum(self.edges[m].near(point, distance) for m in sorted(candidates) if m != own_edge)


def _badness(box: Box, around: _Obstacles, placed: Sequence[Label], own_edge: int = -1,
             margin: float = _MARGIN) -> tuple[int, int, int]:
    on_nodes = around.on_nodes(box, margin)
    crossed = around.crossed(box, own_edge)
    overlaps = sum(geo.overlap(box, other.box) for other in placed)
    return on_nodes, overlaps, crossed


def _label(box: Box, text: str, kind: str, owner: int) -> Label:
    return Label(round((box[0] + box[2]) / 2, 3), round((box[1] + box[3]) / 2, 3), text, kind, box, owner)


def _place_node_label(around: _Obstacles, q: int, kind: str, text: str, side: float,
                      placed: Sequence[Label]) -> Label:
    """A value above its node (an adjoint below), shifted sideways or outwards where an edge runs."""
    nodes = around.nodes
    width = geo.text_box(0, 0, text, VALUE_PT)[2] * 2
    best: tuple[tuple[int, int, int], int, Box] | None = None
    for rank, (fx, dy) in enumerate(_SHIFTS):
        box = _node_label_box(nodes[q], text, side, fx * width, dy)
        bad = _badness(box, around, placed)
        if best is None or (bad, rank) < (best[0], best[1]):
            best = (bad, rank, box)
        if bad == (0, 0, 0):
            break
    assert best is not None
    if best[0] != (0, 0, 0) and _badness(best[2], around, placed, margin=0.0) != (0, 0, 0):
        # a defect (a 28-digit value where an edge comes in): further from the node, if that is clear
        for fx, dy in _LIFTS:
            box = _node_label_box(nodes[q], text, side, fx * width, dy)
            if _badness(box, around, placed) == (0, 0, 0):
                return _label(box, text, kind, q)
    return _label(best[2], text, kind, q)


def _along(path: tuple[Point, ...], fraction: float) -> Point:
    """The point a fraction of the way along a polyline, by length."""
    lengths = [math.hypot(q[0] - p[0], q[1] - p[1]) for p, q in zip(path, path[1:])]
    goal = fraction * sum(lengths)
    for (p, q), length in zip(zip(path, path[1:]), lengths):
        if goal <= length and length > 0:
            t = goal / length
            return p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])
        goal -= length
    return path[-1]


def _place_partials(around: _Obstacles, partials: Sequence[str], placed: list[Label]) -> list[Label]:
    """Each edge's partial derivative on the edge (on a white ground), where no other edge runs
    and no other label is; the edges with the fewest such places are labelled first. Where
    only a value or an adjoint is in the way, that label moves to another of its places."""
    nodes, edges = around.nodes, around.edges
    options: dict[int, list[tuple[int, float, Box]]] = {}
    for n, text in enumerate(partials):
        if not text:
            continue
        path, scored = edges[n].path, []
        for fraction in _ALONG:
            x, y = _along(path, fraction)
            box = geo.text_box(x, y, text, PARTIAL_PT, LABEL_PAD)
            on_nodes, _, crossed = _badness(box, around, (), own_edge=n)
            # another edge passing close to the centre would make the label look like its own
            near = around.near_edges((x, y), 0.12, n)
            scored.append((on_nodes + crossed + near, abs(fraction - 0.45), box))
        options[n] = sorted(scored, key=lambda o: o[:2])
    labels: dict[int, Label] = {}
    for n in sorted(options, key=lambda n: (sum(o[0] == 0 for o in options[n]), n)):
        chosen = None
        for bad, _, box in options[n]:
            if bad:
                break
            others = placed + list(labels.values())
            in_way = [i for i, lab in enumerate(placed) if geo.overlap(box, lab.box)]
            if any(geo.overlap(box, lab.box) for lab in labels.values()) or any(
                    placed[i].kind not in ("value", "adjoint") for i in in_way):
                continue
            moved = {}
            for i in in_way:
                rest = [lab for j, lab in enumerate(others) if j != i and j not in moved] + list(moved.values())
                spot = _node_label_spot(around, placed[i], rest, box)
                if spot is None:
                    break
                moved[i] = spot
            if len(moved) == len(in_way):
                for i, spot in moved.items():
                    placed[i] = spot
                chosen = box
                break
        if chosen is None:  # no clear place: the least bad one
            def cost(option: tuple[int, float, Box]) -> tuple[int, float]:
                clash = sum(geo.overlap(option[2], other.box) for other in placed + list(labels.values()))
                return option[0] + clash, option[1]
            chosen = min(options[n], key=cost)[2]
        labels[n] = _label(chosen, partials[n], "partial", n)
    return [labels[n] for n in sorted(labels)]


def _node_label_spot(around: _Obstacles, label: Label, others: Sequence[Label], keep_clear: Box) -> Label | None:
    """Another clear place for a value or an adjoint, away from ``keep_clear``; None if none is."""
    side = 1.0 if label.kind == "value" else -1.0
    width = geo.text_box(0, 0, label.text, VALUE_PT)[2] * 2
    for fx, dy in _SHIFTS:
        box = _node_label_box(around.nodes[label.owner], label.text, side, fx * width, dy)
        if not geo.overlap(box, keep_clear) and _badness(box, around, others) == (0, 0, 0):
            return _label(box, label.text, label.kind, label.owner)
    return None
