"""Compiling LaTeX safely and reproducibly, and splitting the result per student.

``pdflatex`` runs with ``-no-shell-escape -interaction=nonstopmode -halt-on-error`` under a
timeout, once per document: every total is computed in Python, so no second pass is needed.
A document whose first line is ``%!TEX program = lualatex`` (text beyond Latin,
``generate/fonts.py``) runs ``lualatex`` with the same flags. The exam and the solutions
compile in parallel (one process each, both cores). A fixed ``SOURCE_DATE_EPOCH`` and no
trailer /ID make the PDFs byte-identical run to run.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

from gradsheet.derive.errors import SpecError
# the flags, environment and error reading are derive's (derive --format pdf runs TeX too)
from gradsheet.derive.tex import FLAGS, INSTALL_TEX, TIMEOUT, available, first_error
from gradsheet.derive.tex import env as _env

from .fonts import INSTALL


def engine(tex: Path) -> str:
    """The TeX engine the file asks for in a magic comment before its first command (pdflatex
    unless it says lualatex)."""
    with tex.open(encoding="utf-8") as f:
        return engine_of(f)


def engine_of(lines: Iterable[str]) -> str:
    for line in lines:
        if line.strip().replace(" ", "") == "%!TEXprogram=lualatex":
            return "lualatex"
        if line.strip() and not line.startswith("%"):
            break
    return "pdflatex"


def check_engines(engines: Iterable[str]) -> None:
    """Each engine is installed, or a one-line error says what to install."""
    engines = set(engines)
    if not available():
        raise SpecError("pdflatex", "not found", INSTALL_TEX + ", or pass --format tex for the LaTeX sources alone")
    if "lualatex" in engines and not available("lualatex"):
        raise SpecError("lualatex", "not found, and the names or titles are in scripts beyond Latin",
                        "install it and the fonts (Debian: " + INSTALL + "), "
                        "or pass --format tex for the LaTeX sources alone")


def compile_all(tex_files: Sequence[Path], timeout: int = TIMEOUT,
                then: Callable[[Path], None] | None = None) -> list[Path]:
    """Compile each file in its own folder, all at once; the PDFs, or a one-line error.

    ``then(pdf)`` runs on each PDF as soon as it is made, in the order given, while the
    later documents still compile: splitting the exam overlaps the solutions' run.
    """
    engines = [engine(tex) for tex in tex_files]
    check_engines(engines)
    procs = [(tex, subprocess.Popen([name, *FLAGS, tex.name], cwd=tex.parent, env=_env(),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
             for tex, name in zip(tex_files, engines)]
    failures = []
    try:
        for (tex, proc), name in zip(procs, engines):
            try:
                code = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                raise SpecError(f"LaTeX {tex.name}", f"{name} did not finish within {timeout} s",
                                "check the templates for a loop, or raise --timeout") from None
            if code != 0:
                failures.append(tex)
            elif then is not None and not failures:
                then(tex.with_suffix(".pdf"))
    except BaseException:
        # a timeout, an error in ``then``, Ctrl-C or SIGTERM: no pdflatex may outlive the build
        # and write into its folder after the folder is removed
        for _, other in procs:
            other.kill()
        for _, other in procs:
            other.wait()
        raise
    if failures:
        raise SpecError(*first_error(failures[0]))
    return [tex.with_suffix(".pdf") for tex in tex_files]


@lru_cache(maxsize=None)
def can_stream() -> bool:
    """Whether TeX can read a document from a pipe here: ``/dev/stdin`` exists (not on
    Windows) and TeX may open it (``openin_any`` is not paranoid, TeX Live's default ``a``)."""
    if not Path("/dev/stdin").exists() or shutil.which("kpsewhich") is None:
        return False
    try:
        mode = subprocess.run(["kpsewhich", "-var-value=openin_any"], capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return False
    return mode in ("a", "")


class Stopped(Exception):
    """Raised in a thread still writing a document whose compilation was stopped."""


class Streaming:
    """One document compiling while Python still writes it.

    TeX reads the text from a pipe (``\\input{/dev/stdin}`` with the document's job name), so
    it typesets the preamble and the first students while later ones are being drawn and
    rendered; the same text goes to ``tex`` on disk. TeX's output depends on its input alone:
    the PDF is the one compiling ``tex`` gives, byte for byte. :meth:`write` blocks while TeX
    is behind (the pipe holds 64 KiB): a slow document holds back only its own writer.
    """

    def __init__(self, tex: Path, engine_name: str) -> None:
        self.tex, self.engine = tex, engine_name
        self._file = tex.open("w", encoding="utf-8")
        self._proc = subprocess.Popen([engine_name, *FLAGS, f"-jobname={tex.stem}", r"\input{/dev/stdin}"],
                                      cwd=tex.parent, env=_env(), stdin=subprocess.PIPE,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._pipe = self._proc.stdin
        self._pending: list[str] = []
        self._size = 0

    def write(self, text: str) -> None:
        """Add ``text``; it goes to the file and to TeX in pieces of 16 K characters (a template
        yields a document in some 70,000 pieces, each a few characters long)."""
        if self._file.closed:
            raise Stopped(self.tex.name)
        self._pending.append(text)
        self._size += len(text)
        if self._size >= 1 << 14:
            self.flush()

    def flush(self) -> None:
        """Hand TeX (and the file) what has been written (before waiting for more to write)."""
        if not self._pending or self._file.closed:
            return
        text, self._pending, self._size = "".join(self._pending), [], 0
        self._file.write(text)
        pipe = self._pipe
        if pipe is None:
            return
        try:
            pipe.write(text.encode("utf-8"))
            pipe.flush()
        except (BrokenPipeError, ValueError):  # TeX stopped (an error: finish() reports it), or was stopped
            self._close_pipe()

    def _close_pipe(self) -> None:
        pipe, self._pipe = self._pipe, None
        if pipe is not None:
            try:
                pipe.close()
            except (OSError, ValueError):  # TeX has gone: what it did not read is of no use
                pass

    def finish(self, timeout: int = TIMEOUT) -> Path:
        """The text is complete: wait for TeX; the PDF, or a one-line error from its log."""
        self.flush()
        self._close_pipe()
        self._file.close()
        try:
            code = self._proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise SpecError(f"LaTeX {self.tex.name}", f"{self.engine} did not finish within {timeout} s",
                            "check the templates for a loop, or raise --timeout") from None
        if code != 0:
            raise SpecError(*first_error(self.tex))
        return self.tex.with_suffix(".pdf")

    def kill(self) -> None:
        """Stop TeX (an error elsewhere, Ctrl-C): nothing may write into the build folder after it."""
        self._proc.kill()
        self._proc.wait()  # a write blocked in another thread ends with the process
        self._close_pipe()
        self._file.close()


def page_starts(tex: Path) -> list[int]:
    """The first page (1-based) of each student, as ``\\gsmark`` recorded them while shipping out."""
    lines = tex.with_suffix(".pages").read_text().split()
    return [int(v) for v in lines[1::2]]


def load_splitter() -> None:
    """Import what :func:`split` uses (pikepdf, 0.04 CPU-s) in this process: a build splits its
    two documents at once, one in a forked child, which then inherits it instead of importing
    it a second time."""
    import pikepdf  # noqa: F401


def split(pdf: Path, starts: list[int], targets: Sequence[Path]) -> None:
    """Write pages [starts[i], starts[i+1]) of ``pdf`` to ``targets[i]``: no second compilation.

    pikepdf (qpdf) copies the pages with the fonts and figure boxes they share, about four
    times faster than pypdf did; a content-derived /ID keeps every file byte-identical run to run.
    """
    import pikepdf

    with pikepdf.open(pdf) as source:
        info = {key: source.docinfo[key] for key in ("/Creator", "/Producer", "/CreationDate", "/ModDate")
                if key in source.docinfo}
        ends = starts[1:] + [len(source.pages) + 1]
        for start, end, target in zip(starts, ends, targets):
            with pikepdf.new() as part:
                part.pages.extend(source.pages[start - 1:end - 1])
                for key, value in info.items():
                    part.docinfo[key] = value
                part.save(target, deterministic_id=True)
