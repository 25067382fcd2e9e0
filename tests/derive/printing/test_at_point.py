"""Formulas at a point (derive/printing/at_point.py): the compiled branches print what SymPy substitutes."""

from fractions import Fraction
from importlib import resources

import pytest
import sympy as sp

from gradsheet.derive.engine import activations
from gradsheet.derive.printing.at_point import branch, compile_formula, derivative, formula, substituted, table_text, written

ELEMENTWISE = [activations.get(name) for name in activations.NAMES if activations.get(name).elementwise]
WITH_PARAMS = [activations.get("leaky_relu", {"alpha": "1/10"}), activations.get("leaky_relu", {"alpha": 0}),
               activations.get("elu", {"alpha": "3/2"}),
               activations.get("step", {"threshold": "1/2", "at_threshold": "1/2"}),
               activations.get("step", {"threshold": -1, "at_threshold": 1})]
POINTS = [-3, Fraction(-1, 3), 0, Fraction(1, 2), 1, 2, -1.25, 0.0, 0.5, 1e-300, -1e-300]


def test_the_shipped_formula_table_is_what_sympy_prints():
    shipped = resources.files("gradsheet.derive.printing").joinpath("formulas.json").read_text(encoding="utf-8")
    assert shipped == table_text(), "run: python -m gradsheet.derive.printing.at_point > derive/printing/formulas.json"


def _expected(act, kind, value, number, latex):
    """The printing as it was before the table: SymPy picks the branch and substitutes."""
    expr, var = (written(act), activations.z) if kind == "written" else derivative(act)
    at = sp.Rational(value) if isinstance(value, (int, Fraction)) else sp.Float(value)
    piece = branch(expr, at, var)
    if piece == var or not piece.free_symbols:
        return ""
    return substituted(piece, var, number, latex)


@pytest.mark.parametrize("act", ELEMENTWISE + WITH_PARAMS, ids=lambda a: a.describe())
@pytest.mark.parametrize("kind", ["written", "derivative"])
def test_a_compiled_formula_prints_the_branch_sympy_picks_with_the_number_in(act, kind):
    compiled = formula(act, kind)
    assert compiled == compile_formula(act, kind)
    for value in POINTS:
        for number in ("−0.3333", "2", "z^{(1)}_{1}"):
            for latex in (False, True):
                assert compiled.printed(number, latex, value) == _expected(act, kind, value, number, latex), value


def test_the_branches_compare_exact_values_exactly():
    step = formula(activations.get("step", {"threshold": "1/3", "at_threshold": "1/2"}), "written")
    assert [b.condition for b in step.branches] == [(">", Fraction(1, 3)), ("==", Fraction(1, 3)), None]
    assert step.at(sp.Rational(1, 3)) is step.branches[1]
    assert step.at(1 / 3) is step.branches[2]      # the double nearest 1/3 lies below it
    assert step.at(0.34) is step.branches[0]
    assert step.at(sp.Rational(333, 1000)) is step.branches[2]


def test_sigmoids_derivative_multiplies_entry_by_entry_and_relus_has_no_one_rule():
    sigmoid, relu = formula(activations.get("sigmoid"), "derivative"), formula(activations.get("relu"), "derivative")
    assert (sigmoid.var, sigmoid.entrywise, sigmoid.piecewise) == ("a", True, False)
    assert sigmoid.printed("0.25", False) == "0.25 · (1 − 0.25)"
    assert (relu.var, relu.entrywise, relu.piecewise) == ("a", False, True)
