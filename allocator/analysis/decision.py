"""The facts of the board's decision summary: each scenario's figures and what it changes.

A board reads one table: the recommended split per municipality and area, in person-years
and euros, and for every other scenario what changes for each municipality and why. The
"why" is not written per scenario: it is read off the results here, as differences the
pack then puts into one plain sentence. Those differences are the budget, the central
services' sizes, new or closed offices, the service lines' target shares, the areas'
shares of the caseload targets, who pays the central services, and limits on moving staff.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from allocator.engine.result import Result

#: Changes in a share smaller than this are noise, not a reason [0-1]; 0.1 percentage point.
SHARE_EPSILON = 0.001


@dataclass(frozen=True)
class Place:
    """One municipality in one scenario.

    ``customer_htv`` is the customer service its residents get [HTV]; ``central_htv`` its
    share of the central services under the scenario's key [HTV] and ``eur`` all it pays
    [EUR/year], both None when the scenario gives no costs.
    """

    municipality: str
    area: str
    customer_htv: float
    central_htv: float | None
    eur: float | None


@dataclass(frozen=True)
class Figures:
    """One scenario's allocation as the decision summary shows it.

    ``places`` per municipality in file order; ``areas`` customer service per area [HTV];
    ``central`` each central service's size [HTV]; ``offices`` customer service per office
    [HTV]; ``line_shares`` each line's target share [0-1] and ``lines`` its HTV;
    ``area_shares`` each area's share of the customer-service targets, i.e. of the
    weighted caseload [0-1]; ``key`` the central services' sharing key (None without
    costs); ``eur`` the whole area's cost [EUR/year]; ``move_cap`` the largest change from
    today's staffing allowed per office [HTV] (None without such a limit); ``office_area``
    the area each office is in.
    """

    total_htv: float
    places: tuple[Place, ...]
    areas: dict[str, float]
    central: dict[str, float]
    offices: dict[str, float]
    lines: dict[str, float]
    line_shares: dict[str, float]
    area_shares: dict[str, float]
    key: str | None
    eur: float | None
    move_cap: float | None
    office_area: dict[str, str]

    @property
    def customer_htv(self) -> float:
        """All customer service [HTV]."""
        return sum(self.areas.values())

    @property
    def central_htv(self) -> float:
        """All central services [HTV]."""
        return sum(self.central.values())


@dataclass(frozen=True)
class Change:
    """What one scenario changes against the base, as the facts behind its sentence.

    Every change is the scenario's value minus the base's, rounded to the base's decimals
    [HTV] or to the cent [EUR/year]. ``figures`` is None (and every change empty) when the
    scenario has no allocation. ``central`` holds the central services whose size differs
    (service, base HTV, scenario HTV), a service one side lacks at 0; ``new_offices`` (office, HTV,
    the offices of its area that gave it staff) and ``closed_offices`` (office, HTV) the
    offices only one side has; ``lines`` the service
    lines whose target share differs (line, base share, share, change in HTV); ``shares``
    the areas whose share of the caseload targets differs (area, base, scenario);
    ``key`` (base key, key) when who pays the central services differs.
    """

    index: int
    label: str
    figures: Figures | None
    total_htv: float = 0.0
    municipality_htv: dict[str, float] | None = None
    municipality_eur: dict[str, float] | None = None
    area_htv: dict[str, float] | None = None
    central: tuple[tuple[str, float, float], ...] = ()
    new_offices: tuple[tuple[str, float, tuple[str, ...]], ...] = ()
    closed_offices: tuple[tuple[str, float], ...] = ()
    office_htv: dict[str, float] | None = None
    lines: tuple[tuple[str, float, float, float], ...] = ()
    shares: tuple[tuple[str, float, float], ...] = ()
    key: tuple[str, str] | None = None
    move_cap: float | None = None

    @property
    def staff_unchanged(self) -> bool:
        """True when no municipality's customer service and no central service changes."""
        return (self.figures is not None and not self.central and not self.total_htv
                and not any(self.municipality_htv or {}) and not self.new_offices
                and not self.closed_offices and not any((self.office_htv or {}).values()))

    @property
    def areas_unchanged(self) -> bool:
        """True when every area keeps its customer service."""
        return not any((self.area_htv or {}).values())


def figures(r: Result) -> Figures | None:
    """The allocation of ``r`` as the decision summary shows it; None without one."""
    a = r.allocation
    if a is None:
        return None
    d, s = r.data, r.scenario
    cells = a.cell_units()
    customer = {m: float(r.htv(sum(u for (mm, _), u in cells.items() if mm == m)))
                for m in d.municipalities}
    costs = r.costs()
    paid = {row.municipality: row for row in costs.rows} if costs is not None else {}
    central_htv = Fraction(sum(a.central.values())) * d.granularity
    places = tuple(Place(
        m, d.area_of[m], customer[m],
        float(paid[m].central_share * central_htv) if m in paid else None,
        float(paid[m].total_eur) if m in paid else None) for m in d.municipalities)
    areas = {area: float(v) for area, v in a.area_htv(d.area_of, d.areas).items()}
    central: dict[str, float] = {}
    for (service, _), units in a.central.items():
        central[service] = central.get(service, 0.0) + float(r.htv(units))
    for c in s.central_services:
        central.setdefault(c.name, 0.0)
    offices = {o: float(r.htv(u)) for o, u in a.office_units().items()}
    for o in d.offices:
        offices.setdefault(o.name, 0.0)
    lines = {ln: float(r.htv(sum(u for (_, ll), u in cells.items() if ll == ln)))
             for ln in d.lines}
    targets = {area: sum((d.target[(m, ln)] for m in d.municipalities if d.area_of[m] == area
                          for ln in d.lines), Fraction(0)) for area in d.areas}
    all_targets = sum(targets.values(), Fraction(0))
    shares = {area: float(t / all_targets) if all_targets else 0.0 for area, t in targets.items()}
    moves = r.moves()
    return Figures(
        total_htv=float(r.total_htv), places=places, areas=areas, central=central,
        offices=offices, lines=lines,
        line_shares={ln: float(share) for ln, (share, _) in r.line_shares.items()},
        area_shares=shares, key=costs.key if costs is not None else None,
        eur=float(costs.total_eur) if costs is not None else None,
        move_cap=(float(moves.cap_htv) if moves is not None and moves.cap_htv is not None
                  else None),
        office_area={o.name: o.area for o in d.offices})


def _delta(new: dict[str, float], old: dict[str, float], digits: int) -> dict[str, float]:
    """``new − old`` per key of ``old``, rounded; a key ``new`` lacks counts as 0."""
    return {k: round(new.get(k, 0.0) - v, digits) + 0.0 for k, v in old.items()}


def change(index: int, label: str, r: Result, base: Figures | None, digits: int) -> Change:
    """What the scenario ``r`` changes against the base's ``base`` figures."""
    own = figures(r)
    if own is None or base is None:
        return Change(index, label, own)
    munis = {p.municipality: p.customer_htv for p in own.places}
    base_munis = {p.municipality: p.customer_htv for p in base.places}
    eur = None
    if own.eur is not None and base.eur is not None:
        paid = {p.municipality: p.eur or 0.0 for p in own.places}
        eur = _delta(paid, {p.municipality: p.eur or 0.0 for p in base.places}, 2)
    central = tuple((name, base.central.get(name, 0.0), own.central.get(name, 0.0))
                    for name in dict.fromkeys([*base.central, *own.central])
                    if round(own.central.get(name, 0.0) - base.central.get(name, 0.0),
                             digits) != 0)
    lines = tuple((ln, base.line_shares[ln], own.line_shares[ln],
                   round(own.lines[ln] - base.lines.get(ln, 0.0), digits))
                  for ln in own.line_shares
                  if ln in base.line_shares
                  and abs(own.line_shares[ln] - base.line_shares[ln]) >= SHARE_EPSILON)
    shares = tuple((area, base.area_shares[area], own.area_shares[area])
                   for area in own.area_shares
                   if area in base.area_shares
                   and abs(own.area_shares[area] - base.area_shares[area]) >= SHARE_EPSILON)
    return Change(
        index, label, own,
        total_htv=round(own.total_htv - base.total_htv, digits) + 0.0,
        municipality_htv=_delta(munis, base_munis, digits),
        municipality_eur=eur,
        area_htv=_delta(own.areas, base.areas, digits),
        central=central,
        new_offices=tuple((o, h, tuple(g for g, before in base.offices.items()
                                       if own.office_area.get(g) == own.office_area[o]
                                       and round(own.offices.get(g, 0.0) - before, digits) < 0))
                          for o, h in own.offices.items() if o not in base.offices),
        closed_offices=tuple((o, h) for o, h in base.offices.items() if o not in own.offices),
        office_htv=_delta({o: h for o, h in own.offices.items() if o in base.offices},
                          {o: h for o, h in base.offices.items() if o in own.offices}, digits),
        lines=lines, shares=shares,
        key=((base.key, own.key) if own.key is not None and base.key is not None
             and own.key != base.key else None),
        move_cap=own.move_cap if own.move_cap != base.move_cap else None)


def changes(results: Sequence[Result], labels: Sequence[str]) -> tuple[Change, ...]:
    """What every scenario after the base (the first) changes against it, in order."""
    base = figures(results[0])
    digits = results[0].digits
    return tuple(change(k, labels[k], results[k], base, digits)
                 for k in range(1, len(results)))


__all__ = ["SHARE_EPSILON", "Change", "Figures", "Place", "change", "changes", "figures"]
