"""``--set PATH=VALUE`` and ``--caseload FILE`` on every command that loads a scenario.

A valid ``--set`` changes the allocation as the same change in the file would, and the
manifest records it; invalid ones are all reported at once, each naming ``--set PATH``
and what is wrong, with exit 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from allocator.cli import main
from allocator.cli.report import reproducing_command
from allocator.engine.manifest import scenario_sha256
from allocator.errors import ScenarioError
from allocator.scenario.loading import load_scenario
from allocator.scenario.overrides import Overrides, parse_setting

BASE = Path(__file__).parents[1] / "scenarios" / "base.yaml"
HTV_30 = Path(__file__).parents[1] / "scenarios" / "htv-30.yaml"
COMMANDS = ["run", "compare", "report", "sweep", "tornado", "tipping", "montecarlo", "robust"]


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def summary(*args: str | Path) -> dict[str, Any]:
    result = invoke("run", BASE, "--json", "--no-files", *args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_that_loads_a_scenario_takes_both_options(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "--caseload" in result.stdout
    assert "--set PATH=VALUE" in result.stdout


def test_set_gives_the_allocation_of_the_same_change_in_a_file() -> None:
    by_option = summary("--set", "total_htv=30")
    by_file = json.loads(invoke("run", HTV_30, "--json", "--no-files").stdout)
    assert by_option["allocations"] == by_file["allocations"]
    total = sum(a["htv"] for a in by_option["allocations"]) + sum(
        c["htv"] for c in by_option["central_services"])
    assert total == pytest.approx(30.0)
    assert by_option["manifest"]["changes"] == [{"option": "--set", "value": "total_htv=30"}]
    assert by_option["manifest"]["file"] == str(BASE)


def test_set_by_item_name_and_by_index_are_the_same_change() -> None:
    base = load_scenario(BASE)
    by_name = Overrides(settings=("offices.Parkano office.min_htv=3",
                                  "municipalities.Sastamala.caseload.unemployed=800")).apply(base)
    by_index = Overrides(settings=("offices[1].min_htv=3",
                                   "municipalities[5].caseload.unemployed=800")).apply(base)
    assert scenario_sha256(by_name) == scenario_sha256(by_index)
    assert by_name.offices[1].min_htv == 3
    assert by_name.feature_values()["unemployed"]["Sastamala"] == 800


def test_values_are_read_as_a_scenario_file_reads_them() -> None:
    assert parse_setting("offices.Parkano office.optional=true") == (
        "offices.Parkano office.optional", True)
    assert parse_setting("areas.Sastamala.municipalities=[Sastamala, Punkalaidun]") == (
        "areas.Sastamala.municipalities", ["Sastamala", "Punkalaidun"])
    assert parse_setting("title=Board, March") == ("title", "Board, March")


def test_set_applies_after_the_caseload_table(tmp_path: Path) -> None:
    table = tmp_path / "figures.csv"
    assert invoke("caseload", "export", BASE, "--out", table).exit_code == 0
    changes = Overrides(table, ("municipalities.Kihniö.caseload.unemployed=70",))
    changed = changes.apply(load_scenario(BASE))
    assert changed.feature_values()["unemployed"]["Kihniö"] == 70
    assert changed.feature_values()["unemployed"]["Sastamala"] == 759
    assert [c["option"] for c in changes.record()] == ["--caseload", "--set"]


def test_every_invalid_set_is_reported_at_once() -> None:
    result = invoke("run", BASE, "--no-files",
                    "--set", "total_htv=-1",
                    "--set", "offices.Parkano office.min_htv=abc",
                    "--set", "offices.Nowhere.min_htv=1",
                    "--set", "granularity=0,05",
                    "--set", "total_htvv=3",
                    "--set", "solver.workers=",
                    "--set", "noequals")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [ln.strip() for ln in result.stderr.splitlines()[1:]]
    assert lines[:3] == [
        "--set solver.workers: no value after '='",
        "--set: 'noequals' is not of the form PATH=VALUE (e.g. total_htv=30)",
        "--set offices.Nowhere.min_htv: no item named 'Nowhere' (known: Sastamala office, "
        "Parkano office, Hämeenkyrö office, Ikaalinen office)",
    ]
    rest = set(lines[3:])
    assert "--set total_htv: must be > 0.0, got -1" in rest
    assert "--set offices.Parkano office.min_htv: must be a number, got 'abc'" in rest
    assert ("--set granularity: must be a number, got '0,05'; write 0.05 (a decimal point, "
            "not a comma)") in rest
    unknown = [ln for ln in rest
               if ln.startswith("--set total_htvv: unknown key 'total_htvv'; allowed keys:")]
    assert len(unknown) == 1
    # A changed copy cannot say 'extends:', so the key is not offered.
    allowed = {k.strip() for k in unknown[0].split("allowed keys:", 1)[1].split(",")}
    assert "total_htv" in allowed and "extends" not in allowed
    assert len(lines) == 7


def test_a_problem_of_the_changed_whole_names_the_settings() -> None:
    with pytest.raises(ScenarioError) as caught:
        Overrides(settings=("service_lines.skills.share=0.3",)).apply(load_scenario(BASE))
    assert [str(p) for p in caught.value.problems] == [
        "--set service_lines.skills.share: service_lines: shares must sum to 1, but "
        "0.4 + 0.4 + 0.3 = 1.1"]


def test_invalid_set_on_several_scenarios_is_said_once(tmp_path: Path) -> None:
    result = invoke("compare", BASE, HTV_30, "--set", "total_htv=-2", "--out", tmp_path)
    assert result.exit_code == 2
    assert result.stderr.count("--set total_htv: must be > 0.0, got -2") == 1


def test_a_set_that_fits_only_some_scenarios_names_the_others(tmp_path: Path) -> None:
    points = Path(__file__).parents[1] / "scenarios" / "service-points.yaml"
    result = invoke("compare", BASE, points, "--set",
                    "offices.Punkalaidun service point.min_htv=1", "--out", tmp_path)
    assert result.exit_code == 2
    assert ("--set offices.Punkalaidun service point.min_htv: no item named 'Punkalaidun "
            f"service point' (known: Sastamala office, Parkano office, Hämeenkyrö office, "
            f"Ikaalinen office) (in {BASE})") in result.stderr


def test_set_on_an_analysis_command(tmp_path: Path) -> None:
    result = invoke("sweep", BASE, "--set", "total_htv=30", "--param", "offices[0].min_htv=2,3",
                    "--executor", "sequential", "--quiet", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    rows = (tmp_path / "sweep.csv").read_text(encoding="utf-8")
    assert "offices[0].min_htv" in rows
    bad = invoke("tornado", BASE, "--set", "total_htv=0", "--out", tmp_path)
    assert bad.exit_code == 2
    assert "--set total_htv: must be > 0.0, got 0" in bad.stderr


def test_the_board_pack_command_line_repeats_the_changes() -> None:
    line = reproducing_command([BASE], Path("out"), "en", 50, 0, "total_htv=28:36:1",
                               "sequential", None,
                               Overrides(Path("march.csv"), ("total_htv=30",)).command_line())
    assert line.endswith("--caseload march.csv --set total_htv=30")


POINTS = Path(__file__).parents[1] / "scenarios" / "service-points.yaml"


def test_set_remove_deletes_an_item_as_remove_true_in_a_file_does(tmp_path: Path) -> None:
    name = "Kihniö service point"
    by_option = load_scenario(POINTS).with_changes({f"offices.{name}.remove": True})
    file = tmp_path / "fewer.yaml"
    file.write_text(f"extends: {POINTS}\noffices:\n  - name: {name}\n    remove: true\n",
                    encoding="utf-8")
    assert scenario_sha256(by_option) == scenario_sha256(load_scenario(file))
    assert name not in [o.name for o in by_option.offices]


def test_removing_both_service_points_gives_the_base_allocation() -> None:
    result = invoke("run", POINTS, "--json", "--no-files",
                    "--set", "offices.Punkalaidun service point.remove=true",
                    "--set", "offices.Kihniö service point.remove=true")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["allocations"] == summary()["allocations"]


def test_remove_takes_only_true_and_says_what_removing_breaks() -> None:
    wrong = invoke("run", BASE, "--no-files", "--set", "offices.Parkano office.remove=false")
    assert wrong.exit_code == 2
    assert ("--set offices.Parkano office.remove: 'remove' deletes the item and takes only "
            "true, got False") in wrong.stderr
    gone = invoke("run", BASE, "--no-files", "--set", "offices.Parkano office.remove=true")
    assert gone.exit_code == 2
    assert "no office serves 'Kihniö'" in gone.stderr
