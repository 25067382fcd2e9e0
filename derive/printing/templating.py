"""The Jinja2 environment for LaTeX templates in ``templates/``.

Delimiters that do not collide with TeX's braces: ``\\VAR{…}`` for values, ``\\BLOCK{…}`` for
statements, ``\\#{…}`` for comments. Undefined names are errors, never empty output.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "%": r"\%", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    # without T1 fonts, text mode prints < > | as other glyphs (¡ ¿ —)
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
    # the notation's symbols in running text
    "δ": r"$\delta$", "σ": r"$\sigma$", "α": r"$\alpha$", "η": r"$\eta$", "λ": r"$\lambda$",
    "∂": r"$\partial$", "−": "-", "≈": r"$\approx$", "⊙": r"$\odot$", "ᵀ": r"$^{T}$", "Σ": r"$\Sigma$",
    "ŷ": r"$\hat{y}$", "²": r"$^{2}$", "≥": r"$\geq$", "≤": r"$\leq$", "·": r"$\cdot$",
    # subscript digits in generated titles ("tangents ∂v/∂x₁")
    **{chr(0x2080 + d): rf"$_{{{d}}}$" for d in range(10)},
}


# What pdflatex prints with the templates' fonts (T1, lmodern, utf8 inputenc): measured by
# compiling every character of U+0020–U+21FF once (the others stop the run with "Unicode
# character … not set up for use with LaTeX"). Latin scripts of Western, Central and Northern
# Europe; not Greek or Cyrillic letters in text, not Vietnamese. Text beyond it compiles with
# LuaLaTeX and fallback fonts (generate/fonts.py).
_TEXT_RANGES = (
    (0x20, 0x7E), (0xA0, 0x125), (0x128, 0x137), (0x139, 0x13E), (0x141, 0x148), (0x14A, 0x165), (0x168, 0x17E),
    (0x192, 0x192), (0x1C4, 0x1D4), (0x1E2, 0x1E3), (0x1E6, 0x1EB), (0x1F0, 0x1F0), (0x1F4, 0x1F5),
    (0x218, 0x21B), (0x232, 0x233), (0x237, 0x237), (0x2010, 0x2016), (0x2018, 0x201A), (0x201C, 0x201E),
    (0x2020, 0x2022), (0x2026, 0x2026), (0x2030, 0x2031), (0x2039, 0x203A), (0x20AC, 0x20AC), (0x2122, 0x2122),
)
PRINTABLE = frozenset(chr(c) for a, b in _TEXT_RANGES for c in range(a, b + 1)) | frozenset(_LATEX_SPECIALS)


def escape(text: str) -> str:
    """User text as LaTeX that prints it literally (``\\input{x}`` stays ``\\input{x}`` on paper)."""
    return "".join(_LATEX_SPECIALS.get(c, c) for c in str(text))


def options() -> dict:
    """The delimiters and strictness every gradsheet template environment uses."""
    return dict(
        block_start_string=r"\BLOCK{", block_end_string="}",
        variable_start_string=r"\VAR{", variable_end_string="}",
        comment_start_string=r"\#{", comment_end_string="}",
        line_statement_prefix="%%", line_comment_prefix="%#",
        trim_blocks=True, lstrip_blocks=True, autoescape=False,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
    )


@lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("gradsheet.templates", "."), **options())
    env.filters["tex"] = escape
    return env


def english(message: str, /, **fields: Any) -> str:
    """derive's own wording, its fields filled in: what a caller's ``say`` (generate's
    catalogs) replaces where the reader's language is another."""
    return message.format(**fields)
