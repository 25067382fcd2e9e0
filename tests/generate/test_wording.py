"""The instructor's own wording: ``text`` and ``questions`` in a problem, with ``{{ name }}``
placing the variant's quantities, printed as written (escaped) on the sheet and in the LMS."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from gradsheet.derive.errors import SpecError
from gradsheet.generate import pdf, spec, variants
from gradsheet.generate.cli import main
from gradsheet.generate.problem import Refused
from gradsheet.generate.roster import Student

EXAMPLES = Path(__file__).parents[2] / "derive" / "examples"
ONE = [Student("s1", "Ada")]


def exam(tmp: Path, table: str) -> spec.ExamSpec:
    shutil.copy(EXAMPLES / "herrmann_backprop.toml", tmp / "lecture.toml")
    path = tmp / "exam.toml"
    path.write_text(f'title = "Wording"\nseed = 4\n[[problems]]\n{table}\n', encoding="utf-8")
    return spec.load(path)


def problem(tmp: Path, table: str):  # type: ignore[no-untyped-def]
    return variants.draw_all(exam(tmp, table), ONE, workers=1)[0].variants[0].problem


LECTURE = 'kind = "backprop"\npoints = 8\nnetwork = "lecture.toml"\n'


def test_the_statement_is_the_instructor_s_text_with_the_variant_s_quantities(tmp_path: Path) -> None:
    p = problem(tmp_path, LECTURE + 'text = "Our 100% lecture net & co: {{ figure }} with {{ W1 }}. {{ given }}"')
    pieces = p.statement["wording"]
    assert pieces[0] == ("text", r"Our 100\% lecture net \& co: ") and pieces[1] == ("figure", "")
    assert pieces[2][1].startswith(r" with $\mathbf{W}^{(1)} = \begin{pmatrix}1 & -3 \\ -2 & 1\end{pmatrix}$")
    assert r". \[\begin{gathered}\mathbf{W}^{(1)} = " in pieces[2][1] and len(pieces) == 3


def test_a_question_in_own_words_replaces_the_kind_s_and_an_empty_one_keeps_it(tmp_path: Path) -> None:
    kind_s = problem(tmp_path, LECTURE).questions
    own = problem(tmp_path, LECTURE + 'questions = ["Forward, for {{ x }}, please.", ""]').questions
    assert own[0].text == r"Forward, for $\mathbf{x} = \begin{pmatrix}3 \\ 2\end{pmatrix}$, please."
    assert own[1:] == kind_s[1:] and own[0].points == kind_s[0].points and own[0].parts == kind_s[0].parts


@pytest.mark.parametrize("table, field, words", [
    ('text = "See {{ nothing }}."', "problems[1].text", "{{ nothing }} is not a quantity of this problem (fix: use one "
                                                         "of W1, W2, alpha, decimals, figure, formulas, given"),
    ('questions = ["{{ figure }} here"]', "problems[1].questions[1]", "{{ figure }} is not a quantity"),
    ('questions = ["a", "b", "c", "d", "e"]', "problems[1].questions", "5 texts for the 3 questions this problem asks"),
])
def test_a_name_the_problem_has_not_is_one_line_listing_the_names_it_has(tmp_path: Path, table: str, field: str,
                                                                       words: str) -> None:
    e = exam(tmp_path, LECTURE.replace('"backprop"', '"update"') + table)
    with pytest.raises(Refused) as error:
        variants.draw_all(e, ONE, workers=1)
    assert str(error.value).startswith(f"{field}: ") and words in str(error.value), str(error.value)


@pytest.mark.parametrize("table, words", [
    ('text = "{% for x in y %}{{ x }}{% endfor %}"', "'{%' outside a placeholder"),
    ('text = "{{ x.__class__ }}"', "'{{' outside a placeholder"),
    ("text = 5", "expected text"),
    ('questions = "one"', "expected a list of up to 20 texts"),
    ('text = "' + "x" * 2001 + '"', "2,001 characters"),
    ('text = "bell \\u0007"', "U+0007"),
])
def test_a_wording_that_is_not_plain_text_with_placeholders_is_refused_when_read(tmp_path: Path, table: str,
                                                                                 words: str) -> None:
    with pytest.raises(SpecError, match="problems\\[1\\]") as error:
        exam(tmp_path, LECTURE + table)
    assert words in str(error.value) and "\n" not in str(error.value)


def test_a_wrong_name_from_the_command_line_is_one_line_and_nothing_is_written(tmp_path: Path, capsys) -> None:
    exam(tmp_path, LECTURE + 'text = "{{ weights }}"')
    assert main([str(tmp_path / "exam.toml"), "--variants", "2", "--format", "tex", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("generate: error: problems[1].text: {{ weights }} is not a quantity") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not pdf.available() or not shutil.which("pdftotext"), reason="pdflatex and pdftotext are needed")
def test_the_own_wording_is_on_the_sheet_and_in_the_lms_as_written(tmp_path: Path) -> None:
    text = 'Lecture 5 \\\\input{/etc/passwd} $x$ ~50%: {{ figure }} {{ formulas }}'
    exam(tmp_path, LECTURE + f'text = "{text}"\nquestions = ["Forward pass for {{{{ x }}}}, by hand."]')
    out = tmp_path / "out"
    assert main([str(tmp_path / "exam.toml"), "--variants", "1", "--format", "pdf,moodle", "--out", str(out)]) == 0
    printed = subprocess.run(["pdftotext", "-layout", str(out / "exam.pdf"), "-"], capture_output=True, text=True).stdout
    assert r"Lecture 5 \input{/etc/passwd} $x$ ~50%:" in printed and "Forward pass for x =" in printed
    assert "Every layer applies" not in printed  # the kind's own statement is replaced
    import html

    moodle = html.unescape(html.unescape((out / "moodle.xml").read_text(encoding="utf-8")))
    assert "Lecture 5 \\input{/etc/passwd} $x$ ~50%:" in moodle and "Forward pass for" in moodle
    key = json.loads((out / "key.json").read_text())
    assert key["students"][0]["variants"][0]["answers"][0]["part"] == "output[1]"  # the key is the kind's
