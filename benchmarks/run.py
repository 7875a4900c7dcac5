"""Benchmarks: medians over repeated runs, printed as a table and written as CSV.

    python benchmarks/run.py [--repeat N] [--quick] [--out benchmarks/out/results.csv]

Measured (never asserted in tests), each figure the median of ``--repeat`` runs (default
3; ``--quick``: 1 run and smaller analyses, a smoke run). Every figure that has a target
is printed as a ratio beside it, both sides measured in this same run, alternating:

1. the end-to-end ``allocate scenarios/base.yaml --out TMP`` process beside the floor of
   importing its heavy dependencies (target <= 1.5 x), and ``allocate ... --json
   --no-files`` beside a bare OR-Tools import (target <= 1.3 x);
2. model build (``prepare`` + ``build_model``) and ``solve`` with default settings for the
   base case, a synthetic national instance (45 areas, 300 municipalities, 3 lines) and a
   municipality-level stress instance (300 areas, 300 municipalities, 10 lines), each with
   its proof status, and the same solve stopped after stage 2;
3. the yardstick: the same model as a plain MILP solved by HiGHS (benchmarks/highs_milp.py),
   stages 1 and 2 to proven optimality on one thread; its optimal values must equal
   CP-SAT's, and a mismatch fails the run (exit status 1) after the table is written;
4. the analyses: 2,000 Monte Carlo draws of the base case in a fresh process on a local
   pool of one process per core, start-up (imports, base solve, pool) included, beside one
   ``--json`` run (target <= 5 x); the same as the ``allocate montecarlo`` command with its
   files; a sweep and a tornado at their rate; sequential for the rate of one core; every
   executor's Monte Carlo frame must be identical;
5. the board pack of the base and its scenario set beside one full run (target <= 3 x),
   the same pack in Finnish (the board's language), and ``allocate tipping --input all``
   (target < 15 s);
6. 20,000 draws on a Dask LocalCluster of 1 and of 2 workers: the speed-up over 2 (target
   >= 0.8 of linear), and the two frames identical (skipped without the dask extra).

Every measured step runs in a child process of its own (this script with ``--child``), so
its peak memory [MiB] is its own, read from ``os.wait4``; for a pool it is the largest
single process of the pool's run. CSV columns: benchmark, median_s, peak_mib, status,
ratio, ratio_of (what the ratio divides by), target, note. The load average is printed
before and after, as other work on the machine shifts every figure.
"""

from __future__ import annotations

import argparse
import compileall
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
FIELDS = ["benchmark", "median_s", "peak_mib", "status", "ratio", "ratio_of", "target",
          "note"]


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
    target: str = ""

    def csv(self) -> dict[str, object]:
        """The row for csv.DictWriter (numbers rounded to what the clock can tell)."""
        def num(v: float | None, digits: int) -> object:
            return "" if v is None else round(v, digits)
        return {"benchmark": self.benchmark, "median_s": num(self.median_s, 4),
                "peak_mib": num(self.peak_mib, 1), "status": self.status,
                "ratio": num(self.ratio, 3), "ratio_of": self.ratio_of, "target": self.target,
                "note": self.note}


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


# --- the benchmarks -------------------------------------------------------------------

def processes_part(repeat: int) -> list[Row]:
    """Part 1: the allocate command end to end, each path beside its import floor; the four
    commands alternate, so that a change in the machine's load touches each alike."""
    floors = {"heavy": "import ortools.sat.python.cp_model, pandas, matplotlib.pyplot",
              "bare": "import ortools.sat.python.cp_model"}
    seconds: dict[str, list[float]] = {k: [] for k in ("heavy", "full", "bare", "json")}
    peaks: dict[str, float] = dict.fromkeys(seconds, 0.0)
    status: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        commands = {"heavy": [sys.executable, "-c", floors["heavy"]],
                    "full": [ALLOCATE, str(BASE), "--out", tmp],
                    "bare": [sys.executable, "-c", floors["bare"]],
                    "json": [ALLOCATE, str(BASE), "--json", "--no-files"]}
        for _ in range(repeat):
            for key, cmd in commands.items():
                run = _spawn(cmd, capture=True)
                seconds[key].append(run.seconds)
                peaks[key] = max(peaks[key], run.peak_mib)
                if key == "full":
                    summary = json.loads((Path(tmp) / "summary.json").read_text())
                    status[key] = f"{summary['status']}, verified={summary['verified']}"
                elif key == "json":
                    summary = json.loads(run.stdout)
                    status[key] = f"{summary['status']}, verified={summary['verified']}"
                else:
                    status[key] = "exit 0"
    med = {k: statistics.median(v) for k, v in seconds.items()}
    return [
        Row(f"floor: {floors['heavy']}", med["heavy"], peaks["heavy"], status["heavy"]),
        Row("allocate scenarios/base.yaml --out TMP (all files)", med["full"], peaks["full"],
            status["full"], med["full"] / med["heavy"], "floor above", target="<= 1.5"),
        Row(f"floor: {floors['bare']}", med["bare"], peaks["bare"], status["bare"]),
        Row("allocate scenarios/base.yaml --json --no-files", med["json"], peaks["json"],
            status["json"], med["json"] / med["bare"], "floor above", target="<= 1.3"),
    ]


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


#: A fresh process allocating MC_RUNS draws of the base case, start-up included; prints
#: the frame's digest, its OPTIMAL rows, its rows and the runs certified by network
#: flows (arguments: the scenario, the runs, the executor). The digest hashes the frame's
#: columns and every value's bytes (pandas' row hashes): as exact as hashing its CSV,
#: and a few milliseconds rather than tens, as it is the benchmark's own check.
MC_CODE = """
import hashlib, sys
import pandas as pd
from allocator.analysis.monte_carlo import monte_carlo
from allocator.analysis.points import RunOptions
from allocator.scenario.loading import load_scenario
frame = monte_carlo(load_scenario(sys.argv[1]), runs=int(sys.argv[2]), model="poisson",
                    seed=1, options=RunOptions(executor=sys.argv[3]))
rows = pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
print(hashlib.sha256(repr(list(frame.columns)).encode() + rows).hexdigest(),
      int((frame["status"] == "OPTIMAL").sum()), len(frame),
      int((frame.drop_duplicates("run")["proof"].str.contains("certificate")).sum()))
"""


def child_rates(processes: int, runs: int) -> dict[str, Any]:
    """A sweep and a tornado of the base case on a local pool: solves per second, pool
    start-up included (each analysis starts its own pool)."""
    from allocator.analysis.points import RunOptions
    from allocator.analysis.sensitivity import numeric_inputs, sweep, tornado

    scenario = _scenario("base")
    options = RunOptions(executor="local", processes=processes)
    base = scenario.total_htv
    values = [round(base * (0.8 + 0.4 * k / runs), 2) for k in range(runs)]
    start = time.perf_counter()
    frame = sweep(scenario, [("total_htv", values)], options=options)
    sweep_s = time.perf_counter() - start
    start = time.perf_counter()
    spread = tornado(scenario, options=options)
    tornado_s = time.perf_counter() - start
    return {"sweep": [sweep_s], "sweep_points": len(values), "tornado": [tornado_s],
            "tornado_solves": 2 * len(numeric_inputs(scenario)),
            "ok": int((frame.drop_duplicates(["parameter", "value"])["status"]
                       == "OPTIMAL").sum()), "rows": len(spread)}


def child_dask(workers: int, runs: int, repeat: int) -> dict[str, Any]:
    """``runs`` draws on a Dask LocalCluster of ``workers`` one-thread workers, warmed first
    (a planner's cluster is already running): seconds and the frame's digest."""
    from distributed import LocalCluster

    from allocator.analysis.executor import map_jobs
    from allocator.analysis.points import RunOptions
    from allocator.analysis.sensitivity import monte_carlo

    scenario = _scenario("base")
    totals, digests = [], []
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        map_jobs(_warm, range(4 * workers), "dask", scheduler=address)
        options = RunOptions(executor="dask", processes=workers, scheduler=address)
        for _ in range(repeat):
            start = time.perf_counter()
            frame = monte_carlo(scenario, runs=runs, model="poisson", seed=1, options=options)
            totals.append(time.perf_counter() - start)
            digests.append(hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest())
    return {"total": totals, "digests": digests}


def analyses_part(repeat: int, quick: bool, mismatches: list[str]) -> list[Row]:
    """Parts 4 and 5: Monte Carlo, sweep, tornado, board pack and tipping, each beside its
    yardstick from this same run."""
    from allocator.analysis.executor import default_processes

    cores = default_processes()
    runs = 400 if quick else 2000
    rows: list[Row] = []
    json_s, mc_s, seq_s, cli_s, full_s, pack_s, fi_s, tip_s = [], [], [], [], [], [], [], []
    digests: dict[str, str] = {}
    facts: dict[str, str] = {}
    files = [str(BASE), *sorted(str(p) for p in BASE.parent.glob("*.yaml") if p != BASE)]
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(repeat):
            json_s.append(_spawn([ALLOCATE, str(BASE), "--json", "--no-files"]).seconds)
            for executor, into in (("local", mc_s), ("sequential", seq_s)):
                if executor == "sequential" and k:
                    continue  # once: the rate of one core, and the frame to compare
                run = _spawn([sys.executable, "-c", MC_CODE, str(BASE), str(runs), executor],
                             capture=True)
                into.append(run.seconds)
                digest, ok, total, flow = run.stdout.split()
                digests.setdefault(executor, digest)
                facts[executor] = (f"{ok}/{total} rows OPTIMAL, {flow}/{runs} runs by "
                                   "network-flow certificate")
                if digest != digests[executor]:
                    mismatches.append(f"monte_carlo {executor}: the frame differs between runs")
            cli_s.append(_spawn([ALLOCATE, "montecarlo", str(BASE), "--runs", str(runs),
                                 "--out", f"{tmp}/mc", "--quiet"]).seconds)
            full_s.append(_spawn([ALLOCATE, str(BASE), "--out", f"{tmp}/full"]).seconds)
            pack_s.append(_spawn([ALLOCATE, "report", *files, "--out", f"{tmp}/pack"]).seconds)
            fi_s.append(_spawn([ALLOCATE, "report", *files, "--lang", "fi",
                                "--out", f"{tmp}/pack-fi"]).seconds)
            if not quick:
                tip_s.append(_spawn([ALLOCATE, "tipping", str(BASE), "--input", "all",
                                     "--out", f"{tmp}/tip", "--quiet"]).seconds)
    if digests["local"] != digests["sequential"]:
        mismatches.append("monte_carlo: the pool's frame differs from the sequential one")
    one = statistics.median(json_s)
    mc = statistics.median(mc_s)
    rows.append(Row("one allocate scenarios/base.yaml --json --no-files", one))
    rows.append(Row(f"monte_carlo {runs} draws, fresh process, local pool of {cores} (all "
                    "start-up included)", mc, status=facts["local"] + (
                        "; frame identical to sequential"
                        if digests["local"] == digests["sequential"] else "; FRAME DIFFERS"),
                    ratio=mc / one, ratio_of="one --json run", target="<= 5" if not quick else "",
                    note=f"{runs / mc:.0f} scenarios/s with start-up"))
    rows.append(Row(f"monte_carlo {runs} draws, fresh process, sequential", seq_s[0],
                    status=facts["sequential"], ratio=seq_s[0] / one, ratio_of="one --json run",
                    note=f"{runs / seq_s[0]:.0f} scenarios/s on one core, with start-up"))
    cli = statistics.median(cli_s)
    rows.append(Row(f"allocate montecarlo --runs {runs} (its CSV, PNG files too)", cli,
                    ratio=cli / one, ratio_of="one --json run"))
    rates = _child("rates", 1, "--processes", str(cores),
                   "--runs", str(100 if quick else 400)).result
    for name, count in (("sweep", rates["sweep_points"]), ("tornado", rates["tornado_solves"])):
        took = rates[name][0]
        rows.append(Row(f"{name} of the base case, {count} solves, local pool of {cores}", took,
                        note=f"{count / took:.0f} scenarios/s with start-up (Monte Carlo "
                             f"above: {runs / mc:.0f})"))
    full = statistics.median(full_s)
    pack = statistics.median(pack_s)
    rows.append(Row("allocate scenarios/base.yaml --out TMP (all files)", full))
    rows.append(Row(f"allocate report base + {len(files) - 1} scenarios (board pack)", pack,
                    ratio=pack / full, ratio_of="one full run", target="<= 3"))
    finnish = statistics.median(fi_s)
    rows.append(Row("the same board pack in Finnish (--lang fi)", finnish,
                    ratio=finnish / full, ratio_of="one full run"))
    if tip_s:
        tip = statistics.median(tip_s)
        rows.append(Row("allocate tipping scenarios/base.yaml --input all", tip,
                        target="< 15 s", status="under 15 s" if tip < 15 else "over 15 s"))
    return rows


def dask_part(quick: bool, mismatches: list[str]) -> list[Row]:
    """Part 6: Monte Carlo on a Dask LocalCluster of 1 and of 2 workers: the speed-up."""
    if importlib.util.find_spec("distributed") is None:
        return [Row("Dask scaling", status="skipped",
                    note="dask not installed: pip install -e '.[dask]'")]
    runs = 2000 if quick else 20_000
    one = _child("dask", 1, "--processes", "1", "--runs", str(runs)).result
    two = _child("dask", 1, "--processes", "2", "--runs", str(runs)).result
    same = one["digests"][0] == two["digests"][0]
    if not same:
        mismatches.append("dask: the frame on 2 workers differs from the one on 1 worker")
    t1, t2 = one["total"][0], two["total"][0]
    return [
        Row(f"monte_carlo {runs} draws, Dask LocalCluster of 1 worker", t1,
            note=f"{runs / t1:.0f} scenarios/s"),
        Row(f"monte_carlo {runs} draws, Dask LocalCluster of 2 workers", t2,
            status="frame identical to 1 worker's" if same else "FRAME DIFFERS",
            ratio=t1 / t2 / 2, ratio_of="linear speed-up", target=">= 0.8" if not quick else "",
            note=f"{runs / t2:.0f} scenarios/s; speed-up {t1 / t2:.2f} x"),
    ]


def _table(rows: list[Row]) -> str:
    """The rows as a fixed-width text table."""
    def fmt(v: float | None, spec: str) -> str:
        return "" if v is None else format(v, spec)
    cells = [[r.benchmark, fmt(r.median_s, ".3f"), fmt(r.peak_mib, ".1f"), r.status,
              "" if r.ratio is None else f"{r.ratio:.2f} x {r.ratio_of}", r.target, r.note]
             for r in rows]
    head = ["benchmark", "median [s]", "peak [MiB]", "status / proof", "ratio", "target",
            "note"]
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
                        help="runs per figure, medians reported (default 3; 1 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: one repeat and smaller analyses")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    # Internal: one measurement in a child process of its own (see _child).
    parser.add_argument("--child", choices=["solve", "highs", "rates", "dask"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--instance", choices=list(INSTANCES), help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--processes", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=1000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    repeat = args.repeat if args.repeat is not None else (1 if args.quick else 3)

    if args.child is not None:
        if args.child == "solve":
            result = child_solve(args.instance, repeat)
        elif args.child == "highs":
            result = child_highs(args.instance, repeat)
        elif args.child == "rates":
            result = child_rates(args.processes, args.runs)
        else:
            result = child_dask(args.processes, args.runs, repeat)
        args.result.write_text(json.dumps(result))
        return

    # An installed package has its bytecode; without it every child would compile the
    # package's sources first, which no user waits for twice.
    compileall.compile_dir(ROOT / "allocator", quiet=1)
    load_before = _load()
    print(f"load average (1/5/15 min) at start: {load_before}; {os.cpu_count()} cores; "
          f"median of {repeat} run(s); Python {sys.version.split()[0]}", flush=True)
    mismatches: list[str] = []
    rows = processes_part(repeat)
    rows += instances_part(repeat, mismatches)
    rows += analyses_part(repeat, args.quick, mismatches)
    rows += dask_part(args.quick, mismatches)
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
