"""Result -> an openpyxl workbook a planner can open, filter and print on A4.

Sheets: allocation, by area, by line, inputs, weights, offices, central services, budget,
targets (and assumptions, moves, continuity and the costs' sheets when the scenario has
them): one table per sheet, so each has its own columns. Each has a bold frozen header,
fitted column widths, HTV in the granularity's decimals, and prints on landscape A4 in
legible type (see :func:`print_setup`), the header row repeated on every printed page and
the scenario in the page header.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from allocator.engine.costs import PARTS
from allocator.engine.manifest import scenario_sha256
from allocator.reports.cells import safe_text
from allocator.reports.terminal_text import step_name
from allocator.scenario.features import feature_name, key_name

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from allocator.engine.explain import Explanation
    from allocator.engine.result import Result
    from allocator.scenario.schema import Scenario

HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
#: The footer's page number by language (&P the page, &N the pages).
PAGE_OF = {"en": "Page &P of &N", "fi": "Sivu &P / &N"}
#: Characters of the default font (Calibri 11) across A4 landscape between half-inch margins.
PAGE_WIDTH = 130
#: The smallest print scale that keeps 11-point type legible (about 8 points).
SMALLEST_SCALE = 0.75
FIXED_TIME = dt.datetime(2000, 1, 1)


def add_sheet(wb: Workbook, title: str, frame: pd.DataFrame, formats: dict[str, str],
              scenario: str, headers: dict[str, str] | None = None, lang: str = "en",
              heading: str | None = None) -> Worksheet:
    """A printable sheet of ``frame``: bold frozen header, number formats per column, A4
    landscape in legible type (:func:`print_setup`), the scenario and ``heading`` (default:
    the sheet's name) in the page header and the page number in ``lang`` in the footer."""
    ws: Worksheet = wb.create_sheet(title)
    headers = headers or {}
    columns = list(frame.columns)
    ws.append([_cell(headers.get(c, c)) for c in columns])
    for row in frame.itertuples(index=False):
        ws.append([_cell(v) for v in row])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for j, col in enumerate(columns, start=1):
        letter = get_column_letter(j)
        fmt = formats.get(col)
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = fmt
        head = str(headers.get(col, col))  # a heading wraps: its longest word counts in full
        width = max([min(len(head), 18), *(len(w) for w in head.split())] +
                    [len(str(v)) for v in frame[col].head(200)])
        ws.column_dimensions[letter].width = min(max(width + 2, 8), 48)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    print_setup(ws, len(columns))
    header, footer = ws.oddHeader, ws.oddFooter
    if header is not None and footer is not None:
        # '&' starts a header code (&P is the page number); '&&' prints one '&'.
        header.center.text = f"allocator – {scenario} – {heading or title}".replace("&", "&&")
        footer.right.text = PAGE_OF.get(lang, PAGE_OF["en"])
    return ws


def sheet_width(ws: Worksheet, columns: int) -> float:
    """The width of the sheet's first ``columns`` columns [characters of the default font]."""
    return sum(ws.column_dimensions[get_column_letter(j)].width or 8.43
               for j in range(1, columns + 1))


def print_setup(ws: Worksheet, columns: int) -> None:
    """Print on A4 landscape with legible type: a sheet that fits across the page at
    SMALLEST_SCALE or more is fitted to one page wide; a wider one prints at full size
    across several pages with its first column repeated. The header row repeats on every
    page; grid lines are printed so that the numbers stay in their rows."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    ws.print_options.gridLines = True
    if sheet_width(ws, columns) <= PAGE_WIDTH / SMALLEST_SCALE:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        ws.page_setup.scale = 100
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
        ws.print_title_cols = "A:A"
    ws.print_title_rows = "1:1"


def _cell(value: Any) -> Any:
    """A frame value as a cell value: NaN empty, text that starts like a formula quoted."""
    if isinstance(value, float) and value != value:
        return None
    return safe_text(value)


def new_workbook(scenario: Scenario, title: str) -> Workbook:
    """An empty workbook whose properties are the same from run to run (fixed times) and
    carry the run's id, as allocation.csv's first line and summary.json's manifest do."""
    wb = Workbook()
    for sheet in list(wb.worksheets):
        wb.remove(sheet)
    wb.properties.creator = "allocator"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.title = title
    wb.properties.identifier = f"scenario_sha256={scenario_sha256(scenario)}"
    return wb


#: Sheet names by language. The *inputs* sheet keeps its name and its identifiers as
#: headings in every language: ``--caseload allocation.xlsx`` reads it back.
SHEETS: dict[str, dict[str, str]] = {
    "en": {"allocation": "allocation", "by area": "by area", "by line": "by line",
           "inputs": "inputs", "weights": "weights", "offices": "offices",
           "central services": "central services", "budget": "budget", "targets": "targets",
           "assumptions": "assumptions", "moves": "moves", "continuity": "continuity",
           "costs": "costs", "cost terms": "cost terms", "keys": "keys",
           "reference split": "reference split", "why by area": "why by area",
           "why by cell": "why by cell", "rules": "rules"},
    "fi": {"allocation": "jako", "by area": "vastuualueittain", "by line": "palvelulinjoittain",
           "inputs": "inputs", "weights": "painot", "offices": "toimipisteet",
           "central services": "keskitetyt palvelut", "budget": "budjetti",
           "targets": "tavoitteet", "assumptions": "oletukset", "moves": "siirrot",
           "continuity": "jatkuvuus", "costs": "kustannukset", "cost terms": "kustannusperusteet",
           "keys": "jakoperusteet", "reference split": "vertailujako",
           "why by area": "perustelut alueittain", "why by cell": "perustelut soluittain",
           "rules": "säännöt"},
}

#: Column headings by language, keyed by the frames' column names.
HEADERS: dict[str, dict[str, str]] = {
    "en": {"area": "Area", "municipality": "Municipality", "served": "Municipality served",
           "office": "Office", "service_line": "Service line", "htv": "HTV", "label": "Label",
           "customer_htv": "Customer service HTV", "central_htv": "Central services HTV",
           "total_htv": "Total HTV", "target_htv": "Caseload target HTV",
           "unemployed": "Unemployed", "unemployed_per_htv": "Unemployed per customer HTV",
           "share": "Share", "target_share": "Target share", "tolerance": "Tolerance",
           "min_htv": "Allowed min HTV", "max_htv": "Allowed max HTV",
           "demand_share": "Demand share", "exact_target_htv": "Target HTV (exact)",
           "deviation_htv": "Deviation HTV", "field": "Field", "value": "Value as used",
           "reason": "Why it is assumed", "today_htv": "Today HTV",
           "allocated_htv": "Allocated HTV", "change_htv": "Change HTV",
           "central_share": "Central share", "customer_service_eur": "Customer service EUR/year",
           "offices_eur": "Offices EUR/year", "central_eur": "Central services EUR/year",
           "total_eur": "Total EUR/year", "rounded_htv": "Rounding HTV",
           "final_htv": "Final HTV", "service": "Service", "basis": "Size from",
           "assumption": "Assumption", "kind": "Kind", "serves": "Serves",
           "optional": "Optional", "total": "Total", "whole_area": "(whole area)",
           "central": "central: {label}", "weights_title":
           "Demand weights (relative; each line normalised to 1)",
           "reference_eur": "Reference EUR/year", "difference_eur": "Difference EUR/year",
           "reference_htv": "Reference HTV", "difference_htv": "Difference HTV",
           "htv_eur": "EUR/year per HTV", "office_costs": "Offices paid by",
           "central_key": "Central services shared by", "granularity": "Granularity HTV",
           "lead_municipality": "Lead municipality", "moved_htv": "HTV moved",
           "max_change_htv": "Largest change per office HTV", "move_weight": "Price per HTV moved",
           "illustrative": "Illustrative", "key_share": "{name}: share",
           "key_eur": "{name}: EUR/year", "rule": "Rule", "tight": "Tight", "binds": "Binds",
           "cost_max_deviation_htv": "Cost: largest deviation HTV",
           "cost_total_deviation_htv": "Cost: total deviation HTV",
           "description": "Description", "details": "Details"},
    "fi": {"area": "Vastuualue", "municipality": "Kunta", "served": "Palveltava kunta",
           "office": "Toimipiste", "service_line": "Palvelulinja", "htv": "HTV",
           "label": "Nimi", "customer_htv": "Asiakaspalvelun HTV",
           "central_htv": "Keskitettyjen palvelujen HTV", "total_htv": "HTV yhteensä",
           "target_htv": "Asiakasmäärän mukainen tavoite HTV", "unemployed": "Työttömät",
           "unemployed_per_htv": "Työttömiä asiakaspalvelun HTV:ta kohden",
           "share": "Osuus", "target_share": "Tavoiteosuus", "tolerance": "Sallittu poikkeama",
           "min_htv": "Vähintään HTV", "max_htv": "Enintään HTV",
           "demand_share": "Kysyntäosuus", "exact_target_htv": "Tavoite HTV (tarkka)",
           "deviation_htv": "Poikkeama HTV", "field": "Kenttä", "value": "Käytetty arvo",
           "reason": "Miksi oletus", "today_htv": "Nyt HTV", "allocated_htv": "Jaettu HTV",
           "change_htv": "Muutos HTV", "central_share": "Osuus keskitetyistä",
           "customer_service_eur": "Asiakaspalvelu euroa/vuosi",
           "offices_eur": "Toimipisteet euroa/vuosi",
           "central_eur": "Keskitetyt palvelut euroa/vuosi", "total_eur": "Yhteensä euroa/vuosi",
           "rounded_htv": "Pyöristys HTV", "final_htv": "Lopullinen HTV", "service": "Palvelu",
           "basis": "Koon peruste", "assumption": "Oletus", "kind": "Tyyppi",
           "serves": "Palvelee", "optional": "Valinnainen", "total": "Yhteensä",
           "whole_area": "(koko alue)", "central": "keskitetty: {label}",
           "weights_title": "Kysynnän painot (suhteellisia; kunkin linjan summa 1)",
           "reference_eur": "Vertailu euroa/vuosi", "difference_eur": "Erotus euroa/vuosi",
           "reference_htv": "Vertailu HTV", "difference_htv": "Erotus HTV",
           "htv_eur": "Euroa/vuosi HTV:ta kohden", "office_costs": "Toimipisteet maksaa",
           "central_key": "Keskitettyjen palvelujen jakoperuste",
           "granularity": "Tarkkuus HTV", "lead_municipality": "Vastuukunta",
           "moved_htv": "Siirtyvät HTV", "max_change_htv": "Suurin muutos toimipisteessä HTV",
           "move_weight": "Siirretyn HTV:n hinta", "illustrative": "Havainnollistava",
           "key_share": "{name}: osuus", "key_eur": "{name}: euroa/vuosi", "rule": "Sääntö",
           "tight": "Tiukka", "binds": "Sitoo",
           "cost_max_deviation_htv": "Hinta: suurin poikkeama HTV",
           "cost_total_deviation_htv": "Hinta: poikkeamat yhteensä HTV",
           "description": "Kuvaus", "details": "Yksityiskohdat"},
}


def _h(lang: str, key: str, **values: object) -> str:
    return HEADERS.get(lang, HEADERS["en"]).get(key, HEADERS["en"][key]).format(**values)


def build_workbook(result: Result, explanation: Explanation | None = None,
                   lang: str = "en") -> Workbook:
    """The workbook for ``result``; creation times are fixed so the file is reproducible.

    With an explanation, sheets 'why by area', 'why by cell' and 'rules' are added. ``lang``
    'fi' names the sheets, headings and the scenario's offices, lines and services in
    Finnish (the *inputs* sheet excepted, which --caseload reads back).
    """
    digits = result.digits
    htv = "0." + "0" * digits if digits else "0"
    name = result.scenario.name
    wb = new_workbook(result.scenario, result.scenario.title_in(lang))
    sheet = SHEETS.get(lang, SHEETS["en"])
    h = {**HEADERS["en"], **HEADERS.get(lang, {})}
    sc = result.scenario
    office_names = {o.name: o.title_in(lang) for o in sc.offices}
    line_names = {ln.name: ln.title_in(lang) for ln in sc.service_lines}
    service_names = {c.name: c.title_in(lang) for c in sc.central_services}

    alloc = result.allocation_frame()[["area", "municipality", "office", "service_line", "htv"]]
    alloc = alloc.assign(office=alloc["office"].map(office_names),
                         service_line=alloc["service_line"].map(line_names))
    central = result.central_frame()
    central_rows = pd.DataFrame({
        "area": [result.office_area(o) for o in central["office"]],
        "municipality": h["whole_area"],
        "office": central["office"].map(office_names),
        "service_line": [_h(lang, "central", label=service_names[c])
                         for c in central["service"]],
        "htv": central["htv"],
    })
    total = pd.DataFrame([{"area": h["total"], "municipality": "", "office": "",
                           "service_line": "",
                           "htv": float(result.htv(result.allocation.total_units
                                                   if result.allocation else 0))}])
    add_sheet(wb, sheet["allocation"], pd.concat([alloc, central_rows, total], ignore_index=True),
              {"htv": htv}, name, {**h, "municipality": h["served"]}, lang)

    by_area = result.by_area()
    by_area = by_area.assign(area=by_area["area"].replace({"Total": h["total"]}))
    add_sheet(wb, sheet["by area"], by_area,
              {**{ln: htv for ln in result.lines}, "customer_htv": htv, "central_htv": htv,
               "total_htv": htv, "target_htv": "0.000", "unemployed": "0",
               "unemployed_per_htv": "0.0"}, name, {**h, **line_names}, lang)

    by_line = result.by_line()
    by_line = by_line.assign(label=by_line["service_line"].map(line_names))
    add_sheet(wb, sheet["by line"], by_line,
              {"htv": htv, "share": "0.0%", "target_share": "0%", "tolerance": "0.0%",
               "min_htv": htv, "max_htv": htv}, name, h, lang)

    add_sheet(wb, sheet["inputs"], result.caseload_frame(), {}, name, None, lang)
    weights = result.weights_frame()
    add_sheet(wb, sheet["weights"], weights.assign(
        service_line=weights["service_line"].map(line_names)), {}, name,
        {**h, **{f: feature_name(sc, f, lang) for f in weights.columns
                 if f != "service_line"}}, lang,
        h["weights_title"])
    offices = result.office_limits_frame()
    add_sheet(wb, sheet["offices"], offices.assign(office=offices["office"].map(office_names)),
              {"min_htv": htv, "max_htv": htv}, name, h, lang)
    add_sheet(wb, sheet["central services"], pd.DataFrame(
        [{"service": r.service, "label": service_names[str(r.service)], "htv": r.htv,
          "basis": r.basis, "assumption": r.assumption or None} for r in central.itertuples()],
        columns=["service", "label", "htv", "basis", "assumption"]), {"htv": htv}, name, h, lang)
    add_sheet(wb, sheet["budget"], pd.DataFrame(
        [{"total_htv": float(result.total_htv), "granularity": float(result.granularity),
          "lead_municipality": result.lead_municipality}]), {"total_htv": htv}, name, h, lang)

    targets = result.targets_frame()
    add_sheet(wb, sheet["targets"],
              targets.assign(service_line=targets["service_line"].map(line_names)),
              {"demand_share": "0.0000", "target_htv": "0.0000", "htv": htv,
               "deviation_htv": "+0.0000;-0.0000;0.0000"}, name,
              {**h, "target_htv": h["exact_target_htv"]}, lang)
    assumed = result.assumptions_frame()
    if len(assumed):
        ws = add_sheet(wb, sheet["assumptions"], assumed, {}, name, h, lang)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    moves = result.moves()
    if moves is not None:
        add_sheet(wb, sheet["moves"],
                  moves.frame.assign(office=moves.frame["office"].map(office_names)),
                  {"today_htv": htv, "htv": htv, "change_htv": "+0.00;-0.00;0.00"}, name,
                  {**h, "htv": h["allocated_htv"]}, lang)
        add_sheet(wb, sheet["continuity"], pd.DataFrame(
            [{"moved_htv": None if moves.moved_htv is None else float(moves.moved_htv),
              "max_change_htv": None if moves.cap_htv is None else float(moves.cap_htv),
              "move_weight": float(moves.move_weight), "illustrative": moves.illustrative}]),
            {}, name, h, lang)
    costs = result.costs()
    if costs is not None:
        eur = "#,##0.00"
        ws = add_sheet(wb, sheet["costs"], costs.frame(),
                       {"customer_htv": htv, "central_share": "0.00%",
                        "customer_service_eur": eur, "offices_eur": eur, "central_eur": eur,
                        "total_eur": eur}, name, h, lang)
        ws.append([_cell(h["total"]), None, float(sum(r.customer_htv for r in costs.rows)),
                   None, *(float(costs.part_eur(p)) for p in PARTS), float(costs.total_eur)])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for col in range(5, 9):
            ws.cell(ws.max_row, col).number_format = eur
        add_sheet(wb, sheet["cost terms"], pd.DataFrame(
            [{"htv_eur": float(costs.htv_eur), "office_costs": costs.office_costs,
              "central_key": costs.key, "central_htv": float(costs.central_htv)}]),
            {"htv_eur": eur}, name, h, lang)
        keys = costs.keys_frame()
        key_heads = {f"{part}_{k}": _h(lang, f"key_{kind}", name=key_name(sc, k, lang))
                     for k in costs.keys
                     for part, kind in (("share", "share"), ("central_eur", "eur"))}
        add_sheet(wb, sheet["keys"], keys,
                  {c: (eur if c.startswith("central_eur") else "0.00%")
                   for c in keys.columns if c != "municipality"}, name, {**h, **key_heads}, lang)
        reference = costs.reference_frame()
        if reference is not None and costs.reference is not None:
            given = sc.costs.reference if sc.costs is not None else None
            add_sheet(wb, sheet["reference split"], reference,
                      {"total_eur": eur, "reference_eur": eur, "difference_eur": eur,
                       "htv": htv, "reference_htv": htv, "difference_htv": htv}, name,
                      {**h, "total_eur": h["total_eur"], "htv": h["htv"]}, lang,
                      given.title_in(lang) if given is not None else costs.reference.label)
    if explanation is not None:
        steps = {step: htv for step in explanation.steps}
        named = {**h, **{step: f"{step_name(step, lang)} HTV" for step in explanation.steps}}
        by_area_why = explanation.area_frame()
        by_cell_why = explanation.waterfall_frame()
        add_sheet(wb, sheet["why by area"],
                  by_area_why.assign(service_line=by_area_why["service_line"].map(line_names)),
                  {"target_htv": "0.000", "rounded_htv": htv, "final_htv": htv, **steps}, name,
                  named, lang)
        add_sheet(wb, sheet["why by cell"],
                  by_cell_why.assign(service_line=by_cell_why["service_line"].map(line_names)),
                  {"demand_share": "0.0000", "target_htv": "0.0000", "rounded_htv": htv,
                   "final_htv": htv, **steps}, name, {**named, "target_htv": h["exact_target_htv"]},
                  lang)
        add_sheet(wb, sheet["rules"], explanation.rules_frame(),
                  {"cost_max_deviation_htv": "0.0000", "cost_total_deviation_htv": "0.0000"},
                  name, h, lang)
    return wb
