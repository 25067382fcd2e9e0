"""Computation graphs and automatic differentiation (``derive --graph``).

``expression`` parses a formula into a ``graph`` of ``operations`` (each with its local
derivatives beside it), computed in ``scalars`` and written in ``terms``; ``autodiff`` traces
forward and reverse mode line by line; ``network_graph`` is a network as such a graph
(backpropagation is reverse mode on it); ``report`` is everything ``--graph`` shows.
"""
