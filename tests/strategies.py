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


# --- hostile input (tests/derive/test_hostile.py) ------------------------------------------

HOSTILE_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**90, max_value=10**120),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
    st.sampled_from(["1e999999999", "1e5000", "-1e-5000", "1/0", "0/0", "3/-4", "nan", "inf", "-Infinity", "1_000",
                     "0x10", " 1.5 ", "½", "1e308", "-1e308", "1" * 150, "sigmoid", "softmax", "relu", "bce",
                     "cross_entropy", "[]", "\\input{/etc/passwd}", "$x$", "\x00"]),
)


def _hostile_value(depth: int = 2):
    if depth == 0:
        return HOSTILE_SCALARS
    inner = _hostile_value(depth - 1)
    return st.one_of(HOSTILE_SCALARS, st.lists(inner, max_size=4),
                     st.dictionaries(st.sampled_from(["name", "alpha", "x", "y", "weights", "a", ""]), inner, max_size=3))


_VALID_SPEC = {
    "loss": "half_sse", "learning_rate": "1/10", "notation": {"layer_index": "[]"},
    "layers": [{"weights": [[1, -3], [-2, 1]], "bias": [0, 1], "activation": "sigmoid"},
               {"weights": [[2, -1]], "activation": "identity"}],
    "example": {"x": [3, 2], "y": [1]},
}
_VALID_ANSWERS = {"z1": [-3, -4], "output": 4, "delta1[2]": 96, "grad_W1": [[-432, -288], [288, 192]],
                  "cost": "9/2", "example": 1}


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, prefix + (key,))
    elif isinstance(value, list):
        for k, inner in enumerate(value):
            yield from _paths(inner, prefix + (k,))


@st.composite
def hostile_specs(draw, answers: bool = False) -> str:
    """A valid spec (or answers file) as JSON with one to three places broken: a value
    replaced by something hostile, a key removed, or a key added."""
    import copy
    import json

    doc = copy.deepcopy(_VALID_ANSWERS if answers else _VALID_SPEC)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "replace", "remove", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(_hostile_value())
        elif action == "remove":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(_hostile_value())
        else:
            parent.append(draw(_hostile_value()))
    return json.dumps(doc, allow_nan=True)


_TOKENS = ["x1", "x2", "y", "z1", "=", ";", "+", "-", "*", "/", "^", "(", ")", "exp(", "log(", "sin(", "cos(",
           "tanh(", "sigmoid(", "relu(", "square(", "sqrt(", "ln(", "0", "1", "2.5", "1e999", "1e-999", "1000",
           "1/3", ",", " ", "__import__(", "'", "lambda", "**", "\n", "π", "x1.real"]


@st.composite
def hostile_expressions(draw) -> str:
    """Token soup, often almost a formula, and some deliberately deep or long ones."""
    kind = draw(st.sampled_from(["soup", "soup", "formula", "deep", "long"]))
    if kind == "soup":
        return "".join(draw(st.lists(st.sampled_from(_TOKENS), max_size=25)))
    if kind == "formula":
        return draw(expression_texts(max_operations=8))
    if kind == "deep":
        fn = draw(st.sampled_from(["exp(", "square(", "sigmoid(", "("]))
        n = draw(st.integers(10, 120))
        return "y = " + fn * n + "x1" + ")" * n
    op = draw(st.sampled_from([" + ", " * ", "^2^"]))
    return "y = " + op.join(["x1"] * draw(st.integers(50, 400)))


EXTREME_ACTIVATIONS = ("identity", "square", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "silu", "gelu",
                       "softplus", "step")
extreme_numbers = st.one_of(st.integers(-5, 5), st.builds(lambda m, e: f"{m}e{e}", st.integers(-9, 9),
                                                          st.integers(-320, 320)))


@st.composite
def extreme_specs(draw) -> dict:
    """Valid specs whose numbers range from 10^-320 to 10^320: overflow, underflow, saturation
    and exact values of thousands of digits, in every activation and loss."""
    depth = draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 3)) for _ in range(depth + 1)]
    loss = draw(st.sampled_from(("half_sse", "mse", "bce", "cross_entropy")))
    if loss == "cross_entropy":
        sizes[-1] = max(2, sizes[-1])
    layers = []
    for l in range(depth):
        last = l == depth - 1
        act = {"bce": "sigmoid", "cross_entropy": "softmax"}.get(loss) if last and loss in ("bce", "cross_entropy") \
            else draw(st.sampled_from(EXTREME_ACTIVATIONS))
        layers.append({"weights": [[draw(extreme_numbers) for _ in range(sizes[l])] for _ in range(sizes[l + 1])],
                       "bias": [draw(extreme_numbers) for _ in range(sizes[l + 1])], "activation": act})
    if loss in ("bce", "cross_entropy"):
        y = [1 if j == 0 else 0 for j in range(sizes[-1])]
    else:
        y = [draw(extreme_numbers) for _ in range(sizes[-1])]
    return {"loss": loss, "learning_rate": draw(extreme_numbers), "layers": layers,
            "example": {"x": [draw(extreme_numbers) for _ in range(sizes[0])], "y": y}}
