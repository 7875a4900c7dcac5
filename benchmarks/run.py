"""Benchmarks: medians over repeated runs, printed as a table and written as CSV.

    python benchmarks/run.py [--repeat N] [--quick] [--out benchmarks/out/results.csv]

Measured (never asserted in tests), each figure the median of ``--repeat`` runs (default
5; ``--quick``: 1 run and 200 Monte Carlo variants, a smoke run):

1. the end-to-end ``allocate scenarios/base.yaml --out TMP`` process beside the floor of
   importing its heavy dependencies, and ``allocate ... --json --no-files`` beside a bare
   OR-Tools import, each as a ratio to its floor;
2. model build (``prepare`` + ``build_model``) and ``solve`` with default settings for the
   base case, a synthetic national instance (45 areas, 300 municipalities, 3 lines) and a
   municipality-level stress instance (300 areas, 300 municipalities, 10 lines), each with
   its proof status, and the same solve stopped after stage 2;
3. the yardstick: the same model as a plain MILP solved by HiGHS (benchmarks/highs_milp.py),
   stages 1 and 2 to proven optimality on one thread; its optimal values must equal
   CP-SAT's, and a mismatch fails the run (exit status 1) after the table is written;
4. Monte Carlo throughput over perturbed base cases (1,000 Poisson draws), sequential and
   on a local process pool with one process per core, without and with hints; every
   configuration's frame must be identical. The pool's rate is given with and without its
   start-up, measured separately as the same pool mapping a trivial job that loads the
   solver stack (what each worker does before its first real job).

Every measured step runs in a child process of its own (this script with ``--child``), so
its peak memory [MiB] is its own, read from ``os.wait4``; for a pool it is the largest
single process of the pool's run. CSV columns: benchmark, median_s, peak_mib, status,
ratio, ratio_of (what the ratio divides by), note. The load average is printed before and
after, as other work on the machine shifts every figure.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Only the standard library at module level: a spawned pool worker re-imports this file.
ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "base.yaml"
ALLOCATE = str(Path(sys.executable).with_name("allocate"))
DEFAULT_OUT = ROOT / "benchmarks" / "out" / "results.csv"
#: Instances of part 2: name -> allocator.scenario.generate.generate arguments (None: the base case).
INSTANCES: dict[str, dict[str, Any] | None] = {
    "base": None,
    "national": {"areas": 45, "municipalities": 300, "htv": 4000, "lines": 3, "seed": 1},
    "stress": {"areas": 300, "municipalities": 300, "htv": 4000, "lines": 10, "seed": 1},
}
#: Deterministic-time-free safety net for HiGHS [s per stage]; a stage that hits it is
#: reported as not optimal (and fails the value check) rather than hanging the run.
HIGHS_TIME_LIMIT = 900.0
#: What a Monte Carlo worker imports before its first solve (see _warm).
WORKER_IMPORTS = ("allocator.analysis.points", "allocator.analysis.monte_carlo",
                  "allocator.engine.caseload",
                  "allocator.engine.diagnose", "allocator.engine.model", "allocator.engine.solve",
                  "allocator.engine.verify", "allocator.engine.flow", "numpy",
                  "ortools.graph.python.min_cost_flow")
FIELDS = ["benchmark", "median_s", "peak_mib", "status", "ratio", "ratio_of", "note"]


@dataclass
class Row:
    """One line of the table; ``ratio`` is this figure divided by ``ratio_of``'s."""

    benchmark: str
    median_s: float | None = None
    peak_mib: float | None = None
    status: str = ""
    ratio: float | None = None
    ratio_of: str = ""
    note: str = ""

    def csv(self) -> dict[str, object]:
        """The row for csv.DictWriter (numbers rounded to what the clock can tell)."""
        def num(v: float | None, digits: int) -> object:
            return "" if v is None else round(v, digits)
        return {"benchmark": self.benchmark, "median_s": num(self.median_s, 4),
                "peak_mib": num(self.peak_mib, 1), "status": self.status,
                "ratio": num(self.ratio, 3), "ratio_of": self.ratio_of, "note": self.note}


@dataclass
class Run:
    """A finished child process: wall time [s], peak RSS [MiB], stdout and its result."""

    seconds: float
    peak_mib: float
    stdout: str
    result: dict[str, Any] = field(default_factory=dict)


# --- child processes ------------------------------------------------------------------

def _spawn(cmd: list[str], capture: bool = False, result_file: Path | None = None) -> Run:
    """Run ``cmd`` to the end; its peak RSS comes from wait4, so it is the child's own.

    Raises SystemExit with the child's stderr if it fails.
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE if capture else
                                 subprocess.DEVNULL, stderr=err)
        out = child.stdout.read().decode() if child.stdout is not None else ""
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        if child.stdout is not None:
            child.stdout.close()
        code = os.waitstatus_to_exitcode(status)
        child.returncode = code
        if code != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-3000:]
            raise SystemExit(f"{' '.join(cmd)} exited with {code}:\n{tail}")
    result = json.loads(result_file.read_text()) if result_file is not None else {}
    return Run(seconds, usage.ru_maxrss / 1024, out, result)


def _child(kind: str, repeat: int, *extra: str) -> Run:
    """This script as a child measuring one thing ``repeat`` times; its JSON result."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        return _spawn([sys.executable, __file__, "--child", kind, "--repeat", str(repeat),
                       "--result", str(out), *extra], result_file=out)


def _scenario(name: str) -> Any:
    from allocator.scenario.generate import generate
    from allocator.scenario.loading import load_scenario
    from allocator.scenario.schema import Scenario

    args = INSTANCES[name]
    return load_scenario(BASE) if args is None else Scenario.model_validate(generate(**args))


def child_solve(instance: str, repeat: int) -> dict[str, Any]:
    """Build and solve ``instance`` with allocator ``repeat`` times: times and values."""
    from allocator.engine.caseload import prepare
    from allocator.engine.model import build_model
    from allocator.engine.solve import solve

    scenario = _scenario(instance)
    builds, solves, firsts = [], [], []
    status = first_status = ""
    values: dict[str, int | None] = {}
    n_x = workers = 0
    for _ in range(repeat):
        start = time.perf_counter()
        built = build_model(prepare(scenario))
        builds.append(time.perf_counter() - start)
        outcome = solve(built)
        solves.append(outcome.solve_time)
        status = str(outcome.status)
        values = {st.name: st.objective for st in outcome.stages
                  if st.name in ("max_deviation", "total_deviation") and st.status == "OPTIMAL"}
        workers = max(st.workers for st in outcome.stages)
        n_x = len(built.x)
        # The same solve stopped after stage 2, to set beside HiGHS's stages 1 and 2.
        early = solve(built, last_stage="total_deviation")
        firsts.append(early.solve_time)
        first_status = str(early.status)
    return {"build": builds, "solve": solves, "stages12": firsts, "status": status,
            "stages12_status": first_status, "values": values, "x": n_x, "workers": workers,
            "cells": len(built.y)}


def child_highs(instance: str, repeat: int) -> dict[str, Any]:
    """Solve ``instance``'s MILP with HiGHS ``repeat`` times: times, statuses and values."""
    import highspy
    from highs_milp import solve_lexicographic

    from allocator.engine.caseload import prepare

    data = prepare(_scenario(instance))
    builds, solves, stage_times = [], [], []
    statuses: list[str] = []
    values: dict[str, int | None] = {}
    recomputed: dict[str, int | None] = {}
    for _ in range(repeat):
        outcome = solve_lexicographic(data, threads=1, time_limit=HIGHS_TIME_LIMIT)
        builds.append(outcome.build_seconds)
        solves.append(outcome.solve_seconds)
        stage_times.append([s.seconds for s in outcome.stages])
        statuses = [s.status for s in outcome.stages]
        values = {s.name: s.objective for s in outcome.stages}
        recomputed = {s.name: s.recomputed for s in outcome.stages}
    return {"build": builds, "solve": solves, "stage_times": stage_times, "statuses": statuses,
            "values": values, "recomputed": recomputed, "optimal": outcome.optimal,
            "version": f"{highspy.HIGHS_VERSION_MAJOR}.{highspy.HIGHS_VERSION_MINOR}."
            f"{highspy.HIGHS_VERSION_PATCH}"}


def _warm(_: int) -> int:
    """A trivial pool job that loads what a Monte Carlo job loads before its first solve.

    ``allocator.analysis.sensitivity.evaluate`` imports the solver stack lazily, so a worker's
    first real job pays for it; counting it as start-up leaves only per-scenario work in
    the rate without start-up. Returns the process id, to count the workers.
    """
    import importlib

    for module in WORKER_IMPORTS:
        importlib.import_module(module)
    return os.getpid()


def child_sweep(executor: str, processes: int, hints: bool, runs: int,
                repeat: int) -> dict[str, Any]:
    """Monte Carlo over ``runs`` draws of the base case ``repeat`` times, with pool start-up."""
    from allocator.analysis.executor import map_jobs
    from allocator.analysis.sensitivity import RunOptions, monte_carlo

    scenario = _scenario("base")
    cluster = None
    scheduler = None
    if executor == "dask":
        # A Dask LocalCluster on this machine stands in for a real cluster: its start is
        # outside the timings (a planner points at one that is already running), and
        # warming its workers is counted as start-up, like the local pool's.
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=processes, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        scheduler = cluster.scheduler_address
    options = RunOptions(executor=executor, processes=processes, hints=hints, scheduler=scheduler)
    totals, startups, digests, pids = [], [], [], []
    for _ in range(repeat):
        if executor != "sequential":
            start = time.perf_counter()
            ran = map_jobs(_warm, range(processes), executor, processes, scheduler=scheduler)
            startups.append(time.perf_counter() - start)
            pids.append(len(set(ran)))
        start = time.perf_counter()
        frame = monte_carlo(scenario, runs=runs, model="poisson", seed=1, options=options)
        totals.append(time.perf_counter() - start)
        digests.append(hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest())
    if cluster is not None:
        cluster.close()
    return {"total": totals, "startup": startups, "digests": digests, "pids": pids,
            "rows": len(frame), "ok": int((frame["status"] == "OPTIMAL").sum())}


# --- the benchmarks -------------------------------------------------------------------

def processes_part(repeat: int) -> list[Row]:
    """Part 1: the allocate command end to end, each path beside its import floor."""
    def median_of(make: Callable[[], list[str]], check: Callable[[Run], str]) -> tuple[Row, float]:
        runs = [_spawn(make(), capture=True) for _ in range(repeat)]
        seconds = statistics.median(r.seconds for r in runs)
        return Row("", seconds, max(r.peak_mib for r in runs), check(runs[-1])), seconds

    def floor(code: str) -> Callable[[], list[str]]:
        return lambda: [sys.executable, "-c", code]

    rows = []
    heavy, heavy_s = median_of(floor("import ortools.sat.python.cp_model, pandas, "
                                     "matplotlib.pyplot"), lambda r: "exit 0")
    heavy.benchmark = "floor: import ortools.sat.python.cp_model, pandas, matplotlib.pyplot"
    with tempfile.TemporaryDirectory() as tmp:
        def files_status(_: Run) -> str:
            summary = json.loads((Path(tmp) / "summary.json").read_text())
            return f"{summary['status']}, verified={summary['verified']}"
        full, full_s = median_of(lambda: [ALLOCATE, str(BASE), "--out", tmp], files_status)
    full.benchmark = "allocate scenarios/base.yaml --out TMP (all files)"
    full.ratio, full.ratio_of = full_s / heavy_s, "floor above"
    bare, bare_s = median_of(floor("import ortools.sat.python.cp_model"), lambda r: "exit 0")
    bare.benchmark = "floor: import ortools.sat.python.cp_model"

    def json_status(run: Run) -> str:
        summary = json.loads(run.stdout)
        return f"{summary['status']}, verified={summary['verified']}"
    quick, quick_s = median_of(lambda: [ALLOCATE, str(BASE), "--json", "--no-files"], json_status)
    quick.benchmark = "allocate scenarios/base.yaml --json --no-files"
    quick.ratio, quick.ratio_of = quick_s / bare_s, "floor above"
    rows += [heavy, full, bare, quick]
    return rows


def instances_part(repeat: int, mismatches: list[str]) -> list[Row]:
    """Parts 2 and 3: allocator's build and solve per instance, and HiGHS beside it."""
    have_highs = importlib.util.find_spec("highspy") is not None
    rows = []
    for name in INSTANCES:
        cp = _child("solve", repeat, "--instance", name)
        r = cp.result
        build = statistics.median(r["build"])
        solve_s = statistics.median(r["solve"])
        s12 = statistics.median(r["stages12"])
        size = f"{r['x']} x variables, {r['cells']} cells"
        rows += [
            Row(f"{name}: build (prepare + build_model)", build, cp.peak_mib, "", note=size),
            Row(f"{name}: solve, default settings", solve_s, cp.peak_mib, r["status"],
                note=f"4 stages and tie check, {r['workers']} CP-SAT worker(s)"),
            Row(f"{name}: solve, stopped after stage 2", s12, cp.peak_mib, r["stages12_status"],
                note=f"max {r['values'].get('max_deviation')}, total "
                     f"{r['values'].get('total_deviation')} [1/1000 unit]"),
        ]
        if not have_highs:
            continue
        hs = _child("highs", repeat, "--instance", name)
        h = hs.result
        highs_s = statistics.median(h["solve"])
        stage = [statistics.median(t[i] for t in h["stage_times"]) for i in range(2)] \
            if h["optimal"] else []
        same = h["optimal"] and all(
            h["values"].get(k) == r["values"].get(k) == h["recomputed"].get(k)
            for k in ("max_deviation", "total_deviation"))
        if not same:
            mismatches.append(f"{name}: HiGHS {h['statuses']} values {h['values']} "
                              f"(recomputed {h['recomputed']}) vs CP-SAT {r['values']}")
        status = ("Optimal, values equal CP-SAT's" if same
                  else f"MISMATCH: {'/'.join(h['statuses'])}")
        note = (f"HiGHS {h['version']}, 1 thread; stage 1 {stage[0]:.3f} s, stage 2 "
                f"{stage[1]:.3f} s (MILP built in {statistics.median(h['build']):.3f} s); "
                f"{highs_s / solve_s:.2f} x allocator's default solve"
                if stage else f"HiGHS {h['version']}: {h['values']}")
        rows.append(Row(f"{name}: HiGHS MILP, stages 1-2", highs_s, hs.peak_mib, status,
                        highs_s / s12, "allocator stopped after stage 2", note))
    if not have_highs:
        rows.append(Row("HiGHS MILP yardstick", status="skipped",
                        note="highspy not installed: pip install -e '.[bench]'"))
    return rows


def sweep_part(repeat: int, runs: int, mismatches: list[str]) -> list[Row]:
    """Part 4: Monte Carlo throughput, sequential and on a pool, without and with hints."""
    from allocator.analysis.executor import EXECUTORS, default_processes

    cores = default_processes()
    configs = [("sequential", 1), ("local", cores)]
    # The Dask rows run on a LocalCluster of the same size (when the dask extra is installed).
    if "dask" in EXECUTORS and importlib.util.find_spec("distributed") is not None:
        configs.append(("dask", cores))
    rows: list[Row] = []
    reference: str | None = None
    sequential: dict[bool, float] = {}
    for executor, processes in configs:
        for hints in (False, True):
            run = _child("sweep", repeat, "--executor", executor, "--processes", str(processes),
                         "--hints", str(int(hints)), "--runs", str(runs))
            r = run.result
            total = statistics.median(r["total"])
            reference = reference or r["digests"][0]
            same = all(d == reference for d in r["digests"])
            if not same:
                mismatches.append(f"monte_carlo {executor} hints={hints}: the frame differs "
                                  "from the sequential run without hints")
            label = f"monte_carlo {runs} runs: {executor}, {processes} process(es), " \
                    f"{'hints' if hints else 'no hints'}"
            status = ("frame identical" if same else "FRAME DIFFERS") + \
                f"; {r['ok']}/{r['rows']} rows OPTIMAL"
            if executor == "sequential":
                sequential[hints] = total
                rows.append(Row(label, total, run.peak_mib, status,
                                note=f"{runs / total:.1f} scenarios/s"))
                continue
            startup = statistics.median(r["startup"])
            net = statistics.median(t - s for t, s in zip(r["total"], r["startup"], strict=True))
            rows.append(Row(f"{executor} pool start-up, {processes} processes "
                            f"(trivial job loading the solver)", startup,
                            note=f"{min(r['pids'])} distinct worker processes"))
            rows.append(Row(label, total, run.peak_mib, status, sequential[hints] / total,
                            "sequential's rate",
                            f"{runs / total:.1f} scenarios/s with start-up, "
                            f"{runs / net:.1f} without"))
    return rows


def _table(rows: list[Row]) -> str:
    """The rows as a fixed-width text table."""
    def fmt(v: float | None, spec: str) -> str:
        return "" if v is None else format(v, spec)
    cells = [[r.benchmark, fmt(r.median_s, ".3f"), fmt(r.peak_mib, ".1f"), r.status,
              "" if r.ratio is None else f"{r.ratio:.2f} x {r.ratio_of}", r.note] for r in rows]
    head = ["benchmark", "median [s]", "peak [MiB]", "status / proof", "ratio", "note"]
    widths = [max(len(c[i]) for c in [head, *cells]) for i in range(len(head))]
    right = {1, 2}
    lines = []
    for c in [head, *cells]:
        lines.append("  ".join(v.rjust(w) if i in right else v.ljust(w)
                               for i, (v, w) in enumerate(zip(c, widths, strict=True))).rstrip())
    return "\n".join(lines)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def main() -> None:
    """Parse arguments; run one child measurement or the whole benchmark."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per figure, medians reported (default 5; 1 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: one repeat and 200 Monte Carlo variants")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    # Internal: one measurement in a child process of its own (see _child).
    parser.add_argument("--child", choices=["solve", "highs", "sweep"], help=argparse.SUPPRESS)
    parser.add_argument("--instance", choices=list(INSTANCES), help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--executor", default="sequential", help=argparse.SUPPRESS)
    parser.add_argument("--processes", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--hints", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=1000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    repeat = args.repeat if args.repeat is not None else (1 if args.quick else 5)

    if args.child is not None:
        if args.child == "solve":
            result = child_solve(args.instance, repeat)
        elif args.child == "highs":
            result = child_highs(args.instance, repeat)
        else:
            result = child_sweep(args.executor, args.processes, bool(args.hints), args.runs,
                                 repeat)
        args.result.write_text(json.dumps(result))
        return

    runs = 200 if args.quick else 1000
    load_before = _load()
    print(f"load average (1/5/15 min) at start: {load_before}; {os.cpu_count()} cores; "
          f"median of {repeat} run(s); Python {sys.version.split()[0]}", flush=True)
    mismatches: list[str] = []
    rows = processes_part(repeat)
    rows += instances_part(repeat, mismatches)
    rows += sweep_part(repeat, runs, mismatches)
    load_after = _load()
    rows.append(Row("machine", status="", note=f"{os.cpu_count()} cores; load average "
                    f"(1/5/15 min) {load_before} at start, {load_after} at end; "
                    f"median of {repeat} run(s)"))

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(r.csv() for r in rows)
    print(_table(rows[:-1]))
    print(f"load average (1/5/15 min) at end: {load_after}; written to {args.out}")
    if mismatches:
        print("\n!!! MISMATCH: results that must be equal are not:", file=sys.stderr)
        for m in mismatches:
            print(f"!!!   {m}", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
