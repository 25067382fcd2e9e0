"""One variant per student and problem, drawn from (exam seed, student id, problem index).

A draw that :class:`~generate.problem.Degenerate` rejects, or that repeats a variant another
student already has, is drawn again with the next ``attempt``; the key records the attempt,
so any sheet can be rebuilt from the key alone. Duplicates are resolved in roster order: a
student appended to the roster never changes anybody else's sheet.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import signal
from collections import deque
from dataclasses import dataclass
from functools import partial
from multiprocessing.pool import AsyncResult
from typing import Callable, Iterable, Iterator

from gradsheet.derive.errors import SpecError

from . import networks, problems, wording
from .problem import Degenerate, Problem, Refused
from .roster import Student
from .sampling import variant_rng
from .sheet import Sheet
from .spec import ExamSpec, ProblemSpec

MAX_ATTEMPTS = 1000  # the least usable default (chain_rule, hard) yields 3 % of draws: 10^-13 to fail
# a roster may use at most this share of a kind's distinct variants: with half of them
# still free, a student whose draw repeats another's finds a fresh one within a few draws
FILL = 2


@dataclass(frozen=True)
class Variant:
    spec: ProblemSpec
    attempt: int
    problem: Problem


@dataclass(frozen=True)
class StudentSheet:
    student: Student
    variants: tuple[Variant, ...]


_VALUE = re.compile(r" = \S+")


def sheet_of(exam: ExamSpec) -> Sheet:
    return Sheet(exam.notation, exam.decimals, exam.language, exam.decimal_comma)


def draw(exam: ExamSpec, student: Student, pspec: ProblemSpec, taken: set[str] | None = None,
         first: int = 0, attempts: int | None = None) -> Variant:
    """The first usable draw for this student and problem, from ``attempt = first`` on."""
    kind, sheet = problems.get(pspec.kind), sheet_of(exam)
    net = networks.net_of(pspec.options)
    # a given network's vary draws from few parts: where 200 draws find no usable one, more rarely do
    attempts = attempts or (GIVEN_DRAWS if net is not None and net.given is not None else MAX_ATTEMPTS)
    reasons: dict[str, int] = {}
    for attempt in range(first, first + attempts):
        try:
            problem = kind.make(variant_rng(exam.seed, student.id, pspec.index, attempt), pspec.options, sheet,
                                pspec.points)
        except Degenerate as why:
            reason = _VALUE.sub(" = …", str(why))  # "z1[1] = … is beyond the bound 1": one reason, any value
            reasons[reason] = reasons.get(reason, 0) + 1
            continue
        except problems.TooFewPoints as short:  # every draw asks as many questions: no other draw helps
            raise SpecError(f"problems[{pspec.index}].points", f"{pspec.points} point{'s' if pspec.points > 1 else ''} "
                            f"for {short.needed} questions, and a question worth nothing reads as a mistake",
                            f"give points = {short.needed} or more") from None
        except Refused:  # a given network as it is, a wording's placeholder: every draw is the same
            raise
        except SpecError as why:  # a draw past one of derive's limits (a diverging update): draw again
            reasons[why.problem] = reasons.get(why.problem, 0) + 1
            continue
        if taken is not None and problem.fingerprint in taken:
            continue
        problem = wording.apply(problem, pspec.wording, sheet, f"problems[{pspec.index}]")
        return Variant(pspec, attempt, problem)
    common = max(reasons, key=reasons.get) if reasons else "duplicates"
    raise SpecError(f"problems[{pspec.index}]", f"no usable variant in {attempts} draws (most often: {common})",
                    "loosen the options: a larger bound, more decimals, smaller sizes or another activation")


def draw_all(exam: ExamSpec, students: Iterable[Student],
             progress: Callable[[int], None] | None = None, workers: int | None = None) -> tuple[StudentSheet, ...]:
    """Every student's variants; the same whatever ``workers`` is (see :func:`draw_stream`)."""
    return tuple(draw_stream(exam, students, progress, workers))


def draw_stream(exam: ExamSpec, students: Iterable[Student], progress: Callable[[int], None] | None = None,
                workers: int | None = None, *, main_draws: bool = True) -> Iterator[StudentSheet]:
    """Every student's sheet, in roster order, each as soon as it is settled.

    Each student's first usable draws do not depend on anybody else, so they are drawn in
    parallel (``workers`` processes, default: every core; with ``main_draws`` this process is
    one of them, see :func:`_first_draws`); then, in roster order, a variant an earlier
    student already has is drawn again from its next attempt on. A sheet depends only on the
    students before it, so it can be typeset while later ones are still drawn.
    """
    students = tuple(students)
    check_capacity(exam, len(students))
    taken: dict[int, set[str]] = {p.index: set() for p in exam.problems}
    # a given network that varies too little for the roster (or not at all) is shared
    given = {p.index: _given(p, len(students)) for p in exam.problems}
    firsts = _first_draws(exam, students, progress, workers, main_draws)
    try:
        for student, drawn in zip(students, firsts):
            variants = []
            for variant in drawn:
                seen = taken[variant.spec.index]
                if variant.problem.fingerprint in seen and given[variant.spec.index] != SHARED:
                    variant = _another(exam, student, variant, seen, given[variant.spec.index] == BEST_EFFORT)
                seen.add(variant.problem.fingerprint)
                variants.append(variant)
            yield StudentSheet(student, tuple(variants))
    finally:
        # ends the pool now, wherever the stop came from (SIGTERM while redrawing a
        # duplicate here left it waiting, and the process hung on its workers at exit)
        firsts.close()


# how a problem's repeated variants are handled: drawn again until unique (a drawn network),
# drawn again where another usable one is found soon (a given network's vary), or kept
UNIQUE, BEST_EFFORT, SHARED = "unique", "best effort", "shared"
GIVEN_DRAWS = 200  # a given network's draws before it gives up, naming the most frequent reason
GIVEN_ATTEMPTS = 50  # a given network's vary may have few usable draws: a repeat is kept after these


def _given(pspec: ProblemSpec, students: int) -> str:
    """Every student gets a variant of their own where the problem draws its network; a given
    network's ``vary`` may leave few usable ones (of Herrmann's 36 inputs 4 stay within the
    bound), so there a student shares a variant where no other is found, and where nothing
    varies (or too little for the roster) every student shares it."""
    net = networks.net_of(pspec.options)
    count = None if net is None else networks.distinct(net)
    if count is None:
        return UNIQUE
    return BEST_EFFORT if students <= count // FILL else SHARED


def _another(exam: ExamSpec, student: Student, variant: Variant, seen: set[str], best_effort: bool) -> Variant:
    """A variant no earlier student has, from the next attempt on (see :func:`_given`)."""
    if not best_effort:
        return draw(exam, student, variant.spec, seen, first=variant.attempt + 1)
    try:
        return draw(exam, student, variant.spec, seen, first=variant.attempt + 1, attempts=GIVEN_ATTEMPTS)
    except SpecError:
        return variant


def check_capacity(exam: ExamSpec, students: int) -> None:
    """Every problem has distinct variants for ``students``, or an error says so before any drawing."""
    for pspec in exam.problems:
        kind = problems.get(pspec.kind)
        distinct = kind.capacity(pspec.options)
        if distinct is not None and students > distinct // FILL:
            raise SpecError(f"problems[{pspec.index}]",
                            f"{distinct} distinct {pspec.kind} variants with these options: enough for "
                            f"{distinct // FILL} students, not {students}", kind.widen or "loosen the options")


def _first_draws(exam: ExamSpec, students: tuple[Student, ...], progress: Callable[[int], None] | None,
                 workers: int | None, main_draws: bool = True) -> Iterator[tuple[Variant, ...]]:
    """Each student's first usable draws, in roster order, drawn by ``workers`` processes.

    ``main_draws``: this process is one of them, drawing students from the roster's tail while
    the forked workers draw from its head: one process fewer to fork, to warm and to send
    sheets back from (a tenth of the drawing's CPU on 2 cores). Not where this process has
    other work while the drawing runs (TeX's renderers beside the drawing, generate/typeset.py):
    there it only collects."""
    workers = min(workers or os.cpu_count() or 1, max(len(students) // PER_WORKER, 1))
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for student in students:
            yield _unwrap(_student_draws(exam, student), progress)
        return
    # the first student is drawn here, before the fork: the first draw of each kind pays its
    # lazy imports and derivations (50 ms for the demo), which the workers then inherit
    # instead of each paying them again; so does what a kind prepares for every draw
    for pspec in exam.problems:
        problems.get(pspec.kind).prepare(pspec.options)
    yield _unwrap(_student_draws(exam, students[0]), progress)
    students = students[1:]
    # fork: the workers inherit the imported modules and caches, so they start in milliseconds.
    # What they inherit is frozen out of the cyclic garbage collector (gc.freeze) until the
    # drawing ends: a worker's collections would otherwise walk the whole inherited heap
    # (SymPy's, NumPy's), and touching it copies its pages; so would this process's while it
    # draws and takes in the workers' sheets.
    gc.freeze()
    try:
        yield from _pooled(exam, students, progress, workers, main_draws)
    finally:
        gc.unfreeze()  # a program that draws again (a test, a notebook) collects as before


def _pooled(exam: ExamSpec, students: tuple[Student, ...], progress: Callable[[int], None] | None,
            workers: int, main_draws: bool) -> Iterator[tuple[Variant, ...]]:
    forked = workers - 1 if main_draws else workers
    # A stop arriving between a worker's fork and its initializer would find generate's own
    # handler there and print a traceback: the stops wait, blocked, until each worker has set
    # its handlers and the main process its pool (the main process then takes a pending one).
    stops = {signal.SIGTERM, signal.SIGINT}
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, stops)
    try:
        pool = multiprocessing.get_context("fork").Pool(forked, initializer=_worker_signals)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    task = partial(_chunk_draws, exam)
    if not main_draws:
        with pool:
            size = max(len(students) // (4 * forked), 1)
            for done in pool.imap(task, [students[i:i + size] for i in range(0, len(students), size)]):
                for result in done:
                    yield _unwrap(result, progress)
        return
    # The workers take chunks from the roster's head, this process students from its tail,
    # until they meet: each worker has a chunk queued behind the one it draws, and the chunks
    # shrink as the roster does, so that neither side waits long for the other at the end.
    head, tail = 0, len(students)
    pending: deque[AsyncResult] = deque()
    drawn_here: dict[int, tuple[Variant, ...] | SpecError] = {}
    with pool:
        while True:
            while head < tail and len(pending) < 2 * forked:
                end = min(head + max((tail - head) // (4 * workers), 1), tail)
                pending.append(pool.apply_async(task, (students[head:end],)))
                head = end
            if not pending:
                break
            if tail > head and not pending[0].ready():
                tail -= 1
                drawn_here[tail] = _drawn_here(exam, students[tail], progress)
                continue
            for result in pending.popleft().get():
                yield _unwrap(result, progress)
    for i in sorted(drawn_here):
        yield _unwrap(drawn_here[i], None)


def _drawn_here(exam: ExamSpec, student: Student,
                progress: Callable[[int], None] | None) -> tuple[Variant, ...] | SpecError:
    """A student drawn in this process, counted as drawn (the sheet is passed on later)."""
    result = _student_draws(exam, student)
    if progress and not isinstance(result, SpecError):
        progress(1)
    return result


def _worker_signals() -> None:
    """A worker leaves signals to the main process. It inherits generate's SIGTERM handler,
    which raises an exception instead of exiting; when the pool ends its workers with SIGTERM
    (after an error in the main process) each printed that exception's traceback, and one
    whose exception library code swallowed lived on, waiting for work, while the pool waited
    for it (a 2,000-student build hung so). Ctrl-C reaches the whole process group: the main
    process alone reports it and ends the pool."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})  # blocked across the fork


PER_WORKER = 8  # fewer students per process than this: starting processes costs more than it saves


def _chunk_draws(exam: ExamSpec, students: tuple[Student, ...]) -> list[tuple[Variant, ...] | SpecError]:
    return [_student_draws(exam, student) for student in students]


def _student_draws(exam: ExamSpec, student: Student) -> tuple[Variant, ...] | SpecError:
    try:
        return tuple(draw(exam, student, pspec) for pspec in exam.problems)
    except SpecError as error:  # returned, not raised: it crosses the process boundary intact
        return error


def _unwrap(result: tuple[Variant, ...] | SpecError, progress: Callable[[int], None] | None) -> tuple[Variant, ...]:
    if isinstance(result, SpecError):
        raise result
    if progress:
        progress(1)
    return result
