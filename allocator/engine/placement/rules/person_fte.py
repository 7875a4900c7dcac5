"""person_fte[person]: a person's placed time equals their FTE, in whole placement steps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allocator.engine.placement.rules.base import PlacementRule, PlacementTally, fte, label
from allocator.engine.types import Violation

if TYPE_CHECKING:
    from allocator.engine.placement.data import PlacementData
    from allocator.engine.placement.model import PlacementModel

NAME = "person_fte"


class PersonFte(PlacementRule):
    """Every person's time is placed, all of it and no more, in steps of the granularity."""

    name = NAME
    text = "a person's placed time equals their FTE, in whole placement steps"

    def labels(self, d: PlacementData) -> list[str]:
        return [label(NAME, p.id) for p in d.people]

    def build(self, b: PlacementModel) -> None:
        for p in b.data.people:
            b.add(label(NAME, p.id), sum(b.time_of(p.id)) == b.data.steps(p))

    def check(self, t: PlacementTally) -> list[Violation]:
        out = []
        step = t.settings.step
        for p in t.roster.people:
            rows = t.rows_of.get(p.id, ())
            placed = sum((r.fte for r in rows), start=0 * step)
            off = [r for r in rows if r.fte <= 0 or (r.fte / step).denominator != 1]
            if placed != p.fte:
                out.append(Violation(label(NAME, p.id), f"placed {fte(placed)} FTE, but the "
                                     f"roster gives {fte(p.fte)} FTE"))
            elif off:
                out.append(Violation(label(NAME, p.id), f"{fte(off[0].fte)} FTE on "
                                     f"{off[0].assignment} is not a positive whole step of "
                                     f"{fte(step)} FTE"))
        return out

    def describe(self, d: PlacementData, key: str | None) -> str:
        assert key is not None
        return f"{label(NAME, key)}: {key} works exactly {fte(d.person(key).fte)} FTE"
