"""Alabama and population paradoxes: found between solved variants, written and named.

The known events are measured on the cases themselves: on the base case, total_htv
30.13 -> 30.14 takes 0.01 HTV from Kihniö's job brokering (and so from Kihniö and the
Parkano area) although every target rises; on the tiny case, a2's unemployed 91 -> 92
takes 0.1 HTV from area A although its target rises.
"""

from __future__ import annotations

from dataclasses import replace
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
import yaml
from builders import tiny, tiny_data, tiny_with
from click.testing import CliRunner
from rich.console import Console

from allocator.analysis.board import PackAnalysis, PackOptions, SweepParadoxes, analyse_pack
from allocator.analysis.monte_carlo import monte_carlo_with_paradoxes, paradox_counts
from allocator.analysis.paradox import (
    COLUMNS,
    frame_of,
    kind_of,
    pair_events,
    scenario_events,
    summarise,
)
from allocator.analysis.points import RunOptions, evaluate
from allocator.analysis.sweep import sweep, sweep_paradoxes, sweep_with_paradoxes
from allocator.cli import main
from allocator.engine.pipeline import allocate, settings_for
from allocator.reports.board_pack.blocks import Paragraph
from allocator.reports.board_pack.build import _Builder
from allocator.reports.terminal_sensitivity import print_sweep_paradoxes
from allocator.scenario.loading import load_scenario

BASE_FILE = Path(__file__).parents[1] / "scenarios" / "base.yaml"
BASE = load_scenario(BASE_FILE)
SEQUENTIAL = RunOptions(executor="sequential")
A2 = "municipalities.a2.caseload.unemployed"


@pytest.fixture(scope="module")
def base_step() -> tuple[pd.DataFrame, pd.DataFrame]:
    return sweep_with_paradoxes(BASE, [("total_htv", [30.13, 30.14])], options=SEQUENTIAL)


def test_the_kind_follows_the_swept_path() -> None:
    assert kind_of("total_htv") == "alabama"
    assert kind_of("municipalities.Kihniö.caseload.unemployed") == "population"
    assert kind_of("municipalities[2].caseload.unemployed") == "population"
    assert kind_of("service_lines.skills.share") is None


def test_the_base_case_alabama_step_is_found_with_its_sizes(
        base_step: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    frame, events = base_step
    assert list(events.columns) == COLUMNS and events.attrs["steps"] == {"total_htv": 1}
    assert set(events["kind"]) == {"alabama"}
    rows = {(r.level, r.name): r for r in events.itertuples()}
    assert set(rows) == {("cell", "Kihniö / job_brokering"), ("municipality", "Kihniö"),
                         ("area", "Parkano")}
    cell = rows[("cell", "Kihniö / job_brokering")]
    assert (cell.from_value, cell.to_value) == (30.13, 30.14)
    assert (cell.htv_before, cell.htv_after) == pytest.approx((0.29, 0.28))
    assert cell.target_after > cell.target_before
    area = rows[("area", "Parkano")]
    assert (area.htv_before, area.htv_after) == pytest.approx((4.03, 4.02))
    assert area.target_after > area.target_before
    # The sweep's own frame is unchanged and agrees with the event.
    parkano = frame[frame["area"] == "Parkano"].set_index("value")["htv"]
    assert parkano.to_dict() == pytest.approx({30.13: 4.03, 30.14: 4.02})


def test_the_same_pair_in_either_order_is_the_same_event() -> None:
    low, high = evaluate(BASE, {"total_htv": 30.13}), evaluate(BASE, {"total_htv": 30.14})
    forward = pair_events(low, high, "alabama", "total_htv")
    assert forward == pair_events(high, low, "alabama", "total_htv")
    assert {(r["level"], r["name"]) for r in forward} >= {("area", "Parkano")}


def test_a_population_event_on_the_tiny_case() -> None:
    events = sweep_paradoxes(tiny(), [(A2, [91.0, 92.0])], options=SEQUENTIAL)
    assert events[["kind", "level", "name"]].values.tolist() == [["population", "area", "A"]]
    row = events.iloc[0]
    assert (row["from_value"], row["to_value"]) == (91.0, 92.0)
    assert (row["htv_before"], row["htv_after"]) == pytest.approx((5.8, 5.7))
    assert row["target_after"] > row["target_before"]
    (only,) = summarise(events, 1)
    assert (only.kind, only.level, only.steps, only.of) == ("population", "area", 1, 1)


def test_no_event_where_the_caseload_rise_does_not_cost_anyone() -> None:
    events = sweep_paradoxes(tiny(), [("municipalities.a1.caseload.unemployed",
                                       [300.0, 301.0, 302.0])], options=SEQUENTIAL)
    assert events.empty and list(events.columns) == COLUMNS
    assert events.attrs["steps"] == {"municipalities.a1.caseload.unemployed": 2}


def test_another_input_has_no_paradox_and_sweep_keeps_its_columns() -> None:
    params = [("service_lines.youth.share", [0.4, 0.45])]
    frame, events = sweep_with_paradoxes(tiny(), params, options=SEQUENTIAL)
    assert events.empty
    pd.testing.assert_frame_equal(frame, sweep(tiny(), params, options=SEQUENTIAL))


def test_the_sweep_command_writes_and_names_the_paradoxes(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    result = CliRunner().invoke(main, ["sweep", str(BASE_FILE), "--param",
                                       "total_htv=30.13,30.14", "--out", str(out),
                                       "--executor", "sequential", "--quiet"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert ("Alabama paradox: in 1 of 1 steps an area's HTV fell while total_htv rose, "
            "e.g. Parkano 4.03 -> 4.02 HTV at total_htv 30.13 -> 30.14") in text
    written = pd.read_csv(out / "paradoxes.csv")
    assert list(written.columns) == COLUMNS and len(written) == 3
    assert (out / "sweep.csv").exists()


def test_the_sweep_command_writes_a_header_when_there_is_none(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    result = CliRunner().invoke(main, ["sweep", str(BASE_FILE), "--param",
                                       "total_htv=30.12,30.13", "--out", str(out),
                                       "--executor", "sequential", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "No Alabama or population paradox in the 1 steps of total_htv." in result.output
    assert (out / "paradoxes.csv").read_text() == ",".join(COLUMNS) + "\n"


# --- compare --------------------------------------------------------------------------------

def _budget(tmp_path: Path, name: str, total: float) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"extends: {BASE_FILE}\nname: {name}\ntotal_htv: {total}\n", encoding="utf-8")
    return path


def test_compare_names_the_alabama_event_between_two_budgets(tmp_path: Path) -> None:
    low, high = _budget(tmp_path, "low", 30.13), _budget(tmp_path, "high", 30.14)
    split = Path(__file__).parents[1] / "scenarios" / "split-35-45-20.yaml"
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["compare", str(low), str(high), str(split),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert ("Alabama paradox between low and high: HTV fell while the budget rose: Kihniö "
            "(municipality) 0.80 -> 0.79 HTV, Parkano (area) 4.03 -> 4.02 HTV.") in text
    written = pd.read_csv(out / "paradoxes.csv")
    assert list(written.columns) == ["scenario", *COLUMNS]
    assert written[["scenario", "level", "name"]].values.tolist() == [
        ["high", "municipality", "Kihniö"], ["high", "area", "Parkano"]]
    assert set(written["kind"]) == {"alabama"}  # the split differs in more than the budget


def test_compare_finds_a_population_event_only_where_caseload_alone_differs() -> None:
    def a2(value: int) -> object:
        def edit(data: dict[str, object]) -> None:
            data["municipalities"][1]["caseload"]["unemployed"] = value  # type: ignore[index]
            data["name"] = f"a2-{value}"
        return edit

    low, high = tiny_with(a2(91)), tiny_with(a2(92))
    results = [allocate(s, settings_for(s)) for s in (low, high, tiny(total_htv=11.0))]
    events = scenario_events(results, ["low", "high", "budget"])
    assert events.attrs["compared"] == ["high"]  # the budget scenario also moves the caseload
    assert events[["kind", "level", "name"]].values.tolist() == [["population", "area", "A"]]
    assert (events.iloc[0]["htv_before"], events.iloc[0]["htv_after"]) == pytest.approx((5.8, 5.7))


# --- the board pack -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pack_analysis() -> PackAnalysis:
    options = PackOptions(runs=2, sweep="total_htv=30.12:30.14:0.01", executor="sequential")
    return analyse_pack([(str(BASE_FILE), BASE)], options)


def _sentences(analysis: PackAnalysis, lang: str, found: SweepParadoxes | None = None) -> str:
    b = _Builder(replace(analysis, options=replace(analysis.options, lang=lang)), "", "now")
    assert analysis.sensitivity is not None
    blocks = b.sweep_paradoxes(found or analysis.sensitivity.paradoxes)
    return " ".join(block.text for block in blocks if isinstance(block, Paragraph))


def test_the_pack_counts_the_sweeps_paradoxes(pack_analysis: PackAnalysis) -> None:
    assert pack_analysis.sensitivity is not None
    found = pack_analysis.sensitivity.paradoxes
    assert found is not None and found.kind == "alabama" and found.steps == 2
    assert found.counts == {"cell": 1, "municipality": 1, "area": 1}
    assert _sentences(pack_analysis, "en") == (
        "Rounding to whole units cannot avoid every paradox: although the budget rose, a "
        "municipality's service line lost person-years in 1 of the 2 steps, a municipality in "
        "1 and an area in 1 (an Alabama paradox). The largest: Parkano 4.03 → 4.02 HTV at "
        "total_htv 30.13 → 30.14.")
    fi = _sentences(pack_analysis, "fi")
    assert "Alabaman paradoksi" in fi and "Parkano 4,03 → 4,02 HTV" in fi  # decimal commas


def test_the_pack_says_when_the_sweep_showed_none(pack_analysis: PackAnalysis) -> None:
    none = SweepParadoxes("alabama", 4, {"cell": 0, "municipality": 0, "area": 0}, None,
                          frame_of([]))
    assert _sentences(pack_analysis, "en", none) == (
        "No paradox of rounding in the 4 steps: no area, municipality or municipality's "
        "service line lost person-years while the budget rose.")
    assert "Ei pyöristyksen paradokseja 4 askeleella" in _sentences(pack_analysis, "fi", none)
    other = SweepParadoxes(None, 4, none.counts, None, frame_of([]))
    assert _sentences(pack_analysis, "en", other) == ""


# --- Monte Carlo ----------------------------------------------------------------------------

def test_monte_carlo_reports_runs_where_a_rising_caseload_lost_htv(tmp_path: Path) -> None:
    frame, events = monte_carlo_with_paradoxes(tiny(), 28, options=SEQUENTIAL)
    assert list(frame.columns) == ["run", "area", "htv", "base_htv", "change_htv", "status",
                                   "verified", "proof"]
    assert events.attrs["runs"] == 28
    assert events[["run", "kind", "level", "name"]].values.tolist() == [
        [27, "population", "cell", "a1 / youth"]]
    row = events.iloc[0]
    assert (row["from_value"], row["to_value"]) == (40.0, 41.0)  # a1's young, base -> run
    assert (row["htv_before"], row["htv_after"]) == pytest.approx((1.5, 1.4))
    assert row["target_after"] >= row["target_before"]
    assert paradox_counts(events).values.tolist() == [["cell", "a1 / youth", 1, 0.1]]

    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_data()), encoding="utf-8")
    out = tmp_path / "mc"
    result = CliRunner().invoke(main, ["montecarlo", str(path), "--runs", "28", "--out",
                                       str(out), "--executor", "sequential", "--quiet"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert ("Population paradox: in 1 of 28 runs a municipality × line cell's HTV fell while "
            "its own caseload rose against the base, e.g. a1 / youth 1.50 -> 1.40 HTV in run "
            "27 (runs per item: a1 / youth 1)") in text
    written = pd.read_csv(out / "paradoxes.csv")
    assert list(written.columns) == ["run", *COLUMNS] and len(written) == 1
    assert list(pd.read_csv(out / "montecarlo.csv").columns) == list(frame.columns)


def test_no_paradox_line_for_an_input_that_cannot_show_one() -> None:
    params = [("service_lines.youth.share", [0.4, 0.45]), ("total_htv", [10.0, 10.1])]
    events = sweep_paradoxes(tiny(), params, options=SEQUENTIAL)
    console = Console(file=StringIO(), width=200)
    print_sweep_paradoxes(events, console)
    assert console.file.getvalue() == (  # type: ignore[attr-defined]
        "No Alabama or population paradox in the 1 steps of total_htv.\n")
