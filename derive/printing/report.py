"""Everything the ``derive`` command shows for one spec, computed once.

A :class:`Report` holds the backprop trace and, beside it, the symbolic gradients and
whether the two agree. The writers (text, JSON, LaTeX) only format it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from ..engine import backprop
from ..engine.backprop import Trace
from ..errors import SpecError
from ..engine.network import Spec
from ..limits import MAX_DECIMALS
from ..engine.numbers import FLOAT, Mode, exact_decimal, places, round_half_away

if TYPE_CHECKING:  # the symbolic route is imported when asked for: it needs SymPy
    from ..symbolic.derivation import Derivation, SymbolicGradients

# sympy.diff of the nested expression is the naive route the lectures warn about; past this
# many parameters it takes minutes, so the command skips it and says so.
SYMBOLIC_LIMIT = 128


@dataclass(frozen=True)
class Report:
    spec: Spec
    trace: Trace
    derivation: Derivation | None
    symbolic: SymbolicGradients | None
    agrees: bool | None
    skipped: str = ""
    # the trace the symbolic gradients were compared with: the unrounded float one in hand mode
    reference: Trace | None = None

    @property
    def mode(self) -> Mode:
        return self.trace.mode


def default_mode(spec: Spec) -> Mode:
    """Exact where every value stays rational, float otherwise."""
    from ..engine.numbers import EXACT

    return EXACT if spec.network.rational else FLOAT


def gradients_side_by_side(report: Report, trace: Trace) -> list[tuple[str, int, int, int, Any, Any]]:
    """("w", l, j, k, backprop, symbolic) for each weight and ("b", l, j, 0, …) for each bias,
    in the order of :attr:`derive.symbolic.derivation.Symbols.parameters` (that of ``symbolic.agreement``)."""
    assert report.symbolic is not None
    rows: list[tuple[str, int, int, int, Any, Any]] = []
    for l, (layer, g) in enumerate(zip(report.spec.network.layers, trace.backward.layers), start=1):
        sym_w, sym_b = report.symbolic.grad_W[l - 1], report.symbolic.grad_b[l - 1]
        for j in range(layer.n_out):
            rows += [("w", l, j + 1, k + 1, g.grad_W[j][k], sym_w[j][k]) for k in range(layer.n_in)]
            if g.grad_b is not None and sym_b is not None:
                rows.append(("b", l, j + 1, 0, g.grad_b[j], sym_b[j]))
    return rows


def overflow(trace: Trace) -> str:
    """The first value of a float trace that is inf or NaN, named as the lectures name it; "" if none."""
    fwd, bwd = trace.forward, trace.backward
    named: list[tuple[str, object]] = []
    for l in range(1, trace.network.depth + 1):
        named += [(f"z^({l})", fwd.z(l)), (f"a^({l})", fwd.a(l))]
    named.append(("the cost", fwd.costs))
    for l in range(trace.network.depth, 0, -1):
        layer = bwd.layers[l - 1]
        named += [(f"δ^({l})", layer.delta), (f"∂C/∂W^({l})", layer.grad_W)]
        if layer.grad_b is not None:
            named.append((f"∂C/∂b^({l})", layer.grad_b))
    if trace.update is not None:
        named += [(f"W^({l}) after the step", w) for l, (w, _) in enumerate(trace.update.params, start=1)]
        named.append(("the cost after the step", trace.update.forward.costs))
    for name, values in named:
        if not np.all(np.isfinite(np.asarray(values, float))):
            return name
    return ""


def unrounded_given(spec: Spec, decimals: int) -> SpecError | None:
    """Hand mode rounds what it computes, not what it is given: a weight, input, target or
    learning rate with more decimals than it keeps would be printed rounded while the step
    computed with it, or (0.001 at 1 decimal) rounded to another number. Such a spec gets
    this error instead of a derivation that silently changed its data."""
    givens: list[tuple[str, Any]] = [("learning_rate", spec.network.learning_rate)]
    for l, layer in enumerate(spec.network.layers, start=1):
        givens += [(f"layers[{l}].weights", w) for row in layer.weights for w in row]
        givens += [(f"layers[{l}].bias", b) for b in layer.bias or ()]
    for i, example in enumerate(spec.examples, start=1):
        givens += [(f"examples[{i}].x", v) for v in example.x] + [(f"examples[{i}].y", v) for v in example.y]
    for field, value in givens:
        if value is None or round_half_away(value, decimals) == value:
            continue
        exact = exact_decimal(sp.Rational(value))
        needed = len(exact.split(".")[1]) if exact and "." in exact else None
        fix = (f"give --decimals {needed} or more" if needed is not None and needed <= MAX_DECIMALS
               else "write it in the spec as rounded as the exercise wants it")
        return SpecError(field, f"{exact or value} has more decimals than hand mode keeps ({places(decimals)}); "
                         f"it would compute with {round_half_away(value, decimals)}", fix)
    return None


def build(spec: Spec, mode: Mode | None = None, with_symbolic: bool = True) -> Report:
    mode = mode or default_mode(spec)
    if mode.name == "hand":
        error = unrounded_given(spec, mode.decimals)  # type: ignore[arg-type]
        if error is not None:
            raise error
    trace = backprop.trace(spec.network, spec.examples, mode)
    where = overflow(trace) if mode.is_float else ""
    if where:
        raise SpecError("layers", f"float64 overflows: {where} is inf or NaN",
                        "use --exact, which computes up to 10^1000, or smaller weights and inputs")
    if not with_symbolic:
        return Report(spec, trace, None, None, None, "symbolic derivation not requested")
    if spec.network.parameter_count > SYMBOLIC_LIMIT:
        return Report(spec, trace, None, None, None,
                      f"symbolic derivation skipped: {spec.network.parameter_count} parameters "
                      f"(more than {SYMBOLIC_LIMIT}; this is the scaling problem `derive --scaling` measures)")
    # Hand mode's rounded values differ from the truth by design; the symbolic route is
    # checked against the unrounded float engine instead.
    reference = trace if mode.name != "hand" else backprop.trace(spec.network, spec.examples, FLOAT)
    if reference.mode.is_float and overflow(reference):
        return Report(spec, trace, None, None, None,
                      "symbolic comparison skipped: float64 overflowed (the cost or a gradient is inf or "
                      "NaN), so there is nothing to compare; --exact computes without overflow")
    from ..symbolic import derivation as symbolic

    derivation = symbolic.derive(spec.network, spec.notation)
    values = symbolic.evaluate(derivation, spec.examples, reference.mode)
    return Report(spec, trace, derivation, values, symbolic.agrees(values, reference), reference=reference)
