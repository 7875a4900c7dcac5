"""BuiltModel -> solution: lexicographic stages under a deterministic time limit.

The stages and their order are allocator.engine.objectives': the largest cell deviation,
then the total deviation with the first held, then the spread, then the tie-break with a
single worker, so the same input gives the same allocation whatever the number of workers
of the earlier stages. A feasibility-only solve decides whether the rules can hold at all.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from ortools.sat.python import cp_model

from allocator.engine.caseload import DEV_SCALE, ModelData
from allocator.engine.cpsat import allocation_of, new_solver
from allocator.engine.exact import (
    Bounds,
    certify_by_flow,
    certify_max_deviation,
    certify_total_deviation,
    exact_max_deviation,
    scaled_total,
    total_by_flow,
    within,
)
from allocator.engine.flow import FlowStart, flow_start, flow_within
from allocator.engine.model import BuiltModel, add_spread_term, add_total_deviation_term, ranges
from allocator.engine.objectives import STAGES, priced, stage_term, stages_for
from allocator.engine.types import PROOF_CPSAT, PROOF_FLOW, Allocation, StageFacts, Status, Tie

#: The stages made exact by allocator.engine.exact in the default order (total deviation
#: when moves are not priced: then its term is the deviation alone).
EXACT_STAGES = ("max_deviation", "total_deviation")
#: What a result says when an exact check did not finish.
UNPROVEN_MAX = "the exact check of the largest deviation did not finish in the time limit"
UNPROVEN_TOTAL = ("the exact check of the total deviation did not finish (its time ran out, "
                  "or over 500 allocations lie within rounding of the optimum); every stage "
                  "is proven optimal at the model's scale of 1/1000 of a unit")
#: Models with more allocation variables than this search with several workers.
PARALLEL_ABOVE = 3000
#: Deterministic time for the assumption-based first guess at a conflict; the deletion
#: filter that follows finds a minimal set without it if this runs out.
CORE_TIME_LIMIT = 0.5
#: Largest model (allocation variables) on which ties are looked for.
TIE_CHECK_MAX_VARIABLES = 2000
#: Deterministic time for looking for an equally good alternative allocation.
TIE_TIME_LIMIT = 5.0


@dataclass(frozen=True)
class SolveSettings:
    """Solver parameters. ``time_limit`` is CP-SAT deterministic time for the whole solve."""

    time_limit: float = 60.0
    workers: int = 0
    random_seed: int = 0
    repairs: bool = True
    """Search for the smallest change that resolves an infeasible scenario."""
    detect_ties: bool = True
    """Check whether another allocation is equally good, to report a broken tie."""
    flow_start: bool = True
    """Start from the network-flow optimum (allocator.engine.flow) when the scenario allows."""
    explain_conflicts: bool = True
    """When the solver proves the rules infeasible, find a minimal set of conflicting rules."""
    feasibility_only: bool = False
    """Only decide whether the rules can all hold: one solve without an objective."""
    exact_total: bool = True
    """Make the total-deviation stage exact (allocator.engine.exact). The explanation's
    what-if solves, which compare values at the model's scale, leave it off."""
    flow_certificate: bool = False
    """Take the optimum from network flows alone where they certify it exactly
    (allocator.engine.exact.certify_by_flow), without a CP-SAT proof; the analyses do, and
    their results then say so (types.PROOF_FLOW). CP-SAT decides every other case."""

    def workers_for(self, built: BuiltModel) -> int:
        """The worker count to use: as set, or 1 for small models and every core for large."""
        if self.workers:
            return self.workers
        if len(built.x) <= PARALLEL_ABOVE:
            return 1
        return max(1, min(os.cpu_count() or 1, 8))


@dataclass
class SolveOutcome:
    """What the solver found: a status, an allocation (if any) and per-stage facts."""

    status: Status
    allocation: Allocation | None
    stages: list[StageFacts] = field(default_factory=list)
    solve_time: float = 0.0
    tie: Tie | None = None
    """Set when another allocation is exactly as good before the tie-break stage."""
    tie_checked: bool = False
    """Whether the search for an equally good allocation was decided (not cut by time)."""
    unproven: str | None = None
    """Why the result is not proven optimal though every stage finished (see
    allocator.engine.exact)."""
    values: dict[str, int] = field(default_factory=dict)
    """Objective terms at the returned allocation: max_deviation and total_deviation
    [1/DEV_SCALE units], moves [units moved, each counted where it leaves and arrives]."""
    proof: str = PROOF_CPSAT
    """What shows the result optimal (see allocator.engine.types.PROOF_CPSAT)."""


def certified_outcome(data: ModelData) -> SolveOutcome | None:
    """The default stages' optimum from the network-flow certificate alone, without
    building or solving a CP-SAT model; None where the certificate does not cover
    ``data`` (then :func:`solve` decides)."""
    begin = time.perf_counter()
    if stages_for(data) != STAGES:
        return None
    start = certify_by_flow(data)
    if start is None:
        return None
    assert start.spread is not None and start.tie_break is not None
    allocation = start.allocation(data.granularity)
    values = {"max_deviation": start.max_deviation, "total_deviation": start.total_deviation,
              "spread": start.spread, "tie_break": start.tie_break}
    spent = time.perf_counter() - begin
    stages = [StageFacts(stage, "OPTIMAL", values[stage], values[stage],
                         spent if stage == STAGES[-1] else 0.0, 0.0, 0) for stage in STAGES]
    return SolveOutcome(Status.OPTIMAL, allocation, stages, spent,
                        values={"max_deviation": start.max_deviation,
                                "total_deviation": start.total_deviation, "moves": 0},
                        proof=PROOF_FLOW)


def _solver(settings: SolveSettings, workers: int, remaining: float) -> cp_model.CpSolver:
    return new_solver(settings.random_seed, workers, remaining)


def _values(built: BuiltModel, allocation: Allocation,
            solver: cp_model.CpSolver | None) -> dict[str, int]:
    """Objective terms recomputed from the allocation itself [1/DEV_SCALE units]."""
    d = built.data
    y = allocation.cell_units()
    devs = [abs(DEV_SCALE * y.get(c, 0) - d.target_scaled(c)) for c in d.cells]
    values = {"max_deviation": max(devs, default=0), "total_deviation": sum(devs),
              "moves": 0}
    if built.change and solver is not None:
        values["moves"] = int(solver.value(built.moves))
    return values


def _hint(model: cp_model.CpModel, built: BuiltModel, allocation: Allocation) -> None:
    """A complete hint for the model's own variables, from an allocation."""
    d = built.data
    model.clear_hints()  # type: ignore[no-untyped-call]
    y: dict[tuple[str, str], int] = {}
    office: dict[str, int] = {}
    for key, v in built.x.items():
        units = allocation.cells.get(key, 0)
        model.add_hint(v, units)
        y[(key[0], key[2])] = y.get((key[0], key[2]), 0) + units
        office[key[1]] = office.get(key[1], 0) + units
    for ckey, cv in built.central.items():
        model.add_hint(cv, allocation.central.get(ckey, 0))
    worst = 0
    for cell, v in built.y.items():
        model.add_hint(v, y.get(cell, 0))
        dev = abs(DEV_SCALE * y.get(cell, 0) - d.target_scaled(cell))
        worst = max(worst, dev)
        if cell in built.deviation:
            model.add_hint(built.deviation[cell], dev)
    for name, flag in built.staffed.items():
        model.add_hint(flag, int(office.get(name, 0) > 0))
    if built.max_deviation is not None:
        model.add_hint(built.max_deviation, worst)


def solve(built: BuiltModel, settings: SolveSettings | None = None,
          hint: Allocation | None = None, rules_on: list[str] | None = None,
          last_stage: str | None = None, stages: tuple[str, ...] | None = None) -> SolveOutcome:
    """Solve ``built`` stage by stage; never modifies ``built.model``.

    The status is OPTIMAL only when stages 1 and 2 are proven optimal; a stage stopped by
    the time limit keeps its best value and the status becomes FEASIBLE. ``hint`` (e.g. the
    allocation of a neighbouring scenario) seeds the search; without one, the network-flow
    start (allocator.engine.flow) does when the scenario allows it. Hints change how fast
    the optimum is found, not its value. On a model built with ``explain=True``,
    ``rules_on`` chooses the rule labels that hold (default: all), which is how
    explanations re-solve with a rule relaxed; ``last_stage`` stops early. ``stages``
    gives custom stages for a model whose objectives are not ``built.data``'s own (e.g.
    the robust model): then every stage but ``spread`` minimises
    ``built.objectives[stage]`` as built, with no flow start.
    """
    settings = settings or SolveSettings()
    begin = time.perf_counter()
    if settings.feasibility_only:
        outcome = feasibility(built, settings)
        outcome.solve_time = time.perf_counter() - begin
        return outcome
    if built.explain:
        model = _with_rules(built, list(built.literals) if rules_on is None else rules_on)
    else:
        model = built.model.clone()
    custom = stages is not None
    start = None
    if settings.flow_start and not custom and not priced(built.data):
        start = flow_start(built.data)
    seed = hint or (start.allocation(built.data.granularity) if start else None)
    if seed is not None:
        _hint(model, built, seed)
    workers = settings.workers_for(built)
    used = 0.0
    outcome = SolveOutcome(Status.OPTIMAL, None)
    order = stages if stages is not None else stages_for(built.data)
    held: dict[str, int] = {}
    # In the default order stage 1 is made exact (allocator.engine.exact) and held as exact
    # bounds per cell; the later stages hold their scaled values.
    exact = not custom and order == STAGES
    bounds: Bounds | None = None
    flow_kept = True  # the flow start's allocation survived every exact check so far
    tie_check = True  # the model holds every stage so far exactly, for the tie check
    for stage in order:
        stage_workers = 1 if stage == "tie_break" else workers
        remaining = settings.time_limit - used
        minimised = stage if custom else stage_term(built.data, stage)
        term = None if minimised == stage else minimised
        if stage in ("spread", "total_deviation") and "max_deviation" in held and not custom:
            cells = bounds if bounds is not None else ranges(built.data, held["max_deviation"])
            add_term = add_spread_term if stage == "spread" else add_total_deviation_term
            objective = add_term(model, built, cells)
        else:
            objective = built.objectives[minimised]
        claim = _start_value(start, stage, held) if flow_kept else None
        if claim is not None:
            proven, spent = _prove_bound(model, objective, claim, settings, stage_workers,
                                         remaining)
            used += spent.deterministic_time
            if proven:
                assert start is not None
                outcome.stages.append(StageFacts(stage, "OPTIMAL", claim, claim, spent.wall_time,
                                                 spent.deterministic_time, stage_workers, term))
                held[stage] = claim
                flow = start.allocation(built.data.granularity)
                outcome.allocation = flow
                if exact and stage == "max_deviation":
                    bounds, used, flow_kept = _hold_exactly(model, built, outcome, settings, used)
                    if flow_kept and bounds != ranges(built.data, claim):
                        # The flow's later stages ran over the scaled deviation's ranges:
                        # run them again over the exact bounds held now.
                        again = flow_within(built.data, bounds)
                        flow_kept = again is not None
                        if again is not None:
                            start = replace(again, max_deviation=claim)
                elif exact and settings.exact_total and stage in EXACT_STAGES and term is None:
                    used, same, total = _hold_total_exactly(model, built, objective, outcome,
                                                            claim, bounds, settings, used,
                                                            stage == last_stage)
                    flow_kept = flow_kept and same
                    if total.flow is not None:
                        start, flow_kept, tie_check = total.flow, True, total.holds_exactly
                else:
                    model.add(objective <= claim)
                outcome.values = _values(built, outcome.allocation, None)
                if stage == last_stage:
                    break
                if (stage == "total_deviation" and flow_kept and start.spread is not None
                        and start.tie_break is not None and not built.explain
                        and order == STAGES):
                    _finish_from_flow(model, built, start, outcome, settings, bounds, tie_check)
                    break
                continue
        solver = _solver(settings, stage_workers, remaining)
        model.minimize(objective)
        code = solver.solve(model)
        used += solver.deterministic_time
        has_solution = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        outcome.stages.append(StageFacts(
            name=stage,
            status=solver.status_name(code),
            objective=round(solver.objective_value) if has_solution else None,
            bound=round(solver.best_objective_bound) if has_solution else None,
            wall_time=solver.wall_time,
            deterministic_time=solver.deterministic_time,
            workers=stage_workers,
            term=term,
        ))
        if code == cp_model.INFEASIBLE:
            if outcome.allocation is None:
                outcome.status = Status.INFEASIBLE
            break
        if not has_solution:
            if outcome.allocation is None:
                outcome.status = Status.UNKNOWN
            break
        if code != cp_model.OPTIMAL and stage in ("max_deviation", "total_deviation"):
            outcome.status = Status.FEASIBLE
        # Hold this stage's value while the next stage optimises, starting from here.
        value = round(solver.objective_value)
        held[stage] = value
        outcome.allocation = allocation_of(built, solver)
        flow_kept = False
        if exact and stage == "max_deviation" and code == cp_model.OPTIMAL:
            bounds, used, _ = _hold_exactly(model, built, outcome, settings, used)
        elif (exact and settings.exact_total and stage in EXACT_STAGES and term is None
              and code == cp_model.OPTIMAL):
            used, _, total = _hold_total_exactly(model, built, objective, outcome, value,
                                                 bounds, settings, used, stage == last_stage)
            if total.flow is not None:
                # The flow certificate settled stage 2 and, over its exactly best flows,
                # stages 3 and 4.
                outcome.values = _values(built, outcome.allocation, solver)
                if stage != last_stage:
                    _finish_from_flow(model, built, total.flow, outcome, settings, bounds,
                                      total.holds_exactly)
                break
        else:
            model.add(objective <= value)
        outcome.values = _values(built, outcome.allocation, solver)
        _hint(model, built, outcome.allocation)
        if stage == "spread" and _check_ties(built, settings):
            outcome.tie, outcome.tie_checked = find_tie(model, built, outcome.allocation, settings)
        if stage == last_stage:
            break
        if used >= settings.time_limit:
            if stage != order[-1]:
                outcome.status = Status.FEASIBLE
            break
    outcome.solve_time = time.perf_counter() - begin
    return outcome


def _hold_exactly(model: cp_model.CpModel, built: BuiltModel, outcome: SolveOutcome,
                  settings: SolveSettings, used: float) -> tuple[Bounds, float, bool]:
    """Make the largest-deviation stage exact and hold it as each cell's exact bounds.

    An exact check that does not finish in time leaves the result FEASIBLE, not proven
    optimal. Returns the cells' bounds, the deterministic time used so far [s], and
    whether the allocation was kept.
    """
    assert outcome.allocation is not None
    d = built.data
    cert = certify_max_deviation(model, built, outcome.allocation, settings,
                                 settings.time_limit - used)
    kept = cert.allocation == outcome.allocation
    outcome.allocation = cert.allocation
    bounds = within(d, exact_max_deviation(d, cert.allocation.cell_units()))
    assert bounds is not None, "an allocation lies within its own largest deviation"
    for cell, (lo, hi) in bounds.items():
        model.add_linear_constraint(built.y[cell], lo, hi)
    if not cert.proven:
        outcome.status = Status.FEASIBLE
        outcome.unproven = UNPROVEN_MAX
    return bounds, used + cert.deterministic_time, kept


@dataclass(frozen=True)
class _TotalHeld:
    """How stage 2 was made exact: ``flow``, the certified flow optimum of stages 2 to 4
    when the network-flow certificate settled it (None: CP-SAT's window did, or nothing
    did); ``holds_exactly``, whether the model now holds exactly the exactly best cell
    values, as a tie check on it needs."""

    flow: FlowStart | None
    holds_exactly: bool


def _hold_total_exactly(model: cp_model.CpModel, built: BuiltModel, objective: Any,
                        outcome: SolveOutcome, value: int, bounds: Bounds | None,
                        settings: SolveSettings, used: float,
                        last: bool = False) -> tuple[float, bool, _TotalHeld]:
    """Make the total-deviation stage exact and hold it for the later stages (``last``:
    the solve stops after it).

    Where the network is the whole model, the flow certificate settles it
    (allocator.engine.exact.total_by_flow) when no tie check will search the model, and
    when CP-SAT's window cannot be listed; the flow's stages 3 and 4 are then the ones to
    take. Otherwise the later stages choose only among the exactly best cell values (the
    scaled value is held when the scaled targets are exact); a check that does not finish
    holds the scaled value and leaves the result FEASIBLE. Returns the deterministic time
    used so far [s], whether the allocation was kept with nothing exactly as good left out
    of the scaled optimum (so that the flow's later stages still hold), and how.
    """
    assert outcome.allocation is not None
    d = built.data
    cells = bounds or ranges(d, outcome.values.get("max_deviation", 0))
    # The flow's optimum is the model's over stage 1's exact bounds, with every rule on.
    exact_bounds = None if built.explain else bounds

    def by_flow() -> tuple[float, bool, _TotalHeld] | None:
        found = None if exact_bounds is None else total_by_flow(d, exact_bounds)
        if found is None:
            return None
        return used, _take_flow(model, built, objective, outcome, value, found), \
            _TotalHeld(found, False)

    ties = _check_ties(built, settings) and not last
    if not ties and (settled := by_flow()) is not None:
        return settled
    cert = certify_total_deviation(model, built, cells, outcome.allocation, settings,
                                   settings.time_limit - used)
    used += cert.deterministic_time
    if not cert.proven and ties and (settled := by_flow()) is not None:
        return settled
    if cert.allowed is None:
        model.add(objective <= value)
        if not cert.proven:
            outcome.status = Status.FEASIBLE
            outcome.unproven = UNPROVEN_TOTAL
        # The allocation and the scaled hold are as they were: the flow's stages still hold.
        return used, True, _TotalHeld(None, cert.proven)
    model.add_allowed_assignments([built.y[c] for c in cert.cells], cert.allowed)
    kept = cert.allocation == outcome.allocation
    if not kept:
        _replace_allocation(built, outcome, cert.allocation)
    within = all(scaled_total(d, dict(zip(cert.cells, key, strict=True))) <= value
                 for key in cert.allowed)
    return used, kept and within, _TotalHeld(None, True)


def _take_flow(model: cp_model.CpModel, built: BuiltModel, objective: Any,
               outcome: SolveOutcome, value: int, found: FlowStart) -> bool:
    """Take the flow certificate's exact stage-2 optimum; whether it is the allocation
    already held. The model holds the scaled value, or the optimum's own when above it."""
    allocation = found.allocation(built.data.granularity)
    kept = allocation == outcome.allocation
    if not kept:
        _replace_allocation(built, outcome, allocation)
    model.add(objective <= max(value, found.total_deviation))
    return kept


def _replace_allocation(built: BuiltModel, outcome: SolveOutcome,
                        allocation: Allocation) -> None:
    """An exact check chose another allocation: the stage's facts give its scaled total."""
    outcome.allocation = allocation
    fresh = scaled_total(built.data, allocation.cell_units())
    last = outcome.stages[-1]
    outcome.stages[-1] = replace(last, objective=fresh, bound=fresh)


def _check_ties(built: BuiltModel, settings: SolveSettings) -> bool:
    """Whether to look for an equally good allocation: asked for, and the model is small.

    On large models the search rarely finishes within its limit and costs more than the
    solve; the result then says the question was not checked.
    """
    return settings.detect_ties and len(built.x) <= TIE_CHECK_MAX_VARIABLES


def _start_value(start: FlowStart | None, stage: str, held: dict[str, int]) -> int | None:
    """The flow start's value for ``stage``, when CP-SAT may be asked to prove it.

    Stage 2's value holds only if stage 1 settled on the start's value; the start says
    nothing about custom stages (it is None then) or the later stages (taken whole).
    """
    if start is None:
        return None
    if stage == "max_deviation":
        return start.max_deviation
    if stage == "total_deviation" and held.get("max_deviation") == start.max_deviation:
        return start.total_deviation
    return None


def _finish_from_flow(model: cp_model.CpModel, built: BuiltModel, start: FlowStart,
                      outcome: SolveOutcome, settings: SolveSettings,
                      bounds: Bounds | None, tie_check: bool = True) -> None:
    """Take stages 3 and 4 from the flow start, whose network is the whole model.

    The lexicographic min-cost flows optimise spread and tie-break exactly over the
    proven optima of stages 1 and 2; only the tie check still runs on the CP-SAT model,
    and only when that holds stage 2 exactly (``tie_check``; else it is reported as not
    checked).
    """
    assert start.spread is not None and start.tie_break is not None
    begin = time.perf_counter()
    for stage, value in (("spread", start.spread), ("tie_break", start.tie_break)):
        outcome.stages.append(StageFacts(stage, "OPTIMAL", value, value, 0.0, 0.0, 0))
    allocation = start.allocation(built.data.granularity)
    outcome.allocation = allocation
    outcome.values = _values(built, allocation, None)
    if tie_check and _check_ties(built, settings):
        assert bounds is not None
        spread = add_spread_term(model, built, bounds)
        model.add(spread <= start.spread)
        outcome.tie, outcome.tie_checked = find_tie(model, built, allocation, settings)
    spent = time.perf_counter() - begin
    last = outcome.stages[-1]
    outcome.stages[-1] = StageFacts(last.name, last.status, last.objective, last.bound, spent,
                                    0.0, 0)


def _prove_bound(model: cp_model.CpModel, objective: Any, value: int, settings: SolveSettings,
                 workers: int, remaining: float) -> tuple[bool, cp_model.CpSolver]:
    """Let CP-SAT prove that no allocation does better than ``value`` on ``objective``.

    ``value`` is reached by the flow start, a valid allocation; if CP-SAT finds the model
    infeasible with the objective one step below it, ``value`` is the proven optimum.
    """
    probe = model.clone()
    probe.add(objective <= value - 1)
    solver = _solver(settings, workers, remaining)
    code = solver.solve(probe)
    return code == cp_model.INFEASIBLE, solver


def find_tie(model: cp_model.CpModel, built: BuiltModel, allocation: Allocation,
             settings: SolveSettings) -> tuple[Tie | None, bool]:
    """Look for an allocation as good as ``allocation`` on every stage so far, but different.

    ``model`` holds the bounds of the stages solved so far. First at the level of
    municipality × line cells, then (if none) at the level of offices. Returns the tie (or
    None) and whether the question was decided within the time limit.
    """
    chosen_y: dict[tuple[str, str], int] = dict.fromkeys(built.y, 0)
    for (m, _, line), units in allocation.cells.items():
        chosen_y[(m, line)] += units
    trial = model.clone()
    trial.clear_objective()  # type: ignore[no-untyped-call]
    trial.clear_hints()  # type: ignore[no-untyped-call]
    flags = []
    for cell, v in built.y.items():
        flag = trial.new_bool_var(f"differs[{cell[0]},{cell[1]}]")
        trial.add(v != chosen_y[cell]).only_enforce_if(flag)
        flags.append(flag)
    trial.add_bool_or(flags)
    probe = _solver(settings, 1, min(settings.time_limit, TIE_TIME_LIMIT))
    code = probe.solve(trial)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        cells = tuple(cell for cell, v in built.y.items() if probe.value(v) != chosen_y[cell])
        return Tie(cells, False), True
    if code != cp_model.INFEASIBLE:
        return None, False
    offices_per_cell = Counter((m, line) for m, _, line in built.x)
    shared = [key for key in built.x if offices_per_cell[(key[0], key[2])] > 1]
    if not shared:
        return None, True
    trial = model.clone()
    trial.clear_objective()  # type: ignore[no-untyped-call]
    for cell, v in built.y.items():
        trial.add(v == chosen_y[cell])
    flags = []
    for key in shared:
        flag = trial.new_bool_var(f"moves[{key}]")
        trial.add(built.x[key] != allocation.cells.get(key, 0)).only_enforce_if(flag)
        flags.append(flag)
    trial.add_bool_or(flags)
    probe = _solver(settings, 1, min(settings.time_limit, TIE_TIME_LIMIT))
    code = probe.solve(trial)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Tie((), True), True
    return None, code == cp_model.INFEASIBLE


def feasibility(built: BuiltModel, settings: SolveSettings) -> SolveOutcome:
    """Whether every rule of ``built`` can hold: one solve with no objective and one worker.

    The outcome is FEASIBLE with some allocation that obeys every rule, INFEASIBLE, or
    UNKNOWN when the time limit decides nothing.
    """
    solver = _solver(settings, 1, settings.time_limit)
    code = solver.solve(built.model.clone())
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return SolveOutcome(Status.FEASIBLE, allocation_of(built, solver))
    return SolveOutcome(Status.INFEASIBLE if code == cp_model.INFEASIBLE else Status.UNKNOWN, None)


def _with_rules(built: BuiltModel, labels: list[str]) -> cp_model.CpModel:
    """A copy of an explain-model with exactly the rules in ``labels`` switched on.

    Fixing the literals (rather than assuming them) lets presolve drop the switched-off
    rules and tighten the rest, which proves small conflicts at once.
    """
    model = built.model.clone()
    model.clear_assumptions()
    on = set(labels)
    for name, lit in built.literals.items():
        model.add(lit == int(name in on))
    return model


def is_feasible(built: BuiltModel, labels: list[str], settings: SolveSettings) -> bool | None:
    """Whether the rules in ``labels`` can hold together (others relaxed); None if unknown.

    ``built`` must have been built with ``explain=True``.
    """
    solver = _solver(settings, 1, settings.time_limit)
    code = solver.solve(_with_rules(built, labels))
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    if code == cp_model.INFEASIBLE:
        return False
    return None


def infeasible_core(built: BuiltModel, settings: SolveSettings) -> list[str] | None:
    """A set of rule labels that cannot all hold, shrunk so that dropping any one frees it.

    CP-SAT's sufficient assumptions give a first set (not guaranteed minimal); then each
    label is removed in turn and kept out if the rest still conflict (deletion filter).
    None if the solver could not decide within the time limit.
    """
    everything = list(built.literals)
    if is_feasible(built, everything, settings) is not False:
        return None
    solver = _solver(settings, 1, min(settings.time_limit, CORE_TIME_LIMIT))
    code = solver.solve(built.model.clone())
    core = everything
    if code == cp_model.INFEASIBLE:
        by_index = {lit.index: name for name, lit in built.literals.items()}
        found = {by_index[i] for i in solver.sufficient_assumptions_for_infeasibility()
                 if i in by_index}
        if found and is_feasible(built, [n for n in everything if n in found], settings) is False:
            core = [n for n in everything if n in found]
    for name in list(core):
        trial = [n for n in core if n != name]
        if is_feasible(built, trial, settings) is False:
            core = trial
    return core
