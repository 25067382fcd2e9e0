"""CPU time to draw one variant of each problem kind, as a build draws them (one process).

Issue 38 sets the targets: a backprop variant under 0.5 ms, an update variant under 2 ms
(today SymPy's exact arithmetic makes them 2–5 ms). Each kind is drawn with its defaults at
every difficulty for ``--students`` students (fewer where a kind's defaults have fewer distinct
variants than that class needs); the figure is CPU ms per variant, rejected draws included,
the median of three rounds.

Run: python benchmarks/bench_draw.py [--students 100]
"""

from __future__ import annotations

import argparse
import statistics
import time

from gradsheet.generate import problems, spec, variants
from gradsheet.generate.roster import Student
from gradsheet.generate.spec import DIFFICULTIES

TARGETS_MS = {"backprop": 0.5, "update": 2.0}


def per_variant_ms(kind: str, difficulty: str, students: tuple[Student, ...]) -> float | None:
    exam = spec.parse({"title": "bench", "seed": 1, "problems": [{"kind": kind, "difficulty": difficulty}]})
    # a kind with fewer distinct variants than the class (the activation kind's three or four
    # default activations: 40 points each) is drawn for as many students as it can serve
    distinct = problems.get(kind).capacity(exam.problems[0].options)
    if distinct is not None:
        students = students[:distinct // variants.FILL]
    if len(students) < 10:
        return None  # too few distinct variants to measure (param_count, easy)
    rounds = []
    for _ in range(3):
        start = time.process_time()
        variants.draw_all(exam, students, workers=1)
        rounds.append(1000 * (time.process_time() - start) / len(students))
    return statistics.median(rounds)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=100)
    args = ap.parse_args()
    students = tuple(Student(f"s{i:04d}", "") for i in range(args.students))
    variants.draw_all(spec.parse({"title": "warm", "problems": [{"kind": "backprop"}]}), students[:2], workers=1)
    print(f"CPU ms per variant, {args.students} students, one process (median of 3):")
    print(f"  {'kind':16}" + "".join(f"{d:>10}" for d in DIFFICULTIES) + "   target")
    for kind in problems.NAMES:
        cells = "".join("         –" if (ms := per_variant_ms(kind, d, students)) is None else f"{ms:10.2f}"
                        for d in DIFFICULTIES)
        target = f"   <= {TARGETS_MS[kind]} (medium)" if kind in TARGETS_MS else ""
        print(f"  {kind:16}{cells}{target}")


if __name__ == "__main__":
    main()
