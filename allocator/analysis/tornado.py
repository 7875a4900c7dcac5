"""The tornado: which inputs move each area's allocation most when moved a little."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from allocator.analysis.inputs import changes_for, input_at, numeric_inputs, tidy
from allocator.analysis.points import (
    RunOptions,
    as_float,
    footer,
    require_allocation,
    resolved,
    solve_all,
    solve_base,
)
from allocator.scenario.schema import Scenario


def tornado(scenario: Scenario, relative: float = 0.10, inputs: Iterable[str] | None = None,
            options: RunOptions | None = None) -> pd.DataFrame:
    """Each numeric input moved by −``relative`` and +``relative`` alone (0.1 = ±10 %).

    Line shares are rebalanced; HTV sizes that must be multiples of the granularity are
    rounded to it. One row per input and area, ranked within each area by ``swing_htv``,
    the larger of |low_change_htv| and |high_change_htv| (ties keep input order).
    Columns: area, rank, input (path), label, kind, base_value, low_value, high_value,
    base_htv, low_htv, high_htv, low_change_htv, high_change_htv, swing_htv [HTV],
    low_status, high_status. A side without an allocation has NaN changes and its status.
    Raises InfeasibleError when the unchanged scenario has no allocation.
    """
    options = resolved(options, "tornado")
    if not 0 < relative < 1:
        raise ValueError(f"relative change {relative} must be between 0 and 1")
    chosen = (numeric_inputs(scenario) if inputs is None
              else [input_at(scenario, p, "--input") for p in inputs])
    base = require_allocation(solve_base(scenario, options), scenario)
    moving = [i for i in chosen if i.moved(-relative) != i.value or i.moved(relative) != i.value]
    groups = [[changes_for(scenario, i.path, i.moved(-relative), True),
               changes_for(scenario, i.path, i.moved(relative), True)] for i in moving]
    solved = dict(zip([i.path for i in moving],
                      solve_all(scenario, groups, base, options, chained=False), strict=True))
    rows = []
    for area in (a.name for a in scenario.areas):
        before = float(base.area_htv[area])
        for order, i in enumerate(chosen):
            low, high = solved.get(i.path, [base, base])
            lo, hi = as_float(low.area_htv.get(area)), as_float(high.area_htv.get(area))
            changes = [abs(c) for c in (lo - before, hi - before) if c == c]
            rows.append({"area": area, "order": order, "input": i.path, "label": i.label,
                         "kind": i.kind, "base_value": i.value,
                         "low_value": i.moved(-relative), "high_value": i.moved(relative),
                         "base_htv": before, "low_htv": lo, "high_htv": hi,
                         "low_change_htv": tidy(lo - before), "high_change_htv": tidy(hi - before),
                         "swing_htv": tidy(max(changes, default=float("nan"))),
                         "low_status": low.status, "high_status": high.status})
    frame = pd.DataFrame(rows)
    frame["_area"] = frame["area"].map({a.name: k for k, a in enumerate(scenario.areas)})
    frame["_swing"] = frame["swing_htv"].fillna(-1.0)
    frame = frame.sort_values(["_area", "_swing", "order"], ascending=[True, False, True],
                              kind="stable")
    frame["rank"] = frame.groupby("area", sort=False).cumcount() + 1
    frame = frame.drop(columns=["_area", "_swing", "order"]).reset_index(drop=True)
    frame = frame[["area", "rank", *[c for c in frame.columns if c not in ("area", "rank")]]]
    pct = f"{relative * 100:g}"
    frame.attrs.update(analysis="tornado", scenario=scenario.name, relative=relative,
                       areas=[a.name for a in scenario.areas],
                       footer=footer(scenario, f"tornado ±{pct} %, line shares rebalanced",
                                      options.time_limit,
                                      [p.proof for points in solved.values() for p in points]))
    return frame
