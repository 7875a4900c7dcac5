"""max_commute[person]: where the roster gives a maximum commute, the trip from today's
duty station to the new one is no longer [minutes, from the scenario's travel_times]."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allocator.engine.placement.rules.base import PlacementRule, PlacementTally, label
from allocator.engine.types import Violation

if TYPE_CHECKING:
    from allocator.engine.placement.data import PlacementData
    from allocator.scenario.roster import Person

NAME = "max_commute"


class MaxCommute(PlacementRule):
    """No new duty station beyond the person's maximum commute."""

    name = NAME
    text = "a new duty station is within the person's maximum commute"

    def labels(self, d: PlacementData) -> list[str]:
        return [label(NAME, p.id) for p in d.people if p.max_commute is not None]

    def forbids(self, d: PlacementData, p: Person, office: str,
                assignment: str | None) -> str | None:
        if p.max_commute is not None and d.minutes(p, office) > p.max_commute:
            return label(NAME, p.id)
        return None

    def check(self, t: PlacementTally) -> list[Violation]:
        out = []
        by_name = {o.name: o for o in t.scenario.offices}
        for p in t.roster.people:
            if p.max_commute is None or t.travel is None:
                continue
            for office in sorted({r.office for r in t.rows_of.get(p.id, ())}):
                if office not in by_name:
                    continue
                trip = t.travel[(by_name[p.current_office].municipality,
                                 by_name[office].municipality)]
                if trip > p.max_commute:
                    out.append(Violation(label(NAME, p.id), f"{p.current_office} → {office} "
                                         f"takes {trip:g} minutes, at most {p.max_commute:g}"))
        return out

    def describe(self, d: PlacementData, key: str | None) -> str:
        assert key is not None
        p = d.person(key)
        reach = [o.name for o in d.offices if o.staffed and p.max_commute is not None
                 and d.minutes(p, o.name) <= p.max_commute]
        return (f"{label(NAME, key)}: {key} travels at most {p.max_commute:g} minutes "
                f"from {p.current_office} (reaches {', '.join(reach) or 'no staffed office'})")
