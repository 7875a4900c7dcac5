"""Shared chart style: colours per service line and area, labels in English or Finnish.

Colours and hatches are fixed by position in the scenario's file order, so an area or a
line has the same look in every chart, and hatches keep charts readable in greyscale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
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
#: Markers and dash patterns tell areas' lines apart in greyscale prints.
AREA_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">"]
AREA_DASHES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)), (0, (3, 1, 3, 3)),
               "-", "--"]
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
        "customer_htv_axis": "Customer-service person-years [HTV]",
        "change_htv_axis": "Change from the base allocation [HTV]",
        "base_value": "Base value",
        "sweep_title": "Customer-service HTV by area as {param} varies",
        "tornado_title": "{area}: change in customer-service HTV\nwhen one input moves ±{pct} %",
        "tornado_low": "Input −{pct} %",
        "tornado_high": "Input +{pct} %",
        "tornado_none": "No input moves this area by a whole granularity unit",
        "tipping_title": "{area}: smallest change of each input\nthat moves the area's HTV by a unit",
        "tipping_axis": "Relative change of the input [%]",
        "tipping_up": "Increase",
        "tipping_down": "Decrease",
        "tipping_none": "No change within the scanned range",
        "mc_title": "Change in each area's customer-service HTV from the base over {runs} caseload "
                    "draws ({model}, seed {seed})",
        "mc_base": "Base allocation",
        "mc_moved": "moved > {threshold} HTV\nin {share} of runs",
        "robust_title": "One allocation for {n} scenarios: robust allocation − each scenario's "
                        "own optimum",
        "robust_axis": "Robust − own optimum [HTV]",
        "robust_vs": "vs. own optimum of {scenario}",
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
        "customer_htv_axis": "Asiakaspalvelun henkilötyövuodet [HTV]",
        "change_htv_axis": "Muutos perusjakoon [HTV]",
        "base_value": "Perusarvo",
        "sweep_title": "Asiakaspalvelun HTV vastuualueittain, kun {param} muuttuu",
        "tornado_title": "{area}: asiakaspalvelun HTV:n muutos,\nkun yhtä lähtötietoa muutetaan "
                         "±{pct} %",
        "tornado_low": "Lähtötieto −{pct} %",
        "tornado_high": "Lähtötieto +{pct} %",
        "tornado_none": "Mikään lähtötieto ei muuta alueen jakoa kokonaisella yksiköllä",
        "tipping_title": "{area}: pienin lähtötiedon muutos,\njoka muuttaa alueen HTV-määrää yksiköllä",
        "tipping_axis": "Lähtötiedon suhteellinen muutos [%]",
        "tipping_up": "Kasvu",
        "tipping_down": "Lasku",
        "tipping_none": "Ei muutosta tutkitulla välillä",
        "mc_title": "Alueiden asiakaspalvelun HTV:n muutos perusjakoon {runs} asiakasmäärien "
                    "arvonnassa ({model}, siemen {seed})",
        "mc_base": "Perusjako",
        "mc_moved": "muuttui > {threshold} HTV\n{share} arvonnoista",
        "robust_title": "Yksi jako {n} skenaariolle: vakaa jako − kunkin skenaarion oma optimi",
        "robust_axis": "Vakaa jako − oma optimi [HTV]",
        "robust_vs": "verrattuna skenaarion {scenario} omaan optimiin",
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


def area_line_style(index: int) -> dict[str, Any]:
    """Colour, marker and dash pattern of the area at ``index`` in file order, for line charts."""
    return {"color": AREA_COLOURS[index % len(AREA_COLOURS)],
            "marker": AREA_MARKERS[index % len(AREA_MARKERS)],
            "linestyle": AREA_DASHES[index % len(AREA_DASHES)]}


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


def figure_of(ax: Axes) -> Figure:
    """The top-level Figure that ``ax`` is drawn on."""
    root = ax.get_figure(root=True)
    assert root is not None, "the axes must belong to a figure"
    return root


def figure_and_axes(ax: Axes | None, width: float = 8.0,
                    height: float = 4.8) -> tuple[Figure, Axes]:
    """The given Axes and its Figure, or a new Figure with one Axes of the given size."""
    if ax is not None:
        return figure_of(ax), ax
    fig = new_figure(width, height)
    return fig, fig.add_subplot()


def add_footer(fig: Figure, note: str) -> None:
    """Write a small provenance line (the reproducibility manifest) under the chart."""
    fig.text(0.005, 0.002, note, fontsize=6, color="#555555", ha="left", va="bottom")
