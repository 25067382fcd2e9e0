"""Network figures' labels never overlap (issue 15): checked on the label boxes in Python, over
every network shape a sheet accepts up to 4 layers and over the number styles' widths."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradsheet.derive.figures.geometry import meets_circle as _meets_circle
from gradsheet.derive.figures.geometry import meets_segment as _meets_segment
from gradsheet.derive.figures.geometry import overlap as _overlap
from gradsheet.generate.figure import RADIUS, Figure, Skeleton, label_boxes, network_figure
from tests.conftest import examples, thorough


@dataclass(frozen=True)
class _Notation:
    bias: str = "b"


@dataclass(frozen=True)
class _Printer:
    """Prints numbers as the sheets do: integers, or a fixed number of decimals."""

    decimals: int
    notation: _Notation = _Notation()

    def number(self, value: float) -> str:
        return f"{value:.{self.decimals}f}".replace("-", "-") if self.decimals else str(int(value))


def figure(sizes: tuple[int, ...], values: list[float], decimals: int, bias: bool) -> Figure:
    it = itertools.cycle(values)
    params = [([[next(it) for _ in range(sizes[l - 1])] for _ in range(sizes[l])],
               [next(it) for _ in range(sizes[l])] if bias else None) for l in range(1, len(sizes))]
    return network_figure(params, [next(it) for _ in range(sizes[0])], _Printer(decimals))


def assert_readable(fig: Figure) -> None:
    sk = fig.skeleton
    boxes = label_boxes(fig)
    x0, y0, w, h = fig.box
    assert w <= 16.3 or not sk.values_left, "the inputs' labels make it wider than a question's line"
    arrows = [((a["x1"], a["y1"]), (a["x2"], a["y2"])) for a in sk.arrows()]
    weights = iter(range(len(arrows)))
    for n, (label, box) in enumerate(boxes):
        assert x0 <= box[0] and box[2] <= x0 + w and y0 <= box[1] and box[3] <= y0 + h, (label, sk.box)
        for other, other_box in boxes[n + 1:]:
            assert not _overlap(box, other_box), (label, other)
            if label.kind == other.kind == "weight":  # side by side, two weights read as one ("1 −3")
                assert not _overlap((box[0] - 0.12, box[1], box[2] + 0.12, box[3]), other_box), (label, other)
        if label.kind in ("input", "inputsmall"):
            # inside its own circle, clear of its line: the digits' box, corners and all
            ink_w, ink_h = box[2] - box[0], 0.7 * (10 if label.kind == "input" else 8) / 72 * 2.54
            assert ((ink_w / 2) ** 2 + (ink_h / 2) ** 2) ** 0.5 <= RADIUS - 0.04 + 1e-9, label
            continue
        if label.kind == "inputleft":
            assert box[2] < label.x + 1e-9 and label.x <= sk.position(0, 0)[0] - RADIUS, label
            assert re.fullmatch(r"x_\{\d\} = -?[\d.]+", label.text), label
            continue
        for neuron in sk.neurons():
            assert not _meets_circle(box, neuron["x"], neuron["y"], RADIUS), (label, neuron)
        if label.kind == "weight":
            own = next(weights)
            (ax, ay), (bx, by) = arrows[own]
            cross = (bx - ax) * (label.y - ay) - (by - ay) * (label.x - ax)
            assert abs(cross) / ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5 < 0.01, "off its own arrow"
            probe = (label.x - 0.09, label.y - 0.1, label.x + 0.09, label.y + 0.1)
            for k, (p, q) in enumerate(arrows):
                if k != own:
                    assert not _meets_segment(probe, p, q), (label, "sits where another arrow crosses")
    if fig.weights_shown:
        assert sum(lab.kind == "weight" for lab, _ in boxes) == len(arrows)


# every two-layer shape; three-layer ones up to 3 wide in the thorough run (they add nothing
# a two-layer figure does not have, layer by layer)
SHAPES = [s for depth in ((2, 3) if thorough() else (2,)) for s in itertools.product(range(1, 7), repeat=depth + 1)
          if len(s) <= 3 or max(s) <= 3]


@pytest.mark.sweep
@pytest.mark.parametrize("decimals", [0, 1, 2, 4] if thorough() else [0, 4])
def test_labels_never_overlap_on_any_network_shape(decimals: int) -> None:
    values = [-3.0, 2.0, -0.75, 0.1234, -1.5, 3.0] if decimals else [-3.0, 2.0, -1.0, 3.0, -2.0]
    for sizes in SHAPES:
        for bias in (True, False):
            assert_readable(figure(sizes, values, decimals, bias))


def test_the_lectures_small_networks_keep_their_weights_on_the_arrows() -> None:
    for sizes in [(2, 2, 1), (2, 3, 1), (2, 2, 3), (3, 3, 2), (2, 3, 3, 1), (1, 2, 1)]:
        assert figure(sizes, [-3.0, 2.0, 1.0], 0, True).weights_shown, sizes
    for sizes in [(2, 2, 1), (2, 3, 1), (2, 2, 3), (1, 2, 1)]:
        assert figure(sizes, [-0.75, 0.25], 2, True).weights_shown, sizes


def test_too_many_arrows_give_the_structure_and_say_so() -> None:
    fig = figure((6, 6, 6), [-0.1234, 0.5], 4, True)
    assert not fig.weights_shown and not any(lab.kind in ("weight", "bias") for lab in fig.labels)


@settings(max_examples=examples(1), deadline=None)
@given(sizes=st.lists(st.integers(1, 6), min_size=3, max_size=4).map(tuple),
       values=st.lists(st.floats(-99, 99, allow_nan=False).map(lambda v: round(v, 4)), min_size=1, max_size=8),
       decimals=st.sampled_from([0, 1, 2, 3, 4]), bias=st.booleans())
def test_labels_never_overlap_for_any_numbers(sizes: tuple[int, ...], values: list[float], decimals: int,
                                               bias: bool) -> None:
    assert_readable(figure(sizes, values, decimals, bias))


def test_skeletons_depend_on_the_numbers_only_through_where_the_inputs_are_named() -> None:
    # one skeleton is drawn once per document and shared by every variant of its shape: two
    # at most, inputs named in the skeleton (values in the circles) or beside by the variant
    a, b = figure((2, 3, 1), [1.0], 0, True), figure((2, 3, 1), [0.5, 2.0], 1, True)
    assert a.skeleton == b.skeleton == Skeleton((2, 3, 1), True)
    c, d = figure((2, 3, 1), [-100.0], 0, True), figure((2, 3, 1), [-0.1234], 4, True)
    assert c.skeleton == d.skeleton == Skeleton((2, 3, 1), True, values_left=True)


def test_an_input_value_too_wide_for_its_circle_is_written_beside_it_with_its_name() -> None:
    # −0.8 and −0.9 ran out of their circles into the weight labels (issue 32)
    fig = figure((2, 2, 1), [-0.8, -0.9, 0.5], 1, True)
    inputs = [lab for lab in fig.labels if lab.kind.startswith("input")]
    assert [lab.text for lab in inputs] == ["x_{1} = -0.8", "x_{2} = -0.9"]
    assert {lab.kind for lab in inputs} == {"inputleft"} and fig.skeleton.values_left
    assert_readable(fig)
    # values that fit stay in their circles, and the skeleton names the inputs
    fig = figure((2, 2, 1), [0.5, 3.0], 1, True)
    assert [lab.kind for lab in fig.labels if lab.kind.startswith("input")] == ["input", "input"]
    assert not fig.skeleton.values_left
