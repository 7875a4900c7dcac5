"""central_at_lead[service]: a central service is staffed at the lead municipality's office
that hosts it in the allocation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allocator.engine.placement.rules.base import PlacementRule, PlacementTally, label
from allocator.engine.types import Violation

if TYPE_CHECKING:
    from allocator.engine.placement.data import PlacementData
    from allocator.scenario.roster import Person

NAME = "central_at_lead"


class CentralAtLead(PlacementRule):
    """Central-service time only at the hosting office in the lead municipality."""

    name = NAME
    text = "a central service is staffed at the lead municipality's office"

    def labels(self, d: PlacementData) -> list[str]:
        return [label(NAME, c) for c in d.assignments if c in d.central]

    def forbids(self, d: PlacementData, p: Person, office: str,
                assignment: str | None) -> str | None:
        if assignment in d.central and office not in d.hosts[assignment]:
            return label(NAME, assignment)
        return None

    def check(self, t: PlacementTally) -> list[Violation]:
        lead = t.scenario.lead_municipality
        out = []
        for r in t.rows:
            if r.assignment not in t.hosts:
                continue
            o = t.office(r.office)
            if o is None or o.municipality != lead or r.office not in t.hosts[r.assignment]:
                hosts = ", ".join(sorted(t.hosts[r.assignment])) or "no office"
                out.append(Violation(label(NAME, r.assignment), f"{r.person} works on it at "
                                     f"{r.office}; it is staffed at {hosts} in {lead}"))
        return out

    def describe(self, d: PlacementData, key: str | None) -> str:
        assert key is not None
        hosts = ", ".join(d.hosts.get(key, ())) or "no office (the allocation gives it no HTV)"
        return f"{label(NAME, key)}: {key} is staffed only at {hosts}"
