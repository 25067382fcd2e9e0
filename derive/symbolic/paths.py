"""∂C/∂θ as SymPy writes it, with the lectures' names: one term for every path from θ to C.

``sympy.diff`` of the nested function repeats every inner layer inside every outer one. Named
after the lectures (z_j^(l), a_j^(l), σ'(z_j^(l)), ∂C/∂ŷ_j) and multiplied out, the same
derivative reads as the chain rule summed over paths (Herrmann 3.3):

    ∂C/∂w_11^(1) = ∂C/∂ŷ · σ'(z^(3)) w_11^(3) σ'(z_1^(2)) w_11^(2) σ'(z_1^(1)) x_1 + …

The terms are SymPy's: the display form of the nested function (σ an undefined function)
is differentiated by :func:`derive.symbolic.derivation.diff`, its subexpressions are replaced by their
names, and the result is expanded. Substituting the names' values gives the gradient back,
which the tests check against backpropagation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from .derivation import Derivation, NetworkLatexPrinter, _layers, diff
from .functions import applied_prime


@dataclass(frozen=True)
class Names:
    """The symbols that name a network's intermediate values, their LaTeX and their order."""

    z: dict[tuple[int, int], sp.Symbol]
    a: dict[tuple[int, int], sp.Symbol]
    prime: dict[tuple[int, int, int], sp.Symbol]  # ∂a_j/∂z_k of layer l: (l, j, k)
    yhat: tuple[sp.Symbol, ...]
    loss: tuple[sp.Symbol, ...]  # ∂C/∂ŷ_j
    latex: dict[sp.Symbol, str]
    rank: dict[sp.Symbol, float]  # position along the chain, output first


@dataclass(frozen=True)
class PathSum:
    """∂C/∂θ = Σ over paths of a product of factors, each factor a name or a parameter."""

    parameter: sp.Symbol
    terms: tuple[sp.Expr, ...]


@dataclass(frozen=True)
class Layered:
    """The network with its intermediates named: the display form of the nested function."""

    derivation: Derivation
    names: Names
    loss_gradient: tuple[sp.Expr, ...]  # ∂C/∂ŷ_j in y and ŷ

    @cached_property
    def _display_layers(self) -> list[tuple[list[sp.Expr], list[sp.Expr]]]:
        return _layers(self.derivation.network, self.derivation.symbols, display=True)

    @cached_property
    def _rename(self) -> dict[sp.Basic, sp.Symbol]:
        rename: dict[sp.Basic, sp.Symbol] = {}
        for l, (pre, values) in enumerate(self._display_layers, start=1):
            for j, (z, a) in enumerate(zip(pre, values), start=1):
                rename[a] = self.names.a[l, j]
                if z != a:
                    rename[z] = self.names.z[l, j]
        return rename

    def path_sum(self, parameter: sp.Symbol) -> PathSum:
        """∂C/∂θ = Σ_j ∂C/∂ŷ_j · ∂ŷ_j/∂θ, with ∂ŷ_j/∂θ from sympy's rules, named and multiplied out."""
        terms: list[sp.Expr] = []
        for g, yhat in zip(self.names.loss, self._display_layers[-1][1]):
            named = self._name(diff(yhat, parameter))
            terms.extend(sp.Add.make_args(sp.expand(g * named)))
        return PathSum(parameter, tuple(t for t in terms if t != 0))

    def _name(self, expr: sp.Expr) -> sp.Expr:
        named = expr.xreplace(self._rename)
        by_point = {v: k for k, v in self.names.z.items()}
        by_point.update({v: k for k, v in self.names.a.items()})  # identity layers have no z

        def is_prime(e: sp.Basic) -> bool:
            return isinstance(e, sp.Subs) and isinstance(e.expr, sp.Derivative)

        def prime(e: sp.Subs) -> sp.Symbol:
            inner = e.expr.expr
            (dummy,) = e.expr.variables
            index = inner.args.index(dummy)
            point = e.point[0]
            l, k = by_point[point]
            if len(inner.args) == 1:
                return self.names.prime[l, k, k]
            return self.names.prime[l, int(inner.args[0]), index]

        return named.replace(is_prime, prime) if named.has(sp.Subs) else named

    def latex(self, expr: sp.Expr) -> str:
        return NetworkLatexPrinter({**self.derivation.symbols.names, **self.names.latex}).doprint(expr)

    def term_latex(self, term: sp.Expr) -> str:
        """A path's product with its factors in chain order: ∂C/∂ŷ first, the parameter's input last."""
        coeff, factors = term.as_coeff_mul()
        printer = NetworkLatexPrinter({**self.derivation.symbols.names, **self.names.latex})
        ordered = sorted(factors, key=lambda f: (self._rank(f), sp.default_sort_key(f)))
        body = r"\,".join(printer.doprint(f) for f in ordered)
        if coeff == 1:
            return body
        if coeff == -1:
            return "-" + body
        return printer.doprint(coeff) + r"\," + body

    def _rank(self, factor: sp.Expr) -> float:
        base = factor.as_base_exp()[0]
        return self.names.rank.get(base, 1e9)


def layered(derivation: Derivation) -> Layered:
    network, symbols = derivation.network, derivation.symbols
    notation = derivation.notation
    L = network.depth
    z: dict[tuple[int, int], sp.Symbol] = {}
    a: dict[tuple[int, int], sp.Symbol] = {}
    prime: dict[tuple[int, int, int], sp.Symbol] = {}
    latex: dict[sp.Symbol, str] = {}
    rank: dict[sp.Symbol, float] = {}
    cost = notation.cost_symbol
    m = network.sizes[-1]
    yhat = tuple(sp.Symbol(f"yhat_{j}", real=True) for j in range(1, m + 1))
    loss = tuple(sp.Symbol(f"dC_dyhat_{j}", real=True) for j in range(1, m + 1))
    for j, (s, g) in enumerate(zip(yhat, loss), start=1):
        y_name = r"\hat{y}" if m == 1 else rf"\hat{{y}}_{{{j}}}"
        latex[s] = y_name
        latex[g] = rf"\frac{{\partial {cost}}}{{\partial {y_name}}}"
        rank[g] = 0
    for l, layer in enumerate(network.layers, start=1):
        depth = 2 * (L - l)  # along a path from C: σ'^(L), w^(L), σ'^(L−1), …
        head = layer.activation.latex
        for j in range(1, layer.n_out + 1):
            z[l, j] = sp.Symbol(f"z{l}_{j}", real=True)
            a[l, j] = sp.Symbol(f"a{l}_{j}", real=True)
            latex[z[l, j]] = notation.node("z", l, j)
            latex[a[l, j]] = notation.node("a", l, j)
            rank[a[l, j]] = 2 * (L - l) + 1.5  # a^(l) as the input of a weight of layer l + 1
            rank[z[l, j]] = depth + 1
            if layer.activation.elementwise:
                p = sp.Symbol(f"prime{l}_{j}", real=True)
                prime[l, j, j] = p
                latex[p] = rf"{head}'\left({notation.node('z', l, j)}\right)"
                rank[p] = depth + 1
            else:
                for k in range(1, layer.n_out + 1):
                    p = sp.Symbol(f"prime{l}_{j}_{k}", real=True)
                    prime[l, j, k] = p
                    latex[p] = rf"\frac{{\partial {notation.node('a', l, j)}}}{{\partial {notation.node('z', l, k)}}}"
                    rank[p] = depth + 1
        for s in symbols.W[l - 1]:
            rank[s] = depth + 2
        if symbols.b[l - 1] is not None:
            for s in symbols.b[l - 1]:
                rank[s] = depth + 2
    for s in symbols.x:
        rank[s] = 2 * L + 1
    names = Names(z, a, prime, yhat, loss, latex, rank)
    cost_expr = network.loss.sympy_form(symbols.y, yhat)
    gradient = tuple(sp.diff(cost_expr, s) for s in yhat)
    return Layered(derivation, names, gradient)


def concrete(lay: Layered, expr: sp.Expr) -> sp.Expr:
    """``expr`` with every name replaced by what it stands for: back to sympy.diff's form."""
    derivation = lay.derivation
    network = derivation.network
    env: dict[sp.Basic, sp.Expr] = {}
    layers = _layers(network, derivation.symbols, display=False)
    for l, (layer, (pre, values)) in enumerate(zip(network.layers, layers), start=1):
        for j in range(1, layer.n_out + 1):
            env[lay.names.z[l, j]] = pre[j - 1]
            env[lay.names.a[l, j]] = values[j - 1]
            if layer.activation.elementwise:
                env[lay.names.prime[l, j, j]] = applied_prime(layer.activation, pre[j - 1])
            else:
                for k in range(1, layer.n_out + 1):
                    # softmax(j, z_1, …, z_n): z_k is argument k + 1
                    env[lay.names.prime[l, j, k]] = values[j - 1].fdiff(k + 1)
    outputs = dict(zip(lay.names.yhat, layers[-1][1]))
    for g, form in zip(lay.names.loss, lay.loss_gradient):
        env[g] = form.xreplace(outputs)
    return expr.xreplace(env)
