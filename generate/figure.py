"""Network figures: neurons, arrows and weight labels, as the lecture figures draw them.

A TikZ figure costs ~25 ms to typeset, so a sheet of 100 students cannot draw 200 of them.
What the variants of one problem share (neurons, arrows, the input and output symbols) is a
:class:`Skeleton`, drawn once per document into a box; each variant puts its numbers on it
with LaTeX's own ``picture`` commands, which cost next to nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DX, DY, RADIUS = 2.8, 1.5, 0.32  # cm: layer spacing, neuron spacing, neuron radius
T_WEIGHT = 0.3  # where along an arrow (from its source) its weight is written


@dataclass(frozen=True)
class Skeleton:
    sizes: tuple[int, ...]
    bias: bool

    def position(self, l: int, j: int) -> tuple[float, float]:
        """Centre of neuron j (0-based) of layer l (0 = inputs), in cm."""
        n = self.sizes[l]
        return l * DX, round(((n - 1) / 2 - j) * DY, 4)

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(x0, y0, width, height) of the drawing, room for the labels included."""
        top = (max(self.sizes) - 1) / 2 * DY
        x0, y0 = -1.2, -top - 0.6
        return x0, y0, round((len(self.sizes) - 1) * DX + 2.2, 4), round(2 * top + 1.5, 4)

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
    kind: str  # "weight" | "bias" | "input"


@dataclass(frozen=True)
class Figure:
    skeleton: Skeleton
    labels: tuple[Label, ...]


def network_figure(params: Any, x: Any, printer: Any) -> Figure:
    """The figure of one variant: its weights on the arrows, biases above, inputs inside."""
    sizes = (len(x),) + tuple(len(w) for w, _ in params)
    skeleton = Skeleton(sizes, any(b is not None for _, b in params))
    labels = []
    for k, value in enumerate(x):
        px, py = skeleton.position(0, k)
        labels.append(Label(px, py, printer.number(value), "input"))
    for l, (weights, bias) in enumerate(params, start=1):
        for j, row in enumerate(weights):
            for k, value in enumerate(row):
                (x1, y1), (x2, y2) = skeleton.position(l - 1, k), skeleton.position(l, j)
                t = T_WEIGHT
                labels.append(Label(round(x1 + t * (x2 - x1), 3), round(y1 + t * (y2 - y1), 3),
                                    printer.number(value), "weight"))
            if bias is not None:
                px, py = skeleton.position(l, j)
                symbol = "w_0" if printer.notation.bias == "w0" else "b"
                labels.append(Label(px, round(py + RADIUS + 0.22, 3), f"{symbol}={printer.number(bias[j])}", "bias"))
    return Figure(skeleton, tuple(labels))
