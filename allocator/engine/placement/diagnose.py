"""Why a roster cannot be placed: counting pre-checks first, then a CP-SAT core.

The pre-checks catch the obvious impossibilities with their numbers (a person who can
work at no office, a walk-in office fewer than two people can reach, fewer people than
the offices need together). What they miss, the solver explains: the model built with
an assumption literal per rule label, and the labels of an infeasible subset named with
their figures.
"""

from __future__ import annotations

from allocator.engine.placement.data import PlacementData
from allocator.engine.placement.rules import PLACEMENT_RULES, placement_rule
from allocator.engine.placement.rules.base import Reach, key_of, rule_of
from allocator.engine.types import Conflict

#: Labels of one rule a conflict message spells out; more are summarised with a count.
SHOW_LABELS = 4


def reach(d: PlacementData) -> Reach:
    """Where each person may go and what they may do there, by the structural rules."""
    allowed: dict[str, dict[str, tuple[str, ...]]] = {}
    blocked: dict[str, dict[str, tuple[str, ...]]] = {}
    for p in d.people:
        allowed[p.id], blocked[p.id] = {}, {}
        for office in d.scope[p.id]:
            office_block = [lab for rule in PLACEMENT_RULES
                            if (lab := rule.forbids(d, p, office, None)) is not None]
            if office_block:
                blocked[p.id][office] = tuple(office_block)
                continue
            jobs, why = [], []
            for a in d.assignments:
                block = [lab for rule in PLACEMENT_RULES
                         if (lab := rule.forbids(d, p, office, a)) is not None]
                if block:
                    why.extend(block)
                else:
                    jobs.append(a)
            if jobs:
                allowed[p.id][office] = tuple(jobs)
            else:
                blocked[p.id][office] = tuple(dict.fromkeys(why))
    return Reach(allowed, blocked)


def placement_prechecks(d: PlacementData) -> list[Conflict]:
    """Every conflict that counting shows, in rule order, people first."""
    r = reach(d)
    out: list[Conflict] = []
    for p in d.people:
        if r.allowed[p.id] or (p.fixed and not d.office(p.current_office).staffed):
            continue
        labels = tuple(dict.fromkeys(lab for labs in r.blocked[p.id].values() for lab in labs))
        scope = ", ".join(d.scope[p.id]) or "no staffed office"
        why = "; ".join(_short(d, lab) for lab in labels)
        out.append(Conflict(
            (f"one_office[{p.id}]", *labels),
            f"one_office[{p.id}]: {p.id} can work at no office (in reach: {scope})"
            + (f": {why}" if why else ""),
            f"change {p.id}'s fixed, max_commute or lines in the roster"))
    for rule in PLACEMENT_RULES:
        out.extend(rule.precheck(d, r))
    return out


def _short(d: PlacementData, lab: str) -> str:
    rule, key = rule_of(lab), key_of(lab)
    return placement_rule(rule).describe(d, key)


def conflict_from_core(d: PlacementData, core: list[str]) -> Conflict:
    """The conflict of an infeasible set of labels, each described with its figures."""
    by_rule: dict[str, list[str]] = {}
    for lab in core:
        by_rule.setdefault(rule_of(lab), []).append(lab)
    parts = []
    for rule, labs in by_rule.items():
        if len(labs) > SHOW_LABELS:
            keys = [key_of(lab) or "" for lab in labs]
            parts.append(f"{rule} for {len(labs)} ({', '.join(keys[:SHOW_LABELS])}, …): "
                         f"{placement_rule(rule).text}")
        else:
            parts.extend(_short(d, lab) for lab in labs)
    return Conflict(tuple(core), "these placement rules cannot all hold: " + "; ".join(parts),
                    "relax one of them in the roster (fixed, max_commute, lines), or add "
                    "people who can do the work")
