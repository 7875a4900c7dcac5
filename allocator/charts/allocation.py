"""The allocation of one scenario: HTV per area, stacked by service line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.ticker import FuncFormatter

from allocator.charts.style import (
    CENTRAL_COLOUR,
    CENTRAL_HATCH,
    add_footer,
    figure_and_axes,
    line_style,
    reserve_footer,
)
from allocator.charts.text import literal_chart, text
from allocator.engine.manifest import manifest_line
from allocator.scenario.language import general, num

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from allocator.engine.result import Result

@literal_chart
def plot_allocation(result: Result, ax: Axes | None = None, lang: str = "en") -> Figure:
    """Stacked bars of HTV per responsibility area by service line, central services apart.

    A black tick marks each area's caseload-proportional customer-service target [HTV].
    """
    frame = result.by_area()
    frame = frame[frame["area"] != "Total"].reset_index(drop=True)
    lines = {ln.name: ln.title_in(lang) for ln in result.scenario.service_lines}
    own = ax is None
    fig, ax = figure_and_axes(ax)
    positions = list(range(len(frame)))
    bottom = [0.0] * len(frame)
    for i, ln in enumerate(result.lines):
        values = frame[ln].tolist()
        bars = ax.bar(positions, values, bottom=bottom, width=0.62,
                      **line_style(i), edgecolor="white",
                      linewidth=0.6, label=lines[ln])
        for bar, v, b in zip(bars, values, bottom, strict=True):
            if v >= 0.6:
                ax.text(bar.get_x() + bar.get_width() / 2, b + v / 2, num(v, 2, lang),
                        ha="center", va="center", fontsize=7.5, color="black",
                        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none",
                              "alpha": 0.85})
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    central = frame["central_htv"].tolist()
    if any(central):
        ax.bar(positions, central, bottom=bottom, width=0.62, color=CENTRAL_COLOUR,
               hatch=CENTRAL_HATCH, edgecolor="white", linewidth=0.6,
               label=text("central", lang))
    for x, total, _cust, target in zip(positions, frame["total_htv"], frame["customer_htv"],
                                      frame["target_htv"], strict=True):
        ax.text(x, total + 0.15, num(total, 2, lang), ha="center", va="bottom", fontsize=8.5,
                fontweight="bold")
        ax.plot([x - 0.36, x + 0.36], [target, target], color="black", linewidth=1.4)
    ax.plot([], [], color="black", linewidth=1.4, label=text("target", lang))
    ax.set_xticks(positions, frame["area"].tolist())
    ax.set_xlabel(text("area_axis", lang))
    ax.set_ylabel(text("htv_axis", lang))
    top = max(frame["total_htv"].max(), frame["target_htv"].max())
    ax.set_ylim(0, top * 1.12 + 0.5)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: general(v, lang)))
    ax.set_title(f"{result.scenario.title_in(lang)}\n"
                 + text("allocation_title", lang, total=num(result.total_htv, 2, lang)),
                 fontsize=10)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(fontsize=7.5, frameon=False, loc="upper right")

    footer = manifest_line(result)
    if own:
        reserve_footer(fig, footer)
    add_footer(fig, footer)
    return fig
