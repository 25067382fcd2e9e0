"""Loss functions C(y, ŷ) for one example, and ∂C/∂a^(L).

A batch's cost is the mean of its examples' costs (Herrmann, Algorithm 5).

``half_sse`` is the lectures' C = ½ Σ_j (y_j − ŷ_j)² (Eq. 3.11), whose derivative
−(y − ŷ) enters Eq. 3.18. For sigmoid + ``bce`` and softmax + ``cross_entropy`` the output
delta simplifies to ∂C/∂z^(L) = ŷ − y (Bhadani, "the gradient is simply the prediction
error"); :attr:`Loss.fused_with` names the output activation for which that holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import sympy as sp

from ..errors import SpecError
from .numbers import Mode


def _xlogy(c: np.ndarray, x: np.ndarray, mode: Mode) -> np.ndarray:
    """c · log x, with 0 · log 0 = 0 (a target of exactly 0 or 1 drops its term)."""
    if mode.is_float:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(c == 0, 0.0, c * np.log(np.where(c == 0, 1.0, x)))
    out = np.empty(np.shape(c), dtype=object)
    for idx in np.ndindex(np.shape(c)):
        out[idx] = 0 if c[idx] == 0 else c[idx] * mode.log(np.asarray([x[idx]], dtype=object))[0]
    return out


def _squared(d: np.ndarray) -> np.ndarray:
    """d², elementwise; an exact rational as d · d, the same number: SymPy's power of a
    Rational first looks for perfect powers (90 µs, where the product takes 2 µs)."""
    if d.dtype != object:
        return d ** 2
    return np.asarray(_SQUARE(d), dtype=object)


_SQUARE = np.frompyfunc(lambda v: v * v if isinstance(v, (int, sp.Rational)) else v ** 2, 1, 1)


@dataclass(frozen=True)
class Loss:
    name: str
    description: str
    latex: str  # the formula for one example, in y and \hat{y}
    value: Callable[[np.ndarray, np.ndarray, Mode], np.ndarray]  # (m, n) → (m,)
    gradient: Callable[[np.ndarray, np.ndarray, Mode], np.ndarray]  # ∂C/∂ŷ, (m, n)
    sympy_form: Callable[[Sequence[sp.Expr], Sequence[sp.Expr]], sp.Expr]
    gradient_latex: str
    fused_with: str | None = None
    target_range: tuple[int, int] | None = None
    needs_distribution: bool = False
    # float mode: the value from log ŷ and log(1 − ŷ), for a loss made of logarithms
    value_from_logs: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None

    def per_example(self, y: np.ndarray, yhat: np.ndarray, mode: Mode,
                    logs: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """C_i for each example; ``logs`` = (log ŷ, log(1 − ŷ)) formed from z (float mode),
        so that a saturated output (σ(803) = 1.0 in float) still gives a finite cost."""
        if logs is not None and self.value_from_logs is not None:
            return self.value_from_logs(y, *logs)
        return self.value(y, yhat, mode)

    def check_targets(self, y: Sequence, field: str) -> None:
        if self.target_range is not None:
            low, high = self.target_range
            for j, value in enumerate(y):
                if not low <= value <= high:
                    raise SpecError(
                        f"{field}[{j + 1}]", f"{self.name} needs targets in [{low}, {high}], found {value}",
                        f"give a target between {low} and {high}, or use loss = \"half_sse\"",
                    )
        if self.needs_distribution and sum(y) != 1:
            raise SpecError(field, f"{self.name} needs targets that sum to 1, found sum {sum(y)}",
                            "give a one-hot target such as [0, 1, 0]")


def _half_sse() -> Loss:
    return Loss(
        "half_sse", "C = 1/2 Σ_j (y_j − ŷ_j)², the lectures' cost (Eq. 3.11)",
        r"\frac{1}{2} \sum_j \left(y_j - \hat{y}_j\right)^2",
        lambda y, yh, mode: mode.fix(_squared(y - yh).sum(axis=-1) / 2),
        lambda y, yh, mode: mode.fix(-(y - yh)),
        lambda ys, yhs: sp.Rational(1, 2) * sum((yv - yh) ** 2 for yv, yh in zip(ys, yhs)),
        r"-\left(y_j - \hat{y}_j\right)",
    )


def _mse() -> Loss:
    return Loss(
        "mse", "C = (1/n) Σ_j (y_j − ŷ_j)², mean over the n outputs",
        r"\frac{1}{n} \sum_j \left(y_j - \hat{y}_j\right)^2",
        lambda y, yh, mode: mode.fix(_squared(y - yh).sum(axis=-1) / y.shape[-1]),
        lambda y, yh, mode: mode.fix(-2 * (y - yh) / y.shape[-1]),
        lambda ys, yhs: sum((yv - yh) ** 2 for yv, yh in zip(ys, yhs)) / len(ys),
        r"-\frac{2}{n}\left(y_j - \hat{y}_j\right)",
    )


def _times_log(c: np.ndarray, log: np.ndarray) -> np.ndarray:
    """c · log v with 0 · log 0 = 0, as in the exact _xlogy."""
    with np.errstate(invalid="ignore"):
        return np.where(c == 0, 0.0, c * log)


def _bce() -> Loss:
    return Loss(
        "bce", "L = −Σ_j [y_j log ŷ_j + (1 − y_j) log(1 − ŷ_j)], binary cross-entropy",
        r"-\sum_j \left[y_j \log \hat{y}_j + (1 - y_j) \log(1 - \hat{y}_j)\right]",
        lambda y, yh, mode: mode.fix(-(_xlogy(y, yh, mode) + _xlogy(1 - y, 1 - yh, mode)).sum(axis=-1)),
        lambda y, yh, mode: mode.fix(mode.fix(-y / yh) + mode.fix((1 - y) / (1 - yh))),
        lambda ys, yhs: -sum(yv * sp.log(yh) + (1 - yv) * sp.log(1 - yh) for yv, yh in zip(ys, yhs)),
        r"-\frac{y_j}{\hat{y}_j} + \frac{1 - y_j}{1 - \hat{y}_j}",
        fused_with="sigmoid", target_range=(0, 1),
        value_from_logs=lambda y, log_yh, log_rest: -(_times_log(y, log_yh) + _times_log(1 - y, log_rest)).sum(axis=-1),
    )


def _cross_entropy() -> Loss:
    return Loss(
        "cross_entropy", "L = −Σ_j y_j log ŷ_j, categorical cross-entropy (with softmax)",
        r"-\sum_j y_j \log \hat{y}_j",
        lambda y, yh, mode: mode.fix(-_xlogy(y, yh, mode).sum(axis=-1)),
        lambda y, yh, mode: mode.fix(-y / yh),
        lambda ys, yhs: -sum(yv * sp.log(yh) for yv, yh in zip(ys, yhs)),
        r"-\frac{y_j}{\hat{y}_j}",
        fused_with="softmax", target_range=(0, 1), needs_distribution=True,
        value_from_logs=lambda y, log_yh, log_rest: -_times_log(y, log_yh).sum(axis=-1),
    )


_LOSSES = {loss.name: loss for loss in (_half_sse(), _mse(), _bce(), _cross_entropy())}
NAMES: tuple[str, ...] = tuple(_LOSSES)


def get(name: str, field: str = "loss") -> Loss:
    if name not in _LOSSES:
        raise SpecError(field, f"unknown loss {name!r}", f"use one of {', '.join(NAMES)}")
    return _LOSSES[name]
