"""``extends:`` in scenario files: the merge rules, chains, and errors located in the right file.

The merge itself is :func:`allocator.scenario.variants.merge_data` (and its tracing twin
``merge_traced``); the loading tests write small parent/child files into ``tmp_path`` and
pin, for every problem, the file, the line (computed from the text written) and the field
path as written in that file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from allocator.errors import Problem, ScenarioError
from allocator.scenario.loading import load_scenario, read_scenario_data, scenario_file_json_schema
from allocator.scenario.variants import merge_data, merge_traced

BASE = Path(__file__).parents[1] / "scenarios" / "base.yaml"
# base.yaml without the source comments on its figures, so edits can match whole lines.
BASE_TEXT = re.sub(r"(\S)[ ]+# §1\.3[^\n]*", r"\1", BASE.read_text(encoding="utf-8"))


def edit(old: str, new: str, text: str = BASE_TEXT) -> str:
    assert text.count(old) == 1, f"expected exactly one {old!r} in the text"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    assert text.count(needle) == 1, f"expected exactly one {needle!r} in the text"
    return text.count("\n", 0, text.index(needle)) + 1


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.problems
    return info.value.problems


# --- merge rules ------------------------------------------------------------------------

def test_named_items_are_patched_in_place_and_new_names_appended() -> None:
    base = {"lines": [{"name": "a", "share": 0.5, "demand": {"x": 1, "y": 2}},
                      {"name": "b", "share": 0.5}]}
    over = {"lines": [{"name": "b", "share": 0.4}, {"name": "a", "demand": {"y": 3}},
                      {"name": "c", "share": 0.1}]}
    assert merge_data(base, over) == {"lines": [
        {"name": "a", "share": 0.5, "demand": {"x": 1, "y": 3}},
        {"name": "b", "share": 0.4},
        {"name": "c", "share": 0.1},
    ]}


def test_remove_deletes_by_name_and_later_items_move_up() -> None:
    base = {"offices": [{"name": "a"}, {"name": "b"}, {"name": "c", "min_htv": 1}]}
    over = {"offices": [{"name": "a", "remove": True}, {"name": "c", "min_htv": 2}]}
    assert merge_data(base, over) == {"offices": [{"name": "b"}, {"name": "c", "min_htv": 2}]}


def test_lists_of_plain_values_and_scalars_are_replaced() -> None:
    base = {"areas": [{"name": "A", "municipalities": ["a1", "a2"]}], "total_htv": 10.0,
            "product": ["x", "y"]}
    over = {"areas": [{"name": "A", "municipalities": ["a1"]}], "total_htv": 9.0,
            "product": ["z"]}
    assert merge_data(base, over) == {"areas": [{"name": "A", "municipalities": ["a1"]}],
                                      "total_htv": 9.0, "product": ["z"]}


def test_merge_keeps_key_order_and_leaves_inputs_untouched() -> None:
    base = {"a": 1, "b": {"c": [1]}, "d": 4}
    over = {"new": 0, "b": {"c": [2]}}
    merged = merge_data(base, over)
    assert list(merged) == ["a", "b", "d", "new"]
    merged["b"]["c"].append(9)
    assert base == {"a": 1, "b": {"c": [1]}, "d": 4}
    assert over == {"new": 0, "b": {"c": [2]}}


def test_merges_chain_like_files_do() -> None:
    grandparent = {"total_htv": 10.0, "offices": [{"name": "a"}, {"name": "b"}]}
    parent = {"offices": [{"name": "a", "remove": True}, {"name": "c"}]}
    child = {"total_htv": 8.0, "offices": [{"name": "b", "min_htv": 1.0}]}
    assert merge_data(merge_data(grandparent, parent), child) == {
        "total_htv": 8.0, "offices": [{"name": "b", "min_htv": 1.0}, {"name": "c"}]}


def test_traced_merge_follows_items_whose_index_shifts() -> None:
    base = {"offices": [{"name": "a"}, {"name": "b", "min_htv": 1}]}
    base_where = {"": "P1", "offices": "P2", "offices[0]": "P3", "offices[0].name": "P3",
                  "offices[1]": "P4", "offices[1].name": "P4", "offices[1].min_htv": "P5"}
    over = {"offices": [{"name": "a", "remove": True}, {"name": "d"}]}
    over_where = {"": "C1", "offices": "C2", "offices[0]": "C3", "offices[0].name": "C3",
                  "offices[0].remove": "C4", "offices[1]": "C5", "offices[1].name": "C5"}
    merged, where = merge_traced(base, base_where, over, over_where)
    assert merged == {"offices": [{"name": "b", "min_htv": 1}, {"name": "d"}]}
    assert where == {"": "C1", "offices": "C2", "offices[0]": "P4", "offices[0].name": "P4",
                     "offices[0].min_htv": "P5", "offices[1]": "C5", "offices[1].name": "C5"}


def test_traced_merge_reports_removes_that_match_nothing() -> None:
    unmatched: list[str | None] = []
    merge_traced({"x": [{"name": "a"}]}, {}, {"x": [{"name": "z", "remove": True}]},
                 {"x[0]": "here"}, unmatched)
    assert unmatched == ["here"]


# --- loading files ----------------------------------------------------------------------

def test_child_equals_the_base_with_its_changes(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", BASE_TEXT)
    child = write(tmp_path / "child.yaml", (
        "extends: base.yaml\n"
        "name: child\n"
        "total_htv: 30.0\n"
        "service_lines:\n"
        "  - name: skills\n"
        "    demand: {under_30: 1.0}\n"
        "offices:\n"
        "  - name: Parkano office\n"
        "    min_htv: 2.5\n"
    ))
    base = load_scenario(tmp_path / "base.yaml")
    expected = base.with_changes({"name": "child", "total_htv": 30.0,
                                  "service_lines.skills.demand.under_30": 1.0,
                                  "offices.Parkano office.min_htv": 2.5})
    got = load_scenario(child)
    assert got == expected
    assert got.service_lines[2].demand == {"under_30": 1.0, "long_unemployment_inflow": 0.5}


def test_remove_takes_an_item_out(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", BASE_TEXT)
    child = write(tmp_path / "child.yaml", (
        "extends: base.yaml\n"
        "central_services:\n"
        "  - name: integration_services\n"
        "    remove: true\n"
    ))
    s = load_scenario(child)
    assert [c.name for c in s.central_services] == ["communications_ict", "expert_teams",
                                                    "administration"]


def test_chain_of_three_files_in_different_folders(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "common" / "base.yaml", BASE_TEXT)
    write(tmp_path / "mid" / "fewer.yaml", "extends: ../common/base.yaml\ntotal_htv: 30.0\n")
    leaf = write(tmp_path / "leaf" / "split.yaml", (
        "extends: ../mid/fewer.yaml\n"
        "name: split\n"
        "service_lines:\n"
        "  - {name: weaker_position, share: 0.45}\n"
        "  - {name: job_brokering, share: 0.35}\n"
    ))
    monkeypatch.chdir(tmp_path / "common")  # parents resolve from the file, not the cwd
    s = load_scenario(leaf)
    assert (s.name, s.total_htv) == ("split", 30.0)
    assert [ln.share for ln in s.service_lines] == [0.45, 0.35, 0.2]


def test_origins_name_the_file_and_line_of_each_value(tmp_path: Path) -> None:
    base = write(tmp_path / "base.yaml", BASE_TEXT)
    child = write(tmp_path / "child.yaml", "# a comment\nextends: base.yaml\ntotal_htv: 30.0\n")
    data, origins = read_scenario_data(child)
    assert "extends" not in data and "extends" not in origins
    assert (origins["total_htv"].file, origins["total_htv"].line) == (str(child), 3)
    granularity = origins["granularity"]
    assert (granularity.file, granularity.line) == (str(base),
                                                    line_of(BASE_TEXT, "granularity: 0.01"))


# --- errors -----------------------------------------------------------------------------

def test_missing_parent_is_reported_at_the_extends_line(tmp_path: Path) -> None:
    child = write(tmp_path / "child.yaml", "name: x\nextends: nowhere.yaml\n")
    [problem] = problems_of(child)
    assert (problem.source, problem.line, problem.path) == (str(child), 2, "extends")
    assert "'nowhere.yaml'" in problem.message and "does not exist" in problem.message
    assert str(tmp_path / "nowhere.yaml") in problem.message


def test_extends_must_be_a_path(tmp_path: Path) -> None:
    child = write(tmp_path / "child.yaml", "extends: [base.yaml]\n")
    [problem] = problems_of(child)
    assert (problem.line, problem.path) == (1, "extends")
    assert "must be the path of the scenario file to extend" in problem.message


def test_a_file_extending_itself_is_a_cycle(tmp_path: Path) -> None:
    me = write(tmp_path / "me.yaml", "extends: me.yaml\n")
    [problem] = problems_of(me)
    assert (problem.source, problem.line, problem.path) == (str(me), 1, "extends")
    assert "extends it again" in problem.message


def test_a_longer_cycle_names_every_file(tmp_path: Path) -> None:
    a = write(tmp_path / "a.yaml", "extends: b.yaml\n")
    b = write(tmp_path / "b.yaml", "name: b\nextends: c.yaml\n")
    c = write(tmp_path / "c.yaml", "extends: a.yaml\n")
    [problem] = problems_of(a)
    assert (problem.source, problem.line) == (str(c), 1)
    assert problem.message.endswith(f"{a} -> {b} -> {c} -> {a}")


def test_error_in_a_value_from_the_parent_is_reported_in_the_parent(tmp_path: Path) -> None:
    parent_text = edit("      under_30: 48\n", "      under_30: -5\n")
    parent = write(tmp_path / "parent.yaml", parent_text)
    child = write(tmp_path / "child.yaml", "extends: parent.yaml\ntotal_htv: 30.0\n")
    [problem] = problems_of(child)
    assert problem.source == str(parent)
    assert problem.line == line_of(parent_text, "under_30: -5")
    assert problem.path == "municipalities[1].caseload.under_30"
    assert ">= 0" in problem.message


def test_error_in_a_value_from_the_child_is_reported_in_the_child(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", BASE_TEXT)
    child_text = ("extends: base.yaml\n"
                  "municipalities:\n"
                  "  - name: Kihniö\n"
                  "    caseload:\n"
                  "      unemployed: -48\n")
    child = write(tmp_path / "child.yaml", child_text)
    [problem] = problems_of(child)
    assert (problem.source, problem.line) == (str(child), 5)
    # The path is the one in the child's own text, not the merged index (Kihniö is [2]).
    assert problem.path == "municipalities[0].caseload.unemployed"


def test_errors_in_both_files_after_a_remove_shifts_the_parents_items(tmp_path: Path) -> None:
    # The parent's Ikaalinen office (its offices[3]) has max_htv below its minimum; the child
    # removes the Parkano office, so in the merged data that office is offices[2].
    parent_text = edit("    municipality: Ikaalinen\n",
                       "    municipality: Ikaalinen\n    max_htv: 1.0\n")
    parent = write(tmp_path / "parent.yaml", parent_text)
    child_text = ("extends: parent.yaml\n"
                  "offices:\n"
                  "  - name: Parkano office\n"
                  "    remove: true\n"
                  "  - name: Parkano point\n"
                  "    municipality: Parkano\n"
                  "    kind: service_point\n"
                  "    serves: [Parkano, Kihniö, Ikaalinen]\n"
                  "costs:\n"
                  "  offices_eur:\n"
                  "    Parkano office: null\n")
    child = write(tmp_path / "child.yaml", child_text)
    problems = {p.source: p for p in problems_of(child)}
    assert set(problems) == {str(parent), str(child)}
    in_parent, in_child = problems[str(parent)], problems[str(child)]
    assert in_parent.line == line_of(parent_text, "max_htv: 1.0")
    assert in_parent.path == "offices[3].max_htv"
    assert "below the office's minimum" in in_parent.message
    assert in_child.line == line_of(child_text, "serves: [")
    assert in_child.path == "offices[1].serves[2]"
    assert "'Ikaalinen' is in area 'Ikaalinen'" in in_child.message


def test_unknown_key_in_the_child(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", BASE_TEXT)
    child_text = ("extends: base.yaml\n"
                  "total_hvt: 30.0\n"
                  "offices:\n"
                  "  - name: Parkano office\n"
                  "    colour: red\n")
    child = write(tmp_path / "child.yaml", child_text)
    problems = {p.path: p for p in problems_of(child)}
    assert set(problems) == {"total_hvt", "offices[0].colour"}
    assert all(p.source == str(child) for p in problems.values())
    assert problems["total_hvt"].line == 2
    assert "unknown key 'total_hvt'" in problems["total_hvt"].message
    assert "extends" in problems["total_hvt"].message.split("allowed keys:")[1]
    assert problems["offices[0].colour"].line == 5


def test_new_item_missing_a_field_is_reported_at_the_child_item(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", BASE_TEXT)
    child = write(tmp_path / "child.yaml",
                  "extends: base.yaml\noffices:\n  - name: Kihniö point\n    kind: service_point\n")
    [problem] = problems_of(child)
    assert (problem.source, problem.line) == (str(child), 3)
    assert problem.path == "offices[0].municipality"
    assert "required" in problem.message


def test_cross_reference_error_in_the_middle_of_a_chain(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", BASE_TEXT)
    mid_text = "extends: base.yaml\nlead_municipality: Tampere\n"
    mid = write(tmp_path / "mid.yaml", mid_text)
    leaf = write(tmp_path / "leaf.yaml", "extends: mid.yaml\ntotal_htv: 30.0\n")
    [problem] = problems_of(leaf)
    assert (problem.source, problem.line, problem.path) == (str(mid), 2, "lead_municipality")
    assert "unknown municipality 'Tampere'" in problem.message


def test_removing_a_name_the_parent_lacks_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", BASE_TEXT)
    child = write(tmp_path / "child.yaml", (
        "extends: base.yaml\n"
        "central_services:\n"
        "  - name: integration_service\n"
        "    remove: true\n"
    ))
    [problem] = problems_of(child)
    assert (problem.source, problem.line) == (str(child), 3)
    assert problem.path == "central_services[0].name"
    assert "no item named 'integration_service' to remove" in problem.message


def test_yaml_error_in_the_parent_is_one_line_at_the_extends_line(tmp_path: Path) -> None:
    # A parent that is not valid YAML may not be a scenario at all, so none of it is shown.
    write(tmp_path / "parent.yaml", "name: p\ntotal_htv: [1, 2\n")
    child = write(tmp_path / "child.yaml", "extends: parent.yaml\n")
    [problem] = problems_of(child)
    assert (problem.source, problem.line, problem.path) == (str(child), 1, "extends")
    assert "is not valid YAML" in problem.message
    assert "[1, 2" not in problem.message


# --- the JSON Schema --------------------------------------------------------------------

def test_json_schema_has_extends_as_an_optional_string() -> None:
    schema = scenario_file_json_schema()
    assert schema["properties"]["extends"]["type"] == "string"
    assert "extends" not in json.dumps(schema.get("required", []))
    # Without extends, the usual keys are required; with it, none are.
    assert schema["if"] == {"required": ["extends"]}
    assert {"name", "total_htv", "municipalities"} <= set(schema["else"]["required"])
    assert "then" not in schema
    assert schema["additionalProperties"] is False


def test_allocate_schema_prints_the_file_schema_with_extends() -> None:
    from click.testing import CliRunner

    from allocator.cli import main

    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == scenario_file_json_schema()


def test_a_child_runs_through_allocate_with_errors_located(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from allocator.cli import main

    parent_text = edit("      under_30: 48\n", "      under_30: -5\n")
    parent = write(tmp_path / "parent.yaml", parent_text)
    child = write(tmp_path / "child.yaml", "extends: parent.yaml\nname: child\n")
    result = CliRunner().invoke(main, [str(child), "--no-files"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    line = line_of(parent_text, "under_30: -5")
    assert f"{parent}:{line}: municipalities[1].caseload.under_30: must be >= 0" in result.stderr
