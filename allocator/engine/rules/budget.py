"""budget: the allocation and the central services add up exactly to total_htv."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, ClassVar

from allocator.engine.rules.base import (
    Direction,
    Lever,
    Rule,
    Tally,
    exact_text,
    htv_text,
    label,
)
from allocator.engine.types import Conflict, Violation
from allocator.scenario.arithmetic import exact_sum
from allocator.scenario.schema import to_fraction

if TYPE_CHECKING:
    from allocator.engine.caseload import ModelData
    from allocator.engine.model import BuiltModel
    from allocator.scenario.schema import Scenario

NAME = "budget"


def fewest(items: list[tuple[str, int]], limit: int) -> list[str]:
    """The fewest named amounts whose sum exceeds ``limit`` (all of them if none do).

    Taking the largest first gives a set from which no amount can be dropped: a minimal
    conflict in a pre-check's message.
    """
    chosen, total = [], 0
    for name, units in sorted(items, key=lambda item: -item[1]):
        chosen.append(name)
        total += units
        if total > limit:
            break
    return chosen


def repair_ceiling(s: Scenario) -> Fraction:
    """No single input needs to go beyond this to relax a rule: every office minimum and
    central service could be paid twice over from it [HTV]."""
    return to_fraction(s.total_htv) + sum(
        (to_fraction(o.effective_min_htv) for o in s.offices), Fraction(0)) + sum(
        (to_fraction(c.htv) for c in s.central_services if c.htv is not None), Fraction(0))


class Budget(Rule):
    """Everything allocated — customer service and central services — is total_htv."""

    name = NAME
    fields = ("total_htv", "granularity", "central_services[].htv",
              "central_services[].driven_by")
    text: ClassVar[Mapping[str, str]] = {
        "en": "allocations and central services add up exactly to total_htv",
        "fi": "kohdennukset ja keskitetyt palvelut ovat yhteensä täsmälleen total_htv",
    }
    structural = True
    in_rounding = True
    in_flow = True

    def labels(self, d: ModelData) -> list[str]:
        return [label(NAME)]

    def build(self, b: BuiltModel) -> None:
        total = sum(b.x.values()) + sum(b.central.values())
        b.add(label(NAME), b.model.add(total == b.data.total_units))

    def check(self, s: Scenario, t: Tally) -> list[Violation]:
        g = t.granularity
        # units × (the allocation's unit / the granularity) must be whole, in integers.
        ratio = t.allocation.granularity / g
        out = []
        for (m, o, ln), units in t.allocation.cells.items():
            if units < 0:
                out.append(Violation(label(NAME), f"negative allocation {m}/{o}/{ln}"))
            if units * ratio.numerator % ratio.denominator:
                htv = units * t.allocation.granularity
                out.append(Violation(label(NAME), f"{m}/{o}/{ln} = {exact_text(htv)} HTV is not "
                                     f"a multiple of the granularity {exact_text(g)}"))
        total = to_fraction(s.total_htv)
        allocated = exact_sum([*t.at_office.values(), *t.central_given.values()])
        if allocated != total:
            out.append(Violation(label(NAME), f"allocated {exact_text(allocated)} HTV, "
                                 f"total_htv is {exact_text(total)}"))
        return out

    def precheck(self, d: ModelData) -> list[Conflict]:
        if d.customer_units >= 0:
            return []
        heavy = fewest([(c.name, c.units) for c in d.central], d.total_units)
        return [Conflict(
            (label(NAME), *(label("central_at_lead", n) for n in heavy)),
            f"central services need {htv_text(d, d.central_units)} HTV, more than total_htv "
            f"{htv_text(d, d.total_units)} HTV",
            f"raise total_htv to at least {htv_text(d, d.central_units)} or shrink the central "
            "services",
        )]

    def describe(self, d: ModelData, key: str | None) -> str:
        return (f"budget: everything adds up to total_htv {htv_text(d, d.total_units)} HTV "
                f"({htv_text(d, d.customer_units)} HTV customer service after "
                f"{htv_text(d, d.central_units)} HTV central services)")

    def levers(self, s: Scenario) -> list[Lever]:
        total = to_fraction(s.total_htv)
        g = to_fraction(s.granularity)
        return [Lever(NAME, None, "total_htv", total, "total_htv", "total_htv", step=g,
                      repair=(Direction(True, 2 * total + repair_ceiling(s)), Direction(False, g)),
                      kind="total_htv", quantum=g)]
