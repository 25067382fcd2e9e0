"""The lectures' worked examples, shipped as specs, so a newcomer sees output first."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from .errors import SpecError
from .engine.network import Spec, loads, parse_spec
from .engine.numbers import Mode, hand


@dataclass(frozen=True)
class Shipped:
    name: str
    file: str
    summary: str
    mode: Mode | None = None  # the rounding the source uses, if any


CATALOGUE: tuple[Shipped, ...] = (
    Shipped("herrmann-backprop", "herrmann_backprop.toml",
            "Herrmann 3.4: 2-2-1, σ(z) = z², exact; ŷ = 4, C = 9/2, ∂C/∂W, one step (α = 0.001)"),
    Shipped("herrmann-homework", "herrmann_homework.toml",
            "Herrmann 3.2 homework: 1-2-2-1 step network with biases, x = 3 gives y = 1"),
    Shipped("bhadani-sigmoid", "bhadani_sigmoid.toml",
            "Bhadani: 1-2-3-1 sigmoid network, BCE, one step (η = 0.1), rounded to 4 decimals", hand(4)),
    Shipped("batch-relu", "batch_relu.toml",
            "full-batch gradient descent: 2-2-1 ReLU network, three examples, mean cost"),
)


def text(name: str) -> str:
    for entry in CATALOGUE:
        if entry.name == name:
            return resources.files("gradsheet.derive.examples").joinpath(entry.file).read_text(encoding="utf-8")
    raise SpecError("--example", f"unknown example {name!r}", f"use one of {', '.join(e.name for e in CATALOGUE)}")


def load(name: str, exact: bool = True) -> tuple[Spec, Mode | None]:
    """The example's spec and the mode its source computes in (None: the default);
    ``exact``: see :func:`derive.engine.network.parse_spec`."""
    entry = next((e for e in CATALOGUE if e.name == name), None)
    spec = parse_spec(loads(text(name), ".toml", name), exact)
    return spec, entry.mode if entry else None


def listing() -> str:
    width = max(len(e.name) for e in CATALOGUE)
    lines = [f"  {e.name.ljust(width)}  {e.summary}" for e in CATALOGUE]
    return "Lecture examples (run with derive --example NAME):\n" + "\n".join(lines) + "\n"
