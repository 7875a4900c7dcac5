"""Charts for the employment board's pack: the proposal, and what each scenario changes.

The board reads these on paper, so every bar carries its value, the type stays at 8 pt or
more at print size, and the change against the proposal is drawn as a change (bars left
and right of zero), never as two tall bars whose difference cannot be seen. The words come
in already translated (the pack's text catalogue); the charts only draw.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from allocator.charts.style import (
    AREA_COLOURS,
    AREA_HATCHES,
    CENTRAL_COLOUR,
    CENTRAL_HATCH,
    line_style,
    new_figure,
)
from allocator.charts.text import literal_chart

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

#: Outline of every bar: dark, so hatches read in greyscale.
EDGE = "#333333"


def _number(value: float, digits: int, sign: bool = False) -> str:
    """A value as drawn on a bar (the pack turns its decimal points into commas in Finnish)."""
    shown = f"{value:{'+' if sign else ''}.{digits}f}".replace("-", "−")
    return shown


@literal_chart
def plot_proposal(frame: pd.DataFrame, lines: Sequence[tuple[str, str]], central_label: str,
                  target_label: str, axis_label: str, title: str, digits: int = 2) -> Figure:
    """Stacked bars per responsibility area: each service line and the central services,
    every block and every total labelled with its value [HTV].

    ``frame`` is Result.by_area() without its total row; ``lines`` (identifier, name) in
    file order. A black tick marks each area's caseload target for customer service.
    """
    fig = new_figure(8.0, 3.7)
    ax = fig.add_subplot()
    xs = list(range(len(frame)))
    bottom = [0.0] * len(frame)
    for i, (ln, name) in enumerate(lines):
        values = [float(v) for v in frame[ln]]
        ax.bar(xs, values, bottom=bottom, width=0.62, **line_style(i), edgecolor="white",
               linewidth=0.6, label=name)
        for x, v, b in zip(xs, values, bottom, strict=True):
            if v >= 0.5:
                ax.text(x, b + v / 2, _number(v, digits), ha="center", va="center",
                        fontsize=8.5, bbox={"boxstyle": "round,pad=0.15", "fc": "white",
                                            "ec": "none", "alpha": 0.85})
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    central = [float(v) for v in frame["central_htv"]]
    if any(central):
        ax.bar(xs, central, bottom=bottom, width=0.62, color=CENTRAL_COLOUR, hatch=CENTRAL_HATCH,
               edgecolor="white", linewidth=0.6, label=central_label)
        for x, v, b in zip(xs, central, bottom, strict=True):
            if v > 0:
                ax.text(x, b + v / 2, _number(v, digits), ha="center", va="center",
                        fontsize=8.5, fontweight="bold",
                        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": EDGE,
                              "lw": 0.6})
    totals = [b + c for b, c in zip(bottom, central, strict=True)]
    for x, total, target in zip(xs, totals, frame["target_htv"], strict=True):
        ax.text(x, total + 0.2, _number(total, digits), ha="center", va="bottom", fontsize=9.5,
                fontweight="bold")
        ax.plot([x - 0.36, x + 0.36], [target, target], color="black", linewidth=1.4)
    ax.plot([], [], color="black", linewidth=1.4, label=target_label)
    ax.set_xticks(xs, [str(a) for a in frame["area"]], fontsize=9.5)
    ax.set_ylabel(axis_label, fontsize=9)
    ax.tick_params(axis="y", labelsize=8.5)
    ax.set_ylim(0, max(totals) * 1.15 + 0.5)
    ax.set_title(title, fontsize=10.5)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(fontsize=8.5, frameon=False, loc="upper right")
    return fig


@literal_chart
def plot_municipality_changes(frame: pd.DataFrame, areas: Sequence[str], axis_label: str,
                              no_allocation: str, no_change: str, columns: int = 3,
                              digits: int = 2) -> Figure:
    """Small multiples: one panel per scenario, one bar per municipality (in its area's
    colour) and one for the central services where any scenario changes them; each bar
    is the change against the proposal, its value written at its end [HTV].

    ``frame`` has one row per scenario × bar: ``scenario`` (a unique label), ``title`` (the
    panel's title), ``bar``
    (municipality or the central services' name), ``area`` (None for the central
    services) and ``delta_htv`` (NaN where the scenario has no allocation). Every panel
    shares one scale, so a bar's length compares across scenarios.
    """
    scenarios = list(dict.fromkeys(frame["scenario"]))
    titles = dict(zip(frame["scenario"], frame["title"], strict=True))
    bars = list(dict.fromkeys(frame["bar"]))
    rows = max(1, math.ceil(len(scenarios) / columns))
    fig = new_figure(8.0, 0.35 + rows * (0.5 + 0.2 * len(bars)))
    axes = fig.subplots(rows, columns, sharex=True, squeeze=False)
    values = frame["delta_htv"].dropna()
    extent = max(float(values.abs().max()) if len(values) else 0.0, 0.05)
    limit = extent * 1.55
    colour: dict[str, Mapping[str, str]] = {}
    for bar, area in zip(frame["bar"], frame["area"], strict=True):
        if area is None or (isinstance(area, float) and math.isnan(area)):
            colour[bar] = {"color": CENTRAL_COLOUR, "hatch": CENTRAL_HATCH}
        else:
            k = list(areas).index(area) if area in areas else 0
            colour[bar] = {"color": AREA_COLOURS[k % len(AREA_COLOURS)],
                           "hatch": AREA_HATCHES[k % len(AREA_HATCHES)]}
    table = frame.set_index(["scenario", "bar"])["delta_htv"]
    for k in range(rows * columns):
        ax = axes[k // columns][k % columns]
        if k >= len(scenarios):
            ax.set_visible(False)
            continue
        name = scenarios[k]
        ys = list(range(len(bars)))[::-1]
        shown = [float(table.get((name, b), math.nan)) for b in bars]
        for y, b, v in zip(ys, bars, shown, strict=True):
            if math.isnan(v):
                continue
            ax.barh(y, v, height=0.72, **colour[b], edgecolor=EDGE, linewidth=0.5)
            if round(v, digits) != 0:
                ax.text(v, y, f" {_number(v, digits, sign=True)} ", va="center",
                        ha="left" if v > 0 else "right", fontsize=8.5)
        if all(math.isnan(v) for v in shown):
            ax.text(0, (len(bars) - 1) / 2, no_allocation, ha="center", va="center",
                    fontsize=8, color="#aa0000")
        elif all(round(v, digits) == 0 for v in shown if not math.isnan(v)):
            ax.text(0, (len(bars) - 1) / 2, no_change, ha="center", va="center", fontsize=8,
                    color="#555555", fontstyle="italic",
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none"})
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-0.6, len(bars) - 0.4)
        if k % columns == 0:
            ax.set_yticks(ys, bars, fontsize=8.5)
        else:  # no ticks at all, rather than ticks with empty labels: the same, sooner
            ax.set_yticks([])
        ax.tick_params(axis="y", length=0)
        ax.tick_params(axis="x", labelsize=8)
        ax.set_title("\n".join(textwrap.wrap(str(titles[name]), 32)[:3]), fontsize=8.5,
                     loc="left")
        ax.grid(axis="x", color="#e5e5e5", linewidth=0.5)
        ax.set_axisbelow(True)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
    fig.supxlabel(axis_label, fontsize=9)
    return fig


__all__ = ["plot_municipality_changes", "plot_proposal"]
