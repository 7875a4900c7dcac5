"""A network-flow start for the model: the deviation optimum when every office is required.

Without optional offices the allocation problem is a flow: source → service line →
municipality × line cell → office → sink, with bounds on each line (its share band), each
cell (its target ± the allowed deviation), each office (its minimum, maximum and
continuity band) and a total equal to the customer-service budget. Such networks have
integral optima, so the smallest largest deviation is found exactly by bisection over
feasibility checks, and the smallest total deviation by one min-cost flow with the
piecewise-linear cost of each cell. The result seeds CP-SAT with a complete hint and
bounds every cell's domain; CP-SAT still proves optimality itself. Each rule narrows the
offices' bounds itself (``Rule.office_band``); a rule the network does not represent
(``Rule.in_flow`` false) switches the flow start off wherever it applies.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow

from allocator.engine.caseload import DEV_SCALE, ModelData
from allocator.engine.objectives import priced, spread_steps, tie_break_weights
from allocator.engine.rules import RULES
from allocator.engine.types import Allocation

#: Scale of the flow certificate's total-deviation costs [1/CERTIFICATE_SCALE units]: fine
#: enough that near-ties rarely look equal (the exact check catches those that do), small
#: enough that every flow cost stays far inside 64-bit integers.
CERTIFICATE_SCALE = 10**9


@dataclass(frozen=True)
class FlowStart:
    """The flow optimum: its allocation and its objective values [1/DEV_SCALE units]."""

    cells: dict[tuple[str, str, str], int]
    central: dict[tuple[str, str], int]
    max_deviation: int
    total_deviation: int
    spread: int | None = None
    """Set when the network is the whole model: the spread optimum among total optima."""
    tie_break: int | None = None
    """Set with ``spread``: the tie-break optimum among spread optima."""

    def allocation(self, granularity: Fraction) -> Allocation:
        """The flow's cells and central services as an allocation in units of
        ``granularity`` [HTV]."""
        return Allocation(granularity, dict(self.cells), dict(self.central))


@dataclass
class _Network:
    """The flow network of a scenario; cell bounds depend on the allowed deviation z.

    Arcs are kept as arrays so that each feasibility check is one vectorised build and
    one C++ solve.
    """

    data: ModelData
    office_bounds: dict[str, tuple[int, int]]
    open_offices: list[str]
    hosted: dict[tuple[str, str], int]

    def __post_init__(self) -> None:
        d = self.data
        self.big = max(d.customer_units, 0)
        lines = list(d.lines)
        cells = list(d.cells)
        self.n_lines, self.n_cells = len(lines), len(cells)
        self.source, self.sink = 0, 1
        line_node = {ln: 2 + i for i, ln in enumerate(lines)}
        cell_node = {c: 2 + self.n_lines + i for i, c in enumerate(cells)}
        office_node = {o: 2 + self.n_lines + self.n_cells + i
                       for i, o in enumerate(self.open_offices)}
        self.n_nodes = 2 + self.n_lines + self.n_cells + len(self.open_offices)
        self.cell_line = np.array([line_node[c[1]] for c in cells], dtype=np.int64)
        self.cell_node = np.array([cell_node[c] for c in cells], dtype=np.int64)
        self.targets = np.array([d.target_scaled(c) for c in cells], dtype=np.int64)
        # Fixed arcs with lower bounds: source -> line, cell -> office, office -> sink.
        tails, heads, lows, highs = [], [], [], []
        for ln in lines:
            lo, hi = d.line_bounds[ln]
            tails.append(self.source)
            heads.append(line_node[ln])
            lows.append(lo)
            highs.append(max(lo, min(hi, self.big)))
        self.x_keys: list[tuple[str, str, str]] = []
        open_set = set(self.open_offices)
        for m, office in d.pairs:
            if office in open_set:
                for ln in lines:
                    tails.append(cell_node[(m, ln)])
                    heads.append(office_node[office])
                    lows.append(0)
                    highs.append(self.big)
                    self.x_keys.append((m, office, ln))
        self.x_first = self.n_lines
        for office in self.open_offices:
            lo, hi = self.office_bounds[office]
            tails.append(office_node[office])
            heads.append(self.sink)
            lows.append(lo)
            highs.append(hi)
        self.fixed_tails = np.array(tails, dtype=np.int64)
        self.fixed_heads = np.array(heads, dtype=np.int64)
        self.fixed_lows = np.array(lows, dtype=np.int64)
        self.fixed_highs = np.array(highs, dtype=np.int64)
        # The supplies with the fixed arcs' lower bounds pre-routed, the same for every z.
        self.fixed_supply = np.zeros(self.n_nodes, dtype=np.int64)
        self.fixed_supply[self.source] += self.big
        self.fixed_supply[self.sink] -= self.big
        np.subtract.at(self.fixed_supply, self.fixed_tails, self.fixed_lows)
        np.add.at(self.fixed_supply, self.fixed_heads, self.fixed_lows)
        self.fixed_caps = self.fixed_highs - self.fixed_lows
        # A feasibility check's arcs: the fixed ones, then one per cell (line -> cell); only
        # the cells' capacities and the supplies change between checks.
        self.check_tails = np.concatenate([self.fixed_tails, self.cell_line])
        self.check_heads = np.concatenate([self.fixed_heads, self.cell_node])
        self.zero_costs = np.zeros(len(self.check_tails), dtype=np.int64)

    def _within_z(self, z: int) -> tuple[Any, Any]:
        """Each cell's lowest and highest units with its scaled deviation at most ``z``."""
        low = np.maximum(0, -((z - self.targets) // DEV_SCALE))  # ceil((t - z) / S)
        return low, (self.targets + z) // DEV_SCALE

    def _within_bounds(self, bounds: dict[tuple[str, str], tuple[int, int]]
                       ) -> tuple[Any, Any]:
        """``bounds`` [units] as arrays of each cell's lowest and highest units."""
        cells = self.data.cells
        return (np.array([bounds[c][0] for c in cells], dtype=np.int64),
                np.array([bounds[c][1] for c in cells], dtype=np.int64))

    def _unit_arcs(self, low: Any, high: Any) -> tuple[Any, ...] | None:
        """Arcs and supplies with each cell between ``low`` and ``high`` [units], its range
        above its lower bound one arc per unit (so that convex costs per unit can be put
        on them); lower bounds pre-routed. Returns None if some cell has no room."""
        if (high < low).any():
            return None
        width = high - low
        reps = np.repeat(np.arange(self.n_cells), width)
        level = low[reps] + (np.arange(int(width.sum()))
                             - np.repeat(np.cumsum(width) - width, width))
        tails = np.concatenate([self.fixed_tails, self.cell_line[reps]])
        heads = np.concatenate([self.fixed_heads, self.cell_node[reps]])
        caps = np.concatenate([self.fixed_caps, np.ones(len(reps), dtype=np.int64)])
        return tails, heads, caps, self._supply(low), low, reps, level

    def _supply(self, low: Any) -> Any:
        """Each node's supply with every cell's lower bound ``low`` [units] pre-routed."""
        supply = self.fixed_supply.copy()
        np.subtract.at(supply, self.cell_line, low)
        supply[self.cell_node] += low  # one node per cell
        return supply

    def feasible_within(self, bounds: dict[tuple[str, str], tuple[int, int]]) -> bool:
        """Whether an allocation exists with each cell within its ``bounds`` [units]."""
        return self.cells_in(bounds) is not None

    def cells_in(self, bounds: dict[tuple[str, str], tuple[int, int]]
                 ) -> dict[tuple[str, str], int] | None:
        """Each cell's units [units] in some allocation with each cell within its
        ``bounds``; None when there is none."""
        return self._cells(*self._within_bounds(bounds))

    def units_within(self, z: int) -> Any | None:
        """Each cell's units in some allocation with every cell within ``z`` [1/DEV_SCALE
        units], as an array in the order of ``data.cells`` [units]; None when there is none."""
        return self._units(*self._within_z(z))

    def _cells(self, low: Any, high: Any) -> dict[tuple[str, str], int] | None:
        """Each cell's units in some allocation with each cell between ``low`` and
        ``high`` [units]; None when there is none."""
        units = self._units(low, high)
        return None if units is None else self.as_cells(units)

    def _units(self, low: Any, high: Any) -> Any | None:
        """:meth:`_cells` as an array in the order of ``data.cells`` [units]: one flow on
        the fixed arcs with each cell's range above its lower bound as its capacity."""
        if (high < low).any():
            return None
        fixed = len(self.fixed_tails)
        caps = np.concatenate([self.fixed_caps, high - low])
        flows = _min_cost_flow(self.check_tails, self.check_heads, caps, self.zero_costs,
                               self._supply(low))
        return None if flows is None else low + flows[fixed:]

    def as_cells(self, units: Any) -> dict[tuple[str, str], int]:
        """An array of units in the order of ``data.cells`` as cell -> units [units]."""
        return dict(zip(self.data.cells, units.tolist(), strict=True))

    def lexicographic(self, z: int, exact: bool,
                      bounds: dict[tuple[str, str], tuple[int, int]] | None = None,
                      ) -> tuple[dict[tuple[str, str, str], int], list[int]] | None:
        """The allocation minimising total deviation within ``z`` (or, given, each cell
        within its ``bounds`` [units]), then (if ``exact``) the spread and the tie-break on
        the set of total-deviation optima.

        Returns the allocation and each stage's objective value, stage 2 in 1/DEV_SCALE
        units including each cell's deviation at its lower bound.
        """
        arrays = self._unit_arcs(*(self._within_z(z) if bounds is None
                                   else self._within_bounds(bounds)))
        if arrays is None:
            return None
        tails, heads, caps, supply, low, reps, level = arrays
        fixed = len(self.fixed_tails)
        t = self.targets[reps]
        scale = DEV_SCALE
        deviation = np.zeros(len(tails), dtype=np.int64)
        deviation[fixed:] = np.abs(scale * (level + 1) - t) - np.abs(scale * level - t)
        costs = [deviation]
        base = [int(np.abs(scale * low - self.targets).sum())]
        if exact:
            d = self.data
            spread = np.zeros(len(tails), dtype=np.int64)
            for i, cell in enumerate(d.cells):
                where = np.nonzero(reps == i)[0]
                if len(where):
                    spread[fixed + where] = spread_steps(d, cell, int(low[i]),
                                                         int(low[i]) + len(where))
            x_weights, central_weights = tie_break_weights(d)
            tie = np.zeros(len(tails), dtype=np.int64)
            first = self.x_first
            tie[first:first + len(self.x_keys)] = [x_weights[k] for k in self.x_keys]
            costs += [spread, tie]
            base += [0, sum(central_weights[k] * u for k, u in self.hosted.items())]
        result = _lexicographic_flow(tails, heads, caps, supply, costs)
        if result is None:
            return None
        flows, values = result
        first = self.x_first
        x = {k: int(f) for k, f in zip(self.x_keys, flows[first:first + len(self.x_keys)],
                                       strict=True)}
        return x, [v + b for v, b in zip(values, base, strict=True)]


    def certified(self, bounds: dict[tuple[str, str], tuple[int, int]]
                  ) -> tuple[dict[tuple[str, str, str], int], list[int]] | None:
        """Stages 2 to 4 with each cell within ``bounds`` [units], stage 2 exactly: the
        total of |units − exact target|, certified by the optimality conditions in exact
        fractions; None when the certificate does not hold (then CP-SAT decides).

        Stage 2 runs at :data:`CERTIFICATE_SCALE`. Every unit step of a cell costs exactly
        −1 or +1 except the step across its target, whose exact cost differs from the
        scaled one by a known fraction. With the scaled flow's node potentials (divided by
        the scale), each arc's exact reduced cost is checked: no residual arc may have a
        negative one. Then the flow is an exact optimum, the potentials are exact optimal
        duals, and the arcs they fix (complementary slackness) leave exactly the exactly
        best flows to stages 3 and 4. Returns the allocation and the values of stages 3
        and 4 (see :meth:`lexicographic`).
        """
        d = self.data
        cells = d.cells
        arrays = self._unit_arcs(*self._within_bounds(bounds))
        if arrays is None:
            return None
        tails, heads, caps, supply, _low, reps, level = arrays
        fixed = len(self.fixed_tails)
        scale = CERTIFICATE_SCALE
        # Targets over one denominator q (whole numbers): t = whole / q.
        q, whole = d.target_whole
        exact_t = [whole[c] for c in cells]
        fine = np.array([(2 * scale * t + q) // (2 * q) for t in exact_t], dtype=np.int64)
        t = fine[reps]
        deviation = np.zeros(len(tails), dtype=np.int64)
        deviation[fixed:] = np.abs(scale * (level + 1) - t) - np.abs(scale * level - t)
        # The step from ``level`` to ``level + 1`` across a fractional target t costs
        # exactly 2·level + 1 − 2t: at the scale, its scaled cost plus 2(fine − scale·t).
        crossing: dict[int, int] = {}  # the exact difference × q, a whole number
        for j, (i, k) in enumerate(zip(reps.tolist(), level.tolist(), strict=True)):
            if k * q < exact_t[i] < (k + 1) * q:
                crossing[fixed + j] = 2 * (int(fine[i]) * q - scale * exact_t[i])

        def signs(idx: Any, reduced: Any, flows: Any) -> Any:
            extra = {k: crossing[a] for k, a in enumerate(idx.tolist()) if a in crossing}
            return _exact_signs(tails[idx], heads[idx], caps[idx], flows, reduced, extra, q,
                                len(supply))

        spread = np.zeros(len(tails), dtype=np.int64)
        for i, cell in enumerate(cells):
            where = np.nonzero(reps == i)[0]
            if len(where):
                lo = bounds[cell][0]
                spread[fixed + where] = spread_steps(d, cell, lo, lo + len(where))
        x_weights, central_weights = tie_break_weights(d)
        tie = np.zeros(len(tails), dtype=np.int64)
        first = self.x_first
        tie[first:first + len(self.x_keys)] = [x_weights[k] for k in self.x_keys]
        try:
            result = _lexicographic_flow(tails, heads, caps, supply, [deviation, spread, tie],
                                         signs)
        except _NotCertified:
            return None
        if result is None:
            return None
        flows, values = result
        x = {k: int(f) for k, f in zip(self.x_keys, flows[first:first + len(self.x_keys)],
                                       strict=True)}
        return x, [values[1], values[2] + sum(central_weights[k] * u
                                              for k, u in self.hosted.items())]


def _exact_signs(tails: Any, heads: Any, caps: Any, flows: Any, reduced: Any,
                 extra: dict[int, int], q: int, nodes: int) -> Any:
    """The signs of the arcs' exact reduced costs under exact optimal node potentials, or
    _NotCertified when the flow is not shown exactly optimal.

    ``reduced`` are the arcs' scaled reduced costs under the scaled flow's potentials; arc
    k's exact cost at the scale exceeds its scaled cost by ``extra.get(k, 0) / q`` (|that| <=
    1). The potentials start from the scaled ones and are corrected exactly (in whole numbers)
    where an arc of the residual network has a negative exact reduced cost (shortest paths
    by label correction, from those arcs only); a correction that does not settle within a
    bounded number of steps means a negative cycle or a slow case, and the check fails.
    """
    sign = np.sign(reduced)
    if not extra:
        return sign
    tail, head, red = tails.tolist(), heads.tolist(), reduced.tolist()
    forward, backward = (flows < caps).tolist(), (flows > 0).tolist()
    # Every cost is taken × q, so that the exact arithmetic is in whole numbers.
    residual: dict[int, list[tuple[int, int]]] = {}
    for k in range(len(tail)):
        r = red[k] * q + extra.get(k, 0)  # exact reduced cost at the scale, × q
        if forward[k]:
            residual.setdefault(tail[k], []).append((head[k], r))
        if backward[k]:
            residual.setdefault(head[k], []).append((tail[k], -r))
    # Label correction: shortest distances a from a virtual node joined to every node, so
    # that r + a[u] − a[v] >= 0 on every residual arc u -> v (a is 0 where nothing moves).
    dist: dict[int, int] = {}
    queue = deque(u for u, arcs in residual.items() if any(r < 0 for _, r in arcs))
    steps = 0
    limit = 20 * nodes
    while queue:
        u = queue.popleft()
        base = dist.get(u, 0)
        for v, r in residual.get(u, ()):
            if base + r < dist.get(v, 0):
                dist[v] = base + r
                steps += 1
                if steps > limit:
                    raise _NotCertified
                queue.append(v)
    for k in range(len(tail)):
        if k in extra or tail[k] in dist or head[k] in dist:
            exact = red[k] * q + extra.get(k, 0) + dist.get(tail[k], 0) - dist.get(head[k], 0)
            sign[k] = (exact > 0) - (exact < 0)
    # Optimal exactly: no residual arc with a negative exact reduced cost.
    if ((sign < 0) & (flows < caps)).any() or ((sign > 0) & (flows > 0)).any():
        raise _NotCertified
    return sign


class _NotCertified(Exception):
    """The exact optimality conditions do not hold for the scaled flow's potentials."""


def _min_cost_flow(tails: Any, heads: Any, caps: Any, costs: Any, supply: Any) -> Any | None:
    """Flows of an optimal min-cost flow (numpy array), or None if the supplies cannot flow."""
    flow = min_cost_flow.SimpleMinCostFlow()
    if len(tails):
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    nodes = len(supply)
    flow.set_nodes_supplies(np.arange(nodes, dtype=np.int64), supply)
    if flow.solve() != flow.OPTIMAL:
        return None
    return flow.flows(np.arange(len(tails), dtype=np.int64))


def _potentials(tails: Any, heads: Any, caps: Any, costs: Any, flows: Any, nodes: int) -> Any:
    """Node potentials that make every residual arc's reduced cost non-negative.

    Shortest distances in the residual network from a virtual node joined to every node
    (Bellman-Ford, vectorised); an optimal flow has no negative cycle, so they exist.
    """
    forward = flows < caps
    backward = flows > 0
    eu = np.concatenate([tails[forward], heads[backward]])
    ev = np.concatenate([heads[forward], tails[backward]])
    ec = np.concatenate([costs[forward], -costs[backward]])
    dist = np.zeros(nodes, dtype=np.int64)
    for _ in range(nodes + 1):
        new = dist.copy()
        np.minimum.at(new, ev, dist[eu] + ec)
        if (new == dist).all():
            return dist
        dist = new
    raise RuntimeError("negative cycle in the residual network of an optimal flow")


def _lexicographic_flow(tails: Any, heads: Any, caps: Any, supply: Any,
                        stages: list[Any], signs: Any = None) -> tuple[Any, list[int]] | None:
    """Min-cost flows minimising each cost vector in turn over the previous optima.

    After each stage, arcs with a positive reduced cost carry no flow in any optimum and
    arcs with a negative one are saturated in every optimum (complementary slackness), so
    they are fixed, and the next stage optimises over what remains free. ``signs``, when
    given, replaces the first stage's reduced-cost signs: called with the free arcs, their
    reduced costs and flows, it returns the signs to fix by (see :func:`certified`).
    """
    total = len(tails)
    active = np.ones(total, dtype=bool)
    fixed_flow = np.zeros(total, dtype=np.int64)
    supply = supply.copy()
    values = []
    flows = np.zeros(total, dtype=np.int64)
    for n, costs in enumerate(stages):
        idx = np.nonzero(active)[0]
        sub = _min_cost_flow(tails[idx], heads[idx], caps[idx], costs[idx], supply)
        if sub is None:
            return None
        flows = fixed_flow.copy()
        flows[idx] = sub
        values.append(int((costs * flows).sum()))
        if n == len(stages) - 1:
            break
        dist = _potentials(tails[idx], heads[idx], caps[idx], costs[idx], sub, len(supply))
        reduced = costs[idx] + dist[tails[idx]] - dist[heads[idx]]
        sign = np.sign(reduced) if n or signs is None else signs(idx, reduced, sub)
        zero = idx[sign > 0]
        full = idx[sign < 0]
        active[zero] = False
        active[full] = False
        fixed_flow[full] = caps[full]
        np.subtract.at(supply, tails[full], caps[full])
        np.add.at(supply, heads[full], caps[full])
    return flows, values


def _network(d: ModelData) -> _Network | None:
    """The flow network of ``d``, or None when the scenario is not a flow: moves are priced,
    a central service has no host, an applicable rule has no flow form, or an office's
    bounds leave it no room."""
    if priced(d):
        return None  # priced moves are not a pure flow with these costs
    if any(rule.labels(d) for rule in RULES if not rule.in_flow):
        return None
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
        band = (0, big)
        for rule in RULES:
            band = rule.office_band(d, o, band, load.get(name, 0))
        if band[1] < band[0]:
            return None
        bounds[name] = band
    return _Network(d, bounds, open_offices, hosted)


def flow_start(d: ModelData) -> FlowStart | None:
    """The flow optimum of stages 1 and 2, or None when the scenario is not a pure flow."""
    if d.customer_units < 0:
        return None
    net = _network(d)
    found = None if net is None else _smallest_z(d, net)
    if found is None:
        return None
    assert net is not None
    return _later_stages(d, net, found[0], None)


def whole_network(d: ModelData) -> _Network | None:
    """The flow network of ``d`` when it is the whole model (see :func:`_exact`), for the
    network-flow certificate (allocator.engine.exact.certify_by_flow), else None."""
    if d.customer_units < 0 or not _exact(d):
        return None
    return _network(d)


def stage_one(net: _Network) -> dict[tuple[str, str], int] | None:
    """Each cell's units [units] in some allocation whose largest scaled deviation is the
    network's smallest; None if there is no allocation."""
    found = _smallest_z(net.data, net)
    return None if found is None else found[1]


def _smallest_z(d: ModelData, net: _Network
                ) -> tuple[int, dict[tuple[str, str], int]] | None:
    """The smallest largest deviation any allocation reaches [1/DEV_SCALE units] and each
    cell's units in one such allocation, by galloping and bisection over feasibility
    checks; None if none is feasible."""
    top = DEV_SCALE * d.customer_units + max((d.target_scaled(c) for c in d.cells), default=0)
    # No cell can be closer than its target's distance to a whole unit.
    floor_z = max((min(t % DEV_SCALE, DEV_SCALE - t % DEV_SCALE) for t in d.targets_scaled.values()),
                  default=0)
    # The answer is one of the feasible z checked: keep the cells each gave.
    found: dict[int, Any] = {}

    def feasible(z: int) -> bool:
        units = net.units_within(z)
        if units is not None:
            found[z] = units
        return units is not None

    if feasible(floor_z):
        lo, hi = floor_z - 1, floor_z
    else:
        lo, step = floor_z, DEV_SCALE
        while True:  # gallop upwards, then bisect
            hi = min(top, lo + step)
            if feasible(hi):
                break
            if hi == top:
                return None
            lo, step = hi, step * 2
    # Feasibility changes only where a cell's bound moves (see _breakpoints), so the
    # answer is the first feasible breakpoint in (lo, hi]: far fewer checks than every z.
    points: Sequence[int] = _breakpoints(net.targets.tolist(), lo, hi) or range(lo + 1, hi + 1)
    first, last = 0, len(points) - 1  # points[last] == hi, which is feasible
    while first < last:
        mid = (first + last) // 2
        if feasible(points[mid]):
            last = mid
        else:
            first = mid + 1
    return points[last], net.as_cells(found[points[last]])


#: Most breakpoints :func:`_smallest_z` bisects over; with more, it bisects over every z.
MAX_BREAKPOINTS = 20_000


def _breakpoints(targets: list[int], lo: int, hi: int) -> list[int] | None:
    """The deviations z in (lo, hi] at which some cell's bounds change, sorted, hi last
    [1/DEV_SCALE units]; None when there are more than :data:`MAX_BREAKPOINTS`.

    Within z a cell with scaled target t may hold k units from ceil((t − z)/S) (at least
    0) to floor((t + z)/S): the upper bound reaches k at z = S·k − t, the lower one at
    z = t − S·k. Between two such z every cell's bounds, and so feasibility, stay the same.
    """
    scale = DEV_SCALE
    found = {hi}
    for t in targets:
        up = range(-(-(lo + 1 + t) // scale), (hi + t) // scale + 1)  # S·k − t in (lo, hi]
        down = range(max(0, -(-(t - hi) // scale)), (t - lo - 1) // scale + 1)  # t − S·k
        if len(found) + len(up) + len(down) > MAX_BREAKPOINTS:
            return None
        found.update(scale * k - t for k in up)
        found.update(t - scale * k for k in down)
    return sorted(found)


def flow_within(d: ModelData, bounds: dict[tuple[str, str], tuple[int, int]]) -> FlowStart | None:
    """The flow's stages 2 to 4 with each cell within its ``bounds`` [units] (the exact
    bounds of a proven largest deviation), or None when the scenario is not a pure flow."""
    if d.customer_units < 0:
        return None
    net = _network(d)
    return None if net is None else _later_stages(d, net, 0, bounds)


def _later_stages(d: ModelData, net: _Network, z: int,
                  bounds: dict[tuple[str, str], tuple[int, int]] | None) -> FlowStart | None:
    """The lexicographic flows of stages 2 to 4 within ``z`` or ``bounds``, as a FlowStart."""
    exact = _exact(d)
    found = net.lexicographic(z, exact, bounds)
    if found is None:
        return None
    cells, values = found
    y: dict[tuple[str, str], int] = {}
    for (m, _, line), units in cells.items():
        y[(m, line)] = y.get((m, line), 0) + units
    devs = [abs(DEV_SCALE * y.get(c, 0) - d.target_scaled(c)) for c in d.cells]
    assert sum(devs) == values[0], "the flow's total deviation must match the allocation's"
    return FlowStart({k: u for k, u in cells.items() if u}, dict(net.hosted), max(devs),
                     sum(devs), values[1] if exact else None, values[2] if exact else None)


def certified(net: _Network, bounds: dict[tuple[str, str], tuple[int, int]]
              ) -> FlowStart | None:
    """The exact optimum of stages 2 to 4 with each cell within ``bounds`` [units] (the
    exact bounds of a certified largest deviation) on a :func:`whole_network`, certified
    by the network flow alone (see :meth:`_Network.certified`); None when the certificate
    does not hold. Its values are the model's [1/DEV_SCALE units]."""
    d = net.data
    found = net.certified(bounds)
    if found is None:
        return None
    cells, (spread, tie_break) = found
    y: dict[tuple[str, str], int] = {}
    for (m, _, line), units in cells.items():
        y[(m, line)] = y.get((m, line), 0) + units
    devs = [abs(DEV_SCALE * y.get(c, 0) - d.target_scaled(c)) for c in d.cells]
    return FlowStart({k: u for k, u in cells.items() if u}, dict(net.hosted), max(devs),
                     sum(devs), spread, tie_break)


def none_within(d: ModelData, bounds: dict[tuple[str, str], tuple[int, int]]) -> bool:
    """True when the network is the whole model and no allocation has each cell within its
    ``bounds`` [units]; False when that is not shown (some allocation may, or the network
    is not the whole model)."""
    if d.customer_units < 0 or not _exact(d):
        return False
    net = _network(d)
    return net is not None and not net.feasible_within(bounds)


def _exact(d: ModelData) -> bool:
    """True when the flow network is the whole model, so its later stages are the model's.

    That holds when no office is optional and every central service has one host.
    """
    return (not any(o.optional for o in d.offices)
            and all(len(c.hosts) == 1 for c in d.central))
