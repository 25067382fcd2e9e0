"""The machine form of a derivation (a public contract, see the README).

Layers are listed 1…L in order. For a batch, ``z``, ``a``, ``output``, ``delta`` and
``grad_x`` hold one entry per example; the cost, gradients and update belong to the mean
cost. Exact values are strings (``"9/2"``; irrational ones in SymPy syntax), float and
hand-mode values are JSON numbers.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from ..errors import SpecError
from ..engine.numbers import to_fraction_string
from ..printing.report import Report


def _value(v: Any, exact: bool) -> Any:
    return to_fraction_string(v) if exact else float(v)


def _tree(array: Any, exact: bool) -> Any:
    if array is None:
        return None
    arr = np.asarray(array, dtype=object)
    if arr.ndim == 0:
        return _value(arr.item(), exact)
    return [_tree(sub, exact) for sub in arr]


def document(report: Report) -> dict[str, Any]:
    trace, exact = report.trace, report.mode.name == "exact"
    fwd, bwd = trace.forward, trace.backward
    m = fwd.x.shape[0]

    def per_example(arrays: list[Any]) -> Any:
        by_example = [[_tree(arr[i], exact) for arr in arrays] for i in range(m)]
        return by_example[0] if m == 1 else by_example

    def per_example_vector(array: Any) -> Any:
        rows = [_tree(array[i], exact) for i in range(m)]
        return rows[0] if m == 1 else rows

    has_bias = report.spec.network.has_bias
    doc: dict[str, Any] = {
        "mode": report.mode.name,
        "decimals": report.mode.decimals,
        "sizes": list(report.spec.network.sizes),
        "forward": {
            "z": per_example([layer.z for layer in fwd.layers]),
            "a": per_example([layer.a for layer in fwd.layers]),
            "output": per_example_vector(fwd.output),
            "cost": _value(fwd.cost, exact),
        },
        "backward": {
            "delta": per_example([layer.delta for layer in bwd.layers]),
            "grad_W": [_tree(layer.grad_W, exact) for layer in bwd.layers],
            "grad_b": [_tree(layer.grad_b, exact) for layer in bwd.layers] if has_bias else None,
            "grad_x": per_example_vector(bwd.grad_x),
        },
        "symbolic": None,
        # why the symbolic route did not run (a program cannot tell a skip from a failure by null alone)
        "symbolic_skipped": report.skipped if report.symbolic is None else None,
        "update": None,
        "notes": list(trace.notes),
    }
    if report.symbolic is not None:
        sym_exact = exact
        doc["symbolic"] = {
            "grad_W": [_tree(g, sym_exact) for g in report.symbolic.grad_W],
            "grad_b": [_tree(g, sym_exact) for g in report.symbolic.grad_b] if has_bias else None,
            "agrees": report.agrees,
        }
    if trace.update is not None:
        doc["update"] = {
            "learning_rate": _value(trace.update.learning_rate, exact),
            "W": [_tree(w, exact) for w, _ in trace.update.params],
            "b": [_tree(b, exact) for _, b in trace.update.params] if has_bias else None,
            "cost": _value(trace.update.forward.cost, exact),
        }
    return doc


def render(report: Report) -> str:
    return dumps(document(report))


def dumps(doc: object) -> str:
    """Strict JSON (RFC 8259): a NaN or an infinity is an error here, not ``NaN`` in the output."""
    try:
        return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    except ValueError:
        raise SpecError("--format", "a value to write is inf or NaN, which JSON cannot hold",
                        "use --exact, or smaller weights and inputs") from None
