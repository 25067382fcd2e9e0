"""Grading a synthetic class end to end: known slips in every kind with dependent parts, their
consequences carried, rows the grader cannot place, decimal commas, a student who handed in
nothing; every verdict, every point and the class report's figures are checked against values
this test computes on its own (plain fractions, not the grader's code)."""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from gradsheet.generate.cli import main

SPEC = """
title = "Synthetic class"
name = "synthetic"
seed = 4242
decimals = 4
[[problems]]
kind = "forward"
points = 4
[[problems]]
kind = "backprop"
points = 6
[[problems]]
kind = "update"
points = 6
difficulty = "easy"
[[problems]]
kind = "chain_rule"
points = 4
[[problems]]
kind = "activation"
points = 3
activation = ["sigmoid", "tanh"]
[[problems]]
kind = "regularization"
points = 4
[[problems]]
kind = "batching"
points = 6
[[problems]]
kind = "dropout"
points = 4
activation = ["square", "identity"]
[[problems]]
kind = "autodiff"
points = 4
[[problems]]
kind = "param_count"
points = 2
"""
ROSTER = "id,name\nada,Ada Lovelace\nbob,Bob Builder\ncy,Cy Young\ndee,Dee Absent\neve,Eve Wrong\nfay,Fay Sign\n"
PROBLEM = {"forward": 1, "backprop": 2, "update": 3, "chain_rule": 4, "activation": 5, "regularization": 6,
           "batching": 7, "dropout": 8, "autodiff": 9, "param_count": 10}


def q(value: Any) -> Fraction:
    return Fraction(str(value))


def text(value: Fraction) -> str:
    """A value as a student writes it: four decimals."""
    return f"{float(value):.4f}"


def act(name: str, z: Fraction) -> Fraction:
    return {"identity": lambda v: v, "square": lambda v: v * v, "relu": lambda v: max(v, Fraction(0))}[name](z)


class Class:
    """The key, the rows each student hands in, and what each row must be graded as."""

    def __init__(self, key: dict) -> None:
        self.key = key
        self.variant = {(s["id"], v["problem"]): v for s in key["students"] for v in s["variants"]}
        self.rows: list[list[str]] = [["student", "problem", "part", "value"]]
        self.expected: dict[tuple[str, int, str], tuple[str, str]] = {}

    def answers(self, student: str, problem: int) -> dict[str, Any]:
        return {a["part"]: a["value"] for a in self.variant[student, problem]["answers"]}

    def tolerance(self, student: str, problem: int, part: str) -> float:
        return next(a["tolerance"] for a in self.variant[student, problem]["answers"] if a["part"] == part)

    def hand_in(self, student: str, problem: int, values: dict[str, Any], verdicts: dict[str, tuple[str, str]] = {},
                comma: bool = False) -> None:
        """Rows for ``values``; each part's verdict is ``correct`` unless ``verdicts`` says otherwise."""
        for part, value in values.items():
            written = value if isinstance(value, str) else (text(value) if isinstance(value, Fraction) else str(value))
            if comma and "." in written:
                written = written.replace(".", ",")
            self.rows.append([student, str(problem), part, written])
            self.expected[student, problem, part] = verdicts.get(part, ("correct", ""))

    def carried_or_correct(self, student: str, problem: int, part: str, value: Fraction) -> tuple[str, str]:
        """A value a student computed from their own earlier slip: correct if it happens to
        agree with the key, else carried."""
        key = self.answers(student, problem)[part]
        close = abs(float(value) - key) <= max(self.tolerance(student, problem, part), 0.5e-4) + 1e-12
        return ("correct", "") if close else ("carried", "")


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("class")
    (tmp / "exam.toml").write_text(SPEC, encoding="utf-8")
    (tmp / "roster.csv").write_text(ROSTER, encoding="utf-8")
    assert main([str(tmp / "exam.toml"), "--roster", str(tmp / "roster.csv"), "--format", "tex",
                 "--out", str(tmp / "build")]) == 0
    key = json.loads((tmp / "build" / "key.json").read_text(encoding="utf-8"))
    c = Class(key)
    for student in ("ada", "bob", "cy", "eve", "fay"):
        for problem in range(1, 11):
            _hand_in(c, student, problem)
    # rows the grader cannot place, from cy: a misspelt part, a problem not on the sheet, an
    # unquoted part name with a comma (five columns)
    written = io.StringIO()
    csv.writer(written, lineterminator="\n").writerows(c.rows)
    lines = written.getvalue().splitlines() + ["cy,1,costt,3", "cy,99,cost,3", "cy,2,grad_W1[2,1],0.5"]
    (tmp / "answers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["--grade", str(tmp / "build" / "key.json"), "--answers", str(tmp / "answers.csv"),
                 "--out", str(tmp / "grading"), "--format", "pdf"])
    return {"code": code, "class": c, "out": tmp / "grading", "lines": len(lines)}


def _hand_in(c: Class, student: str, problem: int) -> None:
    key = c.answers(student, problem)
    exact = {p: (v if isinstance(v, str) else q(v)) for p, v in key.items()}
    network = c.variant[student, problem]["network"]
    if student == "ada":
        c.hand_in("ada", problem, exact, comma=True)  # decimal commas throughout
    elif student == "cy":
        if problem == 10:
            return  # cy leaves param_count out: missing
        values = dict(exact)
        if problem == 1:  # part names in another case and spacing are read
            values = {("Z1[1]" if p == "z1[1]" else p): v for p, v in values.items()}
        if problem == 2:
            values.pop("grad_W1[2,1]")  # handed in unquoted below: not graded
        c.hand_in("cy", problem, values)
        if problem == 1:
            c.expected["cy", 1, "z1[1]"] = c.expected.pop(("cy", 1, "Z1[1]"))
        if problem == 2:
            c.expected["cy", 2, "grad_W1[2,1]"] = ("missing", "")
    elif student == "eve":
        # nothing right, nor consistent: every number off by its own amount, every word wrong
        c.hand_in("eve", problem, {p: ("maybe" if isinstance(v, str) else v + 1000 + 37 * i + Fraction(123, 1000))
                                   for i, (p, v) in enumerate(exact.items())}, {p: ("wrong", "") for p in exact})
    elif student == "bob":
        _bob(c, problem, exact, network)
    elif student == "fay":
        _fay(c, problem, exact, network)


def _bob(c: Class, problem: int, exact: dict, network: dict | None) -> None:
    """One slip per problem, its consequences computed from it."""
    v, verdicts = dict(exact), {}
    if problem == PROBLEM["backprop"]:
        # the ½ of the cost dropped: δ at the output doubled, and everything after it
        for p in v:
            if p.startswith(("delta", "grad_")):
                v[p] = 2 * v[p]
                verdicts[p] = ("carried", "") if exact[p] != 0 else ("correct", "")
        verdicts["delta2[1]"] = ("wrong", "the ½ of the cost was dropped")
    elif problem == PROBLEM["update"]:
        # a slip in one gradient entry, the step taken from it
        rate, w = q(network["learning_rate"]), q(network["layers"][0]["weights"][0][0])
        v["grad_W1[1,1]"] = exact["grad_W1[1,1]"] + 1
        v["W1_new[1,1]"] = w - rate * v["grad_W1[1,1]"]
        verdicts["grad_W1[1,1]"] = ("wrong", "")
        verdicts["W1_new[1,1]"] = ("carried", "")
    elif problem == PROBLEM["chain_rule"]:
        # ŷ one too large; the chain's first factor ∂C/∂ŷ = ŷ − y is taken from it
        y = q(network["example"]["y"][0])
        part = next(p for p in v if p.startswith("grad_W1"))
        v["output[1]"] = exact["output[1]"] + 1
        v[part] = exact[part] * (v["output[1]"] - y) / (exact["output[1]"] - y)
        verdicts["output[1]"] = ("wrong", "")
        verdicts[part] = ("carried", "")
    elif problem == PROBLEM["activation"]:
        # σ(z) off by 0.1, σ' in terms of the output from it: a(1 − a) or 1 − a²
        a = exact["value"] + Fraction(1, 10)
        v["value"] = a
        v["derivative"] = a * (1 - a) if _activation(c, "bob") == "sigmoid" else 1 - a * a
        verdicts["value"] = ("wrong", "")
        verdicts["derivative"] = ("carried", "")
    elif problem == PROBLEM["regularization"]:
        # the L1 penalty's gradient left out, the step taken on the plain gradient
        w, g = _given(c, "bob", problem)
        alpha = q(c.variant["bob", problem]["data"]["alpha"])
        v["l1_grad[1]"] = g[0]
        v["l1_w[1]"] = w[0] - alpha * g[0]
        verdicts["l1_grad[1]"] = ("wrong", "the penalty's gradient was left out")
        verdicts["l1_w[1]"] = ("carried", "")
    elif problem == PROBLEM["batching"]:
        # the first SGD update's w₁ one too large; every later update starts from it
        v, verdicts = _sgd_slip(c, network, exact)
    elif problem == PROBLEM["dropout"]:
        # the mask forgotten: ŷ of the whole network
        v["output[1]"] = _forward(network)[-1][0]
        verdicts["output[1]"] = ("wrong", "the mask was not applied")
    elif problem == PROBLEM["autodiff"]:
        # the pass counts swapped; the cheaper mode follows from them
        data = c.variant["bob", problem]["data"]
        v["passes_forward"], v["passes_reverse"] = data["m"], data["n"]
        v["cheaper"] = "forward" if exact["cheaper"] == "reverse" else "reverse"
        verdicts = {"passes_forward": ("wrong", "forward mode needs one pass per input"),
                    "passes_reverse": ("wrong", "reverse mode needs one pass per output"),
                    "cheaper": ("carried", "")}
    c.hand_in("bob", problem, v, verdicts)


def _fay(c: Class, problem: int, exact: dict, network: dict | None) -> None:
    v, verdicts = dict(exact), {}
    if problem == PROBLEM["update"]:
        # every weight stepped up the gradient instead of down it
        rate = q(network["learning_rate"])
        for l, layer in enumerate(network["layers"], start=1):
            for j, row in enumerate(layer["weights"], start=1):
                for k, w in enumerate(row, start=1):
                    part = f"W{l}_new[{j},{k}]"
                    if part in v:
                        v[part] = q(w) + rate * exact[f"grad_W{l}[{j},{k}]"]
                        verdicts[part] = ("wrong", "the gradient step was added instead of subtracted") \
                            if exact[f"grad_W{l}[{j},{k}]"] != 0 else ("correct", "")
    elif problem == PROBLEM["activation"]:
        # σ' evaluated at a instead of z
        a = exact["value"]
        s = 1 / (1 + math.exp(-float(a))) if _activation(c, "fay") == "sigmoid" else math.tanh(float(a))
        v["derivative"] = Fraction(s * (1 - s)) if _activation(c, "fay") == "sigmoid" else Fraction(1 - s * s)
        verdicts["derivative"] = ("wrong", "evaluated at a")
    elif problem == PROBLEM["dropout"]:
        # inverted dropout without its 1/(1 − p): the mask applied, the kept activations not scaled
        data = c.variant["fay", problem]["data"]
        a1 = _forward(network)[0]
        w2, b2 = network["layers"][1]["weights"], network["layers"][1].get("bias")
        z2 = sum(q(w) * a * m for w, a, m in zip(w2[0], a1, data["mask"])) + (q(b2[0]) if b2 else 0)
        v["output[1]"] = act(network["layers"][1]["activation"], z2)
        verdicts["output[1]"] = ("wrong", "not scaled by 1/(1 − p)") if data["inverted"] else ("correct", "")
    c.hand_in("fay", problem, v, verdicts)


def _activation(c: Class, student: str) -> str:
    return c.variant[student, PROBLEM["activation"]]["data"]["activation"]


def _given(c: Class, student: str, problem: int) -> tuple[list[Fraction], list[Fraction]]:
    data = c.variant[student, problem]["data"]
    return [q(x) for x in data["w"]], [q(x) for x in data["g"]]


def _forward(network: dict) -> list[list[Fraction]]:
    """The activations of every layer for the network's one example."""
    a = [q(x) for x in network["example"]["x"]]
    out = []
    for layer in network["layers"]:
        bias = layer.get("bias") or [0] * len(layer["weights"])
        a = [act(layer["activation"], sum(q(w) * x for w, x in zip(row, a)) + q(b))
             for row, b in zip(layer["weights"], bias)]
        out.append(a)
    return out


def _sgd_slip(c: Class, network: dict, exact: dict) -> tuple[dict, dict]:
    """A one-layer identity network (ŷ = w·x + b, C = ½(y − ŷ)²): SGD by hand, one example per
    update, from a first update whose w₁ is one too large."""
    layer = network["layers"][0]
    assert layer["activation"] == "identity" and len(network["layers"]) == 1
    w, b = [q(x) for x in layer["weights"][0]], q(layer["bias"][0])
    rate = q(network["learning_rate"])
    values, verdicts = dict(exact), {}
    for u, example in enumerate(network["examples"], start=1):
        x, y = [q(v) for v in example["x"]], q(example["y"][0])
        delta = sum(wi * xi for wi, xi in zip(w, x)) + b - y
        w, b = [wi - rate * delta * xi for wi, xi in zip(w, x)], b - rate * delta
        if u == 1:
            w[0] += 1
        for k, wk in enumerate(w, start=1):
            values[f"sgd{u}_W1[1,{k}]"] = wk
        values[f"sgd{u}_b1[1]"] = b
        for part in (*(f"sgd{u}_W1[1,{k}]" for k in range(1, len(w) + 1)), f"sgd{u}_b1[1]"):
            verdicts[part] = c.carried_or_correct("bob", PROBLEM["batching"], part, values[part])
    verdicts["sgd1_W1[1,1]"] = ("wrong", "")
    return values, verdicts


def read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_unread_rows_are_named_and_the_run_exits_non_zero(graded, capsys) -> None:
    assert graded["code"] == 1
    unread = read(graded["out"] / "unread.csv")
    n = graded["lines"]
    assert [int(u["line"]) for u in unread] == [n - 2, n - 1, n]
    assert "no part 'costt'" in unread[0]["why"] and "problem '99'" in unread[1]["why"]
    assert "quote part names that contain commas" in unread[2]["why"]


def test_every_verdict_is_the_one_the_slip_calls_for(graded) -> None:
    c: Class = graded["class"]
    parts = read(graded["out"] / "parts.csv")
    got = {(p["student"], int(p["problem"]), p["part"]): (p["verdict"], p["diagnosis"]) for p in parts}
    for (student, problem, part), (verdict, why) in c.expected.items():
        assert got[student, problem, part][0] == verdict, (student, problem, part, got[student, problem, part])
        assert why in got[student, problem, part][1], (student, problem, part, got[student, problem, part])
    # cy left param_count out, dee handed in nothing: every part of theirs is missing
    assert all(got[s, p, part][0] == "missing" for (s, p, part) in got if s == "dee" or (s == "cy" and p == 10))
    # each slip that starts a chain has consequences graded as carried: carried credit on every kind
    carried = {(s, p) for (s, p, _), (v, _) in got.items() if v == "carried"}
    assert {("bob", PROBLEM[k]) for k in ("backprop", "update", "chain_rule", "activation", "regularization",
                                           "batching", "autodiff")} <= carried


def test_every_point_is_the_worth_of_the_parts_earned(graded) -> None:
    c: Class = graded["class"]
    worth = {(s["id"], v["problem"], a["part"]): Fraction(str(a["points"]))
             for s in c.key["students"] for v in s["variants"] for a in v["answers"]}
    verdict = {(p["student"], int(p["problem"]), p["part"]): p["verdict"] for p in read(graded["out"] / "parts.csv")}
    grades = {g["student"]: g for g in read(graded["out"] / "grades.csv")}
    maximum = sum(w for (s, _, _), w in worth.items() if s == "ada")
    for student in ("ada", "bob", "cy", "dee", "eve", "fay"):
        for problem in range(1, 11):
            earned = sum(w for (s, p, part), w in worth.items()
                         if s == student and p == problem and verdict[s, p, part] in ("correct", "carried"))
            assert float(grades[student][f"problem {problem}"]) == pytest.approx(float(earned), abs=0.006)
        assert float(grades[student]["max"]) == pytest.approx(float(maximum))
    assert grades["ada"]["total"] == grades["ada"]["max"]  # decimal commas read, every value right
    assert grades["dee"]["total"] == grades["eve"]["total"] == "0"


def _totals(graded) -> dict[str, Fraction]:
    c: Class = graded["class"]
    worth = {(s["id"], v["problem"], a["part"]): Fraction(str(a["points"]))
             for s in c.key["students"] for v in s["variants"] for a in v["answers"]}
    verdict = {(p["student"], int(p["problem"]), p["part"]): p["verdict"] for p in read(graded["out"] / "parts.csv")}
    return {s: sum((w for (t, p, part), w in worth.items() if t == s and verdict[t, p, part] in ("correct", "carried")),
                   Fraction(0)) for s in ("ada", "bob", "cy", "dee", "eve", "fay")}


def test_the_report_figures_are_the_class_s(graded) -> None:
    totals = _totals(graded)
    present = [totals[s] for s in ("ada", "bob", "cy", "eve", "fay")]  # dee handed in nothing
    scores = {r["figure"]: r["value"] for r in read(graded["out"] / "report-scores.csv")}
    maximum = totals["ada"]
    assert scores["students in the key"] == "6" and scores["handed in"] == "5" and scores["rows not graded"] == "3"
    assert float(scores["mean"]) == pytest.approx(float(sum(present) / 5), abs=0.006)
    assert float(scores["median"]) == pytest.approx(float(statistics.median(present)), abs=0.006)
    assert float(scores["lowest"]) == 0 and float(scores["highest"]) == pytest.approx(float(maximum))
    bins = [0] * 10
    for t in present:
        bins[min(int(t / maximum * 10), 9)] += 1
    assert [int(scores[f"{10 * i}-{10 * (i + 1)} %"]) for i in range(10)] == bins

    verdicts = read(graded["out"] / "parts.csv")
    for row in read(graded["out"] / "report-parts.csv"):
        these = [p["verdict"] for p in verdicts if p["problem"] == row["problem"] and p["part"] == row["part"]
                 and p["student"] != "dee"]
        assert int(row["asked"]) == len(these)
        for v in ("correct", "carried", "wrong", "missing"):
            assert int(row[v]) == these.count(v), (row, v)
    problems = {int(r["problem"]): r for r in read(graded["out"] / "report-problems.csv")}
    grades = read(graded["out"] / "grades.csv")
    for number, row in problems.items():
        scored = [float(g[f"problem {number}"]) for g in grades if g["student"] != "dee"]
        assert float(row["mean"]) == pytest.approx(sum(scored) / 5, abs=0.006)
    # eve answered every problem and earned nothing on any
    assert all(int(r["nothing right"]) >= 1 for r in problems.values())

    mistakes = {m["mistake"]: m for m in read(graded["out"] / "report-mistakes.csv")}
    assert mistakes["the ½ of the cost was dropped"]["students"] == "1"
    assert mistakes["the mask was not applied"]["students"] == "1"
    assert mistakes["the gradient step was added instead of subtracted"]["students"] == "1"
    looked = {a["student"]: a["why"] for a in read(graded["out"] / "report-students.csv")}
    assert looked["dee"] == "no answer at all"
    assert "nothing right on problems 1, 2, 3" in looked["eve"] and "under half the points" in looked["eve"]
    assert looked["cy"].endswith("3 rows not graded")
    assert "ada" not in looked


def test_the_report_pdf_is_built(graded) -> None:
    pdf = graded["out"] / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and (graded["out"] / "report.tex").is_file()


def test_the_report_sets_the_notation_s_accents_with_pdflatex(graded) -> None:
    # bob's regularization slip names ∂C̃/∂w (C and a combining tilde); that alone had sent the
    # report to LuaLaTeX (1.7 s, not 0.15 s) although every name in the class is Latin
    source = (graded["out"] / "report.tex").read_text(encoding="utf-8")
    assert "penalty's gradient was left out" in source
    assert r"$\partial$$\tilde{C}$/$\partial$w\textsubscript{1}" in source
    assert "\u0303" not in source
    assert not source.startswith("%!TEX program = lualatex")


@pytest.mark.parametrize("value", ["1e999", "-1e300", "1e-999", "nan", "inf", "banana", "1.2.3", "0.1l38", "1" * 99])
def test_an_absurd_answer_on_every_kind_is_wrong_or_unread_and_grading_goes_on(graded, tmp_path, value) -> None:
    # a number however absurd is graded; what is no number is never graded wrong in silence:
    # it goes to unread.csv with its line and reason, and the run exits 1 (issue 33)
    key = graded["out"].parent / "build" / "key.json"
    doc = json.loads(key.read_text(encoding="utf-8"))
    rows = [["student", "problem", "part", "value"]] + [
        ["ada", str(v["problem"]), a["part"], value] for v in doc["students"][0]["variants"] for a in v["answers"]]
    answers = tmp_path / "answers.csv"
    with open(answers, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    number = value not in ("nan", "inf", "banana", "1.2.3", "0.1l38")
    code = main(["--grade", str(key), "--answers", str(answers), "--out", str(tmp_path / "g"), "--format", "tex"])
    assert code == (0 if number else 1)
    parts = [p for p in read(tmp_path / "g" / "parts.csv") if p["student"] == "ada"]
    assert len(parts) == len(rows) - 1
    unread = read(tmp_path / "g" / "unread.csv")
    numeric = [a for v in doc["students"][0]["variants"] for a in v["answers"] if not isinstance(a["value"], str)]
    assert len(unread) == (0 if number else len(numeric))
    assert all("is not a number" in u["why"] for u in unread)
    if not number:  # an unread part is not graded: it scores nothing and is not called wrong
        assert {p["verdict"] for p in parts if not isinstance(p["key"], str) and p["given"] == ""} <= {"missing"}
    # right only where the key allows it (1e-999 for a key of 0); a value computed from an
    # absurd one may be carried (a⁽¹⁾ = z⁽¹⁾ under the identity)
    right = [p for p in parts if p["verdict"] == "correct"]
    assert all(value == "1e-999" and float(p["key"]) == 0 for p in right)


@pytest.mark.parametrize("edit, field", [
    (lambda d: d.update(z="1e999999"), "z"),  # was a number of a million digits built: a hang
    (lambda d: d.update(mask=[1]), "mask"),
    (lambda d: d.update(alpha="nan"), "alpha"),
    (lambda d: d.update(activation="nope"), "activation"),
])
def test_edited_data_in_the_key_is_one_line_naming_the_variant(graded, tmp_path, capsys, edit, field) -> None:
    doc = json.loads((graded["out"].parent / "build" / "key.json").read_text(encoding="utf-8"))
    edited = [v for s in doc["students"] for v in s["variants"] if field in v["data"]]
    assert edited
    for v in edited:
        edit(v["data"])
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "key.json").write_text(json.dumps(doc), encoding="utf-8")
    code = main(["--grade", str(tmp_path / "b" / "key.json"), "--answers", str(graded["out"].parent / "answers.csv"),
                 "--format", "tex"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and ".data: not the data generate wrote" in err
    assert not (tmp_path / "b-grading").exists()
