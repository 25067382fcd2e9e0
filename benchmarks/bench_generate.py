"""Speed of `generate --demo --roster <100 students> --per-student`, in yardsticks.

A yardstick is one pdflatex run of a minimal one-page exam-class document, timed here in the
same run, so the figure means the same on any machine. The issue's target: at most 10.
The same class with names in ten scripts (Vietnamese, Chinese, Russian, Arabic, Hebrew, Hindi,
Thai, Korean, Greek, emoji) compiles with LuaLaTeX and its fallback fonts: its cost is the
second figure.
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


SCRIPTS = ("Nguyễn Văn", "李小龍", "Иванов", "محمد عبد", "שלום כהן", "अनुराग", "สมชาย", "김민준", "Δήμος", "Zoë 😀")


def build(folder: Path, names: list[str], tag: str) -> tuple[float, list[float]]:
    roster = folder / f"{tag}.csv"
    roster.write_text("id,name\n" + "".join(f"s{i:03d},{n}\n" for i, n in enumerate(names, start=1)),
                      encoding="utf-8")
    runs = []
    for r in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "gradsheet.generate", "--demo", "--roster", str(roster), "--per-student",
                        "--out", str(folder / f"{tag}{r}")], check=True, stdout=subprocess.DEVNULL)
        runs.append(time.perf_counter() - start)
    return min(runs), runs


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        stick = yardstick(folder)
        best, runs = build(folder, [f"Student Number {i}" for i in range(1, 101)], "latin")
        pages = subprocess.run(["pdfinfo", str(folder / "latin0" / "exam.pdf")], capture_output=True, text=True).stdout
        pages = next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages"))
        print(f"yardstick (minimal exam-class pdflatex run): {stick * 1000:.0f} ms")
        print(f"demo exam, 100 students, per-student PDFs:   {best:.2f} s (runs: {', '.join(f'{t:.2f}' for t in runs)})")
        print(f"exam.pdf pages: {pages}")
        print(f"cost: {best / stick:.1f} yardsticks (target <= 10)")
        scripts, runs = build(folder, [f"{SCRIPTS[i % len(SCRIPTS)]} {i}" for i in range(1, 101)], "scripts")
        print(f"the same, names in ten scripts (LuaLaTeX):  {scripts:.2f} s (runs: {', '.join(f'{t:.2f}' for t in runs)})")
        print(f"cost: {scripts / stick:.1f} yardsticks, {scripts / best:.2f} × the Latin class")


if __name__ == "__main__":
    main()
