"""The independent verifier: it passes good allocations and names the rule a broken one breaks."""

from __future__ import annotations

import ast
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from builders import tiny, tiny_data, tiny_with
from hypothesis import given, settings
from hypothesis import strategies as st

from allocator.engine.caseload import DEV_SCALE
from allocator.engine.pipeline import allocate
from allocator.engine.result import Allocation
from allocator.engine.verify import check
from allocator.scenario.schema import Scenario


@pytest.fixture(scope="module")
def solved():
    r = allocate(tiny())
    assert r.allocation is not None
    return r


def rules_broken(scenario, allocation: Allocation) -> set[str]:
    return {v.rule for v in check(scenario, allocation).violations}


def moved(alloc: Allocation, key, delta: int) -> Allocation:
    cells = dict(alloc.cells)
    cells[key] = cells.get(key, 0) + delta
    return replace(alloc, cells=cells)


def test_verifier_never_imports_ortools() -> None:
    source = (Path(__file__).parents[1] / "allocator" / "engine" / "verify.py").read_text()
    imported = {alias.name for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.Import | ast.ImportFrom)
                for alias in getattr(node, "names", [])}
    modules = {node.module for node in ast.walk(ast.parse(source))
               if isinstance(node, ast.ImportFrom) and node.module}
    assert not any("ortools" in name for name in imported | modules)
    assert "allocator.engine.model" not in modules and "allocator.engine.caseload" not in modules


def test_solver_result_passes(solved) -> None:
    verdict = check(solved.scenario, solved.allocation)
    assert verdict.passed and verdict.violations == []


def test_objective_is_recomputed_independently(solved) -> None:
    verdict = check(solved.scenario, solved.allocation)
    stages = {st.name: st for st in solved.solver.stages}
    unit = solved.data.granularity
    # The model rounds targets to 1/DEV_SCALE of a unit; the verifier works exactly.
    assert abs(verdict.max_deviation - stages["max_deviation"].objective * unit / DEV_SCALE) \
        <= unit / DEV_SCALE
    cells = len(solved.data.cells)
    assert abs(verdict.total_deviation - stages["total_deviation"].objective * unit / DEV_SCALE) \
        <= cells * unit / DEV_SCALE


def test_extra_unit_breaks_the_budget(solved) -> None:
    broken = moved(solved.allocation, ("a1", "A office", "brokering"), +1)
    assert "budget" in rules_broken(solved.scenario, broken)


def test_unit_moved_to_an_office_that_does_not_serve_the_municipality(solved) -> None:
    broken = moved(moved(solved.allocation, ("b1", "B office", "youth"), -1),
                   ("b1", "A office", "youth"), +1)
    assert "serves_own_area[A office]" in rules_broken(solved.scenario, broken)


def test_office_below_minimum_is_caught() -> None:
    s = tiny_with(lambda d: d["offices"][1].update({"min_htv": 4.0}))
    r = allocate(s)
    assert r.allocation is not None
    broken = moved(moved(r.allocation, ("b1", "B office", "youth"), -1),
                   ("a1", "A office", "youth"), +1)
    assert rules_broken(s, broken) == {"office_min[B office]"}


def test_office_above_maximum_is_caught() -> None:
    s = tiny_with(lambda d: d["offices"][1].update({"max_htv": 2.5}))
    r = allocate(s)
    assert r.allocation is not None
    broken = moved(moved(r.allocation, ("b1", "B office", "youth"), +1),
                   ("a1", "A office", "youth"), -1)
    assert rules_broken(s, broken) == {"office_max[B office]"}


def test_line_share_outside_tolerance_is_caught() -> None:
    s = tiny_with(lambda d: [ln.update({"tolerance": 0.0}) for ln in d["service_lines"]])
    r = allocate(s)
    assert r.allocation is not None
    broken = moved(moved(r.allocation, ("a1", "A office", "brokering"), -3),
                   ("a1", "A office", "youth"), +3)
    assert rules_broken(s, broken) == {"line_share[brokering]", "line_share[youth]"}


def test_central_service_away_from_the_lead_is_caught(solved) -> None:
    central = {("admin", "B office"): 10}
    broken = replace(solved.allocation, central=central)
    assert "central_at_lead[admin]" in rules_broken(solved.scenario, broken)


def test_central_service_of_the_wrong_size_is_caught(solved) -> None:
    broken = replace(solved.allocation, central={("admin", "A office"): 9})
    broken = moved(broken, ("a1", "A office", "brokering"), +1)
    assert rules_broken(solved.scenario, broken) == {"central_at_lead[admin]"}


def test_unstaffed_area_is_caught(solved) -> None:
    cells = {k: v for k, v in solved.allocation.cells.items() if k[1] != "B office"}
    lost = sum(v for k, v in solved.allocation.cells.items() if k[1] == "B office")
    cells[("a1", "A office", "brokering")] += lost
    broken = replace(solved.allocation, cells=cells)
    assert {"office_per_area[B]", "office_min[B office]"} <= rules_broken(solved.scenario, broken)


def test_deviation_grows_when_an_allocation_moves_away_from_targets(solved) -> None:
    good = check(solved.scenario, solved.allocation)
    worse = moved(moved(solved.allocation, ("a1", "A office", "brokering"), -5),
                  ("a2", "A office", "brokering"), +5)
    bad = check(solved.scenario, worse)
    assert bad.passed  # still within every rule ...
    assert bad.max_deviation > good.max_deviation  # ... but further from the targets
    assert bad.total_deviation > good.total_deviation
    assert bad.max_deviation >= Fraction("0.5") - Fraction("0.05")


def test_verifier_targets_match_the_model_targets_on_the_base_case() -> None:
    from allocator.engine.verify import exact_targets

    r = allocate(Path(__file__).parents[1] / "scenarios" / "base.yaml")
    customer = r.data.customer_units * r.data.granularity
    mine = exact_targets(r.scenario, customer)
    for cell, target in r.data.target.items():
        assert mine[cell] == target * r.data.granularity


def _plain_targets(s: Scenario, customer: Fraction) -> dict[tuple[str, str], Fraction]:
    """The targets by the formula written out term by term in fractions."""
    values = s.exact_features()
    out = {}
    for ln in s.service_lines:
        used = {f: Fraction(str(w)) for f, w in ln.demand.items()
                if w > 0 and sum(values[f].values())}
        for m in s.municipality_names:
            share = sum((w * values[f][m] / sum(values[f].values()) for f, w in used.items()),
                        Fraction(0))
            out[(m, ln.name)] = Fraction(str(ln.share)) * customer * share / sum(used.values())
    return out


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 400),
                          st.sampled_from([0.0, 0.05, 0.125, 0.3333, 0.5, 0.99])),
                min_size=2, max_size=6),
       st.sampled_from([0.0, 0.3, 1.0, 2.5]), st.sampled_from([0.0, 0.25, 1.0]))
def test_verifier_targets_equal_the_formula(rows: list[tuple[int, int, float]],
                                            w_young: float, w_inflow: float) -> None:
    from allocator.engine.verify import exact_targets

    if not sum(u for u, _, _ in rows):
        rows = [(1, *rows[0][1:]), *rows[1:]]
    data = tiny_data()
    names = ["a1", *(f"m{i}" for i in range(1, len(rows)))]
    data["municipalities"] = [{"name": n, "caseload": {"unemployed": float(u), "young": float(y),
                                                         "rate": r}}
                              for n, (u, y, r) in zip(names, rows, strict=True)]
    data["areas"] = [{"name": "A", "municipalities": names}]
    data["offices"] = [{"name": "A office", "municipality": "a1"}]
    data["derived_features"] = {"inflow": {"product": ["unemployed", "rate"]}}
    for ln in data["service_lines"]:
        ln["demand"] = {"unemployed": 1.0, "young": w_young, "inflow": w_inflow}
    s = Scenario.model_validate(data)
    customer = Fraction(2766, 100)
    assert exact_targets(s, customer) == _plain_targets(s, customer)
