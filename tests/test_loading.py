"""Scenario validation through ``load_scenario``: every bad input is a ScenarioError.

Each case starts from scenarios/base.yaml, breaks one thing with a small text edit, writes
the result into ``tmp_path`` and loads it. The checks pin the field path, a message that
says what is wrong, the file named as source, and the line (computed from the text written,
never hard-coded). The happy path and the JSON Schema are covered at the end.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from allocator.errors import Problem, ScenarioError
from allocator.scenario import schema as schema_module
from allocator.scenario.loading import load_scenario
from allocator.scenario.schema import Scenario, scenario_json_schema

BASE = Path(__file__).parents[1] / "scenarios" / "base.yaml"
# base.yaml without the source comments on its figures, so edits can match whole lines.
BASE_TEXT = re.sub(r"(\S)[ ]+# §1\.3[^\n]*", r"\1", BASE.read_text(encoding="utf-8"))

TOP_LEVEL_KEYS = [
    "name", "title", "description", "total_htv", "granularity", "lead_municipality",
    "municipalities", "derived_features", "areas", "offices", "service_lines",
    "central_services", "continuity", "solver",
]


# --- helpers ---------------------------------------------------------------------------

def edit(old: str, new: str, text: str = BASE_TEXT) -> str:
    """``text`` with the one occurrence of ``old`` replaced (fails loudly if not exactly one)."""
    assert text.count(old) == 1, f"expected exactly one {old!r} in the scenario text"
    return text.replace(old, new)


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    """1-based line of the only occurrence of ``needle`` in ``text``."""
    assert text.count(needle) == 1, f"expected exactly one {needle!r} in the text written"
    return text.count("\n", 0, text.index(needle)) + 1


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    problems = info.value.problems
    assert problems, "a ScenarioError must carry at least one problem"
    return problems


def the_problem(problems: list[Problem], path: str) -> Problem:
    """The single problem reported at field ``path``."""
    found = [p for p in problems if p.path == path]
    assert len(found) == 1, f"expected one problem at {path!r}, got: {[str(p) for p in problems]}"
    return found[0]


def load_bad(tmp_path: Path, text: str, field: str) -> tuple[Path, Problem]:
    """Write ``text``, load it, and return the file and the problem at ``field``."""
    assert text != BASE_TEXT
    path = write(tmp_path, text)
    problem = the_problem(problems_of(path), field)
    assert problem.source == str(path)
    return path, problem


# --- YAML level ------------------------------------------------------------------------

def test_yaml_syntax_error_reports_its_line(tmp_path: Path) -> None:
    text = edit("lead_municipality: Sastamala\n", "lead_municipality: Sastamala: Parkano\n")
    path = write(tmp_path, text)
    [problem] = problems_of(path)
    assert problem.path == ""
    assert problem.source == str(path)
    assert "YAML syntax error" in problem.message
    assert "mapping values are not allowed" in problem.message
    assert problem.line == line_of(text, "lead_municipality: Sastamala: Parkano")
    assert str(problem) == f"{path}:{problem.line}: {problem.message}"


def test_unsafe_yaml_tag_is_refused_and_not_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    text = edit("total_htv: 32.66\n",
                f"total_htv: !!python/object/apply:os.system ['touch {marker}']\n")
    path = write(tmp_path, text)
    [problem] = problems_of(path)
    assert problem.source == str(path)
    assert "python/object/apply:os.system" in problem.message
    assert "not allowed" in problem.message
    assert problem.line == line_of(text, "total_htv: !!python")
    assert not marker.exists(), "the tag must never be constructed"


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    text = edit("granularity: 0.01\n", "granularity: 0.01\ngranularity: 0.02\n")
    _, problem = load_bad(tmp_path, text, "granularity")
    assert "duplicate key" in problem.message
    assert f"first given on line {line_of(text, 'granularity: 0.01')}" in problem.message
    assert problem.line == line_of(text, "granularity: 0.02")


def test_duplicate_nested_key_is_an_error(tmp_path: Path) -> None:
    # Ikaalinen's caseload (the second municipality) gives 'men' twice.
    text = edit("      men: 133\n", "      men: 133\n      men: 134\n")
    _, problem = load_bad(tmp_path, text, "municipalities[1].caseload.men")
    assert "duplicate key" in problem.message
    assert problem.line == line_of(text, "men: 134")


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    [problem] = problems_of(path)
    assert problem.source == str(path)
    assert problem.path == ""
    assert "empty" in problem.message


def test_comment_only_file_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path, "# nothing here yet\n")
    [problem] = problems_of(path)
    assert "empty" in problem.message


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "- base\n- other\n")
    [problem] = problems_of(path)
    assert problem.source == str(path)
    assert "must be a mapping" in problem.message
    assert problem.line == 1


def test_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(BASE_TEXT.encode("latin-1", errors="replace"))
    [problem] = problems_of(path)
    assert problem.source == str(path)
    assert "not UTF-8" in problem.message


# --- files -----------------------------------------------------------------------------

def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "no_such_scenario.yaml"
    [problem] = problems_of(path)
    assert problem.source == str(path)
    assert problem.path == ""
    assert "does not exist" in problem.message
    assert problem.line is None


def test_directory_instead_of_file(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path)
    assert problem.source == str(tmp_path)
    assert "directory" in problem.message


# --- shapes (pydantic) -----------------------------------------------------------------

def test_missing_required_top_level_key(tmp_path: Path) -> None:
    text = edit("total_htv: 32.66\n", "")
    _, problem = load_bad(tmp_path, text, "total_htv")
    assert "required" in problem.message and "missing" in problem.message


def test_missing_required_nested_key_points_at_its_parent(tmp_path: Path) -> None:
    # Drop the municipality of the second office: the line is that office's entry.
    text = edit("    municipality: Parkano\n", "")
    _, problem = load_bad(tmp_path, text, "offices[1].municipality")
    assert "required" in problem.message and "missing" in problem.message
    assert problem.line == line_of(text, "- name: Parkano office")


def test_unknown_top_level_key_lists_allowed_keys(tmp_path: Path) -> None:
    text = edit("granularity: 0.01\n", "granularity: 0.01\ntotal_hvt: 3\n")
    path, problem = load_bad(tmp_path, text, "total_hvt")
    assert "unknown key 'total_hvt'" in problem.message
    allowed = problem.message.split("allowed keys:", 1)[1]
    # A file may also say 'extends:', so that key is listed too.
    assert [k.strip() for k in allowed.split(",")] == [*TOP_LEVEL_KEYS, "extends"]
    assert problem.line == line_of(text, "total_hvt: 3")
    assert str(problem) == f"{path}:{problem.line}: total_hvt: {problem.message}"


def test_unknown_nested_key_lists_the_nested_allowed_keys(tmp_path: Path) -> None:
    text = edit("    municipality: Parkano\n", "    municipality: Parkano\n    colour: red\n")
    _, problem = load_bad(tmp_path, text, "offices[1].colour")
    assert "unknown key 'colour'" in problem.message
    allowed = {k.strip() for k in problem.message.split("allowed keys:", 1)[1].split(",")}
    assert allowed == {"name", "municipality", "kind", "serves", "min_htv", "max_htv", "optional"}
    assert problem.line == line_of(text, "colour: red")


def test_negative_caseload_value(tmp_path: Path) -> None:
    text = edit("      under_30: 48\n", "      under_30: -5\n")
    _, problem = load_bad(tmp_path, text, "municipalities[1].caseload.under_30")
    assert ">= 0" in problem.message
    assert "-5" in problem.message
    assert problem.line == line_of(text, "under_30: -5")


def test_non_numeric_caseload_value(tmp_path: Path) -> None:
    text = edit("      unemployed: 266\n", "      unemployed: lots\n")
    _, problem = load_bad(tmp_path, text, "municipalities[1].caseload.unemployed")
    assert "must be a number" in problem.message
    assert "'lots'" in problem.message
    assert problem.line == line_of(text, "unemployed: lots")


def test_quoted_number_is_rejected_in_strict_mode(tmp_path: Path) -> None:
    text = edit("total_htv: 32.66\n", 'total_htv: "32.66"\n')
    _, problem = load_bad(tmp_path, text, "total_htv")
    assert "must be a number" in problem.message
    assert "'32.66'" in problem.message
    assert problem.line == line_of(text, 'total_htv: "32.66"')


def test_not_a_finite_number(tmp_path: Path) -> None:
    text = edit("total_htv: 32.66\n", "total_htv: .nan\n")
    _, problem = load_bad(tmp_path, text, "total_htv")
    assert "finite" in problem.message


def test_invalid_feature_name_as_key(tmp_path: Path) -> None:
    text = edit("      unemployed: 266\n", "      Unemployed: 266\n")
    _, problem = load_bad(tmp_path, text, "municipalities[1].caseload.Unemployed")
    assert "invalid key" in problem.message
    assert "'Unemployed'" in problem.message
    assert problem.line == line_of(text, "Unemployed: 266")


def test_central_service_with_both_htv_and_driven_by(tmp_path: Path) -> None:
    text = edit("    htv: 1.0          # §4.4.2",
                "    driven_by: {feature: unemployed, persons_per_htv: 100}\n    htv: 1.0          # §4.4.2")
    _, problem = load_bad(tmp_path, text, "central_services[1]")
    assert "exactly one of 'htv'" in problem.message and "'driven_by'" in problem.message
    assert problem.line == line_of(text, "- name: communications_ict")


def test_central_service_with_neither_htv_nor_driven_by(tmp_path: Path) -> None:
    text = edit('    htv: 1.0          # §4.5: "Hallinnolliset', '    # §4.5: "Hallinnolliset')
    _, problem = load_bad(tmp_path, text, "central_services[3]")
    assert "exactly one of 'htv'" in problem.message
    assert problem.line == line_of(text, "- name: administration")


def test_service_line_without_demand_weights(tmp_path: Path) -> None:
    skills_demand = (
        "    demand:\n"
        "      # §4.2.1: young people under 30 get dedicated coaches and skills paths.\n"
        "      under_30: 0.50\n"
        "      # §7: re-training needs are assessed at the start of unemployment to prevent it\n"
        "      # from lasting; the flow into >3-month unemployment measures that need.\n"
        "      long_unemployment_inflow: 0.50\n"
    )
    text = edit(skills_demand, "    demand: {}\n")
    _, problem = load_bad(tmp_path, text, "service_lines[2].demand")
    assert problem.message == "must not be empty"
    assert problem.line == line_of(text, "demand: {}")


def test_several_shape_problems_are_all_reported_at_once(tmp_path: Path) -> None:
    text = edit("total_htv: 32.66\n", "total_htv: -1\n")
    text = edit("      under_30: 48\n", "      under_30: -5\n", text)
    text = edit("    share: 0.20\n", "    share: big\n", text)
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    problems = info.value.problems
    assert len(problems) == 3, [str(p) for p in problems]
    expected = {
        "total_htv": line_of(text, "total_htv: -1"),
        "municipalities[1].caseload.under_30": line_of(text, "under_30: -5"),
        "service_lines[2].share": line_of(text, "share: big"),
    }
    assert {p.path: p.line for p in problems} == expected
    assert all(p.source == str(path) for p in problems)
    assert "> 0" in the_problem(problems, "total_htv").message
    # The exception text lists every problem, one per line, in file:line: path: message form.
    assert str(info.value).splitlines() == [str(p) for p in problems]
    assert f"{path}:{expected['service_lines[2].share']}: service_lines[2].share: " in str(info.value)


# --- references and arithmetic (cross_check) -------------------------------------------

def test_shares_must_sum_to_one(tmp_path: Path) -> None:
    text = edit("    share: 0.20\n", "    share: 0.25\n")
    _, problem = load_bad(tmp_path, text, "service_lines")
    assert "shares must sum to 1" in problem.message
    assert "0.4 + 0.4 + 0.25 = 1.05" in problem.message
    assert problem.line == line_of(text, "service_lines:")


def test_office_in_unknown_municipality(tmp_path: Path) -> None:
    text = edit("    municipality: Ikaalinen\n", "    municipality: Tampere\n")
    _, problem = load_bad(tmp_path, text, "offices[3].municipality")
    assert "unknown municipality 'Tampere'" in problem.message
    assert problem.line == line_of(text, "municipality: Tampere")


def test_municipality_in_two_areas(tmp_path: Path) -> None:
    text = edit("municipalities: [Ikaalinen]", "municipalities: [Ikaalinen, Kihniö]")
    _, problem = load_bad(tmp_path, text, "areas[3].municipalities[1]")
    assert "'Kihniö' is already in area 'Parkano'" in problem.message
    assert "exactly one area" in problem.message
    assert problem.line == line_of(text, "municipalities: [Ikaalinen, Kihniö]")


def test_area_with_unknown_municipality(tmp_path: Path) -> None:
    text = edit("municipalities: [Ikaalinen]", "municipalities: [Ikaalinen, Tampere]")
    _, problem = load_bad(tmp_path, text, "areas[3].municipalities[1]")
    assert "unknown municipality 'Tampere'" in problem.message


def test_office_serving_a_municipality_of_another_area(tmp_path: Path) -> None:
    text = edit("    municipality: Ikaalinen\n",
                "    municipality: Ikaalinen\n    serves: [Ikaalinen, Parkano]\n")
    _, problem = load_bad(tmp_path, text, "offices[3].serves[1]")
    assert "'Parkano' is in area 'Parkano'" in problem.message
    assert "office 'Ikaalinen office' is in area 'Ikaalinen'" in problem.message
    assert problem.line == line_of(text, "serves: [Ikaalinen, Parkano]")


def test_unknown_lead_municipality(tmp_path: Path) -> None:
    text = edit("lead_municipality: Sastamala\n", "lead_municipality: Tampere\n")
    _, problem = load_bad(tmp_path, text, "lead_municipality")
    assert "unknown municipality 'Tampere'" in problem.message
    assert problem.line == line_of(text, "lead_municipality: Tampere")


def test_demand_weight_on_unknown_feature(tmp_path: Path) -> None:
    text = edit("      labour_force: 0.25\n", "      labor_force: 0.25\n")
    _, problem = load_bad(tmp_path, text, "service_lines[1].demand.labor_force")
    assert "unknown feature 'labor_force'" in problem.message
    assert "labour_force" in problem.message.split("known:", 1)[1]
    assert problem.line == line_of(text, "labor_force: 0.25")


def test_demand_weights_all_zero(tmp_path: Path) -> None:
    text = edit("      under_30: 0.50\n", "      under_30: 0\n")
    text = edit("      long_unemployment_inflow: 0.50\n", "      long_unemployment_inflow: 0\n", text)
    _, problem = load_bad(tmp_path, text, "service_lines[2].demand")
    assert "must not all be zero" in problem.message


def test_municipality_with_an_extra_feature(tmp_path: Path) -> None:
    text = edit("      under_30: 48\n", "      under_30: 48\n      over_70: 3\n")
    _, problem = load_bad(tmp_path, text, "municipalities[1].caseload")
    assert "over_70" in problem.message and "same features" in problem.message


def test_municipality_missing_a_feature(tmp_path: Path) -> None:
    text = edit("      under_30: 48\n", "")
    _, problem = load_bad(tmp_path, text, "municipalities[1].caseload")
    assert "missing feature(s) under_30" in problem.message


def test_derived_feature_on_unknown_feature(tmp_path: Path) -> None:
    text = edit("product: [unemployed, inflow_over_3m_share]", "product: [unemployed, inflow_share]")
    _, problem = load_bad(tmp_path, text, "derived_features.long_unemployment_inflow.product[1]")
    assert "unknown feature 'inflow_share'" in problem.message


def test_central_service_driven_by_unknown_feature(tmp_path: Path) -> None:
    text = edit("feature: foreign_nationals", "feature: foreigners")
    _, problem = load_bad(tmp_path, text, "central_services[0].driven_by.feature")
    assert "unknown feature 'foreigners'" in problem.message
    assert problem.line == line_of(text, "feature: foreigners")


def test_total_htv_not_a_multiple_of_granularity(tmp_path: Path) -> None:
    text = edit("total_htv: 32.66\n", "total_htv: 32.665\n")
    _, problem = load_bad(tmp_path, text, "total_htv")
    assert "32.665 is not a whole multiple of granularity 0.01" in problem.message
    assert problem.line == line_of(text, "total_htv: 32.665")


def test_office_max_below_min(tmp_path: Path) -> None:
    text = edit("    municipality: Parkano\n", "    municipality: Parkano\n    max_htv: 1.0\n")
    _, problem = load_bad(tmp_path, text, "offices[1].max_htv")
    assert "below the office's minimum 2.0" in problem.message
    assert problem.line == line_of(text, "max_htv: 1.0")


# --- the happy path --------------------------------------------------------------------

def test_base_scenario_loads() -> None:
    s = load_scenario(BASE)
    assert isinstance(s, Scenario)
    assert s.name == "base"
    assert len(s.municipalities) == 6
    assert s.municipality_names == ["Hämeenkyrö", "Ikaalinen", "Kihniö", "Parkano", "Punkalaidun",
                                    "Sastamala"]
    assert len(s.areas) == 4
    assert s.lead_municipality == "Sastamala"
    assert s.total_htv == pytest.approx(32.66)
    assert [ln.name for ln in s.service_lines] == ["weaker_position", "job_brokering", "skills"]
    assert s.offices[0].effective_min_htv == schema_module.DEFAULT_OFFICE_MIN_HTV


def test_base_scenario_loads_from_a_string_path() -> None:
    assert load_scenario(str(BASE)).total_htv == pytest.approx(32.66)


def test_json_schema() -> None:
    schema = scenario_json_schema()
    assert isinstance(schema, dict)
    assert {"total_htv", "municipalities", "service_lines"} <= set(schema["properties"])
    assert list(schema["properties"]) == TOP_LEVEL_KEYS
    assert schema["additionalProperties"] is False
    assert schema["type"] == "object"
    assert schema["title"] == "allocator scenario"
    assert "total_htv" in schema["required"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    # Nested models forbid unknown keys too.
    assert schema["$defs"]["Office"]["additionalProperties"] is False
