"""Text in any script on a sheet: which installed fonts print it, and which engine compiles it.

pdflatex with T1 Latin Modern prints Western, Central and Northern European Latin
(``derive.printing.templating.PRINTABLE``): the sheets compile with it whenever their user text stays
in that set, as they always did. A title, id or name with any other character (Nguyễn, Ω, 李,
Иванов, محمد, 😀) makes that document compile with LuaLaTeX instead, Latin Modern again as
the main font, with a *fallback chain* of the installed fonts that cover the characters used:
luaotfload takes each glyph Latin Modern lacks from the first font in the chain that has it,
and HarfBuzz shapes it (Arabic joins, Devanagari reorders). The chain holds only the fonts
this document needs, chosen in a fixed preference order, so the same text gives the same PDF.

Which font covers what comes from fontconfig (``fc-list``, one call, about 30 ms), read when
the text is read: a character no installed font has is an error naming the roster line, not
an empty box on paper. Debian's fonts-noto-core, fonts-noto-cjk and fonts-symbola cover
every living script and monochrome emoji.

Right-to-left runs (Hebrew, Arabic) are set with ``\\textdir TRT`` inside the left-to-right
line: a name reads as written, its first letter at the right.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from gradsheet.derive.printing.templating import PRINTABLE

INSTALL = "apt-get install texlive-luatex fonts-noto-core fonts-noto-cjk fonts-symbola fontconfig"

# OpenType script tags for the fonts whose script HarfBuzz must be told: without them Arabic
# letters stay unjoined and Indic vowel signs unordered
_SCRIPT_TAGS = {
    "Arabic": "arab", "Hebrew": "hebr", "Syriac": "syrc", "Thaana": "thaa", "NKo": "nko ",
    "Devanagari": "dev2", "Bengali": "bng2", "Gurmukhi": "gur2", "Gujarati": "gjr2", "Oriya": "ory2",
    "Tamil": "tml2", "Telugu": "tel2", "Kannada": "knd2", "Malayalam": "mlm2", "Sinhala": "sinh",
    "Thai": "thai", "Lao": "lao ", "Khmer": "khmr", "Myanmar": "mym2", "Tibetan": "tibt",
    "Mongolian": "mong", "Javanese": "java", "Balinese": "bali",
}


@dataclass(frozen=True)
class Font:
    family: str
    ranges: tuple[tuple[int, int], ...]  # the code points it has glyphs for, as sorted closed ranges

    def covers(self, code: int) -> bool:
        lo, hi = 0, len(self.ranges)
        while lo < hi:  # bisect on the ranges' starts
            mid = (lo + hi) // 2
            if self.ranges[mid][1] < code:
                lo = mid + 1
            else:
                hi = mid
        return lo < len(self.ranges) and self.ranges[lo][0] <= code

    @property
    def spec(self) -> str:
        """The font as luaotfload's fallback list names it, shaped by HarfBuzz."""
        script = next((tag for name, tag in _SCRIPT_TAGS.items() if self.family.endswith(" " + name)), "")
        return f"{self.family}:mode=harf;" + (f"script={script.strip()};" if script else "")


def _rank(family: str) -> tuple[int, str]:
    """Preference: a serif for Latin, Greek, Cyrillic and Vietnamese beside Latin Modern; then each
    script's own Noto font; CJK in its simplified-Chinese cut; Symbola for emoji and symbols;
    then anything else installed. Names break ties, so the choice never depends on file order."""
    if family == "Noto Serif":
        return 0, family
    if family.startswith("Noto Sans CJK SC"):
        return 2, family
    if family.startswith("Noto Sans") and "CJK" not in family and "Mono" not in family and "Symbols" not in family:
        return 1, family
    if family == "Symbola":
        return 3, family
    if family.startswith("Noto Sans Symbols"):
        return 4, family
    return 5, family


def _ranges(charset: str) -> tuple[tuple[int, int], ...]:
    out = []
    for part in charset.split():
        lo, _, hi = part.partition("-")
        out.append((int(lo, 16), int(hi or lo, 16)))
    return tuple(sorted(out))


@lru_cache(maxsize=1)
def installed() -> tuple[Font, ...]:
    """Every regular-weight outline font fontconfig knows, in preference order (empty without fontconfig)."""
    if shutil.which("fc-list") is None:
        return ()
    try:
        listing = subprocess.run(["fc-list", "--format", r"%{family[0]}\t%{style[0]}\t%{fontformat}\t%{charset}\n"],
                                 capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    fonts: dict[str, Font] = {}
    for line in listing.splitlines():
        family, style, form, charset = (line.split("\t") + ["", "", "", ""])[:4]
        if style in ("Regular", "Book") and form in ("TrueType", "CFF") and family and family not in fonts:
            fonts[family] = Font(family, _ranges(charset))
    return tuple(sorted(fonts.values(), key=lambda f: _rank(f.family)))


@lru_cache(maxsize=4096)
def font_for(char: str) -> Font | None:
    """The first font in preference order with a glyph for ``char``."""
    code = ord(char)
    return next((f for f in installed() if f.covers(code)), None)


# characters that print nothing or change what the text around them means: controls,
# surrogates, private use, unassigned code points, and the bidi embeddings and overrides
# (U+202E can make "nuJ" read as "Jun" on paper)
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn"})
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# joiners and marks that only shape their neighbours: printable with them, need no glyph
_SHAPING = frozenset("\u200c\u200d\u200e\u200f\ufe0e\ufe0f")


def problem(char: str) -> str | None:
    """Why ``char`` cannot be on a sheet (None: it can)."""
    if char in PRINTABLE or char in _SHAPING:
        return None
    if unicodedata.category(char) in _FORBIDDEN_CATEGORIES or char in _BIDI_CONTROLS:
        return "is a control or unassigned character, which prints nothing"
    if font_for(char) is None:
        return "has no glyph in any installed font" if installed() else \
            "needs fonts beyond Latin Modern, and fontconfig lists none"
    return None


def needs_unicode(texts: Iterable[str]) -> bool:
    """Whether text outside pdflatex's Latin (``PRINTABLE``) is in the document."""
    return any(c not in PRINTABLE for t in texts for c in t)


def fallbacks(texts: Iterable[str]) -> tuple[str, ...]:
    """The luaotfload specs of the fonts the characters outside Latin Modern's need, in preference order."""
    chosen = {f for t in texts for c in set(t) if c not in PRINTABLE and (f := font_for(c)) is not None}
    return tuple(f.spec for f in sorted(chosen, key=lambda f: _rank(f.family)))


@lru_cache(maxsize=1)
def _run() -> re.Pattern[str]:
    """A right-to-left run: strong RTL letters with the spaces, marks and digits between them.
    Made on first use (10 ms: it asks Unicode's data about 10,000 characters), which only a
    class with names in a right-to-left script needs."""
    rtl = "".join(chr(c) for c in (*range(0x590, 0x1000), *range(0xFB1D, 0xFDFF), *range(0xFE70, 0xFEFF),
                                   *range(0x10800, 0x10FFF), *range(0x1E800, 0x1EFFF))
                  if unicodedata.bidirectional(chr(c)) in ("R", "AL"))
    strong = f"[{re.escape(rtl)}]"
    return re.compile(rf"{strong}(?:[{re.escape(rtl)}\s\u0300-\u036f\u064b-\u065f\u0670\u05b0-\u05c7]*{strong})?")


def directed(tex: str) -> str:
    r"""Right-to-left runs of escaped text wrapped in ``{\textdir TRT …}`` (LuaTeX only: such
    text always compiles with LuaLaTeX)."""
    if all(c < "\u0590" for c in tex):  # no right-to-left letter: every such script starts there
        return tex
    return _run().sub(lambda m: r"{\textdir TRT " + m[0] + "}", tex)
