"""The derivation as the slides write it: equations with the numbers substituted.

``report`` (what ``derive`` shows, computed once) → ``steps`` (Eq. 3.4 … 3.23 as
:class:`~derive.printing.step.Step` lines) through ``printers`` (text and LaTeX numbers,
vectors, symbols) and ``at_point`` (a formula at a printed number); ``redo`` makes float lines
compute from their printed operands, ``layout`` breaks rows to fit the page, ``templating``
is the LaTeX templates' environment.
"""
