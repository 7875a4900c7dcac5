"""BuiltModel -> solution: lexicographic stages under a deterministic time limit.

Stage 1 minimises the largest cell deviation, stage 2 the total deviation with stage 1's
optimum held, stage 3 breaks remaining ties canonically with a single worker, so the same
input gives the same allocation whatever the number of workers of the earlier stages.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from allocator.model import BuiltModel, add_spread_term
from allocator.results import Allocation, StageFacts, Status

#: Objective stages in lexicographic order.
STAGES = ("max_deviation", "total_deviation", "spread", "tie_break")
#: Models with more allocation variables than this search with several workers.
PARALLEL_ABOVE = 3000
#: Deterministic time for the assumption-based first guess at a conflict; the deletion
#: filter that follows finds a minimal set without it if this runs out.
CORE_TIME_LIMIT = 5.0


@dataclass(frozen=True)
class SolveSettings:
    """Solver parameters. ``time_limit`` is CP-SAT deterministic time for the whole solve."""

    time_limit: float = 60.0
    workers: int = 0
    random_seed: int = 0

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


def _solver(settings: SolveSettings, workers: int, remaining: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = workers
    p.random_seed = settings.random_seed
    p.max_deterministic_time = max(remaining, 0.001)
    p.log_search_progress = False
    return solver


def _allocation(built: BuiltModel, solver: cp_model.CpSolver) -> Allocation:
    cells = {key: int(solver.value(v)) for key, v in built.x.items()}
    central = {key: int(solver.value(v)) for key, v in built.central.items()}
    return Allocation(built.data.granularity, {k: u for k, u in cells.items() if u},
                      {k: u for k, u in central.items() if u})


def _hint(model: cp_model.CpModel, built: BuiltModel, solver: cp_model.CpSolver) -> None:
    model.clear_hints()  # type: ignore[no-untyped-call]
    for v in [*built.x.values(), *built.y.values(), *built.central.values(),
              *built.staffed.values(), *built.deviation.values()]:
        model.add_hint(v, solver.value(v))
    if built.max_deviation is not None:
        model.add_hint(built.max_deviation, solver.value(built.max_deviation))


def solve(built: BuiltModel, settings: SolveSettings | None = None,
          hint: Allocation | None = None, stages: tuple[str, ...] = STAGES) -> SolveOutcome:
    """Solve ``built`` stage by stage; never modifies ``built.model``.

    The status is OPTIMAL only when stages 1 and 2 are proven optimal; a stage stopped by
    the time limit keeps its best value and the status becomes FEASIBLE. ``hint`` (e.g. the
    allocation of a neighbouring scenario) seeds the first stage's search; it changes how
    fast the optimum is found, never which allocation is returned. ``stages`` picks a
    subsequence of STAGES (e.g. without ``spread`` for a model whose targets are not
    ``built.data``'s); every stage but ``spread`` minimises ``built.objectives[stage]``.
    """
    settings = settings or SolveSettings()
    start = time.perf_counter()
    model = built.model.clone()
    if hint is not None:
        for key, v in built.x.items():
            model.add_hint(v, hint.cells.get(key, 0))
        for ckey, cv in built.central.items():
            model.add_hint(cv, hint.central.get(ckey, 0))
    workers = settings.workers_for(built)
    used = 0.0
    outcome = SolveOutcome(Status.OPTIMAL, None)
    last: cp_model.CpSolver | None = None
    for stage in stages:
        stage_workers = 1 if stage == "tie_break" else workers
        solver = _solver(settings, stage_workers, settings.time_limit - used)
        if stage == "spread":
            assert built.max_deviation is not None and outcome.stages
            objective = add_spread_term(model, built, outcome.stages[0].objective or 0)
        else:
            objective = built.objectives[stage]
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
        ))
        if code == cp_model.INFEASIBLE:
            outcome.status = Status.INFEASIBLE if last is None else outcome.status
            break
        if not has_solution:
            if last is None:
                outcome.status = Status.UNKNOWN
            break
        last = solver
        if code != cp_model.OPTIMAL and stage in ("max_deviation", "total_deviation"):
            outcome.status = Status.FEASIBLE
        # Hold this stage's value while the next stage optimises, starting from here.
        model.add(objective <= round(solver.objective_value))
        _hint(model, built, solver)
        outcome.allocation = _allocation(built, solver)
        if used >= settings.time_limit:
            if stage != stages[-1]:
                outcome.status = Status.FEASIBLE
            break
    outcome.solve_time = time.perf_counter() - start
    return outcome


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
