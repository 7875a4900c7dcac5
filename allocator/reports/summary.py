"""Result -> the summary.json contract (documented in README 'summary.json').

Everything except the ``run`` object is a pure function of the inputs, so two runs on
the same scenario give identical summaries apart from ``run``. The summary is built from
the result's plain rows, so ``allocate --json --no-files`` needs no pandas (only an
explanation's tables use it).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from allocator._version import __version__
from allocator.engine.costs import PARTS, Costs
from allocator.engine.manifest import file_sha256, manifest
from allocator.engine.result import Moves, Result, Status
from allocator.errors import Problem

if TYPE_CHECKING:
    from allocator.engine.explain import Explanation

#: Bumped when a field changes meaning or disappears; new fields may appear without it.
SCHEMA_VERSION = 1

#: The keys of an ``allocations`` row, in the file's order.
ALLOCATION_KEYS = ("municipality", "area", "office", "service_line", "htv", "units")
#: The keys of a ``central_services`` row, in the file's order.
CENTRAL_KEYS = ("service", "label", "office", "htv", "units", "basis", "assumption")


def summary_bytes(summary: dict[str, Any]) -> bytes:
    """summary.json's bytes: UTF-8, two-space indent, keys in contract order."""
    return (json.dumps(summary, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _pick(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Each row with only ``keys``, in that order."""
    return [{k: row[k] for k in keys} for row in rows]


def _clean(value: Any, digits: int = 6) -> Any:
    """Floats rounded for a stable file; NaN becomes null."""
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, digits)
    if isinstance(value, dict):
        return {k: _clean(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, digits) for v in value]
    return value


def explanation_data(e: Explanation) -> dict[str, Any]:
    """The explanation as JSON-ready data (same content as ``allocate --explain``)."""
    return {
        "steps": ["rounding", *e.steps],
        "areas": e.area_frame().to_dict("records"),
        "cells": [
            {"municipality": c.municipality, "area": c.area, "service_line": c.line,
             "inputs": [{"feature": f, "value": float(v), "total": float(t), "weight": float(w)}
                        for f, v, t, w in c.inputs],
             "demand_share": float(c.demand_share), "line_htv": float(c.line_htv),
             "target_htv": float(c.target), "rounded_htv": float(c.rounded),
             "adjustments": [{"rule": a.rule, "htv": float(a.htv), "detail": a.detail}
                             for a in c.adjustments],
             "final_htv": float(c.final)}
            for c in e.cells
        ],
        "rules": [{"rule": r.rule, "description": r.description, "tight": r.tight,
                   "binds": r.binds, "cost_max_deviation_htv": float(r.cost_max),
                   "cost_total_deviation_htv": float(r.cost_total)} for r in e.rules],
    }


def build_summary(result: Result, source: str | Path | None = None,
                  end_to_end: float | None = None,
                  explanation: Explanation | None = None) -> dict[str, Any]:
    """The summary of ``result`` as plain JSON-ready data."""
    digits = result.digits
    has = result.allocation is not None
    verification = result.verification
    facts = result.solver
    stages = {st.name: st for st in facts.stages}
    moves = result.moves()
    summary: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "scenario": result.scenario.name,
        "title": result.scenario.title,
        "status": str(result.status),
        "verified": result.verified,
        "granularity": float(result.granularity),
        "total_htv": float(result.total_htv),
        "customer_service_htv": float(result.customer_htv),
        "central_services_htv": float(result.central_htv),
        "allocations": [],
        "central_services": [],
        "by_area": [],
        "by_line": [],
        "targets": [],
        "objective": None,
        "verification": None,
        "moves": _moves(moves),
        "costs": None,
        "assumptions": result.assumption_rows(),
        "tie_checked": result.tie_checked,
        "tie": None if result.tie is None else {
            "cells": [{"municipality": m, "service_line": ln} for m, ln in result.tie.cells],
            "offices_only": result.tie.offices,
            "description": result.tie.describe(),
        },
        "explanation": None if explanation is None else explanation_data(explanation),
        "conflicts": [
            {"rules": list(c.rules), "message": c.message, "fix": c.fix,
             "repairs": [{"rule": r.rule, "path": r.path, "current": r.current,
                          "value": r.value, "text": r.text} for r in c.repairs]}
            for c in result.conflicts
        ],
        "solver": {
            "ortools_version": facts.ortools_version,
            "time_limit_deterministic": facts.time_limit,
            "random_seed": facts.random_seed,
            "unproven": facts.unproven,
            "stages": [
                {"name": st.name, "status": st.status, "objective": st.objective,
                 "bound": st.bound}
                for st in facts.stages
            ],
        },
        "inputs": {
            "file": str(source) if source is not None else None,
            "sha256": file_sha256(source),
            "allocator_version": __version__,
        },
        "manifest": manifest(result),
    }
    if has:
        summary["allocations"] = _pick(result.allocation_rows(), ALLOCATION_KEYS)
        summary["central_services"] = _pick(result.central_rows(), CENTRAL_KEYS)
        summary["by_area"] = _clean(result.by_area_rows(), digits + 4)
        summary["by_line"] = _clean(result.by_line_rows(), digits + 4)
        summary["targets"] = _clean(result.target_rows())
        summary["costs"] = costs_data(result.costs())
    if has and "max_deviation" in stages:
        total = stages.get("total_deviation")
        summary["objective"] = {
            "deviation": "absolute, in HTV, per municipality × service line",
            "order": [st.name for st in facts.stages],
            "max_deviation_htv": result.objective_htv("max_deviation"),
            "max_deviation_bound_htv": result.stage_bound_htv("max_deviation"),
            "total_deviation_htv": result.objective_htv("total_deviation"),
            # With priced moves the stage's bound covers deviation plus moves together.
            "total_deviation_bound_htv": (None if total is None or total.term is not None
                                          else result.stage_bound_htv("total_deviation")),
            "moved_htv": (None if verification is None or moves is None
                          else float(verification.moved)),
            "move_weight": None if moves is None else float(moves.move_weight),
            "proven_optimal": result.status == Status.OPTIMAL,
        }
    if verification is not None:
        summary["verification"] = {
            "passed": verification.passed,
            "violations": [{"rule": v.rule, "message": v.message}
                           for v in verification.violations],
            "max_deviation_htv": round(float(verification.max_deviation), 6),
            "total_deviation_htv": round(float(verification.total_deviation), 6),
        }
    summary = _clean(summary)
    summary["run"] = {
        "note": "the only part of this file that may change between runs of the same "
                "scenario (time, timings, worker counts); results do not depend on it",
        "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "build_time_s": round(facts.build_time, 4),
        "solve_time_s": round(facts.solve_time, 4),
        "end_to_end_s": None if end_to_end is None else round(end_to_end, 4),
        "stage_wall_times_s": {st.name: round(st.wall_time, 4) for st in facts.stages},
        "workers": {st.name: st.workers for st in facts.stages},
    }
    return summary


def costs_data(costs: Costs | None) -> dict[str, Any] | None:
    """What the allocation costs, as summary.json's ``costs`` [EUR/year, to the cent]."""
    if costs is None:
        return None
    ref, ref_rows = costs.reference, costs.reference_rows()
    return {
        "htv_eur": float(costs.htv_eur),
        "office_costs": costs.office_costs,
        "central_key": costs.key,
        "central_htv": float(costs.central_htv),
        "total_eur": float(costs.total_eur),
        "by_municipality": [
            {"municipality": r.municipality, "area": r.area,
             "customer_htv": float(r.customer_htv),
             "central_share": round(float(r.central_share), 9),
             **{f"{p}_eur": float(r.eur(p)) for p in PARTS},
             "total_eur": float(r.total_eur)} for r in costs.rows],
        "keys": [{"key": key, "used": key == costs.key,
                  "shares": {m: round(float(v), 9) for m, v in shares.items()}}
                 for key, shares in costs.keys.items()],
        "key_costs": costs.key_rows(),
        "reference": None if ref is None or ref_rows is None else {
            "label": ref.label,
            "weights": {f: round(float(w), 9) for f, w in ref.weights.items()},
            "by_municipality": ref_rows,
        },
    }


def _moves(moves: Moves | None) -> dict[str, Any] | None:
    """Today's staffing against the allocation per office, as summary.json's ``moves``."""
    if moves is None:
        return None
    return {
        "illustrative": moves.illustrative,
        "max_change_htv": None if moves.cap_htv is None else float(moves.cap_htv),
        "move_weight": float(moves.move_weight),
        "by_line": moves.by_line,
        "moved_htv": None if moves.moved_htv is None else float(moves.moved_htv),
        "offices": [dict(row) for row in moves.rows],
    }


def problems_data(problems: list[Problem]) -> list[dict[str, Any]]:
    """Scenario problems as JSON-ready rows: file, line, path, message (and the column of
    a problem in a table)."""
    return [{"file": p.source, "line": p.line, "path": p.path, "message": p.message,
             **({"column": p.column} if p.column is not None else {})}
            for p in problems]


def invalid_summary(problems: list[Problem], source: str | None) -> dict[str, Any]:
    """The summary for a scenario that did not validate: status INVALID and every problem."""
    return {
        "schema_version": SCHEMA_VERSION,
        "scenario": None,
        "status": str(Status.INVALID),
        "verified": False,
        "errors": problems_data(problems),
        "inputs": {"file": source, "sha256": file_sha256(source),
                   "allocator_version": __version__},
    }
