"""``param_count``: the parameters of a fully connected architecture (Herrmann 3.1)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from derive import params
from derive.steps import Section, Step

from ..options import Table
from ..problem import Answer, Problem, Question
from ..sheet import Sheet
from . import Kind

_RANGES = {"easy": ((1, 2), (2, 5)), "medium": ((2, 4), (3, 20)), "hard": ((3, 10), (10, 100))}


@dataclass(frozen=True)
class Options:
    depth: tuple[int, int]
    width: tuple[int, int]
    bias: bool


def options(t: Table, difficulty: str) -> Options:
    (d0, d1), (w0, w1) = _RANGES[difficulty]
    return Options((t.integer("min_depth", d0, 1, 50), t.integer("max_depth", d1, 1, 50)),
                   (t.integer("min_width", w0, 1, 1000), t.integer("max_width", w1, 1, 1000)), t.boolean("bias", True))


def make(rng: np.random.Generator, opts: Options, sheet: Sheet, points: int) -> Problem:
    depth = int(rng.integers(opts.depth[0], max(opts.depth) + 1))
    width = int(rng.integers(opts.width[0], max(opts.width) + 1))
    inputs, outputs = int(rng.integers(1, 5)), int(rng.integers(1, 4))
    total = params.count(depth, width, inputs, outputs, opts.bias)
    sizes = [inputs] + [width] * depth + [outputs]
    terms = [rf"{b} \cdot {a}" + (f" + {b}" if opts.bias else "") for a, b in zip(sizes, sizes[1:])]
    values = [b * a + (b if opts.bias else 0) for a, b in zip(sizes, sizes[1:])]
    step = Step(r"N", r"\sum_{l=1}^{L} n_l\, n_{l-1}" + (r" + n_l" if opts.bias else ""),
                " + ".join(f"({t})" for t in terms) + " = " + " + ".join(map(str, values)), str(total))
    answer = Answer("params", r"N", sp.Integer(total), str(total), float(total), 0.0)
    return Problem(
        kind="param_count", title="Counting parameters", points=points,
        statement={"inputs": inputs, "outputs": outputs, "depth": depth, "width": width, "bias": opts.bias},
        questions=(Question("How many trainable parameters does the network have?", points),),
        solution=(Section("Parameters, layer by layer", (step,),
                          "Each layer has one weight per connection" + (" and one bias per neuron." if opts.bias else ".")),),
        answers=(answer,),
        fingerprint=f"{inputs}-{width}x{depth}-{outputs}",
    )


KIND = Kind("param_count", "Counting parameters", "the parameters of a fully connected architecture", options, make)
