"""PlacementData -> PlacementModel: the CP-SAT model of who works where on what.

Variables: ``y[person, office]`` (the duty station), ``t[person, office, assignment]``
(time in placement steps) and ``w[person, assignment]`` (works in it at all). Gaps per
office × assignment are in the common unit, so allocated HTV and placed FTE are compared
exactly. Structural rules (can_do, central_at_lead, fixed_stays, max_commute) leave the
variables they forbid out; built with ``explain=True`` every variable of the person's
scope exists and each rule's constraints hold only under an assumption literal per label,
which is how an infeasible roster is explained.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from allocator.engine.cpsat import Model
from allocator.engine.placement.data import PlacementData
from allocator.engine.placement.rules import PLACEMENT_RULES


@dataclass
class PlacementModel:
    """A built placement model and its named variables, constraints and objective terms."""

    data: PlacementData
    model: cp_model.CpModel
    explain: bool = False
    y: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    t: dict[tuple[str, str, str], cp_model.IntVar] = field(default_factory=dict)
    w: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    gap: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    terms: dict[str, Any] = field(default_factory=dict)
    """Objective terms by stage name: max_gap, total_gap, moves or commute, splits,
    tie_break [units, persons, minutes × commute_scale]."""
    literals: dict[str, cp_model.IntVar] = field(default_factory=dict)
    """Label -> its assumption literal (explain models only)."""
    labels: list[str] = field(default_factory=list)
    commute_scale: int = 1
    """Travel minutes are multiplied by this in the commute term, to be whole numbers."""
    cell_time: dict[tuple[str, str], list[cp_model.IntVar]] = field(default_factory=dict)
    """Office × assignment -> the time variables placed there [steps]."""

    def true_gaps(self, value: Any) -> dict[tuple[str, str], int]:
        """|placed − allocated| per office × assignment at a solution [units];
        ``value`` reads a variable's value (``solver.value``)."""
        d = self.data
        return {cell: abs(d.step_units * sum(int(value(v)) for v in times)
                          - d.allocated.get(cell, 0))
                for cell, times in self.cell_time.items()}

    def add(self, label: str, condition: Any) -> None:
        """Add ``condition`` (a linear relation) to the model under ``label``; in an explain
        model it holds only when the label's assumption literal is true."""
        constraint = self.model.add(condition)
        if self.explain:
            if label not in self.literals:
                self.literals[label] = self.model.new_bool_var(f"assume:{label}")
            constraint.only_enforce_if(self.literals[label])
        if label not in self.labels:
            self.labels.append(label)

    def time_of(self, pid: str) -> list[cp_model.IntVar]:
        """The person's time variables [steps]."""
        return self._t_by_person.get(pid, [])

    def stations_of(self, pid: str) -> list[cp_model.IntVar]:
        """The person's duty-station variables."""
        return self._y_by_person.get(pid, [])

    def works_of(self, pid: str) -> list[cp_model.IntVar]:
        """The person's works-in-assignment variables."""
        return self._w_by_person.get(pid, [])

    def people_at(self, office: str) -> list[cp_model.IntVar]:
        """The duty-station variables of everybody who may be at ``office``."""
        return self._y_by_office.get(office, [])

    def index(self) -> None:
        """Group the variables by person and office for the rules' builders."""
        self._t_by_person: dict[str, list[cp_model.IntVar]] = {}
        self._y_by_person: dict[str, list[cp_model.IntVar]] = {}
        self._w_by_person: dict[str, list[cp_model.IntVar]] = {}
        self._y_by_office: dict[str, list[cp_model.IntVar]] = {}
        for (pid, _, _), v in self.t.items():
            self._t_by_person.setdefault(pid, []).append(v)
        for (pid, office), v in self.y.items():
            self._y_by_person.setdefault(pid, []).append(v)
            self._y_by_office.setdefault(office, []).append(v)
        for (pid, _), v in self.w.items():
            self._w_by_person.setdefault(pid, []).append(v)


def _forbidding(d: PlacementData, pid: str, office: str, assignment: str | None) -> list[str]:
    p = d.person(pid)
    return [lab for rule in PLACEMENT_RULES
            if (lab := rule.forbids(d, p, office, assignment)) is not None]


def build_placement(d: PlacementData, explain: bool = False) -> PlacementModel:
    """The placement model of ``d``; with ``explain`` every rule label gets an assumption."""
    b = PlacementModel(d, Model(), explain)
    m = b.model
    forbidden: list[tuple[str, cp_model.IntVar]] = []
    for p in d.people:
        steps = d.steps(p)
        mine: dict[str, list[cp_model.IntVar]] = {}
        for office in d.scope[p.id]:
            office_block = _forbidding(d, p.id, office, None)
            if office_block and not explain:
                continue
            jobs = []
            for a in d.available(office) if not explain else d.assignments:
                block = _forbidding(d, p.id, office, a)
                if block and not explain:
                    continue
                v = m.new_int_var(0, steps, f"t[{p.id},{office},{a}]")
                b.t[(p.id, office, a)] = v
                forbidden.extend((lab, v) for lab in block)
                jobs.append(v)
                mine.setdefault(a, []).append(v)
            if not jobs:
                continue
            y = m.new_bool_var(f"y[{p.id},{office}]")
            b.y[(p.id, office)] = y
            forbidden.extend((lab, y) for lab in office_block)
            for v in jobs:
                m.add(v <= steps * y)
        for a in d.assignments:
            if a not in mine:
                continue
            w = m.new_bool_var(f"w[{p.id},{a}]")
            b.w[(p.id, a)] = w
            for v in mine[a]:
                m.add(v <= steps * w)
            m.add(sum(mine[a]) >= w)
    b.index()
    if not explain:
        # Implied (everyone works, so in something): gives the splits stage its bound.
        for p in d.people:
            if b.works_of(p.id):
                m.add(sum(b.works_of(p.id)) >= 1)
    for lab, v in forbidden:
        b.add(lab, v == 0)
    for rule in PLACEMENT_RULES:
        rule.build(b)
    _objective_terms(b)
    return b


def _objective_terms(b: PlacementModel) -> None:
    """The gap variables and every stage's term."""
    d, m = b.data, b.model
    by_cell: dict[tuple[str, str], list[cp_model.IntVar]] = {}
    for (_, office, a), v in b.t.items():
        by_cell.setdefault((office, a), []).append(v)
    total_people = sum(d.steps(p) for p in d.people) * d.step_units
    top = max([*d.allocated.values(), 0]) + total_people
    worst = m.new_int_var(0, top, "max_gap")
    known = set(d.cells)
    cells = list(d.cells) + [c for c in by_cell if c not in known]
    for cell in cells:
        placed = d.step_units * sum(by_cell.get(cell, []))
        allocated = d.allocated.get(cell, 0)
        g = m.new_int_var(0, top, f"gap[{cell[0]},{cell[1]}]")
        # At least the gap; a stage's value is read from the placement's true gaps (see
        # PlacementModel.true_gaps), so a solution stopped early never overstates it.
        m.add(g >= placed - allocated)
        m.add(g >= allocated - placed)
        m.add(worst >= g)
        b.gap[cell] = g
        b.cell_time[cell] = by_cell.get(cell, [])
    b.terms["max_gap"] = worst
    b.terms["total_gap"] = sum(b.gap.values())
    stays = {p.id: b.y.get((p.id, p.current_office)) for p in d.people}
    b.terms["moves"] = len(d.people) - sum(v for v in stays.values() if v is not None)
    if d.travel is not None:
        scale = math.lcm(1, *(value.denominator for value in d.travel.values()))
        b.commute_scale = scale
        b.terms["commute"] = sum(int(d.minutes(d.person(pid), office) * scale) * v
                                 for (pid, office), v in b.y.items())
    b.terms["splits"] = sum(b.w.values()) - len(d.people)
    # Tie-break: prefer today's duty station, then offices and assignments earlier in
    # file order, so equal placements are told apart the same way every run.
    office_rank = {o.name: i for i, o in enumerate(d.offices)}
    line_rank = {a: i for i, a in enumerate(d.assignments)}
    b.terms["tie_break"] = (
        sum((0 if office == d.person(pid).current_office else 1 + office_rank[office]) * v
            for (pid, office), v in b.y.items())
        + sum(line_rank[a] * v for (_, a), v in b.w.items()))


def stages_for(d: PlacementData) -> tuple[str, ...]:
    """The lexicographic stages: gaps first, then moves (or commute), then splits."""
    return ("max_gap", "total_gap", "commute" if d.travel is not None else "moves", "splits",
            "tie_break")
