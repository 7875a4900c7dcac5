"""The names of the allocation rules, shared by the model, the verifier and every report.

One stable name per rule: it labels the constraint group in the model
(``office_min[Parkano office]``), the verifier's violations and the infeasibility messages.
"""

from __future__ import annotations

#: Hard rules: rule name -> what it says, in the scenario's terms.
RULES: dict[str, str] = {
    "budget": "allocations and central services add up exactly to total_htv",
    "line_share": "each service line's share of customer service stays within its tolerance",
    "office_min": "an office is staffed at least to its minimum (or, if optional, not at all)",
    "office_max": "an office houses no more than its maximum staffing",
    "office_per_area": "every responsibility area has at least one staffed office",
    "central_at_lead": "central services sit at an office of the lead municipality",
    "serves_own_area": "an office serves only municipalities of its own area",
    "continuity": "an office's customer-service HTV changes at most max_change_htv from today",
}

#: Objective terms, in the order they are optimised (lexicographically); with a price on
#: moves (continuity.move_weight > 0) total_deviation comes first and includes the price.
OBJECTIVES: dict[str, str] = {
    "max_deviation": "largest absolute deviation of a municipality × line cell from its target",
    "total_deviation": (
        "sum of absolute deviations of all municipality × line cells (plus move_weight × HTV "
        "moved from today's staffing, when continuity is priced)"
    ),
    "spread": (
        "among those, what binding rules force away from some cells is spread over the others "
        "in proportion to their targets (least sum of squared deviations divided by target)"
    ),
    "tie_break": (
        "among equally good allocations: serve each municipality from an office in it where one "
        "exists, then prefer cells earlier in file order"
    ),
}


def label(rule: str, key: str | None = None) -> str:
    """The label of one constraint of a rule group: ``rule[key]`` or ``rule``."""
    return f"{rule}[{key}]" if key is not None else rule


def rule_of(label_: str) -> str:
    """The rule name of a label: ``office_min[Parkano office]`` -> ``office_min``."""
    return label_.split("[", 1)[0]


def key_of(label_: str) -> str | None:
    """The key of a label: ``office_min[Parkano office]`` -> ``Parkano office``."""
    return label_.split("[", 1)[1][:-1] if "[" in label_ else None
