"""Backpropagation is reverse mode on the network's graph: same deltas, same gradients."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from gradsheet.derive.engine import backprop
from gradsheet.derive import catalogue
from gradsheet.derive.graphs.autodiff import trace
from gradsheet.derive.graphs.report import for_network
from gradsheet.derive.graphs.network_graph import network_graph
from gradsheet.derive.engine.numbers import EXACT, FLOAT
from tests.conftest import examples
from tests.strategies import specs


def test_herrmann_reverse_mode_gives_backprops_gradients_exactly():
    spec, _ = catalogue.load("herrmann-backprop")
    ng = network_graph(spec)
    adjoints = trace(ng.graph, ng.at, EXACT, forward=False).reverse[0].adjoints
    assert {key: adjoints[node] for key, node in ng.weight.items()} == {
        (1, 1, 1): -432, (1, 1, 2): -288, (1, 2, 1): 288, (1, 2, 2): 192, (2, 1, 1): 108, (2, 1, 2): 192}
    assert {key: adjoints[node] for key, node in ng.z.items()} == {(1, 1): -144, (1, 2): 96, (2, 1): 12}


def test_herrmann_report_agrees_node_for_node():
    spec, _ = catalogue.load("herrmann-backprop")
    report = for_network(spec, EXACT)
    assert report.agrees is True
    assert len(report.agreement) == 3 + 6  # three deltas, six weights


def test_cost_node_holds_the_cost():
    spec, _ = catalogue.load("herrmann-backprop")
    ng = network_graph(spec)
    t = trace(ng.graph, ng.at, EXACT, forward=False)
    assert t.outputs[0] * 2 == 9  # C = 9/2


@settings(max_examples=examples(1.2))  # 60 in dev, as before the profiles
@given(spec=specs(losses=("half_sse", "mse", "bce"), max_depth=3, max_width=3, max_examples=1))
def test_reverse_mode_on_random_networks_equals_the_backprop_engine(spec):
    ng = network_graph(spec)
    adjoints = trace(ng.graph, ng.at, FLOAT, forward=False).reverse[0].adjoints
    bwd = backprop.trace(spec.network, spec.examples, FLOAT).backward
    for (l, j, k), node in ng.weight.items():
        expected = bwd.layers[l - 1].grad_W[j - 1][k - 1]
        assert np.isclose(adjoints[node], expected, rtol=1e-10, atol=1e-12)
    for (l, j), node in ng.bias.items():
        assert np.isclose(adjoints[node], bwd.layers[l - 1].grad_b[j - 1], rtol=1e-10, atol=1e-12)
    for (l, j), node in ng.z.items():
        assert np.isclose(adjoints[node], bwd.layers[l - 1].delta[0][j - 1], rtol=1e-10, atol=1e-12)
