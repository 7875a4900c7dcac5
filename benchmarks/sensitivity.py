"""Benchmark of the long analyses: executor and hints, as medians over repeated runs.

    python benchmarks/sensitivity.py [--runs 100] [--repeat 3] [--out benchmarks/out/sensitivity.csv]

Measured (never asserted in tests), on the base case:

- a Monte Carlo of ``--runs`` Poisson draws: sequential and on a local pool (one process
  per core), each without and with hints (the base allocation seeds every solve);
- a fine sweep of Sastamala's unemployed (600..900 in steps of 5, 61 neighbouring points)
  sequentially, without and with hints (each point seeds the next);
- a tornado over every input (the base allocation seeds each solve) and the tipping
  points of three inputs (each scan step seeds the next), sequentially, without and
  with hints.

Each configuration's frame is checked against the first one's: hints and executors may
change the time, never the result. The pool's time includes starting its processes.
The load average is printed, as other work on the machine shifts every figure.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from allocator.analysis.sensitivity import RunOptions, monte_carlo, sweep, tipping_points, tornado
from allocator.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "base.yaml"


def _median_time(make: Callable[[], pd.DataFrame], repeat: int) -> tuple[float, pd.DataFrame]:
    """Median wall time [s] of ``make()`` over ``repeat`` runs, and its last frame."""
    times, frame = [], pd.DataFrame()
    for _ in range(repeat):
        start = time.perf_counter()
        frame = make()
        times.append(time.perf_counter() - start)
    return statistics.median(times), frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "sensitivity.csv")
    args = parser.parse_args()
    scenario = load_scenario(BASE)
    processes = os.cpu_count() or 1
    configs: list[tuple[str, str, bool, int, Callable[[RunOptions], pd.DataFrame]]] = []
    for executor in ("sequential", "local"):
        for hints in (False, True):
            configs.append(("monte_carlo", executor, hints, args.runs,
                            lambda o: monte_carlo(scenario, args.runs, "poisson", 1, o)))
    points = list(range(600, 901, 5))
    for hints in (False, True):
        configs.append(("sweep", "sequential", hints, len(points),
                        lambda o: sweep(scenario, [("municipalities.Sastamala.caseload.unemployed",
                                                    [float(p) for p in points])], options=o)))
    tipping_inputs = ["municipalities.Sastamala.caseload.unemployed", "service_lines.skills.share",
                      "municipalities.Kihniö.caseload.unemployed"]
    for hints in (False, True):
        configs.append(("tornado", "sequential", hints, 178,
                        lambda o: tornado(scenario, 0.1, options=o)))
    for hints in (False, True):
        configs.append(("tipping", "sequential", hints, 0,
                        lambda o: tipping_points(scenario, tipping_inputs, options=o)))
    rows: list[dict[str, object]] = []
    reference: dict[str, pd.DataFrame] = {}
    print(f"load average before: {os.getloadavg()[0]:.2f} (1 min), {processes} cores")
    print(f"{'analysis':<12} {'executor':<11} {'hints':<6} {'solves':>6} {'median s':>9} "
          f"{'solves/s':>9}  same result")
    for analysis, executor, hints, solves, run in configs:
        options = RunOptions(executor=executor, processes=processes, hints=hints)
        seconds, frame = _median_time(lambda run=run, options=options: run(options), args.repeat)
        same = reference.setdefault(analysis, frame).equals(frame)
        if analysis == "tipping":  # solves differ per area: count them from the frame
            solves = int(frame.drop_duplicates(["input", "direction"])["solves"].sum())
        rows.append({"analysis": analysis, "executor": executor, "processes":
                     processes if executor == "local" else 1, "hints": hints, "solves": solves,
                     "median_s": round(seconds, 3), "solves_per_s": round(solves / seconds, 1),
                     "same_result": same})
        print(f"{analysis:<12} {executor:<11} {hints!s:<6} {solves:>6} {seconds:>9.2f} "
              f"{solves / seconds:>9.1f}  {same}")
    print(f"load average after: {os.getloadavg()[0]:.2f} (1 min)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
