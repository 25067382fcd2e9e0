"""From an exam spec and a roster to the files in ``output/<exam>/``, all or nothing.

Everything is built in a hidden folder beside the destination and moved into place only when
every step succeeded, so a failed build leaves nothing half-written, and an existing folder
is replaced only with ``force``.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import jinja2

from gradsheet.derive.errors import SpecError

from . import key, pdf, render, typeset
from .progress import Progress
from .roster import Student
from .spec import ExamSpec, slug
from .variants import StudentSheet, draw_stream


@dataclass(frozen=True)
class Request:
    exam: ExamSpec
    students: tuple[Student, ...]
    out: Path
    force: bool = False
    format: str = "pdf"  # a comma-separated list of FORMATS: pdf, tex, moodle, qti
    per_student: bool = False
    templates: Path | None = None
    timeout: int = pdf.TIMEOUT
    progress: bool | None = None  # None: when stderr is a terminal


FORMATS = ("pdf", "tex", "moodle", "qti")  # tex: the LaTeX sources alone (always written); pdf adds the PDFs


def formats(text: str) -> tuple[str, ...]:
    """``--format``'s list, each named once, each known: "pdf,moodle" → ("pdf", "moodle")."""
    names = [n.strip() for n in text.split(",")]
    for n in names:
        if n not in FORMATS:
            raise SpecError("--format", f"unknown format {n[:40]!r}", f"use one or more of {', '.join(FORMATS)}, "
                            "comma-separated (e.g. --format pdf,moodle)")
    return tuple(dict.fromkeys(names))


PER_STUDENT = {"exam": "sheets", "solutions": "solutions"}  # --per-student: document → folder of <id>.pdf


def sheet_names(students: tuple[Student, ...]) -> list[str]:
    """File names for per-student PDFs: the id made safe, made unique."""
    names, used = [], set()
    for i, s in enumerate(students, start=1):
        name = slug(s.id)
        if name in used or name == "exam":
            name = f"{name}-{i}"
        used.add(name)
        names.append(name + ".pdf")
    return names


def check_destination(out: Path, force: bool) -> None:
    """``out`` is a folder (or nothing yet) whose parents are folders; a full one needs ``force``.

    A file is never replaced by a folder, with or without ``force``.
    """
    for parent in reversed(out.parents):
        if parent.exists() and not parent.is_dir():
            raise SpecError(str(out), f"{parent} is a file, not a folder", "choose an --out inside a folder")
    if out.exists() and not out.is_dir():
        raise SpecError(str(out), "is a file, not a folder", "choose a folder name for --out")
    if out.exists() and any(out.iterdir()) and not force:
        raise SpecError(str(out), "already exists", "pass --force to replace it, or choose another --out")


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold ``.<out>.lock`` beside the destination for the whole build: a second build into the
    same folder stops at once with a one-line error instead of racing the first (and one of
    them silently winning). The lock file is removed when the build ends."""
    path = out.parent / f".{out.name}.lock"
    while True:
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise SpecError(str(out), "another generate is writing into it now",
                            "wait until it has finished, or choose another --out") from None
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                break  # still the file on disk: the one that finished first may have removed it
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def build(request: Request) -> tuple[Path, tuple[StudentSheet, ...]]:
    """Build everything; the destination folder and the drawn sheets."""
    out = request.out
    check_destination(out, request.force)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with locked(out):
            check_destination(out, request.force)  # again, now that no other build can change it
            return _build_locked(request, out)
    except jinja2.TemplateError as error:  # an instructor's template (TemplateNotFound is an OSError too)
        raise render.template_error(error, request.templates) from None
    except OSError as error:  # an unwritable or vanished parent folder
        raise SpecError(str(out), f"cannot write: {error.strerror or error}",
                        "choose an --out in a folder you can write to") from None


def _build_locked(request: Request, out: Path) -> tuple[Path, tuple[StudentSheet, ...]]:
    bar = Progress("drawing variants", len(request.students), enabled=request.progress)
    wanted = formats(request.format)
    streams = "pdf" in wanted and pdf.available() and pdf.can_stream()  # TeX reads the documents from a pipe
    # TeX beside the drawing only where the drawing can spare it cores (generate/typeset.py)
    overlap = streams and typeset.overlaps_drawing()
    drawn = draw_stream(request.exam, request.students, bar if len(request.students) > 1 else None,
                        typeset.drawing_workers() if overlap else None, main_draws=not overlap)
    env = render.templates(request.templates)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        tex = work / "tex"
        tex.mkdir()
        if "pdf" in wanted:
            sheets = _typeset(drawn, request, work, env, streams, overlap, lambda done: _meanwhile(work, request, done))
        else:
            sheets = tuple(drawn)
            typeset.write_documents(sheets, request.exam, tex, env)
        _assemble(work, request, sheets, wanted, env)
        _permissions(work)
        _replace(work, out)
    except BaseException:
        drawn.close()  # its pool's workers end now, not when the generator is collected
        shutil.rmtree(work, ignore_errors=True)
        raise
    return out, sheets


def _typeset(drawn: Iterator[StudentSheet], request: Request, work: Path, env: Any, streams: bool,
             overlap: bool, meanwhile: typeset.Meanwhile) -> tuple[StudentSheet, ...]:
    """The PDFs (and per student, their pages) into ``work``, the sources into ``work/tex``:
    rendered straight into TeX if it ``streams``, beside the drawing if ``overlap``
    (generate/typeset.py), else rendered whole and then compiled. ``meanwhile`` runs on the
    drawn sheets while TeX typesets them, where TeX streams."""
    tex = work / "tex"

    def finish(made: Path) -> None:
        shutil.copyfile(made, work / made.name)
        if request.per_student:
            folder = work / PER_STUDENT[made.stem]
            folder.mkdir()
            pdf.split(made, pdf.page_starts(made), [folder / n for n in sheet_names(request.students)])

    try:
        if overlap:
            sheets = typeset.compile_while_drawing(drawn, request.exam, request.students, tex, env, request.timeout,
                                                   then=finish, meanwhile=meanwhile)
        elif streams:
            sheets = tuple(drawn)
            typeset.compile_drawn(sheets, request.exam, request.students, tex, env, request.timeout, then=finish,
                                  meanwhile=meanwhile)
        else:  # TeX cannot read a pipe here (or is missing: the compile says so in one line)
            sheets = tuple(drawn)
            typeset.compile_whole(sheets, request.exam, tex, env, request.timeout, then=finish)
    except SpecError as error:
        raise _with_kept_log(error, tex) from None
    for leftover in tex.iterdir():
        if leftover.suffix != ".tex":
            leftover.unlink()
    return sheets


def _permissions(work: Path) -> None:
    """mkdtemp makes its folder 0700; the output gets what the user's umask gives a new folder."""
    mask = os.umask(0)
    os.umask(mask)
    work.chmod(0o777 & ~mask)


def _assemble(work: Path, request: Request, sheets: tuple[StudentSheet, ...], wanted: tuple[str, ...],
              env: Any) -> None:
    """The key (unless TeX's run wrote it already) and the LMS exports beside the documents."""
    if not (work / "key.json").exists():
        _keys(work, request, sheets)
    if "moodle" in wanted or "qti" in wanted:
        from .lms import moodle, qti  # here, not above: their XML tools cost a build without them 20 ms

        drawn = (request.exam, sheets, env, render.skeleton_list(sheets), render.statements(env, sheets, request.exam.language),
                 request.timeout, {})  # the figures' SVGs, compiled once for both exports
        if "moodle" in wanted:
            (work / "moodle.xml").write_text(moodle.document(*drawn), encoding="utf-8")
        if "qti" in wanted:
            (work / "qti.zip").write_bytes(qti.package(*drawn))


def _meanwhile(work: Path, request: Request, sheets: tuple[StudentSheet, ...]) -> None:
    """What the build does while TeX typesets: the key, and the splitter loaded before the
    split forks (see :func:`pdf.load_splitter`)."""
    _keys(work, request, sheets)
    if request.per_student:
        pdf.load_splitter()


def _keys(work: Path, request: Request, sheets: tuple[StudentSheet, ...]) -> None:
    """key.json and key.csv into the build folder."""
    (work / "key.json").write_text(key.to_json(request.exam, sheets), encoding="utf-8")
    (work / "key.csv").write_text(key.to_csv(request.exam, sheets), encoding="utf-8")


def _with_kept_log(error: SpecError, tex: Path) -> SpecError:
    """The build folder goes away; its sources and logs are kept in the system's temp folder,
    and the error's own fix (a LaTeX error, a timeout) says where."""
    if error.field == "pdflatex" or error.field.startswith("problems["):  # not installed, or a problem that
        return error  # could not be drawn while TeX set the sheets before it: nothing of TeX's to keep
    keep = Path(tempfile.mkdtemp(prefix="gradsheet-failed-"))
    for made in tex.iterdir():
        if made.suffix in (".tex", ".log"):
            shutil.copyfile(made, keep / made.name)
    return SpecError(error.field, error.problem, f"{error.fix}; sources and logs kept in {keep}")


def _replace(work: Path, out: Path) -> None:
    if out.exists():
        old = out.with_name(f".{out.name}-old")
        if old.exists():
            shutil.rmtree(old)
        out.rename(old)
        work.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        work.rename(out)
