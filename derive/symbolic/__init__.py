"""The symbolic route: ŷ = f_L(…f_1(x)) as one SymPy expression, differentiated by ``sympy.diff``.

``functions`` (each activation as a SymPy function carrying its derivative) → ``derivation``
(the nested expression, its memoized derivative, agreement with backpropagation) → ``paths``
(the derivative as one term per path, with the lectures' names) and ``scaling``.
(``derive.deferred`` loads SymPy and mpmath on first use, for the commands.)
"""
