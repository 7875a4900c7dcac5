"""The whole flow for one scenario: prepare, check, build, solve, verify.

``scenario -> caseload.prepare -> model.build_model -> solve.solve -> verify.check``; the
CLI, notebooks and tests all call :func:`allocate`.
"""

from __future__ import annotations

import time
from pathlib import Path

from allocator.caseload import prepare
from allocator.diagnose import conflict_from_core, prechecks
from allocator.loading import load_scenario
from allocator.results import Result, SolverFacts, Status
from allocator.schema import Scenario
from allocator.solve import SolveSettings, infeasible_core, solve
from allocator.verify import check


def settings_for(scenario: Scenario, time_limit: float | None = None,
                 workers: int | None = None) -> SolveSettings:
    """Solver settings from the scenario, overridden by explicit arguments."""
    return SolveSettings(
        time_limit=time_limit if time_limit is not None else scenario.solver.time_limit,
        workers=workers if workers is not None else scenario.solver.workers,
    )


def allocate(scenario: Scenario | str | Path, settings: SolveSettings | None = None,
             source: str | Path | None = None) -> Result:
    """Allocate ``scenario`` (a Scenario or a YAML path) and verify the result.

    ``source`` names the file a Scenario object was read from, for the manifest.

    Infeasible rules do not raise: the result has status INFEASIBLE and its
    ``conflicts`` name the rules.
    """
    from ortools import __version__ as ortools_version  # type: ignore[attr-defined]

    from allocator.model import build_model

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
        return Result(s, data, Status.INFEASIBLE, None, facts, conflicts=conflicts, source=where)
    built = build_model(data)
    build_time = time.perf_counter() - start
    outcome = solve(built, settings)
    facts = SolverFacts(ortools_version, settings.workers_for(built), settings.time_limit,
                        settings.random_seed, build_time, outcome.solve_time,
                        tuple(outcome.stages))
    result = Result(s, data, outcome.status, outcome.allocation, facts, source=where)
    if outcome.status == Status.INFEASIBLE:
        core = infeasible_core(build_model(data, explain=True), settings)
        if core:
            result.conflicts = [conflict_from_core(data, core)]
    if outcome.allocation is not None:
        result.verification = check(s, outcome.allocation)
    return result
