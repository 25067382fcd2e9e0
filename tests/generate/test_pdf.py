"""pdflatex's failures as one line that says what to do: missing, timed out, a LaTeX error."""

from __future__ import annotations

import shutil

import pytest

from gradsheet.generate.cli import main
from tests.generate.test_build import write

needs_tex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed (CI installs TeX Live)")


def test_missing_pdflatex_names_the_debian_packages(tmp_path, capsys, monkeypatch):
    spec = write(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert main([str(spec), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pdflatex: not found" in err
    assert "texlive-latex-extra texlive-pictures" in err and "--format tex" in err
    assert "fix the template" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quiz.toml"]


@needs_tex
def test_a_timeout_says_raise_the_timeout_and_keeps_the_log(tmp_path, capsys):
    (tmp_path / "tpl" / "problems").mkdir(parents=True)
    spec = write(tmp_path)
    (tmp_path / "tpl" / "problems" / "activation.tex.j2").write_text(
        "\\count255=0 \\loop\\advance\\count255 by 1 \\ifnum\\count255<2000000000 \\repeat\n")
    assert main([str(spec), "--out", str(tmp_path / "out"), "--templates", str(tmp_path / "tpl"), "--timeout", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did not finish within 1 s" in err and "raise --timeout" in err
    assert "sources and logs kept in" in err and "fix the template or text there" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quiz.toml", "tpl"]
