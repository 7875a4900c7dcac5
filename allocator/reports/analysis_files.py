"""Sensitivity and robust results -> their CSV and PNG files, written atomically.

Each ``*_files`` function names the files one analysis writes and how to make each; they
are written as one set, so a chart that fails to draw leaves the earlier run's set as it
was rather than a mixture of two runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from allocator.analysis.robust import RobustResult
from allocator.charts.png import png_bytes
from allocator.charts.sensitivity import (
    TIPPING_TOP,
    plot_monte_carlo,
    plot_robust,
    plot_sweep,
    plot_tipping,
    plot_tornado,
)
from allocator.charts.style import new_figure
from allocator.reports.cells import safe_frame
from allocator.reports.writing import write_set

#: File name -> how to make its bytes.
Files = dict[str, Callable[[], bytes]]


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A result frame as UTF-8 CSV, floats at ten significant digits, text formula-safe."""
    text: str = safe_frame(frame).to_csv(index=False, lineterminator="\n", float_format="%.10g")
    return text.encode("utf-8")


def write_files(target: Path, files: Files) -> list[Path]:
    """Make each file and write them into ``target`` as one set (see
    :func:`allocator.reports.files.write_set`); the paths written."""
    return write_set(target, dict(files))


def sweep_files(frame: pd.DataFrame, lang: str, paradoxes: pd.DataFrame | None = None) -> Files:
    """sweep.csv (one row per parameter, value and area), sweep.png and, given the sweep's
    paradox events, paradoxes.csv (one row per event; header only when there is none)."""
    files: Files = {"sweep.csv": lambda: csv_bytes(frame),
                    "sweep.png": lambda: png_bytes(plot_sweep(frame, lang=lang))}
    if paradoxes is not None:
        files["paradoxes.csv"] = lambda: csv_bytes(paradoxes)
    return files


def tornado_files(frame: pd.DataFrame, areas: Sequence[str], top: int, lang: str) -> Files:
    """tornado.csv and tornado.png; with exactly one of ``areas``, the chart is that area's."""
    def chart() -> bytes:
        if len(areas) == 1:
            fig = new_figure()
            return png_bytes(plot_tornado(frame, fig.add_subplot(), lang, areas[0], top))
        return png_bytes(plot_tornado(frame, lang=lang, top=top))

    return {"tornado.csv": lambda: csv_bytes(frame), "tornado.png": chart}


def tipping_files(frame: pd.DataFrame, areas: Sequence[str], lang: str,
                  top: int = TIPPING_TOP) -> Files:
    """tipping.csv (every input) and tipping.png (the ``top`` inputs per area that tip it
    soonest); with exactly one of ``areas``, the chart is that area's."""
    def chart() -> bytes:
        if len(areas) == 1:
            fig = new_figure()
            return png_bytes(plot_tipping(frame, fig.add_subplot(), lang, areas[0], top))
        return png_bytes(plot_tipping(frame, lang=lang, top=top))

    return {"tipping.csv": lambda: csv_bytes(frame), "tipping.png": chart}


def montecarlo_files(frame: pd.DataFrame, summary: pd.DataFrame, threshold: float,
                     lang: str, paradoxes: pd.DataFrame | None = None,
                     costs: pd.DataFrame | None = None) -> Files:
    """montecarlo.csv (one row per run and area), montecarlo_summary.csv, the box plot,
    given the runs' population paradoxes, paradoxes.csv (one row per run and event) and,
    given cost ranges with rows, montecarlo_costs.csv (one row per municipality)."""
    files: Files = {
        "montecarlo.csv": lambda: csv_bytes(frame),
        "montecarlo_summary.csv": lambda: csv_bytes(summary),
        "montecarlo.png": lambda: png_bytes(plot_monte_carlo(frame, lang=lang, threshold=threshold)),
    }
    if paradoxes is not None:
        files["paradoxes.csv"] = lambda: csv_bytes(paradoxes)
    if costs is not None and len(costs):
        files["montecarlo_costs.csv"] = lambda: csv_bytes(costs)
    return files


def robust_files(result: RobustResult, regret: pd.DataFrame, cross: pd.DataFrame,
                 areas: pd.DataFrame, lang: str) -> Files:
    """The robust allocation's regret, cross-check, by-area and allocation tables and chart."""
    return {
        "robust.csv": lambda: csv_bytes(regret),
        "robust_cross.csv": lambda: csv_bytes(cross),
        "robust_by_area.csv": lambda: csv_bytes(areas),
        "robust_allocation.csv": lambda: csv_bytes(result.allocation_frame()),
        "robust.png": lambda: png_bytes(plot_robust(areas, lang=lang)),
    }
