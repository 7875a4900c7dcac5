"""The one flow for placing a roster: allocate, prepare, pre-check, build, solve,
diagnose, verify.

``scenario -> engine.pipeline.allocate -> Result -> prepare_placement -> prechecks ->
build_placement -> solve_placement -> verify_placement``. The command line, notebooks and
the benchmark all go through :func:`place`.
"""

from __future__ import annotations

import time
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from allocator.engine.placement.data import parts, prepare_placement
from allocator.engine.placement.diagnose import conflict_from_core, placement_prechecks, reach
from allocator.engine.placement.model import build_placement
from allocator.engine.placement.result import PlacementResult
from allocator.engine.placement.solve import placement_core, solve_placement
from allocator.engine.placement.types import PlacementSettings, PlacementVerification
from allocator.engine.placement.verify import verify_placement
from allocator.engine.result import Result
from allocator.engine.types import Status, Violation
from allocator.scenario.roster import Roster, load_roster


def place(result: Result, roster: Roster | str | Path,
          settings: PlacementSettings | None = None) -> PlacementResult:
    """Place ``roster`` (a Roster or a roster file) against the allocation in ``result``.

    Infeasible rules do not raise: the result has status INFEASIBLE and its ``conflicts``
    name the rules with their numbers. A roster file that is not valid raises
    ScenarioError with every problem located.
    """
    settings = settings or PlacementSettings(time_limit=result.scenario.solver.time_limit)
    s = result.scenario
    if not isinstance(roster, Roster):
        roster = load_roster(roster, s, settings.step)
    if result.allocation is None:
        return PlacementResult(result, roster, settings, result.status,
                               conflicts=list(result.conflicts))
    start = time.perf_counter()
    d = prepare_placement(s, result.allocation, roster, settings.step, settings.max_assignments,
                          settings.within_area)
    conflicts = placement_prechecks(d)
    if conflicts:
        return PlacementResult(result, roster, settings, Status.INFEASIBLE, d,
                               conflicts=conflicts)
    built = [build_placement(part) for part in parts(d, reach(d).allowed)]
    build_time = time.perf_counter() - start
    outcome = solve_placement(built, settings, [p.id for p in roster.people])
    out = PlacementResult(result, roster, settings, outcome.status, d, outcome.placement,
                          tuple(outcome.stages), build_time=build_time,
                          solve_time=outcome.solve_time, commute_scale=built[0].commute_scale,
                          variables=sum(len(b.y) + len(b.t) + len(b.w) for b in built),
                          parts=len(built))
    if outcome.status == Status.INFEASIBLE and settings.explain_conflicts:
        core = placement_core(build_placement(d, explain=True), settings)
        if core:
            out.conflicts = [conflict_from_core(d, core)]
    if outcome.placement is not None:
        v = verify_placement(s, result.allocation, roster, settings, outcome.placement)
        out.verification = _agrees(v, outcome.values, d.unit, built[0].commute_scale)
    return out


def _agrees(v: PlacementVerification, values: dict[str, int], unit: Fraction,
            commute_scale: int) -> PlacementVerification:
    """``v`` with a violation for every objective term the solver reports differently from
    the verifier's own recomputation."""
    o = v.objective
    if o is None:
        return v
    mine = {"max_gap": o.max_gap / unit, "total_gap": o.total_gap / unit, "moves": o.moved,
            "splits": o.split}
    if o.commute is not None:
        mine["commute"] = o.commute * commute_scale
    wrong = [Violation("objective", f"{term}: the solver reports {values[term]}, the verifier "
                       f"recomputes {float(mine[term]):g}")
             for term in mine if term in values and values[term] != mine[term]]
    return replace(v, violations=[*v.violations, *wrong]) if wrong else v


__all__ = ["PlacementSettings", "place"]
