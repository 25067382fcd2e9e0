"""``derive --scaling``: the lectures' claim that symbolic differentiation does not scale, in numbers.

For networks of growing depth and width it measures the size (``count_ops``) and the time
of the naive symbolic gradients (``sympy.diff`` of the nested expression for every
parameter), of the same after common-subexpression elimination (``sympy.cse``), and the
time of one backpropagation pass in float mode.
"""

from __future__ import annotations

import time
from typing import TextIO

import numpy as np
import sympy as sp

from . import backprop, symbolic
from .network import network_from
from .numbers import FLOAT

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
