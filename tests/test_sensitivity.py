"""Sweeps, tornado, tipping points and Monte Carlo: library functions and their commands.

The base case is used where its figures matter (a sweep and a Monte Carlo with few runs);
everything else runs on the tiny scenario of tests/builders.py or a two-municipality case
whose tipping points can be computed by hand.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from builders import tiny, tiny_data, tiny_with
from click.testing import CliRunner, Result

from allocator.analysis.sensitivity import (
    RunOptions,
    count_features,
    draw_caseload,
    input_at,
    monte_carlo,
    numeric_inputs,
    parse_param,
    rebalanced_changes,
    stability,
    sweep,
    tipping_points,
    tornado,
)
from allocator.cli import main
from allocator.engine.pipeline import allocate
from allocator.errors import InfeasibleError, ScenarioError
from allocator.scenario.loading import load_scenario
from allocator.scenario.schema import Scenario

BASE_FILE = Path(__file__).parents[1] / "scenarios" / "base.yaml"
BASE = load_scenario(BASE_FILE)
SEQUENTIAL = RunOptions(executor="sequential")
POOL = RunOptions(executor="local", processes=2)


def by_area(result: Any) -> dict[str, float]:
    """Customer-service HTV per area from a pipeline Result."""
    frame = result.by_area()
    frame = frame[frame["area"] != "Total"]
    return dict(zip(frame["area"], frame["customer_htv"], strict=True))


def hand_case() -> Scenario:
    """Two areas of one municipality each, 10 HTV in whole units, one line, no central services.

    With u_b unemployed in b and 50 in a, b's target is 10 u_b / (50 + u_b). Allocations are
    whole HTV, so B keeps 5 HTV while its target is within 4.5..5.5: up to u_b = 50 (1 + 2/9)
    and down to u_b = 50 (1 − 2/11). Those are the tipping points.
    """
    return Scenario.model_validate({
        "name": "hand", "total_htv": 10.0, "granularity": 1.0, "lead_municipality": "a",
        "municipalities": [{"name": "a", "caseload": {"unemployed": 50}},
                           {"name": "b", "caseload": {"unemployed": 50}}],
        "areas": [{"name": "A", "municipalities": ["a"]}, {"name": "B", "municipalities": ["b"]}],
        "offices": [{"name": "A office", "municipality": "a", "min_htv": 1.0},
                    {"name": "B office", "municipality": "b", "min_htv": 1.0}],
        "service_lines": [{"name": "all", "share": 1.0, "tolerance": 0.0,
                           "demand": {"unemployed": 1}}],
    })


# --- inputs, paths and the rebalance rule ------------------------------------------------

def test_numeric_inputs_of_the_base_case() -> None:
    inputs = {i.path: i for i in numeric_inputs(BASE)}
    # 1 total + 6 × 11 caseload figures + 8 weights + 3 shares + 3 tolerances + 4 offices
    # + 4 central services.
    assert len(inputs) == 89
    assert inputs["offices.Parkano office.min_htv"].value == 2.0  # the default, made explicit
    assert inputs["total_htv"].quantum == Fraction(1, 100)
    assert inputs["central_services.integration_services.driven_by.persons_per_htv"].value == 50
    assert inputs["total_htv"].moved(0.1) == 35.93  # 35.926 rounded to the granularity
    assert inputs["municipalities.Sastamala.caseload.unemployed"].moved(-0.1) == 683.1


def test_rebalancing_keeps_the_other_lines_in_proportion() -> None:
    changes = rebalanced_changes(tiny(), {"service_lines.youth.share": 0.2})
    assert changes == {"service_lines.youth.share": 0.2, "service_lines[0].share": 0.8}
    changed = tiny().with_changes(changes)
    assert [ln.share for ln in changed.service_lines] == [0.8, 0.2]
    three = rebalanced_changes(BASE, {"service_lines[2].share": 0.1})
    assert three["service_lines[0].share"] == three["service_lines[1].share"] == 0.45
    # Anything but a single line share is left alone.
    assert rebalanced_changes(BASE, {"total_htv": 30}) == {"total_htv": 30}


@pytest.mark.parametrize(("spec", "path", "message"), [
    ("nothing=1:2:1", "nothing", "no key 'nothing'"),
    ("municipalities.Nokia.caseload.unemployed=1:2:1", "municipalities.Nokia.caseload.unemployed",
     "no item named 'Nokia'"),
    ("lead_municipality=1:2:1", "lead_municipality", "is not a numeric field"),
    ("offices[0].optional=0,1", "offices[0].optional", "is not a numeric field"),
    ("service_lines.skills.demand=1:2:1", "service_lines.skills.demand", "not a numeric field"),
])
def test_a_bad_parameter_path_is_named(spec: str, path: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parsed, _ = parse_param(spec)
        input_at(BASE, parsed)
    [problem] = info.value.problems
    assert problem.path == path and message in problem.message
    assert problem.source == "--param"


@pytest.mark.parametrize(("spec", "message"), [
    ("total_htv=28:36", "needs start:stop:step"),
    ("total_htv=28:36:0", "must be > 0"),
    ("total_htv=36:28:1", "below start"),
    ("total_htv=a:b:c", "is not a number range"),
    ("total_htv=1:1000000:1", "at most"),
    ("total_htv", "is not of the form"),
])
def test_a_malformed_range_is_refused(spec: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_param(spec)


def test_ranges_are_exact_and_include_the_stop() -> None:
    assert parse_param("total_htv=28:29:0.1")[1] == [28.0, 28.1, 28.2, 28.3, 28.4, 28.5, 28.6,
                                                     28.7, 28.8, 28.9, 29.0]
    assert parse_param("x=30,32.66")[1] == [30.0, 32.66]


# --- sweeps -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def base_sweep() -> pd.DataFrame:
    return sweep(BASE, [("total_htv", [30.0, 34.0]), ("service_lines.skills.share", [0.3])],
                 options=SEQUENTIAL)


def test_a_sweep_point_is_the_allocation_of_the_changed_scenario(base_sweep: pd.DataFrame) -> None:
    assert len(base_sweep) == 3 * 4  # three points, four areas
    assert set(base_sweep["status"]) == {"OPTIMAL"} and base_sweep["verified"].all()
    alone = by_area(allocate(BASE.with_changes({"total_htv": 30.0})))
    point = base_sweep[(base_sweep["parameter"] == "total_htv") & (base_sweep["value"] == 30.0)]
    assert dict(zip(point["area"], point["htv"], strict=True)) == alone
    base = by_area(allocate(BASE))
    assert dict(zip(point["area"], point["base_htv"], strict=True)) == base
    # Customer service plus the 5.14 HTV of central services is the swept total.
    high = base_sweep[base_sweep["value"] == 34.0]
    assert round(high["htv"].sum() + 5.14, 2) == 34.0


def test_a_rebalanced_share_sweep_is_the_rebalanced_scenario(base_sweep: pd.DataFrame) -> None:
    point = base_sweep[base_sweep["parameter"] == "service_lines.skills.share"]
    changed = BASE.with_changes(rebalanced_changes(BASE, {"service_lines.skills.share": 0.3}))
    assert [ln.share for ln in changed.service_lines] == [0.35, 0.35, 0.3]
    assert dict(zip(point["area"], point["htv"], strict=True)) == by_area(allocate(changed))


def test_invalid_and_infeasible_points_are_reported_not_raised() -> None:
    frame = sweep(tiny(), [("total_htv", [10.0, 10.05, 4.0]),
                           ("service_lines.youth.share", [0.5])],
                  rebalance=False, options=SEQUENTIAL)
    status = frame.drop_duplicates(["parameter", "value"]).set_index(["parameter", "value"])
    assert status.loc[("total_htv", 10.0), "status"] == "OPTIMAL"
    assert status.loc[("total_htv", 10.05), "status"] == "INVALID"
    assert "not a whole multiple of granularity" in status.loc[("total_htv", 10.05), "message"]
    assert status.loc[("total_htv", 4.0), "status"] == "INFEASIBLE"
    assert "required offices need" in status.loc[("total_htv", 4.0), "message"]
    assert status.loc[("service_lines.youth.share", 0.5), "status"] == "INVALID"
    assert "shares must sum to 1" in status.loc[("service_lines.youth.share", 0.5), "message"]
    assert frame[frame["status"] != "OPTIMAL"]["htv"].isna().all()


def test_sweep_is_identical_sequential_pooled_and_with_hints() -> None:
    params = [("municipalities.b1.caseload.unemployed", [150.0, 175.0, 200.0, 225.0, 250.0]),
              ("total_htv", [9.0, 9.5, 10.0, 10.5, 11.0, 11.5, 12.0, 12.5, 13.0, 13.5])]
    sequential = sweep(tiny(), params, options=RunOptions(executor="sequential", hints=False))
    hinted = sweep(tiny(), params, options=RunOptions(executor="sequential", hints=True))
    pooled = sweep(tiny(), params, options=POOL)  # hints by default for a sweep
    pd.testing.assert_frame_equal(sequential, hinted)
    pd.testing.assert_frame_equal(sequential, pooled)
    assert sequential["htv"].nunique() > 4  # the sweep does move the allocation


def test_sweep_does_not_depend_on_how_points_are_batched(monkeypatch) -> None:
    from allocator.analysis import points

    params = [("total_htv", [9.0, 9.5, 10.0, 10.5, 11.0, 11.5, 12.0])]
    batched = sweep(tiny(), params, options=POOL)
    monkeypatch.setattr(points, "CHAIN", 2)  # four jobs, the last with one point
    pd.testing.assert_frame_equal(batched, sweep(tiny(), params, options=POOL))
    pd.testing.assert_frame_equal(batched, sweep(tiny(), params, options=SEQUENTIAL))


def test_a_whole_number_field_is_swept_with_whole_numbers() -> None:
    frame = sweep(tiny(), [("solver.workers", [0.0, 2.0])], options=SEQUENTIAL)
    assert set(frame["status"]) == {"OPTIMAL"}, frame["message"].tolist()


# --- tornado ------------------------------------------------------------------------------

def test_tornado_ranks_a_binding_office_minimum_first() -> None:
    # B office's 5.0 HTV minimum is far above B's caseload target (3.24 HTV): it binds, so
    # B gets exactly its minimum and nothing but that minimum moves B.
    def edit(data: dict[str, Any]) -> None:
        data["offices"][1]["min_htv"] = 5.0

    frame = tornado(tiny_with(edit), 0.1, options=SEQUENTIAL)
    b = frame[frame["area"] == "B"].set_index("rank")
    assert b.loc[1, "input"] == "offices.B office.min_htv"
    assert (b.loc[1, "low_change_htv"], b.loc[1, "high_change_htv"]) == (-0.5, 0.5)
    assert (b.loc[2:, "swing_htv"] == 0).all()
    # A gets what is left: ±10 % of total_htv (±1.0 HTV) moves it most, then B's minimum.
    a = frame[frame["area"] == "A"].set_index("rank")
    assert list(a.loc[1:2, "input"]) == ["total_htv", "offices.B office.min_htv"]
    assert (a.loc[1, "low_change_htv"], a.loc[1, "high_change_htv"]) == (-1.0, 1.0)
    assert list(a["swing_htv"]) == sorted(a["swing_htv"], reverse=True)


def test_tornado_needs_an_allocation_to_start_from() -> None:
    with pytest.raises(InfeasibleError, match="has no allocation"):
        tornado(tiny(total_htv=4.0), options=SEQUENTIAL)


# --- tipping points -----------------------------------------------------------------------

def test_tipping_points_where_the_hand_computation_puts_them() -> None:
    frame = tipping_points(hand_case(), ["municipalities.b.caseload.unemployed"], ["B"],
                           max_change=0.5, steps=10, precision=0.001, options=SEQUENTIAL)
    rows = frame.set_index("direction")
    up, down = rows.loc["up"], rows.loc["down"]
    assert up["found"] and down["found"]
    # The result is a change that moves B; the bracket's lower end did not move it.
    assert 2 / 9 < up["change"] <= 2 / 9 + 0.001 and up["unchanged_to"] < 2 / 9
    assert -2 / 11 - 0.001 <= down["change"] < -2 / 11 < down["unchanged_to"]
    assert (up["htv"], down["htv"]) == (6.0, 4.0)
    assert up["result"] == f"+{up['change'] * 100:.2f} %"


def test_no_tipping_point_within_the_range_says_so() -> None:
    frame = tipping_points(hand_case(), ["municipalities.b.caseload.unemployed"], ["A"],
                           max_change=0.15, options=SEQUENTIAL)
    assert not frame["found"].any()
    assert set(frame["result"]) == {"none within +15 %", "none within -15 %"}
    assert frame["change"].isna().all()


# --- Monte Carlo --------------------------------------------------------------------------

def test_draws_change_counts_only_and_depend_on_seed_and_run_alone() -> None:
    counts = count_features(BASE)
    assert "inflow_over_3m_share" not in counts and "unemployed" in counts
    draw = draw_caseload(BASE, "poisson", seed=7, run=3)
    assert len(draw) == 6 * len(counts)
    assert all(v == int(v) and v >= 0 for v in draw.values())
    assert draw == draw_caseload(BASE, "poisson", seed=7, run=3)
    assert draw != draw_caseload(BASE, "poisson", seed=7, run=4)
    assert draw != draw_caseload(BASE, "poisson", seed=8, run=3)
    uniform = draw_caseload(BASE, "uniform:0.1", seed=7, run=3)
    for m in BASE.municipalities:
        value = m.caseload["labour_force"]
        drawn = uniform[f"municipalities.{m.name}.caseload.labour_force"]
        assert round(value * 0.9) <= drawn <= round(value * 1.1) and drawn == int(drawn)


def test_a_draw_takes_each_count_in_order_from_its_runs_own_stream() -> None:
    # The documented draw: municipality by municipality, count by count, one value each
    # from the stream of (seed, run); results stored by earlier versions depend on it.
    import numpy as np

    counts = count_features(BASE)
    for model in ("poisson", "uniform:0.2"):
        rng = np.random.default_rng(np.random.SeedSequence(entropy=5, spawn_key=(2,)))
        expected = {}
        for m in BASE.municipalities:
            for f in counts:
                value = m.caseload[f]
                expected[f"municipalities.{m.name}.caseload.{f}"] = float(
                    rng.poisson(value) if model == "poisson"
                    else round(value * rng.uniform(0.8, 1.2)))
        drawn = draw_caseload(BASE, model, seed=5, run=2)
        assert drawn == expected and list(drawn) == list(expected)


@pytest.mark.parametrize("spec", ["gauss", "uniform", "uniform:0", "uniform:1.5", "poisson:2"])
def test_an_unknown_uncertainty_model_is_refused(spec: str) -> None:
    with pytest.raises(ScenarioError, match="is not an uncertainty model"):
        draw_caseload(BASE, spec, 0, 0)


def test_monte_carlo_on_the_base_case_is_reproducible_and_executor_independent() -> None:
    first = monte_carlo(BASE, runs=12, model="poisson", seed=11, options=SEQUENTIAL)
    assert len(first) == 12 * 4 and set(first["status"]) == {"OPTIMAL"}
    assert first["verified"].all()
    # The integration services follow the drawn foreign nationals (one HTV per 50), so the
    # customer service of each run is what the central services leave of 32.66 HTV.
    for run, htv in first.groupby("run")["htv"].sum().items():
        draw = draw_caseload(BASE, "poisson", 11, int(run))
        foreign = sum(v for k, v in draw.items() if k.endswith(".foreign_nationals"))
        assert round(htv + 3.0 + round(foreign / 50, 2), 2) == 32.66
    pooled = monte_carlo(BASE, runs=12, model="poisson", seed=11, options=POOL)
    pd.testing.assert_frame_equal(first, pooled)
    other = monte_carlo(BASE, runs=12, model="poisson", seed=12, options=SEQUENTIAL)
    assert not first["htv"].equals(other["htv"])
    # Each run is the pipeline's allocation of that run's drawn caseload.
    run5 = first[first["run"] == 5]
    alone = allocate(BASE.with_changes(draw_caseload(BASE, "poisson", 11, 5)))
    assert dict(zip(run5["area"], run5["htv"], strict=True)) == by_area(alone)


def test_monte_carlo_does_not_depend_on_how_runs_are_batched(monkeypatch) -> None:
    from allocator.analysis import monte_carlo as mc

    frame, events = mc.monte_carlo_with_paradoxes(BASE, runs=10, seed=4, options=SEQUENTIAL)
    monkeypatch.setattr(mc, "BLOCK", 1)
    one, one_events = mc.monte_carlo_with_paradoxes(BASE, runs=10, seed=4, options=SEQUENTIAL)
    monkeypatch.setattr(mc, "BLOCK", 7)  # the last job is shorter than the others
    seven, seven_events = mc.monte_carlo_with_paradoxes(BASE, runs=10, seed=4, options=POOL)
    assert mc.block_size(10, 2) == 2 and mc.block_size(10_000, 2) == 7
    pd.testing.assert_frame_equal(frame, one)
    pd.testing.assert_frame_equal(frame, seven)
    pd.testing.assert_frame_equal(events, one_events)
    pd.testing.assert_frame_equal(events, seven_events)
    assert list(frame["run"].drop_duplicates()) == list(range(10))


def test_stability_counts_moves_strictly_above_the_threshold() -> None:
    frame = pd.DataFrame({"run": [0, 1, 2, 3, 4], "area": ["A"] * 5,
                          "htv": [4.1, 4.11, 3.8, 4.0, float("nan")],
                          "base_htv": [4.0] * 5,
                          "change_htv": [0.1, 0.11, -0.2, 0.0, float("nan")]})
    [row] = stability(frame, threshold=0.1).to_dict("records")
    assert row["moved_share"] == 0.5  # 0.11 and -0.2 of four runs with an allocation
    assert row["runs"] == 5 and row["runs_without_allocation"] == 1
    assert row["min_htv"] == 3.8 and row["max_htv"] == 4.11


# --- charts -------------------------------------------------------------------------------

def test_every_chart_text_exists_in_both_languages() -> None:
    from allocator.charts.text import TEXT

    assert set(TEXT["en"]) == set(TEXT["fi"])
    assert all(TEXT["fi"][k] != TEXT["en"][k] for k in TEXT["en"] if k.endswith("_axis"))


def test_charts_label_axes_in_the_chosen_language_with_the_footer(
        base_sweep: pd.DataFrame) -> None:
    from allocator.charts import plot_monte_carlo, plot_sweep, plot_tipping, plot_tornado
    from allocator.charts.text import TEXT

    frames = {
        plot_sweep: base_sweep,
        plot_tornado: tornado(tiny(), inputs=["total_htv"], options=SEQUENTIAL),
        plot_tipping: tipping_points(hand_case(), ["total_htv"], max_change=0.2,
                                     options=SEQUENTIAL),
        plot_monte_carlo: monte_carlo(tiny(), runs=3, options=SEQUENTIAL),
    }
    for plot, frame in frames.items():
        fig = plot(frame, lang="fi")
        labels = {ax.get_ylabel() for ax in fig.axes} | {ax.get_xlabel() for ax in fig.axes}
        assert labels & {v for k, v in TEXT["fi"].items() if k.endswith("_axis")}, plot
        assert all(ax.get_title() for ax in fig.axes), plot
        footer = [t.get_text() for t in fig.texts]
        assert any("sha256:" in t and "allocator" in t for t in footer), plot


# --- commands -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tiny") / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_data(), allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def starved_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny scenario with 4 HTV: two offices need 2.0 each after 1.0 of central services."""
    data = tiny_data() | {"total_htv": 4.0}
    path = tmp_path_factory.mktemp("starved") / "starved.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_exit(result: Result, code: int) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    if code:
        assert isinstance(result.exception, SystemExit), repr(result.exception)


def test_cli_sweep_writes_csv_and_chart(tiny_file: Path, tmp_path: Path) -> None:
    result = invoke("sweep", tiny_file, "--param", "total_htv=9:11:1",
                    "--param", "service_lines.youth.share=0.3,0.5", "--out", tmp_path,
                    "--executor", "sequential")
    assert_exit(result, 0)
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    assert "Sweep of total_htv" in result.stdout
    frame = pd.read_csv(tmp_path / "sweep.csv")
    assert len(frame) == 5 * 2 and set(frame["status"]) == {"OPTIMAL"}
    assert (tmp_path / "sweep.png").read_bytes().startswith(b"\x89PNG")


def test_cli_sweep_without_rebalance_reports_invalid_points(tiny_file: Path,
                                                            tmp_path: Path) -> None:
    result = invoke("sweep", tiny_file, "--param", "service_lines.youth.share=0.3,0.4",
                    "--no-rebalance", "--out", tmp_path, "--executor", "sequential")
    assert_exit(result, 0)
    assert "INVALID" in result.stdout
    frame = pd.read_csv(tmp_path / "sweep.csv")
    assert list(frame.drop_duplicates("value")["status"]) == ["INVALID", "OPTIMAL"]


@pytest.mark.parametrize(("param", "named"), [
    ("nothing=1:2:1", "nothing: no key 'nothing'"),
    ("lead_municipality=1:2:1", "lead_municipality: is not a numeric field"),
    ("total_htv=1:2", "total_htv: range '1:2' needs start:stop:step"),
])
def test_cli_sweep_bad_param_exits_2_naming_it(tiny_file: Path, tmp_path: Path, param: str,
                                               named: str) -> None:
    result = invoke("sweep", tiny_file, "--param", param, "--out", tmp_path)
    assert_exit(result, 2)
    assert f"--param: {named}" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_sweep_invalid_scenario_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(tiny_data() | {"total_htv": -1}), encoding="utf-8")
    result = invoke("sweep", bad, "--param", "total_htv=9:10:1", "--out", tmp_path / "out")
    assert_exit(result, 2)
    assert f"{bad}:" in result.stderr and "total_htv: must be > 0" in result.stderr


def test_cli_sweep_with_no_feasible_point_exits_1(tiny_file: Path, tmp_path: Path) -> None:
    result = invoke("sweep", tiny_file, "--param", "total_htv=3:4:1", "--out", tmp_path,
                    "--executor", "sequential")
    assert_exit(result, 1)
    assert "no point of the sweep has an allocation" in result.stderr
    assert (tmp_path / "sweep.csv").exists()  # the infeasible points are still reported


def test_cli_tornado_writes_files_and_refuses_unknown_area(tiny_file: Path,
                                                           tmp_path: Path) -> None:
    result = invoke("tornado", tiny_file, "--out", tmp_path, "--executor", "sequential",
                    "--change", "20", "--top", "3")
    assert_exit(result, 0)
    frame = pd.read_csv(tmp_path / "tornado.csv")
    assert set(frame["area"]) == {"A", "B"} and frame["rank"].min() == 1
    assert "±20 %" in result.stdout
    assert (tmp_path / "tornado.png").read_bytes().startswith(b"\x89PNG")
    bad = invoke("tornado", tiny_file, "--area", "C", "--out", tmp_path / "x")
    assert_exit(bad, 2)
    assert "--area: unknown area 'C' (known: A, B)" in bad.stderr


def test_cli_tornado_on_an_infeasible_scenario_exits_1(starved_file: Path,
                                                       tmp_path: Path) -> None:
    result = invoke("tornado", starved_file, "--out", tmp_path, "--executor", "sequential")
    assert_exit(result, 1)
    assert "has no allocation (INFEASIBLE)" in result.stderr
    assert not tmp_path.exists() or list(tmp_path.iterdir()) == []


def test_cli_tipping_for_one_area(tiny_file: Path, tmp_path: Path) -> None:
    result = invoke("tipping", tiny_file, "--input", "municipalities.b1.caseload.unemployed",
                    "--area", "B", "--max-change", "30", "--out", tmp_path,
                    "--executor", "sequential")
    assert_exit(result, 0)
    frame = pd.read_csv(tmp_path / "tipping.csv")
    assert set(frame["area"]) == {"B"} and set(frame["direction"]) == {"up", "down"}
    assert "Tipping points" in result.stdout
    assert (tmp_path / "tipping.png").read_bytes().startswith(b"\x89PNG")
    bad = invoke("tipping", tiny_file, "--input", "offices[7].min_htv", "--out", tmp_path / "x")
    assert_exit(bad, 2)
    assert "--input: offices[7].min_htv: no item [7]" in bad.stderr


def test_cli_montecarlo_writes_runs_summary_and_box_plot(tiny_file: Path,
                                                         tmp_path: Path) -> None:
    result = invoke("montecarlo", tiny_file, "--runs", "6", "--model", "uniform:0.2",
                    "--seed", "4", "--out", tmp_path, "--executor", "sequential")
    assert_exit(result, 0)
    runs = pd.read_csv(tmp_path / "montecarlo.csv")
    summary = pd.read_csv(tmp_path / "montecarlo_summary.csv")
    assert len(runs) == 6 * 2 and list(summary["area"]) == ["A", "B"]
    assert (tmp_path / "montecarlo.png").read_bytes().startswith(b"\x89PNG")
    bad = invoke("montecarlo", tiny_file, "--model", "gauss", "--out", tmp_path / "x")
    assert_exit(bad, 2)
    assert "--model: 'gauss' is not an uncertainty model" in bad.stderr
