"""Every printed step of a worked solution computes from its printed operands (issue 15).

The network kinds' solutions are read back from their LaTeX, turned into the plain notation
``tests/derive/test_printed_steps.py`` evaluates, and re-evaluated from the printed digits:
integer style exactly, decimal style rounded once to the sheet's decimals.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from gradsheet.derive.printing.step import Step
from gradsheet.generate import spec
from gradsheet.generate.roster import Student
from gradsheet.generate.variants import draw
from tests.conftest import variants
from tests.derive.printing.test_printed_steps import check_step

N = max(variants() // 3, 10)


def _group(tex: str, start: int) -> tuple[str, int]:
    """The brace group opening at ``tex[start]`` and the index after it."""
    depth = 0
    for i in range(start, len(tex)):
        depth += {"{": 1, "}": -1}.get(tex[i], 0)
        if depth == 0:
            return tex[start + 1:i], i + 1
    raise ValueError(f"unbalanced braces in {tex!r}")


def _plain(tex: str) -> str:
    """Fractions, powers and functions of printed LaTeX as the text printer writes them."""
    out, i = [], 0
    while i < len(tex):
        if tex.startswith((r"\frac", r"\tfrac"), i):
            top, i = _group(tex, tex.index("{", i))
            bottom, i = _group(tex, i)
            out.append(f"(({_plain(top)})/({_plain(bottom)}))")
        elif tex.startswith(("e^{", "^{"), i):
            start = i
            exponent, i = _group(tex, tex.index("{", i))
            out.append(f"exp({_plain(exponent)})" if tex[start] == "e" else f"^({_plain(exponent)})")
        elif (name := next((n for n in (r"\ln", r"\operatorname{erf}", r"\sqrt") if tex.startswith(n, i)), None)):
            argument, i = _group(tex, i + len(name))
            out.append({r"\ln": "log", r"\sqrt": "sqrt"}.get(name, "erf") + f"({_plain(argument)})")
        else:
            out.append(tex[i])
            i += 1
    return "".join(out)


def latex_to_text(tex: str) -> str:
    """The numbers-only LaTeX a step prints, in the text printer's notation."""
    text = tex.replace(r"\left(", "(").replace(r"\right)", ")").replace(r"\cdot", "·").replace(r"\times", "·")
    # a function of one bare number (\sin 0.980, \ln 2) takes it as its argument
    text = re.sub(r"\\(sin|cos|tanh|ln|exp|sigma)\s+(-?[\d.]+)", r"\\\1(\2)", text)
    text = re.sub(r"\\(sin|cos|tanh|sigma|exp)\b\s*", r"\1", text).replace(r"\operatorname{ReLU}", "relu")
    text = re.sub(r"\\ln\b\s*", "log", text)
    text = text.replace(r"\lambda", "λ").replace(r"\alpha", "α").replace(r"\pi", "pi")
    text = _plain(text).replace(r"\log", "log").replace("-", "−")
    return text.replace(" ", " ").strip()


def as_text(step: Step) -> Step:
    return replace(step, substituted=latex_to_text(step.substituted), intermediate=latex_to_text(step.intermediate),
                   result=latex_to_text(step.result))


CASES = [("forward", {}), ("forward", {"numbers": "decimal", "difficulty": "hard"}),
         ("backprop", {"difficulty": "medium"}), ("backprop", {"numbers": "decimal", "loss": "bce",
                                                               "activation": ["tanh", "sigmoid"]}),
         ("backprop", {"numbers": "decimal", "loss": "cross_entropy", "activation": ["sigmoid", "softmax"],
                       "sizes": [2, 2, 2]}),
         ("update", {}), ("update", {"numbers": "decimal"}), ("update", {"numbers": "decimal", "difficulty": "hard"}),
         ("chain_rule", {}), ("dropout", {}), ("dropout", {"numbers": "decimal", "activation": ["sigmoid", "identity"]}),
         ("dropout", {"numbers": "decimal", "activation": ["tanh", "sigmoid"], "inverted": False, "p": "1/4"}),
         ("autodiff", {}), ("autodiff", {"difficulty": "hard"}), ("autodiff", {"numbers": "decimal"}),
         ("autodiff", {"numbers": "decimal", "difficulty": "hard"}),
         ("activation", {}), ("batching", {}), ("batching", {"numbers": "decimal"}), ("perceptron", {}),
         ("regularization", {}), ("param_count", {})]


@pytest.mark.sweep
@pytest.mark.parametrize("kind,table", CASES, ids=[f"{k}-{i}" for i, (k, _) in enumerate(CASES)])
def test_every_step_of_a_worked_solution_computes_from_its_printed_operands(kind: str, table: dict) -> None:
    exam = spec.parse({"title": "t", "decimals": 4, "problems": [{"kind": kind, **table}]})
    # integer style is exact where values are short (everything before an update); a value
    # past the sheet's decimals prints rounded, and the rule is the same as in decimal style
    decimals = 4
    total = checked = 0
    for seed in range(N):
        variant = draw(replace(exam, seed=seed), Student(f"s{seed}", ""), exam.problems[0])
        for section in variant.problem.solution:
            for step in section.steps:
                for leaf in step.detail or (step,):
                    if leaf.substituted and "pmatrix" not in leaf.substituted:
                        total += 1
                        checked += check_step(as_text(leaf), decimals)
    assert total and checked == total, f"{total - checked} of {total} steps could not be read"
