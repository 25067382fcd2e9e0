"""A network as a computation graph: backpropagation is reverse mode on it.

Each weighted sum z^(l)_j = Σ_k w^(l)_jk a^(l−1)_k + b^(l)_j becomes products and sums, each
activation one node, and the cost its own few nodes. The weights, biases, inputs and targets
are the graph's inputs, so one adjoint pass from C gives ∂C/∂w for every weight at once, and
the adjoint of each z node is that neuron's δ (Eq. 3.18/3.23): the same numbers the
backprop engine computes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..errors import SpecError
from .graph import Arg, Const, Graph, Node
from ..engine.network import Spec
from .terms import Sym


@dataclass(frozen=True)
class NetworkGraph:
    """The graph, the values of its inputs, and which node is which quantity of the network."""

    graph: Graph
    at: dict[str, sp.Rational]
    z: dict[tuple[int, int], int]             # (l, j) → node of z^(l)_j
    a: dict[tuple[int, int], int]             # (l, j) → node of a^(l)_j (l = 0: the inputs)
    weight: dict[tuple[int, int, int], int]   # (l, j, k) → input node of w^(l)_jk
    bias: dict[tuple[int, int], int]          # (l, j) → input node of b^(l)_j


_OPS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu"}


class _Nodes:
    def __init__(self) -> None:
        self.inputs: list[Node] = []
        self.ops: list[Node] = []
        self.at: dict[str, sp.Rational] = {}

    def input(self, key: str, name: Sym, value: Any) -> tuple[str, int]:
        self.inputs.append(Node("input", name=name, source=key))
        self.at[key] = sp.Rational(value)
        return ("in", len(self.inputs) - 1)

    def op(self, op: str, *args: Any, param: Any = None, name: Sym | None = None) -> tuple[str, int]:
        self.ops.append(Node(op, tuple(args), param, name))
        return ("op", len(self.ops) - 1)

    def name(self, ref: tuple[str, int], name: Sym) -> None:
        node = self.ops[ref[1]]
        self.ops[ref[1]] = Node(node.op, node.args, node.param, name, node.column, node.source)

    def position(self, ref: Any) -> Arg:
        if isinstance(ref, Const):
            return ref
        kind, i = ref
        return i if kind == "in" else len(self.inputs) + i


def network_graph(spec: Spec, example: int = 0) -> NetworkGraph:
    """The graph of ``spec``'s network and cost on one example (0-based)."""
    net, notation = spec.network, spec.notation
    if not 0 <= example < len(spec.examples):
        raise SpecError("--example-index", f"there is no example {example + 1}",
                        f"choose 1 to {len(spec.examples)}")
    ex = spec.examples[example]
    layer_sup = (lambda l: f"({l})") if notation.layer_index == "()" else (lambda l: f"[{l}]")
    nodes = _Nodes()
    a_refs = [nodes.input(f"x{k + 1}", Sym("x", str(k + 1)), v) for k, v in enumerate(ex.x)]
    weight_refs: dict[tuple[int, int, int], Any] = {}
    bias_refs: dict[tuple[int, int], Any] = {}
    for l, layer in enumerate(net.layers, start=1):
        for j, row in enumerate(layer.weights, start=1):
            for k, w in enumerate(row, start=1):
                pair = f"{j}{k}" if notation.index_order == "jk" else f"{k}{j}"
                weight_refs[(l, j, k)] = nodes.input(f"w{l}_{j}{k}", Sym("w", pair, layer_sup(l)), w)
            if layer.bias is not None:
                name = Sym("w", f"{j}0", layer_sup(l)) if notation.bias == "w0" else Sym("b", str(j), layer_sup(l))
                bias_refs[(l, j)] = nodes.input(f"b{l}_{j}", name, layer.bias[j - 1])
    y_refs = [nodes.input(f"y{j + 1}", Sym("y", str(j + 1)), v) for j, v in enumerate(ex.y)]

    z_refs: dict[tuple[int, int], Any] = {}
    a_of: dict[tuple[int, int], Any] = {(0, k + 1): ref for k, ref in enumerate(a_refs)}
    for l, layer in enumerate(net.layers, start=1):
        act = layer.activation
        if not act.elementwise:
            raise SpecError(f"layers[{l}].activation", f"{act.name} is not elementwise, so it is not drawn as a graph here",
                            "use an elementwise output activation (sigmoid, identity, …) for --graph")
        outputs = []
        for j in range(1, layer.n_out + 1):
            terms = [nodes.op("mul", weight_refs[(l, j, k)], a_of[(l - 1, k)]) for k in range(1, layer.n_in + 1)]
            z = terms[0]
            for term in terms[1:]:
                z = nodes.op("add", z, term)
            if (l, j) in bias_refs:
                z = nodes.op("add", z, bias_refs[(l, j)])
            nodes.name(z, Sym("z", str(j), layer_sup(l)))
            z_refs[(l, j)] = z
            if act.name == "identity":
                a = z
            elif act.name == "square":
                a = nodes.op("pow", z, param=sp.Integer(2))
            elif act.name in _OPS and not act.params:
                a = nodes.op(_OPS[act.name], z)
            else:
                a = nodes.op("activation", z, param=act)
            if a is not z:
                nodes.name(a, Sym("a", str(j), layer_sup(l)))
            outputs.append(a)
        a_of.update({(l, j + 1): ref for j, ref in enumerate(outputs)})
    yhat = [a_of[(net.depth, j)] for j in range(1, net.sizes[-1] + 1)]
    cost = _cost(nodes, net.loss.name, y_refs, yhat)
    nodes.name(cost, Sym(notation.cost_symbol))

    ops = [Node(o.op, tuple(nodes.position(a) for a in o.args), o.param, o.name) for o in nodes.ops]
    graph = Graph(tuple(nodes.inputs) + tuple(ops), (nodes.position(cost),), (Sym(notation.cost_symbol),),
                  spec.name or "network", named=True)
    return NetworkGraph(
        graph, nodes.at,
        {key: nodes.position(ref) for key, ref in z_refs.items()},
        {key: nodes.position(ref) for key, ref in a_of.items()},
        {key: nodes.position(ref) for key, ref in weight_refs.items()},
        {key: nodes.position(ref) for key, ref in bias_refs.items()},
    )


def _cost(nodes: _Nodes, loss: str, y: list, yhat: list) -> Any:
    """The cost of one example as elementary operations (Eq. 3.11 and its relatives)."""
    if loss in ("half_sse", "mse"):
        terms = [nodes.op("pow", nodes.op("sub", yj, aj), param=sp.Integer(2)) for yj, aj in zip(y, yhat)]
        total = _sum(nodes, terms)
        scale = sp.Rational(1, 2) if loss == "half_sse" else sp.Rational(1, len(y))
        return nodes.op("mul", Const(scale), total)
    if loss == "bce":
        terms = []
        for yj, aj in zip(y, yhat):
            hit = nodes.op("mul", yj, nodes.op("log", aj))
            miss = nodes.op("mul", nodes.op("sub", Const(sp.Integer(1)), yj),
                            nodes.op("log", nodes.op("sub", Const(sp.Integer(1)), aj)))
            terms.append(nodes.op("add", hit, miss))
        return nodes.op("neg", _sum(nodes, terms))
    raise SpecError("loss", f"{loss} is not drawn as a graph here", "use half_sse, mse or bce with --graph")


def _sum(nodes: _Nodes, terms: list) -> Any:
    total = terms[0]
    for term in terms[1:]:
        total = nodes.op("add", total, term)
    return total
