"""Hand rounding: halves away from zero, exactly, on rationals and on irrational exact values."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from gradsheet.derive.engine.numbers import Real, exact_call, exact_decimal, round_half_away


@pytest.mark.parametrize("value,decimals,expected", [
    ("0.12345", 4, "0.1235"), ("-0.12345", 4, "-0.1235"), ("0.00005", 4, "0.0001"), ("-0.00005", 4, "-0.0001"),
    ("0.00004999", 4, "0"), ("2.5", 0, "3"), ("-2.5", 0, "-3"), ("1/3", 4, "0.3333"), ("-7", 2, "-7"),
])
def test_halves_round_away_from_zero(value: str, decimals: int, expected: str) -> None:
    assert round_half_away(sp.Rational(value), decimals) == sp.Rational(expected)


@given(st.fractions(max_denominator=10**6), st.integers(0, 8))
def test_rounding_a_rational_agrees_with_decimal_half_up(value: Fraction, decimals: int) -> None:
    # Decimal's ROUND_HALF_UP rounds halves away from zero too; 60 digits suffice, as a
    # denominator ≤ 10^6 cannot bring a quotient within 10^-40 of a half without reaching it
    with localcontext() as ctx:
        ctx.prec = 60
        quotient = Decimal(value.numerator) / Decimal(value.denominator)
        expected = quotient.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    assert round_half_away(sp.Rational(value.numerator, value.denominator), decimals) == sp.Rational(str(expected))


def test_an_irrational_exact_value_rounds_by_its_digits() -> None:
    root2 = exact_call(sp.sqrt, mpmath.sqrt)(sp.Integer(2))
    assert isinstance(root2, Real)
    assert round_half_away(root2, 4) == sp.Rational("1.4142")
    assert round_half_away(-root2, 3) == sp.Rational("-1.414")


@pytest.mark.parametrize("value, text", [("3/2", "1.5"), ("-1/100", "-0.01"), ("1/1024", "0.0009765625"),
                                         ("-7", "-7"), ("0", "0"), ("12345/1000", "12.345"), ("10**40/8", "1" + "25" + "0" * 37),
                                         ("1/3", None), ("-5/6", None)])
def test_exact_decimal_is_the_terminating_expansion_or_none(value, text):
    assert exact_decimal(sp.Rational(sp.sympify(value))) == text


@given(st.integers(-10**30, 10**30), st.integers(0, 60), st.integers(0, 60), st.sampled_from([1, 3, 7, 11]))
def test_exact_decimal_reads_back_as_the_same_rational(p, twos, fives, other):
    value = sp.Rational(p, 2**twos * 5**fives * other)
    text = exact_decimal(value)
    if all(f in (2, 5) for f in sp.factorint(int(value.q))):
        assert text is not None and Fraction(Decimal(text)) == Fraction(int(value.p), int(value.q))
        assert "e" not in text.lower() and (text.count(".") == 0 or not text.endswith("0"))
    else:
        assert text is None


def test_a_real_shows_its_exact_form_and_decimals_in_jupyter():
    import gradsheet

    g = gradsheet.graph("y = log(x1) + x1*x2 - sin(x2)", {"x1": 2, "x2": 5})
    assert g.value._repr_latex_() == (r"$\displaystyle \log{\left(2 \right)} - \sin{\left(5 \right)} + 10"
                                      r" \approx 11.6520714552231$")
    deep = Real(sp.Integer(0), mpmath.mpf(0))
    for k in range(1, 30):
        deep = deep + Real(sp.exp(sp.Integer(k)), mpmath.exp(k)) * sp.Rational(1, k)
    assert deep._repr_latex_().startswith(r"$\approx ") and "e^" not in deep._repr_latex_()


def _structure(expr: sp.Basic) -> object:
    return (type(expr).__name__, tuple(_structure(a) for a in expr.args)) if expr.args else expr


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus", "silu", "elu"])
def test_a_pickled_real_comes_back_unevaluated_as_it_was_built(name):
    import pickle

    import numpy as np

    from gradsheet.derive.engine import activations
    from gradsheet.derive.engine.numbers import EXACT

    sigma = activations.get(name).value(np.asarray([[sp.Rational(-7, 10)]], dtype=object), EXACT)[0][0]
    value = -((sigma * 2 - sp.Rational(1, 3)) ** 2) / 3
    back = pickle.loads(pickle.dumps(value))
    assert back.approx == value.approx and float(back) == float(value) and back == value
    assert _structure(back.expr) == _structure(value.expr)
    assert hash(back) == hash(value)
    # SymPy's own pickling evaluates each node as it rebuilds it: the form the trace built is lost
    assert _structure(pickle.loads(pickle.dumps(value.expr))) != _structure(value.expr)
