"""Several results side by side: tidy DataFrames of what changes between scenarios.

The first result is the base; every delta is measured against it. The frames are long
(one row per scenario × area × service line) so that a notebook can pivot, filter and
plot them freely, and the ``allocate compare`` command, its CSV files, its table and its
charts all read the same frames.

>>> from allocator.engine.pipeline import allocate
>>> results = [allocate("scenarios/base.yaml"), allocate("scenarios/htv-30.yaml")]
>>> frame = compare(results)
>>> list(frame.columns)
['scenario', 'area', 'service_line', 'htv', 'delta_htv']
>>> round(float(frame[frame["scenario"] == "htv-30"]["delta_htv"].sum()), 2)
-2.66
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from allocator.engine.manifest import manifest_line, scenario_sha256
from allocator.engine.result import Result

#: ``service_line`` of the rows that hold central services (not a valid line identifier,
#: so it never collides with a line's name).
CENTRAL = "(central)"
#: ``area`` of the rows that hold the whole employment area.
ALL_AREAS = "(all areas)"

#: Column order of each frame; README "Comparing scenarios" documents them.
COMPARISON_COLUMNS = ["scenario", "area", "service_line", "htv", "delta_htv"]
SCENARIO_COLUMNS = ["scenario", "title", "file", "status", "verified", "total_htv",
                    "customer_htv", "central_htv", "max_deviation_htv", "total_deviation_htv",
                    "scenario_sha256", "conflicts"]
LINE_COLUMNS = ["scenario", "service_line", "label", "htv", "share", "target_share",
                "tolerance", "delta_htv"]
COST_COLUMNS = ["scenario", "municipality", "customer_service_eur", "offices_eur", "central_eur",
                "total_eur", "delta_total_eur", "central_key"]
#: ``municipality`` of the rows that hold the whole employment area's cost.
ALL_MUNICIPALITIES = "(all municipalities)"
CASELOAD_COLUMNS = ["scenario", "area", "unemployed", "customer_htv", "unemployed_per_htv",
                    "delta_unemployed_per_htv"]


def scenario_labels(results: Sequence[Result]) -> list[str]:
    """One unique label per result: its scenario name, made unique if two share a name.

    A repeated name gets its file's stem (``name [file]``), then a counter, so that every
    row of a comparison can be traced to one scenario.
    """
    names = [r.scenario.name for r in results]
    labels = []
    for i, r in enumerate(results):
        label = names[i]
        if names.count(label) > 1 and r.source is not None:
            label = f"{label} [{Path(r.source).stem}]"
        while label in labels:
            label = f"{label}#{i + 1}"
        labels.append(label)
    return labels


def _order(groups: list[Sequence[str]]) -> list[str]:
    """Names in first-seen order over ``groups`` (the base's order first)."""
    return list(dict.fromkeys(name for group in groups for name in group))


def _digits(results: Sequence[Result]) -> int:
    """Decimal places that write every result's HTV exactly (0.01 -> 2)."""
    return max(r.digits for r in results)


def _with_attrs(frame: pd.DataFrame, results: Sequence[Result], labels: list[str]) -> pd.DataFrame:
    frame.attrs["base"] = labels[0]
    frame.attrs["digits"] = _digits(results)
    frame.attrs["footer"] = comparison_footer(results, labels)
    return frame


def _check(results: Sequence[Result]) -> None:
    if not results:
        raise ValueError("compare needs at least one result (the first is the base)")


def compare(results: Sequence[Result], labels: Sequence[str] | None = None) -> pd.DataFrame:
    """HTV per scenario × responsibility area × service line, with the change against the base.

    Columns: ``scenario`` (label), ``area``, ``service_line`` (a line's identifier, or
    :data:`CENTRAL` for the central services hosted in that area), ``htv`` [HTV] and
    ``delta_htv`` [HTV, this scenario − the first]. Areas and lines are the union over all
    scenarios in first-seen order; one a scenario lacks counts as 0 HTV. A scenario without
    an allocation (infeasible, or no solution in time) has NaN in both value columns.
    ``attrs`` holds ``base``, ``digits`` and the reproducibility ``footer``.
    """
    _check(results)
    names = list(labels) if labels is not None else scenario_labels(results)
    areas = _order([r.areas for r in results])
    lines = [*_order([r.lines for r in results]), CENTRAL]
    digits = _digits(results)
    tables = [_area_line_htv(r) for r in results]
    base = tables[0]
    rows = []
    for name, table in zip(names, tables, strict=True):
        for area in areas:
            for line in lines:
                htv = math.nan if table is None else table.get((area, line), 0.0)
                base_htv = math.nan if base is None else base.get((area, line), 0.0)
                rows.append({"scenario": name, "area": area, "service_line": line, "htv": htv,
                             "delta_htv": round(htv - base_htv, digits)})
    return _with_attrs(pd.DataFrame(rows, columns=COMPARISON_COLUMNS), results, names)


def _area_line_htv(result: Result) -> dict[tuple[str, str], float] | None:
    """(area, line or CENTRAL) -> HTV of one result, or None without an allocation."""
    if result.allocation is None:
        return None
    frame = result.by_area()
    out: dict[tuple[str, str], float] = {}
    for _, row in frame[frame["area"] != "Total"].iterrows():
        for line in result.lines:
            out[(str(row["area"]), line)] = float(row[line])
        out[(str(row["area"]), CENTRAL)] = float(row["central_htv"])
    return out


def scenarios_frame(results: Sequence[Result],
                    labels: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per scenario: what it is, the solver's and verifier's verdicts, its totals.

    Columns: scenario, title, file, status, verified, total_htv, customer_htv, central_htv
    [HTV], max_deviation_htv and total_deviation_htv [HTV, recomputed by the verifier; NaN
    without an allocation], scenario_sha256 (of the validated, merged scenario) and
    conflicts (why the rules cannot all hold, when they cannot).
    """
    _check(results)
    names = list(labels) if labels is not None else scenario_labels(results)
    rows = []
    for name, r in zip(names, results, strict=True):
        v = r.verification
        rows.append({
            "scenario": name, "title": r.scenario.title or "", "file": r.source or "",
            "status": str(r.status), "verified": r.verified,
            "total_htv": float(r.total_htv),
            "customer_htv": float(r.customer_htv),
            "central_htv": float(r.central_htv),
            "max_deviation_htv": math.nan if v is None else round(float(v.max_deviation), 6),
            "total_deviation_htv": math.nan if v is None else round(float(v.total_deviation), 6),
            "scenario_sha256": scenario_sha256(r.scenario),
            "conflicts": " | ".join(c.message for c in r.conflicts),
        })
    return _with_attrs(pd.DataFrame(rows, columns=SCENARIO_COLUMNS), results, names)


def line_shares(results: Sequence[Result], labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Per scenario and service line: HTV, realised and target share of customer service.

    Columns: scenario, service_line, label, htv [HTV], share and target_share [0-1 of the
    customer-service HTV], tolerance [0-1], delta_htv [HTV against the first scenario; a
    line the base lacks counts as 0]. No allocation: htv, share and delta_htv are NaN.
    """
    _check(results)
    names = list(labels) if labels is not None else scenario_labels(results)
    digits = _digits(results)
    frames = [r.by_line().set_index("service_line") for r in results]
    base_htv = (frames[0]["htv"].to_dict() if results[0].allocation is not None else None)
    rows = []
    for name, r, frame in zip(names, results, frames, strict=True):
        has = r.allocation is not None
        for line, row in frame.iterrows():
            htv = float(row["htv"]) if has else math.nan
            before = math.nan if base_htv is None else base_htv.get(line, 0.0)
            rows.append({"scenario": name, "service_line": str(line), "label": row["label"],
                         "htv": htv, "share": float(row["share"]) if has else math.nan,
                         "target_share": float(row["target_share"]),
                         "tolerance": float(row["tolerance"]),
                         "delta_htv": round(htv - before, digits)})
    return _with_attrs(pd.DataFrame(rows, columns=LINE_COLUMNS), results, names)


def caseload_per_htv(results: Sequence[Result],
                     labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Unemployed jobseekers per customer-service HTV by area and scenario: the board's ratio.

    Columns: scenario, area (:data:`ALL_AREAS` for the whole employment area), unemployed
    [persons], customer_htv [HTV], unemployed_per_htv [persons/HTV] and
    delta_unemployed_per_htv [persons/HTV against the first scenario]. NaN where a scenario
    has no allocation or no ``unemployed`` feature.
    """
    _check(results)
    names = list(labels) if labels is not None else scenario_labels(results)
    areas = [*_order([r.areas for r in results]), ALL_AREAS]
    tables = [_by_area(r) for r in results]
    base = tables[0] if results[0].allocation is not None else {}
    rows = []
    for name, r, table in zip(names, results, tables, strict=True):
        has = r.allocation is not None
        for area in areas:
            if area not in table:
                continue
            row = table[area]
            ratio = float(row["unemployed_per_htv"]) if has else math.nan
            before = float(base[area]["unemployed_per_htv"]) if area in base else math.nan
            rows.append({"scenario": name, "area": area, "unemployed": float(row["unemployed"]),
                         "customer_htv": float(row["customer_htv"]) if has else math.nan,
                         "unemployed_per_htv": round(ratio, 3),
                         "delta_unemployed_per_htv": round(ratio - before, 3)})
    return _with_attrs(pd.DataFrame(rows, columns=CASELOAD_COLUMNS), results, names)


def costs_by_scenario(results: Sequence[Result],
                      labels: Sequence[str] | None = None) -> pd.DataFrame:
    """What each municipality pays in each scenario [EUR/year, to the cent], and the change
    of its total against the first scenario.

    Columns: scenario, municipality (:data:`ALL_MUNICIPALITIES` for the area's total),
    customer_service_eur, offices_eur, central_eur, total_eur, delta_total_eur [EUR/year]
    and central_key. Municipalities are the union over the scenarios in first-seen order;
    a scenario without costs or without an allocation has NaN, and so has a change
    against a base without them. No rows when no scenario gives costs.
    """
    _check(results)
    names = list(labels) if labels is not None else scenario_labels(results)
    tables = [_costs_table(r) for r in results]
    munis = [*(m for m in _order([list(t) for t in tables if t is not None])
               if m != ALL_MUNICIPALITIES), ALL_MUNICIPALITIES]
    base = tables[0]
    rows = []
    if any(t is not None for t in tables):
        for name, r, table in zip(names, results, tables, strict=True):
            costs = r.costs()
            for m in munis:
                row = table.get(m) if table is not None else None
                values = row if row is not None else dict.fromkeys(
                    ("customer_service_eur", "offices_eur", "central_eur", "total_eur"),
                    math.nan if table is None else 0.0)
                before = (math.nan if base is None
                          else base.get(m, {"total_eur": 0.0})["total_eur"])
                rows.append({"scenario": name, "municipality": m, **values,
                             "delta_total_eur": round(values["total_eur"] - before, 2),
                             "central_key": "" if costs is None else costs.key})
    frame = _with_attrs(pd.DataFrame(rows, columns=COST_COLUMNS), results, names)
    frame.attrs["digits"] = 2
    return frame


def _costs_table(result: Result) -> dict[str, dict[str, float]] | None:
    """municipality (and :data:`ALL_MUNICIPALITIES`) -> its costs [EUR/year], or None."""
    costs = result.costs()
    if costs is None:
        return None
    parts = ("customer_service_eur", "offices_eur", "central_eur", "total_eur")
    out = {str(row["municipality"]): {p: float(row[p]) for p in parts}
           for row in costs.frame().to_dict(orient="records")}
    out[ALL_MUNICIPALITIES] = {"customer_service_eur": float(costs.part_eur("customer_service")),
                               "offices_eur": float(costs.part_eur("offices")),
                               "central_eur": float(costs.part_eur("central")),
                               "total_eur": float(costs.total_eur)}
    return out


def _by_area(result: Result) -> dict[str, dict[str, Any]]:
    """Result.by_area() as area -> row, the 'Total' row under :data:`ALL_AREAS`."""
    out: dict[str, dict[str, Any]] = {}
    for row in result.by_area().to_dict(orient="records"):
        area = str(row["area"])
        out[ALL_AREAS if area == "Total" else area] = {str(k): v for k, v in row.items()}
    return out


def comparison_footer(results: Sequence[Result], labels: Sequence[str] | None = None) -> str:
    """The reproducibility line of the base, then every scenario's short hash on one line
    (a chart breaks it to its width: allocator.charts.style.fit_footer).

    Each hash is the first 12 hex digits of the SHA-256 of the validated, merged scenario
    (the full hashes are in scenarios.csv).
    """
    names = list(labels) if labels is not None else scenario_labels(results)
    hashes = " · ".join(f"{name} {scenario_sha256(r.scenario)[:12]}"
                        for name, r in zip(names, results, strict=True))
    return f"{manifest_line(results[0])}\nscenarios (sha256): {hashes}"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A comparison frame as UTF-8 CSV: HTV at the granularity's decimals, NaN as empty."""
    digits = int(frame.attrs.get("digits", 2))
    text: str = frame.to_csv(index=False, lineterminator="\n", float_format=_formatter(digits))
    return text.encode("utf-8")


def _formatter(digits: int) -> Any:
    """Floats at ``digits`` places, but ratios and deviations keep up to six significant places."""

    def fmt(value: float) -> str:
        value = value + 0.0  # no "-0.00"
        if value == round(value, digits):
            return f"{value:.{digits}f}"
        return f"{value:.6g}"

    return fmt
