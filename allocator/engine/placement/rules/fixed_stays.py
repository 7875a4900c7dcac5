"""fixed_stays[person]: a person marked ``fixed`` in the roster stays at today's duty
station."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allocator.engine.placement.rules.base import PlacementRule, PlacementTally, label
from allocator.engine.types import Conflict, Violation

if TYPE_CHECKING:
    from allocator.engine.placement.data import PlacementData
    from allocator.engine.placement.rules.base import Reach
    from allocator.scenario.roster import Person

NAME = "fixed_stays"


class FixedStays(PlacementRule):
    """Fixed people keep their current office."""

    name = NAME
    text = "a fixed person stays at today's duty station"

    def labels(self, d: PlacementData) -> list[str]:
        return [label(NAME, p.id) for p in d.people if p.fixed]

    def forbids(self, d: PlacementData, p: Person, office: str,
                assignment: str | None) -> str | None:
        if p.fixed and office != p.current_office:
            return label(NAME, p.id)
        return None

    def check(self, t: PlacementTally) -> list[Violation]:
        out = []
        for p in t.roster.people:
            moved = sorted({r.office for r in t.rows_of.get(p.id, ())} - {p.current_office})
            if p.fixed and moved:
                out.append(Violation(label(NAME, p.id), f"fixed at {p.current_office}, placed "
                                     f"at {', '.join(moved)}"))
        return out

    def precheck(self, d: PlacementData, reach: Reach) -> list[Conflict]:
        out = []
        for p in d.people:
            if p.fixed and not d.office(p.current_office).staffed:
                out.append(Conflict(
                    (label(NAME, p.id), label("one_office", p.id)),
                    f"{label(NAME, p.id)}: {p.id} is fixed at {p.current_office}, which the "
                    "allocation leaves unstaffed",
                    f"clear 'fixed' for {p.id}, or keep {p.current_office} open"))
        return out

    def describe(self, d: PlacementData, key: str | None) -> str:
        assert key is not None
        return f"{label(NAME, key)}: {key} stays at {d.person(key).current_office}"
