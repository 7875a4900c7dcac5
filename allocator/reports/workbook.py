"""Result -> an openpyxl workbook a planner can open, filter and print on A4.

Sheets: allocation, by area, by line, inputs, targets (and assumptions, moves and costs
when the scenario has them). Each has a bold frozen header,
fitted column widths, HTV in the granularity's decimals, landscape A4 fitted to one page
wide, the header row repeated on every printed page and the scenario in the page header.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from allocator.engine.costs import PARTS
from allocator.engine.manifest import scenario_sha256
from allocator.reports.cells import safe_text

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from allocator.engine.explain import Explanation
    from allocator.engine.result import Result
    from allocator.scenario.schema import Scenario

HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
FIXED_TIME = dt.datetime(2000, 1, 1)


def add_sheet(wb: Workbook, title: str, frame: pd.DataFrame, formats: dict[str, str],
              scenario: str, headers: dict[str, str] | None = None) -> Worksheet:
    """A printable sheet of ``frame``: bold frozen header, number formats per column, A4
    landscape one page wide, the scenario and sheet in the page header."""
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
        width = max([len(str(headers.get(col, col)))] +
                    [len(str(v)) for v in frame[col].head(200)])
        ws.column_dimensions[letter].width = min(max(width + 2, 8), 48)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    header, footer = ws.oddHeader, ws.oddFooter
    if header is not None and footer is not None:
        # '&' starts a header code (&P is the page number); '&&' prints one '&'.
        header.center.text = f"allocator – {scenario} – {title}".replace("&", "&&")
        footer.right.text = "Page &P of &N"
    return ws


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


def build_workbook(result: Result, explanation: Explanation | None = None) -> Workbook:
    """The workbook for ``result``; creation times are fixed so the file is reproducible.

    With an explanation, sheets 'why by area', 'why by cell' and 'rules' are added.
    """
    digits = result.digits
    htv = "0." + "0" * digits if digits else "0"
    name = result.scenario.name
    wb = new_workbook(result.scenario, result.scenario.title or name)

    alloc = result.allocation_frame()[["area", "municipality", "office", "service_line", "htv"]]
    central = result.central_frame()
    central_rows = pd.DataFrame({
        "area": [result.office_area(o) for o in central["office"]],
        "municipality": "(whole area)",
        "office": central["office"],
        "service_line": "central: " + central["label"],
        "htv": central["htv"],
    })
    total = pd.DataFrame([{"area": "Total", "municipality": "", "office": "", "service_line": "",
                           "htv": float(result.htv(result.allocation.total_units
                                                   if result.allocation else 0))}])
    add_sheet(wb, "allocation", pd.concat([alloc, central_rows, total], ignore_index=True),
           {"htv": htv}, name,
           {"area": "Area", "municipality": "Municipality served", "office": "Office",
            "service_line": "Service line", "htv": "HTV"})

    by_area = result.by_area()
    add_sheet(wb, "by area", by_area,
           {**{ln: htv for ln in result.lines}, "customer_htv": htv, "central_htv": htv,
            "total_htv": htv, "target_htv": "0.000", "unemployed": "0",
            "unemployed_per_htv": "0.0"}, name,
           {**result.line_labels, "area": "Area", "customer_htv": "Customer service HTV",
            "central_htv": "Central services HTV", "total_htv": "Total HTV",
            "target_htv": "Caseload target HTV", "unemployed": "Unemployed",
            "unemployed_per_htv": "Unemployed per customer HTV"})

    add_sheet(wb, "by line", result.by_line(),
           {"htv": htv, "share": "0.0%", "target_share": "0%", "tolerance": "0.0%",
            "min_htv": htv, "max_htv": htv}, name,
           {"service_line": "Service line", "label": "Label", "htv": "HTV", "share": "Share",
            "target_share": "Target share", "tolerance": "Tolerance", "min_htv": "Allowed min HTV",
            "max_htv": "Allowed max HTV"})

    ws = add_sheet(wb, "inputs", result.caseload_frame(), {}, name)
    weights = result.weights_frame()
    _append_block(ws, "Demand weights (relative; each line normalised to 1)",
                  list(weights.columns), weights.values.tolist())
    offices = result.office_limits_frame()
    _append_block(ws, "Offices", list(offices.columns),
                  [[None if isinstance(v, float) and math.isnan(v) else v for v in row]
                   for row in offices.values.tolist()])
    _append_block(ws, "Central services", ["service", "label", "htv", "basis", "assumption"],
                  [[r.service, r.label, r.htv, r.basis, r.assumption or None]
                   for r in central.itertuples()])
    _append_block(ws, "Budget", ["total_htv", "granularity", "lead_municipality"],
                  [[float(result.total_htv), float(result.granularity), result.lead_municipality]])

    add_sheet(wb, "targets", result.targets_frame(),
           {"demand_share": "0.0000", "target_htv": "0.0000", "htv": htv,
            "deviation_htv": "+0.0000;-0.0000;0.0000"}, name,
           {"area": "Area", "municipality": "Municipality", "service_line": "Service line",
            "demand_share": "Demand share", "target_htv": "Target HTV (exact)", "htv": "HTV",
            "deviation_htv": "Deviation HTV"})
    assumed = result.assumptions_frame()
    if len(assumed):
        ws = add_sheet(wb, "assumptions", assumed, {}, name,
                    {"field": "Field", "value": "Value as used", "reason": "Why it is assumed"})
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    moves = result.moves()
    if moves is not None:
        ws = add_sheet(wb, "moves", moves.frame,
                    {"today_htv": htv, "htv": htv, "change_htv": "+0.00;-0.00;0.00"}, name,
                    {"office": "Office", "today_htv": "Today HTV", "htv": "Allocated HTV",
                     "change_htv": "Change HTV"})
        _append_block(ws, "Continuity", ["moved_htv", "max_change_htv", "move_weight",
                                         "illustrative"],
                      [[None if moves.moved_htv is None else float(moves.moved_htv),
                        None if moves.cap_htv is None else float(moves.cap_htv),
                        float(moves.move_weight), moves.illustrative]])
    costs = result.costs()
    if costs is not None:
        eur = "#,##0.00"
        ws = add_sheet(wb, "costs", costs.frame(),
                    {"customer_htv": htv, "central_share": "0.00%", "customer_service_eur": eur,
                     "offices_eur": eur, "central_eur": eur, "total_eur": eur}, name,
                    {"municipality": "Municipality", "area": "Area",
                     "customer_htv": "Customer service HTV", "central_share": "Central share",
                     "customer_service_eur": "Customer service EUR/year",
                     "offices_eur": "Offices EUR/year", "central_eur": "Central services EUR/year",
                     "total_eur": "Total EUR/year"})
        ws.append([_cell("Total"), None, float(sum(r.customer_htv for r in costs.rows)), None,
                   *(float(costs.part_eur(p)) for p in PARTS), float(costs.total_eur)])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for col in range(5, 9):
            ws.cell(ws.max_row, col).number_format = eur
        _append_block(ws, "Terms", ["htv_eur", "office_costs", "central_key", "central_htv"],
                      [[float(costs.htv_eur), costs.office_costs, costs.key,
                        float(costs.central_htv)]])
        keys = costs.keys_frame()
        _append_block(ws, "Which key? Central services' share and cost per municipality",
                      list(keys.columns), keys.values.tolist())
        reference = costs.reference_frame()
        if reference is not None and costs.reference is not None:
            _append_block(ws, f"Reference split: {costs.reference.label}",
                          list(reference.columns), reference.values.tolist())
    if explanation is not None:
        steps = {step: htv for step in explanation.steps}
        add_sheet(wb, "why by area", explanation.area_frame(),
               {"target_htv": "0.000", "rounded_htv": htv, "final_htv": htv, **steps}, name,
               {"area": "Area", "service_line": "Service line", "target_htv": "Target HTV",
                "rounded_htv": "Rounding HTV", "final_htv": "Final HTV"})
        add_sheet(wb, "why by cell", explanation.waterfall_frame(),
               {"demand_share": "0.0000", "target_htv": "0.0000", "rounded_htv": htv,
                "final_htv": htv, **steps}, name)
        add_sheet(wb, "rules", explanation.rules_frame(),
               {"cost_max_deviation_htv": "0.0000", "cost_total_deviation_htv": "0.0000"}, name)
    return wb


def _append_block(ws: Worksheet, title: str, header: list[str], rows: list[list[Any]]) -> None:
    ws.append([])
    ws.append([_cell(title)])
    ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)
    ws.append([_cell(h) for h in header])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for row in rows:
        ws.append([_cell(v) for v in row])
