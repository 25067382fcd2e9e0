"""Speed of `generate --demo --roster <100 students> --per-student`, against TeX's own floor.

Issue 19's targets, all measured here in the same run on the same machine:

* the build at most 1.5 × the **floor**: compiling the build's own ``exam.tex`` and
  ``solutions.tex`` once each, both at once (pdflatex alone, no Python);
* the build at most 30 **yardsticks** (one pdflatex run of a minimal exam-class document), so
  that the floor cannot be raised to win;
* ``derive`` for a 2-2-1 network in float mode without the symbolic route: at most 0.3 s;
* (issue 38) Python's CPU at most 0.6 × TeX's, both measured in the same builds: the build's
  ``pdflatex`` and ``lualatex`` are wrappers on its PATH that log the CPU of each TeX run;
  and a build whose kinds need no SymPy (``param_count``) runs without importing it.

Python runs as an installed copy does, with its bytecode cached (:func:`installed`).

The CPU lines say what the machine allows: the build's CPU seconds (its pdflatex runs
included) over the cores is the least time any schedule can take, and 1.5 × the floor on
those cores leaves Python a budget of 1.5 · floor · cores minus TeX's own CPU.

Each figure is the median of three runs (five for the short ones). The breakdown measures
each stage alone, in one process (``--stages``; the build overlaps them): Python's imports,
drawing the 600 variants (CPU time, one process), rendering both documents, the key, and
splitting the PDFs per student; and the build's own timeline (first sheet settled, drawing
done, TeX done, the end). The same class with names in ten scripts compiles with LuaLaTeX
and its fallback fonts: ``--scripts`` adds its cost.

Run: python benchmarks/bench_generate.py [--stages] [--scripts]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
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

SCRIPTS = ("Nguyễn Văn", "李小龍", "Иванов", "محمد عبد", "שלום כהן", "अनुराग", "สมชาย", "김민준", "Δήμος", "Zoë 😀")
FLAGS = ["-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error"]  # the build's


def timed(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> float:
    return timed_cpu(command, cwd, env)[0]


def children_cpu() -> float:
    """CPU seconds (user and system) of every finished child process and its own children:
    the build's pdflatex runs count with it."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_cpu(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and everything it ran)."""
    cpu, start = children_cpu(), time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start, children_cpu() - cpu


def yardstick(folder: Path, runs: int = 5) -> float:
    (folder / "y.tex").write_text(MINIMAL)
    return statistics.median(timed(["pdflatex", *FLAGS, "y.tex"], folder) for _ in range(runs))


def roster(folder: Path, names: list[str], tag: str) -> Path:
    path = folder / f"{tag}.csv"
    path.write_text("id,name\n" + "".join(f"s{i:03d},{n}\n" for i, n in enumerate(names, start=1)), encoding="utf-8")
    return path


# a TeX engine in front of the real one on the build's PATH: it runs it and adds the CPU seconds
# of that run (and its children) to a log, so that one build tells TeX's CPU from Python's
WRAPPER = """#!{python} -S
import os, sys
real, log = {real!r}, {log!r}
pid = os.posix_spawn(real, [real, *sys.argv[1:]], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(log, "a") as out:
    out.write(f"{{usage.ru_utime + usage.ru_stime}}\\n")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def installed() -> dict[str, str]:
    """The environment with Python's bytecode cached, as an installed package has it (pip
    compiles it at install time, and any other run writes it on its first import). A machine
    with ``PYTHONDONTWRITEBYTECODE`` set (this one) would otherwise compile gradsheet's 150
    modules again in every build: 0.13 CPU-s that no installed copy spends. One warm-up run
    writes the bytecode; it is not timed."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "gradsheet.generate", "--demo", "--format", "tex", "--out", tmp,
                        "--force"], env=env, stdout=subprocess.DEVNULL, check=True)
    return env


def tex_wrappers(folder: Path) -> tuple[dict[str, str], Path]:
    """An environment whose pdflatex and lualatex log their CPU, and the log."""
    bin_dir, log = folder / "bin", folder / "tex-cpu.log"
    bin_dir.mkdir(exist_ok=True)
    for engine in ("pdflatex", "lualatex"):
        real = shutil.which(engine)
        if real is None:
            continue
        script = bin_dir / engine
        script.write_text(WRAPPER.format(python=sys.executable, real=real, log=str(log)))
        script.chmod(0o755)
    return {**installed(), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}, log


def build(folder: Path, class_csv: Path, tag: str) -> list[tuple[float, float, float]]:
    """(wall, CPU, TeX's CPU) seconds of three builds; the CPU counts everything the build ran."""
    env, log = tex_wrappers(folder)
    out = []
    for r in range(3):
        log.unlink(missing_ok=True)
        wall, cpu = timed_cpu([sys.executable, "-m", "gradsheet.generate", "--demo", "--roster", str(class_csv),
                               "--per-student", "--out", str(folder / f"{tag}{r}")], env=env)
        out.append((wall, cpu, sum(float(line) for line in log.read_text().split())))
    return out


def floor(folder: Path, built: Path, runs: int = 3) -> tuple[float, float]:
    """Both documents of the build compiled once each, at once, as the build compiles them:
    (wall, CPU) seconds, medians."""
    from gradsheet.generate.pdf import _env

    times, cpus = [], []
    for r in range(runs):
        work = folder / f"floor{r}"
        shutil.copytree(built / "tex", work)
        engines = ["lualatex" if (work / f"{d}.tex").read_text(encoding="utf-8").startswith("%!TEX program = lualatex")
                   else "pdflatex" for d in ("exam", "solutions")]
        cpu, start = children_cpu(), time.perf_counter()
        procs = [subprocess.Popen([e, *FLAGS, f"{d}.tex"], cwd=work, env=_env(), stdout=subprocess.DEVNULL)
                 for e, d in zip(engines, ("exam", "solutions"))]
        for p in procs:
            p.wait()
        times.append(time.perf_counter() - start)
        cpus.append(children_cpu() - cpu)
    return statistics.median(times), statistics.median(cpus)


def cpu_bound(total: float, build_cpu: float, tex_floor: float, tex_cpu: float, cores: int) -> None:
    """What the CPU the build needs allows: no schedule on ``cores`` cores ends before
    CPU / cores, and 1.5 × the floor leaves Python a budget of 1.5 · floor · cores − TeX's CPU."""
    rest = build_cpu - tex_cpu
    least = build_cpu / cores
    budget = 1.5 * tex_floor * cores - tex_cpu
    print(f"CPU: the build {build_cpu:.2f} CPU-s median (TeX {tex_cpu:.2f}, as in the floor; Python and the rest "
          f"{rest:.2f}) on {cores} cores")
    print(f"  the least time that CPU allows here: {least:.2f} s = {least / tex_floor:.2f} × the floor; "
          f"the build reaches {least / total:.0%} of it")
    print(f"  1.5 × the floor on {cores} cores allows {1.5 * tex_floor * cores:.2f} CPU-s in all: "
          f"{budget:.2f} beside TeX's {tex_cpu:.2f} (now {rest:.2f})")


def derive_start(runs: int = 5) -> tuple[float, float]:
    """``derive`` on a 2-2-1 network (float, no symbolic route), and a bare Python start."""
    cmd = [sys.executable, "-m", "gradsheet.derive", "--example", "herrmann-backprop", "--float", "--no-symbolic"]
    env = installed()
    return (statistics.median(timed(cmd, env=env) for _ in range(runs)),
            statistics.median(timed([sys.executable, "-c", "pass"]) for _ in range(runs)))


STAGES = r"""
import json, os, sys, time, tempfile, shutil
from pathlib import Path
t0 = time.perf_counter()
import gradsheet.generate.cli, gradsheet.generate.build
imports = time.perf_counter() - t0
from gradsheet.generate import variants, render, key, pdf, spec, roster
from gradsheet.generate.cli import demo_spec
exam, students = spec.load(demo_spec()), roster.load(Path(sys.argv[1]))
t = time.process_time(); sheets = variants.draw_all(exam, students, workers=1); draw = time.process_time() - t
env = render.templates()
t = time.perf_counter(); docs = {d: render.render(d, exam, sheets, env) for d in ("exam", "solutions")}
rendering = time.perf_counter() - t
t = time.perf_counter(); key.to_json(exam, sheets); key.to_csv(exam, sheets); keys = time.perf_counter() - t
built = Path(sys.argv[2]); out = Path(tempfile.mkdtemp())
t = time.perf_counter()
for d in ("exam", "solutions"):
    starts = [int(v) for v in Path(sys.argv[3], f"{d}.pages").read_text().split()[1::2]]
    pdf.split(built / f"{d}.pdf", starts, [out / f"{d}{i}.pdf" for i in range(len(starts))])
split = time.perf_counter() - t
variants_drawn = sum(len(s.variants) for s in sheets)
print(json.dumps({"imports": imports, "draw_cpu": draw, "variants": variants_drawn, "render": rendering,
                  "key": keys, "split": split}))
"""

TIMELINE = r"""
import sys, time, shutil
t0 = time.perf_counter()
marks = {}
def mark(name):
    marks.setdefault(name, time.perf_counter() - t0)
from gradsheet.generate import cli, build, pdf, variants
mark("imports done")
drawn = variants.draw_stream
def stream(*args, **kwargs):
    for n, sheet in enumerate(drawn(*args, **kwargs), start=1):
        if n == 1:
            mark("first sheet settled")
        yield sheet
    mark("drawing done")
build.draw_stream = stream
finish = pdf.Streaming.finish
def finished(self, timeout=300):
    made = finish(self, timeout)
    mark(f"TeX done ({self.tex.stem})")
    return made
pdf.Streaming.finish = finished
cli.main(["--demo", "--roster", sys.argv[1], "--per-student", "--out", sys.argv[2]])
mark("end")
import json; print(json.dumps(marks))
"""


def stages(folder: Path, class_csv: Path, built: Path) -> None:
    pages = folder / "pages"
    pages.mkdir()
    from gradsheet.generate.pdf import _env
    for d in ("exam", "solutions"):  # the page map the split needs (the build removes it)
        work = folder / f"map-{d}"
        shutil.copytree(built / "tex", work)
        subprocess.run(["pdflatex", *FLAGS, f"{d}.tex"], cwd=work, env=_env(), stdout=subprocess.DEVNULL, check=True)
        shutil.copyfile(work / f"{d}.pages", pages / f"{d}.pages")
    env = installed()
    data = json.loads(subprocess.run([sys.executable, "-c", STAGES, str(class_csv), str(built), str(pages)],
                                     capture_output=True, text=True, check=True, env=env).stdout)
    print("stages, each alone:")
    print(f"  imports (generate's cli and build)    {data['imports']:.2f} s")
    print(f"  drawing {data['variants']} variants, one process   {data['draw_cpu']:.2f} s CPU "
          f"({1000 * data['draw_cpu'] / data['variants']:.1f} ms a variant)")
    print(f"  rendering exam and solutions          {data['render']:.2f} s")
    print(f"  key.json and key.csv                  {data['key']:.2f} s")
    print(f"  splitting both PDFs per student       {data['split']:.2f} s")
    marks = json.loads(subprocess.run([sys.executable, "-c", TIMELINE, str(class_csv), str(folder / "timeline")],
                                      capture_output=True, text=True, check=True, env=env).stdout.splitlines()[-1])
    print("the build's timeline (TeX beside the drawing only on 4 cores or more):")
    for name, at in marks.items():
        print(f"  {at:5.2f} s  {name}")


COUNTING = """title = "Counting"
seed = 1
[[problems]]
kind = "param_count"
points = 2
difficulty = "hard"
"""

# the generate command as its entry point runs it (SymPy and mpmath deferred), or with both
# imported first, as every build did before they were deferred
COUNTING_BUILD = r"""
import sys
if sys.argv[1] == "eager":
    import sympy, mpmath
from gradsheet.derive.deferred import defer
defer()
from gradsheet.generate.cli import main
sys.exit(main(sys.argv[2:]))
"""


def counting_build(folder: Path, runs: int = 5) -> tuple[float, float]:
    """(deferred, eager) CPU seconds, medians, of a 100-student ``param_count`` build into
    LaTeX sources: a build whose kinds need no SymPy does not import it (issue 38, item 2)."""
    spec_path = folder / "counting.toml"
    spec_path.write_text(COUNTING)
    env = installed()
    figures = []
    for how in ("deferred", "eager"):
        figures.append(statistics.median(
            timed_cpu([sys.executable, "-c", COUNTING_BUILD, how, str(spec_path), "--variants", "100", "--format",
                       "tex", "--out", str(folder / f"counting-{how}"), "--force"], env=env)[1]
            for _ in range(runs)))
    return figures[0], figures[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stages", action="store_true", help="measure each stage alone, and the build's timeline")
    ap.add_argument("--scripts", action="store_true", help="also the class with names in ten scripts (LuaLaTeX)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        stick = yardstick(folder)
        latin = roster(folder, [f"Student Number {i}" for i in range(1, 101)], "latin")
        measured = build(folder, latin, "latin")
        runs = [wall for wall, _, _ in measured]
        total, build_cpu = statistics.median(runs), statistics.median(cpu for _, cpu, _ in measured)
        python_cpu = statistics.median(cpu - tex for _, cpu, tex in measured)
        own_tex_cpu = statistics.median(tex for _, _, tex in measured)
        tex_floor, tex_cpu = floor(folder, folder / "latin0")
        pages = {d: next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(folder / "latin0" / f"{d}.pdf")],
                                                                     capture_output=True, text=True).stdout.splitlines()
                         if line.startswith("Pages")) for d in ("exam", "solutions")}
        print(f"yardstick (minimal exam-class pdflatex run): {stick * 1000:.0f} ms")
        print(f"demo exam, 100 students, per-student PDFs:   {total:.2f} s median "
              f"(runs: {', '.join(f'{t:.2f}' for t in runs)}); exam {pages['exam']} pages, "
              f"solutions {pages['solutions']} pages")
        print(f"TeX floor (its exam.tex and solutions.tex at once): {tex_floor:.2f} s")
        print(f"cost: {total / tex_floor:.2f} × the floor (target <= 1.5), "
              f"{total / stick:.1f} yardsticks (target <= 30)")
        print(f"in the build itself: Python and the rest {python_cpu:.2f} CPU-s, TeX {own_tex_cpu:.2f} CPU-s: "
              f"{python_cpu / own_tex_cpu:.2f} × TeX's CPU (target <= 0.6)")
        cpu_bound(total, build_cpu, tex_floor, tex_cpu, len(os.sched_getaffinity(0)))
        start, bare = derive_start()
        print(f"derive, 2-2-1 network, float, no symbolic route: {start:.2f} s (target <= 0.3; "
              f"a bare Python start: {bare:.2f} s)")
        deferred, eager = counting_build(folder)
        print(f"param_count alone, 100 variants, LaTeX only: {deferred:.2f} CPU-s without SymPy and mpmath "
              f"({eager:.2f} CPU-s with both imported)")
        if args.stages:
            stages(folder, latin, folder / "latin0")
        if args.scripts:
            scripts = roster(folder, [f"{SCRIPTS[i % len(SCRIPTS)]} {i}" for i in range(1, 101)], "scripts")
            runs = [wall for wall, _, _ in build(folder, scripts, "scripts")]
            lua_floor = floor(folder, folder / "scripts0")[0]
            print(f"the same, names in ten scripts (LuaLaTeX): {statistics.median(runs):.2f} s median "
                  f"(runs: {', '.join(f'{t:.2f}' for t in runs)}); its floor {lua_floor:.2f} s, "
                  f"{statistics.median(runs) / lua_floor:.2f} × the floor, {statistics.median(runs) / stick:.1f} yardsticks")


if __name__ == "__main__":
    main()
