"""Scenario variants without touching files: scaled caseloads and plain scenario data.

Every variant is validated exactly like a scenario file. Dotted-path changes are
:meth:`allocator.scenario.schema.Scenario.with_changes`; the merges and paths on plain data
are re-exported here from :mod:`allocator.scenario.paths`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from allocator.errors import Problem, ScenarioError
from allocator.scenario.paths import get_path, item_path, merge_data, merge_traced, set_path
from allocator.scenario.schema import CHANGES, Scenario

__all__ = ["caseload_changes", "count_features", "get_path", "merge_data", "merge_traced",
           "scale_caseload", "scenario_data", "set_path"]


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """A scenario as plain data, as it would be written in YAML (defaults included)."""
    return scenario.model_dump(mode="python")


def scale_caseload(scenario: Scenario, factors: Mapping[str, float],
                   features: Sequence[str] | None = None) -> Scenario:
    """A new scenario with caseload features of some municipalities multiplied by a factor.

    ``factors`` maps a municipality's name to its multiplier (1.1 = 10 % more, 0.9 = 10 %
    fewer); municipalities not named keep their figures. ``features`` names the base
    caseload features to scale; derived features follow from them. The default (None)
    scales every feature that counts persons and leaves shares and rates alone: a feature
    whose value is within [0, 1] in every municipality (e.g. ``inflow_over_3m_share``) is
    read as a rate, because multiplying a rate together with the count it weighs would
    count the change twice. To model a rise in unemployment alone, name the unemployed
    and their subgroups, leaving out ``labour_force``. Results are rounded to 6 decimals
    [persons], never to whole persons, so that small changes stay visible.

    Raises ScenarioError naming an unknown municipality or feature, or a factor that
    makes a figure invalid (e.g. negative).

    >>> from allocator.scenario.loading import load_scenario
    >>> base = load_scenario("scenarios/base.yaml")
    >>> more = scale_caseload(base, {"Sastamala": 1.1}, features=["unemployed"])
    >>> round(more.feature_values()["unemployed"]["Sastamala"], 6)
    834.9
    >>> more.feature_values()["unemployed"]["Parkano"]
    225.0
    """
    return scenario.with_changes(caseload_changes(scenario, factors, features))


def count_features(scenario: Scenario) -> list[str]:
    """The base caseload features that count persons (above 1 in some municipality), in
    file order: what :func:`scale_caseload` scales by default."""
    values = scenario.feature_values()
    return [f for f in scenario.municipalities[0].caseload
            if any(v > 1 for v in values[f].values())]


def caseload_changes(scenario: Scenario, factors: Mapping[str, float],
                     features: Sequence[str] | None = None) -> dict[str, float]:
    """The dotted-path changes (``municipalities.Ikaalinen.caseload.unemployed`` -> its new
    figure [persons]) that :func:`scale_caseload` makes, for ``--set`` or a scenario file;
    a factor of exactly 1 changes nothing. Raises ScenarioError naming an unknown
    municipality or feature."""
    known = scenario.municipality_names
    base_features = list(scenario.municipalities[0].caseload)
    values = scenario.feature_values()
    chosen = list(features) if features is not None else count_features(scenario)
    problems = [Problem(f"municipalities.{name}", f"no municipality named '{name}' (known: "
                        f"{', '.join(known)})", CHANGES)
                for name in factors if name not in known]
    problems += [Problem(f"caseload.{f}", f"no base caseload feature '{f}' (known: "
                         f"{', '.join(base_features)})", CHANGES)
                 for f in chosen if f not in base_features]
    if problems:
        raise ScenarioError(problems)
    changes = {}
    for name, factor in factors.items():
        if factor == 1:
            continue
        where = item_path("municipalities", known.index(name), name)
        for f in chosen:
            changes[f"{where}.caseload.{f}"] = round(values[f][name] * factor, 6)
    return changes
