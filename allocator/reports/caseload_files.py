"""A caseload table as the files a planner opens: Finnish-locale CSV and xlsx.

The CSV is what Finnish Excel reads on a double click: UTF-8 with a byte-order mark, ``;``
between cells and decimal commas. Both files put the notes (scenario, month, units) above
the heading row, each starting with ``#``; :mod:`allocator.scenario.tables` reads both back.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from allocator.reports.cells import safe_text
from allocator.scenario.schema import show_number

if TYPE_CHECKING:
    from allocator.scenario.tables import CaseloadTable


def finnish_number(value: float) -> str:
    """A figure as Finnish Excel writes it, to full precision: 0.45 -> '0,45', 4640.0 -> '4640'.

    >>> finnish_number(0.45), finnish_number(4640.0)
    ('0,45', '4640')
    """
    return show_number(value).replace(".", ",")


def caseload_csv(table: CaseloadTable) -> bytes:
    """The table as Finnish-locale CSV bytes (UTF-8 with BOM, ``;``, decimal commas)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for note in table.notes:
        writer.writerow([f"# {note}"])
    writer.writerow(["municipality", "code", *(table.heading(f) for f in table.features)])
    for name, code, values in table.rows:
        writer.writerow([safe_text(name), safe_text(code or ""),
                         *(finnish_number(v) for v in values)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_number(value: float) -> float | int | str:
    """A figure for an xlsx cell: a number, or, for the rare float that needs all 17
    significant digits (openpyxl writes 16), its exact decimal text, which reads back
    the same.

    >>> _xlsx_number(4640.0), _xlsx_number(0.45), _xlsx_number(100000000.30078125)
    (4640, 0.45, '100000000.30078125')
    """
    if float(value).is_integer() and abs(value) < 1e15:
        return int(value)
    return value if float(f"{value:.16g}") == value else repr(value)


def caseload_xlsx(table: CaseloadTable) -> bytes:
    """The table as an xlsx workbook: sheet *caseload*, notes on top, a bold frozen heading
    row, codes as text (so 049 keeps its zero), figures as numbers; byte-identical for the
    same table."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "caseload"
    for note in table.notes:
        ws.append([f"# {note}"])
        ws.cell(ws.max_row, 1).font = Font(italic=True)
    ws.append(["municipality", "code", *(table.heading(f) for f in table.features)])
    head = ws.max_row
    for cell in ws[head]:
        cell.font = Font(bold=True)
    for name, code, values in table.rows:
        ws.append([safe_text(name), safe_text(code or ""), *(_xlsx_number(v) for v in values)])
        ws.cell(ws.max_row, 2).number_format = "@"
    ws.freeze_panes = ws.cell(head + 1, 2).coordinate
    ws.column_dimensions["A"].width = max(14, *(len(n) + 2 for n, _, _ in table.rows))
    for j, feature in enumerate(table.features, start=3):
        ws.column_dimensions[get_column_letter(j)].width = len(table.heading(feature)) + 2
    fixed = dt.datetime(2000, 1, 1)
    wb.properties.creator = "allocator"
    wb.properties.created = fixed
    wb.properties.modified = fixed
    buffer = io.BytesIO()
    wb.save(buffer)
    from allocator.reports.files import stable_zip

    return stable_zip(buffer.getvalue())
