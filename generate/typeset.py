"""Typesetting while rendering, and while drawing where cores are spare.

Each document (exam, solutions) is rendered in a thread of its own straight into a TeX
process (:class:`pdf.Streaming`), student by student, so TeX typesets the first students
while later ones are still rendered.

Whether the drawing overlaps too depends on the cores. Drawing and TeX are both bound by
CPU: on 2 cores, running them at once (2 drawing processes, 2 TeX runs, the renderers) cost
1.5 s more CPU than it saved in waiting, and the build was 0.1 to 0.8 s slower than drawing
first with every core and then typesetting. So with fewer than :data:`SPARE_FOR_TEX` + 2
cores the sheets are drawn first; with more, two cores are left to TeX and the rest draw
while TeX runs (:func:`drawing_workers`).

While drawing, the preamble must define the network figures' boxes before the first page: it
is written from the first sheet, whose problems have the skeletons of every sheet in all
shipped kinds (a network problem's sizes are fixed by its options). Should a later sheet bring
a skeleton the preamble lacks, both compilations are stopped and the documents are rendered
and compiled whole: the text, and so the PDF, is the same either way.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from pathlib import Path
from typing import Callable, Iterator

import jinja2

from gradsheet.derive.errors import SpecError

from . import pdf, render
from .figure import Skeleton
from .roster import Student
from .spec import ExamSpec
from .variants import StudentSheet

DOCUMENTS = ("exam", "solutions")
SPARE_FOR_TEX = 2  # cores: one TeX run per document


def overlaps_drawing() -> bool:
    """Whether TeX should run beside the drawing: only where it takes no core the drawing uses."""
    return (os.cpu_count() or 1) >= SPARE_FOR_TEX + 2


def drawing_workers() -> int | None:
    """Drawing processes beside TeX (None: every core, the drawing alone)."""
    return (os.cpu_count() or 1) - SPARE_FOR_TEX if overlaps_drawing() else None


class Abandoned(Exception):
    """The documents' readers are told to stop (an error, or a sheet the preamble cannot show)."""


class Arriving:
    """Sheets in roster order as they are settled, read by both documents' threads."""

    def __init__(self) -> None:
        self._items: list[StudentSheet] = []
        self._closed = self._abandoned = False
        self._cond = threading.Condition()

    def put(self, sheet: StudentSheet) -> None:
        with self._cond:
            self._items.append(sheet)
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def abandon(self) -> None:
        with self._cond:
            self._abandoned = True
            self._cond.notify_all()

    def reader(self, before_wait: Callable[[], None]) -> Iterator[StudentSheet]:
        """Every sheet, waiting for each; ``before_wait`` runs (outside the lock) before a wait."""
        i = 0
        while True:
            if i >= len(self._items) and not self._closed:
                before_wait()  # TeX gets what is written so far while the next sheet is drawn
            with self._cond:
                while i >= len(self._items) and not self._closed and not self._abandoned:
                    self._cond.wait()
                if self._abandoned:
                    raise Abandoned
                if i >= len(self._items):
                    return
                sheet = self._items[i]
            i += 1
            yield sheet


class _Document(threading.Thread):
    """Renders one document into its TeX process (started once the text names its engine)."""

    def __init__(self, name: str, exam: ExamSpec, arriving: Arriving, roster: tuple[Student, ...],
                 skeletons: list, env: jinja2.Environment, folder: Path) -> None:
        super().__init__(name=f"typeset-{name}", daemon=True)
        self.tex = folder / f"{name}.tex"
        self.stream: pdf.Streaming | None = None
        self.error: BaseException | None = None
        self._tex_known = threading.Event()  # the TeX process exists (or never will)
        self._source = render.stream(name, exam, arriving.reader(self._flush), roster, skeletons, env)

    def _flush(self) -> None:
        if self.stream is not None:
            self.stream.flush()

    def run(self) -> None:
        try:
            head: list[str] = []
            for chunk in self._source:
                head.append(chunk)
                if _first_command("".join(head)):
                    break
            text = "".join(head)
            engine = pdf.engine_of(text.splitlines())
            pdf.check_engines([engine])
            self.stream = pdf.Streaming(self.tex, engine)
            self._tex_known.set()
            self.stream.write(text)
            for chunk in self._source:
                self.stream.write(chunk)
        except (Abandoned, pdf.Stopped):
            pass
        except BaseException as error:  # re-raised in the main thread
            self.error = error
        finally:
            self._tex_known.set()

    def stop(self) -> None:
        self._tex_known.wait()
        if self.stream is not None:
            self.stream.kill()


def _first_command(text: str) -> bool:
    """Whether the text holds a complete line that is neither blank nor a comment: the magic
    comment naming the engine, if any, comes before it."""
    lines = text.split("\n")[:-1]
    return any(line.strip() and not line.startswith("%") for line in lines)


Meanwhile = Callable[[tuple[StudentSheet, ...]], None]


def compile_drawn(sheets: tuple[StudentSheet, ...], exam: ExamSpec, roster: tuple[Student, ...], folder: Path,
                  env: jinja2.Environment, timeout: int, then: Callable[[Path], None],
                  meanwhile: Meanwhile | None = None) -> None:
    """Render and compile at once the sheets already drawn (every skeleton is known)."""
    compile_while_drawing(iter(sheets), exam, roster, folder, env, timeout, then, render.skeletons_of(sheets),
                          meanwhile)


def compile_while_drawing(drawn: Iterator[StudentSheet], exam: ExamSpec, roster: tuple[Student, ...], folder: Path,
                          env: jinja2.Environment, timeout: int, then: Callable[[Path], None],
                          skeletons: list[Skeleton] | None = None,
                          meanwhile: Meanwhile | None = None) -> tuple[StudentSheet, ...]:
    """Draw, render and compile at once; every sheet drawn. ``then(pdf)`` runs on each PDF in
    the order of :data:`DOCUMENTS` as soon as it is made. ``skeletons``: the figures' boxes,
    when every sheet is known (else the first sheet's, see the module's note). ``meanwhile``
    runs on every sheet once all are drawn, while TeX still typesets them (the key: TeX, not
    Python, is what the build then waits for, so it costs no time)."""
    sheets = [next(drawn)]  # the pool is started first: no process is forked while threads run
    skeletons = preamble_skeletons(sheets[0]) if skeletons is None else skeletons
    arriving = Arriving()
    arriving.put(sheets[0])
    threads = [_Document(name, exam, arriving, roster, skeletons, env, folder) for name in DOCUMENTS]
    for thread in threads:
        thread.start()
    streamed = True
    try:
        for sheet in drawn:
            sheets.append(sheet)
            if streamed and not set(render.skeletons_of([sheet])) <= set(skeletons):
                streamed = False  # a figure the preamble has no box for: stop, and draw on
                _stop(threads, arriving, remove=True)
            elif streamed:
                arriving.put(sheet)
        if streamed:
            arriving.close()
            if meanwhile is not None:
                meanwhile(tuple(sheets))
            for thread in threads:
                thread.join(timeout)
                if thread.is_alive():  # its TeX has stopped reading: a loop in a template
                    raise SpecError(f"LaTeX {thread.tex.name}", f"TeX did not finish within {timeout} s",
                                    "check the templates for a loop, or raise --timeout")
            for thread in threads:
                if thread.error is not None:
                    raise thread.error
            made = []
            for thread in threads:
                assert thread.stream is not None
                made.append(thread.stream.finish(timeout))
            in_parallel(then, made)
            return tuple(sheets)
    except BaseException:
        _stop(threads, arriving)
        raise
    done = tuple(sheets)
    compile_whole(done, exam, folder, env, timeout, then)
    return done


def write_documents(sheets: tuple[StudentSheet, ...], exam: ExamSpec, folder: Path,
                    env: jinja2.Environment) -> list[Path]:
    """Both documents rendered whole into ``folder``; their paths."""
    files = [folder / f"{name}.tex" for name in DOCUMENTS]
    for name, path in zip(DOCUMENTS, files):
        path.write_text(render.render(name, exam, sheets, env), encoding="utf-8")
    return files


def compile_whole(sheets: tuple[StudentSheet, ...], exam: ExamSpec, folder: Path, env: jinja2.Environment,
                  timeout: int, then: Callable[[Path], None]) -> None:
    """Render both documents whole, then compile them (both at once): the way without a pipe."""
    pdf.compile_all(write_documents(sheets, exam, folder, env), timeout, then=then)


def preamble_skeletons(first: StudentSheet) -> list[Skeleton]:
    """The figures' boxes the preamble defines: the first sheet's skeletons."""
    return render.skeletons_of([first])


def _stop(threads: list[_Document], arriving: Arriving, remove: bool = False) -> None:
    """Stop both compilations; ``remove``: and delete what they wrote (an error keeps the logs)."""
    arriving.abandon()
    for thread in threads:
        thread.stop()
    for thread in threads:
        thread.join()
    if remove:
        for thread in threads:
            for made in thread.tex.parent.glob(f"{thread.tex.stem}.*"):
                made.unlink()


def in_parallel(then: Callable[[Path], None], made: list[Path]) -> None:
    """``then`` on each PDF at once: the exam's in a forked process, the solutions' here (both
    documents finish together now, and splitting them per student is the build's last step)."""
    if len(made) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for path in made:
            then(path)
        return
    child = multiprocessing.get_context("fork").Process(target=_then_in_child, args=(then, made[0]))
    child.start()
    try:
        then(made[1])
    except BaseException:
        child.kill()
        child.join()
        raise
    child.join()
    if child.exitcode != 0:
        raise SpecError(made[0].name, "could not be split into the students' PDFs",
                        "check the free space and permissions of the output folder")


def _then_in_child(then: Callable[[Path], None], made: Path) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not generate's handler: the parent reports
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        then(made)
    except BaseException:
        os._exit(1)  # the parent says it in one line; no traceback from here
