"""Float engine vs the bare NumPy it is made of (issue 2's speed figure).

Batched forward + backward of 10,000 examples through a 4-16-16-1 network (tanh, tanh,
sigmoid; half_sse; biases). The yardstick is the same matrix products and elementwise
operations written inline. Reports the median of many runs and the ratio, measured in one run.

    python benchmarks/bench_float_engine.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from gradsheet.derive.engine.backprop import backward, forward, parameters
from gradsheet.derive.engine.network import network_from
from gradsheet.derive.engine.numbers import FLOAT

M, SIZES = 10_000, (4, 16, 16, 1)


def spec():
    rng = np.random.default_rng(0)
    layers = []
    for l, act in zip(range(3), ("tanh", "tanh", "sigmoid")):
        layers.append({"weights": np.round(rng.normal(size=(SIZES[l + 1], SIZES[l])), 2).tolist(),
                       "bias": np.round(rng.normal(size=SIZES[l + 1]), 2).tolist(), "activation": act})
    return network_from(layers, x=[0.0] * 4, y=[0.0])


def bare(params, x, y):
    (w1, b1), (w2, b2), (w3, b3) = params
    m = x.shape[0]
    z1 = x @ w1.T + b1
    a1 = np.tanh(z1)
    z2 = a1 @ w2.T + b2
    a2 = np.tanh(z2)
    z3 = a2 @ w3.T + b3
    a3 = 0.5 * (1.0 + np.tanh(0.5 * z3))
    costs = ((y - a3) ** 2).sum(axis=-1) / 2
    cost = costs.sum() / m
    g3 = -(y - a3)
    d3 = g3 * (a3 * (1.0 - a3))
    gw3, gb3 = d3.T @ a2 / m, d3.sum(axis=0) / m
    g2 = d3 @ w3
    d2 = g2 * (1.0 - a2 * a2)
    gw2, gb2 = d2.T @ a1 / m, d2.sum(axis=0) / m
    g1 = d2 @ w2
    d1 = g1 * (1.0 - a1 * a1)
    gw1, gb1 = d1.T @ x / m, d1.sum(axis=0) / m
    gx = d1 @ w1
    return cost, gw1, gw2, gw3, gb1, gb2, gb3, gx


def engine(network, params, x, y):
    fwd = forward(network, params, x, y, FLOAT)
    return backward(network, params, fwd, FLOAT)


def timed(fn, reps=300):
    fn()
    samples = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    s = spec()
    params = parameters(s.network, FLOAT)
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(M, 4)), rng.uniform(size=(M, 1))
    bwd = engine(s.network, params, x, y)
    reference = bare(params, x, y)
    assert np.allclose(bwd.layers[0].grad_W, reference[1]) and np.allclose(bwd.grad_x, reference[7])
    # interleave the two so that machine noise hits both alike
    t_bare, t_engine = [], []
    for _ in range(5):
        t_bare.append(timed(lambda: bare(params, x, y), 60))
        t_engine.append(timed(lambda: engine(s.network, params, x, y), 60))
    tb, te = min(t_bare), min(t_engine)
    print(f"{M} examples through {'-'.join(map(str, SIZES))}: bare NumPy {tb * 1e3:.3f} ms, "
          f"engine {te * 1e3:.3f} ms, ratio {te / tb:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
