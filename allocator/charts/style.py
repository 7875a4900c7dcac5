"""Shared chart style: colours per service line and area, labels in English or Finnish.

Colours and hatches are fixed by position in the scenario's file order, so an area or a
line has the same look in every chart, and hatches keep charts readable in greyscale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Colour-blind-safe palette (Okabe–Ito) for service lines, in file order.
LINE_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
                "#000000"]
#: Hatches distinguish the same segments in greyscale prints.
LINE_HATCHES = ["", "//", "..", "xx", "\\\\", "++", "--", "oo"]
#: Areas: a second palette (Paul Tol 'muted') so areas and lines never share a colour.
AREA_COLOURS = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
                "#882255", "#AA4499", "#DDDDDD"]
AREA_HATCHES = ["", "..", "//", "xx", "\\\\", "oo", "++", "--", "**", "OO"]
CENTRAL_COLOUR = "#999999"
CENTRAL_HATCH = "||"

#: Chart text by language. Keys are stable; add a key to both languages.
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "htv_axis": "Person-years [HTV]",
        "area_axis": "Responsibility area",
        "central": "Central services (lead municipality)",
        "target": "Caseload-proportional target",
        "allocation_title": "Allocation of {total} HTV by area and service line",
        "scenario_axis": "Scenario",
        "base_word": "base",
        "base_marker": "{name} (base)",
        "no_change": "no change in any area",
        "central_short": "Central services",
        "no_allocation": "no allocation",
        "all_areas": "All areas",
        "compare_htv_title": "Person-years by responsibility area in each scenario\n"
                             "(customer service per area; central services apart)",
        "compare_delta_title": "Change in person-years against '{base}'\n"
                               "(customer service by responsibility area; central services apart)",
        "delta_axis": "Change against '{base}' [HTV]",
        "compare_shares_title": "Service lines' shares of customer service in each scenario\n"
                                "(black ticks: target shares)",
        "share_axis": "Share of customer-service person-years [%]",
        "target_share": "Target share",
        "compare_caseload_title": "Unemployed jobseekers per customer-service person-year\n"
                                  "by responsibility area in each scenario",
        "caseload_axis": "Unemployed jobseekers per HTV [persons/HTV]",
        "whole_area_ratio": "Whole employment area",
    },
    "fi": {
        "htv_axis": "Henkilötyövuodet [HTV]",
        "area_axis": "Vastuualue",
        "central": "Keskitetyt palvelut (vastuukunta)",
        "target": "Asiakasmäärän mukainen tavoite",
        "allocation_title": "{total} HTV:n jako vastuualueittain ja palvelulinjoittain",
        "scenario_axis": "Skenaario",
        "base_word": "vertailukohta",
        "base_marker": "{name} (vertailukohta)",
        "no_change": "ei muutosta millään vastuualueella",
        "central_short": "Keskitetyt palvelut",
        "no_allocation": "ei jakoa",
        "all_areas": "Koko alue",
        "compare_htv_title": "Henkilötyövuodet vastuualueittain eri skenaarioissa\n"
                             "(asiakaspalvelu vastuualueittain, keskitetyt palvelut erikseen)",
        "compare_delta_title": "Henkilötyövuosien muutos verrattuna skenaarioon '{base}'\n"
                               "(asiakaspalvelu vastuualueittain, keskitetyt palvelut erikseen)",
        "delta_axis": "Muutos verrattuna skenaarioon '{base}' [HTV]",
        "compare_shares_title": "Palvelulinjojen osuudet asiakaspalvelusta eri skenaarioissa\n"
                                "(mustat viivat: tavoiteosuudet)",
        "share_axis": "Osuus asiakaspalvelun henkilötyövuosista [%]",
        "target_share": "Tavoiteosuus",
        "compare_caseload_title": "Työttömiä työnhakijoita asiakaspalvelun henkilötyövuotta "
                                  "kohden\nvastuualueittain eri skenaarioissa",
        "caseload_axis": "Työttömiä työnhakijoita / HTV [henkilöä/HTV]",
        "whole_area_ratio": "Koko työllisyysalue",
    },
}


#: Names of the service lines the plan defines (base.yaml's identifiers), by language; a
#: line not listed here is shown with its label from the scenario file.
LINE_NAMES: dict[str, dict[str, str]] = {
    "fi": {
        "weaker_position": "Heikommassa työmarkkina-asemassa olevien ja monialaiset palvelut",
        "job_brokering": "Työnvälitys",
        "skills": "Osaamisen kehittäminen",
    },
}


def line_name(name: str, label: str, lang: str = "en") -> str:
    """The service line ``name`` in ``lang``, or its ``label`` from the scenario file."""
    return LINE_NAMES.get(lang, {}).get(name, label)


def text(key: str, lang: str = "en", **values: object) -> str:
    """The chart text ``key`` in ``lang`` ('en' or 'fi'), with ``values`` filled in."""
    table = TEXT.get(lang, TEXT["en"])
    return table.get(key, TEXT["en"][key]).format(**values)


def line_style(index: int) -> dict[str, Any]:
    """Colour and hatch of the service line at ``index`` in file order."""
    return {"color": LINE_COLOURS[index % len(LINE_COLOURS)],
            "hatch": LINE_HATCHES[index % len(LINE_HATCHES)]}


def area_style(index: int) -> dict[str, Any]:
    """Colour and hatch of the area at ``index`` in file order."""
    return {"color": AREA_COLOURS[index % len(AREA_COLOURS)],
            "hatch": AREA_HATCHES[index % len(AREA_HATCHES)]}


def new_figure(width: float = 8.0, height: float = 4.8) -> Figure:
    """An empty Figure with the project's size and layout (no pyplot)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=120, layout="constrained")


#: Height of one footer line at the footer's font size [inches].
FOOTER_LINE_HEIGHT = 0.11


def reserve_footer(fig: Figure, note: str) -> None:
    """Keep room under the axes for ``note`` (when the figure lays itself out).

    Without it the constrained layout places the axis label where the footer goes.
    """
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    lines = note.count("\n") + 1
    bottom = min(0.3, (lines * FOOTER_LINE_HEIGHT + 0.05) / fig.get_figheight())
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0, bottom, 1, 1 - bottom))


def add_footer(fig: Figure, note: str) -> None:
    """Write a small provenance line (the reproducibility manifest) under the chart."""
    fig.text(0.005, 0.002, note, fontsize=6, color="#555555", ha="left", va="bottom")
