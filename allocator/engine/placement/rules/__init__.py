"""The placement rule registry: every hard rule of placing people, one module each, in
model order.

The model adds the rules' constraints in this order, and conflicts and violations list
them so. Adding a rule is one module with a
:class:`~allocator.engine.placement.rules.base.PlacementRule` subclass, one line here, and
its tests (tests/test_placement.py walks this list).
"""

from __future__ import annotations

from allocator.engine.placement.rules.base import PlacementRule
from allocator.engine.placement.rules.can_do import CanDo
from allocator.engine.placement.rules.central_at_lead import CentralAtLead
from allocator.engine.placement.rules.fixed_stays import FixedStays
from allocator.engine.placement.rules.max_assignments import MaxAssignments
from allocator.engine.placement.rules.max_commute import MaxCommute
from allocator.engine.placement.rules.one_office import OneOffice
from allocator.engine.placement.rules.person_fte import PersonFte
from allocator.engine.placement.rules.person_per_service_point import PersonPerServicePoint
from allocator.engine.placement.rules.two_people_per_office import TwoPeoplePerOffice

#: Every placement rule, in model order.
PLACEMENT_RULES: tuple[PlacementRule, ...] = (
    PersonFte(), OneOffice(), CanDo(), MaxAssignments(), TwoPeoplePerOffice(),
    PersonPerServicePoint(), CentralAtLead(), FixedStays(), MaxCommute())

_BY_NAME = {rule.name: rule for rule in PLACEMENT_RULES}


def placement_rule(name: str) -> PlacementRule:
    """The placement rule called ``name`` (a rule name, not a label); KeyError if none."""
    return _BY_NAME[name]


__all__ = ["PLACEMENT_RULES", "PlacementRule", "placement_rule"]
