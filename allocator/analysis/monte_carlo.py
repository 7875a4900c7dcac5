"""Monte Carlo: the allocation over random draws of the caseload, and how stable each area is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from allocator.analysis.executor import default_processes, map_jobs
from allocator.analysis.inputs import tidy
from allocator.analysis.paradox import COLUMNS, POPULATION, pair_events
from allocator.analysis.points import (
    Point,
    RunOptions,
    as_float,
    cost_columns,
    evaluate,
    footer,
    require_allocation,
    resolved,
    solve_base,
)
from allocator.engine.types import Allocation
from allocator.errors import Problem, ScenarioError
from allocator.scenario.paths import item_path
from allocator.scenario.schema import Scenario

#: Most Monte Carlo runs per job: a base-case draw takes a few milliseconds, so a job of
#: this many takes about a tenth of a second, long enough that sending it to a process
#: costs little beside it and short enough that progress moves several times a second.
BLOCK = 25
#: Jobs per process at least, so that a short analysis still spreads over every process.
JOBS_PER_PROCESS = 4


def parse_uncertainty(spec: str) -> tuple[str, float]:
    """``poisson`` or ``uniform:W`` (±W relative, 0 < W <= 1) -> (model, W).

    Raises ScenarioError naming ``--model`` when malformed.
    """
    name, _, width = spec.partition(":")
    if name == "poisson" and not width:
        return "poisson", 0.0
    if name == "uniform":
        try:
            w = float(width)
        except ValueError:
            w = float("nan")
        if 0 < w <= 1:
            return "uniform", w
    raise ScenarioError([Problem("", f"'{spec}' is not an uncertainty model: use 'poisson' or "
                                     "'uniform:W' with 0 < W <= 1 (e.g. uniform:0.1 = ±10 %)",
                                 "--model")])


def count_features(s: Scenario) -> list[str]:
    """Caseload features that are counts: whole numbers in every municipality.

    Rates and shares (e.g. inflow_over_3m_share) are not drawn; derived features follow
    the drawn counts.
    """
    return [f for f in s.municipalities[0].caseload
            if all(float(m.caseload[f]).is_integer() for m in s.municipalities)]


def draw_caseload(s: Scenario, model: str, seed: int, run: int,
                  features: Sequence[str] | None = None) -> dict[str, float]:
    """Run ``run``'s caseload draw as dotted-path changes [persons].

    ``poisson``: each count drawn from Poisson(mean = its value); ``uniform:W``: each count
    times a uniform factor in [1 − W, 1 + W], rounded to whole persons (halves to even).
    Each run has its own random stream (seed, run), so a run's draw does not depend on
    how many runs there are or which process draws it.
    """
    kind, width = parse_uncertainty(model)
    rng = np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(run,)))
    chosen = count_features(s) if features is None else list(features)
    paths: list[str] = []
    values: list[float] = []
    for i, m in enumerate(s.municipalities):
        at = item_path("municipalities", i, m.name)
        for f in chosen:
            paths.append(f"{at}.caseload.{f}")
            values.append(m.caseload[f])
    # One call draws the values in order, as one call per value would, from the same stream.
    if kind == "poisson":
        drawn = [float(x) for x in rng.poisson(values).tolist()]
    else:
        factors = rng.uniform(1 - width, 1 + width, size=len(values)).tolist()
        drawn = [float(round(v * u)) for v, u in zip(values, factors, strict=True)]
    return dict(zip(paths, drawn, strict=True))


@dataclass(frozen=True)
class _Draws:
    scenario: Scenario
    model: str
    seed: int
    runs: tuple[int, ...]
    hint: Allocation | None
    time_limit: float | None
    base: Point


#: One run as a job returns it: its frame rows, its paradox events and whether it had an
#: allocation. The job builds them, so the calling process only joins them.
_Drawn = tuple[list[dict[str, object]], list[dict[str, object]], bool]


def _run_draws(job: _Draws) -> list[_Drawn]:
    features = count_features(job.scenario)
    out = []
    for run in job.runs:
        p = evaluate(job.scenario, draw_caseload(job.scenario, job.model, job.seed, run,
                                                 features), job.hint, job.time_limit)
        events = [{"run": run, **e} for e in pair_events(job.base, p, POPULATION, "caseload",
                                                          rising_only=True)]
        costs = cost_columns(job.scenario, p)
        rows = []
        for area, before in job.base.area_htv.items():
            htv = as_float(p.area_htv.get(area))
            rows.append({"run": run, "area": area, "htv": htv, "base_htv": float(before),
                         "change_htv": tidy(htv - float(before)), "status": p.status,
                         "verified": p.verified, "proof": p.proof, **costs})
        out.append((rows, events, p.cells is not None))
    return out


def block_size(runs: int, processes: int) -> int:
    """Runs per job: at most :data:`BLOCK`, fewer when there are not
    :data:`JOBS_PER_PROCESS` jobs per process otherwise. Each run has its own random
    stream and the same hint, so the size never changes a result."""
    return max(1, min(BLOCK, -(-runs // (JOBS_PER_PROCESS * max(processes, 1)))))


def monte_carlo(scenario: Scenario, runs: int = 100, model: str = "poisson", seed: int = 0,
                options: RunOptions | None = None) -> pd.DataFrame:
    """Allocate ``runs`` caseload draws (see :func:`draw_caseload`); one row per run and area.

    Columns: run, area, htv [customer-service HTV], base_htv [HTV], change_htv [HTV],
    status, verified, proof (what shows the run's optimum optimal, see
    allocator.engine.types.PROOF_FLOW) and, when the scenario gives costs, ``cost_eur:<municipality>`` and
    ``cost_eur:total`` [EUR/year in that run; the same on each area's row]. The same seed
    gives the same frame whatever the executor.
    Raises InfeasibleError when the unchanged scenario has no allocation.
    """
    return monte_carlo_with_paradoxes(scenario, runs, model, seed, options)[0]


#: Columns of the Monte Carlo's paradox events: the run, then allocator.analysis.paradox's.
PARADOX_COLUMNS = ["run", *COLUMNS]


def monte_carlo_with_paradoxes(scenario: Scenario, runs: int = 100, model: str = "poisson",
                               seed: int = 0, options: RunOptions | None = None
                               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`monte_carlo`'s frame and its population paradoxes, from one set of solves.

    A draw moves every caseload at once, so an event is a run in which an item's (cell's,
    municipality's or area's) own weighted caseload rose against the base, its target did
    not fall, and its HTV fell. Columns :data:`PARADOX_COLUMNS`; parameter ``caseload``,
    from_value/to_value the item's weighted caseload in the base and the run [weighted
    persons]; ``attrs["runs"]`` the runs with an allocation.
    """
    options = resolved(options, "monte_carlo")
    parse_uncertainty(model)
    if runs < 1:
        raise ValueError("runs must be >= 1")
    base = require_allocation(solve_base(scenario, options), scenario)
    hint = base.allocation if options.hints else None
    block = block_size(runs, options.processes or default_processes())
    jobs = [_Draws(scenario, model, seed, tuple(range(start, min(start + block, runs))), hint,
                   options.time_limit, replace(base, allocation=None))
            for start in range(0, runs, block)]
    progress = options.progress
    on_done = (lambda r: progress(len(r))) if progress is not None else None
    done = map_jobs(_run_draws, jobs, options.executor, options.processes, on_done,
                    scheduler=options.scheduler, on_phase=options.phase)
    rows: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    solved = 0
    for drawn in done:
        for run_rows, run_events, ok in drawn:
            rows += run_rows
            events += run_events
            solved += ok
    frame = pd.DataFrame(rows)
    frame.attrs.update(analysis="monte_carlo", scenario=scenario.name, runs=runs, model=model,
                       seed=seed, areas=[a.name for a in scenario.areas],
                       footer=footer(scenario, f"Monte Carlo {runs} runs, caseload ~ {model}, "
                                      f"seed {seed}", options.time_limit,
                                      frame.drop_duplicates("run")["proof"] if rows else ()))
    paradoxes = pd.DataFrame(events, columns=PARADOX_COLUMNS)
    paradoxes.attrs["runs"] = solved
    return frame, paradoxes


def paradox_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Per level and item, the runs with a population paradox and the largest fall [HTV].

    Columns: level, name, runs, largest_fall_htv; municipalities first, most runs first.
    """
    if events.empty:
        return pd.DataFrame(columns=["level", "name", "runs", "largest_fall_htv"])
    fall = (events["htv_before"] - events["htv_after"]).round(9)
    g = events.assign(fall=fall).groupby(["level", "name"], sort=False)
    out = g.agg(runs=("run", "nunique"), largest_fall_htv=("fall", "max")).reset_index()
    order = {"municipality": 0, "area": 1, "cell": 2}
    out = out.assign(_o=out["level"].map(order)).sort_values(["_o", "runs", "name"],
                                                             ascending=[True, False, True])
    return out.drop(columns="_o").reset_index(drop=True)


def cost_ranges(frame: pd.DataFrame) -> pd.DataFrame:
    """Per municipality (and ``total``), the range of its yearly cost over the Monte Carlo
    runs with an allocation: min, p05, median, p95, max [EUR/year]. No rows when the
    scenario gives no costs."""
    columns = [c for c in frame.columns if str(c).startswith("cost_eur:")]
    out_columns = ["municipality", "min_eur", "p05_eur", "median_eur", "p95_eur", "max_eur"]
    if not columns:
        return pd.DataFrame(columns=out_columns)
    per_run = frame.drop_duplicates("run")[columns].dropna()
    rows = [{"municipality": c.split(":", 1)[1], "min_eur": float(per_run[c].min()),
             "p05_eur": float(per_run[c].quantile(0.05)),
             "median_eur": float(per_run[c].median()),
             "p95_eur": float(per_run[c].quantile(0.95)), "max_eur": float(per_run[c].max())}
            for c in columns]
    return pd.DataFrame(rows, columns=out_columns).round(2)


def stability(frame: pd.DataFrame, threshold: float = 0.1) -> pd.DataFrame:
    """Per area, the spread of a Monte Carlo frame and how often the area moved.

    ``moved_share``: the share of runs with an allocation in which the area's HTV differs
    from the base by more than ``threshold`` [HTV]. Columns: area, base_htv, runs,
    runs_without_allocation, mean_htv, sd_htv, min_htv, p05_htv, median_htv, p95_htv,
    max_htv, moved_share, threshold_htv.
    """
    rows = []
    for area, group in frame.groupby("area", sort=False):
        ok = group.dropna(subset=["htv"])
        htv = ok["htv"]
        moved = (ok["change_htv"].abs().round(9) > threshold).sum()
        rows.append({"area": area, "base_htv": float(group["base_htv"].iloc[0]),
                     "runs": len(group), "runs_without_allocation": len(group) - len(ok),
                     "mean_htv": htv.mean(), "sd_htv": htv.std(ddof=1) if len(ok) > 1 else 0.0,
                     "min_htv": htv.min(), "p05_htv": htv.quantile(0.05),
                     "median_htv": htv.median(), "p95_htv": htv.quantile(0.95),
                     "max_htv": htv.max(),
                     "moved_share": float(moved / len(ok)) if len(ok) else float("nan"),
                     "threshold_htv": threshold})
    out = pd.DataFrame(rows)
    out.attrs.update(frame.attrs)
    out.attrs["threshold"] = threshold
    return out
