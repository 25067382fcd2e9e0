"""``derive --graph --format latex``: a compilable document with the graph drawn in TikZ
and every trace line as an equation; :func:`figure` alone drops into notes and exams."""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..graphs.autodiff import Line, Traces
from ..figures.graph_layout import layout
from ..figures.graph_scene import Scene, scene
from ..graphs.report import GraphReport
from ..printing.templating import english, environment, escape
from ..graphs.terms import LatexTermPrinter, Num, TermPrinter, printer_for


def equation(p: TermPrinter, ln: Line) -> tuple[str, str]:
    """(left side, right side) of a trace line for an ``align*`` row."""
    parts = [p.doprint(f) for f in ln.forms]
    value = p.doprint(Num(ln.value))
    rhs = " = ".join(parts)
    if not parts or parts[-1] != value:
        sign = r"\approx" if p.approx(ln.value) else "="
        rhs = f"{rhs} {sign} {value}" if parts else value
    return p.doprint(ln.target), rhs


def figure_scene(traces: Traces, decimals: int = 3, adjoints: bool = True, values: bool = True,
                 fractions: bool = True) -> Scene:
    """The graph's figure laid out: nodes with their values above and adjoints below, edges with
    their local partial derivatives (:func:`derive.figures.graph_scene.scene`)."""
    p = printer_for("latex", decimals, fractions, traces.mode)
    g = traces.graph
    where = layout(g)
    adjoint = traces.reverse[0].adjoints if adjoints and traces.reverse else None
    symbols, texts, adjoint_texts = [], [], []
    for q, node in enumerate(g.nodes):
        symbol = node.operation.symbol if node.op != "input" else p.doprint(g.input_name(q))
        if node.op == "pow":
            symbol = f"\\Box^{{{node.param}}}" if node.param != 2 else r"\Box^2"
        if node.op == "activation":
            symbol = rf"\operatorname{{{node.param.name}}}"
        label = p.doprint(g.v(q))
        if node.op != "input" and node.name is not None and node.name != g.v(q) and q not in g.outputs:
            label += f" = {p.doprint(node.name)}"  # the name the author gave it: v_1 = z_1
        symbols.append(symbol)
        texts.append(f"{label} = {p.doprint(Num(traces.primal.values[q]))}" if values else label)
        adjoint_texts.append(f"{p.doprint(g.v(q).bar())} = {p.doprint(Num(adjoint[q]))}" if adjoint is not None else "")
    partials = [p.doprint(Num(traces.primal.partials[target][k])) if values else ""
                for _, target, k in g.edges()]
    return scene(g, where, symbols, texts, adjoint_texts, partials, [p.doprint(name) for name in g.output_names])


# the largest graph drawn as a figure: its labels are placed in about 5 s on the 2-core machine
# (a network's graph has about 3 nodes a parameter), and a larger one does not read on a page
FIGURE_NODES = 300


def figure(traces: Traces, decimals: int = 3, adjoints: bool = True, values: bool = True,
           fractions: bool = True, say: Any = english) -> dict[str, Any]:
    """The context of ``graph_figure.tex.j2``: :func:`figure_scene`'s coordinates, and a legend."""
    laid = figure_scene(traces, decimals, adjoints, values, fractions)
    g = traces.graph
    return {"nodes": [{"id": f"n{q}", "x": f"{n.x:g}", "y": f"{n.y:g}", "input": n.square,
                       "size": f"{2 * n.radius:.3f}", "symbol": n.symbol} for q, n in enumerate(laid.nodes)],
            "edges": [e.tikz() for e in laid.edges],
            "labels": [{"kind": lab.kind, "at": _xy((lab.x, lab.y)), "text": lab.text} for lab in laid.labels],
            "legend": _legend(values, printer_for("latex").doprint(g.output_names[0])
                              if adjoints and traces.reverse else None, say),
            "wide": max(n.x for n in laid.nodes) - min(n.x for n in laid.nodes) > 15
                    or max(n.y for n in laid.nodes) - min(n.y for n in laid.nodes) > 11}


def _legend(values: bool, output: str | None, say: Any = english) -> str:
    """What the figure's numbers are, under it (the edge numbers puzzle a reader otherwise);
    ``say`` puts it into the reader's language (generate's catalogs)."""
    if not values:
        return ""
    parts = [say("above each node its value")]
    if output is not None:
        parts.append(say("below it, in red, its adjoint {adjoint}", adjoint=rf"$\bar v = \partial {output} / \partial v$"))
    parts.append(say("on each edge from {vj} to {vi} the local partial derivative {partial}", vj="$v_j$", vi="$v_i$",
                     partial=r"$\partial v_i / \partial v_j$"))
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def _xy(point: tuple[float, float]) -> str:
    return f"{point[0]:.3f},{point[1]:.3f}"


def figure_tex(traces: Traces, decimals: int = 3, fractions: bool = True, say: Any = english) -> str:
    """The figure alone, centred and no wider than the line, for a document's body."""
    return str(environment().get_template("graph_figure.tex.j2").module.centred(
        figure(traces, decimals, fractions=fractions, say=say)))


def render(report: GraphReport, decimals: int = 3) -> str:
    t = report.traces
    p = printer_for("latex", decimals, mode=t.mode)
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
        figure=figure(t, decimals) if len(g.nodes) <= FIGURE_NODES else None,
        figure_nodes=FIGURE_NODES, nodes=len(g.nodes),
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

