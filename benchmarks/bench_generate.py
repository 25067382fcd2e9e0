"""Speed of `generate --demo --roster <100 students> --per-student`, in yardsticks.

A yardstick is one pdflatex run of a minimal one-page exam-class document, timed here in the
same run, so the figure means the same on any machine. The issue's target: at most 10.
Run: python benchmarks/bench_generate.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

MINIMAL = r"""\documentclass{exam}
\begin{document}
\begin{questions}\question[1] One question.\end{questions}
\end{document}
"""


def yardstick(folder: Path, runs: int = 5) -> float:
    (folder / "y.tex").write_text(MINIMAL)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "y.tex"], cwd=folder,
                       stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        roster = folder / "students.csv"
        roster.write_text("id,name\n" + "".join(f"s{i:03d},Student Number {i}\n" for i in range(1, 101)))
        stick = yardstick(folder)
        runs = []
        for r in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "generate", "--demo", "--roster", str(roster), "--per-student",
                            "--out", str(folder / f"out{r}")], check=True, stdout=subprocess.DEVNULL)
            runs.append(time.perf_counter() - start)
        best = min(runs)
        pages = subprocess.run(["pdfinfo", str(folder / "out0" / "exam.pdf")], capture_output=True, text=True).stdout
        pages = next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages"))
        print(f"yardstick (minimal exam-class pdflatex run): {stick * 1000:.0f} ms")
        print(f"demo exam, 100 students, per-student PDFs:   {best:.2f} s (runs: {', '.join(f'{t:.2f}' for t in runs)})")
        print(f"exam.pdf pages: {pages}")
        print(f"cost: {best / stick:.1f} yardsticks (target <= 10)")


if __name__ == "__main__":
    main()
