"""Why the rules cannot all hold, in the scenario's own terms.

First each rule's arithmetic pre-check catches the obvious conflicts with exact numbers and
a fix; beyond those, the rule labels of an infeasible core found by CP-SAT are described
by their rules with the figures behind each.
"""

from __future__ import annotations

from collections.abc import Sequence

from allocator.engine.caseload import ModelData
from allocator.engine.rules import RULES, rule_named
from allocator.engine.rules.base import key_of, rule_of
from allocator.engine.types import Conflict


def prechecks(d: ModelData) -> list[Conflict]:
    """Conflicts that arithmetic alone shows, each with the numbers and a fix, rule by rule:
    those of the scenario's structure (the budget, an office per area, the central
    services) first, then those of its capacities (office minimums and maximums)."""
    ordered = [r for r in RULES if r.structural] + [r for r in RULES if not r.structural]
    return [c for rule in ordered for c in rule.precheck(d)]


def describe(d: ModelData, name: str) -> str:
    """One rule label in words, with the scenario's figures."""
    return rule_named(rule_of(name)).describe(d, key_of(name))


def conflict_from_core(d: ModelData, core: Sequence[str]) -> Conflict:
    """A conflict message from a minimal set of rule labels, with a fix when one is evident."""
    parts = "; ".join(describe(d, name) for name in core)
    fix = next((f for rule in RULES if (f := rule.fix(d, core)) is not None), None)
    return Conflict(tuple(core), f"these rules cannot all hold: {parts}", fix)
