"""Numbers as written, and the three modes the engine computes in.

A spec's numbers are read exactly as written (``0.1`` is 1/10, ``"1/1000"`` is 1/1000).
The engine is generic in its numbers; a :class:`Mode` says which:

* ``exact``: SymPy numbers in ``dtype=object`` arrays. Integers and rationals stay exact,
  irrational values (σ(0.3)) stay exact SymPy expressions until printed.
* ``float``: ``float64`` arrays, vectorised over a batch.
* ``hand``: exact arithmetic on values rounded to ``decimals`` places after every
  intermediate step, as a student told "round to 4 decimals" computes.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any, Callable, Literal

import mpmath
import numpy as np
import sympy as sp

from ..errors import SpecError
from ..deferred import loaded
from ..limits import MAX_DECIMALS, NUMBER_CHARS, NUMBER_EXPONENT

ModeName = Literal["exact", "float", "hand"]

_FRACTION = re.compile(r"^\s*([+-]?\d+)\s*/\s*([+-]?\d+)\s*$")
_DECIMAL = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")


class Written(float):
    """A float read from a TOML or JSON file, with the text it was written as.

    It behaves as the float the parser would have given, and :func:`parse_number` reads its
    text: ``1.00000000000000000001`` is that number, not the float 1.0 nearest to it.
    """

    text: str

    def __new__(cls, text: str) -> "Written":
        value = super().__new__(cls, text.replace("_", ""))
        value.text = text.replace("_", "")
        return value

    def __reduce__(self) -> tuple:
        return (Written, (self.text,))


def read_number(value: Any, field: str) -> int | Fraction:
    """Read an integer, a ``"p/q"`` fraction or a decimal exactly as written: an ``int`` for
    an integer given as one, a ``Fraction`` otherwise (SymPy's Rational is not needed to read
    a number, so the float engine runs without importing SymPy).

    A TOML/JSON float is read from its text (see :class:`Written`); a float given in Python
    as its shortest decimal representation (``0.1`` → 1/10), not the binary double nearest
    to it. Limits (:mod:`derive.limits`): at most 100 characters, 10^-999 ≤ |v| ≤ 10^999.
    """
    if isinstance(value, bool):
        raise SpecError(field, f"expected a number, found {value!r}", 'write a number such as 2, -0.5 or "1/3"')
    if isinstance(value, Written):
        value = value.text
    if isinstance(value, int):
        if abs(value) >= 10**NUMBER_CHARS:
            raise SpecError(field, f"an integer of {len(str(abs(value)))} digits", _NUMBER_FIX)
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SpecError(field, f"expected a finite number, found {value!r}", "write a finite number")
        value = repr(value)
    if isinstance(value, numbers.Rational):  # Fraction, and SymPy's Rational (registered as one)
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, str):
        text = value.strip()
        if len(text) > NUMBER_CHARS:
            raise SpecError(field, f"a number of {len(text)} characters", _NUMBER_FIX)
        match = _FRACTION.match(text)
        if match:
            p, q = int(match.group(1)), int(match.group(2))
            if q == 0:
                raise SpecError(field, f"division by zero in {value!r}", "use a non-zero denominator")
            return Fraction(p, q)
        if _DECIMAL.match(text):
            exponent = Decimal(text).adjusted()
            if Decimal(text) != 0 and abs(exponent) > NUMBER_EXPONENT:
                raise SpecError(field, f"{text} is of the order 10^{exponent}", _NUMBER_FIX)
            return Fraction(text)
        if text.lower().lstrip("+-") in ("inf", "infinity", "nan"):
            raise SpecError(field, f"expected a finite number, found {text}", "write a finite number")
    raise SpecError(field, f"expected a number, found {value!r}", 'write an integer, a decimal or a fraction "p/q"')


def parse_number(value: Any, field: str) -> sp.Rational:
    """:func:`read_number` as a SymPy number (``sp.Integer`` or ``sp.Rational``), the form the
    exact engine and the symbolic derivation compute with."""
    number = read_number(value, field)
    if isinstance(number, int):
        return sp.Integer(number)
    return sp.Rational(number.numerator, number.denominator)


_NUMBER_FIX = (f"numbers are limited to {NUMBER_CHARS} characters and magnitudes from 10^-{NUMBER_EXPONENT} "
               f"to 10^{NUMBER_EXPONENT}")


PRECISION = 80  # decimal digits carried by an irrational exact value


LATEX_OPS = 40  # a Real's exact form is shown up to this many operations (a deep network's is thousands)


class Real:
    """An exact irrational value: its SymPy expression, and that value to 80 digits.

    SymPy's own arithmetic on nested ``exp`` expressions asks assumption questions that
    ``evalf`` the whole tree at every level (exponential in depth), so a :class:`Real`
    builds its expression unevaluated and does its arithmetic and comparisons on the
    80-digit value. Arithmetic with a SymPy ``Rational`` returns a ``Real``; two rationals
    never meet here and stay on SymPy's exact path.
    """

    __slots__ = ("_expr", "approx", "_tree")

    def __init__(self, expr: sp.Expr, approx: mpmath.mpf) -> None:
        self._expr: sp.Expr | None = expr
        self.approx = approx
        self._tree: Any = None

    @property
    def expr(self) -> sp.Expr:
        """The exact expression; a pickled value's is built again on first use (see :meth:`__reduce__`)."""
        if self._expr is None:
            with sp.evaluate(False):
                self._expr = _built(self._tree)
            self._tree = None
        return self._expr

    def __reduce__(self) -> tuple:
        """Pickled as its expression's tree and its value. SymPy pickles a node as a call to its
        class, which evaluates it (``Add.flatten`` and its assumptions): what was built
        unevaluated came back in another form, and a build's main process spent a tenth of a
        second re-evaluating the values its workers had sent, and more importing what
        evaluating needs. The tree is built again unevaluated, as it was, when asked for."""
        return (_unpickled, (_tree_of(self.expr), self.approx))

    @staticmethod
    def parts(value: Any) -> tuple[sp.Expr, mpmath.mpf]:
        if isinstance(value, Real):
            return value.expr, value.approx
        rational = sp.Rational(value)
        with mpmath.workdps(PRECISION):
            return rational, mpmath.mpf(int(rational.p)) / int(rational.q)

    def _combine(self, other: Any, sym: Callable, num: Callable, reverse: bool = False) -> Any:
        if not isinstance(other, (Real, int, sp.Rational)):
            return NotImplemented
        (e1, a1), (e2, a2) = Real.parts(self), Real.parts(other)
        if reverse:
            (e1, a1), (e2, a2) = (e2, a2), (e1, a1)
        with sp.evaluate(False), mpmath.workdps(PRECISION):
            return Real(sym(e1, e2), num(a1, a2))

    def __add__(self, other: Any) -> Any:
        return self if _is_zero(other) else self._combine(other, sp.Add, lambda x, y: x + y)

    def __radd__(self, other: Any) -> Any:
        return self if _is_zero(other) else self._combine(other, sp.Add, lambda x, y: x + y, True)

    def __sub__(self, other: Any) -> Any:
        return self if _is_zero(other) else self._combine(other, lambda x, y: sp.Add(x, -y), lambda x, y: x - y)

    def __rsub__(self, other: Any) -> Any:
        return self._combine(other, lambda x, y: sp.Add(x, -y), lambda x, y: x - y, True)

    def __mul__(self, other: Any) -> Any:
        if _is_zero(other):
            return sp.Integer(0)
        return self._combine(other, sp.Mul, lambda x, y: x * y)

    def __rmul__(self, other: Any) -> Any:
        if _is_zero(other):
            return sp.Integer(0)
        return self._combine(other, sp.Mul, lambda x, y: x * y, True)

    def __truediv__(self, other: Any) -> Any:
        return self._combine(other, lambda x, y: sp.Mul(x, sp.Pow(y, -1)), lambda x, y: x / y)

    def __rtruediv__(self, other: Any) -> Any:
        if _is_zero(other):
            return sp.Integer(0)
        return self._combine(other, lambda x, y: sp.Mul(x, sp.Pow(y, -1)), lambda x, y: x / y, True)

    def __pow__(self, power: int) -> "Real":
        with sp.evaluate(False), mpmath.workdps(PRECISION):
            return Real(sp.Pow(self.expr, power), self.approx ** power)

    def __neg__(self) -> "Real":
        # mpmath rounds every operation to its working precision, negation included
        with sp.evaluate(False), mpmath.workdps(PRECISION):
            return Real(sp.Mul(-1, self.expr), -self.approx)

    def __abs__(self) -> "Real":
        return -self if self.approx < 0 else self

    def _cmp(self, other: Any) -> mpmath.mpf:
        with mpmath.workdps(PRECISION):
            return self.approx - Real.parts(other)[1]

    def __lt__(self, other: Any) -> bool:
        return bool(self._cmp(other) < 0)

    def __le__(self, other: Any) -> bool:
        return bool(self._cmp(other) <= 0)

    def __gt__(self, other: Any) -> bool:
        return bool(self._cmp(other) > 0)

    def __ge__(self, other: Any) -> bool:
        return bool(self._cmp(other) >= 0)

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, (Real, int, sp.Rational)):
            return NotImplemented
        with mpmath.workdps(PRECISION):
            return bool(abs(self._cmp(other)) <= mpmath.mpf(10) ** (10 - PRECISION) * max(1, abs(self.approx)))

    def __hash__(self) -> int:
        return hash(self.expr)

    def __float__(self) -> float:
        return float(self.approx)

    def _sympy_(self) -> sp.Expr:
        # Refusing makes SymPy's Rational.__mul__ etc. return NotImplemented, so Python
        # calls our reflected operator; otherwise SymPy would take float(self) and lose exactness.
        raise sp.SympifyError(self)

    def __repr__(self) -> str:
        return f"Real({mpmath.nstr(self.approx, 15)})"

    def _repr_latex_(self) -> str:
        """Jupyter shows the exact value and its decimals: ``\\log{\\left(2 \\right)} + 10 −
        \\sin{\\left(5 \\right)} ≈ 11.652…``; an expression too long to read, its decimals alone."""
        approx = mpmath.nstr(self.approx, 15)
        # evaluated for print (the arithmetic kept it unevaluated): small enough to be cheap
        exact = sp.latex(self.expr.doit()) if sp.count_ops(self.expr) <= LATEX_OPS else ""
        return f"$\\displaystyle {exact} \\approx {approx}$" if exact else f"$\\approx {approx}$"


def _tree_of(expr: sp.Basic) -> Any:
    """A SymPy expression as nested ``(class, args)`` tuples down to its atoms (numbers, symbols)."""
    if not expr.args:
        return expr
    return (expr.func, tuple(_tree_of(arg) for arg in expr.args))


def _built(tree: Any) -> sp.Basic:
    """:func:`_tree_of`'s tree as the expression it was; called with evaluation off."""
    if not isinstance(tree, tuple):
        return tree
    func, args = tree
    return func(*(_built(arg) for arg in args))


def _unpickled(tree: Any, approx: mpmath.mpf) -> "Real":
    real = Real(None, approx)  # type: ignore[arg-type]  # the expression is built when asked for
    real._tree = tree
    return real


def _is_zero(value: Any) -> bool:
    return isinstance(value, (int, sp.Rational)) and value == 0


def exact_call(sym_fn: Callable[[Any], Any], mp_fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A function on exact numbers: SymPy's exact result for a rational argument, a
    :class:`Real` (expression built unevaluated, value by mpmath) for an irrational one."""

    known: dict[tuple[int, int], Any] = {}

    def apply(value: Any) -> Any:
        if isinstance(value, (int, sp.Rational)):
            # SymPy evaluates f(3/10) in ~100 µs; a class's traces ask the same few hundred
            # points thousands of times (a Real is never changed, so one can be shared)
            key = (value, 1) if isinstance(value, int) else (int(value.p), int(value.q))
            found = known.get(key)
            if found is None:
                if len(known) > 50_000:
                    known.clear()
                found = known[key] = _rational_call(sym_fn, mp_fn, sp.Rational(*key))
            return found
        with sp.evaluate(False), mpmath.workdps(PRECISION):
            return Real(sym_fn(value.expr), mp_fn(value.approx))

    return apply


def _rational_call(sym_fn: Callable[[Any], Any], mp_fn: Callable[[Any], Any], value: sp.Rational) -> Any:
    result = sym_fn(value)
    if isinstance(result, sp.Rational):
        return result
    with mpmath.workdps(PRECISION):
        return Real(result, mp_fn(Real.parts(value)[1]))


_exact_log = exact_call(lambda u: sp.log(u), lambda u: mpmath.log(u))  # noqa: E731 (SymPy loads on first call)


def fixed(x: Any, decimals: int) -> str:
    """``x`` rounded half away from zero to ``decimals`` and written with all of them (an ASCII
    minus), exactly, from integers: through a float, 1.5·10^200 would print its binary tail."""
    r = round_half_away(x, decimals)
    scale = 10**decimals
    whole, part = divmod(abs(int(r.p)) * (scale // int(r.q)), scale)
    return ("-" if r < 0 else "") + str(whole) + (f".{part:0{decimals}d}" if decimals else "")


def round_half_away(x: Any, decimals: int) -> sp.Rational:
    """Round to ``decimals`` places, halves away from zero, as people round by hand.

    Integer arithmetic on the numerator and denominator: every hand-mode intermediate
    passes here, and SymPy's floor of a Rational costs a hundred times more.
    """
    if isinstance(x, Real):
        if x.approx != 0 and mpmath.log10(abs(x.approx)) > PRECISION - decimals - 10:
            # e^1636 has 711 digits before the point: its 80 carried digits do not reach the
            # places it is rounded to, so it is evaluated again to as many as it needs
            needed = int(mpmath.log10(abs(x.approx))) + decimals + 20
            p, q = Fraction(str(sp.N(x.expr, needed))).as_integer_ratio()
            return _rounded_ratio(p, q, decimals)
        x = x.approx
    if isinstance(x, mpmath.mpf):
        if abs(x) < mpmath.mpf(10) ** -(decimals + 1):
            return sp.Integer(0)  # σ(−10⁹⁹⁹): written out in full its digits alone would not fit in memory
        with mpmath.workdps(PRECISION):
            # significant digits only: fixed notation would print a large value's binary tail
            p, q = Fraction(mpmath.nstr(x, PRECISION - 5, strip_zeros=False)).as_integer_ratio()
    elif isinstance(x, sp.Rational):
        p, q = int(x.p), int(x.q)
        if 10**decimals % q == 0:
            return x  # on the grid already (most of hand mode's operands): itself, not a new Rational
    elif isinstance(x, int):
        p, q = x, 1
    else:
        p, q = Fraction(str(sp.N(x, 40 + decimals))).as_integer_ratio()
    return _rounded_ratio(p, q, decimals)


def _rounded_ratio(p: int, q: int, decimals: int) -> sp.Rational:
    scale = 10**decimals
    magnitude = (2 * abs(p) * scale + q) // (2 * q)  # floor(|x|·10^d + 1/2)
    return sp.Rational(magnitude if p >= 0 else -magnitude, scale)


def _elementwise(func: Callable[[Any], Any]) -> Callable[[np.ndarray], np.ndarray]:
    ufunc = np.frompyfunc(func, 1, 1)

    def apply(x: np.ndarray) -> np.ndarray:
        return np.asarray(ufunc(x), dtype=object)

    return apply


@cache
def _rounder(decimals: int) -> Callable[[np.ndarray], np.ndarray]:
    """Hand mode's rounding to ``decimals`` over an array, made once per count of decimals."""
    return _elementwise(lambda v: round_half_away(v, decimals))


@dataclass(frozen=True)
class Mode:
    """How numbers are held and when they are rounded."""

    name: ModeName
    decimals: int | None = None

    def __post_init__(self) -> None:
        if self.name == "hand" and (self.decimals is None or self.decimals < 0):
            raise SpecError("decimals", "hand mode needs a number of decimals", "pass --decimals D with D >= 0")

    @property
    def is_float(self) -> bool:
        return self.name == "float"

    def array(self, values: Any) -> np.ndarray:
        """Numbers parsed from a spec, in this mode's representation."""
        exact = np.asarray(values, dtype=object)
        if self.is_float:
            return exact.astype(np.float64)
        return self.fix(exact)

    def settle(self, x: np.ndarray, scale: np.ndarray, terms: int) -> np.ndarray:
        """A float sum of ``terms`` terms whose magnitudes add up to ``scale``, with the values
        that are zero within its rounding made 0: 0.5 − 0.6 + 0.1 is 2.8·10⁻¹⁷ in binary, a
        number no reader computes from the printed operands, and ReLU′ of it would be 1 where
        the exact z = 0 gives 0. Exact and hand values are kept: they have no such rounding."""
        if not self.is_float:
            return x
        with np.errstate(invalid="ignore", over="ignore"):
            residue = np.isfinite(scale) & (np.abs(x) <= 4 * (terms + 1) * np.finfo(np.float64).eps * scale)
        return np.where(residue, 0.0, x)  # an overflowed sum stays inf: the engine reports it

    def fix(self, x: np.ndarray) -> np.ndarray:
        """Every intermediate passes here: hand mode rounds it, the others keep it."""
        if self.name != "hand":
            return x
        assert self.decimals is not None
        return _rounder(self.decimals)(x)

    def log(self, x: np.ndarray) -> np.ndarray:
        if self.is_float:
            return np.log(x)
        return self.fix(_elementwise(_exact_log)(x))

    def scalar(self, x: Any) -> Any:
        if self.is_float:
            return float(x)
        return self.fix(np.asarray([x], dtype=object))[0]


EXACT = Mode("exact")
FLOAT = Mode("float")


def exact_decimal(value: sp.Rational) -> str | None:
    """``3/2`` → ``"1.5"``, ``-1/100`` → ``"-0.01"``: a rational whose denominator has no prime
    but 2 and 5 as its exact decimal, from integers; None for any other (1/3)."""
    p, q = int(value.p), int(value.q)
    twos = fives = 0
    while q % 2 == 0:
        q, twos = q // 2, twos + 1
    while q % 5 == 0:
        q, fives = q // 5, fives + 1
    if q != 1:
        return None
    k = max(twos, fives)  # 10^k is the least power of ten that q divides
    whole, part = divmod(abs(p) * 10**k // int(value.q), 10**k)
    return ("-" if p < 0 else "") + f"{whole}" + (f".{part:0{k}d}" if k else "")


def places(decimals: int) -> str:
    """``1 decimal``, ``4 decimals``: a count of decimal places in words."""
    return f"{decimals} decimal" + ("" if decimals == 1 else "s")


def hand(decimals: int) -> Mode:
    """Hand mode rounding to ``decimals`` places (0 to ``limits.MAX_DECIMALS``)."""
    if not 0 <= decimals <= MAX_DECIMALS:
        raise SpecError("decimals", places(decimals), f"hand mode rounds to 0 to {MAX_DECIMALS} decimals")
    return Mode("hand", decimals)


def is_rational(value: Any) -> bool:
    """An exact rational as the engine holds one: an ``int`` or SymPy's ``Rational`` (``Integer``
    included). Asked without loading SymPy where a deferred command has not needed it yet."""
    return isinstance(value, int) or (loaded("sympy") and isinstance(value, sp.Rational))


def exact_expr(value: Any) -> sp.Expr:
    """The SymPy expression of an exact number (rational or :class:`Real`)."""
    return value.expr if isinstance(value, Real) else sp.sympify(value)


EXPRESSION_NODES = 200  # an irrational value longer than this is written as its decimal value


def to_fraction_string(value: Any) -> str:
    """Python ``Fraction`` syntax for a rational (``"9/2"``, ``"-432"``); SymPy syntax for an
    irrational value, or ``"≈"`` and 40 significant digits when its expression written out
    would pass 200 nodes (nested activations repeat their arguments: the text grows
    exponentially with depth)."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, sp.Integer):
        return str(int(value))
    if isinstance(value, sp.Rational):
        return str(Fraction(int(value.p), int(value.q)))
    expr = exact_expr(value)
    size = 0
    for _ in sp.preorder_traversal(expr):
        size += 1
        if size > EXPRESSION_NODES:
            return "≈" + mpmath.nstr(Real.parts(value)[1], 40)
    return sp.sstr(expr, order="none")  # ordering terms would evalf every one of them


def to_float(value: Any) -> float:
    if isinstance(value, (float, np.floating, Real)):
        return float(value)
    if isinstance(value, (int, Fraction)):
        return float_of(value)
    return float(sp.N(value, 20))


def float_of(value: int | Fraction) -> float:
    """The float64 nearest an exact number, ±inf past float64's range (as NumPy gives for a
    value that overflows, so float mode's overflow check names it), where Python's float()
    raises OverflowError: 10^999 is a legal spec number (limits.NUMBER_EXPONENT)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf
