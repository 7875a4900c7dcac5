"""Scenario + allocation + roster -> PlacementData: what the placement model needs, in
whole integer units.

Allocated HTV and people's FTE are both written in one common unit, the largest that
divides the allocation's granularity and the placement step (0.01 for 0.01 HTV and
0.1 FTE), so that the model compares them exactly without rounding.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import cached_property

from allocator.engine.types import Allocation
from allocator.scenario.roster import Person, Roster, assignments
from allocator.scenario.schema import Scenario, to_fraction

#: Minimum people at a staffed office, by kind (work safety: a walk-in office never
#: leaves one person alone; an appointment-only service point needs somebody).
MIN_PEOPLE = {"office": 2, "service_point": 1}


def common_unit(a: Fraction, b: Fraction) -> Fraction:
    """The largest amount that divides both ``a`` and ``b`` exactly (0.01 and 0.1 -> 0.01)."""
    den = a.denominator * b.denominator // math.gcd(a.denominator, b.denominator)
    return Fraction(math.gcd(int(a * den), int(b * den)), den)


@dataclass(frozen=True)
class Spot:
    """An office as the placement sees it: where it is and how many people it needs."""

    name: str
    municipality: str
    area: str
    kind: str
    staffed: bool
    min_people: int


@dataclass(frozen=True)
class PlacementData:
    """Everything the placement model reads, sizes in ``unit`` [HTV = FTE].

    ``allocated[(office, assignment)]`` [units] from the allocation; ``scope[person]`` the
    staffed offices in the person's reach before any rule (all, or the own area's);
    ``travel[(office, office)]`` [minutes] between the offices' municipalities (None:
    no travel times); ``hosts[service]`` the offices hosting a central service.
    """

    scenario: Scenario
    roster: Roster
    unit: Fraction
    step: Fraction
    max_assignments: int
    lead_municipality: str
    offices: tuple[Spot, ...]
    assignments: tuple[str, ...]
    central: frozenset[str]
    labels: dict[str, str]
    hosts: dict[str, tuple[str, ...]]
    allocated: dict[tuple[str, str], int]
    scope: dict[str, tuple[str, ...]]
    travel: dict[tuple[str, str], Fraction] | None

    @property
    def people(self) -> tuple[Person, ...]:
        """The roster's people in file order."""
        return self.roster.people

    @property
    def step_units(self) -> int:
        """One placement step [units]."""
        return int(self.step / self.unit)

    def steps(self, p: Person) -> int:
        """A person's working time [steps]."""
        return int(p.fte / self.step)

    def htv(self, units: int | Fraction) -> Fraction:
        """Units -> HTV (or FTE), exactly."""
        return units * self.unit

    @cached_property
    def _spots(self) -> dict[str, Spot]:
        return {o.name: o for o in self.offices}

    def office(self, name: str) -> Spot:
        """The office called ``name``."""
        return self._spots[name]

    @cached_property
    def _people(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}

    def person(self, pid: str) -> Person:
        """The person with id ``pid``."""
        return self._people[pid]

    def available(self, office: str) -> tuple[str, ...]:
        """The assignments that exist at ``office``: every service line, and the central
        services it hosts."""
        return tuple(a for a in self.assignments
                     if a not in self.central or office in self.hosts[a])

    @cached_property
    def cells(self) -> tuple[tuple[str, str], ...]:
        """Every office × assignment whose gap counts: each staffed office with what is
        available there, in file order."""
        return tuple((o.name, a) for o in self.offices if o.staffed for a in self.available(o.name))

    def part(self, people: set[str], offices: set[str]) -> PlacementData:
        """The same data for some of the people and offices only (one independent part of
        the placement, see :func:`parts`)."""
        return replace(self, roster=Roster(tuple(p for p in self.people if p.id in people),
                                           self.roster.source),
                       offices=tuple(o for o in self.offices if o.name in offices),
                       scope={pid: tuple(o for o in self.scope[pid] if o in offices)
                              for pid in people})

    def minutes(self, p: Person, office: str) -> Fraction:
        """Travel from the person's duty station today to ``office`` [minutes]; 0 without
        travel times."""
        if self.travel is None:
            return Fraction(0)
        return self.travel[(p.current_office, office)]


def prepare_placement(s: Scenario, allocation: Allocation, roster: Roster, step: Fraction,
                      max_assignments: int, within_area: bool) -> PlacementData:
    """The placement data of ``roster`` against ``allocation`` of scenario ``s``."""
    g = allocation.granularity
    unit = common_unit(g, step)
    per = int(g / unit)
    allocated: dict[tuple[str, str], int] = {}
    for (_, office, line), units in allocation.cells.items():
        allocated[(office, line)] = allocated.get((office, line), 0) + units * per
    hosts: dict[str, list[str]] = {c.name: [] for c in s.central_services}
    for (service, office), units in allocation.central.items():
        allocated[(office, service)] = allocated.get((office, service), 0) + units * per
        if units and office not in hosts[service]:
            hosts[service].append(office)
    area_of = s.area_of()
    staffed_names = {o for (o, _), u in allocated.items() if u > 0}
    spots = tuple(Spot(o.name, o.municipality, area_of[o.municipality], o.kind,
                       o.name in staffed_names, MIN_PEOPLE[o.kind]) for o in s.offices)
    by_name = {o.name: o for o in spots}
    scope = {}
    for p in roster.people:
        home = by_name[p.current_office].area
        scope[p.id] = tuple(o.name for o in spots
                            if o.staffed and (not within_area or o.area == home))
    travel = None
    minutes = s.travel_minutes()
    if minutes is not None:
        travel = {(a.name, b.name): to_fraction(minutes[(a.municipality, b.municipality)])
                  for a in spots for b in spots}
    labels = {ln.name: ln.title for ln in s.service_lines}
    labels.update({c.name: c.title for c in s.central_services})
    return PlacementData(s, roster, unit, step, max_assignments, s.lead_municipality, spots,
                         assignments(s), frozenset(c.name for c in s.central_services), labels,
                         {k: tuple(v) for k, v in hosts.items()}, allocated, scope, travel)


def parts(d: PlacementData, allowed: Mapping[str, Iterable[str]]) -> list[PlacementData]:
    """``d`` split into independent parts: people linked to the offices they may work at
    (``allowed[person]``), offices linked through the people they share. No rule or gap
    reaches across parts, so each can be solved on its own; parts come in file order of
    their first office."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in d.people:
        for office in allowed[p.id]:
            parent[root("p:" + p.id)] = root("o:" + office)
        root("p:" + p.id)
    for o in d.offices:
        if o.staffed:
            root("o:" + o.name)
    groups: dict[str, tuple[set[str], set[str]]] = {}
    for o in d.offices:
        if o.staffed:
            groups.setdefault(root("o:" + o.name), (set(), set()))[1].add(o.name)
    for p in d.people:
        groups.setdefault(root("p:" + p.id), (set(), set()))[0].add(p.id)
    return [d.part(people, offices) for people, offices in groups.values()]
