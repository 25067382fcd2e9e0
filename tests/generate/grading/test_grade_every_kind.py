"""Grading follows wrong answers in every kind and number style: each slip the grader tries
(and each carried value it recomputes) must compute for the key generate wrote. A kind whose
follower failed on a float network (dropout with a sigmoid output, batching with tanh: a SymPy
number reached NumPy's exp or tanh) refused the whole class as "not the data generate wrote"."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
from fractions import Fraction
from pathlib import Path

import pytest

from gradsheet.generate import problems
from gradsheet.generate.cli import main
from gradsheet.generate.problems.activation import PROPERTIES

STYLES = [{"numbers": "integer"}, {"numbers": "decimal"}]
NETWORK_KINDS = ("forward", "backprop", "update", "chain_rule", "batching", "dropout", "perceptron")
FLOAT_ACTIVATIONS = ("sigmoid", "tanh", "softplus", "elu", "silu")  # NumPy's own functions: no SymPy number may reach them
EXTRA = {
    "dropout": [{"numbers": "decimal", "activation": ["relu", "sigmoid"]},
                {"numbers": "decimal", "inverted": False}, {"numbers": "integer", "inverted": False},
                *({"numbers": "decimal", "activation": name} for name in FLOAT_ACTIVATIONS)],
    "batching": [{"numbers": "decimal", "activation": name} for name in FLOAT_ACTIVATIONS],
    "activation": [{"activation": [name]} for name in PROPERTIES],
    "regularization": [{}, {"difficulty": "hard"}],
    "autodiff": [{}, {"difficulty": "hard"}, {"numbers": "decimal"}, {"numbers": "decimal", "difficulty": "hard"}],
    "param_count": [{}],
}
ROSTER = "id,name\nplus,Plus One\nneg,Negated\nhalf,Every Other\nnomask,No Mask\n"
SIGMA = {"sigmoid": lambda z: 1 / (1 + math.exp(-z)), "relu": lambda z: max(z, 0.0), "identity": lambda z: z,
         "square": lambda z: z * z, "tanh": math.tanh, "softplus": lambda z: math.log1p(math.exp(z)),
         "elu": lambda z: z if z > 0 else math.expm1(z), "silu": lambda z: z / (1 + math.exp(-z))}


def _problems() -> list[dict]:
    out = []
    for kind in problems.NAMES:
        for options in (STYLES if kind in NETWORK_KINDS else []) + EXTRA.get(kind, []):
            out.append({"kind": kind, **options})
    return out


def _slipped(student: str, index: int, value: str) -> str:
    """The student's wrong value: the key's plus one, negated, or every other one plus a half."""
    try:
        number = float(value)
    except ValueError:
        return value  # a text answer stays as the key has it
    if student == "plus":
        return repr(number + 1)
    if student == "neg":
        return repr(-number - 0.25)
    return repr(number + 0.5) if index % 2 else value


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[Path, int, str, list[dict]]:
    tmp = tmp_path_factory.mktemp("every-kind")
    exam = {"title": "Every kind", "name": "every", "seed": 11, "decimals": 4, "problems": _problems()}
    (tmp / "exam.json").write_text(json.dumps(exam), encoding="utf-8")
    (tmp / "roster.csv").write_text(ROSTER, encoding="utf-8")
    assert main([str(tmp / "exam.json"), "--roster", str(tmp / "roster.csv"), "--format", "tex",
                 "--out", str(tmp / "build")]) == 0
    rows = list(csv.DictReader((tmp / "build" / "key.csv").open(encoding="utf-8")))
    key = json.loads((tmp / "build" / "key.json").read_text(encoding="utf-8"))
    unmasked = _unmasked_outputs(next(s for s in key["students"] if s["id"] == "nomask"))
    with (tmp / "answers.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["student", "problem", "part", "value"])
        for i, row in enumerate(rows):
            if row["student"] == "nomask":
                value = unmasked.get((int(row["problem"]), row["part"]), row["value"])
            else:
                value = _slipped(row["student"], i, row["value"])
            out.writerow([row["student"], row["problem"], row["part"], value])
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(["--grade", str(tmp / "build" / "key.json"), "--answers", str(tmp / "answers.csv")])
    return tmp, status, err.getvalue(), rows


def test_every_kind_and_style_grades_a_class_of_wrong_answers(graded) -> None:
    tmp, status, err, rows = graded
    assert status == 0, err
    assert err == ""
    parts = list(csv.DictReader((tmp / "build-grading" / "parts.csv").open(encoding="utf-8")))
    assert len(parts) == len(rows)
    verdicts = {(p["student"], p["problem"], p["part"]): p["verdict"] for p in parts}
    # every value of "plus" is off by one: nothing of theirs is correct unless carried from their
    # own earlier values or a text answer
    numeric = [r for r in rows if r["student"] == "plus" and _is_number(r["value"])]
    assert numeric
    assert all(verdicts["plus", r["problem"], r["part"]] in ("wrong", "carried") for r in numeric)
    assert any(verdicts["plus", r["problem"], r["part"]] == "carried" for r in numeric)


def _unmasked_outputs(student: dict) -> dict[tuple[int, str], str]:
    """Each dropout output as a student computes it who forgot the mask: ŷ = σ(W^(2) a^(1) + b^(2))
    from the key's a^(1), in plain floats (not the grader's code)."""
    out = {}
    for variant in student["variants"]:
        if "mask" not in variant["data"]:
            continue
        a1 = [float(a["value"]) for a in variant["answers"] if a["part"].startswith("a1[")]
        layer = variant["network"]["layers"][1]
        sigma = SIGMA[layer["activation"]]
        for i, row in enumerate(layer["weights"]):
            z = sum(float(Fraction(str(w))) * a for w, a in zip(row, a1)) + float(Fraction(str(layer.get("bias", [0] * 9)[i])))
            out[variant["problem"], f"output[{i + 1}]"] = f"{sigma(z):.4f}"
    return out


def test_a_forgotten_dropout_mask_is_named_in_both_number_styles(graded) -> None:
    tmp, _, _, rows = graded
    parts = list(csv.DictReader((tmp / "build-grading" / "parts.csv").open(encoding="utf-8")))
    named = [p for p in parts if p["student"] == "nomask" and p["part"].startswith("output[")
             and p["diagnosis"].startswith("the mask was not applied")]
    # a float network (sigmoid output) and an exact one (integer style) among them
    assert len({p["problem"] for p in named}) >= 3
    assert all(p["verdict"] == "wrong" for p in named)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
