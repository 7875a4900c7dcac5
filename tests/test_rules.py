"""Each allocation rule alone on a tiny scenario: where it binds, and where it cannot hold."""

from __future__ import annotations

from fractions import Fraction

import pytest
from builders import tiny, tiny_with

from allocator.engine.caseload import prepare
from allocator.engine.model import build_model
from allocator.engine.pipeline import allocate
from allocator.engine.result import Status
from allocator.engine.solve import SolveSettings, is_feasible


def office_htv(result, office: str) -> Fraction:
    assert result.allocation is not None
    units = sum(u for (_, o, _), u in result.allocation.cells.items() if o == office)
    return units * result.data.granularity


def test_unconstrained_tiny_case_meets_every_quota_within_one_unit() -> None:
    r = allocate(tiny())
    assert r.status == Status.OPTIMAL and r.verified
    cells = r.targets_frame()
    assert (cells["deviation_htv"].abs() <= 0.1 + 1e-9).all()
    assert r.allocation is not None and r.allocation.total_units == 100


def test_budget_adds_up_exactly_to_total() -> None:
    r = allocate(tiny(total_htv=7.3))
    assert r.verified
    assert r.allocation is not None
    assert r.allocation.total_units * r.data.granularity == Fraction("7.3")


def test_office_min_binds_and_raises_a_small_office_to_its_minimum() -> None:
    def edit(d):
        d["offices"][1]["min_htv"] = 4.0

    r = allocate(tiny_with(edit))
    assert r.verified and r.status == Status.OPTIMAL
    # B's caseload target is 3.24 HTV; the minimum lifts it to exactly 4.0, not more.
    assert office_htv(r, "B office") == Fraction(4)


def test_office_max_binds_and_the_rest_goes_to_the_other_area() -> None:
    def edit(d):
        d["offices"][1]["max_htv"] = 2.5

    r = allocate(tiny_with(edit))
    assert r.verified
    assert office_htv(r, "B office") == Fraction("2.5")
    assert office_htv(r, "A office") == Fraction("6.5")


def test_office_max_counts_hosted_central_services() -> None:
    def edit(d):
        d["offices"][0]["max_htv"] = 6.0  # A office hosts the 1.0 HTV central service

    r = allocate(tiny_with(edit))
    assert r.verified
    assert office_htv(r, "A office") == Fraction(5)


def test_line_share_keeps_every_line_within_its_tolerance() -> None:
    def edit(d):
        d["offices"][1]["max_htv"] = 2.0
        for line in d["service_lines"]:
            line["tolerance"] = 0.0

    r = allocate(tiny_with(edit))
    assert r.verified
    lines = r.by_line().set_index("service_line")
    # 0.6 and 0.4 of 9.0 HTV are whole units, so with zero tolerance they are exact.
    assert lines.loc["brokering", "htv"] == pytest.approx(5.4)
    assert lines.loc["youth", "htv"] == pytest.approx(3.6)


def test_required_minimums_above_the_budget_are_explained_with_a_fix() -> None:
    r = allocate(tiny(total_htv=4.5))
    assert r.status == Status.INFEASIBLE and r.allocation is None and not r.verified
    (conflict,) = r.conflicts
    # The central service belongs to the conflict: without it the offices would fit.
    assert set(conflict.rules) == {"budget", "office_min[A office]", "office_min[B office]",
                                   "central_at_lead[admin]"}
    assert "4.00 HTV" in conflict.message and "3.50 HTV" in conflict.message
    assert conflict.fix is not None and "raise total_htv from 4.50 to 5.00" in conflict.fix
    # Each repair alone resolves the conflict: check them by applying them.
    assert {r.path for r in conflict.repairs} == {"total_htv", "offices[0].min_htv",
                                                  "offices[1].min_htv", "central_services[0].htv"}
    base = tiny(total_htv=4.5)
    for repair in conflict.repairs:
        fixed = allocate(base.with_changes({repair.path: repair.value}))
        assert fixed.verified, repair
        # ... and it is the smallest such change, to the granularity.
        step = 0.1 if repair.value > repair.current else -0.1
        short = allocate(base.with_changes({repair.path: round(repair.value - step, 2)}))
        assert short.status == Status.INFEASIBLE, repair


def _optional_area_b(d):
    d["total_htv"] = 5.5
    d["offices"][1].update({"optional": True, "min_htv": 3.0})
    d["offices"].append({"name": "B point", "municipality": "b1", "kind": "service_point",
                         "optional": True, "min_htv": 3.0})


def test_office_per_area_conflict_is_found_by_the_solver_and_is_minimal() -> None:
    s = tiny_with(_optional_area_b)
    r = allocate(s)
    assert r.status == Status.INFEASIBLE
    (conflict,) = r.conflicts
    expected = {"budget", "office_min[A office]", "office_min[B office]", "office_min[B point]",
                "office_per_area[B]", "central_at_lead[admin]"}
    assert set(conflict.rules) == expected
    # Minimal: dropping any one rule makes the rest feasible.
    built = build_model(prepare(s), explain=True)
    for rule in expected:
        assert is_feasible(built, sorted(expected - {rule}), SolveSettings(time_limit=10)) is True
    assert is_feasible(built, sorted(expected), SolveSettings(time_limit=10)) is False


def test_office_per_area_allows_closing_optional_offices_when_one_is_staffed() -> None:
    def edit(d):
        _optional_area_b(d)
        d["total_htv"] = 10.0

    r = allocate(tiny_with(edit))
    assert r.verified
    staffed = {o for o in ("B office", "B point") if office_htv(r, o) > 0}
    assert len(staffed) >= 1
    for o in staffed:
        assert office_htv(r, o) >= 3


def test_central_services_placed_outside_the_lead_municipality_conflict() -> None:
    def edit(d):
        d["central_services"][0]["office"] = "B office"

    r = allocate(tiny_with(edit))
    assert r.status == Status.INFEASIBLE
    assert any("central_at_lead[admin]" in c.rules and "not in the lead municipality" in c.message
               for c in r.conflicts)


def test_central_services_sit_at_the_lead_office() -> None:
    r = allocate(tiny())
    assert r.allocation is not None
    assert r.allocation.central == {("admin", "A office"): 10}


def test_central_service_driven_by_a_feature_is_sized_from_the_whole_area() -> None:
    def edit(d):
        d["central_services"] = [{"name": "youth_team",
                                  "driven_by": {"feature": "young", "persons_per_htv": 40}}]

    r = allocate(tiny_with(edit))
    assert r.verified
    # 100 young people / 40 per HTV = 2.5 HTV.
    assert r.allocation is not None
    assert r.allocation.central == {("youth_team", "A office"): 25}


def test_an_office_serves_only_what_it_is_given() -> None:
    def edit(d):
        d["municipalities"].append({"name": "b2", "caseload": {"unemployed": 50, "young": 10}})
        d["areas"][1]["municipalities"].append("b2")
        d["offices"][1]["serves"] = ["b1"]
        d["offices"].append({"name": "B2 point", "municipality": "b2", "kind": "service_point",
                             "serves": ["b2"]})

    r = allocate(tiny_with(edit))
    assert r.verified and r.allocation is not None
    for (m, o, _), units in r.allocation.cells.items():
        if units:
            assert (m == "b2") == (o == "B2 point")


def test_a_municipality_with_its_own_office_is_served_from_it() -> None:
    def edit(d):
        d["offices"].append({"name": "a2 point", "municipality": "a2", "kind": "service_point",
                             "min_htv": 0.5})

    r = allocate(tiny_with(edit))
    assert r.verified and r.allocation is not None
    a2_from_a = sum(u for (m, o, _), u in r.allocation.cells.items() if m == "a2" and o == "A office")
    assert a2_from_a == 0
    assert office_htv(r, "a2 point") == Fraction("1.6")


def _today(d, a: float, b: float, **extra):
    d["continuity"] = {"current": [{"office": "A office", "htv": a},
                                   {"office": "B office", "htv": b}], **extra}


def test_continuity_cap_limits_the_change_per_office() -> None:
    # Caseload targets: A office 5.76, B office 3.24 HTV; today 7.0 and 2.0.
    r = allocate(tiny_with(lambda d: _today(d, 7.0, 2.0, max_change_htv=0.5)))
    assert r.verified
    assert office_htv(r, "A office") == Fraction("6.5")
    assert office_htv(r, "B office") == Fraction("2.5")
    assert r.verification is not None and r.verification.moved == Fraction("0.5")


def test_without_continuity_the_same_scenario_moves_freely() -> None:
    r = allocate(tiny_with(lambda d: _today(d, 7.0, 2.0)))
    assert r.verified
    assert abs(office_htv(r, "B office") - Fraction("3.24")) < Fraction("0.1")


def test_priced_moves_are_traded_against_deviation() -> None:
    # Moving 1 HTV costs more deviation than it saves at weight 3: nobody moves.
    r = allocate(tiny_with(lambda d: _today(d, 7.0, 2.0, move_weight=3.0)))
    assert r.verified
    assert office_htv(r, "A office") == Fraction(7)
    # At weight 0.1 moving is cheap: the allocation goes to the caseload targets.
    r = allocate(tiny_with(lambda d: _today(d, 7.0, 2.0, move_weight=0.1)))
    assert abs(office_htv(r, "B office") - Fraction("3.24")) < Fraction("0.1")


def test_continuity_cap_that_cannot_hold_is_explained() -> None:
    def edit(d):
        _today(d, 7.0, 2.0, max_change_htv=0.2)
        d["offices"][0]["max_htv"] = 6.0  # A office hosts 1.0 central: 5.0 customer at most

    r = allocate(tiny_with(edit))
    assert r.status == Status.INFEASIBLE
    (conflict,) = r.conflicts
    assert "continuity[A office]" in conflict.rules and "office_max[A office]" in conflict.rules
