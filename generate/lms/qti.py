"""``qti.zip``: an IMS QTI 2.1 content package of the same variants (Canvas, ILIAS, OpenOLAT,
TAO, …: import it as a QTI package).

* ``imsmanifest.xml`` lists every item, the test and the figures (IMS CP 1.1);
* ``items/<problem>-<student>.xml``: one ``assessmentItem`` per variant: the statement and
  figure, then each printed question; a key entry that is a number is a
  ``textEntryInteraction`` with a ``float`` response, scored by custom response processing
  that accepts the key's tolerance (value − tolerance ≤ response ≤ value + tolerance: the
  standard ``match_correct`` on a float would demand exact equality); a yes/no entry is a
  ``choiceInteraction``. Each right entry adds its weight to ``SCORE`` (its printed points
  times the least common denominator of the item's shares, an integer), and the sum is
  divided by that denominator at the end: integers add exactly in floating point, so full
  marks are exactly ``MAXSCORE``, the item's graded points (shares of 1/3 point added as
  decimals came to 8.999999999999998 of 9). The worked solution is a ``modalFeedback`` shown after the attempt;
* ``tests/<exam>.xml``: the ``assessmentTest``, one section per problem that selects one of
  its variants, ``SCORE`` summed over the items;
* ``items/figure-N.svg``: the figures.

Mathematics is TeX between ``\\(…\\)`` and ``\\[…\\]`` for players that load MathJax. The
zip is deterministic: entries in a fixed order, each dated 2026-01-01.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from typing import Any, Iterable
from xml.sax.saxutils import escape, quoteattr

from .. import key as key_format
from ..language import ENGLISH, Language
from ..render import rounding, typing
from ..spec import ExamSpec, slug
from ..variants import StudentSheet
from . import Weights, choices, figures as figure_files, weights
from . import html as to_html

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
DATE = (2026, 1, 1, 0, 0, 0)


def identifier(text: str) -> str:
    """A QTI identifier (an NCName): letters, digits, - _ and ., starting with a letter."""
    out = re.sub(r"[^A-Za-z0-9_.-]", "-", text)
    return out if re.match(r"[A-Za-z_]", out) else f"x{out}"


def item_identifiers(exam_name: str, problems: Iterable[int], students: Iterable[str]) -> dict[tuple[int, str], str]:
    """Each variant's item identifier by (problem, student id), as the package names its items
    and a results report names them back (an identifier met twice gets an x)."""
    used: set[str] = set()
    out: dict[tuple[int, str], str] = {}
    students = tuple(students)
    for problem in problems:
        for student in students:
            ident = identifier(f"{exam_name}-p{problem}-{slug(student)}")
            while ident in used:
                ident += "x"
            used.add(ident)
            out[problem, student] = ident
    return out


def _decimal(value: Any) -> Decimal:
    return Decimal(str(key_format._number(value)))


def _body(problem: Any, statement: str, decimals: int, figures: to_html.Figures,
          responses: dict[str, str], language: Language = ENGLISH) -> str:
    """The item body: statement, the rounding rule, then each question with its interactions."""
    answers = {a.part: a for a in problem.answers}
    say = language.say
    out = [to_html.statement(statement, figures),
           f"<p><em>{escape(rounding(decimals, language))} {escape(typing(language))}</em></p>", "<ol>"]
    for q in problem.questions:
        points = f"{q.points} {say('pt')}" + ("" if q.parts else say(", graded by hand: not in this test")) + (
            say("; {what}: graded by hand, not in this test", what=q.by_hand) if q.parts and q.by_hand else "")
        out.append(f"<li>{to_html.fragment(q.text)}<p><em>({points})</em></p>")
        if q.parts:
            out.append("<table class=\"gs-fields\"><tbody>")
            for part in q.parts:
                a, rid = answers[part], responses[part]
                if isinstance(a.key_value, str):
                    words = choices(a.key_value)
                    cell = (f"<choiceInteraction responseIdentifier=\"{rid}\" shuffle=\"false\" maxChoices=\"1\">"
                            + "".join(f"<simpleChoice identifier=\"{identifier(w)}\">{escape(say(w))}</simpleChoice>"
                                      for w in words) + "</choiceInteraction>")
                    out.append(f"<tr><td>\\({to_html._math(a.label)}\\)</td><td>{cell}</td></tr>")
                else:
                    out.append(f"<tr><td>\\({to_html._math(a.label)}\\)</td><td><p><textEntryInteraction "
                               f"responseIdentifier=\"{rid}\" expectedLength=\"12\"/></p></td></tr>")
            out.append("</tbody></table>")
        out.append("</li>")
    out.append("</ol>")
    return "\n".join(out)


def _declarations(problem: Any, responses: dict[str, str]) -> str:
    out = []
    for a in problem.answers:
        rid = responses[a.part]
        if isinstance(a.key_value, str):
            out.append(f'<responseDeclaration identifier="{rid}" cardinality="single" baseType="identifier">'
                       f"<correctResponse><value>{identifier(a.key_value)}</value></correctResponse>"
                       "</responseDeclaration>")
        else:
            out.append(f'<responseDeclaration identifier="{rid}" cardinality="single" baseType="float">'
                       f"<correctResponse><value>{_decimal(a.key_value)}</value></correctResponse>"
                       "</responseDeclaration>")
    return "\n".join(out)


def _processing(problem: Any, responses: dict[str, str], worth: Weights) -> str:
    """SCORE: the weights of the right entries over their denominator; FEEDBACK shows the
    solution after the attempt."""
    out = ['<responseProcessing>',
           '<setOutcomeValue identifier="FEEDBACK"><baseValue baseType="identifier">SOLUTION</baseValue>'
           "</setOutcomeValue>"]
    for a in problem.answers:
        rid = responses[a.part]
        if isinstance(a.key_value, str):
            test = f'<match><variable identifier="{rid}"/><correct identifier="{rid}"/></match>'
        else:
            value, tolerance = _decimal(a.key_value), _decimal(a.tolerance)
            test = (f'<and><gte><variable identifier="{rid}"/><baseValue baseType="float">{value - tolerance}'
                    f'</baseValue></gte><lte><variable identifier="{rid}"/><baseValue baseType="float">'
                    f"{value + tolerance}</baseValue></lte></and>")
        out.append(f"<responseCondition><responseIf>{test}"
                   f'<setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE"/>'
                   f'<baseValue baseType="float">{worth.of[a.part]}</baseValue></sum></setOutcomeValue>'
                   "</responseIf></responseCondition>")
    if not worth.whole:
        out.append('<setOutcomeValue identifier="SCORE"><divide><variable identifier="SCORE"/>'
                   f'<baseValue baseType="float">{worth.denominator}</baseValue></divide></setOutcomeValue>')
    out.append("</responseProcessing>")
    return "\n".join(out)


def item(ident: str, title: str, problem: Any, statement: str, decimals: int, figures: to_html.Figures,
         paths: list[str] | None = None, language: Language = ENGLISH) -> tuple[str, list[int]]:
    """One assessmentItem (its text, with figure markers until ``paths`` is given) and the
    numbers of the figures it shows."""
    first = len(figures.latex)
    responses = {a.part: f"R{i + 1}" for i, a in enumerate(problem.answers)}
    worth = weights(problem)
    body = _body(problem, statement, decimals, figures, responses, language)
    feedback = to_html.solution(problem.solution, figures, language)
    total = worth.total
    text = "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<assessmentItem xmlns="{QTI}" xmlns:xsi="{XSI}" xsi:schemaLocation="{QTI} '
        f'http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd" identifier="{ident}" title={quoteattr(title)} '
        'adaptive="false" timeDependent="false">',
        _declarations(problem, responses),
        '<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float">'
        "<defaultValue><value>0</value></defaultValue></outcomeDeclaration>",
        '<outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float">'
        f"<defaultValue><value>{total}</value></defaultValue></outcomeDeclaration>",  # whole points
        '<outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>',
        f"<itemBody>{body}</itemBody>",
        _processing(problem, responses, worth),
        f'<modalFeedback outcomeIdentifier="FEEDBACK" showHide="show" identifier="SOLUTION" title={quoteattr(language.say("Worked solution"))}>'
        f"{feedback}</modalFeedback>",
        "</assessmentItem>",
    ]) + "\n"
    return text, list(range(first, len(figures.latex)))


def package(exam: ExamSpec, sheets: tuple[StudentSheet, ...], env: Any, skeletons: list[tuple[str, Any]],
            statement: Any, timeout: int, cache: dict[str, bytes] | None = None) -> bytes:
    """The whole ``qti.zip``."""
    figures = to_html.Figures()
    items = []  # (problem index, identifier, text, figures)
    idents = item_identifiers(exam.name, (spec.index for spec in exam.problems), (s.student.id for s in sheets))
    for spec in exam.problems:
        for s in sheets:
            v = next(v for v in s.variants if v.spec.index == spec.index)
            ident = idents[spec.index, s.student.id]
            text, shown = item(ident, f"{exam.title}: {exam.language.say('problem')} {spec.index} ({s.student.id})",
                               v.problem, statement(v.problem), exam.decimals, figures, language=exam.language)
            items.append((spec.index, ident, text, shown))
    svgs = figure_files.svgs(figures.latex, env, skeletons, timeout, cache)
    names = [f"figure-{i + 1}.svg" for i in range(len(svgs))]
    files: dict[str, bytes] = {}
    for _, ident, text, _ in items:
        files[f"items/{ident}.xml"] = to_html.images(text, names).encode("utf-8")
    for name, data in zip(names, svgs):
        files[f"items/{name}"] = data
    test_id = identifier(f"{exam.name}-test")
    files[f"tests/{test_id}.xml"] = _test(exam, test_id, items).encode("utf-8")
    files["imsmanifest.xml"] = _manifest(exam, test_id, items, names).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ["imsmanifest.xml", *sorted(n for n in files if n != "imsmanifest.xml")]:
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, files[name])
    return out.getvalue()


def _test(exam: ExamSpec, test_id: str, items: list[tuple[int, str, str, list[int]]]) -> str:
    sections = []
    for spec in exam.problems:
        refs = "".join(f'<assessmentItemRef identifier="{ident}" href="../items/{ident}.xml"/>'
                       for index, ident, _, _ in items if index == spec.index)
        sections.append(f'<assessmentSection identifier="{identifier(f"problem-{spec.index}")}" '
                        f'title="Problem {spec.index}" visible="true"><selection select="1"/>{refs}'
                        "</assessmentSection>")
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<assessmentTest xmlns="{QTI}" xmlns:xsi="{XSI}" xsi:schemaLocation="{QTI} '
        f'http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd" identifier="{test_id}" '
        f"title={quoteattr(exam.title)}>",
        '<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float">'
        "<defaultValue><value>0</value></defaultValue></outcomeDeclaration>",
        '<testPart identifier="part-1" navigationMode="nonlinear" submissionMode="individual">',
        *sections,
        "</testPart>",
        '<outcomeProcessing><setOutcomeValue identifier="SCORE"><sum><testVariables variableIdentifier="SCORE"/>'
        "</sum></setOutcomeValue></outcomeProcessing>",
        "</assessmentTest>",
    ]) + "\n"


def _manifest(exam: ExamSpec, test_id: str, items: list[tuple[int, str, str, list[int]]], names: list[str]) -> str:
    resources = [f'<resource identifier="{test_id}-resource" type="imsqti_test_xmlv2p1" href="tests/{test_id}.xml">'
                 f'<file href="tests/{test_id}.xml"/>'
                 + "".join(f'<dependency identifierref="{ident}-resource"/>' for _, ident, _, _ in items)
                 + "</resource>"]
    for _, ident, _, shown in items:
        resources.append(f'<resource identifier="{ident}-resource" type="imsqti_item_xmlv2p1" href="items/{ident}.xml">'
                         f'<file href="items/{ident}.xml"/>'
                         + "".join(f'<file href="items/{names[i]}"/>' for i in shown) + "</resource>")
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<manifest xmlns="{CP}" xmlns:xsi="{XSI}" identifier="{identifier(exam.name + "-package")}" '
        f'xsi:schemaLocation="{CP} http://www.imsglobal.org/xsd/imscp_v1p1.xsd">',
        "<metadata><schema>QTIv2.1 Package</schema><schemaversion>1.0.0</schemaversion></metadata>",
        "<organizations/>",
        "<resources>", *resources, "</resources>",
        "</manifest>",
    ]) + "\n"
