"""Small scenarios built in code, for tests that need a rule to bind or to fail."""

from __future__ import annotations

import copy
from typing import Any

from allocator.scenario.schema import Scenario


def tiny_data() -> dict[str, Any]:
    """Two areas, three municipalities, two offices, two lines, one central service.

    Area A (a1, a2) has 'A office' in a1, the lead municipality; area B (b1) has 'B office'.
    10.0 HTV at granularity 0.1: 1.0 HTV central, 9.0 HTV customer service.
    """
    return {
        "name": "tiny",
        "total_htv": 10.0,
        "granularity": 0.1,
        "lead_municipality": "a1",
        "municipalities": [
            {"name": "a1", "caseload": {"unemployed": 300, "young": 40}},
            {"name": "a2", "caseload": {"unemployed": 100, "young": 20}},
            {"name": "b1", "caseload": {"unemployed": 200, "young": 40}},
        ],
        "areas": [
            {"name": "A", "municipalities": ["a1", "a2"]},
            {"name": "B", "municipalities": ["b1"]},
        ],
        "offices": [
            {"name": "A office", "municipality": "a1"},
            {"name": "B office", "municipality": "b1"},
        ],
        "service_lines": [
            {"name": "brokering", "share": 0.6, "tolerance": 0.05, "demand": {"unemployed": 1}},
            {"name": "youth", "share": 0.4, "tolerance": 0.05, "demand": {"young": 1}},
        ],
        "central_services": [{"name": "admin", "htv": 1.0}],
    }


def tiny(**changes: Any) -> Scenario:
    """The tiny scenario with top-level keys replaced by ``changes``."""
    data = copy.deepcopy(tiny_data())
    data.update(changes)
    return Scenario.model_validate(data)


def tiny_with(edit: Any) -> Scenario:
    """The tiny scenario after ``edit(data)`` changed its plain data in place."""
    data = copy.deepcopy(tiny_data())
    edit(data)
    return Scenario.model_validate(data)
