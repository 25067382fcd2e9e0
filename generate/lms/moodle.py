"""``moodle.xml``: Moodle's question XML, one Cloze (embedded answers) question per drawn variant.

Import it in Moodle with *Question bank → Import → Moodle XML format*. Each problem of the
exam is a category (``<exam title>/Problem 1: Forward propagation``) holding one question
per student of the roster (or per ``--variants`` draw), so that a quiz can take a random
question of each category. A question is the variant's statement and figure, then each
printed question with a field per key entry:

* a number is ``{w:NUMERICAL:=value:tolerance}`` with the key's value and tolerance (an
  exact integer with tolerance 0), ``w`` its share of the printed points (the Cloze weights
  are integers: every share times their common denominator). Moodle's import makes a Cloze
  question's mark the sum of its weights: where every share is a whole number of points the
  mark is the printed points; where one is not (4 answers to a 6-point question), the
  question's name says which mark to set in the quiz (the slot's maximum mark);
* a yes/no (or forward/reverse) answer is ``{w:MULTICHOICE:=yes~no}``;
* a question that asks for nothing the key holds (write ŷ as a nested function) is shown,
  marked as graded by hand.

The worked solution is the general feedback, step by step as in ``solutions.pdf``. Figures
are SVG files inside the XML (``@@PLUGINFILE@@``, base64). Mathematics is TeX between
``\\(…\\)`` and ``\\[…\\]``, which Moodle's MathJax filter typesets.
"""

from __future__ import annotations

import base64
import html
import re
import xml.etree.ElementTree as ET
from typing import Any

from .. import key as key_format
from ..language import ENGLISH, Language
from ..render import rounding, typing
from ..spec import ExamSpec
from ..variants import StudentSheet
from . import choices, figures as figure_files, weights
from . import html as to_html

PENALTY = "0.3333333"


def _xml(text: str) -> str:
    return html.escape(text, quote=True)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _category_name(text: str) -> str:
    return text.replace("/", "//")  # Moodle reads a single / as a subcategory


def number(value: Any) -> str:
    """A key value or tolerance as Moodle reads it: an integer plainly, else as key.json holds it."""
    out = key_format._number(value)
    return str(out) if not isinstance(out, float) else repr(out)


def field(answer: Any, weight: int, language: Language = ENGLISH) -> str:
    """The Cloze field of one key entry (a choice's words in the sheet's language: grading
    reads ja/nein as yes/no)."""
    if isinstance(answer.key_value, str):
        words = choices(answer.key_value)
        return "{" + f"{weight}:MULTICHOICE:" + "~".join(("=" if w == answer.key_value else "") + language.say(w)
                                                           for w in words) + "}"
    return "{" + f"{weight}:NUMERICAL:={number(answer.key_value)}:{number(answer.tolerance)}" + "}"


def question_html(problem: Any, statement_tex: str, decimals: int, figures: to_html.Figures,
                  language: Language = ENGLISH, comma: bool = False) -> str:
    answers = {a.part: a for a in problem.answers}
    worth = weights(problem).of
    say = language.say
    out = [to_html.statement(statement_tex, figures), f"<p><em>{_xml(rounding(decimals, language))} "
           f"{_xml(typing(language, comma))}</em></p>", "<ol type=\"a\">"]
    for q in problem.questions:
        points = f"{q.points} {say('pt')}" + ("" if q.parts else say(", graded by hand: not in this quiz")) + (
            say("; {what}: graded by hand, not in this quiz", what=q.by_hand) if q.parts and q.by_hand else "")
        out.append(f"<li>{to_html.fragment(q.text)} <em>({points})</em>")
        if q.parts:
            out.append("<table class=\"gs-fields\">")
            for part in q.parts:
                a = answers[part]
                out.append(f"<tr><td>\\({to_html._math(a.label)}\\)</td><td>{field(a, worth[part], language)}</td></tr>")
            out.append("</table>")
        out.append("</li>")
    out.append("</ol>")
    return "\n".join(out)


def mark_notice(problem: Any, language: Language = ENGLISH) -> str:
    """"" where Moodle's imported mark (the sum of the fields' weights) is the printed points;
    else what to set it to in the quiz."""
    worth = weights(problem)
    if worth.whole or not worth.of:
        return ""
    return " " + language.say("(set its maximum mark in the quiz to {points}: its fields' weights add up to {weights})",
                              points=str(worth.total), weights=str(sum(worth.of.values())))


def document(exam: ExamSpec, sheets: tuple[StudentSheet, ...], env: Any, skeletons: list[tuple[str, Any]],
             statement: Any, timeout: int, cache: dict[str, bytes] | None = None) -> str:
    """The whole ``moodle.xml``. ``statement(problem)`` renders a problem's statement as LaTeX."""
    entries = []  # (problem's category, name, idnumber, question html, feedback html, figure numbers)
    figures = to_html.Figures()
    for spec in exam.problems:
        for s in sheets:
            v = next(v for v in s.variants if v.spec.index == spec.index)
            first = len(figures.latex)
            text = question_html(v.problem, statement(v.problem), exam.decimals, figures, exam.language,
                                 exam.decimal_comma)
            feedback = to_html.solution(v.problem.solution, figures, exam.language)
            entries.append((f"{exam.language.say('Problem')} {spec.index}: {exam.language.say(v.problem.title)}",
                            f"{exam.name} · problem {spec.index} · {s.student.id}{mark_notice(v.problem, exam.language)}",
                            f"{exam.name}-p{spec.index}-{s.student.id}"[:100], text, feedback,
                            list(range(first, len(figures.latex)))))
    svgs = figure_files.svgs(figures.latex, env, skeletons, timeout, cache)
    names = [f"figure-{i + 1}.svg" for i in range(len(svgs))]
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    category = None
    for cat, name, idnumber, text, feedback, used in entries:
        if cat != category:
            category = cat
            out += ['<question type="category">',
                    f"<category><text>$course$/top/{_xml(_category_name(exam.title))}/"
                    f"{_xml(_category_name(cat))}</text></category>",
                    "</question>"]
        paths = ["@@PLUGINFILE@@/" + n for n in names]
        in_text = [i for i in used if f"\x00figure{i}\x00" in text]
        in_feedback = [i for i in used if f"\x00figure{i}\x00" in feedback]
        out += ['<question type="cloze">',
                f"<name><text>{_xml(name)}</text></name>",
                f'<questiontext format="html"><text>{_cdata(to_html.images(text, paths))}</text>',
                *(_file(names[i], svgs[i]) for i in in_text),
                "</questiontext>",
                f'<generalfeedback format="html"><text>{_cdata(to_html.images(feedback, paths))}</text>',
                *(_file(names[i], svgs[i]) for i in in_feedback),
                "</generalfeedback>",
                f"<penalty>{PENALTY}</penalty>",
                "<hidden>0</hidden>",
                f"<idnumber>{_xml(idnumber)}</idnumber>",
                "</question>"]
    out.append("</quiz>")
    return "\n".join(out) + "\n"


def _file(name: str, data: bytes) -> str:
    return f'<file name="{_xml(name)}" path="/" encoding="base64">{base64.b64encode(data).decode("ascii")}</file>'


def answers_of(xml_text: str) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The fields of each question read back: (idnumber, [(type, value, tolerance)]), for tests
    and for an instructor checking an export against key.json."""
    root = ET.fromstring(xml_text)
    out = []
    for q in root.iter("question"):
        if q.get("type") != "cloze":
            continue
        text = q.find("questiontext/text").text or ""  # type: ignore[union-attr]
        fields = []
        for m in re.finditer(r"\{(\d+):(NUMERICAL|MULTICHOICE):([^}]*)\}", text):
            if m.group(2) == "NUMERICAL":
                value, tolerance = m.group(3)[1:].split(":")
                fields.append(("NUMERICAL", value, tolerance))
            else:
                right = next(w[1:] for w in m.group(3).split("~") if w.startswith("="))
                fields.append(("MULTICHOICE", right, ""))
        out.append((q.findtext("idnumber") or "", fields))
    return out

