"""Exact certificates for the deviation stages, whatever the model's integer scale.

The model measures deviations in 1/DEV_SCALE of a unit, so two cells whose targets differ
by less than that look equal to it: at whole-unit granularity it could prefer a strictly
worse rounding. This check makes stage 1 exact. It compares allocations in exact fractions
and asks CP-SAT only a question whose answer does not depend on the scale: is there an
allocation whose every cell lies strictly closer to its target than the largest deviation
found? Each cell's bounds for that are whole numbers of units, computed exactly. When the
network-flow form is the whole model, a flow answers the question first, at a fraction of
a CP-SAT solve's cost.

Stage 2 (total deviation) is made exact by a window: every cell's scaled target is within
half a scaled unit of the exact one, so the scaled total of any allocation is within the
sum ``E`` of those roundings of its exact total times DEV_SCALE. An allocation exactly at
least as good as the scaled optimum therefore lies within ``2E`` of it at scale. The
check lists every distinct set of cell values in that window (a CP-SAT search with each
found set forbidden in turn), compares them in exact fractions, and keeps the exactly best.
Where the network-flow form is the whole model, the min-cost flow's optimality conditions
checked in exact fractions settle stage 2 instead (:func:`total_by_flow`): always when no
later CP-SAT search needs the exactly best sets, and when the window cannot be listed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ortools.sat.python import cp_model

from allocator.engine.caseload import DEV_SCALE, ModelData
from allocator.engine.cpsat import allocation_of, new_solver
from allocator.engine.flow import FlowStart, certified, none_within, stage_one, whole_network
from allocator.engine.model import add_total_deviation_term
from allocator.engine.types import Allocation

Cell = tuple[str, str]
Bounds = dict[Cell, tuple[int, int]]



def _deviations(d: ModelData, y: dict[Cell, int]) -> tuple[int, list[int]]:
    """q and each cell's |allocation − target| × q [1/q units], q the targets' common
    denominator (see ModelData.target_whole)."""
    q, whole = d.target_whole
    return q, [abs(y.get(c, 0) * q - whole[c]) for c in d.cells]


def exact_max_deviation(d: ModelData, y: dict[Cell, int]) -> Fraction:
    """The largest |allocation − target| over the cells [units], exactly."""
    q, devs = _deviations(d, y)
    return Fraction(max(devs, default=0), q)


def exact_total_deviation(d: ModelData, y: dict[Cell, int]) -> Fraction:
    """The sum of |allocation − target| over the cells [units], exactly."""
    q, devs = _deviations(d, y)
    return Fraction(sum(devs), q)


def within(d: ModelData, v: Fraction) -> Bounds | None:
    """Each cell's units when no cell deviates more than ``v`` [units]; None if some cell
    has no whole number of units that close."""
    return _window(d, v, strict=False)


def _strictly_within(d: ModelData, v: Fraction) -> Bounds | None:
    """Each cell's units when every cell deviates strictly less than ``v`` [units]."""
    return _window(d, v, strict=True)


def _window(d: ModelData, v: Fraction, strict: bool) -> Bounds | None:
    """Each cell's units within ``v`` of its target [units] (``strict``: strictly less
    than ``v`` away); None when some cell has no whole number of units there."""
    # t ± v = (t·q·b ± a·q) / (q·b) for v = a / b, in whole numbers.
    q, whole = d.target_whole
    a, b = v.numerator, v.denominator
    qb, aq = q * b, a * q
    out: Bounds = {}
    for c in d.cells:
        tb = whole[c] * b
        if strict:
            lo, hi = (tb - aq) // qb + 1, -(-(tb + aq) // qb) - 1
        else:
            lo, hi = -((aq - tb) // qb), (tb + aq) // qb
        lo = max(0, lo)
        if lo > hi:
            return None
        out[c] = (lo, hi)
    return out


@dataclass
class Certificate:
    """What an exact check found: the allocation to keep, whether it is proven exactly
    optimal for the stage, and the deterministic time spent [s]."""

    allocation: Allocation
    proven: bool
    deterministic_time: float = 0.0


def _solve(model: cp_model.CpModel, settings: Any, remaining: float) -> tuple[Any, cp_model.CpSolver]:
    solver = new_solver(settings.random_seed, 1, remaining)
    return solver.solve(model), solver


def certify_max_deviation(model: cp_model.CpModel, built: Any, allocation: Allocation,
                          settings: Any, remaining: float) -> Certificate:
    """Stage 1 exactly: while some allocation has every cell strictly closer to its target
    than ``allocation``'s largest deviation, take it; proven when none has."""
    d = built.data
    spent = 0.0
    while True:
        v = exact_max_deviation(d, allocation.cell_units())
        bounds = _strictly_within(d, v)
        if bounds is None or none_within(d, bounds):
            return Certificate(allocation, True, spent)
        probe = model.clone()
        probe.clear_objective()  # type: ignore[no-untyped-call]
        for cell, (lo, hi) in bounds.items():
            probe.add_linear_constraint(built.y[cell], lo, hi)
        code, solver = _solve(probe, settings, remaining - spent)
        spent += solver.deterministic_time
        if code == cp_model.INFEASIBLE:
            return Certificate(allocation, True, spent)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Certificate(allocation, False, spent)
        allocation = allocation_of(built, solver)



#: Most distinct sets of cell values the total-deviation check may meet before it gives
#: up (and the result is no longer called proven optimal).
MAX_WINDOW = 500
#: Largest magnitude a fine-scale objective may reach (CP-SAT works in 64-bit integers).
FINE_LIMIT = 2**61
#: Deterministic time the total-deviation check may take [s]: on large models with wide
#: cell ranges, ruling out near-ties at the fine scale can take far longer than the solve,
#: and the result then says the check did not finish rather than waiting.
TOTAL_CHECK_TIME = 2.0


@dataclass
class TotalCertificate:
    """What the exact total-deviation check found.

    ``allocation``: the exactly best allocation found; ``proven``: nothing exactly better
    can exist; ``allowed``: every exactly best set of cell values, in ``cells`` order (None
    when the model's scaled objective is exact already, or the check did not finish).
    """

    allocation: Allocation
    proven: bool
    cells: list[Cell]
    allowed: list[tuple[int, ...]] | None
    deterministic_time: float = 0.0


def scale_error(d: ModelData) -> Fraction:
    """The sum over cells of |scaled target − DEV_SCALE × exact target| [1/DEV_SCALE units]:
    how far the model's scaled total deviation can be from the exact one (0: exact)."""
    return sum((abs(d.target_scaled(c) - DEV_SCALE * d.target[c]) for c in d.cells),
               Fraction(0))


def scaled_total(d: ModelData, y: dict[Cell, int]) -> int:
    """The model's total deviation of cell values ``y`` [1/DEV_SCALE units]."""
    return sum(abs(DEV_SCALE * y.get(c, 0) - d.target_scaled(c)) for c in d.cells)


def fine_scale(d: ModelData, bounds: Bounds) -> int:
    """The largest power of ten (at least DEV_SCALE) at which every cell's deviation, summed
    over the cells, stays far inside CP-SAT's integers."""
    top = sum(max(hi, math.ceil(d.target[c])) + 1 for c, (_, hi) in bounds.items())
    scale = DEV_SCALE
    while scale * 10 * top <= FINE_LIMIT:
        scale *= 10
    return scale


def _differs(probe: cp_model.CpModel, built: Any, cells: list[Cell],
             values: Sequence[int]) -> list[Any]:
    """One literal per cell, true exactly when the cell's units differ from ``values``."""
    out = []
    for c, v in zip(cells, values, strict=True):
        b = probe.new_bool_var("")
        probe.add(built.y[c] != v).only_enforce_if(b)
        probe.add(built.y[c] == v).only_enforce_if(~b)
        out.append(b)
    return out


def certify_total_deviation(model: cp_model.CpModel, built: Any, bounds: Bounds,
                            allocation: Allocation, settings: Any,
                            remaining: float) -> TotalCertificate:
    """Stage 2 exactly, over ``model`` with stage 1's exact ``bounds`` held.

    The stage is solved again with targets at a finer scale; every allocation that could
    be exactly as good as that optimum is then listed and compared in exact fractions. An
    allocation ``y`` beats the fine optimum ``x`` exactly only if its fine total exceeds
    ``x``'s by less than twice the targets' fine rounding summed over the cells where the
    two differ (at most one fine unit per such cell), which is the window searched.
    """
    d = built.data
    cells = list(d.cells)
    if scale_error(d) == 0:
        return TotalCertificate(allocation, True, cells, None)
    remaining = min(remaining, TOTAL_CHECK_TIME)
    scale = fine_scale(d, bounds)
    targets = {c: math.floor(scale * d.target[c] + Fraction(1, 2)) for c in cells}
    slack = {c: math.ceil(2 * abs(targets[c] - scale * d.target[c])) for c in cells}
    probe = model.clone()
    probe.clear_objective()  # type: ignore[no-untyped-call]
    fine = add_total_deviation_term(probe, built, bounds, targets, scale)
    probe.minimize(fine)
    code, solver = _solve(probe, settings, remaining)
    spent = solver.deterministic_time
    if code != cp_model.OPTIMAL:
        return TotalCertificate(allocation, False, cells, None, spent)
    best_fine = allocation_of(built, solver)
    x = best_fine.cell_units()
    # In integers: the solver reports objective values as doubles, which round above 2^53.
    value = sum(abs(scale * x.get(c, 0) - targets[c]) for c in cells)
    probe.clear_objective()  # type: ignore[no-untyped-call]
    differs = _differs(probe, built, cells, [x.get(c, 0) for c in cells])
    probe.add(fine - value <= sum(w * b for w, b in zip(slack.values(), differs, strict=True)))
    probe.add_bool_or(differs)
    found = {tuple(x.get(c, 0) for c in cells): best_fine}
    while True:
        if len(found) > MAX_WINDOW:
            return TotalCertificate(allocation, False, cells, None, spent)
        code, solver = _solve(probe, settings, remaining - spent)
        spent += solver.deterministic_time
        if code == cp_model.INFEASIBLE:
            break
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return TotalCertificate(allocation, False, cells, None, spent)
        candidate = allocation_of(built, solver)
        key = tuple(candidate.cell_units().get(c, 0) for c in cells)
        found[key] = candidate
        probe.add_bool_or(_differs(probe, built, cells, key))
    own = tuple(allocation.cell_units().get(c, 0) for c in cells)
    # Every allocation exactly as good as the fine optimum lies in the window, so ``own``
    # is among the found ones whenever it is among the best.
    exact = {key: exact_total_deviation(d, dict(zip(cells, key, strict=True))) for key in found}
    least = min(exact.values())
    allowed = sorted(key for key, f in exact.items() if f == least)
    chosen = allocation if own in allowed else found[allowed[0]]
    return TotalCertificate(chosen, True, cells, allowed, spent)


def total_by_flow(d: ModelData, bounds: Bounds) -> FlowStart | None:
    """Stages 2 to 4 exactly, with each cell within stage 1's exact ``bounds`` [units],
    from the network-flow certificate alone (allocator.engine.flow.certified); None when
    the network is not the whole model or the certificate does not hold."""
    net = whole_network(d)
    return None if net is None else certified(net, bounds)


def certify_by_flow(d: ModelData) -> FlowStart | None:
    """The lexicographic optimum of all four stages from network flows alone, exactly, or
    None where the flows do not settle it (then CP-SAT does).

    Stage 1: an allocation at the flow's smallest scaled largest deviation has largest
    exact deviation v; while a flow has every cell strictly within v, it is taken and v
    falls, until no allocation has (a flow with those bounds is infeasible; network flows
    have integral optima, so this is exact).
    Stage 2 within v: a min-cost flow whose optimality conditions hold in exact fractions
    (allocator.engine.flow.certified); stages 3 and 4 on the exactly best flows. Covers
    scenarios whose network is the whole model: no optional office, each central service
    with one host, no priced moves.
    """
    net = whole_network(d)
    y = None if net is None else stage_one(net)
    if y is None:
        return None
    assert net is not None
    while True:
        v = exact_max_deviation(d, y)
        strictly = _strictly_within(d, v)
        closer = None if strictly is None else net.cells_in(strictly)
        if closer is None:
            break
        y = closer
    bounds = within(d, v)
    assert bounds is not None, "an allocation lies within its own largest deviation"
    return certified(net, bounds)

