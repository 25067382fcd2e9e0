"""A compilable LaTeX derivation: every equation with its numbers substituted, as the slides."""

from __future__ import annotations

from ..printing import LatexPrinter
from ..report import Report
from ..steps import sections
from ..templating import environment, escape


def render(report: Report, digits: int = 6) -> str:
    p = LatexPrinter(report.mode, report.spec.notation, digits)
    net = report.spec.network
    derivation = report.derivation
    nested = []
    if derivation is not None:
        yhat = derivation.display_yhat
        for j, expr in enumerate(yhat, start=1):
            lhs = r"\hat{y}" if len(yhat) == 1 else rf"\hat{{y}}_{{{j}}}"
            nested.append(rf"{lhs} = {derivation.latex(expr)}")
        cost = report.spec.notation.cost_symbol
        chain = [rf"\frac{{\partial {cost}}}{{\partial {derivation.symbols.names[q]}}} = "
                 + derivation.latex(derivation.display_gradient(q)) for q in derivation.symbols.parameters]
    else:
        chain = []
    template = environment().get_template("derivation.tex.j2")
    return template.render(
        title=escape(report.spec.name or "Backpropagation"),
        description=escape(report.spec.description),
        sizes="--".join(map(str, net.sizes)),
        activations=escape(", ".join(layer.activation.describe() for layer in net.layers)),
        loss=escape(net.loss.name),
        loss_latex=net.loss.latex,
        cost=report.spec.notation.cost_symbol,
        mode=escape(report.mode.name + (f", {report.mode.decimals} decimals" if report.mode.name == "hand" else "")),
        sections=sections(report, p),
        nested=nested,
        chain=chain,
        agrees=report.agrees,
        skipped=escape(report.skipped),
        notes=[escape(n) for n in report.trace.notes],
    )
