"""Display math that fits the page: an estimate of a formula's width, and rows broken to fit.

TeX does not break display math, and shrinking a formula to the line width makes it
unreadable. So every row is measured before it is written, with an estimate in ems that
errs on the wide side, and a row too wide for the line is broken where a reader expects:

1. at its relations: ``lhs = rule = numbers = result`` becomes one ``= …`` per line;
2. inside a part, at its additions and subtractions (also inside ``\\left( … \\right)``,
   closed with ``\\right.`` and reopened with ``\\left.`` on the next line).

What cannot be broken (a matrix wider than the line) is reported as not fitting, so that
the caller writes the equation entry by entry instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .printers import GLOSSED
from .step import tag_tex as tagged

# a4paper with 2 cm margins at 11 pt: 170 mm = 44 em. The estimate runs 0–35 % wide
# (measured against TeX on the lecture examples), never more than 1 % narrow.
LINE_EM = 44.0
TAG_EM = 6.0  # "(Eq. 3.23)" and the space before it

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[{}_^&]|\s+|.", re.S)
_WIDE_COMMANDS = {
    r"\cdot": 0.8, r"\times": 1.0, r"\approx": 1.4, r"\le": 1.4, r"\ge": 1.4, r"\ne": 1.4,
    r"\to": 1.6, r"\quad": 1.0, r"\qquad": 2.0, r"\,": 0.17, r"\;": 0.28, r"\:": 0.22, r"\ ": 0.33,
    r"\!": -0.17, r"\sum": 1.5, r"\prod": 1.5, r"\partial": 0.6, r"\odot": 1.0, r"\ldots": 1.3,
    r"\dots": 1.3, r"\cdots": 1.3, r"\infty": 1.0, r"\in": 1.2, r"\mid": 0.8, r"\top": 0.8, r"\Box": 1.0,
}
_TEXT_COMMANDS = {r"\text", r"\mathrm", r"\textbf", r"\operatorname", r"\texttt"}
_ACCENTS = {r"\hat", r"\bar", r"\tilde", r"\vec", r"\mathbf", r"\boldsymbol", r"\mathit", r"\mathcal"}
_NAMED = {r"\log", r"\ln", r"\exp", r"\tanh", r"\sin", r"\cos", r"\max", r"\min"}


def _tokens(tex: str) -> list[str]:
    return _TOKEN.findall(tex)


def _group(tokens: list[str], i: int) -> tuple[list[str], int]:
    """The argument starting at ``tokens[i]``: a braced group or a single token."""
    while i < len(tokens) and tokens[i].isspace():
        i += 1
    if i >= len(tokens):
        return [], i
    if tokens[i] != "{":
        return [tokens[i]], i + 1
    depth, j = 0, i
    while j < len(tokens):
        if tokens[j] == "{":
            depth += 1
        elif tokens[j] == "}":
            depth -= 1
            if depth == 0:
                return tokens[i + 1:j], j + 1
        j += 1
    return tokens[i + 1:], len(tokens)


def _environment(tokens: list[str], i: int) -> tuple[list[str], int]:
    """The body of ``\\begin{…}`` starting after its name, up to the matching ``\\end``."""
    depth, j = 1, i
    while j < len(tokens):
        if tokens[j] == r"\begin":
            depth += 1
        elif tokens[j] == r"\end":
            depth -= 1
            if depth == 0:
                _, after = _group(tokens, j + 1)
                return tokens[i:j], after
        j += 1
    return tokens[i:], len(tokens)


def _matrix(body: list[str]) -> float:
    rows: list[list[list[str]]] = [[[]]]
    depth = 0
    for t in body:
        if t == "{":
            depth += 1
        elif t == "}":
            depth -= 1
        if depth == 0 and t == r"\\":
            rows.append([[]])
        elif depth == 0 and t == "&":
            rows[-1].append([])
        else:
            rows[-1][-1].append(t)
    columns = max(len(r) for r in rows)
    widths = [max((_width(r[c]) for r in rows if c < len(r)), default=0.0) for c in range(columns)]
    return sum(widths) + 1.1 * (columns - 1) + 1.3  # column gaps and the parentheses


_GROUPS = {"_", "^", r"\frac", r"\dfrac", r"\tfrac", r"\begin", r"\left", r"\right", r"\big", r"\Big", r"\bigg",
           r"\Bigg"} | _TEXT_COMMANDS | _ACCENTS
_LEAVES: dict[str, float] = {}  # a token that takes no argument is as wide wherever it stands


def _width(tokens: list[str]) -> float:
    total, i, n = 0.0, 0, len(tokens)
    while i < n:
        t = tokens[i]
        i += 1
        leaf = _LEAVES.get(t)
        if leaf is not None:
            total += leaf
        elif t not in _GROUPS:
            total += _LEAVES.setdefault(t, _leaf(t))
        elif t in ("_", "^"):
            arg, i = _group(tokens, i)
            total += 0.75 * _width(arg)
        elif t in (r"\frac", r"\dfrac", r"\tfrac"):
            num, i = _group(tokens, i)
            den, i = _group(tokens, i)
            total += max(_width(num), _width(den)) + 0.4
        elif t == r"\begin":
            _, i = _group(tokens, i)
            body, i = _environment(tokens, i)
            total += _matrix(body)
        elif t in (r"\left", r"\right", r"\big", r"\Big", r"\bigg", r"\Bigg"):
            delim, i = _group(tokens, i)
            total += 0.0 if delim == ["."] else 0.5
        elif t in _TEXT_COMMANDS:
            arg, i = _group(tokens, i)
            total += 0.55 * sum(len(a) for a in arg if not a.startswith("\\")) + _width([a for a in arg if a.startswith("\\")])
        else:  # an accent
            arg, i = _group(tokens, i)
            total += _width(arg) * (1.15 if t in (r"\mathbf", r"\boldsymbol") else 1.0)
    return total


def _leaf(t: str) -> float:
    if t.isspace() or t in "{}&":
        return 0.0
    if t in _WIDE_COMMANDS:
        return _WIDE_COMMANDS[t]
    if t in _NAMED:
        return 0.55 * (len(t) - 1) + 0.2
    if t.startswith("\\") and len(t) > 2:
        return 0.65  # a Greek letter or a symbol
    if t == r"\\":
        return 0.0
    if t in "+-":
        return 1.25  # a binary operator with its spaces
    if t in "=<>":
        return 1.4
    if t in "()[]|" or t in ",;":
        return 0.45
    if t in ".'":
        return 0.3
    if t.isdigit():
        return 0.52
    if t.isupper():
        return 0.8
    return 0.6


@lru_cache(maxsize=1 << 16)
def width(tex: str) -> float:
    """An estimate of the width of ``tex`` typeset in display math, in ems; rather too wide than too narrow.

    Cached: laying out a class's solutions measures the same left sides, factors and lines
    again and again (a third of the rendering time went here)."""
    return _width(_tokens(tex))


@dataclass(frozen=True)
class _Piece:
    text: str  # starts with its operator ("+ 0.3 \cdot 2") except the first
    opened: tuple[str, ...]  # \left delimiters open at the piece's start


def _pieces(tex: str) -> list[_Piece]:
    """``tex`` cut before each top-level or \\left-nested binary + or −."""
    tokens = _tokens(tex)
    pieces: list[_Piece] = []
    current: list[str] = []
    opened: list[str] = []
    start_opened: tuple[str, ...] = ()
    braces = 0
    previous = ""
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t == "{":
            braces += 1
        elif t == "}":
            braces -= 1
        elif t == r"\begin":
            # a matrix is one piece of its own: copy it whole
            name, after_name = _group(tokens, i + 1)
            body, after = _environment(tokens, after_name)
            current.extend(tokens[i:after])
            i, previous = after, "x"
            continue
        if braces == 0 and t == r"\left":
            delim, j = _group(tokens, i + 1)
            current.extend(tokens[i:j])
            opened.append("".join(delim))
            i, previous = j, "("
            continue
        if braces == 0 and t == r"\right":
            delim, j = _group(tokens, i + 1)
            current.extend(tokens[i:j])
            if opened:
                opened.pop()
            i, previous = j, ")"
            continue
        binary = (t in "+-" and braces == 0 and previous not in ("", "(", "=", "+", "-", "&")
                  and i + 1 < len(tokens) and tokens[i + 1].isspace() and current)
        if binary:
            pieces.append(_Piece("".join(current).strip(), start_opened))
            current, start_opened = [], tuple(opened)
        current.append(t)
        if not t.isspace():
            previous = t if t in ("(", "=", "+", "-", "&") else "x"
        i += 1
    if current:
        pieces.append(_Piece("".join(current).strip(), start_opened))
    return pieces


def _factors(piece: str) -> list[str]:
    """A product written with ``\\,`` between its factors, cut at those that are not in braces."""
    tokens = _tokens(piece)
    out, current, braces, lefts = [], [], 0, 0
    for t in tokens:
        if t == "{":
            braces += 1
        elif t == "}":
            braces -= 1
        elif t == r"\left":
            lefts += 1
        elif t == r"\right":
            lefts -= 1
        if t == r"\," and braces == 0 and lefts == 0:
            out.append("".join(current).strip())
            current = []
            continue
        current.append(t)
    out.append("".join(current).strip())
    return [f for f in out if f]


def _product_lines(factors: list[str], budget: float, first: str, rest: str) -> list[str]:
    """A product's factors in lines no wider than ``budget``, a line continued with ``\\cdot``."""
    lines: list[str] = []
    current = f"{first} {factors[0]}".strip()
    for factor in factors[1:]:
        candidate = rf"{current}\,{factor}"
        if width(candidate) > budget:
            lines.append(current)
            current = rf"{rest} \cdot {factor}"
        else:
            current = candidate
    lines.append(current)
    return lines


def wrap(tex: str, budget: float, indent: str = r"\quad") -> list[str] | None:
    """``tex`` in lines no wider than ``budget`` ems, broken before + and −; a term too wide
    for a line is broken between its factors, continued with ``\\cdot`` and each term then
    starts a line of its own. None if it cannot be done."""
    if width(tex) <= budget:
        return [tex]
    pieces = _pieces(tex)
    too_wide = [p for p in pieces if width(p.text) > budget - 2]
    if too_wide and all(not p.opened for p in pieces):
        lines: list[str] = []
        for n, piece in enumerate(pieces):
            lines += _product_lines(_factors(piece.text), budget, indent if n else "", indent * 3)
    else:
        lines = []
        current = ""
        for piece in pieces:
            candidate = f"{current} {piece.text}".strip()
            if current and width(candidate + r"\right." * len(piece.opened)) > budget:
                lines.append(current + r"\right." * len(piece.opened))
                reopen = r"\left." * len(piece.opened)
                current = f"{indent} {reopen} {piece.text}"
            else:
                current = candidate
        lines.append(current)
    if any(width(line) > budget for line in lines):
        return None
    return lines


_APPROX = r"\approx "


def _glossed_apart(part: str) -> list[str]:
    m = GLOSSED.fullmatch(part)
    return [m[1], m[2]] if m else [part]


def _joined(parts: list[str]) -> str:
    """The parts as one equation chain: "=" between them, none before a part's own "≈"."""
    return "".join((" " if part.startswith(_APPROX) else " = ") + part if n else part for n, part in enumerate(parts))


def rows(lhs: str, parts: list[str], tag: str = "", line: float = LINE_EM) -> list[str] | None:
    """``lhs = p₁ = p₂ = …`` as align rows (``lhs &= …``) that fit ``line`` ems; the tag
    (``\\tag*{…}``) on the last row, where amsmath sets it below the row if the two do not
    fit side by side. None when a part cannot be broken to fit."""
    tag_tex = tagged(tag)
    room = line - width(lhs) - 1.4
    # a long fraction's decimal value (LatexPrinter.glossed) is a part of its own, after "≈"
    parts = [piece for part in parts for piece in _glossed_apart(part)]
    one = _joined(parts)
    if width(one) + (TAG_EM if tag else 0) <= room:
        return [f"{lhs} &= {one}{tag_tex}"]
    out: list[str] = []
    current: list[str] = []
    for part in parts:
        joined = _joined(current + [part])
        if current and width(joined) > room:
            out.append(_joined(current))
            current = [part]
        else:
            current.append(part)
    if current:
        out.append(_joined(current))
    # a line still too wide: break it at its + and −
    lines: list[tuple[bool, str]] = []  # (starts with "=", text)
    for n, text in enumerate(out):
        wrapped = wrap(text, room)
        if wrapped is None:
            return None
        lines.append((n > 0 and not text.startswith(_APPROX), wrapped[0]))
        lines.extend((False, w) for w in wrapped[1:])
    result = [f"{lhs} &= {lines[0][1]}"] + [f"&{'= ' if eq else ''}{text}" for eq, text in lines[1:]]
    result[-1] += tag_tex
    return result
