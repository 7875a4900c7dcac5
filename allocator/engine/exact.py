"""An exact certificate for the largest-deviation stage, whatever the model's integer scale.

The model measures deviations in 1/DEV_SCALE of a unit, so two cells whose targets differ
by less than that look equal to it: at whole-unit granularity it could prefer a strictly
worse rounding. This check makes stage 1 exact. It compares allocations in exact fractions
and asks CP-SAT only a question whose answer does not depend on the scale: is there an
allocation whose every cell lies strictly closer to its target than the largest deviation
found? Each cell's bounds for that are whole numbers of units, computed exactly. When the
network-flow form is the whole model, a flow answers the question first, at a fraction of
a CP-SAT solve's cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ortools.sat.python import cp_model

from allocator.engine.caseload import ModelData
from allocator.engine.cpsat import allocation_of, new_solver
from allocator.engine.flow import none_within
from allocator.engine.types import Allocation

Cell = tuple[str, str]
Bounds = dict[Cell, tuple[int, int]]

def exact_max_deviation(d: ModelData, y: dict[Cell, int]) -> Fraction:
    """The largest |allocation − target| over the cells [units], exactly."""
    return max((abs(y.get(c, 0) - d.target[c]) for c in d.cells), default=Fraction(0))


def exact_total_deviation(d: ModelData, y: dict[Cell, int]) -> Fraction:
    """The sum of |allocation − target| over the cells [units], exactly."""
    return sum((abs(y.get(c, 0) - d.target[c]) for c in d.cells), Fraction(0))


def within(d: ModelData, v: Fraction) -> Bounds | None:
    """Each cell's units when no cell deviates more than ``v`` [units]; None if some cell
    has no whole number of units that close."""
    out: Bounds = {}
    for c in d.cells:
        t = d.target[c]
        lo, hi = max(0, math.ceil(t - v)), math.floor(t + v)
        if lo > hi:
            return None
        out[c] = (lo, hi)
    return out


def _strictly_within(d: ModelData, v: Fraction) -> Bounds | None:
    """Each cell's units when every cell deviates strictly less than ``v`` [units]."""
    out: Bounds = {}
    for c in d.cells:
        t = d.target[c]
        lo, hi = max(0, math.floor(t - v) + 1), math.ceil(t + v) - 1
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
