"""One line of a worked derivation, ``lhs = rule = substituted = result``, and a titled
section of them: what :mod:`derive.printing.steps` writes and every writer reads (the text
and LaTeX formats, the sheets, the LMS pages, :mod:`derive.printing.redo`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def tag_tex(ref: str) -> str:
    """``\\tag*{(Eq. 3.4)}``, or "" without a reference. A tag is text mode: plain text only."""
    plain = re.sub(r"[^\w .,:/()-]", "", ref)
    return f"\\tag*{{({plain})}}" if plain else ""


@dataclass(frozen=True)
class Step:
    lhs: str
    rule: str  # the equation in symbols
    substituted: str  # the same with numbers in
    result: str
    ref: str = ""  # "Eq. 3.14"
    # the same equation entry by entry, for a page too narrow for its matrices
    detail: tuple["Step", ...] = ()
    # hand mode: the substituted expression with the value the engine rounds first (Σ w δ,
    # α ∂C/∂w, a logarithm) written rounded, so that every "=" computes from what is printed
    intermediate: str = ""
    # a vector equation written entry by entry (its detail) where a column would not do
    split: bool = False

    def parts(self) -> list[str]:
        return [p for p in (self.lhs, self.rule, self.substituted, self.intermediate, self.result) if p]

    @property
    def tag(self) -> str:
        """The reference as its display's tag, right of the formula as the sheets print it (in
        the LMS and notebooks a span after the display fell under it, read as the next one's label)."""
        return tag_tex(self.ref)


@dataclass(frozen=True)
class Section:
    title: str
    steps: tuple[Step, ...]
    text: str = ""


def expanded(steps: list[Step]) -> list[Step]:
    """The steps as a page writes them: a vector equation marked ``split`` as its entries."""
    return [s for step in steps for s in (step.detail if step.split else (step,))]
