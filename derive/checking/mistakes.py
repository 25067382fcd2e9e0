"""The typical mistakes of a hand backpropagation, named when a wrong value is what one gives.

Each pattern recomputes the step from the student's own inputs (:mod:`derive.checking.own`) with
the mistake made on purpose; when the student's value matches, the diagnosis is one
sentence with the correct formula and its numbers. Patterns are tried from the most to the
least specific; a wrong value that none explains gets no guess, but the step's correct
formula with the numbers from the student's own earlier values (:func:`formula`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np
import sympy as sp

from .answers import Answers
from ..engine.network import Spec
from ..engine.numbers import exact_decimal
from .own import OwnTrace
from .quantities import split, text_label

Candidate = tuple[Any, str]  # (the value the mistake gives, the sentence that names it)


@dataclass(frozen=True)
class Context:
    spec: Spec
    own: OwnTrace
    truth: dict[str, Any]
    judge: Any  # check.Judge
    verdicts: dict[str, str]
    answers: Answers

    @property
    def e(self) -> int:
        return self.answers.example

    def fmt(self, value: Any) -> str:
        """A number as the sentence shows it, with a true minus (−432)."""
        if isinstance(value, (float, np.floating)) or self.own.mode.is_float:
            text = f"{float(value) + 0.0:.6g}"
        elif self.judge.tolerance.decimals is not None and isinstance(value, sp.Rational):
            # decimals compared, decimals shown: 0.01 · 150 = 1.5, not 1/100 · 150 = 3/2
            text = exact_decimal(value) or f"{float(value):.6g}"
        else:
            text = str(sp.nsimplify(value))
        return text.replace("-", "−")

    def right(self, name: str) -> Any:
        """The step's correct value from the student's own inputs."""
        return self.own.computed[name]


def diagnose(name: str, given: Any, spec: Spec, own: OwnTrace, truth: dict[str, Any], judge: Any,
             verdicts: dict[str, str], answers: Answers) -> str:
    """The sentence naming the mistake that gives ``given`` for ``name``, or ``""``."""
    ctx = Context(spec, own, truth, judge, verdicts, answers)
    right = ctx.right(name)
    for pattern in PATTERNS:
        for value, sentence in pattern(ctx, name):
            if value is None or _near(ctx, value, right, name) or _near(ctx, value, truth[name], name):
                continue  # a "mistake" that gives the right value names nothing
            if ctx.judge.close(given, value, name, own=True):
                return sentence
    return ""


def correct_step(name: str, spec: Spec, own: OwnTrace, truth: dict[str, Any], judge: Any,
                 verdicts: dict[str, str], answers: Answers) -> str:
    """The step ``name`` as it should go, with the student's own numbers (:func:`formula`)."""
    return formula(Context(spec, own, truth, judge, verdicts, answers), name)


def _near(ctx: Context, a: Any, b: Any, name: str) -> bool:
    return abs(float(a) - float(b)) <= max(ctx.judge.allowance(name, b, own=True), 1e-12 * max(1.0, abs(float(b))))


def _prev(l: int, k: int) -> str:
    return f"x_{k}" if l == 1 else f"a^({l - 1})_{k}"


# --- the patterns -----------------------------------------------------------------------

def sign_flipped(ctx: Context, name: str) -> Iterator[Candidate]:
    """(y − ŷ) for ∂C/∂ŷ = −(y − ŷ): every δ and gradient downstream changes sign."""
    stem, l, idx = split(name)
    if stem in ("delta", "grad_W", "grad_b", "grad_x") and ctx.spec.network.loss.name in ("half_sse", "mse"):
        right = ctx.right(name)
        yield -right, (f"the sign of (y − ŷ) is flipped: ∂C/∂ŷ = −(y − ŷ) = ŷ − y, "
                       f"so {text_label(name)} = {ctx.fmt(right)}")


def half_of_cost(ctx: Context, name: str) -> Iterator[Candidate]:
    """C = ½ Σ (y − ŷ)²: the ½ dropped (×2) or applied twice (×½), in C or in ∂C/∂ŷ."""
    stem, l, idx = split(name)
    if ctx.spec.network.loss.name != "half_sse" or stem not in ("cost", "delta", "grad_W", "grad_b", "grad_x"):
        return
    right = ctx.right(name)
    if stem == "cost":
        yield 2 * right, f"the ½ of C = ½ Σ_j (y_j − ŷ_j)² was dropped: C = {ctx.fmt(right)}"
        yield right / 2, f"the ½ of C = ½ Σ_j (y_j − ŷ_j)² was applied twice: C = {ctx.fmt(right)}"
    else:
        yield 2 * right, (f"the ½ of the cost was dropped: ∂/∂ŷ ½(y − ŷ)² = −(y − ŷ), not −2(y − ŷ); "
                          f"{text_label(name)} = {ctx.fmt(right)}")
        yield right / 2, (f"the ½ of the cost was applied twice: ∂/∂ŷ ½(y − ŷ)² = −(y − ŷ); "
                          f"{text_label(name)} = {ctx.fmt(right)}")


def batch_sum(ctx: Context, name: str) -> Iterator[Candidate]:
    """C = (1/m) Σ_i C_i: a sum over the batch is m times the mean."""
    stem, l, idx = split(name)
    m = len(ctx.spec.examples)
    if m > 1 and stem in ("cost", "grad_W", "grad_b"):
        right = ctx.right(name)
        yield m * right, (f"summed over the batch instead of averaged: {text_label(name)} is the mean "
                          f"(1/{m}) Σ_i over the {m} examples = {ctx.fmt(right)}")


def sigma_prime_missing(ctx: Context, name: str) -> Iterator[Candidate]:
    """δ = (upstream) ⊙ σ'(z): the factor σ'(z) left out."""
    stem, l, idx = split(name)
    if stem != "delta" or not _elementwise_delta(ctx, l):
        return
    j = idx[0]
    up, s = _factors(ctx, l, j)
    yield up, (f"{text_label(name)} is missing the factor σ'(z^({l})_{j}): {text_label(name)} = "
               f"{_upstream_label(ctx, l, j)} · σ'(z^({l})_{j}) = {_n(ctx, up)} · {_n(ctx, s)} = "
               f"{ctx.fmt(ctx.right(name))}")


def sigma_prime_at_a(ctx: Context, name: str) -> Iterator[Candidate]:
    """σ' evaluated at a instead of z, or its output form a(1 − a) applied to z."""
    stem, l, idx = split(name)
    if stem != "delta" or not _elementwise_delta(ctx, l):
        return
    j, e, mode = idx[0], ctx.e, ctx.own.mode
    act = ctx.spec.network.layers[l - 1].activation
    up, s = _factors(ctx, l, j)
    z, a = ctx.own.z[l][e:e + 1, j - 1:j], ctx.own.a[l][e:e + 1, j - 1:j]
    tail = f"{text_label(name)} = {_upstream_label(ctx, l, j)} · σ'(z^({l})_{j}) = {_n(ctx, up)} · {_n(ctx, s)} = " \
           f"{ctx.fmt(ctx.right(name))}"
    yield mode.fix(np.asarray(up * act.prime_at(a, mode)[0, 0])[None])[0], \
        f"σ' was taken at a^({l})_{j} instead of z^({l})_{j}: {tail}"
    if act.prime_from_output is not None and act.name != "identity":
        yield mode.fix(np.asarray(up * act.prime_at(z, mode, output_form=True)[0, 0])[None])[0], \
            f"the output form of σ' (in terms of a) was applied to z^({l})_{j}: {tail}"


def transposed(ctx: Context, name: str) -> Iterator[Candidate]:
    """δ^(l) = (W^(l+1))ᵀ δ^(l+1) ⊙ σ'(z^(l)): W used instead of Wᵀ (w_jk for w_kj)."""
    stem, l, idx = split(name)
    net = ctx.spec.network
    if stem != "delta" or l == net.depth or not _elementwise_delta(ctx, l):
        return
    weights = ctx.own.params[l][0]
    if weights.shape[0] != weights.shape[1]:
        return
    j, e, mode = idx[0], ctx.e, ctx.own.mode
    _, s = _factors(ctx, l, j)
    wrong_up = mode.fix(ctx.own.delta[l + 1][e:e + 1] @ weights.T)[0, j - 1]
    yield mode.fix(np.asarray([wrong_up * s]))[0], (
        f"W^({l + 1}) was used instead of its transpose (w_jk for w_kj): {text_label(name)} = "
        f"Σ_k w^({l + 1})_k{j} δ^({l + 1})_k · σ'(z^({l})_{j}) = {ctx.fmt(ctx.right(name))}")


def another_weight(ctx: Context, name: str) -> Iterator[Candidate]:
    """δ^(l)_j = Σ_k w^(l+1)_kj δ^(l+1)_k σ'(z^(l)_j): one weight of the sum read from the wrong
    place in W^(l+1) (w^(2)_12 for w^(2)_11, a neighbour in the matrix)."""
    stem, l, idx = split(name)
    net = ctx.spec.network
    if stem != "delta" or l == net.depth or not _elementwise_delta(ctx, l):
        return
    j, e, mode = idx[0], ctx.e, ctx.own.mode
    weights, deltas = ctx.own.params[l][0], ctx.own.delta[l + 1][e]
    _, s = _factors(ctx, l, j)
    right = _dot(ctx, zip(weights[:, j - 1], deltas))
    for k in range(weights.shape[0]):
        for r in range(weights.shape[0]):
            for c in range(weights.shape[1]):
                if (r, c) == (k, j - 1):
                    continue
                terms = [weights[r][c] if kk == k else weights[kk][j - 1] for kk in range(len(deltas))]
                up = mode.fix(np.asarray([sum(t * d for t, d in zip(terms, deltas))]))[0]
                yield mode.fix(np.asarray([up * s]))[0], (
                    f"w^({l + 1})_{r + 1}{c + 1} was used in place of w^({l + 1})_{k + 1}{j}: {text_label(name)} = "
                    f"Σ_k w^({l + 1})_k{j} δ^({l + 1})_k · σ'(z^({l})_{j}) = ({right}) · {_n(ctx, s)} = "
                    f"{ctx.fmt(ctx.right(name))}")


def bias_times_input(ctx: Context, name: str) -> Iterator[Candidate]:
    """∂C/∂b_j = δ_j: the bias's input is 1, not a_k."""
    stem, l, idx = split(name)
    if stem != "grad_b":
        return
    j, e = idx[0], ctx.e
    delta = ctx.own.delta[l][e, j - 1]
    for k, a in enumerate(ctx.own.a[l - 1][e], start=1):
        yield delta * a, (f"the bias gradient was taken as δ^({l})_{j} · {_prev(l, k)}: the bias's input is 1, "
                          f"so ∂C/∂b^({l})_{j} = δ^({l})_{j} = {ctx.fmt(ctx.right(name))}")


def step_direction(ctx: Context, name: str) -> Iterator[Candidate]:
    """w' = w − α ∂C/∂w: added instead of subtracted, α left out, α off by a factor of 10."""
    stem, l, idx = split(name)
    if stem not in ("W_new", "b_new") or ctx.spec.network.learning_rate is None:
        return
    weights, bias = ctx.own.params[l - 1]
    old = weights[idx[0] - 1, idx[1] - 1] if stem == "W_new" else bias[idx[0] - 1]
    grad = (ctx.own.grad_W[l][idx[0] - 1, idx[1] - 1] if stem == "W_new" else ctx.own.grad_b[l][idx[0] - 1])
    rate = ctx.spec.network.learning_rate
    rate = float(rate) if ctx.own.mode.is_float else rate
    rule = f"{text_label(name)} = w − α ∂C/∂w = {ctx.fmt(old)} − {_n(ctx, rate)} · {_n(ctx, grad)} = " \
           f"{ctx.fmt(ctx.right(name))}"
    yield old + rate * grad, f"the gradient step was added instead of subtracted: {rule}"
    yield old - grad, f"the learning rate was left out: {rule}"
    yield old - 10 * rate * grad, f"the learning rate is off by a factor of 10: {rule}"
    yield old - rate * grad / 10, f"the learning rate is off by a factor of 10: {rule}"


def outer_product_swapped(ctx: Context, name: str) -> Iterator[Candidate]:
    """∂C/∂w_jk = δ_j a_k: the product of another entry (δ_j' a_k') written down."""
    stem, l, idx = split(name)
    if stem != "grad_W" or len(ctx.spec.examples) > 1:
        return
    j, k = idx
    delta, a = ctx.own.delta[l][ctx.e], ctx.own.a[l - 1][ctx.e]
    for jj, d in enumerate(delta, start=1):
        for kk, v in enumerate(a, start=1):
            if (jj, kk) != (j, k):
                yield d * v, (f"that is δ^({l})_{jj} · {_prev(l, kk)}, the entry for w^({l})_{jj}{kk}: "
                              f"{text_label(name)} = δ^({l})_{j} · {_prev(l, k)} = {_n(ctx, delta[j - 1])} · "
                              f"{_n(ctx, a[k - 1])} = {ctx.fmt(ctx.right(name))}")


def early_rounding(ctx: Context, name: str) -> Iterator[Candidate]:
    """The value of a computation with intermediates rounded to fewer decimals than asked."""
    decimals = ctx.judge.decimals(name)
    if decimals is None:
        return
    for fewer in range(decimals - 1, -1, -1):
        value = ctx.judge.hand_entries(fewer).get(name)
        yield value, (f"this is the value with intermediates rounded to {fewer} decimals: keep {decimals} "
                      f"decimals until the end ({text_label(name)} = {ctx.fmt(ctx.truth[name])})")


def outer_product_slip(ctx: Context, name: str) -> Iterator[Candidate]:
    """One entry of δ aᵀ slipped while the rest of the matrix fits: the product itself went wrong."""
    stem, l, idx = split(name)
    if stem != "grad_W" or len(ctx.spec.examples) > 1:
        return
    siblings = [n for n in ctx.verdicts if n.startswith(f"grad_W{l}[") and n != name]
    if not siblings or any(ctx.verdicts[n] == "wrong" for n in siblings):
        return
    j, k = idx
    delta, a = ctx.own.delta[l][ctx.e][j - 1], ctx.own.a[l - 1][ctx.e][k - 1]
    given = ctx.answers.values[name]
    yield given, (f"a slip in the product: {text_label(name)} = δ^({l})_{j} · {_prev(l, k)} = "
                  f"{_n(ctx, delta)} · {_n(ctx, a)} = {ctx.fmt(ctx.right(name))}; "
                  f"the other entries fit δ^({l}) {('x' if l == 1 else f'a^({l - 1})')}ᵀ")


PATTERNS: tuple[Callable[[Context, str], Iterator[Candidate]], ...] = (
    sign_flipped, half_of_cost, batch_sum, sigma_prime_missing, sigma_prime_at_a, transposed, another_weight,
    bias_times_input, step_direction, outer_product_swapped, early_rounding, outer_product_slip,
)


# --- helpers ----------------------------------------------------------------------------

def _elementwise_delta(ctx: Context, l: int) -> bool:
    net = ctx.spec.network
    act = net.layers[l - 1].activation
    return act.elementwise and not (l == net.depth and net.fused_output) and act.name not in ("identity", "step")


def _factors(ctx: Context, l: int, j: int) -> tuple[Any, Any]:
    """The upstream sum and σ'(z) of δ^(l)_j as the student's own values give them."""
    e, mode = ctx.e, ctx.own.mode
    act = ctx.spec.network.layers[l - 1].activation
    up = ctx.own.upstream[l][e, j - 1]
    s = act.derivative(ctx.own.z[l][e:e + 1, j - 1:j], ctx.own.a[l][e:e + 1, j - 1:j], mode)[0, 0]
    return up, s


def _upstream_label(ctx: Context, l: int, j: int) -> str:
    return f"∂C/∂ŷ_{j}" if l == ctx.spec.network.depth else f"Σ_k w^({l + 1})_k{j} δ^({l + 1})_k"


# --- the step's correct formula with its numbers, for every wrong value ---------------------

def _n(ctx: Context, value: Any) -> str:
    """A number as a factor: in parentheses when negative (0.001 · (−432), not 0.001 · −432)."""
    text = ctx.fmt(value)
    return f"({text})" if text.startswith("−") else text


def _dot(ctx: Context, pairs: Any) -> str:
    """Σ x·y with its numbers: "0.4 · 0.1385 + 0.45 · (−0.2)"."""
    return " + ".join(f"{_n(ctx, x)} · {_n(ctx, y)}" for x, y in pairs)


def formula(ctx: Context, name: str) -> str:
    """``name``'s equation with the numbers it takes from the student's own earlier values
    (the true ones where the student gave none), and the value they give: what a student
    whose value is wrong for no named reason redoes. "" where the step has no such line."""
    stem, l, idx = split(name)
    net, own, e = ctx.spec.network, ctx.own, ctx.e
    right = ctx.fmt(ctx.right(name))
    label = text_label(name)
    if stem == "z":
        j = idx[0]
        weights, bias = own.params[l - 1]
        inputs = own.a[l - 1][e]
        rule = " + ".join(f"w^({l})_{j}{k} {_prev(l, k)}" for k in range(1, len(inputs) + 1))
        nums = _dot(ctx, zip(weights[j - 1], inputs))
        if bias is not None:
            rule, nums = rule + f" + b^({l})_{j}", nums + f" + {_n(ctx, bias[j - 1])}"
        return f"{label} = {rule} = {nums} = {right}"
    if stem in ("a", "output"):
        l = net.depth if stem == "output" else l
        act, j = net.layers[l - 1].activation, idx[0]
        if not act.elementwise:
            return f"{label} = {act.name}(z^({l}))_{j} = {right}"
        return f"{label} = σ(z^({l})_{j}) = {act.name}({ctx.fmt(own.z[l][e][j - 1])}) = {right}"
    if stem == "delta":
        j = idx[0]
        if l == net.depth and net.fused_output:
            return (f"{label} = ŷ_{j} − y_{j} = {_n(ctx, own.a[l][e][j - 1])} − {_n(ctx, own.y[e][j - 1])} = {right}")
        act = net.layers[l - 1].activation
        if not act.elementwise:  # softmax without its matched loss: δ = Jᵀ ∂C/∂a
            total = _dot(ctx, zip(own.a[l][e], own.upstream[l][e]))
            return (f"{label} = a^({l})_{j} (∂C/∂a^({l})_{j} − Σ_k a^({l})_k ∂C/∂a^({l})_k) = "
                    f"{_n(ctx, own.a[l][e][j - 1])} · ({_n(ctx, own.upstream[l][e][j - 1])} − ({total})) = {right}")
        up, s = _factors(ctx, l, j)
        if l == net.depth:
            return f"{label} = ∂C/∂ŷ_{j} · σ'(z^({l})_{j}) = {_n(ctx, up)} · {_n(ctx, s)} = {right}"
        weights = own.params[l][0]
        deltas = own.delta[l + 1][e]
        rule = " + ".join(f"w^({l + 1})_{k}{j} δ^({l + 1})_{k}" for k in range(1, len(deltas) + 1))
        nums = _dot(ctx, zip(weights[:, j - 1], deltas))
        if len(deltas) > 1:
            rule, nums = f"({rule})", f"({nums})"
        return f"{label} = {rule} σ'(z^({l})_{j}) = {nums} · {_n(ctx, s)} = {right}"
    if stem in ("grad_W", "grad_b") and len(ctx.spec.examples) > 1:
        what = f"δ^({l})_{idx[0]} {_prev(l, idx[1])}" if stem == "grad_W" else f"δ^({l})_{idx[0]}"
        return f"{label} = (1/{len(ctx.spec.examples)}) Σ_i {what} over the examples = {right}"
    if stem == "grad_W":
        j, k = idx
        return (f"{label} = δ^({l})_{j} {_prev(l, k)} = {_n(ctx, own.delta[l][e][j - 1])} · "
                f"{_n(ctx, own.a[l - 1][e][k - 1])} = {right}")
    if stem == "grad_b":
        return f"{label} = δ^({l})_{idx[0]} = {right}"
    if stem == "grad_x":
        k = idx[0]
        weights, deltas = own.params[0][0], own.delta[1][e]
        rule = " + ".join(f"w^(1)_{j}{k} δ^(1)_{j}" for j in range(1, len(deltas) + 1))
        return f"{label} = {rule} = {_dot(ctx, zip(weights[:, k - 1], deltas))} = {right}"
    if stem in ("W_new", "b_new") and net.learning_rate is not None:
        weights, bias = own.params[l - 1]
        old = weights[idx[0] - 1, idx[1] - 1] if stem == "W_new" else bias[idx[0] - 1]
        grad = own.grad_W[l][idx[0] - 1, idx[1] - 1] if stem == "W_new" else own.grad_b[l][idx[0] - 1]
        rate = float(net.learning_rate) if own.mode.is_float else net.learning_rate
        symbol = f"w^({l})_{''.join(map(str, idx))}" if stem == "W_new" else f"b^({l})_{idx[0]}"
        return f"{label} = {symbol} − α ∂C/∂{symbol} = {_n(ctx, old)} − {_n(ctx, rate)} · {_n(ctx, grad)} = {right}"
    if stem == "cost" and len(ctx.spec.examples) > 1:
        return f"C = (1/{len(ctx.spec.examples)}) Σ_i C_i, the mean of the examples' costs = {right}"
    if stem == "cost":
        outputs, targets = own.a[net.depth][e], own.y[e]
        if net.loss.name in ("half_sse", "mse"):
            terms = " + ".join(f"({_n(ctx, t)} − {_n(ctx, o)})²" for o, t in zip(outputs, targets))
            front = "½" if net.loss.name == "half_sse" else f"(1/{len(outputs)})"
            return f"C = {front} Σ_j (y_j − ŷ_j)² = {front} ({terms}) = {right}"
        if net.loss.name == "bce":
            terms = " + ".join(f"{_n(ctx, t)} · ln {_n(ctx, o)} + (1 − {_n(ctx, t)}) · ln(1 − {_n(ctx, o)})"
                               for o, t in zip(outputs, targets))
            return f"C = −Σ_j [y_j ln ŷ_j + (1 − y_j) ln(1 − ŷ_j)] = −({terms}) = {right}"
        terms = " + ".join(f"{_n(ctx, t)} · ln {_n(ctx, o)}" for o, t in zip(outputs, targets))
        return f"C = −Σ_j y_j ln ŷ_j = −({terms}) = {right}"
    if stem == "cost_new":
        return f"{label}: the forward pass again with the parameters after the step gives C = {right}"
    return f"{label} = {right} from your own earlier values"
