"""Hypothesis strategies: random small networks and their examples (minitorch's pattern)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from gradsheet.derive.engine.network import Spec, parse_spec

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

    from gradsheet.derive.engine import activations

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
def broken(draw, valid: object) -> object:
    """A deep copy of the document ``valid`` with one to three places broken: a value replaced
    by something hostile, a key removed, or a key (an item) added."""
    import copy

    doc = copy.deepcopy(valid)
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
    return doc


def hostile_specs(answers: bool = False) -> st.SearchStrategy[str]:
    """A valid spec (or answers file) as JSON, broken in one to three places."""
    import json

    return broken(_VALID_ANSWERS if answers else _VALID_SPEC).map(lambda doc: json.dumps(doc, allow_nan=True))


# an exam spec with every problem kind and most of their options (generate's fuzz suite)
VALID_EXAM = {
    "title": "Quiz", "course": "DL", "date": "2026-12-01", "instructions": "Round to 4 decimals.", "seed": 3,
    "decimals": 4, "name": "quiz", "notation": {"layer_index": "[]"},
    "problems": [
        {"kind": "forward", "points": 4, "difficulty": "easy", "sizes": [2, 2, 1], "activation": ["relu", "identity"],
         "bias": True, "numbers": "integer", "bound": 1000},
        {"kind": "backprop", "points": 6, "difficulty": "medium", "numbers": "decimal", "loss": "bce",
         "activation": ["tanh", "sigmoid"], "alpha": "1/10"},
        {"kind": "update", "points": 4, "learning_rate": "1/10", "numbers": "decimal"},
        {"kind": "chain_rule", "points": 3, "text": "Lecture 4's network, 100% as drawn: {{ figure }} {{ given }}",
         "questions": ["", "Now {{ y }} by the chain rule."]},
        {"kind": "activation", "points": 3, "activation": ["sigmoid", "elu"]},
        {"kind": "param_count", "points": 2, "min_depth": 1, "max_depth": 3, "min_width": 2, "max_width": 6},
        {"kind": "regularization", "points": 2, "lambda": "1/10", "learning_rate": "1/2", "weights": 3},
        {"kind": "batching", "points": 4, "examples": 4, "batch_size": 2, "learning_rate": "1/10"},
        {"kind": "dropout", "points": 3, "p": "1/2", "inverted": True},
        {"kind": "perceptron", "points": 2},
        {"kind": "autodiff", "points": 4, "inputs": 2, "min_operations": 3, "max_operations": 5,
         "operations_from": ["add", "mul", "square"]},
        {"kind": "backprop", "points": 4, "vary": ["y"], "network": {
            "loss": "half_sse", "layers": [{"weights": [[1, -3], [-2, 1]], "activation": "square"},
                                           {"weights": [[2, -1]], "activation": "square"}],
            "example": {"x": [3, 2], "y": [1]}}},
    ],
}


def hostile_exams() -> st.SearchStrategy[str]:
    """The exam spec above as JSON, broken in one to three places."""
    import json

    return broken(VALID_EXAM).map(lambda doc: json.dumps(doc, allow_nan=True))


_CSV_CELLS = ["s01", "s02", "sample", "1", "2", "99", "0", "-1", "²", "z1[1]", "grad_W1[1,1]", "cost", "yes", "0,5",
              "1e999999999", "nan", "3/0", "", " ", '"', '""', "\\input{x}", "\x00", "\r", "\n", "é", "1" * 300,
              # what a spreadsheet would run as a formula (CSV injection), and numbers that look alike
              "=cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")', "@SUM(1+1)", "+1+1", "-2+3", "\t=1", "＝1", "-9/2",
              "+0.5"]


@st.composite
def hostile_csv(draw, header: str) -> str:
    """CSV-ish text: usually the right header, then rows of odd cells, quotes and line breaks."""
    lines = [header] if draw(st.integers(0, 4)) else [draw(st.sampled_from(["", "a,b", header.upper(), "\ufeff" + header]))]
    for _ in range(draw(st.integers(0, 6))):
        cells = draw(st.lists(st.sampled_from(_CSV_CELLS) | st.text(max_size=6), max_size=6))
        lines.append(",".join(cells))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))


# what a quiz's LMS writes back: Moodle's Cloze summaries (part 1: …; part 2: …) and QTI results
_CLOZE_CELLS = ["-", "", "part 1: 1", "part 1: 0,5; part 2: yes", "part 1: ; part 2: ", "part 2: 1; part 1: 2",
                "part 1: " + "1; part 1: " * 50, "Teil 1: ja; Teil 2: nein", "part 1: −3; part 2: 81/2",
                "part 1: =cmd|' /C calc'!A0", "part 1: 1e999999999", "part 1: nan; part 2: inf", "part 1: \x00",
                "part 99999999: 1", "part 1: 2×10^-3", "part 1: 1,234.5", "part 1: " + "9" * 400]
_MOODLE_HEADERS = ["Last name", "First name", "Email address", "ID number", "Username", "State", "Response 1",
                   "Right answer 1", "Response 2", "Right answer 2", "Response 3", "Right answer 3", "Response 0",
                   "Right answer 9999", "Grade/10.00", "Question 1", "", "response 1"]
_STATES = ["Finished", "In progress", "Overdue", "Never submitted", "", "finished"]


@st.composite
def hostile_moodle_reports(draw, right: list[str]) -> str:
    """A Responses report as Moodle downloads it, or nearly: its usual columns in any order,
    rows of Cloze summaries (some the key's right answers), states, ids and odd cells."""
    import csv
    import io

    usual = ["Last name", "First name", "Email address", "State", "Response 1", "Right answer 1", "Response 2",
             "Right answer 2"]
    header = usual if draw(st.booleans()) else draw(st.lists(st.sampled_from(_MOODLE_HEADERS), min_size=1, max_size=9))
    cells = st.sampled_from(_CLOZE_CELLS) | st.sampled_from(right) | st.sampled_from(_CSV_CELLS) | st.text(max_size=8)
    rows = [header]
    for _ in range(draw(st.integers(0, 5))):
        row = [draw(st.sampled_from(["ada@x", "bob@x", "ada@x", "", "=1"]) if h in ("Email address", "ID number",
                                                                                    "Username") else
                    st.sampled_from(_STATES) if h == "State" else cells) for h in header]
        rows.append(row[:draw(st.integers(0, len(row)))] if draw(st.integers(0, 5)) == 0 else row)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


_RESULT = ('<assessmentResult xmlns="http://www.imsglobal.org/xsd/imsqti_result_v2p1"><context sourcedId="{who}"/>'
           "{items}</assessmentResult>")


@st.composite
def hostile_results(draw, idents: list[str]) -> bytes:
    """An assessmentResult document, or something in its place: items the key has and not,
    responses R1…, engine variables, values of every sort; not XML; an entity bomb; deep nesting."""
    kind = draw(st.sampled_from(["result", "result", "result", "not xml", "bomb", "deep", "other root", "utf-16"]))
    if kind == "not xml":
        return draw(st.binary(max_size=40))
    if kind == "bomb":
        entities = "".join(f'<!ENTITY e{i} "{"&e%d;" % (i - 1) * 10 if i else "ha"}">' for i in range(12))
        return f'<?xml version="1.0"?><!DOCTYPE r [{entities}]><assessmentResult>&e11;</assessmentResult>'.encode()
    if kind == "deep":
        n = draw(st.integers(100, 20_000))
        return ("<assessmentResult>" + "<itemResult>" * n + "</itemResult>" * n + "</assessmentResult>").encode()
    if kind == "other root":
        return b"<notes>x</notes>"
    values = st.sampled_from(["1", "-3", "0.5", "yes", "no", "", "nan", "1e999", "=1", "\u2212" + "2", "81/2"])
    items = []
    for _ in range(draw(st.integers(0, 4))):
        ident = draw(st.sampled_from(idents) | st.sampled_from(["", "x", "quiz-p99-x"]))
        responses = "".join(
            f'<responseVariable identifier="{draw(st.sampled_from(["R1", "R2", "R0", "R99999", "duration", "r1"]))}">'
            f"<candidateResponse><value>{draw(values)}</value></candidateResponse></responseVariable>"
            for _ in range(draw(st.integers(0, 4))))
        items.append(f'<itemResult identifier="{ident}">{responses}</itemResult>')
    who = draw(st.sampled_from(["ada", "bob", "", "=cmd"]))
    text = _RESULT.format(who=who, items="".join(items))
    return text.encode("utf-16") if kind == "utf-16" else text.encode()


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
EXTREME_PARAMETERS = {"leaky_relu": ("alpha",), "elu": ("alpha",), "step": ("threshold", "at_threshold")}
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
        if act in EXTREME_PARAMETERS and draw(st.booleans()):  # a slope or threshold over the same range
            act = {"name": act, **{name: draw(extreme_numbers) for name in EXTREME_PARAMETERS[act]
                                   if draw(st.booleans())}}
        layers.append({"weights": [[draw(extreme_numbers) for _ in range(sizes[l])] for _ in range(sizes[l + 1])],
                       "bias": [draw(extreme_numbers) for _ in range(sizes[l + 1])], "activation": act})
    if loss in ("bce", "cross_entropy"):
        y = [1 if j == 0 else 0 for j in range(sizes[-1])]
    else:
        y = [draw(extreme_numbers) for _ in range(sizes[-1])]
    return {"loss": loss, "learning_rate": draw(extreme_numbers), "layers": layers,
            "example": {"x": [draw(extreme_numbers) for _ in range(sizes[0])], "y": y}}


_FRACTIONS = st.sampled_from(["1/1000", "1/100", "1/10", "1/4", "1/3", "1/2", "2/3", "0.9", "1", "2", "7/3", "10"])


@st.composite
def plausible_problems(draw) -> dict:
    """One [[problems]] table of any kind with options drawn over their whole documented
    ranges: mostly valid, often unlucky (a bound no draw meets, a diverging update)."""
    from gradsheet.derive.engine import activations, losses

    kind = draw(st.sampled_from(["forward", "backprop", "update", "chain_rule", "activation", "param_count",
                                 "regularization", "batching", "dropout", "perceptron", "autodiff"]))
    table: dict = {"kind": kind, "points": draw(st.integers(1, 20)),
                   "difficulty": draw(st.sampled_from(["easy", "medium", "hard"]))}
    maybe = lambda key, strategy: table.update({key: draw(strategy)}) if draw(st.booleans()) else None  # noqa: E731
    if kind in ("forward", "backprop", "update", "chain_rule", "batching", "dropout", "perceptron"):
        maybe("numbers", st.sampled_from(["integer", "decimal"]))
        maybe("sizes", st.lists(st.integers(1, 6), min_size=2, max_size=5))
        maybe("activation", st.lists(st.sampled_from(activations.NAMES), min_size=1, max_size=3))
        maybe("loss", st.sampled_from(losses.NAMES))
        maybe("bias", st.booleans())
        maybe("bound", st.sampled_from([1, 5, 100, 1000, 10**9]))
        maybe("alpha", _FRACTIONS | st.sampled_from(["1e999", "1e-999", "1e308"]))
    if kind in ("forward", "backprop", "update", "chain_rule", "batching", "dropout", "perceptron", "regularization") \
            and draw(st.integers(0, 3)) == 0:  # the lecture's own network, in place of the drawn one
        for key in ("sizes", "activation", "loss", "bias", "alpha", "weights"):
            table.pop(key, None)
        table["network"] = draw(plausible_networks(2 if kind == "batching" else 1))
        maybe("vary", st.lists(st.sampled_from(["x", "y", "weights", "bias"]), unique=True))
    if kind in ("update", "batching", "regularization"):
        maybe("learning_rate", _FRACTIONS)
    if kind == "backprop":
        maybe("ask", st.sampled_from(["all", "deltas", "gradients"]))
    if kind == "activation":
        maybe("activation", st.lists(st.sampled_from(activations.NAMES), min_size=1, max_size=4))
    if kind == "param_count":
        maybe("min_depth", st.integers(1, 50))
        maybe("max_depth", st.integers(1, 50))
        maybe("min_width", st.integers(1, 1000))
        maybe("max_width", st.integers(1, 1000))
    if kind == "regularization":
        maybe("weights", st.integers(1, 8))
        maybe("lambda", _FRACTIONS)
    if kind == "batching":
        maybe("examples", st.integers(2, 8))
        maybe("batch_size", st.integers(1, 8))
    if kind == "dropout":
        maybe("p", _FRACTIONS)
        maybe("inverted", st.booleans())
    if kind == "autodiff":
        maybe("numbers", st.sampled_from(["integer", "decimal"]))
        maybe("inputs", st.integers(1, 4))
        maybe("min_operations", st.integers(2, 8))
        maybe("max_operations", st.integers(2, 8))
        maybe("operations_from", st.lists(st.sampled_from(["add", "sub", "mul", "div", "square", "exp", "log", "sin",
                                                           "cos", "tanh", "sigmoid", "relu", "pow"]), min_size=1))
    return table


_NUMBERS = st.sampled_from([0, 1, -1, 2, -3, 5, "0.1", "-0.5", "1/3", "2.25", 1000, "1e-6"])


@st.composite
def plausible_networks(draw, examples: int = 1) -> dict:
    """A derive spec as an instructor might give one: small, any activation and loss, numbers
    from the nice to the awkward (1/3, 10^-6, 1000); often unusable for some kind."""
    from gradsheet.derive.engine import activations, losses

    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    layers = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        layer = {"weights": [[draw(_NUMBERS) for _ in range(n_in)] for _ in range(n_out)],
                 "activation": draw(st.sampled_from(activations.NAMES))}
        if draw(st.booleans()):
            layer["bias"] = [draw(_NUMBERS) for _ in range(n_out)]
        layers.append(layer)
    pairs = [{"x": [draw(_NUMBERS) for _ in range(sizes[0])], "y": [draw(st.sampled_from([0, 1, 2])) for _ in range(sizes[-1])]}
             for _ in range(examples)]
    network = {"loss": draw(st.sampled_from(losses.NAMES)), "layers": layers}
    network.update({"example": pairs[0]} if examples == 1 else {"examples": pairs})
    if draw(st.booleans()):
        network["learning_rate"] = draw(_FRACTIONS)
    return network


@st.composite
def plausible_exams(draw) -> dict:
    return {"title": "Quiz", "seed": draw(st.integers(0, 2**64 - 1)), "decimals": draw(st.integers(0, 8)),
            "problems": draw(st.lists(plausible_problems(), min_size=1, max_size=3))}
