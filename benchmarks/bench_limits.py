"""Time and memory of `derive` at its limits: the worst inputs each limit admits.

    python benchmarks/bench_limits.py [--quick]

Each case is a spec at a limit of ``derive/limits.py`` (README, "Limits"), wide and deep,
with two-decimal weights (rationals whose denominators grow layer by layer) and irrational
activations where the mode computes them. Every case runs as its own `derive` process; the
table gives its wall time and peak memory (the child's maximum resident set). The promise:
every accepted input finishes within 30 s and 1 GB on the 2-core reference machine. A case
past a limit must be refused at once; those are timed too.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gradsheet.derive.limits import (MAX_EXAMPLES, MAX_PARAMETERS, MAX_VALUES_EXACT, MAX_VALUES_IRRATIONAL,
                                     MAX_VALUES_PRINTED)

SECONDS, MEGABYTES = 30, 1024


def spec(sizes: list[int], examples: int, activation: str, seed: int = 1) -> dict:
    rng = random.Random(seed)

    def number() -> float:
        return round(rng.uniform(-1, 1), 2) or 0.01

    layers = [{"weights": [[number() for _ in range(a)] for _ in range(b)], "bias": [number() for _ in range(b)],
               "activation": activation} for a, b in zip(sizes, sizes[1:])]
    layers[-1]["activation"] = "identity"
    return {"loss": "half_sse", "layers": layers,
            "examples": [{"x": [number() for _ in range(sizes[0])], "y": [number() for _ in range(sizes[-1])]}
                         for _ in range(examples)]}


def parameters(sizes: list[int]) -> int:
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


def examples_for(sizes: list[int], values: int) -> int:
    return max(1, min(MAX_EXAMPLES, values // parameters(sizes)))


WIDE = [10, 900, 10]              # 18,910 parameters
DEEP = [20] * 48 + [2]            # 48 layers, 19,782 parameters
SMALL_WIDE = [10, 90, 10]         # 1,900 parameters
SMALL_DEEP = [8] * 30             # 29 layers, 2,088 parameters
GRAPH_WIDE = [10, 90, 10]         # 1,900 parameters, under MAX_GRAPH_PARAMETERS
GRAPH_DEEP = [8] * 28 + [2]       # 28 layers, 1,962 parameters


def cases(quick: bool) -> list[tuple[str, list[int], int, str, list[str]]]:
    """(name, sizes, examples, activation, derive's options)."""
    out = [
        ("float json, wide, every example", WIDE, MAX_EXAMPLES, "sigmoid", ["--float", "--format", "json"]),
        ("float json, deep, every example", DEEP, MAX_EXAMPLES, "tanh", ["--float", "--format", "json"]),
        ("float text at the print limit, wide", WIDE, examples_for(WIDE, MAX_VALUES_PRINTED), "sigmoid", ["--float"]),
        ("float text at the print limit, deep", DEEP, examples_for(DEEP, MAX_VALUES_PRINTED), "tanh", ["--float"]),
        ("float LaTeX at the print limit, wide", WIDE, examples_for(WIDE, MAX_VALUES_PRINTED), "sigmoid",
         ["--float", "--format", "latex"]),
        ("exact json, ReLU, wide", WIDE, examples_for(WIDE, MAX_VALUES_EXACT), "relu", ["--exact", "--format", "json"]),
        ("exact json, ReLU, deep", DEEP, examples_for(DEEP, MAX_VALUES_EXACT), "relu", ["--exact", "--format", "json"]),
        ("exact text, ReLU, at the print limit", WIDE, examples_for(WIDE, MAX_VALUES_PRINTED), "relu", ["--exact"]),
        ("exact json, sigmoid, wide", SMALL_WIDE, examples_for(SMALL_WIDE, MAX_VALUES_IRRATIONAL), "sigmoid",
         ["--exact", "--format", "json"]),
        ("exact json, sigmoid, deep", SMALL_DEEP, examples_for(SMALL_DEEP, MAX_VALUES_IRRATIONAL), "sigmoid",
         ["--exact", "--format", "json"]),
        ("exact text, tanh, deep", SMALL_DEEP, examples_for(SMALL_DEEP, MAX_VALUES_IRRATIONAL), "tanh", ["--exact"]),
        ("hand json, sigmoid, wide", WIDE, examples_for(WIDE, MAX_VALUES_EXACT), "sigmoid",
         ["--decimals", "4", "--format", "json"]),
        ("hand json, tanh, deep", DEEP, examples_for(DEEP, MAX_VALUES_EXACT), "tanh", ["--decimals", "4", "--format", "json"]),
        ("hand text, sigmoid, at the print limit", WIDE, examples_for(WIDE, MAX_VALUES_PRINTED), "sigmoid",
         ["--decimals", "4"]),
        ("graph of a network, text, wide", GRAPH_WIDE, 1, "sigmoid", ["--graph", "--float"]),
        ("graph of a network, LaTeX, deep", GRAPH_DEEP, 1, "tanh", ["--graph", "--float", "--format", "latex"]),
        ("graph of a network, exact, deep", GRAPH_DEEP, 1, "sigmoid", ["--graph", "--exact"]),
        ("check, exact ReLU, deep", DEEP, examples_for(DEEP, MAX_VALUES_EXACT), "relu", ["--check", "ANSWERS"]),
        ("refused: float text, every example", WIDE, MAX_EXAMPLES, "sigmoid", ["--float"]),
        ("refused: exact json, every example", WIDE, MAX_EXAMPLES, "relu", ["--exact", "--format", "json"]),
    ]
    return out[::4] if quick else out


# a wrapper whose one child is the case: its children's peak resident set is that case's alone
_MEASURE = ("import resource, subprocess, sys\n"
            "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
            "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def run(sizes: list[int], examples: int, activation: str, options: list[str], folder: Path) -> tuple[float, float, int]:
    """(wall seconds, peak MB, exit status) of `derive` on the case."""
    path = folder / "spec.json"
    path.write_text(json.dumps(spec(sizes, examples, activation)))
    (folder / "answers.toml").write_text("cost = 1\n")  # a wrong value: the checker looks for its mistake too
    options = [str(folder / "answers.toml") if o == "ANSWERS" else o for o in options]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "gradsheet.derive", str(path),
                           *options], capture_output=True, text=True, timeout=10 * SECONDS, check=True)
    seconds = time.perf_counter() - started
    code, peak_kb = map(int, done.stdout.split())
    return seconds, peak_kb / 1024, code


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="every fourth case")
    args = ap.parse_args()
    worst = largest = 0.0
    print(f"{'case':<42} {'params':>7} {'examples':>8} {'values':>11} {'time':>7} {'peak MB':>8} status")
    with tempfile.TemporaryDirectory() as folder:
        for name, sizes, examples, activation, options in cases(args.quick):
            seconds, peak, code = run(sizes, examples, activation, options, Path(folder))
            worst, largest = max(worst, seconds), max(largest, peak)
            n = parameters(sizes)
            print(f"{name:<42} {n:>7,} {examples:>8,} {n * examples:>11,} {seconds:>6.1f}s {peak:>8.0f} "
                  f"{'refused' if code == 2 else 'ok' if code == 0 else f'exit {code}'}", flush=True)
    print(f"slowest case: {worst:.1f} s (bound {SECONDS} s); largest: {largest:.0f} MB (bound {MEGABYTES} MB)")
    return 0 if worst <= SECONDS and largest <= MEGABYTES else 1


if __name__ == "__main__":
    raise SystemExit(main())
