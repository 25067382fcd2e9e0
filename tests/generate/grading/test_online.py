"""An online quiz regraded with carried credit: Moodle's Responses report and QTI 2.1 results.

The fixtures are written to the formats as their makers document them, not by our writer:

* Moodle's Responses report (mod/quiz/report/responses): user columns, ``State``, then
  ``Response {$a}`` and ``Right answer {$a}`` per slot (quiz_responses' ``responsex`` and
  ``rightanswerx``); a slot without a response is ``-`` (``data_col``). A Cloze response is
  ``qtype_multianswer_question::summarise_response``: ``get_string('subqresponse')``,
  ``part {$a->i}: {$a->response}``, one per field from 1, joined by ``'; '``; the right answer
  is the same summary of the correct response.
* QTI 2.1 results: ``assessmentResult`` in the results namespace as QTIWorks writes it
  (qtiworks-jqtiplus ``src/test/resources/reading/choice-assessmentResult.xml``): a context
  with its session identifier, one ``itemResult`` per item with the engine's own variables
  (SCORE, duration) beside each ``responseVariable``'s ``candidateResponse``; checked
  against IMS's results schema (``tests/schemas/qti21/imsqti_result_v2p1.xsd``).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gradsheet.generate.cli import main
from gradsheet.generate.grading.online import parts_of, typed

VALIDATE = Path(__file__).parents[2] / "schemas" / "qti21" / "validate.py"

QUIZ = """
title = "Quiz 3"
name = "quiz3"
seed = 3
decimals = 4
[[problems]]
kind = "backprop"
points = 6
[[problems]]
kind = "forward"
points = 4
numbers = "decimal"
[[problems]]
kind = "perceptron"
points = 2
"""
HEADER = ["Last name", "First name", "Email address", "State", "Started on", "Completed", "Time taken",
          "Grade/12.00", "Response 1", "Right answer 1", "Response 2", "Right answer 2", "Response 3", "Right answer 3"]


@pytest.fixture(scope="module")
def quiz(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("quiz")
    (folder / "quiz.toml").write_text(QUIZ, encoding="utf-8")
    (folder / "class.csv").write_text("id,name\ns1,Ann\ns2,Bob\ns3,Cid\n", encoding="utf-8")
    assert main([str(folder / "quiz.toml"), "--roster", str(folder / "class.csv"), "--format", "tex",
                 "--out", str(folder / "build")]) == 0
    return folder


def _key(quiz: Path) -> dict:
    return json.loads((quiz / "build" / "key.json").read_text(encoding="utf-8"))


def _variant(quiz: Path, student: str, problem: int) -> dict:
    return next(v for s in _key(quiz)["students"] if s["id"] == student for v in s["variants"] if v["problem"] == problem)


def _values(variant: dict) -> list:
    return [a["value"] for a in variant["answers"]]


def _cloze(values: list) -> str:
    """A Cloze response as Moodle summarises it."""
    return "; ".join(f"part {i}: {v}" for i, v in enumerate(values, start=1))


def _carried_forward(variant: dict) -> tuple[list[str], str, str]:
    """A forward pass with a slip in a1[1] and z2[1] computed on from it: the answers, and the
    two parts (wrong, carried)."""
    values = [str(v) for v in _values(variant)]
    parts = [a["part"] for a in variant["answers"]]
    a1 = [float(v) for v in (values[parts.index("a1[1]")], values[parts.index("a1[2]")])]
    a1[0] = round(a1[0] + 0.1, 4)
    layer = variant["network"]["layers"][1]
    bias = float(layer.get("bias", [0])[0])
    z2 = sum(float(w) * a for w, a in zip(layer["weights"][0], a1)) + bias
    values[parts.index("a1[1]")] = f"{a1[0]:.4f}".replace(".", ",")  # typed with a decimal comma
    values[parts.index("z2[1]")] = f"{z2:.4f}"
    return values, "a1[1]", "z2[1]"


def _grade(quiz: Path, answers: Path, out: str, *extra: str) -> int:
    return main(["--grade", str(quiz / "build" / "key.json"), "--answers", str(answers), "--format", "tex",
                 "--out", str(quiz / out), *extra])


def _parts(folder: Path) -> dict[tuple[str, str, str], dict]:
    rows = csv.DictReader(io.StringIO((folder / "parts.csv").read_text(encoding="utf-8")))
    return {(r["student"], r["problem"], r["part"]): r for r in rows}


def _responses(quiz: Path) -> str:
    forward, wrong, carried = _carried_forward(_variant(quiz, "s1", 2))
    bob = [str(v) for v in _values(_variant(quiz, "s1", 1))]
    bob[0] = "−" + bob[0].lstrip("-") if bob[0].startswith("-") else bob[0]  # the sign the sheets print
    bob[3] = ""  # a field left empty
    rows = [HEADER,
            # Ada is dealt s2's backprop, s1's forward and s3's perceptron
            ["Lovelace", "Ada", "ada@example.org", "Finished", "4 December 2026  10:00 AM", "4 December 2026  10:40 AM",
             "40 mins", "9.50", _cloze(_values(_variant(quiz, "s2", 1))), _cloze(_values(_variant(quiz, "s2", 1))),
             _cloze(forward), _cloze(_values(_variant(quiz, "s1", 2))),
             _cloze(_values(_variant(quiz, "s3", 3))), _cloze(_values(_variant(quiz, "s3", 3)))],
            # an earlier attempt of Charles, then his last; he never reached slot 2
            ["Babbage", "Charles", "cb@example.org", "Finished", "", "", "", "1.00", _cloze(["1"] * 11),
             _cloze(_values(_variant(quiz, "s1", 1))), "-", "-", "-", "-"],
            ["Babbage", "Charles", "cb@example.org", "Finished", "", "", "", "8.00", _cloze(bob),
             _cloze(_values(_variant(quiz, "s1", 1))), "-", "-", _cloze(["1", "yes"]),
             _cloze(_values(_variant(quiz, "s1", 3)))],
            ["Hopper", "Grace", "gh@example.org", "In progress", "", "", "", "-", "-", "-", "-", "-", "-", "-"],
            # a right answer no variant has: another quiz's question in the slot
            ["Turing", "Alan", "at@example.org", "Finished", "", "", "", "0.00", _cloze(["3", "4"]),
             _cloze(["3", "4"]), "-", "-", "-", "-"]]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def test_a_moodle_responses_report_is_graded_with_carried_credit(quiz: Path) -> None:
    (quiz / "responses.csv").write_text(_responses(quiz), encoding="utf-8")
    assert _grade(quiz, quiz / "responses.csv", "moodle") == 1  # rows not graded: exit 1, the rest graded
    parts = _parts(quiz / "moodle")
    _, wrong, carried = _carried_forward(_variant(quiz, "s1", 2))
    assert parts["ada@example.org", "2", wrong]["verdict"] == "wrong"
    assert parts["ada@example.org", "2", carried]["verdict"] == "carried"
    assert all(r["verdict"] == "correct" for (s, p, _), r in parts.items() if s == "ada@example.org" and p == "1")
    # Charles's last attempt: −15 and a fraction read as he meant them, an empty field missing
    charles = {part: r for (s, p, part), r in parts.items() if s == "cb@example.org" and p == "1"}
    assert charles["output[1]"]["verdict"] == "correct"
    assert [r["verdict"] for r in charles.values()].count("missing") == 1
    assert parts["cb@example.org", "3", "trainable"]["verdict"] == "wrong"
    assert not any(s == "gh@example.org" or s == "at@example.org" for s, _, _ in parts)
    unread = (quiz / "moodle" / "unread.csv").read_text(encoding="utf-8")
    assert "an earlier attempt of cb@example.org" in unread and "'In progress', not finished" in unread
    assert "at@example.org, slot 1: its right answers are no variant's of the key" in unread
    book = list(csv.reader(io.StringIO((quiz / "moodle" / "gradebook.csv").read_text(encoding="utf-8"))))
    assert book[0] == ["Email address", "Quiz 3", "Quiz 3: problem 1", "Quiz 3: problem 2", "Quiz 3: problem 3"]
    grades = {r["student"]: r for r in csv.DictReader(io.StringIO((quiz / "moodle" / "grades.csv").read_text()))}
    ada = next(r for r in book if r[0] == "ada@example.org")
    assert ada[1] == grades["ada@example.org"]["total"] and ada[2] == "6"
    assert next(r for r in book if r[0] == "cb@example.org")[3] == ""  # no problem 2 dealt: no grade


def test_the_identity_column_can_be_named(quiz: Path) -> None:
    (quiz / "responses.csv").write_text(_responses(quiz), encoding="utf-8")
    assert _grade(quiz, quiz / "responses.csv", "by-name", "--roster-columns", "id=Last name") == 1
    book = (quiz / "by-name" / "gradebook.csv").read_text(encoding="utf-8")
    assert book.startswith("Last name,") and "\nLovelace," in book


def _item(ident: str, values: list) -> str:
    variables = "".join(
        f'\n    <responseVariable identifier="R{i}" cardinality="single" '
        f'baseType="{"identifier" if isinstance(v, str) and not v[:1].isdigit() and v[:1] not in "-." else "float"}">'
        f"\n      <correctResponse>\n        <value>{v}</value>\n      </correctResponse>"
        f"\n      <candidateResponse>\n        <value>{v}</value>\n      </candidateResponse>\n    </responseVariable>"
        for i, v in enumerate(values, start=1))
    return (f'\n  <itemResult identifier="{ident}" datestamp="2026-12-04T10:41:08" sessionStatus="final">'
            '\n    <outcomeVariable identifier="SCORE" cardinality="single" baseType="float">\n      <value>1.0</value>'
            '\n    </outcomeVariable>\n    <responseVariable identifier="duration" cardinality="single" baseType="float">'
            "\n      <candidateResponse>\n        <value>28.498</value>\n      </candidateResponse>\n    </responseVariable>"
            f"{variables}\n  </itemResult>")


def _result(candidate: str, items: list[str]) -> str:
    return ('<assessmentResult xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n'
            '                  xmlns="http://www.imsglobal.org/xsd/imsqti_result_v2p1"\n'
            '                  xsi:schemaLocation="http://www.imsglobal.org/xsd/imsqti_result_v2p1 '
            'http://www.imsglobal.org/xsd/imsqti_result_v2p1.xsd">\n'
            f'  <context sourcedId="{candidate}">\n    <sessionIdentifier sourceID="https://lms.example.org" '
            f'identifier="testsession-{candidate}"/>\n  </context>\n'
            f'  <testResult identifier="quiz3-test" datestamp="2026-12-04T10:41:08"/>{"".join(items)}\n'
            "</assessmentResult>\n")


def _results(quiz: Path, folder: Path) -> list[Path]:
    forward, _, _ = _carried_forward(_variant(quiz, "s1", 2))
    forward = [v.replace(",", ".") for v in forward]  # a QTI float response has a point
    folder.mkdir(exist_ok=True)
    files = {"ada.xml": _result("ada", [_item("quiz3-p1-s2", _values(_variant(quiz, "s2", 1))),
                                        _item("quiz3-p2-s1", forward),
                                        _item("quiz3-p3-s3", _values(_variant(quiz, "s3", 3)))]),
             "bob.xml": _result("bob", [_item("quiz3-p1-s1", _values(_variant(quiz, "s1", 1))),
                                        _item("quiz3-p9-zz", [1])]),
             "notes.xml": "<notes>not a result</notes>\n"}
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / n for n in ("ada.xml", "bob.xml")]


def _has_lxml() -> bool:
    try:
        import lxml  # noqa: F401
    except ImportError:
        return False
    return True


def test_qti_results_are_graded_with_carried_credit_from_a_folder_or_a_zip(quiz: Path) -> None:
    results = _results(quiz, quiz / "results")
    if _has_lxml():
        run = subprocess.run([sys.executable, str(VALIDATE), *map(str, results)], capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
    with zipfile.ZipFile(quiz / "results.zip", "w") as z:
        for path in sorted((quiz / "results").iterdir()):
            z.write(path, f"export/{path.name}")
    for source, out in ((quiz / "results", "qti"), (quiz / "results.zip", "qti-zip")):
        assert _grade(quiz, source, out) == 1
        parts = _parts(quiz / out)
        _, wrong, carried = _carried_forward(_variant(quiz, "s1", 2))
        assert (parts["ada", "2", wrong]["verdict"], parts["ada", "2", carried]["verdict"]) == ("wrong", "carried")
        assert all(r["verdict"] == "correct" for (s, _, _), r in parts.items() if s == "bob")
        unread = (quiz / out / "unread.csv").read_text(encoding="utf-8")
        assert "item 'quiz3-p9-zz' is no variant of the key" in unread and "a <notes>, not an assessmentResult" in unread
        book = (quiz / out / "gradebook.csv").read_text(encoding="utf-8").splitlines()
        assert book[0].startswith("candidate,Quiz 3,") and book[2] == "bob,6,6,,"


def test_the_qti_results_reader_names_items_as_the_package_does(tmp_path: Path) -> None:
    from gradsheet.generate.lms.qti import item_identifiers

    # ids that slug alike get an x, in the order the package meets them
    idents = item_identifiers("quiz", (1, 2), ("A b", "a-b", "c"))
    assert idents[1, "A b"] == "quiz-p1-a-b" and idents[1, "a-b"] == "quiz-p1-a-bx" and idents[2, "c"] == "quiz-p2-c"


@pytest.mark.parametrize("summary, fields", [
    ("part 1: 0,25; part 2: yes", ["0,25", "yes"]),
    ("part 1: ; part 2: -3", ["", "-3"]),  # a field left empty
    ("part 1: 1; 2; part 2: 5", ["1; 2", "5"]),  # "; " inside a field that is no label
    ("Teil 1: 0,5; Teil 2: ja", ["0,5", "ja"]),  # the site language's word
    ("-", None),
    ("", None),
    ("0.25", None),
])
def test_a_cloze_summary_splits_into_its_fields(summary: str, fields: list[str] | None) -> None:
    assert parts_of(summary) == fields


@pytest.mark.parametrize("typed_in, read", [
    ("0,25", "0.25"), ("1,234.5", "1234.5"), ("1,234,567", "1234567"), ("2×10^-3", "2e-3"), ("1.5*10**2", "1.5e2"),
    (" 1 234 ", "1234"), ("−23", "−23"), ("81/2", "81/2"), ("1e-3", "1e-3"),
])
def test_a_number_is_read_as_moodle_reads_it(typed_in: str, read: str) -> None:
    assert typed(typed_in) == read


@pytest.mark.parametrize("text, field", [
    ("Name,Email address,Response 1\nA,a@x,part 1: 3\n", "line 1"),  # no Right answer column
    ("a,b,c\n1,2,3\n", "line 1"),  # neither format
])
def test_a_report_that_cannot_be_read_is_a_one_line_error(quiz: Path, capsys, text: str, field: str) -> None:
    (quiz / "bad.csv").write_text(text, encoding="utf-8")
    assert _grade(quiz, quiz / "bad.csv", "bad") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and field in err and not (quiz / "bad").exists()


def test_a_plain_answers_csv_takes_no_roster_columns(quiz: Path, capsys) -> None:
    (quiz / "plain.csv").write_text("student,problem,part,value\ns1,1,cost,1\n", encoding="utf-8")
    assert _grade(quiz, quiz / "plain.csv", "plain", "--roster-columns", "id=x") == 2
    assert "--roster-columns" in capsys.readouterr().err
