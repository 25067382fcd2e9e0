"""Forward- and reverse-mode automatic differentiation on a computation graph, traced line by line.

The traces are those of Baydin et al. (2018), Tables 2 and 3:

* the **primal trace** evaluates v_i = f_i(…) in order;
* a **tangent pass** (forward mode) seeds ẋ = e_k and carries v̇_i = Σ_j ∂v_i/∂v_j · v̇_j
  along, giving ∂y/∂x_k for every output: one pass per input;
* an **adjoint pass** (reverse mode) seeds ȳ = 1 and visits the operations backwards, each
  pushing v̄_i · ∂v_i/∂v_j onto each argument, so that v̄_j = Σ over the consumers i of
  v̄_i · ∂v_i/∂v_j, giving ∂y/∂x for every input: one pass per output.

A node used by two consumers gets two contributions, each on its own line (the second as
``v̄_j = v̄_j + …``); following only one path is the classic mistake, and the trace shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import mpmath
import sympy as sp

from .. import limits
from ..symbolic.functions import evaluate_shared
from ..errors import SpecError
from .graph import Const, Graph
from ..engine.numbers import EXACT, Mode
from .scalars import SYMBOLIC, Scalars, scalars
from .terms import Juxtapose, Num, Partial, Sym, Term, substitute, times, total


@dataclass(frozen=True)
class Line:
    """One line of a trace: ``target = forms[0] = forms[1] = … = value``.

    ``contribution`` is (k, K) on an adjoint line that adds the k-th of K contributions
    to a node used by K consumers.
    """

    target: Term
    forms: tuple[Term, ...]
    value: Any
    node: int
    contribution: tuple[int, int] | None = None


@dataclass(frozen=True)
class Primal:
    """Values v_i and the local partials ∂v_i/∂u_k of every operation at them."""

    lines: tuple[Line, ...]
    values: tuple[Any, ...]
    partials: tuple[tuple[Any, ...], ...]  # per node, per argument (None for a constant argument)


@dataclass(frozen=True)
class TangentPass:
    """Forward mode for one input: v̇_i = ∂v_i/∂x_wrt, and ∂y/∂x_wrt for every output."""

    wrt: int
    lines: tuple[Line, ...]
    tangents: tuple[Any, ...]
    derivatives: tuple[Any, ...]  # per output


@dataclass(frozen=True)
class AdjointPass:
    """Reverse mode for one output: v̄_i = ∂y/∂v_i, and ∂y/∂x for every input."""

    output: int  # position in graph.outputs
    lines: tuple[Line, ...]
    adjoints: tuple[Any, ...]
    gradient: tuple[Any, ...]  # per input


@dataclass(frozen=True)
class Traces:
    graph: Graph
    mode: Mode | None
    at: tuple[Any, ...]  # the inputs' values, in the graph's input order
    primal: Primal
    forward: tuple[TangentPass, ...]
    reverse: tuple[AdjointPass, ...]

    @property
    def outputs(self) -> tuple[Any, ...]:
        return tuple(self.primal.values[p] for p in self.graph.outputs)


def primal(graph: Graph, at: tuple[Any, ...], s: Scalars) -> Primal:
    """The primal trace: v_{i−n} = x_i, then v_i = f_i(its arguments) in order."""
    values: list[Any] = []
    partials: list[tuple[Any, ...]] = []
    lines: list[Line] = []
    for p in graph.inputs:
        values.append(at[p])
        partials.append(())
        lines.append(Line(graph.v(p), _unless_same(graph.v(p), graph.input_name(p)), at[p], p))
    for i in graph.operations:
        node = graph.nodes[i]
        op = node.operation
        args = tuple(s.constant(a.value) if isinstance(a, Const) else values[a] for a in node.args)
        if not s.symbolic:
            problem = op.domain(args, node.param)
            if problem is not None:
                raise _domain_error(graph, i, at, problem)
            _check_size(graph, i, at, s, args, before=True)
        value = s.fix(op.value(s, args, node.param))
        if not s.symbolic:
            _check_size(graph, i, at, s, (value,), before=False)
        local = op.partials(s, args, value, node.param)
        partials.append(tuple(None if isinstance(a, Const) else s.fix(d) for a, d in zip(node.args, local)))
        values.append(value)
        form = op.form(tuple(graph.term(a) for a in node.args), node.param)
        numbers = substitute(form, {graph.v(a): values[a] for a in node.args if isinstance(a, int)})
        lines.append(Line(graph.v(i), (form, numbers), value, i))
    for p, name in zip(graph.outputs, graph.output_names):
        if name != graph.v(p):
            lines.append(Line(name, (graph.v(p),), values[p], p))
    return Primal(tuple(lines), tuple(values), tuple(partials))


def _unless_same(target: Sym, name: Sym, accent: str = "") -> tuple[Term, ...]:
    """``(name,)`` as the line's first form, or nothing when the node is written by that name."""
    if target == name:
        return ()
    return ({"dot": name.dot(), "bar": name.bar()}.get(accent, name),)


def _domain_error(graph: Graph, i: int, at: tuple[Any, ...], problem: str) -> SpecError:
    node = graph.nodes[i]
    where = f" (column {node.column})" if node.column else ""
    values = ", ".join(f"{graph.nodes[p].source}={at[p]}" for p in graph.inputs)
    return SpecError("--at", f"{node.source}{where} is undefined at {values}: {problem}",
                     "choose input values inside the function's domain")


def _check_size(graph: Graph, i: int, at: tuple[Any, ...], s: Scalars, values: tuple[Any, ...], before: bool) -> None:
    """Stop before exp or a power leaps past the magnitude limit, and after any value that did."""
    node, is_float = graph.nodes[i], s.mode is not None and s.mode.is_float
    if before:
        big = (node.op == "exp" and limits.exp_too_large(values[0], is_float)) or (
            node.op == "pow" and limits.power_too_large(values[0], node.param, is_float))
    else:
        big = limits.too_large(values[0], is_float)
    if big:
        where = f" (column {node.column})" if node.column else ""
        inputs = ", ".join(f"{graph.nodes[p].source}={at[p]}" for p in graph.inputs)
        raise SpecError("--at", f"{node.source}{where} exceeds {limits.describe_limit(is_float)} at {inputs}",
                        "choose smaller input values or a smaller expression (derive computes with "
                        "magnitudes below that limit)")


def _rounds(s: Scalars) -> bool:
    return s.mode is not None and s.mode.name == "hand"


def _rounded_apart(form: Term, partial: Any) -> bool:
    """Whether a partial's form, printed with its numbers, is not already the rounded value the
    engine multiplies by: a compound form (−v₃/v₋₁², 1/v) or a constant with more places (1/3)."""
    if isinstance(form, Sym):
        return False  # a value, printed as it was rounded
    return not (isinstance(form, Num) and form.value == partial)


def _local_forms(graph: Graph, i: int) -> tuple[Term, ...]:
    node = graph.nodes[i]
    return node.operation.partial_forms(tuple(graph.term(a) for a in node.args), graph.v(i), node.param)


def tangent_pass(graph: Graph, pr: Primal, wrt: int, s: Scalars) -> TangentPass:
    """Eq. (Baydin Table 2): v̇_i = Σ_j ∂v_i/∂v_j · v̇_j, seeded with ẋ_wrt = 1, the other ẋ = 0."""
    zero, one = s.constant(sp.Integer(0)), s.constant(sp.Integer(1))
    tangents: list[Any] = []
    lines: list[Line] = []
    for p in graph.inputs:
        tangents.append(one if p == wrt else zero)
        lines.append(Line(graph.v(p).dot(), _unless_same(graph.v(p), graph.input_name(p), "dot"), tangents[p], p))
    # every value, and each tangent as it is computed: what a line's numbers come from
    env: dict[Sym, Any] = {graph.v(j): v for j, v in enumerate(pr.values)}
    env.update({graph.v(p).dot(): tangents[p] for p in graph.inputs})
    for i in graph.operations:
        node = graph.nodes[i]
        terms, rounded, compound, value = [], [], False, zero
        for arg, partial_form, partial in zip(node.args, _local_forms(graph, i), pr.partials[i]):
            if isinstance(arg, Const):
                continue
            terms.append(times(graph.v(arg).dot(), partial_form, simplify=True))
            rounded.append(times(Num(tangents[arg]), Num(partial), simplify=True))
            compound |= _rounded_apart(partial_form, partial)
            value = s.add(value, tangents[arg] * partial)
        value = s.fix(value)
        tangents.append(value)
        form = total(terms)
        env[graph.v(i).dot()] = value
        numbers = substitute(form, env)
        forms = (form, numbers) + ((total(rounded),) if _rounds(s) and compound else ())
        lines.append(Line(graph.v(i).dot(), forms, value, i))
    for p, name in zip(graph.outputs, graph.output_names):
        if name != graph.v(p):
            lines.append(Line(name.dot(), (graph.v(p).dot(),), tangents[p], p))
    return TangentPass(wrt, tuple(lines), tuple(tangents), tuple(tangents[p] for p in graph.outputs))


def adjoint_pass(graph: Graph, pr: Primal, output: int, s: Scalars) -> AdjointPass:
    """Eq. (Baydin Table 3): seeded with ȳ = 1, each operation i, last first, pushes
    v̄_i · ∂v_i/∂v_j onto each argument j; v̄_j is complete once all its consumers are done."""
    zero = s.constant(sp.Integer(0))
    root = graph.outputs[output]
    relevant = graph.ancestors(root)
    # a node's contributions come from its consumers that lead to this output
    counts = [sum(1 for c, _ in graph.consumers[j] if c in relevant) for j in range(len(graph.nodes))]
    adjoints: list[Any] = [None] * len(graph.nodes)
    received = [0] * len(graph.nodes)
    adjoints[root] = s.constant(sp.Integer(1))
    lines = [Line(graph.v(root).bar(), _unless_same(graph.v(root), graph.output_names[output], "bar"),
                  adjoints[root], root)]
    env: dict[Sym, Any] = {graph.v(j): v for j, v in enumerate(pr.values)}  # values, then adjoints so far
    for i in reversed(graph.operations):
        if i not in relevant or adjoints[i] is None:
            continue
        node = graph.nodes[i]
        for arg, partial_form, partial in zip(node.args, _local_forms(graph, i), pr.partials[i]):
            if isinstance(arg, Const):
                continue
            vj, vi = graph.v(arg), graph.v(i)
            push = Juxtapose(vi.bar(), Partial(vi, vj))
            product = times(vi.bar(), partial_form, simplify=False)
            env[vi.bar()] = adjoints[i]
            contribution = adjoints[i] * partial
            received[arg] += 1
            # hand mode rounds a compound partial (−v₃/v₋₁², 1/v) before multiplying: the line
            # shows it rounded, so that its last "=" computes from what is printed
            shown = times(Num(adjoints[i]), Num(partial), simplify=False)
            extra = _rounds(s) and _rounded_apart(partial_form, partial)
            if adjoints[arg] is None:
                forms: tuple[Term, ...] = (push, product, substitute(product, env)) + ((shown,) if extra else ())
                value = s.fix(contribution)
            else:
                env[vj.bar()] = adjoints[arg]
                forms = tuple(total([vj.bar(), f]) for f in (push, product)) + (
                    substitute(total([vj.bar(), product]), env),) + (
                    (total([Num(adjoints[arg]), shown]),) if extra else ())
                value = s.fix(s.add(adjoints[arg], contribution))
            adjoints[arg] = value
            note = (received[arg], counts[arg]) if counts[arg] > 1 else None
            lines.append(Line(vj.bar(), forms, value, arg, note))
    final = [zero if a is None else a for a in adjoints]
    for p in graph.inputs:
        if graph.v(p) != graph.input_name(p):
            lines.append(Line(graph.input_name(p).bar(), (graph.v(p).bar(),), final[p], p))
    return AdjointPass(output, tuple(lines), tuple(final), tuple(final[p] for p in graph.inputs))


def input_values(graph: Graph, at: Mapping[str, Any], s: Scalars) -> tuple[Any, ...]:
    values = []
    for p in graph.inputs:
        name = graph.nodes[p].source
        if name not in at:
            raise SpecError("--at", f"no value for {name}", f"add {name}=... to --at")
        values.append(s.number(at[name]) if not s.symbolic else at[name])
    return tuple(values)


def trace(graph: Graph, at: Mapping[str, Any], mode: Mode = EXACT, *, forward: bool = True,
          reverse: bool = True, wrt: tuple[int, ...] | None = None) -> Traces:
    """All traces of ``graph`` at the input values ``at`` (name → exact number).

    Forward mode makes one tangent pass per input (or per input in ``wrt``), reverse mode
    one adjoint pass per output.
    """
    s = scalars(mode)
    values = input_values(graph, at, s)
    pr = primal(graph, values, s)
    passes = tuple(tangent_pass(graph, pr, p, s) for p in (wrt if wrt is not None else graph.inputs)) if forward else ()
    adjoint = tuple(adjoint_pass(graph, pr, o, s) for o in range(len(graph.outputs))) if reverse else ()
    return Traces(graph, mode, values, pr, passes, adjoint)


@dataclass(frozen=True)
class Symbolic:
    """Each output and each ∂y/∂x as a formula in the inputs, and whether it equals sympy.diff."""

    symbols: tuple[sp.Symbol, ...]
    outputs: tuple[sp.Expr, ...]
    derivatives: tuple[tuple[sp.Expr, ...], ...]  # [output][input], simplified, from reverse mode
    agrees: bool


def symbolic(graph: Graph, at: Mapping[str, Any] | None = None) -> Symbolic:
    """Reverse mode run on symbols: ∂y/∂x_k as an expression, checked against ``sympy.diff``.

    The formula is the adjoint pass's own sum of products, as SymPy's automatic evaluation
    leaves it (σ and ReLU stay functions with σ' = σ(1 − σ), ReLU' = the unit step): no
    ``simplify``, whose time has no bound (minutes on σ((x − e)^12)). Equality is
    structural where SymPy's canonical form shows it, and otherwise checked numerically, to
    25 digits, at ``at`` and at three other points (:func:`_same`).
    """
    symbols = tuple(sp.Symbol(graph.nodes[p].source, real=True) for p in graph.inputs)
    pr = primal(graph, symbols, SYMBOLIC)
    outputs = tuple(pr.values[p] for p in graph.outputs)
    derivatives, agrees = [], True
    points = _points(symbols, graph, at)
    for o in range(len(graph.outputs)):
        grads = adjoint_pass(graph, pr, o, SYMBOLIC).gradient
        row = []
        for x, mine in zip(symbols, grads):
            mine = sp.sympify(mine)
            row.append(mine)
            agrees &= _same(mine, sp.diff(outputs[o], x), symbols, points)
        derivatives.append(tuple(row))
    return Symbolic(symbols, outputs, tuple(derivatives), agrees)


def _points(symbols: tuple[sp.Symbol, ...], graph: Graph, at: Mapping[str, Any] | None) -> list[tuple[Any, ...]]:
    """Where two formulas are compared: the trace's point first, then three fixed others."""
    base = [sp.Rational(at[graph.nodes[p].source]) if at is not None else sp.Rational(1, 2) for p in graph.inputs]
    shifted = [tuple(b + sp.Rational(k * (i + 2), 11) for i, b in enumerate(base)) for k in (1, 2, 3)]
    return [tuple(base)] + shifted


def _same(a: sp.Expr, b: sp.Expr, symbols: tuple[sp.Symbol, ...], points: list[tuple[Any, ...]]) -> bool:
    """a = b: structurally, or to 25 digits at every point where both are defined (the first,
    the trace's own point, must be one of them)."""
    if sp.sympify(a - b) == 0:
        return True
    compared = 0
    for k, point in enumerate(points):
        with mpmath.workdps(40):
            env = {x: mpmath.mpf(int(v.p)) / int(v.q) for x, v in zip(symbols, point)}
            try:
                va, vb = (mpmath.mpmathify(v) for v in evaluate_shared([a, b], env))
            except (ZeroDivisionError, ValueError, OverflowError):
                va = vb = None
            defined = va is not None and all(isinstance(v, mpmath.mpf) and mpmath.isfinite(v) for v in (va, vb))
            if not defined:
                if k == 0:
                    return False
                continue
            if abs(va - vb) > mpmath.mpf(10) ** -25 * max(1, abs(vb)):
                return False
            compared += 1
    return compared > 0
