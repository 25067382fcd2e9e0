"""The exam and the solutions as LaTeX, from the templates in ``templates/``.

Templates use ``derive``'s delimiters (``\\VAR{…}``, ``\\BLOCK{…}``), ``StrictUndefined``, and
receive user text already escaped. An instructor's own templates directory is searched first
and rendered in Jinja2's sandbox, so a template cannot reach Python objects' internals.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from gradsheet.derive.errors import SpecError
from gradsheet.derive.printing.layout import LINE_EM, width
from gradsheet.derive.printing.layout import rows as laid_out
from gradsheet.derive.printing.step import Step
from gradsheet.derive.printing.templating import environment, escape, options

from . import fonts, space
from .figure import Skeleton
from .roster import Student
from .spec import ExamSpec
from .language import ENGLISH, Language, places
from .text import latex
from .variants import StudentSheet


def templates(user_dir: Path | None = None) -> jinja2.Environment:
    """gradsheet's templates, or an instructor's folder searched first and sandboxed. Every
    template of that folder is compiled here, so a syntax error is one line before any
    variant is drawn (:func:`template_error`)."""
    if user_dir is None:
        return environment()
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(user_dir)), jinja2.PackageLoader("gradsheet.templates", ".")])
    env = SandboxedEnvironment(loader=loader, **options())
    env.filters["tex"] = escape
    for path in sorted(user_dir.rglob("*.j2")):
        name = path.relative_to(user_dir).as_posix()
        try:
            env.get_template(name)
        except UnicodeDecodeError as error:
            raise SpecError(f"--templates {name}", f"not UTF-8 text (byte {error.start})",
                            "save the template as UTF-8") from None
        except jinja2.TemplateError as error:
            raise template_error(error, user_dir) from None
    return env


def template_error(error: jinja2.TemplateError, user_dir: Path | None) -> SpecError:
    """A template's failure as one line: the template file and line, the cause, the fix.
    Jinja2 gives a syntax error its place; for an error while rendering (an undefined name,
    an attribute the sandbox refuses, an include of a template that does not exist) the
    place is the template's frame in the traceback, which Jinja2 rewrites to name it."""
    name, line = getattr(error, "name", None), getattr(error, "lineno", None)
    if not isinstance(error, jinja2.TemplateSyntaxError) or line is None:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(".j2")]
        if frames:
            name, line = frames[-1].filename, frames[-1].lineno
    if name and user_dir is not None and Path(name).is_relative_to(user_dir.resolve()):
        name = Path(name).relative_to(user_dir.resolve()).as_posix()
    elif name and Path(name).is_absolute():
        name = f"gradsheet's templates/{Path(name).name}"
    if isinstance(error, jinja2.TemplateNotFound):
        missing = ", ".join(getattr(error, "templates", None) or [error.name])
        cause = f"no template {missing} (an include, import or extends names a template neither folder has)"
    elif isinstance(error, SecurityError):
        cause = f"the sandbox refuses it: {error.message}"
    else:
        cause = error.message or type(error).__name__
    where = f"--templates {name}" + (f" line {line}" if line else "") if name else "--templates"
    return SpecError(where, cause, "correct the template; gradsheet's own one of the same name shows what it receives")


@dataclass(frozen=True)
class Header:
    title: str
    course: str
    date: str
    instructions: str
    total: int
    rounding: str  # how to round, from the spec's decimals: on every sheet, instructions or not


def rounding(decimals: int, language: Language = ENGLISH) -> str:
    if decimals == 0:
        return language.say("Round every result to a whole number (halves away from zero).")
    return language.say("Give a result with at most {places} exactly; round every other one to {places} "
                        "(halves away from zero).", places=places(decimals, language))


def typing(language: Language = ENGLISH, comma: bool = False) -> str:
    """How to type a number into an online quiz: what an LMS's number parser reads (Moodle and
    QTI engines read neither a fraction, 81/2 as 81, nor the sign −, which the sheets print)."""
    examples = "-0,25, 1,5e-3" if comma else "-0.25, 1.5e-3"
    return language.say("Type each number as a decimal with the keyboard's minus sign ({examples}); "
                        "fractions (3/4) and the sign − are not read.", examples=examples)


text = latex  # user text as LaTeX: escaped, right-to-left runs marked


def header(exam: ExamSpec) -> Header:
    return Header(text(exam.title), text(exam.course), text(exam.date), text(exam.instructions),
                  exam.total_points, rounding(exam.decimals, exam.language))


def user_text(exam: ExamSpec, students: Iterable[Student]) -> list[str]:
    """Everything a person typed that a document prints: the fonts it needs follow from it."""
    return [exam.title, exam.course, exam.date, exam.instructions, *(t for s in students for t in (s.id, s.name)),
            *(t for p in exam.problems if p.wording is not None for t in p.wording.typed)]


def skeletons_of(sheets: Iterable[StudentSheet]) -> list[Skeleton]:
    """The distinct network skeletons, in order of first use."""
    return list(dict.fromkeys(v.problem.figure.skeleton for s in sheets for v in s.variants
                              if v.problem.figure is not None))


def _skeletons(sheets: Iterable[StudentSheet]) -> dict[Skeleton, str]:
    return box_names(skeletons_of(sheets))


def box_names(skeletons: Iterable[Skeleton]) -> dict[Skeleton, str]:
    """A box name per skeleton, in the order given (names are letters: TeX macros)."""
    names: dict[Skeleton, str] = {}
    for skeleton in skeletons:
        n, name = len(names), ""
        while True:
            name = chr(ord("A") + n % 26) + name
            n = n // 26 - 1
            if n < 0:
                break
        names[skeleton] = "gsnet" + name
    return names


def _students(sheets: Iterable[StudentSheet]) -> Iterator[dict[str, Any]]:
    return ({"id": text(s.student.id), "name": text(s.student.name), "variants": s.variants} for s in sheets)


@dataclass(frozen=True)
class Row:
    r"""One row of a worked solution (``\gssteps``): ``lhs & rhs & ref``, rhs with its = sign."""

    lhs: str
    rhs: str
    ref: str = ""


# the reference column's text is \footnotesize (9 pt beside 11 pt): its width in the body's ems
_REF_SCALE = 9 / 11
_TABSKIP_EM = 1.0  # between the equation and its reference (\gssteps)


def _text_em(text: str) -> float:
    """Upright text's width in ems, as layout measures ``\text{…}``: about half an em a character."""
    return 0.5 * len(text)


def section_rows(steps: tuple[Step, ...]) -> list[Row]:
    """A section's steps as the rows of one ``\\gssteps`` alignment. Its three columns are as
    wide as their widest entry, so a row's room is the line less the widest left side and the
    widest reference of the whole section, not of the row alone."""
    leaves = [leaf for s in steps for leaf in (s, *s.detail)]
    lhs_em = max((width(s.lhs) for s in leaves), default=0.0)
    refs = [s.ref for s in leaves if s.ref]
    ref_em = max((_text_em(f"({r})") * _REF_SCALE for r in refs), default=0.0) + (_TABSKIP_EM if refs else 0.0)
    return [row for s in steps for row in step_rows(s, lhs_em, ref_em)]


def step_rows(step: Step, lhs_em: float = 0.0, ref_em: float = 0.0) -> list[Row]:
    """A step laid out to fit the page as derive's LaTeX derivation does it (nothing scaled,
    nothing past the margin): on one row if it fits, else broken at its = and + signs, else
    entry by entry (the step's detail), else one part per row. ``lhs_em`` and ``ref_em`` are
    the widths its alignment reserves for the left sides and the references."""
    parts = step.parts()[1:]
    line = LINE_EM - ref_em - max(lhs_em - width(step.lhs), 0.0)
    laid = laid_out(step.lhs, parts, "", line)
    if laid is None and step.detail:
        return [row for s in step.detail for row in step_rows(s, lhs_em, ref_em)]
    if laid is None:
        laid = [f"{step.lhs} &= {parts[0]}"] + [f"&= {part}" for part in parts[1:]]
    out = []
    for text in laid:
        lhs, rhs = text.split("&", 1)
        out.append(Row(lhs.strip(), rhs.strip() if rhs.strip().startswith("=") else rf"\quad {rhs.strip()}"))
    return out[:-1] + [Row(out[-1].lhs, out[-1].rhs, step.ref)]


_KEY_LINE_EM = LINE_EM * 11 / 10  # the key is set \small: 10 pt ems on an 11 pt line
_KEY_TOLERANCE_EM = 1.6 / 2.54 * 72.27 / 10  # its tolerance column, \hbox to 1.6 cm
_KEY_SKIPS_EM = 2.3  # the tabskips around an entry's three cells


# a key of up to this many rows (1.9 lines each, \small: 12 cm) is kept on one page; a
# longer one may break between rows, but not after its first row or before its last
KEY_TOGETHER = 16


def key_per_row(answers: tuple[Any, ...]) -> int:
    """How many key entries (symbol, value, tolerance) a row of the key holds: three where the
    widest symbol and value allow, fewer where they are long (autodiff's ẏ (seed ẋ₁ = 1))."""
    entry = (max((width(a.label) for a in answers), default=0.0) + max((width(a.shown) for a in answers), default=0.0)
             + _KEY_TOLERANCE_EM + _KEY_SKIPS_EM)
    return next((k for k in (3, 2) if k * entry <= _KEY_LINE_EM), 1)


def statements(env: jinja2.Environment, sheets: tuple[StudentSheet, ...], language: Language = ENGLISH) -> Any:
    """A function from a problem to its statement as the exam prints it (LaTeX)."""
    names = _skeletons(sheets)
    template = env.from_string('\\BLOCK{from "figure.tex.j2" import network}'
                               '\\BLOCK{include "statement.tex.j2"}')
    return lambda problem: template.render(p=problem, skeleton_names=names, say=language.say)


def skeleton_list(sheets: tuple[StudentSheet, ...]) -> list[tuple[str, Any]]:
    return [(name, sk) for sk, name in _skeletons(sheets).items()]


def render(document: str, exam: ExamSpec, sheets: tuple[StudentSheet, ...], env: jinja2.Environment) -> str:
    """``document`` is ``exam`` or ``solutions``."""
    return "".join(stream(document, exam, sheets, tuple(s.student for s in sheets), skeletons_of(sheets), env))


def stream(document: str, exam: ExamSpec, sheets: Iterable[StudentSheet], roster: tuple[Student, ...],
           skeletons: list[Skeleton], env: jinja2.Environment) -> Iterator[str]:
    """``document`` as it is rendered, piece by piece: the preamble before any sheet is asked
    for, each student's pages as ``sheets`` delivers them (the sheets may still be drawn).
    ``skeletons`` are the figures' boxes the preamble defines, in order of first use."""
    names = box_names(skeletons)
    typed = user_text(exam, roster)
    return env.get_template(f"{document}.tex.j2").generate(
        exam=header(exam), problems=exam.problems, students=_students(sheets),
        skeletons=[(name, sk) for sk, name in names.items()], skeleton_names=names, rows=section_rows,
        key_per_row=key_per_row, key_together=KEY_TOGETHER,
        lualatex=fonts.needs_unicode(typed), fallbacks=fonts.fallbacks(typed),
        writing_space=any((p.answer_space or exam.answer_space) != "none" for p in exam.problems),
        room=lambda v, q: space.room(space.setting(exam, v), v.problem, q),
        say=exam.language.say, say_ref=exam.language.ref, babel=exam.language.babel if exam.language.code != "en" else "",
        # the key's values and tolerances as the sheets write numbers (0{,}25 with decimal_comma)
        decimal=(lambda text: str(text).replace(".", "{,}")) if exam.decimal_comma else str,
    )
