"""The LaTeX the templates and kinds write, as HTML an LMS shows with MathJax.

Mathematics stays TeX: ``$…$`` becomes ``\\(…\\)`` and ``\\[…\\]`` a display; MathJax typesets
both in Moodle (its MathJax filter) and in QTI players that load it. Text-mode LaTeX is the
small set the templates use (bold, italics, typewriter, ``\\%``, ``~``, dashes, spaces); a
command outside that set is an error, never a stray backslash on a student's screen.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from gradsheet.derive.printing.step import Section, Step, tag_tex

from ..language import ENGLISH, Language

FIGURE = "\x00figure{}\x00"  # where a figure goes, by its number; replaced by an <img>

# an escaped dollar (\$, user text) is a dollar, not math
_MATH = re.compile(r"\\\[(?P<display>.*?)\\\]|(?<!\\)\$(?P<inline>[^$]+?)(?<!\\)\$", re.S)
_COMMANDS = [
    (re.compile(r"\\textbf\{([^{}]*)\}"), r"<strong>\1</strong>"),
    (re.compile(r"\\(?:textit|emph)\{([^{}]*)\}"), r"<em>\1</em>"),
    (re.compile(r"\\texttt\{([^{}]*)\}"), r"<code>\1</code>"),
]
# first: what derive.printing.templating.escape writes for user text (\input{x} as typed), as entities
# the check for text-mode LaTeX left over does not read as commands or braces
_SIMPLE = {r"\textbackslash{}": "&#92;", r"\{": "&#123;", r"\}": "&#125;", r"\textasciitilde{}": "&#126;",
           r"\textasciicircum{}": "^", r"\textless{}": "&lt;", r"\textgreater{}": "&gt;", r"\textbar{}": "|",
           r"\%": "%", r"\&": "&amp;", r"\_": "_", r"\#": "#", r"\$": "&#36;", r"\,": "\u2009", r"\ ": " ",
           r"\quad": "\u2003", r"\qquad": "\u2003\u2003", r"\textperiodcentered": "·", r"\\": "<br/>",
           "---": "—", "--": "–", "~": "\u00a0", "``": "“", "''": "”"}


class LatexLeft(ValueError):
    """Text-mode LaTeX this converter does not know: it would show as code."""


def _text(tex: str) -> str:
    out = html.escape(tex, quote=False)
    for pattern, replacement in _COMMANDS:
        out = pattern.sub(replacement, out)
    for latex, text in _SIMPLE.items():
        out = out.replace(html.escape(latex, quote=False), text)
    out = re.sub(r"\\par\b\s*", "</p><p>", out)
    left = re.search(r"\\[A-Za-z]+|[{}]", out)
    if left:
        raise LatexLeft(f"text-mode LaTeX {left.group(0)!r} in {tex[:80]!r}")
    return out


def _math(tex: str) -> str:
    return html.escape(" ".join(tex.split()), quote=False)


def fragment(tex: str) -> str:
    """A LaTeX fragment (text with math) as HTML: paragraphs at blank lines."""
    parts, pos = [], 0
    for m in _MATH.finditer(tex):
        parts.append(_text(tex[pos:m.start()]))
        if m.group("display") is not None:
            parts.append(f"</p><div class=\"gs-display\">\\[{_math(m.group('display'))}\\]</div><p>")
        else:
            parts.append(f"\\({_math(m.group('inline'))}\\)")
        pos = m.end()
    parts.append(_text(tex[pos:]))
    body = "".join(parts)
    body = "</p><p>".join(p.strip() for p in re.split(r"\n\s*\n", body))
    body = f"<p>{' '.join(body.split(chr(10)))}</p>"
    return re.sub(r"<p>\s*</p>", "", body)


def _step(step: Step, language: Language = ENGLISH) -> str:
    """One worked step as an aligned display: lhs = rule = substituted (= intermediate) = result,
    then its entries one by one where it has them."""
    parts = [p for p in (step.rule, step.substituted, step.intermediate, step.result) if p]
    rows = [f"{step.lhs} &= {parts[0]}"] + [f"&= {p}" for p in parts[1:]] if parts else [step.lhs]
    body = _math(" \\\\ ".join(rows))
    out = f"<div class=\"gs-display\">\\[\\begin{{aligned}}{body}\\end{{aligned}}{_math(tag_tex(language.ref(step.ref)))}\\]</div>"
    return out + "".join(_step(d, language) for d in step.detail)


@dataclass
class Figures:
    """The figures met while converting, by number (their LaTeX, compiled later)."""

    latex: list[str] = field(default_factory=list)

    def add(self, tex: str) -> str:
        self.latex.append(tex)
        return FIGURE.format(len(self.latex) - 1)


# a computation graph as derive.formats.graph_latex.figure_tex centres it: scaled to the line,
# its legend below
_CENTRED_GRAPH = re.compile(r"\\begin\{center\}\s*\\resizebox\{.*?\}\{!\}\{%\s*"
                            r"(?P<picture>\\begin\{tikzpicture\}.*?\\end\{tikzpicture\})\s*\}"
                            r"(?:\\\\\[2pt\]\s*\{\\footnotesize (?P<legend>.*?)\})?\s*\\end\{center\}", re.S)


def solution(sections: tuple[Section, ...], figures: Figures, language: Language = ENGLISH) -> str:
    """The worked solution: each section's title, its steps, its text; a TikZ figure in a
    section's text (autodiff's computation graph) becomes an image."""
    out = []
    for section in sections:
        out.append(f"<h4>{html.escape(language.say(section.title))}</h4>")
        out += [_step(s, language) for s in section.steps]
        if section.text:
            text = _CENTRED_GRAPH.sub(lambda m: figures.add(m.group("picture")) + "\n\n" + (m.group("legend") or ""),
                                      section.text)
            out.append(_with_figures(text))
    return "\n".join(out)


def _with_figures(tex: str) -> str:
    """A fragment whose figures were already replaced by their markers."""
    pieces = re.split(r"(\x00figure\d+\x00)", tex)
    return "".join(p if p.startswith("\x00") else fragment(p) for p in pieces if p.strip())


def statement(tex: str, figures: Figures) -> str:
    """A problem's statement; its network figure (a picture in a center) becomes an image."""
    picture = re.compile(r"\\begin\{center\}\s*\\setlength\{\\unitlength\}.*?\\end\{picture\}\}?\s*\\end\{center\}", re.S)
    return _with_figures(picture.sub(lambda m: figures.add(m.group(0)), tex))


def images(body: str, names: list[str]) -> str:
    """The figure markers as <img> of the files named ``names`` (the LMS's own path prefix in)."""
    return re.sub(r"\x00figure(\d+)\x00",
                  lambda m: f"<p class=\"gs-figure\"><img src=\"{names[int(m.group(1))]}\" alt=\"figure\"/></p>", body)
