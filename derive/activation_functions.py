"""Activations as SymPy functions that carry their own derivative.

Written out as formulas, ReLU, leaky ReLU, ELU, SELU and the step are ``Piecewise``
expressions; nested through a network, ``sympy.diff`` folds their branches into every
combination (a 3-3-3-1 ELU network did not finish in ten minutes). As functions, σ(z)
stays one node whatever it is, and its derivative is given beside it (``fdiff``), as the
lectures write it: σ' = σ(1 − σ), ReLU' the unit step with ReLU'(0) = 0. The nested
expression stays the size of the network and its derivative the size of the chain rule.

Each function

* evaluates itself exactly at a rational point where the value is rational (ReLU(−3) = 0,
  σ(0) = 1/2) and stays unevaluated otherwise (σ(3/10)), like ``exp``;
* evaluates numerically to any precision (``evalf``, ``sp.N``) and through
  :func:`namespace` in ``lambdify`` with mpmath;
* follows derive's kink convention: the derivative at a kink is the left one
  (ReLU'(0) = 0, leaky-ReLU'(0) = α, ELU'(0) = α);
* prints as the lectures write it (``\\sigma``, ``\\mathrm{ReLU}'``) and as text (``relu'(x1)``).

The definitions stay with the activations (:mod:`derive.activations`): a function is made
from an activation's formula σ(z) and its derivative's formula, so the two cannot drift apart.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, Callable

import mpmath
import sympy as sp
from sympy.core.function import ArgumentIndexError

VAR = sp.Symbol("z", real=True)  # the variable of every activation's formula (activations.z)

if TYPE_CHECKING:
    from .activations import Activation


class ActivationFunction(sp.Function):
    """σ(u) for one activation; made per activation by :func:`function_for`."""

    nargs = 1
    activation: "Activation"
    is_prime = False

    @classmethod
    def _formula(cls) -> sp.Expr:
        return cls.activation.prime_expr if cls.is_prime else cls.activation.expr

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        # only numbers evaluate, and only to rational values: an irrational value such as
        # σ(3/10) stays a function, which keeps exact expressions small
        if not arg.is_Rational:
            return None
        value = _branch_value(cls._formula(), arg)
        return value if value is not None and value.is_Rational else None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        act, (u,) = self.activation, self.args
        if self.is_prime:
            # σ'' where someone asks for it: the derivative of σ'’s formula, branch by branch
            return sp.diff(act.prime_expr, VAR).xreplace({VAR: u})
        if act.symbolic_prime is not None:
            return act.symbolic_prime(u)
        return prime_for(act)(u)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_evalf(self, prec: int) -> sp.Float | None:
        u = self.args[0].evalf(prec)
        if not u.is_Number:
            return None
        with mpmath.workprec(prec):
            return sp.Float(self.mp(mpmath.mpf(u._to_mpmath(prec))), precision=prec)

    @classmethod
    def mp(cls, x: Any) -> Any:
        """The value at an mpmath number, at mpmath's working precision."""
        return _mp_function(cls)(x)

    def _eval_rewrite_as_Piecewise(self, arg: sp.Expr, **kwargs: Any) -> sp.Expr:
        return self._formula().xreplace({VAR: arg})

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        head = self.activation.latex + ("'" if self.is_prime else "")
        body = rf"{head}\left({printer._print(self.args[0])}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"

    def _sympystr(self, printer: Any) -> str:
        return f"{self.activation.name}{chr(39) if self.is_prime else ''}({printer._print(self.args[0])})"

    def __reduce__(self) -> tuple:
        # the classes are made at run time; a pickle names them by activation and parameters
        act = self.activation
        return _rebuild, (act.name, tuple((k, str(v)) for k, v in act.params), self.is_prime, self.args)


def _branch_value(formula: sp.Expr, at: sp.Rational) -> sp.Expr | None:
    """The formula at a rational point, choosing a Piecewise branch by its condition first."""
    if isinstance(formula, sp.Piecewise):
        for piece, condition in formula.args:
            if condition is sp.true or bool(condition.subs(VAR, at)):
                return piece.subs(VAR, at)
        return None
    return formula.subs(VAR, at)


_MP: dict[type, Callable[[Any], Any]] = {}


def _mp_function(cls: type[ActivationFunction]) -> Callable[[Any], Any]:
    if cls not in _MP:
        _MP[cls] = sp.lambdify(VAR, cls._formula(), modules="mpmath")
    return _MP[cls]


_CLASSES: dict[tuple[int, bool], type[ActivationFunction]] = {}


def _identifier(act: "Activation", prime: bool) -> str:
    # lambdify looks functions up by name: parameters (α) go into it, deterministically
    key = act.describe()
    suffix = "" if key == act.name else "_" + hashlib.sha1(key.encode()).hexdigest()[:8]
    return f"{act.name}{suffix}{'_prime' if prime else ''}"


def _make(act: "Activation", prime: bool) -> type[ActivationFunction]:
    # activations are made once per (name, parameters), so their identity is a sound key
    if (id(act), prime) not in _CLASSES:
        _CLASSES[(id(act), prime)] = type(_identifier(act, prime), (ActivationFunction,),
                                          {"activation": act, "is_prime": prime, "__module__": __name__})
    return _CLASSES[(id(act), prime)]


def function_for(act: "Activation") -> type[ActivationFunction]:
    """σ as a SymPy function class: ``function_for(act)(u)`` is σ(u)."""
    return _make(act, False)


def prime_for(act: "Activation") -> type[ActivationFunction]:
    """σ' as a function of its own, for an activation whose derivative is piecewise."""
    return _make(act, True)


def _rebuild(name: str, params: tuple, prime: bool, args: tuple) -> sp.Expr:
    from .activations import get  # activations imports this module

    act = get(name, dict(params))
    return _make(act, prime)(*args)


def namespace(*exprs: sp.Basic) -> dict[str, Callable[[Any], Any]]:
    """The functions in ``exprs``, by name, for ``lambdify(..., modules=[namespace, "mpmath"])``."""
    found: dict[str, Callable[[Any], Any]] = {}
    for expr in exprs:
        for f in expr.atoms(ActivationFunction):
            found[type(f).__name__] = type(f).mp
    return found
