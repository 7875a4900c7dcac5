"""central_at_lead[service]: a central service, at its full size, at an office of the lead
municipality (vastuukunta), which runs the centralised services for the whole area (§3)."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, ClassVar

from allocator.engine.rules.base import Direction, Lever, Rule, Tally, exact_text, htv_text, label
from allocator.engine.types import Conflict, Violation
from allocator.scenario.schema import to_fraction

if TYPE_CHECKING:
    from allocator.engine.caseload import ModelData
    from allocator.engine.model import BuiltModel
    from allocator.scenario.schema import Scenario

NAME = "central_at_lead"


class CentralAtLead(Rule):
    """Each central service gets exactly its size, all of it at offices of the lead
    municipality (its own ``office`` when one is named)."""

    name = NAME
    fields = ("lead_municipality", "central_services[].htv", "central_services[].driven_by",
              "central_services[].office")
    text: ClassVar[Mapping[str, str]] = {
        "en": "central services sit at an office of the lead municipality",
        "fi": "keskitetyt palvelut sijoittuvat vastuukunnan toimipisteeseen",
    }
    structural = True
    in_rounding = True
    in_flow = True

    def labels(self, d: ModelData) -> list[str]:
        return [label(NAME, c.name) for c in d.central]

    def build(self, b: BuiltModel) -> None:
        d = b.data
        lead = {o.name for o in d.offices if o.municipality == d.lead_municipality}
        for c in d.central:
            name = label(NAME, c.name)
            b.add(name, b.model.add(sum(b.central[(c.name, h)] for h in c.hosts) == c.units))
            outside = [b.central[(c.name, h)] for h in c.hosts if h not in lead]
            if outside:
                b.add(name, b.model.add(sum(outside) == 0))

    def check(self, s: Scenario, t: Tally) -> list[Violation]:
        offices = {o.name: o for o in s.offices}
        out = []
        for (svc, o), units in t.allocation.central.items():
            htv = units * t.allocation.granularity
            if o not in offices:
                out.append(Violation(label(NAME, svc), f"unknown office {o}"))
            elif htv and offices[o].municipality != s.lead_municipality:
                out.append(Violation(label(NAME, svc),
                                     f"{exact_text(htv)} HTV at {o}, which is not in the lead "
                                     f"municipality {s.lead_municipality}"))
        for svc, size in t.central_size.items():
            given = t.central_given.get(svc, Fraction(0))
            if given != size:
                out.append(Violation(label(NAME, svc), f"allocated {exact_text(given)} HTV, "
                                     f"but the service is {exact_text(size)} HTV"))
        return out

    def precheck(self, d: ModelData) -> list[Conflict]:
        lead_offices = [o for o in d.offices if o.municipality == d.lead_municipality]
        out = []
        for c in d.central:
            if not c.hosts:
                out.append(Conflict((label(NAME, c.name),),
                                    f"central service '{c.name}' must sit at an office of the "
                                    f"lead municipality {d.lead_municipality}, which has none",
                                    f"add an office in {d.lead_municipality}"))
            for h in c.hosts:
                if d.office(h).municipality != d.lead_municipality:
                    out.append(Conflict(
                        (label(NAME, c.name),),
                        f"central service '{c.name}' is placed at {h}, which is in "
                        f"{d.office(h).municipality}, not in the lead municipality "
                        f"{d.lead_municipality}",
                        "remove its 'office' or name an office of the lead municipality"
                        + (f" ({', '.join(o.name for o in lead_offices)})" if lead_offices else ""),
                    ))
        return out

    def describe(self, d: ModelData, key: str | None) -> str:
        c = next(c for c in d.central if c.name == key)
        return f"central_at_lead[{key}]: {htv_text(d, c.units)} HTV at an office of {d.lead_municipality}"

    def levers(self, s: Scenario) -> list[Lever]:
        g = to_fraction(s.granularity)
        out = []
        for i, c in enumerate(s.central_services):
            if c.htv is not None:
                out.append(Lever(NAME, c.name, "htv", to_fraction(c.htv),
                                 f"central service {c.name}", f"{c.name} · htv",
                                 item="central_services", index=i, name=c.name, step=g,
                                 repair=(Direction(False, Fraction(0)),), kind="central_size",
                                 quantum=g))
            elif c.driven_by is not None:
                per = to_fraction(c.driven_by.persons_per_htv)
                out.append(Lever(NAME, c.name, "driven_by.persons_per_htv", per,
                                 f"persons per HTV of central service {c.name}",
                                 f"{c.name} · persons per HTV", item="central_services",
                                 index=i, name=c.name, step=Fraction(1),
                                 repair=(Direction(True, 100 * per),), unit="persons",
                                 kind="central_size"))
        return out
