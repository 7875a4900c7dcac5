"""PlacementModel -> Placement: lexicographic stages, each optimum held for the next.

Each stage minimises one term (largest gap, total gap, moves or commute, people split
over two assignments, tie-break) with every earlier term held at the value found, in
exact integer units. The status is OPTIMAL only when every stage is proven optimal; a
stage stopped by the time limit keeps its best value and the status becomes FEASIBLE,
with the stage's bound kept so the gap can be reported.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction

from ortools.sat.python import cp_model

from allocator.engine.cpsat import new_solver
from allocator.engine.placement.model import PlacementModel, stages_for
from allocator.engine.placement.types import Placement, PlacementRow, PlacementSettings
from allocator.engine.types import StageFacts, Status

#: Deterministic time for the assumption-based core of an infeasible roster [s].
CORE_TIME_LIMIT = 10.0
#: Largest core the deletion filter shrinks to a minimal one (each label one solve).
MINIMISE_CORE_UP_TO = 40


@dataclass
class PlacementOutcome:
    """What the solver found: a status, a placement (if any) and per-stage facts."""

    status: Status
    placement: Placement | None
    stages: list[StageFacts] = field(default_factory=list)
    solve_time: float = 0.0
    values: dict[str, int] = field(default_factory=dict)
    """Each stage's term at the placement, in the model's integers."""


def _placement(b: PlacementModel, solver: cp_model.CpSolver) -> Placement:
    """The rows of ``solver``'s solution in roster order, then office and assignment order."""
    d = b.data
    rows = []
    order = {a: i for i, a in enumerate(d.assignments)}
    by_person: dict[str, list[tuple[str, str, int]]] = {}
    for (pid, office, a), v in b.t.items():
        steps = int(solver.value(v))
        if steps:
            by_person.setdefault(pid, []).append((office, a, steps))
    for p in d.people:
        for office, a, steps in sorted(by_person.get(p.id, []), key=lambda r: order[r[1]]):
            rows.append(PlacementRow(p.id, office, a, steps * d.step))
    return Placement(tuple(rows))


def _hint(b: PlacementModel, solver: cp_model.CpSolver) -> None:
    m = b.model
    m.clear_hints()  # type: ignore[no-untyped-call]
    for group in (b.y, b.t, b.w, b.gap):
        for v in group.values():
            m.add_hint(v, solver.value(v))
    m.add_hint(b.terms["max_gap"], solver.value(b.terms["max_gap"]))


def solve_placement(b: PlacementModel, settings: PlacementSettings) -> PlacementOutcome:
    """Solve ``b`` stage by stage (see the module docstring); adds the held optima to
    ``b.model``."""
    start = time.perf_counter()
    out = PlacementOutcome(Status.OPTIMAL, None)
    used = 0.0
    last: cp_model.CpSolver | None = None
    for stage in stages_for(b.data):
        term = b.terms[stage]
        if isinstance(term, int):  # nothing to choose: the term is a constant
            out.values[stage] = term
            out.stages.append(StageFacts(stage, "OPTIMAL", term, term, 0.0, 0.0, 0))
            continue
        b.model.minimize(term)
        solver = new_solver(settings.random_seed, settings.workers, settings.time_limit - used)
        status = solver.solve(b.model)
        used += solver.deterministic_time
        name = str(solver.status_name(status))
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        value = round(solver.objective_value) if found else None
        bound = round(solver.best_objective_bound) if found else None
        out.stages.append(StageFacts(stage, name, value, bound, solver.wall_time,
                                     solver.deterministic_time, settings.workers))
        if not found:
            if last is None:
                out.status = Status.INFEASIBLE if status == cp_model.INFEASIBLE else Status.UNKNOWN
                out.solve_time = time.perf_counter() - start
                return out
            out.status = Status.FEASIBLE
            break
        if status != cp_model.OPTIMAL:
            out.status = Status.FEASIBLE
        assert value is not None
        out.values[stage] = value
        b.model.add(term <= value)
        last = solver
        _hint(b, solver)
    assert last is not None
    out.placement = _placement(b, last)
    out.solve_time = time.perf_counter() - start
    return out


def placement_core(b: PlacementModel, settings: PlacementSettings) -> list[str] | None:
    """A small set of labels that cannot all hold (None: the time limit decided nothing,
    or the rules hold). ``b`` must be built with ``explain=True``; the core is shrunk to a
    minimal one when it is small."""
    labels = [lab for lab in b.labels if lab in b.literals]
    core = _core(b, labels, settings)
    if core is None or len(core) > MINIMISE_CORE_UP_TO:
        return core
    kept = list(core)
    for lab in list(core):
        trial = [k for k in kept if k != lab]
        if _core(b, trial, settings, quick=True) is not None:
            kept = trial
    return kept


def _core(b: PlacementModel, labels: list[str], settings: PlacementSettings,
          quick: bool = False) -> list[str] | None:
    """The labels among ``labels`` that the solver names as infeasible together (None when
    they can hold, or undecided)."""
    m = b.model
    m.clear_assumptions()
    m.clear_objective()  # type: ignore[no-untyped-call]
    m.add_assumptions([b.literals[lab] for lab in labels])
    limit = min(settings.time_limit, CORE_TIME_LIMIT / (4 if quick else 1))
    solver = new_solver(settings.random_seed, 1, limit)
    status = solver.solve(m)
    if status != cp_model.INFEASIBLE:
        return None
    chosen = {int(i) for i in solver.sufficient_assumptions_for_infeasibility()}
    return [lab for lab in labels if b.literals[lab].index in chosen]


def as_fraction(value: int, scale: int) -> Fraction:
    """A scaled integer term as an exact amount."""
    return Fraction(value, scale)
