"""Caseload tables: a scenario's figures as a spreadsheet a planner edits, and back.

One row per municipality (its name and Statistics Finland code), one column per base
caseload feature. A table is read from CSV as Finnish spreadsheets save it (``;`` between
cells, decimal commas, UTF-8 with or without a byte-order mark, or Windows-1252 when the
bytes are not UTF-8), from plain CSV (``,`` and decimal points) and from xlsx (also the
*inputs* sheet of a run's allocation.xlsx). Every
problem is reported at once as ``file:row:column: message`` with the row and column a
spreadsheet shows. Reading imports only the standard library (openpyxl for xlsx, inside
the function that needs it).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from allocator.errors import Problem, ScenarioError
from allocator.scenario.reading import open_workbook, read_bounded, refusal
from allocator.scenario.schema import Scenario, show_name, show_number, to_fraction

#: Heading of the first column, which names the municipality.
MUNICIPALITY = "municipality"
#: Heading of the optional column with the Statistics Finland municipality code.
CODE = "code"
#: Headings of columns that describe a row and are not read (allocation.xlsx's *inputs*
#: sheet has the area).
INFORMATIONAL = ("area",)
#: Largest caseload table read [bytes]; a real one is a few kilobytes.
MAX_TABLE_BYTES = 16 * 1024 * 1024
#: Most rows read; an employment area has a few dozen municipalities at most.
MAX_ROWS = 10_000
#: Characters a spreadsheet may put between groups of three digits (space, no-break
#: space, narrow no-break space).
_GROUP = " \u00a0\u202f"
_UNIT = re.compile(r"\s*\[[^\]]*\]\s*$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CaseloadTable:
    """A scenario's base caseload as a table: what ``allocate caseload export`` writes.

    ``units`` says per feature whether it counts persons or is a share (0–1); ``notes``
    are the lines written above the table (what, when, units, how to read it back).
    """

    features: tuple[str, ...]
    units: Mapping[str, str]
    rows: tuple[tuple[str, str | None, tuple[float, ...]], ...]
    notes: tuple[str, ...]

    def heading(self, feature: str) -> str:
        """A feature's column heading with its unit: ``unemployed [persons]``."""
        return f"{feature} [{self.units[feature]}]"


def feature_unit(values: Sequence[float]) -> str:
    """'share' for a feature whose figures all lie within 0–1 and are not all whole numbers
    (a rate such as ``inflow_over_3m_share``), else 'persons'."""
    if all(0 <= v <= 1 for v in values) and not all(float(v).is_integer() for v in values):
        return "share"
    return "persons"


def caseload_table(scenario: Scenario, month: str | None = None,
                   source: str | None = None) -> CaseloadTable:
    """The base caseload of ``scenario`` as a table; ``month`` (e.g. ``2023M07``) is the
    month of the figures when known, ``source`` the scenario file, for the notes."""
    features = tuple(scenario.municipalities[0].caseload)
    units = {f: feature_unit([m.caseload[f] for m in scenario.municipalities]) for f in features}
    rows = tuple((m.name, m.code, tuple(m.caseload[f] for f in features))
                 for m in scenario.municipalities)
    shares = [f for f in features if units[f] == "share"]
    unit_note = "Units: persons" + (f", except {', '.join(shares)}: a share (0–1)"
                                    if shares else "")
    derived = list(scenario.derived_features)
    notes = [
        f"Caseload of scenario '{scenario.name}'"
        + (f" ({source})" if source else "") + (f": {scenario.title}" if scenario.title else ""),
        f"Month of the figures: {month}" if month else
        "Month of the figures: not recorded in the scenario (see its title and comments)",
        unit_note + ".",
    ]
    if derived:
        notes.append(f"Computed from these, so not listed: {', '.join(derived)}.")
    notes.append("Edit the figures, then: allocate run SCENARIO --caseload THIS_FILE")
    return CaseloadTable(features, units, rows, tuple(notes))


def column_letter(index: int) -> str:
    """A 1-based column number as a spreadsheet's letters: 1 -> A, 27 -> AA.

    >>> column_letter(1), column_letter(26), column_letter(28)
    ('A', 'Z', 'AB')
    """
    out = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def read_caseload_file(path: str | Path, scenario: Scenario) -> dict[str, dict[str, float]]:
    """The figures of a caseload table, by municipality name and feature, checked against
    ``scenario``: every municipality once, every base feature, each figure a number >= 0.

    Raises ScenarioError with every problem as ``file:row:column: message``.
    """
    source = str(path)
    rows = _read_cells(Path(path), source)
    return _figures(rows, scenario, source)


def with_caseload(scenario: Scenario, figures: Mapping[str, Mapping[str, float]],
                  source: str) -> Scenario:
    """``scenario`` with each municipality's base caseload replaced by ``figures`` (name ->
    feature -> value), validated again; problems are said to be in ``source``."""
    data = scenario.model_dump(mode="python")
    for muni in data["municipalities"]:
        muni["caseload"] = dict(figures[muni["name"]])
    return Scenario.from_data(data, source)


def load_caseload(scenario: Scenario, path: str | Path) -> Scenario:
    """``scenario`` with its caseload read from the table at ``path`` (CSV or xlsx)."""
    return with_caseload(scenario, read_caseload_file(path, scenario), str(path))


# --- reading cells ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Rows:
    """Cells as read, by 1-based row number; ``decimal_comma`` when a comma may be one."""

    rows: list[tuple[int, list[Any]]]
    decimal_comma: bool


def _read_cells(p: Path, source: str) -> _Rows:
    raw = read_bounded(p, source, "a caseload table", MAX_TABLE_BYTES)
    if raw.startswith(b"PK\x03\x04") or p.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_cells(raw, source)
    if p.suffix.lower() == ".xls" or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise refusal(source, "is an old Excel .xls workbook; save it as .xlsx or as CSV")
    return _csv_cells(raw, source)


def decode_text(raw: bytes, source: str) -> str:
    """Bytes of a text file as Finnish spreadsheets save them: UTF-8 (with or without a
    byte-order mark), else Windows-1252; ScenarioError when neither reads them."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refusal(source, "is UTF-16 text; save it as CSV UTF-8 or CSV (semicolon-separated)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise refusal(source, f"is neither UTF-8 nor Windows-1252 text (byte 0x{raw[exc.start]:02X} "
                      f"at offset {exc.start})") from None


def _csv_cells(raw: bytes, source: str) -> _Rows:
    text = decode_text(raw, source)
    lines = text.splitlines()
    header = next((ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")), "")
    delimiter = ";" if ";" in header else "\t" if "\t" in header else ","
    rows: list[tuple[int, list[Any]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            if len(rows) >= MAX_ROWS:
                raise refusal(source, f"has more than {MAX_ROWS} rows; a caseload table has one "
                              "per municipality")
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise ScenarioError([Problem("", f"cannot be read as CSV: {exc}", source,
                                     reader.line_num)]) from None
    return _Rows(rows, decimal_comma=delimiter != ",")


def _xlsx_cells(raw: bytes, source: str) -> _Rows:
    wb = open_workbook(raw, source)
    try:
        # allocate caseload export's sheet, else allocation.xlsx's inputs, else the first
        name = next((n for n in ("caseload", "inputs") if n in wb.sheetnames), None)
        sheet = wb[name] if name is not None else wb.worksheets[0]
        rows: list[tuple[int, list[Any]]] = []
        for i, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if i > MAX_ROWS:
                raise refusal(source, f"has more than {MAX_ROWS} rows; a caseload table has "
                              "one per municipality")
            rows.append((i, list(values)))
    finally:
        wb.close()
    return _Rows(rows, decimal_comma=True)


# --- reading figures ----------------------------------------------------------------------

def _text(value: Any) -> str:
    """A cell as text, without the quote that makes a formula-like text literal."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        text = text[1:]
    return text


def _code_key(value: Any) -> str:
    """A municipality code compared as a spreadsheet may have turned it: '049' and 49 match."""
    text = _text(value).upper().removeprefix("KU")
    return str(int(text)) if text.isdigit() else text


def parse_figure(value: Any, decimal_comma: bool) -> float | str:
    """A cell as a number, or the message saying why it is not one.

    Text may use a decimal comma (when ``decimal_comma``) and spaces between groups of
    three digits, as Finnish spreadsheets show numbers: ``4 640``, ``0,45``.

    >>> parse_figure("4 640", True), parse_figure("0,45", True), parse_figure(12, True)
    (4640.0, 0.45, 12.0)
    >>> parse_figure("0,45", False)
    "'0,45' is not a number; in a comma-separated file write 0.45"
    """
    if isinstance(value, bool):
        return f"{value!r} is not a number"
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = _text(value)
        if not text:
            return "empty; give a figure (0 when there is none)"
        plain = text
        if re.fullmatch(rf"[-+]?\d{{1,3}}(?:[{_GROUP}]\d{{3}})+(?:[.,]\d+)?", plain):
            plain = re.sub(f"[{_GROUP}]", "", plain)
        if decimal_comma and re.fullmatch(r"[-+]?\d+,\d+(?:[eE][-+]?\d+)?", plain):
            plain = plain.replace(",", ".")
        if not re.fullmatch(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?", plain):
            if not decimal_comma and re.fullmatch(r"[-+]?\d+,\d+", plain):
                return (f"{text!r} is not a number; in a comma-separated file write "
                        f"{plain.replace(',', '.')}")
            return f"{text!r} is not a number"
        number = float(plain)
    if not math.isfinite(number):
        return f"{_text(value)!r} is not a finite number"
    if number < 0:
        return f"must be >= 0, got {show_number(number)}"
    return number


def _figures(table: _Rows, scenario: Scenario, source: str) -> dict[str, dict[str, float]]:
    problems: list[Problem] = []

    def bad(row: int, column: int | None, message: str) -> None:
        problems.append(Problem("", message, source, row,
                                column_letter(column) if column is not None else None))

    at = next((k for k, (_, cells) in enumerate(table.rows)
               if cells and _UNIT.sub("", _text(cells[0])).lower() == MUNICIPALITY), None)
    if at is None:
        raise refusal(source, f"has no heading row: the first column's heading must be "
                      f"'{MUNICIPALITY}', followed by '{CODE}' (optional) and one column per "
                      "caseload feature")
    head_row, head = table.rows[at]
    features = list(scenario.municipalities[0].caseload)
    derived = scenario.derived_features
    columns: dict[str, int] = {}
    products: dict[str, int] = {}
    code_col: int | None = None
    for j, cell in enumerate(head, start=1):
        name = _UNIT.sub("", _text(cell))
        if j == 1 or not name or name.lower() in INFORMATIONAL:
            continue
        if name.lower() == CODE:
            code_col = j
        elif name in columns or name in products:
            first = columns.get(name, products.get(name, 0))
            bad(head_row, j, f"column '{name}' is given twice (first in column "
                f"{column_letter(first)})")
        elif name in features:
            columns[name] = j
        elif name in derived:
            products[name] = j
        else:
            bad(head_row, j, f"unknown feature {show_name(name)} (known: {', '.join(features)})")
    missing = [f for f in features if f not in columns]
    if missing:
        bad(head_row, None, f"missing column(s) {', '.join(missing)}: every caseload feature of "
            "the scenario needs a column")
    by_name = {m.name: m for m in scenario.municipalities}
    by_code = {_code_key(m.code): m for m in scenario.municipalities if m.code}
    seen: dict[str, int] = {}
    out: dict[str, dict[str, float]] = {}
    read = 0
    old = scenario.feature_values() if products else {}
    for row, cells in table.rows[at + 1:]:
        if not any(_text(c) for c in cells):
            if read:  # the table ends at its first empty row; anything below is not read
                break
            continue
        if _text(cells[0]).startswith("#"):
            continue
        read += 1
        def cell(j: int, cells: list[Any] = cells) -> Any:
            return cells[j - 1] if j - 1 < len(cells) else None

        name = _text(cells[0])
        code = _text(cell(code_col)) if code_col is not None else ""
        muni = by_code.get(_code_key(code)) if code else None
        if code and muni is None:
            bad(row, code_col, f"unknown municipality code {code!r} (known: "
                f"{', '.join(f'{m.code} {m.name}' for m in scenario.municipalities if m.code)})")
            continue
        if muni is not None and name and name != muni.name:
            bad(row, 1, f"code {code} is {muni.name} in the scenario, not {show_name(name)}")
            continue
        if muni is None:
            muni = by_name.get(name)
            if muni is None:
                bad(row, 1, f"unknown municipality {show_name(name)} (known: "
                    f"{', '.join(by_name)})" if name else "no municipality named on this row")
                continue
        if muni.name in seen:
            bad(row, 1, f"{muni.name} is given twice (first on row {seen[muni.name]})")
            continue
        seen[muni.name] = row
        values: dict[str, float] = {}
        for f in features:
            if f not in columns:
                continue
            figure = parse_figure(cell(columns[f]), table.decimal_comma)
            if isinstance(figure, str):
                bad(row, columns[f], f"{f}: {figure}")
            else:
                values[f] = figure
        for f, j in products.items():
            problem = _product_problem(f, derived[f].product, cell(j), values,
                                       table.decimal_comma, old[f][muni.name])
            if problem:
                bad(row, j, problem)
        out[muni.name] = values
    for m in scenario.municipalities:
        if m.name not in seen:
            code = f" (code {m.code})" if m.code else ""
            bad(head_row, None, f"no row for municipality {m.name}{code}: every municipality "
                "of the scenario needs its figures")
    if problems:
        raise ScenarioError(problems)
    return out


def _product_problem(feature: str, factors: Sequence[str], given: Any,
                     values: Mapping[str, float], decimal_comma: bool, old: float) -> str | None:
    """A derived feature's column is not read, but an edit to it must not be lost silently:
    it must be empty, the scenario's own value ``old`` (left as written out), or the product
    of the row's figures. The problem, or None."""
    if not _text(given) or any(f not in values for f in factors):
        return None
    figure = parse_figure(given, decimal_comma)
    product = float(math.prod((to_fraction(values[f]) for f in factors), start=Fraction(1)))
    if isinstance(figure, str) or not any(math.isclose(figure, v, rel_tol=1e-9, abs_tol=1e-9)
                                          for v in (product, old)):
        shown = _text(given) if isinstance(figure, str) else show_number(figure)
        return (f"{feature}: is computed as {' × '.join(factors)} = {show_number(product)}, "
                f"not read, but the table has {shown}; edit {' or '.join(factors)} instead, "
                "or empty the cell")
    return None
