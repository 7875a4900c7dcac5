"""One-at-a-time sweeps: how each area's HTV follows one input along a range."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from allocator.analysis.inputs import changes_for, input_at
from allocator.analysis.paradox import frame_of, sweep_events
from allocator.analysis.points import (
    RunOptions,
    as_float,
    cost_columns,
    footer,
    resolved,
    solve_all,
    solve_base,
)
from allocator.scenario.schema import Scenario


def sweep(scenario: Scenario, params: Sequence[tuple[str, Sequence[float]]],
          rebalance: bool = True, options: RunOptions | None = None) -> pd.DataFrame:
    """One-at-a-time sweeps: each (path, values) alone, the other inputs at base.

    Several parameters give several sweeps, not a grid. Columns: parameter, value, area,
    htv [customer-service HTV], base_htv [HTV, the unchanged scenario], change_htv [HTV],
    status, verified, proof (what shows the point optimal: allocator.engine.types.PROOF_FLOW
    or PROOF_CPSAT), max_deviation_htv, total_deviation_htv [HTV, largest and total cell
    deviation], message, and, when the scenario gives costs, ``cost_eur:<municipality>``
    and ``cost_eur:total`` [EUR/year at that point; the same on each area's row]. Raises
    ScenarioError naming a path that is not a numeric input.
    """
    return sweep_with_paradoxes(scenario, params, rebalance, options)[0]


def sweep_paradoxes(scenario: Scenario, params: Sequence[tuple[str, Sequence[float]]],
                    rebalance: bool = True, options: RunOptions | None = None) -> pd.DataFrame:
    """The Alabama and population paradox events of the same sweeps as :func:`sweep`.

    Columns of allocator.analysis.paradox.COLUMNS; ``attrs["steps"]`` maps each path to
    the number of consecutive pairs of points compared.
    """
    return sweep_with_paradoxes(scenario, params, rebalance, options)[1]


def sweep_with_paradoxes(scenario: Scenario, params: Sequence[tuple[str, Sequence[float]]],
                         rebalance: bool = True, options: RunOptions | None = None
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`sweep`'s frame and :func:`sweep_paradoxes`' events from one set of solves."""
    options = resolved(options, "sweep")
    inputs = {path: input_at(scenario, path, need_value=False) for path, _ in params}
    base = solve_base(scenario, options)
    groups = [[changes_for(scenario, path,
                        int(v) if inputs[path].integer and float(v).is_integer() else v, rebalance)
               for v in values] for path, values in params]
    solved = solve_all(scenario, groups, base, options, chained=True)
    areas = [a.name for a in scenario.areas]
    rows = []
    events = [sweep_events(path, values, points)
              for (path, values), points in zip(params, solved, strict=True)]
    for (path, values), points in zip(params, solved, strict=True):
        for value, p in zip(values, points, strict=True):
            for area in areas:
                htv = as_float(p.area_htv.get(area))
                before = as_float(base.area_htv.get(area))
                rows.append({"parameter": path, "value": value, "area": area, "htv": htv,
                             "base_htv": before, "change_htv": htv - before,
                             "status": p.status, "verified": p.verified, "proof": p.proof,
                             "max_deviation_htv": as_float(p.max_deviation),
                             "total_deviation_htv": as_float(p.total_deviation),
                             "message": p.message, **cost_columns(scenario, p)})
    frame = pd.DataFrame(rows, columns=["parameter", "value", "area", "htv", "base_htv",
                                        "change_htv", "status", "verified", "proof",
                                        "max_deviation_htv",
                                        "total_deviation_htv", "message",
                                        *cost_columns(scenario, base)])
    frame.attrs.update(analysis="sweep", scenario=scenario.name, areas=areas,
                       rebalance=rebalance,
                       base_values={path: i.value for path, i in inputs.items()},
                       footer=footer(scenario, "one-at-a-time sweep"
                                      + (", line shares rebalanced" if rebalance else ""),
                                      options.time_limit,
                                      [p.proof for points in solved for p in points]))
    paradoxes = frame_of([{str(k): v for k, v in r.items()}
                          for e in events for r in e.to_dict(orient="records")])
    paradoxes.attrs["steps"] = {k: v for e in events for k, v in e.attrs["steps"].items()}
    return frame, paradoxes
