"""``activation``: value and derivative of an activation at a point, the derivative in terms
of the output, and the function's properties (range, zero-centred, saturating)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from gradsheet.derive.engine import activations
from gradsheet.derive.printing.at_point import branch, substituted, written
from gradsheet.derive.engine.numbers import EXACT, hand, places, round_half_away
from gradsheet.derive.printing.step import Section, Step

from .. import language, networks
from ..carry import Follow, Work, fmt, rational
from ..options import Table
from ..printing import is_short, plain
from ..problem import Answer, Degenerate, Problem, Question
from ..sampling import one_decimal, pick
from ..sheet import Sheet
from . import Kind, split_points

# (zero-centred, saturating) as the lectures characterise them
PROPERTIES = {
    "sigmoid": ("no", "yes"), "tanh": ("yes", "yes"), "relu": ("no", "no"), "leaky_relu": ("no", "no"),
    "elu": ("no", "yes"), "softplus": ("no", "no"), "silu": ("no", "no"), "identity": ("yes", "no"),
}
_DEFAULTS = {"easy": ("sigmoid", "tanh", "relu"), "medium": ("sigmoid", "tanh", "leaky_relu", "softplus"),
             "hard": ("elu", "silu", "softplus", "tanh")}


@dataclass(frozen=True)
class Options:
    names: tuple[str, ...]


def options(t: Table, difficulty: str) -> Options:
    names = t.strings("activation", _DEFAULTS[difficulty], tuple(PROPERTIES))
    assert names is not None
    return Options(names)


def make(rng: np.random.Generator, opts: Options, sheet: Sheet, points: int) -> Problem:
    name = pick(rng, opts.names)
    act = activations.get(name)
    z0 = one_decimal(rng, *POINTS)
    if any(z0 == k for k in act.kinks):
        raise Degenerate("the point sits on a kink")
    d = sheet.decimals
    zs = np.asarray([[z0]], dtype=object)
    a = act.value(zs, EXACT)
    prime = act.derivative(zs, a, EXACT)[0][0]
    a_hand = act.value(zs, hand(d))
    prime_hand = act.derivative(zs, a_hand, hand(d))[0][0]
    value = a[0][0]
    for label, v in (("value", value), ("derivative", prime)):
        networks.ambiguous_rounding(float(v), d, label)
    zero_centred, saturating = PROPERTIES[name]
    p = sheet.printer
    rounded_printer = sheet.solution_printer("decimal")

    def q(v: object) -> str:
        """A value as given when it is short (1.4), else rounded with all its decimals (0.5370)."""
        return p.number(v) if is_short(v, d) else rounded_printer.number(v)
    # the solution evaluates σ and σ' at z exactly (each row computes from the printed z);
    # the rounded a a student may reuse for σ' is admitted by the tolerance
    ans = [networks.answer("value", rf"{act.latex}({plain(z0, d)})", value, a_hand[0][0], d, solution="exact"),
           networks.answer("derivative", rf"{act.latex}'({plain(z0, d)})", prime, prime_hand, d, solution="exact"),
           Answer("zero_centred", rf"\text{{{sheet.say('zero-centred?')}}}", zero_centred,
                  rf"\text{{{sheet.say(zero_centred)}}}", zero_centred),
           Answer("saturating", rf"\text{{{sheet.say('saturating?')}}}", saturating, rf"\text{{{sheet.say(saturating)}}}",
                  saturating)]
    at, shown = p.number(z0), written(act)
    steps = [_evaluated(rf"{act.latex}({at})", substituted(_branch(shown, z0), activations.z, at, latex=True), q(value)),
             Step(rf"{act.latex}'(z)", _latex(act.prime_expr), "", ""),
             _evaluated(rf"{act.latex}'({at})", substituted(_branch(act.prime_expr, z0), activations.z, at, latex=True),
                        q(prime))]
    by_output = _by_output(act)
    notes = ""
    if by_output is not None:
        # from the printed a, as a student computes it: 1 − 0.4621² = 0.78646… is 0.7865,
        # one unit from σ'(z) = 0.7864; the key admits both
        printed_a = round_half_away(value, d)
        from_a = round_half_away(sp.N(branch(by_output, value, activations.a).subs(activations.a, printed_a), 40), d)
        steps.append(Step(rf"{act.latex}'(z)", _latex(by_output),
                          substituted(branch(by_output, value, activations.a), activations.a, q(printed_a),
                                      latex=True), q(from_a)))
        if from_a != round_half_away(prime, d):
            notes = " " + sheet.say("From the rounded {a} the derivative comes out as {from_a}, from {z} as {from_z}: "
                                    "both are right to {places}.", a="$a$", from_a=f"${q(from_a)}$", z="$z$",
                                    from_z=f"${q(prime)}$", places=language.places(d, sheet.language))
    span = act.range.replace("∞", r"\infty").replace("−", "-").replace("λα", r"\lambda\alpha").replace("…", r"\dots")
    properties = sheet.say("Range {span}; zero-centred: {zero_centred}; saturating: {saturating}.", span=f"${span}$",
                           zero_centred=sheet.say(zero_centred), saturating=sheet.say(saturating))
    texts = [sheet.say("Compute {value}.", value=f"${act.latex}({p.number(z0)})$"),
             sheet.say("Compute the derivative {prime} at {z}, and write it in terms of the output {a} alone."
                       if by_output else "Compute the derivative {prime} at {z}.",
                       prime=f"${act.latex}'(z)$", z=f"$z = {p.number(z0)}$", a="$a$"),
             sheet.say("Give its range. Is it zero-centred? Does it saturate?")]
    shares = split_points(points, [2, 2, 1])
    return Problem(
        kind="activation", title="Activation functions", points=points,
        statement={"definition": rf"{act.latex}(z) = {_latex(shown)}", "name": SPOKEN.get(name, name),
                   "activation": name, "at": str(z0)},
        questions=tuple(Question(t, s, parts, by_hand) for t, s, parts, by_hand in
                        zip(texts, shares, [("value",), ("derivative",), ("zero_centred", "saturating")],
                            ["", "", sheet.say("the range")])),
        solution=(Section("Value and derivative", tuple(steps), notes.strip()), Section("Properties", (), properties)),
        answers=tuple(ans), fingerprint=f"{name}:{z0}", data={"activation": name, "z": str(z0)},
    )


def _own(work: Work) -> dict[str, object]:
    """σ' from the student's own σ(z), where the lectures write σ' in terms of the output
    (σ(1 − σ), 1 − tanh²): a wrong value carries into the derivative."""
    act, z0 = activations.get(work.data["activation"]), rational(work.data["z"], "z")
    form, mine = _by_output(act), work.number("value")
    if form is None or mine is None:
        return {}
    value = act.value(np.asarray([[z0]], dtype=object), EXACT)[0][0]
    return {"derivative": branch(form, value, activations.a).subs(activations.a, mine)}


def _slips(work: Work, part: str) -> list[tuple[object, str]]:
    act, z0 = activations.get(work.data["activation"]), rational(work.data["z"], "z")
    at = np.asarray([[z0]], dtype=object)
    value = act.value(at, EXACT)[0][0]
    prime = act.derivative(at, np.asarray([[value]], dtype=object), EXACT)[0][0]
    d, s = work.decimals, {"sigmoid": "σ"}.get(act.name, SPOKEN.get(act.name, act.name))
    if part == "value":
        return [(prime, f"that is the derivative {s}'({fmt(z0, d)}), not the value {s}({fmt(z0, d)}) = {fmt(value, d)}")]
    if part != "derivative":
        return []
    at_a = act.prime_at(np.asarray([[value]], dtype=object), EXACT)[0][0]
    return [(value, f"that is the value {s}({fmt(z0, d)}), not its derivative {s}'({fmt(z0, d)}) = {fmt(prime, d)}"),
            (at_a, f"{s}' was evaluated at a = {s}(z) = {fmt(value, d)} instead of at z = {fmt(z0, d)}: "
                   f"{s}'({fmt(z0, d)}) = {fmt(prime, d)}")]


# the activation as the sheets write it in words, matching its symbol (\mathrm{ReLU}, …)
SPOKEN = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "elu": "ELU", "silu": "SiLU (swish)", "identity": "identity (id)"}
POINTS = ("-2", "2")  # z drawn with one decimal from here, never 0: 40 points


def capacity(opts: Options) -> int:
    return 40 * len(opts.names)


def _by_output(act: activations.Activation) -> sp.Expr | None:
    """σ' in terms of the output a, where the lectures use that form (not for constants)."""
    form = act.prime_from_output
    return None if form is None or not form.free_symbols or isinstance(form, sp.Piecewise) else form


def _evaluated(lhs: str, substituted: str, result: str) -> Step:
    """lhs = the formula at the point = result; a branch that is the number itself is said once."""
    return Step(lhs, "" if substituted == result else substituted, "", result)


@lru_cache(maxsize=1024)
def _branch(expr: sp.Expr, z0: sp.Rational) -> sp.Expr:
    """The branch of σ or σ' that holds at the drawn point (one of 40): SymPy decides a
    piecewise condition at a point in a tenth of a millisecond, so each is decided once."""
    return branch(expr, z0)


@lru_cache(maxsize=256)
def _latex(expr: sp.Expr) -> str:
    """An activation's formula as LaTeX: the same few for every variant, written once."""
    return sp.latex(expr, ln_notation=True)


def prepare(opts: Options) -> None:
    """Each activation's derivative, its exact and rounded functions, its formulas' LaTeX and
    their printed forms with a slot for the point, on either side of a kink, which its first
    draws make (10 ms an activation): made once, before the workers fork, not in each worker."""
    at, d = np.asarray([[sp.Rational(1, 10)]], dtype=object), 4
    for name in opts.names:
        act = activations.get(name)
        act.derivative(at, act.value(at, EXACT), EXACT)
        act.derivative(at, act.value(at, hand(d)), hand(d))
        shown, by_output = written(act), _by_output(act)
        for expr in (shown, act.prime_expr, by_output):
            if expr is not None:
                _latex(expr)
        for side in (sp.Rational(-1, 10), sp.Rational(1, 10)):
            for expr in (shown, act.prime_expr):
                substituted(_branch(expr, side), activations.z, "0", latex=True)
        if by_output is not None:
            substituted(by_output, activations.a, "0", latex=True)


KIND = Kind("activation", "Activation functions",
            "value, derivative (also from the output) and properties of an activation at a point", options, make,
            capacity, "list more activations, e.g. activation = [\"sigmoid\", \"tanh\", \"relu\", \"elu\", \"softplus\"]",
            Follow(_own, _slips), prepare)
