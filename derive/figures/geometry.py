"""Plane geometry for laying out figure labels: boxes, circles, segments and curves in cm,
and the box a piece of LaTeX math takes (its width from the page layout's estimate,
:mod:`derive.printing.layout`, its height from its scripts and fractions).

The box errs wide: a layout that keeps estimated boxes apart keeps the typeset ones apart
(``tests/derive/test_geometry.py`` measures it against TeX). Network figures
(generate.figure) and computation graphs (derive.figures.graph_scene) share the geometry.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from ..printing import layout

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1

PT_CM = 2.54 / 72.27

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|.", re.S)


def _group(tex: str, i: int) -> tuple[str, int]:
    """The argument starting at ``tex[i]`` (a brace group or one token) and the index after it."""
    while i < len(tex) and tex[i] == " ":
        i += 1
    if i >= len(tex):
        return "", i
    if tex[i] != "{":
        token = _TOKEN.match(tex, i)
        assert token is not None
        return token.group(), token.end()
    depth = 0
    for j in range(i, len(tex)):
        depth += {"{": 1, "}": -1}.get(tex[j], 0)
        if depth == 0:
            return tex[i + 1:j], j + 1
    return tex[i + 1:], len(tex)


def math_height(tex: str) -> float:
    """The height and depth in em of ``tex`` typeset inline: a line, more with scripts (more
    again where both are stacked), two lines for a fraction."""
    height, i = 1.0, 0
    while i < len(tex):
        token = _TOKEN.match(tex, i)
        assert token is not None
        t, i = token.group(), token.end()
        if t in ("_", "^"):
            arg, i = _group(tex, i)
            h = math_height(arg)
            rest = tex[i:].lstrip()
            if rest[:1] in ("_", "^") and rest[:1] != t:  # w^{(1)}_{11}: the two are stacked
                other, i = _group(tex, len(tex) - len(rest) + 1)
                h = max(h, math_height(other)) + 0.35
            height = max(height, 1.0 + 0.35 + 0.7 * (h - 1.0))
        elif t in (r"\frac", r"\tfrac", r"\dfrac"):
            top, i = _group(tex, i)
            bottom, i = _group(tex, i)
            height = max(height, 0.7 * (math_height(top) + math_height(bottom)) + 0.5)
        elif t == r"\sqrt" or t == "{":
            arg, i = _group(tex, i if t != "{" else i - 1)
            height = max(height, math_height(arg) + (0.25 if t == r"\sqrt" else 0.0))
        elif t in (r"\bar", r"\dot", r"\hat", r"\tilde", r"\vec"):
            arg, i = _group(tex, i)
            height = max(height, math_height(arg) + 0.2)
    return height


def text_box(x: float, y: float, tex: str, size_pt: float, pad_cm: float = 0.0) -> Box:
    """The box, in cm, of math ``tex`` at ``size_pt`` centred on (x, y), padded: as wide as the
    page layout's estimate (:func:`derive.printing.layout.width`, display style, so a fraction
    errs wide) and 8 % more."""
    w_cm, h_cm = _size(tex, size_pt, pad_cm)
    return x - w_cm / 2, y - h_cm / 2, x + w_cm / 2, y + h_cm / 2


@lru_cache(maxsize=4096)
def _size(tex: str, size_pt: float, pad_cm: float) -> tuple[float, float]:
    # a layout asks the size of one label at every place it tries
    return (1.08 * layout.width(tex) * size_pt * PT_CM + 2 * pad_cm, math_height(tex) * size_pt * PT_CM + 2 * pad_cm)


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def grown(box: Box, by: float) -> Box:
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


def meets_circle(box: Box, cx: float, cy: float, r: float) -> bool:
    nx, ny = min(max(cx, box[0]), box[2]), min(max(cy, box[1]), box[3])
    return (nx - cx) ** 2 + (ny - cy) ** 2 < r * r


def meets_segment(box: Box, p: Point, q: Point) -> bool:
    """Whether segment pq passes through the box (Liang–Barsky clipping)."""
    (x1, y1), (x2, y2) = p, q
    dx, dy = x2 - x1, y2 - y1
    lo, hi = 0.0, 1.0
    for edge_p, edge_q in ((-dx, x1 - box[0]), (dx, box[2] - x1), (-dy, y1 - box[1]), (dy, box[3] - y1)):
        if edge_p == 0:
            if edge_q < 0:
                return False
            continue
        t = edge_q / edge_p
        if edge_p < 0:
            lo = max(lo, t)
        else:
            hi = min(hi, t)
        if lo > hi:
            return False
    return True


def bounds(path: tuple[Point, ...]) -> Box:
    """The smallest box holding a polyline."""
    xs, ys = [p[0] for p in path], [p[1] for p in path]
    return min(xs), min(ys), max(xs), max(ys)


def meets_path(box: Box, path: tuple[Point, ...], around: Box | None = None) -> bool:
    """Whether a polyline passes through the box (``around``: the path's bounds, if known, to
    answer most questions without looking at its segments)."""
    if around is not None and not (box[0] <= around[2] and around[0] <= box[2] and box[1] <= around[3]
                                   and around[1] <= box[3]):
        return False
    return any(meets_segment(box, p, q) for p, q in zip(path, path[1:]))


def segment_distance(c: Point, p: Point, q: Point) -> float:
    """Distance from point c to segment pq."""
    (px, py), (qx, qy), (cx, cy) = p, q, c
    dx, dy = qx - px, qy - py
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else min(1.0, max(0.0, ((cx - px) * dx + (cy - py) * dy) / length2))
    return math.hypot(px + t * dx - cx, py + t * dy - cy)


def path_distance(c: Point, path: tuple[Point, ...]) -> float:
    return min(segment_distance(c, p, q) for p, q in zip(path, path[1:]))


def bezier(p0: Point, c1: Point, c2: Point, p3: Point, pieces: int = 24) -> tuple[Point, ...]:
    """A cubic Bézier curve as a polyline (what TikZ's ``.. controls c1 and c2 ..`` draws)."""
    out = []
    for n in range(pieces + 1):
        t = n / pieces
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3
        out.append((a * p0[0] + b * c1[0] + c * c2[0] + d * p3[0], a * p0[1] + b * c1[1] + c * c2[1] + d * p3[1]))
    return tuple(out)
