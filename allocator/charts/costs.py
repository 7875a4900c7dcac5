"""What an allocation costs each municipality: stacked bars by part, the reference split
as a tick."""

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
from allocator.scenario.features import key_name
from allocator.scenario.language import general, num

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from allocator.engine.costs import Costs
    from allocator.engine.result import Result


@literal_chart
def plot_costs(result: Result, costs: Costs, ax: Axes | None = None,
               lang: str = "en") -> Figure:
    """Stacked bars of each municipality's yearly cost by part [thousand EUR/year]: customer
    service, offices, central services; a black tick marks the reference split, if given."""
    frame = costs.frame()
    own = ax is None
    fig, ax = figure_and_axes(ax)
    positions = list(range(len(frame)))
    bottom = [0.0] * len(frame)
    parts = [("customer_service_eur", text("cost_customer_service", lang), line_style(0)),
             ("offices_eur", text("cost_offices", lang), line_style(1)),
             ("central_eur", text("cost_central", lang, rule=key_name(result.scenario, costs.key, lang)),
              {"color": CENTRAL_COLOUR, "hatch": CENTRAL_HATCH})]
    for column, label, style in parts:
        values = (frame[column] / 1000).tolist()
        ax.bar(positions, values, bottom=bottom, width=0.62, edgecolor="white", linewidth=0.6,
               label=label, **style)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for x, total in zip(positions, bottom, strict=True):
        ax.text(x, total * 1.01 + 5, num(total, 0, lang, thousands=True), ha="center",
                va="bottom", fontsize=8.5,
                fontweight="bold")
    top = max(bottom)
    reference = costs.reference_frame()
    if reference is not None and costs.reference is not None:
        ref = (reference["reference_eur"] / 1000).tolist()
        for x, value in zip(positions, ref, strict=True):
            ax.plot([x - 0.36, x + 0.36], [value, value], color="black", linewidth=1.4)
        ax.plot([], [], color="black", linewidth=1.4,
                label=text("cost_reference", lang, label=reference_name(result, lang)))
        top = max(top, *ref)
    ax.set_xticks(positions, frame["municipality"].tolist())
    ax.set_xlabel(text("municipality_axis", lang))
    ax.set_ylabel(text("costs_axis", lang))
    ax.set_ylim(0, top * 1.15 + 10)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: general(v, lang)))
    ax.set_title(f"{result.scenario.title_in(lang)}\n"
                 + text("costs_title", lang, total=num(costs.total_eur, 0, lang, thousands=True)),
                 fontsize=10)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(fontsize=7.5, frameon=False, loc="upper left")
    footer = manifest_line(result)
    if own:
        reserve_footer(fig, footer)
    add_footer(fig, footer)
    return fig


def reference_name(result: Result, lang: str) -> str:
    """The reference split's name in ``lang``, as the scenario gives it."""
    costs = result.scenario.costs
    if costs is not None and costs.reference is not None:
        return costs.reference.title_in(lang)
    return "reference"
