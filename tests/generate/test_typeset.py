"""Typesetting while rendering (and beside the drawing): the streamed PDFs are the ones the
written sources give, a preamble that lacks a figure's box falls back to whole documents, and
errors stay one line with no TeX left running."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gradsheet.generate import key, pdf, typeset
from gradsheet.generate.cli import main

needs_tex = pytest.mark.skipif(not pdf.available(), reason="pdflatex is needed")

# figures in three kinds, two skeletons (with and without biases), 12 students: two workers draw
SPEC = """
title = "Streamed"
seed = 8
[[problems]]
kind = "forward"
points = 4
difficulty = "easy"
[[problems]]
kind = "backprop"
points = 4
difficulty = "medium"
[[problems]]
kind = "activation"
points = 3
"""


def _build(tmp: Path, out: str, *extra: str) -> Path:
    (tmp / "quiz.toml").write_text(SPEC, encoding="utf-8")
    (tmp / "class.csv").write_text("id,name\n" + "".join(f"s{i},Student {i}\n" for i in range(1, 13)),
                                   encoding="utf-8")
    assert main([str(tmp / "quiz.toml"), "--roster", str(tmp / "class.csv"), "--out", str(tmp / out),
                 "--per-student", *extra]) == 0
    return tmp / out


@pytest.fixture(params=["after drawing", "beside the drawing"])
def overlap(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of typesetting: after the drawing (fewer than 4 cores), beside it (more)."""
    beside = request.param == "beside the drawing"
    monkeypatch.setattr(typeset, "overlaps_drawing", lambda: beside)
    monkeypatch.setattr(typeset, "drawing_workers", lambda: 2 if beside else None)
    return request.param


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@needs_tex
def test_a_streamed_pdf_is_the_one_compiling_its_written_source_gives(tmp_path: Path, overlap: str) -> None:
    out = _build(tmp_path, "out")
    again = tmp_path / "again"
    again.mkdir()
    for name in typeset.DOCUMENTS:
        shutil.copyfile(out / "tex" / f"{name}.tex", again / f"{name}.tex")
        subprocess.run(["pdflatex", *pdf.FLAGS, f"{name}.tex"], cwd=again, env=pdf._env(), check=True,
                       stdout=subprocess.DEVNULL)
        assert (again / f"{name}.pdf").read_bytes() == (out / f"{name}.pdf").read_bytes(), name
    assert b"\\newsavebox{\\gsnetB}" in (out / "tex" / "exam.tex").read_bytes()  # both skeletons boxed


@needs_tex
def test_a_sheet_whose_figure_the_preamble_lacks_falls_back_to_whole_documents(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    streamed = _files(_build(tmp_path, "streamed"))
    monkeypatch.setattr(typeset, "overlaps_drawing", lambda: True)  # the preamble is written from sheet 1
    monkeypatch.setattr(typeset, "drawing_workers", lambda: 2)
    asked = []

    def nothing(first):  # a preamble with no boxes: the second sheet's figures have none
        asked.append(first.student.id)
        return []

    monkeypatch.setattr(typeset, "preamble_skeletons", nothing)
    fallen_back = _files(_build(tmp_path, "fallback"))
    assert asked == ["s1"]
    assert fallen_back.keys() == streamed.keys() and "sheets/s12.pdf" in streamed
    for name, data in streamed.items():
        assert fallen_back[name] == data, name


@needs_tex
def test_where_tex_cannot_read_a_pipe_the_documents_compile_whole_to_the_same_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, overlap: str) -> None:
    assert pdf.can_stream()  # Linux, TeX Live's openin_any = a
    streamed = _files(_build(tmp_path, "streamed"))
    monkeypatch.setattr(pdf, "can_stream", lambda: False)
    monkeypatch.setattr(pdf, "Streaming", None)  # not used at all
    whole = _files(_build(tmp_path, "whole"))
    assert whole == streamed


@needs_tex
def test_a_latex_error_in_a_late_student_is_one_line_and_stops_tex(
        tmp_path: Path, capsys: pytest.CaptureFixture, overlap: str) -> None:
    (tmp_path / "tpl").mkdir()
    # student 11's solutions alone break (the exam is fine): TeX stops long after it started
    shipped = Path(typeset.__file__).parent.parent / "templates" / "solutions.tex.j2"
    (tmp_path / "tpl" / "solutions.tex.j2").write_text(
        shipped.read_text()
        .replace("\\gsmark{\\VAR{loop.index}}", "\\gsmark{\\VAR{loop.index}}\\BLOCK{if s.id == 's11'}\\undefinedmacro"
                 "\\BLOCK{endif}"), encoding="utf-8")
    (tmp_path / "quiz.toml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "class.csv").write_text("id,name\n" + "".join(f"s{i},S {i}\n" for i in range(1, 13)), encoding="utf-8")
    code = main([str(tmp_path / "quiz.toml"), "--roster", str(tmp_path / "class.csv"), "--out", str(tmp_path / "out"),
                 "--templates", str(tmp_path / "tpl")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert "solutions.tex line" in err and "Undefined control sequence" in err and "sources and logs kept" in err
    kept = Path(err.split("kept in ")[1].strip().rstrip(")"))
    assert "\\undefinedmacro" in (kept / "solutions.tex").read_text()  # the whole source, rendered on
    assert (kept / "solutions.log").exists()
    assert not (tmp_path / "out").exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]
    children = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _parent(p) == os.getpid()]
    assert not [p for p in children if _command(p) in ("pdflatex", "lualatex")]


def _parent(proc: Path) -> int:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def _command(proc: Path) -> str:
    try:
        return (proc / "comm").read_text().strip()
    except OSError:
        return ""


@needs_tex
def test_the_key_is_written_while_tex_typesets_and_is_the_one_a_tex_build_writes(
        tmp_path: Path, overlap: str, monkeypatch: pytest.MonkeyPatch) -> None:
    finished: list[bool] = []  # TeX's state each time the key is written: False while it still runs
    finish, to_json = pdf.Streaming.finish, key.to_json

    def finishing(self: pdf.Streaming, timeout: int = pdf.TIMEOUT) -> Path:
        finished.append(True)
        return finish(self, timeout)

    def written(*args: object) -> str:
        finished.append(False)
        return to_json(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf.Streaming, "finish", finishing)
    monkeypatch.setattr(key, "to_json", written)
    out = _build(tmp_path, "out")
    assert finished == [False, True, True]  # the key once, before either document was waited for
    tex_only = _build(tmp_path, "tex", "--format", "tex")
    for name in ("key.json", "key.csv"):
        assert (out / name).read_bytes() == (tex_only / name).read_bytes(), name
