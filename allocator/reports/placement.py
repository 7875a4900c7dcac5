"""PlacementResult -> placement.csv, placement.xlsx and placement.json.

The three files are written as one set (allocator.reports.writing.write_set). They carry
the roster's pseudonymous ids and nothing else of a person; every text cell goes through
allocator.reports.cells, so an id or a name cannot become a live formula. The files are
byte-identical for identical inputs, except placement.json's ``run`` object.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl import Workbook

from allocator.engine.manifest import file_sha256, manifest
from allocator.reports.cells import safe_frame
from allocator.reports.files import stable_zip
from allocator.reports.workbook import add_sheet, new_workbook
from allocator.reports.writing import write_set

if TYPE_CHECKING:
    from allocator.engine.placement.result import PlacementResult
    from allocator.errors import Problem

#: The files of a placement, by format name.
PLACEMENT_FILES = {"csv": "placement.csv", "xlsx": "placement.xlsx", "json": "placement.json"}


def _htv(value: float | Fraction) -> float:
    """An amount [HTV or FTE] rounded to the hundredth every placement figure is exact to."""
    return round(float(value), 2)


def placement_summary(pr: PlacementResult, elapsed: float | None = None) -> dict[str, Any]:
    """placement.json as plain data: status, verdicts, rows, gaps, moves, vacancies, the
    manifest; timings only in ``run``."""
    v = pr.verification
    o = v.objective if v is not None else None
    stages = [{"name": st.name, "status": st.status, "objective": st.objective,
               "bound": st.bound} for st in pr.stages]
    out: dict[str, Any] = {
        "status": str(pr.status),
        "proven_optimal": pr.proven_optimal,
        "verified": pr.verified,
        "violations": [str(x) for x in v.violations] if v is not None else [],
        "objective": None if o is None else {
            "max_gap_htv": _htv(o.max_gap), "total_gap_htv": _htv(o.total_gap),
            "moved_people": o.moved,
            "commute_minutes": None if o.commute is None else float(o.commute),
            "split_people": o.split},
        "stages": stages,
        "roster": {"people": len(pr.roster.people), "total_fte": _htv(pr.roster.total_fte),
                   "file": pr.roster.source, "file_sha256": file_sha256(pr.roster.source)},
        "allocation": {"total_htv": float(pr.allocation.total_htv),
                       "status": str(pr.allocation.status),
                       "verified": pr.allocation.verified},
        "rows": [{"person": r.person, "office": r.office, "assignment": r.assignment,
                  "fte": _htv(r.fte)}
                 for r in (pr.placement.rows if pr.placement is not None else ())],
        "gaps": [{"office": g['office'], "assignment": g['assignment'],
                  "allocated_htv": _htv(g['allocated_htv']), "placed_fte": _htv(g['placed_fte']),
                  "gap_htv": _htv(g['gap_htv']), "people": int(g['people'])}
                 for g in _records(pr.gaps_frame())],
        "moves": [{"person": m.person, "from": m.from_office, "to": m.to_office,
                   "reason": m.reason,
                   "minutes": None if m.minutes is None else float(m.minutes)}
                  for m in pr.moves()],
        "vacancies": [{"office": g['office'], "assignment": g['assignment'],
                       "htv": _htv(g['vacancy_htv'])} for g in _records(pr.vacancies_frame())],
        "surplus": [{"office": g['office'], "assignment": g['assignment'],
                     "htv": _htv(g['surplus_htv'])} for g in _records(pr.surplus_frame())],
        "conflicts": [{"rules": list(c.rules), "message": c.message, "fix": c.fix}
                      for c in pr.conflicts],
        "manifest": {**manifest(pr.allocation), "placement": {
            "step_fte": float(pr.settings.step),
            "max_assignments": pr.settings.max_assignments,
            "within_area": pr.settings.within_area,
            "time_limit_deterministic": pr.settings.time_limit,
            "workers": pr.settings.workers, "random_seed": pr.settings.random_seed,
            "stages": [st.name for st in pr.stages], "status": str(pr.status),
            "verified": pr.verified}},
    }
    out["run"] = {"build_time_s": round(pr.build_time, 3), "solve_time_s": round(pr.solve_time, 3),
                  **({} if elapsed is None else {"end_to_end_s": round(elapsed, 3)})}
    return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def invalid_placement(problems: list[Problem]) -> dict[str, Any]:
    """placement.json's shape for a roster or scenario that is not valid."""
    return {"status": "INVALID", "verified": False,
            "errors": [{"file": p.source, "line": p.line, "column": p.path,
                        "message": p.message} for p in problems]}


def json_bytes(summary: dict[str, Any]) -> bytes:
    """placement.json's bytes: UTF-8, two-space indent."""
    return (json.dumps(summary, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def csv_bytes(pr: PlacementResult) -> bytes:
    """placement.csv: one row per person × assignment: person, office, assignment, fte."""
    frame = safe_frame(pr.rows_frame())
    return frame.to_csv(index=False, float_format="%.2f", lineterminator="\n").encode("utf-8")


def build_placement_workbook(pr: PlacementResult) -> Workbook:
    """Sheets 'by person', 'by office' and 'gaps', printable on A4 like allocation.xlsx."""
    scenario = pr.allocation.scenario
    wb = new_workbook(scenario, f"Placement – {scenario.title or scenario.name}")
    name = pr.allocation.scenario.name
    people = pr.people_frame()
    add_sheet(wb, "by person", people, {"fte": "0.0"}, name,
           {"person": "Person", "fte": "FTE", "current_office": "Office today",
            "office": "Duty station", "assignments": "Assignments [FTE]", "moved": "Moves"})
    rows = pr.rows_frame()
    order = {o.name: i for i, o in enumerate(pr.allocation.scenario.offices)}
    rows = rows.sort_values("office", key=lambda c: c.map(order), kind="stable")
    add_sheet(wb, "by office", rows.reset_index(drop=True), {"fte": "0.0"}, name,
           {"office": "Office", "person": "Person", "assignment": "Assignment", "fte": "FTE"})
    gaps = pr.gaps_frame()
    add_sheet(wb, "gaps", gaps, {"allocated_htv": "0.00", "placed_fte": "0.00",
                              "gap_htv": "+0.00;-0.00;0.00"}, name,
           {"office": "Office", "assignment": "Assignment", "label": "Label",
            "allocated_htv": "Allocated HTV", "placed_fte": "Placed FTE",
            "gap_htv": "Gap HTV (placed − allocated)", "people": "People"})
    return wb


def xlsx_bytes(pr: PlacementResult) -> bytes:
    """placement.xlsx's bytes, reproducible (fixed timestamps)."""
    buf = io.BytesIO()
    build_placement_workbook(pr).save(buf)
    return stable_zip(buf.getvalue())


def write_placement(pr: PlacementResult, out_dir: Path, summary: dict[str, Any]) -> list[Path]:
    """Write the placement's files into ``out_dir`` as one set; without a placement only
    placement.json."""
    has = pr.placement is not None
    files: dict[str, Callable[[], bytes] | None] = {
        "placement.csv": (lambda: csv_bytes(pr)) if has else None,
        "placement.xlsx": (lambda: xlsx_bytes(pr)) if has else None,
        "placement.json": lambda: json_bytes(summary),
    }
    return write_set(out_dir, files)

