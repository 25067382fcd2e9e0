"""Time of the symbolic route (sympy.diff of the nested function, evaluated, compared with
backprop) over a fixed sweep of random networks: every elementwise activation, depth 1–4,
parameter counts up to derive's symbolic limit, every loss, in float, exact and hand mode.

The issue's target: every network within 2 s. Prints the median and the maximum per mode and
the slowest networks. Run: python benchmarks/bench_symbolic.py [--seeds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gradsheet.derive.printing import report  # noqa: E402
from gradsheet.derive.engine.numbers import EXACT, FLOAT, hand  # noqa: E402
from tests.strategies import sweep_specs  # noqa: E402

MODES = {"float": FLOAT, "exact": EXACT, "hand": hand(4)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2, help="networks per activation and depth (default 2)")
    parser.add_argument("--limit", type=int, default=report.SYMBOLIC_LIMIT,
                        help=f"sweep networks up to this many parameters, the route run past derive's limit "
                             f"({report.SYMBOLIC_LIMIT}) too: where to set the limit")
    args = parser.parse_args()
    report.SYMBOLIC_LIMIT = args.limit  # report.build reads it at each call
    specs = sweep_specs(args.limit, range(args.seeds))
    report.build(specs[0][1])  # imports and first-call caches out of the figures
    rows, failures, engine = [], [], []
    for label, spec in specs:
        for name, mode in MODES.items():
            numeric = time.perf_counter()
            try:
                report.build(spec, mode, with_symbolic=False)
            except Exception as error:  # the numeric engine's own failures, reported apart
                engine.append((name, label, f"{type(error).__name__}: {error}"[:120]))
                continue
            numeric = time.perf_counter() - numeric
            start = time.perf_counter()
            rep = report.build(spec, mode)
            total = time.perf_counter() - start
            rows.append((max(total - numeric, 0.0), name, label, spec.network.parameter_count, rep.agrees))
            if rep.agrees is not True:
                failures.append((name, label, rep.skipped or rep.agrees))
    print(f"{len(specs)} networks × {len(MODES)} modes, up to {report.SYMBOLIC_LIMIT} parameters")
    print(f"{'mode':<6} {'median s':>9} {'max s':>7}")
    for name in MODES:
        times = [r[0] for r in rows if r[1] == name]
        print(f"{name:<6} {statistics.median(times):>9.3f} {max(times):>7.3f}")
    print("slowest:")
    for t, name, label, params, agrees in sorted(rows, reverse=True)[:8]:
        print(f"  {t:6.3f} s  {name:<5} {params:>3} parameters  {label}")
    if failures:
        print(f"{len(failures)} not in agreement:")
        for failure in failures:
            print("  ", *failure)
    if engine:
        print(f"{len(engine)} left out: the numeric engine itself failed (not the symbolic route):")
        for failure in engine:
            print("  ", *failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
