"""The benchmark's yardstick solves the same problem: HiGHS's MILP reaches CP-SAT's optima.

benchmarks/highs_milp.py restates the model for HiGHS. If a rule or the objective's units
drifted apart, the benchmark would time a different problem; these tests pin the
optimal values of stages 1 and 2 to CP-SAT's and check HiGHS's allocation with the
independent verifier.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from builders import tiny, tiny_with

from allocator.engine.caseload import prepare
from allocator.engine.model import build_model
from allocator.engine.solve import solve
from allocator.engine.verify import check
from allocator.scenario.loading import load_scenario
from allocator.scenario.schema import Scenario

ROOT = Path(__file__).parents[1]

pytest.importorskip("highspy", reason="highspy is a benchmark-only dependency: "
                    "pip install -e '.[bench]' (or '.[test]') to check the HiGHS yardstick")


def _highs_milp() -> ModuleType:
    """benchmarks/highs_milp.py as a module (benchmarks/ is scripts, not a package)."""
    name = "highs_milp"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "highs_milp.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def _optional_offices(d: dict[str, Any]) -> None:
    # Area B's only office is optional (office_per_area must staff it); a2 can only be
    # served by an optional point whose 2.0 HTV minimum (above a2's 1.62 HTV target)
    # applies once it is staffed.
    d["offices"][0]["serves"] = ["a1"]
    d["offices"][1]["optional"] = True
    d["offices"].append({"name": "a2 point", "municipality": "a2", "kind": "service_point",
                         "serves": ["a2"], "optional": True, "min_htv": 2.0})


def _costly_optional_office(d: dict[str, Any]) -> None:
    # Area B's only office is optional with a 7.0 HTV minimum, more than twice b1's target:
    # leaving it empty would deviate less, so only office_per_area keeps it staffed.
    d["offices"][1].update(optional=True, min_htv=7.0)


def _office_max(d: dict[str, Any]) -> None:
    d["offices"][0]["max_htv"] = 6.5  # hosts the 1.0 HTV central service: 5.5 customer at most


def _continuity_cap(d: dict[str, Any]) -> None:
    d["continuity"] = {"current": [{"office": "A office", "htv": 7.0},
                                   {"office": "B office", "htv": 2.0}], "max_change_htv": 0.5}


CASES = {
    "tiny": lambda: tiny(),
    "base": lambda: load_scenario(ROOT / "scenarios" / "base.yaml"),
    "optional offices": lambda: tiny_with(_optional_offices),
    "office per area": lambda: tiny_with(_costly_optional_office),
    "office maximum": lambda: tiny_with(_office_max),
    "continuity cap": lambda: tiny_with(_continuity_cap),
}


@pytest.mark.parametrize("case", list(CASES))
def test_highs_reaches_cp_sat_stage_optima(case: str) -> None:
    scenario: Scenario = CASES[case]()
    data = prepare(scenario)
    cp = solve(build_model(data), last_stage="total_deviation")
    assert str(cp.status) == "OPTIMAL"
    cp_values = {st.name: st.objective for st in cp.stages}

    outcome = _highs_milp().solve_lexicographic(data)
    assert outcome.optimal, [s.status for s in outcome.stages]
    for stage in ("max_deviation", "total_deviation"):
        assert outcome.value(stage) == cp_values[stage], stage
        # HiGHS's objective equals the one recomputed exactly from its integer allocation.
        assert next(s.recomputed for s in outcome.stages if s.name == stage) == cp_values[stage]
    verdict = check(scenario, outcome.allocation)
    assert verdict.passed, verdict.violations


def test_priced_moves_are_refused() -> None:
    def priced(d: dict[str, Any]) -> None:
        _continuity_cap(d)
        d["continuity"]["move_weight"] = 0.5

    with pytest.raises(ValueError, match="priced moves"):
        _highs_milp().build_milp(prepare(tiny_with(priced)))
