"""Hypothesis strategies: random small networks and their examples (minitorch's pattern)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from derive.network import Spec, parse_spec

# Every differentiable activation; step is left out (its gradient is 0 by construction).
HIDDEN = ("identity", "square", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "silu", "gelu", "softplus")
RATIONAL_HIDDEN = ("identity", "square", "relu", "leaky_relu")

# small quarter-step weights keep every value readable and away from overflow
weights_values = st.integers(-8, 8).map(lambda n: str(Fraction(n, 4)))


@st.composite
def specs(draw, hidden=HIDDEN, losses=("half_sse", "mse", "bce", "cross_entropy"), max_depth=4, max_width=4,
          max_examples=3) -> Spec:
    loss = draw(st.sampled_from(losses))
    depth = draw(st.integers(1, max_depth))
    sizes = [draw(st.integers(1, max_width)) for _ in range(depth + 1)]
    if loss == "cross_entropy":
        sizes[-1] = max(sizes[-1], 2)
    with_bias = draw(st.booleans())
    layers = []
    for l in range(1, depth + 1):
        if l < depth:
            act = draw(st.sampled_from(hidden))
        else:
            act = {"bce": "sigmoid", "cross_entropy": "softmax"}.get(loss) or draw(st.sampled_from(hidden))
        layer = {
            "weights": [[draw(weights_values) for _ in range(sizes[l - 1])] for _ in range(sizes[l])],
            "activation": act,
        }
        if with_bias:
            layer["bias"] = [draw(weights_values) for _ in range(sizes[l])]
        layers.append(layer)
    m = draw(st.integers(1, max_examples))
    examples = []
    for _ in range(m):
        x = [draw(weights_values) for _ in range(sizes[0])]
        if loss == "bce":
            y = [draw(st.sampled_from(["0", "1", "1/4"])) for _ in range(sizes[-1])]
        elif loss == "cross_entropy":
            hot = draw(st.integers(0, sizes[-1] - 1))
            y = [1 if j == hot else 0 for j in range(sizes[-1])]
        else:
            y = [draw(weights_values) for _ in range(sizes[-1])]
        examples.append({"x": x, "y": y})
    return parse_spec({"loss": loss, "layers": layers, "examples": examples, "learning_rate": "1/10"})


# --- expressions for computation graphs -------------------------------------------------

UNARY = ("exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "square")
BINARY = ("+", "-", "*", "/")


@st.composite
def expression_texts(draw, max_operations=6, inputs=("x1", "x2", "x3")) -> str:
    """A formula of 1 to ``max_operations`` elementary operations on some of ``inputs``."""
    budget = draw(st.integers(1, max_operations))

    def build(ops: int) -> str:
        if ops == 0:
            if draw(st.integers(0, 4)) == 0:
                return str(draw(st.integers(1, 3)))
            return draw(st.sampled_from(inputs))
        kind = draw(st.sampled_from(("unary", "binary", "binary", "power")))
        if kind == "unary":
            return f"{draw(st.sampled_from(UNARY))}({build(ops - 1)})"
        if kind == "power":
            exponent = draw(st.sampled_from(("2", "3", "(-1)")))
            return f"({build(ops - 1)})^{exponent}"
        left = draw(st.integers(0, ops - 1))
        return f"({build(left)} {draw(st.sampled_from(BINARY))} {build(ops - 1 - left)})"

    return "y = " + build(budget)


input_values = st.integers(-12, 11).map(lambda n: Fraction(n if n < 0 else n + 1, 4))  # ±1/4 … ±3, never 0


# --- a fixed sweep of networks up to the symbolic limit (test and benchmark share it) -------

SWEEP_LOSSES = ("half_sse", "mse", "bce", "cross_entropy")


def sweep_specs(limit: int, seeds: range = range(2)) -> list[tuple[str, Spec]]:
    """(label, spec) for every elementwise activation × depth 1–4 × seed: sizes drawn until the
    parameter count lies in (limit/2, limit], the loss cycling through every loss."""
    import numpy as np

    from derive import activations

    hidden = [n for n in activations.NAMES if activations.get(n).elementwise]
    out = []
    for a, act in enumerate(hidden):
        for depth in range(1, 5):
            for seed in seeds:
                rng = np.random.default_rng([a, depth, seed])
                loss = SWEEP_LOSSES[(a + depth + seed) % len(SWEEP_LOSSES)]
                with_bias = bool(rng.integers(2))
                while True:
                    sizes = [int(n) for n in rng.integers(1, 7, depth + 1)]
                    if loss == "cross_entropy":
                        sizes[-1] = max(sizes[-1], 2)
                    count = sum(sizes[l + 1] * (sizes[l] + with_bias) for l in range(depth))
                    if limit // 2 < count <= limit or (depth == 1 and count <= limit):
                        break
                layers = []
                for l in range(depth):
                    last = l == depth - 1
                    name = {"bce": "sigmoid", "cross_entropy": "softmax"}.get(loss, act) if last else act
                    layer = {"weights": (rng.integers(-8, 9, (sizes[l + 1], sizes[l])) / 4).tolist(),
                             "activation": name}
                    if with_bias:
                        layer["bias"] = (rng.integers(-8, 9, sizes[l + 1]) / 4).tolist()
                    layers.append(layer)
                x = (rng.integers(-8, 9, sizes[0]) / 4).tolist()
                if loss == "cross_entropy":
                    hot = int(rng.integers(sizes[-1]))
                    y = [1 if j == hot else 0 for j in range(sizes[-1])]
                elif loss == "bce":
                    y = [int(v) for v in rng.integers(0, 2, sizes[-1])]
                else:
                    y = (rng.integers(-4, 5, sizes[-1]) / 4).tolist()
                spec = parse_spec({"loss": loss, "layers": layers, "example": {"x": x, "y": y}})
                label = f"{act}-{'-'.join(map(str, sizes))}-{loss}-s{seed}"
                out.append((label, spec))
    return out
