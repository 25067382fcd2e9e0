"""A given network in a problem (``network = "lecture.toml"``): every student gets the
lecture's network, ``vary`` draws only the parts it names, the key equals ``derive``'s values."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import sympy as sp

from gradsheet.derive.engine import backprop
from gradsheet.derive.checking import quantities
from gradsheet.derive.errors import SpecError
from gradsheet.derive.engine.network import load_spec
from gradsheet.derive.engine.numbers import EXACT, hand
from gradsheet.generate import pdf, spec, variants
from gradsheet.generate.cli import main
from gradsheet.generate.given import Unusable
from gradsheet.generate.printing import rounded
from gradsheet.generate.roster import Student

EXAMPLES = Path(__file__).parents[2] / "derive" / "examples"
HERRMANN = EXAMPLES / "herrmann_backprop.toml"
BHADANI = EXAMPLES / "bhadani_sigmoid.toml"
STUDENTS = [Student(f"s{i}", f"Student {i}") for i in range(1, 7)]


def exam(tmp: Path, problems: str, seed: int = 5) -> spec.ExamSpec:
    for source in (HERRMANN, BHADANI):
        shutil.copy(source, tmp / source.name)
    path = tmp / "exam.toml"
    path.write_text(f'title = "Lecture"\nseed = {seed}\ndecimals = 4\n{problems}', encoding="utf-8")
    return spec.load(path)


def drawn(e: spec.ExamSpec, students=STUDENTS) -> list:
    return [sheet.variants for sheet in variants.draw_all(e, students, workers=1)]


def derive_values(path: Path, mode) -> dict:  # type: ignore[no-untyped-def]
    s = load_spec(path)
    return quantities.entries(backprop.trace(s.network, s.examples, mode))


def test_every_student_gets_the_lecture_network_and_the_key_is_derive_s(tmp_path: Path) -> None:
    e = exam(tmp_path, '[[problems]]\nkind = "backprop"\npoints = 8\nnetwork = "herrmann_backprop.toml"\n'
                       '[[problems]]\nkind = "update"\npoints = 8\nnetwork = "herrmann_backprop.toml"\n')
    exact = derive_values(HERRMANN, EXACT)
    assert exact["grad_W1[2,2]"] == 192 and exact["cost"] == sp.Rational(9, 2)  # the slide's 108 is a slip
    sheets = drawn(e)
    for variants_ in sheets:
        for variant in variants_:
            network = variant.problem.network
            assert network["layers"][0]["weights"] == [[1, -3], [-2, 1]] and network["example"] == {"x": [3, 2], "y": [1]}
            for answer in variant.problem.answers:
                if answer.part in exact:
                    assert answer.value == exact[answer.part], answer.part
                    assert sp.Rational(str(answer.key_value)) == sp.Rational(str(rounded(exact[answer.part], 4)))
    asked = {a.part for a in sheets[0][1].problem.answers}
    assert {"W1_new[1,1]", "cost_new", "cost_fell"} <= asked
    assert next(a for a in sheets[0][1].problem.answers if a.part == "W1_new[1,1]").key_value == 1.432


def test_a_decimal_lecture_network_keys_derive_s_hand_values_within_reach_of_the_exact_ones(tmp_path: Path) -> None:
    e = exam(tmp_path, '[[problems]]\nkind = "backprop"\npoints = 8\nnetwork = "bhadani_sigmoid.toml"\n')
    exact, by_hand = derive_values(BHADANI, EXACT), derive_values(BHADANI, hand(4))
    problem = drawn(e, STUDENTS[:2])[0][0].problem
    assert problem.network["loss"] == "bce"
    for answer in problem.answers:
        assert sp.Rational(str(answer.key_value)) == sp.Rational(str(rounded(by_hand[answer.part], 4))), answer.part
        assert abs(answer.key_value - float(exact[answer.part])) <= answer.tolerance + 5e-5, answer.part


def test_vary_draws_only_the_parts_it_names(tmp_path: Path) -> None:
    e = exam(tmp_path, '[[problems]]\nkind = "forward"\npoints = 6\nnetwork = "bhadani_sigmoid.toml"\nvary = ["x"]\n'
                       '[[problems]]\nkind = "chain_rule"\npoints = 6\nnetwork = "herrmann_backprop.toml"\n'
                       'vary = ["weights"]\n')
    given = json.loads(json.dumps(e.problems[0].options.given.data))
    sheets = drawn(e)
    forward = [v[0].problem.network for v in sheets]
    assert all(n["layers"] == given["layers"] and n["example"]["y"] == [1] for n in forward)
    assert len({json.dumps(n["example"]["x"]) for n in forward}) == len(STUDENTS)  # each their own
    chain = [v[1].problem.network for v in sheets]
    assert all(n["example"] == {"x": [3, 2], "y": [1]} for n in chain)
    assert len({json.dumps(n["layers"]) for n in chain}) == len(STUDENTS)
    assert [v[0].problem.network for v in drawn(e)] == forward  # the same seed: the same draws


def test_the_tables_inline_are_the_file(tmp_path: Path) -> None:
    inline = ('[[problems]]\nkind = "forward"\npoints = 6\n[problems.network]\nloss = "half_sse"\n'
              'layers = [{weights = [[1, -3], [-2, 1]], activation = "square"}, {weights = [[2, -1]], activation = "square"}]\n'
              'example = {x = [3, 2], y = [1]}\n')
    by_file = exam(tmp_path, '[[problems]]\nkind = "forward"\npoints = 6\nnetwork = "herrmann_backprop.toml"\n')
    a, b = drawn(exam(tmp_path, inline), STUDENTS[:1]), drawn(by_file, STUDENTS[:1])
    assert a[0][0].problem.answers == b[0][0].problem.answers


def test_a_fixed_network_the_kind_cannot_ask_stops_at_once(tmp_path: Path) -> None:
    on_kink = ('[[problems]]\nkind = "backprop"\npoints = 8\n[problems.network]\n'
               'layers = [{weights = [[1, -1]], activation = "relu"}, {weights = [[2]], activation = "identity"}]\n'
               'example = {x = [2, 2], y = [1]}\n')
    with pytest.raises(Unusable, match=r"^problems\[1\]\.network: z\^\(1\)_1 sits exactly on its activation's kink"):
        drawn(exam(tmp_path, on_kink), STUDENTS[:1])
    huge = on_kink.replace("[[1, -1]]", "[[1000, 1]]").replace('"relu"', '"square"')
    with pytest.raises(Unusable, match=r"is beyond the bound 1,000,000 \(fix: give smaller weights"):
        drawn(exam(tmp_path, huge), STUDENTS[:1])


def test_the_instructor_s_choices_are_kept_where_a_drawn_network_would_be_drawn_again(tmp_path: Path) -> None:
    # the target met (cost 0) and every gradient zero: a drawn variant is rejected, the lecture's kept
    met = ('[[problems]]\nkind = "backprop"\npoints = 8\n[problems.network]\n'
           'layers = [{weights = [[1, 2]], activation = "identity"}]\nexample = {x = [1, 1], y = [3]}\n')
    answers = {a.part: a.value for a in drawn(exam(tmp_path, met), STUDENTS[:2])[1][0].problem.answers}
    assert answers["cost"] == 0 and answers["grad_W1[1,1]"] == 0


@pytest.mark.parametrize("table, words", [
    ('network = "missing.toml"', r"problems\[1\]\.network \(missing\.toml\): no such file"),
    ("network = 5", r"problems\[1\]\.network: expected a file name or a table"),
    ('network = "herrmann_backprop.toml"\nsizes = [2, 2, 1]', r"problems\[1\]\.sizes: comes from the given network"),
    ('network = "herrmann_backprop.toml"\nactivation = "relu"', r"problems\[1\]\.activation: comes from the given"),
    ('vary = ["x"]', r"problems\[1\]\.vary: vary draws parts of a given network, and none is given"),
    ('network = "herrmann_backprop.toml"\nvary = ["z"]', r"problems\[1\]\.vary: unknown part 'z'"),
    ('network = "herrmann_backprop.toml"\nvary = ["x", "x"]', r"problems\[1\]\.vary: a part named twice"),
    ('network = "herrmann_backprop.toml"\nnumbers = "integer"\nbound = 0', r"problems\[1\]\.bound"),
    ('network = "bhadani_sigmoid.toml"\nnumbers = "integer"', r"sigmoid gives irrational values"),
    ('[problems.network]\nlayers = [{weights = [[1, 2]], activation = "softmax"}]\nexample = {x = [1, 2], y = [1]}',
     r"softmax over one output is always 1"),
    ('[problems.network]\nlayers = [{weights = [[1, 2]], activation = "relu"}]\nexample = {x = [1], y = [1]}',
     r"problems\[1\]\.network\.example\.x"),
    ('[problems.network]\nlayers = [{weights = [[1, 2, 3, 4, 5, 6, 7]], activation = "relu"}]\n'
     'example = {x = [1, 2, 3, 4, 5, 6, 7], y = [1]}', r"a 7-1 network: a sheet's figure and steps fit"),
    ('[problems.network]\nlayers = [{weights = [[1]], activation = "relu"}]\n'
     'examples = [{x = [1], y = [1]}, {x = [2], y = [1]}]', r"2 examples, and this kind asks about 1"),
])
def test_a_given_network_the_spec_gets_wrong_is_one_line_naming_its_field(tmp_path: Path, table: str, words: str) -> None:
    with pytest.raises(SpecError, match=words) as error:
        exam(tmp_path, f'[[problems]]\nkind = "forward"\npoints = 6\n{table}\n')
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("kind, network, words", [
    ("perceptron", "herrmann_backprop.toml", "this kind does not ask about square layers"),
    ("chain_rule", "bhadani_sigmoid.toml", "the chain-rule kind takes one hidden layer and one output"),
    ("dropout", "bhadani_sigmoid.toml", "dropout problems have one hidden layer"),
    ("batching", "herrmann_backprop.toml", "1 example: an epoch here takes 2 to 8"),
])
def test_a_network_a_kind_cannot_ask_about_is_refused_by_that_kind(tmp_path: Path, kind: str, network: str,
                                                                  words: str) -> None:
    with pytest.raises(SpecError, match=rf"^problems\[1\]\.network.*{words}"):
        exam(tmp_path, f'[[problems]]\nkind = "{kind}"\npoints = 6\nnetwork = "{network}"\n')


def test_regularization_steps_the_given_layer_with_derive_s_gradient(tmp_path: Path) -> None:
    e = exam(tmp_path, '[[problems]]\nkind = "regularization"\npoints = 4\nnetwork = "herrmann_backprop.toml"\n')
    problem = drawn(e, STUDENTS[:1])[0][0].problem
    assert problem.data["w"] == ["2", "-1"] and problem.data["g"] == ["108", "192"]  # W^(2) and ∂C/∂W^(2)
    alpha, lam = sp.Rational(problem.data["alpha"]), sp.Rational(problem.data["lambda"])
    key = {a.part: a.value for a in problem.answers}
    assert key["l2_w[1]"] == 2 - alpha * (108 + lam * 2)


def test_batching_runs_its_epoch_on_the_given_examples(tmp_path: Path) -> None:
    e = exam(tmp_path, '[[problems]]\nkind = "batching"\npoints = 9\nbatch_size = 2\n[problems.network]\n'
                       'learning_rate = "1/10"\nlayers = [{weights = [[1, -1]], bias = [1], activation = "identity"}]\n'
                       'examples = [{x = [1, 2], y = [1]}, {x = [2, 1], y = [-1]}, {x = [1, 3], y = [0]}]\n')
    assert e.problems[0].options.examples == 3
    problem = drawn(e, STUDENTS[:1])[0][0].problem
    # full batch: z_i = x1 − x2 + 1 = (0, 2, −1), errors z − y = (−1, 3, −1): ∂C/∂b = mean = 1/3
    assert {a.part: a.value for a in problem.answers}["full_grad_b1[1]"] == sp.Rational(1, 3)


def test_a_roster_larger_than_vary_s_usable_draws_shares_variants_rather_than_failing(tmp_path: Path) -> None:
    # of Herrmann's 36 integer inputs few keep the update's cost within the bound
    e = exam(tmp_path, '[[problems]]\nkind = "update"\npoints = 8\nnetwork = "herrmann_backprop.toml"\nvary = ["x"]\n')
    xs = [json.dumps(v[0].problem.network["example"]["x"]) for v in drawn(e)]
    assert 1 < len(set(xs)) < len(STUDENTS)


needs_tex = pytest.mark.skipif(not pdf.available(), reason="pdflatex is needed")


@needs_tex
def test_a_lecture_network_exam_builds_grades_and_exports(tmp_path: Path, capsys) -> None:
    kinds = ["forward", "backprop", "update", "chain_rule", "perceptron", "dropout", "regularization"]
    networks = {"perceptron": "[problems.network]\nlayers = [{weights = [[1, -1]], bias = [1], activation = \"step\"}]\n"
                              "example = {x = [2, 1], y = [1]}",
                "dropout": "[problems.network]\nlayers = [{weights = [[1, 2], [-1, 1], [2, -1]], bias = [0, 1, -1], "
                           "activation = \"relu\"}, {weights = [[1, -1, 2]], activation = \"identity\"}]\n"
                           "example = {x = [1, 2], y = [3]}"}
    text = "".join(f'[[problems]]\nkind = "{k}"\npoints = 8\n' + networks.get(k, 'network = "herrmann_backprop.toml"')
                   + "\n" for k in kinds)
    exam(tmp_path, text)
    out = tmp_path / "out"
    assert main([str(tmp_path / "exam.toml"), "--variants", "2", "--format", "pdf,moodle,qti", "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} >= {"exam.pdf", "solutions.pdf", "key.json", "moodle.xml", "qti.zip"}
    doc = json.loads((out / "key.json").read_text())
    rows = [["student", "problem", "part", "value"]]
    for s in doc["students"]:
        for v in s["variants"]:
            rows += [[s["id"], v["problem"], a["part"], a["value"]] for a in v["answers"]]
    with open(tmp_path / "answers.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    capsys.readouterr()
    assert main(["--grade", str(out / "key.json"), "--answers", str(tmp_path / "answers.csv"),
                 "--out", str(tmp_path / "graded")]) == 0
    with open(tmp_path / "graded" / "grades.csv", newline="", encoding="utf-8") as handle:
        grades = list(csv.DictReader(handle))
    assert len(grades) == 2 and all(g["total"] == g["max"] == "53" and g["by hand"] == "3" for g in grades)
