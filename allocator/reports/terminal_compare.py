"""Several results -> one terminal table with the scenarios side by side.

Rows are the responsibility areas (total first, then each service line and the central
services), the whole employment area, unemployed jobseekers per customer-service HTV
and, when the scenarios give costs, what each municipality pays; columns are the
scenarios, the base first, each later value followed by its change against the base.
When the scenarios do not fit the width, the table continues in further blocks, each
starting again with the base column.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from allocator.analysis.compare import (
    ALL_AREAS,
    ALL_MUNICIPALITIES,
    CENTRAL,
    caseload_per_htv,
    compare,
    costs_by_scenario,
    scenario_labels,
)
from allocator.engine.result import Result, Status

#: Width of the row-label column and of one scenario column [characters].
LABEL_WIDTH = 26
COLUMN_WIDTH = 13


@dataclass(frozen=True)
class _Row:
    """One table row: its label, per-scenario values and how to show them."""

    label: str
    values: list[float]
    digits: int
    style: str | None = None
    end_section: bool = False


def _wrap_name(name: str, width: int = COLUMN_WIDTH - 2) -> str:
    """A scenario label broken after hyphens or underscores into lines of about ``width``."""
    parts: list[str] = []
    word = ""
    for ch in name:
        word += ch
        if ch in "-_":
            parts.append(word)
            word = ""
    if word:
        parts.append(word)
    lines = [""]
    for part in parts:
        if lines[-1] and len(lines[-1]) + len(part) > width:
            lines.append("")
        lines[-1] += part
    return "\n".join(lines)


def _cell(value: float, base: float, digits: int, is_base: bool) -> Text:
    """``value`` and, after it, its change against ``base`` (blank when none)."""
    if math.isnan(value):
        return Text("–", style="dim")
    text = Text(f"{value:.{digits}f}")
    if not is_base:
        delta = value - base
        if math.isnan(base):
            text.append("      ")
        elif round(delta, digits) != 0:
            text.append(f" {delta:+.{digits}f}".rjust(6), style="italic")
        else:
            text.append(" " * 6)
    return text


def _rows(results: Sequence[Result], labels: list[str]) -> list[_Row]:
    frame = compare(results, labels)
    digits = int(frame.attrs["digits"])
    line_labels: dict[str, str] = {}
    for r in results:
        for ln in r.lines:
            line_labels.setdefault(ln, r.line_labels[ln])
    line_labels[CENTRAL] = "Central services"
    htv = {(str(s), str(a), str(ln)): float(v) for s, a, ln, v in zip(
        frame["scenario"], frame["area"], frame["service_line"], frame["htv"], strict=True)}
    areas = list(dict.fromkeys(frame["area"]))
    lines = list(dict.fromkeys(frame["service_line"]))
    rows: list[_Row] = []

    def values(area: str | None, line: str | None) -> list[float]:
        """Per scenario: HTV summed over the area (all if None) and line (all if None)."""
        out = []
        for name in labels:
            picked = [htv[(name, a, ln)] for a in areas for ln in lines
                      if (area is None or a == area) and (line is None or ln == line)]
            out.append(math.nan if any(math.isnan(v) for v in picked)
                       else round(sum(picked), digits))
        return out

    customer_lines = [ln for ln in lines if ln != CENTRAL]
    for area in [*areas, None]:
        title = area if area is not None else "All areas"
        # An area's figure says whether it counts the central services it hosts.
        rows.append(_Row(f"{title} (incl. central)", values(area, None), digits, style="bold"))
        rows.append(_Row("  Customer service", [
            math.nan if any(math.isnan(values(area, ln)[k]) for ln in customer_lines)
            else round(sum(values(area, ln)[k] for ln in customer_lines), digits)
            for k in range(len(labels))], digits))
        shown = [ln for ln in lines
                 if ln != CENTRAL or any(v for v in values(area, ln) if not math.isnan(v))]
        for i, line in enumerate(shown):
            rows.append(_Row(_indented(line_labels[line]), values(area, line), digits,
                             end_section=i == len(shown) - 1))
    ratio = caseload_per_htv(results, labels)
    if ratio["unemployed_per_htv"].notna().any() or ratio["unemployed"].notna().any():
        rows.append(_Row("Unemployed / customer HTV", [math.nan] * len(labels), 1,
                         style="bold"))
        for area in dict.fromkeys(ratio["area"]):
            per = ratio[ratio["area"] == area].set_index("scenario")["unemployed_per_htv"]
            label = "All areas" if area == ALL_AREAS else str(area)
            rows.append(_Row(f"  {label}", [float(per.get(name, math.nan)) for name in labels],
                             1, style="bold" if area == ALL_AREAS else None))
    costs = costs_by_scenario(results, labels)
    if len(costs):
        rows[-1] = _Row(rows[-1].label, rows[-1].values, rows[-1].digits, rows[-1].style,
                        end_section=True)
        rows.append(_Row("Cost [thousand EUR/year]", [math.nan] * len(labels), 1,
                         style="bold"))
        for muni in dict.fromkeys(costs["municipality"]):
            total = costs[costs["municipality"] == muni].set_index("scenario")["total_eur"]
            label = "All municipalities" if muni == ALL_MUNICIPALITIES else str(muni)
            rows.append(_Row(f"  {label}", [float(total.get(name, math.nan)) / 1000
                                            for name in labels],
                             1, style="bold" if muni == ALL_MUNICIPALITIES else None))
    return rows


def _indented(label: str) -> str:
    """A row label indented under its area, wrapped with a hanging indent."""
    return "\n".join(textwrap.wrap(label, LABEL_WIDTH, initial_indent="  ",
                                   subsequent_indent="    "))


def _verdicts(results: Sequence[Result]) -> tuple[list[str], list[str]]:
    status = []
    verifier = []
    for r in results:
        status.append("optimal" if r.status == Status.OPTIMAL else str(r.status).lower())
        if r.verification is None:
            verifier.append("not run")
        else:
            verifier.append("passed" if r.verified else
                            f"FAILED ({len(r.verification.violations)})")
    return status, verifier


def comparison_table(results: Sequence[Result], labels: Sequence[str] | None = None,
                     width: int = 120) -> RenderableType:
    """The scenarios side by side [HTV], in as many blocks as ``width`` needs.

    Each later scenario's value is followed by its change against the first (blank when
    unchanged); '–' marks a scenario without an allocation.
    """
    names = list(labels) if labels is not None else scenario_labels(results)
    rows = _rows(results, names)
    status, verifier = _verdicts(results)
    per_block = max(2, (width - LABEL_WIDTH - 4) // (COLUMN_WIDTH + 2))
    others = list(range(1, len(names)))
    blocks = [others[i:i + per_block - 1] for i in range(0, len(others), per_block - 1)] or [[]]
    tables: list[RenderableType] = []
    for b, block in enumerate(blocks):
        columns = [0, *block]
        part = f" ({b + 1}/{len(blocks)})" if len(blocks) > 1 else ""
        t = Table(title=f"Person-years [HTV] by scenario, change against '{names[0]}' after "
                        f"each value{part}",
                  box=box.SIMPLE_HEAVY, title_justify="left", pad_edge=False)
        t.add_column("", min_width=LABEL_WIDTH, no_wrap=True)
        for c in columns:
            t.add_column(_wrap_name(names[c]), justify="right", min_width=COLUMN_WIDTH - 2,
                         no_wrap=True)
        t.add_row("Solver", *(status[c] for c in columns))
        t.add_row("Verifier", *(verifier[c] for c in columns), end_section=True)
        for row in rows:
            base = row.values[0]
            t.add_row(Text(row.label, style=row.style or ""),
                      *(_cell(row.values[c], base, row.digits, c == 0) if not (
                          row.style == "bold" and all(math.isnan(v) for v in row.values))
                        else Text("") for c in columns),
                      style=row.style, end_section=row.end_section)
        tables.append(t)
    problems = [r for r in results if r.conflicts or not r.verified]
    notes = Text()
    for name, r in zip(names, results, strict=True):
        if r in problems:
            if r.conflicts:
                for conflict in r.conflicts:
                    notes.append(f"{name}: the rules cannot all hold: {conflict.message}\n",
                                 style="bold red")
                    if conflict.fix:
                        notes.append(f"  fix: {conflict.fix}\n", style="yellow")
            else:
                notes.append(f"{name}: no verified allocation (status {r.status})\n",
                             style="bold red")
    return Group(*tables, notes) if notes else Group(*tables)


def comparison_text(results: Sequence[Result], labels: Sequence[str] | None = None,
                    width: int = 120) -> str:
    """The comparison table as plain text (no colours), as a file or a test would keep it."""
    console = Console(width=width, record=True, color_system=None, force_terminal=False,
                      markup=False, emoji=False,
                      file=io.StringIO())
    console.print(comparison_table(results, labels, width))
    lines = console.export_text(styles=False).splitlines()
    return "".join(f"{line.rstrip()}\n" for line in lines)


def paradox_lines(events: pd.DataFrame, base: str) -> list[str]:
    """Plain-words lines of the comparison's paradox events: one per scenario with events,
    or one saying that the scenarios compared (those differing from the base only in
    total_htv or caseload) showed none. No line when no scenario was compared."""
    compared: list[str] = list(events.attrs.get("compared", []))
    lines = []
    for label in compared:
        part = events[events["scenario"] == label]
        if part.empty:
            continue
        kind = str(part["kind"].iloc[0])
        what = ("Alabama paradox" if kind == "alabama" else "Population paradox")
        why = ("the budget rose" if kind == "alabama" else "its own caseload rose")
        items = ", ".join(f"{r.name} ({r.level}) {r.htv_before:.2f} -> {r.htv_after:.2f} HTV"
                          for r in part.itertuples())
        lines.append(f"{what} between {base} and {label}: HTV fell while {why}: {items}.")
    quiet = [c for c in compared if c not in set(events["scenario"])]
    if quiet:
        lines.append(f"No Alabama or population paradox between {base} and "
                     f"{', '.join(quiet)} (by area and municipality).")
    return lines
