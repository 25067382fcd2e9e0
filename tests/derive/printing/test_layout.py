"""Display rows that fit the line: the width estimate against TeX, and where rows break."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from gradsheet.derive.cli import main
from gradsheet.derive.printing.layout import LINE_EM, rows, width, wrap


def _plain(lines: list[str]) -> str:
    """The lines joined back, without the breaks' own marks."""
    text = " ".join(lines)
    for mark in (r"\right.", r"\left.", r"\quad", r"\cdot"):
        text = text.replace(mark, " ")
    return re.sub(r"\\,|\s+", "", text)


SUM = r"\left(" + " + ".join(rf"0.{k}000 \cdot \left(-0.0{k}14\right)" for k in range(1, 10)) + r"\right) \cdot 0.2445"


def test_a_long_sum_breaks_before_its_plus_signs_with_its_parentheses_closed_on_each_line():
    lines = wrap(SUM, 20)
    assert lines is not None and len(lines) >= 3
    assert all(width(line) <= 20 for line in lines)
    assert all(line.count(r"\left") == line.count(r"\right") for line in lines)
    assert all(line.startswith(r"\quad \left. +") for line in lines[1:])
    assert _plain(lines) == _plain([SUM.replace(r"\cdot", " ")])


def test_a_product_too_wide_for_a_line_continues_with_a_dot():
    factors = [rf"\sigma'\left(z_{{{k}}}^{{(3)}}\right)" for k in range(1, 16)]
    lines = wrap(r"\,".join(factors) + " + x_{1}", 25)
    assert lines is not None and all(width(line) <= 25 for line in lines)
    assert all(re.sub(r"^(\\quad)+ ", "", line).startswith(r"\cdot") for line in lines[1:-1])
    assert lines[-1] == r"\quad + x_{1}"  # the next term starts a line of its own
    assert _plain(lines) == _plain([r"\,".join(factors) + " + x_{1}"])


def test_a_row_that_fits_stays_on_one_line_with_its_tag():
    assert rows("z", ["w x + b", "3 + 4", "7"], "Eq. 3.4") == [r"z &= w x + b = 3 + 4 = 7\tag*{(Eq. 3.4)}"]


def test_a_long_row_puts_each_relation_on_a_line_and_the_tag_on_the_last():
    laid = rows(r"\delta_{1}^{(1)}", [r"\sum_k w_{k1}^{(2)} \delta_k^{(2)}", SUM, "-0.0026"], "Eq. 3.23")
    assert laid is not None and laid[0].startswith(r"\delta_{1}^{(1)} &= \sum_k")
    assert laid[-1].endswith(r"\tag*{(Eq. 3.23)}") and sum(r"\tag" in r for r in laid) == 1
    assert all(width(r.replace("&", "")) <= LINE_EM for r in laid)


def test_a_matrix_wider_than_the_line_is_reported_as_not_fitting():
    matrix = r"\begin{pmatrix}" + " & ".join(["-0.123456"] * 12) + r"\end{pmatrix}"
    assert width(matrix) > LINE_EM
    assert rows(r"\mathbf{z}^{(1)}", [matrix + r"\mathbf{x}", "0"]) is None


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed (CI installs TeX Live)")
def test_the_width_estimate_is_never_narrower_than_tex_measures(tmp_path):
    tex = tmp_path / "d.tex"
    main(["--example", "bhadani-sigmoid", "--format", "latex", "-o", str(tex)])
    formulas = []
    for body in re.findall(r"\\begin\{align\*\}(.*?)\\end\{align\*\}", tex.read_text(), re.S):
        for row in body.split("\\\\\n"):
            row = re.sub(r"\\tag\*\{\(.*?\)\}", "", row).replace("&", "").strip()
            if row:
                formulas.append(row)
    formulas.append(SUM)
    doc = [r"\documentclass[11pt]{article}\usepackage{amsmath,amssymb}\usepackage[T1]{fontenc}"
           r"\newlength\w\begin{document}"]
    doc += [rf"\settowidth\w{{$\displaystyle {f}$}}\typeout{{W{i}=\the\w}}" for i, f in enumerate(formulas)]
    (tmp_path / "m.tex").write_text("\n".join(doc + [r"\end{document}"]))
    out = subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "m.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120).stdout
    measured = {int(i): float(pt) / 10.95 for i, pt in re.findall(r"W(\d+)=([\d.]+)pt", out)}
    assert len(measured) == len(formulas) > 40
    ratios = [width(f) / measured[i] for i, f in enumerate(formulas) if measured[i] > 2]
    assert min(ratios) >= 0.98  # never much narrower than TeX: nothing runs past the margin
    assert max(ratios) <= 1.5  # and not so wide that short rows are broken for nothing
