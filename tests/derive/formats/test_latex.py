"""--format latex writes a document pdflatex compiles (shell escape off, non-interactive)."""

import re
import shutil
import subprocess

import pytest

from gradsheet.derive.cli import main

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
    assert r"\resizebox" not in text and r"\scalebox" not in text


def test_a_long_exact_fraction_has_its_decimal_value_beside_it(tmp_path):
    # issue 32: \frac{318404458255351426603316088921}{745058059692382812500000} alone says nothing
    tex = tmp_path / "d.tex"
    main(["--example", "herrmann-backprop", "--format", "latex", "-o", str(tex)])
    text = tex.read_text()
    long = r"\frac{318404458255351426603316088921}{745058059692382812500000}"
    # the step's verdict, and the cost's step: the value under the fraction, the row being full
    assert text.count(long + r" \approx 427355.2297$") == 1
    assert text.count(long + " \\\\\n" + r"&\approx 427355.2297\tag*{(Eq. 3.11)}") == 1
    assert r"\frac{9}{2} \approx" not in text  # a short one reads as it is
    # every value is printed in full, its decimal value beside: the note on values shortened to
    # ≈ would say what did not happen
    assert "too long for a line" not in text


def test_latex_derivation_writes_the_symbolic_route_beside_backprop(tmp_path):
    tex = tmp_path / "d.tex"
    main(["--example", "herrmann-backprop", "--format", "latex", "-o", str(tex)])
    text = tex.read_text()
    # the nested function layer by layer, from the output in
    assert r"z_{1}^{(2)} &= w_{11}^{(2)}\, a_{1}^{(1)} + w_{12}^{(2)}\, a_{2}^{(1)}\tag*{(Eq. 3.4)}" in text
    assert r"a_{1}^{(2)} &= \sigma\left(z_{1}^{(2)}\right)" in text
    # sympy.diff's derivative for the first weight of each layer, with the lectures' names
    assert (r"\frac{\partial C}{\partial w_{11}^{(1)}} &= \frac{\partial C}{\partial \hat{y}}\,\sigma'\left("
            r"z_{1}^{(2)}\right)\,w_{11}^{(2)}\,\sigma'\left(z_{1}^{(1)}\right)\,x_{1}") in text
    # every parameter in the table, both routes' values and the verdict
    for name, value in [("w_{11}^{(1)}", "-432"), ("w_{12}^{(1)}", "-288"), ("w_{21}^{(1)}", "288"),
                        ("w_{22}^{(1)}", "192"), ("w_{11}^{(2)}", "108"), ("w_{12}^{(2)}", "192")]:
        assert f"${name}$ & ${value}$ & ${value}$ & yes" in text
    assert r"agree exactly: \textbf{yes} (6 of 6 parameters)" in text
    # this network's operation counts: naive > shared > backprop
    counts = [int(n.replace(",", "")) for n in re.findall(r"& ([\d,]+) \\\\\n", text)]
    assert len(counts) == 3 and counts[0] > counts[1] > counts[2] > 0


def _two_runs(tmp_path, tex):
    for _ in range(2):  # longtable settles its column widths on the second run
        result = subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error",
                                 tex.name], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout[-2000:]
    return tex.with_suffix(".pdf")


def _words(pdf):
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for w, h, body in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        for box in re.findall(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>',
                              body):
            yield float(w), float(h), *map(float, box[:4]), box[4]


NETWORK_2_3_3_2 = """
name = "A 2-3-3-2 network"
loss = "cross_entropy"
[[layers]]
weights = [[0.5, -0.25], [0.75, 0.5], [-1.0, 0.25]]
bias = [0.1, -0.2, 0.3]
activation = "tanh"
[[layers]]
weights = [[0.2, -0.4, 0.6], [-0.3, 0.5, 0.1], [0.7, 0.2, -0.5]]
bias = [0.0, 0.1, -0.1]
activation = "sigmoid"
[[layers]]
weights = [[0.3, -0.6, 0.9], [-0.2, 0.4, 0.8]]
bias = [0.05, -0.05]
activation = "softmax"
[example]
x = [1.5, -0.5]
y = [0, 1]
"""

# a 12-input layer (its matrices are written neuron by neuron), five layers of different
# activations (sympy.diff's terms broken between factors), exact fractions of 40 digits
WIDE = """
loss = "half_sse"
[[layers]]
weights = [[0.31, -0.52, 0.13, 0.94, -0.25, 0.66, -0.77, 0.18, 0.29, -0.4, 0.51, -0.62],
           [-0.13, 0.24, -0.35, 0.46, -0.57, 0.68, -0.79, 0.81, -0.92, 0.13, -0.24, 0.35],
           [0.71, -0.82, 0.93, -0.14, 0.25, -0.36, 0.47, -0.58, 0.69, -0.7, 0.81, -0.92]]
bias = [0.1, -0.2, 0.3]
activation = "relu"
[[layers]]
weights = [[0.5, -0.6, 0.7]]
bias = [0.25]
activation = "sigmoid"
[example]
x = [0.5, -0.25, 0.75, -1.0, 0.125, 0.5, -0.5, 0.25, 1.0, -0.75, 0.375, 0.625]
y = [0.5]
"""
DEEP = """
loss = "bce"
[[layers]]
weights = [[0.5, -0.5], [0.25, 0.75]]
bias = [0.1, -0.1]
activation = "elu"
[[layers]]
weights = [[0.5, -0.5], [0.25, 0.75]]
activation = "selu"
[[layers]]
weights = [[0.5, -0.5], [0.25, 0.75]]
activation = "silu"
[[layers]]
weights = [[0.5, -0.5], [0.25, 0.75]]
activation = "softplus"
[[layers]]
weights = [[0.5, -0.5]]
activation = "sigmoid"
[example]
x = [1.0, -2.0]
y = [1]
"""
FRACTIONS = """
loss = "half_sse"
[[layers]]
weights = [["1/3", "-2/7"], ["5/11", "1/13"]]
bias = ["1/17", "-1/19"]
activation = "square"
[[layers]]
weights = [["3/23", "-4/29"]]
activation = "square"
[example]
x = ["2/3", "5/7"]
y = ["1/2"]
"""


@pytest.mark.parametrize("source", ["bhadani-sigmoid", "2-3-3-2", "wide", "deep", "fractions"])
def test_every_glyph_of_the_derivation_is_full_size_and_inside_the_text_area(tmp_path, source):
    if source == "bhadani-sigmoid":
        args = ["--example", source]
    else:
        spec = tmp_path / "spec.toml"
        spec.write_text({"2-3-3-2": NETWORK_2_3_3_2, "wide": WIDE, "deep": DEEP, "fractions": FRACTIONS}[source])
        args = [str(spec)]
    tex = tmp_path / "d.tex"
    assert main(args + ["--format", "latex", "-o", str(tex)]) == 0
    pdf = _two_runs(tmp_path, tex)
    margin = 2 / 2.54 * 72  # geometry: 2 cm
    words = list(_words(pdf))
    assert len(words) > 500
    outside = [(word, x0, x1) for w, h, x0, y0, x1, y1, word in words
               if x0 < margin - 1 or x1 > w - margin + 1 or y0 < 0 or y1 > h]
    assert outside == []
    # 11 pt text: script size is 8 pt, script-script 6 pt; a box under 5 pt was shrunk
    assert min(y1 - y0 for w, h, x0, y0, x1, y1, word in words) >= 5
    log = tex.with_suffix(".log").read_text(errors="replace")
    assert "Overfull" not in log


@pytest.mark.parametrize("args", [
    ["--graph", "y = log(x1) + x1*x2 - sin(x2)", "--at", "x1=2,x2=5"],
    ["--graph", "z1 = x1*x2; z2 = z1*x1; y = z2^2", "--at", "x1=2,x2=3", "--mode", "reverse"],
    ["--example", "herrmann-backprop", "--graph"],
])
def test_graph_figure_and_traces_compile(tmp_path, args):
    from gradsheet.derive.cli import main

    tex = tmp_path / "graph.tex"
    assert main(args + ["--format", "latex", "-o", str(tex)]) == 0
    text = tex.read_text(encoding="utf-8")
    assert r"\begin{tikzpicture}" in text and r"\bar{v}" in text
    result = subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:]
    assert (tmp_path / "graph.pdf").stat().st_size > 10_000


def _sweep():
    from tests.conftest import thorough
    from tests.strategies import sweep_specs

    # each case is two pdflatex runs: a quarter of the sweep when thorough, a sixteenth by default
    everything = sweep_specs(64)
    return everything[::4] if thorough() else everything[::16]


@pytest.mark.sweep
@pytest.mark.parametrize("mode", ["float", "exact", "hand"])
@pytest.mark.parametrize("label,spec", _sweep(), ids=[label for label, _ in _sweep()])
def test_a_network_at_the_symbolic_limit_prints_inside_the_page(tmp_path, label, spec, mode):
    from gradsheet.derive.printing import report
    from gradsheet.derive.formats import latex
    from gradsheet.derive.engine.numbers import EXACT, FLOAT, hand

    built = report.build(spec, {"float": FLOAT, "exact": EXACT, "hand": hand(4)}[mode])
    tex = tmp_path / "d.tex"
    tex.write_text(latex.render(built), encoding="utf-8")
    pdf = _two_runs(tmp_path, tex)
    margin = 2 / 2.54 * 72
    words = list(_words(pdf))
    assert [(word, x0, x1) for w, h, x0, y0, x1, y1, word in words if x0 < margin - 1 or x1 > w - margin + 1] == []
    assert min(y1 - y0 for w, h, x0, y0, x1, y1, word in words) >= 5
    assert "Overfull" not in tex.with_suffix(".log").read_text(errors="replace")


def test_the_symbolic_derivative_is_written_for_the_gradients_asked_for(tmp_path, capsys):
    # it was the first weight of each layer only (issue 33)
    tex = tmp_path / "d.tex"
    assert main(["--example", "herrmann-backprop", "--format", "latex", "--symbolic-for",
                 "grad_W1[2,2], grad_W2[1,2]", "-o", str(tex)]) == 0
    text = tex.read_text()
    block = text[text.index("and the derivative for the parameters asked for is"):]
    lhs = re.findall(r"\\frac\{\\partial C\}\{\\partial (w_\{\d+\}\^\{\(\d\)\})\} &=", block)
    assert lhs[:2] == ["w_{22}^{(1)}", "w_{12}^{(2)}"]
    assert "$w_{22}^{(1)}$: 1" in text  # one path through w^(1)_22
    for args, words in [(["--symbolic-for", "grad_W3[1,1]", "--format", "latex"], "the network has layers 1 to 2"),
                        (["--symbolic-for", "grad_W1[3,1]", "--format", "latex"], "the index is outside 2×2"),
                        (["--symbolic-for", "W1[1,1]", "--format", "latex"], "is not a gradient's name"),
                        (["--symbolic-for", "grad_b1[1]", "--format", "latex"], "layer 1 has no bias"),
                        (["--symbolic-for", "grad_W1[1,1]"], "add --format latex")]:
        assert main(["--example", "herrmann-backprop", *args]) == 2
        err = capsys.readouterr().err
        assert err.startswith("derive: error: --symbolic-for") and words in err and err.count("\n") == 1, err


def test_the_derivation_compiles_to_a_pdf_of_the_same_bytes_every_time(tmp_path, capsys):
    # issue 34, item 5: derive --format pdf (it was "invalid choice")
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for target in (first, second):
        assert main(["--example", "herrmann-backprop", "--format", "pdf", "--symbolic-for", "grad_W1[2,2]",
                     "-o", str(target)]) == 0
    assert first.read_bytes().startswith(b"%PDF") and first.read_bytes() == second.read_bytes()
    text = subprocess.run(["pdftotext", str(first), "-"], capture_output=True, text=True, check=True).stdout
    assert "192" in text and "427355.2297" in text
    assert main(["--example", "herrmann-backprop", "--format", "pdf", "-o", str(first)]) == 2  # no silent overwrite
    assert "exists (fix: pass --force" in capsys.readouterr().err
    for args, words in [([], "-o derivation.pdf"), (["--graph", "-o", str(tmp_path / "g.pdf")], "a network's derivation")]:
        assert main(["--example", "herrmann-backprop", "--format", "pdf", *args]) == 2
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1, err
    assert not (tmp_path / "g.pdf").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.pdf"]


HOSTS = {  # a document each fragment goes into, as an instructor's slides and notes are
    "beamer": "\\documentclass{beamer}\n\\usepackage{amsmath,booktabs}\n\\begin{document}\n\\input{f}\n\\end{document}\n",
    "column": "\\documentclass[twocolumn]{article}\n\\usepackage{amsmath,booktabs}\n\\begin{document}\n\\input{f}\n"
              "\\end{document}\n",
}
WIDE = """
loss = "half_sse"
learning_rate = 0.5
[[layers]]
weights = [[0.3, -0.8, 0.5], [0.9, 0.1, -0.4], [-0.7, 0.6, 0.2], [0.4, -0.3, 0.8]]
bias = [0.1, -0.2, 0.3, -0.1]
activation = "tanh"
[[layers]]
weights = [[0.5, -0.6, 0.7, -0.2], [-0.3, 0.8, 0.1, 0.9]]
bias = [0.2, -0.4]
activation = "sigmoid"
[example]
x = [0.5, -1.2, 0.8]
y = [1, 0]
"""


@pytest.mark.parametrize("fragment", ["beamer", "column"])
@pytest.mark.parametrize("source", ["herrmann-backprop", "bhadani-sigmoid", "batch-relu", "herrmann-homework", "wide"])
def test_a_fragment_fits_a_beamer_frame_or_a_column_without_an_overfull_box(tmp_path, fragment, source):
    # issue 34, item 5: the body alone, laid out to the slide's width, to paste into slides
    spec = ["--example", source] if source != "wide" else [str(tmp_path / "wide.toml"), "--decimals", "4"]
    (tmp_path / "wide.toml").write_text(WIDE)
    args = [*spec, "--format", "latex", "-o", str(tmp_path / "f.tex"), "--fragment"]
    assert main(args if fragment == "beamer" else [*args, "column"]) == 0
    body = (tmp_path / "f.tex").read_text()
    assert "\\documentclass" not in body and "\\begin{document}" not in body and "longtable" not in body
    frames = body.count("\\begin{frame}")  # a beamer fragment is frames, one a section; a column's none
    assert frames == body.count("\\end{frame}") and (frames >= 5 if fragment == "beamer" else frames == 0)
    (tmp_path / "host.tex").write_text(HOSTS[fragment])
    result = subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "host.tex"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:]
    log = (tmp_path / "host.log").read_text(errors="replace")
    assert "Overfull" not in log, re.findall(r"Overfull.*\n.*", log)[:3]


def test_a_fragment_is_latex_only(capsys):
    assert main(["--example", "herrmann-backprop", "--fragment"]) == 2
    err = capsys.readouterr().err
    assert err == "derive: error: --fragment: is a piece of LaTeX to paste into a document (fix: add --format latex)\n"
