"""User text that reaches a sheet (titles, instructions, roster names): checked when it is
read, so a character the fonts cannot print is an error naming the field or roster line,
not a LaTeX error naming a line of ``exam.tex`` after minutes of drawing."""

from __future__ import annotations

import unicodedata

from derive.errors import SpecError
from derive.templating import unprintable


def checked(text: str, field: str, limit: int) -> str:
    """``text`` in composed form (é, not e + ´), at most ``limit`` characters, every one printable."""
    text = unicodedata.normalize("NFC", text)
    if len(text) > limit:
        raise SpecError(field, f"{len(text):,} characters", f"shorten it to at most {limit:,}")
    bad = unprintable(text)
    if bad is not None:
        name = unicodedata.name(bad, "a control character")
        raise SpecError(field, f"the character {bad!r} (U+{ord(bad):04X}, {name}) has no glyph in the sheets' fonts",
                        "write it in Latin letters (the fonts cover Western, Central and Northern European ones)")
    return text
