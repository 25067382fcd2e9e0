"""``derive --graph --format dot``: the graph for Graphviz (``dot -Tpdf``), labelled as the TikZ figure."""

from __future__ import annotations

from ..graphs.report import GraphReport
from ..graphs.terms import Num, printer_for


def _quote(*lines: str) -> str:
    """A DOT string of one or more lines."""
    return '"' + "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines) + '"'


def render(report: GraphReport, decimals: int = 3) -> str:
    t = report.traces
    p = printer_for("text", decimals, mode=t.mode)
    g = t.graph
    adjoint = t.reverse[0].adjoints if t.reverse else None
    out = ["digraph computation {", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=11];',
           '  edge [fontname="Helvetica", fontsize=9];']
    for q, node in enumerate(g.nodes):
        name = p.doprint(g.v(q))
        if node.op == "input":
            what = p.doprint(g.input_name(q))
            label = (f"{name} = {what}" if what != name else name, p.doprint(Num(t.primal.values[q])))
            shape = "box, style=rounded"
        else:
            form = node.operation.form(tuple(g.term(a) for a in node.args), node.param)
            label = (f"{name} = {p.doprint(form)}", p.doprint(Num(t.primal.values[q])))
            shape = "ellipse"
        extra = f", xlabel={_quote(p.doprint(g.v(q).bar()) + ' = ' + p.doprint(Num(adjoint[q])))}" if adjoint else ""
        out.append(f"  n{q} [shape={shape}, label={_quote(*label)}{extra}];")
    for source, target, k in g.edges():
        label = p.doprint(Num(t.primal.partials[target][k]))
        out.append(f"  n{source} -> n{target} [label={_quote(label)}];")
    for q, name in zip(g.outputs, g.output_names):
        out.append(f"  out{q} [shape=plaintext, label={_quote(p.doprint(name))}];")
        out.append(f"  n{q} -> out{q};")
    out.append("}")
    return "\n".join(out) + "\n"
