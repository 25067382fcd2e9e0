"""``derive --graph`` as readable text: the traces line by line, then the derivatives."""

from __future__ import annotations

from ..graphs.autodiff import Line, Traces
from ..graphs.graph import Graph
from ..graphs.report import GraphReport
from ..engine.numbers import places
from ..graphs.terms import Num, Sym, TermPrinter, printer_for


def line(p: TermPrinter, ln: Line) -> str:
    """``target = form = … = value``, with ≈ before a rounded value."""
    parts = [p.doprint(ln.target)] + [p.doprint(f) for f in ln.forms]
    value = p.doprint(Num(ln.value))
    if not parts[-1] == value:
        parts.append(("≈ " if p.approx(ln.value) else "= ") + value)
        return " = ".join(parts[:-1]) + " " + parts[-1]
    return " = ".join(parts)


def contribution_note(p: TermPrinter, graph: Graph, ln: Line, relevant: frozenset[int]) -> str:
    """Why a node's adjoint is a sum: which consumers it feeds."""
    if ln.contribution is None:
        return ""
    k, count = ln.contribution
    users = [p.doprint(graph.v(c)) for c, _ in graph.consumers[ln.node] if c in relevant]
    return f"contribution {k} of {count}: {p.doprint(graph.v(ln.node))} feeds {_and(users)}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _names(p: TermPrinter, graph: Graph, positions: list[int], accent: str) -> str:
    syms = [graph.input_name(q) for q in positions]
    return ", ".join(p.doprint(Sym(s.base, s.sub, s.sup, accent)) for s in syms)


def render(report: GraphReport, decimals: int = 3) -> str:
    t: Traces = report.traces
    p = printer_for("text", decimals, mode=t.mode)
    g = t.graph
    n, m = g.n_inputs, len(g.outputs)
    mode = "exact" if t.mode is None else t.mode.name + (f", {places(t.mode.decimals)}" if t.mode.name == "hand" else "")
    at = ", ".join(f"{p.doprint(g.input_name(q))} = {p.doprint(Num(t.at[q]))}" for q in g.inputs)
    out = [f"Computation graph of {report.title}",
           f"  {n} input(s), {len(g.operations)} elementary operation(s), {m} output(s); {mode} mode",
           f"  at {at}" if n <= 12 else f"  at the spec's values ({n} inputs)"]
    out += ["", "Primal trace (evaluate each operation in order)"]
    out += ["  " + line(p, ln) for ln in t.primal.lines]
    for k, tp in enumerate(t.forward, start=1):
        others = [q for q in g.inputs if q != tp.wrt]
        seed = f"{p.doprint(g.input_name(tp.wrt).dot())} = 1" + (
            f", {_names(p, g, others, 'dot')} = 0" if others and n <= 12 else "")
        out += ["", f"Forward mode, pass {k} of {len(t.forward)}: tangents v̇ = ∂v/∂{p.doprint(g.input_name(tp.wrt))} "
                    f"(seed {seed})"]
        out += ["  " + line(p, ln) for ln in tp.lines]
    for ap in t.reverse:
        relevant = g.ancestors(g.outputs[ap.output])
        y = g.output_names[ap.output]
        out += ["", f"Reverse mode, pass {ap.output + 1} of {m}: adjoints v̄ = ∂{p.doprint(y)}/∂v, last operation first "
                    f"(seed {p.doprint(y.bar())} = 1)"]
        texts = [(line(p, ln), contribution_note(p, g, ln, relevant)) for ln in ap.lines]
        width = max(len(a) for a, _ in texts)
        out += ["  " + (f"{a.ljust(width)}   ← {note}" if note else a) for a, note in texts]
    out += _derivatives(report, p)
    out += ["", f"Passes: forward mode needs one per input ({n}), reverse mode one per output ({m}); "
                f"{'reverse' if m < n else 'forward' if n < m else 'either'} mode is cheaper here."]
    return "\n".join(out) + "\n"


def _derivatives(report: GraphReport, p: TermPrinter) -> list[str]:
    t, g = report.traces, report.traces.graph
    out: list[str] = []
    if report.agreement:
        rows = [("quantity", "reverse mode (adjoint)", "backprop engine")]
        for row in report.agreement:
            label = (f"{p.doprint(row.label)} = {p.doprint(_node_bar(row.label))}" if row.label.base == "δ"
                     else f"∂C/∂{p.doprint(row.label)} = {p.doprint(row.label.bar())}")
            rows.append((label, p.doprint(Num(row.adjoint)), p.doprint(Num(row.backprop))))
        widths = [max(len(r[c]) for r in rows) for c in range(3)]
        out += ["", "The adjoints beside backpropagation (δ = z̄, Eq. 3.18/3.23; ∂C/∂w = w̄, Eq. 3.14):"]
        out += ["  " + "  ".join(r[c].ljust(widths[c]) for c in range(3)).rstrip() for r in rows]
        out.append(f"  {'agree' if report.agrees else 'DISAGREE'}: reverse mode and the backprop engine, node for node")
        return out
    out += ["", "Derivatives"]
    for o, y in enumerate(g.output_names):
        for q in g.inputs:
            x = g.input_name(q)
            parts = [f"∂{p.doprint(y)}/∂{p.doprint(x)}"]
            values = []
            if any(tp.wrt == q for tp in t.forward):
                values.append(("forward", next(tp for tp in t.forward if tp.wrt == q).derivatives[o]))
            if t.reverse:
                values.append(("reverse", t.reverse[o].gradient[q]))
            for how, value in values:
                parts.append(f"{p.doprint(Num(value))} ({how})")
            if report.symbolic is not None:
                parts.append(f"{report.symbolic.derivatives[o][q]} (formula)")
            out.append("  " + " = ".join(parts))
    if report.symbolic is not None:
        verdict = "equal" if report.symbolic.agrees else "NOT equal"
        out.append(f"  The formulas, from reverse mode on symbols, are {verdict} to sympy.diff of "
                   f"{', '.join(f'{p.doprint(y)} = {e}' for y, e in zip(g.output_names, report.symbolic.outputs))}.")
    elif report.skipped:
        out.append(f"  Formulas left out: {report.skipped}.")
    return out


def _node_bar(delta: Sym) -> Sym:
    return Sym("z", delta.sub, delta.sup, "bar")
