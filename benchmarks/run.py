"""Benchmarks: medians over repeated runs, printed as a table and written as CSV.

    python benchmarks/run.py [--repeat N] [--out benchmarks/out/results.csv]

Measured (never asserted in tests): the end-to-end ``allocate scenarios/base.yaml``
process beside the import floor of its heavy dependencies, the JSON-only path beside a
bare OR-Tools import, and the model build and solve of the base case with peak memory.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "base.yaml"
ALLOCATE = str(Path(sys.executable).with_name("allocate"))


def _process(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Median wall time [s] and peak RSS [MiB] of a command run ``repeat`` times."""
    times, peaks = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        times.append(time.perf_counter() - start)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} exited with {child.returncode}")
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(times), max(peaks)


def _in_process(repeat: int) -> list[dict[str, object]]:
    from allocator.caseload import prepare
    from allocator.loading import load_scenario
    from allocator.model import build_model
    from allocator.solve import solve

    scenario = load_scenario(BASE)
    builds, solves, status = [], [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        built = build_model(prepare(scenario))
        builds.append(time.perf_counter() - start)
        outcome = solve(built)
        solves.append(outcome.solve_time)
        status = str(outcome.status)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        {"benchmark": "base case: build model", "median_s": statistics.median(builds),
         "peak_mib": peak, "note": ""},
        {"benchmark": "base case: solve (4 stages)", "median_s": statistics.median(solves),
         "peak_mib": peak, "note": status},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "results.csv")
    args = parser.parse_args()

    rows: list[dict[str, object]] = []
    floor, floor_mem = _process([sys.executable, "-c", "import ortools.sat.python.cp_model, "
                                 "pandas, matplotlib.pyplot"], args.repeat)
    ortools_floor, ortools_mem = _process([sys.executable, "-c",
                                           "import ortools.sat.python.cp_model"], args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        full, full_mem = _process([ALLOCATE, str(BASE), "--out", tmp], args.repeat)
    quick, quick_mem = _process([ALLOCATE, str(BASE), "--json", "--no-files"], args.repeat)
    rows += [
        {"benchmark": "floor: import ortools, pandas, matplotlib.pyplot", "median_s": floor,
         "peak_mib": floor_mem, "note": ""},
        {"benchmark": "allocate scenarios/base.yaml (all files)", "median_s": full,
         "peak_mib": full_mem, "note": f"{full / floor:.2f} x floor"},
        {"benchmark": "floor: import ortools.sat.python.cp_model", "median_s": ortools_floor,
         "peak_mib": ortools_mem, "note": ""},
        {"benchmark": "allocate base.yaml --json --no-files", "median_s": quick,
         "peak_mib": quick_mem, "note": f"{quick / ortools_floor:.2f} x floor"},
    ]
    rows += _in_process(args.repeat)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["benchmark", "median_s", "peak_mib", "note"])
        writer.writeheader()
        writer.writerows(rows)
    width = max(len(str(r["benchmark"])) for r in rows)
    print(f"{'benchmark':<{width}}  {'median [s]':>10}  {'peak [MiB]':>10}  note")
    for r in rows:
        print(f"{r['benchmark']!s:<{width}}  {float(r['median_s']):>10.3f}  "  # type: ignore[arg-type]
              f"{float(r['peak_mib']):>10.1f}  {r['note']}")  # type: ignore[arg-type]
    print(f"(median of {args.repeat} runs; written to {args.out})")


if __name__ == "__main__":
    main()
