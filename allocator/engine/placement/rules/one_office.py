"""one_office[person]: a person has exactly one duty station, an office the allocation
staffs; the person serves the municipalities that office serves."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allocator.engine.placement.rules.base import PlacementRule, PlacementTally, label
from allocator.engine.types import Violation

if TYPE_CHECKING:
    from allocator.engine.placement.data import PlacementData
    from allocator.engine.placement.model import PlacementModel

NAME = "one_office"


class OneOffice(PlacementRule):
    """Exactly one duty station per person, among the offices the allocation staffs."""

    name = NAME
    text = "a person has exactly one duty station, an office the allocation staffs"

    def labels(self, d: PlacementData) -> list[str]:
        return [label(NAME, p.id) for p in d.people]

    def build(self, b: PlacementModel) -> None:
        for p in b.data.people:
            b.add(label(NAME, p.id), sum(b.stations_of(p.id)) == 1)

    def check(self, t: PlacementTally) -> list[Violation]:
        out = []
        for p in t.roster.people:
            offices = sorted({r.office for r in t.rows_of.get(p.id, ())})
            if len(offices) != 1:
                where = ", ".join(offices) if offices else "no office"
                out.append(Violation(label(NAME, p.id), f"placed at {len(offices)} offices "
                                     f"({where}); a person has exactly one duty station"))
            elif offices[0] not in t.staffed:
                known = t.office(offices[0]) is not None
                out.append(Violation(label(NAME, p.id), f"placed at {offices[0]}, which "
                                     + ("the allocation leaves unstaffed" if known
                                        else "is not an office of the scenario")))
        return out

    def describe(self, d: PlacementData, key: str | None) -> str:
        assert key is not None
        return f"{label(NAME, key)}: {key} has exactly one duty station"
