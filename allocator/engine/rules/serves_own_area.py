"""serves_own_area[office]: an office serves only municipalities of its own area.

The schema refuses an office that lists a municipality of another area, and the model has
allocation variables only for the municipalities each office serves, so the rule holds by
construction; the verifier re-checks it on every allocation. It cannot make the rules
conflict (deviations from the targets are objectives, not limits), so it has no levers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from allocator.engine.rules.base import Rule, Tally, label
from allocator.engine.types import Violation

if TYPE_CHECKING:
    from allocator.engine.caseload import ModelData
    from allocator.scenario.schema import Scenario

NAME = "serves_own_area"


class ServesOwnArea(Rule):
    """Every allocated row is an office serving a municipality it may serve, in a line the
    scenario has."""

    name = NAME
    fields = ("offices[].serves", "areas")
    text: ClassVar[Mapping[str, str]] = {
        "en": "an office serves only municipalities of its own area",
        "fi": "toimipiste palvelee vain oman vastuualueensa kuntia",
    }
    structural = True
    in_flow = True

    def check(self, s: Scenario, t: Tally) -> list[Violation]:
        area_of = s.area_of()
        allowed = {o.name: {m for m in s.office_serves(o) if area_of[m] == area_of[o.municipality]}
                   for o in s.offices}
        out = [Violation(label(NAME), f"unknown row {m}/{o}/{ln}") for m, o, ln in t.unknown]
        unknown = set(t.unknown)
        for m, o, ln in t.allocation.cells:
            if (m, o, ln) not in unknown and m not in allowed[o]:
                out.append(Violation(label(NAME, o), f"{o} serves {m}, which it may not serve"))
        return out

    def describe(self, d: ModelData, key: str | None) -> str:
        if key is None:
            return super().describe(d, key)
        return f"{label(NAME, key)}: {key} serves only {', '.join(d.office(key).serves)}"
