"""What a reader computes from a printed step: the value of its numbers-only expression.

A float-mode step prints its operands and its result to the printer's significant digits.
Redone from the printed operands, ``0.0133679 · 0.05`` is 0.000668395, where the true product
prints 0.000668396: a reader who checks the line finds a slip that is not there.
:func:`settled` prints such a step's operands with as many more digits as it takes for the
line to compute (Printer.number of the redone value is the printed result), the result
keeping the digits every other line has.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, DecimalException, localcontext
from typing import Callable

from .printers import significant
from .step import Section, Step

# what the text printer writes in a numbers-only expression: numbers (5e−05 too), + − · / ^,
# brackets, and the functions the activations' formulas use. Decimal arithmetic at 40 digits:
# the float route runs without SymPy and mpmath (derive.deferred), and a reader's redo is
# decimal; erf alone is taken from the float
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[+-]?\d+)?")


def _tanh(v: Decimal) -> Decimal:
    e = (2 * v).exp() if v < 0 else (-2 * v).exp()
    return (1 - e) / (1 + e) if v >= 0 else (e - 1) / (e + 1)


_FUNCTIONS: dict[str, Callable[[Decimal], Decimal]] = {
    "exp": lambda v: v.exp(), "log": lambda v: v.ln(), "sqrt": lambda v: v.sqrt(), "tanh": _tanh,
    "erf": lambda v: Decimal(math.erf(float(v))), "sigma": lambda v: 1 / (1 + (-v).exp())}
_NAMES = re.compile(r"\b(?:%s)\(" % "|".join(_FUNCTIONS))
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
# the more digits tried for a step's operands, up to a double's 17 (a difference 10⁶ times smaller
# than its operands, 1 − 0.9999969871², needs six more); a line that still does not compute
# (a result exactly on a decimal half, 0.75 · 5/24 = 0.15625, that no rounded 5/24 reaches) stays
MORE_DIGITS = (1, 3)  # and a double's 17: three builds of the derivation at most
DOUBLE_DIGITS = 17


def value(text: str) -> Decimal | tuple | None:
    """The expression's value from its printed digits, a tuple for a vector of entries
    ("(1/(1 + exp(−0.3)), …)"); None: not a numbers-only expression."""
    python = text.replace("−", "-").replace("·", "*").replace("σ(", "sigma(").replace("^", "**")
    python = re.sub("[⁰¹²³⁴⁵⁶⁷⁸⁹]+", lambda m: f"**{m[0].translate(_SUPERSCRIPTS)}", python)
    python = re.sub(r"(\d|\))\s*\(", r"\1*(", python)  # "1/2 (…)", ")(": products
    if "[" in python or re.search(r"[^\d\s.e+\-*/()]", _NAMES.sub("(", python)):
        return None  # a matrix, a symbol, a "≈": not a computation to redo here
    python = _NUMBER.sub(lambda m: f"_n('{m[0]}')", python)
    try:
        with localcontext() as context:
            context.prec = 40
            result = eval(python, {"__builtins__": {}, "_n": Decimal, **_FUNCTIONS})  # noqa: S307
    except (SyntaxError, TypeError, ZeroDivisionError, ValueError, OverflowError, NameError, DecimalException):
        return None
    if isinstance(result, tuple) and all(isinstance(v, Decimal) and v.is_finite() for v in result):
        return result
    return result if isinstance(result, Decimal) and result.is_finite() else None


def readings(v: Decimal, digits: int) -> set[float]:
    """``v`` rounded to ``digits`` significant digits as a reader rounds it (half away from
    zero: 0.060947265625 to 10 digits is 0.06094726563), as the float nearest to that; both
    neighbours where ``v`` lies within 10⁻⁹ of a unit of the half: the double the engine
    computed can lie on either side of a decimal tie ((0.25 − 0.003125)² = 0.060947265625
    exactly, its double below the half), and no digits printed tell which."""
    if not v:
        return {0.0}
    with localcontext() as context:
        context.prec = 60
        unit = Decimal(1).scaleb(v.adjusted() - digits + 1)
        out = {float(significant(v, digits))}
        units = v / unit
        if abs(abs(units - units.to_integral_value(rounding=ROUND_FLOOR)) - Decimal("0.5")) < Decimal("1e-9"):
            out |= {float(units.to_integral_value(rounding=r) * unit) for r in (ROUND_FLOOR, ROUND_CEILING)}
    return out


def computes(step: Step, number: Callable[[float], str], digits: int) -> bool:
    """Whether the step's printed operands, redone and rounded to ``digits`` significant
    digits as its result is, give its result."""
    redone = value(step.substituted) if step.substituted else None
    if redone is None:
        return True
    entries = redone if isinstance(redone, tuple) else (redone,)
    printed = [{number(r) for r in readings(v, digits)} for v in entries]
    shown = step.result[1:-1] if len(entries) > 1 or step.result.startswith("(") else step.result
    parts = shown.split(", ")
    # a one-entry vector, (0) − 0.1 (0), redoes as a number: its result is written (0)
    return len(parts) == len(printed) and all(part in options for part, options in zip(parts, printed))


def settled(base: list[Section], build: Callable[[int], tuple[list[Section], list[Section]]],
            number: Callable[[float], str], digits: int) -> list[Section]:
    """``base`` with each float step that does not compute from its printed operands taking
    its operands from a build with more digits (``build(k)``: the sections, and their text
    printer's twin, at k more significant digits; the same steps in the same order)."""
    builds: dict[int, tuple[list[Section], list[Section]]] = {}

    def more(k: int) -> tuple[list[Section], list[Section]]:
        if k not in builds:
            builds[k] = build(k)
        return builds[k]

    def fixed(step: Step, text: Step, path: tuple[int, ...]) -> tuple[Step, int]:
        """The step settled, and how many more digits it took."""
        settled_detail = [fixed(d, t, path + (n,)) for n, (d, t) in enumerate(zip(step.detail, text.detail))]
        step = replace(step, detail=tuple(d for d, _ in settled_detail))
        needed = max((k for _, k in settled_detail), default=0)
        if value(text.substituted) is None and needed:
            # a matrix equation (W a + b): its entries are its detail, and it prints their operands
            # with the most digits any of them needed
            return replace(step, substituted=_at(more(needed)[0], path).substituted), needed
        if computes(text, number, digits) or text.result in ("0", "(0)"):
            # a 0 from terms that cancel (settled: Mode.settle) is not reached by any number of
            # rounded digits of 1/3; it is the one result the steps print exactly
            return step, 0
        for k in sorted({k for k in MORE_DIGITS if digits + k < DOUBLE_DIGITS} | {max(DOUBLE_DIGITS - digits, 1)}):
            wide, wide_text = (_at(sections, path) for sections in more(k))
            if computes(replace(wide_text, result=text.result), number, digits):
                return replace(step, substituted=wide.substituted), k
        return step, 0

    _, text_base = more(0)
    return [replace(section, steps=tuple(fixed(s, t, (i, n))[0] for n, (s, t) in enumerate(zip(section.steps, text.steps))))
            for i, (section, text) in enumerate(zip(base, text_base))]


def _at(sections: list[Section], path: tuple[int, ...]) -> Step:
    step = sections[path[0]].steps[path[1]]
    for n in path[2:]:
        step = step.detail[n]
    return step
