"""Network figures: neurons, arrows and weight labels, as the lecture figures draw them.

A TikZ figure costs ~25 ms to typeset, so a sheet of 100 students cannot draw 200 of them.
What the variants of one problem share (neurons, arrows, the output symbols) is a
:class:`Skeleton`, drawn once per document into a box; each variant puts its numbers on it
with LaTeX's own ``picture`` commands, which cost next to nothing.

Labels are laid out, not just put down: each has a box (its text's width at ``\\scriptsize``,
estimated a little wide), and a weight goes where along its own arrow the box touches no
neuron, no other arrow and no label placed before it. The most constrained arrows are placed
first. Where no such place exists for every weight (6 neurons a layer have 36 arrows between
two layers), the figure shows the structure and the statement's matrices carry the weights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from gradsheet.derive.figures import geometry as geo
from gradsheet.derive.figures.geometry import Box

DX, DY, RADIUS = 2.8, 1.5, 0.32  # cm: layer spacing, neuron spacing, neuron radius


WIDEST_CM = 16.3  # a figure's width on a question's line (17 cm of text, the question's indent)


@dataclass(frozen=True)
class Skeleton:
    sizes: tuple[int, ...]
    bias: bool
    values_left: bool = False  # inputs named by the variant ("x_1 = −0.8"), not by the skeleton

    def position(self, l: int, j: int) -> tuple[float, float]:
        """Centre of neuron j (0-based) of layer l (0 = inputs), in cm."""
        n = self.sizes[l]
        return l * DX, round(((n - 1) / 2 - j) * DY, 4)

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(x0, y0, width, height) of the drawing, room for the labels included: x_k on the
        left, the biases above and below, ŷ on the right."""
        top = (max(self.sizes) - 1) / 2 * DY
        left = round(RADIUS + 0.1, 4) if self.values_left else 1.2  # the variant's labels widen its box
        return -left, -top - 0.8, round((len(self.sizes) - 1) * DX + 1.1 + left, 4), round(2 * top + 1.6, 4)

    def neurons(self) -> list[dict[str, Any]]:
        return [{"l": l, "j": j, "x": x, "y": y, "input": l == 0}
                for l, n in enumerate(self.sizes) for j in range(n) for x, y in [self.position(l, j)]]

    def arrows(self) -> list[dict[str, float]]:
        out = []
        for l in range(1, len(self.sizes)):
            for j in range(self.sizes[l]):
                for k in range(self.sizes[l - 1]):
                    (x1, y1), (x2, y2) = self.position(l - 1, k), self.position(l, j)
                    length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
                    ux, uy = (x2 - x1) / length * (RADIUS + 0.02), (y2 - y1) / length * (RADIUS + 0.02)
                    out.append({"x1": round(x1 + ux, 3), "y1": round(y1 + uy, 3),
                                "x2": round(x2 - ux, 3), "y2": round(y2 - uy, 3)})
        return out

    def outputs(self) -> list[dict[str, Any]]:
        L = len(self.sizes) - 1
        return [{"j": j + 1, "x": x, "y": y} for j in range(self.sizes[-1]) for x, y in [self.position(L, j)]]


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str  # LaTeX (math mode)
    kind: str  # "weight" | "bias" | "input" (in its circle, \\small) | "inputsmall" (\\scriptsize)
    #            | "inputleft" ("x_k = value" ending at (x, y), \\normalsize, where a value fits no circle)


@dataclass(frozen=True)
class Figure:
    skeleton: Skeleton
    labels: tuple[Label, ...]
    weights_shown: bool = True  # False: too many arrows to label; the matrices carry the weights

    @property
    def box(self) -> tuple[float, float, float, float]:
        """The skeleton's box, widened on the left for the inputs' "x_k = value" labels."""
        x0, y0, w, h = self.skeleton.box
        left = min([x0] + [_box(lab.x, lab.y, lab.text, lab.kind)[0] - 0.05 for lab in self.labels
                           if lab.kind == "inputleft"])
        return round(left, 3), y0, round(w + x0 - left, 3), h


# label boxes, in cm, at \scriptsize (8 pt) in a \colorbox with 0.8 pt padding: a digit is
# 4 pt, a minus 6.2 pt, a point 2.2 pt; estimated wide so that boxes that pass never touch
_CHAR_CM = {"-": 0.23, ".": 0.09, "=": 0.23, ",": 0.09}
_DIGIT_CM, _LETTER_CM, _HEIGHT_CM, _PAD_CM = 0.15, 0.17, 0.34, 0.06
_CANDIDATES = tuple(round(0.2 + 0.04 * i, 2) for i in range(16))  # t along an arrow, from its source
_PREFERRED = 0.3  # the lectures write a weight nearer the arrow's source


_SCALE = {"weight": 1.0, "bias": 1.0, "input": 1.25, "inputsmall": 1.0, "inputleft": 1.375}  # 8, 10 and 11 pt
_GAP_CM = 0.12  # between two weights side by side: closer, they read as one ("1 −3") where arrows cross
_CLEAR_CM = 0.04  # between an input's value and its circle's line: a value touching it reads as spilling


@lru_cache(maxsize=65536)
def text_width(tex: str, kind: str = "weight") -> float:
    """The width in cm of a label's math text (commands and braces print nothing)."""
    plain = re.sub(r"\\[A-Za-z]+|[{}_^\\\s]", "", tex)  # math mode prints no spaces
    pad = 2 * _PAD_CM if kind in ("weight", "bias") else 0.0  # only weights sit in a \\colorbox
    return (sum(_CHAR_CM.get(c, _DIGIT_CM if c.isdigit() else _LETTER_CM) for c in plain) + pad) * _SCALE[kind]


def _box(x: float, y: float, text: str, kind: str = "weight") -> Box:
    w, h = text_width(text, kind), _HEIGHT_CM * _SCALE[kind]
    if kind == "inputleft":  # right-aligned at (x, y)
        return x - w, y - h / 2, x, y + h / 2
    return x - w / 2, y - h / 2, x + w / 2, y + h / 2


def inside_circle(text: str, kind: str) -> bool:
    """Whether a value fits in an input's circle, its box's corners ``_CLEAR_CM`` inside the
    line. The box is a digit's height (0.7 em), not the label's line height: that is what ink
    a number puts near the circle's top and bottom."""
    half_w, half_h = text_width(text, kind) / 2, 0.7 * 8 * _SCALE[kind] / 72 * 2.54 / 2
    return (half_w ** 2 + half_h ** 2) ** 0.5 <= RADIUS - _CLEAR_CM


@dataclass(frozen=True)
class _Scene:
    """What a label must keep clear of: the neurons and every arrow."""

    circles: tuple[tuple[float, float], ...]
    segments: tuple[tuple[tuple[float, float], tuple[float, float]], ...]

    def clear(self, box: Box, own: int = -1) -> bool:
        return self.off_nodes(box) and not self.crossings(box, own)

    def crossings(self, box: Box, own: int = -1) -> int:
        """How many arrows besides its own pass under the box (its white background hides them there)."""
        return sum(geo.meets_segment(box, p, q) for n, (p, q) in enumerate(self.segments) if n != own)

    def off_nodes(self, box: Box) -> bool:
        return not any(geo.meets_circle(box, cx, cy, RADIUS + 0.03) for cx, cy in self.circles)


@lru_cache(maxsize=256)
def _scene(skeleton: Skeleton) -> _Scene:
    segments = [((a["x1"], a["y1"]), (a["x2"], a["y2"])) for a in skeleton.arrows()]
    segments += [((o["x"] + RADIUS, o["y"]), (o["x"] + RADIUS + 0.5, o["y"])) for o in skeleton.outputs()]
    return _Scene(tuple((n["x"], n["y"]) for n in skeleton.neurons()), tuple(segments))


def _near_crossing(scene: _Scene, x: float, y: float, own: int) -> bool:
    """Whether another arrow passes within a label's half height of its centre: there the label
    would sit on two arrows at once, and a reader could not tell whose weight it is."""
    probe = (x - 0.09, y - _HEIGHT_CM / 2, x + 0.09, y + _HEIGHT_CM / 2)
    return scene.crossings(probe, own) > 0


@lru_cache(maxsize=65536)
def _spots(skeleton: Skeleton, n: int, width: float) -> tuple[tuple[float, float, Box], ...]:
    """Where along arrow n a label ``width`` wide may sit, best first: fewest arrows under it,
    then nearest the preferred point. A figure's labels differ only in width, and a class
    reuses a few dozen widths on a few skeletons: cached, a figure costs microseconds."""
    scene, a, h = _scene(skeleton), skeleton.arrows()[n], _HEIGHT_CM * _SCALE["weight"]
    scored = []
    for t in _CANDIDATES:
        x, y = a["x1"] + t * (a["x2"] - a["x1"]), a["y1"] + t * (a["y2"] - a["y1"])
        box = x - width / 2, y - h / 2, x + width / 2, y + h / 2
        if scene.off_nodes(box) and not _near_crossing(scene, x, y, n):
            scored.append((scene.crossings(box, n), abs(t - _PREFERRED), t, (round(x, 3), round(y, 3), box)))
    return tuple(entry[-1] for entry in sorted(scored, key=lambda e: e[:3]))


def _widened(box: Box) -> Box:
    return box[0] - _GAP_CM, box[1], box[2] + _GAP_CM, box[3]


def place_weights(skeleton: Skeleton, texts: list[str]) -> list[tuple[float, float]] | None:
    """A point on each arrow (in ``skeleton.arrows()`` order) for its label: its box touches no
    neuron and no other box, no other arrow passes near its centre, and as few as possible pass
    under it; None when some arrow has no such point."""
    arrows = skeleton.arrows()
    options: list[tuple[tuple[float, float, Box], ...]] = []
    for n, text in enumerate(texts):
        here = _spots(skeleton, n, text_width(text, "weight"))
        if not here:
            return None
        options.append(here)
    placed: dict[int, tuple[float, float, Box]] = {}
    for n in sorted(range(len(arrows)), key=lambda n: (len(options[n]), n)):
        choice = next((o for o in options[n] if not any(geo.overlap(_widened(o[2]), p[2]) for p in placed.values())),
                      None)
        if choice is None:
            return None
        placed[n] = choice
    return [(placed[n][0], placed[n][1]) for n in range(len(arrows))]


def place_beside(skeleton: Skeleton, x: float, y: float, text: str, taken: list[Box]) -> tuple[float, float] | None:
    """A spot for a neuron's bias label next to it (above, below, then diagonally), clear of everything."""
    scene, h = _scene(skeleton), _HEIGHT_CM
    w = text_width(text)
    gap = RADIUS + h / 2 + 0.05
    bx0, by0, bw, bh = skeleton.box
    for dx, dy in ((0, gap), (0, -gap), (w / 2 + 0.1, gap), (w / 2 + 0.1, -gap), (-w / 2 - 0.1, gap),
                   (-w / 2 - 0.1, -gap)):
        box = _box(x + dx, y + dy, text)
        inside = bx0 <= box[0] and box[2] <= bx0 + bw and by0 <= box[1] and box[3] <= by0 + bh
        if inside and scene.clear(box) and not any(geo.overlap(box, other) for other in taken):
            return round(x + dx, 3), round(y + dy, 3)
    return None


def label_boxes(figure: Figure) -> list[tuple[Label, Box]]:
    """Each label with the box it covers (for the layout tests)."""
    return [(lab, _box(lab.x, lab.y, lab.text, lab.kind)) for lab in figure.labels]


def network_figure(params: Any, x: Any, printer: Any) -> Figure:
    """The figure of one variant: its weights on the arrows where they fit, biases beside their
    neurons, input values inside their circles (all as "x_k = value" on their left where one
    does not fit)."""
    sizes = (len(x),) + tuple(len(w) for w, _ in params)
    values = [printer.number(value) for value in x]
    # in its circle, smaller if need be; where one value fits no circle (−0.8 does not: its
    # minus is as wide as a digit and a half), every input reads "x_k = value" on its left
    inside = [next((k for k in ("input", "inputsmall") if inside_circle(text, k)), None) for text in values]
    bias = any(b is not None for _, b in params)
    skeleton, labels = Skeleton(sizes, bias), []
    if None not in inside:
        labels = [Label(*skeleton.position(0, k), text, str(kind)) for k, (text, kind) in enumerate(zip(values, inside))]
    else:
        skeleton = Skeleton(sizes, bias, values_left=True)
        labels = [Label(round(skeleton.position(0, k)[0] - RADIUS - 0.1, 3), skeleton.position(0, k)[1],
                        f"x_{{{k + 1}}} = {text}", "inputleft") for k, text in enumerate(values)]
        if Figure(skeleton, tuple(labels)).box[2] > WIDEST_CM:  # a deep network: the statement's x carries them
            skeleton, labels = Skeleton(sizes, bias), []
    weights = [printer.number(value) for l, (w, _) in enumerate(params, start=1)
               for j, row in enumerate(w) for value in row]
    # skeleton.arrows() runs over layers, then targets j, then sources k: the same order
    spots = place_weights(skeleton, weights)
    if spots is not None:
        labels += [Label(px, py, text, "weight") for (px, py), text in zip(spots, weights)]
    taken = [b for _, b in label_boxes(Figure(skeleton, tuple(labels)))]
    for l, (_, bias) in enumerate(params, start=1):
        if bias is None:
            continue
        symbol = "w_0" if printer.notation.bias == "w0" else "b"
        for j, value in enumerate(bias):
            px, py = skeleton.position(l, j)
            text = f"{symbol}={printer.number(value)}"
            spot = place_beside(skeleton, px, py, text, taken)
            if spot is None:  # no room beside this neuron: the figure shows the structure alone
                return Figure(skeleton, tuple(lab for lab in labels if lab.kind.startswith("input")),
                              weights_shown=False)
            labels.append(Label(spot[0], spot[1], text, "bias"))
            taken.append(_box(spot[0], spot[1], text))
    return Figure(skeleton, tuple(labels), weights_shown=spots is not None)
