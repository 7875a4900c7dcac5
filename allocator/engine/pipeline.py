"""The one flow for one scenario: prepare, pre-check, build, solve, diagnose, verify.

``scenario -> caseload.prepare -> diagnose.prechecks -> model.build_model -> solve.solve
-> verify.check``. The command line, the notebook API, every analysis (each variant of a
sweep, a tornado, a Monte Carlo draw), the repair search and the robust allocation's own
optima all go through :func:`allocate`; settings choose how much of the flow runs (ties,
conflict cores and repairs, or only whether the rules can hold).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ortools import __version__ as ortools_version  # type: ignore[attr-defined]

from allocator.engine.caseload import prepare
from allocator.engine.diagnose import conflict_from_core, prechecks
from allocator.engine.model import build_model
from allocator.engine.repair import find_repairs
from allocator.engine.result import Result
from allocator.engine.solve import SolveSettings, certified_outcome, infeasible_core, solve
from allocator.engine.types import Allocation, Conflict, SolverFacts, Status
from allocator.engine.verify import check
from allocator.scenario.loading import load_scenario
from allocator.scenario.schema import Scenario

#: Deterministic time per feasibility check while searching for repairs.
REPAIR_TIME_LIMIT = 5.0


def settings_for(scenario: Scenario, time_limit: float | None = None,
                 workers: int | None = None) -> SolveSettings:
    """Solver settings from the scenario, overridden by explicit arguments."""
    return SolveSettings(
        time_limit=time_limit if time_limit is not None else scenario.solver.time_limit,
        workers=workers if workers is not None else scenario.solver.workers,
    )


def allocate(scenario: Scenario | str | Path, settings: SolveSettings | None = None,
             source: str | Path | None = None, hint: Allocation | None = None,
             changes: Sequence[dict[str, str | None]] = ()) -> Result:
    """Allocate ``scenario`` (a Scenario or a YAML path) and verify the result.

    ``source`` names the file a Scenario object was read from and ``changes`` what was
    changed in it since (``--caseload``, ``--set``), for the manifest; ``hint``
    (a neighbouring scenario's allocation) seeds the solver without changing the result.
    Infeasible rules do not raise: the result has status INFEASIBLE and its ``conflicts``
    name the rules (pre-checks always; a minimal core and repairs as ``settings`` ask).
    """
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
        return Result(s, data, Status.INFEASIBLE, None, facts,
                      conflicts=_repaired(s, conflicts, settings), source=where,
                      changes=tuple(changes))
    certified = (certified_outcome(data)
                 if settings.flow_certificate and not settings.feasibility_only else None)
    if certified is not None:
        result = Result(s, data, certified.status, certified.allocation, replace(
            facts, solve_time=certified.solve_time, stages=tuple(certified.stages),
            proof=certified.proof), source=where, changes=tuple(changes),
            values=certified.values)
        assert certified.allocation is not None
        result.verification = check(s, certified.allocation)
        return result
    built = build_model(data)
    build_time = time.perf_counter() - start
    outcome = solve(built, settings, hint=hint)
    facts = SolverFacts(ortools_version, settings.workers_for(built), settings.time_limit,
                        settings.random_seed, build_time, outcome.solve_time,
                        tuple(outcome.stages), outcome.unproven, outcome.proof)
    result = Result(s, data, outcome.status, outcome.allocation, facts, source=where,
                    changes=tuple(changes), tie=outcome.tie, tie_checked=outcome.tie_checked,
                    values=outcome.values)
    if outcome.status == Status.INFEASIBLE and settings.explain_conflicts:
        core = infeasible_core(build_model(data, explain=True), settings)
        if core:
            result.conflicts = _repaired(s, [conflict_from_core(data, core)], settings)
    if outcome.allocation is not None:
        result.verification = check(s, outcome.allocation)
    return result


def feasible(s: Scenario, settings: SolveSettings) -> bool | None:
    """Whether every rule of ``s`` can hold at once (None: undecided within the time limit)."""
    r = allocate(s, replace(settings, feasibility_only=True, repairs=False,
                            explain_conflicts=False, detect_ties=False))
    if r.allocation is not None:
        return True
    return False if r.status == Status.INFEASIBLE else None


def _repaired(s: Scenario, conflicts: list[Conflict], settings: SolveSettings) -> list[Conflict]:
    """``conflicts`` with the smallest single changes that resolve each, as its fix, when
    ``settings`` ask for repairs."""
    if not settings.repairs:
        return conflicts
    quick = replace(settings, time_limit=min(settings.time_limit, REPAIR_TIME_LIMIT))
    out = []
    for conflict in conflicts:
        repairs = find_repairs(s, list(conflict.rules), lambda variant: feasible(variant, quick))
        out.append(conflict if not repairs else replace(
            conflict, fix="; or ".join(r.text for r in repairs), repairs=tuple(repairs)))
    return out
