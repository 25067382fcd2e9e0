"""The symbolic route: ŷ = f_L(…f_1(x)) as one SymPy expression, differentiated by ``sympy.diff``.

Two forms of the same expression are built:

* the **concrete** form, with each σ replaced by its formula, which ``sympy.diff``
  differentiates and which is evaluated at the spec's numbers to check backpropagation;
* the **display** form, with σ left as an undefined function, which prints as the
  lecture writes it: ŷ = σ(w_1^(2) σ(w_11^(1) x_1 + w_12^(1) x_2) + …), and whose derivative
  prints with σ'(…) factors (Herrmann 3.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Sequence

import mpmath
import numpy as np
import sympy as sp
from sympy.printing.latex import LatexPrinter

from ..engine import activations
from .functions import applied, evaluate_shared, softmax_applied
from ..engine.backprop import Trace
from ..engine.network import Example, Network
from ..engine.notation import Notation
from ..engine.numbers import PRECISION, Mode, Real


@dataclass(frozen=True)
class Symbols:
    """w^(l)_jk, b^(l)_j, x_k, y_j as SymPy symbols, with their LaTeX names."""

    W: tuple[sp.Matrix, ...]
    b: tuple[sp.Matrix | None, ...]
    x: tuple[sp.Symbol, ...]
    y: tuple[sp.Symbol, ...]
    names: dict[sp.Symbol, str]

    @property
    def parameters(self) -> tuple[sp.Symbol, ...]:
        out: list[sp.Symbol] = []
        for weights, bias in zip(self.W, self.b):
            out.extend(weights)
            if bias is not None:
                out.extend(bias)
        return tuple(out)


def make_symbols(network: Network, notation: Notation = Notation()) -> Symbols:
    names: dict[sp.Symbol, str] = {}
    W, B = [], []
    for l, layer in enumerate(network.layers, start=1):
        rows = []
        for j in range(1, layer.n_out + 1):
            row = []
            for k in range(1, layer.n_in + 1):
                s = sp.Symbol(f"w{l}_{j}_{k}", real=True)
                names[s] = notation.w(l, j, k)
                row.append(s)
            rows.append(row)
        W.append(sp.Matrix(rows))
        if layer.bias is None:
            B.append(None)
        else:
            col = []
            for j in range(1, layer.n_out + 1):
                s = sp.Symbol(f"b{l}_{j}", real=True)
                names[s] = notation.b(l, j)
                col.append(s)
            B.append(sp.Matrix(col))
    xs = tuple(sp.Symbol(f"x_{k}", real=True) for k in range(1, network.sizes[0] + 1))
    ys = tuple(sp.Symbol(f"y_{j}", real=True) for j in range(1, network.sizes[-1] + 1))
    for k, s in enumerate(xs, start=1):
        names[s] = f"x_{{{k}}}"
    for j, s in enumerate(ys, start=1):
        names[s] = "y" if len(ys) == 1 else f"y_{{{j}}}"
    return Symbols(tuple(W), tuple(B), xs, ys, names)


def _layers(network: Network, symbols: Symbols, display: bool) -> list[tuple[list[sp.Expr], list[sp.Expr]]]:
    """(z^(l), a^(l)) for every layer, each entry an expression in x and the parameters.

    The display form leaves each σ an undefined function (softmax a function of the layer's
    index j and all its z), so its derivative prints as σ'(…); identity is left out.
    """
    out: list[tuple[list[sp.Expr], list[sp.Expr]]] = []
    values: list[sp.Expr] = list(symbols.x)
    for l, layer in enumerate(network.layers, start=1):
        weights, bias = symbols.W[l - 1], symbols.b[l - 1]
        pre = [sum((weights[j, k] * values[k] for k in range(layer.n_in)), sp.Integer(0))
               + (bias[j] if bias is not None else 0) for j in range(layer.n_out)]
        act = layer.activation
        if display and act.name == "identity":
            values = list(pre)
        elif display and not act.elementwise:
            softmax = sp.Function(act.name)
            values = [softmax(sp.Integer(j), *pre) for j in range(1, layer.n_out + 1)]
        elif display:
            sigma = sp.Function(_display_name(act.name))
            values = [sigma(v) for v in pre]
        elif act.elementwise:
            values = [applied(act, v) for v in pre]
        else:
            values = softmax_applied(pre)
        out.append((pre, values))
    return out


def _apply(network: Network, symbols: Symbols, display: bool) -> list[sp.Expr]:
    return _layers(network, symbols, display)[-1][1]


def _display_name(name: str) -> str:
    return {"square": "sigma", "sigmoid": "sigma"}.get(name, name)


@dataclass(frozen=True)
class Derivation:
    """ŷ, C and ∂C/∂θ for every parameter θ, for one example (x, y) in symbols."""

    network: Network
    symbols: Symbols
    yhat: tuple[sp.Expr, ...]
    cost: sp.Expr
    notation: Notation = Notation()

    @cached_property
    def gradients(self) -> dict[sp.Symbol, sp.Expr]:
        """∂C/∂θ by differentiating the nested expression for each θ on its own, the naive route."""
        return {p: diff(self.cost, p) for p in self.symbols.parameters}

    @cached_property
    def display_yhat(self) -> tuple[sp.Expr, ...]:
        return tuple(_apply(self.network, self.symbols, display=True))

    def latex(self, expr: sp.Expr) -> str:
        return NetworkLatexPrinter(self.symbols.names).doprint(_named_primes(expr))


def diff(expr: sp.Expr, wrt: sp.Symbol) -> sp.Expr:
    """∂expr/∂wrt by SymPy's own rules, each distinct subexpression differentiated once.

    The same sum, product, power and chain rules as ``sympy.diff`` (a function's derivative
    from its ``fdiff``), giving the same expression. ``sympy.diff`` also canonicalizes
    leftover ``Derivative`` objects at every level of its recursion by walking the result as
    a tree, and a nested network's derivative, written out as a tree, grows exponentially
    with depth (7 of 11 s on a 5-4-3-1-5 SiLU network); here there are none to canonicalize,
    and shared subexpressions are visited once.
    """
    found: dict[sp.Basic, bool] = {}
    memo: dict[sp.Basic, sp.Expr] = {}

    def has(e: sp.Basic) -> bool:
        hit = found.get(e)
        if hit is None:
            hit = found[e] = e == wrt or any(has(a) for a in e.args)
        return hit

    def d(e: sp.Basic) -> sp.Expr:
        if not has(e):
            return sp.Integer(0)
        hit = memo.get(e)
        if hit is not None:
            return hit
        if e == wrt:
            out: sp.Expr = sp.Integer(1)
        elif e.is_Add:
            out = sp.Add(*(d(a) for a in e.args))
        elif e.is_Mul:
            args = e.args
            out = sp.Add(*(sp.Mul(*args[:i], d(a), *args[i + 1:]) for i, a in enumerate(args) if has(a)))
        elif e.is_Pow:
            base, exponent = e.args
            if not has(exponent):
                out = exponent * base ** (exponent - 1) * d(base)
            else:
                out = e * (d(exponent) * sp.log(base) + exponent * d(base) / base)
        elif isinstance(e, sp.Function):
            out = sp.Add(*(e.fdiff(k) * d(a) for k, a in enumerate(e.args, start=1) if has(a)))
        else:
            out = sp.diff(e, wrt)
        memo[e] = out
        return out

    return d(sp.sympify(expr))


_PRIME = "_prime"


def _named_primes(expr: sp.Expr) -> sp.Expr:
    """Each σ'(arg) as a plain function σ_prime(arg) before printing.

    SymPy writes σ'(arg) as Subs(Derivative(σ(ξ), ξ), ξ, arg) with a Dummy ξ, and a
    product orders its factors by the dummies' creation order, which follows set
    iteration, hence the hash seed: the same formula printed with its factors in a
    different order from run to run. A named function orders by name and argument.
    """
    def is_prime(e: sp.Basic) -> bool:
        return (isinstance(e, sp.Subs) and isinstance(e.expr, sp.Derivative)
                and isinstance(e.expr.expr, sp.Function) and len(e.expr.variables) == 1)

    def named(e: sp.Subs) -> sp.Expr:
        return sp.Function(type(e.expr.expr).__name__ + _PRIME)(e.point[0])

    return expr.replace(is_prime, named) if expr.has(sp.Subs) else expr


def derive(network: Network, notation: Notation = Notation()) -> Derivation:
    symbols = make_symbols(network, notation)
    yhat = tuple(_apply(network, symbols, display=False))
    return Derivation(network, symbols, yhat, network.loss.sympy_form(symbols.y, yhat), notation)


def _head(name: str) -> str | None:
    """How the lectures write the display form's σ: \\sigma, \\tanh, \\mathrm{ReLU}, …; None if not an activation."""
    if name == "sigma":
        return r"\sigma"
    return activations.get(name).latex if name in activations.NAMES else None


class NetworkLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the lectures' names: w_{jk}^{(l)}, and σ'(…) for derivatives."""

    def __init__(self, names: dict[sp.Symbol, str]) -> None:
        super().__init__({"symbol_names": names, "mul_symbol": None})

    def _print_Function(self, expr: sp.Function, exp: str | None = None) -> str:
        name = type(expr).__name__
        prime = "'" if name.endswith(_PRIME) else ""
        head = _head(name.removesuffix(_PRIME))
        if head is not None and len(expr.args) == 1:
            body = rf"{head}{prime}\left({self._print(expr.args[0])}\right)"
            return body if exp is None else rf"{body}^{{{exp}}}"
        return super()._print_Function(expr, exp)

    def _print_Subs(self, subs: sp.Subs) -> str:
        # Subs(Derivative(σ(ξ), ξ), ξ, arg) is how SymPy writes σ'(arg).
        expr, (var,), (point,) = subs.args
        if isinstance(expr, sp.Derivative) and isinstance(expr.expr, sp.Function) and len(expr.variables) == 1:
            head = _head(type(expr.expr).__name__) or self._print(type(expr.expr))
            return rf"{head}'\left({self._print(point)}\right)"
        return super()._print_Subs(subs)

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        if isinstance(expr.expr, sp.Function) and len(expr.variables) == 1 and expr.variables[0] == expr.expr.args[0]:
            head = _head(type(expr.expr).__name__) or self._print(type(expr.expr))
            return rf"{head}'\left({self._print(expr.variables[0])}\right)"
        return super()._print_Derivative(expr)


# --- evaluation and agreement ------------------------------------------------------------

def _values(network: Network, symbols: Symbols, params: Any = None) -> dict[sp.Symbol, Any]:
    values: dict[sp.Symbol, Any] = {}
    for l, layer in enumerate(network.layers):
        for j in range(layer.n_out):
            for k in range(layer.n_in):
                values[symbols.W[l][j, k]] = layer.weights[j][k]
            if layer.bias is not None:
                values[symbols.b[l][j]] = layer.bias[j]
    return values


def _example_values(symbols: Symbols, example: Example) -> dict[sp.Symbol, Any]:
    return {**dict(zip(symbols.x, example.x)), **dict(zip(symbols.y, example.y))}


@dataclass(frozen=True)
class SymbolicGradients:
    """∂C/∂W^(l), ∂C/∂b^(l) from the symbolic route, evaluated at the spec's numbers."""

    grad_W: tuple[np.ndarray, ...]
    grad_b: tuple[np.ndarray | None, ...]


def evaluate(derivation: Derivation, examples: Sequence[Example], mode: Mode) -> SymbolicGradients:
    """The symbolic gradients at the spec's numbers, averaged over the examples.

    A rational network in exact mode gets the exact numbers substituted. Otherwise the
    expressions are evaluated with mpmath at 80 digits: a reference for the float engine,
    and for exact irrational values a check to 50 significant digits (substituting into
    nested exponentials and letting SymPy simplify does not finish in reasonable time).
    """
    network, symbols = derivation.network, derivation.symbols
    params = symbols.parameters
    base = _values(network, symbols)
    exprs = [derivation.gradients[p] for p in params]
    if mode.name == "exact" and network.rational:
        totals = [sp.Integer(0)] * len(params)
        for example in examples:
            env = {**base, **_example_values(symbols, example)}
            totals = [t + e.xreplace(env) for t, e in zip(totals, exprs)]
        return _unflatten(network, [t / len(examples) for t in totals], object)
    def at(digits: int) -> list[Any]:
        with mpmath.workdps(digits):
            totals = [mpmath.mpf(0)] * len(params)
            for example in examples:
                env = {p: _at_precision(base[p]) for p in params}
                env.update({s: _at_precision(v) for s, v in zip(symbols.x + symbols.y, example.x + example.y)})
                totals = [t + v for t, v in zip(totals, evaluate_shared(exprs, env))]
            return [t / len(examples) for t in totals]

    # A saturated output (softmax 1 − 1e-70, σ(567) = 1 − 1e-246) cancels in y − ŷ or
    # 1 − ŷ at any fixed precision: double it until two evaluations agree to 30 digits.
    digits, flat = PRECISION, None
    while True:
        try:
            finer = at(digits)
        except ZeroDivisionError:  # 1 − ŷ rounded to 0 at this precision
            finer = None
        if finer is not None and flat is not None and all(
                abs(f - c) <= mpmath.mpf(10) ** -30 * abs(f) for f, c in zip(finer, flat)):
            flat = finer
            break
        flat = finer if finer is not None else flat
        if digits >= 16 * PRECISION:
            if flat is None:
                raise ZeroDivisionError("the symbolic gradient divides by a value that rounds to 0 "
                                        f"even at {digits} digits")
            break
        digits *= 2
    if mode.name == "exact":
        return _unflatten(network, flat, object)
    return _unflatten(network, [float(v) for v in flat], np.float64)


def _at_precision(value: Any) -> mpmath.mpf:
    """A spec's number at the working precision: a rational one to every digit of it (from
    Real.parts' 80 digits, 0.1 − 0.6 + 0.5 would be 10⁻⁸² at 160, not the 0 it is)."""
    if isinstance(value, Real):
        return mpmath.mpf(value.approx)
    rational = sp.Rational(value)
    return mpmath.mpf(int(rational.p)) / int(rational.q)


def _unflatten(network: Network, flat: list[Any], dtype: Any) -> SymbolicGradients:
    grad_w, grad_b, i = [], [], 0
    for layer in network.layers:
        n = layer.n_out * layer.n_in
        grad_w.append(np.array(flat[i:i + n], dtype=dtype).reshape(layer.n_out, layer.n_in))
        i += n
        if layer.bias is None:
            grad_b.append(None)
        else:
            grad_b.append(np.array(flat[i:i + layer.n_out], dtype=dtype))
            i += layer.n_out
    return SymbolicGradients(tuple(grad_w), tuple(grad_b))


def same_value(left: Any, right: Any, rel: float = 1e-12, scale: Any = 0) -> bool:
    """Exact numbers: equal (irrational ones to 50 digits relative to the larger of the two
    and ``scale``); floats: to ``rel``."""
    if isinstance(left, (float, np.floating)) or isinstance(right, (float, np.floating)):
        l, r = float(left), float(right)
        return abs(l - r) <= rel * max(abs(l), abs(r), 1e-300) or abs(l - r) < 1e-300
    if any(isinstance(v, (Real, mpmath.mpf)) for v in (left, right)):
        with mpmath.workdps(PRECISION):
            l, r = (_mp(v) for v in (left, right))
            size = max(abs(l), abs(r), _mp(scale), mpmath.mpf(10) ** -300)
            return bool(abs(l - r) <= mpmath.mpf(10) ** -50 * size)
    diff = sp.sympify(left) - sp.sympify(right)
    if diff == 0:
        return True
    size = max(abs(sp.N(left, 60)), abs(sp.N(right, 60)), abs(sp.N(_mp(scale), 60)), sp.Float(1e-300))
    return bool(abs(sp.N(diff, 60)) <= sp.Float(10) ** -50 * size)


def _mp(value: Any) -> mpmath.mpf:
    if isinstance(value, Real):
        return value.approx
    if isinstance(value, mpmath.mpf):
        return value
    return mpmath.mpf(Real.parts(value)[1])


def agreement(symbolic: SymbolicGradients, trace: Trace, rel: float = 1e-12) -> list[bool]:
    """Per parameter, in :attr:`Symbols.parameters` order: backprop's gradient equals the
    symbolic one, exactly, or to ``rel`` in float mode.

    In float mode each entry is compared relative to the largest gradient of the network:
    a gradient that cancels to zero (say by symmetry) is zero up to rounding errors of the
    size of the others, and cannot be asked for 1e-12 of itself.
    """
    pairs: list[tuple[Any, Any]] = []
    for s_w, s_b, layer in zip(symbolic.grad_W, symbolic.grad_b, trace.backward.layers):
        pairs += list(zip(np.ravel(s_w), np.ravel(layer.grad_W)))
        if s_b is not None:
            pairs += list(zip(np.ravel(s_b), np.ravel(layer.grad_b)))
    if trace.mode.is_float:
        scale = max([abs(float(s)) for s, _ in pairs] + [1e-300])
        sizes = [max(scale, float(m)) if np.isfinite(m) else scale for m in _magnitudes(trace)]
        return [bool(abs(float(n) - float(s)) <= rel * size) for (s, n), size in zip(pairs, sizes)]
    # the exact engine carries irrational values to 80 digits, which cancellation (ŷ − y for a
    # saturated softmax) can leave with fewer significant ones: compare to the network's scale
    with mpmath.workdps(PRECISION):
        scale = max(abs(_mp(s)) for s, _ in pairs)
    return [same_value(s, n, scale=scale) for s, n in pairs]


def _magnitudes(trace: Trace) -> list[float]:
    """Per parameter, in :func:`agreement`'s order: its gradient with every term taken
    positive (Eq. 3.23 and 3.14 on |W|, |σ'|, |a| and |∂C/∂ŷ|), the size float's rounding is
    relative to. A gradient that cancels to 0 through the layers (5/4 · (−3/4) + 3/4 · 5/4)
    keeps a rounding residue of the size of its terms, not of the other gradients."""
    network, fwd, layers = trace.network, trace.forward, trace.backward.layers
    m = fwd.x.shape[0]
    with np.errstate(all="ignore"):
        last = network.layers[-1].activation
        if trace.backward.fused:
            delta = np.abs(fwd.output) + np.abs(fwd.y)  # ŷ − y
        elif last.elementwise:
            delta = np.abs(layers[-1].upstream.astype(float)) * np.abs(layers[-1].sigma_prime.astype(float))
        else:  # softmax: |Σ_k ∂ŷ_k/∂z_j u_k| ≤ ŷ_j (|u_j| + Σ_k ŷ_k |u_k|)
            u, out = np.abs(layers[-1].upstream.astype(float)), np.abs(fwd.output.astype(float))
            delta = out * (u + (out * u).sum(axis=1, keepdims=True))
        sizes: list[list[float]] = []
        for l in range(network.depth, 0, -1):
            if l < network.depth:
                weights = np.abs(trace.params[l][0].astype(float))
                delta = (delta @ weights) * np.abs(layers[l - 1].sigma_prime.astype(float))
            entries = list(np.ravel(delta.T @ np.abs(fwd.a(l - 1).astype(float)) / m))
            if trace.params[l - 1][1] is not None:
                entries += list(delta.sum(axis=0) / m)
            sizes.append(entries)
    return [float(v) for entries in reversed(sizes) for v in entries]


def agrees(symbolic: SymbolicGradients, trace: Trace, rel: float = 1e-12) -> bool:
    """Backprop's gradients equal the symbolic ones, every one (see :func:`agreement`)."""
    return all(agreement(symbolic, trace, rel))
