"""Variants in code: dotted-path changes and deep merges, validated like a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from allocator.errors import ScenarioError
from allocator.scenario.loading import load_scenario
from allocator.scenario.variants import get_path, merge_data, scenario_data, set_path

BASE = load_scenario(Path(__file__).parents[1] / "scenarios" / "base.yaml")


def test_changes_address_list_items_by_name_and_index() -> None:
    s = BASE.with_changes({
        "total_htv": 30,
        "municipalities.Sastamala.caseload.unemployed": 900,
        "offices[1].min_htv": 2.5,
        "service_lines.skills.demand.under_30": 0.8,
    })
    assert s.total_htv == 30
    assert {m.name: m.caseload["unemployed"] for m in s.municipalities}["Sastamala"] == 900
    assert s.offices[1].min_htv == 2.5
    assert s.service_lines[2].demand["under_30"] == 0.8
    assert BASE.total_htv == 32.66  # the original is untouched


def test_a_change_that_breaks_a_rule_of_the_schema_is_reported() -> None:
    with pytest.raises(ScenarioError) as info:
        BASE.with_changes({"service_lines.skills.share": 0.3})
    (problem,) = info.value.problems
    assert problem.path == "service_lines" and "1.1" in problem.message
    assert problem.source == "<changes>"


def test_unknown_paths_are_named() -> None:
    with pytest.raises(ScenarioError) as info:
        BASE.with_changes({"service_lines.skill.share": 0.3, "offices[9].min_htv": 1})
    paths = {p.path: p.message for p in info.value.problems}
    assert "no item named 'skill'" in paths["service_lines.skill.share"]
    assert "no item [9]" in paths["offices[9].min_htv"]


def test_get_and_set_path_round_trip() -> None:
    data = scenario_data(BASE)
    set_path(data, "areas.Parkano.municipalities", ["Parkano"])
    assert get_path(data, "areas.Parkano.municipalities") == ["Parkano"]
    assert get_path(data, "municipalities[2].name") == "Kihniö"


def test_merge_patches_named_lists_and_replaces_others() -> None:
    base = {"offices": [{"name": "a", "min_htv": 1}, {"name": "b"}], "serves": [1, 2]}
    over = {"offices": [{"name": "a", "min_htv": 2}, {"name": "c"}, {"name": "b", "remove": True}],
            "serves": [3]}
    assert merge_data(base, over) == {"offices": [{"name": "a", "min_htv": 2}, {"name": "c"}],
                                      "serves": [3]}
    assert base["offices"][0]["min_htv"] == 1


@pytest.mark.parametrize("changes", [
    # many values under the same parents: each parent is looked up once
    {"municipalities.A.caseload.u": 5, "municipalities.A.caseload.v": 6,
     "municipalities[1].caseload.u": 7, "municipalities.B.caseload.w": 8},
    # a path inside another: the later one goes into the new mapping
    {"municipalities.A.caseload": {"u": 0}, "municipalities.A.caseload.v": 3},
    {"municipalities.A.caseload.v": 3, "municipalities.A.caseload": {"u": 0},
     "municipalities.A.caseload.w": 5},
    # a rename: the old name no longer addresses the item
    {"municipalities.A.caseload.u": 1, "municipalities.A.name": "C",
     "municipalities.A.caseload.v": 2},
    # a removal shifts the items after it
    {"municipalities.A.remove": True, "municipalities[0].caseload.u": 9},
    {"municipalities.Z.caseload.u": 1, "municipalities.B.caseload.u": 2},
])
def test_setting_many_paths_at_once_equals_setting_them_one_by_one(
        changes: dict[str, object]) -> None:
    from allocator.scenario.paths import set_paths

    def data() -> dict[str, object]:
        return {"municipalities": [{"name": "A", "caseload": {"u": 1, "v": 2}},
                                   {"name": "B", "caseload": {"u": 3, "v": 4}}]}

    one_by_one, problems = data(), {}
    for path, value in changes.items():
        try:
            set_path(one_by_one, path, value)
        except KeyError as exc:
            problems[path] = str(exc.args[0])
    together = data()
    assert set_paths(together, changes) == problems
    assert together == one_by_one
