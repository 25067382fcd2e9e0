"""What every problem on a sheet shares: the notation and the number of decimals."""

from __future__ import annotations

from dataclasses import dataclass

from derive.notation import Notation
from derive.numbers import EXACT

from .printing import SheetPrinter


@dataclass(frozen=True)
class Sheet:
    notation: Notation = Notation()
    decimals: int = 4

    @property
    def printer(self) -> SheetPrinter:
        return SheetPrinter(EXACT, self.notation, decimals=self.decimals)
