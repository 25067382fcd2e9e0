"""--format latex writes a document pdflatex compiles (shell escape off, non-interactive)."""

import shutil
import subprocess

import pytest

from derive.cli import main

pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed (CI installs TeX Live)")


@pytest.mark.parametrize("example", ["herrmann-backprop", "bhadani-sigmoid", "batch-relu", "herrmann-homework"])
def test_latex_derivation_compiles(tmp_path, example):
    tex = tmp_path / "d.tex"
    assert main(["--example", example, "--format", "latex", "-o", str(tex)]) == 0
    result = subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:]
    assert (tmp_path / "d.pdf").stat().st_size > 1000


def test_latex_derivation_substitutes_the_numbers(tmp_path):
    tex = tmp_path / "d.tex"
    main(["--example", "herrmann-backprop", "--format", "latex", "-o", str(tex)])
    text = tex.read_text()
    assert r"96 \cdot 2 = 192" in text and r"\frac{9}{2}" in text
    # the chain rule written out for every parameter, σ' factors visible
    assert text.count(r"\fitline{\frac{\partial C}{\partial w_") == 6 and r"\sigma'" in text


@pytest.mark.parametrize("args", [
    ["--graph", "y = log(x1) + x1*x2 - sin(x2)", "--at", "x1=2,x2=5"],
    ["--graph", "z1 = x1*x2; z2 = z1*x1; y = z2^2", "--at", "x1=2,x2=3", "--mode", "reverse"],
    ["--example", "herrmann-backprop", "--graph"],
])
def test_graph_figure_and_traces_compile(tmp_path, args):
    from derive.cli import main

    tex = tmp_path / "graph.tex"
    assert main(args + ["--format", "latex", "-o", str(tex)]) == 0
    text = tex.read_text(encoding="utf-8")
    assert r"\begin{tikzpicture}" in text and r"\bar{v}" in text
    result = subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:]
    assert (tmp_path / "graph.pdf").stat().st_size > 10_000
