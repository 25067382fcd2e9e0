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
  :func:`evaluate_shared`, each shared subexpression once;
* follows derive's kink convention: the derivative at a kink is the left one
  (ReLU'(0) = 0, leaky-ReLU'(0) = α, ELU'(0) = α);
* prints as the lectures write it (``\\sigma``, ``\\mathrm{ReLU}'``) and as text (``relu'(x1)``).

The functions are made from the activations (:mod:`derive.engine.activations`, the one
registry): a function is an activation's formula σ(z) and its derivative's formula, so the two
cannot drift apart. The registry does not know this module; the symbolic route asks it for
σ(u) through :func:`applied`.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable

import mpmath
import sympy as sp
from sympy.core.function import ArgumentIndexError

from ..engine.activations import Activation, get, z as VAR  # VAR: the variable of every activation's formula


class ActivationFunction(sp.Function):
    """σ(u) for one activation; made per activation by :func:`function_for`."""

    nargs = 1
    activation: Activation
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
        written = _WRITTEN_PRIMES.get(act.name)
        if written is not None:
            return written(u)
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


def _identifier(act: Activation, prime: bool) -> str:
    # lambdify looks functions up by name: parameters (α) go into it, deterministically
    key = act.describe()
    suffix = "" if key == act.name else "_" + hashlib.sha1(key.encode()).hexdigest()[:8]
    return f"{act.name}{suffix}{'_prime' if prime else ''}"


def _make(act: Activation, prime: bool) -> type[ActivationFunction]:
    # activations are made once per (name, parameters), so their identity is a sound key
    if (id(act), prime) not in _CLASSES:
        _CLASSES[(id(act), prime)] = type(_identifier(act, prime), (ActivationFunction,),
                                          {"activation": act, "is_prime": prime, "__module__": __name__})
    return _CLASSES[(id(act), prime)]


def function_for(act: Activation) -> type[ActivationFunction]:
    """σ as a SymPy function class: ``function_for(act)(u)`` is σ(u)."""
    return _make(act, False)


def prime_for(act: Activation) -> type[ActivationFunction]:
    """σ' as a function of its own, for an activation whose derivative is piecewise."""
    return _make(act, True)


def _rebuild(name: str, params: tuple, prime: bool, args: tuple) -> sp.Expr:
    act = get(name, dict(params))
    return _make(act, prime)(*args)


def applied(act: Activation, u: sp.Expr) -> sp.Expr:
    """σ(u) for the symbolic derivation: a function node whose derivative is σ'(u), so that
    nesting never multiplies piecewise branches; identity, z² and tanh as their formulas."""
    if not act.as_function:
        return act.expr.xreplace({VAR: u})
    return function_for(act)(u)


def applied_prime(act: Activation, u: sp.Expr) -> sp.Expr:
    """σ'(u), in the form ``sympy.diff`` gives for :func:`applied`."""
    return sp.diff(applied(act, VAR), VAR).xreplace({VAR: u})


def _sigma(u: sp.Expr) -> sp.Expr:
    return function_for(get("sigmoid"))(u)


# σ'(u) as the lectures write it, with σ itself (σ(u)(1 − σ(u))); an activation not listed has a
# piecewise derivative, which becomes a function of its own (ReLU' with ReLU'(0) = 0)
_WRITTEN_PRIMES: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "step": lambda u: sp.Integer(0),
    "sigmoid": lambda u: _sigma(u) * (1 - _sigma(u)),
    "silu": lambda u: _sigma(u) * (1 + u * (1 - _sigma(u))),
    # Φ(u) + u φ(u)
    "gelu": lambda u: (1 + sp.erf(u / sp.sqrt(2))) / 2 + u * sp.exp(-u**2 / 2) / sp.sqrt(2 * sp.pi),
    "softplus": lambda u: _sigma(u),
}


def softmax_applied(us: list[sp.Expr]) -> list[sp.Expr]:
    """softmax_j(u) for every j, as function nodes that know ∂s_j/∂u_k = s_j(δ_jk − s_k)."""
    return [softmax(sp.Integer(j), *us) for j in range(len(us))]


class softmax(sp.Function):  # noqa: N801 (printed and looked up by lambdify under this name)
    """softmax_j(z₁, …, z_n) = e^{z_j} / Σ_k e^{z_k}, with ∂s_j/∂z_k = s_j(δ_jk − s_k).

    The first argument is j, 0-based. Written out, every output holds every z, and the
    derivative of the nested network through it grows with the square of the layer; as a
    function node it stays one term per z_k.
    """

    @classmethod
    def eval(cls, j: sp.Expr, *zs: sp.Expr) -> sp.Expr | None:
        if zs and all(z.is_Rational for z in zs) and len(set(zs)) == 1:
            return sp.Rational(1, len(zs))
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        j, zs = self.args[0], self.args[1:]
        if argindex == 1 or argindex > len(zs) + 1:
            raise ArgumentIndexError(self, argindex)
        k = argindex - 2
        return self * ((1 if k == int(j) else 0) - softmax(sp.Integer(k), *zs))

    def _eval_is_real(self) -> bool | None:
        return True if all(z.is_real for z in self.args[1:]) else None

    @staticmethod
    def mp(j: Any, *zs: Any) -> Any:
        shift = max(zs)  # e^{z − max} cannot overflow
        exps = [mpmath.exp(z - shift) for z in zs]
        return exps[int(j)] / mpmath.fsum(exps)

    def _eval_evalf(self, prec: int) -> sp.Float | None:
        zs = [z.evalf(prec) for z in self.args[1:]]
        if not all(z.is_Number for z in zs):
            return None
        with mpmath.workprec(prec):
            return sp.Float(self.mp(self.args[0], *(mpmath.mpf(z._to_mpmath(prec)) for z in zs)), precision=prec)

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        body = (rf"\mathrm{{softmax}}_{{{int(self.args[0]) + 1}}}\left("
                + ", ".join(printer._print(z) for z in self.args[1:]) + r"\right)")
        return body if exp is None else rf"{body}^{{{exp}}}"

    def _sympystr(self, printer: Any) -> str:
        return f"softmax_{int(self.args[0]) + 1}(" + ", ".join(printer._print(z) for z in self.args[1:]) + ")"


_MP_FUNCTIONS: dict[Any, Callable[..., Any]] = {
    sp.exp: mpmath.exp, sp.log: mpmath.log, sp.tanh: mpmath.tanh, sp.erf: mpmath.erf,
    sp.sin: mpmath.sin, sp.cos: mpmath.cos,
}


def evaluate_shared(exprs: list[sp.Expr], env: dict[sp.Symbol, Any]) -> list[Any]:
    """Each expression's value in mpmath at the working precision, every distinct
    subexpression computed once.

    SymPy shares subexpressions: the derivative of a nested network is a small graph whose
    tree, written out, is exponential in depth. ``lambdify`` prints the tree (or runs ``cse``
    over it first, which also walks it); this walks the graph.
    """
    memo: dict[sp.Basic, Any] = {}

    def value(e: sp.Basic) -> Any:
        hit = memo.get(e)
        if hit is not None:
            return hit
        if e.is_Symbol:
            v = env[e]
        elif e.is_Rational:
            v = mpmath.mpf(int(e.p)) / int(e.q)
        elif e.is_Number or e.is_NumberSymbol:
            v = mpmath.mpf(e.evalf(mpmath.mp.dps + 5)._to_mpmath(mpmath.mp.prec))
        elif e.is_Add:
            terms = [value(a) for a in e.args]
            v = mpmath.fsum(terms)
            # zero within the working precision's rounding of its terms (0.5 − 0.6 + 0.1 is
            # 10⁻⁸⁰ in binary): 0, as the engine settles it (Mode.settle), so that a kink's
            # Piecewise takes the same branch in both
            if v and abs(v) <= mpmath.ldexp(mpmath.fsum(abs(t) for t in terms), 16 - mpmath.mp.prec):
                v = mpmath.mpf(0)
        elif e.is_Mul:
            v = mpmath.fprod(value(a) for a in e.args)
        elif e.is_Pow:
            base, exponent = e.args
            v = value(base) ** (int(exponent) if exponent.is_Integer else value(exponent))
        elif isinstance(e, ActivationFunction):
            v = type(e).mp(value(e.args[0]))
        elif isinstance(e, softmax):
            v = softmax.mp(e.args[0], *(value(z) for z in e.args[1:]))
        elif e.func in _MP_FUNCTIONS:
            v = _MP_FUNCTIONS[e.func](*(value(a) for a in e.args))
        else:
            raise TypeError(f"cannot evaluate {type(e).__name__} numerically")
        memo[e] = v
        return v

    return [value(sp.sympify(e)) for e in exprs]
