#!/usr/bin/env bash
# Two commits' build CPU (or wall time) measured against each other, interleaved:
#   benchmarks/ab.sh A B [RUNS] [cpu|wall]
# checks out A, builds the 100-student demo with per-student PDFs, checks out B, builds, RUNS
# times (default 10), and prints the medians and minima. This machine's speed drifts by a third
# within the hour, so two commits measured an hour apart say nothing about a change under
# 0.1 CPU-s; interleaved, they do. "cpu" is the build's CPU less TeX's (as bench_generate.py
# measures it: pdflatex behind a wrapper that logs its CPU), "wall" the build's seconds.
#
# A and B are resolved to commit hashes first: after checking out A, "HEAD" would be A itself.
# The working tree must be clean (it is checked out); the branch is restored at the end. The
# package must be installed editable (pip install -e .) from this checkout.
set -euo pipefail
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
a=$(git -C "$repo" rev-parse --verify "$1^{commit}")
b=$(git -C "$repo" rev-parse --verify "$2^{commit}")
runs=${3:-10}
what=${4:-cpu}
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  echo "ab.sh: the working tree has changes; commit or stash them first" >&2; exit 2
fi
branch=$(git -C "$repo" symbolic-ref --quiet --short HEAD || git -C "$repo" rev-parse HEAD)
work=$(mktemp -d)
trap 'git -C "$repo" checkout -q "$branch"; rm -rf "$work"' EXIT
cd "$work"  # not the repository: there ./gradsheet would shadow the installed package
cp "$repo/benchmarks/bench_generate.py" "$work/bench_generate.py"  # the same measuring code for both commits
python3 - "$work" <<'PY'
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import bench_generate as b
folder = Path(sys.argv[1])
b.roster(folder, [f"Student Number {i}" for i in range(1, 101)], "latin")
b.tex_wrappers(folder)
PY
measure() {
  python3 - "$work" "$what" <<'PY'
import os, resource, subprocess, sys, time
folder, what = sys.argv[1], sys.argv[2]
log = os.path.join(folder, "tex-cpu.log")
if os.path.exists(log):
    os.unlink(log)
env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
env["PATH"] = os.path.join(folder, "bin") + os.pathsep + env["PATH"]
usage = lambda: (lambda u: u.ru_utime + u.ru_stime)(resource.getrusage(resource.RUSAGE_CHILDREN))
cpu, start = usage(), time.perf_counter()
subprocess.run([sys.executable, "-m", "gradsheet.generate", "--demo", "--roster", os.path.join(folder, "latin.csv"),
                "--per-student", "--out", os.path.join(folder, "out"), "--force"], env=env, check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall, cpu = time.perf_counter() - start, usage() - cpu
tex = sum(float(v) for v in open(log).read().split())
print(f"{cpu - tex:.3f}" if what == "cpu" else f"{wall:.3f}")
PY
}
ra=(); rb=()
for _ in $(seq "$runs"); do
  git -C "$repo" checkout -q "$a"; ra+=("$(measure)")
  git -C "$repo" checkout -q "$b"; rb+=("$(measure)")
done
python3 - "${ra[*]}" "${rb[*]}" "$what" "${a:0:9}" "${b:0:9}" <<'PY'
import statistics, sys
a, b = ([float(v) for v in s.split()] for s in sys.argv[1:3])
unit = "CPU-s (Python and the rest, TeX's CPU taken out)" if sys.argv[3] == "cpu" else "s (the build's wall time)"
print(f"{len(a)} runs each, {unit}")
print(f"  A {sys.argv[4]}: median {statistics.median(a):.3f}, min {min(a):.3f}")
print(f"  B {sys.argv[5]}: median {statistics.median(b):.3f}, min {min(b):.3f}")
PY
