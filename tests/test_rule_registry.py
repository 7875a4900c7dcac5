"""The rule registry, walked rule by rule: every rule is built, checked, described and repairable.

Each table below has one entry per rule; a rule added to allocator.engine.rules without its
entries fails here at once. The verifier's side is tested against allocations that break
exactly one rule, so a check that catches nothing, or catches the wrong rule, fails.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from builders import tiny_with

from allocator.engine.caseload import ModelData, prepare
from allocator.engine.diagnose import describe, prechecks
from allocator.engine.model import build_model
from allocator.engine.pipeline import allocate
from allocator.engine.rules import RULES, Rule, rule_named
from allocator.engine.rules.base import key_of, rule_of
from allocator.engine.types import Allocation, Status
from allocator.engine.verify import check, tally
from allocator.scenario.paths import get_path
from allocator.scenario.schema import Scenario
from allocator.scenario.variants import scenario_data

ROOT = Path(__file__).parents[1]
NAMES = [rule.name for rule in RULES]

Edit = Callable[[dict[str, Any]], None]


def _none(_: dict[str, Any]) -> None:
    """The tiny scenario as it is."""


def _capped(d: dict[str, Any]) -> None:
    d["offices"][0]["max_htv"] = 7.0  # A office holds 5.8 HTV customer service + 1.0 central


def _optional_b(d: dict[str, Any]) -> None:
    d["offices"][1]["optional"] = True


def _today(d: dict[str, Any]) -> None:
    d["continuity"] = {"current": [{"office": "A office", "htv": 5.8},
                                   {"office": "B office", "htv": 3.2}], "max_change_htv": 0.5}


#: Per rule: a tiny scenario in which the rule applies (it has labels, where it can).
APPLIES: dict[str, Edit] = {
    "budget": _none, "line_share": _none, "office_min": _none, "office_max": _capped,
    "office_per_area": _none, "central_at_lead": _none, "serves_own_area": _none,
    "continuity": _today,
}


def _moved(alloc: Allocation, *moves: tuple[tuple[str, str, str], int]) -> Allocation:
    cells = dict(alloc.cells)
    for key, delta in moves:
        cells[key] = cells.get(key, 0) + delta
    return replace(alloc, cells={k: u for k, u in cells.items() if u})


def _emptied(alloc: Allocation, office: str, to: str) -> Allocation:
    """Every unit of ``office`` moved to the same line at office ``to`` for municipality a1."""
    cells: dict[tuple[str, str, str], int] = {}
    for (m, o, ln), units in alloc.cells.items():
        key = ("a1", to, ln) if o == office else (m, o, ln)
        cells[key] = cells.get(key, 0) + units
    return replace(alloc, cells=cells)


def _central_at(alloc: Allocation, office: str) -> Allocation:
    return replace(alloc, central={("admin", office): sum(alloc.central.values())})


#: Per rule: (scenario edit, a valid allocation of it -> one that breaks only that rule).
BREAKERS: dict[str, tuple[Edit, Callable[[Allocation], Allocation]]] = {
    "budget": (_none, lambda a: _moved(a, (("a1", "A office", "brokering"), -1))),
    "line_share": (_none, lambda a: _moved(a, (("a1", "A office", "brokering"), 6),
                                           (("a1", "A office", "youth"), -6))),
    "office_min": (_none, lambda a: _moved(a, (("b1", "B office", "brokering"), -13),
                                           (("a1", "A office", "brokering"), 13))),
    "office_max": (_capped, lambda a: _moved(a, (("b1", "B office", "brokering"), -3),
                                             (("a1", "A office", "brokering"), 3))),
    "office_per_area": (_optional_b, lambda a: _emptied(a, "B office", "A office")),
    "central_at_lead": (_none, lambda a: _central_at(a, "B office")),
    "serves_own_area": (_none, lambda a: _moved(a, (("a2", "A office", "brokering"), -9),
                                                (("a2", "B office", "brokering"), 9))),
    "continuity": (_today, lambda a: _moved(a, (("b1", "B office", "brokering"), -6),
                                            (("a1", "A office", "brokering"), 6))),
}


def _conflict(**office_b: Any) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        d["offices"][1].update(office_b)
    return edit


def _b_frozen(d: dict[str, Any]) -> None:
    d["continuity"] = {"current": [{"office": "A office", "htv": 9.0}], "max_change_htv": 0.0}


def _b_optional_but_frozen(d: dict[str, Any]) -> None:
    d["offices"][1].update({"optional": True, "min_htv": 3.0})
    d["continuity"] = {"current": [{"office": "A office", "htv": 8.0},
                                   {"office": "B office", "htv": 0.0}], "max_change_htv": 1.0}


def _all_capped(d: dict[str, Any]) -> None:
    d["offices"][0]["max_htv"] = 4.0
    d["offices"][1]["max_htv"] = 4.0


#: Per rule: a tiny scenario whose rules cannot all hold, with that rule in the conflict.
#: line_share has none: its band always holds the customer-service budget (the lowest
#: ends sum to at most the budget, the highest to at least it) and no other rule limits a
#: line, so it is never part of a minimal conflict of one scenario; serves_own_area only
#: removes variables, and deviations are objectives, so it cannot conflict either.
CONFLICTS: dict[str, Edit | None] = {
    "budget": lambda d: d.update(total_htv=4.0),
    "line_share": None,
    "office_min": lambda d: d.update(total_htv=4.0),
    "office_max": _all_capped,
    "office_per_area": _b_optional_but_frozen,
    "central_at_lead": lambda d: d.update(central_services=[{"name": "admin", "htv": 12.0}]),
    "serves_own_area": None,
    "continuity": _b_frozen,
}


def test_every_rule_has_every_case() -> None:
    assert len(set(NAMES)) == len(NAMES)
    for table in (APPLIES, BREAKERS, CONFLICTS):
        assert list(table) == NAMES


@pytest.mark.parametrize("rule", RULES, ids=NAMES)
def test_rule_declares_its_name_fields_and_text(rule: Rule) -> None:
    assert rule_named(rule.name) is rule
    assert rule.fields and all(f and " " not in f for f in rule.fields)
    assert set(rule.text) == {"en", "fi"} and all(rule.text.values())
    assert rule.text["en"] != rule.text["fi"]


def _data(edit: Edit) -> tuple[Scenario, ModelData]:
    s = tiny_with(edit)
    return s, prepare(s)


@pytest.mark.parametrize("rule", RULES, ids=NAMES)
def test_rule_is_built_under_its_labels(rule: Rule) -> None:
    _, d = _data(APPLIES[rule.name])
    built = build_model(d)
    built_labels = [n for n in built.constraints if rule_of(n) == rule.name]
    assert built_labels == rule.labels(d)
    explained = build_model(d, explain=True)
    assert [n for n in explained.literals if rule_of(n) == rule.name] == rule.labels(d)
    if rule.name == "serves_own_area":
        # Holds by construction: a variable exists only where an office serves.
        assert rule.labels(d) == []
        assert all(m in d.office(o).serves for m, o, _ in built.x)
        assert {(m, o) for m, o, _ in built.x} == set(d.pairs)
    else:
        assert rule.labels(d), f"{rule.name} has no constraint in its scenario"


@pytest.mark.parametrize("rule", RULES, ids=NAMES)
def test_rule_catches_an_allocation_that_breaks_only_it(rule: Rule) -> None:
    edit, breaker = BREAKERS[rule.name]
    s = tiny_with(edit)
    solved = allocate(s)
    assert solved.allocation is not None and solved.verified
    broken = breaker(solved.allocation)
    assert broken != solved.allocation
    violations = check(s, broken).violations
    assert violations and {rule_of(v.rule) for v in violations} == {rule.name}
    # The rule's own check says so on the verifier's tallies; the others stay silent.
    t = tally(s, broken)
    for other in RULES:
        assert bool(other.check(s, t)) == (other is rule)


@pytest.mark.parametrize("rule", RULES, ids=NAMES)
def test_rule_describes_each_label_with_its_figures(rule: Rule) -> None:
    _, d = _data(APPLIES[rule.name])
    labels = rule.labels(d) or [f"{rule.name}[B office]"]
    for name in labels:
        text = describe(d, name)
        assert text.startswith(f"{name}: ")
        assert text != f"{name}: {rule.text['en']}", "a description with the scenario's figures"


@pytest.mark.parametrize("rule", RULES, ids=NAMES)
def test_rule_levers_are_numeric_fields_of_the_scenario(rule: Rule) -> None:
    s, _ = _data(APPLIES[rule.name])
    data = scenario_data(s)
    for lever in rule.levers(s):
        assert lever.rule == rule.name
        for path in (lever.path(), lever.path(by_name=True)):
            value = get_path(data, path) if "min_htv" not in path else (
                get_path(data, path) or s.offices[lever.index or 0].effective_min_htv)
            assert Fraction(repr(float(value))) == lever.value
        assert lever.repair or lever.kind, "a lever a repair may move or an analysis moves"


@pytest.mark.parametrize("rule", RULES, ids=NAMES)
def test_rule_is_repairable(rule: Rule) -> None:
    edit = CONFLICTS[rule.name]
    if edit is None:
        _, d = _data(APPLIES[rule.name])
        if rule.labels(d):  # line_share: its band always holds the budget
            assert sum(lo for lo, _ in d.line_bounds.values()) <= d.customer_units \
                <= sum(hi for _, hi in d.line_bounds.values())
        return
    s = tiny_with(edit)
    r = allocate(s)
    assert r.status == Status.INFEASIBLE and r.conflicts
    conflict = next(c for c in r.conflicts if any(rule_of(n) == rule.name for n in c.rules))
    assert conflict.repairs, f"no repair offered for a conflict of {rule.name}"
    for repair in conflict.repairs:
        fixed = allocate(s.with_changes({repair.path: repair.value}))
        assert fixed.verified, f"{repair.text} does not resolve it"
    own = [lv.path() for lv in rule.levers(s) if lv.repair]
    if own:
        assert any(rp.path in own for rp in conflict.repairs), "the rule's own lever is tried"


@pytest.mark.parametrize("rule", [r for r in RULES if any(
    lv.repair for lv in r.levers(tiny_with(APPLIES[r.name])))], ids=lambda r: r.name)
def test_each_repair_lever_relaxes_its_rule(rule: Rule) -> None:
    """Moved in a direction a repair moves it, in its steps up to its limit, some lever lets
    the allocation that breaks the rule hold that rule. central_at_lead's levers size a
    service; its breaker moves the service away from the lead municipality, which no
    size can mend, so it is broken by size here instead."""
    edit, breaker = BREAKERS[rule.name]
    s = tiny_with(edit)
    solved = allocate(s)
    assert solved.allocation is not None
    broken = (replace(solved.allocation, central={("admin", "A office"): 9})
              if rule.name == "central_at_lead" else breaker(solved.allocation))
    violated = {v.rule for v in rule.check(s, tally(s, broken))}
    assert violated

    def still_broken(path: str, value: Fraction) -> set[str]:
        variant = s.with_changes({path: float(value)})
        return {v.rule for v in rule.check(variant, tally(variant, broken))}

    mended: set[str] = set()
    for lever in (lv for lv in rule.levers(s) if lv.repair):
        mine = {n for n in violated if lever.key is None or key_of(n) == lever.key}
        for direction in lever.repair:
            sign = 1 if direction.up else -1
            value = lever.value
            while mine - mended:
                value = value + sign * lever.step
                value = min(value, direction.limit) if direction.up else max(value, direction.limit)
                mended |= mine - still_broken(lever.path(), value)
                if value == direction.limit:
                    break
    assert mended == violated


def test_prechecks_come_from_the_rules_structure_first() -> None:
    def placed_away(d: dict[str, Any]) -> None:  # a structural and a capacity conflict at once
        d["total_htv"] = 4.0
        d["central_services"] = [{"name": "admin", "htv": 1.0, "office": "B office"}]

    for edit in [*(c for c in CONFLICTS.values() if c is not None), placed_away]:
        d = prepare(tiny_with(edit))
        found = prechecks(d)
        assert sorted(map(repr, found)) == sorted(repr(c) for r in RULES for c in r.precheck(d))
    assert [c.rules[0] for c in found] == ["central_at_lead[admin]", "budget"]


def test_verifier_imports_no_solver_and_no_model_data() -> None:
    code = ("import sys, allocator.engine.verify; "
            "print(sorted(m for m in sys.modules if m.startswith(('ortools', "
            "'allocator.engine.model', 'allocator.engine.caseload', 'allocator.engine.solve'))))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
