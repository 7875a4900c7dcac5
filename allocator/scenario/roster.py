"""The staff roster: who can be placed, read once from a CSV or xlsx file and checked
against the scenario, with every problem located as ``file:line: column: message``.

A roster holds pseudonymous ids and working time only (no names): the placement needs
nothing else, and an unknown column is an error so that personal data cannot ride along
unnoticed. Lines that start with ``#`` are comments (the illustrative roster says so in
its first line).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from allocator.errors import Problem, ScenarioError
from allocator.scenario.reading import open_workbook, read_bounded
from allocator.scenario.schema import Scenario, show_name, show_number, to_fraction

#: Columns every roster has.
REQUIRED = ("person", "fte", "current_office", "lines")
#: Columns a roster may have.
OPTIONAL = ("fixed", "max_commute")
#: Default placement granularity: people's working time in steps of 0.1 FTE [FTE].
DEFAULT_STEP = Fraction(1, 10)
#: Most people one roster may hold (a national roster is about 4,000).
MAX_PEOPLE = 100_000
#: Largest roster file read [bytes]; a national roster of 4,000 people is about 200 kB.
MAX_ROSTER_BYTES = 16 * 1024 * 1024
#: Longest pseudonymous id [characters].
MAX_ID = 60
_TRUE = {"yes", "true", "1", "y", "x", "kyllä", "k"}
_FALSE = {"no", "false", "0", "n", "", "ei", "e"}


@dataclass(frozen=True)
class Person:
    """One person of the roster.

    ``fte`` [FTE, exact], ``lines`` the service lines and central services the person can
    work in (already expanded: an empty roster cell means every service line), ``fixed``
    whether the person stays at ``current_office``, ``max_commute`` the longest trip
    from today's duty station to a new one [minutes] (None: any), ``line`` the row in the
    file.
    """

    id: str
    fte: Fraction
    current_office: str
    lines: tuple[str, ...]
    fixed: bool = False
    max_commute: float | None = None
    line: int = 0


@dataclass(frozen=True)
class Roster:
    """The people to place, in file order, and the file they came from."""

    people: tuple[Person, ...]
    source: str | None = None

    @property
    def total_fte(self) -> Fraction:
        """Everybody's working time together [FTE]."""
        return sum((p.fte for p in self.people), Fraction(0))

    def person(self, pid: str) -> Person:
        """The person with id ``pid``; KeyError if there is none."""
        for p in self.people:
            if p.id == pid:
                return p
        raise KeyError(pid)


def assignments(s: Scenario) -> tuple[str, ...]:
    """What a person can be placed on: the service lines, then the central services."""
    return (*(ln.name for ln in s.service_lines), *(c.name for c in s.central_services))


def load_roster(path: str | Path, s: Scenario, step: Fraction = DEFAULT_STEP) -> Roster:
    """Read and check the roster at ``path`` against scenario ``s``.

    Raises ScenarioError with every problem, each ``file:line: column: message``.
    """
    path = Path(path)
    source = str(path)
    try:
        raw = read_bounded(path, source, "a roster", MAX_ROSTER_BYTES)
    except ScenarioError as exc:
        raise ScenarioError([replace(p, message=f"cannot read the roster: {p.message}")
                             for p in exc.problems]) from None
    xlsx = path.suffix.lower() in (".xlsx", ".xlsm")
    rows = _xlsx_rows(raw, source) if xlsx else _csv_rows(raw, source)
    return roster_from_rows(rows, s, source, step)


def parse_rows(text: str, s: Scenario, source: str = "<roster>",
               step: Fraction = DEFAULT_STEP) -> Roster:
    """A roster from CSV text (for tests and notebooks); see :func:`load_roster`."""
    return roster_from_rows(_csv_rows(text.encode("utf-8"), source), s, source, step)


def _csv_rows(raw: bytes, source: str) -> list[tuple[int, list[str]]]:
    """(line, cells) of every non-comment, non-empty row of a CSV file."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ScenarioError([Problem("", f"not UTF-8 text (byte {exc.start + 1}); save the "
                                     "roster as UTF-8 CSV", source, line)]) from None
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise ScenarioError([Problem("", "a NUL character: this is not a text CSV file",
                                     source, line)])
    lines = text.splitlines(keepends=True)
    body = [ln if not ln.lstrip().startswith("#") else "\n" for ln in lines]
    header = next((ln for ln in body if ln.strip()), "")
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO("".join(body)), delimiter=delimiter)
    out: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                out.append((start, cells))
            start = reader.line_num + 1
            if len(out) > MAX_PEOPLE + 1:
                raise ScenarioError([Problem("", f"more than {MAX_PEOPLE} rows", source, start)])
    except csv.Error as exc:
        raise ScenarioError([Problem("", f"not a readable CSV file: {exc}", source,
                                     reader.line_num)]) from None
    return out


def _xlsx_rows(raw: bytes, source: str) -> list[tuple[int, list[str]]]:
    """(row, cells) of the first sheet's non-comment, non-empty rows, as text."""
    wb = open_workbook(raw, source)
    ws = wb.worksheets[0]
    out: list[tuple[int, list[str]]] = []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else _xlsx_text(v) for v in values]
        if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
            continue
        out.append((number, cells))
        if len(out) > MAX_PEOPLE + 1:
            raise ScenarioError([Problem("", f"more than {MAX_PEOPLE} rows", source, number)])
    wb.close()
    return out


def _xlsx_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _number(text: str) -> Fraction | None:
    """A decimal written with a point or a comma, exactly; None when it is not one."""
    cleaned = text.strip().replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return Fraction(value)


def _columns(header: list[str]) -> Iterator[tuple[int, str]]:
    for j, name in enumerate(header):
        yield j, name.strip().lower()


def roster_from_rows(rows: list[tuple[int, list[str]]], s: Scenario, source: str,
                     step: Fraction = DEFAULT_STEP) -> Roster:
    """Check every row against the scenario; raise ScenarioError with every problem."""
    problems: list[Problem] = []

    def bad(line: int, column: str, message: str) -> None:
        problems.append(Problem(column, message, source, line))

    if not rows:
        raise ScenarioError([Problem("", "the roster is empty: it needs a header row "
                                     f"({', '.join(REQUIRED)}) and one row per person",
                                     source, 1)])
    head_line, header = rows[0]
    index: dict[str, int] = {}
    for j, name in _columns(header):
        if name in REQUIRED or name in OPTIONAL:
            if name in index:
                bad(head_line, name, "the column appears twice")
            index[name] = j
        elif name:
            bad(head_line, name, f"unknown column (known: {', '.join(REQUIRED + OPTIONAL)}); "
                "a roster holds pseudonymous ids and working time, no names or other "
                "personal data")
    for name in REQUIRED:
        if name not in index:
            bad(head_line, name, "missing column")
    if problems:
        raise ScenarioError(problems)

    offices = {o.name for o in s.offices}
    known = assignments(s)
    every_line = tuple(ln.name for ln in s.service_lines)
    has_travel = s.travel_times is not None
    seen: dict[str, int] = {}
    people: list[Person] = []
    for line, cells in rows[1:]:

        def cell(name: str, cells: list[str] = cells) -> str:
            j = index.get(name)
            return cells[j].strip() if j is not None and j < len(cells) else ""

        ok = True
        extra = [c for j, c in enumerate(cells) if j >= len(header) and c.strip()]
        if extra:
            bad(line, "", f"{len(cells)} cells, but the header has {len(header)} columns")
        pid = cell("person")
        if not pid:
            bad(line, "person", "empty: every row needs a pseudonymous id")
            ok = False
        elif len(pid) > MAX_ID:
            bad(line, "person", f"longer than {MAX_ID} characters; use a short pseudonymous id")
            ok = False
        elif pid in seen:
            bad(line, "person", f"{show_name(pid)} appears twice (also on line {seen[pid]})")
            ok = False
        else:
            seen[pid] = line
        fte_text = cell("fte")
        fte = _number(fte_text)
        if fte is None:
            bad(line, "fte", f"{show_name(fte_text)} is not a number (write e.g. 0.8 or 0,8)")
            ok = False
        elif not 0 < fte <= 1:
            bad(line, "fte", f"{fte_text} is outside (0, 1]: FTE is the share of full time")
            ok = False
        elif (fte / step).denominator != 1:
            bad(line, "fte", f"{fte_text} is not a whole multiple of the placement step "
                f"{show_number(float(step))} FTE")
            ok = False
        office = cell("current_office")
        if office not in offices:
            bad(line, "current_office", f"unknown office {show_name(office)} (known: "
                f"{', '.join(o.name for o in s.offices)})")
            ok = False
        parts = [p.strip() for p in cell("lines").split(";") if p.strip()]
        unknown = [p for p in parts if p not in known]
        for p in unknown:
            bad(line, "lines", f"unknown service line or central service {show_name(p)} "
                f"(known: {', '.join(known)})")
        if unknown:
            ok = False
        can = tuple(dict.fromkeys(parts)) if parts else every_line
        fixed_text = cell("fixed").lower()
        fixed = fixed_text in _TRUE
        if fixed_text not in _TRUE | _FALSE:
            bad(line, "fixed", f"{show_name(cell('fixed'))} is not yes or no")
            ok = False
        commute_text = cell("max_commute")
        commute: float | None = None
        if commute_text:
            value = _number(commute_text)
            if value is None or value < 0 or value > 10_000:
                bad(line, "max_commute", f"{show_name(commute_text)} is not a number of "
                    "minutes between 0 and 10000")
                ok = False
            elif not has_travel:
                bad(line, "max_commute", "a maximum commute needs the scenario's travel_times")
                ok = False
            else:
                commute = float(value)
        if ok and fte is not None:
            people.append(Person(pid, fte, office, can, fixed, commute, line))
    if problems:
        raise ScenarioError(problems)
    if not people:
        raise ScenarioError([Problem("", "the roster has a header but no people", source,
                                     head_line)])
    return Roster(tuple(people), source)


def fte_text(value: Fraction) -> str:
    """An FTE to one decimal more than needed, without trailing zeros (0.8, 0.75)."""
    return f"{float(value):.4f}".rstrip("0").rstrip(".") or "0"


__all__ = ["DEFAULT_STEP", "Person", "Roster", "assignments", "fte_text", "load_roster",
           "parse_rows", "roster_from_rows", "to_fraction"]
