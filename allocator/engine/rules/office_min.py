"""office_min[office]: an office is staffed at least to its minimum (or, if optional, not at all).

The minimum protects work safety: an office open to walk-in customers should never rely
on one person (Occupational Safety and Health Act 738/2002, §27 and §29).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, ClassVar

from allocator.engine.rules.base import (
    Direction,
    Lever,
    Rule,
    Tally,
    Usage,
    exact_text,
    htv_text,
    key_of,
    label,
    rule_of,
)
from allocator.engine.rules.budget import fewest
from allocator.engine.types import Conflict, Violation
from allocator.scenario.schema import to_fraction

if TYPE_CHECKING:
    from allocator.engine.caseload import ModelData, OfficeData
    from allocator.engine.model import BuiltModel
    from allocator.scenario.schema import Scenario

NAME = "office_min"


class OfficeMin(Rule):
    """A required office has at least its minimum of customer service; an optional one has
    either that or nobody. A staffed office has at least one unit."""

    name = NAME
    fields = ("offices[].min_htv", "offices[].kind", "offices[].optional")
    text: ClassVar[Mapping[str, str]] = {
        "en": "an office is staffed at least to its minimum (or, if optional, not at all)",
        "fi": "toimipisteessä on vähintään sen vähimmäismiehitys (tai valinnaisessa ei ketään)",
    }
    in_flow = True

    def labels(self, d: ModelData) -> list[str]:
        return [label(NAME, o.name) for o in d.offices]

    def build(self, b: BuiltModel) -> None:
        for o in b.data.offices:
            customer = b.office_customer(o.name)
            if o.optional:
                b.add(label(NAME, o.name), b.model.add(customer >= o.need_units * b.staffed[o.name]))
            else:
                b.add(label(NAME, o.name), b.model.add(customer >= o.need_units))

    def office_band(self, d: ModelData, office: OfficeData, band: tuple[int, int],
                    hosted: int) -> tuple[int, int]:
        return max(band[0], office.need_units), band[1]

    def check(self, s: Scenario, t: Tally) -> list[Violation]:
        g = to_fraction(s.granularity)
        out = []
        for office in s.offices:
            customer = t.at_office[office.name]
            need = max(math.ceil(to_fraction(office.effective_min_htv) / g) * g, g)
            if customer < need and not (office.optional and customer == 0):
                out.append(Violation(label(NAME, office.name),
                                     f"{exact_text(customer)} HTV of customer service, minimum "
                                     f"{exact_text(need)}"))
        return out

    def precheck(self, d: ModelData) -> list[Conflict]:
        required = [o for o in d.offices if not o.optional]
        need = sum(o.need_units for o in required)
        if d.customer_units < 0 or need <= d.customer_units or not required:
            return []
        # The fewest offices whose minimums already exceed the budget: a minimal conflict.
        picked = fewest([(o.name, o.need_units) for o in required], d.customer_units)
        tight = [o for o in required if o.name in picked]
        acc = sum(o.need_units for o in tight)
        names = ", ".join(o.name for o in tight)
        who = (f"{len(required)} required offices" if len(tight) == len(required)
               else f"{len(tight)} of the {len(required)} required offices ({names})")
        per = Fraction(d.customer_units, len(required))
        # With central services switched off the offices could use all of total_htv, so
        # the central services that make the difference belong to the conflict too.
        centrals = ([] if acc > d.total_units else
                    fewest([(c.name, c.units) for c in d.central], d.total_units - acc))
        return [Conflict(
            (label("budget"), *(label(NAME, o.name) for o in tight),
             *(label("central_at_lead", n) for n in centrals)),
            f"{who} need at least {htv_text(d, acc)} HTV of customer service together, but "
            f"only {htv_text(d, d.customer_units)} HTV is left after "
            f"{htv_text(d, d.central_units)} HTV of central services (total_htv "
            f"{htv_text(d, d.total_units)})",
            f"raise total_htv to {htv_text(d, d.central_units + need)} (all required "
            f"minimums), or lower the office minimums to {float(d.htv(per)):.2f} HTV on "
            "average, or make some offices optional",
        )]

    def describe(self, d: ModelData, key: str | None) -> str:
        assert key is not None
        o = d.office(key)
        how = "if staffed" if o.optional else "always"
        return f"office_min[{key}]: at least {htv_text(d, o.need_units)} HTV customer service ({how})"

    def fix(self, d: ModelData, core: Sequence[str]) -> str | None:
        rules = {rule_of(n) for n in core}
        if rules not in ({"budget", NAME}, {"budget", NAME, "office_per_area"}):
            return None
        offices = [d.office(k) for n in core if rule_of(n) == NAME
                   for k in [key_of(n)] if k is not None]
        need = sum(o.need_units for o in offices)
        return (f"raise total_htv by {htv_text(d, need - d.customer_units)} HTV "
                f"to {htv_text(d, d.central_units + need)}, or lower the minimums of "
                f"{', '.join(o.name for o in offices)}")

    def slack(self, d: ModelData, use: Usage) -> dict[str, int]:
        out = {}
        for o in d.offices:
            customer = use.customer[o.name]
            # A closed optional office leaves the rule idle: room, not tight.
            idle = o.optional and customer == 0
            out[label(NAME, o.name)] = 1 if idle else customer - o.need_units
        return out

    def concerns(self, d: ModelData, municipality: str, line: str) -> list[str]:
        return [label(NAME, o.name) for o in d.offices if municipality in o.serves]

    def levers(self, s: Scenario) -> list[Lever]:
        g = to_fraction(s.granularity)
        return [Lever(NAME, o.name, "min_htv", to_fraction(o.effective_min_htv),
                      f"the minimum of {o.name}", f"{o.name} · min_htv", item="offices", index=i,
                      name=o.name, step=g, repair=(Direction(False, Fraction(0)),),
                      kind="office_min")
                for i, o in enumerate(s.offices)]
