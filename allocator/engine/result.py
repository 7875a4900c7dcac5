"""Typed results: the allocation, solver facts and the tables every report reads.

The CLI, the files, the charts, notebooks and tests all read a :class:`Result` through
the same table methods, so a figure means the same thing wherever it is shown. A table
that summary.json holds is defined once as plain rows (``*_rows``: a list of dicts), and
its DataFrame method is built from those rows, so summary.json is written without
importing pandas. All HTV columns are exact decimals of the granularity, as floats
rounded to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from allocator.engine.caseload import DEV_SCALE, CentralNeed, ModelData
from allocator.engine.costs import Costs, compute_costs
from allocator.engine.display import result_html, result_repr
from allocator.engine.types import (
    Allocation,
    Conflict,
    SolverFacts,
    Status,
    Tie,
    Verification,
)
from allocator.scenario.schema import Scenario, show_number

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Allocation", "Conflict", "Costs", "Moves", "Result", "SolverFacts", "Status", "decimal_places",
           "to_decimal"]


@dataclass
class Result:
    """The outcome of allocating one scenario.

    ``verification`` is filled by the independent verifier (allocator.engine.verify); ``verified``
    is true only when it ran and found nothing wrong.
    """

    scenario: Scenario
    data: ModelData
    status: Status
    allocation: Allocation | None
    solver: SolverFacts
    verification: Verification | None = None
    conflicts: list[Conflict] = field(default_factory=list)
    source: str | None = None
    """The scenario file the result came from, when it came from one."""
    changes: tuple[dict[str, str | None], ...] = ()
    """Changes made to the file's scenario before the solve (``--caseload``, ``--set``), as
    :meth:`allocator.scenario.overrides.Overrides.record` gives them."""
    tie: Tie | None = None
    """Set when an equally good allocation exists (broken by the tie_break stage)."""
    tie_checked: bool = False
    """Whether the search for an equally good allocation ran and was decided."""
    values: dict[str, int] = field(default_factory=dict)
    """Objective terms at the allocation (see allocator.engine.solve.SolveOutcome.values)."""
    _costs: tuple[Allocation, Costs | None] | None = field(default=None, init=False,
                                                            repr=False, compare=False)

    # --- verdicts ------------------------------------------------------------------------
    @property
    def verified(self) -> bool:
        """True when an allocation exists and the independent verifier passed it."""
        return (self.allocation is not None and self.verification is not None
                and not self.verification.violations)

    @property
    def proven_optimal(self) -> bool:
        """True when every objective stage was proven optimal."""
        return self.status == Status.OPTIMAL

    def htv(self, units: int | Fraction) -> Decimal:
        """Units -> HTV as an exact decimal at the scenario's granularity."""
        return to_decimal(units * self.data.granularity, self.data.granularity)

    # --- the scenario as every report names it ---------------------------------------------
    @property
    def areas(self) -> tuple[str, ...]:
        """Responsibility areas in file order."""
        return self.data.areas

    @property
    def lines(self) -> tuple[str, ...]:
        """Service-line identifiers in file order."""
        return self.data.lines

    @property
    def line_labels(self) -> dict[str, str]:
        """Service-line identifier -> its label for reports."""
        return self.data.line_labels

    @property
    def lead_municipality(self) -> str:
        """The lead municipality (vastuukunta), host of the central services."""
        return self.data.lead_municipality

    @property
    def granularity(self) -> Fraction:
        """The smallest step of any allocated amount [HTV]."""
        return self.data.granularity

    @property
    def digits(self) -> int:
        """Decimal places that write every amount of this result exactly (0.01 -> 2)."""
        return decimal_places(self.data.granularity)

    @property
    def total_htv(self) -> Decimal:
        """Person-years to allocate, central services included [HTV]."""
        return self.htv(self.data.total_units)

    @property
    def customer_htv(self) -> Decimal:
        """What is left for customer service after the central services [HTV] (0 when the
        central services alone exceed the budget)."""
        return self.htv(max(self.data.customer_units, 0))

    @property
    def central_htv(self) -> Decimal:
        """All central services together [HTV]."""
        return self.htv(self.data.central_units)

    @property
    def line_shares(self) -> dict[str, tuple[Fraction, Fraction]]:
        """Service line -> (target share, tolerance) of customer service [0-1], exact."""
        return {ln: (self.data.line_share[ln], self.data.line_tolerance[ln]) for ln in self.lines}

    def office_area(self, office: str) -> str:
        """The responsibility area ``office`` is in."""
        return self.data.office(office).area

    def objective_htv(self, term: str) -> float | None:
        """An objective term's value at the allocation [HTV]: ``max_deviation`` or
        ``total_deviation``; None when the solve did not reach it."""
        value = self.values.get(term)
        return None if value is None else _scaled_htv(self.data, value)

    def stage_bound_htv(self, stage: str) -> float | None:
        """The solver's bound on a deviation stage [HTV]; None when the stage did not run
        or reached no bound."""
        facts = next((st for st in self.solver.stages if st.name == stage), None)
        if facts is None or facts.bound is None:
            return None
        return _scaled_htv(self.data, facts.bound)

    def moves(self) -> Moves | None:
        """Today's staffing against the allocation per office, when the scenario gives it."""
        c = self.data.continuity
        if c is None:
            return None
        units = self.allocation.office_units() if self.allocation is not None else {}
        rows = []
        for o in self.data.offices:
            now, got = c.current.get(o.name, 0), units.get(o.name, 0)
            rows.append({"office": o.name, "today_htv": float(self.htv(now)),
                         "htv": float(self.htv(got)), "change_htv": float(self.htv(got - now))})
        return Moves(tuple(rows), c.illustrative,
                     None if c.max_change_units is None else self.htv(c.max_change_units),
                     c.move_weight, bool(c.current_lines),
                     None if self.verification is None else self.verification.moved)

    def costs(self) -> Costs | None:
        """What the allocation costs each municipality [EUR/year], when the scenario gives
        costs and an allocation exists (see allocator.engine.costs)."""
        if self.allocation is None:
            return None
        # Every report of a run reads the costs; they are computed once per allocation.
        if self._costs is None or self._costs[0] is not self.allocation:
            self._costs = (self.allocation, compute_costs(self.scenario, self.data,
                                                          self.allocation))
        return self._costs[1]

    def costs_frame(self) -> pd.DataFrame | None:
        """Per municipality: customer_htv [HTV], central_share [0-1], customer_service_eur,
        offices_eur, central_eur, total_eur [EUR/year]; None without costs."""
        costs = self.costs()
        return None if costs is None else costs.frame()

    # --- tables ----------------------------------------------------------------------------
    def allocation_rows(self) -> list[dict[str, Any]]:
        """Long format, one row per municipality × office × service line.

        Keys: area, municipality, office, service_line, units [units], htv [HTV]. Rows for
        every allowed combination, zeros included, ordered by area, then office, then
        municipality in file order (service lines in file order within them).
        """
        d = self.data
        cells = self.allocation.cells if self.allocation else {}
        rows = []
        for m, o in d.pairs:
            for ln in d.lines:
                units = cells.get((m, o, ln), 0)
                rows.append({"area": d.area_of[m], "municipality": m, "office": o,
                             "service_line": ln, "units": units, "htv": float(self.htv(units))})
        area = {a: i for i, a in enumerate(d.areas)}
        office = {o.name: i for i, o in enumerate(d.offices)}
        municipality = {m: i for i, m in enumerate(d.municipalities)}
        return sorted(rows, key=lambda r: (area[r["area"]], office[r["office"]],
                                           municipality[r["municipality"]]))

    def allocation_frame(self) -> pd.DataFrame:
        """:meth:`allocation_rows` as a DataFrame: columns area, municipality, office,
        service_line, units [units], htv [HTV]."""
        import pandas as pd

        return pd.DataFrame(self.allocation_rows(),
                            columns=["area", "municipality", "office", "service_line", "units",
                                     "htv"])

    def central_rows(self) -> list[dict[str, Any]]:
        """Central services, one row per service × host office: service, label, office,
        units [units], basis and assumption (how the size was set), htv [HTV]."""
        central = self.allocation.central if self.allocation else {}
        rows = []
        for c in self.data.central:
            for host in c.hosts:
                units = central.get((c.name, host), 0)
                if units or len(c.hosts) == 1:
                    rows.append({"service": c.name, "label": c.label, "office": host,
                                 "units": units,
                                 "basis": _central_basis(c),
                                 "assumption": self._size_assumption(c.name),
                                 "htv": float(self.htv(units))})
        return rows

    def central_frame(self) -> pd.DataFrame:
        """:meth:`central_rows` as a DataFrame: service, label, office, units, basis,
        assumption, htv [HTV]."""
        import pandas as pd

        return pd.DataFrame(self.central_rows(),
                            columns=["service", "label", "office", "units", "basis",
                                     "assumption", "htv"])

    def _size_assumption(self, service: str) -> str:
        """Why a central service's size is assumed ("" when it is a figure of the source)."""
        base = f"central_services.{service}"
        for field_ in ("htv", "driven_by"):
            reason = self.scenario.assumption_for(f"{base}.{field_}")
            if reason is not None:
                return reason
        return ""

    def assumption_rows(self) -> list[dict[str, Any]]:
        """The scenario's values marked as assumptions: field (its dotted path), value (as
        used, in the field's own unit) and reason, in the scenario's order."""
        return [{"field": path, "value": _value_text(value), "reason": reason}
                for path, value, reason in self.scenario.assumptions()]

    def assumptions_frame(self) -> pd.DataFrame:
        """:meth:`assumption_rows` as a DataFrame: field, value, reason."""
        import pandas as pd

        return pd.DataFrame(self.assumption_rows(), columns=["field", "value", "reason"])

    def target_rows(self) -> list[dict[str, Any]]:
        """Per municipality × line: demand share, exact target, allocation, deviation.

        Keys: area, municipality, service_line, demand_share [0-1], target_htv [HTV, exact
        quota as float], htv [HTV], deviation_htv [HTV, allocated − target].
        """
        d = self.data
        got = self._cell_units()
        rows = []
        for m, ln in d.cells:
            target = d.htv(d.target[(m, ln)])
            htv = d.htv(got.get((m, ln), 0))
            rows.append({"area": d.area_of[m], "municipality": m, "service_line": ln,
                         "demand_share": float(d.demand_share[(m, ln)]),
                         "target_htv": float(target), "htv": float(htv),
                         "deviation_htv": float(htv - target)})
        return rows

    def targets_frame(self) -> pd.DataFrame:
        """:meth:`target_rows` as a DataFrame: area, municipality, service_line, demand_share
        [0-1], target_htv, htv, deviation_htv [HTV]."""
        import pandas as pd

        return pd.DataFrame(self.target_rows())

    def area_line_frame(self) -> pd.DataFrame:
        """Per area × line: target [HTV], allocated [HTV] and difference [HTV]."""
        t = self.targets_frame()
        g = t.groupby(["area", "service_line"], sort=False)[["target_htv", "htv"]].sum()
        g = g.reset_index()
        g["difference_htv"] = g["htv"] - g["target_htv"]
        g["htv"] = g["htv"].round(self.digits)
        return g

    def by_area_rows(self) -> list[dict[str, Any]]:
        """Per area: customer-service HTV per line and in total, central HTV, unemployed per HTV.

        Keys: area, one column per line [HTV], customer_htv, central_htv, total_htv,
        target_htv (caseload-proportional customer service), unemployed [persons],
        unemployed_per_htv [persons/HTV], with a final 'Total' row.
        """
        d = self.data
        got = self._cell_units()
        central_by_office: dict[str, int] = {}
        for (_, o), u in (self.allocation.central if self.allocation else {}).items():
            central_by_office[o] = central_by_office.get(o, 0) + u
        unemployed = d.features.get("unemployed", {})
        customer_units = (self.allocation.area_units(d.area_of, d.areas)
                          if self.allocation is not None else dict.fromkeys(d.areas, 0))
        rows = []
        for area in d.areas:
            members = [m for m in d.municipalities if d.area_of[m] == area]
            row: dict[str, Any] = {"area": area}
            for ln in d.lines:
                row[ln] = sum(got.get((m, ln), 0) for m in members)
            row["customer"] = customer_units[area]
            row["central"] = sum(u for o, u in central_by_office.items()
                                 if d.office(o).area == area)
            row["target"] = sum((d.target[(m, ln)] for m in members for ln in d.lines), Fraction(0))
            row["unemployed"] = sum((unemployed.get(m, Fraction(0)) for m in members), Fraction(0))
            rows.append(row)
        total: dict[str, Any] = {"area": "Total"}
        for key in [*d.lines, "customer", "central", "target", "unemployed"]:
            total[key] = sum((r[key] for r in rows), start=0)
        rows.append(total)
        out = []
        for r in rows:
            line_htv = {ln: float(self.htv(r[ln])) for ln in d.lines}
            customer = self.htv(r["customer"])
            out.append({
                "area": r["area"], **line_htv,
                "customer_htv": float(customer),
                "central_htv": float(self.htv(r["central"])),
                "total_htv": float(self.htv(r["customer"] + r["central"])),
                "target_htv": float(d.htv(r["target"])),
                "unemployed": float(r["unemployed"]) if unemployed else float("nan"),
                "unemployed_per_htv": (float(r["unemployed"] / (r["customer"] * d.granularity))
                                       if unemployed and r["customer"] else float("nan")),
            })
        return out

    def by_area(self) -> pd.DataFrame:
        """:meth:`by_area_rows` as a DataFrame: area, one column per line, customer_htv,
        central_htv, total_htv, target_htv [HTV], unemployed [persons], unemployed_per_htv
        [persons/HTV], with a final 'Total' row."""
        import pandas as pd

        return pd.DataFrame(self.by_area_rows())

    def by_line_rows(self) -> list[dict[str, Any]]:
        """Per service line: HTV, realised share, target share, tolerance and allowed range.

        Keys: service_line, label, htv [HTV], share, target_share, tolerance [0-1, of the
        customer-service HTV], min_htv, max_htv [HTV].
        """
        d = self.data
        got = self._cell_units()
        rows = []
        for ln in d.lines:
            units = sum(got.get((m, ln), 0) for m in d.municipalities)
            lo, hi = d.line_bounds[ln]
            rows.append({
                "service_line": ln, "label": d.line_labels[ln],
                "htv": float(self.htv(units)),
                "share": float(Fraction(units, d.customer_units)) if d.customer_units else 0.0,
                "target_share": float(d.line_share[ln]),
                "tolerance": float(d.line_tolerance[ln]),
                "min_htv": float(self.htv(lo)), "max_htv": float(self.htv(hi)),
            })
        return rows

    def by_line(self) -> pd.DataFrame:
        """:meth:`by_line_rows` as a DataFrame: service_line, label, htv, share, target_share,
        tolerance, min_htv, max_htv."""
        import pandas as pd

        return pd.DataFrame(self.by_line_rows())

    def office_frame(self) -> pd.DataFrame:
        """Per office: customer-service HTV per line, central HTV, total, min and max [HTV]."""
        import pandas as pd

        d = self.data
        cells = self.allocation.cells if self.allocation else {}
        central = self.allocation.central if self.allocation else {}
        rows = []
        for o in d.offices:
            row: dict[str, Any] = {"area": o.area, "office": o.name, "kind": o.kind}
            for ln in d.lines:
                row[ln] = float(self.htv(sum(u for (_, oo, ll), u in cells.items()
                                             if oo == o.name and ll == ln)))
            cust = sum(u for (_, oo, _), u in cells.items() if oo == o.name)
            cen = sum(u for (_, oo), u in central.items() if oo == o.name)
            row.update({"customer_htv": float(self.htv(cust)), "central_htv": float(self.htv(cen)),
                        "total_htv": float(self.htv(cust + cen)),
                        "min_htv": float(self.htv(o.min_units)),
                        "max_htv": None if o.max_units is None else float(self.htv(o.max_units))})
            rows.append(row)
        return pd.DataFrame(rows)

    def caseload_frame(self) -> pd.DataFrame:
        """The inputs per municipality: its area and every caseload feature, derived ones
        included [persons, or a share for rates]."""
        import pandas as pd

        d = self.data
        return pd.DataFrame([{"municipality": m, "area": d.area_of[m],
                              **{f: float(d.features[f][m]) for f in d.features}}
                             for m in d.municipalities])

    def weights_frame(self) -> pd.DataFrame:
        """Per service line: the relative demand weight of every caseload feature (0 where the
        line does not weigh it); each line's weights are normalised to 1 in the targets."""
        import pandas as pd

        d = self.data
        return pd.DataFrame([{"service_line": ln, **{f: float(d.weights[ln].get(f, 0))
                                                      for f in d.features}} for ln in d.lines])

    def office_limits_frame(self) -> pd.DataFrame:
        """Per office: where it is, whom it serves and its limits. Columns: office,
        municipality, area, kind, serves (names joined by ', '), min_htv, max_htv [HTV, NaN
        when none], optional."""
        import pandas as pd

        d = self.data
        return pd.DataFrame([{"office": o.name, "municipality": o.municipality, "area": o.area,
                              "kind": o.kind, "serves": ", ".join(o.serves),
                              "min_htv": float(d.htv(o.min_units)),
                              "max_htv": (float("nan") if o.max_units is None
                                          else float(d.htv(o.max_units))),
                              "optional": o.optional} for o in d.offices])

    def allocation_wide(self) -> pd.DataFrame:
        """The allocation as a table to read: one row per area × office × municipality served.

        Columns: area, office, municipality, one column per service line (its identifier,
        in file order) [HTV], and customer_htv [HTV, the row's sum]. Rows for every allowed
        combination in file order, zeros included, as in :meth:`allocation_frame`; central
        services are in :meth:`central_frame`. Sums are taken in exact units, so a row's
        customer_htv is exactly the sum of its lines.

        >>> from allocator.engine.pipeline import allocate
        >>> wide = allocate("scenarios/base.yaml").allocation_wide()
        >>> list(wide.columns)
        ['area', 'office', 'municipality', 'weaker_position', 'job_brokering', 'skills', 'customer_htv']
        >>> round(float(wide["customer_htv"].sum()), 2)
        27.52
        """
        import pandas as pd

        keys = ["area", "office", "municipality"]
        long = self.allocation_frame()
        rows = list(dict.fromkeys(zip(long["area"], long["office"], long["municipality"],
                                      strict=True)))
        units = long.pivot(index=keys, columns="service_line", values="units")
        units = units.reindex(pd.MultiIndex.from_tuples(rows, names=keys))[list(self.data.lines)]
        units["customer_htv"] = units.sum(axis=1)
        wide = units.apply(self._htv_column)
        wide.columns.name = None
        return wide.reset_index()

    # --- display ---------------------------------------------------------------------------
    def __repr__(self) -> str:
        """One line: scenario, status, verifier verdict and total [HTV] (not every field)."""
        return result_repr(self)

    def _repr_html_(self) -> str:
        """Jupyter's view: verdicts and HTV by area × service line (see allocator.engine.display)."""
        return result_html(self)

    # --- helpers ---------------------------------------------------------------------------
    def _cell_units(self) -> dict[tuple[str, str], int]:
        return self.allocation.cell_units() if self.allocation is not None else {}

    def _htv_column(self, units: pd.Series) -> pd.Series:
        g = self.data.granularity
        return units.map(lambda u: float(to_decimal(u * g, g)))



@dataclass(frozen=True)
class Moves:
    """Today's customer-service staffing against the allocation, and the continuity terms.

    ``rows``: per office in file order, office, today_htv, htv, change_htv [HTV] (as a
    DataFrame: :attr:`frame`); ``cap_htv`` the largest change allowed per office [HTV]
    (None: no cap); ``move_weight`` the price of 1 HTV moved [HTV of total deviation];
    ``by_line`` whether today's split by line is known somewhere; ``moved_htv`` the
    verifier's HTV moved [HTV] (None without an allocation).
    """

    rows: tuple[dict[str, Any], ...]
    illustrative: bool
    cap_htv: Decimal | None
    move_weight: Fraction
    by_line: bool
    moved_htv: Fraction | None

    @property
    def frame(self) -> pd.DataFrame:
        """:attr:`rows` as a DataFrame: office, today_htv, htv, change_htv [HTV]."""
        import pandas as pd

        return pd.DataFrame(list(self.rows),
                            columns=["office", "today_htv", "htv", "change_htv"])


def _scaled_htv(d: ModelData, value: int) -> float:
    """A deviation in the model's scale (1/DEV_SCALE units) in HTV."""
    return float(d.htv(value)) / DEV_SCALE


def _central_basis(c: CentralNeed) -> str:
    if c.driven_by is not None and c.persons is not None and c.persons_per_htv is not None:
        return f"{float(c.persons):g} {c.driven_by} / {float(c.persons_per_htv):g} per HTV"
    return "fixed"


def _value_text(value: Any, limit: int = 160) -> str:
    """A scenario value as one line of text of at most ``limit`` characters: numbers as
    written, mappings as ``key value``, list items separated by semicolons."""
    if isinstance(value, dict):
        text = ", ".join(f"{k} {_value_text(v)}" for k, v in value.items() if v is not None)
    elif isinstance(value, list):
        text = "; ".join(_value_text(v) for v in value)
    elif isinstance(value, float):
        text = show_number(value)
    else:
        text = str(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def decimal_places(granularity: Fraction) -> int:
    """Decimal places needed to write multiples of ``granularity`` exactly (0.01 -> 2)."""
    places = 0
    value = granularity
    while value.denominator != 1 and places < 12:
        value *= 10
        places += 1
    return places


def to_decimal(value: Fraction, granularity: Fraction) -> Decimal:
    """An exact multiple of the granularity as a Decimal with the right number of places."""
    places = decimal_places(granularity)
    scaled = value * 10**places
    if scaled.denominator != 1:  # not a multiple: round half to even at those places
        scaled = Fraction(round(scaled))
    return Decimal(int(scaled)).scaleb(-places)
