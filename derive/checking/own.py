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

from ..engine import backprop
from ..engine.network import Spec
from ..engine.numbers import Mode


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


def _in_domain(net: Any, outputs: np.ndarray) -> bool:
    """Whether the loss is defined at these outputs: a log-loss needs 0 < ŷ < 1."""
    if net.loss.name not in ("bce", "cross_entropy"):
        return True
    return all(0 < float(v) < 1 for v in np.asarray(outputs).ravel())


def own_trace(spec: Spec, given: Mapping[str, Any], example: int, mode: Mode,
              keep: Callable[[str, Any], bool] | None = None) -> OwnTrace:
    """Recompute every quantity from the student's values (``given``, by entry name) in ``mode``.

    ``keep(name, computed)``, asked of each given value as the pass reaches it, decides whether
    the student's value replaces the computed one (the check keeps only the values it judges
    correct, and so follows the student's correct values alone in one pass)."""
    net = spec.network
    params = backprop.parameters(net, mode)
    x, y = backprop.batch_arrays(spec.examples, mode)
    own = OwnTrace(mode, {}, params=params, y=y)

    def take(values: np.ndarray, base: str) -> np.ndarray:
        """Record each entry, then put the student's value in: row ``example`` of a per-example
        (m, n) array, every entry of a matrix or vector (``matrix=True``), or a scalar."""
        out = np.array(values, dtype=np.asarray(values).dtype, copy=True)
        per_example = base in per_example_bases
        for index, v in np.ndenumerate(values):
            if per_example and index[0] != example:
                continue
            entry = index[1:] if per_example else index
            key = f"{base}[{','.join(str(i + 1) for i in entry)}]" if entry else base
            own.computed[key] = v
            if key in given and (keep is None or keep(key, v)):
                out[index] = float(given[key]) if mode.is_float else given[key]
        return out

    L = net.depth
    per_example_bases = {f"z{l}" for l in range(1, L + 1)} | {f"a{l}" for l in range(1, L)} | \
        {f"delta{l}" for l in range(1, L + 1)} | {"output", "grad_x"}
    a = own.a[0] = x
    for l, (layer, (weights, bias)) in enumerate(zip(net.layers, params), start=1):
        z = a @ weights.T
        z = take(mode.fix(z if bias is None else z + bias), f"z{l}")
        computed = layer.activation.value(z, mode)
        a = take(computed, f"a{l}" if l < L else "output")
        own.z[l], own.a[l] = z, a
    if not _in_domain(net, a):
        # a log-loss of the student's ŷ ≤ 0 or ≥ 1 has no value: their cost and δ are followed
        # from the ŷ their own earlier values give instead (their ŷ itself is judged as given)
        a = own.a[L] = computed
    costs = net.loss.per_example(y, a, mode)
    take(np.asarray(mode.scalar(costs.sum() / len(costs))), "cost")

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
        own.delta[l] = delta = take(delta, f"delta{l}")
    m = x.shape[0]
    for l in range(1, L + 1):
        own.grad_W[l] = take(mode.fix(own.delta[l].T @ own.a[l - 1] / m), f"grad_W{l}")
        if params[l - 1][1] is not None:
            own.grad_b[l] = take(mode.fix(own.delta[l].sum(axis=0) / m), f"grad_b{l}")
    take(mode.fix(own.delta[1] @ params[0][0]), "grad_x")

    if net.learning_rate is not None:
        rate = float(net.learning_rate) if mode.is_float else mode.scalar(net.learning_rate)
        new = []
        for l, (weights, bias) in enumerate(params, start=1):
            w_new = take(mode.fix(weights - mode.fix(rate * own.grad_W[l])), f"W{l}_new")
            b_new = None if bias is None else take(mode.fix(bias - mode.fix(rate * own.grad_b[l])), f"b{l}_new")
            new.append((w_new, b_new))
        take(np.asarray(backprop.forward(net, tuple(new), x, y, mode).cost), "cost_new")
    return own
