"""office_max[office]: an office houses no more than its maximum, central services included."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar

from allocator.engine.rules.base import (
    Direction,
    Lever,
    Rule,
    Tally,
    Usage,
    exact_text,
    htv_text,
    label,
)
from allocator.engine.rules.budget import fewest, repair_ceiling
from allocator.engine.types import Conflict, Violation
from allocator.scenario.schema import to_fraction

if TYPE_CHECKING:
    from allocator.engine.caseload import ModelData, OfficeData
    from allocator.engine.model import BuiltModel
    from allocator.scenario.schema import Scenario

NAME = "office_max"


class OfficeMax(Rule):
    """Customer service plus hosted central services stay within an office's maximum (its
    premises), rounded down to whole units."""

    name = NAME
    fields = ("offices[].max_htv",)
    text: ClassVar[Mapping[str, str]] = {
        "en": "an office houses no more than its maximum staffing",
        "fi": "toimipisteessä on enintään sen enimmäismiehitys",
    }
    in_flow = True

    def labels(self, d: ModelData) -> list[str]:
        return [label(NAME, o.name) for o in d.offices if o.max_units is not None]

    def build(self, b: BuiltModel) -> None:
        for o in b.data.offices:
            if o.max_units is None:
                continue
            hosted = sum(v for (_, h), v in b.central.items() if h == o.name)
            b.add(label(NAME, o.name), b.model.add(b.office_customer(o.name) + hosted <= o.max_units))

    def office_band(self, d: ModelData, office: OfficeData, band: tuple[int, int],
                    hosted: int) -> tuple[int, int]:
        if office.max_units is None:
            return band
        return band[0], min(band[1], office.max_units - hosted)

    def check(self, s: Scenario, t: Tally) -> list[Violation]:
        g = to_fraction(s.granularity)
        out = []
        for office in s.offices:
            if office.max_htv is None:
                continue
            cap = math.floor(to_fraction(office.max_htv) / g) * g
            housed = t.at_office[office.name] + t.hosted[office.name]
            if housed > cap:
                out.append(Violation(label(NAME, office.name),
                                     f"{exact_text(housed)} HTV, maximum {exact_text(cap)}"))
        return out

    def precheck(self, d: ModelData) -> list[Conflict]:
        out = []
        capped = [o for o in d.offices if o.max_units is not None]
        if len(capped) == len(d.offices):
            room = sum(o.max_units or 0 for o in capped)
            if room < d.total_units:
                out.append(Conflict(
                    (label("budget"), *(label(NAME, o.name) for o in capped)),
                    f"all offices together hold at most {htv_text(d, room)} HTV, but total_htv "
                    f"is {htv_text(d, d.total_units)} HTV",
                    f"raise office maximums by {htv_text(d, d.total_units - room)} HTV in all, "
                    f"or lower total_htv to {htv_text(d, room)}",
                ))
        for o in (o for o in d.offices if o.municipality == d.lead_municipality):
            own = [(c.name, c.units) for c in d.central if c.hosts == (o.name,)]
            hosted = sum(u for _, u in own)
            need = 0 if o.optional else o.need_units
            if o.max_units is not None and hosted + need > o.max_units:
                core = fewest(own, o.max_units)
                rules = [label(NAME, o.name)]
                if sum(u for n, u in own if n in core) <= o.max_units:
                    # The central services alone fit: the office's own minimum is part of it.
                    core = fewest(own, o.max_units - need)
                    rules.append(label("office_min", o.name))
                rules += [label("central_at_lead", n) for n in core]
                out.append(Conflict(
                    tuple(rules),
                    f"{o.name} must host {htv_text(d, hosted)} HTV of central services plus its "
                    f"own minimum {htv_text(d, need)} HTV, above its maximum "
                    f"{htv_text(d, o.max_units)} HTV",
                    f"raise its max_htv to {htv_text(d, hosted + need)}",
                ))
        return out

    def describe(self, d: ModelData, key: str | None) -> str:
        assert key is not None
        return f"office_max[{key}]: at most {htv_text(d, d.office(key).max_units or 0)} HTV housed there"

    def slack(self, d: ModelData, use: Usage) -> dict[str, int]:
        return {label(NAME, o.name): o.max_units - use.total[o.name]
                for o in d.offices if o.max_units is not None}

    def concerns(self, d: ModelData, municipality: str, line: str) -> list[str]:
        return [label(NAME, o.name) for o in d.offices if municipality in o.serves]

    def levers(self, s: Scenario) -> list[Lever]:
        g = to_fraction(s.granularity)
        ceiling = repair_ceiling(s)
        return [Lever(NAME, o.name, "max_htv", to_fraction(o.max_htv), f"the maximum of {o.name}",
                      f"{o.name} · max_htv", item="offices", index=i, name=o.name, step=g,
                      repair=(Direction(True, ceiling),), kind="office_max")
                for i, o in enumerate(s.offices) if o.max_htv is not None]

    def shared_conflicts(self, datas: Sequence[ModelData], names: Sequence[str]) -> list[Conflict]:
        first = datas[0]
        out = []
        for o in first.offices:
            need = max(datas, key=lambda d: d.office(o.name).min_units)
            capped = [d for d in datas if d.office(o.name).max_units is not None]
            if not capped:
                continue
            room = min(capped, key=lambda d: d.office(o.name).max_units or 0)
            if need.office(o.name).min_units > (room.office(o.name).max_units or 0):
                out.append(Conflict(
                    (label("office_min", o.name), label(NAME, o.name)),
                    f"{o.name} needs at least {htv_text(first, need.office(o.name).min_units)} HTV "
                    f"in {names[datas.index(need)]} but holds at most "
                    f"{htv_text(first, room.office(o.name).max_units or 0)} HTV in "
                    f"{names[datas.index(room)]}",
                    "make the office's minimum and maximum overlap between the scenarios"))
        return out
