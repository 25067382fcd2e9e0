"""How large a number derive computes with, and the checks that keep every computation finite.

Exact arithmetic has no overflow: exp(exp(exp(3))) is a number of 2·10⁸ digits that mpmath
sets out to compute (ln 2 to that many places) and a power such as ((x^1000)^1000)^1000 a
rational of a billion digits. Neither is an exercise; both are hangs. So every value an
engine computes has a magnitude limit, checked *before* an operation that could leap past it
(exp, a power) and after every other one:

* exact and hand modes: |v| < 10^1000;
* float mode: |v| ≤ the largest float64 (about 1.8·10^308): beyond it is overflow.

A value past the limit is a :class:`~derive.errors.SpecError` that names the operation and
the limit; nothing is computed further.
"""

from __future__ import annotations

import math
from typing import Any

import mpmath
import sympy as sp

EXACT_DIGITS = 1000   # |v| < 10^EXACT_DIGITS in exact and hand modes
# and its numerator and denominator at most this many digits: under Python's 4,300-digit limit
# for writing an integer out, with room for rationals like SELU's 30-digit constants raised
# through a few layers and an update (a 1,084-digit cost in a 3-layer test network)
EXACT_WRITTEN_DIGITS = 4000
FLOAT_DIGITS = math.log10(1.7976931348623157e308)

# what a spec may hold (README, "Limits"); each is a one-line error naming the field
NUMBER_CHARS = 100        # a number as written ("0.125", "-3/7", 1e-3): at most 100 characters
NUMBER_EXPONENT = EXACT_DIGITS - 1  # 10^-999 ≤ |v| ≤ 10^999 (or 0)
FILE_BYTES = 5_000_000    # a spec, answers or roster file
CLASS_FILE_BYTES = 100_000_000  # generate's key.json and a class's answers (5,000 students)
MAX_LAYERS = 50
MAX_WIDTH = 1_000         # neurons in a layer, inputs of the network
MAX_PARAMETERS = 20_000
MAX_EXAMPLES = 1_000
MAX_DECIMALS = 30         # hand mode's --decimals
# how much a trace computes: parameters × examples, the gradient entries per example (README,
# "Limits"; benchmarks/bench_limits.py times each at its limit, within 30 s and 1 GB on 2 cores)
MAX_VALUES_EXACT = 400_000       # exact and hand arithmetic (rational numbers of growing length)
MAX_VALUES_IRRATIONAL = 20_000   # exact arithmetic through σ, tanh, …: every value an expression
MAX_VALUES_PRINTED = 100_000     # the text and LaTeX derivations, which print every value
MAX_GRAPH_PARAMETERS = 2_000     # derive --graph of a network: a few operations per parameter, each printed
# derive --graph: an expression
EXPRESSION_CHARS = 2_000
EXPRESSION_DEPTH = 50     # operations nested in one another
EXPRESSION_OPS = 200      # operations in all
EXPONENT = 1_000          # |p| and q of a constant exponent p/q


def digits_limit(is_float: bool) -> float:
    return FLOAT_DIGITS if is_float else EXACT_DIGITS


def log10_abs(value: Any) -> float:
    """log₁₀|value| (−inf for 0), without computing anything as large as the value."""
    if hasattr(value, "approx"):  # numbers.Real
        value = value.approx
    if isinstance(value, mpmath.mpf):
        return -math.inf if value == 0 else float(mpmath.log10(abs(value)))
    if isinstance(value, (int, sp.Rational)):
        p, q = (abs(value), 1) if isinstance(value, int) else (abs(int(value.p)), int(value.q))
        if p == 0:
            return -math.inf
        # bit lengths bound the size; exact enough for a limit of a thousand digits
        return _log10_int(p) - _log10_int(q)
    v = float(value)
    if math.isnan(v):
        return math.nan
    return -math.inf if v == 0 else (math.inf if math.isinf(v) else math.log10(abs(v)))


def _log10_int(n: int) -> float:
    bits = n.bit_length()
    if bits < 1000:
        return math.log10(n)
    shift = bits - 64
    return math.log10(n >> shift) + shift * math.log10(2)


def too_large(value: Any, is_float: bool) -> bool:
    """Past the magnitude limit, or not a number at all (float overflow gives inf or nan)."""
    size = log10_abs(value)
    return math.isnan(size) or size >= digits_limit(is_float)


def exp_too_large(arg: Any, is_float: bool) -> bool:
    """exp(arg) would pass the limit: arg ≥ limit · ln 10."""
    return float(arg if not hasattr(arg, "approx") else arg.approx) >= digits_limit(is_float) * math.log(10)


def power_too_large(base: Any, exponent: sp.Rational, is_float: bool) -> bool:
    """base^exponent would pass the limit (or, for a negative exponent, its reciprocal would)."""
    size = log10_abs(base)
    if size == -math.inf:
        return False
    return abs(size * float(exponent)) >= digits_limit(is_float)


def describe_limit(is_float: bool) -> str:
    return "the largest float64 (about 1.8e308)" if is_float else f"10^{EXACT_DIGITS}"


def check_work(parameters: int, examples: int, mode_name: str, rational: bool) -> None:
    """Refuse at once a trace past what its arithmetic computes in seconds: float takes every
    network the spec limits allow; exact and hand arithmetic ``MAX_VALUES_EXACT`` parameters ×
    examples, exact arithmetic through an irrational activation ``MAX_VALUES_IRRATIONAL``."""
    from .errors import SpecError

    values = parameters * examples
    if mode_name == "float":
        return
    limit = MAX_VALUES_IRRATIONAL if mode_name == "exact" and not rational else MAX_VALUES_EXACT
    if values > limit:
        what = "exact arithmetic through an irrational activation" if limit == MAX_VALUES_IRRATIONAL else \
            f"{mode_name} arithmetic"
        raise SpecError("layers", f"{parameters:,} parameters × {examples:,} examples = {values:,} values, more than "
                        f"{what} computes in seconds ({limit:,})",
                        "use --float, or fewer examples or parameters")


def check_printed(parameters: int, examples: int) -> None:
    """Refuse at once a text or LaTeX derivation of more values than a person reads: it prints
    every step of every example (about 60 bytes a value), where JSON holds them compactly."""
    from .errors import SpecError

    values = parameters * examples
    if values > MAX_VALUES_PRINTED:
        raise SpecError("--format", f"the derivation would print {values:,} values ({parameters:,} parameters × "
                        f"{examples:,} examples), more than {MAX_VALUES_PRINTED:,}",
                        "use --format json, or fewer examples or parameters")
