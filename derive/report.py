"""Everything the ``derive`` command shows for one spec, computed once.

A :class:`Report` holds the backprop trace and, beside it, the symbolic gradients and
whether the two agree. The writers (text, JSON, LaTeX) only format it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import backprop, symbolic
from .backprop import Trace
from .errors import SpecError
from .network import Spec
from .numbers import FLOAT, Mode
from .symbolic import Derivation, SymbolicGradients

# sympy.diff of the nested expression is the naive route the lectures warn about; past this
# many parameters it takes minutes, so the command skips it and says so.
SYMBOLIC_LIMIT = 64


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
    from .numbers import EXACT

    return EXACT if spec.network.rational else FLOAT


def _finite(trace: Trace) -> bool:
    values = [np.asarray(trace.forward.cost, float)]
    for layer in trace.backward.layers:
        values.append(np.asarray(layer.grad_W, float))
        if layer.grad_b is not None:
            values.append(np.asarray(layer.grad_b, float))
    return all(bool(np.all(np.isfinite(v))) for v in values)


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


def build(spec: Spec, mode: Mode | None = None, with_symbolic: bool = True) -> Report:
    mode = mode or default_mode(spec)
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
    if reference.mode.is_float and not _finite(reference):
        return Report(spec, trace, None, None, None,
                      "symbolic comparison skipped: float64 overflowed (the cost or a gradient is inf or "
                      "NaN), so there is nothing to compare; --exact computes without overflow")
    derivation = symbolic.derive(spec.network, spec.notation)
    values = symbolic.evaluate(derivation, spec.examples, reference.mode)
    return Report(spec, trace, derivation, values, symbolic.agrees(values, reference), reference=reference)
