"""continuity[office]: an office's customer service changes at most max_change_htv from today.

Staff already sit in offices; the cap keeps a caseload-proportional split within reach of
today's staffing. The rule also defines the HTV moved, which ``continuity.move_weight``
prices in the objective.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, ClassVar

from allocator.engine.rules.base import Direction, Lever, Rule, Tally, Usage, exact_text, htv_text, label
from allocator.engine.rules.budget import repair_ceiling
from allocator.engine.types import Violation
from allocator.scenario.schema import to_fraction

if TYPE_CHECKING:
    from allocator.engine.caseload import ModelData, OfficeData
    from allocator.engine.model import BuiltModel
    from allocator.scenario.schema import Scenario

NAME = "continuity"


def moved_htv(s: Scenario, t: Tally) -> Fraction:
    """HTV moved from today's staffing [HTV]: half the sum of absolute changes, per office and
    line where today's split by line is known, per office otherwise (a person moved leaves
    one place and arrives at another)."""
    if s.continuity is None:
        return Fraction(0)
    today = {c.office: c for c in s.continuity.current}
    moved = Fraction(0)
    for office in s.offices:
        now = to_fraction(today[office.name].htv) if office.name in today else Fraction(0)
        lines_now = today[office.name].lines if office.name in today else None
        if lines_now is None:
            moved += abs(t.at_office[office.name] - now)
            continue
        for line in s.service_lines:
            got = sum((units * t.allocation.granularity
                       for (_, o, ln), units in t.allocation.cells.items()
                       if o == office.name and ln == line.name), Fraction(0))
            moved += abs(got - to_fraction(lines_now.get(line.name, 0.0)))
    return moved / 2


class Continuity(Rule):
    """With ``continuity.max_change_htv`` set, no office's customer service moves further than
    that from today's."""

    name = NAME
    fields = ("continuity.current", "continuity.max_change_htv")
    text: ClassVar[Mapping[str, str]] = {
        "en": "an office's customer-service HTV changes at most max_change_htv from today",
        "fi": "toimipisteen asiakaspalvelun henkilötyövuodet muuttuvat nykyisestä enintään "
              "max_change_htv",
    }
    in_flow = True

    def labels(self, d: ModelData) -> list[str]:
        c = d.continuity
        if c is None or c.max_change_units is None:
            return []
        return [label(NAME, o.name) for o in d.offices]

    def build(self, b: BuiltModel) -> None:
        """The cap per office, and the 'moves' term: units moved, counted per office and line
        where today's split by line is known, per office otherwise (each unit moved counts
        twice: it leaves one place and arrives at another)."""
        d = b.data
        c = d.continuity
        if c is None:
            return
        moves = []
        for o in d.offices:
            customer = b.office_customer(o.name)
            current = c.current.get(o.name, 0)
            change = b.model.new_int_var(0, b.cap + current, f"change[{o.name}]")
            b.model.add(change >= customer - current)
            b.model.add(change >= current - customer)
            b.change[o.name] = change
            if c.max_change_units is not None:
                b.add(label(NAME, o.name), b.model.add(change <= c.max_change_units))
            if c.office_has_lines(o.name):
                for line in d.lines:
                    now = c.current_lines.get((o.name, line), 0)
                    here = sum(v for (_, oo, ll), v in b.x.items() if oo == o.name and ll == line)
                    moved = b.model.new_int_var(0, b.cap + now, f"moved[{o.name},{line}]")
                    b.model.add(moved >= here - now)
                    b.model.add(moved >= now - here)
                    moves.append(moved)
            else:
                moves.append(change)
        b.moves = sum(moves)

    def office_band(self, d: ModelData, office: OfficeData, band: tuple[int, int],
                    hosted: int) -> tuple[int, int]:
        c = d.continuity
        if c is None or c.max_change_units is None:
            return band
        now = c.current.get(office.name, 0)
        return max(band[0], now - c.max_change_units), min(band[1], now + c.max_change_units)

    def check(self, s: Scenario, t: Tally) -> list[Violation]:
        if s.continuity is None or s.continuity.max_change_htv is None:
            return []
        g = to_fraction(s.granularity)
        limit = s.continuity.max_change_htv
        cap = math.floor(to_fraction(limit) / g) * g
        today = {c.office: to_fraction(c.htv) for c in s.continuity.current}
        out = []
        for office in s.offices:
            now = today.get(office.name, Fraction(0))
            change = abs(t.at_office[office.name] - now)
            if change > cap:
                out.append(Violation(label(NAME, office.name),
                                     f"changes by {exact_text(change)} HTV from today's "
                                     f"{exact_text(now)}, more than max_change_htv {limit:g}"))
        return out

    def describe(self, d: ModelData, key: str | None) -> str:
        c = d.continuity
        assert key is not None and c is not None
        return (f"continuity[{key}]: within {htv_text(d, c.max_change_units or 0)} HTV of today's "
                f"{htv_text(d, c.current.get(key, 0))} HTV")

    def slack(self, d: ModelData, use: Usage) -> dict[str, int]:
        c = d.continuity
        if c is None or c.max_change_units is None:
            return {}
        return {label(NAME, o.name): c.max_change_units
                - abs(use.customer[o.name] - c.current.get(o.name, 0)) for o in d.offices}

    def concerns(self, d: ModelData, municipality: str, line: str) -> list[str]:
        return [label(NAME, o.name) for o in d.offices if municipality in o.serves]

    def levers(self, s: Scenario) -> list[Lever]:
        if s.continuity is None or s.continuity.max_change_htv is None:
            return []
        g = to_fraction(s.granularity)
        return [Lever(NAME, None, "continuity.max_change_htv",
                      to_fraction(s.continuity.max_change_htv), "max_change_htv",
                      "max_change_htv", step=g, repair=(Direction(True, repair_ceiling(s)),))]
