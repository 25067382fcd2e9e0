"""Activation functions σ: value, derivative, LaTeX form, and their conventions.

Each activation carries its SymPy expression σ(z) (from which the exact derivative and the
symbolic derivation come), a NumPy value and derivative for float mode, and, where one
exists, the derivative in terms of the output a = σ(z) (σ' = a(1 − a), tanh' = 1 − a²),
which is how the lectures and students compute it.

Kinks follow one convention: at a kink the derivative is the one from the left, so
ReLU'(0) = 0, leaky-ReLU'(0) = α, ELU'(0) = α. The step function's derivative is 0
everywhere it is defined: gradients through a step vanish, which is why a perceptron
cannot be trained by backpropagation.
"""

from __future__ import annotations

import inspect
import math
import operator
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, cached_property
from typing import Any, Callable, Mapping

import mpmath
import numpy as np
import sympy as sp

from ..errors import SpecError
from .numbers import PRECISION, Mode, Real, exact_call, float_of, read_number

NumpyFn = Callable[[np.ndarray], np.ndarray]
# σ(z) and σ'(a) (None where σ' is not a function of the output): SymPy expressions, built on
# first use, so that the float engine runs without importing SymPy (derive's start-up)
Formulas = tuple["sp.Expr", "sp.Expr | None"]

# SELU's constants (Klambauer et al. 2017) to 30 digits; exact mode uses these decimals.
_SELU_LAMBDA = Fraction("1.05070098735548049341933498529")
_SELU_ALPHA = Fraction("1.67326324235437728481704299167")


@cache
def _symbols() -> tuple[sp.Symbol, sp.Symbol]:
    return sp.Symbol("z", real=True), sp.Symbol("a", real=True)


def __getattr__(name: str) -> Any:
    """``z`` and ``a`` (the variables of σ(z) and of σ'(a)), and SELU's λ and α as SymPy
    numbers, made on first use (PEP 562): SymPy is not imported until something needs it."""
    if name in ("z", "a"):
        return _symbols()[name == "a"]
    if name in ("SELU_LAMBDA", "SELU_ALPHA"):
        return sp.Rational(_SELU_LAMBDA if name == "SELU_LAMBDA" else _SELU_ALPHA)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _formulas(build: Callable[[sp.Symbol, sp.Symbol], Formulas]) -> Callable[[], Formulas]:
    return lambda: build(*_symbols())


def _exact_function(expr: sp.Expr, var: sp.Symbol) -> Callable[[Any], Any]:
    """``expr`` as a function of ``var`` on exact numbers (see :func:`numbers.exact_call`).

    A Piecewise picks its branch by the argument's value first, so that an irrational
    argument never leaves an unevaluated condition behind.
    """
    mp_fn = sp.lambdify(var, expr, modules="mpmath")
    if not isinstance(expr, sp.Piecewise):
        return exact_call(_symbolic(expr, var), mp_fn)

    branches = [(condition, exact_call(_symbolic(piece, var), sp.lambdify(var, piece, modules="mpmath")))
                for piece, condition in expr.args]

    known: dict[tuple[int, int], Any] = {}

    def apply(value: Any) -> Any:
        if isinstance(value, (int, sp.Rational)):  # the branch test costs more than the value
            key = (value, 1) if isinstance(value, int) else (int(value.p), int(value.q))
            found = known.get(key)
            if found is None:
                if len(known) > 50_000:
                    known.clear()
                found = known[key] = choose(sp.Rational(*key))
            return found
        return choose(value)

    tests = [_branch_test(condition, var) for condition, _ in branches]

    def choose(value: Any) -> Any:
        approx = sp.Float(Real.parts(value)[1], PRECISION)
        for test, (_, fn) in zip(tests, branches):
            if test(approx):
                return fn(value)
        raise ValueError(f"no branch of {expr} holds at {approx}")

    return apply


def _symbolic(expr: sp.Expr, var: sp.Symbol) -> Callable[[Any], Any]:
    """``expr`` as a SymPy function of ``var``; a polynomial with rational coefficients (z²,
    a(1 − a), 2z) evaluated at a rational by Horner's rule on fractions: the same number,
    where SymPy's own evaluation of z² at 37/10 looks for perfect powers (90 µs)."""
    function = sp.Lambda(var, expr)
    if not expr.is_polynomial(var):
        return function
    coefficients = sp.Poly(expr, var).all_coeffs()
    if not all(c.is_Rational for c in coefficients):
        return function
    exact = [Fraction(int(c.p), int(c.q)) for c in coefficients]

    def apply(value: Any) -> Any:
        # under sp.evaluate(False) (a Real's expression is being built) SymPy's own unevaluated form
        if not isinstance(value, sp.Rational) or not sp.core.parameters.global_parameters.evaluate:
            return function(value)
        x, total = Fraction(int(value.p), int(value.q)), Fraction(0)
        for c in exact:
            total = total * x + c
        return sp.Rational(total.numerator, total.denominator)

    return apply


def _branch_test(condition: Any, var: sp.Symbol) -> Callable[[Any], bool]:
    """A Piecewise condition as a test of a number: ``z > 0`` compares at once (substituting
    into the condition cost a thousand times more); any other condition is substituted."""
    if condition is sp.true:
        return lambda approx: True
    compare = {sp.StrictGreaterThan: operator.gt, sp.GreaterThan: operator.ge, sp.StrictLessThan: operator.lt,
               sp.LessThan: operator.le}.get(type(condition))
    if compare is not None and condition.lhs == var and condition.rhs.is_Number:
        bound = condition.rhs
        return lambda approx: bool(compare(approx, bound))
    return lambda approx: bool(condition.subs(var, approx))


@dataclass(frozen=True)
class Activation:
    """One activation function with everything the engine and the printers need."""

    name: str
    formulas: Callable[[], Formulas]  # (σ(z), σ'(a) or None), see :attr:`expr`
    latex: str
    np_value: NumpyFn
    np_prime: NumpyFn
    kinks: tuple[Fraction, ...] = ()
    params: tuple[tuple[str, Fraction], ...] = ()
    convention: str = ""
    range: str = ""
    elementwise: bool = True
    output_only: bool = False
    gradient_vanishes: bool = False
    rational: bool = False  # rational inputs give rational outputs
    as_function: bool = True  # False: the formula itself is the symbolic form (z, z², tanh z)

    @cached_property
    def _built(self) -> Formulas:
        return self.formulas()

    @property
    def expr(self) -> sp.Expr:
        """σ(z) as a SymPy expression in :data:`z` (from which the exact values, the derivative
        and the symbolic derivation come)."""
        return self._built[0]

    @property
    def prime_from_output(self) -> sp.Expr | None:
        """σ' as a function of the output a = σ(z) (σ' = a(1 − a)), where one exists."""
        return self._built[1]

    @cached_property
    def prime_expr(self) -> sp.Expr:
        """σ'(z), by differentiating σ(z); at a kink Piecewise picks the left branch."""
        z, _ = _symbols()
        return sp.piecewise_fold(sp.diff(self.expr, z))

    @cached_property
    def _exact(self) -> Callable[[Any], Any]:
        return _exact_function(self.expr, _symbols()[0])

    @cached_property
    def _exact_prime(self) -> Callable[[Any], Any]:
        z, a = _symbols()
        if self.prime_from_output is not None:
            return _exact_function(self.prime_from_output, a)
        return _exact_function(self.prime_expr, z)

    @cached_property
    def _rounded(self) -> Callable[[Any], Any]:
        """σ at a rational point as an 80-digit mpmath number, for hand mode to round.

        Hand mode rounds at once, so the exact expression SymPy would build for
        ``1/(1 + exp(-3/10))`` is wasted work (most of a decimal variant's cost).
        """
        mp_fn = sp.lambdify(_symbols()[0], self.expr, modules="mpmath")

        def apply(value: Any) -> Any:
            exact = sp.Rational(value)
            with mpmath.workdps(PRECISION):
                return mp_fn(mpmath.mpf(int(exact.p)) / int(exact.q))

        return apply

    def value(self, zs: np.ndarray, mode: Mode) -> np.ndarray:
        """a = σ(z), elementwise (softmax: along each row)."""
        if mode.is_float:
            return self.np_value(zs)
        # exact arithmetic: numpy's float-overflow flags, raised by the float estimates a branch
        # choice makes on 10^308-sized values, say nothing about these values
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            if mode.name == "hand" and not self.rational:
                return mode.fix(np.frompyfunc(self._rounded, 1, 1)(zs).astype(object))
            return mode.fix(np.frompyfunc(self._exact, 1, 1)(zs).astype(object))

    def derivative(self, zs: np.ndarray, outputs: np.ndarray, mode: Mode) -> np.ndarray:
        """σ'(z); from the output a where such a form exists, as the lectures compute it."""
        if mode.is_float:
            return self.np_prime(zs)
        source = outputs if self.prime_from_output is not None else zs
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            return mode.fix(np.frompyfunc(self._exact_prime, 1, 1)(source).astype(object))

    @cached_property
    def _exact_prime_z(self) -> Callable[[Any], Any]:
        return _exact_function(self.prime_expr, _symbols()[0])

    @cached_property
    def _exact_from_output(self) -> Callable[[Any], Any]:
        return _exact_function(self.prime_from_output, _symbols()[1])

    def prime_at(self, values: np.ndarray, mode: Mode, output_form: bool = False) -> np.ndarray:
        """σ' by its formula in z (or, ``output_form``, in a: σ' = a(1 − a)) evaluated at ``values``.

        The checker feeds it the wrong numbers on purpose (σ'(a), a(1 − a) at z) to name
        those mistakes; the engine itself uses :meth:`derivative`.
        """
        if output_form and self.prime_from_output is None:
            raise ValueError(f"{self.name} has no derivative in terms of its output")
        if mode.is_float:
            if output_form:
                return sp.lambdify(_symbols()[1], self.prime_from_output, "numpy")(values) * np.ones_like(values)
            return self.np_prime(values)
        fn = self._exact_from_output if output_form else self._exact_prime_z
        return mode.fix(np.frompyfunc(fn, 1, 1)(values).astype(object))

    def backward(self, zs: np.ndarray, outputs: np.ndarray, grad: np.ndarray, mode: Mode) -> np.ndarray:
        """Eq. 3.18 / 3.23 last factor: ∂C/∂z = σ'(z) ⊙ ∂C/∂a for an elementwise σ."""
        return mode.fix(grad * self.derivative(zs, outputs, mode))

    def complement(self, zs: np.ndarray, outputs: np.ndarray) -> np.ndarray:
        """1 − a in float mode, without the cancellation of 1 − a when a ≈ 1 where σ allows.

        The fused δ^(L) = ŷ − y needs it: for y = 1 it is −(1 − ŷ), and 1 − ŷ formed from
        a rounded ŷ ≈ 1 keeps only a few correct digits.
        """
        if self.name == "sigmoid":
            return _sigmoid(-zs)  # 1 − σ(z) = σ(−z)
        return 1.0 - outputs

    def logs(self, zs: np.ndarray, outputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(log a, log(1 − a)) in float mode, from z where σ allows: log σ(z) = −softplus(−z)
        stays finite where σ(z) rounds to 0 or 1."""
        if self.name == "sigmoid":
            return -np.logaddexp(0.0, -zs), -np.logaddexp(0.0, zs)
        # an output outside (0, 1) has no logarithm: NaN, which the cost's checks report
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(outputs), np.log(self.complement(zs, outputs))

    def at_kink(self, zs: np.ndarray) -> np.ndarray:
        """Which entries sit exactly on a kink, where the derivative is a convention."""
        hits = np.zeros(np.shape(zs), dtype=bool)
        for kink in self.kinks:
            hits |= np.asarray(zs == (float_of(kink) if np.asarray(zs).dtype != object else kink), dtype=bool)
        return hits

    def describe(self) -> str:
        params = ", ".join(f"{k}={v}" for k, v in self.params)
        return f"{self.name}({params})" if params else self.name


@dataclass(frozen=True)
class Softmax(Activation):
    """softmax(z)_j = e^{z_j} / Σ_k e^{z_k}; output layer only, Jacobian diag(s) − s sᵀ."""

    def value(self, zs: np.ndarray, mode: Mode) -> np.ndarray:
        if mode.is_float:
            shifted = np.exp(zs - zs.max(axis=-1, keepdims=True))
            return shifted / shifted.sum(axis=-1, keepdims=True)
        exps = np.frompyfunc(_exact_exp, 1, 1)(np.atleast_2d(zs)).astype(object)
        return mode.fix((exps / exps.sum(axis=-1, keepdims=True)).reshape(np.shape(zs)))

    def derivative(self, zs: np.ndarray, outputs: np.ndarray, mode: Mode) -> np.ndarray:
        """The diagonal of the Jacobian, s_j(1 − s_j); the full Jacobian is :meth:`jacobian`."""
        return mode.fix(outputs * (1 - outputs))

    def complement(self, zs: np.ndarray, outputs: np.ndarray) -> np.ndarray:
        """1 − s_j = Σ_{k≠j} s_k: a sum of positive terms, accurate even when s_j ≈ 1."""
        n = outputs.shape[-1]
        return outputs @ (1.0 - np.eye(n))

    def logs(self, zs: np.ndarray, outputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """log s_j = z_j − log Σ_k e^{z_k}: finite where s_j underflows."""
        shifted = zs - zs.max(axis=-1, keepdims=True)
        log_s = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        with np.errstate(divide="ignore"):
            return log_s, np.log(self.complement(zs, outputs))

    def jacobian(self, outputs: np.ndarray) -> np.ndarray:
        """∂s_i/∂z_j = s_i(δ_ij − s_j), one matrix per example."""
        s = np.atleast_2d(outputs)
        n = s.shape[-1]
        eye = np.array(sp.eye(n).tolist(), dtype=object) if s.dtype == object else np.eye(n)
        return s[:, :, None] * (eye[None, :, :] - s[:, None, :])

    def backward(self, zs: np.ndarray, outputs: np.ndarray, grad: np.ndarray, mode: Mode) -> np.ndarray:
        """∂C/∂z = Jᵀ ∂C/∂a = s ⊙ (g − (s · g))."""
        inner = (outputs * grad).sum(axis=-1, keepdims=True)
        return mode.fix(outputs * (grad - inner))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # exp of −|x| only: no overflow, and full relative accuracy on both tails (the
    # 0.5·(1 + tanh(x/2)) form cancels to 0 for x ≪ 0)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


def _sigmoid_prime(x: np.ndarray) -> np.ndarray:
    # σ(x)·σ(−x) = σ(1 − σ) without forming 1 − σ, which cancels for x ≫ 0
    e = np.exp(-np.abs(x))
    return e / (1.0 + e) ** 2


def _tanh_prime(x: np.ndarray) -> np.ndarray:
    # sech² x = 4u/(1 + u)², u = e^{−2|x|}: 1 − tanh² x loses all digits once tanh x ≈ ±1
    u = np.exp(-2.0 * np.abs(x))
    return 4.0 * u / (1.0 + u) ** 2


_exact_exp = exact_call(lambda u: sp.exp(u), lambda u: mpmath.exp(u))  # noqa: E731 (SymPy loads on first call)


_erfc = np.vectorize(math.erfc, otypes=[float])


def _identity() -> Activation:
    return Activation(
        "identity", _formulas(lambda z, a: (z, sp.Integer(1))), r"\mathrm{id}", lambda x: x, np.ones_like,
        range="(-∞, ∞)", rational=True, as_function=False,
    )


def _step(threshold: Fraction = Fraction(0), at_threshold: Fraction = Fraction(0)) -> Activation:
    t, h = float_of(threshold), float_of(at_threshold)
    return Activation(
        "step",
        _formulas(lambda z, a: (sp.Piecewise((1, z > threshold), (at_threshold, sp.Eq(z, threshold)), (0, True)),
                                sp.Integer(0))),
        r"\mathrm{step}",
        lambda x: np.where(x > t, 1.0, np.where(x == t, h, 0.0)),
        np.zeros_like,
        kinks=(threshold,),
        params=(("threshold", threshold), ("at_threshold", at_threshold)),
        convention=f"step(z) = 1 for z > {threshold}, {at_threshold} at z = {threshold}, 0 below; "
        "its derivative is 0, so gradients through it vanish",
        range="{0, 1}", gradient_vanishes=True, rational=True,
    )


def _square() -> Activation:
    return Activation(
        "square", _formulas(lambda z, a: (z**2, None)), r"\sigma", lambda x: x * x, lambda x: 2.0 * x,
        range="[0, ∞)", rational=True, convention="σ(z) = z², σ'(z) = 2z (Herrmann's example)",
        as_function=False,
    )


def _sigmoid_activation() -> Activation:
    return Activation(
        "sigmoid", _formulas(lambda z, a: (1 / (1 + sp.exp(-z)), a * (1 - a))), r"\sigma", _sigmoid,
        _sigmoid_prime, range="(0, 1)",
    )


def _tanh() -> Activation:
    return Activation(
        "tanh", _formulas(lambda z, a: (sp.tanh(z), 1 - a**2)), r"\tanh", np.tanh, _tanh_prime,
        range="(-1, 1)", as_function=False,
    )


def _relu() -> Activation:
    return Activation(
        "relu", _formulas(lambda z, a: (sp.Piecewise((z, z > 0), (0, True)), sp.Piecewise((1, a > 0), (0, True)))),
        r"\mathrm{ReLU}", lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(float),
        kinks=(Fraction(0),), convention="ReLU'(0) = 0", range="[0, ∞)", rational=True,
    )


def _leaky_relu(alpha: Fraction = Fraction(1, 100)) -> Activation:
    al = float_of(alpha)
    return Activation(
        "leaky_relu",
        _formulas(lambda z, a: (sp.Piecewise((z, z > 0), (alpha * z, True)),
                                sp.Piecewise((1, a > 0), (alpha, True)) if alpha > 0 else None)),
        r"\mathrm{LReLU}",
        lambda x: np.where(x > 0, x, al * x), lambda x: np.where(x > 0, 1.0, al),
        kinks=(Fraction(0),), params=(("alpha", alpha),),
        convention=f"leaky-ReLU'(0) = α = {alpha}", range="(-∞, ∞)", rational=True,
    )


def _elu(alpha: Fraction = Fraction(1)) -> Activation:
    al = float_of(alpha)
    return Activation(
        "elu",
        _formulas(lambda z, a: (sp.Piecewise((z, z > 0), (alpha * (sp.exp(z) - 1), True)),
                                sp.Piecewise((1, a > 0), (a + alpha, True)))),
        r"\mathrm{ELU}",
        lambda x: np.where(x > 0, x, al * np.expm1(np.minimum(x, 0.0))),
        lambda x: np.where(x > 0, 1.0, al * np.exp(np.minimum(x, 0.0))),
        kinks=() if alpha == 1 else (Fraction(0),), params=(("alpha", alpha),),
        convention=f"ELU'(0) = α = {alpha}", range=f"(-{alpha}, ∞)",
    )


def _selu() -> Activation:
    lam, al = float(_SELU_LAMBDA), float(_SELU_ALPHA)

    def formulas(z: sp.Symbol, a: sp.Symbol) -> Formulas:
        lam_, al_ = sp.Rational(_SELU_LAMBDA), sp.Rational(_SELU_ALPHA)
        return (sp.Piecewise((lam_ * z, z > 0), (lam_ * al_ * (sp.exp(z) - 1), True)),
                sp.Piecewise((lam_, a > 0), (a + lam_ * al_, True)))

    return Activation(
        "selu", _formulas(formulas), r"\mathrm{SELU}",
        lambda x: lam * np.where(x > 0, x, al * np.expm1(np.minimum(x, 0.0))),
        lambda x: lam * np.where(x > 0, 1.0, al * np.exp(np.minimum(x, 0.0))),
        kinks=(Fraction(0),), convention="SELU'(0) = λα (left derivative)", range="(-λα, ∞)",
    )


def _silu() -> Activation:
    return Activation(
        "silu", _formulas(lambda z, a: (z / (1 + sp.exp(-z)), None)), r"\mathrm{SiLU}",
        lambda x: x * _sigmoid(x),
        lambda x: _sigmoid(x) * (1.0 + x * _sigmoid(-x)),
        range="[-0.278…, ∞)",
    )


def _gelu() -> Activation:
    return Activation(
        "gelu", _formulas(lambda z, a: (z / 2 * (1 + sp.erf(z / sp.sqrt(2))), None)), r"\mathrm{GELU}",
        # Φ(x) = erfc(−x/√2)/2: 1 + erf(x/√2) cancels to 0 for x ≪ 0
        lambda x: 0.5 * x * _erfc(-x / math.sqrt(2.0)),
        lambda x: 0.5 * _erfc(-x / math.sqrt(2.0)) + x * np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi),
        convention="GELU(z) = z Φ(z), the exact (erf) form", range="[-0.17…, ∞)",
    )


def _softplus() -> Activation:
    return Activation(
        "softplus", _formulas(lambda z, a: (sp.log(1 + sp.exp(z)), 1 - sp.exp(-a))), r"\mathrm{softplus}",
        lambda x: np.logaddexp(0.0, x), _sigmoid,
        range="(0, ∞)",
    )


def _softmax() -> Activation:
    return Softmax(
        "softmax", _formulas(lambda z, a: (sp.Integer(0), None)), r"\mathrm{softmax}", lambda x: x, lambda x: x,
        elementwise=False, output_only=True, range="(0, 1), entries sum to 1",
        convention="Jacobian ∂s_i/∂z_j = s_i(δ_ij − s_j)",
    )


_FACTORIES: Mapping[str, tuple[Callable[..., Activation], tuple[str, ...]]] = {
    "identity": (_identity, ()),
    "step": (_step, ("threshold", "at_threshold")),
    "square": (_square, ()),
    "sigmoid": (_sigmoid_activation, ()),
    "tanh": (_tanh, ()),
    "relu": (_relu, ()),
    "leaky_relu": (_leaky_relu, ("alpha",)),
    "elu": (_elu, ("alpha",)),
    "selu": (_selu, ()),
    "silu": (_silu, ()),
    "gelu": (_gelu, ()),
    "softplus": (_softplus, ()),
    "softmax": (_softmax, ()),
}

NAMES: tuple[str, ...] = tuple(_FACTORIES)


def get(name: str, params: Mapping[str, Any] | None = None, field: str = "activation") -> Activation:
    """The activation called ``name``, with its parameters (α, threshold, …) read exactly."""
    if name not in _FACTORIES:
        raise SpecError(field, f"unknown activation {name!r}", f"use one of {', '.join(NAMES)}")
    factory, allowed = _FACTORIES[name]
    params = dict(params or {})
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        takes = f"{name} takes {', '.join(allowed)}" if allowed else f"{name} takes no parameters"
        raise SpecError(f"{field}.{unknown[0]}", f"unknown parameter for {name}", takes)
    parsed = {key: Fraction(read_number(value, f"{field}.{key}")) for key, value in params.items()}
    return _cached(name, tuple(sorted(parsed.items())), factory)


_INSTANCES: dict[tuple, Activation] = {}


@cache
def _defaults(factory: Callable[..., Activation]) -> dict[str, Fraction]:
    return {p.name: Fraction(p.default) for p in inspect.signature(factory).parameters.values()}


def _cached(name: str, key: tuple, factory: Callable[..., Activation]) -> Activation:
    # One instance per (name, params), so lambdified functions are built once per process;
    # the defaults are filled in, so that leaky_relu and leaky_relu(alpha=1/100) are one
    key = tuple(sorted({**_defaults(factory), **dict(key)}.items()))
    if (name, key) not in _INSTANCES:
        _INSTANCES[(name, key)] = factory(**dict(key))
    return _INSTANCES[(name, key)]
