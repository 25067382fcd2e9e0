"""The class's language: ``language = "de"`` prints every sheet word from the German catalog,
``decimal_comma = true`` writes 0,25; English is the message ids and stays as it was."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from gradsheet.derive.errors import SpecError
from gradsheet.generate import language, pdf, problems, render, spec, variants
from gradsheet.generate.cli import main
from gradsheet.generate.roster import Student

EVERY_KIND = "".join(f'[[problems]]\nkind = "{kind}"\npoints = 9\n' + ('numbers = "decimal"\n' if kind == "forward" else "")
                     for kind in problems.NAMES)
STUDENTS = [Student("s1", "Ada"), Student("s2", "Bo")]


def exam(tmp: Path, head: str = 'language = "de"\ndecimal_comma = true\n') -> spec.ExamSpec:
    path = tmp / "exam.toml"
    path.write_text(f'title = "Klausur"\nseed = 11\n{head}{EVERY_KIND}', encoding="utf-8")
    return spec.load(path)


class Recording(dict):
    """A catalog that notes every message it was asked for and lacks."""

    def __init__(self, messages: dict) -> None:
        super().__init__(messages)
        self.missing: set[str] = set()

    def get(self, key, default=None):  # type: ignore[no-untyped-def]
        if key not in self:
            self.missing.add(key)
        return super().get(key, default)


def test_the_german_catalog_has_every_message_a_sheet_or_its_solutions_say(tmp_path: Path) -> None:
    german = language.get("de")
    recording = Recording(dict(german.messages))
    e = replace(exam(tmp_path), language=replace(german, messages=recording))
    sheets = variants.draw_all(e, STUDENTS, workers=1)
    env = render.templates()
    for document in ("exam", "solutions"):
        render.render(document, e, sheets, env)
    # a section title a kind wrote in German already (its own message, filled in) passes the
    # template's say() again: it holds a piece of some translation
    pieces = {piece for text in german.messages.values() for piece in re.split(r"\{\w+\}", text) if len(piece) >= 6}
    missing = {m for m in recording.missing if not any(piece in m for piece in pieces)}
    assert not missing, sorted(missing)
    for message, text in german.messages.items():  # a translation keeps its message's fields
        assert set(re.findall(r"\{(\w+)\}", message)) == set(re.findall(r"\{(\w+)\}", text)), message


def test_english_is_the_messages_themselves() -> None:
    assert language.get("en").say("Compute {z} and {a}.", z="$z$", a="$a$") == "Compute $z$ and $a$."
    assert language.get("de").say("Compute {z} and {a}.", z="$z$", a="$a$") == "Berechnen Sie $z$ und $a$."
    assert language.places(1, language.get("de")) == "1 Nachkommastelle"


def test_decimal_commas_on_the_sheet_and_dots_in_the_key(tmp_path: Path) -> None:
    e = exam(tmp_path)
    sheets = variants.draw_all(e, STUDENTS[:1], workers=1)
    tex = render.render("exam", e, sheets, render.templates())
    matrices = re.findall(r"\\begin\{pmatrix\}(.*?)\\end\{pmatrix\}", tex)
    assert matrices and any("{,}" in m for m in matrices) and not any(re.search(r"\d\.\d", m) for m in matrices)
    assert r"\usepackage[ngerman]{babel}" in tex
    forward = sheets[0].variants[0].problem
    assert all("," not in str(a.key_value) for a in forward.answers)
    solutions = render.render("solutions", e, sheets, render.templates())
    assert r"$\pm$\,0{,}0001" in solutions  # the key table writes numbers as the sheet does


@pytest.mark.parametrize("head, words", [('language = "fr"', "unknown language 'fr'"),
                                         ("decimal_comma = 1", "expected true or false")])
def test_a_language_gradsheet_has_no_catalog_for_is_one_line(tmp_path: Path, head: str, words: str) -> None:
    with pytest.raises(SpecError) as error:
        exam(tmp_path, head + "\n")
    assert words in str(error.value) and "\n" not in str(error.value)


# what an English statement or question says; a German sheet has none of them ("step" is the
# step function's name, \mathrm{step}, in formulas)
ENGLISH = ("compute", "network", "the", "and", "with", "page", "points", "problem", "round", "every", "give",
           "layer", "weights", "consider", "function", "each", "which", "how", "many", "of", "for", "by", "is", "are",
           "its", "run", "take", "apply", "draw", "mode", "answer", "yes", "reason", "output", "input", "inputs",
           "derivative", "cost", "pass", "mask", "write", "evaluate", "trace", "seed", "update", "example", "examples",
           "algorithm", "exactly", "decimals", "halves", "away", "zero", "total", "score", "below", "weight")


@pytest.mark.skipif(not pdf.available() or not shutil.which("pdftotext") or
                    subprocess.run(["kpsewhich", "ngerman.ldf"], capture_output=True).returncode != 0,
                    reason="pdflatex, pdftotext and babel's German (texlive-lang-german) are needed")
def test_a_german_sheet_has_no_english_statement_words(tmp_path: Path) -> None:
    exam(tmp_path)
    out = tmp_path / "out"
    assert main([str(tmp_path / "exam.toml"), "--variants", "2", "--format", "pdf", "--out", str(out)]) == 0
    for document in ("exam", "solutions"):
        printed = subprocess.run(["pdftotext", str(out / f"{document}.pdf"), "-"], capture_output=True, text=True,
                                 check=True).stdout
        words = {w.lower() for w in re.findall(r"[A-Za-zäöüÄÖÜß]+", printed)}
        assert not words & set(ENGLISH), (document, sorted(words & set(ENGLISH)))
        assert "Seite 2" in printed and re.search(r"\d,\d", printed)
    assert "Berechnen Sie" in subprocess.run(["pdftotext", str(out / "exam.pdf"), "-"], capture_output=True,
                                             text=True).stdout


def test_the_lms_exports_speak_the_sheet_s_language_and_stay_valid(tmp_path: Path) -> None:
    import html
    import sys
    import zipfile

    exam(tmp_path)
    out = tmp_path / "out"
    assert main([str(tmp_path / "exam.toml"), "--variants", "1", "--format", "moodle,qti", "--out", str(out)]) == 0
    moodle = html.unescape((out / "moodle.xml").read_text(encoding="utf-8"))
    assert "Geben Sie ein Ergebnis mit höchstens 4 Nachkommastellen" in moodle and "<h4>Vorwärtsdurchlauf</h4>" in moodle
    assert "Aufgabe 1: Vorwärtspropagation" in moodle and "Round every" not in moodle
    assert "{1:MULTICHOICE:ja~=nein}" in moodle or "{1:MULTICHOICE:=ja~nein}" in moodle or "MULTICHOICE:=nein" in moodle
    unpacked = tmp_path / "qti"
    zipfile.ZipFile(out / "qti.zip").extractall(unpacked)
    items = sorted((unpacked / "items").glob("*.xml"))
    text = "".join(html.unescape(p.read_text(encoding="utf-8")) for p in items)
    assert 'title="Ausführliche Lösungen"' not in text and "Worked solution" not in text and "Runden Sie" not in text
    assert "Nachkommastellen" in text and "(Gl. 3.4)" in text
    pytest.importorskip("lxml")
    validate = Path(__file__).parents[1] / "schemas" / "qti21" / "validate.py"
    run = subprocess.run([sys.executable, str(validate), str(unpacked / "imsmanifest.xml"), *map(str, items)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_german_exam_s_class_report_is_german_and_names_the_mistakes_in_german(tmp_path: Path, capsys) -> None:
    import csv
    import json

    path = tmp_path / "exam.toml"
    path.write_text('title = "Klausur"\nseed = 5\nlanguage = "de"\n[[problems]]\nkind = "backprop"\npoints = 8\n'
                    '[[problems]]\nkind = "update"\npoints = 8\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main([str(path), "--variants", "4", "--format", "tex", "--out", str(out)]) == 0
    doc = json.loads((out / "key.json").read_text())
    assert doc["language"] == "de"  # the report reads its language from the key
    rows = [["student", "problem", "part", "value"]]
    for n, s in enumerate(doc["students"][:3]):  # the fourth hands in nothing
        for v in s["variants"]:
            for a in v["answers"]:
                doubled = n < 2 and v["problem"] == 1 and a["part"].startswith(("delta", "grad_"))
                rows.append([s["id"], v["problem"], a["part"], 2 * a["value"] if doubled else a["value"]])
    with open(tmp_path / "answers.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    main(["--grade", str(out / "key.json"), "--answers", str(tmp_path / "answers.csv"), "--out", str(tmp_path / "g")])
    capsys.readouterr()
    report = (tmp_path / "g" / "report.tex").read_text(encoding="utf-8")
    for german in ("Klassenbericht", "Häufigste Fehler", "das ½ der Kosten wurde weggelassen", "nicht -2(y - ",
                   "gar keine Antwort", r"\usepackage[ngerman]{babel}"):
        assert german in report, german
    words = {w.lower() for w in re.findall(r"(?<!\\)\b[A-Za-z]{3,}\b", re.sub(r"\\[A-Za-z]+|\{[^{}]*\}", " ", report))}
    assert not words & {"the", "was", "dropped", "mistakes", "students", "points", "report", "answer", "half"}, words
