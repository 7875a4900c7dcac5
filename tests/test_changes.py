"""``Scenario.with_changes`` keeps the unchanged parts as they are and validates the rest:
it must give exactly what validating the whole changed data gives, and the same problems.

The reference here is the plain way: dump every part, set each path in the dump, validate
everything again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allocator.errors import ScenarioError
from allocator.scenario.loading import load_scenario
from allocator.scenario.paths import set_path
from allocator.scenario.schema import CHANGES, Scenario

SCENARIOS = Path(__file__).parents[1] / "scenarios"
BASE = load_scenario(SCENARIOS / "base.yaml")


def reference(s: Scenario, changes: dict[str, Any]) -> Scenario | list[str]:
    """The changed scenario validated from a full dump, or its problems as text."""
    data = s.model_dump(mode="python")
    missing = []
    for path, value in changes.items():
        try:
            set_path(data, path, value)
        except KeyError as exc:
            missing.append(f"{CHANGES}: {path}: {str(exc.args[0]).split(': ', 1)[-1]}")
    if missing:
        return missing
    try:
        return Scenario.from_data(data, CHANGES)
    except ScenarioError as exc:
        return [str(p) for p in exc.problems]


def changed(s: Scenario, changes: dict[str, Any]) -> Scenario | list[str]:
    try:
        return s.with_changes(changes)
    except ScenarioError as exc:
        return [str(p) for p in exc.problems]


def same(a: Scenario | list[str], b: Scenario | list[str]) -> None:
    if isinstance(b, list):
        assert a == b
        return
    assert isinstance(a, Scenario)
    assert a == b
    assert a.model_dump(mode="json") == b.model_dump(mode="json")
    assert a.model_fields_set == b.model_fields_set
    assert a.exact_features() == b.exact_features()


CASES: list[dict[str, Any]] = [
    {"total_htv": 30.0},
    {"municipalities.Ikaalinen.caseload.unemployed": 500.0},
    {"municipalities[0].caseload.unemployed": 0.0, "municipalities[1].caseload.under_30": 12.0},
    {"service_lines.skills.share": 0.25, "service_lines.job_brokering.share": 0.35},
    {"offices[0].min_htv": 3.0, "offices.Parkano office.max_htv": 4.0},
    {"central_services[0].htv": 1.5},
    {"solver.time_limit": 5.0},
    {"granularity": 0.05},
    # Invalid: a negative count, an unknown item, a bad type, a broken reference.
    {"municipalities.Ikaalinen.caseload.unemployed": -1.0},
    {"municipalities.Nowhere.caseload.unemployed": 1.0},
    {"total_htv": "many"},
    {"areas[0].municipalities": ["Nowhere"]},
    {"offices[0].remove": True},
]


@pytest.mark.parametrize("changes", CASES, ids=lambda c: ",".join(c))
def test_same_as_validating_everything(changes: dict[str, Any]) -> None:
    same(changed(BASE, changes), reference(BASE, changes))


def test_the_original_is_untouched() -> None:
    before = BASE.model_dump(mode="json")
    features = {f: dict(v) for f, v in BASE.exact_features().items()}
    BASE.with_changes({"municipalities.Ikaalinen.caseload.unemployed": 1.0,
                       "offices[1].min_htv": 0.5})
    with pytest.raises(ScenarioError):
        BASE.with_changes({"service_lines.skills.remove": True})
    assert BASE.model_dump(mode="json") == before
    assert BASE.exact_features() == features


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS.glob("*.yaml")))
def test_every_scenario_file(name: str) -> None:
    s = load_scenario(SCENARIOS / name)
    m = s.municipalities[-1]
    feature = next(iter(m.caseload))
    changes = {f"municipalities[{len(s.municipalities) - 1}].caseload.{feature}":
               m.caseload[feature] + 7, "total_htv": s.total_htv + 1}
    same(changed(s, changes), reference(s, changes))


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(
    st.sampled_from([f"municipalities[{i}].caseload.{f}" for i in range(len(BASE.municipalities))
                     for f in BASE.municipalities[0].caseload]
                    + ["total_htv", "service_lines.skills.share", "offices[2].min_htv"]),
    st.one_of(st.floats(-5, 1e4, allow_nan=False), st.integers(-3, 3000)),
    max_size=8))
def test_random_changes(changes: dict[str, Any]) -> None:
    same(changed(BASE, changes), reference(BASE, changes))
