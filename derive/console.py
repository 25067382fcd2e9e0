"""The console commands' entry points, light enough to import before Ctrl-C can land.

Importing SymPy takes about a second; a Ctrl-C during it would print a traceback from deep
inside the import. Here the import happens inside the handler: status 130, one line.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn


def exit_now(code: int) -> NoReturn:
    """End the process with ``code`` once its output is flushed, without tearing down the
    interpreter: a build's heap of SymPy numbers took 0.35 s to free at exit, a tenth of a
    100-student build. Every file the commands write is closed before they return."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (generate … | head): nothing more to say
            pass
    os._exit(code)


def _run(command: str, load) -> int:
    try:
        return load()()
    except KeyboardInterrupt:
        sys.stderr.write(f"{command}: interrupted; nothing was written\n")
        return 130


def derive() -> NoReturn:
    def load():
        from .deferred import defer

        defer()
        from .cli import main
        return main

    exit_now(_run("derive", load))


def generate() -> NoReturn:
    def load():
        from .deferred import defer

        defer()
        from gradsheet.generate.cli import main
        return main

    exit_now(_run("generate", load))
