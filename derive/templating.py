"""The Jinja2 environment for LaTeX templates in ``templates/``.

Delimiters that do not collide with TeX's braces: ``\\VAR{…}`` for values, ``\\BLOCK{…}`` for
statements, ``\\#{…}`` for comments. Undefined names are errors, never empty output.
"""

from __future__ import annotations

from functools import lru_cache

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
}


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
    env = jinja2.Environment(loader=jinja2.PackageLoader("templates", "."), **options())
    env.filters["tex"] = escape
    return env
