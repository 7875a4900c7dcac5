"""Chart text in English and Finnish, and the Finnish names of the plan's service lines.

Every chart takes a language and looks its titles, axis labels and legends up here, so a
chart reads the same in the CLI's files, the board pack and a notebook.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter

from allocator.wording import phrase

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
        "tipping_title": "{area}: smallest change of each input\nthat moves the area's HTV by "
                         "{threshold} HTV",
        "tipping_more": "{more} more inputs, none tipping sooner: tipping.csv",
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
        "costs_title": "What it costs each municipality: {total} EUR/year in all",
        "costs_axis": "Cost [thousand EUR/year]",
        "municipality_axis": "Municipality",
        "cost_customer_service": "Customer service",
        "cost_offices": "Offices",
        "cost_central": "Central services (key: {rule})",
        "cost_reference": "Reference: {label}",
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
        "tipping_title": "{area}: pienin lähtötiedon muutos,\njoka muuttaa alueen HTV-määrää "
                         "{threshold} HTV:lla",
        "tipping_more": "{more} muuta lähtötietoa, jotka eivät käänny aiemmin: tipping.csv",
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
        "costs_title": "Kustannukset kunnittain: yhteensä {total} euroa vuodessa",
        "costs_axis": "Kustannus [tuhatta euroa/vuosi]",
        "municipality_axis": "Kunta",
        "cost_customer_service": "Asiakaspalvelu",
        "cost_offices": "Toimipisteet",
        "cost_central": "Keskitetyt palvelut (jakoperuste: {rule})",
        "cost_reference": "Vertailu: {label}",
    },
}


def text(key: str, lang: str = "en", **values: object) -> str:
    """The chart text ``key`` in ``lang`` ('en' or 'fi'), with ``values`` filled in."""
    return phrase(TEXT, key, lang, values)


def literal(value: str) -> str:
    """``value`` escaped so that matplotlib draws it as written, never as mathtext.

    Scenario names and labels are free text; an even number of ``$`` in them would
    otherwise be parsed as TeX-like math, mis-drawn or fail to draw at all.
    """
    return value.replace("$", r"\$")


F = TypeVar("F", bound=Callable[..., Figure])


def draw_literally(fig: Figure) -> Figure:
    """Make every text on ``fig`` draw literally: titles, labels, legends, notes, ticks.

    Texts stop parsing mathtext; the fixed tick labels (area, scenario and input names)
    are escaped instead, so that numeric tick formatters keep their own notation.
    """
    ticks: set[int] = set()
    for ax in fig.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            for formatter in (axis.get_major_formatter(), axis.get_minor_formatter()):
                if isinstance(formatter, FixedFormatter) and not getattr(
                        formatter, "_allocator_literal", False):
                    formatter.seq = [literal(str(s)) for s in formatter.seq]
                    formatter._allocator_literal = True  # type: ignore[attr-defined]
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                ticks.update((id(tick.label1), id(tick.label2)))
    for item in fig.findobj(Text):
        if id(item) not in ticks:
            item.set_parse_math(False)
    return fig


def literal_chart(plot: F) -> F:
    """Decorate a chart function so that the Figure it returns draws its text literally."""
    @functools.wraps(plot)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        return draw_literally(plot(*args, **kwargs))

    return cast(F, wrapper)
