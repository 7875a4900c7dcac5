"""The whole flow for one scenario: prepare, check, build, solve, verify.

``scenario -> caseload.prepare -> model.build_model -> solve.solve -> verify.check``; the
CLI, notebooks and tests all call :func:`allocate`.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from allocator.engine.caseload import prepare
from allocator.engine.diagnose import conflict_from_core, prechecks
from allocator.engine.result import Conflict, Result, SolverFacts, Status
from allocator.engine.solve import SolveSettings, infeasible_core, solve
from allocator.engine.verify import check
from allocator.scenario.loading import load_scenario
from allocator.scenario.schema import Scenario


def settings_for(scenario: Scenario, time_limit: float | None = None,
                 workers: int | None = None) -> SolveSettings:
    """Solver settings from the scenario, overridden by explicit arguments."""
    return SolveSettings(
        time_limit=time_limit if time_limit is not None else scenario.solver.time_limit,
        workers=workers if workers is not None else scenario.solver.workers,
    )


def scenario_feasible(s: Scenario, settings: SolveSettings) -> bool | None:
    """Whether every rule of ``s`` can hold at once (None: undecided within the time limit)."""
    from allocator.engine.model import build_model
    from allocator.engine.solve import feasible

    data = prepare(s)
    if prechecks(data):
        return False
    return feasible(build_model(data), settings)


def with_repairs(s: Scenario, conflict: Conflict, settings: SolveSettings) -> Conflict:
    """``conflict`` with the smallest single changes that resolve it, as its fix."""
    from allocator.engine.repair import find_repairs

    quick = replace(settings, time_limit=min(settings.time_limit, REPAIR_TIME_LIMIT))
    repairs = find_repairs(s, list(conflict.rules), quick)
    if not repairs:
        return conflict
    fix = "; or ".join(r.text for r in repairs)
    return replace(conflict, fix=fix, repairs=tuple(repairs))


#: Deterministic time per feasibility check while searching for repairs.
REPAIR_TIME_LIMIT = 5.0


def allocate(scenario: Scenario | str | Path, settings: SolveSettings | None = None,
             source: str | Path | None = None) -> Result:
    """Allocate ``scenario`` (a Scenario or a YAML path) and verify the result.

    ``source`` names the file a Scenario object was read from, for the manifest.

    Infeasible rules do not raise: the result has status INFEASIBLE and its
    ``conflicts`` name the rules.
    """
    from ortools import __version__ as ortools_version  # type: ignore[attr-defined]

    from allocator.engine.model import build_model

    if not isinstance(scenario, Scenario):
        source = source if source is not None else scenario
        scenario = load_scenario(scenario)
    s = scenario
    where = None if source is None else str(source)
    settings = settings or settings_for(s)
    start = time.perf_counter()
    data = prepare(s)
    conflicts = prechecks(data)
    facts = SolverFacts(ortools_version, 0, settings.time_limit, settings.random_seed, 0.0, 0.0)
    if conflicts:
        if settings.repairs:
            conflicts = [with_repairs(s, c, settings) for c in conflicts]
        return Result(s, data, Status.INFEASIBLE, None, facts, conflicts=conflicts, source=where)
    built = build_model(data)
    build_time = time.perf_counter() - start
    outcome = solve(built, settings)
    facts = SolverFacts(ortools_version, settings.workers_for(built), settings.time_limit,
                        settings.random_seed, build_time, outcome.solve_time,
                        tuple(outcome.stages))
    result = Result(s, data, outcome.status, outcome.allocation, facts, source=where,
                    tie=outcome.tie, tie_checked=outcome.tie_checked, values=outcome.values)
    if outcome.status == Status.INFEASIBLE:
        core = infeasible_core(build_model(data, explain=True), settings)
        if core:
            result.conflicts = [conflict_from_core(data, core)]
    if result.conflicts and settings.repairs:
        result.conflicts = [with_repairs(s, c, settings) for c in result.conflicts]
    if outcome.allocation is not None:
        result.verification = check(s, outcome.allocation)
    return result
