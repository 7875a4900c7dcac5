"""max_assignments[person]: a person works in at most a few assignments (service lines or
central services; two by default), so nobody's week is cut into slivers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allocator.engine.placement.rules.base import PlacementRule, PlacementTally, label
from allocator.engine.types import Violation

if TYPE_CHECKING:
    from allocator.engine.placement.data import PlacementData
    from allocator.engine.placement.model import PlacementModel

NAME = "max_assignments"


class MaxAssignments(PlacementRule):
    """At most ``max_assignments`` assignments per person."""

    name = NAME
    text = "a person works in at most the allowed number of assignments"

    def labels(self, d: PlacementData) -> list[str]:
        return [label(NAME, p.id) for p in d.people]

    def build(self, b: PlacementModel) -> None:
        for p in b.data.people:
            b.add(label(NAME, p.id), sum(b.works_of(p.id)) <= b.data.max_assignments)

    def check(self, t: PlacementTally) -> list[Violation]:
        out = []
        most = t.settings.max_assignments
        for p in t.roster.people:
            jobs = sorted({r.assignment for r in t.rows_of.get(p.id, ())})
            if len(jobs) > most:
                out.append(Violation(label(NAME, p.id), f"works in {len(jobs)} assignments "
                                     f"({', '.join(jobs)}), at most {most} allowed"))
        return out

    def describe(self, d: PlacementData, key: str | None) -> str:
        return f"{label(NAME, key)}: {key} works in at most {d.max_assignments} assignments"
