"""``autodiff``: a random expression of a few elementary operations, its computation graph,
a forward-mode tangent trace, a reverse-mode adjoint trace, and the passes each mode needs
(Baydin et al. 2018, Tables 2 and 3; the lectures' 3.4.3).

Every expression uses some input twice, so its adjoint collects two contributions: the
step students most often miss. *Integer* style keeps to + − × and squares on small
integers, so every value is an integer within a bound; *decimal* style adds ÷, exp, log,
sin, cos, tanh and σ on one-decimal inputs, rounded to the exam's decimals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import sympy as sp

from gradsheet.derive.graphs.autodiff import Line, Traces, trace
from gradsheet.derive.errors import SpecError
from gradsheet.derive.graphs.expression import parse
from gradsheet.derive.formats.graph_latex import figure_tex
from gradsheet.derive.engine.numbers import EXACT, hand
from gradsheet.derive.printing.step import Section, Step
from gradsheet.derive.graphs.terms import Add, Call, Div, Mul, Num, Pow, Sub, Sym, Term, printer_for

from .. import networks
from ..carry import Follow, Work, fmt, rational
from ..options import Table
from ..printing import grouped
from ..problem import Answer, Degenerate, Problem, Question
from ..sampling import integer, one_decimal, pick
from ..sheet import Sheet
from . import Kind, split_points

_OPERATIONS = {"easy": (3, 4), "medium": (4, 5), "hard": (5, 6)}
_INPUTS = {"easy": 2, "medium": 2, "hard": 3}
INTEGER_OPS = ("add", "sub", "mul", "square")
DECIMAL_OPS = ("add", "sub", "mul", "div", "square", "exp", "log", "sin", "cos", "tanh", "sigmoid")
BINARY = ("add", "sub", "mul", "div")
BOUND = 200  # integer style: no value, tangent or adjoint beyond this


@dataclass(frozen=True)
class Options:
    operations: tuple[int, int]
    inputs: int
    style: str
    ops: tuple[str, ...]


def options(t: Table, difficulty: str) -> Options:
    low, high = _OPERATIONS[difficulty]
    style = t.choice("numbers", "integer", ("integer", "decimal"))
    allowed = INTEGER_OPS if style == "integer" else DECIMAL_OPS
    ops = t.strings("operations_from", allowed, allowed)
    assert ops is not None
    if not set(ops) & set(BINARY):
        # the problem turns on an input used twice (an adjoint that collects two contributions)
        raise SpecError(t.where("operations_from"), "no binary operation, so no input can be used twice",
                        f"add one of {', '.join(op for op in BINARY if op in allowed)}")
    return Options(t.span("min_operations", "max_operations", (low, high), 2, 8),
                   t.integer("inputs", _INPUTS[difficulty], 1, 4), style, tuple(ops))


# --- drawing an expression ---------------------------------------------------------------------

def _draw(rng: np.random.Generator, ops: int, names: list[str], allowed: tuple[str, ...]) -> Term:
    """A random expression tree with exactly ``ops`` operations; leaves are inputs."""
    if ops == 0:
        name = pick(rng, names)
        return Sym(name[0], name[1:])
    binary = [op for op in allowed if op in BINARY]
    unary = [op for op in allowed if op not in binary]
    if ops == 1 or not unary or (binary and rng.random() < 0.6):
        op = pick(rng, binary)
        left = int(rng.integers(0, ops))
        a, b = _draw(rng, left, names, allowed), _draw(rng, ops - 1 - left, names, allowed)
        return {"add": Add, "sub": Sub, "mul": Mul, "div": Div}[op](a, b)
    op = pick(rng, unary)
    arg = _draw(rng, ops - 1, names, allowed)
    return Pow(arg, sp.Integer(2)) if op == "square" else Call(op, arg)


def _python(t: Term, parent: int = 0, right: bool = False) -> str:
    """The tree as a formula derive's parser reads, with the brackets it needs."""
    strength = {Add: 1, Sub: 1, Mul: 2, Div: 2, Pow: 4}.get(type(t), 5)
    if isinstance(t, Sym):
        return t.base + t.sub
    if isinstance(t, Call):
        return f"{t.fn}({_python(t.arg)})"
    if isinstance(t, Pow):
        text = f"{_python(t.base, 4, True)}^{t.exponent}"
    else:
        sign = {Add: "+", Sub: "-", Mul: "*", Div: "/"}[type(t)]
        text = f"{_python(t.left, strength)} {sign} {_python(t.right, strength, True)}"
    return f"({text})" if strength < parent or (right and strength == parent) else text


def _leaves(t: Term) -> list[str]:
    if isinstance(t, Sym):
        return [t.base + t.sub]
    if isinstance(t, (Call, Pow)):
        return _leaves(t.arg if isinstance(t, Call) else t.base)
    return _leaves(t.left) + _leaves(t.right)


# --- the problem ---------------------------------------------------------------------------------

def make(rng: np.random.Generator, opts: Options, sheet: Sheet, points: int) -> Problem:
    n = opts.inputs
    names = [f"x{k}" for k in range(1, n + 1)]
    ops = int(rng.integers(opts.operations[0], opts.operations[1] + 1))
    tree = _draw(rng, ops, names, opts.ops)
    leaves = _leaves(tree)
    if set(leaves) != set(names):
        raise Degenerate("an input is unused")
    if len(leaves) == len(set(leaves)):
        raise Degenerate("no input is used twice, so no adjoint collects two contributions")
    text = _python(tree)
    graph = parse(f"y = {text}", names)
    if opts.style == "integer":
        at = {name: integer(rng, -3, 3, nonzero=True) for name in names}
    else:
        at = {name: one_decimal(rng, "0.5", "2.5") for name in names}
    try:
        exact = trace(graph, at, EXACT)
    except SpecError as error:
        raise Degenerate(f"outside a function's domain: {error}") from None
    d = sheet.decimals
    rounded = trace(graph, at, hand(d)) if opts.style == "decimal" else None
    _screen(exact, opts.style, d)

    # the solution is the computation by hand: in decimal style every value rounded to the
    # sheet's decimals as it is computed (each step computes from the printed numbers), and
    # the key holds those values; integer style is exact throughout
    shown = rounded or exact
    p = printer_for("latex", d, fractions=False, mode=shown.mode)
    wrt = 0
    gradient = exact.reverse[0].gradient
    answers = [networks.answer("y", "y", exact.outputs[0], rounded and rounded.outputs[0], d),
               networks.answer("tangent_y", rf"\dot y \;(\text{{{sheet.say('seed')} }}\dot x_{{{wrt + 1}}} = 1)",
                               exact.forward[wrt].derivatives[0], rounded and rounded.forward[wrt].derivatives[0], d)]
    for k, name in enumerate(names):
        answers.append(networks.answer(f"grad_{name}", rf"\bar x_{{{k + 1}}} = \partial y / \partial x_{{{k + 1}}}",
                                       gradient[k], rounded and rounded.reverse[0].gradient[k], d))
    many, few = int(pick(rng, (100, 1000, 10**4, 10**6))), int(rng.integers(1, 6))
    big_n = bool(rng.integers(0, 2))
    n_in, m_out = (many, few) if big_n else (few, many)
    cheaper = "reverse" if m_out < n_in else "forward"
    answers += [Answer("passes_forward", rf"\text{{{sheet.say('forward-mode passes')}}}", sp.Integer(n_in), grouped(n_in),
                       float(n_in)),
                Answer("passes_reverse", rf"\text{{{sheet.say('reverse-mode passes')}}}", sp.Integer(m_out),
                       grouped(m_out), float(m_out)),
                Answer("cheaper", rf"\text{{{sheet.say('cheaper mode')}}}", cheaper, rf"\text{{{sheet.say(cheaper)}}}",
                       cheaper)]

    given = printer_for("latex", d, fractions=False)  # the inputs as drawn: x₁ = 1.4
    formula = given.doprint(tree)
    values = ", ".join(f"x_{{{k + 1}}} = {given.doprint(Num(at[name]))}" for k, name in enumerate(names))
    seeds = ", ".join(f"\\dot x_{{{k + 1}}} = {1 if k == wrt else 0}" for k in range(n))
    questions = [
        sheet.say("Draw the computation graph of {y}, one node per elementary operation, and evaluate the primal trace at "
                  "{at} (inputs {inputs}, operations {operations} in evaluation order).", y="$y$", at=f"${values}$",
                  inputs=f"$v_{{{1 - n}}}, \\dots, v_0$", operations="$v_1, v_2, \\dots$"),
        sheet.say("Forward mode: compute the tangent trace {tangent} with the seed {seed}. Which derivative does it give?",
                  tangent="$\\dot v_i$", seed=f"${seeds}$"),
        sheet.say("Reverse mode: compute the adjoint trace {adjoint} with the seed {seed}, last operation first, and read "
                  "off {gradient} for every input. Which adjoints collect more than one contribution?",
                  adjoint="$\\bar v_i$", seed="$\\bar y = 1$", gradient="$\\partial y / \\partial x_k$"),
        sheet.say("A function has {n} inputs and {m} outputs. How many forward-mode passes and how many reverse-mode "
                  "passes give its whole Jacobian? Which mode is cheaper?", n=f"$n = {grouped(n_in)}$",
                  m=f"$m = {grouped(m_out)}$"),
    ]
    shares = split_points(points, [2, 3, 4, 1])
    passes_text = sheet.say(
        "Forward mode gives one column of the Jacobian per pass: {n} passes. Reverse mode gives one row per pass: {m} "
        "passes. So reverse mode is cheaper here (as for a network's cost: many parameters, one output)."
        if cheaper == "reverse" else "Forward mode gives one column of the Jacobian per pass: {n} passes. Reverse mode "
        "gives one row per pass: {m} passes. So forward mode is cheaper here.",
        n=f"$n = {grouped(n_in)}$", m=f"$m = {grouped(m_out)}$")
    solution = (
        Section("The computation graph", (), figure_tex(shown, d, fractions=False, say=sheet.say)),
        Section("Primal trace", _steps(p, shown.primal.lines)),
        Section(sheet.say("Forward mode: tangents ∂v/∂x{k}", k=chr(0x2080 + wrt + 1)), _steps(p, shown.forward[wrt].lines)),
        Section("Reverse mode: adjoints ∂y/∂v, last operation first", _steps(p, shown.reverse[0].lines),
                _contributions_text(exact, sheet)),
        Section("Passes", (), passes_text),
    )
    return Problem(
        kind="autodiff", title="Automatic differentiation", points=points,
        statement={"formula": formula, "inputs": n, "operations": len(graph.operations),
                   "source": text, "at": {k: str(v) for k, v in at.items()}, "jacobian": {"n": n_in, "m": m_out}},
        questions=tuple(Question(q, s, parts, by_hand) for q, s, parts, by_hand in zip(questions, shares, [
            ("y",), ("tangent_y",), tuple(f"grad_{name}" for name in names), ("passes_forward", "passes_reverse", "cheaper")],
            [sheet.say("the drawing of the graph and its intermediate values"), sheet.say("which derivative it gives"),
             sheet.say("which adjoints collect more than one contribution"), ""])),
        solution=solution, answers=tuple(answers),
        fingerprint=networks.fingerprint({"f": text, "at": {k: str(v) for k, v in at.items()}}),
        data={"source": text, "at": {k: str(v) for k, v in at.items()}, "n": n_in, "m": m_out},
    )


# --- grading: the cheaper mode follows from the pass counts; a gradient that collects only
# some of an input's uses is the mistake the problem is about

def _own(work: Work) -> dict[str, object]:
    forward, reverse = work.number("passes_forward"), work.number("passes_reverse")
    if forward is None or reverse is None or forward == reverse:
        return {}
    return {"cheaper": "reverse" if reverse < forward else "forward"}


def _truth(work: Work) -> dict[str, object]:
    """y, ẏ and the gradient from the key's source and point, as the sheet computes them."""
    at = {name: rational(value, f"at.{name}") for name, value in dict(work.data["at"]).items()}
    if not 1 <= len(at) <= 10:
        raise SpecError("data.at", f"{len(at)} inputs", "give the key.json generate wrote")
    graph = parse(f"y = {work.data['source']}", list(at))
    exact = trace(graph, at, EXACT)
    shown = trace(graph, at, hand(work.decimals)) if any(not v.is_integer for v in at.values()) else exact
    truth = {"y": shown.outputs[0], "tangent_y": shown.forward[0].derivatives[0]}
    return {**truth, **{f"grad_{name}": g for name, g in zip(at, shown.reverse[0].gradient)}}


def _slips(work: Work, part: str) -> list[tuple[object, str]]:
    n, m = work.data["n"], work.data["m"]
    if part == "passes_forward":
        return [(m, f"forward mode needs one pass per input (a column of the Jacobian each): n = {n}, not m")]
    if part == "passes_reverse":
        return [(n, f"reverse mode needs one pass per output (a row of the Jacobian each): m = {m}, not n")]
    name = "x1" if part == "tangent_y" else part[5:] if part.startswith("grad_x") else None
    return [] if name is None else _partial_paths(work.data["source"], work.data["at"], name, work.decimals)


def _partial_paths(source: str, at: dict[str, str], name: str, decimals: int) -> list[tuple[object, str]]:
    """∂y/∂x through some of x's uses only: each use's contribution is ∂y/∂(that use) with
    the others held fixed, and the adjoint of x is their sum."""
    uses = list(re.finditer(rf"\b{name}\b", source))
    if len(uses) < 2 or len(uses) > 6:
        return []
    copies = [sp.Symbol(f"_use{i}") for i in range(len(uses))]
    text = source
    for use, copy in reversed(list(zip(uses, copies))):
        text = text[:use.start()] + copy.name + text[use.end():]
    point = {sp.Symbol(k): rational(v, f"at.{k}") for k, v in at.items()}
    funcs = {"sigmoid": lambda u: 1 / (1 + sp.exp(-u)), **{k: sp.Symbol(k) for k in at},
             **{c.name: c for c in copies}}
    expr = sp.sympify(text.replace("^", "**"), locals=funcs)
    here = {**point, **{c: point[sp.Symbol(name)] for c in copies}}
    each = [sp.N(sp.diff(expr, c).subs(here), 30) for c in copies]
    label = f"x{chr(0x2080 + int(name[1:]))}" if name[1:].isdigit() and int(name[1:]) < 10 else name
    total = sum(each)
    out = []
    for size in range(1, len(uses)):
        for chosen in combinations(range(len(uses)), size):
            part = sum(each[i] for i in chosen)
            out.append((part, f"only {size} of the {len(uses)} uses of {label} {'was' if size == 1 else 'were'} "
                              f"followed: its adjoint sums one contribution per use, "
                              + " + ".join(f"({fmt(v, decimals)})" if v < 0 else fmt(v, decimals) for v in each)
                              + f" = {fmt(total, decimals)}"))
    return out


def _screen(t: Traces, style: str, decimals: int) -> None:
    """Reject variants a student cannot read or that teach nothing: a zero gradient, or a
    graph whose local partials are all ±1 (sums and differences only, or products of ±1):
    there every adjoint is ±1 and the chain rule is never used."""
    gradient = t.reverse[0].gradient
    if any(g == 0 for g in gradient):
        raise Degenerate("a zero gradient")
    partials = [d for row in t.primal.partials for d in row if d is not None]
    if all(abs(d) == 1 for d in partials) or all(abs(v) in (0, 1) for v in t.reverse[0].adjoints):
        raise Degenerate("every local partial or every adjoint is ±1")
    values = list(t.primal.values) + list(t.forward[0].tangents) + list(t.reverse[0].adjoints)
    if style == "integer":
        if any(abs(v) > BOUND for v in values):
            raise Degenerate("a value beyond the bound")
        return
    if any(abs(float(v)) > 1e4 or (v != 0 and abs(float(v)) < 10.0 ** -decimals) for v in values):
        raise Degenerate("a value too large or too small to read at this rounding")
    for v in (t.outputs[0], t.forward[0].derivatives[0], *gradient):
        networks.ambiguous_rounding(float(v), decimals, "an answer")


def _steps(p: Any, lines: tuple[Line, ...]) -> tuple[Step, ...]:
    """A trace's lines as solution steps: the rule in symbols, then the numbers substituted
    (the printed-steps check reads them), then the value."""
    steps = []
    for ln in lines:
        forms = [p.doprint(f) for f in ln.forms]
        value = p.doprint(Num(ln.value))
        if forms and forms[-1] == value:
            forms.pop()
        ref = f"contribution {ln.contribution[0]} of {ln.contribution[1]}" if ln.contribution else ""
        rule, substituted = (" = ".join(forms[:-1]), forms[-1]) if len(forms) > 1 else ("".join(forms), "")
        steps.append(Step(p.doprint(ln.target), rule, substituted, value, ref))
    return tuple(steps)


def _contributions_text(t: Traces, sheet: Sheet) -> str:
    g = t.graph
    shared = [q for q in g.inputs if len(g.consumers[q]) > 1] + \
             [q for q in g.operations if len(g.consumers[q]) > 1]
    p = printer_for("latex")
    names = ", ".join(f"${p.doprint(g.v(q))}$" for q in shared)
    return sheet.say("Used by more than one operation: {names}. Each of their adjoints is the sum of one contribution "
                     "per consumer; following only one path gives a wrong gradient.", names=names)


KIND = Kind("autodiff", "Automatic differentiation",
            "a computation graph: primal, tangent (forward mode) and adjoint (reverse mode) traces, passes",
            options, make, follow=Follow(_own, _slips, _truth))
