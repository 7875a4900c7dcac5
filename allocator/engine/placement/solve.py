"""PlacementModel -> Placement: lexicographic stages, each optimum held for the next.

Each stage minimises one term (largest gap, total gap, moves or commute, people split
over two assignments, tie-break) with every earlier term held at the value found, in
exact integer units. A placement whose people cannot reach each other's offices (each
kept within their own area) is solved as independent parts: the largest gap over all
parts first, held in each, then every part's later stages, which are sums over parts.
The status is OPTIMAL only when every stage is proven optimal; a
stage stopped by the time limit keeps its best value and the status becomes FEASIBLE,
with the stage's bound kept so the gap can be reported.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

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


def _rows(b: PlacementModel, solver: cp_model.CpSolver) -> dict[str, list[PlacementRow]]:
    """Person -> their rows in ``solver``'s solution, in assignment order."""
    d = b.data
    order = {a: i for i, a in enumerate(d.assignments)}
    by_person: dict[str, list[tuple[str, str, int]]] = {}
    for (pid, office, a), v in b.t.items():
        steps = int(solver.value(v))
        if steps:
            by_person.setdefault(pid, []).append((office, a, steps))
    return {pid: [PlacementRow(pid, office, a, steps * d.step)
                  for office, a, steps in sorted(rows, key=lambda r: order[r[1]])]
            for pid, rows in by_person.items()}


def _hint(b: PlacementModel, solver: cp_model.CpSolver, gaps: dict[tuple[str, str], int]) -> None:
    """The solution as the next stage's hint, with every gap at its true value."""
    m = b.model
    m.clear_hints()  # type: ignore[no-untyped-call]
    for group in (b.y, b.t, b.w):
        for v in group.values():
            m.add_hint(v, solver.value(v))
    for cell, v in b.gap.items():
        m.add_hint(v, gaps[cell])
    m.add_hint(b.terms["max_gap"], max(gaps.values(), default=0))


@dataclass
class _Part:
    """One independent part's solve: its time budget, what it used, its last solution."""

    built: PlacementModel
    budget: float
    used: float = 0.0
    solver: cp_model.CpSolver | None = None
    facts: dict[str, StageFacts] = field(default_factory=dict)
    values: dict[str, int] = field(default_factory=dict)


def _run(part: _Part, stage: str, settings: PlacementSettings, left: int = 1) -> bool:
    """Minimise ``stage``'s term in one part and hold the value found; False when the
    solver found no solution. The stage may use its share of what is left of the part's
    budget, ``left`` stages sharing it; what a stage leaves passes on."""
    b = part.built
    term = b.terms[stage]
    if isinstance(term, int):  # nothing to choose: the term is a constant
        part.values[stage] = term
        part.facts[stage] = StageFacts(stage, "OPTIMAL", term, term, 0.0, 0.0, 0)
        return True
    b.model.minimize(term)
    solver = new_solver(settings.random_seed, settings.workers,
                        (part.budget - part.used) / max(left, 1))
    status = solver.solve(b.model)
    part.used += solver.deterministic_time
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    gaps = b.true_gaps(solver.value) if found else {}
    # The gap variables only bound the gaps from above: the value is the true one.
    value = (None if not found else max(gaps.values(), default=0) if stage == "max_gap"
             else sum(gaps.values()) if stage == "total_gap" else round(solver.objective_value))
    bound = round(solver.best_objective_bound) if found else None
    part.facts[stage] = StageFacts(stage, str(solver.status_name(status)), value, bound,
                                   solver.wall_time, solver.deterministic_time, settings.workers)
    if value is None:
        return False
    part.values[stage] = value
    b.model.add(term <= value)
    part.solver = solver
    _hint(b, solver, gaps)
    return True


def _final(b: PlacementModel, solver: cp_model.CpSolver) -> dict[str, int]:
    """Every term's value at ``solver``'s solution; the gaps are the true ones."""
    gaps = b.true_gaps(solver.value)
    out = {"max_gap": max(gaps.values(), default=0), "total_gap": sum(gaps.values())}
    for stage, term in b.terms.items():
        if stage not in out:
            out[stage] = term if isinstance(term, int) else int(solver.value(term))
    return out


def _combined(stage: str, facts: list[StageFacts]) -> StageFacts:
    """One stage's facts over every part: the largest gap is the largest of the parts',
    the other terms are sums; OPTIMAL only when every part's stage is."""
    statuses = {f.status for f in facts}
    status = ("OPTIMAL" if statuses == {"OPTIMAL"} else
              "FEASIBLE" if statuses <= {"OPTIMAL", "FEASIBLE"} else
              next(s for s in ("INFEASIBLE", "MODEL_INVALID", "UNKNOWN") if s in statuses))
    objectives = [f.objective for f in facts if f.objective is not None]
    bounds = [f.bound for f in facts if f.bound is not None]
    complete = len(objectives) == len(facts)
    join = max if stage == "max_gap" else sum
    objective = join(objectives) if complete and objectives else None
    bound = join(bounds) if len(bounds) == len(facts) and bounds else None
    # The largest gap over all parts is proven when the largest value found equals the
    # largest bound, even if a part whose own largest gap is smaller stopped early.
    if stage == "max_gap" and objective is not None and objective == bound:
        status = "OPTIMAL"
    return StageFacts(stage, status, objective, bound,
                      sum(f.wall_time for f in facts), sum(f.deterministic_time for f in facts),
                      max((f.workers for f in facts), default=0))


def solve_placement(parts: list[PlacementModel], settings: PlacementSettings,
                    people: Sequence[str]) -> PlacementOutcome:
    """Solve the independent ``parts`` of one placement stage by stage (see the module
    docstring): the largest gap over all parts first, held in every part, then each part's
    later stages in turn. The deterministic time limit is shared by the parts in proportion
    to their sizes. The placement's rows come in the order of ``people`` (the roster's).
    Adds the held optima to each part's model."""
    start = time.perf_counter()
    out = PlacementOutcome(Status.OPTIMAL, None)
    sizes = [len(b.t) + len(b.y) + 1 for b in parts]
    runs = [_Part(b, settings.time_limit * n / sum(sizes)) for b, n in zip(parts, sizes, strict=True)]
    order = stages_for(parts[0].data)
    first, later = order[0], order[1:]
    # The first stage may use up to half of each part's budget; the later stages share the
    # rest, and time a part leaves unused passes to the next part.
    ok = all([_run(part, first, settings, 2) for part in runs])
    if ok:
        worst = max(part.values[first] for part in runs)
        spare = 0.0
        for part in runs:
            part.budget += spare
            part.built.model.add(part.built.terms[first] <= worst)
            for i, stage in enumerate(later):
                if not _run(part, stage, settings, len(later) - i):
                    break
            spare = max(part.budget - part.used, 0.0)
    for stage in order:
        facts = [part.facts[stage] for part in runs if stage in part.facts]
        if facts:
            out.stages.append(_combined(stage, facts))
        if len(facts) < len(runs):
            break
    out.solve_time = time.perf_counter() - start
    statuses = {st.status for st in out.stages}
    if not ok:
        failed = {part.facts[first].status for part in runs}
        out.status = Status.INFEASIBLE if "INFEASIBLE" in failed else Status.UNKNOWN
        return out
    if statuses != {"OPTIMAL"} or len(out.stages) < len(order):
        out.status = Status.FEASIBLE
    rows: dict[str, list[PlacementRow]] = {}
    finals = []
    for part in runs:
        assert part.solver is not None
        rows.update(_rows(part.built, part.solver))
        finals.append(_final(part.built, part.solver))
    # Each term at the placement returned (a later stage may improve an earlier term that
    # was not proven optimal, so these can be below the stages' values).
    for stage in order:
        values = [f[stage] for f in finals]
        out.values[stage] = max(values) if stage == first else sum(values)
    out.placement = Placement(tuple(r for pid in people for r in rows.get(pid, [])))
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

