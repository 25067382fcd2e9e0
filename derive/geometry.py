"""Plane geometry for laying out figure labels: boxes, circles, segments and curves in cm,
and an estimate of how much room a piece of LaTeX math takes.

The estimate errs wide: a layout that keeps estimated boxes apart keeps the typeset ones
apart. Network figures (generate.figure) and computation graphs (derive.graph_scene) share it.
"""

from __future__ import annotations

import math
import re

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1

PT_CM = 2.54 / 72.27

# widths in em of math-mode characters in Computer Modern, rounded up; a binary operator or a
# relation carries the medium or thick spaces TeX puts around it
_EM = {"-": 1.0, "+": 1.22, "=": 1.34, ".": 0.28, ",": 0.45, "(": 0.39, ")": 0.39, "/": 0.5, "'": 0.3,
       "|": 0.28, "[": 0.28, "]": 0.28, " ": 0.0, "~": 0.33, "<": 1.34, ">": 1.34, "*": 0.5}
_WIDE_LETTERS = {"m": 0.88, "w": 0.72, "M": 0.98, "W": 1.05}  # math italic
_COMMANDS = {"times": 1.22, "cdot": 0.72, "approx": 1.34, "Box": 0.78, "dots": 1.2, "ldots": 1.2, "cdots": 1.2,
             ";": 0.28, ",": 0.17, ":": 0.22, "!": -0.17, "quad": 1.0, "qquad": 2.0, "partial": 0.57,
             "infty": 1.0, "sum": 1.1, "ln": 1.1, "log": 1.55, "exp": 1.75, "sin": 1.4, "cos": 1.5, "tanh": 2.1,
             "left": 0.1, "right": 0.1, "displaystyle": 0.0, "textstyle": 0.0}
_ARGUMENT_ONLY = {"bar", "dot", "hat", "tilde", "vec", "mathbf", "mathrm", "mathit", "text", "operatorname", "mathsf",
                  "boldsymbol", "underline", "overline"}
_UPRIGHT = {"text", "operatorname", "mathrm", "mathsf"}
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


def math_extent(tex: str, upright: bool = False) -> tuple[float, float]:
    """(width, height) in em of ``tex`` typeset inline in math mode: subscripts and superscripts
    at 80 % of the width, a fraction as wide as its wider part and two lines tall."""
    width, height, i = 0.0, 1.0, 0
    while i < len(tex):
        token = _TOKEN.match(tex, i)
        assert token is not None
        t, i = token.group(), token.end()
        if t in ("_", "^"):
            arg, i = _group(tex, i)
            w, h = math_extent(arg)
            rest = tex[i:].lstrip()
            if rest[:1] in ("_", "^") and rest[:1] != t:  # w^{(1)}_{11}: the two are stacked
                other, i = _group(tex, len(tex) - len(rest) + 1)
                w2, h2 = math_extent(other)
                w, h = max(w, w2), max(h, h2) + 0.35
            width += 0.8 * w + 0.15  # a script font is wider than its size says; \scriptspace, italic correction
            height = max(height, 1.0 + 0.35 + 0.7 * (h - 1.0))
        elif t == "{":
            arg, i = _group(tex, i - 1)
            w, h = math_extent(arg, upright)
            width, height = width + w, max(height, h)
        elif t in (r"\frac", r"\tfrac", r"\dfrac"):
            top, i = _group(tex, i)
            bottom, i = _group(tex, i)
            (wt, ht), (wb, hb) = math_extent(top), math_extent(bottom)
            # in script style TeX drops the spaces around + and =, but not in proportion: measured
            width += 0.88 * max(wt, wb) + 0.3
            height = max(height, 0.7 * (ht + hb) + 0.5)
        elif t == r"\sqrt":
            arg, i = _group(tex, i)
            w, h = math_extent(arg)
            width, height = width + w + 0.85, max(height, h + 0.25)
        elif t.startswith("\\") and t[1:] in _ARGUMENT_ONLY:
            arg, i = _group(tex, i)
            w, h = math_extent(arg, upright=t[1:] in _UPRIGHT)
            width, height = width + w, max(height, h + (0.2 if t[1:] in ("bar", "dot", "hat", "tilde", "vec") else 0))
        elif t.startswith("\\"):
            width += _COMMANDS.get(t[1:], 0.62)  # a Greek letter or a symbol
        elif t == "}":
            continue
        else:
            width += _EM.get(t, 0.5 if t.isdigit() or upright else _WIDE_LETTERS.get(t, 0.8 if t.isupper() else 0.58))
    return width, height


def text_box(x: float, y: float, tex: str, size_pt: float, pad_cm: float = 0.0) -> Box:
    """The box, in cm, of math ``tex`` at ``size_pt`` centred on (x, y), widened 8 % and padded."""
    w, h = math_extent(tex)
    w_cm, h_cm = 1.08 * w * size_pt * PT_CM + 2 * pad_cm, h * size_pt * PT_CM + 2 * pad_cm
    return x - w_cm / 2, y - h_cm / 2, x + w_cm / 2, y + h_cm / 2


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


def meets_path(box: Box, path: tuple[Point, ...]) -> bool:
    """Whether a polyline passes through the box."""
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


def segments_cross(p1: Point, p2: Point, q1: Point, q2: Point) -> bool:
    """Whether two segments cross at an inner point of both."""
    def side(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    d1, d2, d3, d4 = side(q1, q2, p1), side(q1, q2, p2), side(p1, p2, q1), side(p1, p2, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


def paths_cross(a: tuple[Point, ...], b: tuple[Point, ...]) -> int:
    """How many times two polylines cross."""
    return sum(segments_cross(p, q, r, s) for p, q in zip(a, a[1:]) for r, s in zip(b, b[1:]))
