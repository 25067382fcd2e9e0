"""The numeric engine: forward trace, deltas, gradients, one gradient-descent step.

One engine, generic in its numbers (see :mod:`derive.engine.numbers`): arrays are ``(m, n)`` with
one row per example, ``float64`` in float mode, SymPy numbers in ``dtype=object`` arrays in
exact and hand mode. Every intermediate passes through ``mode.fix``, which in hand mode
rounds it as a student would.

Per-example quantities (z, a, δ, ∂C/∂x) are ∂ of that example's own cost C_i; the cost,
the gradients and the update belong to the batch's mean cost C = (1/m) Σ_i C_i.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import mpmath
import numpy as np
import sympy as sp

from .network import Example, Network
from ..errors import SpecError
from ..limits import EXACT_WRITTEN_DIGITS, check_work, describe_limit, too_large
from .numbers import PRECISION, Mode, Real, places

Params = tuple[tuple[np.ndarray, np.ndarray | None], ...]


@dataclass(frozen=True)
class LayerForward:
    z: np.ndarray  # (m, n_l)
    a: np.ndarray  # (m, n_l)


@dataclass(frozen=True)
class Forward:
    x: np.ndarray  # (m, n_0)
    y: np.ndarray  # (m, n_L)
    layers: tuple[LayerForward, ...]
    costs: np.ndarray  # (m,): C_i
    cost: Any  # C = mean of C_i

    @property
    def output(self) -> np.ndarray:
        return self.layers[-1].a

    def z(self, l: int) -> np.ndarray:
        return self.layers[l - 1].z

    def a(self, l: int) -> np.ndarray:
        """a^(l); a^(0) is the input x."""
        return self.x if l == 0 else self.layers[l - 1].a


@dataclass(frozen=True)
class LayerBackward:
    upstream: np.ndarray  # ∂C_i/∂a^(l): W^(l+1)ᵀ δ^(l+1), or ∂C/∂ŷ at the output (None at a saturated hand-mode output)
    sigma_prime: np.ndarray  # σ'(z^(l)) (softmax: the Jacobian's diagonal)
    delta: np.ndarray  # δ^(l) = ∂C_i/∂z^(l), (m, n_l)
    grad_W: np.ndarray  # ∂C/∂W^(l), (n_l, n_{l−1}), batch mean
    grad_b: np.ndarray | None  # ∂C/∂b^(l), (n_l,), batch mean


@dataclass(frozen=True)
class Backward:
    layers: tuple[LayerBackward, ...]
    grad_x: np.ndarray  # ∂C_i/∂x, (m, n_0)
    fused: bool  # δ^(L) computed as ŷ − y

    def delta(self, l: int) -> np.ndarray:
        return self.layers[l - 1].delta


@dataclass(frozen=True)
class Update:
    learning_rate: Any
    params: Params
    forward: Forward  # the verification pass with the new parameters


@dataclass(frozen=True)
class KinkHit:
    layer: int
    neuron: int
    example: int
    convention: str


@dataclass(frozen=True)
class Trace:
    mode: Mode
    network: Network
    params: Params
    forward: Forward
    backward: Backward
    update: Update | None
    kinks: tuple[KinkHit, ...]

    @property
    def notes(self) -> tuple[str, ...]:
        """What a reader must know to trust the numbers: kinks hit, vanishing step gradients."""
        notes = [f"z^({k.layer})_{k.neuron} (example {k.example}) sits exactly on a kink: {k.convention}"
                 for k in self.kinks]
        for l, layer in enumerate(self.network.layers, start=1):
            if layer.activation.gradient_vanishes:
                notes.append(f"layer {l} uses a step activation: step' = 0, so every gradient through it vanishes")
        if saturated(self.network, self.forward.output, self.mode):
            at = f"rounds to 0 or 1 at {places(self.mode.decimals)}" if self.mode.name == "hand" else \
                "is within 10^-70 of 0 or 1"
            notes.append(f"ŷ {at}, where log ŷ or log(1 − ŷ) cannot be taken from it: the cost is computed "
                         "from z^(L) (log σ(z) = −log(1 + e^−z)), and δ^(L) = ŷ − y as below")
        if self.backward.fused:
            notes.append(f"{self.network.layers[-1].activation.name} output with {self.network.loss.name} loss: "
                         "δ^(L) = ∂C/∂z^(L) simplifies to ŷ − y")
        return tuple(notes)


def parameters(network: Network, mode: Mode) -> Params:
    """W^(l), b^(l) as arrays in ``mode``."""
    return tuple((mode.array(layer.weights), None if layer.bias is None else mode.array(layer.bias))
                 for layer in network.layers)


def forward(network: Network, params: Params, x: np.ndarray, y: np.ndarray, mode: Mode) -> Forward:
    """Eq. 3.4: z^(l) = W^(l) a^(l−1) + b^(l), a^(l) = σ(z^(l)), then C = (1/m) Σ_i C_i."""
    activation_in = x
    layers = []
    for layer, (weights, bias) in zip(network.layers, params):
        zs = activation_in @ weights.T
        if bias is not None:
            zs = zs + bias
        if mode.is_float:
            scale = np.abs(activation_in) @ np.abs(weights.T) + (0 if bias is None else np.abs(bias))
            zs = mode.settle(zs, scale, weights.shape[1] + 1)
        zs = _within_limit(mode.fix(zs), mode, "z", len(layers) + 1)
        activation_in = _within_limit(layer.activation.value(zs, mode), mode, "a", len(layers) + 1)
        layers.append(LayerForward(zs, activation_in))
    last = network.layers[-1].activation
    logs = last.logs(zs, activation_in) if mode.is_float and network.loss.value_from_logs else None
    rows = [saturated(network, activation_in[i:i + 1], mode) for i in range(len(y))]
    if any(rows):
        # only an example whose output rounds to 0 or 1 takes its cost from z; the others keep
        # the formula their printed step evaluates
        from_z = _costs_from_z(network, zs, y)
        from_z = mode.fix(from_z) if mode.name == "hand" else _as_real(network, zs, y, from_z)
        costs = np.asarray([from_z[i] if row else network.loss.per_example(y[i:i + 1], activation_in[i:i + 1], mode)[0]
                            for i, row in enumerate(rows)], dtype=object)
    else:
        costs = network.loss.per_example(y, activation_in, mode, logs)
    for i, cost in enumerate(costs):
        problem = "" if mode.is_float else _past_limit(cost)
        if problem:
            raise SpecError("loss", f"the cost of example {i + 1} {problem}, the limit of exact and hand arithmetic",
                            "use smaller weights, inputs or learning rate, or --float")
    return Forward(x, y, tuple(layers), costs, mode.scalar(costs.sum() / len(costs)))


def _at_bounds(outputs: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda v: v == 0 or v == 1, otypes=[bool])(outputs)


def saturated(network: Network, outputs: np.ndarray, mode: Mode) -> bool:
    """A log loss on an output that is 0 or 1 as far as the mode can tell: rounded to 0 or 1 in
    hand mode (σ(12) = 1.0000), within 10^-70 of it in exact mode, whose irrational values
    carry 80 digits (σ(1000) = 1 − 10^-435)."""
    if mode.is_float or network.loss.value_from_logs is None:
        return False
    if mode.name == "hand":
        return bool(np.any(_at_bounds(outputs)))
    tiny = mpmath.mpf(10) ** -(PRECISION - 10)
    return any(min(abs(a), abs(1 - a)) < tiny for a in (Real.parts(v)[1] for v in np.ravel(outputs)))


def _costs_from_z(network: Network, zs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """BCE or cross-entropy per example from z^(L) (the logarithms of ŷ and 1 − ŷ written
    with softplus and log-sum-exp), at 80 digits: a hand-mode ŷ rounded to 0 or 1 has no
    logarithm, and σ(1000) is 1 to far more than 80 digits."""
    out = np.empty(zs.shape[0], dtype=object)
    with mpmath.workdps(PRECISION):
        for i in range(zs.shape[0]):
            z = [mpmath.mpf(Real.parts(v)[1]) for v in zs[i]]
            if network.layers[-1].activation.name == "sigmoid":
                log_y = [-_softplus(-v) for v in z]
                log_rest = [-_softplus(v) for v in z]
            else:  # softmax
                top = max(z)
                total = top + mpmath.log(mpmath.fsum(mpmath.exp(v - top) for v in z))
                log_y = [v - total for v in z]
                log_rest = [mpmath.log(mpmath.fsum(mpmath.exp(u - top) for k, u in enumerate(z) if k != j)) + top - total
                            if len(z) > 1 else mpmath.ninf for j in range(len(z))]
            targets = [mpmath.mpf(Real.parts(t)[1]) for t in y[i]]
            out[i] = sum(_log_loss_terms(network, targets, log_y, log_rest), mpmath.mpf(0))
    return out


def _as_real(network: Network, zs: np.ndarray, y: np.ndarray, approx: np.ndarray) -> np.ndarray:
    """Exact costs from z: the expression −Σ y log σ(z) + … with log σ(z) = −log(1 + e^−z)
    (log-softmax for softmax), and its value computed from z (:func:`_costs_from_z`)."""
    out = np.empty(len(approx), dtype=object)
    with sp.evaluate(False):
        for i in range(len(approx)):
            z = [Real.parts(v)[0] for v in zs[i]]
            if network.layers[-1].activation.name == "sigmoid":
                log_y = [-sp.log(1 + sp.exp(-u)) for u in z]
                log_rest = [-sp.log(1 + sp.exp(u)) for u in z]
            else:
                total = sp.log(sp.Add(*(sp.exp(u) for u in z)))
                log_y = [u - total for u in z]
                log_rest = [sp.log(1 - sp.exp(u - total)) for u in z]
            targets = [t.expr if isinstance(t, Real) else sp.Rational(t) for t in y[i]]
            terms = _log_loss_terms(network, targets, log_y, log_rest)
            out[i] = Real(sp.Add(*terms), approx[i])
    return out


def _log_loss_terms(network: Network, targets: list, log_y: list, log_rest: list) -> list:
    """The terms of BCE (−y log ŷ − (1 − y) log(1 − ŷ)) or cross-entropy (−y log ŷ) from the
    logarithms, a target of 0 or 1 dropping the term it zeroes; in mpmath or SymPy numbers."""
    terms = []
    for t, log_hat, log_complement in zip(targets, log_y, log_rest):
        if t != 0:
            terms.append(-t * log_hat)
        if network.loss.name == "bce" and t != 1:
            terms.append(-(1 - t) * log_complement)
    return terms


def _softplus(u: mpmath.mpf) -> mpmath.mpf:
    """log(1 + e^u) without forming e^u for large u."""
    return max(u, mpmath.mpf(0)) + mpmath.log1p(mpmath.exp(-abs(u)))


def _within_limit(values: np.ndarray, mode: Mode, name: str, l: int, entry: bool = True) -> np.ndarray:
    """Exact and hand values stay under 10^1000 and are written with at most 4,000 digits
    (:mod:`derive.limits`): squaring 10^-320 four times is small but has 5,120 digits.
    Float overflow is inf, found by :func:`derive.printing.report.overflow`."""
    if mode.is_float:
        return values
    for idx in np.ndindex(values.shape):
        problem = _past_limit(values[idx])
        if problem:
            head, _, tail = name.partition(" ")
            index = f"{idx[-1] + 1}" if entry else ",".join(str(i + 1) for i in idx)
            where = f"{head}^({l})_{index}" + (f" (example {idx[0] + 1})" if entry else "") + (f" {tail}" if tail else "")
            raise SpecError(f"layers[{l}]", f"{where} {problem}, the limit of exact and hand arithmetic",
                            "use smaller weights, inputs or learning rate, or --float")
    return values


# a rational whose numerator and denominator are shorter than this is within both limits
# (2^3000 < 10^904): the common case, decided from two bit lengths
_SHORT_BITS = 3000


def _past_limit(value: object) -> str:
    if isinstance(value, sp.Rational) and abs(value.p).bit_length() < _SHORT_BITS \
            and value.q.bit_length() < _SHORT_BITS:
        return ""
    if too_large(value, False):
        return f"passes {describe_limit(False)}"
    if isinstance(value, sp.Rational) and not isinstance(value, sp.Integer):
        bits = EXACT_WRITTEN_DIGITS * 3.33  # log2(10) bits a digit
        if int(value.q).bit_length() > bits or int(value.p).bit_length() > bits:
            return f"needs more than {EXACT_WRITTEN_DIGITS:,} digits"
    return ""


def backward(network: Network, params: Params, fwd: Forward, mode: Mode) -> Backward:
    """Eq. 3.18 for δ^(L), Eq. 3.23 for δ^(l), Eq. 3.14 / 3.16 for the gradients."""
    m = fwd.x.shape[0]
    # A matched loss and output (sigmoid + BCE, softmax + cross-entropy) take the simplified
    # δ^(L) = ŷ − y in every mode, as the lectures teach it: in hand mode the chain
    # round(round(∂C/∂ŷ) · round(σ')) would print a δ that ŷ − y does not give.
    fused = network.fused_output
    L = network.depth
    if fused and saturated(network, fwd.output, mode):
        # a saturated output's ∂C/∂ŷ is astronomically large (1/(1 − σ(z)) = 1 + e^z) and
        # δ^(L) = ŷ − y does not use it
        upstream = np.full(fwd.output.shape, None, dtype=object)
    else:
        upstream = network.loss.gradient(fwd.y, fwd.output, mode)
    result: list[LayerBackward] = []
    delta = None
    for l in range(L, 0, -1):
        layer, bias = network.layers[l - 1], params[l - 1][1]
        zs, outputs = fwd.z(l), fwd.a(l)
        if l < L:
            upstream = mode.fix(delta @ params[l][0])  # Σ_k w_kj^(l+1) δ_k^(l+1)
            if mode.is_float:
                upstream = mode.settle(upstream, np.abs(delta) @ np.abs(params[l][0]), params[l][0].shape[0])
        sigma_prime = layer.activation.derivative(zs, outputs, mode)
        if l == L and fused:
            delta = _fused_delta(layer.activation, zs, outputs, fwd.y, mode)
        elif layer.activation.elementwise:
            delta = mode.fix(upstream * sigma_prime)
        else:
            delta = layer.activation.backward(zs, outputs, upstream, mode)
        delta = _within_limit(delta, mode, "δ", l)
        if mode.name == "hand" and m > 1:
            # each example's δ_i a_iᵀ rounded, as written per example, then their mean
            per_example = mode.fix(delta[:, :, None] * fwd.a(l - 1)[:, None, :])
            grad_w = _within_limit(mode.fix(per_example.sum(axis=0) / m), mode, "∂C/∂W", l, entry=False)
        else:
            grad_w = mode.fix(delta.T @ fwd.a(l - 1) / m)
            if mode.is_float:  # a batch's mean: its examples' terms may cancel
                grad_w = mode.settle(grad_w, np.abs(delta).T @ np.abs(fwd.a(l - 1)) / m, m)
            grad_w = _within_limit(grad_w, mode, "∂C/∂W", l, entry=False)
        grad_b = None
        if bias is not None:
            grad_b = mode.fix(delta.sum(axis=0) / m)
            if mode.is_float:
                grad_b = mode.settle(grad_b, np.abs(delta).sum(axis=0) / m, m)
            grad_b = _within_limit(grad_b, mode, "∂C/∂b", l, entry=False)
        result.append(LayerBackward(upstream, sigma_prime, delta, grad_w, grad_b))
    grad_x = mode.fix(delta @ params[0][0])
    return Backward(tuple(reversed(result)), grad_x, fused)


def _fused_delta(activation: Any, zs: np.ndarray, outputs: np.ndarray, y: np.ndarray, mode: Mode) -> np.ndarray:
    """Eq. 3.18 for a matched loss and output: δ^(L) = ŷ − y.

    In float mode an output near 1 is taken as (1 − y) − (1 − ŷ) with 1 − ŷ from z
    (``Activation.complement``): ŷ − 1 from a rounded ŷ ≈ 1 loses digits as ŷ saturates.
    """
    if not mode.is_float:
        return mode.fix(outputs - y)
    return np.where(outputs > 0.5, (1.0 - y) - activation.complement(zs, outputs), outputs - y)


def step(params: Params, bwd: Backward, rate: Any, mode: Mode) -> Params:
    """Gradient descent: W ← W − α ∂C/∂W, b ← b − α ∂C/∂b."""
    rate = mode.array(rate) if not mode.is_float else float(rate)
    new = []
    for (weights, bias), grads in zip(params, bwd.layers):
        l = len(new) + 1
        new_w = _within_limit(_descended(weights, mode.fix(rate * grads.grad_W), mode), mode, "W after the step", l,
                              False)
        new_b = None if bias is None else _within_limit(_descended(bias, mode.fix(rate * grads.grad_b), mode), mode,
                                                         "b after the step", l, False)
        new.append((new_w, new_b))
    return tuple(new)


def _descended(values: np.ndarray, change: np.ndarray, mode: Mode) -> np.ndarray:
    """w − α ∂C/∂w; in float mode 0.3 − 0.1 · 3 is 0, not 5.6·10⁻¹⁷ (Mode.settle)."""
    new = mode.fix(values - change)
    return mode.settle(new, np.abs(values) + np.abs(change), 2) if mode.is_float else new


def kinks(network: Network, fwd: Forward) -> tuple[KinkHit, ...]:
    hits = []
    for l, layer in enumerate(network.layers, start=1):
        flags = layer.activation.at_kink(fwd.z(l))
        for i, j in zip(*np.nonzero(flags)):
            hits.append(KinkHit(l, int(j) + 1, int(i) + 1, layer.activation.convention))
    return tuple(hits)


def batch_arrays(examples: Sequence[Example], mode: Mode) -> tuple[np.ndarray, np.ndarray]:
    return mode.array([e.x for e in examples]), mode.array([e.y for e in examples])


def trace(network: Network, examples: Sequence[Example], mode: Mode) -> Trace:
    """Everything a lecture asks of one network: forward, backward, update, verification."""
    check_work(network.parameter_count, len(examples), mode.name, network.rational)
    if mode.is_float:
        # overflow is found by looking at the values (derive.printing.report), not by warnings on stderr
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            return _trace(network, examples, mode)
    return _trace(network, examples, mode)


def _trace(network: Network, examples: Sequence[Example], mode: Mode) -> Trace:
    params = parameters(network, mode)
    x, y = batch_arrays(examples, mode)
    fwd = forward(network, params, x, y, mode)
    bwd = backward(network, params, fwd, mode)
    update = None
    if network.learning_rate is not None:
        try:
            new = step(params, bwd, network.learning_rate, mode)
            after = forward(network, new, x, y, mode)
        except SpecError as error:
            raise SpecError(error.field, f"after the gradient-descent step, {error.problem}", error.fix) from None
        update = Update(mode.scalar(network.learning_rate) if not mode.is_float else float(network.learning_rate),
                        new, after)
    return Trace(mode, network, params, fwd, bwd, update, kinks(network, fwd))
