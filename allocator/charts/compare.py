"""Scenarios side by side, for the employment board: four charts over several results.

Each function takes the results (the first is the base) or the matching frame of
:mod:`allocator.analysis.compare`, an optional Axes and a language, and returns a Figure. Areas and
service lines keep the colours and hatches of every other chart (allocator.charts.style),
so the same area looks the same everywhere, also in greyscale. When the function creates
the figure it writes the reproducibility footer under it; on a given Axes it leaves the
figure's foot to the caller.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from allocator.analysis.compare import ALL_AREAS, CENTRAL, caseload_per_htv, compare, line_shares
from allocator.charts.style import (
    CENTRAL_COLOUR,
    CENTRAL_HATCH,
    add_footer,
    area_style,
    figure_of,
    line_style,
    new_figure,
    reserve_footer,
)
from allocator.charts.text import literal_chart, text

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from allocator.engine.result import Result

#: Outline and hatch colour of every bar: dark, so hatches read in greyscale on light colours.
EDGE = "#333333"
#: Characters on one line of a legend entry beside the bars [characters].
LEGEND_WIDTH = 24


def _frame(data: Sequence[Result] | pd.DataFrame, build: Any) -> pd.DataFrame:
    return data if isinstance(data, pd.DataFrame) else build(data)


def _figure(ax: Axes | None, width: float, height: float) -> tuple[Figure, Axes, bool]:
    """(figure, axes, whether this call created the figure)."""
    if ax is not None:
        return figure_of(ax), ax, False
    fig = new_figure(width, height)
    return fig, fig.add_subplot(), True


def _finish(fig: Figure, ax: Axes, frame: pd.DataFrame, own: bool) -> Figure:
    """Grid, spines, and the footer (with room kept for it) when the figure is ours."""
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    footer = frame.attrs.get("footer")
    if own and footer:
        reserve_footer(fig, str(footer))
        add_footer(fig, str(footer))
    return fig


def _scenario_ticks(ax: Axes, positions: Sequence[float], names: list[str], base: str,
                    lang: str, axis: str = "x") -> None:
    """Scenario names as tick labels, the base marked as such (unless its name says it)."""
    labels = [text("base_marker", lang, name=n) if n == base and n != text("base_word", lang)
              else n for n in names]
    if axis == "x":
        ax.set_xticks(positions, labels, rotation=30, ha="right", rotation_mode="anchor",
                      fontsize=8)
    else:
        ax.set_yticks(positions, labels, fontsize=8)


def _area_totals(frame: pd.DataFrame) -> tuple[list[str], list[str], pd.Series, pd.Series]:
    """(scenarios, areas, customer HTV per scenario × area, central HTV per scenario).

    Sums keep NaN where a scenario has no allocation, so it never shows as 0.
    """
    scenarios = list(dict.fromkeys(frame["scenario"]))
    areas = list(dict.fromkeys(frame["area"]))
    central = frame["service_line"] == CENTRAL
    customer = frame[~central].groupby(["scenario", "area"], sort=False)["htv"].sum(min_count=1)
    hosted = frame[central].groupby("scenario", sort=False)["htv"].sum(min_count=1)
    return scenarios, areas, customer, hosted


@literal_chart
def plot_area_htv(data: Sequence[Result] | pd.DataFrame, ax: Axes | None = None,
                  lang: str = "en") -> Figure:
    """Grouped bars: customer-service HTV of each area, and the central services, per scenario.

    One group per scenario (the base first), one bar per responsibility area in the area's
    colour, and a grey hatched bar for the central services [HTV].
    """
    frame = _frame(data, compare)
    scenarios, areas, customer, hosted = _area_totals(frame)
    has_central = bool((hosted.fillna(0) != 0).any())
    bars = len(areas) + (1 if has_central else 0)
    fig, ax, own = _figure(ax, max(8.0, 1.6 + 0.2 * bars * len(scenarios)), 5.2)
    width = 0.82 / bars
    top = 0.0
    series = [(area, [float(customer.get((s, area), math.nan)) for s in scenarios],
               area_style(j)) for j, area in enumerate(areas)]
    if has_central:
        series.append((text("central_short", lang),
                       [float(hosted.get(s, math.nan)) for s in scenarios],
                       {"color": CENTRAL_COLOUR, "hatch": CENTRAL_HATCH}))
    for j, (label, values, style) in enumerate(series):
        xs = [i - 0.41 + width * (j + 0.5) for i in range(len(scenarios))]
        ax.bar(xs, [0 if math.isnan(v) else v for v in values], width=width, **style,
               edgecolor=EDGE, linewidth=0.5, label=label)
        top = max([top, *(v for v in values if not math.isnan(v))])
    _mark_missing(ax, frame, scenarios, top, lang)
    _scenario_ticks(ax, list(range(len(scenarios))), scenarios, frame.attrs.get("base", ""),
                    lang)
    ax.set_xlabel(text("scenario_axis", lang))
    ax.set_ylabel(text("htv_axis", lang))
    ax.set_ylim(0, top * 1.22 + 0.5)
    ax.set_title(text("compare_htv_title", lang), fontsize=10)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.legend(fontsize=7.5, frameon=False, loc="upper left", ncol=bars)
    return _finish(fig, ax, frame, own)


def _mark_missing(ax: Axes, frame: pd.DataFrame, scenarios: list[str], top: float,
                  lang: str) -> None:
    """Say 'no allocation' where a scenario has none, instead of leaving a silent gap."""
    missing = frame.groupby("scenario", sort=False)["htv"].apply(lambda s: s.isna().all())
    for i, name in enumerate(scenarios):
        if bool(missing.get(name, False)):
            ax.text(i, max(top, 1.0) * 0.05, text("no_allocation", lang), rotation=90,
                    ha="center", va="bottom", fontsize=8, color="#aa0000")


@literal_chart
def plot_area_deltas(data: Sequence[Result] | pd.DataFrame, ax: Axes | None = None,
                     lang: str = "en") -> Figure:
    """Diverging horizontal bars: the change in HTV against the base, per scenario.

    One block per scenario other than the base; within it one bar per responsibility area
    (its customer service) in the area's colour, and a grey hatched bar for the central
    services when any scenario changes them [HTV].
    """
    frame = _frame(data, compare)
    scenarios, areas, _, _ = _area_totals(frame)
    base = frame.attrs.get("base", scenarios[0])
    others = [s for s in scenarios if s != base]
    central = frame["service_line"] == CENTRAL
    customer = frame[~central].groupby(["scenario", "area"], sort=False)["delta_htv"].sum(
        min_count=1)
    hosted = frame[central].groupby("scenario", sort=False)["delta_htv"].sum(min_count=1)
    series = [(area, [float(customer.get((s, area), math.nan)) for s in others], area_style(j))
              for j, area in enumerate(areas)]
    if bool((hosted.fillna(0).round(6) != 0).any()):
        series.append((text("central_short", lang),
                       [float(hosted.get(s, math.nan)) for s in others],
                       {"color": CENTRAL_COLOUR, "hatch": CENTRAL_HATCH}))
    per = len(series) + 1  # one bar per series and a gap
    fig, ax, own = _figure(ax, 8.5, max(4.8, 1.6 + 0.16 * per * max(len(others), 1)))
    extent = 0.0
    for j, (label, values, style) in enumerate(series):
        ys = [-(k * per + j) for k in range(len(others))]
        shown = [0.0 if math.isnan(v) else v for v in values]
        ax.barh(ys, shown, height=0.85, **style, edgecolor=EDGE, linewidth=0.5, label=label)
        for y, v in zip(ys, values, strict=True):
            if not math.isnan(v) and round(v, 2) != 0:
                ax.text(v, y, f" {v:+.2f} ", va="center", ha="left" if v > 0 else "right",
                        fontsize=6.5)
        extent = max([extent, *(abs(v) for v in shown)])
    for k in range(len(others)):
        column = [values[k] for _, values, _ in series]
        centre = -(k * per + (len(series) - 1) / 2)
        if all(math.isnan(v) for v in column):
            note = text("no_allocation", lang)
        elif all(round(v, 2) == 0 for v in column if not math.isnan(v)):
            note = text("no_change", lang)
        else:
            continue
        ax.text(0, centre, f"  {note}", va="center", fontsize=7.5, color="#555555",
                fontstyle="italic")
    ax.axvline(0, color="black", linewidth=0.9)
    centres = [-(k * per + (len(series) - 1) / 2) for k in range(len(others))]
    _scenario_ticks(ax, centres, others, base, lang, axis="y")
    limit = extent * 1.3 + 0.1
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-(len(others) * per) + 0.5, 1.0)
    ax.set_xlabel(text("delta_axis", lang, base=base))
    ax.set_ylabel(text("scenario_axis", lang))
    ax.set_title(text("compare_delta_title", lang, base=base), fontsize=10)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.legend(fontsize=7.5, frameon=False, loc="lower right")
    return _finish(fig, ax, frame, own)


@literal_chart
def plot_line_shares(data: Sequence[Result] | pd.DataFrame, ax: Axes | None = None,
                     lang: str = "en", names: Mapping[str, str] | None = None) -> Figure:
    """Stacked 100 % bars: each service line's share of customer service, per scenario.

    Segments in the lines' colours and hatches, labelled with their share [%]; a black
    tick marks where each line's target share would end. Lines are named by ``names``
    (line -> name), else by the first result's scenario in ``lang``, else by the frame's
    labels.
    """
    frame = _frame(data, line_shares)
    if names is None and not isinstance(data, pd.DataFrame) and data:
        names = {ln.name: ln.title_in(lang) for ln in data[0].scenario.service_lines}
    scenarios = list(dict.fromkeys(frame["scenario"]))
    lines = list(dict.fromkeys(frame["service_line"]))
    labels = dict(zip(frame["service_line"], frame["label"], strict=False))
    fig, ax, own = _figure(ax, max(8.0, 2.5 + 0.7 * len(scenarios)), 5.4)
    table = frame.set_index(["scenario", "service_line"])
    bottom = [0.0] * len(scenarios)
    target_bottom = [0.0] * len(scenarios)
    segments: list[Any] = []  # the bar containers, one per line
    xs = list(range(len(scenarios)))
    for j, line in enumerate(lines):
        shares = [100 * float(table["share"].get((s, line), math.nan)) for s in scenarios]
        targets = [100 * float(table["target_share"].get((s, line), 0.0)) for s in scenarios]
        shown = [0.0 if math.isnan(v) else v for v in shares]
        segments.append(ax.bar(xs, shown, bottom=bottom, width=0.62, **line_style(j),
                               edgecolor=EDGE, linewidth=0.5,
                               label=(names or {}).get(line, str(labels[line]))))
        for x, v, b in zip(xs, shown, bottom, strict=True):
            if v >= 4:
                ax.text(x, b + v / 2, f"{v:.1f} %", ha="center", va="center", fontsize=7,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                              "alpha": 0.85})
        bottom = [b + v for b, v in zip(bottom, shown, strict=True)]
        target_bottom = [b + t for b, t in zip(target_bottom, targets, strict=True)]
        if j < len(lines) - 1:
            for x, t in zip(xs, target_bottom, strict=True):
                ax.plot([x - 0.4, x + 0.4], [t, t], color="black", linewidth=1.6)
    [target] = ax.plot([], [], color="black", linewidth=1.6, label=text("target_share", lang))
    _mark_missing(ax, frame, scenarios, 100.0, lang)
    _scenario_ticks(ax, xs, scenarios, frame.attrs.get("base", ""), lang)
    ax.set_ylim(0, 100)
    ax.set_xlim(-0.6, len(scenarios) - 0.4)
    ax.set_xlabel(text("scenario_axis", lang))
    ax.set_ylabel(text("share_axis", lang))
    ax.set_title(text("compare_shares_title", lang), fontsize=10)
    handles: list[Any] = [*reversed(segments), target]  # as stacked, the top segment first
    # Long line names on short lines, so that the legend leaves the bars room for their labels.
    ax.legend(handles, [textwrap.fill(str(h.get_label()), LEGEND_WIDTH) for h in handles],
              fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _finish(fig, ax, frame, own)


@literal_chart
def plot_caseload(data: Sequence[Result] | pd.DataFrame, ax: Axes | None = None,
                  lang: str = "en") -> Figure:
    """Grouped bars: unemployed jobseekers per customer-service HTV by area, per scenario.

    One bar per responsibility area in its colour [persons/HTV]; a black tick over each
    group marks the whole employment area's ratio.
    """
    frame = _frame(data, caseload_per_htv)
    scenarios = list(dict.fromkeys(frame["scenario"]))
    areas = [a for a in dict.fromkeys(frame["area"]) if a != ALL_AREAS]
    table = frame.set_index(["scenario", "area"])["unemployed_per_htv"]
    fig, ax, own = _figure(ax, max(8.0, 1.6 + 0.3 * len(areas) * len(scenarios)), 5.2)
    width = 0.82 / max(len(areas), 1)
    top = 0.0
    for j, area in enumerate(areas):
        values = [float(table.get((s, area), math.nan)) for s in scenarios]
        xs = [i - 0.41 + width * (j + 0.5) for i in range(len(scenarios))]
        ax.bar(xs, [0 if math.isnan(v) else v for v in values], width=width, **area_style(j),
               edgecolor=EDGE, linewidth=0.5, label=area)
        top = max([top, *(v for v in values if not math.isnan(v))])
    whole = [float(table.get((s, ALL_AREAS), math.nan)) for s in scenarios]
    for i, (name, v) in enumerate(zip(scenarios, whole, strict=True)):
        if not math.isnan(v):
            ax.plot([i - 0.44, i + 0.44], [v, v], color="black", linewidth=1.4)
            group = [float(table.get((name, a), math.nan)) for a in areas]
            above = max([v, *(g for g in group if not math.isnan(g))])
            ax.text(i, above + top * 0.015, f"{v:.1f}", ha="center", va="bottom", fontsize=7,
                    fontweight="bold")
    ax.plot([], [], color="black", linewidth=1.4, label=text("whole_area_ratio", lang))
    _mark_missing(ax, frame.assign(htv=frame["unemployed_per_htv"]), scenarios, top, lang)
    _scenario_ticks(ax, list(range(len(scenarios))), scenarios, frame.attrs.get("base", ""),
                    lang)
    ax.set_xlabel(text("scenario_axis", lang))
    ax.set_ylabel(text("caseload_axis", lang))
    ax.set_ylim(0, top * 1.25 + 1)
    ax.set_title(text("compare_caseload_title", lang), fontsize=10)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.legend(fontsize=7.5, frameon=False, loc="upper left", ncol=len(areas) + 1)
    return _finish(fig, ax, frame, own)


#: The comparison charts by file name, as ``allocate compare`` writes them.
CHARTS = {
    "htv_by_area.png": plot_area_htv,
    "change_by_area.png": plot_area_deltas,
    "line_shares.png": plot_line_shares,
    "unemployed_per_htv.png": plot_caseload,
}
