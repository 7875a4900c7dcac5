"""can_do[person]: a person works only in the service lines and central services the
roster says they can do (an empty ``lines`` cell: every service line)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allocator.engine.placement.rules.base import PlacementRule, PlacementTally, label
from allocator.engine.types import Violation

if TYPE_CHECKING:
    from allocator.engine.placement.data import PlacementData
    from allocator.scenario.roster import Person

NAME = "can_do"


class CanDo(PlacementRule):
    """Only the assignments in the person's ``lines``."""

    name = NAME
    text = "a person works only in what the roster says they can do"

    def labels(self, d: PlacementData) -> list[str]:
        return [label(NAME, p.id) for p in d.people]

    def forbids(self, d: PlacementData, p: Person, office: str,
                assignment: str | None) -> str | None:
        if assignment is not None and assignment not in p.lines:
            return label(NAME, p.id)
        return None

    def check(self, t: PlacementTally) -> list[Violation]:
        out = []
        for p in t.roster.people:
            wrong = [r.assignment for r in t.rows_of.get(p.id, ()) if r.assignment not in p.lines]
            if wrong:
                out.append(Violation(label(NAME, p.id), f"placed on {', '.join(wrong)}, but can "
                                     f"do only {', '.join(p.lines)}"))
        return out

    def describe(self, d: PlacementData, key: str | None) -> str:
        assert key is not None
        return f"{label(NAME, key)}: {key} can do only {', '.join(d.person(key).lines)}"
