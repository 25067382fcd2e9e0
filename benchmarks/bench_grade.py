"""Speed of `generate --grade` for a class of 100 whose answers are 40 % wrong.

The exam holds every kind whose parts follow from each other (the trace kinds through
derive's checker, batching, dropout, regularization, activation and autodiff through their
own followers), so each wrong answer is followed: carried values recomputed from the
student's own, typical slips tried. The answers are the key's values, 40 % of them off by
1, −1 or 0.5 (a fixed random choice), so every run grades the same class.

Figures: the median of three grading runs (wall and CPU seconds, the report PDF included),
per student, and the same without the report's TeX run (its own time, measured apart with the
engine the report asks for, is subtracted).

Run: python benchmarks/bench_grade.py
"""

from __future__ import annotations

import csv
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STUDENTS = 100
EXAM = {"title": "Grading benchmark", "name": "bench", "seed": 3, "decimals": 4, "problems": [
    {"kind": "forward"}, {"kind": "backprop"}, {"kind": "update"},
    {"kind": "batching", "numbers": "integer"}, {"kind": "batching", "numbers": "decimal"},
    {"kind": "dropout", "numbers": "decimal"}, {"kind": "regularization"},
    {"kind": "activation", "activation": ["sigmoid", "tanh", "relu", "elu", "softplus"]}, {"kind": "autodiff"}]}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of the command and everything it ran."""
    cpu, start = children_cpu(), time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start, children_cpu() - cpu


def answers(key_csv: Path, out: Path) -> int:
    rng = random.Random(1)
    wrong = 0
    with key_csv.open(encoding="utf-8") as source, out.open("w", newline="", encoding="utf-8") as target:
        writer = csv.writer(target)
        writer.writerow(["student", "problem", "part", "value"])
        for row in csv.DictReader(source):
            value = row["value"]
            try:
                number = float(value)
            except ValueError:
                writer.writerow([row["student"], row["problem"], row["part"], value])
                continue
            if rng.random() < 0.4:
                number += rng.choice([1, -1, 0.5])
                wrong += 1
            writer.writerow([row["student"], row["problem"], row["part"], repr(round(number, 6))])
    return wrong


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "exam.json").write_text(json.dumps(EXAM), encoding="utf-8")
        (folder / "class.csv").write_text("id,name\n" + "".join(f"s{i:03d},Student {i}\n"
                                                               for i in range(1, STUDENTS + 1)), encoding="utf-8")
        build = folder / "build"
        subprocess.run([sys.executable, "-m", "gradsheet.generate", str(folder / "exam.json"), "--roster",
                        str(folder / "class.csv"), "--format", "tex", "--out", str(build)], check=True,
                       stdout=subprocess.DEVNULL)
        wrong = answers(build / "key.csv", folder / "answers.csv")
        rows = sum(1 for _ in (folder / "answers.csv").open(encoding="utf-8")) - 1
        runs = []
        for _ in range(3):
            shutil.rmtree(folder / "build-grading", ignore_errors=True)
            runs.append(run([sys.executable, "-m", "gradsheet.generate", "--grade", str(build / "key.json"),
                             "--answers", str(folder / "answers.csv")]))
        from gradsheet.generate.pdf import FLAGS, engine

        report = folder / "build-grading" / "report.tex"
        name = engine(report)  # LuaLaTeX where the report holds text pdflatex cannot set
        tex = statistics.median(run([name, *FLAGS, "-output-directory", str(folder), str(report)])[0]
                                for _ in range(3))
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"grading {STUDENTS} students, {len(EXAM['problems'])} problems, {rows} answers ({wrong} wrong)")
        print(f"  {wall:.2f} s median (runs: {', '.join(f'{w:.2f}' for w, _ in runs)}), {cpu:.2f} CPU-s")
        print(f"  the report's {name} run alone: {tex:.2f} s; grading without it {wall - tex:.2f} s "
              f"= {1000 * (wall - tex) / STUDENTS:.1f} ms a student")


if __name__ == "__main__":
    main()
