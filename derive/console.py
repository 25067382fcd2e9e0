"""The console commands' entry points, light enough to import before Ctrl-C can land.

Importing SymPy takes about a second; a Ctrl-C during it would print a traceback from deep
inside the import. Here the import happens inside the handler: status 130, one line.
"""

from __future__ import annotations

import sys


def _run(command: str, load) -> int:
    try:
        return load()()
    except KeyboardInterrupt:
        sys.stderr.write(f"{command}: interrupted; nothing was written\n")
        return 130


def derive() -> int:
    def load():
        from .cli import main
        return main

    return _run("derive", load)


def generate() -> int:
    def load():
        from gradsheet.generate.cli import main
        return main

    return _run("generate", load)
