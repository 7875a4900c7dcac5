"""The rule registry: every hard rule of the allocation, one module each, in model order.

The order is the order the model adds the rules' constraints, the explanation adds them
after the rounding step, and conflicts and violations list them. Adding a rule is one
module with a :class:`~allocator.engine.rules.base.Rule` subclass, one line here, and its
tests (tests/test_rule_registry.py walks this list and fails for a rule missing a face).
"""

from __future__ import annotations

from allocator.engine.rules.base import Rule
from allocator.engine.rules.budget import Budget
from allocator.engine.rules.central_at_lead import CentralAtLead
from allocator.engine.rules.continuity import Continuity
from allocator.engine.rules.line_share import LineShare
from allocator.engine.rules.office_max import OfficeMax
from allocator.engine.rules.office_min import OfficeMin
from allocator.engine.rules.office_per_area import OfficePerArea
from allocator.engine.rules.serves_own_area import ServesOwnArea

#: Every rule, in model order.
RULES: tuple[Rule, ...] = (Budget(), LineShare(), OfficeMin(), OfficeMax(), OfficePerArea(),
                           CentralAtLead(), ServesOwnArea(), Continuity())

_BY_NAME = {rule.name: rule for rule in RULES}


def rule_named(name: str) -> Rule:
    """The rule called ``name`` (a rule name, not a label); KeyError if there is none."""
    return _BY_NAME[name]


__all__ = ["RULES", "Rule", "rule_named"]
