"""``derive --graph --format json``: the graph and its traces as data (``gradsheet-graph/1``).

Nodes are listed inputs first, each with Baydin's index i of v_i. Exact values are strings
(``"1/2"``; irrational ones in SymPy syntax), float and hand-mode values JSON numbers. Each
trace also comes as its lines in text, for showing.
"""

from __future__ import annotations

from typing import Any

from ..graphs.report import GraphReport
from ..engine.numbers import to_fraction_string
from ..graphs.terms import printer_for
from .json import dumps
from .graph_text import line


def render(report: GraphReport, decimals: int = 3) -> str:
    t = report.traces
    g = t.graph
    exact = t.mode is not None and t.mode.name == "exact"
    p = printer_for("text", decimals)

    def value(v: Any) -> Any:
        return to_fraction_string(v) if exact else float(v)

    nodes = []
    for q, node in enumerate(g.nodes):
        entry: dict[str, Any] = {"v": g.index(q), "op": node.op, "value": value(t.primal.values[q]),
                                 "name": node.source if node.op == "input" else (p.doprint(node.name) if node.name else None)}
        if node.op != "input":
            entry["args"] = [g.index(a) if isinstance(a, int) else {"constant": to_fraction_string(a.value)}
                             for a in node.args]
            entry["partials"] = [None if d is None else value(d) for d in t.primal.partials[q]]
            if node.op == "pow":
                entry["exponent"] = to_fraction_string(node.param)
        nodes.append(entry)
    doc = {
        "format": "gradsheet-graph/1",
        "expression": report.title,
        "mode": t.mode.name if t.mode is not None else "symbolic",
        "inputs": [{"name": node, "v": g.index(q), "value": value(t.at[q])} for q, node in enumerate(g.input_names())],
        "outputs": [{"name": p.doprint(n), "v": g.index(q), "value": value(t.primal.values[q])}
                    for q, n in zip(g.outputs, g.output_names)],
        "nodes": nodes,
        "primal": [line(p, ln) for ln in t.primal.lines],
        "forward": [{"wrt": g.input_names()[tp.wrt], "tangents": [value(v) for v in tp.tangents],
                     "derivatives": [value(v) for v in tp.derivatives], "lines": [line(p, ln) for ln in tp.lines]}
                    for tp in t.forward],
        "reverse": [{"output": p.doprint(g.output_names[ap.output]), "adjoints": [value(v) for v in ap.adjoints],
                     "gradient": dict(zip(g.input_names(), (value(v) for v in ap.gradient))),
                     "lines": [line(p, ln) for ln in ap.lines]} for ap in t.reverse],
        "symbolic": None if report.symbolic is None else {
            "derivatives": [{x: str(d) for x, d in zip(g.input_names(), row)} for row in report.symbolic.derivatives],
            "agrees_with_sympy_diff": report.symbolic.agrees},
        "backprop": [{"quantity": p.doprint(r.label), "adjoint": value(r.adjoint), "backprop": value(r.backprop)}
                     for r in report.agreement] or None,
        "passes": {"forward": g.n_inputs, "reverse": len(g.outputs)},
    }
    return dumps(doc)
