"""The instructor's own wording: a problem's statement and its questions, from the spec.

::

    [[problems]]
    kind = "backprop"
    network = "lecture5.toml"
    text = "Our network from lecture 5, with this week's input: {{ figure }} {{ given }}"
    questions = ["Run the forward pass for x = {{ x }}.", "", "Backpropagate: every δ and ∂C/∂w."]

The text is plain text, printed as written (escaped as every user text is); ``{{ name }}``
places one of the variant's quantities: its figure, its data, a vector or matrix, a number.
Nothing else is interpreted, so no template code runs. An empty question keeps the kind's own
wording. An unknown name is one line listing the names the problem has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Mapping

from gradsheet.derive.errors import SpecError
from gradsheet.derive.engine.network import parse_spec

from . import text as user_text
from .problem import Problem, Question, Refused
from .sheet import Sheet

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_TEMPLATE_SYNTAX = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
TEXT_CHARS = 2000  # as the exam's instructions
BLOCKS = ("figure", "given", "formulas")  # what stands on lines of its own: a statement's, not a question's


@dataclass(frozen=True)
class Wording:
    """A problem's own statement (None: the kind's) and questions ("" keeps the kind's)."""

    text: str | None = None
    questions: tuple[str, ...] = ()

    @property
    def typed(self) -> list[str]:
        """Everything typed here that a sheet prints: the fonts it needs follow from it."""
        return [t for t in (self.text or "", *self.questions) if t]


def parse(table: Mapping[str, Any], field: str) -> Wording | None:
    """``text`` and ``questions`` of a problem table, checked as every user text is."""
    if "text" not in table and "questions" not in table:
        return None
    text = table.get("text")
    if text is not None:
        text = _template(text, f"{field}.text")
    questions = table.get("questions", [])
    if not isinstance(questions, list) or len(questions) > 20:
        raise SpecError(f"{field}.questions", f"expected a list of up to 20 texts, found {questions!r:.60}",
                        'write questions = ["Compute z.", "", "Compute δ."] ("" keeps a question as it is)')
    return Wording(text, tuple(_template(q, f"{field}.questions[{i}]") for i, q in enumerate(questions, start=1)))


def _template(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise SpecError(field, f"expected text, found {value!r:.60}", 'write it in quotes: "…"')
    value = user_text.checked(value, field, TEXT_CHARS)
    rest = _PLACEHOLDER.sub("", value)
    stray = _TEMPLATE_SYNTAX.search(rest)
    if stray:
        raise SpecError(field, f"{stray[0]!r} outside a placeholder: only {{{{ name }}}} is read",
                        "write a quantity as {{ x }}; other braces are printed as they are")
    return value


def quantities(problem: Problem, sheet: Sheet) -> dict[str, str]:
    """The names a wording may place, with their LaTeX: the statement's own strings, and for a
    problem on a network its data (x, y, W1, b1, …, alpha) and sizes."""
    names: dict[str, str] = {"points": str(problem.points), "decimals": str(sheet.decimals)}
    statement = problem.statement
    for key, value in statement.items():
        if isinstance(value, str) and value and key not in ("text",):
            names[key] = value if key in ("rule", "per_layer", "sizes") else _math(value)
    if problem.network is not None:
        names.update(_network(problem.network, sheet))
        given, formulas = statement.get("given"), statement.get("formulas")
        if given:
            names["given"] = r"\[\begin{gathered}" + r" \\ ".join(given) + r"\end{gathered}\]"
        if formulas:
            names["formulas"] = r"\[" + r" \\ ".join(r",\qquad ".join(row) for row in formulas) + r"\]"
    if problem.figure is not None:
        names["figure"] = ""  # the template draws it (statement.tex.j2)
    return names


def _math(value: str) -> str:
    return value if value.startswith(("$", "\\[")) else f"${value}$"


def _network(data: Mapping[str, Any], sheet: Sheet) -> dict[str, str]:
    spec = parse_spec(data)
    p, n = sheet.printer, sheet.notation
    out: dict[str, str] = {}
    for l, layer in enumerate(spec.network.layers, start=1):
        out[f"W{l}"] = f"${n.matrix('W', l)} = {p.matrix(layer.weights)}$"
        if layer.bias is not None:
            out[f"b{l}"] = f"${n.matrix('b', l)} = {p.vector(layer.bias)}$"
    if len(spec.examples) == 1:
        out["x"] = rf"$\mathbf{{x}} = {p.vector(spec.examples[0].x)}$"
        out["y"] = rf"$\mathbf{{y}} = {p.vector(spec.examples[0].y)}$"
    if spec.network.learning_rate is not None:
        out["alpha"] = rf"$\alpha = {p.number(spec.network.learning_rate)}$"
    return out


def apply(problem: Problem, wording: Wording | None, sheet: Sheet, field: str) -> Problem:
    """``problem`` in the instructor's words: its statement as segments (text, or the figure)
    for statement.tex.j2, its questions' texts replaced."""
    if wording is None:
        return problem
    names = quantities(problem, sheet)
    statement = dict(problem.statement)
    if wording.text is not None:
        statement["wording"] = tuple(_segments(wording.text, names, f"{field}.text", blocks=True))
    if len(wording.questions) > len(problem.questions):
        raise Refused(f"{field}.questions", f"{len(wording.questions)} texts for the {len(problem.questions)} "
                      f"questions this problem asks", f"give at most {len(problem.questions)}")
    questions = tuple(replace(q, text="".join(t for _, t in _segments(own, names, f"{field}.questions[{i}]")))
                      if own else q for i, (q, own) in enumerate(zip(problem.questions, wording.questions), start=1))
    return replace(problem, statement=statement, questions=questions + problem.questions[len(questions):])


def _segments(template: str, names: Mapping[str, str], field: str, blocks: bool = False) -> list[tuple[str, str]]:
    """``template`` as ("text", LaTeX) and ("figure", "") pieces: the text escaped, each
    placeholder its quantity."""
    out: list[tuple[str, str]] = []
    at = 0
    for m in _PLACEHOLDER.finditer(template):
        out.append(("text", user_text.latex(template[at:m.start()])))
        name = m[1]
        if name not in names or (not blocks and name in BLOCKS):
            available = sorted(k for k in names if blocks or k not in BLOCKS)
            raise Refused(field, f"{{{{ {name} }}}} is not a quantity of this problem",
                          f"use one of {', '.join(available)}")
        out.append(("figure", "") if name == "figure" else ("text", names[name]))
        at = m.end()
    out.append(("text", user_text.latex(template[at:])))
    merged: list[tuple[str, str]] = []
    for kind, piece in out:
        if merged and kind == merged[-1][0] == "text":
            merged[-1] = ("text", merged[-1][1] + piece)
        elif kind == "figure" or piece:
            merged.append((kind, piece))
    return merged
