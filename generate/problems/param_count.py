"""``param_count``: the parameters of a fully connected architecture (Herrmann 3.1)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradsheet.derive.engine import params
from gradsheet.derive.printing.step import Section, Step

from ..options import Table
from ..printing import grouped
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
    return Options(t.span("min_depth", "max_depth", (d0, d1), 1, 50), t.span("min_width", "max_width", (w0, w1), 1, 1000),
                   t.boolean("bias", True))


INPUTS, OUTPUTS = 4, 3  # drawn from 1…4 and 1…3


def capacity(opts: Options) -> int:
    return (opts.depth[1] - opts.depth[0] + 1) * (opts.width[1] - opts.width[0] + 1) * INPUTS * OUTPUTS


def make(rng: np.random.Generator, opts: Options, sheet: Sheet, points: int) -> Problem:
    depth = int(rng.integers(opts.depth[0], max(opts.depth) + 1))
    width = int(rng.integers(opts.width[0], max(opts.width) + 1))
    inputs, outputs = int(rng.integers(1, INPUTS + 1)), int(rng.integers(1, OUTPUTS + 1))
    total = params.count(depth, width, inputs, outputs, opts.bias)
    steps = layer_steps(inputs, width, depth, outputs, opts.bias)
    answer = Answer("params", r"N", total, grouped(total), float(total), 0.0)
    return Problem(
        kind="param_count", title="Counting parameters", points=points,
        statement={"inputs": inputs, "outputs": outputs, "depth": depth, "width": width, "bias": opts.bias},
        questions=(Question(sheet.say("How many trainable parameters does the network have?"), points, ("params",)),),
        solution=(Section("Parameters, layer by layer", steps,
                          sheet.say("Each layer has one weight per connection and one bias per neuron." if opts.bias
                                    else "Each layer has one weight per connection.")),),
        answers=(answer,),
        fingerprint=f"{inputs}-{width}x{depth}-{outputs}",
    )


def layer_steps(inputs: int, width: int, depth: int, outputs: int, bias: bool) -> tuple[Step, ...]:
    """N^(l) = n_l n_(l−1) (+ n_l) per layer, the equal hidden-to-hidden layers on one row, then N = Σ_l N^(l)."""
    def row(lhs: str, l: str, previous: str, n_in: int, n_out: int) -> Step:
        rule = rf"n_{{{l}}}\, n_{{{previous}}}" + (rf" + n_{{{l}}}" if bias else "")
        return Step(lhs, rule, rf"{n_out} \cdot {n_in}" + (f" + {n_out}" if bias else ""),
                    grouped(n_out * n_in + (n_out if bias else 0)))

    first = row("N^{(1)}", "1", "0", inputs, width)
    last = row(f"N^{{({depth + 1})}}", str(depth + 1), str(depth), width, outputs)
    steps, terms = [first], [first.result]
    if depth >= 2:
        lhs = "N^{(2)}" if depth == 2 else rf"N^{{(2)}} = \dots = N^{{({depth})}}"
        middle = row(lhs, "l", "l-1", width, width)
        steps.append(middle)
        terms.append(middle.result if depth == 2 else rf"{depth - 1} \cdot {middle.result}")
    steps.append(last)
    terms.append(last.result)
    total = params.count(depth, width, inputs, outputs, bias)
    steps.append(Step("N", rf"\sum_{{l=1}}^{{{depth + 1}}} N^{{(l)}}", " + ".join(terms), grouped(total)))
    return tuple(steps)


KIND = Kind("param_count", "Counting parameters", "the parameters of a fully connected architecture", options, make,
            capacity, "widen min_depth…max_depth or min_width…max_width")
