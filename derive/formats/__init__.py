"""One writer per output format, over one report: ``text``, ``latex``, ``json`` and ``check``
for a derivation, ``graph_*`` for ``derive --graph``. Each has ``render(report, …)``; the
command imports only the one asked for."""
