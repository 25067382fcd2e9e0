"""What every problem on a sheet shares: the notation and the number of decimals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gradsheet.derive.engine.notation import Notation
from gradsheet.derive.engine.numbers import EXACT, hand

from .language import ENGLISH, Language
from .printing import SheetPrinter


@dataclass(frozen=True)
class Sheet:
    notation: Notation = Notation()
    decimals: int = 4
    language: Language = ENGLISH
    comma: bool = False  # decimal comma: 0{,}25

    def say(self, message: str, /, **fields: Any) -> str:
        """``message`` in the sheet's language (generate/language.py)."""
        return self.language.say(message, **fields)

    @property
    def printer(self) -> SheetPrinter:
        """Statements and integer-style solutions: numbers exact where short."""
        return SheetPrinter(EXACT, self.notation, decimals=self.decimals, comma=self.comma)

    def solution_printer(self, numbers: str) -> SheetPrinter:
        """A worked solution: in decimal style derive's hand mode, whose steps print every value
        they round (each step computes from its printed operands) with the sheet's decimals."""
        if numbers == "decimal":
            return SheetPrinter(hand(self.decimals), self.notation, decimals=self.decimals, comma=self.comma)
        return self.printer
