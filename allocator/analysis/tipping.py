"""Tipping points: how far each input must move, up and down, before an area's HTV moves
by a threshold that means something to HR (0.1 HTV by default: a tenth of a person-year)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from allocator.analysis.executor import map_jobs
from allocator.analysis.inputs import Input, changes_for, input_at
from allocator.analysis.points import (
    Point,
    RunOptions,
    as_float,
    evaluate,
    footer,
    require_allocation,
    resolved,
    solve_base,
)
from allocator.engine.types import Allocation
from allocator.errors import Problem, ScenarioError
from allocator.scenario.schema import Scenario, to_fraction


@dataclass(frozen=True)
class _Tipping:
    """Scan one input in one direction, then bisect each area's first change."""

    scenario: Scenario
    input: Input
    sign: int
    areas: tuple[str, ...]
    base: dict[str, Fraction]
    threshold: Fraction
    max_change: float
    steps: int
    precision: float
    hint: Allocation | None
    time_limit: float | None


@dataclass(frozen=True)
class _Tip:
    area: str
    found: bool
    unchanged: float
    change: float
    status: str
    htv: Fraction | None
    solves: int
    note: str = ""
    proof: str = ""
    proofs: tuple[str, ...] = ()


def _run_tipping(job: _Tipping) -> list[_Tip]:
    cache: dict[float, Point] = {}
    hint = job.hint

    def at(r: float) -> Point:
        nonlocal hint
        if r not in cache:
            changes = changes_for(job.scenario, job.input.path, job.input.moved(job.sign * r), True)
            cache[r] = evaluate(job.scenario, changes, hint, job.time_limit)
            if job.hint is not None and cache[r].allocation is not None:
                hint = cache[r].allocation
        return cache[r]

    def moved(p: Point, area: str) -> bool:
        return not p.ok or abs(p.area_htv[area] - job.base[area]) >= job.threshold

    brackets: dict[str, tuple[float, float]] = {}
    last = 0.0
    for k in range(1, job.steps + 1 if job.input.value != 0 else 1):
        r = job.max_change * k / job.steps
        point = at(r)
        for area in job.areas:
            if area not in brackets and moved(point, area):
                brackets[area] = (last, r)
        last = r
        if len(brackets) == len(job.areas):
            break
    out = []
    for area in job.areas:
        if area not in brackets:
            note = "the input is 0, so a relative change does not move it" \
                if job.input.value == 0 else ""
            out.append(_Tip(area, False, job.max_change, float("nan"), "", None, len(cache), note,
                            proofs=tuple(p.proof for p in cache.values())))
            continue
        lo, hi = brackets[area]
        while hi - lo > job.precision:
            mid = (lo + hi) / 2
            if moved(at(mid), area):
                hi = mid
            else:
                lo = mid
        p = at(hi)
        out.append(_Tip(area, True, lo, hi, p.status, p.area_htv.get(area), len(cache),
                        proof=p.proof, proofs=tuple(q.proof for q in cache.values())))
    return out


def _job_proofs(done: list[list[_Tip]]) -> list[str]:
    """Each job's solved points' proofs, once per job (its areas share its points)."""
    return [p for tips in done if tips for p in tips[-1].proofs]


def tipping_points(scenario: Scenario, inputs: Iterable[str], areas: Iterable[str] | None = None,
                   max_change: float = 0.5, steps: int = 10, precision: float = 0.001,
                   options: RunOptions | None = None, threshold: float = 0.1) -> pd.DataFrame:
    """The smallest relative change of each input, up and down, that moves an area.

    An area's allocation *moves* when its customer-service HTV differs from the base by at
    least ``threshold`` [HTV] (at least one granularity unit), or when the changed scenario
    has no allocation. Stopping
    rule: scan ``steps`` equal steps up to ``max_change`` (0.5 = ±50 %); at the first step
    that moves the area, bisect between it and the step before until the bracket is at
    most ``precision`` wide (0.001 = 0.1 percentage points). The result is the bracket's
    upper end, a change that does move the area; the area did not move at the lower end.
    An allocation is a step function of its inputs and need not be monotone, so a change
    that moves the area and moves it back within one scan step can be missed.

    Columns: area, input, label, direction (up/down), base_value, found, change (signed
    relative change, NaN if none), value (the input at that change), unchanged_to (signed
    relative change that still left the area as it was, the scan's end if none), base_htv,
    htv (at the change) [HTV], status and proof (at the change; see
    allocator.engine.types.PROOF_FLOW), solves, result (e.g. '+4.3 %' or
    'none within +50 %'), note.
    """
    options = resolved(options, "tipping")
    if not 0 < max_change < 1:
        raise ValueError(f"max_change {max_change} must be between 0 and 1")
    if steps < 1 or precision <= 0:
        raise ValueError("steps must be >= 1 and precision > 0")
    if not math.isfinite(threshold) or threshold <= 0:
        raise ValueError(f"threshold {threshold} must be a positive number of HTV")
    moves = max(to_fraction(threshold), to_fraction(scenario.granularity))
    chosen = [input_at(scenario, p, "--input") for p in inputs]
    names = [a.name for a in scenario.areas]
    picked = list(areas) if areas is not None else names
    for a in picked:
        if a not in names:
            raise ScenarioError([Problem("", f"unknown area '{a}' (known: {', '.join(names)})",
                                         "--area")])
    base = require_allocation(solve_base(scenario, options), scenario)
    jobs = [_Tipping(scenario, i, sign, tuple(picked), base.area_htv, moves, max_change, steps,
                     precision, base.allocation if options.hints else None, options.time_limit)
            for i in chosen for sign in (+1, -1)]
    progress = options.progress
    on_done = (lambda _r: progress(1)) if progress is not None else None
    done = map_jobs(_run_tipping, jobs, options.executor, options.processes, on_done,
                    scheduler=options.scheduler, on_phase=options.phase)
    rows = []
    for job, tips in zip(jobs, done, strict=True):
        for t in tips:
            sign = "+" if job.sign > 0 else "-"
            signed = job.sign * t.change + 0.0  # no -0.0
            rows.append({
                "area": t.area, "input": job.input.path, "label": job.input.label,
                "direction": "up" if job.sign > 0 else "down", "base_value": job.input.value,
                "found": t.found, "change": signed,
                "value": job.input.moved(signed) if t.found else float("nan"),
                "unchanged_to": job.sign * t.unchanged + 0.0,
                "base_htv": float(base.area_htv[t.area]), "htv": as_float(t.htv), "status": t.status,
                "proof": t.proof, "solves": t.solves,
                "result": (f"{sign}{t.change * 100:.2f} %" if t.found
                           else f"none within {sign}{max_change * 100:g} %"),
                "note": t.note,
            })
    frame = pd.DataFrame(rows)
    order = {a: k for k, a in enumerate(names)}
    frame = frame.sort_values("area", key=lambda c: c.map(order), kind="stable")
    frame = frame.reset_index(drop=True)
    frame.attrs.update(analysis="tipping", scenario=scenario.name, max_change=max_change,
                       precision=precision, areas=names, threshold=float(moves),
                       footer=footer(scenario, f"tipping points of {float(moves):g} HTV within "
                                      f"±{max_change * 100:g} %, {steps} scan steps, bracket ≤ "
                                      f"{precision * 100:g} pp", options.time_limit,
                                      _job_proofs(done)))
    return frame


def most_sensitive(frame: pd.DataFrame, top: int) -> pd.DataFrame:
    """Per area, the rows of the ``top`` inputs that tip it soonest (the smaller of the two
    directions' changes; inputs without a tipping point last), in that order.

    ``attrs["more"]`` holds, per area, how many inputs were left out.
    """
    if not len(frame):
        return frame
    size = frame["change"].abs().where(frame["found"], float("inf"))
    soonest = size.groupby([frame["area"], frame["input"]], sort=False).min()
    keep, more = [], {}
    for area in dict.fromkeys(frame["area"]):
        ranked = soonest.loc[area].sort_values(kind="stable")
        keep += [(area, i) for i in ranked.index[:top]]
        more[area] = max(len(ranked) - top, 0)
    rank = {key: k for k, key in enumerate(keep)}
    keys = list(zip(frame["area"], frame["input"], strict=True))
    chosen = frame[[key in rank for key in keys]].copy()
    chosen["_rank"] = [rank[key] for key in zip(chosen["area"], chosen["input"], strict=True)]
    out = chosen.sort_values("_rank", kind="stable").drop(columns="_rank").reset_index(drop=True)
    out.attrs = {**frame.attrs, "more": more, "top": top}
    return out
