"""Parameter counts of fully connected networks (Herrmann 3.2's figures)."""

from __future__ import annotations

from ..errors import SpecError

SIZE_LIMIT = 10**15  # layers, neurons, inputs: counting is arithmetic, but a size is typed by a person


def count(depth: int, width: int, inputs: int, outputs: int, bias: bool = True) -> int:
    """Parameters of a network with ``depth`` hidden layers of ``width`` neurons.

    Σ_l n_l (n_{l−1} + 1) with biases, Σ_l n_l n_{l−1} without, over the layer sizes
    (inputs, width, …, width, outputs).
    """
    b = 1 if bias else 0
    if depth == 0:
        return outputs * (inputs + b)
    # in closed form: a million layers are one multiplication, not a list of a million sizes
    return width * (inputs + b) + (depth - 1) * width * (width + b) + outputs * (width + b)


def parse_architectures(text: str) -> list[tuple[int, int]]:
    out = []
    for item in text.split(","):
        try:
            depth, width = (int(v) for v in item.lower().split("x"))
        except ValueError:
            raise SpecError("--params", f"cannot read {item.strip()!r}", "write DEPTHxWIDTH, e.g. 2x300,5x150") from None
        if depth < 0 or width < 1:
            raise SpecError("--params", f"{item.strip()!r} is not an architecture", "depth >= 0, width >= 1")
        if max(depth, width) > SIZE_LIMIT:
            raise SpecError("--params", f"{item.strip()[:40]!r} is past the limit", f"sizes up to {SIZE_LIMIT:,}")
        out.append((depth, width))
    return out


def table(text: str, inputs: int, outputs: int, bias: bool) -> str:
    if inputs < 1 or outputs < 1:
        raise SpecError("--inputs/--outputs", "must be at least 1", "give positive sizes")
    if max(inputs, outputs) > SIZE_LIMIT:
        raise SpecError("--inputs/--outputs", "past the limit", f"sizes up to {SIZE_LIMIT:,}")
    rows = [f"{d} hidden layer(s) × {w} neurons: {count(d, w, inputs, outputs, bias):,} parameters"
            for d, w in parse_architectures(text)]
    head = f"{inputs} input(s), {outputs} output(s), {'with' if bias else 'without'} biases:"
    return head + "\n" + "\n".join("  " + r for r in rows) + "\n"
