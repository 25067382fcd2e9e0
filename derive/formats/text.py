"""The ``derive`` command's default output: the derivation as readable text."""

from __future__ import annotations

from ..limits import check_printed
from ..engine.numbers import places
from ..printing.printers import TextPrinter
from ..printing.report import Report, gradients_side_by_side
from ..printing.steps import sections


def render(report: Report, digits: int = 10) -> str:
    check_printed(report.spec.network.parameter_count, len(report.spec.examples))
    p = TextPrinter(report.mode, report.spec.notation, digits)
    net = report.spec.network
    acts = ", ".join(layer.activation.describe() for layer in net.layers)
    mode = report.mode.name + (f", {places(report.mode.decimals)}" if report.mode.name == "hand" else "")
    title = report.spec.name or "network"
    lines = [f"{title}: {'-'.join(map(str, net.sizes))} network ({acts}), loss {net.loss.name}, "
             f"{len(report.spec.examples)} example(s), {mode} mode"]
    for section in sections(report, p):
        lines += ["", section.title]
        for step in section.steps:
            ref = f"   [{step.ref}]" if step.ref else ""
            lines.append("  " + " = ".join(step.parts()) + ref)
        if section.text:
            lines.append("  " + section.text)
        if section.title.startswith("Gradients"):
            lines += [""] + _comparison(report, p)
    grad_x = report.trace.backward.grad_x
    lines += ["", "Gradient with respect to the input, ∂C/∂x = W^(1)ᵀ δ^(1):"]
    lines += [f"  example {i + 1}: {p.vector(row)}" for i, row in enumerate(grad_x)]
    if report.trace.notes:
        lines += ["", "Notes:"] + [f"  - {n}" for n in report.trace.notes]
    return "\n".join(lines) + "\n"


def _comparison(report: Report, p: TextPrinter) -> list[str]:
    if report.symbolic is None:
        return [f"Symbolic route: {report.skipped}."]
    hand = report.mode.name == "hand"
    rows = [("parameter", "backprop" + (f" (each step rounded)" if hand else ""), "symbolic (sympy.diff)", "")]
    for kind, l, j, k, numeric, exact in gradients_side_by_side(report, report.trace):
        name = p.w(l, j, k) if kind == "w" else p.b(l, j)
        shown = (p.number(numeric), p.number(exact))
        # hand mode: rounding every step moves a value where rounding the exact one once does not
        rows.append((f"∂C/∂{name}", *shown, "*" if hand and shown[0] != shown[1] else ""))
    widths = [max(len(r[c]) for r in rows) for c in range(4)]
    out = ["Backpropagation beside symbolic differentiation of the nested function:"]
    out += ["  " + "  ".join(r[c].ljust(widths[c]) for c in range(4)).rstrip() for r in rows]
    against = "the unrounded float engine" if hand else "backpropagation"
    how = {"exact": "exactly" if report.spec.network.rational else "to 50 significant digits",
           "float": "to 1e-12 relative", "hand": "to 1e-12 relative"}[report.mode.name]
    out.append(f"  {'agree' if report.agrees else 'DISAGREE'}: symbolic and {against} {how}")
    if any(r[3] for r in rows):
        places = report.mode.decimals
        out.append(f"  * the backprop value is the computation rounded to {places} decimal{'s' if places != 1 else ''} "
                   "at every step, as a student does it; the symbolic one is the exact gradient rounded once. "
                   "They differ in the last places where the rounding adds up, not in the mathematics")
    return out
