"""A compilable LaTeX derivation: every equation with its numbers substituted, as the slides,
and the symbolic route beside backpropagation.

Every display row is laid out to fit the page (:mod:`derive.printing.layout`): nothing is
scaled down, a long equation is broken at its ``=`` and ``+`` signs, and a matrix equation
too wide for the line is written entry by entry.
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from typing import Any
from ..symbolic import paths, scaling, derivation as symbolic
from ..limits import check_printed
from ..engine.numbers import places
from ..printing.printers import LONG_DIGITS, LatexPrinter
from ..printing.report import Report, gradients_side_by_side
from ..printing.step import Section, Step
from ..printing.steps import sections
from ..printing.templating import environment, escape
from ..printing.layout import LINE_EM, rows, width

# one weight per layer, its derivative written out term by term; past this many terms the
# rest of the paths are counted, not printed (the table has every parameter's value)
PATH_TERMS_SHOWN = 64
TABLE_VALUE_EM = 15.0  # wider values are shown to the printer's digits in the table (≈)


@dataclass(frozen=True)
class Block:
    """A titled group of display rows (one ``align*``), with text before and after."""

    title: str
    rows: tuple[str, ...]
    before: str = ""
    after: str = ""


# where a fragment goes (--fragment): its line in ems, estimated as layout.LINE_EM is. A beamer
# frame (128 mm paper, 1 cm margins, 11 pt) is 108 mm, 28 em; a two-column article's column
# at 10 pt is 230 pt, 23 em; each less a margin for the estimate's rare narrow side
FRAGMENT_LINES = {"beamer": 27.0, "column": 22.0}


def _step_rows(step: Step, line: float) -> list[str]:
    laid = rows(step.lhs, step.parts()[1:], step.ref, line)
    if laid is not None:
        return laid
    if step.detail:
        return [r for s in step.detail for r in _step_rows(s, line)]
    # nothing narrower to fall back on: each part on its own row, as wide as it is
    return [f"{step.lhs} &= {step.parts()[1]}"] + [f"&= {part}" for part in step.parts()[2:]]


def _blocks(section: Section, line: float) -> Block:
    return Block(section.title, tuple(r for s in section.steps for r in _step_rows(s, line)), after=section.text)


def _sum(terms: list[str]) -> str:
    out = terms[0] if terms else "0"
    for t in terms[1:]:
        out += f" - {t[1:]}" if t.startswith("-") else f" + {t}"
    return out


def _network_block(report: Report, lay: paths.Layered, line: float) -> Block:
    """ŷ = a^(L), a_j^(l) = σ(z_j^(l)), z_j^(l) = Σ_k w_jk a_k^(l−1) + b_j, from the output in."""
    net, names = report.spec.network, lay.names
    latex = lambda s: lay.names.latex.get(s) or lay.derivation.symbols.names[s]  # noqa: E731
    out: list[str] = []
    for j in range(1, net.sizes[-1] + 1):
        out += rows(latex(names.yhat[j - 1]), [latex(names.a[net.depth, j])], line=line) or []
    for l in range(net.depth, 0, -1):
        layer = net.layers[l - 1]
        symbols = lay.derivation.symbols
        inputs = [latex(names.a[l - 1, k]) for k in range(1, layer.n_in + 1)] if l > 1 else \
            [latex(x) for x in symbols.x]
        for j in range(1, layer.n_out + 1):
            z = latex(names.z[l, j])
            if layer.activation.name == "identity":
                out += rows(latex(names.a[l, j]), [z], line=line) or []
            elif layer.activation.elementwise:
                out += rows(latex(names.a[l, j]), [rf"{layer.activation.latex}\left({z}\right)"], line=line) or []
            else:
                z_k = report.spec.notation.node("z", l, "k")
                out += rows(latex(names.a[l, j]), [rf"\frac{{e^{{{z}}}}}{{\sum_k e^{{{z_k}}}}}"], line=line) or []
            terms = [f"{latex(symbols.W[l - 1][j - 1, k])}\\, {inputs[k]}" for k in range(layer.n_in)]
            if symbols.b[l - 1] is not None:
                terms.append(latex(symbols.b[l - 1][j - 1]))
            out += rows(z, [_sum(terms)], report.spec.notation.ref("Eq. 3.4"), line) or []
    cost = report.spec.notation.cost_symbol
    out += rows(cost, [net.loss.latex], report.spec.notation.ref("Eq. 3.11"), line) or []
    size = scaling.tree_operations(lay.derivation.cost)
    after = (f"Substituted into one another, these give ${cost}$ as one nested formula in "
             f"{'$x$' if net.sizes[0] == 1 else 'the inputs'}, $y$ and all {net.parameter_count} parameters; "
             f"written out, it has {size:,} operations.")
    tag = report.spec.notation.ref("Eq. 3.4")
    before = (f"Layer by layer{f' ({tag})' if tag else ''}, "
              "the cost is a function of the parameters: "
              "read from the top, each line opens the function inside the one before.")
    return Block("The network as one nested function", tuple(out), before, after)


def _path_blocks(report: Report, lay: paths.Layered, p: LatexPrinter,
                 chosen: tuple[tuple[str, int, int, int], ...] = (), line: float = LINE_EM) -> list[Block]:
    """sympy.diff's derivative, a term per path, for the ``chosen`` gradients ((kind, l, j, k),
    1-based) or the first weight of each layer, from the output in."""
    net, symbols = report.spec.network, lay.derivation.symbols
    cost = report.spec.notation.cost_symbol
    loss_rows: list[str] = []
    for g, form in zip(lay.names.loss, lay.loss_gradient):
        loss_rows += rows(lay.names.latex[g], [lay.latex(form)], line=line) or []
    param_rows: list[str] = []
    counts = []
    thetas = [symbols.W[l - 1][j - 1, k - 1] if kind == "w" else symbols.b[l - 1][j - 1] for kind, l, j, k in chosen] \
        or [symbols.W[l - 1][0, 0] for l in range(net.depth, 0, -1)]
    for theta in thetas:
        path_sum = lay.path_sum(theta)
        terms = [lay.term_latex(t) for t in path_sum.terms]
        counts.append((symbols.names[theta], len(terms)))
        shown = terms[:PATH_TERMS_SHOWN]
        lhs = rf"\frac{{\partial {cost}}}{{\partial {symbols.names[theta]}}}"
        laid = rows(lhs, [_sum(shown)], line=line) or [f"{lhs} &= {_sum(shown)}"]
        param_rows += laid
        if len(terms) > len(shown):
            param_rows.append(rf"&\quad + \text{{{len(terms) - len(shown)} more terms, one for each further path}}")
    counted = ", ".join(f"${name}$: {n}" for name, n in counts)
    before = (r"SymPy differentiates the nested function for each parameter on its own "
              r"(\texttt{sympy.diff}, the chain rule applied to the whole formula). "
              r"Written with the names above, each derivative is a sum with one term for every path from "
              r"the parameter to the cost. The loss gives")
    middle = ("and the derivative for " + ("the parameters asked for" if chosen else
                                         "the first weight of each layer, from the output in,") + " is")
    after = (f"Terms (paths): {counted}. Every inner neuron's factors appear once in every path through it: "
             "backpropagation computes each such product once, as the sensitivities $\\delta$.")
    return [Block("The derivative by sympy.diff", tuple(loss_rows), before, middle),
            Block("", tuple(param_rows), "", after)]


def _table(report: Report, p: LatexPrinter, value_em: float = TABLE_VALUE_EM) -> tuple[list[tuple[str, str, str, str]], str]:
    assert report.symbolic is not None and report.reference is not None and report.derivation is not None
    reference = report.reference
    ok = symbolic.agreement(report.symbolic, reference)
    printer = LatexPrinter(reference.mode, report.spec.notation, p.digits) if report.mode.name == "hand" else p

    def number(value: Any) -> str:
        text = printer.number(value)
        return text if width(text) <= value_em else printer.approximately(value)

    table = [(p.w(l, j, k) if kind == "w" else p.b(l, j), number(numeric), number(exact),
              "yes" if agree else r"\textbf{no}")
             for (kind, l, j, k, numeric, exact), agree in zip(gradients_side_by_side(report, reference), ok)]
    how = {"exact": "exactly" if report.spec.network.rational else "to 50 significant digits",
           "float": r"to $10^{-12}$ of the largest gradient", "hand": r"to $10^{-12}$ of the largest gradient"}
    verdict = (f"Backpropagation and \\texttt{{sympy.diff}} agree {how[report.mode.name]}: "
               f"\\textbf{{{'yes' if all(ok) else 'no'}}}"
               f" ({sum(ok)} of {len(ok)} parameters).")
    if report.mode.name == "hand":
        verdict += (" In hand mode the rounded values differ from the true ones by design; the table "
                    "compares the symbolic gradients with backpropagation unrounded (float64).")
    return table, verdict


def render(report: Report, digits: int = 6, symbolic_for: tuple[tuple[str, int, int, int], ...] = (),
           fragment: str | None = None) -> str:
    """The derivation as a LaTeX document; ``symbolic_for`` chooses the gradients whose
    sympy.diff derivative is written out term by term ((kind, l, j, k), 1-based).

    ``fragment`` (``"beamer"`` or ``"column"``): the body alone, no preamble, every row laid
    out to a beamer frame's or an article column's width, to paste into slides or notes
    (it needs amsmath and booktabs)."""
    line = FRAGMENT_LINES[fragment] if fragment else LINE_EM
    check_printed(report.spec.network.parameter_count, len(report.spec.examples))
    p = LatexPrinter(report.mode, report.spec.notation, digits)
    net = report.spec.network
    derivation = report.derivation
    blocks = [_blocks(s, line) for s in sections(report, p)]
    split = next(i for i, b in enumerate(blocks) if b.title.startswith("Gradients")) + 1
    symbolic_blocks: list[Block] = []
    nested: Block | None = None
    table: list[tuple[str, str, str, str]] = []
    verdict = ""
    ops = None
    if derivation is not None and report.symbolic is not None:
        lay = paths.layered(derivation)
        nested = _network_block(report, lay, line)
        symbolic_blocks = _path_blocks(report, lay, p, symbolic_for, line)
        # a fragment's table: its two value columns beside the name and "yes" on the line
        table, verdict = _table(report, p, min(TABLE_VALUE_EM, (line - 9) / 2))
        ops = scaling.operations(derivation)
    notes = [escape(n) for n in report.trace.notes]
    printed = [r for b in blocks for r in b.rows] + [v for row in table for v in row[1:3]]
    # a long fraction's decimal value beside it (LatexPrinter.glossed) replaces nothing
    shortened = re.sub(r"\\frac\{\d+\}\{\d+\}(?: \\\\ )?&? ?\\approx", "", " \\\\ ".join(printed))
    if report.mode.name == "exact" and r"\approx" in shortened:
        notes.append(f"Exact values too long for a line (more than {LONG_DIGITS} digits, or too wide for the "
                     f"table) are printed rounded to {digits} significant digits ($\\approx$); "
                     "the text output (\\texttt{--format text}) prints them in full.")
    template = environment().get_template("derivation.tex.j2")
    text = template.render(
        fragment=fragment,
        title=escape(report.spec.name or "Backpropagation"),
        description=escape(report.spec.description),
        sizes="--".join(map(str, net.sizes)),
        activations=escape(", ".join(layer.activation.describe() for layer in net.layers)),
        loss=escape(net.loss.name),
        loss_latex=net.loss.latex,
        cost=report.spec.notation.cost_symbol,
        mode=escape(report.mode.name + (f", {places(report.mode.decimals)}" if report.mode.name == "hand" else "")),
        nested=nested,
        before=blocks[:split],
        after=blocks[split:],
        symbolic=symbolic_blocks,
        table=table,
        verdict=verdict,
        ops=ops,
        parameters=net.parameter_count,
        skipped=escape(report.skipped),
        notes=notes,
    )
    return text.lstrip() if fragment else text
