"""The ``generate`` command: an exam spec in, sheets, solutions and the answer key out."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from dataclasses import replace
from importlib import resources
from pathlib import Path

from gradsheet.derive.errors import OneLineParser, SpecError

DESCRIPTION = """\
Build randomized forward-/backprop exercise sheets: one unique variant per student, drawn
from (exam seed, student id, problem index), with worked solutions and an answer key.

Writes into --out (default output/<exam name>/):
  exam.pdf        every student's sheet, one after the other (print once)
  solutions.pdf   the worked solutions, in the same order
  key.json        per student and answer: value, tolerance, the variant's network
  key.csv         student,problem,part,value,tolerance
  tex/            the LaTeX sources
  sheets/<id>.pdf    one exam PDF per student (with --per-student)
  solutions/<id>.pdf one solutions PDF per student (with --per-student)
  moodle.xml      with --format moodle: one Cloze question per variant, a category per problem
  qti.zip         with --format qti: an IMS QTI 2.1 package, one item per variant"""

EPILOG = """\
examples:
  generate --demo                              the demo exam, all problem kinds, into output/demo/
  generate quiz.toml --roster class.csv        one sheet per student of class.csv (columns id,name)
  generate quiz.toml --seed 7 --per-student    another draw, and one PDF per student
  generate quiz.toml --format tex              LaTeX sources only, no pdflatex
  generate quiz.toml --format pdf,moodle,qti   the PDFs, moodle.xml (Question bank → Import → Moodle XML)
                                               and qti.zip (import as a QTI 2.1 package)
  generate --kinds                             the problem kinds and what they ask
  generate --kinds backprop                    a kind's options, what they accept, their defaults
  generate --grade output/quiz/key.json --answers answers.csv
                                               grade a class: grades, parts, the class report
  generate --grade output/quiz/key.json --answers responses.csv
                                               regrade an online quiz with carried credit: Moodle's
                                               Responses report, or QTI results (--answers results/)

grading (--grade KEY --answers CSV): the CSV has columns student,problem,part,value with the
key's part names (z1[1], grad_W1[2,2], …). A part is right within the key's tolerance; on
every kind a wrong part that follows from the student's own earlier answers is
"carried" (full credit: one slip costs one step), and a typical mistake is named. Writes
grades.csv, parts.csv, unread.csv and the class report (report.pdf: score histogram, problems,
parts, the most frequent mistakes, students to look at; its tables as report-*.csv) into
output/<exam>-grading/ beside the build folder, where a rebuild cannot erase them (or into
--out); prints one line per problem. Part names
may differ in case and spaces (Z1[1], "grad_W1[1, 1]"), a value may have a decimal comma (0,0331).
A row that names no student, problem or part of the key is not graded: it is listed (line and
why) on stderr and in unread.csv, the rest is graded, and the exit status is 1.
--answers also reads an online quiz built from moodle.xml or qti.zip: Moodle's Responses
report (CSV with Response and Right answer included; the right answers say which variant each
slot was, the identity column is ID number, Username or Email address, or --roster-columns
id=…), or QTI 2.1 assessmentResult files (an .xml, a folder or a zip). The same grading, plus
gradebook.csv for Moodle's CSV grade import.

The exam spec is TOML: title, course, date, instructions, seed, decimals, roster, [notation],
language ("en" or "de"), decimal_comma, answer_space, and [[problems]] tables (kind, points,
difficulty, the kind's options; network = "lecture.toml" with vary = [...] for your own
network; text and questions for your own wording). See README.md, "Your own network, wording
and language".
Bad input gets one line naming the field and the fix, and exit status 2."""


def parser() -> argparse.ArgumentParser:
    ap = OneLineParser(prog="generate", description=DESCRIPTION, epilog=EPILOG,
                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("spec", nargs="?", help="exam spec (.toml)")
    ap.add_argument("--demo", action="store_true", help="build the demo exam shipped with gradsheet")
    ap.add_argument("--kinds", nargs="?", const="", metavar="KIND",
                    help="list the problem kinds; with a KIND, its options, what they accept and their defaults")
    ap.add_argument("--seed", type=int, help="the exam's seed (overrides the spec's)")
    ap.add_argument("--roster", type=Path, metavar="FILE.csv",
                    help="students, columns id,name (overrides the spec's); an LMS's export is read as it comes "
                         "(',' ';' or tab, 'ID number', 'First name', 'Last name', …)")
    ap.add_argument("--roster-columns", metavar="ROLE=COLUMN,…",
                    help="which roster columns hold the id and name where the header names them otherwise: "
                         "id=Matrikelnummer,name=Name (or first=…,last=…)")
    ap.add_argument("--variants", type=int, metavar="N",
                    help="N variants per problem (v1, v2, …) instead of a roster's students (overrides the "
                         "spec's roster), e.g. for a Moodle question bank")
    ap.add_argument("--out", type=Path, metavar="DIR", help="destination (default output/<exam name>/)")
    ap.add_argument("--force", action="store_true", help="replace an existing destination")
    ap.add_argument("--format", default="pdf", metavar="LIST",
                    help="pdf (default), tex (LaTeX sources only, no pdflatex), moodle (moodle.xml: Cloze "
                         "questions for Moodle's question bank), qti (qti.zip: an IMS QTI 2.1 package for Canvas, "
                         "ILIAS, OpenOLAT); several comma-separated: pdf,moodle,qti")
    ap.add_argument("--per-student", action="store_true", help="also one exam and one solutions PDF per student (sheets/, solutions/)")
    ap.add_argument("--templates", type=Path, metavar="DIR", help="your own templates, searched first (sandboxed)")
    ap.add_argument("--grade", type=Path, metavar="KEY.json", help="grade the --answers of a class against this key")
    ap.add_argument("--answers", type=Path, metavar="FILE.csv", help="the class's answers: student,problem,part,value; or Moodle's Responses report (CSV), or QTI "
                         "results (.xml, a folder or a .zip of them)")
    ap.add_argument("--timeout", type=int, default=300, metavar="S", help="pdflatex time limit per document (300)")
    return ap


def demo_spec() -> Path:
    return Path(str(resources.files("gradsheet.generate.demo") / "demo.toml"))


def kinds_listing() -> str:
    from . import problems

    lines = ["problem kinds (kind = \"…\" in [[problems]]):"]
    for name in problems.NAMES:
        kind = problems.get(name)
        lines.append(f"  {name:<15} {kind.summary}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    # imported here, not above: --help and a usage error answer at once, without SymPy
    from . import problems, roster, spec
    from .build import Request, build, formats

    ap = parser()
    if args.kinds is not None:
        ap.refuse_unused(args, "--kinds", {"kinds"})
        if not args.kinds:
            sys.stdout.write(kinds_listing())
            return 0
        if args.kinds not in problems.NAMES:
            raise SpecError("--kinds", f"unknown problem kind {args.kinds!r}", f"use one of {', '.join(problems.NAMES)}")
        from .reference import reference

        sys.stdout.write(reference(args.kinds))
        return 0
    if args.timeout <= 0:
        raise SpecError("--timeout", "must be positive", "give seconds, e.g. --timeout 300")
    formats(args.format)
    if args.grade or args.answers:
        ap.refuse_unused(args, "grading (--grade)", {"grade", "answers", "out", "force", "format", "timeout", "spec", "demo",
                                                            "roster_columns"})
        return _grade(args)
    ap.refuse_unused(args, "building an exam", {"spec", "demo", "seed", "roster", "roster_columns", "variants", "out",
                                                "force", "format", "per_student", "templates", "timeout"})
    if args.demo == bool(args.spec):
        raise SpecError("spec", "give an exam spec or --demo (not both)", "run `generate --demo` or `generate quiz.toml`")
    exam = spec.load(demo_spec() if args.demo else args.spec)
    if args.seed is not None:
        if not 0 <= args.seed <= spec.MAX_SEED:
            raise SpecError("--seed", "must be an integer from 0 to 2^64 − 1", "give e.g. --seed 7")
        exam = replace(exam, seed=args.seed)
    if args.variants is not None and args.roster:
        raise SpecError("--variants", "a roster names the variants already", "give --roster or --variants, not both")
    columns = roster.columns_option(args.roster_columns) if args.roster_columns is not None else None
    if args.variants is not None and exam.roster is not None:
        roster.load(exam.roster, columns)  # --variants overrides the spec's roster, which must still be one
    roster_path = None if args.variants is not None else args.roster or exam.roster
    if columns is not None and roster_path is None:
        raise SpecError("--roster-columns", "there is no roster to read", "give --roster FILE.csv, or leave it out")
    students = roster.load(roster_path, columns) if roster_path else \
        roster.drawn(args.variants) if args.variants is not None else roster.SAMPLE
    if args.templates is not None and not args.templates.is_dir():
        raise SpecError("--templates", f"{args.templates} is not a folder", "give the folder holding your .tex.j2 files")
    out = args.out or Path("output") / exam.name
    started = time.perf_counter()
    made, sheets = build(Request(exam, students, out, args.force, args.format, args.per_student, args.templates,
                                 args.timeout))
    files = sorted(p.relative_to(made).as_posix() for p in made.iterdir())
    from .grading.grade import stale_grades

    stale = stale_grades(made)
    if stale is not None:
        sys.stderr.write(f"generate: the class graded in {stale} was graded against the exam this build replaced; "
                         "grade it again against the new key.json\n")
    sys.stdout.write(f"{made}/: {', '.join(files)}\n"
                     f"{len(sheets)} student(s) × {len(exam.problems)} problem(s), "
                     f"{sum(len(v.problem.answers) for s in sheets for v in s.variants)} key entries, "
                     f"{time.perf_counter() - started:.1f} s\n")
    return 0


UNREAD_SHOWN = 50  # rows not graded named on stderr; a class's worth, not a runaway file's


def _grade(args: argparse.Namespace) -> int:
    from . import roster
    from .build import formats
    from .grading import grade, online, report_pdf

    if not (args.grade and args.answers):
        raise SpecError("--grade" if not args.grade else "--answers", "grading needs both --grade KEY.json and --answers",
                        "run generate --grade output/quiz/key.json --answers answers.csv")
    if args.spec or args.demo:
        raise SpecError("spec", "grading takes no exam spec", "drop the spec; the key holds every variant")
    key = grade.load_key(args.grade)
    columns = roster.columns_option(args.roster_columns) if args.roster_columns is not None else None
    quiz = online.read(args.answers, key, columns)
    if quiz is None:
        if columns is not None:
            raise SpecError("--roster-columns", "the answers CSV names its students in its student column",
                            "drop --roster-columns: it picks the identity column of an LMS's report")
        placed = grade.place(key, grade.load_answers(args.answers))
    else:
        key = quiz.key
        placed = grade.place(key, quiz.answers)
    grades = grade.grade(key, placed)
    out = args.out or grade.grading_folder(args.grade)
    report = grade.report(key, grades, placed)
    contents: dict[str, str | bytes] = dict(grade.files(key, grades, placed, report))
    if quiz is not None:
        contents["gradebook.csv"] = online.gradebook(key, grades, quiz.identity)
    if "pdf" in formats(args.format):
        contents["report.pdf"] = report_pdf.compile_pdf(str(contents["report.tex"]), args.timeout)
    written = grade.write(out, contents, args.force, grade.key_digest(args.grade))
    sys.stdout.write(grade.summary(key, grades) + grade.class_line(report) + "".join(f"wrote {p}\n" for p in written))
    if placed.absent:
        sys.stderr.write(f"generate: no answers from {len(placed.absent)} student(s) of the key, each scored 0: "
                         f"{', '.join(placed.absent[:20])}{', …' if len(placed.absent) > 20 else ''}\n")
    for u in placed.unread[:UNREAD_SHOWN]:  # all of them are in unread.csv
        sys.stderr.write(f"generate: {args.answers} {u.at} not graded: {u.why}\n")
    if placed.unread:
        sys.stderr.write(f"generate: {len(placed.unread)} row(s) not graded, listed in {out / 'unread.csv'}; "
                         "fix them and grade again with --force\n")
        return 1
    return 0


def _terminated(signum: int, frame: object) -> None:
    raise Terminated()


class Terminated(BaseException):
    """SIGTERM, raised where the program is, so that the build's cleanup runs."""


def main(argv: list[str] | None = None) -> int:
    try:
        previous = signal.signal(signal.SIGTERM, _terminated)
    except ValueError:  # not the main thread (a notebook's worker): leave SIGTERM alone
        previous = None
    try:
        return run(parser().parse_args(argv))
    except Terminated:
        sys.stderr.write("generate: terminated; nothing was written\n")
        return 143
    except SpecError as error:
        sys.stderr.write(f"generate: error: {error}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("generate: interrupted; nothing was written\n")
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
