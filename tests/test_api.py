"""The Python API a notebook uses: ``import allocator`` and its few lazy names.

Covers the light package import, load and allocate on paths, Scenarios and dicts (the same
engine and settings as the command), variants with with_changes and scale_caseload, the
wide allocation table, the Result's repr and HTML view (escaped), and errors that are
ScenarioError with the command's file:line messages.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import allocator
from allocator.cli import main
from allocator.engine.manifest import scenario_sha256
from allocator.engine.result import Result, Status
from allocator.errors import ScenarioError
from allocator.scenario.schema import Scenario
from allocator.scenario.variants import scenario_data

ROOT = Path(__file__).parents[1]
BASE = ROOT / "scenarios" / "base.yaml"
HEAVY = ("pandas", "matplotlib", "ortools", "pydantic", "rich")
#: The unemployed and their subgroups in base.yaml (what unemployment-up.yaml scales).
UNEMPLOYED = ["unemployed", "men", "women", "under_30", "over_50", "structurally_unemployed",
              "long_term_unemployed", "partially_able", "foreign_nationals"]


@pytest.fixture(scope="module")
def base() -> Scenario:
    return allocator.load(BASE)


@pytest.fixture(scope="module")
def solved(base: Scenario) -> Result:
    return allocator.allocate(base)


def loaded_after(code: str) -> list[str]:
    """The heavy libraries in sys.modules after running ``code`` in a fresh interpreter."""
    probe = f"import sys\n{code}\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    return list(eval(done.stdout.strip().splitlines()[-1]))


# --- the package import ---------------------------------------------------------------------
def test_import_allocator_loads_no_heavy_library() -> None:
    assert loaded_after("import allocator; allocator.__version__; dir(allocator)") == []


def test_loading_a_scenario_needs_no_solver_tables_or_charts() -> None:
    assert loaded_after("import allocator; allocator.load('scenarios/base.yaml')") == ["pydantic"]


def test_every_public_name_resolves() -> None:
    for name in allocator.__all__:
        assert getattr(allocator, name) is not None, name
    assert set(allocator.__all__) <= set(dir(allocator))
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        allocator.nothing_here  # noqa: B018


def test_functions_and_the_modules_they_come_from_keep_apart() -> None:
    # Importing allocator.analysis.compare sets the package attribute 'compare' to the module: the
    # comparison function therefore has another name, and both stay usable.
    import allocator.analysis.compare
    import allocator.engine.explain

    assert callable(allocator.compare_results)
    assert allocator.compare_results is allocator.analysis.compare.compare
    assert allocator.explain_result is allocator.engine.explain.explain
    assert allocator.charts.plot_line_shares is allocator.charts.compare.plot_line_shares


def test_a_submodule_is_loaded_on_first_access() -> None:
    code = "import allocator; print(allocator.variants.merge_data({'a': 1}, {'b': 2}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.strip() == "{'a': 1, 'b': 2}"


# --- load and allocate ----------------------------------------------------------------------
def test_allocate_a_path_equals_the_loaded_scenario(solved: Result) -> None:
    from_path = allocator.allocate(str(BASE))
    assert from_path.source == str(BASE) and solved.source is None
    assert from_path.status == Status.OPTIMAL and from_path.verified
    assert from_path.allocation == solved.allocation
    assert from_path.allocation_frame().equals(solved.allocation_frame())


def test_allocate_plain_data_built_in_code(base: Scenario) -> None:
    data = scenario_data(base)
    data["total_htv"] = 31.0
    result = allocator.allocate(data)
    assert result.source is None and result.verified
    assert result.by_area().iloc[-1]["total_htv"] == 31.0


def test_allocate_uses_the_commands_settings(base: Scenario) -> None:
    result = allocator.allocate(base, time_limit=7.5, workers=1)
    assert result.solver.time_limit == 7.5 and result.solver.workers == 1
    assert allocator.allocate(base).solver.time_limit == base.solver.time_limit


def test_an_infeasible_scenario_returns_its_conflicts(base: Scenario) -> None:
    result = allocator.allocate(base.with_changes({"total_htv": 12.0}))
    assert result.status == Status.INFEASIBLE and not result.verified
    assert result.allocation is None
    assert result.conflicts and "raise total_htv from 12.00 to 13.14 HTV" in str(
        result.conflicts[0].fix)


# --- variants -------------------------------------------------------------------------------
def test_variants_change_budget_split_and_weights(base: Scenario, solved: Result) -> None:
    fewer = allocator.allocate(base.with_changes({"total_htv": 30.0}))
    assert fewer.by_area().iloc[-1]["total_htv"] == 30.0
    split = allocator.allocate(base.with_changes({"service_lines.weaker_position.share": 0.45,
                                                  "service_lines.job_brokering.share": 0.35}))
    shares = split.by_line().set_index("service_line")["target_share"]
    assert shares.to_dict() == {"weaker_position": 0.45, "job_brokering": 0.35, "skills": 0.2}
    young = allocator.allocate(base.with_changes({"service_lines.skills.demand.under_30": 1.0}))
    targets = young.targets_frame().set_index(["municipality", "service_line"])["target_htv"]
    before = solved.targets_frame().set_index(["municipality", "service_line"])["target_htv"]
    # Ikaalinen has 16 % of the under-30s (48/305) but 10 % of the inflow into long
    # unemployment (266 × 0.285 of 781): weighing the young more moves skills HTV there.
    assert targets[("Ikaalinen", "skills")] > before[("Ikaalinen", "skills")]
    assert targets[("Sastamala", "skills")] < before[("Sastamala", "skills")]
    assert base.total_htv == 32.66  # the loaded scenario is never changed


def test_scale_caseload_scales_the_named_features_of_the_named_municipalities(
        base: Scenario) -> None:
    more = allocator.scale_caseload(base, {"Sastamala": 1.1, "Kihniö": 0.5}, features=UNEMPLOYED)
    before, after = base.feature_values(), more.feature_values()
    assert after["unemployed"]["Sastamala"] == pytest.approx(834.9)
    assert after["long_term_unemployed"]["Kihniö"] == pytest.approx(9.5)
    assert after["unemployed"]["Parkano"] == before["unemployed"]["Parkano"]
    assert after["labour_force"] == before["labour_force"]
    assert after["inflow_over_3m_share"] == before["inflow_over_3m_share"]
    # The derived inflow count follows the unemployed, once.
    assert after["long_unemployment_inflow"]["Sastamala"] == pytest.approx(
        1.1 * before["long_unemployment_inflow"]["Sastamala"])


def test_scale_caseload_by_default_scales_counts_and_leaves_rates(base: Scenario) -> None:
    more = allocator.scale_caseload(base, {"Ikaalinen": 1.2})
    before, after = base.feature_values(), more.feature_values()
    for feature in [*UNEMPLOYED, "labour_force"]:
        assert after[feature]["Ikaalinen"] == pytest.approx(1.2 * before[feature]["Ikaalinen"])
    assert after["inflow_over_3m_share"]["Ikaalinen"] == before["inflow_over_3m_share"]["Ikaalinen"]
    assert scenario_sha256(allocator.scale_caseload(base, {"Ikaalinen": 1.0})) == \
        scenario_sha256(base)


def test_scale_caseload_moves_htv_towards_the_municipality(base: Scenario,
                                                           solved: Result) -> None:
    more = allocator.allocate(allocator.scale_caseload(base, {"Parkano": 1.3}, UNEMPLOYED))
    area = more.by_area().set_index("area")["customer_htv"]
    assert area["Parkano"] > solved.by_area().set_index("area")["customer_htv"]["Parkano"]
    assert more.verified


def test_scale_caseload_names_what_it_cannot_scale(base: Scenario) -> None:
    with pytest.raises(ScenarioError) as info:
        allocator.scale_caseload(base, {"Tampere": 1.1}, features=["unemployed", "jobs"])
    text = str(info.value)
    assert "<changes>: municipalities.Tampere: no municipality named 'Tampere' (known: " \
        "Hämeenkyrö, Ikaalinen, Kihniö, Parkano, Punkalaidun, Sastamala)" in text
    assert "<changes>: caseload.jobs: no base caseload feature 'jobs'" in text
    with pytest.raises(ScenarioError, match=r"municipalities\[5\]\.caseload\.unemployed: "
                                            r"must be >= 0"):
        allocator.scale_caseload(base, {"Sastamala": -1.0}, features=["unemployed"])


# --- tables and display ---------------------------------------------------------------------
def test_wide_table_has_a_row_per_office_and_municipality_served(solved: Result) -> None:
    wide = solved.allocation_wide()
    lines = list(solved.data.lines)
    assert list(wide.columns) == ["area", "office", "municipality", *lines, "customer_htv"]
    assert list(zip(wide["office"], wide["municipality"], strict=True)) == [
        ("Sastamala office", "Punkalaidun"), ("Sastamala office", "Sastamala"),
        ("Parkano office", "Kihniö"), ("Parkano office", "Parkano"),
        ("Hämeenkyrö office", "Hämeenkyrö"), ("Ikaalinen office", "Ikaalinen")]
    by_area = solved.by_area().set_index("area")
    sums = wide.groupby("area", sort=False)[[*lines, "customer_htv"]].sum().round(2)
    for area, row in sums.iterrows():
        for column in [*lines, "customer_htv"]:
            assert row[column] == by_area.loc[area, column], (area, column)
    assert (wide[lines].sum(axis=1).round(2) == wide["customer_htv"]).all()


def test_wide_table_keeps_rows_an_office_does_not_staff(base: Scenario) -> None:
    points = allocator.allocate(allocator.load(ROOT / "scenarios" / "service-points.yaml"))
    wide = points.allocation_wide()
    assert len(wide) == len(points.allocation_frame()) // len(points.data.lines)
    assert wide["customer_htv"].sum().round(2) == float(points.htv(points.data.customer_units))


def test_repr_is_one_line(solved: Result) -> None:
    assert repr(solved) == "<Result 'base': OPTIMAL, verified, 32.66 HTV>"


def test_html_view_shows_the_verdicts_and_the_area_table(solved: Result) -> None:
    html = solved._repr_html_()
    assert "Western Pirkanmaa, July 2023 caseload, 32.66 HTV" in html
    assert "32.66 HTV (27.52 customer service + 5.14 central)" in html
    assert "proven optimal" in html and "Verifier: " in html and "passed" in html
    for label in ("Weaker-position and multisectoral services", "Job brokering",
                  "Skills development", "Central services", "Unemployed per HTV"):
        assert f">{label}</th>" in html
    for area in ("Sastamala", "Parkano", "Hämeenkyrö", "Ikaalinen", "Total"):
        assert f">{area}</td>" in html
    # Sastamala: 4.68 + 5.20 + 2.73 customer service, 5.14 central, 17.75 in all.
    assert ">12.61</td>" in html and ">17.75</td>" in html


def test_html_view_escapes_the_scenario_text(base: Scenario) -> None:
    title = "<script>alert('x')</script> & <b>co</b>"
    result = allocator.allocate(base.with_changes({
        "title": title, "service_lines.skills.label": "<i>skills</i>"}))
    html = result._repr_html_()
    assert "<script>" not in html and "<b>co" not in html and "<i>skills" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;co&lt;/b&gt;" in html
    assert "&lt;i&gt;skills&lt;/i&gt;" in html


def test_html_view_of_an_infeasible_result_shows_the_conflict(base: Scenario) -> None:
    html = allocator.allocate(base.with_changes({"total_htv": 12.0}))._repr_html_()
    assert "infeasible: the rules cannot all hold" in html and "not run (no allocation)" in html
    assert "<em>fix:</em> raise total_htv from 12.00 to 13.14 HTV" in html
    assert "<table" not in html


# --- errors ---------------------------------------------------------------------------------
def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def cli_problems(path: Path) -> list[str]:
    result = CliRunner().invoke(main, [str(path), "--no-files"])
    assert result.exit_code == 2, result.output
    return [line.strip() for line in result.stderr.splitlines()[1:]]


@pytest.mark.parametrize("call", [allocator.load, allocator.allocate])
def test_an_invalid_file_raises_the_commands_messages(tmp_path: Path, call: Any) -> None:
    child = write(tmp_path / "child.yaml",
                  f"extends: {BASE}\nname: child\ntotal_htv: -1\ngranularity: 0\n")
    with pytest.raises(ScenarioError) as info:
        call(child)
    lines = str(info.value).splitlines()
    assert f"{child}:3: total_htv: must be > 0.0, got -1" in lines
    assert f"{child}:4: granularity: must be > 0.0, got 0" in lines
    assert lines == cli_problems(child)


def test_an_error_inherited_from_the_parent_points_at_the_parent(tmp_path: Path) -> None:
    parent = write(tmp_path / "parent.yaml", BASE.read_text(encoding="utf-8").replace(
        "    persons_per_htv: 50", "    persons_per_htv: -50"))
    child = write(tmp_path / "child.yaml", "extends: parent.yaml\nname: child\n")
    with pytest.raises(ScenarioError) as info:
        allocator.allocate(child)
    (problem,) = info.value.problems
    assert problem.source == str(parent) and problem.path == \
        "central_services[0].driven_by.persons_per_htv"
    assert str(info.value) == cli_problems(child)[0]


def test_a_missing_file_and_a_dict_that_extends_are_plain_errors(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"nothing\.yaml: file does not exist"):
        allocator.allocate(tmp_path / "nothing.yaml")
    with pytest.raises(ScenarioError, match=r"<dict>: extends: only a scenario file can extend"):
        allocator.load({"extends": str(BASE), "total_htv": 30.0})


def test_caseload_changes_are_the_figures_scale_caseload_sets(base: Scenario) -> None:
    from allocator.scenario.variants import caseload_changes, count_features

    changes = caseload_changes(base, {"Ikaalinen": 1.15, "Parkano": 1.0})
    assert set(changes) == {f"municipalities.Ikaalinen.caseload.{f}"
                            for f in count_features(base)}
    assert "inflow_over_3m_share" not in count_features(base)
    assert scenario_sha256(base.with_changes(changes)) == scenario_sha256(
        allocator.scale_caseload(base, {"Ikaalinen": 1.15}))
