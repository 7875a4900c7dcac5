"""Robust allocation: one allocation for several scenarios, checked against each of them."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from builders import tiny, tiny_data, tiny_with
from click.testing import CliRunner, Result

from allocator.analysis.robust import build_robust, robust_allocate
from allocator.cli import main
from allocator.engine.caseload import DEV_SCALE, prepare
from allocator.engine.model import build_model
from allocator.engine.pipeline import allocate
from allocator.engine.solve import solve
from allocator.engine.verify import check
from allocator.errors import ScenarioError
from allocator.scenario.loading import load_scenario
from allocator.scenario.schema import Scenario

BASE_FILE = Path(__file__).parents[1] / "scenarios" / "base.yaml"
BASE = load_scenario(BASE_FILE)
#: The model measures deviations from targets rounded to 1/DEV_SCALE of a unit; the
#: verifier from exact targets. Per cell the two differ by at most half of that.
ROUNDING = Fraction(1, 2 * DEV_SCALE) * Fraction(1, 100)


def more_unemployed_in_b1(data: dict[str, Any]) -> None:
    data["name"] = "more_b1"
    data["municipalities"][2]["caseload"]["unemployed"] = 260


def sastamala_up() -> Scenario:
    """The base case with 20 % more unemployed in the Sastamala area only."""
    changes = {f"municipalities.{m}.caseload.unemployed": round(
        next(x for x in BASE.municipalities if x.name == m).caseload["unemployed"] * 1.2)
        for m in ("Sastamala", "Punkalaidun")}
    return BASE.with_changes(changes | {"name": "sastamala_up"})


def worst(scenarios: list[Scenario], allocation: Any) -> Fraction:
    """The largest cell deviation of ``allocation`` over all scenarios [HTV], by the verifier."""
    checks = [check(s, allocation) for s in scenarios]
    assert all(c.passed for c in checks), [str(v) for c in checks for v in c.violations]
    return max(c.max_deviation for c in checks)


@pytest.mark.parametrize("scenarios", [
    pytest.param(lambda: [tiny(), tiny_with(more_unemployed_in_b1)], id="tiny"),
    pytest.param(lambda: [BASE, sastamala_up()], id="base"),
])
def test_robust_is_no_worse_than_any_scenarios_own_optimum(scenarios: Any) -> None:
    cases: list[Scenario] = scenarios()
    result = robust_allocate(cases)
    assert result.status == "OPTIMAL" and result.allocation is not None
    assert result.verified
    robust_worst = worst(cases, result.allocation)
    for s in cases:
        own = allocate(s)
        assert own.allocation is not None
        assert robust_worst <= worst(cases, own.allocation) + ROUNDING
    # No scenario is served better by the robust allocation than by its own optimum.
    regret = result.regret_frame()
    assert (regret["regret_max_htv"] >= -float(ROUNDING)).all()
    assert regret["robust_verified"].all()


def test_robust_beats_both_own_optima_where_they_pull_apart() -> None:
    # 200 or 260 unemployed in b1: each own optimum is 0.06 HTV off in its own scenario
    # but about 0.3 HTV off in the other; one allocation in between does better for both.
    cases = [tiny(), tiny_with(more_unemployed_in_b1)]
    result = robust_allocate(cases)
    assert result.allocation is not None
    own_worst = [worst(cases, allocate(s).allocation) for s in cases]
    assert worst(cases, result.allocation) < min(own_worst)
    cross = result.cross_frame().groupby("allocation")["max_deviation_htv"].max()
    assert cross["robust"] < min(cross["tiny"], cross["more_b1"])


def test_the_robust_model_carries_every_scenarios_rules() -> None:
    data = [prepare(tiny()), prepare(tiny_with(more_unemployed_in_b1))]
    built, views = build_robust(data)
    for k in (0, 1):
        assert f"{k}:line_share[youth]" in built.constraints
        assert f"{k}:office_min[B office]" in built.constraints
    assert len(views) == 2 and views[0].x is built.x  # one set of allocation variables
    assert views[0].deviation.keys() == views[1].deviation.keys()
    assert views[0].deviation[("b1", "brokering")] is not views[1].deviation[("b1", "brokering")]


def test_solve_can_run_a_subsequence_of_stages() -> None:
    built = build_model(prepare(tiny()))
    full = solve(built)
    short = solve(built, stages=("max_deviation", "total_deviation"))
    assert [s.name for s in short.stages] == ["max_deviation", "total_deviation"]
    assert [s.objective for s in short.stages] == [s.objective for s in full.stages[:2]]
    assert short.status == "OPTIMAL"


def with_a2_office(data: dict[str, Any]) -> None:
    data["offices"].append({"name": "A2 office", "municipality": "a2", "optional": True})


def a1_served_alone(data: dict[str, Any]) -> None:
    with_a2_office(data)
    data["offices"][0]["serves"] = ["a1"]


@pytest.mark.parametrize(("first", "edit", "path"), [
    (tiny_data, lambda d: d.update(total_htv=11.0), "total_htv"),
    (tiny_data, lambda d: d.update(granularity=0.5), "granularity"),
    (tiny_data, with_a2_office, "offices"),
    (tiny_data, lambda d: d["central_services"][0].update(htv=2.0), "central_services.admin.size"),
    (tiny_data, lambda d: d["service_lines"].reverse(), "service_lines"),
    (lambda: tiny_with(with_a2_office).model_dump(mode="json"), a1_served_alone,
     "offices.A office.serves"),
])
def test_structurally_different_scenarios_are_refused_by_field(first: Any, edit: Any,
                                                               path: str) -> None:
    other = tiny_with(edit)
    with pytest.raises(ScenarioError) as info:
        robust_allocate([Scenario.model_validate(first()), other], ["one.yaml", "two.yaml"])
    [problem] = info.value.problems
    assert problem.path == path and problem.source == "two.yaml"
    assert "in one.yaml" in problem.message


def test_office_minimums_may_differ_and_all_of_them_hold() -> None:
    def bigger_b(data: dict[str, Any]) -> None:
        data["name"] = "bigger_b"
        data["offices"][1]["min_htv"] = 4.0

    cases = [tiny(), tiny_with(bigger_b)]
    result = robust_allocate(cases)
    assert result.verified and result.allocation is not None
    b = sum(u for (_, o, _), u in result.allocation.cells.items() if o == "B office")
    assert b * Fraction(1, 10) >= 4  # the stricter minimum holds for the shared allocation


def test_rules_that_cannot_hold_together_are_named() -> None:
    # Of 90 customer-service units, a line at 0.6 ± 0.05 needs 49..59 and a line at
    # 0.4 ± 0.05 31..41: swapping the shares leaves no allocation for both scenarios.
    def shift(data: dict[str, Any]) -> None:
        data["name"] = "youth_heavy"
        data["service_lines"][0]["share"] = 0.4
        data["service_lines"][1]["share"] = 0.6

    result = robust_allocate([tiny(), tiny_with(shift)])
    assert result.status == "INFEASIBLE" and result.allocation is None
    assert [c.rules for c in result.conflicts] == [("line_share[brokering]",),
                                                    ("line_share[youth]",)]
    assert result.conflicts[0].message == ("brokering needs at least 4.90 HTV in tiny but at "
                                           "most 4.10 HTV in youth_heavy")


# --- the command --------------------------------------------------------------------------

def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_exit(result: Result, code: int) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    if code:
        assert isinstance(result.exception, SystemExit), repr(result.exception)


def test_cli_robust_on_base_and_a_variant(tmp_path: Path) -> None:
    variant = write(tmp_path / "up.yaml", sastamala_up().model_dump(mode="json"))
    out = tmp_path / "out"
    result = invoke("robust", BASE_FILE, variant, "--out", out)
    assert_exit(result, 0)
    assert "Regret max" in result.stdout and "Verifier: passed in every scenario" in result.stdout
    assert {p.name for p in out.iterdir()} == {
        "robust.csv", "robust_cross.csv", "robust_by_area.csv", "robust_allocation.csv",
        "robust.png"}
    regret = pd.read_csv(out / "robust.csv")
    assert list(regret["scenario"]) == ["base", "sastamala_up"]
    allocation = pd.read_csv(out / "robust_allocation.csv")
    assert round(allocation["htv"].sum(), 2) == 32.66  # central services included


def test_cli_robust_structure_mismatch_exits_2_naming_the_field(tmp_path: Path) -> None:
    one = write(tmp_path / "one.yaml", tiny_data())
    two = write(tmp_path / "two.yaml", tiny_data() | {"total_htv": 12.0})
    result = invoke("robust", one, two, "--out", tmp_path / "out")
    assert_exit(result, 2)
    assert f"{two}: total_htv: 12 here, but 10 in {one}" in result.stderr
    assert not (tmp_path / "out").exists()


def test_cli_robust_conflicting_rules_exit_1(tmp_path: Path) -> None:
    data = tiny_data()
    data["service_lines"][0]["share"], data["service_lines"][1]["share"] = 0.4, 0.6
    one = write(tmp_path / "one.yaml", tiny_data())
    two = write(tmp_path / "two.yaml", data)
    result = invoke("robust", one, two, "--out", tmp_path / "out")
    assert_exit(result, 1)
    assert f"error: youth needs at least 4.90 HTV in {two} but at most 4.10 HTV in {one}" \
        in result.stderr
    assert not (tmp_path / "out").exists()


def test_cli_robust_invalid_file_exits_2(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.yaml", tiny_data() | {"granularity": "fine"})
    result = invoke("robust", bad, bad)
    assert_exit(result, 2)
    assert f"{bad}" in result.stderr and "granularity" in result.stderr


def test_continuity_caps_hold_in_the_robust_allocation() -> None:
    from pathlib import Path

    from allocator.analysis.robust import robust_allocate
    from allocator.engine.verify import check
    from allocator.scenario.loading import load_scenario

    root = Path(__file__).parents[1] / "scenarios"
    base, capped = load_scenario(root / "base.yaml"), load_scenario(root / "continuity.yaml")
    result = robust_allocate([base, capped])
    assert result.allocation is not None
    verdict = check(capped, result.allocation)
    assert verdict.passed, verdict.violations


def test_caseload_scenarios_join_with_the_driven_service_staffed_for_the_busiest() -> None:
    # The integration services follow the foreign nationals: 2.14 HTV in 2023, 1.18 in 2022.
    folder = BASE_FILE.parent
    files = [BASE_FILE, folder / "continuity.yaml", folder / "figures-2022.yaml"]
    result = robust_allocate([load_scenario(f) for f in files], [str(f) for f in files])
    assert result.allocation is not None and result.verified
    assert result.central_sizes == {"integration_services": Fraction("2.14")}
    assert [g["integration_services"] for g in result.given_sizes] == [
        Fraction("2.14"), Fraction("2.14"), Fraction("1.18")]
    # Every scenario is judged with the service at the robust size, own optimum included.
    for s, own in zip(result.scenarios, result.own, strict=True):
        assert own.central_frame().set_index("service").loc["integration_services", "htv"] == 2.14
        assert check(s, result.allocation).passed
    regret = result.regret_frame()
    assert (regret["regret_max_htv"] >= 0).all() and (regret["regret_total_htv"] >= 0).all()
    assert "integration_services at 2.14 HTV" in result.sizing_note()


def test_a_fixed_central_size_still_has_to_match() -> None:
    other = load_scenario(BASE_FILE).with_changes({"central_services.communications_ict.htv": 2.0})
    with pytest.raises(ScenarioError, match=r"communications_ict\.size"):
        robust_allocate([load_scenario(BASE_FILE), other])


def test_own_allocations_kept_across_calls_give_the_same_robust_result(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import allocator.analysis.robust as robust

    scenarios, sources = [BASE, sastamala_up()], ["base.yaml", "sastamala_up"]
    fresh = robust_allocate(scenarios, sources)
    solved: robust.Solved = {}
    first = robust_allocate(scenarios, sources, solved=solved)
    assert len(solved) == 2
    calls = []
    real = robust.allocate
    monkeypatch.setattr(robust, "allocate", lambda *a, **k: calls.append(a) or real(*a, **k))
    again = robust_allocate(scenarios, sources, solved=solved)
    assert calls == []  # both own allocations came from the first call
    changed = robust_allocate([BASE, sastamala_up().with_changes(
        {"municipalities.Parkano.caseload.unemployed": 400})], sources,
                              solved=solved)
    assert len(calls) == 1  # a changed scenario is allocated again
    for r in (first, again):
        assert r.status == fresh.status and r.allocation == fresh.allocation
        assert [v.passed for v in r.verifications] == [v.passed for v in fresh.verifications]
        assert [o.allocation for o in r.own] == [o.allocation for o in fresh.own]
    assert changed.allocation != fresh.allocation


def test_own_optima_certified_by_flow_are_the_ones_cp_sat_proves() -> None:
    # base.yaml, continuity.yaml (moves: outside the flow certificate) and the 2022 figures
    # (a smaller driven service, so every scenario is allocated again at the robust size).
    from allocator.engine.types import PROOF_CPSAT, PROOF_FLOW

    folder = BASE_FILE.parent
    files = [BASE_FILE, folder / "continuity.yaml", folder / "figures-2022.yaml"]
    scenarios, sources = [load_scenario(f) for f in files], [str(f) for f in files]
    proven = robust_allocate(scenarios, sources)
    certified = robust_allocate(scenarios, sources, certify=True)
    assert list(proven.regret_frame()["own_proof"]) == [PROOF_CPSAT] * 3
    assert list(certified.regret_frame()["own_proof"]) == [PROOF_FLOW, PROOF_CPSAT, PROOF_FLOW]
    assert [o.allocation for o in certified.own] == [o.allocation for o in proven.own]
    assert certified.allocation == proven.allocation
    pd.testing.assert_frame_equal(certified.regret_frame().drop(columns="own_proof"),
                                  proven.regret_frame().drop(columns="own_proof"))
    pd.testing.assert_frame_equal(certified.area_frame(), proven.area_frame())
