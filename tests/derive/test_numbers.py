"""Hand rounding: halves away from zero, exactly, on rationals and on irrational exact values."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from gradsheet.derive.numbers import Real, exact_call, round_half_away


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
