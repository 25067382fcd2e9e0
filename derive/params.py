"""Parameter counts of fully connected networks (Herrmann 3.2's figures)."""

from __future__ import annotations

from .errors import SpecError


def count(depth: int, width: int, inputs: int, outputs: int, bias: bool = True) -> int:
    """Parameters of a network with ``depth`` hidden layers of ``width`` neurons.

    Σ_l n_l (n_{l−1} + 1) with biases, Σ_l n_l n_{l−1} without, over the layer sizes
    (inputs, width, …, width, outputs).
    """
    sizes = [inputs] + [width] * depth + [outputs]
    return sum(n * (n_prev + (1 if bias else 0)) for n_prev, n in zip(sizes, sizes[1:]))


def parse_architectures(text: str) -> list[tuple[int, int]]:
    out = []
    for item in text.split(","):
        try:
            depth, width = (int(v) for v in item.lower().split("x"))
        except ValueError:
            raise SpecError("--params", f"cannot read {item.strip()!r}", "write DEPTHxWIDTH, e.g. 2x300,5x150") from None
        if depth < 0 or width < 1:
            raise SpecError("--params", f"{item.strip()!r} is not an architecture", "depth >= 0, width >= 1")
        out.append((depth, width))
    return out


def table(text: str, inputs: int, outputs: int, bias: bool) -> str:
    if inputs < 1 or outputs < 1:
        raise SpecError("--inputs/--outputs", "must be at least 1", "give positive sizes")
    rows = [f"{d} hidden layer(s) × {w} neurons: {count(d, w, inputs, outputs, bias):,} parameters"
            for d, w in parse_architectures(text)]
    head = f"{inputs} input(s), {outputs} output(s), {'with' if bias else 'without'} biases:"
    return head + "\n" + "\n".join("  " + r for r in rows) + "\n"
