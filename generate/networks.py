"""Random "nice" networks for the network problem kinds, and what every such kind shares.

*Integer* style draws integer weights and inputs and activations that keep every value
rational (σ = z², ReLU, identity, step, leaky ReLU with a rational slope); the trace is
exact and every intermediate must be short (at most the exam's decimals) and bounded.
*Decimal* style draws one-decimal weights; the worked solution and the key are ``derive``'s
hand mode (every intermediate rounded, each printed step redoable), the tolerance the gap to
a student who carries every digit and rounds at the end.
A draw is rejected as degenerate when a value sits on a kink, a hidden layer is dead, a
target equals its prediction, an asked gradient is zero or a value exceeds the bound.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import sympy as sp

from gradsheet.derive.engine import activations, backprop, losses
from gradsheet.derive.checking import quantities
from gradsheet.derive.printing.at_point import written
from gradsheet.derive.printing.layout import LINE_EM, width
from gradsheet.derive.engine.backprop import Trace
from gradsheet.derive.errors import SpecError
from gradsheet.derive.engine.network import Spec, parse_spec
from gradsheet.derive.engine.numbers import EXACT, FLOAT, hand, places
from gradsheet.derive.printing.report import Report

from .given import PARTS, Given, Unusable, read_given, read_vary, text
from .options import MAX_LEARNING_RATE, Drawn, Table
from .printing import fixed, is_short, plain, rounded, to_decimal
from .problem import Answer, Degenerate
from .sampling import integer, one_decimal
from .sheet import Sheet

RATIONAL = tuple(n for n in activations.NAMES if activations.get(n).rational)
ELEMENTWISE = tuple(n for n in activations.NAMES if activations.get(n).elementwise)

# difficulty → (sizes, integer-style activations, decimal-style activations)
DEFAULTS: Mapping[str, tuple[tuple[int, ...], tuple[str, ...], tuple[str, ...]]] = {
    "easy": ((2, 2, 1), ("relu", "identity"), ("sigmoid",)),
    "medium": ((2, 2, 1), ("square",), ("tanh", "sigmoid")),
    "hard": ((2, 3, 1), ("leaky_relu", "identity"), ("sigmoid",)),
}


@dataclass(frozen=True)
class NetOptions:
    sizes: tuple[int, ...]
    activations: tuple[str, ...]  # one per layer
    alpha: sp.Rational  # leaky-ReLU slope
    loss: str
    bias: bool
    numbers: str  # "integer" | "decimal"
    learning_rate: sp.Rational | None
    bound: int
    given: Given | None = None  # a network the spec gives, with the parts drawn per student

    @property
    def integer(self) -> bool:
        return self.numbers == "integer"


# a sheet's network: inputs and up to 7 layers of up to 6 neurons, which its figure and its
# worked steps still fit on a page (README, "Limits")
MAX_SIZES = 8


def parse(t: Table, difficulty: str, *, learning_rate: bool = False, numbers: str = "integer",
          activations_allowed: Sequence[str] = ELEMENTWISE + ("softmax",), examples: int | None = 1) -> NetOptions:
    """The options every network kind takes: sizes, activation, loss, bias, numbers, bound;
    or a given ``network`` with the parts ``vary`` draws (``examples``: how many examples the
    kind asks about, None for any)."""
    record_given(t)
    if t.has("network"):
        return _given(t, difficulty, learning_rate, activations_allowed, examples)
    no_vary(t)
    style = t.choice("numbers", numbers, ("integer", "decimal"))
    sizes_default, int_acts, dec_acts = DEFAULTS[difficulty]
    sizes = t.integers("sizes", sizes_default, 1, 6, longest=MAX_SIZES)
    assert sizes is not None
    if len(sizes) < 2:
        raise SpecError(t.where("sizes"), "a network needs an input and at least one layer", "write e.g. sizes = [2, 2, 1]")
    depth = len(sizes) - 1
    names = t.strings("activation", int_acts if style == "integer" else dec_acts, activations_allowed)
    assert names is not None
    if len(names) == 2 and depth != 2:  # (hidden, output) pairs spread over any depth
        names = (names[0],) * (depth - 1) + (names[1],)
    elif len(names) == 1:
        names = names * depth
    if len(names) != depth:
        raise SpecError(t.where("activation"), f"{len(names)} activations for {depth} layers",
                        "give one name, a (hidden, output) pair, or one per layer")
    loss = t.choice("loss", "half_sse", losses.NAMES)
    _structure(t, style, tuple(sizes), tuple(names), loss)
    rate = t.number("learning_rate", "1/100" if style == "integer" else "1/2", positive=True,
                    high=MAX_LEARNING_RATE) if learning_rate else None
    return NetOptions(tuple(sizes), tuple(names), t.number("alpha", "1/10", positive=True), loss,
                      t.boolean("bias", difficulty != "easy"), style, rate,
                      t.integer("bound", 1000 if style == "integer" else 100, 1, 10**9))


def _structure(t: Table, style: str, sizes: tuple[int, ...], names: tuple[str, ...], loss: str) -> None:
    """What a sheet's network must be, drawn or given: exact where integer style promises it,
    softmax last and over two or more outputs, a log-loss on its own output layer."""
    for name in names:
        if style == "integer" and name not in RATIONAL:
            raise SpecError(t.where("activation"), f"{name} gives irrational values, which integer style cannot keep exact",
                            f'use numbers = "decimal", or one of {", ".join(RATIONAL)}')
    if "softmax" in names[:-1]:
        raise SpecError(t.where("activation"), "softmax is allowed only in the output layer", "use it last")
    if names[-1] == "softmax" and sizes[-1] < 2:
        raise SpecError(t.where("sizes"), "softmax over one output is always 1",
                        "give the output layer two or more neurons, e.g. sizes = [2, 2, 2]")
    fused = losses.get(loss).fused_with
    if fused is not None and names[-1] != fused:
        raise SpecError(t.where("loss"), f"{loss} takes logarithms of ŷ and needs a {fused} output layer, "
                        f"found {names[-1]}", f'make the last activation "{fused}", or use loss = "half_sse"')
    if style == "integer" and loss not in ("half_sse", "mse"):
        raise SpecError(t.where("loss"), f"{loss} takes logarithms, which integer style cannot keep exact",
                        'use loss = "half_sse" or numbers = "decimal"')


def record_given(t: Table) -> None:
    """The options of a given network, for ``generate --kinds``."""
    t.record("network", "a derive spec file (relative to the exam spec), or its tables inline",
             Drawn("none: the network is drawn per student"))
    t.record("vary", f"a list of parts from {', '.join(PARTS)}", [])


def no_vary(t: Table) -> None:
    """Without a given network there is nothing for ``vary`` to draw into (``[]`` is no part)."""
    if t.has("vary") and read_vary(t.take("vary"), t.where("vary")):
        raise SpecError(t.where("vary"), "vary draws parts of a given network, and none is given",
                        'add network = "lecture.toml", or leave vary out')


# what a given network replaces: the options that would otherwise draw its structure
_FROM_NETWORK = ("sizes", "activation", "loss", "bias", "alpha")


def _given(t: Table, difficulty: str, learning_rate: bool, allowed: Sequence[str], examples: int | None) -> NetOptions:
    """A network the spec gives (:mod:`generate.given`), checked as the kind needs it."""
    where = t.where("network")
    vary = read_vary(t.take("vary"), t.where("vary")) if t.has("vary") else ()
    spec, data = read_given(t.take("network"), where, t.base, learning_rate)
    for key in _FROM_NETWORK:
        if t.written(key):
            raise SpecError(t.where(key), "comes from the given network", f"leave {key} out, or change the network")
        t.ignore(key)
        t.aliases[key] = "network"
    net = spec.network
    sizes, names = net.sizes, tuple(layer.activation.name for layer in net.layers)
    if len(sizes) > MAX_SIZES or max(sizes) > 6:
        raise SpecError(where, f"a {'-'.join(map(str, sizes))} network: a sheet's figure and steps fit up to "
                        f"{MAX_SIZES - 1} layers of up to 6 neurons", "give a smaller network")
    for name in names:
        if name not in allowed:
            raise SpecError(where, f"this kind does not ask about {name} layers", f"use {', '.join(allowed)}")
    count = len(spec.examples)
    if examples is not None and count != examples:
        raise SpecError(where, f"{count} examples, and this kind asks about {examples}",
                        "give one [example]" if examples == 1 else f"give {examples} [[examples]]")
    integers = all(v.q == 1 for layer in net.layers for row in (*layer.weights, layer.bias or ())
                   for v in row) and all(v.q == 1 for e in spec.examples for v in (*e.x, *e.y))
    style = t.choice("numbers", "integer" if integers and net.rational else "decimal", ("integer", "decimal"))
    _structure(t, style, sizes, names, net.loss.name)
    rate = None
    if learning_rate:
        if net.learning_rate is not None and not t.written("learning_rate"):
            t.ignore("learning_rate")
            rate = net.learning_rate
            if rate > MAX_LEARNING_RATE:
                raise SpecError(f"{where}.learning_rate", f"{rate} is more than {MAX_LEARNING_RATE}",
                                "give a smaller learning rate")
        else:
            rate = t.number("learning_rate", "1/100" if style == "integer" else "1/2", positive=True,
                            high=MAX_LEARNING_RATE)
        data["learning_rate"] = text(rate)
    slopes = [dict(layer.activation.params)["alpha"] for layer in net.layers if layer.activation.name == "leaky_relu"]
    alpha = sp.Rational(slopes[0].numerator, slopes[0].denominator) if slopes else sp.Rational(1, 10)
    # the lecture's own numbers set the scale (Herrmann's step gives a cost of 427,355): up to
    # what a sheet can print, for the given network and for the parts drawn into it alike
    bound = t.integer("bound", FIXED_BOUND, 1, 10**9)
    return NetOptions(sizes, names, alpha, net.loss.name, net.has_bias, style, rate, bound,
                      Given(data, where, vary))


FIXED_BOUND = 10**6  # a given network's values: beyond a million a sheet's tables and steps overflow


def square_then_identity(t: Table, difficulty: str) -> None:
    """Medium integer default for the kinds that go on after the forward pass (an update, a
    dropout mask): σ = z² in the output layer too makes most draws overflow the bound (2 %
    usable, against 16 % with an identity output)."""
    if difficulty == "medium" and t.peek("numbers", "integer") == "integer":
        t.default("activation", ["square", "identity"])


def sample(rng: np.random.Generator, opts: NetOptions, examples: int = 1, screen_forward: bool = False) -> dict[str, Any]:
    """A derive spec (its dict form, JSON-ready) drawn at random under ``opts``; for a given
    network, that network with the parts its ``vary`` names drawn.

    ``screen_forward``: in integer style, also reject the draws that :func:`check` would
    reject for their forward pass (a kink hit, a dead layer, a target met), where the raw
    integers show it; only where the drawn network goes to :func:`compute` unchanged
    (batching leaves out the learning rate, dropout computes the full network first)."""
    if opts.given is not None:
        return _varied(rng, opts, opts.given)
    numeric = []
    for l, (n_in, n_out) in enumerate(zip(opts.sizes, opts.sizes[1:]), start=1):
        name = opts.activations[l - 1]
        weights, bias = _weights(rng, opts, name, n_in, n_out), _bias(rng, opts, n_out)  # the bias drawn either way: one stream
        numeric.append((weights, bias if opts.bias else None, name))
    pairs = [(_inputs(rng, opts), _targets(rng, opts)) for _ in range(examples)]
    if opts.integer:
        _prescreen(numeric, pairs, opts, screen_forward)  # before the spec is written: most integer draws end here
    layers = []
    for weights, bias, name in numeric:
        layer: dict[str, Any] = {"weights": [[text(w) for w in row] for row in weights],
                                 "activation": {"name": name, "alpha": text(opts.alpha)} if name == "leaky_relu" else name}
        if bias is not None:
            layer["bias"] = [text(b) for b in bias]
        layers.append(layer)
    data: dict[str, Any] = {"loss": opts.loss, "layers": layers}
    if opts.learning_rate is not None:
        data["learning_rate"] = text(opts.learning_rate)
    drawn = [{"x": [text(v) for v in x], "y": [text(v) for v in y]} for x, y in pairs]
    if examples == 1:
        data["example"] = drawn[0]
    else:
        data["examples"] = drawn
    return data


def _weights(rng: np.random.Generator, opts: NetOptions, name: str, n_in: int, n_out: int) -> list[list[Any]]:
    if opts.integer:
        span = 2 if name == "square" else 3
        return [[integer(rng, -span, span, nonzero=True) for _ in range(n_in)] for _ in range(n_out)]
    return [[one_decimal(rng, "-1", "1") for _ in range(n_in)] for _ in range(n_out)]


def _bias(rng: np.random.Generator, opts: NetOptions, n_out: int) -> list[Any]:
    if opts.integer:
        return [integer(rng, -2, 2) for _ in range(n_out)]
    return [one_decimal(rng, "-0.5", "0.5", nonzero=False) for _ in range(n_out)]


def _varied(rng: np.random.Generator, opts: NetOptions, g: Given) -> dict[str, Any]:
    """The given network with the parts ``vary`` names drawn as a drawn network's are, in one
    order (weights, biases, then each example's x and y), so a student's draw is reproducible."""
    data = copy.deepcopy(dict(g.data))
    for l, layer in enumerate(data["layers"]):
        n_out, n_in = len(layer["weights"]), len(layer["weights"][0])
        if "weights" in g.vary:
            layer["weights"] = [[text(w) for w in row] for row in _weights(rng, opts, opts.activations[l], n_in, n_out)]
        if "bias" in g.vary and "bias" in layer:
            layer["bias"] = [text(b) for b in _bias(rng, opts, n_out)]
    for example in data["examples"] if "examples" in data else [data["example"]]:
        if "x" in g.vary:
            example["x"] = [text(v) for v in _inputs(rng, opts)]
        if "y" in g.vary:
            example["y"] = [text(v) for v in _targets(rng, opts)]
    return data


def net_of(options: Any) -> NetOptions | None:
    """A kind's network options, wherever its options hold them (itself, first of a tuple, ``.net``)."""
    for candidate in (options, *(options if isinstance(options, tuple) else ()), getattr(options, "net", None)):
        if isinstance(candidate, NetOptions):
            return candidate
    return None


def distinct(opts: NetOptions) -> int | None:
    """How many distinct networks a given network's ``vary`` can draw (None: not a given
    network); 1 where nothing varies. Students share a variant only where they must."""
    if opts.given is None:
        return None
    count, g = 1, opts.given
    for l, layer in enumerate(g.data["layers"]):
        n_out, n_in = len(layer["weights"]), len(layer["weights"][0])
        if "weights" in g.vary:
            count *= (4 if opts.activations[l] == "square" else 6 if opts.integer else 20) ** (n_in * n_out)
        if "bias" in g.vary and "bias" in layer:
            count *= (5 if opts.integer else 11) ** n_out
        count = min(count, 10**9)
    for _ in g.examples:
        if "x" in g.vary:
            count *= (6 if opts.integer else 20) ** opts.sizes[0]
        if "y" in g.vary:
            count *= 2 ** opts.sizes[-1]  # the fewest targets a loss draws from: 0 or 1
        count = min(count, 10**9)
    return count


# σ maps an integer z to an integer a, computed exactly by NumPy below 2^53 (step: with
# integer parameters, which the check below sees in its values)
EXACT_ON_INTEGERS = ("identity", "square", "relu", "step")


def _prescreen(layers: Sequence[tuple[list, list | None, str]], pairs: Sequence[tuple[list, list]],
               opts: NetOptions, screen_forward: bool = False) -> None:
    """The forward half of the bound check on the raw (integer) draw, before any spec is built.

    Most integer draws overflow the bound in the forward pass (σ = z² squares twice); plain
    integers find that in microseconds, where parsing and tracing the spec take a millisecond.
    Only draws the full check would reject are rejected here (it has the same margin).

    ``screen_forward``: while every value is still an integer (computed exactly), also the
    forward half of :func:`check`: a z on a kink, a hidden layer that is zero for every
    example, a prediction equal to its target. Each of them had cost an exact trace.
    """
    limit, costs = opts.bound * (1 + 1e-9), []
    acts = [activations.get(name, {"alpha": opts.alpha} if name == "leaky_relu" else None) for _, _, name in layers]
    # hidden layer l is dead if it is exactly zero for every example
    dead = [screen_forward] * (len(layers) - 1)
    # the backward half where every value is an integer: (z, a) per layer, per example
    passes: list[list[tuple[list[int], list[int]]]] | None = [] if screen_forward and backward_screened(opts) else None
    for x, y in pairs:
        a: list[Any] = [int(v) for v in x]
        exact = True
        values = [([], a)]
        for l, ((weights, bias, _), act) in enumerate(zip(layers, acts), start=1):
            zs = [sum(int(w) * v for w, v in zip(row, a)) for row in weights]
            if bias is not None:
                zs = [z + int(b) for z, b in zip(zs, bias)]
            _within(zs, limit, opts.bound)  # before a float: an integer past 10^308 has none
            plain = _ON_FLOATS.get(act.name) if exact else None
            if plain is not None:  # NumPy's own operation on each float, without an array's overhead
                outputs = [plain(float(z)) for z in zs]
            else:
                with np.errstate(all="ignore"):  # ∞ · 0 for a slope past float's range: nan, which the exact check decides
                    outputs = [float(v) for v in act.np_value(np.array(zs, dtype=float))]
            _within(outputs, limit, opts.bound)
            if screen_forward and exact and any(z == kink for z in zs for kink in act.kinks):
                raise Degenerate("a value sits on a kink")
            exact = exact and act.name in EXACT_ON_INTEGERS and all(v.is_integer() for v in outputs)
            a = [int(v) for v in outputs] if exact else outputs
            values.append((zs, a))
            if l < len(layers):
                dead[l - 1] = dead[l - 1] and exact and not any(a)
        if screen_forward and exact and any(int(t) == v for t, v in zip(y, a)):
            raise Degenerate("a target equals its prediction")
        error = [(int(t) - v) ** 2 for t, v in zip(y, a)]
        costs.append(0.5 * sum(error) if opts.loss == "half_sse" else sum(error) / len(error))
        if passes is not None and exact:
            passes.append(values)
        else:
            passes = None
    if sum(costs) / len(costs) > limit:  # the mean: a batch's cost C = (1/m) Σ C_i
        raise Degenerate(f"cost = {sum(costs) / len(costs):g} is beyond the bound {opts.bound}")
    if any(dead):
        raise Degenerate(f"layer {dead.index(True) + 1} is dead")
    if passes is not None:
        _backward_within(layers, acts, [y for _, y in pairs], passes, opts, limit)


# σ'(z) on an integer z, exactly (a z on ReLU's kink is rejected before it is asked)
_PRIME_ON_INTEGERS: dict[str, Callable[[int], int]] = {
    "identity": lambda z: 1, "square": lambda z: 2 * z, "relu": lambda z: int(z > 0)}


def _backward_within(layers: Sequence[tuple[list, list | None, str]], acts: Sequence[activations.Activation],
                     targets: Sequence[list], passes: Sequence[list[tuple[list[int], list[int]]]], opts: NetOptions,
                     limit: float) -> None:
    """The backward half of the bound check, in exact integers, on a draw whose forward pass
    was all integers: Eq. 3.18 and 3.23 for each example's δ, then ∂C/∂W, ∂C/∂b (the batch's
    mean) and ∂C/∂x, as the exact trace computes them. A draw that check would reject for a δ
    or a gradient past the bound no longer costs a float and an exact trace.

    The mse's ∂C/∂ŷ = 2(ŷ − y)/n is carried as 2(ŷ − y), every value n times too large, and
    the batch's sums m times: the bound is scaled instead of dividing."""
    m, depth = len(passes), len(layers)
    scale = 1 if opts.loss == "half_sse" else len(targets[0])
    grads_w = [[[0] * len(row) for row in w] for w, _, _ in layers]
    grads_b = [[0] * len(w) for w, _, _ in layers]
    for values, y in zip(passes, targets):
        upstream = [(v - int(t)) * (1 if scale == 1 else 2) for v, t in zip(values[-1][1], y)]
        for l in range(depth, 0, -1):
            weights, prime = layers[l - 1][0], _PRIME_ON_INTEGERS[acts[l - 1].name]
            delta = [u * prime(z) for u, z in zip(upstream, values[l][0])]
            _within(delta, limit * scale, opts.bound, "δ")
            previous = values[l - 1][1]
            for j, d in enumerate(delta):
                grads_b[l - 1][j] += d
                row = grads_w[l - 1][j]
                for k, v in enumerate(previous):
                    row[k] += d * v
            upstream = [sum(int(weights[j][k]) * delta[j] for j in range(len(delta))) for k in range(len(previous))]
        _within(upstream, limit * scale, opts.bound, "∂C/∂x")  # after layer 1: W^(1)ᵀ δ^(1)
    for l, (grad_w, grad_b) in enumerate(zip(grads_w, grads_b)):
        _within([v for row in grad_w for v in row], limit * scale * m, opts.bound, "∂C/∂W")
        if layers[l][1] is not None:
            _within(grad_b, limit * scale * m, opts.bound, "∂C/∂b")


# σ as NumPy computes it on one float64 (x * x, np.maximum(x, 0.0)), for integer z
_ON_FLOATS: dict[str, Callable[[float], float]] = {
    "identity": lambda x: x, "square": lambda x: x * x, "relu": lambda x: x if x > 0.0 else 0.0}


def _within(values: Sequence[Any], limit: float, bound: Any, what: str = "a forward value") -> None:
    peak = max(map(abs, values))
    if peak > limit:
        raise Degenerate(f"{what} = {float(peak):g} is beyond the bound {bound}")


def _inputs(rng: np.random.Generator, opts: NetOptions) -> list[sp.Rational]:
    if opts.integer:
        return [integer(rng, -3, 3, nonzero=True) for _ in range(opts.sizes[0])]
    return [one_decimal(rng, "-1", "1") for _ in range(opts.sizes[0])]


def _targets(rng: np.random.Generator, opts: NetOptions) -> list[sp.Rational]:
    n, out = opts.sizes[-1], opts.activations[-1]
    if opts.loss == "cross_entropy":
        hot = int(rng.integers(n))
        return [sp.Integer(int(j == hot)) for j in range(n)]
    if opts.loss == "bce" or out == "step":
        return [integer(rng, 0, 1) for _ in range(n)]
    if opts.integer:
        return [integer(rng, -3, 3) for _ in range(n)]
    low = "0" if out in ("sigmoid", "softmax") else "-1"
    return [one_decimal(rng, low, "1", nonzero=False) for _ in range(n)]


@dataclass(frozen=True)
class Computed:
    """A sampled network with its true trace and, in decimal style, the hand-rounded one."""

    data: dict[str, Any]
    spec: Spec
    trace: Trace
    hand: Trace | None

    @property
    def report(self) -> Report:
        """What the worked solution prints: the hand computation in decimal style (each step
        computes from its printed operands), the exact trace in integer style."""
        return Report(self.spec, self.hand or self.trace, None, None, None)

    @cached_property
    def values(self) -> dict[str, Any]:
        """The named values of the (first) example; asked for several times per problem."""
        return quantities.entries(self.trace)

    @cached_property
    def hand_values(self) -> dict[str, Any] | None:
        return None if self.hand is None else quantities.entries(self.hand)


def compute(data: Mapping[str, Any], opts: NetOptions, decimals: int, notation: Any, *, drawn: bool = False,
            screened: bool = False) -> Computed:
    """Trace a sampled spec and reject it if it makes a degenerate exercise.

    Integer style screens the draw with a float trace first: most rejected draws overflow
    the bound, and the float engine finds that a hundred times faster than the exact one;
    not where :func:`_prescreen` has already bounded the forward and the backward pass in
    exact integers (``screened``), which leaves the float trace nothing to find.
    The hand-rounded trace is needed in decimal style only: in integer style every
    intermediate is short, so rounding it as instructed changes nothing.

    A given network that nothing varies is asked as the instructor wrote it: only what no
    sheet can ask (a kink hit, a value past the bound) stops it, at once (:class:`Unusable`),
    or, where the kind draws something else from it (``drawn``: a dropout mask), draws again.
    """
    spec = parse_spec({**data, "notation": _notation_table(notation)})
    fixed = opts.given is not None and opts.given.fixed
    if opts.integer and not fixed and not screened:
        _screen(backprop.trace(spec.network, spec.examples, FLOAT), opts)
    trace = backprop.trace(spec.network, spec.examples, EXACT if opts.integer else FLOAT)
    if fixed:
        _usable(trace, opts, Degenerate if drawn else None)
    else:
        check(trace, opts, decimals)
    hand_trace = None if opts.integer else backprop.trace(spec.network, spec.examples, hand(decimals))
    return Computed(dict(data), spec, trace, hand_trace)


def _usable(trace: Trace, opts: NetOptions, redraw: type[Exception] | None) -> None:
    """A given network's trace: no z on a kink (its derivative there is a convention, not a
    value to compute) and no value past ``bound``; else :class:`Unusable`, naming both fixes."""
    assert opts.given is not None
    where = opts.given.where

    def fail(problem: str, fix: str) -> None:
        raise redraw(problem) if redraw else Unusable(where, problem, fix)

    for k in trace.kinks:
        example = f" (example {k.example})" if trace.forward.x.shape[0] > 1 else ""
        fail(f"z^({k.layer})_{k.neuron}{example} sits exactly on its activation's kink, where the derivative "
             "is a convention", 'change a weight or an input, or draw them per student with vary = ["x"]')
    beyond = _beyond(trace, opts.bound)
    if beyond:
        fail(f"{beyond[0]} = {float(beyond[1]):.6g} is beyond the bound {opts.bound:,}",
             "give smaller weights or inputs, or raise the problem's bound")


def _screen(approx: Trace, opts: NetOptions) -> None:
    """The bound check of :func:`check` on a float trace, with a margin for its rounding."""
    beyond = _beyond(approx, opts.bound * (1 + 1e-9))
    if beyond:
        raise Degenerate(f"{beyond[0]} = {float(beyond[1]):g} is beyond the bound {opts.bound}")


def _beyond(trace: Trace, limit: float) -> tuple[str, Any] | None:
    """The first value of the trace (any example) that is not finite or past ``limit``."""
    for m in range(trace.forward.x.shape[0]):
        for name, value in quantities.entries(trace, m).items():
            if not np.isfinite(float(value)) or abs(value) > limit:
                return name, value
    return None


def _notation_table(notation: Any) -> dict[str, str]:
    return {"layer_index": notation.layer_index, "bias": notation.bias, "cost": notation.cost,
            "index_order": notation.index_order}


def check(trace: Trace, opts: NetOptions, decimals: int) -> None:
    """Raise :class:`Degenerate` for a variant that would make a bad exercise."""
    if trace.kinks:
        raise Degenerate("a value sits on a kink")
    fwd = trace.forward
    if any(v == w for v, w in zip(np.ravel(fwd.output), np.ravel(fwd.y))):
        raise Degenerate("a target equals its prediction")
    for l in range(1, trace.network.depth):
        if all(v == 0 for v in np.ravel(fwd.a(l))):
            raise Degenerate(f"layer {l} is dead")
    for m in range(fwd.x.shape[0]):
        for name, value in quantities.entries(trace, m).items():
            _check_value(name, value, opts, decimals)


def _check_value(name: str, value: Any, opts: NetOptions, decimals: int) -> None:
    magnitude = abs(float(value))
    if not np.isfinite(magnitude) or magnitude > opts.bound:
        reject(opts, f"{name} = {float(value):g} is beyond the bound {opts.bound}",
               "give smaller weights or inputs, or raise the problem's bound")
    if opts.given is not None and opts.given.fixed:
        return  # the instructor's own numbers: a long decimal is rounded in the key, not refused
    if opts.integer:
        # after the update step decimals are expected; the tolerance covers them
        if not is_short(value, decimals) and "_new" not in name:
            raise Degenerate(f"{name} has more than {places(decimals)}")
    else:
        ambiguous_rounding(value, decimals, name)
    if magnitude and not rounded(value, decimals):
        # a key of "0" for a gradient that is not 0 tests nothing a student computed
        raise Degenerate(f"{name} = {float(value):g} rounds to 0 at {places(decimals)}")


def ambiguous_rounding(value: Any, decimals: int, name: str) -> None:
    """A float within 1e-9 of a rounding boundary could round either way: reject it."""
    if isinstance(value, (float, np.floating)):
        scaled = to_decimal(value).scaleb(decimals)
        if abs(abs(scaled - scaled.to_integral_value(rounding="ROUND_FLOOR")) - Decimal("0.5")) < Decimal("1e-9"):
            raise Degenerate(f"{name} sits on a rounding boundary")


def answer(part: str, label: str, value: Any, hand_value: Any, decimals: int, solution: str = "hand") -> Answer:
    """A key entry. Its value is the one the worked solution prints (``solution``): the hand
    computation (every intermediate rounded to ``decimals``, each printed step redoable)
    where there is one, else the exact value rounded. The tolerance admits both the hand computation and
    the student who carries every digit and rounds at the end: a value with at most
    ``decimals`` places is exact unless rounding the intermediates moves it; otherwise one
    unit in the last place, or the gap between the two where that is larger.
    """
    exact = rounded(value, decimals)
    unit = Decimal(1).scaleb(-decimals)
    tolerance = Decimal(0) if is_short(value, decimals) else unit
    key = exact if hand_value is None or solution == "exact" else rounded(hand_value, decimals)
    tolerance = max(tolerance, abs(key - exact))
    # a value the sheet gives exactly (−432, 1.5) as it is; a rounded one with every decimal
    shown = plain(key, decimals) if key == exact and is_short(value, decimals) else fixed(key, decimals)
    return Answer(part, label, value, shown, float(key), float(tolerance))


def answers(computed: Computed, parts: Iterable[str], decimals: int, solution: str = "hand") -> tuple[Answer, ...]:
    values, hands = computed.values, computed.hand_values
    outputs = computed.spec.network.sizes[-1]
    return tuple(answer(p, quantities.label(p, computed.spec.notation, outputs), values[p],
                        None if hands is None else hands[p], decimals, solution) for p in parts)


def given(computed: Computed, printer: Any, *, learning_rate: bool = False, targets: bool = True) -> list[str]:
    """The data a statement gives, as display-math lines: W, b per layer, x and y."""
    notation = computed.spec.notation
    lines = []
    for l, (w, b) in enumerate(computed.trace.params, start=1):
        line = f"{notation.matrix('W', l)} = {printer.matrix(w)}"
        if b is not None:
            line += rf",\quad {notation.matrix('b', l)} = {printer.vector(b)}"
        lines.append(line)
    fwd = computed.trace.forward
    for i in range(fwd.x.shape[0]):
        suffix = f"_{{{i + 1}}}" if fwd.x.shape[0] > 1 else ""
        target = rf",\quad \mathbf{{y}}{suffix} = {printer.vector(fwd.y[i])}" if targets else ""
        lines.append(rf"\mathbf{{x}}{suffix} = {printer.vector(fwd.x[i])}{target}")
    if learning_rate:
        # a kind that runs its own updates (batching) traces without one: the rate is in its data
        update, written = computed.trace.update, computed.data.get("learning_rate")
        rate = update.learning_rate if update is not None else None if written is None else sp.Rational(str(written))
        if rate is not None:
            lines.append(rf"\alpha = {printer.number(rate)}")
    return lines


def formula_rows(formulas: list[str]) -> list[list[str]]:
    """The statement's definitions (σ(z) = …, C = …) side by side, as many to a row as fit the
    line (SELU's definition and a cost are wider than a line together)."""
    rows: list[list[str]] = []
    for formula in formulas:
        if rows and width(r",\qquad ".join([*rows[-1], formula])) <= LINE_EM:
            rows[-1].append(formula)
        else:
            rows.append([formula])
    return rows


def activation_lines(computed: Computed) -> list[str]:
    """σ(z) = … for each distinct activation, as the statement defines it."""
    seen, lines = set(), []
    for layer in computed.spec.network.layers:
        act = layer.activation
        if act.name in seen:
            continue
        seen.add(act.name)
        lines.append(definition(act))
    return lines


def definition(act: activations.Activation) -> str:
    """σ(z) = … as the statement defines it; the same for every variant (SymPy's LaTeX of
    σ's formula costs a third of a millisecond), so written once per activation."""
    key = (act.name, act.params)
    if key not in _DEFINITIONS:
        _DEFINITIONS[key] = _definition(act)
    return _DEFINITIONS[key]


_DEFINITIONS: dict[tuple, str] = {}


def _definition(act: activations.Activation) -> str:
    z = sp.Symbol("z")
    if act.name == "softmax":
        return r"\mathrm{softmax}(\mathbf{z})_j = \frac{e^{z_j}}{\sum_k e^{z_k}}"
    if act.name == "step":
        return r"\mathrm{step}(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}"
    if act.name == "relu":
        return r"\mathrm{ReLU}(z) = \max(0, z)"
    if act.name == "leaky_relu":
        alpha = dict(act.params)["alpha"]
        return rf"\mathrm{{LReLU}}(z) = \begin{{cases}} z & z > 0 \\ {sp.latex(alpha * z)} & z \le 0 \end{{cases}}"
    if act.name == "identity":
        return r"\mathrm{id}(z) = z"
    # as the lectures write it: tanh through exponentials (tanh(z) = tanh(z) defines nothing), SELU
    # with λ and α by name and their values beside (their 30 digits would swamp the line)
    formula = rf"{act.latex}(z) = {sp.latex(written(act))}"
    if act.name == "selu":
        lam, alpha = (sp.N(c, 5) for c in (activations.SELU_LAMBDA, activations.SELU_ALPHA))
        formula += rf",\quad \lambda \approx {lam},\ \alpha \approx {alpha}"
    return formula


def reject(opts: NetOptions, why: str, fix: str = "") -> None:
    """A draw that makes a poor exercise is drawn again (:class:`Degenerate`). A given network
    that nothing varies is the instructor's choice and is asked as it is, unless ``fix`` is
    given: then no sheet can ask it, and :class:`Unusable` says so at once."""
    g = opts.given
    if g is None or not g.fixed:
        raise Degenerate(why)
    if fix:
        raise Unusable(g.where, why, fix)


def nonzero(computed: Computed, parts: Iterable[str], opts: NetOptions) -> None:
    values = computed.values
    for p in parts:
        if values[p] == 0:
            reject(opts, f"{p} is zero")


def fingerprint(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True)


def sample_computed(rng: np.random.Generator, opts: NetOptions, sheet: Sheet, examples: int = 1) -> Computed:
    return compute(sample(rng, opts, examples, screen_forward=True), opts, sheet.decimals, sheet.notation,
                   screened=backward_screened(opts))


def backward_screened(opts: NetOptions) -> bool:
    """Whether a draw under ``opts`` that passed :func:`_prescreen` (``screen_forward``) had
    its backward pass bounded there too: a drawn integer network whose every σ keeps integers
    integers and has its derivative in :data:`_PRIME_ON_INTEGERS`."""
    return opts.integer and opts.given is None and all(name in _PRIME_ON_INTEGERS for name in opts.activations)
