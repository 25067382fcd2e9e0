"""The example notebook runs from top to bottom and shows what it promises: it never rots."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).parents[1] / "examples" / "gradsheet.ipynb"


def test_the_example_notebook_executes_and_shows_the_derivation(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = [o["data"] for o in outputs if o.output_type == "execute_result"]
    derivation, gradient, checked, cost, graph, numbers = shown
    assert "**Forward pass**" in derivation["text/markdown"] and "$$\\begin{aligned}" in derivation["text/markdown"]
    assert "[288, 192]" in gradient["text/plain"].replace("\n", "")
    assert checked["text/markdown"].startswith("1 correct, 2 carried, 1 wrong")
    assert cost["text/plain"] == "2563/10000"
    assert "**Primal trace**" in graph["text/markdown"]
    assert numbers["text/plain"].startswith("(4.58")
