"""Everything ``derive --graph`` shows, computed once; the writers only format it.

For an expression: its traces and each derivative as a formula (checked against
``sympy.diff``). For a network: the reverse-mode trace of its cost and, node for node,
the adjoints beside the backprop engine's deltas and gradients.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from ..engine import backprop
from .autodiff import Symbolic, Traces, symbolic, trace
from ..errors import SpecError
from ..limits import MAX_GRAPH_PARAMETERS
from .expression import parse
from .graph import Graph
from ..engine.network import Spec
from .network_graph import network_graph
from ..engine.numbers import Mode, parse_number
from .terms import Sym

# Simplifying a derivative of many operations takes SymPy seconds; the formulas are for
# expressions a person writes out, so past this size they are left out and the report says so.
SYMBOLIC_LIMIT = 40


@dataclass(frozen=True)
class Agreement:
    """One network quantity two ways: the adjoint of its node, and the backprop engine's value."""

    label: Sym
    adjoint: Any
    backprop: Any

    @property
    def equal(self) -> bool:
        a, b = self.adjoint, self.backprop
        if isinstance(a, float) or isinstance(b, float):
            return abs(float(a) - float(b)) <= 1e-12 * max(1.0, abs(float(b)))
        return bool(a == b)


@dataclass(frozen=True)
class GraphReport:
    title: str
    traces: Traces
    symbolic: Symbolic | None
    agreement: tuple[Agreement, ...] = ()   # network graphs only
    skipped: str = ""

    @property
    def graph(self) -> Graph:
        return self.traces.graph

    @property
    def agrees(self) -> bool | None:
        if self.agreement:
            return all(row.equal for row in self.agreement)
        return self.symbolic.agrees if self.symbolic is not None else None


def parse_at(text: str | None) -> dict[str, Any]:
    """``x1=2,x2=5`` (or ``x1=2; x2=-1/2``) → {name: exact number}, in the order given."""
    if not text:
        return {}
    values: dict[str, Any] = {}
    for item in text.replace(" ", "").replace(";", ",").split(","):
        if not item:
            continue
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise SpecError("--at", f"{item!r} is not name=value", "write --at x1=2,x2=5")
        name = name.strip()
        if name in values:
            raise SpecError("--at", f"{name} is given twice", "give each input once")
        values[name] = parse_number(value.strip(), f"--at {name}")
    return values


def for_expression(text: str, at: Mapping[str, Any], mode: Mode, how: str = "both",
                   wrt: Sequence[str] | None = None) -> GraphReport:
    if not at:
        raise SpecError("--at", "no input values given", "add --at x1=2,x2=5")
    graph = parse(text, list(at))
    chosen = _wrt(graph, wrt)
    traces = trace(graph, at, mode, forward=how in ("forward", "both"), reverse=how in ("reverse", "both"),
                   wrt=chosen)
    ops = len(graph.operations)
    if ops <= SYMBOLIC_LIMIT:
        return GraphReport(graph.source, traces, symbolic(graph, at))
    return GraphReport(graph.source, traces, None, skipped=f"{ops} operations is past the {SYMBOLIC_LIMIT} "
                                                          "for which the formulas are simplified")


def _wrt(graph: Graph, wrt: Sequence[str] | None) -> tuple[int, ...] | None:
    if not wrt:
        return None
    names = graph.input_names()
    chosen = []
    for name in wrt:
        if name not in names:
            raise SpecError("--wrt", f"{name} is not an input", f"choose from {', '.join(names)}")
        chosen.append(names.index(name))
    return tuple(chosen)


def for_network(spec: Spec, mode: Mode, example: int = 0, how: str = "reverse",
                wrt: Sequence[str] | None = None) -> GraphReport:
    """Reverse mode on the network's graph, beside the backprop engine (Eq. 3.14-3.23)."""
    if spec.network.parameter_count > MAX_GRAPH_PARAMETERS:
        raise SpecError("--graph", f"a network of {spec.network.parameter_count:,} parameters: its graph has a few "
                        f"operations for each, past the {MAX_GRAPH_PARAMETERS:,} parameters derive builds one for",
                        "leave out --graph (backpropagation computes the same gradients), or use a smaller network")
    ng = network_graph(spec, example)
    graph = ng.graph
    if how != "reverse" and not wrt:
        raise SpecError("--mode", f"forward mode on a network means one pass per input, {graph.n_inputs} here",
                        "add --wrt w1_11 (or x1, b1_1, …) to choose the passes, or use --mode reverse")
    traces = trace(graph, ng.at, mode, forward=how in ("forward", "both"), reverse=how in ("reverse", "both"),
                   wrt=_wrt(graph, wrt))
    agreement: list[Agreement] = []
    if traces.reverse:
        adjoints = traces.reverse[0].adjoints
        bp = backprop.trace(spec.network, [spec.examples[example]], mode).backward
        for (l, j), node in ng.z.items():
            agreement.append(Agreement(Sym("δ", str(j), graph.nodes[node].name.sup), adjoints[node],
                                       bp.layers[l - 1].delta[0][j - 1]))
        for (l, j, k), node in ng.weight.items():
            agreement.append(Agreement(graph.nodes[node].name, adjoints[node], bp.layers[l - 1].grad_W[j - 1][k - 1]))
        for (l, j), node in ng.bias.items():
            agreement.append(Agreement(graph.nodes[node].name, adjoints[node], bp.layers[l - 1].grad_b[j - 1]))
    title = spec.name or "network"
    if len(spec.examples) > 1:
        # the graph is of one example's cost; the batch's gradients are the mean over examples
        title += f" (example {example + 1} of {len(spec.examples)})"
    return GraphReport(title, traces, None, tuple(agreement))
