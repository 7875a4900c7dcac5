"""Charts of the sensitivity analyses and the robust allocation.

Each ``plot_*`` takes the tidy frame of allocator.analysis.sensitivity (or RobustResult.area_frame),
an optional Axes and a language, and returns a Figure. Areas keep their colour, marker and
hatch from charts/style.py in every chart; the frame's ``attrs["footer"]`` (the
reproducibility line) goes under the chart.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from allocator.analysis.tipping import most_sensitive
from allocator.charts.style import (
    add_footer,
    area_line_style,
    area_style,
    figure_and_axes,
    figure_of,
    new_figure,
    reserve_footer,
)
from allocator.charts.text import literal_chart, text
from allocator.scenario.language import general, signed

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

#: Hatches that tell the two sides of a tornado apart in greyscale.
LOW_HATCH, HIGH_HATCH = "////", ""


def _areas(frame: pd.DataFrame) -> list[str]:
    """Areas in the scenario's file order (from attrs), else in order of appearance."""
    present = list(dict.fromkeys(frame["area"])) if "area" in frame else []
    known = [a for a in frame.attrs.get("areas", []) if a in present]
    return known + [a for a in present if a not in known]


def _area_index(frame: pd.DataFrame, area: str) -> int:
    """The area's position in file order, which fixes its colour everywhere."""
    order = list(frame.attrs.get("areas", [])) or _areas(frame)
    return order.index(area) if area in order else len(order)


def _panels(count: int, ax: Axes | None, what: str) -> tuple[Figure, list[Axes]]:
    """A figure with ``count`` panels (two columns), or the one given Axes."""
    if ax is not None:
        if count != 1:
            raise ValueError(f"an Axes holds one {what}; this frame has {count} "
                             f"(choose one, or pass no ax)")
        return figure_of(ax), [ax]
    cols = 1 if count == 1 else 2
    rows = math.ceil(count / cols)
    fig = new_figure(8.0 if cols == 1 else 12.0, 4.6 * rows if cols == 1 else 4.2 * rows)
    axes = [fig.add_subplot(rows, cols, k + 1) for k in range(count)]
    return fig, axes


def _tidy_axes(ax: Axes, grid: str = "y") -> None:
    ax.grid(axis=grid, color="#dddddd", linewidth=0.6)  # type: ignore[arg-type]
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _finish(fig: Figure, frame: pd.DataFrame) -> Figure:
    """The reproducibility footer, with room kept for it below the panels."""
    footer = str(frame.attrs.get("footer", ""))
    reserve_footer(fig, footer)
    add_footer(fig, footer)
    return fig


# --- sweep ----------------------------------------------------------------------------

@literal_chart
def plot_sweep(frame: pd.DataFrame, ax: Axes | None = None, lang: str = "en") -> Figure:
    """Each area's customer-service HTV along each swept value, one panel per parameter.

    Points without an allocation (invalid or infeasible) leave a gap in the lines and are
    marked with a cross on the value axis; a dotted line marks the base value.
    """
    params = list(dict.fromkeys(frame["parameter"]))
    fig, axes = _panels(len(params), ax, "parameter")
    base_values: dict[str, float] = frame.attrs.get("base_values", {})
    for panel, param in zip(axes, params, strict=True):
        part = frame[frame["parameter"] == param]
        for area in _areas(part):
            rows = part[part["area"] == area]
            panel.plot(rows["value"], rows["htv"], label=area, linewidth=1.4, markersize=4.5,
                       **area_line_style(_area_index(frame, area)))
        failed = part[part["htv"].isna()].drop_duplicates("value")
        if len(failed):
            panel.plot(failed["value"], [0.02] * len(failed), linestyle="none", marker="x",
                       color="#CC3311", markersize=7, transform=panel.get_xaxis_transform(),
                       label=text("no_allocation", lang), clip_on=False)
        base = base_values.get(param)
        if base is not None and not math.isnan(base):
            panel.axvline(base, color="#555555", linestyle=":", linewidth=1.0,
                          label=text("base_value", lang))
        panel.set_title(text("sweep_title", lang, param=param), fontsize=9.5)
        panel.set_xlabel(param)
        panel.set_ylabel(text("customer_htv_axis", lang))
        _tidy_axes(panel, "both")
        panel.legend(fontsize=7, frameon=False)
    return _finish(fig, frame)


# --- tornado --------------------------------------------------------------------------

@literal_chart
def plot_tornado(frame: pd.DataFrame, ax: Axes | None = None, lang: str = "en",
                 area: str | None = None, top: int = 12) -> Figure:
    """The ``top`` inputs that move each area most, largest swing at the top.

    Two bars per input: the area's change [HTV] when the input moves down (hatched) and
    up (solid) by the tornado's percentage; one panel per area unless ``area`` is given.
    """
    areas = [area] if area is not None else _areas(frame)
    fig, axes = _panels(len(areas), ax, "area")
    pct = f"{float(frame.attrs.get('relative', 0.1)) * 100:g}"
    for panel, name in zip(axes, areas, strict=True):
        rows = frame[(frame["area"] == name) & (frame["swing_htv"] > 0)]
        rows = rows.sort_values("rank").head(top)
        style = area_style(_area_index(frame, name))
        ys = list(range(len(rows)))[::-1]
        low = rows["low_change_htv"].fillna(0.0).tolist()
        high = rows["high_change_htv"].fillna(0.0).tolist()
        panel.barh([y + 0.19 for y in ys], low, height=0.38, color=style["color"], alpha=0.45,
                   hatch=LOW_HATCH, edgecolor="black", linewidth=0.5,
                   label=text("tornado_low", lang, pct=pct))
        panel.barh([y - 0.19 for y in ys], high, height=0.38, color=style["color"],
                   hatch=HIGH_HATCH, edgecolor="black", linewidth=0.5,
                   label=text("tornado_high", lang, pct=pct))
        panel.axvline(0, color="black", linewidth=0.8)
        panel.set_yticks(ys, rows["label"].tolist(), fontsize=7)
        if not len(rows):
            panel.text(0.5, 0.5, text("tornado_none", lang), transform=panel.transAxes,
                       ha="center", va="center", fontsize=8)
        panel.set_title(text("tornado_title", lang, area=name, pct=pct), fontsize=9.5)
        panel.set_xlabel(text("change_htv_axis", lang))
        _tidy_axes(panel, "x")
        panel.legend(fontsize=7, frameon=False, loc="lower right")
    return _finish(fig, frame)


# --- tipping points -------------------------------------------------------------------

#: Inputs a tipping chart shows per area: the ones that tip it soonest.
TIPPING_TOP = 10


@literal_chart
def plot_tipping(frame: pd.DataFrame, ax: Axes | None = None, lang: str = "en",
                 area: str | None = None, top: int = TIPPING_TOP) -> Figure:
    """For the ``top`` inputs that tip an area soonest, the smallest decrease (left) and
    increase (right) that moves it by the analysis's threshold.

    Bars end at the tipping point [% relative change, symmetric log scale]; where none was
    found within the scanned range a dotted outline runs to the range's end. One panel per
    area unless ``area`` is given; under each panel, how many inputs were left out (they
    are in the CSV).
    """
    areas = [area] if area is not None else _areas(frame)
    threshold = general(float(frame.attrs.get("threshold", 0.1)), lang)
    frame = most_sensitive(frame, top)
    more = frame.attrs.get("more", {})
    fig, axes = _panels(len(areas), ax, "area")
    limit = float(frame.attrs.get("max_change", 0.5)) * 100
    # Tipping points range from a hundredth of a percent to tens of percent: a symmetric
    # log scale, linear within the bisection's precision, shows both.
    linear = float(frame.attrs.get("precision", 0.001)) * 100
    for panel, name in zip(axes, areas, strict=True):
        rows = frame[frame["area"] == name]
        labels = list(dict.fromkeys(rows["label"]))
        style = area_style(_area_index(frame, name))
        ys = {label: y for y, label in enumerate(reversed(labels))}
        first = {"down": True, "up": True}
        for _, r in rows.iterrows():
            y = ys[r["label"]]
            sign = 1 if r["direction"] == "up" else -1
            key = "tipping_up" if sign > 0 else "tipping_down"
            if r["found"]:
                panel.barh(y, r["change"] * 100, height=0.6, color=style["color"],
                           hatch="" if sign > 0 else LOW_HATCH, alpha=1.0 if sign > 0 else 0.45,
                           edgecolor="black", linewidth=0.5,
                           label=text(key, lang) if first[r["direction"]] else None)
                first[r["direction"]] = False
                panel.annotate(f"{signed(r['change'] * 100, 2, lang)} %", (r["change"] * 100, y),
                               xytext=(3 * sign, 0), textcoords="offset points", va="center",
                               ha="left" if sign > 0 else "right", fontsize=6.5)
            else:
                panel.plot([0, sign * limit], [y, y], linestyle=":", color="#777777",
                           linewidth=1.2)
                panel.plot([sign * limit], [y], marker="|", color="#777777", markersize=8)
        panel.plot([], [], linestyle=":", color="#777777", label=text("tipping_none", lang))
        panel.axvline(0, color="black", linewidth=0.8)
        panel.set_xscale("symlog", linthresh=linear)
        panel.set_xlim(-limit * 1.6, limit * 1.6)
        ticks = [v for k in range(-3, 3) for v in (10.0 ** k, -(10.0 ** k))
                 if linear <= 10.0 ** k <= limit]
        panel.xaxis.set_major_locator(FixedLocator(sorted([0.0, limit, -limit, *ticks])))
        panel.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: general(v, lang)))
        panel.xaxis.set_minor_locator(NullLocator())
        panel.set_yticks(list(ys.values()), list(ys.keys()), fontsize=7)
        panel.set_ylim(-0.6, len(labels) + 0.4)  # a free row on top for the legend
        panel.set_title(text("tipping_title", lang, area=name, threshold=threshold),
                        fontsize=9.5)
        left_out = int(more.get(name, 0))
        panel.set_xlabel(text("tipping_axis", lang) + (
            "\n" + text("tipping_more", lang, more=left_out) if left_out else ""))
        _tidy_axes(panel, "x")
        panel.legend(fontsize=7, frameon=False, loc="upper center", ncols=3)
    return _finish(fig, frame)


# --- Monte Carlo ----------------------------------------------------------------------

@literal_chart
def plot_monte_carlo(frame: pd.DataFrame, ax: Axes | None = None, lang: str = "en",
                     threshold: float = 0.1) -> Figure:
    """Box plot of each area's change in customer-service HTV from the base over the draws.

    Changes [HTV] rather than levels, so that a small area's spread is as visible as a
    large one's; each area's base HTV is written under its name. Boxes span the quartiles,
    whiskers 1.5 × the interquartile range; the grey band is ±``threshold`` [HTV], and above
    each box is the share of runs in which the area moved more than that.
    """
    fig, ax = figure_and_axes(ax)
    areas = _areas(frame)
    data = [frame[(frame["area"] == a)]["change_htv"].dropna().tolist() for a in areas]
    ax.axhspan(-threshold, threshold, color="#eeeeee", zorder=0)
    boxes = ax.boxplot(data, positions=list(range(len(areas))), widths=0.55, patch_artist=True,
                       medianprops={"color": "black", "linewidth": 1.4},
                       flierprops={"marker": ".", "markersize": 3, "markerfacecolor": "#555555"})
    for patch, a in zip(boxes["boxes"], areas, strict=True):
        style = area_style(_area_index(frame, a))
        patch.set_facecolor(style["color"])
        patch.set_alpha(0.8)
        patch.set_hatch(style["hatch"])
        patch.set_edgecolor("black")
    ax.axhline(0, color="black", linewidth=0.8, label=text("mc_base", lang))
    top = max((max(abs(v) for v in d) for d in data if d), default=threshold)
    top = max(top, threshold) * 1.15
    for k, values in enumerate(data):
        moved = (sum(round(abs(v), 9) > threshold for v in values) / len(values)
                 if values else math.nan)
        share = "–" if math.isnan(moved) else f"{moved * 100:.0f} %"
        ax.text(k, top, text("mc_moved", lang, threshold=f"{threshold:g}", share=share),
                ha="center", va="bottom", fontsize=7)
    ax.set_ylim(-top, top * 1.3)
    bases = {a: float(frame[frame["area"] == a]["base_htv"].iloc[0]) for a in areas}
    ax.set_xticks(range(len(areas)), [f"{a}\n{bases[a]:.2f} HTV" for a in areas])
    ax.set_xlabel(text("area_axis", lang))
    ax.set_ylabel(text("change_htv_axis", lang))
    attrs = frame.attrs
    ax.set_title(text("mc_title", lang, runs=attrs.get("runs", frame["run"].nunique()),
                      model=attrs.get("model", "?"), seed=attrs.get("seed", "?")), fontsize=9.5)
    _tidy_axes(ax)
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    return _finish(fig, frame)


# --- robust ---------------------------------------------------------------------------

@literal_chart
def plot_robust(frame: pd.DataFrame, ax: Axes | None = None, lang: str = "en") -> Figure:
    """Per area, the robust allocation minus each scenario's own optimum [HTV].

    ``frame`` is RobustResult.area_frame(). One bar per scenario in each area (area colour,
    one hatch per scenario); above zero the robust allocation gives the area more than that
    scenario alone would. The robust HTV is written under each area's name.
    """
    fig, ax = figure_and_axes(ax)
    areas = _areas(frame)
    scenarios = list(dict.fromkeys(frame["scenario"]))
    width = 0.8 / max(len(scenarios), 1)
    hatches = ["", "////", "....", "xxxx", "\\\\\\\\", "++++", "oooo", "----"]
    legend: list[Patch] = []
    for j, name in enumerate(scenarios):
        rows = frame[frame["scenario"] == name]
        own = dict(zip(rows["area"], rows["own_htv"] - rows["robust_htv"], strict=True))
        xs = [k - 0.4 + width * (j + 0.5) for k in range(len(areas))]
        diffs = [-float(own[a]) for a in areas]
        ax.bar(xs, diffs, width=width * 0.95,
               color=[area_style(_area_index(frame, a))["color"] for a in areas],
               hatch=hatches[j % len(hatches)], edgecolor="black", linewidth=0.5)
        legend.append(Patch(facecolor="white", edgecolor="black", hatch=hatches[j % len(hatches)],
                            label=text("robust_vs", lang, scenario=name)))
    ax.axhline(0, color="black", linewidth=0.8)
    robust = dict(zip(frame["area"], frame["robust_htv"], strict=True))
    ax.set_xticks(range(len(areas)), [f"{a}\n{float(robust[a]):.2f} HTV" for a in areas])
    ax.set_xlabel(text("area_axis", lang))
    ax.set_ylabel(text("robust_axis", lang))
    low, high = ax.get_ylim()
    span = max(abs(low), abs(high), 0.02)
    ax.set_ylim(-span * 1.2, span * 1.2)
    ax.set_title(text("robust_title", lang, n=len(scenarios)), fontsize=9.5)
    _tidy_axes(ax)
    ax.legend(handles=legend, fontsize=7, frameon=False)
    return _finish(fig, frame)
