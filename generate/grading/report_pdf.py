"""The class report as LaTeX (``templates/report.tex.j2``) and PDF, through the sheets' pipeline.

Every size a bar is drawn with is computed here, from :class:`~generate.class_report.ClassReport`;
every text a person typed (title, ids, names) is escaped. Diagnoses name δ, σ, ŷ: text beyond
Latin, so the report compiles with LuaLaTeX and the fallback fonts (:mod:`generate.fonts`).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from gradsheet.derive.printing.templating import environment, escape

from .. import fonts, language, pdf
from .class_report import VERDICTS, ClassReport, percent, points

HISTOGRAM_HEIGHT = 4.0  # cm, the tallest bar
BAR_WIDTH = 0.85  # cm
PART_BAR = 4.0  # cm, a part's stacked bar
COLORS = {"correct": "gscorrect", "carried": "gscarried", "wrong": "gswrong", "missing": "gsmissing"}


@dataclass(frozen=True)
class Bar:
    x: float
    height: float
    count: int
    label: str
    right: float
    centre: float


@dataclass(frozen=True)
class Histogram:
    bars: tuple[Bar, ...]
    width: float

    @property
    def right(self) -> float:
        return round(len(self.bars) * self.width, 3)

    @property
    def middle(self) -> float:
        return round(len(self.bars) * self.width / 2, 3)


@dataclass(frozen=True)
class Segment:
    x: float
    right: float
    color: str


def histogram(bins: tuple[int, ...]) -> Histogram:
    tallest = max(bins) or 1
    step = 100 // len(bins)
    return Histogram(tuple(Bar(round(i * BAR_WIDTH, 3), round(HISTOGRAM_HEIGHT * n / tallest, 3), n, f"{i * step}",
                               round((i + 1) * BAR_WIDTH, 3), round((i + 0.5) * BAR_WIDTH, 3))
                           for i, n in enumerate(bins)), BAR_WIDTH)


def segments(counts: tuple[int, ...]) -> tuple[Segment, ...]:
    """A part's stacked bar: correct, carried, wrong, missing, each as wide as its share."""
    total = sum(counts) or 1
    out, x = [], 0.0
    for verdict, n in zip(VERDICTS, counts):
        if n:
            width = round(PART_BAR * n / total, 3)
            out.append(Segment(round(x, 3), round(x + width, 3), COLORS[verdict]))
            x += width
    return tuple(out)


_SUPER = re.compile(r"\\textasciicircum\{\}\(([A-Za-z0-9]+)\)")
_SUB = re.compile(r"\\_([A-Za-z0-9]+)")


# a letter with a combining accent the notation uses (C̃ the regularized cost, v̄ an adjoint,
# v̇ a tangent): no precomposed character exists, and pdflatex's text fonts cannot stack one
_ACCENTED = re.compile("([A-Za-z])([\u0303\u0304\u0307])")
_MATH_ACCENTS = {"\u0303": r"\tilde", "\u0304": r"\bar", "\u0307": r"\dot"}


def prose(text: str) -> str:
    """A diagnosis as LaTeX text: escaped, with δ^(l)_j's layer raised and its index lowered,
    and an accented letter of the notation (C̃) in math."""
    pieces = _ACCENTED.split(text)  # text, letter, accent, text, …
    escaped = "".join(escape(piece) if i % 3 == 0 else
                      (f"${_MATH_ACCENTS[pieces[i + 1]]}{{{piece}}}$" if i % 3 == 1 else "")
                      for i, piece in enumerate(pieces))
    return _SUB.sub(r"\\textsubscript{\1}", _SUPER.sub(r"\\textsuperscript{(\1)}", escaped))


def plain_notation(text: str) -> str:
    """The text as :func:`prose` needs fonts for it: an accented letter of the notation is math."""
    return _ACCENTED.sub(r"\1", text)


def tex(r: ClassReport) -> str:
    d = r.distribution
    words = language.get(r.language)  # the key's language: a German exam's report is German

    def share(value: Fraction) -> str:
        return percent(value / d.maximum) if d.maximum else "0"

    figures = [{"name": words.say(name), "points": points(v), "percent": share(v)}
               for name, v in (("Mean", d.mean), ("Median", d.median), ("Lowest", d.lowest), ("Highest", d.highest))]
    figures.append({"name": words.say("Standard deviation"), "points": f"{d.stdev:.2f}", "percent": ""})
    mistakes = [{"mistake": prose(words.translated(m.mistake)), "example": prose(words.translated(m.example)),
                 "problems": ", ".join(map(str, m.problems)), "students": m.students, "answers": m.answers}
                for m in r.mistakes]
    attention = [{"student": fonts.directed(escape(a.student)), "name": fonts.directed(escape(a.name)),
                  "points": f"{points(a.total)} / {points(a.maximum)}",
                  "reasons": escape("; ".join(words.translated(reason) for reason in a.reasons))}
                 for a in r.attention]
    parts = [{"problem": p.problem, "part": p.part, "asked": p.asked, "segments": segments(p.counts),
              "percent": [percent(p.share(v)) for v in VERDICTS]} for p in r.parts]
    typed = [r.title, r.exam, *(a.student for a in r.attention), *(a.name for a in r.attention),
             *(plain_notation(m.mistake) for m in r.mistakes), *(plain_notation(m.example) for m in r.mistakes)]
    return environment().get_template("report.tex.j2").render(
        r=r, d=d, title=fonts.directed(escape(r.title)), exam=escape(r.exam), maximum=points(d.maximum),
        histogram=histogram(d.bins), figures=figures, parts=parts, mistakes=mistakes, attention=attention,
        points=points, lualatex=fonts.needs_unicode(typed), fallbacks=fonts.fallbacks(typed),
        say=words.say, babel=words.babel if words.code != "en" else "")


def compile_pdf(source: str, timeout: int) -> bytes:
    """The report's PDF, compiled in a folder of its own that is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="gradsheet-report-") as folder:
        path = Path(folder) / "report.tex"
        path.write_text(source, encoding="utf-8")
        return pdf.compile_all([path], timeout)[0].read_bytes()
