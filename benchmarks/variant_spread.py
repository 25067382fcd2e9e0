"""How comparable the variants of one problem are (issue 15): per kind and number style, over
many students, the spread of

* the work: the printed steps that carry numbers (entries of a matrix step counted one by one);
* the magnitudes: the largest and the smallest nonzero |key value| of a variant, as powers of ten.

A fair problem has a narrow work column (every student computes as much) and magnitudes
within a decade or two. Prints a Markdown table; the figures go into the issue notes.
Run: python benchmarks/variant_spread.py [students]
"""

from __future__ import annotations

import math
import statistics
import sys
from dataclasses import replace

from gradsheet.generate import spec
from gradsheet.generate.problems import NAMES
from gradsheet.generate.roster import Student
from gradsheet.generate.variants import draw

DECIMAL = ("forward", "backprop", "update", "batching", "dropout", "autodiff")


def _work(problem) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for section in problem.solution for step in section.steps
               for leaf in (step.detail or (step,)) if leaf.substituted)


def _magnitudes(problem) -> tuple[float, float] | None:  # type: ignore[no-untyped-def]
    # computed answers only: autodiff's pass counts (n, m of a Jacobian) are given, not computed
    values = [abs(a.key_value) for a in problem.answers if isinstance(a.key_value, (int, float)) and
              not isinstance(a.key_value, bool) and a.key_value != 0 and not a.part.startswith("passes")]
    if not values:
        return None
    return math.log10(max(values)), math.log10(min(values))


def _spread(values: list[float]) -> str:
    ordered = sorted(values)
    low, high = ordered[len(ordered) // 10], ordered[(9 * len(ordered)) // 10]
    return f"{statistics.median(ordered):.3g} [{low:.3g}, {high:.3g}]"


def main(students: int = 200) -> None:
    print("| kind | style | variants | printed steps: median [10 %, 90 %] (min–max) | "
          "log10 max |key| | log10 min |key| |")
    print("|---|---|---|---|---|---|")
    for kind in NAMES:
        for style in ("integer", "decimal") if kind in DECIMAL else ("default",):
            table = {"kind": kind} | ({"numbers": style} if style != "default" else {})
            exam = spec.parse({"title": "spread", "seed": 7, "problems": [table]})
            work, high, low = [], [], []
            for i in range(students):
                problem = draw(replace(exam, seed=7), Student(f"s{i:04d}", ""), exam.problems[0]).problem
                work.append(_work(problem))
                sizes = _magnitudes(problem)
                if sizes:
                    high.append(sizes[0])
                    low.append(sizes[1])
            print(f"| {kind} | {style} | {students} | {_spread(work)} ({min(work)}–{max(work)}) | "
                  f"{_spread(high) if high else '–'} | {_spread(low) if low else '–'} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
