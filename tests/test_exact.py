"""Both deviation stages are optimised exactly, not at the model's 1/1000-unit scale.

At whole-unit granularity two near-equal remainders look equal to a scaled model; the
exact checks must still give the largest remainder its unit. The reference for the
largest deviation is Hamilton's largest-remainder method, which, with no rule binding,
minimises it; for the total deviation, a brute force over every allocation of a small
budget, compared in exact fractions.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from allocator.engine.pipeline import allocate
from allocator.engine.result import Result
from allocator.engine.solve import SolveSettings
from allocator.engine.types import PROOF_CPSAT, PROOF_FLOW, Status
from allocator.scenario.loading import load_scenario
from allocator.scenario.schema import Scenario

SCENARIOS = Path(__file__).parents[1] / "scenarios"

POPULATION = 10_000_000


def one_line(populations: list[int], total: int) -> Scenario:
    """One service line, one area, one office serving everyone, nothing else binding."""
    names = [f"m{i}" for i in range(len(populations))]
    return Scenario.model_validate({
        "name": "exact", "total_htv": float(total), "granularity": 1.0,
        "lead_municipality": names[0],
        "municipalities": [{"name": n, "caseload": {"persons": float(p)}}
                           for n, p in zip(names, populations, strict=True)],
        "areas": [{"name": "all", "municipalities": names}],
        "offices": [{"name": "office", "municipality": names[0], "min_htv": 0.0}],
        "service_lines": [{"name": "all", "share": 1.0, "tolerance": 0.0,
                           "demand": {"persons": 1.0}}],
    })


def largest_remainder(populations: list[int], total: int) -> list[int]:
    quotas = [Fraction(total * p, sum(populations)) for p in populations]
    seats = [q.numerator // q.denominator for q in quotas]
    order = sorted(range(len(quotas)), key=lambda i: quotas[i] - seats[i], reverse=True)
    for i in order[:total - sum(seats)]:
        seats[i] += 1
    return seats


def allocated(populations: list[int], total: int) -> list[int]:
    r = allocate(one_line(populations, total))
    assert r.status == Status.OPTIMAL and r.verified and r.allocation is not None
    cells = r.allocation.cell_units()
    return [cells.get((f"m{i}", "all"), 0) for i in range(len(populations))]


def test_the_reported_case_gives_the_largest_remainder_its_unit() -> None:
    # Quotas 4.640033 / 3.639863 / 1.720104: A's remainder beats B's by 0.00017 of a unit.
    populations = [4_640_033, 3_639_863, 1_720_104]
    assert largest_remainder(populations, 10) == [5, 3, 2]
    assert allocated(populations, 10) == [5, 3, 2]


@st.composite
def near_equal(draw: st.DrawFn) -> tuple[list[int], int]:
    """Populations whose quotas (at 10 units for 10,000,000 persons) have remainders within
    a few millionths of each other around a common value, plus one free municipality."""
    k = draw(st.integers(2, 4))
    centre = draw(st.integers(100_000, 900_000))
    parts = [draw(st.integers(0, 1)) * 1_000_000 + centre + draw(st.integers(-400, 400))
             for _ in range(k)]
    rest = POPULATION - sum(parts)
    populations = [*parts, rest]
    quotas = [Fraction(10 * p, POPULATION) for p in populations]
    remainders = [q - q.numerator // q.denominator for q in quotas]
    if len(set(remainders)) != len(remainders):  # an exact tie has no single answer
        populations = [*parts[:-1], parts[-1] + 1, rest - 1]
    return populations, 10


@settings(max_examples=40, deadline=None)
@given(near_equal())
def test_near_equal_remainders_follow_the_largest_remainder(case: tuple[list[int], int]) -> None:
    populations, total = case
    quotas = [Fraction(total * p, sum(populations)) for p in populations]
    remainders = [q - q.numerator // q.denominator for q in quotas]
    if len(set(remainders)) != len(remainders):
        return
    assert allocated(populations, total) == largest_remainder(populations, total)


# --- stage 2: the total deviation, when a rule sets the largest deviation ---------------

def with_forced_cell(populations: list[int], total: int, forced: int) -> Scenario:
    """``one_line`` plus a tiny municipality alone in its area whose office must have
    ``forced`` units: its deviation is the largest whatever the others get, so stage 1
    leaves the others free and only the total deviation decides between them."""
    s = one_line(populations, total).model_dump(mode="python")
    s["municipalities"].append({"name": "tiny", "caseload": {"persons": 1.0}})
    s["areas"].append({"name": "small", "municipalities": ["tiny"]})
    s["offices"].append({"name": "tiny office", "municipality": "tiny",
                         "min_htv": float(forced)})
    return Scenario.model_validate(s)


def lexicographic_reference(s: Scenario) -> tuple[Fraction, Fraction]:
    """The smallest (largest deviation, total deviation) over every allocation of the
    budget to the municipalities that respects the tiny office's minimum, in fractions."""
    names = [m.name for m in s.municipalities]
    weights = [Fraction(m.caseload["persons"]).limit_denominator(1) for m in s.municipalities]
    total = int(s.total_htv)
    targets = [total * w / sum(weights) for w in weights]
    forced = int(next(o.min_htv for o in s.offices if o.name == "tiny office") or 0)
    best: tuple[Fraction, Fraction] | None = None

    def spread(i: int, left: int, units: list[int]) -> None:
        nonlocal best
        if i == len(names) - 1:
            if left < forced:
                return
            full = [*units, left]
            devs = [abs(u - t) for u, t in zip(full, targets, strict=True)]
            key = (max(devs), sum(devs, Fraction(0)))
            best = key if best is None or key < best else best
            return
        for u in range(left + 1):
            spread(i + 1, left - u, [*units, u])

    spread(0, total, [])
    assert best is not None
    return best


def exact_objectives(s: Scenario) -> tuple[Fraction, Fraction]:
    r = allocate(s)
    assert r.status == Status.OPTIMAL and r.verified and r.verification is not None
    return r.verification.max_deviation, r.verification.total_deviation


def test_near_equal_remainders_below_a_forced_cell_take_the_exact_total() -> None:
    # Four remainders within 10^-4 of a unit of each other (quotas about 1.44 and 2.44);
    # the tiny office's unit sets the largest deviation, and which of the four take the
    # units left over is decided by differences the 1/1000-unit scale does not see.
    populations = [1_437_114, 2_436_583, 1_436_635, 1_437_013, 3_252_655]
    s = with_forced_cell(populations, 10, 1)
    assert exact_objectives(s) == lexicographic_reference(s)


@st.composite
def near_equal_below_forced(draw: st.DrawFn) -> tuple[list[int], int, int]:
    """Populations with near-equal quota remainders (some a whole unit larger, so that the
    spread stage cannot stand in for the remainders), and a forced size for the tiny
    office that leaves the others more than their floors but fewer than their ceilings."""
    k = draw(st.integers(2, 4))
    centre = draw(st.integers(120_000, 190_000)) * 10
    parts = [centre + draw(st.integers(0, 1)) * 1_000_000 + draw(st.integers(-400, 400))
             for _ in range(k)]
    rest = POPULATION - sum(parts)
    populations = [*parts, rest]
    quotas = [Fraction(10 * p, POPULATION + 1) for p in populations]
    floors = sum(q.numerator // q.denominator for q in quotas)
    extra = draw(st.integers(1, k - 1))
    return populations, 10, 10 - floors - extra


def forced_case(case: tuple[list[int], int, int]) -> Scenario | None:
    """The scenario of a :func:`near_equal_below_forced` draw; None when the draw leaves
    no room for the forced cell or no population for the last municipality."""
    populations, total, forced = case
    if forced < 1 or min(populations) < 0:
        return None
    return with_forced_cell(populations, total, forced)


@settings(max_examples=30, deadline=None)
@given(near_equal_below_forced())
def test_the_total_deviation_is_exact_under_a_forced_cell(
        case: tuple[list[int], int, int]) -> None:
    s = forced_case(case)
    if s is None:
        return
    assert exact_objectives(s) == lexicographic_reference(s)


# --- the network-flow certificate (analyses): the same exact optima without CP-SAT ------

FLOW = SolveSettings(detect_ties=False, repairs=False, explain_conflicts=False,
                     flow_certificate=True)


def by_flow(s: Scenario, monkeypatch: pytest.MonkeyPatch) -> Result:
    """``s`` allocated with the flow certificate; a CP-SAT solve fails the test unless the
    certificate did not cover ``s``."""
    solves: list[int] = []
    real = cp_model.CpSolver.solve

    def counted(self: cp_model.CpSolver, *args: Any, **kwargs: Any) -> Any:
        solves.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(cp_model.CpSolver, "solve", counted)
    r = allocate(s, FLOW)
    assert r.status == Status.OPTIMAL and r.verified
    assert (r.solver.proof == PROOF_FLOW) == (not solves)
    return r


def test_the_flow_certificate_needs_no_cp_sat_and_finds_the_same_allocation(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for path in sorted(SCENARIOS.glob("*.yaml")):
        s = load_scenario(path)
        cp = allocate(s, replace(FLOW, flow_certificate=False))
        flow = by_flow(s, monkeypatch)
        assert flow.allocation == cp.allocation, path.name
        assert cp.solver.proof == PROOF_CPSAT
    # The base case's network is the whole model: the certificate covers it.
    assert by_flow(load_scenario(SCENARIOS / "base.yaml"), monkeypatch).solver.proof == PROOF_FLOW


def test_the_flow_certificate_makes_stage_one_exact_where_the_scaled_flow_is_not(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Some caseload draws of the base case have a scaled stage-1 optimum that is not the
    # exact one: a flow still finds an allocation with every cell strictly closer. The
    # certificate takes it until none has, and agrees with CP-SAT's exact stages.
    from allocator.analysis.monte_carlo import count_features, draw_caseload
    from allocator.engine.caseload import prepare
    from allocator.engine.exact import _strictly_within, exact_max_deviation
    from allocator.engine.flow import stage_one, whole_network

    base = load_scenario(SCENARIOS / "base.yaml")
    features = count_features(base)
    found = []
    for run in range(300):
        s = base.with_changes(draw_caseload(base, "poisson", 1, run, features))
        d = prepare(s)
        net = whole_network(d)
        assert net is not None
        y = stage_one(net)
        assert y is not None
        strictly = _strictly_within(d, exact_max_deviation(d, y))
        if strictly is not None and net.feasible_within(strictly):
            found.append(s)
    assert found, "no draw whose scaled stage 1 is inexact: the test checks nothing"
    for s in found:
        cp = allocate(s, replace(FLOW, flow_certificate=False))
        flow = by_flow(s, monkeypatch)
        assert flow.solver.proof == PROOF_FLOW
        assert flow.allocation == cp.allocation
        assert flow.verification is not None and cp.verification is not None
        assert (flow.verification.max_deviation, flow.verification.total_deviation) == \
            (cp.verification.max_deviation, cp.verification.total_deviation)


@settings(max_examples=20, deadline=None)
@given(near_equal_below_forced())
def test_the_flow_certificate_is_exact_under_a_forced_cell(
        case: tuple[list[int], int, int]) -> None:
    s = forced_case(case)
    if s is None:
        return
    with pytest.MonkeyPatch.context() as monkeypatch:
        r = by_flow(s, monkeypatch)
    assert r.verification is not None
    assert (r.verification.max_deviation, r.verification.total_deviation) == \
        lexicographic_reference(s)


def test_remainders_closer_than_the_certificates_scale_are_still_ordered_exactly(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Remainders 10^-12 of a unit apart: the flow's scale of 10^-9 sees them equal, so the
    # exact check must order them (or leave the case to CP-SAT); either way the answer is
    # the largest remainder's.
    # Three quotas of about 1.6 and one of 5.2: after the floors and the tiny office's
    # unit, one unit is left, and it belongs to the 1.6 whose remainder is largest.
    a = 16 * 10**11
    populations = [a + 1, a + 2, a]
    populations.append(10**13 - sum(populations))
    s = with_forced_cell(populations, 10, 1)
    r = by_flow(s, monkeypatch)
    assert r.allocation is not None
    assert [r.allocation.cell_units().get((f"m{i}", "all"), 0) for i in range(4)] == [1, 2, 1, 5]
    assert r.verification is not None
    assert (r.verification.max_deviation, r.verification.total_deviation) == \
        lexicographic_reference(s)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fractions(min_value=0, max_value=400, max_denominator=10**6), min_size=1,
                max_size=8),
       st.fractions(min_value=0, max_value=5, max_denominator=10**6),
       st.lists(st.integers(0, 400), min_size=8, max_size=8))
def test_whole_number_bounds_equal_the_fraction_formula(targets: list[Fraction], v: Fraction,
                                                        y: list[int]) -> None:
    """The window and the deviations computed over one denominator are exactly what the
    fractions give."""
    from types import SimpleNamespace

    from allocator.engine.caseload import ModelData
    from allocator.engine.exact import (
        _strictly_within,
        exact_max_deviation,
        exact_total_deviation,
        within,
    )

    cells = [(f"m{i}", "line") for i in range(len(targets))]
    target = dict(zip(cells, targets, strict=True))
    d = SimpleNamespace(cells=cells, target=target)
    d.target_whole = ModelData.target_whole.func(d)  # type: ignore[attr-defined]

    def bounds(lo_of: Any, hi_of: Any) -> dict[Any, tuple[int, int]] | None:
        out = {c: (max(0, lo_of(t)), hi_of(t)) for c, t in target.items()}
        return None if any(lo > hi for lo, hi in out.values()) else out

    assert within(d, v) == bounds(lambda t: math.ceil(t - v), lambda t: math.floor(t + v))
    assert _strictly_within(d, v) == bounds(lambda t: math.floor(t - v) + 1,
                                            lambda t: math.ceil(t + v) - 1)
    units = dict(zip(cells, y, strict=False))
    assert exact_max_deviation(d, units) == max(abs(units[c] - t) for c, t in target.items())
    assert exact_total_deviation(d, units) == sum(abs(units[c] - t) for c, t in target.items())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 20_000), min_size=1, max_size=6), st.integers(-1, 4_000),
       st.integers(1, 2_500))
def test_the_flow_bisects_over_every_deviation_at_which_a_cell_bound_moves(
        targets: list[int], lo: int, width: int) -> None:
    # Stage 1 bisects over these breakpoints only: feasibility cannot change between them.
    from allocator.engine.caseload import DEV_SCALE
    from allocator.engine.flow import _breakpoints

    hi = lo + width

    def bounds(z: int) -> list[tuple[int, int]]:
        return [(max(0, -((z - t) // DEV_SCALE)), (t + z) // DEV_SCALE) for t in targets]

    points = _breakpoints(targets, lo, hi)
    assert points is not None and points == sorted(set(points)) and points[-1] == hi
    assert all(lo < z <= hi for z in points)
    moved = {z for z in range(lo + 1, hi + 1) if bounds(z) != bounds(z - 1)}
    assert moved <= set(points)


# --- stage 2 in a CP-SAT solve: the flow certificate or CP-SAT's window, the same optimum --

NO_TIES = SolveSettings(detect_ties=False)


def counting_windows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the solve's calls of CP-SAT's window listing for the exact total deviation."""
    import allocator.engine.solve as solve_module

    calls: list[int] = []
    real = solve_module.certify_total_deviation

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(solve_module, "certify_total_deviation", counted)
    return calls


def default_runs(calls: list[int]) -> Iterator[tuple[str, Scenario, Result, int]]:
    """Each scenario file, allocated with the default settings, and the times its solve
    listed CP-SAT's window (none with priced moves: that stage is proven at scale only)."""
    for path in sorted(SCENARIOS.glob("*.yaml")):
        s = load_scenario(path)
        r = allocate(s)
        listed = len(calls)
        calls.clear()
        yield path.name, s, r, listed


def exact_values(r: Result) -> tuple[Fraction, Fraction]:
    assert r.status == Status.OPTIMAL and r.verified and r.verification is not None
    assert r.solver.proof == PROOF_CPSAT and r.solver.unproven is None
    return r.verification.max_deviation, r.verification.total_deviation


def test_without_a_tie_check_the_flow_settles_the_exact_total_as_the_window_does(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # With a tie check, the window lists the exactly best cell values for it to search;
    # without one, the flow certificate settles stage 2 where the network is the whole
    # model. The two are independent exact methods and must give the same allocation.
    from allocator.engine.caseload import prepare
    from allocator.engine.flow import whole_network

    calls = counting_windows(monkeypatch)
    settled = []
    for name, s, window, listed in default_runs(calls):
        flow = allocate(s, NO_TIES)
        if whole_network(prepare(s)) is not None:
            assert not calls, name
            settled += [name] if listed else []
        else:
            assert len(calls) == listed, name
        calls.clear()
        assert flow.allocation == window.allocation, name
        assert exact_values(flow) == exact_values(window), name
    assert "base.yaml" in settled


@settings(max_examples=20, deadline=None)
@given(near_equal_below_forced())
def test_the_flow_settled_total_is_exact_under_a_forced_cell(
        case: tuple[list[int], int, int]) -> None:
    s = forced_case(case)
    if s is None:
        return
    with pytest.MonkeyPatch.context() as monkeypatch:
        calls = counting_windows(monkeypatch)
        r = allocate(s, NO_TIES)
    assert not calls
    assert exact_values(r) == lexicographic_reference(s)


def test_when_the_window_cannot_be_listed_the_flow_settles_the_total(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import allocator.engine.exact as exact_module

    base = load_scenario(SCENARIOS / "base.yaml")
    listed = allocate(base)
    assert listed.tie_checked
    monkeypatch.setattr(exact_module, "MAX_WINDOW", 0)
    r = allocate(base)
    assert exact_values(r) == exact_values(listed)
    assert r.allocation == listed.allocation
    # The model then holds stage 2 only at its scale, so no tie is looked for on it.
    assert r.tie is None and not r.tie_checked
    # Where the network is not the whole model (an optional office), nothing settles it:
    # every stage is proven at the model's scale, and the result says what is missing.
    from allocator.engine.solve import UNPROVEN_TOTAL

    data = base.model_dump(mode="json", exclude_unset=True)
    data["offices"][-1]["optional"] = True
    unsettled = allocate(Scenario.model_validate(data))
    assert unsettled.status == Status.FEASIBLE and unsettled.verified
    assert unsettled.solver.unproven == UNPROVEN_TOTAL


def test_a_solve_that_stops_after_stage_two_needs_no_window(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # No tie check follows the last stage, so the flow settles the exact total there.
    from allocator.engine.caseload import prepare
    from allocator.engine.exact import exact_max_deviation, exact_total_deviation
    from allocator.engine.flow import whole_network
    from allocator.engine.model import build_model
    from allocator.engine.solve import solve

    calls = counting_windows(monkeypatch)
    checked = []
    for name, s, full, listed in default_runs(calls):
        if not listed:
            continue  # priced moves: the stage minimises deviation and moves, at scale
        d = prepare(s)
        stopped = solve(build_model(d), last_stage="total_deviation")
        assert stopped.status == Status.OPTIMAL and stopped.allocation is not None, name
        assert bool(calls) == (whole_network(d) is None), name
        calls.clear()
        y = stopped.allocation.cell_units()
        assert (d.htv(exact_max_deviation(d, y)), d.htv(exact_total_deviation(d, y))) == \
            exact_values(full), name
        checked.append(name)
    assert "base.yaml" in checked
