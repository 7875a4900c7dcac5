"""Placing people: each placement rule on a tiny roster (holding, and forced to fail), the
verifier catching broken placements, the base case with the illustrative roster, and
determinism.

The tiny scenario (tests/builders.py) has 'A office' in the lead municipality a1 hosting
the central service 'admin', 'B office' in area B and, where a test adds it, an
appointment-only service point in a2. Checks are the rules' own properties (every
person at their FTE, at most two assignments, ...) and the verifier's verdict, never
the exact rows: CP-SAT may return another placement of equal value.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from builders import tiny_data

from allocator.engine.pipeline import allocate
from allocator.engine.placement.diagnose import conflict_from_core
from allocator.engine.placement.model import build_placement
from allocator.engine.placement.pipeline import place
from allocator.engine.placement.result import PlacementResult
from allocator.engine.placement.rules import PLACEMENT_RULES
from allocator.engine.placement.solve import placement_core
from allocator.engine.placement.types import Placement, PlacementRow, PlacementSettings
from allocator.engine.placement.verify import verify_placement
from allocator.engine.result import Result
from allocator.engine.types import Status
from allocator.scenario.roster import Roster, load_roster, parse_rows
from allocator.scenario.schema import Scenario

ROOT = Path(__file__).parents[1]
BASE = ROOT / "scenarios" / "base.yaml"
STAFF = ROOT / "scenarios" / "staff-illustrative.csv"


def scenario(point: bool = False, travel: bool = False) -> Scenario:
    """The tiny scenario, with a service point in a2 and travel times when asked."""
    data = tiny_data()
    if point:
        data["offices"].append({"name": "a2 point", "municipality": "a2",
                                "kind": "service_point", "serves": ["a2"]})
        data["offices"][0]["serves"] = ["a1"]
    if travel:
        data["travel_times"] = [{"between": ["a1", "b1"], "minutes": 30},
                                {"between": ["a1", "a2"], "minutes": 10},
                                {"between": ["a2", "b1"], "minutes": 15}]
    return Scenario.model_validate(data)


_ALLOCATED: dict[tuple[bool, bool], Result] = {}


def allocated(point: bool = False, travel: bool = False) -> Result:
    key = (point, travel)
    if key not in _ALLOCATED:
        _ALLOCATED[key] = allocate(scenario(point, travel))
    return _ALLOCATED[key]


def roster(r: Result, rows: str, header: str = "person,fte,current_office,lines") -> Roster:
    return parse_rows(f"{header}\n{rows}", r.scenario)


def placed(r: Result, rows: str, header: str = "person,fte,current_office,lines",
           **settings: Any) -> PlacementResult:
    return place(r, roster(r, rows, header), PlacementSettings(**settings))


#: Eleven people, 10.0 FTE, for the tiny scenario's 10.0 HTV.
TEN = """P1,1,A office,brokering;admin
P2,1,A office,brokering
P3,1,A office,youth
P4,0.5,A office,
P5,0.5,A office,youth;brokering
P6,1,B office,brokering
P7,1,B office,youth
P8,1,B office,
P9,1,A office,brokering
P10,1,A office,
P11,1,B office,brokering
"""


def office_people(pr: PlacementResult) -> dict[str, set[str]]:
    return {o: set(ids) for o, ids in pr.office_people().items()}


def assert_rules_hold(pr: PlacementResult) -> None:
    """The properties every placement has, computed here from the rows."""
    assert pr.placement is not None and pr.verified, pr.verification
    rows = pr.placement.rows
    for p in pr.roster.people:
        mine = [r for r in rows if r.person == p.id]
        assert sum(r.fte for r in mine) == p.fte
        assert len({r.office for r in mine}) == 1
        assert {r.assignment for r in mine} <= set(p.lines)
        assert len({r.assignment for r in mine}) <= pr.settings.max_assignments
        assert all((r.fte / pr.settings.step).denominator == 1 and r.fte > 0 for r in mine)


# --- the registry --------------------------------------------------------------------------

def test_every_rule_has_a_unique_name_text_labels_and_descriptions() -> None:
    r = allocated(point=True, travel=True)
    ro = roster(r, "P1,1,A office,admin,yes,\nP2,1,B office,,,20\nP3,1,a2 point,youth,,",
                "person,fte,current_office,lines,fixed,max_commute")
    pr = place(r, ro)
    assert pr.data is not None
    names = [rule.name for rule in PLACEMENT_RULES]
    assert len(set(names)) == len(names)
    for rule in PLACEMENT_RULES:
        assert rule.text
        labels = rule.labels(pr.data)
        assert labels, rule.name
        for lab in labels:
            assert lab.startswith(f"{rule.name}[")
            assert rule.describe(pr.data, lab[len(rule.name) + 1:-1]).startswith(lab)


# --- each rule: holding, and forced to fail --------------------------------------------------

def test_a_feasible_tiny_roster_holds_every_rule() -> None:
    pr = placed(allocated(), TEN)
    assert pr.status == Status.OPTIMAL
    assert_rules_hold(pr)
    assert all(len(ids) >= 2 for ids in office_people(pr).values())
    admin = [r for r in pr.placement.rows if r.assignment == "admin"] if pr.placement else []
    assert admin and all(r.office == "A office" for r in admin)


def test_person_fte_off_the_step_is_an_input_error_not_a_placement() -> None:
    with pytest.raises(Exception, match=r"<roster>:2: fte: 0\.55 is not a whole multiple"):
        roster(allocated(), "P1,0.55,A office,")


def test_one_office_fails_for_a_person_who_can_work_nowhere() -> None:
    # P6 can only do admin, which is staffed at A office, but is fixed at B office.
    pr = placed(allocated(), TEN.replace("P6,1,B office,brokering", "P6,1,B office,admin,yes"),
                "person,fte,current_office,lines,fixed")
    assert pr.status == Status.INFEASIBLE and pr.placement is None
    (c,) = [c for c in pr.conflicts if "one_office[P6]" in c.rules]
    assert {"fixed_stays[P6]", "central_at_lead[admin]"} <= set(c.rules)
    assert "P6 can work at no office" in c.message


def test_can_do_keeps_people_to_their_lines_and_fails_when_nothing_there_is_theirs() -> None:
    pr = placed(allocated(), TEN)
    assert pr.placement is not None
    for r in pr.placement.rows:
        assert r.assignment in pr.roster.person(r.person).lines
    # Within its own area, a B person who can only do admin has nothing to do.
    bad = placed(allocated(), TEN.replace("P8,1,B office,", "P8,1,B office,admin"),
                 within_area=True)
    assert bad.status == Status.INFEASIBLE
    assert any({"one_office[P8]", "can_do[P8]"} <= set(c.rules) for c in bad.conflicts)


def test_max_assignments_binds() -> None:
    # One person can do everything and the rest cannot fill the lines exactly: the gaps
    # are smallest with the generalist split; with one assignment allowed, nobody is.
    rows = "P1,1,A office,\nP2,1,A office,brokering\nP3,1,B office,youth\nP4,1,B office,brokering"
    two = placed(allocated(), rows)
    one = placed(allocated(), rows, max_assignments=1)
    assert_rules_hold(two)
    assert_rules_hold(one)
    assert one.verification and two.verification
    assert one.verification.objective and two.verification.objective
    assert one.verification.objective.split == 0
    assert one.verification.objective.max_gap >= two.verification.objective.max_gap


def test_two_people_per_office_holds_and_names_the_office_when_only_one_can_work_there() -> None:
    pr = placed(allocated(), "P1,1,A office,\nP2,1,A office,\nP3,1,A office,\nP4,1,A office,")
    assert_rules_hold(pr)
    assert len(office_people(pr)["B office"]) >= 2  # whatever its HTV, never one alone
    fixed = ("P1,1,A office,,yes\nP2,1,A office,,yes\nP3,1,A office,,yes\n"
             "P4,1,B office,,")
    bad = placed(allocated(), fixed, "person,fte,current_office,lines,fixed")
    assert bad.status == Status.INFEASIBLE
    (c,) = [c for c in bad.conflicts if "two_people_per_office[B office]" in c.rules]
    assert c.message.startswith("two_people_per_office[B office]: only 1 person (P4) can "
                                "work there")
    assert "3 ruled out by fixed_stays" in c.message


def test_too_few_people_for_the_offices_is_named_with_the_numbers() -> None:
    bad = placed(allocated(), "P1,1,A office,\nP2,1,B office,\nP3,1,B office,")
    assert bad.status == Status.INFEASIBLE
    assert any("only 3 people can work at the 2 staffed offices, which need at least 4"
               in c.message for c in bad.conflicts)


def test_person_per_service_point_holds_and_fails_when_nobody_can_reach_it() -> None:
    r = allocated(point=True)
    pr = placed(r, "P1,1,A office,\nP2,1,A office,\nP3,1,B office,\nP4,1,B office,\nP5,1,A office,")
    assert_rules_hold(pr)
    assert len(office_people(pr)["a2 point"]) >= 1
    bad = placed(r, "P1,1,A office,,yes\nP2,1,A office,,yes\nP3,1,B office,,yes\n"
                 "P4,1,B office,,yes\nP5,1,A office,,yes", "person,fte,current_office,lines,fixed")
    assert bad.status == Status.INFEASIBLE
    assert any(c.message.startswith("person_per_service_point[a2 point]: only 0 people can "
                                    "work there") for c in bad.conflicts)


def test_central_at_lead_puts_central_time_at_the_hosting_office() -> None:
    pr = placed(allocated(), TEN.replace("P6,1,B office,brokering", "P6,1,B office,admin"))
    assert_rules_hold(pr)
    assert pr.placement is not None
    hosts = {o for (_, o), u in allocated().allocation.central.items() if u}  # type: ignore[union-attr]
    assert hosts == {"A office"}
    assert all(r.office in hosts for r in pr.placement.rows if r.assignment == "admin")


def test_fixed_people_stay_even_when_moving_them_would_close_a_gap() -> None:
    # Everybody is at A office today; B office needs people, but P1 and P2 are fixed.
    rows = "P1,1,A office,,yes\nP2,1,A office,,yes\nP3,1,A office,,\nP4,1,A office,,"
    pr = placed(allocated(), rows, "person,fte,current_office,lines,fixed")
    assert_rules_hold(pr)
    at = office_people(pr)
    assert {"P1", "P2"} <= at["A office"] and at["B office"] == {"P3", "P4"}


def test_max_commute_holds_and_a_joint_conflict_is_explained_by_the_solver() -> None:
    r = allocated(point=True, travel=True)
    header = "person,fte,current_office,lines,fixed,max_commute"
    ok = placed(r, "P1,1,A office,,,\nP2,1,A office,,,\nP3,1,B office,,,\nP4,1,B office,,,20\n"
                "P5,1,A office,,,", header)
    assert_rules_hold(ok)
    assert ok.placement is not None
    assert {row.office for row in ok.placement.rows if row.person == "P4"} <= {"B office",
                                                                             "a2 point"}
    # B office and the point can each be reached by enough people (B: P3, P4; point: P4),
    # but P4 cannot be at both: the count over both offices names them ...
    rows = ("P1,1,A office,,yes,\nP2,1,A office,,yes,\nP3,1,B office,,yes,\n"
            "P4,1,B office,,,20\nP5,1,A office,,yes,")
    bad = placed(r, rows, header)
    assert bad.status == Status.INFEASIBLE
    assert [c.message for c in bad.conflicts] == [
        "only 2 people can work at the 2 offices B office, a2 point, which need at least 3 "
        "together (2 per walk-in office, 1 per service point)"]
    # ... and so does the solver's core, shrunk to a minimal set, without the count.
    assert bad.data is not None
    core = placement_core(build_placement(bad.data, explain=True), PlacementSettings())
    assert core is not None
    assert {"two_people_per_office[B office]", "person_per_service_point[a2 point]",
            "fixed_stays[P1]", "fixed_stays[P3]", "one_office[P4]"} <= set(core)
    assert "max_commute[P4]" not in core  # P4 could go to A office, which helps nobody
    assert "two_people_per_office[B office]: at least 2 people at B office" in \
        conflict_from_core(bad.data, core).message
    # A → B takes 30 minutes: P4 with at most 20 cannot help B office.
    far = placed(r, "P1,1,A office,,yes,\nP2,1,A office,,yes,\nP3,1,B office,,,\n"
                 "P4,1,A office,,,20\nP5,1,a2 point,,yes,", header)
    assert far.status == Status.INFEASIBLE
    (c,) = [c for c in far.conflicts if "two_people_per_office[B office]" in c.rules]
    assert "max_commute[P4]" in c.rules and "1 ruled out by max_commute" in c.message


def test_commute_is_minimised_instead_of_counting_moves() -> None:
    r = allocated(travel=True)
    pr = placed(r, "P1,1,A office,\nP2,1,A office,\nP3,1,A office,\nP4,1,A office,")
    assert [st.name for st in pr.stages][2] == "commute"
    assert pr.verification is not None and pr.verification.objective is not None
    # Two must move to B office, 30 minutes each.
    assert pr.verification.objective.commute == 60
    assert all(m.minutes == 30 for m in pr.moves())


# --- the verifier ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def good() -> PlacementResult:
    pr = placed(allocated(), TEN)
    assert pr.verified
    return pr


def _mutated(pr: PlacementResult, rows: list[PlacementRow]) -> list[str]:
    r = pr.allocation
    assert r.allocation is not None
    v = verify_placement(r.scenario, r.allocation, pr.roster, pr.settings, Placement(tuple(rows)))
    return [x.rule for x in v.violations]


def test_the_verifier_catches_a_broken_placement(good: PlacementResult) -> None:
    assert good.placement is not None
    rows = list(good.placement.rows)
    first = rows[0]
    # Too much time for one person.
    assert f"person_fte[{first.person}]" in _mutated(good, [replace(first, fte=first.fte
                                                                    + Fraction(1, 10)),
                                                            *rows[1:]])
    # A second duty station.
    other = "B office" if first.office == "A office" else "A office"
    split = [replace(first, fte=first.fte - Fraction(1, 10)),
             PlacementRow(first.person, other, first.assignment, Fraction(1, 10)), *rows[1:]]
    assert f"one_office[{first.person}]" in _mutated(good, split)
    # Work the person cannot do; central work away from the lead's office.
    p7 = next(r for r in rows if r.person == "P7")
    wrong = [replace(r, assignment="brokering") if r is p7 else r for r in rows]
    assert "can_do[P7]" in _mutated(good, wrong)
    p1 = [r for r in rows if r.person == "P1"]
    moved = [replace(r, office="B office", assignment="admin") if r in p1 else r for r in rows]
    assert "central_at_lead[admin]" in _mutated(good, moved)
    # Three assignments for a generalist.
    p4 = next(r for r in rows if r.person == "P4")
    three = [r for r in rows if r.person != "P4"] + [
        PlacementRow("P4", p4.office, a, Fraction(1, 10)) for a in ("brokering", "youth")] + [
        PlacementRow("P4", p4.office, "admin", Fraction(3, 10))]
    assert "max_assignments[P4]" in _mutated(good, three)
    # A walk-in office left to one person.
    at_b = [r for r in rows if r.office == "B office"]
    keep = at_b[0].person
    lonely = [replace(r, office="A office") if r.office == "B office" and r.person != keep
              else r for r in rows]
    assert "two_people_per_office[B office]" in _mutated(good, lonely)


def test_the_verifier_recomputes_the_objective_from_the_gaps(good: PlacementResult) -> None:
    assert good.verification is not None and good.verification.objective is not None
    o = good.verification.objective
    gaps = good.gaps_frame()
    assert float(o.max_gap) == pytest.approx(gaps["gap_htv"].abs().max())
    assert float(o.total_gap) == pytest.approx(gaps["gap_htv"].abs().sum())
    assert o.moved == sum(good.people_frame()["moved"])
    assert good.stages[0].objective == o.max_gap / good.data.unit  # type: ignore[union-attr]


def test_a_fixed_person_breaking_out_is_caught() -> None:
    pr = placed(allocated(), "P1,1,A office,,yes\nP2,1,A office,,\nP3,1,B office,,\n"
                "P4,1,B office,,", "person,fte,current_office,lines,fixed")
    assert pr.placement is not None
    rows = [replace(r, office="B office") if r.person == "P1" else r for r in pr.placement.rows]
    assert "fixed_stays[P1]" in _mutated(pr, rows)


# --- the base case with the illustrative roster ----------------------------------------------

@pytest.fixture(scope="module")
def base() -> PlacementResult:
    return place(allocate(BASE), STAFF)


def test_the_illustrative_roster_is_marked_as_made_up_and_sums_to_the_budget() -> None:
    first = STAFF.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#") and "MADE UP" in first
    r = load_roster(STAFF, allocate(BASE).scenario)
    assert 35 <= len(r.people) <= 40
    assert abs(r.total_fte - Fraction("32.66")) <= Fraction(1, 10)
    assert sum(p.fte < 1 for p in r.people) >= len(r.people) // 3  # many part-time


def test_base_case_places_everyone_verified_and_proven_optimal(base: PlacementResult) -> None:
    assert base.status == Status.OPTIMAL and base.proven_optimal
    assert_rules_hold(base)
    assert base.data is not None
    at = office_people(base)
    for spot in base.data.offices:
        if spot.kind == "office":
            assert len(at[spot.name]) >= 2
    # Gaps are within one placement step of the allocation everywhere.
    assert base.gaps_frame()["gap_htv"].abs().max() < 0.1


def test_the_aggregated_frame_names_nobody_and_adds_up(base: PlacementResult) -> None:
    agg = base.staffing_frame()
    assert "person" not in agg.columns
    assert agg["placed_fte"].sum() == pytest.approx(float(base.roster.total_fte))
    assert agg["allocated_htv"].sum() == pytest.approx(32.66)
    gaps = agg["placed_fte"] - agg["allocated_htv"]
    assert (agg["surplus_htv"] - agg["vacancy_htv"]).tolist() == pytest.approx(gaps.tolist())


def test_moves_give_a_true_reason(base: PlacementResult) -> None:
    for m in base.moves():
        assert m.from_office != m.to_office
        assert m.to_office in m.reason or m.from_office in m.reason


def test_two_runs_are_identical() -> None:
    r = allocate(BASE)
    a, b = place(r, STAFF), place(r, STAFF)
    assert a.placement == b.placement
    assert [str(m) for m in a.moves()] == [str(m) for m in b.moves()]


def test_people_kept_in_their_area_are_solved_in_independent_parts() -> None:
    pr = placed(allocated(), TEN, within_area=True)
    assert pr.parts == 2  # area A (A office) and area B (B office) share nobody
    assert_rules_hold(pr)
    assert pr.status == Status.OPTIMAL
    area = {"A office": "A", "B office": "B"}
    for p in pr.roster.people:
        assert area[pr.placement.office_of()[p.id]] == area[p.current_office]  # type: ignore[union-attr]
    # The largest gap over both parts is the one found with everybody free to move, or
    # larger: keeping people in their area can only cost.
    free = placed(allocated(), TEN)
    assert pr.verification and free.verification
    assert pr.verification.objective and free.verification.objective
    assert pr.verification.objective.max_gap >= free.verification.objective.max_gap
