"""ModelData -> BuiltModel: CP-SAT variables, named rule groups and named objective terms.

Building never solves. Each rule of the registry (allocator.engine.rules) adds its own
constraints, labelled ``rule[key]``; with ``explain=True`` each label also gets an
enforcement literal, so an infeasible model can say which rules conflict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from allocator.engine.caseload import DEV_SCALE, ModelData
from allocator.engine.cpsat import Model
from allocator.engine.objectives import cell_range, priced, spread_steps, tie_break_weights
from allocator.engine.rules import RULES

Cell = tuple[str, str]


@dataclass
class BuiltModel:
    """A CP-SAT model with its variables, rule groups and objective terms, by name.

    ``x[(municipality, office, line)]`` and ``central[(service, office)]`` are in units of
    the granularity; ``deviation[(municipality, line)]`` in 1/DEV_SCALE units.
    """

    data: ModelData
    model: cp_model.CpModel
    x: dict[tuple[str, str, str], cp_model.IntVar] = field(default_factory=dict)
    central: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    staffed: dict[str, cp_model.IntVar] = field(default_factory=dict)
    y: dict[Cell, cp_model.IntVar] = field(default_factory=dict)
    deviation: dict[Cell, cp_model.IntVar] = field(default_factory=dict)
    max_deviation: cp_model.IntVar | None = None
    change: dict[str, cp_model.IntVar] = field(default_factory=dict)
    moves: Any = 0
    constraints: dict[str, list[cp_model.Constraint]] = field(default_factory=dict)
    literals: dict[str, cp_model.IntVar] = field(default_factory=dict)
    objectives: dict[str, Any] = field(default_factory=dict)
    explain: bool = False
    cap: int = 0
    _by_cell: dict[Cell, list[cp_model.IntVar]] = field(default_factory=dict)
    _by_office: dict[str, list[cp_model.IntVar]] = field(default_factory=dict)
    _by_line: dict[str, list[cp_model.IntVar]] = field(default_factory=dict)

    def cell(self, m: str, line: str) -> Any:
        """Units serving municipality ``m`` in ``line``, over all its offices."""
        return self.y[(m, line)]

    def office_customer(self, office: str) -> Any:
        """Customer-service units at ``office``."""
        return sum(self._by_office.get(office, []))

    def line_total(self, line: str) -> Any:
        """Customer-service units in ``line``."""
        return sum(self._by_line.get(line, []))

    def add(self, name: str, ct: cp_model.Constraint) -> cp_model.Constraint:
        """Register ``ct`` under rule label ``name``, enforced by its literal when explaining."""
        if self.explain:
            lit = self.literals.get(name)
            if lit is None:
                lit = self.model.new_bool_var(f"enforce {name}")
                self.literals[name] = lit
            ct.only_enforce_if(lit)
        ct.with_name(name)
        self.constraints.setdefault(name, []).append(ct)
        return ct


def add_variables(b: BuiltModel) -> None:
    """Allocation variables for the allowed (municipality, office, line) triples.

    Only offices that serve a municipality get a variable for it, so 'serves_own_area'
    holds by construction.
    """
    d = b.data
    # Large enough for any rule alone (even with the budget relaxed), so that variable
    # domains never hide a rule from the infeasibility explanation.
    cap = b.cap = max(d.total_units, 0) + sum(o.min_units for o in d.offices)
    for m, office in d.pairs:
        for line in d.lines:
            v = b.model.new_int_var(0, cap, f"x[{m},{office},{line}]")
            b.x[(m, office, line)] = v
            b._by_cell.setdefault((m, line), []).append(v)
            b._by_office.setdefault(office, []).append(v)
            b._by_line.setdefault(line, []).append(v)
    for m, line in d.cells:
        y = b.model.new_int_var(0, cap, f"y[{m},{line}]")
        b.model.add(y == sum(b._by_cell.get((m, line), [])))
        b.y[(m, line)] = y
    for c in d.central:
        for host in c.hosts:
            b.central[(c.name, host)] = b.model.new_int_var(0, c.units, f"central[{c.name},{host}]")
    for o in d.offices:
        s = b.model.new_bool_var(f"staffed[{o.name}]")
        b.staffed[o.name] = s
        cust = b.office_customer(o.name)
        # Definition of 'staffed': at least one unit, and nobody when not staffed.
        b.model.add(cust >= 1).only_enforce_if(s)
        b.model.add(cust == 0).only_enforce_if(~s)


def add_deviation_terms(b: BuiltModel) -> None:
    """Objective terms: largest and total absolute deviation from the targets, and tie-break."""
    d = b.data
    top = DEV_SCALE * b.cap + max(
        (d.target_scaled(c) for c in d.cells), default=0)
    b.max_deviation = b.model.new_int_var(0, top, "max_deviation")
    for m, line in d.cells:
        t = d.target_scaled((m, line))
        dev = b.model.new_int_var(0, top, f"deviation[{m},{line}]")
        y = b.cell(m, line)
        b.model.add(dev >= DEV_SCALE * y - t)
        b.model.add(dev >= t - DEV_SCALE * y)
        b.model.add(b.max_deviation >= dev)
        b.deviation[(m, line)] = dev
    b.objectives["max_deviation"] = b.max_deviation
    b.objectives["total_deviation"] = sum(b.deviation.values())
    c = d.continuity
    if priced(d):
        assert c is not None
        # Deviation [1/DEV_SCALE units] plus the price of moves: moved HTV is moves / 2, so
        # both sides are doubled to stay in whole numbers.
        price = round(c.move_weight * DEV_SCALE)
        b.objectives["deviation_and_moves"] = 2 * sum(b.deviation.values()) + price * b.moves
    b.objectives["tie_break"] = tie_break_expression(b)


def add_increments(model: cp_model.CpModel, y: Any, lo: int, steps: list[int],
                   name: str) -> Any:
    """Write ``y = lo + increments`` and return the increments' cost.

    ``steps[k]`` is the cost of going from ``lo + k`` to ``lo + k + 1`` units; costs must not
    decrease, so a minimiser fills the increments in order and the returned expression is
    the convex cost of ``y`` exactly. Runs of equal cost share one variable. Unlike a
    product or absolute value, this form has a tight linear relaxation, which is what lets
    CP-SAT prove these stages at the root.
    """
    parts = []
    k = 0
    while k < len(steps):
        run = k + 1
        while run < len(steps) and steps[run] == steps[k]:
            run += 1
        v = model.new_int_var(0, run - k, f"{name}[{k}]")
        parts.append((steps[k], v))
        k = run
    model.add(y == lo + sum(v for _, v in parts))
    return sum(cost * v for cost, v in parts)


def ranges(d: ModelData, max_deviation: int) -> dict[Cell, tuple[int, int]]:
    """Each cell's units when no cell deviates more than ``max_deviation`` [1/DEV_SCALE
    units] from its scaled target."""
    return {cell: cell_range(d, cell, max_deviation) for cell in d.cells}


def add_total_deviation_term(model: cp_model.CpModel, b: BuiltModel,
                             bounds: dict[Cell, tuple[int, int]],
                             targets: dict[Cell, int] | None = None,
                             scale: int = DEV_SCALE) -> Any:
    """Total absolute deviation [1/``scale`` units] in increment form, each cell within its
    ``bounds`` [units].

    Equal to the sum of |scale * y - target| at any minimiser, and never below it; the
    targets are the model's scaled ones unless ``targets`` gives others at ``scale``.
    """
    d = b.data
    terms: list[Any] = []
    for cell, y in b.y.items():
        t = d.target_scaled(cell) if targets is None else targets[cell]
        lo, hi = bounds[cell]
        model.add_linear_constraint(y, lo, hi)
        steps = [abs(scale * (k + 1) - t) - abs(scale * k - t) for k in range(lo, hi)]
        terms.append(abs(scale * lo - t))
        terms.append(add_increments(model, y, lo, steps, f"dev_step[{cell[0]},{cell[1]}]"))
    return sum(terms)


def add_spread_term(model: cp_model.CpModel, b: BuiltModel,
                    bounds: dict[Cell, tuple[int, int]]) -> Any:
    """The 'spread' objective on ``model`` (a working copy): sum of (y - q)^2 / q over cells.

    Among allocations with equal largest and total deviation, this one spreads what a
    binding rule forces away from some cells over the others in proportion to their
    targets (minimising a chi-square distance scales the free cells proportionally).
    ``bounds`` [units] hold every cell to the largest deviation found, which keeps the
    ranges small.
    """
    d = b.data
    terms = []
    for cell, y in b.y.items():
        lo, hi = bounds[cell]
        model.add_linear_constraint(y, lo, hi)
        steps = spread_steps(d, cell, lo, hi)
        terms.append(add_increments(model, y, lo, steps, f"spread_step[{cell[0]},{cell[1]}]"))
    return sum(terms)


def tie_break_expression(b: BuiltModel) -> Any:
    """Canonical preference among equally good allocations (see objectives.OBJECTIVES)."""
    x_weights, central_weights = tie_break_weights(b.data)
    return (sum(x_weights[key] * v for key, v in b.x.items())
            + sum(central_weights[key] * v for key, v in b.central.items()))


def build_model(data: ModelData, explain: bool = False) -> BuiltModel:
    """Build the allocation model from ``data``; ``explain`` adds one literal per rule label."""
    b = BuiltModel(data=data, model=Model(), explain=explain)
    add_variables(b)
    for rule in RULES:
        rule.build(b)
    add_deviation_terms(b)
    if explain:
        b.model.add_assumptions(list(b.literals.values()))
    return b
