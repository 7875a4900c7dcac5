"""Scenario -> ModelData: demand, caseload-proportional targets and integer units.

Everything here is exact rational arithmetic (``fractions.Fraction``) on the decimals the
user wrote, so a target of 11.008 HTV is 11.008 and not a binary approximation. The model
works in whole *units* of the scenario's granularity (0.01 HTV by default).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from allocator.scenario.arithmetic import (
    exact_sum,
    over_one_denominator,
    round_over,
    weights_over,
)
from allocator.scenario.schema import Scenario, to_fraction

#: Deviations are measured in 1/DEV_SCALE of a unit inside the model, so that fractional
#: targets are represented to 1e-5 HTV at the default granularity.
DEV_SCALE = 1000


@dataclass(frozen=True)
class OfficeData:
    """An office as the model sees it: sizes in units."""

    name: str
    municipality: str
    area: str
    kind: str
    serves: tuple[str, ...]
    min_units: int
    max_units: int | None
    optional: bool

    @property
    def need_units(self) -> int:
        """Customer service the office needs when staffed [units]: its minimum, and at least
        one unit, since a staffed office has somebody in it."""
        return max(self.min_units, 1)


@dataclass(frozen=True)
class CentralNeed:
    """A central service's size in units and the offices allowed to host it."""

    name: str
    label: str
    units: int
    exact_htv: Fraction
    hosts: tuple[str, ...]
    driven_by: str | None = None
    persons: Fraction | None = None
    persons_per_htv: Fraction | None = None


@dataclass(frozen=True)
class ContinuityData:
    """Today's staffing in units and how far the allocation may move from it.

    Offices not listed have no customer-service staff today.
    """

    current: dict[str, int]
    current_lines: dict[tuple[str, str], int]
    max_change_units: int | None
    move_weight: Fraction
    illustrative: bool

    def office_has_lines(self, office: str) -> bool:
        """True when today's staffing of ``office`` is known per service line."""
        return any(o == office for o, _ in self.current_lines)


@dataclass(frozen=True)
class ModelData:
    """The numbers a model is built from; no OR-Tools here.

    Units are whole multiples of ``granularity`` [HTV]. ``target`` holds the exact
    caseload-proportional quota of each (municipality, line) cell [units].
    """

    name: str
    granularity: Fraction
    total_units: int
    customer_units: int
    lead_municipality: str
    municipalities: tuple[str, ...]
    areas: tuple[str, ...]
    area_of: dict[str, str]
    lines: tuple[str, ...]
    line_labels: dict[str, str]
    line_share: dict[str, Fraction]
    line_tolerance: dict[str, Fraction]
    line_target: dict[str, Fraction]
    line_bounds: dict[str, tuple[int, int]]
    offices: tuple[OfficeData, ...]
    central: tuple[CentralNeed, ...]
    demand_share: dict[tuple[str, str], Fraction]
    target: dict[tuple[str, str], Fraction]
    features: dict[str, dict[str, Fraction]] = field(repr=False)
    weights: dict[str, dict[str, Fraction]] = field(repr=False)
    continuity: ContinuityData | None = None

    @cached_property
    def cells(self) -> tuple[tuple[str, str], ...]:
        """(municipality, line) pairs in canonical order (listed once per scenario: every
        stage, check and report walks them)."""
        return tuple((m, ln) for m in self.municipalities for ln in self.lines)

    @cached_property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """(municipality, office) pairs the model may use, in canonical order."""
        return tuple((m, o.name) for m in self.municipalities for o in self.offices
                     if m in o.serves)

    @property
    def central_units(self) -> int:
        """All central services together [units]."""
        return sum(c.units for c in self.central)

    def office(self, name: str) -> OfficeData:
        """The office called ``name``."""
        return self._office_index[name]

    def target_scaled(self, cell: tuple[str, str]) -> int:
        """The cell's target in 1/DEV_SCALE units, rounded half to even."""
        return self.targets_scaled[cell]

    @cached_property
    def targets_scaled(self) -> dict[tuple[str, str], int]:
        """Every cell's target in 1/DEV_SCALE units, rounded half to even."""
        q, whole = self.target_whole
        return {cell: round_over(w * DEV_SCALE, q) for cell, w in whole.items()}

    @cached_property
    def target_whole(self) -> tuple[int, dict[tuple[str, str], int]]:
        """Every cell's target over one common denominator: (q, {cell: q × target}) [1/q
        units], for exact comparisons in whole numbers."""
        return over_one_denominator(self.target)

    @cached_property
    def _office_index(self) -> dict[str, OfficeData]:
        return {o.name: o for o in self.offices}

    def htv(self, units: int | Fraction) -> Fraction:
        """Units -> HTV, exactly."""
        return units * self.granularity


def htv_to_units(value: Fraction, granularity: Fraction, how: str = "nearest") -> int:
    """HTV -> whole units: ``nearest`` (ties to even), ``up`` or ``down``."""
    exact = value / granularity
    if how == "up":
        return math.ceil(exact)
    if how == "down":
        return math.floor(exact)
    return round(exact)


def demand_shares(s: Scenario, features: dict[str, dict[str, Fraction]]) -> dict[tuple[str, str], Fraction]:
    """Each municipality's share of each line's demand (shares of a line sum to 1).

    A line's demand is a mix of feature distributions: with weights normalised to sum 1,
    share(m, line) = sum_f w_f * feature_f(m) / sum_m' feature_f(m'). Features that are zero
    everywhere drop out and the remaining weights are renormalised.
    """
    # Each used feature over one denominator: v_f(m) / sum v_f = whole_f(m) / total_f, in
    # whole numbers, so that each share is one integer sum over the line's one denominator.
    used = {f for ln in s.service_lines for f, w in ln.demand.items() if w > 0}
    whole = {f: over_one_denominator(features[f])[1] for f in used}
    totals = {f: sum(column.values()) for f, column in whole.items()}
    shares: dict[tuple[str, str], Fraction] = {}
    munis = s.municipality_names
    for ln in s.service_lines:
        weights = {f: to_fraction(w) for f, w in ln.demand.items() if w > 0 and totals[f] > 0}
        wsum = exact_sum(weights.values())
        # (w_f / wsum) / total_f = k_f / denominator, with k_f whole.
        common, per_total = weights_over(weights, totals)
        k = {f: v * wsum.denominator for f, v in per_total.items()}
        denominator = common * wsum.numerator or 1  # no weighted demand: every share 0
        for m in munis:
            shares[(m, ln.name)] = Fraction(sum(k[f] * whole[f][m] for f in k), denominator)
    return shares


def central_needs(s: Scenario, features: dict[str, dict[str, Fraction]]) -> tuple[CentralNeed, ...]:
    """Central services in units, each hosted by offices in the lead municipality."""
    g = to_fraction(s.granularity)
    lead_offices = tuple(o.name for o in s.offices if o.municipality == s.lead_municipality)
    out = []
    for c in s.central_services:
        hosts = (c.office,) if c.office is not None else lead_offices
        if c.driven_by is not None:
            persons = sum(features[c.driven_by.feature].values(), Fraction(0))
            per = to_fraction(c.driven_by.persons_per_htv)
            exact = persons / per
            out.append(CentralNeed(c.name, c.title, htv_to_units(exact, g), exact, hosts,
                                   c.driven_by.feature, persons, per))
        else:
            assert c.htv is not None
            exact = to_fraction(c.htv)
            out.append(CentralNeed(c.name, c.title, htv_to_units(exact, g), exact, hosts))
    return tuple(out)


def prepare(s: Scenario) -> ModelData:
    """Compute everything the model needs from a validated scenario."""
    g = to_fraction(s.granularity)
    total = htv_to_units(to_fraction(s.total_htv), g)
    features = s.exact_features()
    central = central_needs(s, features)
    customer = total - sum(c.units for c in central)
    area_of = s.area_of()

    line_target: dict[str, Fraction] = {}
    line_bounds: dict[str, tuple[int, int]] = {}
    for ln in s.service_lines:
        share, tol = to_fraction(ln.share), to_fraction(ln.tolerance)
        line_target[ln.name] = share * customer
        lo = max(0, math.floor((share - tol) * customer))
        hi = max(0, math.ceil((share + tol) * customer))
        line_bounds[ln.name] = (lo, hi)

    shares = demand_shares(s, features)
    target = {cell: line_target[cell[1]] * share for cell, share in shares.items()}

    offices = tuple(
        OfficeData(
            name=o.name,
            municipality=o.municipality,
            area=area_of[o.municipality],
            kind=o.kind,
            serves=tuple(s.office_serves(o)),
            min_units=htv_to_units(to_fraction(o.effective_min_htv), g, "up"),
            max_units=None if o.max_htv is None else htv_to_units(to_fraction(o.max_htv), g, "down"),
            optional=o.optional,
        )
        for o in s.offices
    )
    continuity = None
    if s.continuity is not None:
        c = s.continuity
        continuity = ContinuityData(
            current={cur.office: htv_to_units(to_fraction(cur.htv), g) for cur in c.current},
            current_lines={(cur.office, line): htv_to_units(to_fraction(v), g)
                           for cur in c.current for line, v in (cur.lines or {}).items()},
            max_change_units=(None if c.max_change_htv is None
                              else htv_to_units(to_fraction(c.max_change_htv), g, "down")),
            move_weight=to_fraction(c.move_weight),
            illustrative=c.illustrative,
        )
    return ModelData(
        name=s.name,
        granularity=g,
        total_units=total,
        customer_units=customer,
        lead_municipality=s.lead_municipality,
        municipalities=tuple(s.municipality_names),
        areas=tuple(a.name for a in s.areas),
        area_of=area_of,
        lines=tuple(ln.name for ln in s.service_lines),
        line_labels={ln.name: ln.title for ln in s.service_lines},
        line_share={ln.name: to_fraction(ln.share) for ln in s.service_lines},
        line_tolerance={ln.name: to_fraction(ln.tolerance) for ln in s.service_lines},
        line_target=line_target,
        line_bounds=line_bounds,
        offices=offices,
        central=central,
        demand_share=shares,
        target=target,
        features=features,
        weights={ln.name: {f: to_fraction(w) for f, w in ln.demand.items()} for ln in s.service_lines},
        continuity=continuity,
    )
