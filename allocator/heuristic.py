"""A network-flow start for the model: the deviation optimum when every office is required.

Without optional offices the allocation problem is a flow: source → service line →
municipality × line cell → office → sink, with bounds on each line (its share band), each
cell (its target ± the allowed deviation), each office (its minimum, maximum and
continuity band) and a total equal to the customer-service budget. Such networks have
integral optima, so the smallest largest deviation is found exactly by bisection over
feasibility checks, and the smallest total deviation by one min-cost flow with the
piecewise-linear cost of each cell. The result seeds CP-SAT with a complete hint and
bounds every cell's domain; CP-SAT still proves optimality itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allocator.caseload import DEV_SCALE, ModelData


@dataclass(frozen=True)
class FlowStart:
    """The flow optimum: its allocation and its objective values [1/DEV_SCALE units]."""

    cells: dict[tuple[str, str, str], int]
    central: dict[tuple[str, str], int]
    max_deviation: int
    total_deviation: int


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass
class _Network:
    """The flow network of a scenario, without the cell bounds that depend on z."""

    data: ModelData
    office_bounds: dict[str, tuple[int, int]]
    open_offices: list[str]
    hosted: dict[tuple[str, str], int]

    def solve(self, z: int, costs: bool) -> tuple[bool, dict[tuple[str, str, str], int]]:
        """Feasibility (and, with ``costs``, the min total deviation) with every cell within z."""
        from ortools.graph.python import min_cost_flow

        d = self.data
        flow = min_cost_flow.SimpleMinCostFlow()
        nodes: dict[Any, int] = {}

        def node(key: Any) -> int:
            if key not in nodes:
                nodes[key] = len(nodes)
            return nodes[key]

        supply: dict[int, int] = {}

        def arc(a: Any, b: Any, low: int, high: int, cost: int = 0) -> int | None:
            """An arc with a lower bound: the lower part is pre-routed through supplies."""
            u, v = node(a), node(b)
            if low:
                supply[u] = supply.get(u, 0) - low
                supply[v] = supply.get(v, 0) + low
            if high > low:
                return int(flow.add_arc_with_capacity_and_unit_cost(u, v, high - low, cost))
            return None

        big = max(d.customer_units, 0)
        supply[node("source")] = big
        supply[node("sink")] = supply.get(node("sink"), 0) - big
        for line in d.lines:
            lo, hi = d.line_bounds[line]
            arc("source", ("line", line), lo, min(hi, big))
        cell_low: dict[tuple[str, str], int] = {}
        for m, line in d.cells:
            t = d.target_scaled((m, line))
            low = max(0, _ceil_div(t - z, DEV_SCALE))
            high = (t + z) // DEV_SCALE
            if high < low:
                return False, {}
            cell_low[(m, line)] = low
            if not costs:
                arc(("line", line), ("cell", m, line), low, high)
                continue
            # Pre-route the lower bound, then one arc per run of equal marginal cost.
            arc(("line", line), ("cell", m, line), low, low)
            k = low
            while k < high:
                step = abs(DEV_SCALE * (k + 1) - t) - abs(DEV_SCALE * k - t)
                run = k + 1
                while run < high and (abs(DEV_SCALE * (run + 1) - t)
                                      - abs(DEV_SCALE * run - t)) == step:
                    run += 1
                arc(("line", line), ("cell", m, line), 0, run - k, step)
                k = run
        x_arcs: dict[tuple[str, str, str], int] = {}
        open_set = set(self.open_offices)
        for m, office in d.pairs:
            if office not in open_set:
                continue
            for line in d.lines:
                index = arc(("cell", m, line), ("office", office), 0, big)
                if index is not None:
                    x_arcs[(m, office, line)] = index
        for office in self.open_offices:
            low, high = self.office_bounds[office]
            arc(("office", office), "sink", low, high)
        for n, value in supply.items():
            flow.set_node_supply(n, value)
        if flow.solve() != flow.OPTIMAL:
            return False, {}
        cells = {key: int(flow.flow(i)) for key, i in x_arcs.items()}
        return True, cells


def _network(d: ModelData) -> _Network | None:
    c = d.continuity
    if c is not None and c.move_weight > 0:
        return None  # priced moves are not a pure flow with these costs
    hosted: dict[tuple[str, str], int] = {}
    load: dict[str, int] = {}
    for need in d.central:
        if not need.hosts:
            return None
        hosted[(need.name, need.hosts[0])] = need.units
        load[need.hosts[0]] = load.get(need.hosts[0], 0) + need.units
    required = [o for o in d.offices if not o.optional]
    open_offices = [o.name for o in required]
    for area in d.areas:
        if not any(o.area == area for o in required):
            open_offices += [o.name for o in d.offices if o.area == area]
    bounds: dict[str, tuple[int, int]] = {}
    big = max(d.customer_units, 0)
    for name in open_offices:
        o = d.office(name)
        low = max(o.min_units, 1)
        high = big if o.max_units is None else o.max_units - load.get(name, 0)
        if c is not None and c.max_change_units is not None:
            now = c.current.get(name, 0)
            low = max(low, now - c.max_change_units)
            high = min(high, now + c.max_change_units)
        if high < low:
            return None
        bounds[name] = (low, high)
    return _Network(d, bounds, open_offices, hosted)


def flow_start(d: ModelData) -> FlowStart | None:
    """The flow optimum of stages 1 and 2, or None when the scenario is not a pure flow."""
    if d.customer_units < 0:
        return None
    net = _network(d)
    if net is None:
        return None
    top = DEV_SCALE * d.customer_units + max((d.target_scaled(c) for c in d.cells), default=0)
    if not net.solve(top, costs=False)[0]:
        return None
    lo, hi = -1, top  # lo infeasible, hi feasible
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if net.solve(mid, costs=False)[0]:
            hi = mid
        else:
            lo = mid
    ok, cells = net.solve(hi, costs=True)
    if not ok:
        return None
    y: dict[tuple[str, str], int] = {}
    for (m, _, line), units in cells.items():
        y[(m, line)] = y.get((m, line), 0) + units
    devs = [abs(DEV_SCALE * y.get(c, 0) - d.target_scaled(c)) for c in d.cells]
    return FlowStart({k: u for k, u in cells.items() if u}, dict(net.hosted), max(devs),
                     sum(devs))
