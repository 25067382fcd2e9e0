"""The worked derivation as equations with the numbers substituted, as the slides write them.

:func:`sections` turns a :class:`~derive.printing.report.Report` into titled sections of
:class:`Step` lines through a printer, so the text and the LaTeX output are the same
derivation in two typefaces. For a batch the forward and backward passes are written for
each example, the gradients for the mean cost.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from .at_point import activation_at, derivative_at, formula, softmax_at
from ..engine.numbers import Real
from .printers import LatexPrinter, Printer
from .report import Report
from .step import Section, Step, expanded
from .templating import english


def _is_latex(p: Printer) -> bool:
    return isinstance(p, LatexPrinter)


def _times(p: Printer) -> str:
    return r" \cdot " if _is_latex(p) else " · "


def _rounds(p: Printer) -> bool:
    """Hand mode: the engine rounds intermediates, which the steps then print."""
    return p.mode.name == "hand"


def _f(p: Printer, v: Any) -> str:
    return p.factor(v)  # type: ignore[attr-defined]


def _new(p: Printer, symbol: str) -> str:
    return f"{{{symbol}}}_{{\\text{{new}}}}" if _is_latex(p) else f"{symbol} new"


def _minus(p: Printer) -> str:
    return "-" if _is_latex(p) else "−"


def _sigma(p: Printer, name: str, arg: str, prime: bool = False) -> str:
    mark = "'" if prime else ""
    if _is_latex(p):
        head = {"tanh": r"\tanh"}.get(name, r"\sigma")
        return rf"{head}{mark}\left({arg}\right)"
    return f"σ{mark}({arg})"


def _forward_steps(report: Report, p: Printer, i: int) -> list[Step]:
    spec, fwd = report.spec, report.trace.forward
    steps = []
    for l, layer in enumerate(spec.network.layers, start=1):
        weights, bias = report.trace.params[l - 1]
        inputs = fwd.a(l - 1)[i]
        a_prev = p.node("a", l - 1) if l > 1 else ("\\mathbf{x}" if _is_latex(p) else "x")
        a_k = [p.node("a", l - 1, k + 1) if l > 1 else (f"x_{{{k + 1}}}" if _is_latex(p) else f"x_{k + 1}")
               for k in range(len(inputs))]
        steps += _layer_steps(p, l, layer.activation, weights, bias, inputs, fwd.z(l)[i], fwd.a(l)[i], a_prev, a_k)
    cost = spec.notation.cost_symbol
    substituted, intermediate = _cost_numbers(report, p, i)
    steps.append(Step(cost if fwd.x.shape[0] == 1 else f"{cost}_{i + 1}", spec.network.loss.latex if _is_latex(p)
                      else spec.network.loss.description.split(",")[0].split(" = ", 1)[1], substituted,
                      p.number(fwd.costs[i]), p.notation.ref("Eq. 3.11"), intermediate=intermediate))
    return steps


def _cost_numbers(report: Report, p: Printer, i: int) -> tuple[str, str]:
    """Eq. 3.11 with example i's targets and outputs in; for a log loss in hand mode also the
    logarithms as the engine rounds them. Nothing where a saturated output's cost comes from z."""
    from ..engine.backprop import saturated

    net, fwd = report.spec.network, report.trace.forward
    y, yhat = fwd.y[i], fwd.output[i]
    latex, x = _is_latex(p), _times(p)

    def group(text: str) -> str:
        return rf"\left({text}\right)" if latex else f"({text})"

    if net.loss.name in ("half_sse", "mse"):
        squares = " + ".join(group(f"{p.number(a)} {_minus(p)} {_f(p, b)}") + "^2" if latex else
                             group(f"{p.number(a)} {_minus(p)} {_f(p, b)}") + "²" for a, b in zip(y, yhat))
        n = 2 if net.loss.name == "half_sse" else len(y)
        share = rf"\frac{{1}}{{{n}}}" if latex else f"1/{n} "
        return share + (group(squares) if len(y) > 1 else squares), ""
    if saturated(net, fwd.output[i:i + 1], report.trace.mode):
        return "", ""
    log = r"\log" if latex else "log"
    one = p.number(1)
    terms, rounded = [], []
    for target, out in zip(y, yhat):
        pairs = [(target, out, p.number(out))]
        if net.loss.name == "bce":
            pairs.append((1 - target, 1 - out, f"{one} {_minus(p)} {p.number(out)}"))
        for c, v, shown in pairs:
            if c == 0:  # 0 · log v = 0: a target of 0 or 1 drops its term
                continue
            if float(v) <= 0:  # float64's ŷ = 1.0 for σ(2000): the cost came from z, not from this
                return "", ""
            terms.append(f"{_f(p, c)}{x}{log}{group(shown)}")
            if _rounds(p):
                rounded.append(f"{_f(p, c)}{x}{_f(p, report.trace.mode.log(np.asarray([v], dtype=object))[0])}")
    substituted = _minus(p) + group(" + ".join(terms))
    return substituted, (_minus(p) + group(" + ".join(rounded)) if _rounds(p) else "")


def _formulas_compute(p: Printer, values: Any) -> bool:
    """Whether a formula with these values printed in computes: not where an irrational exact
    value prints as ≈… (hand mode prints every value rounded, and computes from that)."""
    return _rounds(p) or not any(isinstance(v, Real) for v in values)


def _vector_step(p: Printer, step: Step, detail: tuple[Step, ...]) -> list[Step]:
    """``step`` (a vector equation, no numbers substituted yet) with its entries' formulas as a
    column; entry by entry where a formula is a fraction, which a matrix would set in script
    size, or where the layer has one unit."""
    if not any(d.substituted for d in detail):
        return [replace(step, detail=detail)]
    entries = [d.substituted or d.result for d in detail]
    column = (r"\begin{pmatrix}" + r" \\ ".join(entries) + r"\end{pmatrix}" if _is_latex(p)
              else "(" + ", ".join(entries) + ")")
    # split only once the steps are settled (sections): a text and a LaTeX build then have
    # the same steps, which derive.printing.redo pairs
    split = len(detail) == 1 or (_is_latex(p) and any(r"\frac" in d.substituted for d in detail))
    return [replace(step, substituted=column, detail=detail, split=split)]


def _activation_numbers(p: Printer, act: Any, zs: Any, j: int) -> str:
    """a_j = σ(z_j) with the printed z in its formula (softmax: e^{z_j} over the sum of e^{z_k})."""
    if not _formulas_compute(p, zs):
        return ""
    if act.elementwise:
        return activation_at(act, zs[j], p.number(zs[j]), _is_latex(p))
    return softmax_at([p.number(v) for v in zs], j, _is_latex(p))


def _activation(p: Printer, act: Any, arg: str) -> str:
    if _is_latex(p):
        return rf"{act.latex}\left({arg}\right)"
    return _sigma(p, act.name, arg) if act.name in ("square", "sigmoid", "tanh") else f"{act.name}({arg})"


def _activation_entry(p: Printer, act: Any, l: int, j: int) -> str:
    """a_j = σ(z_j) for an elementwise σ; softmax(z)_j, which depends on the whole layer."""
    if act.elementwise:
        return _activation(p, act, p.node("z", l, j + 1))
    return _activation(p, act, p.node("z", l)) + (f"_{{{j + 1}}}" if _is_latex(p) else f"_{j + 1}")


def _layer_steps(p: Printer, l: int, activation: Any, weights: Any, bias: Any, inputs: Any, z: Any, a: Any,
                input_vector: str, input_entries: list[str]) -> list[Step]:
    """Eq. 3.4 for layer l from the given inputs, with the numbers: z^(l) = W^(l) a^(l−1) + b^(l)
    (each neuron's sum in the detail), then a^(l) = σ(z^(l)) with each z substituted."""
    if _is_latex(p):
        rule = f"{p.notation.matrix('W', l)} {input_vector}" + (f" + {p.notation.matrix('b', l)}" if bias is not None else "")
        subst = p.matrix(weights) + p.vector(inputs) + (f" + {p.vector(bias)}" if bias is not None else "")
    else:
        rule = f"W{p.notation.text_layer(l)} {input_vector}" + (f" + b{p.notation.text_layer(l)}" if bias is not None else "")
        subst = p.matrix(weights) + " " + p.vector(inputs) + (f" + {p.vector(bias)}" if bias is not None else "")
    steps = [Step(p.node("z", l), rule, subst, p.vector(z), p.notation.ref("Eq. 3.4"),
                  tuple(_neuron_z(p, l, j, weights, bias, inputs, input_entries, z[j]) for j in range(len(z))))]
    formulas = [_activation_numbers(p, activation, z, j) for j in range(len(z))]
    detail = tuple(Step(p.node("a", l, j + 1), _activation_entry(p, activation, l, j), formulas[j], p.number(a[j]))
                   for j in range(len(z)))
    return steps + _vector_step(p, Step(p.node("a", l), _activation(p, activation, p.node("z", l)), "", p.vector(a)),
                                detail)


def _neuron_z(p: Printer, l: int, j: int, weights: Any, bias: Any, inputs: Any, input_entries: list[str],
              z: Any) -> Step:
    """Eq. 3.4 for one neuron: z_j = Σ_k w_jk a_k + b_j, with the numbers."""
    x = _times(p)
    rule = " + ".join(f"{p.w(l, j + 1, k + 1)}{'' if _is_latex(p) else ' '}{a}" for k, a in enumerate(input_entries))
    subst = " + ".join(f"{_f(p, weights[j][k])}{x}{_f(p, v)}" for k, v in enumerate(inputs))
    if bias is not None:
        rule += f" + {p.b(l, j + 1)}"
        subst += f" + {_f(p, bias[j])}"
    return Step(p.node("z", l, j + 1), rule, subst, p.number(z), p.notation.ref("Eq. 3.4"))


def _delta_steps(report: Report, p: Printer, i: int) -> list[Step]:
    """Eq. 3.18 for the output layer, Eq. 3.23 for each hidden neuron, as on the slides."""
    net, fwd, bwd = report.spec.network, report.trace.forward, report.trace.backward
    L, x = net.depth, _times(p)
    steps = []
    out = bwd.layers[-1]
    cost = report.spec.notation.cost_symbol
    if not bwd.fused:
        steps += _derivative_steps(report, p, i, L)
    for j in range(net.sizes[-1]):
        d = p.node("delta", L, j + 1)
        if bwd.fused:
            yhat = "\\hat{y}" if _is_latex(p) else "ŷ"
            steps.append(Step(d, f"{yhat}_{{{j + 1}}} - y_{{{j + 1}}}" if _is_latex(p) else f"ŷ_{j + 1} − y_{j + 1}",
                              f"{p.number(fwd.output[i][j])} {_minus(p)} {_f(p, fwd.y[i][j])}",
                              p.number(out.delta[i][j]), p.notation.ref("Eq. 3.18, simplified")))
        elif net.layers[-1].activation.elementwise:
            rule = f"{p.partial(cost, p.node('a', L, j + 1))}{x}{_sigma(p, net.layers[-1].activation.name, p.node('z', L, j + 1), True)}"
            steps.append(Step(d, rule, f"{_f(p, out.upstream[i][j])}{x}{_f(p, out.sigma_prime[i][j])}",
                              p.number(out.delta[i][j]), p.notation.ref("Eq. 3.18")))
        else:
            # softmax: δ = Jᵀ ∂C/∂a with J = diag(s) − s sᵀ, that is δ_j = a_j (∂C/∂a_j − Σ_k a_k ∂C/∂a_k)
            a_j, g = p.node("a", L, j + 1), out.upstream[i]
            outputs = fwd.output[i]
            inner = " + ".join(f"{_f(p, outputs[k])}{x}{_f(p, g[k])}" for k in range(len(outputs)))
            if _is_latex(p):
                rule = (rf"{a_j} \left({p.partial(cost, a_j)} - \sum_k {p.node('a', L, 'k')}\, "
                        rf"{p.partial(cost, p.node('a', L, 'k'))}\right)")
                subst = rf"{_f(p, outputs[j])}{x}\left({_f(p, g[j])} - \left({inner}\right)\right)"
            else:
                rule = f"{a_j} (∂{cost}/∂{a_j} − Σ_k a_k ∂{cost}/∂a_k)"
                subst = f"{_f(p, outputs[j])}{x}({_f(p, g[j])} − ({inner}))"
            steps.append(Step(d, rule, subst, p.number(out.delta[i][j]), p.notation.ref("Eq. 3.18, softmax Jacobian")))
    for l in range(L - 1, 0, -1):
        below, above = bwd.layers[l - 1], bwd.layers[l]
        weights = report.trace.params[l][0]
        name = net.layers[l - 1].activation.name
        steps += _derivative_steps(report, p, i, l)
        for j in range(net.sizes[l]):
            terms = " + ".join(f"{_f(p, weights[k][j])}{x}{_f(p, above.delta[i][k])}" for k in range(net.sizes[l + 1]))
            if _is_latex(p):
                rule = (rf"\sum_k {p.notation.w(l + 1, 'k', j + 1)}\, {p.node('delta', l + 1, 'k')}"
                        rf"\, {_sigma(p, name, p.node('z', l, j + 1), True)}")
                subst = rf"\left({terms}\right){x}{_f(p, below.sigma_prime[i][j])}"
            else:
                rule = f"Σ_k w{p.notation.text_layer(l + 1)}_k{j + 1} δ{p.notation.text_layer(l + 1)}_k σ'(z{p.notation.text_layer(l)}_{j + 1})"
                subst = f"({terms}){x}{_f(p, below.sigma_prime[i][j])}"
            # hand mode rounds Σ_k w δ before multiplying (backprop.backward): that sum is printed
            exact_sum = sum(weights[k][j] * above.delta[i][k] for k in range(net.sizes[l + 1]))
            rounded_sum = (f"{_f(p, below.upstream[i][j])}{x}{_f(p, below.sigma_prime[i][j])}"
                           if _rounds(p) and below.upstream[i][j] != exact_sum else "")
            steps.append(Step(p.node("delta", l, j + 1), rule, subst, p.number(below.delta[i][j]), p.notation.ref("Eq. 3.23"),
                              intermediate=rounded_sum))
    return steps


def gradient_steps(report: Report, p: Printer) -> list[Step]:
    """Eq. 3.14: ∂C/∂w_jk = δ_j a_k; Eq. 3.16: ∂C/∂b_j = δ_j (single example: with the numbers)."""
    net, fwd, bwd = report.spec.network, report.trace.forward, report.trace.backward
    m = fwd.x.shape[0]
    single, x, cost = m == 1, _times(p), report.spec.notation.cost_symbol
    steps = []
    for l in range(1, net.depth + 1):
        g = bwd.layers[l - 1]
        for j in range(net.sizes[l]):
            for k in range(net.sizes[l - 1]):
                a_k = p.node("a", l - 1, k + 1) if l > 1 else (f"x_{{{k + 1}}}" if _is_latex(p) else f"x_{k + 1}")
                rule = f"{p.node('delta', l, j + 1)}{'' if _is_latex(p) else ' '}{a_k}"
                if single:
                    subst = f"{_f(p, bwd.delta(l)[0][j])}{x}{_f(p, fwd.a(l - 1)[0][k])}"
                else:  # the mean of each example's δ_i a_i, as hand mode rounds them
                    products = p.mode.fix(bwd.delta(l)[:, j] * fwd.a(l - 1)[:, k])
                    rule = _mean(p, m, rule)
                    subst = _mean(p, m, " + ".join(_f(p, v) for v in products), numbers=True)
                steps.append(Step(p.partial(cost, p.w(l, j + 1, k + 1)), rule, subst, p.number(g.grad_W[j][k]), p.notation.ref("Eq. 3.14")))
            if g.grad_b is not None:
                subst = "" if single else _mean(p, m, " + ".join(_f(p, v) for v in bwd.delta(l)[:, j]), numbers=True)
                steps.append(Step(p.partial(cost, p.b(l, j + 1)), p.node("delta", l, j + 1) if single else
                                  _mean(p, m, p.node("delta", l, j + 1)),
                                  subst, p.number(g.grad_b[j]), p.notation.ref("Eq. 3.16")))
    return steps


def _mean(p: Printer, m: int, body: str, numbers: bool = False) -> str:
    """(1/m) Σ_i body, or (1/m)(a + b + …) with the numbers in."""
    if _is_latex(p):
        return rf"\frac{{1}}{{{m}}}" + (rf"\left({body}\right)" if numbers else
                                        rf"\sum_{{i=1}}^{{{m}}} \left({body}\right)_i")
    return f"1/{m} " + (f"({body})" if numbers else f"Σ_i ({body})_i")


def update_steps(report: Report, p: Printer) -> list[Step]:
    update = report.trace.update
    if update is None:
        return []
    steps, alpha = [], ("\\alpha" if _is_latex(p) else "α")
    for l, ((w_old, b_old), (w_new, b_new), g) in enumerate(
            zip(report.trace.params, update.params, report.trace.backward.layers), start=1):
        w_sym = report.spec.notation.matrix("W", l) if _is_latex(p) else f"W{p.notation.text_layer(l)}"
        cost, eta = report.spec.notation.cost_symbol, p.number(update.learning_rate)

        def entry(symbol: str, old: Any, grad: Any, new: Any) -> Step:
            # hand mode rounds α ∂C/∂w before subtracting (backprop.step): the product is printed
            product = update.learning_rate * grad
            rounded = p.mode.fix(np.asarray([product], dtype=object))[0]
            return Step(_new(p, symbol), f"{symbol} {_minus(p)} {alpha} {p.partial(cost, symbol)}",
                        f"{_f(p, old)} {_minus(p)} {eta}{_times(p)}{_f(p, grad)}", p.number(new),
                        intermediate=f"{_f(p, old)} {_minus(p)} {_f(p, rounded)}" if rounded != product else "")

        def rounded_step(old: Any, grad: Any, show: Any) -> str:
            """W − (α ∂C/∂W as hand mode rounds it), where that rounding changed an entry."""
            product = update.learning_rate * grad
            fixed = p.mode.fix(product)
            return f"{show(old)} {_minus(p)} {show(fixed)}" if (fixed != product).any() else ""

        rows, cols = np.shape(w_old)
        steps.append(Step(_new(p, w_sym),
                          f"{w_sym} {_minus(p)} {alpha} " + (p.partial(cost, w_sym)),
                          f"{p.matrix(w_old)} {_minus(p)} {eta} {p.matrix(g.grad_W)}",
                          p.matrix(w_new), "",
                          tuple(entry(p.w(l, j + 1, k + 1), w_old[j][k], g.grad_W[j][k], w_new[j][k])
                                for j in range(rows) for k in range(cols)),
                          intermediate=rounded_step(w_old, g.grad_W, p.matrix)))
        if b_old is not None:
            b_sym = report.spec.notation.matrix("b", l) if _is_latex(p) else f"b{p.notation.text_layer(l)}"
            steps.append(Step(_new(p, b_sym),
                              f"{b_sym} {_minus(p)} {alpha} " + p.partial(cost, b_sym),
                              f"{p.vector(b_old)} {_minus(p)} {eta} {p.vector(g.grad_b)}",
                              p.vector(b_new), "",
                              tuple(entry(p.b(l, j + 1), b_old[j], g.grad_b[j], b_new[j]) for j in range(rows)),
                              intermediate=rounded_step(b_old, g.grad_b, p.vector)))
    return steps


def verdict(report: Report, p: Printer, say: Any = english) -> str:
    """Whether the step lowered the cost; ``say`` puts a sentence into the reader's language
    (generate's catalogs: derive knows only the English it writes)."""
    update = report.trace.update
    if update is None:
        return ""
    before, after = report.trace.forward.cost, update.forward.cost
    cost = report.spec.notation.cost_symbol
    if _is_latex(p):
        cost = f"${cost}$"
        p = _Inline(p)
    if after < before:
        return say("The step lowered the cost: {cost} = {before} before, {after} after.", cost=cost,
                   before=p.number(before), after=p.number(after))
    if after == before:
        return say("The step left the cost unchanged at {before}.", before=p.number(before))
    return say("The step raised the cost from {before} to {after}: the learning rate overshoots for this network.",
               before=p.number(before), after=p.number(after))


def _derivative_steps(report: Report, p: Printer, i: int, l: int) -> list[Step]:
    """σ'(z^(l)) from its formula with the printed a (a(1 − a), 1 − a²) or z: the factor
    Eq. 3.18/3.23 multiplies by. Nothing where every entry is a constant (ReLU's 1 and 0,
    the identity's 1), and one step with its entries where the layer is wider than one."""
    act = report.spec.network.layers[l - 1].activation
    if not act.elementwise:
        return []  # softmax: its Jacobian is in δ's own step
    fwd, bwd = report.trace.forward, report.trace.backward
    zs, outs, primes = fwd.z(l)[i], fwd.a(l)[i], bwd.layers[l - 1].sigma_prime[i]
    if not _formulas_compute(p, (*zs, *outs)):
        return []
    latex = _is_latex(p)
    prime = formula(act, "derivative")
    var = prime.var
    # the rule in the layer's own symbols
    detail = tuple(Step(_sigma(p, act.name, p.node("z", l, j + 1), prime=True), prime.rule(p.node(var, l, j + 1), latex),
                        derivative_at(act, zs[j], outs[j], p.number(zs[j]), p.number(outs[j]), latex),
                        p.number(primes[j])) for j in range(len(zs)))
    if not any(d.substituted for d in detail):
        return []
    vector_rule = prime.rule(p.node(var, l), latex)
    if prime.entrywise:
        # a(1 − a) multiplies two vectors entry by entry; 2z only scales one
        vector_rule = vector_rule.replace(r"\cdot", r"\odot").replace(" · ", " ⊙ ")
    return _vector_step(p, Step(_sigma(p, act.name, p.node("z", l), prime=True), vector_rule, "",
                                p.vector(primes)), detail)


class _Inline:
    """A LaTeX printer whose numbers sit in running text."""

    def __init__(self, inner: Printer) -> None:
        self.inner = inner

    def number(self, value: Any) -> str:
        text = self.inner.number(value)
        return f"${self.inner.glossed(text) if isinstance(self.inner, LatexPrinter) else text}$"


def sections(report: Report, p: Printer) -> list[Section]:
    """The derivation's sections. In float mode a step whose printed operands, redone, do not
    give its printed result prints them with more digits (:mod:`derive.printing.redo`)."""
    out = _sections(report, p)
    if p.mode.name == "float":
        from .printers import TextPrinter
        from .redo import settled

        def build(k: int) -> tuple[list[Section], list[Section]]:
            wide = out if k == 0 else _sections(report, replace(p, digits=p.digits + k))
            text = wide if isinstance(p, TextPrinter) else _sections(report, TextPrinter(p.mode, p.notation, p.digits + k))
            return wide, text

        out = settled(out, build, TextPrinter(p.mode, p.notation, p.digits).number, p.digits)
    return [replace(section, steps=tuple(expanded(list(section.steps)))) for section in out]


def _sections(report: Report, p: Printer) -> list[Section]:
    m = report.trace.forward.x.shape[0]
    out: list[Section] = []
    for i in range(m):
        suffix = f" (example {i + 1})" if m > 1 else ""
        out.append(Section("Forward pass" + suffix, tuple(_forward_steps(report, p, i))))
        out.append(Section("Sensitivities δ" + suffix, tuple(_delta_steps(report, p, i))))
    title = "Gradients" + (f" of the mean cost over {m} examples" if m > 1 else "")
    out.append(Section(title, tuple(gradient_steps(report, p))))
    if report.trace.update is not None:
        out.append(Section("Gradient-descent step", tuple(update_steps(report, p)), verdict(report, p)))
        out.append(Section("Verification pass with the new parameters",
                           tuple(s for i in range(m) for s in _verification_steps(report, p, i))))
    if isinstance(p, LatexPrinter):  # the text printer writes a long fraction's value beside it itself
        out = [replace(section, steps=tuple(_glossed(p, step) for step in section.steps)) for section in out]
    return out


def _glossed(p: LatexPrinter, step: Step) -> Step:
    return replace(step, result=p.glossed(step.result), detail=tuple(_glossed(p, d) for d in step.detail))


def _verification_steps(report: Report, p: Printer, i: int) -> list[Step]:
    assert report.trace.update is not None
    new_trace = replace(report.trace, params=report.trace.update.params, forward=report.trace.update.forward)
    return _forward_steps(replace(report, trace=new_trace), p, i)


def forward_steps(report: Report, p: Printer, i: int) -> list[Step]:
    """Eq. 3.4 layer by layer, then the cost (Eq. 3.11), for example i."""
    return expanded(_forward_steps(report, p, i))


def layer_steps(p: Printer, l: int, activation: Any, weights: Any, bias: Any, inputs: Any, z: Any, a: Any,
                input_vector: str, input_entries: list[str]) -> list[Step]:
    """Eq. 3.4 for layer l from the given inputs (see :func:`_layer_steps`)."""
    return expanded(_layer_steps(p, l, activation, weights, bias, inputs, z, a, input_vector, input_entries))


def delta_steps(report: Report, p: Printer, i: int) -> list[Step]:
    """Eq. 3.18 and 3.23 for example i (see :func:`_delta_steps`)."""
    return expanded(_delta_steps(report, p, i))


def verification_steps(report: Report, p: Printer, i: int) -> list[Step]:
    """The forward pass again with the updated parameters."""
    return expanded(_verification_steps(report, p, i))

