"""The real Western Pirkanmaa case: 32.66 HTV, verified, proven optimal, reproducible."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from allocator.engine.pipeline import allocate
from allocator.engine.result import Status
from allocator.engine.verify import check
from allocator.reports.files import write_outputs
from allocator.reports.summary import build_summary

BASE = Path(__file__).parents[1] / "scenarios" / "base.yaml"


@pytest.fixture(scope="module")
def base():
    return allocate(BASE)


def test_base_case_is_proven_optimal_and_verified(base) -> None:
    assert base.status == Status.OPTIMAL
    assert base.verified
    assert all(st.status == "OPTIMAL" for st in base.solver.stages)


def test_budget_is_exact_to_the_hundredth(base) -> None:
    summary = build_summary(base, BASE)
    rows = summary["allocations"] + summary["central_services"]
    total = sum(Decimal(str(r["htv"])) for r in rows)
    assert total == Decimal("32.66")
    assert summary["total_htv"] == 32.66
    assert sum(r["units"] for r in rows) == 3266


def test_every_cell_is_within_one_hundredth_of_its_quota(base) -> None:
    # No side rule binds in the base case, so each cell rounds its exact quota.
    targets = base.targets_frame()
    assert (targets["deviation_htv"].abs() < 0.01).all()


def test_central_services_are_in_sastamala(base) -> None:
    central = base.central_frame()
    assert set(central["office"]) == {"Sastamala office"}
    assert central["htv"].sum() == pytest.approx(5.14)
    # 107 foreign-national jobseekers at 50 per HTV.
    assert central.set_index("service").loc["integration_services", "htv"] == pytest.approx(2.14)


def test_line_shares_are_near_40_40_20(base) -> None:
    lines = base.by_line().set_index("service_line")
    for line, share in {"weaker_position": 0.4, "job_brokering": 0.4, "skills": 0.2}.items():
        assert abs(lines.loc[line, "share"] - share) < 0.001


def test_every_area_has_a_staffed_office_at_or_above_two_htv(base) -> None:
    offices = base.office_frame()
    assert len(offices) == 4
    assert (offices["customer_htv"] >= 2.0).all()


def test_caseload_ratio_is_reported_per_area(base) -> None:
    by_area = base.by_area().set_index("area")
    assert by_area.loc["Total", "unemployed"] == 1808
    assert by_area.loc["Total", "customer_htv"] == pytest.approx(27.52)
    assert by_area.loc["Total", "unemployed_per_htv"] == pytest.approx(1808 / 27.52)
    assert by_area.loc["Sastamala", "unemployed"] == 759 + 71


def test_area_targets_add_up_to_customer_service(base) -> None:
    assert sum(base.data.target.values()) == Fraction(base.data.customer_units)


def test_reported_objective_matches_the_verifier(base) -> None:
    summary = build_summary(base, BASE)
    verdict = check(base.scenario, base.allocation)
    assert summary["verification"]["passed"] is True
    assert summary["objective"]["max_deviation_htv"] == pytest.approx(float(verdict.max_deviation),
                                                                       abs=1e-5)
    assert summary["objective"]["total_deviation_htv"] == pytest.approx(
        float(verdict.total_deviation), abs=18e-5)


def _stable(path: Path) -> bytes:
    if path.name == "summary.json":
        data = json.loads(path.read_text())
        data.pop("run")
        return json.dumps(data, sort_keys=True).encode()
    return path.read_bytes()


def test_two_runs_write_identical_files(tmp_path) -> None:
    outs = []
    for i in range(2):
        r = allocate(BASE)
        out = tmp_path / f"run{i}"
        written = write_outputs(r, out, build_summary(r, BASE))
        assert sorted(p.name for p in written) == ["allocation.csv", "allocation.png",
                                                   "allocation.xlsx", "costs.png",
                                                   "summary.json"]
        outs.append(out)
    for name in ("allocation.csv", "allocation.xlsx", "allocation.png", "costs.png",
                 "summary.json"):
        assert _stable(outs[0] / name) == _stable(outs[1] / name), name


def test_worker_count_does_not_change_the_allocation() -> None:
    from allocator.engine.solve import SolveSettings

    one = allocate(BASE, SolveSettings(workers=1))
    two = allocate(BASE, SolveSettings(workers=2))
    assert one.allocation == two.allocation


def test_no_output_file_is_left_half_written(tmp_path, monkeypatch) -> None:
    r = allocate(BASE)
    out = tmp_path / "out"
    write_outputs(r, out, build_summary(r, BASE))
    before = (out / "allocation.csv").read_bytes()

    import allocator.reports.files as outputs

    def boom(result, lang="en"):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(outputs, "png_bytes", boom)
    with pytest.raises(RuntimeError):
        write_outputs(r, out, build_summary(r, BASE))
    assert (out / "allocation.csv").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_allocation_csv_carries_every_htv(tmp_path: Path) -> None:
    """The central services have rows of their own, so the file sums to total_htv."""
    r = allocate(BASE)
    out = tmp_path / "out"
    write_outputs(r, out, build_summary(r, BASE))
    lines = (out / "allocation.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# scenario_sha256=")
    rows = [line.split(",") for line in lines[2:]]
    total = sum(Fraction(row[-1]) for row in rows)
    assert total == Fraction("32.66")
    central = [row for row in rows if row[3].startswith("central:")]
    assert {row[3] for row in central} == {"central:integration_services",
                                           "central:communications_ict",
                                           "central:expert_teams", "central:administration"}
    assert all(row[1] == "(whole area)" and row[0] == "Sastamala" for row in central)
