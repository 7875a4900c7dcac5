"""two_people_per_office[office]: a staffed walk-in office has at least two people, whatever
its HTV: work safety (Occupational Safety and Health Act 738/2002 §27 threat of violence,
§29 working alone) means a walk-in office never leaves one person alone."""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING, ClassVar

from allocator.engine.placement.rules.base import (
    PlacementRule,
    PlacementTally,
    Reach,
    label,
    rule_of,
)
from allocator.engine.types import Conflict, Violation

if TYPE_CHECKING:
    from allocator.engine.placement.data import PlacementData, Spot
    from allocator.engine.placement.model import PlacementModel

NAME = "two_people_per_office"
#: Most staffed offices for which every group of offices is counted before solving.
ALL_GROUPS_UP_TO = 10


def _people(n: int) -> str:
    return f"{n} person" if n == 1 else f"{n} people"


class TwoPeoplePerOffice(PlacementRule):
    """At least two people at every staffed walk-in office."""

    name = NAME
    text = "a staffed walk-in office has at least two people"
    kind: ClassVar[str] = "office"
    least: ClassVar[int] = 2
    where: ClassVar[str] = "walk-in office"

    def _spots(self, d: PlacementData) -> list[Spot]:
        return [o for o in d.offices if o.staffed and o.kind == self.kind]

    def labels(self, d: PlacementData) -> list[str]:
        return [label(self.name, o.name) for o in self._spots(d)]

    def build(self, b: PlacementModel) -> None:
        for o in self._spots(b.data):
            b.add(label(self.name, o.name), sum(b.people_at(o.name)) >= self.least)

    def check(self, t: PlacementTally) -> list[Violation]:
        out = []
        for o in t.scenario.offices:
            if o.kind != self.kind or o.name not in t.staffed:
                continue
            n = len(t.people_at.get(o.name, ()))
            if n < self.least:
                out.append(Violation(label(self.name, o.name), f"{_people(n)} placed there, "
                                     f"a staffed {self.where} needs at least {self.least}"))
        return out

    def precheck(self, d: PlacementData, reach: Reach) -> list[Conflict]:
        out = []
        for o in self._spots(d):
            able = [p.id for p in d.people if o.name in reach.allowed[p.id]]
            if len(able) >= self.least:
                continue
            why: dict[str, int] = {}
            for p in d.people:
                for lab in reach.blocked[p.id].get(o.name, ()):
                    why[rule_of(lab)] = why.get(rule_of(lab), 0) + 1
            scope = sum(o.name in d.scope[p.id] for p in d.people)
            if scope < len(d.people):
                why["outside their area"] = len(d.people) - scope
            reasons = "; ".join(f"{n} ruled out by {r}" for r, n in sorted(why.items()))
            names = f" ({', '.join(able)})" if able else ""
            blockers = tuple(sorted({lab for p in d.people
                                     for lab in reach.blocked[p.id].get(o.name, ())}))
            out.append(Conflict(
                (label(self.name, o.name), *blockers),
                f"{label(self.name, o.name)}: only {_people(len(able))}{names} can work there, "
                f"a staffed {self.where} needs at least {self.least}"
                + (f" ({reasons})" if reasons else ""),
                f"add people who can work at {o.name} to the roster, or let more of them "
                "move there (fixed, max_commute, lines)"))
        if self.kind == "office":
            out.extend(self._pigeonhole(d, reach))
        return out

    def _pigeonhole(self, d: PlacementData, reach: Reach) -> list[Conflict]:
        """The smallest group of offices that fewer people can reach than it needs together
        (single offices are checked above). Up to ALL_GROUPS_UP_TO staffed offices every
        group is tried, which decides the people-to-offices part exactly (Hall's condition);
        beyond, every office but one and all of them, and the solver's core does the rest."""
        staffed = [o for o in d.offices if o.staffed]
        names = {"office": NAME, "service_point": "person_per_service_point"}
        sizes = (range(2, len(staffed)) if len(staffed) <= ALL_GROUPS_UP_TO
                 else [len(staffed) - 1] if len(staffed) > 2 else [])
        groups = [list(g) for k in sizes for g in combinations(staffed, k)]
        for group in [*groups, staffed]:
            need = sum(o.min_people for o in group)
            inside = {o.name for o in group}
            able = [p.id for p in d.people if inside & set(reach.allowed[p.id])]
            if len(able) >= need:
                continue
            what = (f"the {len(group)} staffed offices" if len(group) == len(staffed) else
                    f"the {len(group)} offices {', '.join(o.name for o in group)}")
            blockers = sorted({lab for p in d.people for o in group
                               for lab in reach.blocked[p.id].get(o.name, ())})
            return [Conflict(
                (*(label(names[o.kind], o.name) for o in group), *blockers),
                f"only {_people(len(able))} can work at {what}, which need at least {need} "
                "together (2 per walk-in office, 1 per service point)",
                f"add at least {need - len(able)} people who can work there to the roster, or "
                "let more of them move (fixed, max_commute, lines)")]
        return []

    def describe(self, d: PlacementData, key: str | None) -> str:
        return f"{label(self.name, key)}: at least {_people(self.least)} at {key}"
