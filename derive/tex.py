"""Running TeX safely and reproducibly: the flags, the environment, the first error of a log.

``pdflatex`` (or ``lualatex``) runs with ``-no-shell-escape -interaction=nonstopmode
-halt-on-error`` under a timeout; a fixed ``SOURCE_DATE_EPOCH`` (and ``\\pdftrailerid{}`` in
the document) makes the PDF byte-identical run to run. A failure is one line: the file and
line of the log's first error. ``generate`` compiles its sheets through these; ``derive
--format pdf`` its derivation.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from .errors import SpecError

TIMEOUT = 300  # seconds per document
EPOCH = "1767225600"  # 2026-01-01: the PDFs' fixed creation date
FLAGS = ("-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error")
INSTALL_TEX = ("install TeX Live (Debian: apt-get install texlive-latex-base texlive-latex-recommended "
               "texlive-latex-extra texlive-pictures lmodern latexmk)")


def available(engine: str = "pdflatex") -> bool:
    return shutil.which(engine) is not None


def env() -> dict[str, str]:
    out = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, FORCE_SOURCE_DATE="1")
    out.pop("TEXINPUTS", None)  # only the document's folder and TeX Live's own files
    return out


_ERROR = re.compile(r"^(?:(?P<file>[^:\n]+):(?P<line>\d+): |! )(?P<msg>.+)$", re.M)


def first_error(tex: Path) -> tuple[str, str, str]:
    """(field, problem, fix) from the log's first error: ``exam.tex line 42``, the message."""
    log = tex.with_suffix(".log")
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    match = _ERROR.search(text)
    if not match:
        return f"LaTeX {tex.name}", "pdflatex failed without an error message", f"see {log}"
    # a streamed document's file is /dev/stdin, and is the .tex
    name = tex.name if match["file"] == "/dev/stdin" else Path(match["file"] or tex.name).name
    where = f"{name} line {match['line']}" if match["file"] else tex.name
    if not match["file"]:
        line = re.search(r"^l\.(\d+)", text[match.end():], re.M)
        where += f" line {line.group(1)}" if line else ""
    return f"LaTeX {where}", match["msg"].strip(), f"fix the template or text there (the full log: {log.name})"


def compile_document(tex: Path, timeout: int = TIMEOUT, runs: int = 1) -> Path:
    """``tex`` compiled by pdflatex in its own folder, ``runs`` times (a longtable settles its
    columns on the second); the PDF, or a one-line error. No TeX outlives a failure."""
    if not available():
        raise SpecError("pdflatex", "not found", INSTALL_TEX + ", or write the LaTeX with --format latex")
    for _ in range(runs):
        proc = subprocess.Popen(["pdflatex", *FLAGS, tex.name], cwd=tex.parent, env=env(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise SpecError(f"LaTeX {tex.name}", f"pdflatex did not finish within {timeout} s",
                            "raise --timeout") from None
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if code != 0:
            raise SpecError(*first_error(tex))
    return tex.with_suffix(".pdf")
