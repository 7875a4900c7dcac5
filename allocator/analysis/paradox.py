"""Apportionment paradoxes between solved variants: who loses HTV when they should not.

Rounding exact quotas to whole units cannot avoid every paradox (Balinski and Young), so
the analyses name them instead of hiding them. Between two solved variants, at three
levels (a municipality × line cell, a municipality, a responsibility area):

* **Alabama paradox** (kind ``alabama``): the budget (total_htv) rises, and an item's HTV
  falls although its caseload-proportional target does not fall;
* **population paradox** (kind ``population``): an item's own caseload rises (its
  weighted caseload does not fall in any line and rises in one), and its HTV falls
  although its target does not fall.

HTV and targets are customer service only [HTV]: central services are set by the
scenario, not by the caseload split, so they never take part.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from typing import Any

import pandas as pd

from allocator.analysis.points import Cells, Point
from allocator.engine.result import Result
from allocator.scenario.schema import Scenario
from allocator.scenario.variants import scenario_data

#: Column order of every paradox frame; README "Paradoxes" documents them.
COLUMNS = ["parameter", "from_value", "to_value", "kind", "level", "name", "htv_before",
           "htv_after", "target_before", "target_after"]
#: Levels, from the finest to the coarsest.
LEVELS = ("cell", "municipality", "area")
ALABAMA = "alabama"
POPULATION = "population"

_CASELOAD = re.compile(r"^municipalities(?:\.[^.\[\]]+|\[-?\d+\])\.caseload\.[^.]+$")


def kind_of(path: str) -> str | None:
    """The paradox a sweep of ``path`` can show: Alabama for total_htv, population for a
    municipality's caseload figure, None for any other input."""
    if path == "total_htv":
        return ALABAMA
    if _CASELOAD.match(path):
        return POPULATION
    return None


@dataclass(frozen=True)
class _Item:
    """An item's HTV and target, ``htv / den`` and ``target / den`` [HTV] over its point's
    one denominator (whole numbers, so comparing two is integer work), and its weighted
    caseload per line [weighted persons]."""

    htv: int
    target: int
    den: int
    demand: dict[str, float]

    @property
    def htv_float(self) -> float:
        """The HTV [HTV], rounded once to a float."""
        return self.htv / self.den

    @property
    def target_float(self) -> float:
        """The target [HTV], rounded once to a float."""
        return self.target / self.den


#: The last point's items, kept by identity: a Monte Carlo or sweep compares many points
#: with the same base, whose items are then summed once.
_last: list[tuple[Cells, dict[tuple[str, str], _Item]]] = []


def _items(c: Cells, keep: bool = False) -> dict[tuple[str, str], _Item]:
    """(level, name) -> HTV, target [HTV] and weighted caseload per line [weighted persons],
    cells first, then municipalities, then areas; ``keep`` keeps them for the next call
    with the same ``c``."""
    if _last and _last[0][0] is c:
        return _last[0][1]
    # HTV = units × g = units × g.num × q / den and target = whole / q × g = whole × g.num
    # / den, with den = q × g.den.
    g = c.granularity
    per_unit, per_whole, den = g.numerator * c.q, g.numerator, c.q * g.denominator
    sums: dict[tuple[str, str], list[Any]] = {}
    munis: dict[tuple[str, str], list[Any]] = {}
    areas: dict[tuple[str, str], list[Any]] = {}
    for (m, ln), units in c.units.items():
        target, demand = c.target[(m, ln)], c.demand[(m, ln)]
        sums[("cell", f"{m} / {ln}")] = [units, target, {ln: demand}]
        for key, into in ((("municipality", m), munis), (("area", c.area_of[m]), areas)):
            group = into.setdefault(key, [0, 0, {}])
            group[0] += units
            group[1] += target
            group[2][ln] = group[2].get(ln, 0.0) + demand
    sums.update(munis)
    sums.update(areas)
    items = {key: _Item(u * per_unit, t * per_whole, den, demand)
             for key, (u, t, demand) in sums.items()}
    if keep:
        _last[:] = [(c, items)]
    return items


def _rose(before: dict[str, float], after: dict[str, float]) -> bool:
    """True when a weighted caseload falls in no line and rises in at least one."""
    lines = set(before) | set(after)
    ups = [after.get(ln, 0.0) - before.get(ln, 0.0) for ln in lines]
    return all(u >= -1e-9 for u in ups) and any(u > 1e-9 for u in ups)


def _row(parameter: str, from_value: float, to_value: float, kind: str, key: tuple[str, str],
         lo: _Item, hi: _Item) -> dict[str, object]:
    return {"parameter": parameter, "from_value": from_value, "to_value": to_value,
            "kind": kind, "level": key[0], "name": key[1], "htv_before": lo.htv_float,
            "htv_after": hi.htv_float, "target_before": lo.target_float,
            "target_after": hi.target_float}


def _paradox(lo: _Item, hi: _Item) -> bool:
    """The HTV falls from ``lo`` to ``hi`` although the target does not (exactly)."""
    return (hi.htv * lo.den < lo.htv * hi.den
            and hi.target * lo.den >= lo.target * hi.den)


def pair_events(before: Point, after: Point, kind: str, parameter: str,
                from_value: float | None = None, to_value: float | None = None,
                rising_only: bool = False) -> list[dict[str, object]]:
    """The ``kind`` paradox events between two solved points, as rows of :data:`COLUMNS`.

    Alabama: the pair is read in the direction in which total_htv rises (none if it is
    equal); ``from_value``/``to_value`` default to the two budgets [HTV]. Population: each
    item is read in the direction in which its own weighted caseload rises (items whose
    caseload rises in neither direction are skipped); the values default to the item's
    weighted caseload summed over its lines [weighted persons]; with ``rising_only``, only
    items whose caseload rises from ``before`` to ``after``. Points without an allocation
    give no events.
    """
    if before.cells is None or after.cells is None:
        return []
    a, b = _items(before.cells, keep=True), _items(after.cells)
    if kind == ALABAMA:
        return _alabama(a, b, before.cells.total_htv, after.cells.total_htv, parameter,
                        from_value, to_value)
    rows: list[dict[str, object]] = []
    for key, x in a.items():
        y = b.get(key)
        if y is None:
            continue
        if _rose(x.demand, y.demand):
            lo, hi, v0, v1 = x, y, from_value, to_value
        elif not rising_only and _rose(y.demand, x.demand):
            lo, hi, v0, v1 = y, x, to_value, from_value
        else:
            continue
        if _paradox(lo, hi):
            rows.append(_row(parameter, sum(lo.demand.values()) if v0 is None else v0,
                             sum(hi.demand.values()) if v1 is None else v1, kind, key, lo, hi))
    return rows


def _alabama(a: dict[tuple[str, str], _Item], b: dict[tuple[str, str], _Item], t0: Fraction,
             t1: Fraction, parameter: str, from_value: float | None,
             to_value: float | None) -> list[dict[str, object]]:
    """Alabama events between items ``a`` (budget ``t0``) and ``b`` (``t1``) [HTV]."""
    if t0 == t1:
        return []
    v0 = float(t0) if from_value is None else from_value
    v1 = float(t1) if to_value is None else to_value
    if t1 < t0:
        a, b, v0, v1 = b, a, v1, v0
    return [_row(parameter, v0, v1, ALABAMA, key, a[key], b[key])
            for key in a if key in b and _paradox(a[key], b[key])]


def frame_of(rows: Sequence[dict[str, object]]) -> pd.DataFrame:
    """Paradox rows as a frame with the columns of :data:`COLUMNS` (none: header only)."""
    return pd.DataFrame(list(rows), columns=COLUMNS)


def sweep_events(path: str, values: Sequence[float], points: Sequence[Point]) -> pd.DataFrame:
    """Paradox events between consecutive points of a one-parameter sweep of ``path``.

    Points are taken in rising order of value; a pair is compared only when both have an
    allocation. A path that is neither total_htv nor a caseload figure gives no events.
    ``attrs["steps"]`` is the number of pairs compared.
    """
    kind = kind_of(path)
    ordered = sorted(zip(values, points, strict=True), key=lambda vp: vp[0])
    rows: list[dict[str, object]] = []
    steps = 0
    for (v0, p0), (v1, p1) in pairwise(ordered):
        if v1 == v0 or p0.cells is None or p1.cells is None:
            continue
        steps += 1
        if kind is not None:
            rows += _oriented(pair_events(p0, p1, kind, path, v0, v1), v0, v1)
    frame = frame_of(rows)
    frame.attrs["steps"] = {path: steps}
    return frame


def _oriented(rows: list[dict[str, object]], v0: float, v1: float) -> list[dict[str, object]]:
    """Only events in the sweep's rising direction (a mirrored one is not the paradox of
    this parameter)."""
    return [r for r in rows if r["from_value"] == v0 and r["to_value"] == v1]


#: Columns of the comparison's paradox frame: the scenario compared with the base, then
#: :data:`COLUMNS`.
SCENARIO_COLUMNS = ["scenario", *COLUMNS]
#: Fields that name or describe a scenario and take no part in its allocation.
_LABELS = ("name", "title", "description", "solver")


def _problem(s: Scenario, without: str) -> dict[str, object]:
    """The scenario's data without its labels and without ``without`` (total_htv or the
    municipalities' caseload)."""
    data = {k: v for k, v in scenario_data(s).items() if k not in _LABELS}
    if without == "total_htv":
        data.pop("total_htv", None)
    else:
        data["municipalities"] = [{k: v for k, v in m.items() if k != "caseload"}
                                  for m in data["municipalities"]]
    return data


def scenario_kind(base: Scenario, other: Scenario) -> str | None:
    """Alabama when ``other`` differs from ``base`` only in total_htv, population when only
    in caseload figures, None otherwise (labels and solver settings do not count)."""
    if base.total_htv != other.total_htv and _problem(base, "total_htv") == \
            _problem(other, "total_htv"):
        return ALABAMA
    if scenario_data(base)["municipalities"] != scenario_data(other)["municipalities"] and \
            _problem(base, "caseload") == _problem(other, "caseload"):
        return POPULATION
    return None


def scenario_events(results: Sequence[Result], labels: Sequence[str],
                    levels: Sequence[str] = ("municipality", "area")) -> pd.DataFrame:
    """Paradox events between the base (the first result) and each other scenario.

    Only a scenario that differs from the base only in total_htv (Alabama) or only in its
    caseload figures (population) is compared, and only when both have an allocation;
    parameter is total_htv (values: the two budgets [HTV]) or caseload (values: the item's
    weighted caseload [weighted persons]). Columns :data:`SCENARIO_COLUMNS`;
    ``attrs["compared"]`` lists the labels compared.
    """
    rows: list[dict[str, object]] = []
    compared: list[str] = []
    base = results[0]
    for r, label in zip(results[1:], labels[1:], strict=True):
        kind = scenario_kind(base.scenario, r.scenario)
        if kind is None or base.allocation is None or r.allocation is None:
            continue
        compared.append(label)
        before = Point(str(base.status), cells=Cells.of(base))
        after = Point(str(r.status), cells=Cells.of(r))
        events = pair_events(before, after, kind,
                             "total_htv" if kind == ALABAMA else "caseload")
        rows += [{"scenario": label, **e} for e in events if e["level"] in levels]
    frame = pd.DataFrame(rows, columns=SCENARIO_COLUMNS)
    frame.attrs["compared"] = compared
    return frame


@dataclass(frozen=True)
class Summary:
    """How often one kind of paradox showed at one level, and its largest example.

    ``steps`` is the number of compared pairs (sweep steps, scenarios or runs) with at
    least one event, ``of`` the pairs compared; ``largest`` is the event with the largest
    fall of HTV [HTV] (the first such in the frame's order).
    """

    kind: str
    level: str
    steps: int
    of: int
    largest: dict[str, object]


def summarise(events: pd.DataFrame, of: int,
              keys: Sequence[str] = ("parameter", "from_value", "to_value")) -> list[Summary]:
    """Per kind and level with events: how many pairs (rows distinct in ``keys``) showed
    one, out of ``of``, and the largest fall."""
    out = []
    for kind in (ALABAMA, POPULATION):
        for level in LEVELS:
            part = events[(events["kind"] == kind) & (events["level"] == level)]
            if part.empty:
                continue
            fall = (part["htv_before"] - part["htv_after"]).round(9)
            largest = part.iloc[int(fall.to_numpy().argmax())].to_dict()
            pairs = part[list(keys)].drop_duplicates()
            out.append(Summary(kind, level, len(pairs), of, {str(k): v for k, v in largest.items()}))
    return out


__all__ = ["ALABAMA", "COLUMNS", "LEVELS", "POPULATION", "SCENARIO_COLUMNS", "Summary",
           "frame_of", "kind_of", "pair_events", "scenario_events", "scenario_kind", "summarise",
           "sweep_events"]
