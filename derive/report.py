"""Everything the ``derive`` command shows for one spec, computed once.

A :class:`Report` holds the backprop trace and, beside it, the symbolic gradients and
whether the two agree. The writers (text, JSON, LaTeX) only format it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import backprop, symbolic
from .backprop import Trace
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


def build(spec: Spec, mode: Mode | None = None, with_symbolic: bool = True) -> Report:
    mode = mode or default_mode(spec)
    trace = backprop.trace(spec.network, spec.examples, mode)
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
