"""``derive --scaling``: the lectures' claim that symbolic differentiation does not scale, in numbers.

For networks of growing depth and width it measures the size (``count_ops``) and the time
of the naive symbolic gradients (``sympy.diff`` of the nested expression for every
parameter), of the same after common-subexpression elimination (``sympy.cse``), and the
time of one backpropagation pass in float mode.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TextIO

import numpy as np
import sympy as sp

from ..engine import backprop
from . import derivation as symbolic
from ..engine.network import Network, network_from
from ..engine.numbers import FLOAT

# (depth, width), in the order run; stops early when one row exceeds the budget
ARCHITECTURES = ((1, 1), (2, 1), (2, 2), (3, 2), (3, 3), (4, 3), (4, 4), (5, 4))
BUDGET_SECONDS = 8.0


def _network(depth: int, width: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    sizes = [width] * (depth + 1)
    layers = [{"weights": (rng.integers(-4, 5, (sizes[l + 1], sizes[l])) / 4).tolist(),
               "bias": (rng.integers(-4, 5, sizes[l + 1]) / 4).tolist(), "activation": "tanh"}
              for l in range(depth)]
    layers[-1]["weights"] = layers[-1]["weights"][:1]
    layers[-1]["bias"] = layers[-1]["bias"][:1]
    return network_from(layers, x=[0.5] * width, y=[0.25])


def measure(depth: int, width: int) -> dict:
    spec = _network(depth, width)
    derivation = symbolic.derive(spec.network)
    # sympy.diff itself, the textbook naive route; derive's own symbolic route differentiates
    # the same expression with shared subexpressions visited once (symbolic.diff)
    start = time.perf_counter()
    grads = [sp.diff(derivation.cost, p) for p in derivation.symbols.parameters]
    t_diff = time.perf_counter() - start
    naive_ops = sum(sp.count_ops(g) for g in grads)
    start = time.perf_counter()
    replacements, reduced = sp.cse(grads)
    t_cse = time.perf_counter() - start
    cse_ops = sum(sp.count_ops(e) for _, e in replacements) + sum(sp.count_ops(g) for g in reduced)
    reps = 200
    start = time.perf_counter()
    for _ in range(reps):
        backprop.trace(spec.network, spec.examples, FLOAT)
    t_bp = (time.perf_counter() - start) / reps
    return {"depth": depth, "width": width, "params": spec.network.parameter_count,
            "naive_ops": naive_ops, "t_diff": t_diff, "cse_ops": cse_ops, "t_cse": t_cse, "t_bp": t_bp}


def run(out: TextIO) -> list[dict]:
    out.write("Symbolic differentiation of the nested function vs backpropagation (tanh, biases, 1 output)\n")
    header = f"{'depth':>5} {'width':>5} {'params':>6} {'naive ops':>10} {'diff s':>8} {'cse ops':>9} {'cse s':>8} {'backprop s':>11}"
    out.write(header + "\n")
    rows = []
    for depth, width in ARCHITECTURES:
        row = measure(depth, width)
        rows.append(row)
        out.write(f"{row['depth']:>5} {row['width']:>5} {row['params']:>6} {row['naive_ops']:>10} "
                  f"{row['t_diff']:>8.3f} {row['cse_ops']:>9} {row['t_cse']:>8.3f} {row['t_bp']:>11.6f}\n")
        out.flush()
        if row["t_diff"] + row["t_cse"] > BUDGET_SECONDS:
            out.write(f"(stopped: the last row alone took over {BUDGET_SECONDS:.0f} s of symbolic work)\n")
            break
    first, last = rows[0], rows[-1]
    out.write(f"\nFrom {first['params']} to {last['params']} parameters the naive gradients grew "
              f"{last['naive_ops'] / max(first['naive_ops'], 1):.0f}-fold in operations; CSE keeps "
              f"{last['cse_ops'] / max(last['naive_ops'], 1):.1%} of them; backprop stays at "
              f"{last['t_bp'] * 1e3:.2f} ms a pass.\n")
    return rows


@dataclass(frozen=True)
class OperationCounts:
    """Arithmetic operations and function evaluations for all of one network's gradients.

    ``naive``: each ∂C/∂θ written out as ``sympy.diff`` gives it, every copy of a repeated
    subexpression counted (a tree); ``shared``: each distinct subexpression once, as after
    common-subexpression elimination; ``backprop``: one forward and one backward pass.
    """

    naive: int
    shared: int
    backprop: int


def _own(e: sp.Basic) -> int:
    """Operations at one node: n − 1 for a sum or product of n terms, 1 for a power or a function."""
    if e.is_Add or e.is_Mul:
        return len(e.args) - 1
    if e.is_Pow or isinstance(e, sp.Function):
        return 1
    return 0


def tree_operations(*exprs: sp.Basic) -> int:
    """Operations of ``exprs`` written out as trees, every copy of a shared subexpression
    counted, computed on the shared graph without writing the trees out."""
    tree: dict[sp.Basic, int] = {}

    def size(e: sp.Basic) -> int:
        hit = tree.get(e)
        if hit is None:
            hit = tree[e] = _own(e) + sum(size(a) for a in e.args)
        return hit

    return sum(size(e) for e in exprs)


def shared_operations(*exprs: sp.Basic) -> int:
    """Operations of ``exprs`` with each distinct subexpression computed once."""
    seen: set[sp.Basic] = set()
    total, stack = 0, list(exprs)
    while stack:
        e = stack.pop()
        if e in seen:
            continue
        seen.add(e)
        total += _own(e)
        stack.extend(e.args)
    return total


def operations(derivation: symbolic.Derivation) -> OperationCounts:
    gradients = list(derivation.gradients.values())
    return OperationCounts(tree_operations(*gradients), shared_operations(*gradients),
                           backprop_operations(derivation.network))


def backprop_operations(network: Network) -> int:
    """One example's forward pass (Eq. 3.4), deltas (Eq. 3.18/3.23) and gradients (Eq. 3.14/3.16).

    Per layer of n neurons with k inputs: forward k·n products, (k − 1)·n sums, n bias sums
    and n activations; backward n σ' evaluations and n products by σ' (deltas), for a hidden
    layer W^(l+1)ᵀδ^(l+1) (n·m products and n·(m − 1) sums over the m neurons above), and
    k·n products δ_j a_k for the weights' gradients. The loss: its n outputs' ∂C/∂ŷ_j, one
    operation each.
    """
    sizes, total = network.sizes, network.sizes[-1]
    for l, layer in enumerate(network.layers, start=1):
        n, k = layer.n_out, layer.n_in
        total += k * n + (k - 1) * n + (n if layer.bias is not None else 0) + n
        total += 2 * n + k * n
        if l < network.depth:
            m = sizes[l + 1]
            total += n * m + n * (m - 1)
    return total
