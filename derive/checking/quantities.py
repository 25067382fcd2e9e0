"""The named quantities of a trace: ``z1[2]``, ``delta2[1]``, ``grad_W1[2,2]``, ``cost_new``.

One vocabulary for every place a single value is named: ``generate``'s answer keys and the
answers a student hands in. Layers are numbered 1…L and entries 1-based, as in ``derive``'s
JSON output; the output layer's activations are ``output`` (ŷ), not ``aL``.

========================  ======================================  ===========
name                      value                                   per example
========================  ======================================  ===========
``z{l}[j]``, ``a{l}[j]``  z_j^(l), a_j^(l) (a for l < L)          yes
``output[j]``             ŷ_j                                     yes
``cost``                  C (the batch mean)                      no
``delta{l}[j]``           δ_j^(l)                                 yes
``grad_W{l}[j,k]``        ∂C/∂w_jk^(l)                            no
``grad_b{l}[j]``          ∂C/∂b_j^(l)                             no
``grad_x[k]``             ∂C/∂x_k                                 yes
``W{l}_new[j,k]``         w_jk^(l) after one gradient step        no
``b{l}_new[j]``           b_j^(l) after the step                  no
``cost_new``              C after the step                        no
========================  ======================================  ===========
"""

from __future__ import annotations

from typing import Any

from ..engine.backprop import Trace
from ..engine.notation import Notation


def entries(trace: Trace, example: int = 0) -> dict[str, Any]:
    """Every named value of ``trace``; per-example ones for example ``example`` (0-based)."""
    fwd, bwd, out = trace.forward, trace.backward, {}
    L = trace.network.depth
    for l in range(1, L + 1):
        for j, v in enumerate(fwd.z(l)[example], start=1):
            out[f"z{l}[{j}]"] = v
        if l < L:
            for j, v in enumerate(fwd.a(l)[example], start=1):
                out[f"a{l}[{j}]"] = v
    for j, v in enumerate(fwd.output[example], start=1):
        out[f"output[{j}]"] = v
    out["cost"] = fwd.cost
    for l in range(1, L + 1):
        for j, v in enumerate(bwd.delta(l)[example], start=1):
            out[f"delta{l}[{j}]"] = v
    for l, layer in enumerate(bwd.layers, start=1):
        for j, row in enumerate(layer.grad_W, start=1):
            for k, v in enumerate(row, start=1):
                out[f"grad_W{l}[{j},{k}]"] = v
        if layer.grad_b is not None:
            for j, v in enumerate(layer.grad_b, start=1):
                out[f"grad_b{l}[{j}]"] = v
    for k, v in enumerate(bwd.grad_x[example], start=1):
        out[f"grad_x[{k}]"] = v
    if trace.update is not None:
        for l, (w, b) in enumerate(trace.update.params, start=1):
            for j, row in enumerate(w, start=1):
                for k, v in enumerate(row, start=1):
                    out[f"W{l}_new[{j},{k}]"] = v
            if b is not None:
                for j, v in enumerate(b, start=1):
                    out[f"b{l}_new[{j}]"] = v
        out["cost_new"] = trace.update.forward.cost
    return out


def names(spec: Any) -> list[str]:
    """Every entry name a spec's trace has (``z1[1]`` … ``cost_new``), in trace order."""
    from ..engine.backprop import trace
    from ..engine.numbers import FLOAT

    return list(entries(trace(spec.network, spec.examples, FLOAT)))


def _split(name: str) -> tuple[str, int | None, tuple[int, ...]]:
    """``grad_W1[2,2]`` → (``grad_W``, 1, (2, 2)); ``cost`` → (``cost``, None, ())."""
    head, _, rest = name.partition("[")
    index = tuple(int(i) for i in rest.rstrip("]").split(",")) if rest else ()
    new = head.endswith("_new")
    if new:
        head = head[:-4]
    stem = head.rstrip("0123456789")
    layer = int(head[len(stem):]) if len(stem) < len(head) else None
    return stem + ("_new" if new else ""), layer, index


def label(name: str, notation: Notation, outputs: int = 1) -> str:
    """The LaTeX symbol of a named quantity in the lectures' notation."""
    stem, l, idx = _split(name)
    cost = notation.cost_symbol
    if stem in ("z", "a", "delta"):
        return notation.node(stem, l, idx[0])
    if stem == "output":
        return r"\hat{y}" if outputs == 1 else rf"\hat{{y}}_{{{idx[0]}}}"
    if stem == "cost":
        return cost
    if stem == "cost_new":
        return rf"{cost}_{{\text{{new}}}}"
    if stem == "grad_W":
        return rf"\frac{{\partial {cost}}}{{\partial {notation.w(l, *idx)}}}"
    if stem == "grad_b":
        return rf"\frac{{\partial {cost}}}{{\partial {notation.b(l, idx[0])}}}"
    if stem == "grad_x":
        return rf"\frac{{\partial {cost}}}{{\partial x_{{{idx[0]}}}}}"
    if stem in ("W_new", "b_new"):
        old = notation.w(l, *idx) if stem == "W_new" else notation.b(l, idx[0])
        return rf"{{{old}}}_{{\text{{new}}}}"  # as the update step writes it (derive.printing.steps._new)
    raise KeyError(name)


def text_label(name: str) -> str:
    """The quantity as plain text in the lectures' notation: δ^(1)_2, ∂C/∂w^(1)_22, ŷ_1."""
    stem, l, idx = _split(name)
    sub = "".join(map(str, idx))
    if stem in ("z", "a"):
        return f"{stem}^({l})_{sub}"
    if stem == "delta":
        return f"δ^({l})_{sub}"
    if stem == "output":
        return f"ŷ_{sub}"
    if stem == "cost":
        return "C"
    if stem == "cost_new":
        return "C after the step"
    if stem == "grad_W":
        return f"∂C/∂w^({l})_{sub}"
    if stem == "grad_b":
        return f"∂C/∂b^({l})_{sub}"
    if stem == "grad_x":
        return f"∂C/∂x_{sub}"
    if stem == "W_new":
        return f"w^({l})_{sub} after the step"
    if stem == "b_new":
        return f"b^({l})_{sub} after the step"
    raise KeyError(name)


def split(name: str) -> tuple[str, int | None, tuple[int, ...]]:
    """``grad_W1[2,2]`` → (``grad_W``, 1, (2, 2)): stem, layer and 1-based index."""
    return _split(name)
