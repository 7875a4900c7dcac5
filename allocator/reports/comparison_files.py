"""Several results -> the comparison's files (CSV tables, PNG charts) and its JSON form.

``allocate compare`` writes these; they live here, beside the other reports, so that the
command only reads its options and exits, and a notebook can write the same files.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from allocator.analysis.compare import (
    caseload_per_htv,
    compare,
    costs_by_scenario,
    csv_bytes,
    line_shares,
    scenario_labels,
    scenarios_frame,
)
from allocator.analysis.paradox import scenario_events
from allocator.charts.compare import CHARTS
from allocator.charts.png import png_bytes
from allocator.engine.result import Result
from allocator.reports.cells import safe_frame
from allocator.reports.writing import write_set

#: Files the comparison writes, besides the charts of allocator.charts.compare.CHARTS.
TABLES = ("comparison.csv", "scenarios.csv", "line_shares.csv", "unemployed_per_htv.csv",
          "paradoxes.csv")
#: What each municipality pays per scenario; written when some scenario gives costs.
COSTS_TABLE = "costs.csv"


def comparison_paradoxes(results: Sequence[Result]) -> pd.DataFrame:
    """The Alabama and population events between the base and each scenario that differs
    from it only in total_htv or caseload (allocator.analysis.paradox.scenario_events),
    written at the comparison's decimals."""
    frame = scenario_events(results, scenario_labels(results))
    frame.attrs["digits"] = max(r.digits for r in results)
    return frame


def write_comparison(results: Sequence[Result], out_dir: Path, lang: str = "en") -> list[Path]:
    """Write the comparison's CSV tables and charts into ``out_dir`` as one set.

    A chart that cannot be drawn (no scenario has an allocation) is not written, and a
    stale copy of it from an earlier run is removed.
    """
    frames = dict(zip(TABLES, (compare(results), scenarios_frame(results), line_shares(results),
                               caseload_per_htv(results), comparison_paradoxes(results)),
                      strict=True))
    files: dict[str, Callable[[], bytes] | None] = {
        name: functools.partial(lambda f: csv_bytes(safe_frame(f)), frame)
        for name, frame in frames.items()}
    costs = costs_by_scenario(results)
    files[COSTS_TABLE] = (functools.partial(lambda f: csv_bytes(safe_frame(f)), costs)
                          if len(costs) else None)
    drawable = any(r.allocation is not None for r in results)
    for name, plot in CHARTS.items():
        files[name] = functools.partial(_png, plot, results, lang) if drawable else None
    return write_set(out_dir, files)


def _png(plot: Callable[..., Figure], results: Sequence[Result], lang: str) -> bytes:
    """One comparison chart as PNG, without the Software tag."""
    return png_bytes(plot(results, lang=lang))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as dicts, NaN as None, so that the JSON is strict."""
    return [{str(k): (None if isinstance(v, float) and math.isnan(v) else v)
             for k, v in row.items()} for row in frame.to_dict(orient="records")]


def comparison_json(results: Sequence[Result]) -> dict[str, Any]:
    """The comparison as JSON-ready data: the tables, NaN as null."""
    comparison = compare(results)
    return {"schema_version": 1, "base": comparison.attrs["base"],
            "scenarios": _records(scenarios_frame(results)),
            "comparison": _records(comparison),
            "line_shares": _records(line_shares(results)),
            "unemployed_per_htv": _records(caseload_per_htv(results)),
            "costs": _records(costs_by_scenario(results))}
