"""Hostile and unlucky input to every ``generate`` entry point: building an exam and grading a
class, from a table of bad files and options and from generated ones (hypothesis).

Whatever the input, each run must end within seconds with status 0 or 2; an error is one
line on stderr and no traceback; and nothing is left in or beside the destination.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradsheet.generate.cli import main
from tests.conftest import assert_one_line_error, examples, run_command
from tests.strategies import (VALID_EXAM, broken, hostile_csv, hostile_exams, hostile_moodle_reports,
                              hostile_results, plausible_exams)

FORMULA_START = tuple("=+-@\t\r\n＝＋－＠")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?:/\d+)?")
SECONDS = 30  # far above any honest run here (--format tex, one student); a hang fails the test


def tree(folder: Path) -> list[str]:
    """Every path under ``folder`` (hidden ones too), relative to it."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def assert_well_behaved(capsys, args, folder: Path) -> tuple[int, str, str]:
    """Run ``generate args``; ``folder`` holds every input and output of the run."""
    before = tree(folder)
    code, usage, captured = run_command(main, args, capsys, SECONDS)
    assert code in (0, 1, 2), (args, captured.err)
    assert "Traceback" not in captured.err
    if code == 1:  # graded, with the rows it could not place named, one line each, and in unread.csv
        lines = captured.err.splitlines()
        assert lines and all(line.startswith("generate: ") for line in lines), captured.err
        assert "not graded" in captured.err and "--grade" in [str(a) for a in args]
    leftovers = [p for p in tree(folder) if p not in before and Path(p).name.startswith(".")]
    assert not leftovers, leftovers  # no build folder, lock or temporary file left beside the outputs
    if code == 2:
        assert_one_line_error(captured.err, "generate", usage)
        assert tree(folder) == before  # nothing half-written
    for path in set(tree(folder)) - set(before):
        if path.endswith(".csv"):
            assert_spreadsheet_safe(folder / path)
    return code, captured.out, captured.err


def assert_spreadsheet_safe(path: Path) -> None:
    """No cell of a CSV we wrote would run as a formula in a spreadsheet (CSV injection)."""
    for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
        for cell in row:
            assert not cell.startswith(FORMULA_START) or PLAIN_NUMBER.fullmatch(cell), (path.name, cell)


def fresh(folder: Path) -> Path:
    """An empty ``folder``: hypothesis reuses a test's tmp_path for every example."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


# ---- generate SPEC


def _exam(**problem) -> str:
    return json.dumps({"title": "t", "seed": 8, "problems": [problem]})


HOSTILE_EXAMS = [
    ("batching diverging at hard", _exam(kind="batching", difficulty="hard")),
    ("batching with a large rate", _exam(kind="batching", difficulty="hard", learning_rate=10, examples=8)),
    # five decimal layers at rate 10: every draw diverges; its exact epochs had taken 48 s to say so
    ("batching diverging deep", json.dumps({"title": "Quiz", "seed": 2235, "decimals": 4, "problems": [
        {"kind": "batching", "numbers": "decimal", "sizes": [1, 6, 1, 1, 3], "learning_rate": "10", "examples": 4}]})),
    ("empty activation list", _exam(kind="activation", activation=[])),
    ("empty operations list", _exam(kind="autodiff", operations_from=[])),
    ("learning rate 1e300", _exam(kind="regularization", learning_rate=1e300)),
    ("lambda 1e300", _exam(kind="regularization", **{"lambda": "1e300"})),
    ("depth span reversed", _exam(kind="param_count", min_depth=50, max_depth=1)),
    ("huge network", _exam(kind="forward", sizes=[12] * 12, numbers="decimal")),
    ("a sizes list of 10,000 entries", _exam(kind="forward", sizes=[2] * 10_000)),
    ("sizes past the sheet's 8 entries", _exam(kind="backprop", sizes=[2] * 9)),
    ("10,000 operation names", _exam(kind="autodiff", operations_from=["add"] * 10_000)),
    ("10,000 activation names", _exam(kind="forward", activation=["relu"] * 10_000)),
    ("huge bound", _exam(kind="forward", bound=10**6, sizes=[12, 12, 12, 12])),
    ("tiny bound", _exam(kind="backprop", bound=1, sizes=[3, 3, 3])),
    ("a hundred problems", json.dumps({"title": "t", "problems": [{"kind": "perceptron"}] * 100})),
    ("seed 2^64", json.dumps({"title": "t", "seed": 2**64, "problems": [{"kind": "forward"}]})),
    ("seed nan", '{"title": "t", "seed": NaN, "problems": [{"kind": "forward"}]}'),
    ("points 10^30", _exam(kind="forward", points=10**30)),
    ("title of 100,000 characters", json.dumps({"title": "t" * 100_000, "problems": [{"kind": "forward"}]})),
    ("title all LaTeX specials", json.dumps({"title": "\\ { } $ & # ^ _ % ~ \\input{/etc/passwd}",
                                             "problems": [{"kind": "forward"}]})),
    ("nested 5,000 deep", '{"title": "t", "problems": ' + "[" * 5000 + "]" * 5000 + "}"),
    ("not an object", "[1, 2, 3]"),
    ("a network file that is a device", _exam(kind="forward", network="/dev/zero")),
    ("language of 10,000 characters", json.dumps({"title": "t", "language": "d" * 10_000, "problems": [{"kind": "forward"}]})),
    ("language as a list", json.dumps({"title": "t", "language": ["de"], "problems": [{"kind": "forward"}]})),
    ("decimal comma as text", json.dumps({"title": "t", "decimal_comma": "yes", "problems": [{"kind": "forward"}]})),
    ("German, decimal comma, every kind", json.dumps({"title": "t", "language": "de", "decimal_comma": True,
                                                     "problems": [{"kind": k} for k in ("forward", "backprop", "update",
                                                                  "chain_rule", "activation", "param_count", "regularization",
                                                                  "batching", "dropout", "perceptron", "autodiff")]})),
    ("wording of 10,000 placeholders", _exam(kind="forward", text="{{ x }}" * 10_000)),
    ("wording nested braces", _exam(kind="forward", text="{{{{ x }}}} {{ {{ y }} }}")),
    ("wording with template code", _exam(kind="forward", text="{% for i in range(10**9) %}x{% endfor %}")),
    ("a question for each of 10,000", _exam(kind="forward", questions=["q"] * 10_000)),
    ("questions of numbers", _exam(kind="forward", questions=[1, 2])),
    ("a placeholder the problem lacks", _exam(kind="param_count", text="{{ W1 }}")),
    ("a network file that is a folder", _exam(kind="forward", network="..")),
    ("a network that is a list", _exam(kind="forward", network=[1, 2])),
    ("an empty network", _exam(kind="forward", network={})),
    ("a network nested 5,000 deep", '{"title": "t", "problems": [{"kind": "forward", "network": '
     + "[" * 5000 + "]" * 5000 + "}]}"),
    ("a network of 10^30", _exam(kind="backprop", network={"layers": [{"weights": [[10**30]], "activation": "relu"}],
                                                          "example": {"x": [1], "y": [0]}})),
    ("a network of 1000 layers", _exam(kind="forward", network={
        "layers": [{"weights": [[1]], "activation": "identity"}] * 1000, "example": {"x": [1], "y": [0]}})),
    ("vary of 10,000 names", _exam(kind="forward", vary=["x"] * 10_000,
                                   network={"layers": [{"weights": [[1]], "activation": "identity"}],
                                            "example": {"x": [1], "y": [0]}})),
    ("vary of numbers", _exam(kind="forward", vary=[1], network={"layers": [{"weights": [[1]], "activation": "identity"}],
                                                                 "example": {"x": [1], "y": [0]}})),
    ("a network varied into kinks every draw", _exam(kind="backprop", vary=["y"], network={
        "layers": [{"weights": [[1, -1]], "activation": "relu"}], "example": {"x": [1, 1], "y": [0]}})),
    ("empty file", ""),
    ("binary", "\x00\xff" * 50),
]


@pytest.mark.parametrize("case,text", HOSTILE_EXAMS, ids=[c[0] for c in HOSTILE_EXAMS])
def test_a_hostile_exam_spec_is_a_one_line_error_or_a_build(capsys, tmp_path, case, text):
    spec = tmp_path / "quiz.json"
    spec.write_text(text, encoding="utf-8", errors="surrogateescape")
    assert_well_behaved(capsys, [spec, "--format", "tex", "--out", tmp_path / "out"], tmp_path)


@settings(max_examples=examples(1), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=hostile_exams())
def test_generated_hostile_exam_specs_never_crash_hang_or_leave_files(capsys, tmp_path, spec):
    folder = fresh(tmp_path / "run")
    (folder / "quiz.json").write_text(spec, encoding="utf-8")
    assert_well_behaved(capsys, [folder / "quiz.json", "--format", "tex", "--out", folder / "out"], folder)


@settings(max_examples=examples(1), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(exam=plausible_exams())
def test_unlucky_but_plausible_exams_build_or_name_the_option_to_change(capsys, tmp_path, exam):
    folder = fresh(tmp_path / "run")
    (folder / "quiz.json").write_text(json.dumps(exam))
    code, _, err = assert_well_behaved(capsys, [folder / "quiz.json", "--format", "tex", "--out", folder / "out"],
                                       folder)
    assert code == 0 or "problems[" in err or "decimals" in err, err


@settings(max_examples=examples(1), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(roster=hostile_csv("id,name"), per_student=st.booleans())
def test_generated_hostile_rosters_never_crash_hang_or_leave_files(capsys, tmp_path, roster, per_student):
    folder = fresh(tmp_path / "run")
    (folder / "quiz.json").write_text(json.dumps({"title": "t", "problems": [{"kind": "activation"}]}))
    (folder / "class.csv").write_text(roster, encoding="utf-8", errors="surrogateescape")
    extra = ["--per-student"] if per_student else []
    assert_well_behaved(capsys, [folder / "quiz.json", "--roster", folder / "class.csv", "--format", "tex",
                                 "--out", folder / "out", *extra], folder)


@pytest.mark.parametrize("args", [
    ["--seed", "-1"], ["--seed", "1e3"], ["--seed", str(10**40)], ["--timeout", "0"], ["--timeout", "-5"],
    ["--format", "docx"], ["--templates", "missing"], ["--roster", "/dev/zero"], ["--roster", "."],
    ["--out", "/dev/null"], ["--out", "quiz.json"], ["--out", "quiz.json/sub"],
    ["--format", "pdf,,moodle"], ["--format", ""], ["--format", "moodle,QTI"], ["--variants", "0"],
    ["--variants", str(10**12)], ["--variants", "2", "--roster", "class.csv"], ["--format", "x" * 100_000],
])
def test_hostile_options_are_one_line_errors(capsys, tmp_path, monkeypatch, args):
    spec = tmp_path / "quiz.json"
    spec.write_text(_exam(kind="forward"))
    monkeypatch.chdir(tmp_path)
    code, _, err = assert_well_behaved(capsys, [spec, "--format", "tex", *args], tmp_path)
    assert code == 2 and len(err) < 1000  # the error quotes at most the start of what it was given


# ---- generate --grade KEY --answers CSV


@pytest.fixture(scope="module")
def key_doc(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("key")
    (folder / "quiz.json").write_text(json.dumps(VALID_EXAM))
    assert main([str(folder / "quiz.json"), "--format", "tex", "--out", str(folder / "out")]) == 0
    return json.loads((folder / "out" / "key.json").read_text())


def _grade_folder(tmp_path: Path, key: dict | str, answers: str) -> Path:
    folder = fresh(tmp_path / "run")
    # the build folder holds the key; the grades go beside it, into build-grading/
    (folder / "build").mkdir()
    (folder / "build" / "key.json").write_text(key if isinstance(key, str) else json.dumps(key, allow_nan=True),
                                               encoding="utf-8", errors="surrogateescape")
    (folder / "answers.csv").write_text(answers, encoding="utf-8", errors="surrogateescape")
    return folder


def _answers_of(key: dict) -> str:
    rows = ["student,problem,part,value"]
    for s in key["students"]:
        for v in s["variants"]:
            rows += [f'{s["id"]},{v["problem"]},"{a["part"]}",{a["value"]}' for a in v["answers"]]
    return "\n".join(rows) + "\n"


def test_the_fuzz_suites_key_grades_itself_to_full_marks(capsys, tmp_path, key_doc):
    folder = _grade_folder(tmp_path, key_doc, _answers_of(key_doc))
    code, out, _ = assert_well_behaved(capsys, ["--grade", folder / "build" / "key.json", "--answers", folder / "answers.csv"],
                                       folder)
    assert code == 0
    header, first = (folder / "build-grading" / "grades.csv").read_text().splitlines()[:2]
    row = dict(zip(header.split(","), first.split(",")))
    # full marks: everything the key can grade, and the rest of the exam's points is graded by hand
    total = sum(p["points"] for p in VALID_EXAM["problems"])
    assert row["total"] == row["max"] and int(row["max"]) + int(row["by hand"]) == total == 41


GRADE_CASES = [
    ("binary field", None, "student,problem,part,value\nsample,1,z1[1],\x00\xff\xfe\n"),
    ("200 KB field", None, "student,problem,part,value\nsample,1,z1[1]," + "1" * 200_000 + "\n"),
    ("superscript problem", None, "student,problem,part,value\nsample,²,z1[1],1\n"),
    ("problem 10^30", None, f"student,problem,part,value\nsample,{10**30},z1[1],1\n"),
    ("open quote", None, 'student,problem,part,value\nsample,1,"z1[1],1\nsample,1,z1[2],1\n'),
    ("no header", None, "sample,1,z1[1],1\n"),
    ("empty answers", None, ""),
    ("BOM", None, "\ufeffstudent,problem,part,value\nsample,1,z1[1],1\n"),
    ("key: not JSON", "{", "student,problem,part,value\n"),
    ("key: NaN tolerance", "nan tolerance", "student,problem,part,value\nsample,1,z1[1],1\n"),
    ("key: missing tolerance", "no tolerance", "student,problem,part,value\nsample,1,z1[1],1\n"),
    ("key: no problems", "no problems", "student,problem,part,value\n"),
    ("key: broken network", "bad network", "student,problem,part,value\nsample,1,z1[1],1\n"),
    ("key: students a number", "students 5", "student,problem,part,value\n"),
    ("key: a numeric value edited to text", "value abc", "student,problem,part,value\n"),
    ("key: a value edited", "value off", "student,problem,part,value\n"),
    ("key: a value edited where nobody answered", "value off 2", "student,problem,part,value\n"),
    ("key: an autodiff source that does not parse", "autodiff source", "student,problem,part,value\n"),
    ("key: an autodiff source edited", "autodiff other source", "student,problem,part,value\n"),
    ("key: a kind nobody knows", "unknown kind", "student,problem,part,value\n"),
    *[(f"key: {name} with {param} {value}", f"activation {name} {param} {value}",
       "student,problem,part,value\nsample,1,z1[1],1\n")
      for name, param in [("leaky_relu", "alpha"), ("elu", "alpha"), ("step", "threshold")] for value in ["1e999", "-1e999"]],
    # Fraction("1e999999999") builds a billion-digit number: it hung (found by the fuzz suite)
    ("key: points with an exponent", "points 1e999999999", "student,problem,part,value\nsample,1,z1[1],1\n"),
    ("key: data not an object", "data a list", "student,problem,part,value\nsample,1,z1[1],1\n"),
]


def _edit_key(key: dict, how: str) -> dict | str:
    import copy

    key = copy.deepcopy(key)
    first = key["students"][0]["variants"][0]
    if how == "nan tolerance":
        first["answers"][0]["tolerance"] = float("nan")
    elif how == "no tolerance":
        del first["answers"][0]["tolerance"]
    elif how == "no problems":
        del key["problems"]
    elif how == "bad network":
        first["network"] = {"layers": 5}
    elif how == "students 5":
        key["students"] = 5
    elif how == "points 1e999999999":
        first["answers"][0]["points"] = "1e999999999"
    elif how == "data a list":
        first["data"] = [1, 2]
    elif how == "value abc":
        first["answers"][0]["value"] = "abc"
    elif how.startswith("value off"):
        variant = key["students"][0]["variants"][1 if how.endswith("2") else 0]
        variant["answers"][-1]["value"] += 1
    elif how.startswith("autodiff"):
        autodiff = next(v for v in key["students"][0]["variants"] if "source" in v["data"])
        autodiff["data"]["source"] = "y = ((x1" if how == "autodiff source" else autodiff["data"]["source"] + " + x1"
    elif how == "unknown kind":
        key["problems"][0]["kind"] = "oracle"
    elif how.startswith("activation "):  # a parameter that float cannot hold
        _, name, param, value = how.split()
        first["network"]["layers"][0]["activation"] = {"name": name, param: value}
    else:
        return how
    return key


@pytest.mark.parametrize("case,key_edit,answers", GRADE_CASES, ids=[c[0] for c in GRADE_CASES])
def test_a_hostile_grading_input_is_a_one_line_error_or_grades(capsys, tmp_path, key_doc, case, key_edit, answers):
    folder = _grade_folder(tmp_path, key_doc if key_edit is None else _edit_key(key_doc, key_edit), answers)
    code, _, err = assert_well_behaved(capsys, ["--grade", folder / "build" / "key.json", "--answers", folder / "answers.csv"],
                                       folder)
    if key_edit is not None:
        assert code == 2 and "key.json" in err


@pytest.mark.parametrize("target", ["file", "file/sub", "parts-dir", "/dev/null"])
def test_grades_onto_a_file_or_over_a_folder_are_refused(capsys, tmp_path, key_doc, target):
    folder = _grade_folder(tmp_path, key_doc, _answers_of(key_doc))
    (folder / "file").write_text("keep me")
    (folder / "parts-dir" / "parts.csv").mkdir(parents=True)
    out = target if target.startswith("/") else folder / target
    code, _, _ = assert_well_behaved(capsys, ["--grade", folder / "build" / "key.json", "--answers", folder / "answers.csv",
                                              "--out", out, "--force"], folder)
    assert code == 2 and (folder / "file").read_text() == "keep me"


@settings(max_examples=examples(1), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_generated_hostile_keys_never_crash(capsys, tmp_path, key_doc, data):
    small = {**key_doc, "students": key_doc["students"][:1]}
    key = data.draw(broken(small))
    folder = _grade_folder(tmp_path, key, _answers_of(small))
    # the report's LaTeX is written, not compiled: 500 pdflatex runs are the explicit cases' job
    assert_well_behaved(capsys, ["--grade", folder / "build" / "key.json", "--answers", folder / "answers.csv",
                                 "--format", "tex"], folder)


@settings(max_examples=examples(1), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=hostile_csv("student,problem,part,value"))
def test_generated_hostile_answers_never_crash(capsys, tmp_path, key_doc, answers):
    folder = _grade_folder(tmp_path, key_doc, answers)
    assert_well_behaved(capsys, ["--grade", folder / "build" / "key.json", "--answers", folder / "answers.csv",
                                 "--format", "tex"], folder)


def test_a_formula_in_a_roster_id_or_an_answer_is_written_as_text(capsys, tmp_path):
    folder = fresh(tmp_path / "run")
    (folder / "quiz.json").write_text(json.dumps({"title": "t", "problems": [{"kind": "activation"}]}))
    (folder / "class.csv").write_text("id,name\n\"=cmd|' /C calc'!A0\",Eve\n@SUM(1+1),Mallory\n", encoding="utf-8")
    code, _, _ = assert_well_behaved(capsys, [folder / "quiz.json", "--roster", folder / "class.csv", "--format", "tex",
                                              "--out", folder / "out"], folder)
    assert code == 0
    ids = [row[0] for row in csv.reader(io.StringIO((folder / "out" / "key.csv").read_text()))][1:]
    assert set(ids) == {"'=cmd|' /C calc'!A0", "'@SUM(1+1)"}
    key = json.loads((folder / "out" / "key.json").read_text())  # the JSON keeps the id as the roster wrote it
    assert {s["id"] for s in key["students"]} == {"=cmd|' /C calc'!A0", "@SUM(1+1)"}
    part = key["students"][0]["variants"][0]["answers"][0]["part"]
    student = key["students"][0]["id"].replace('"', '""')
    (folder / "answers.csv").write_text(f'student,problem,part,value\n"{student}",1,{part},"=HYPERLINK(""http://x"")"\n'
                                        f'"{student}",1,{part},-0.5\nnobody,1,{part},@SUM(1+1)\n', encoding="utf-8")
    code, _, _ = assert_well_behaved(capsys, ["--grade", folder / "out" / "key.json", "--answers", folder / "answers.csv",
                                              "--format", "tex"], folder)
    grading = folder / "out-grading"
    # a formula is no number: it is not graded but listed, written as text (issue 33)
    unread = {row[1]: row[2] for row in csv.reader(io.StringIO((grading / "unread.csv").read_text()))}
    hyperlink = '\'=cmd|\' /C calc\'!A0,1,value,=HYPERLINK("http://x")'
    assert "is not a number" in unread[hyperlink], unread
    assert "'=cmd|' /C calc'!A0,1,value,-0.5" in unread, unread  # the second answer, the row as written


# ---- generate --grade KEY --answers <an online quiz>: Moodle's Responses report, QTI results


def _right_answers(key: dict) -> list[str]:
    return ["; ".join(f"part {i}: {a['value']}" for i, a in enumerate(v["answers"], start=1))
            for s in key["students"] for v in s["variants"]]


def _idents(key: dict) -> list[str]:
    from gradsheet.generate.lms.qti import item_identifiers

    return list(item_identifiers(key["exam"], [p["problem"] for p in key["problems"]],
                                 [s["id"] for s in key["students"]]).values())


ONLINE_CASES = [
    ("no right answer column", "Email address,State,Response 1\na@x,Finished,part 1: 1\n"),
    ("9999 slots", "Email address," + ",".join(f"Response {n},Right answer {n}" for n in range(1, 5000)) + "\na@x\n"),
    ("200,000 fields", "Email address,Response 1,Right answer 1\na@x," + "; ".join(f"part {i}: 1" for i in
                                                                                     range(1, 200_001)) + ",-\n"),
    ("no identity column", "Name,Response 1,Right answer 1\nA,part 1: 1,part 1: 1\n"),
    ("6,000 participants", "Email address,Response 1,Right answer 1\n" + "".join(f"p{i}@x,-,-\n" for i in range(6000))),
]


@pytest.mark.parametrize("case,text", ONLINE_CASES, ids=[c[0] for c in ONLINE_CASES])
def test_a_hostile_moodle_report_is_a_one_line_error_or_grades(capsys, tmp_path, key_doc, case, text):
    folder = _grade_folder(tmp_path, key_doc, text)
    code, _, err = assert_well_behaved(capsys, ["--grade", folder / "build" / "key.json", "--answers",
                                                folder / "answers.csv", "--format", "tex"], folder)
    assert code in (0, 1, 2)


@settings(max_examples=examples(1), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_generated_hostile_moodle_reports_never_crash(capsys, tmp_path, key_doc, data):
    folder = _grade_folder(tmp_path, key_doc, data.draw(hostile_moodle_reports(_right_answers(key_doc))))
    assert_well_behaved(capsys, ["--grade", folder / "build" / "key.json", "--answers", folder / "answers.csv",
                                 "--format", "tex"], folder)


@settings(max_examples=examples(1), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), packed=st.sampled_from(["folder", "zip", "file"]))
def test_generated_hostile_qti_results_never_crash(capsys, tmp_path, key_doc, data, packed):
    folder = _grade_folder(tmp_path, key_doc, "")
    documents = data.draw(st.lists(hostile_results(_idents(key_doc)), min_size=1, max_size=3))
    results = folder / "results"
    results.mkdir()
    for i, doc in enumerate(documents):
        (results / f"r{i}.xml").write_bytes(doc)
    source = results
    if packed == "zip":
        source = folder / "results.zip"
        with zipfile.ZipFile(source, "w") as z:
            for path in sorted(results.iterdir()):
                z.write(path, path.name)
    elif packed == "file":
        source = results / "r0.xml"
    assert_well_behaved(capsys, ["--grade", folder / "build" / "key.json", "--answers", source, "--format", "tex"],
                        folder)


def test_results_unpacking_past_the_limit_are_one_line(capsys, tmp_path, key_doc, monkeypatch):
    from gradsheet.generate.grading import online

    monkeypatch.setattr(online, "CLASS_FILE_BYTES", 10_000)
    folder = _grade_folder(tmp_path, key_doc, "")
    with zipfile.ZipFile(folder / "results.zip", "w", zipfile.ZIP_DEFLATED) as z:  # 1 MB of zeros, 1 KB packed
        z.writestr("r.xml", b"<assessmentResult>" + b"0" * 1_000_000 + b"</assessmentResult>")
    code, _, err = assert_well_behaved(capsys, ["--grade", folder / "build" / "key.json", "--answers",
                                                folder / "results.zip", "--format", "tex"], folder)
    assert code == 2 and "more than 10,000 bytes of results unpacked" in err


def test_an_entity_bomb_in_the_results_is_named_and_not_expanded(capsys, tmp_path, key_doc):
    folder = _grade_folder(tmp_path, key_doc, "")
    entities = "".join(f'<!ENTITY e{i} "{"&e%d;" % (i - 1) * 10 if i else "ha"}">' for i in range(12))
    (folder / "bomb.xml").write_text(f'<?xml version="1.0"?><!DOCTYPE r [{entities}]><assessmentResult>&e11;'
                                     "</assessmentResult>")
    code, _, err = assert_well_behaved(capsys, ["--grade", folder / "build" / "key.json", "--answers",
                                                folder / "bomb.xml", "--format", "tex"], folder)
    assert code == 1 and "not XML" in err


# ---- generate --templates DIR: an instructor's own templates

TEMPLATE_CASES = [
    ("undefined name", "\\VAR{nosuchname}", "line 3: 'nosuchname' is undefined"),
    ("sandbox", "\\VAR{exam.__class__.__mro__}", "line 3: the sandbox refuses it"),
    ("syntax", "\\BLOCK{if}", "line 3: Expected an expression"),
    ("include outside", "\\BLOCK{include '/etc/passwd'}", "line 3: no template /etc/passwd"),
    ("include missing", "\\BLOCK{include 'mine.tex.j2'}", "line 3: no template mine.tex.j2"),
    ("unclosed block", "\\BLOCK{for x in students}", "Unexpected end of template"),
    ("filter unknown", "\\VAR{exam.title | shout}", "line 3: No filter named 'shout'"),
]


@pytest.mark.parametrize("case,line,message", TEMPLATE_CASES, ids=[c[0] for c in TEMPLATE_CASES])
@pytest.mark.parametrize("output", ["tex", "pdf"])
def test_a_broken_template_is_one_line_naming_its_file_line_and_cause(capsys, tmp_path, case, line, message, output):
    from gradsheet.templates import __file__ as shipped

    if output == "pdf" and case not in ("undefined name", "include outside"):
        pytest.skip("a template's syntax is checked before anything is drawn: the same for every format")
    folder = fresh(tmp_path / "run")
    (folder / "quiz.json").write_text(_exam(kind="forward"))
    mine = folder / "mine"
    mine.mkdir()
    lines = (Path(shipped).parent / "exam.tex.j2").read_text().split("\n")
    (mine / "exam.tex.j2").write_text("\n".join([*lines[:2], line, *lines[2:]]))
    code, _, err = assert_well_behaved(capsys, [folder / "quiz.json", "--templates", mine, "--format", output,
                                                "--out", folder / "out"], folder)
    assert code == 2 and "--templates exam.tex.j2" in err and message in err, err


def test_a_template_that_is_not_utf8_is_one_line(capsys, tmp_path):
    folder = fresh(tmp_path / "run")
    (folder / "quiz.json").write_text(_exam(kind="forward"))
    (folder / "mine" / "problems").mkdir(parents=True)
    (folder / "mine" / "problems" / "forward.tex.j2").write_bytes(b"\xff\xfe caf\xe9")
    code, _, err = assert_well_behaved(capsys, [folder / "quiz.json", "--templates", folder / "mine", "--format", "tex",
                                                "--out", folder / "out"], folder)
    assert code == 2 and "--templates problems/forward.tex.j2: not UTF-8" in err
