"""User text that reaches a sheet (titles, instructions, roster names): checked when it is
read, so a character no font prints is an error naming the field or roster line, not a
LaTeX error naming a line of ``exam.tex`` after minutes of drawing. Any script prints
(``generate/fonts.py``); controls and unassigned code points do not."""

from __future__ import annotations

import unicodedata

from gradsheet.derive.errors import SpecError

from gradsheet.derive.printing.templating import escape

from . import fonts


def latex(value: str) -> str:
    """User text as LaTeX: escaped, right-to-left runs marked (generate/fonts.py)."""
    return fonts.directed(escape(value))


def checked(text: str, field: str, limit: int) -> str:
    """``text`` in composed form (é, not e + ´), at most ``limit`` characters, every one printable."""
    text = unicodedata.normalize("NFC", text)
    if len(text) > limit:
        raise SpecError(field, f"{len(text):,} characters", f"shorten it to at most {limit:,}")
    for char in dict.fromkeys(text):
        why = fonts.problem(char)
        if why is not None:
            name = unicodedata.name(char, "no name")
            fix = ("remove it" if "control" in why
                   else f"install fonts that have it (Debian: {fonts.INSTALL}), or write it in another script")
            raise SpecError(field, f"the character {char!r} (U+{ord(char):04X}, {name}) {why}", fix)
    return text
