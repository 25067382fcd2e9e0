"""A student's own trace: every step recomputed from the student's earlier values.

This is what "error carried forward" compares against. Each quantity is computed by the
same equations as the engine (Eq. 3.4, 3.11, 3.18, 3.23, 3.14/3.16, the step), but from the
student's values of its inputs where the student gave them (the true ones otherwise), and
then replaced by the student's own value before the next step uses it. So a^(l) comes from
the student's z^(l), δ^(l) from the student's δ^(l+1) and z^(l), the gradients from the
student's δ and a, and one slip costs one step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from . import backprop
from .network import Spec
from .numbers import Mode


@dataclass(frozen=True)
class OwnTrace:
    """``computed[name]``: the step's value from the student's inputs, before the student's
    own value replaces it; the arrays hold the values after replacement (what the next step
    used), one row per example."""

    mode: Mode
    computed: dict[str, Any]
    z: dict[int, np.ndarray] = field(default_factory=dict)
    a: dict[int, np.ndarray] = field(default_factory=dict)  # a[0] = x, a[L] = ŷ
    upstream: dict[int, np.ndarray] = field(default_factory=dict)  # ∂C/∂a^(l) as the student's values give it
    delta: dict[int, np.ndarray] = field(default_factory=dict)
    grad_W: dict[int, np.ndarray] = field(default_factory=dict)
    grad_b: dict[int, np.ndarray] = field(default_factory=dict)
    params: tuple = ()
    y: np.ndarray | None = None


def own_trace(spec: Spec, given: Mapping[str, Any], example: int, mode: Mode) -> OwnTrace:
    """Recompute every quantity from the student's values (``given``, by entry name) in ``mode``."""
    net = spec.network
    params = backprop.parameters(net, mode)
    x, y = backprop.batch_arrays(spec.examples, mode)
    own = OwnTrace(mode, {}, params=params, y=y)
    take = _taker(own, given, example, mode)
    L = net.depth
    a = own.a[0] = x
    for l, (layer, (weights, bias)) in enumerate(zip(net.layers, params), start=1):
        z = a @ weights.T
        z = take(mode.fix(z if bias is None else z + bias), lambda j, l=l: f"z{l}[{j}]")
        a = layer.activation.value(z, mode)
        a = take(a, (lambda j, l=l: f"a{l}[{j}]") if l < L else (lambda j: f"output[{j}]"))
        own.z[l], own.a[l] = z, a
    costs = net.loss.per_example(y, a, mode)
    cost = mode.scalar(costs.sum() / len(costs))
    take_scalar = _scalar_taker(own, given, mode)
    take_scalar("cost", cost)

    upstream = net.loss.gradient(y, a, mode)
    delta = None
    for l in range(L, 0, -1):
        layer = net.layers[l - 1]
        if l < L:
            upstream = mode.fix(delta @ params[l][0])
        own.upstream[l] = upstream
        if l == L and net.fused_output and mode.name != "hand":
            delta = mode.fix(own.a[L] - y)
        elif layer.activation.elementwise:
            delta = mode.fix(upstream * layer.activation.derivative(own.z[l], own.a[l], mode))
        else:
            delta = layer.activation.backward(own.z[l], own.a[l], upstream, mode)
        delta = take(delta, lambda j, l=l: f"delta{l}[{j}]")
        own.delta[l] = delta
    m = x.shape[0]
    for l in range(1, L + 1):
        grad_w = mode.fix(own.delta[l].T @ own.a[l - 1] / m)
        own.grad_W[l] = _take_matrix(own, given, grad_w, f"grad_W{l}", mode)
        if params[l - 1][1] is not None:
            grad_b = mode.fix(own.delta[l].sum(axis=0) / m)
            own.grad_b[l] = take(grad_b[None, :], lambda j, l=l: f"grad_b{l}[{j}]", every_row=True)[0]
    take(mode.fix(own.delta[1] @ params[0][0]), lambda k: f"grad_x[{k}]")

    if net.learning_rate is not None:
        rate = float(net.learning_rate) if mode.is_float else mode.scalar(net.learning_rate)
        new = []
        for l, (weights, bias) in enumerate(params, start=1):
            w_new = _take_matrix(own, given, mode.fix(weights - mode.fix(rate * own.grad_W[l])), f"W{l}_new", mode)
            b_new = None
            if bias is not None:
                b_new = take(mode.fix(bias - mode.fix(rate * own.grad_b[l]))[None, :],
                             lambda j, l=l: f"b{l}_new[{j}]", every_row=True)[0]
            new.append((w_new, b_new))
        take_scalar("cost_new", backprop.forward(net, tuple(new), x, y, mode).cost)
    return own


def _convert(value: Any, mode: Mode) -> Any:
    return float(value) if mode.is_float else value


def _taker(own: OwnTrace, given: Mapping[str, Any], example: int,
           mode: Mode) -> Callable[..., np.ndarray]:
    """Record a per-example vector's entries (row ``example``) and put the student's values in."""

    def take(values: np.ndarray, name: Callable[[int], str], every_row: bool = False) -> np.ndarray:
        out = np.array(values, dtype=values.dtype, copy=True)
        row = 0 if every_row else example
        for j in range(out.shape[1]):
            key = name(j + 1)
            own.computed[key] = out[row, j]
            if key in given:
                out[row, j] = _convert(given[key], mode)
        return out

    return take


def _take_matrix(own: OwnTrace, given: Mapping[str, Any], values: np.ndarray, base: str, mode: Mode) -> np.ndarray:
    out = np.array(values, dtype=values.dtype, copy=True)
    for (j, k), v in np.ndenumerate(values):
        key = f"{base}[{j + 1},{k + 1}]"
        own.computed[key] = v
        if key in given:
            out[j, k] = _convert(given[key], mode)
    return out


def _scalar_taker(own: OwnTrace, given: Mapping[str, Any], mode: Mode) -> Callable[[str, Any], Any]:
    def take(key: str, value: Any) -> Any:
        own.computed[key] = value
        return _convert(given[key], mode) if key in given else value

    return take
