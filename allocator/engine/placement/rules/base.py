"""What a placement rule is: one unit with one name and every face the tool shows of it.

A placement rule is a hard constraint on who works where and on what. Each rule is one
module of this package defining one subclass of :class:`PlacementRule`, registered in
:data:`allocator.engine.placement.rules.PLACEMENT_RULES`; the model, the verifier, the
pre-checks and the messages iterate that registry. A rule's name labels its constraints
(``two_people_per_office[Ikaalinen office]``), its violations and every message. Its
check is plain Python over the verifier's own tally of the scenario, the allocation and
the roster: it never imports OR-Tools and never calls the rule's builder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, ClassVar

from allocator.engine.rules.base import key_of, label, rule_of
from allocator.engine.types import Conflict, Violation
from allocator.scenario.roster import Person, Roster
from allocator.scenario.schema import Office, Scenario

if TYPE_CHECKING:
    from allocator.engine.placement.data import PlacementData
    from allocator.engine.placement.model import PlacementModel
    from allocator.engine.placement.types import PlacementRow, PlacementSettings



@dataclass(frozen=True)
class Reach:
    """Where each person can go before the counting rules.

    ``allowed[person][office]`` the assignments the person may do there (offices with none
    left out); ``blocked[person][office]`` the labels that keep the person from an office
    in their scope (``can_do[P07]`` when nothing there is something they can do).
    """

    allowed: Mapping[str, Mapping[str, tuple[str, ...]]]
    blocked: Mapping[str, Mapping[str, tuple[str, ...]]]


def fte(value: Fraction) -> str:
    """An amount [FTE or HTV] with two decimals, as every placement message writes it."""
    return f"{float(value):.2f}"


@dataclass(frozen=True)
class PlacementTally:
    """A placement added up by the verifier from the scenario, allocation and roster.

    ``allocated[(office, assignment)]`` [HTV] and ``hosts[service]`` (offices hosting a
    central service) come from the allocation; ``rows_of[person]`` are the person's rows,
    ``people_at[office]`` the ids placed there; ``staffed`` the offices the allocation
    gives any HTV.
    """

    scenario: Scenario
    roster: Roster
    settings: PlacementSettings
    rows: tuple[PlacementRow, ...]
    allocated: Mapping[tuple[str, str], Fraction]
    hosts: Mapping[str, frozenset[str]]
    staffed: frozenset[str]
    rows_of: Mapping[str, tuple[PlacementRow, ...]]
    people_at: Mapping[str, tuple[str, ...]]
    travel: Mapping[tuple[str, str], float] | None

    def office(self, name: str) -> Office | None:
        """The scenario's office called ``name``, or None."""
        return next((o for o in self.scenario.offices if o.name == name), None)


class PlacementRule:
    """One hard placement rule: its name and every face it shows.

    Subclasses set the class attributes and override the methods that apply.
    """

    name: ClassVar[str]
    """The rule's one name: constraint labels, violations, messages."""
    text: ClassVar[str]
    """What the rule says, in the roster's and scenario's terms."""

    # --- the model ---------------------------------------------------------------------
    def labels(self, d: PlacementData) -> list[str]:
        """The labels of this rule's constraints, in model order."""
        return []

    def forbids(self, d: PlacementData, p: Person, office: str,
                assignment: str | None) -> str | None:
        """The label that forbids ``p`` working at ``office`` (on ``assignment``; None asks
        about the office as a duty station), or None when this rule allows it."""
        return None

    def build(self, b: PlacementModel) -> None:
        """Add the rule's counting constraints to ``b``, each under its label."""

    # --- the independent check -----------------------------------------------------------
    def check(self, t: PlacementTally) -> list[Violation]:
        """Every violation of the rule by the placement tallied in ``t``."""
        return []

    # --- diagnosis -------------------------------------------------------------------------
    def precheck(self, d: PlacementData, reach: Reach) -> list[Conflict]:
        """Conflicts that counting alone shows, each with its numbers."""
        return []

    def describe(self, d: PlacementData, key: str | None) -> str:
        """One label of the rule in words, with its figures."""
        return f"{label(self.name, key)}: {self.text}"


__all__ = ["PlacementRule", "PlacementTally", "Reach", "fte", "key_of", "label", "rule_of"]
