"""The allocation model as a plain MILP for HiGHS: the yardstick for allocator's solve.

Benchmark-only (``pip install -e '.[bench]'``); the product never imports highspy. The
MILP has the CP-SAT model's variables and hard rules (allocator.engine.model) and its first two
objective stages in the same units, 1/DEV_SCALE of a unit, against the same rounded
targets (``ModelData.target_scaled``), so both solvers must reach the same optimal values:

- variables: ``x[m, o, line]`` (integer units) for every office allowed to serve ``m``,
  ``central[service, host]`` (integer units), ``staffed[o]`` (binary), ``z`` and, in
  stage 2, ``d[m, line]`` (continuous deviations);
- rules: budget, line_share, staffed (``staffed <= customer <= M * staffed``),
  office_min, office_max (hosted central services included), office_per_area,
  central_at_lead and the continuity cap when the scenario has one;
- stage 1 minimises ``z >= |DEV_SCALE * y - t|`` over every cell, ``y`` the cell's units;
  stage 2 holds ``z <= z*`` and minimises the sum of ``d >= |DEV_SCALE * y - t|``.

Scenarios that price moves (``continuity.move_weight > 0``) order the stages differently
and are not modelled here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np

from allocator.engine.caseload import DEV_SCALE, ModelData
from allocator.engine.result import Allocation

Cell = tuple[str, str]
INF = highspy.kHighsInf


@dataclass
class _Rows:
    """Constraint rows collected row-wise before they go to HiGHS in one call."""

    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    index: list[int] = field(default_factory=list)
    value: list[float] = field(default_factory=list)

    def add(self, lower: float, upper: float, terms: list[tuple[int, float]]) -> None:
        """One row ``lower <= sum(coef * col) <= upper``."""
        self.starts.append(len(self.index))
        for col, coef in terms:
            self.index.append(col)
            self.value.append(coef)
        self.lower.append(lower)
        self.upper.append(upper)

    def to_highs(self, h: highspy.Highs) -> None:
        """Append the rows to ``h``'s model."""
        if self.lower:
            h.addRows(len(self.lower), np.array(self.lower), np.array(self.upper),
                      len(self.index), np.array(self.starts, dtype=np.int32),
                      np.array(self.index, dtype=np.int32), np.array(self.value))


@dataclass
class Milp:
    """A HiGHS model of ``data``'s rules with the column index of every variable."""

    data: ModelData
    highs: highspy.Highs
    x: dict[tuple[str, str, str], int]
    central: dict[tuple[str, str], int]
    staffed: dict[str, int]
    z: int
    by_cell: dict[Cell, list[int]]
    d: dict[Cell, int] = field(default_factory=dict)


@dataclass(frozen=True)
class StageResult:
    """One stage as HiGHS ended it; objective values in 1/DEV_SCALE units."""

    name: str
    status: str
    objective: int | None
    """HiGHS's objective value, rounded to the whole number it must be."""
    recomputed: int | None
    """The same objective recomputed exactly from the integer allocation HiGHS returned."""
    bound: float | None
    seconds: float
    """Wall time of HiGHS's run [s]."""


@dataclass(frozen=True)
class MilpOutcome:
    """Stages 1 and 2 solved by HiGHS: values, times and the allocation."""

    stages: tuple[StageResult, ...]
    build_seconds: float
    allocation: Allocation | None

    @property
    def optimal(self) -> bool:
        """True when both stages were proven optimal."""
        return len(self.stages) == 2 and all(s.status == "Optimal" for s in self.stages)

    @property
    def solve_seconds(self) -> float:
        """HiGHS's wall time over both stages [s]."""
        return sum(s.seconds for s in self.stages)

    def value(self, stage: str) -> int | None:
        """The stage's optimal objective [1/DEV_SCALE units], or None if not optimal."""
        for s in self.stages:
            if s.name == stage and s.status == "Optimal":
                return s.objective
        return None


def new_highs(threads: int = 1, time_limit: float | None = None) -> highspy.Highs:
    """A quiet HiGHS instance that proves MIP optimality exactly (``mip_rel_gap = 0``)."""
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("random_seed", 0)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    return h


def _add_cols(h: highspy.Highs, lower: list[float], upper: list[float], cost: list[float],
              integer: list[bool]) -> int:
    """Append columns without matrix entries; returns the index of the first."""
    first = int(h.getNumCol())
    n = len(lower)
    h.addCols(n, np.array(cost), np.array(lower), np.array(upper), 0,
              np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
    ints = [first + i for i, flag in enumerate(integer) if flag]
    if ints:
        h.changeColsIntegrality(len(ints), np.array(ints, dtype=np.int32),
                                np.full(len(ints), highspy.HighsVarType.kInteger))
    return first


def build_milp(data: ModelData, threads: int = 1, time_limit: float | None = None) -> Milp:
    """Stage 1 of ``data``'s model: every hard rule, minimise the largest cell deviation.

    Raises ValueError for a scenario that prices moves, whose stages come in another order.
    """
    d = data
    if d.continuity is not None and d.continuity.move_weight > 0:
        raise ValueError("priced moves (continuity.move_weight > 0) are not modelled in the MILP")
    h = new_highs(threads, time_limit)
    lead = {o.name for o in d.offices if o.municipality == d.lead_municipality}
    # The model's own domain bound (allocator.engine.model.add_variables): the budget row is
    # what actually limits every x.
    cap = max(d.total_units, 0) + sum(o.min_units for o in d.offices)
    keys = [(m, o, line) for m, o in d.pairs for line in d.lines]
    hosts = [(c.name, host, c.units, host in lead) for c in d.central for host in c.hosts]
    lower = [0.0] * len(keys) + [0.0] * len(hosts) + [0.0] * len(d.offices) + [0.0]
    upper = ([float(cap)] * len(keys) + [float(u if at_lead else 0) for _, _, u, at_lead in hosts]
             + [1.0] * len(d.offices) + [INF])
    integer = [True] * (len(keys) + len(hosts) + len(d.offices)) + [False]
    cost = [0.0] * (len(lower) - 1) + [1.0]
    _add_cols(h, lower, upper, cost, integer)
    x = {key: i for i, key in enumerate(keys)}
    central = {(name, host): len(keys) + i for i, (name, host, _, _) in enumerate(hosts)}
    staffed = {o.name: len(keys) + len(hosts) + i for i, o in enumerate(d.offices)}
    z = len(lower) - 1

    by_cell: dict[Cell, list[int]] = {cell: [] for cell in d.cells}
    by_office: dict[str, list[int]] = {o.name: [] for o in d.offices}
    by_line: dict[str, list[int]] = {line: [] for line in d.lines}
    for (m, office, line), col in x.items():
        by_cell[(m, line)].append(col)
        by_office[office].append(col)
        by_line[line].append(col)

    rows = _Rows()
    # budget: customer service plus central services equal total_htv exactly.
    rows.add(d.total_units, d.total_units,
             [(c, 1.0) for c in x.values()] + [(c, 1.0) for c in central.values()])
    # line_share: each line within its bounds in whole units.
    for line in d.lines:
        lo, hi = d.line_bounds[line]
        rows.add(lo, hi, [(c, 1.0) for c in by_line[line]])
    big = max(d.total_units, 1)
    current = d.continuity.current if d.continuity is not None else {}
    for o in d.offices:
        cust = [(c, 1.0) for c in by_office[o.name]]
        s = staffed[o.name]
        # staffed: at least one unit when staffed (implied by office_min, kept to mirror
        # the model's definition), nobody when not (big-M = the budget).
        rows.add(0.0, INF, [*cust, (s, -1.0)])
        rows.add(-INF, 0.0, [*cust, (s, -float(big))])
        need = max(o.min_units, 1)
        # office_min: the minimum, for an optional office only when it is staffed.
        if o.optional:
            rows.add(0.0, INF, [*cust, (s, -float(need))])
        else:
            rows.add(need, INF, cust)
        # office_max: customer service plus the central services it hosts.
        if o.max_units is not None:
            hosted = [(col, 1.0) for (_, host), col in central.items() if host == o.name]
            rows.add(-INF, o.max_units, cust + hosted)
        # continuity: the office's customer service within max_change of today's.
        if d.continuity is not None and d.continuity.max_change_units is not None:
            now = current.get(o.name, 0)
            k = d.continuity.max_change_units
            rows.add(now - k, now + k, cust)
    # office_per_area: at least one staffed office in every area that has offices.
    for area in d.areas:
        flags = [(staffed[o.name], 1.0) for o in d.offices if o.area == area]
        if flags:
            rows.add(1.0, INF, flags)
    # central_at_lead: every service at its full size over its hosts (outside the lead
    # municipality a host's column is fixed at zero above).
    for c in d.central:
        rows.add(c.units, c.units, [(central[(c.name, host)], 1.0) for host in c.hosts])
    # Stage 1: z >= |DEV_SCALE * y - t| for every cell.
    for cell, cols in by_cell.items():
        t = d.target_scaled(cell)
        rows.add(-t, INF, [(z, 1.0)] + [(c, -float(DEV_SCALE)) for c in cols])
        rows.add(t, INF, [(z, 1.0)] + [(c, float(DEV_SCALE)) for c in cols])
    rows.to_highs(h)
    return Milp(d, h, x, central, staffed, z, by_cell)


def add_stage2(milp: Milp, max_deviation: int) -> None:
    """Hold ``z <= max_deviation`` and minimise the total of the cells' absolute deviations."""
    d = milp.data
    h = milp.highs
    h.changeColCost(milp.z, 0.0)
    h.changeColBounds(milp.z, 0.0, float(max_deviation))
    cells = list(milp.by_cell)
    first = _add_cols(h, [0.0] * len(cells), [INF] * len(cells), [1.0] * len(cells),
                      [False] * len(cells))
    milp.d = {cell: first + i for i, cell in enumerate(cells)}
    rows = _Rows()
    for cell, cols in milp.by_cell.items():
        t = d.target_scaled(cell)
        dev = milp.d[cell]
        rows.add(-t, INF, [(dev, 1.0)] + [(c, -float(DEV_SCALE)) for c in cols])
        rows.add(t, INF, [(dev, 1.0)] + [(c, float(DEV_SCALE)) for c in cols])
    rows.to_highs(h)


def _allocation(milp: Milp, values: Any) -> Allocation:
    """The integer allocation in HiGHS's solution (values rounded to whole units)."""
    cells = {key: round(values[c]) for key, c in milp.x.items() if round(values[c])}
    central = {key: round(values[c]) for key, c in milp.central.items() if round(values[c])}
    return Allocation(milp.data.granularity, cells, central)


def deviations(data: ModelData, allocation: Allocation) -> list[int]:
    """Every cell's absolute deviation [1/DEV_SCALE units], exactly, from an allocation."""
    y: dict[Cell, int] = dict.fromkeys(data.cells, 0)
    for (m, _, line), units in allocation.cells.items():
        y[(m, line)] += units
    return [abs(DEV_SCALE * y[c] - data.target_scaled(c)) for c in data.cells]


def _run(milp: Milp, name: str) -> tuple[StageResult, Allocation | None]:
    h = milp.highs
    start = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - start
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    if info.primal_solution_status != highspy.kSolutionStatusFeasible:
        return StageResult(name, status, None, None, None, seconds), None
    allocation = _allocation(milp, h.getSolution().col_value)
    devs = deviations(milp.data, allocation)
    recomputed = max(devs, default=0) if name == "max_deviation" else sum(devs)
    return StageResult(name, status, round(info.objective_function_value), recomputed,
                       float(info.mip_dual_bound), seconds), allocation


def start_values(milp: Milp, allocation: Allocation) -> list[float]:
    """Every column's value at ``allocation``: a complete, exact start for the next stage."""
    values = [0.0] * int(milp.highs.getNumCol())
    office_units: dict[str, int] = {}
    for key, col in milp.x.items():
        units = allocation.cells.get(key, 0)
        values[col] = float(units)
        office_units[key[1]] = office_units.get(key[1], 0) + units
    for ckey, col in milp.central.items():
        values[col] = float(allocation.central.get(ckey, 0))
    for office, col in milp.staffed.items():
        values[col] = float(office_units.get(office, 0) > 0)
    devs = deviations(milp.data, allocation)
    values[milp.z] = float(max(devs, default=0))
    for cell, dev in zip(milp.data.cells, devs, strict=True):
        if cell in milp.d:
            values[milp.d[cell]] = float(dev)
    return values


def solve_lexicographic(data: ModelData, threads: int = 1,
                        time_limit: float | None = None) -> MilpOutcome:
    """Stages 1 and 2 of ``data``'s model, each solved to proven optimality by HiGHS.

    Stage 2 starts from stage 1's allocation, as allocator's CP-SAT stage 2 does.
    """
    start = time.perf_counter()
    milp = build_milp(data, threads, time_limit)
    build = time.perf_counter() - start
    first, allocation = _run(milp, "max_deviation")
    if first.status != "Optimal" or first.objective is None or allocation is None:
        return MilpOutcome((first,), build, allocation)
    start = time.perf_counter()
    add_stage2(milp, first.objective)
    build += time.perf_counter() - start
    solution = highspy.HighsSolution()
    solution.col_value = start_values(milp, allocation)
    solution.value_valid = True
    milp.highs.setSolution(solution)
    second, final = _run(milp, "total_deviation")
    return MilpOutcome((first, second), build, final or allocation)
