"""``derive --graph --format latex``: a compilable document with the graph drawn in TikZ
and every trace line as an equation; :func:`figure` alone drops into notes and exams."""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..autodiff import Line, Traces
from ..graph_layout import layout
from ..graph_report import GraphReport
from ..templating import environment, escape
from ..terms import LatexTermPrinter, Num, TermPrinter, printer_for


def equation(p: TermPrinter, ln: Line) -> tuple[str, str]:
    """(left side, right side) of a trace line for an ``align*`` row."""
    parts = [p.doprint(f) for f in ln.forms]
    value = p.doprint(Num(ln.value))
    rhs = " = ".join(parts)
    if not parts or parts[-1] != value:
        sign = r"\approx" if p.approx(ln.value) else "="
        rhs = f"{rhs} {sign} {value}" if parts else value
    return p.doprint(ln.target), rhs


def figure(traces: Traces, decimals: int = 3, adjoints: bool = True, values: bool = True,
           fractions: bool = True) -> dict[str, Any]:
    """The context of ``graph_figure.tex.j2``: nodes placed, labelled with their values and
    adjoints, edges labelled with their local partial derivatives. An edge that skips a
    column bends around the nodes between (over them going down, under them going up)."""
    p = printer_for("latex", decimals, fractions)
    g = traces.graph
    where = layout(g)
    adjoint = traces.reverse[0].adjoints if adjoints and traces.reverse else None
    nodes = []
    for q, node in enumerate(g.nodes):
        symbol = node.operation.symbol if node.op != "input" else p.doprint(g.input_name(q))
        if node.op == "pow":
            symbol = f"\\Box^{{{node.param}}}" if node.param != 2 else r"\Box^2"
        if node.op == "activation":
            symbol = rf"\operatorname{{{node.param.name}}}"
        label = p.doprint(g.v(q))
        if node.op != "input" and node.name is not None and node.name != g.v(q) and q not in g.outputs:
            label += f" = {p.doprint(node.name)}"  # the name the author gave it: v_1 = z_1
        value = f"{label} = {p.doprint(Num(traces.primal.values[q]))}" if values else label
        nodes.append({
            "id": f"n{q}", "x": f"{where.x[q]:g}", "y": f"{where.y[q]:g}",
            "input": node.op == "input", "symbol": symbol, "value": value,
            "adjoint": (f"{p.doprint(g.v(q).bar())} = {p.doprint(Num(adjoint[q]))}" if adjoint is not None else ""),
        })
    edges = []
    for source, target, k in g.edges():
        partial = traces.primal.partials[target][k]
        span = where.x[target] - where.x[source]
        bend = "" if span <= 1 else ("bend left=18" if where.y[source] >= where.y[target] else "bend right=18")
        edges.append({"source": f"n{source}", "target": f"n{target}", "bend": bend,
                      "label": p.doprint(Num(partial)) if values else ""})
    outputs = [{"source": f"n{q}", "label": p.doprint(name), "x": f"{where.x[q] + 0.8:g}", "y": f"{where.y[q]:g}"}
               for q, name in zip(g.outputs, g.output_names)]
    return {"nodes": nodes, "edges": edges, "outputs": outputs, "wide": where.width > 7 or where.height > 6,
            "xscale": "2.3" if where.width <= 6 else "2.0", "yscale": "1.9"}


def figure_tex(traces: Traces, decimals: int = 3, fractions: bool = True) -> str:
    """The figure alone, centred and no wider than the line, for a document's body."""
    return str(environment().get_template("graph_figure.tex.j2").module.centred(
        figure(traces, decimals, fractions=fractions)))


def render(report: GraphReport, decimals: int = 3) -> str:
    p = printer_for("latex", decimals)
    t = report.traces
    g = t.graph
    passes = []
    for k, tp in enumerate(t.forward, start=1):
        passes.append({"title": f"Forward mode, pass {k} of {len(t.forward)}: tangents "
                                f"$\\dot v = \\partial v / \\partial {p.doprint(g.input_name(tp.wrt))}$",
                       "rows": [equation(p, ln) for ln in tp.lines]})
    for ap in t.reverse:
        y = p.doprint(g.output_names[ap.output])
        rows = []
        for ln in ap.lines:
            lhs, rhs = equation(p, ln)
            note = (f"\\text{{contribution {ln.contribution[0]} of {ln.contribution[1]}}}"
                    if ln.contribution else "")
            rows.append((lhs, rhs, note))
        passes.append({"title": f"Reverse mode, pass {ap.output + 1} of {len(g.outputs)}: adjoints "
                                f"$\\bar v = \\partial {y} / \\partial v$, last operation first",
                       "rows": rows})
    return environment().get_template("graph.tex.j2").render(
        title=escape(report.title),
        figure=figure(t, decimals),
        primal=[equation(p, ln) for ln in t.primal.lines],
        passes=passes,
        derivatives=_derivatives(report, p),
        agreement=[(p.doprint(r.label), p.doprint(Num(r.adjoint)), p.doprint(Num(r.backprop))) for r in report.agreement],
        agrees=report.agrees,
        n=g.n_inputs, m=len(g.outputs),
    )


def _derivatives(report: GraphReport, p: LatexTermPrinter) -> list[str]:
    t, g = report.traces, report.traces.graph
    rows = []
    if report.agreement:
        return rows
    for o, y in enumerate(g.output_names):
        for q in g.inputs:
            value = t.reverse[o].gradient[q] if t.reverse else next(
                (tp.derivatives[o] for tp in t.forward if tp.wrt == q), None)
            if value is None:
                continue
            lhs = rf"\frac{{\partial {p.doprint(y)}}}{{\partial {p.doprint(g.input_name(q))}}}"
            parts = [lhs]
            if report.symbolic is not None:
                names = {s: sp.Symbol(p.doprint(g.input_name(k))) for k, s in enumerate(report.symbolic.symbols)}
                parts.append(sp.latex(report.symbolic.derivatives[o][q].xreplace(names)))
            sign = r"\approx" if p.approx(value) else "="
            rows.append(" = ".join(parts) + f" {sign} {p.doprint(Num(value))}")
    return rows

