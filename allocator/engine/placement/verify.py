"""The independent check of a placement: every placement rule, and the objective terms
recomputed, in plain Python.

Deliberately separate from the model: it never imports OR-Tools, reads the scenario, the
allocation and the roster itself (not the model's PlacementData) and never calls a rule's
builder, so a mistake in building or reading the model shows up here as a violation.
"""

from __future__ import annotations

from fractions import Fraction

from allocator.engine.placement.rules import PLACEMENT_RULES
from allocator.engine.placement.rules.base import PlacementTally
from allocator.engine.placement.types import (
    Objective,
    Placement,
    PlacementRow,
    PlacementSettings,
    PlacementVerification,
)
from allocator.engine.types import Allocation, Violation
from allocator.scenario.roster import Roster
from allocator.scenario.schema import Scenario


def tally(s: Scenario, allocation: Allocation, roster: Roster, settings: PlacementSettings,
          placement: Placement) -> PlacementTally:
    """The verifier's own sums of the allocation and the placement."""
    g = allocation.granularity
    allocated: dict[tuple[str, str], Fraction] = {}
    for (_, office, line), units in allocation.cells.items():
        allocated[(office, line)] = allocated.get((office, line), Fraction(0)) + units * g
    hosts: dict[str, set[str]] = {c.name: set() for c in s.central_services}
    for (service, office), units in allocation.central.items():
        allocated[(office, service)] = allocated.get((office, service), Fraction(0)) + units * g
        if units > 0:
            hosts.setdefault(service, set()).add(office)
    staffed = frozenset(o for (o, _), v in allocated.items() if v > 0)
    rows_of: dict[str, list[PlacementRow]] = {}
    people_at: dict[str, list[str]] = {}
    for r in placement.rows:
        rows_of.setdefault(r.person, []).append(r)
        if r.person not in people_at.setdefault(r.office, []):
            people_at[r.office].append(r.person)
    minutes = s.travel_minutes()
    return PlacementTally(s, roster, settings, placement.rows, allocated,
                          {k: frozenset(v) for k, v in hosts.items()}, staffed,
                          {k: tuple(v) for k, v in rows_of.items()},
                          {k: tuple(v) for k, v in people_at.items()}, minutes)


def objective(t: PlacementTally) -> Objective:
    """The objective terms of the tallied placement [HTV, persons, minutes]."""
    s = t.scenario
    lines = [ln.name for ln in s.service_lines]
    cells = {(o.name, a) for o in s.offices if o.name in t.staffed
             for a in [*lines, *(c for c, where in t.hosts.items() if o.name in where)]}
    placed: dict[tuple[str, str], Fraction] = {}
    for r in t.rows:
        placed[(r.office, r.assignment)] = placed.get((r.office, r.assignment), Fraction(0)) + r.fte
    cells |= set(placed)
    gaps = [abs(placed.get(c, Fraction(0)) - t.allocated.get(c, Fraction(0))) for c in cells]
    municipality = {o.name: o.municipality for o in s.offices}
    moved = 0
    commute: Fraction | None = Fraction(0) if t.travel is not None else None
    split = 0
    for p in t.roster.people:
        rows = t.rows_of.get(p.id, ())
        offices = {r.office for r in rows}
        if offices != {p.current_office}:
            moved += 1
        if commute is not None and t.travel is not None:
            for office in offices:
                if office in municipality:
                    trip = t.travel[(municipality[p.current_office], municipality[office])]
                    commute += Fraction(repr(trip))
        if len({r.assignment for r in rows}) > 1:
            split += 1
    return Objective(max(gaps, default=Fraction(0)), sum(gaps, Fraction(0)), moved, commute,
                     split)


def verify_placement(s: Scenario, allocation: Allocation, roster: Roster,
                     settings: PlacementSettings, placement: Placement) -> PlacementVerification:
    """Every placement rule re-checked, and the objective recomputed."""
    t = tally(s, allocation, roster, settings, placement)
    violations: list[Violation] = []
    known = {p.id for p in roster.people}
    for r in placement.rows:
        if r.person not in known:
            violations.append(Violation("roster", f"{r.person} is placed but not in the roster"))
    for rule in PLACEMENT_RULES:
        violations.extend(rule.check(t))
    return PlacementVerification(violations, objective(t))
