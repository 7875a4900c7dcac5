"""office_per_area[area]: every responsibility area has at least one staffed office.

The plan (§3) promises an office in every responsibility area. The rule has no numeric
lever of its own: a conflict it is part of is repaired through the other rules' inputs
(a budget, an office's minimum or maximum).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from allocator.engine.rules.base import Rule, Tally, Usage, label
from allocator.engine.types import Conflict, Violation

if TYPE_CHECKING:
    from allocator.engine.caseload import ModelData
    from allocator.engine.model import BuiltModel
    from allocator.scenario.schema import Scenario

NAME = "office_per_area"


class OfficePerArea(Rule):
    """At least one office of each area has customer-service staff."""

    name = NAME
    fields = ("areas", "offices[].municipality", "offices[].optional")
    text: ClassVar[Mapping[str, str]] = {
        "en": "every responsibility area has at least one staffed office",
        "fi": "jokaisella vastuualueella on vähintään yksi miehitetty toimipiste",
    }
    structural = True
    in_flow = True

    def labels(self, d: ModelData) -> list[str]:
        # An area without offices is reported before the model is built.
        return [label(NAME, area) for area in d.areas if any(o.area == area for o in d.offices)]

    def build(self, b: BuiltModel) -> None:
        for area in b.data.areas:
            staffed = [b.staffed[o.name] for o in b.data.offices if o.area == area]
            if staffed:
                b.add(label(NAME, area), b.model.add(sum(staffed) >= 1))

    def check(self, s: Scenario, t: Tally) -> list[Violation]:
        area_of = s.area_of()
        return [Violation(label(NAME, a.name), "no staffed office") for a in s.areas
                if not any(t.at_office[o.name] > 0 for o in s.offices
                           if area_of.get(o.municipality) == a.name)]

    def precheck(self, d: ModelData) -> list[Conflict]:
        return [Conflict((label(NAME, area),), f"area '{area}' has no office or service point",
                         "add an office located in one of its municipalities")
                for area in d.areas if not any(o.area == area for o in d.offices)]

    def describe(self, d: ModelData, key: str | None) -> str:
        names = ", ".join(o.name for o in d.offices if o.area == key)
        return f"office_per_area[{key}]: one of {names} must be staffed"

    def slack(self, d: ModelData, use: Usage) -> dict[str, int]:
        return {label(NAME, area): sum(1 for o in d.offices
                                       if o.area == area and use.customer[o.name] > 0) - 1
                for area in d.areas}

    def concerns(self, d: ModelData, municipality: str, line: str) -> list[str]:
        return [label(NAME, d.area_of[municipality])]
