"""generate --grade: a class's answers against key.json, with carried credit and diagnoses."""

from __future__ import annotations

import csv
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp

from gradsheet.generate.cli import main


@pytest.fixture(scope="module")
def key(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "demo"
    assert main(["--demo", "--format", "tex", "--out", str(out)]) == 0
    return out / "key.json"


def answers(key: Path, tmp: Path, change=lambda student, problem, part, value: value) -> Path:
    doc = json.loads(key.read_text())
    rows = [["student", "problem", "part", "value"]]
    for s in doc["students"]:
        for v in s["variants"]:
            for a in v["answers"]:
                value = change(s["id"], v["problem"], a["part"], a["value"])
                if value is not None:
                    rows.append([s["id"], v["problem"], a["part"], value])
    path = tmp / "answers.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_key_itself_scores_full_marks(key: Path, tmp_path: Path, capsys) -> None:
    assert main(["--grade", str(key), "--answers", str(answers(key, tmp_path)), "--out", str(tmp_path)]) == 0
    grades = read(tmp_path / "grades.csv")
    # the chain-rule problem's "write ŷ as one nested function" (2 of its 6 points) is graded by hand
    assert len(grades) == 3 and all(g["total"] == g["max"] == "34" and g["by hand"] == "2" for g in grades)
    out = capsys.readouterr().out
    assert out.count("problem ") >= 6 and "z1[1] 3/3" in out


def test_a_wrong_delta_costs_one_step_and_its_consequences_are_carried(key: Path, tmp_path: Path, capsys) -> None:
    doc = json.loads(key.read_text())
    backprop = next(v for v in doc["students"][0]["variants"] if v["problem"] == 2)
    true = {a["part"]: a["value"] for a in backprop["answers"]}
    # student s01 doubles δ^(2) (the ½ dropped) and carries it through every later step
    def change(student, problem, part, value):
        if student == doc["students"][0]["id"] and problem == 2 and (part.startswith(("delta", "grad_"))):
            return 2 * value
        return value

    assert true["delta2[1]"] != 0
    assert main(["--grade", str(key), "--answers", str(answers(key, tmp_path, change)), "--out", str(tmp_path)]) == 0
    parts = [p for p in read(tmp_path / "parts.csv") if p["student"] == doc["students"][0]["id"] and p["problem"] == "2"]
    verdicts = {p["part"]: p["verdict"] for p in parts}
    assert verdicts["delta2[1]"] == "wrong"
    assert "½ of the cost was dropped" in next(p["diagnosis"] for p in parts if p["part"] == "delta2[1]")
    doubled = [p for p in parts if p["part"].startswith(("delta1", "grad_")) and float(p["key"]) != 0]
    assert doubled and all(p["verdict"] == "carried" for p in doubled)
    # the one wrong part costs what the key says it is worth: its question's points over its parts
    worth = {a["part"]: Fraction(str(a["points"])) for a in backprop["answers"]}
    lost = sum(worth[p["part"]] for p in parts if p["verdict"] == "wrong")
    assert lost == worth["delta2[1]"]
    total = float(read(tmp_path / "grades.csv")[0]["problem 2"])
    assert total == pytest.approx(float(10 - lost), abs=0.01)
    assert "most common mistake: the ½ of the cost was dropped" in capsys.readouterr().out


def test_missing_answers_score_nothing(key: Path, tmp_path: Path) -> None:
    skip = lambda student, problem, part, value: None if problem == 5 else value  # noqa: E731
    assert main(["--grade", str(key), "--answers", str(answers(key, tmp_path, skip)), "--out", str(tmp_path)]) == 0
    assert all(g["problem 5"] == "0" and g["total"] == "32" and g["max"] == "34" for g in read(tmp_path / "grades.csv"))


@pytest.mark.parametrize("text, words", [
    ("who,what\n", "line 1: the header must be student,problem,part,value"),
    ("", "empty file"),
])
def test_a_file_that_is_no_answers_csv_gets_one_line(key: Path, tmp_path: Path, capsys, text: str, words: str) -> None:
    path = tmp_path / "answers.csv"
    path.write_text(text)
    assert main(["--grade", str(key), "--answers", str(path), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1
    assert not (tmp_path / "grades.csv").exists()


def test_rows_not_understood_are_named_and_the_rest_is_graded(key: Path, tmp_path: Path, capsys) -> None:
    doc = json.loads(key.read_text())
    first, second = doc["students"][0]["id"], doc["students"][1]["id"]
    forward = next(v for v in doc["students"][0]["variants"] if v["problem"] == 1)
    z = {a["part"]: a["value"] for a in forward["answers"]}["z1[1]"]
    rows = ["student,problem,part,value",
            f"{first},1,z1[1],{z}",               # 2: right
            f"{first},1,costt,3",                  # 3: no such part
            f"{first},99,z1[1],3",                 # 4: no such problem
            "nobody,1,z1[1],3",                   # 5: no such student
            f"{first},1,z1[1],4",                  # 6: a second answer
            f"{first},1,grad_W1[1,1],3",           # 7: an unquoted part name with a comma
            f"{first},one,z1[1],3",                # 8: not a problem number
            f"{first},1,z1[1]",                    # 9: three columns
            f'{first},1,"z1[2],3',                 # 10: a quote left open swallows the rest
            f"{first},1,z1[3],5"]
    path = tmp_path / "answers.csv"
    path.write_text("\n".join(rows) + "\n")
    assert main(["--grade", str(key), "--answers", str(path), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    for line, words in [(3, "problem 1 has no part 'costt' (its parts: z1[1]"), (4, "problem '99' is not on"),
                        (5, "student 'nobody' is not in the key"), (6, "a second answer to z1[1] of problem 1 (line 2"),
                        (7, "5 columns instead of 4 (quote part names that contain commas"),
                        (8, "problem 'one' is not on"),
                        (9, "3 columns instead of 4"), (10, "a line break or control character inside a field")]:
        assert f"line {line} not graded: {words}" in err, (line, err)
    assert f"no answers from 2 student(s) of the key, each scored 0: {second}" in err
    unread = read(tmp_path / "unread.csv")
    assert [int(u["line"]) for u in unread] == [3, 4, 5, 6, 7, 8, 9, 10]
    parts = {p["part"]: p for p in read(tmp_path / "parts.csv") if p["student"] == first and p["problem"] == "1"}
    assert parts["z1[1]"]["verdict"] == "correct" and parts["z1[1]"]["given"] == str(z)


def test_part_names_in_another_case_or_spacing_and_decimal_commas_are_read(key: Path, tmp_path: Path) -> None:
    def change(student, problem, part, value):  # what people type
        return str(value).replace(".", ",")
    path = answers(key, tmp_path, change)
    text = path.read_text().replace("z1[1]", "Z1[1]").replace('"grad_W1[1,1]"', '"grad_W1[1, 1]"')
    # half the decimal commas unquoted, as a spreadsheet in a comma locale writes them: a fifth column
    lines = text.splitlines()
    lines = [re.sub(r',"(-?\d+,\d+)"$', r",\1", ln) if n % 2 else ln for n, ln in enumerate(lines)]
    assert sum(bool(re.search(r",-?\d+,\d+$", ln)) for ln in lines) >= 3
    path.write_text("\n".join(lines) + "\n")
    assert main(["--grade", str(key), "--answers", str(path), "--out", str(tmp_path)]) == 0
    grades = read(tmp_path / "grades.csv")
    assert all(g["total"] == g["max"] for g in grades)
    assert read(tmp_path / "unread.csv") == []


def test_grades_are_not_overwritten_without_force(key: Path, tmp_path: Path, capsys) -> None:
    path = answers(key, tmp_path)
    assert main(["--grade", str(key), "--answers", str(path), "--out", str(tmp_path)]) == 0
    assert main(["--grade", str(key), "--answers", str(path), "--out", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["--grade", str(key), "--answers", str(path), "--out", str(tmp_path), "--force"]) == 0


def test_an_update_built_on_a_wrong_gradient_is_carried(key: Path, tmp_path: Path) -> None:
    """The issue's case: ∂C/∂w wrong, and the step taken with it, W − α·(that gradient): the
    step is the student's own consequence, carried, as derive --check says."""
    doc = json.loads(key.read_text())
    student = doc["students"][0]
    update = next(v for v in student["variants"] if v["problem"] == 6)
    problem = next(p for p in doc["problems"] if p["problem"] == 6)
    assert problem["kind"] == "update"
    w11 = sp.Rational(str(update["network"]["layers"][0]["weights"][0][0]))
    rate = sp.Rational(str(update["network"]["learning_rate"]))
    slip = sp.Rational("-1.3")  # far from the true gradient

    def change(sid, number, part, value):
        if sid == student["id"] and number == 6:
            if part == "grad_W1[1,1]":
                return str(slip)
            if part == "W1_new[1,1]":
                return str(sp.Float(w11 - rate * slip, 10).round(4))
        return value

    assert main(["--grade", str(key), "--answers", str(answers(key, tmp_path, change)), "--out", str(tmp_path)]) == 0
    parts = {p["part"]: p for p in read(tmp_path / "parts.csv") if p["student"] == student["id"] and p["problem"] == "6"}
    assert parts["grad_W1[1,1]"]["verdict"] == "wrong"
    assert parts["W1_new[1,1]"]["verdict"] == "carried" and parts["W1_new[1,1]"]["points"] != "0"
    assert parts["cost_fell"]["verdict"] == "correct"


def test_a_rebuild_keeps_the_grades_and_says_when_they_are_stale(tmp_path: Path, capsys) -> None:
    build = tmp_path / "output" / "demo"
    assert main(["--demo", "--format", "tex", "--out", str(build)]) == 0
    assert main(["--grade", str(build / "key.json"), "--answers", str(answers(build / "key.json", tmp_path))]) == 0
    grading = tmp_path / "output" / "demo-grading"
    assert sorted(p.name for p in grading.iterdir()) == [
        "graded-key.sha256", "grades.csv", "parts.csv", "report-mistakes.csv", "report-parts.csv", "report-problems.csv",
        "report-scores.csv", "report-students.csv", "report.pdf", "report.tex", "unread.csv"]
    capsys.readouterr()
    # the same exam again: the grades stay and still hold
    assert main(["--demo", "--format", "tex", "--out", str(build), "--force"]) == 0
    assert (grading / "grades.csv").is_file() and "graded" not in capsys.readouterr().err
    # another draw: the grades stay, and the build says they belong to the exam it replaced
    assert main(["--demo", "--format", "tex", "--out", str(build), "--force", "--seed", "9"]) == 0
    assert (grading / "grades.csv").is_file()
    assert f"the class graded in {grading} was graded against the exam this build replaced" in capsys.readouterr().err


def test_a_question_answered_alone_earns_the_points_printed_beside_it(key: Path, tmp_path: Path) -> None:
    """The issue's case: backprop printed 2/2/8 was graded as 14 equal parts."""
    from gradsheet.generate import roster, spec
    from gradsheet.generate.cli import demo_spec
    from gradsheet.generate.variants import draw

    exam = spec.load(demo_spec())
    student = roster.load(exam.roster)[0]
    problem = draw(exam, student, exam.problems[1]).problem
    assert problem.kind == "backprop"
    last = problem.questions[-1]
    assert len({q.points for q in problem.questions}) > 1  # unequal questions: equal parts would differ
    only = set(last.parts)
    path = answers(key, tmp_path, lambda s, p, part, v: v if s == student.id and p == 2 and part in only else None)
    assert main(["--grade", str(key), "--answers", str(path), "--out", str(tmp_path)]) == 0
    row = next(g for g in read(tmp_path / "grades.csv") if g["student"] == student.id)
    assert row["problem 2"] == str(last.points)


# --- checking that never misleads (issue 33) ----------------------------------------------

def test_the_minus_signs_and_spaces_a_student_copies_from_the_sheet_are_read(key: Path, tmp_path: Path) -> None:
    # the PDFs print U+2212; one student of the demo lost 15 of 44 right answers to it
    forms = ["\u2212{}", "\u2013{}", "$-{}$", "\u2212\u2009{}", "- {}"]
    count = iter(range(10**6))

    def change(student, problem, part, value):
        if isinstance(value, str):
            return rf"\text{{{value}}}" if next(count) % 2 else value.upper()
        if value < 0:
            return forms[next(count) % len(forms)].format(str(-value))
        return f"{value}\u202f" if next(count) % 3 == 0 else value
    path = answers(key, tmp_path, change)
    assert "\u2212" in path.read_text(encoding="utf-8")
    assert main(["--grade", str(key), "--answers", str(path), "--out", str(tmp_path / "g")]) == 0
    assert all(g["total"] == g["max"] for g in read(tmp_path / "g" / "grades.csv"))
    assert read(tmp_path / "g" / "unread.csv") == []


def test_a_value_that_is_no_number_is_listed_unread_not_graded_wrong(key: Path, tmp_path: Path, capsys) -> None:
    doc = json.loads(key.read_text())
    first = doc["students"][0]["id"]
    bad = {"z1[1]": "abc", "z1[2]": "1.2.3", "a1[1]": "0.1l38"}
    path = answers(key, tmp_path, lambda s, p, part, v: bad.get(part, v) if (s, p) == (first, 1) else v)
    assert main(["--grade", str(key), "--answers", str(path), "--out", str(tmp_path / "g")]) == 1
    unread = read(tmp_path / "g" / "unread.csv")
    assert len(unread) == 3 and all("is not a number" in u["why"] for u in unread)
    assert all(u["line"].isdigit() for u in unread) and "'1.2.3' is not a number" in capsys.readouterr().err
    parts = {p["part"]: p for p in read(tmp_path / "g" / "parts.csv") if p["student"] == first and p["problem"] == "1"}
    assert {parts[name]["verdict"] for name in bad} == {"missing"}  # not graded: no "wrong" it did not earn


@pytest.fixture(scope="module")
def bce_key(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bce") / "bce"
    spec = out.parent / "bce.toml"
    spec.write_text('title = "BCE"\nseed = 3\ndecimals = 4\n[[problems]]\nkind = "backprop"\nnumbers = "decimal"\n'
                    'loss = "bce"\nactivation = ["sigmoid", "sigmoid"]\nsizes = [3, 3, 1]\n')
    assert main([str(spec), "--variants", "30", "--format", "tex", "--out", str(out)]) == 0
    return out / "key.json"


def test_more_precision_than_the_key_asks_is_never_punished(bce_key: Path, tmp_path: Path) -> None:
    # the key holds the hand computation (0.3761 ± 0.0001); a student who kept every digit
    # (0.376226548) is closer to the truth than the tolerance asks
    doc = json.loads(bce_key.read_text())
    exact = {(s["id"], v["problem"], a["part"]): a["exact"] for s in doc["students"] for v in s["variants"]
             for a in v["answers"]}
    drift = [k for k, a in ((k, next(a for s in doc["students"] if s["id"] == k[0] for v in s["variants"]
                                      for a in v["answers"] if a["part"] == k[2])) for k in exact)
             if abs(float(Fraction(a["exact"])) - a["value"]) > a["tolerance"]]
    assert drift  # entries where the hand value and the exact one are further apart than the tolerance
    path = answers(bce_key, tmp_path, lambda s, p, part, v: f"{float(Fraction(exact[s, p, part])):.12f}")
    assert main(["--grade", str(bce_key), "--answers", str(path), "--out", str(tmp_path / "g")]) == 0
    assert all(g["total"] == g["max"] for g in read(tmp_path / "g" / "grades.csv"))


def test_did_the_cost_fall_is_carried_from_the_student_s_own_costs(key: Path, tmp_path: Path) -> None:
    doc = json.loads(key.read_text())
    first = doc["students"][0]["id"]
    update = next(v for v in doc["students"][0]["variants"] if v["problem"] == 6)
    true = {a["part"]: a["value"] for a in update["answers"]}
    assert true["cost_fell"] == "yes"
    # a slip in C makes the student's own C lower than their new cost: "no" follows from it
    own_cost = round(true["cost_new"] - 0.0031, 4)
    mine = {"cost": own_cost, "cost_fell": "no"}
    path = answers(key, tmp_path, lambda s, p, part, v: mine.get(part, v) if (s, p) == (first, 6) else v)
    assert main(["--grade", str(key), "--answers", str(path), "--out", str(tmp_path / "g")]) == 0
    parts = {p["part"]: p for p in read(tmp_path / "g" / "parts.csv") if p["student"] == first and p["problem"] == "6"}
    assert parts["cost"]["verdict"] == "wrong" and parts["cost_fell"]["verdict"] == "carried"


def test_the_summary_counts_students_and_groups_a_mistake_over_its_units(key: Path, tmp_path: Path, capsys) -> None:
    # one student leaving the learning rate out of all six new weights is one student, not 6×
    doc = json.loads(key.read_text())
    first = doc["students"][0]["id"]
    update = next(v for v in doc["students"][0]["variants"] if v["problem"] == 6)
    true = {a["part"]: a["value"] for a in update["answers"]}
    net = update["network"]
    # w − ∂C/∂w instead of w − α ∂C/∂w, for every weight
    mine = {f"W{l}_new[{j},{k}]": float(Fraction(str(net["layers"][l - 1]["weights"][j - 1][k - 1])))
            - true[f"grad_W{l}[{j},{k}]"] for l, j, k in [(1, 1, 1), (1, 1, 2), (1, 2, 1), (1, 2, 2), (2, 1, 1), (2, 1, 2)]}
    mine = {part: f"{value:.4f}" for part, value in mine.items()}
    path = answers(key, tmp_path, lambda s, p, part, v: mine.get(part, v) if (s, p) == (first, 6) else v)
    assert main(["--grade", str(key), "--answers", str(path), "--out", str(tmp_path / "g")]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith("problem 6"))
    assert "(1 student)" in line and "×" not in line, line


def test_a_mistake_is_one_row_over_layers_units_and_weights() -> None:
    from gradsheet.generate.grading.class_report import mistake_of

    # "δ^(l)_1 is missing σ'" and "δ^(l)_2 …" were two rows of the report (issue 33)
    assert mistake_of("δ^(1)_1 is missing the factor σ'(z^(1)_1): …") == \
        mistake_of("δ^(2)_2 is missing the factor σ'(z^(2)_2): …") == "δ^(l)_j is missing the factor σ'(z^(l)_j)"
    assert mistake_of("that is δ^(1)_2 · x_2, the entry for w^(1)_22: …") == \
        mistake_of("that is δ^(2)_1 · a^(1)_1, the entry for w^(2)_11: …").replace("a^(l)_j", "x_j")


def test_points_are_written_as_a_gradebook_adds_them() -> None:
    from gradsheet.generate.grading.class_report import points

    # 70/13 was 5.38 (issue 33): cells of a row did not add up to their total
    assert [points(Fraction(70, 13)), points(Fraction(5, 2)), points(Fraction(1, 8)), points(Fraction(34))] == \
        ["5.3846", "2.5", "0.125", "34"]
    shares = [Fraction(5, 13)] * 13
    assert abs(sum(float(points(v)) for v in shares) - float(sum(shares))) < 0.005


def test_one_sign_slip_in_an_update_costs_that_part_alone(key: Path, tmp_path: Path) -> None:
    # issue 33: one sign slip in an update problem cost 4.1 of 8 points; every part that follows
    # from the student's own values (the step, the new cost, "did the cost fall?") is carried
    from gradsheet.derive.engine import backprop as engine
    from gradsheet.derive.checking import quantities
    from gradsheet.derive.engine.network import parse_spec
    from gradsheet.derive.engine.numbers import hand
    from gradsheet.derive.checking.own import own_trace

    doc = json.loads(key.read_text())
    first = doc["students"][0]["id"]
    update = next(v for v in doc["students"][0]["variants"] if v["problem"] == 6)
    spec = parse_spec(update["network"])
    mine: dict[str, sp.Rational] = {}
    for name in quantities.entries(engine.trace(spec.network, spec.examples, hand(4))):
        value = own_trace(spec, mine, 0, hand(4)).computed[name]
        mine[name] = -value if name == "grad_W2[1,1]" else value  # the slip, then carried on
    fell = "yes" if mine["cost_new"] < mine["cost"] else "no"
    path = answers(key, tmp_path, lambda s, p, part, v: (fell if part == "cost_fell" else f"{float(mine[part]):.4f}")
                   if (s, p) == (first, 6) else v)
    assert main(["--grade", str(key), "--answers", str(path), "--out", str(tmp_path / "g")]) == 0
    parts = [p for p in read(tmp_path / "g" / "parts.csv") if p["student"] == first and p["problem"] == "6"]
    assert [p["part"] for p in parts if p["verdict"] == "wrong"] == ["grad_W2[1,1]"]
    lost = sum(Fraction(a["points"]) for a in update["answers"] if a["part"] == "grad_W2[1,1]")
    grades = {g["student"]: g for g in read(tmp_path / "g" / "grades.csv")}
    assert abs(float(grades[first]["problem 6"]) - float(8 - lost)) < 1e-4 and lost < 1
