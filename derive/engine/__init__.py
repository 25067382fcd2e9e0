"""The numeric route: numbers in three modes, the spec's network, and backpropagation.

``numbers`` (exact, float, hand) → ``activations`` and ``losses`` (the registries) →
``network`` (the spec format) → ``backprop`` (forward trace, δ by Eq. 3.18/3.23, gradients by
Eq. 3.14/3.16, one gradient-descent step). Nothing here needs SymPy in float mode.
"""
