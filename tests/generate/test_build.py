"""Building sheets: reproducible bytes, hostile names printed literally, safe outputs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gradsheet.generate import pdf
from gradsheet.generate.cli import main

needs_tex = pytest.mark.skipif(not pdf.available() or not shutil.which("pdftotext"),
                               reason="pdflatex and pdftotext are needed")

SPEC = """
title = "Quiz"
seed = 3
[[problems]]
kind = "forward"
points = 4
[[problems]]
kind = "activation"
points = 3
"""

HOSTILE = ["\\input{/etc/passwd}", "Dollar $ sign", "100% sure", "R&D", "#hash", "snake_case", "{braces}",
           "tilde~", "caret^", "back\\slash", "Zoë Ångström", "<angle> |bar|", "Łukasz Dvořák-Øster", "Müller"]


def write(tmp: Path, roster: list[str] | None = None) -> Path:
    spec = tmp / "quiz.toml"
    spec.write_text(SPEC, encoding="utf-8")
    if roster is not None:
        import csv

        with open(tmp / "class.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "name"])
            for i, name in enumerate(roster, start=1):
                writer.writerow([f"id_{i}", name])
    return spec


@needs_tex
def test_same_inputs_give_byte_identical_outputs(tmp_path: Path) -> None:
    spec = write(tmp_path, ["Ada", "Bob"])
    for out in ("a", "b"):
        assert main([str(spec), "--roster", str(tmp_path / "class.csv"), "--out", str(tmp_path / out),
                     "--per-student"]) == 0
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert {str(f) for f in files} >= {"exam.pdf", "solutions.pdf", "key.json", "key.csv", "tex/exam.tex",
                                       "sheets/id-1.pdf", "sheets/id-2.pdf", "solutions/id-1.pdf", "solutions/id-2.pdf"}
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


@needs_tex
def test_hostile_roster_names_compile_and_print_literally(tmp_path: Path) -> None:
    spec = write(tmp_path, [*HOSTILE, "Jose\u0301"])
    assert main([str(spec), "--roster", str(tmp_path / "class.csv"), "--out", str(tmp_path / "out")]) == 0
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "out" / "exam.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    for name in HOSTILE:
        assert name in text, name
    assert "Jos\u00e9" in text  # written decomposed (e + U+0301): composed before it reaches LaTeX
    assert "root:" not in text  # /etc/passwd was not read


@needs_tex
def test_every_character_the_text_check_lets_through_compiles(tmp_path: Path) -> None:
    """The set of printable characters (derive.printing.templating.PRINTABLE) was measured once; this
    keeps it true: all of them in the instructions and in roster names, through pdflatex."""
    import json

    from gradsheet.derive.printing.templating import PRINTABLE

    chars = "".join(sorted(c for c in PRINTABLE if not c.isspace()))
    write(tmp_path, [chars[k:k + 150] for k in range(0, len(chars), 150)])
    spec = tmp_path / "quiz.json"
    spec.write_text(json.dumps({"title": "Quiz", "instructions": " ".join(chars[k:k + 20] for k in range(0, len(chars), 20)),
                                "problems": [{"kind": "forward"}]}), encoding="utf-8")
    assert main([str(spec), "--roster", str(tmp_path / "class.csv"), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "exam.pdf").stat().st_size > 0


@needs_tex
@pytest.mark.parametrize("document,folder", [("exam", "sheets"), ("solutions", "solutions")])
def test_per_student_pdfs_are_split_from_the_exam_and_the_solutions(tmp_path: Path, document: str,
                                                                    folder: str) -> None:
    spec = write(tmp_path, ["Ada", "Bob", "Cy"])
    assert main([str(spec), "--roster", str(tmp_path / "class.csv"), "--out", str(tmp_path / "o"), "--per-student"]) == 0
    import pikepdf

    def pages(path: Path) -> int:
        with pikepdf.open(path) as pdf:
            return len(pdf.pages)

    total = pages(tmp_path / "o" / f"{document}.pdf")
    parts = [pages(tmp_path / "o" / folder / f"id-{i}.pdf") for i in (1, 2, 3)]
    assert sum(parts) == total and all(parts)
    second = subprocess.run(["pdftotext", str(tmp_path / "o" / folder / "id-2.pdf"), "-"], capture_output=True,
                            text=True, check=True).stdout
    assert "Bob" in second and "Ada" not in second and "Cy" not in second


def test_existing_output_is_not_overwritten_without_force(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    spec = write(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main([str(spec), "--out", str(out), "--format", "tex"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (out / "keep.txt").read_text() == "mine"
    assert main([str(spec), "--out", str(out), "--format", "tex", "--force"]) == 0
    assert not (out / "keep.txt").exists() and (out / "key.json").exists()


@needs_tex
def test_a_latex_failure_names_the_line_and_leaves_nothing(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    spec = write(tmp_path)
    templates = tmp_path / "tpl" / "problems"
    templates.mkdir(parents=True)
    (templates / "activation.tex.j2").write_text("\\undefinedmacro\n")
    assert main([str(spec), "--out", str(tmp_path / "out"), "--templates", str(tmp_path / "tpl")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "exam.tex line" in err and "Undefined control sequence" in err
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


@pytest.mark.parametrize("text,field", [
    ('seed = 1\n[[problems]]\nkind = "forward"', "title"),
    ('title = "t"\n[[problems]]\nkind = "nope"', "problems[1].kind"),
    ('title = "t"\n[[problems]]\nkind = "forward"\nsizes = [2, "x"]', "problems[1].sizes"),
    ('title = "t"\n[[problems]]\nkind = "forward"\nactivation = "sigmoid"', "problems[1].activation"),
    ('title = "t"\n[[problems]]\nkind = "forward"\ncolour = 1', "problems[1].colour"),
    ('title = "t"\nroster = "missing.csv"\n[[problems]]\nkind = "forward"', "roster"),
    ('title = "t"\n[[problems]\nkind = "forward"', "quiz.toml"),
    ('title = "t"\n[[problems]]\nkind = "activation"\nactivation = []', "problems[1].activation"),
    ('title = "t"\n[[problems]]\nkind = "autodiff"\noperations_from = []', "problems[1].operations_from"),
    ('title = "t"\n[[problems]]\nkind = "param_count"\nmin_depth = 50\nmax_depth = 1', "problems[1].min_depth"),
    ('title = "t"\n[[problems]]\nkind = "param_count"\nmin_width = 9\nmax_width = 2', "problems[1].min_width"),
    ('title = "t"\n[[problems]]\nkind = "regularization"\nlearning_rate = 1e300', "problems[1].learning_rate"),
    ('title = "t"\n[[problems]]\nkind = "batching"\nlearning_rate = "1e999999999"', "problems[1].learning_rate"),
    ('title = "t"\n[[problems]]\nkind = "regularization"\nlambda = "1e300"', "problems[1].lambda"),
    ('title = "t"\n[[problems]]\nkind = "backprop"\nnumbers = "decimal"\nactivation = ["tanh", "softmax"]\n'
     'loss = "cross_entropy"', "problems[1].sizes: softmax over one output"),
    ('title = "t"\n[[problems]]\nkind = "backprop"\nnumbers = "decimal"\nactivation = ["tanh", "relu"]\nloss = "bce"',
     "problems[1].loss: bce takes logarithms of ŷ and needs a sigmoid output layer"),
    ('title = "Ne\u202eural"\n[[problems]]\nkind = "forward"', r"title: the character '\u202e' (U+202E"),
    ('title = "t"\ninstructions = "Good luck \ue000"\n[[problems]]\nkind = "forward"', "instructions: the character"),
    ('title = "t"\ncourse = "\u0378"\n[[problems]]\nkind = "forward"', r"course: the character '\u0378' (U+0378"),
    ('title = "t"\ncourse = "' + "c" * 201 + '"\n[[problems]]\nkind = "forward"', "course: 201 characters"),
    ('title = "t"\nseed = 18446744073709551616\n[[problems]]\nkind = "forward"', "seed"),
    ('title = "t"\n' + '[[problems]]\nkind = "perceptron"\n' * 101, "problems: 101 problems"),
])
def test_bad_specs_get_one_line_naming_the_field(tmp_path: Path, capsys: pytest.CaptureFixture, text: str,
                                                 field: str) -> None:
    (tmp_path / "quiz.toml").write_text(text)
    assert main([str(tmp_path / "quiz.toml"), "--out", str(tmp_path / "out"), "--format", "tex"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and field in err and "fix:" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("csv_text,where", [
    ("name,score\nAda,1\n", "line 1: no id column in the header (name, score)"),
    ("id,name\n,Ada\n", "line 2"),
    ("id,name\n1,Ada\n1,Bob\n", "line 3"),
    ("id,name\n1,Ada\n" + "9" * 5000 + ",Bob\n", "line 3"),  # would name sheets/<id>.pdf: too long
    ("id,name\n1," + "A" * 201 + "\n", "line 2"),
    ("id,name\n1,Ada\n2,\"Bob\n3,Cy\n", "line 3: a line break"),  # a quote left open
    ("id,name\n1,Ada\n2,\u202eIvan\n", r"line 3 name: the character '\u202e' (U+202E"),  # reverses what follows
    ("id,name\n1,Nguy\U000f0000n\n", "line 2 name: the character"),  # private use: no font means it
    ("id,name\n1\u2066,Ada\n", "line 2 id"),
    ("id,name\n1,Ada\x07\n", "line 2: a line break or control character"),
])
def test_bad_rosters_name_the_line(tmp_path: Path, capsys: pytest.CaptureFixture, csv_text: str, where: str) -> None:
    spec = write(tmp_path)
    (tmp_path / "r.csv").write_text(csv_text)
    assert main([str(spec), "--roster", str(tmp_path / "r.csv"), "--out", str(tmp_path / "o"), "--format", "tex"]) == 2
    err = capsys.readouterr().err
    assert where in err and err.count("\n") == 1 and "fix:" in err


def test_the_command_prints_no_traceback_on_bad_input(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "gradsheet.generate", str(tmp_path / "none.toml")], capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr and "no such file" in result.stderr


def test_every_kind_is_listed_with_a_summary(capsys: pytest.CaptureFixture) -> None:
    assert main(["--kinds"]) == 0
    out = capsys.readouterr().out
    for name in ("forward", "backprop", "update", "chain_rule", "activation", "param_count", "regularization",
                 "batching", "dropout", "perceptron"):
        assert name in out


def test_outputs_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    # SymPy orders some products by creation order of dummies, which follows set iteration
    import os

    texts = []
    for seed in ("1", "2", "3"):
        out = tmp_path / seed
        subprocess.run([sys.executable, "-m", "gradsheet.generate", "--demo", "--format", "tex", "--out", str(out)], check=True,
                       env=dict(os.environ, PYTHONHASHSEED=seed), capture_output=True)
        texts.append([(out / f).read_bytes() for f in ("tex/exam.tex", "tex/solutions.tex", "key.json")])
    assert texts[0] == texts[1] == texts[2]


AUTODIFF = """
title = "Autodiff"
seed = 5
[[problems]]
kind = "autodiff"
[[problems]]
kind = "autodiff"
difficulty = "hard"
numbers = "decimal"
"""


@needs_tex
def test_autodiff_sheets_compile_with_the_graph_in_the_solutions(tmp_path: Path) -> None:
    (tmp_path / "ad.toml").write_text(AUTODIFF, encoding="utf-8")
    assert main([str(tmp_path / "ad.toml"), "--out", str(tmp_path / "out")]) == 0
    solutions = (tmp_path / "out" / "tex" / "solutions.tex").read_text(encoding="utf-8")
    assert solutions.count(r"\begin{tikzpicture}") == 2
    text = subprocess.run(["pdftotext", str(tmp_path / "out" / "solutions.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Reverse mode" in text and "contribution 2 of" in text
    exam = subprocess.run(["pdftotext", str(tmp_path / "out" / "exam.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Forward mode" in exam and "Jacobian" in exam


def test_every_sheet_says_how_to_round_even_without_instructions(tmp_path: Path) -> None:
    spec = tmp_path / "quiz.toml"
    spec.write_text('title = "t"\ndecimals = 3\n[[problems]]\nkind = "forward"\n')
    assert main([str(spec), "--out", str(tmp_path / "out"), "--format", "tex"]) == 0
    tex = (tmp_path / "out" / "tex" / "exam.tex").read_text()
    assert "round every other one to 3 decimals (halves away from zero)" in tex


def test_large_integers_are_grouped_in_threes() -> None:
    from gradsheet.generate.printing import grouped

    assert [grouped(n) for n in (7, 1000, 10000, 1000000, -123456)] == \
        ["7", "1000", r"10\,000", r"1\,000\,000", r"-123\,456"]


def test_an_exam_without_equation_references_prints_none(tmp_path: Path) -> None:
    # issue 34, item 4: the sheets, the solutions and the LMS feedback alike
    kinds = ("forward", "backprop", "update", "chain_rule", "batching", "regularization")
    problems = "".join(f'[[problems]]\nkind = "{k}"\n' for k in kinds)
    for refs in (True, False):
        spec = tmp_path / f"q{refs}.toml"
        spec.write_text(f'title = "Q"\nseed = 5\n[notation]\nequation_refs = {str(refs).lower()}\n{problems}')
        out = tmp_path / f"o{refs}"
        assert main([str(spec), "--variants", "2", "--format", "tex,moodle", "--out", str(out)]) == 0
        texts = [(out / "tex" / "solutions.tex").read_text(), (out / "moodle.xml").read_text()]
        assert all(("Eq. 3." in t) == refs for t in texts)
    # the instructor's own numbering, compiled
    spec = tmp_path / "own.toml"
    spec.write_text('title = "Q"\nseed = 5\n[notation.equation_refs]\n"3.14" = "Eq. 5"\n"3.23" = "2.7"\n'
                    '[[problems]]\nkind = "backprop"\n[[problems]]\nkind = "chain_rule"\n')
    assert main([str(spec), "--variants", "1", "--format", "pdf", "--out", str(tmp_path / "own")]) == 0
    solutions = (tmp_path / "own" / "tex" / "solutions.tex").read_text()
    assert "Eq. 5" in solutions and "2.7" in solutions and "Eq. 3." not in solutions
