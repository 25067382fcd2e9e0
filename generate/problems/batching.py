"""``batching``: one epoch of full-batch, stochastic and mini-batch gradient descent on 3–4
examples (Herrmann Algorithms 5–7); the parameters after each variant's epoch.

Every update is ``derive``'s: the mean-cost gradient of the examples in the (mini-)batch,
then W ← W − α ∂C/∂W, b ← b − α ∂C/∂b.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from gradsheet.derive.engine import backprop
from gradsheet.derive.errors import SpecError
from gradsheet.derive.engine.network import Spec
from gradsheet.derive.engine.numbers import EXACT, FLOAT, Mode, hand
from gradsheet.derive.printing.report import Report
from gradsheet.derive.printing.step import Section, Step
from gradsheet.derive.printing.steps import delta_steps, forward_steps, gradient_steps

from .. import networks
from ..carry import Follow, Work, fmt
from ..options import Table
from ..problem import Problem, Question
from ..sheet import Sheet
from . import Kind, split_points
from .forward import statement


@dataclass(frozen=True)
class Options:
    net: networks.NetOptions
    examples: int
    batch: int


def options(t: Table, difficulty: str) -> Options:
    t.default("sizes", [2, 1] if difficulty != "hard" else [2, 2, 1])
    t.default("activation", "identity" if difficulty != "hard" else ["relu", "identity"])
    t.default("bias", True)
    t.default("learning_rate", "1/10")
    net = networks.parse(t, difficulty, learning_rate=True, examples=None)
    if net.given is not None:  # its examples are the epoch's
        count = len(net.given.examples)
        if t.written("examples") and t.peek("examples", count) != count:
            raise SpecError(t.where("examples"), f"the given network has {count} examples",
                            "leave examples out, or change the network's [[examples]]")
        if not 2 <= count <= 8:
            raise SpecError(net.given.where, f"{count} example{'s' if count > 1 else ''}: an epoch here takes 2 to 8",
                            "give 2 to 8 [[examples]]")
        t.default("examples", count)
        t.data["examples"] = count
    examples = t.integer("examples", 4, 2, 8)
    batch = t.integer("batch_size", 2, 1, examples)
    return Options(net, examples, batch)


@dataclass(frozen=True)
class Update:
    """One step of an epoch: the batch, each example's gradient, their mean, the new parameters."""

    batch: list[int]
    before: Any  # params
    per_example: list[list[tuple[Any, Any]]]  # [example][layer] → (∂C_i/∂W, ∂C_i/∂b)
    mean: list[tuple[Any, Any]]  # [layer] → (∂C/∂W, ∂C/∂b), Eq. 3.14/3.16 averaged over the batch
    after: Any  # params


def _epoch(spec: Spec, rate: Any, batches: list[list[int]], mode: Mode, net: networks.NetOptions) -> list[Update]:
    """One update per batch (Algorithm 5, 6 or 7): W ← W − α (1/|B|) Σ_{i∈B} ∂C_i/∂W."""
    network = spec.network
    params = backprop.parameters(network, mode)
    x, y = backprop.batch_arrays(spec.examples, mode)
    updates = []
    for batch in batches:
        fwd = backprop.forward(network, params, x[batch], y[batch], mode)
        if backprop.kinks(network, fwd):  # σ'(0) of ReLU is a convention, not something to test
            networks.reject(net, "a z of the epoch sits exactly on its activation's kink",
                            "change a weight or an input, or draw them per student with vary")
        bwd = backprop.backward(network, params, fwd, mode)
        # ∂C_i/∂W^(l) = δ_i^(l) a_i^(l−1)ᵀ (Eq. 3.14), ∂C_i/∂b^(l) = δ_i^(l) (Eq. 3.16)
        # (hand mode: each rounded, as backprop.backward rounds them before their mean)
        per_example = [[(mode.fix(np.outer(layer.delta[i], fwd.a(l)[i])), None if layer.grad_b is None else layer.delta[i])
                        for l, layer in enumerate(bwd.layers)] for i in range(len(batch))]
        after = backprop.step(params, bwd, rate, mode)
        updates.append(Update(batch, params, per_example, [(g.grad_W, g.grad_b) for g in bwd.layers], after))
        params = after
    return updates


SCREEN_MARGIN = 2  # float rejects an epoch only past twice the bound: exact decides the rest


def _screen(spec: Spec, rate: Any, schemes: list[list[list[int]]], bound: int) -> None:
    """The three epochs in float first: a learning rate that makes the parameters diverge
    (10 on a deep network: 3.7·10¹¹ after two SGD steps) is rejected in microseconds, not
    after exact epochs whose fractions grow to thousands of digits (50 ms a draw, 1,000
    draws). Only what is certainly past the bound is rejected, so the exact check below keeps
    every draw it accepted."""
    network = spec.network
    x, y = backprop.batch_arrays(spec.examples, FLOAT)
    limit = SCREEN_MARGIN * bound
    with np.errstate(all="ignore"):
        for key, batches in zip(("full-batch", "SGD", "mini-batch"), schemes):
            params = backprop.parameters(network, FLOAT)
            for u, batch in enumerate(batches, start=1):
                fwd = backprop.forward(network, params, x[batch], y[batch], FLOAT)
                bwd = backprop.backward(network, params, fwd, FLOAT)
                params = backprop.step(params, bwd, float(rate), FLOAT)
                values = [v for w, b in params for v in (w, b) if v is not None]
                values += [v for g in bwd.layers for v in (g.grad_W, g.grad_b) if v is not None] if key == "full" else []
                worst = max(float(np.max(np.abs(v))) for v in values)
                if not worst <= limit:  # nan too
                    raise networks.Degenerate(f"{key} update {u}: a parameter = {worst:g} is beyond the bound {bound}")


def _sections(spec: Spec, updates: list[Update], sheet: Sheet, rate: Any, numbers: str, mode: Mode,
              title: str) -> list[Section]:
    """The worked epoch: for each update, each example of its batch through the network and
    back (Eq. 3.4, 3.18/3.23, 3.14/3.16, from the parameters before the update), then the
    batch's mean gradient and the step."""
    p = sheet.solution_printer(numbers)
    x, y = backprop.batch_arrays(spec.examples, mode)
    say = sheet.say
    batch = say("each example of the batch forward and back, then the mean gradient and the step"
                if len(updates[0].batch) > 1 else "the example forward and back, then the step")
    count = say("{n} updates in the epoch" if len(updates) > 1 else "{n} update in the epoch", n=len(updates))
    out = [Section(title, (), say("{count}: {batch}.", count=count, batch=batch))]
    for u, update in enumerate(updates, start=1):
        where = say("update {u}", u=u) if len(updates) > 1 else say("the update")
        for i in update.batch:
            fwd = backprop.forward(spec.network, update.before, x[i:i + 1], y[i:i + 1], mode)
            bwd = backprop.backward(spec.network, update.before, fwd, mode)
            report = Report(spec, backprop.Trace(mode, spec.network, update.before, fwd, bwd, None, ()), None, None, None)
            steps = forward_steps(report, p, 0) + delta_steps(report, p, 0) + gradient_steps(report, p)
            out.append(Section(say("Example {i}, {where}: forward and backward pass", i=i + 1, where=where), tuple(steps)))
        what = say("mean gradient and step" if len(update.batch) > 1 else "step")
        out.append(Section(f"{where[0].upper()}{where[1:]}: {what}",
                           tuple(_update_steps(update, u, sheet, rate, numbers))))
    return out


def _update_steps(update: Update, u: int, sheet: Sheet, rate: Any, numbers: str) -> list[Step]:
    """The batch mean of the examples' gradients, then the step, with the numbers in
    (decimal style: the hand computation, with α ∂C/∂W as it is rounded before the subtraction)."""
    p, n = sheet.solution_printer(numbers), sheet.notation
    alpha = p.number(rate)
    steps: list[Step] = []
    size = len(update.batch)
    for l in range(len(update.mean)):
        for name, pick, show in (("W", 0, p.matrix), ("b", 1, p.vector)):
            if update.mean[l][pick] is None:
                continue
            symbol = n.matrix(name, l + 1)
            grads = [show(per[l][pick]) for per in update.per_example]
            mean = show(update.mean[l][pick])
            if size > 1:
                steps += [Step(rf"\frac{{\partial C_{{{i + 1}}}}}{{\partial {symbol}}}", "", "", g)
                          for i, g in zip(update.batch, grads)]
            if size == 1:
                steps.append(Step(rf"\frac{{\partial C_{{{update.batch[0] + 1}}}}}{{\partial {symbol}}}", "", "", mean,
                                  n.ref("Eq. 3.14" if name == "W" else "Eq. 3.16")))
            else:
                # entry by entry as well: (1/m)(g₁ + g₂ + …) for each weight
                detail = tuple(Step(_entry(n, name, l + 1, index), "", rf"\tfrac{{1}}{{{size}}}\left("
                                    + " + ".join(p.factor(per[l][pick][index]) for per in update.per_example)
                                    + r"\right)", p.number(update.mean[l][pick][index]))
                               for index in np.ndindex(update.mean[l][pick].shape))
                steps.append(Step(rf"\frac{{1}}{{{size}}}\sum_{{i}} \frac{{\partial C_i}}{{\partial {symbol}}}", "",
                                  rf"\tfrac{{1}}{{{size}}}\big(" + " + ".join(grads) + r"\big)", mean, "", detail))
            before = show(update.before[l][pick])
            product = rate * update.mean[l][pick]
            rounded = p.mode.fix(product)
            detail = tuple(Step(_entry(n, name, l + 1, index, new=True), "",
                                rf"{p.number(update.before[l][pick][index])} - {alpha} \cdot "
                                rf"{p.factor(update.mean[l][pick][index])}", p.number(update.after[l][pick][index]),
                                intermediate=rf"{p.number(update.before[l][pick][index])} - "
                                             rf"{p.factor(rounded[index])}" if rounded[index] != product[index] else "")
                           for index in np.ndindex(product.shape))
            steps.append(Step(rf"{symbol}_{{[{u}]}}", rf"{symbol}_{{[{u - 1}]}} - \alpha\, \frac{{\partial C}}{{\partial {symbol}}}",
                              rf"{before} - {alpha} \cdot {mean}", show(update.after[l][pick]), "", detail,
                              intermediate=rf"{before} - {show(rounded)}" if (rounded != product).any() else ""))
    return steps


def _entry(n: Any, name: str, l: int, index: tuple[int, ...], new: bool = False) -> str:
    """One entry's symbol in the sheet's notation: ∂C/∂w^(l)_jk, or w^(l)_jk once updated."""
    symbol = n.w(l, index[0] + 1, index[1] + 1) if name == "W" else n.b(l, index[0] + 1)
    return rf"{{{symbol}}}_{{\text{{new}}}}" if new else rf"\frac{{\partial C}}{{\partial {symbol}}}"


def make(rng: np.random.Generator, opts: Options, sheet: Sheet, points: int) -> Problem:
    data = networks.sample(rng, opts.net, opts.examples, screen_forward=True)
    computed = networks.compute({k: v for k, v in data.items() if k != "learning_rate"}, opts.net, sheet.decimals,
                                sheet.notation, screened=networks.backward_screened(opts.net))
    computed = networks.Computed(data, computed.spec, computed.trace, computed.hand)
    x = computed.trace.forward.x
    m, k = opts.examples, opts.batch
    if len({tuple(row) for row in x.tolist()}) < m:
        networks.reject(opts.net, "two examples share an input")
    schemes = {
        "full": (sheet.say("Full-batch gradient descent (Algorithm 5)"), [list(range(m))]),
        "sgd": (sheet.say("Stochastic gradient descent (Algorithm 6)"), [[i] for i in range(m)]),
        "mini": (sheet.say("Mini-batch gradient descent, batches of {k} (Algorithm 7)", k=k),
                 [list(range(s, min(s + k, m))) for s in range(0, m, k)]),
    }
    n, d = sheet.notation, sheet.decimals
    rate = opts.net.learning_rate
    try:
        _screen(computed.spec, rate, [batches for _, batches in schemes.values()], opts.net.bound)
    except networks.Degenerate as why:  # a given network: no draw brings it back
        networks.reject(opts.net, str(why), "give a smaller learning rate, or raise the problem's bound")
    sections, answers, groups, finals = [], [], [], {}
    for key, (title, batches) in schemes.items():
        # exact throughout; in decimal style also the hand-rounded epoch, whose drift over the
        # updates the key's tolerance must admit
        updates = _epoch(computed.spec, rate, batches, EXACT, opts.net)
        by_hand = _epoch(computed.spec, rate, batches, hand(d), opts.net) if not opts.net.integer else None
        worked = _sections(computed.spec, by_hand or updates, sheet, rate, opts.net.numbers,
                           hand(d) if by_hand else EXACT, title)
        # what is asked is each update's result, so that a slip in one update is carried into
        # the next rather than charged again: full batch its mean gradient and the step,
        # SGD and mini-batch the parameters after every update
        asked = [("grad_", lambda u: u.mean), ("", lambda u: u.after)] if key == "full" else [("", lambda u: u.after)]
        parts = []
        for u, update in enumerate(updates):
            prefix = key if key == "full" else f"{key}{u + 1}"
            for what, pick in asked:
                hand_params = None if by_hand is None else pick(by_hand[u])
                for name, symbol, v, h in _entries(n, pick(update), hand_params):
                    networks._check_value(f"{prefix}_{what}{name.split('[')[0]}", v, opts.net, d)
                    label = rf"\partial C / \partial {symbol}" if what else symbol
                    when = sheet.say("full") if key == "full" else sheet.say("{scheme}, update {u}", scheme=key, u=u + 1)
                    answers.append(networks.answer(f"{prefix}_{what}{name}", rf"{label}\ \text{{({when})}}", v, h, d))
                    parts.append(answers[-1].part)
        finals[key] = updates[-1].after
        sections += worked
        ask = sheet.say("the mean gradient, then the parameters after the update" if key == "full" else
                        "the parameters after each update")
        groups.append((sheet.say("{title}: {ask}.", title=title, ask=ask), parts))
    if _same_params(finals["full"], finals["sgd"]):
        networks.reject(opts.net, "full-batch and SGD end alike")
    shares = split_points(points, [1, 1, 1])
    return Problem(
        kind="batching", title="Full-batch, stochastic and mini-batch gradient descent", points=points,
        statement={**statement(computed, sheet, learning_rate=True), "m": m, "batch": k,
                   "cost": computed.spec.network.loss.latex},
        questions=tuple(Question(t, s, tuple(parts)) for (t, parts), s in zip(groups, shares)),
        solution=tuple(sections), answers=tuple(answers),
        network=computed.data, fingerprint=networks.fingerprint(computed.data),
        data={"batch": k},
    )


def _entries(n: Any, params: Any, hand_params: Any) -> list[tuple[str, str, Any, Any]]:
    """(part name, symbol, exact value, hand value) of every W and b entry of ``params``."""
    out = []
    for l, (w, b) in enumerate(params, start=1):
        hw, hb = (None, None) if hand_params is None else hand_params[l - 1]
        out += [(f"W{l}[{j},{c}]", n.w(l, j, c), v, None if hw is None else hw[j - 1][c - 1])
                for j, row in enumerate(w, start=1) for c, v in enumerate(row, start=1)]
        if b is not None:
            out += [(f"b{l}[{j}]", n.b(l, j), v, None if hb is None else hb[j - 1]) for j, v in enumerate(b, start=1)]
    return out


def _same_params(a: Any, b: Any) -> bool:
    return all((np.asarray(wa) == np.asarray(wb)).all() and (ba is None or (np.asarray(ba) == np.asarray(bb)).all())
               for (wa, ba), (wb, bb) in zip(a, b))


# --- grading: each update starts from the student's own parameters after the update before

def _schemes(work: Work) -> dict[str, list[list[int]]]:
    assert work.network is not None
    m, k = len(work.network.examples), int(work.data["batch"])
    return {"full": [list(range(m))], "sgd": [[i] for i in range(m)],
            "mini": [list(range(s, min(s + k, m))) for s in range(0, m, k)]}


def _mode(work: Work) -> Mode:
    assert work.network is not None
    return EXACT if work.network.network.rational else FLOAT


def _written(work: Work, prefix: str, params: Any) -> Any:
    """``params`` with the student's entries put in where they wrote them (``prefix``W1[1,1], …),
    in the mode's numbers (float64 on a float network: NumPy's tanh takes no SymPy number)."""
    mode = _mode(work)

    def entry(part: str, value: Any) -> Any:
        mine = work.number(part)
        return value if mine is None else mine

    return [(mode.array([[entry(f"{prefix}W{l}[{j + 1},{c + 1}]", v) for c, v in enumerate(row)]
                         for j, row in enumerate(w)]),
             None if b is None else mode.array([entry(f"{prefix}b{l}[{j + 1}]", v) for j, v in enumerate(b)]))
            for l, (w, b) in enumerate(params, start=1)]


def _walk(work: Work) -> dict[str, tuple[Any, Any, Any, list[int]]]:
    """Per scheme and update, the prefix of its parts → (the student's parameters before it,
    the mean gradient from those, the update from those, the batch)."""
    return work.once("batching.walk", lambda: _epochs_followed(work))


def _epochs_followed(work: Work) -> dict[str, tuple[Any, Any, Any, list[int]]]:
    spec, mode = work.network, _mode(work)
    assert spec is not None
    rate = spec.network.learning_rate
    start = backprop.parameters(spec.network, mode)
    x, y = backprop.batch_arrays(spec.examples, mode)
    out = {}
    for key, batches in _schemes(work).items():
        before = start
        for u, batch in enumerate(batches):
            prefix = "full_" if key == "full" else f"{key}{u + 1}_"
            fwd = backprop.forward(spec.network, before, x[batch], y[batch], mode)
            bwd = backprop.backward(spec.network, before, fwd, mode)
            after = backprop.step(before, bwd, rate, mode)
            mean = [(g.grad_W, g.grad_b) for g in bwd.layers]
            out[prefix] = (before, mean, after, batch)
            before = _written(work, prefix, after)  # the next update starts from what they wrote
    return out


def _flat(prefix: str, params: Any) -> dict[str, Any]:
    out = {}
    for l, (w, b) in enumerate(params, start=1):
        out.update({f"{prefix}W{l}[{j + 1},{c + 1}]": v for (j, c), v in np.ndenumerate(np.asarray(w, dtype=object))})
        if b is not None:
            out.update({f"{prefix}b{l}[{j + 1}]": v for j, v in enumerate(b)})
    return out


def _own(work: Work) -> dict[str, Any]:
    spec = work.network
    assert spec is not None
    rate = spec.network.learning_rate
    own: dict[str, Any] = {}
    for prefix, (before, mean, after, _) in _walk(work).items():
        if prefix == "full_":
            grads = _written(work, "full_grad_", mean)
            after = [(w - rate * gw, None if b is None else b - rate * gb) for (w, b), (gw, gb) in zip(before, grads)]
        own.update(_flat(prefix, after))
    return own


def _slips(work: Work, part: str) -> list[tuple[object, str]]:
    spec = work.network
    assert spec is not None
    rate, d = spec.network.learning_rate, work.decimals
    prefix = part[:part.index("_") + 1]
    steps = _walk(work)
    if prefix not in steps:
        return []
    before, mean, after, batch = steps[prefix]
    size = len(batch)
    if part.startswith("full_grad_"):
        name = part[len("full_grad_"):]
        g = _flat("", mean)[name]
        return [(size * g, f"summed over the batch instead of averaged: ∂C/∂{name} is the mean (1/{size}) Σ_i "
                           f"∂C_i/∂{name} = {fmt(g, d)}"),
                (-g, f"the sign is flipped: ∂C/∂{name} = {fmt(g, d)}")]
    name = part[len(prefix):]
    old = _flat("", before)[name]
    grads = _written(work, "full_grad_", mean) if prefix == "full_" else mean
    g = _flat("", grads)[name]
    rule = f"{name} − α ∂C/∂{name} = {fmt(old, d)} − {fmt(rate, d)} · {fmt(g, d)} = {fmt(old - rate * g, d)}"
    out = [(old + rate * g, f"the step was added instead of subtracted: {rule}"),
           (old - g, f"the learning rate was left out: {rule}")]
    if size > 1:
        out.append((old - rate * size * g, f"the gradients of the batch were summed, not averaged: {rule}"))
    if prefix != "full_" and prefix[-2] != "1":
        out.append((_flat("", before)[name], f"the parameters were not updated: {rule}"))
    return out


KIND = Kind("batching", "Full-batch, stochastic and mini-batch gradient descent",
            "one epoch of full-batch, stochastic and mini-batch descent on 3–4 examples", options, make,
            follow=Follow(_own, _slips))
