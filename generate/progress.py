"""A progress bar on stderr for long batches; silent when stderr is not a terminal."""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    def __init__(self, label: str, total: int, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._draw()

    def __call__(self, step: int = 1) -> None:
        self.done += step
        self._draw()

    def _draw(self) -> None:
        if not self.enabled:
            return
        width = 30
        filled = width * self.done // self.total
        self.stream.write(f"\r{self.label:<22} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}")
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()
