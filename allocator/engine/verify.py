"""An independent check of an allocation against the scenario's rules.

This module never imports OR-Tools and does not reuse the model's own data preparation:
it recomputes the targets, the rule limits and the objective from the scenario itself, so
a mistake in building the model shows up here as a violation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from allocator.engine.result import Allocation
from allocator.engine.rules import label
from allocator.scenario.schema import Scenario, to_fraction


@dataclass(frozen=True)
class Violation:
    """A rule the allocation breaks, by its rule label, with the numbers."""

    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


@dataclass(frozen=True)
class Verification:
    """The verifier's verdict and its own recomputation of the objective [HTV]."""

    violations: list[Violation] = field(default_factory=list)
    max_deviation: Fraction = Fraction(0)
    total_deviation: Fraction = Fraction(0)
    moved: Fraction = Fraction(0)
    """HTV moved from today's staffing (continuity), half the sum of absolute changes."""

    @property
    def passed(self) -> bool:
        """True when no rule is broken."""
        return not self.violations


def _fmt(value: Fraction) -> str:
    return f"{float(value):.4f}".rstrip("0").rstrip(".")


def exact_targets(s: Scenario, customer_htv: Fraction) -> dict[tuple[str, str], Fraction]:
    """The caseload-proportional target of every (municipality, line) [HTV], recomputed."""
    values: dict[str, dict[str, Fraction]] = {}
    for m in s.municipalities:
        for f, v in m.caseload.items():
            values.setdefault(f, {})[m.name] = to_fraction(v)
    for name, d in s.derived_features.items():
        values[name] = {}
        for m in s.municipalities:
            prod = Fraction(1)
            for f in d.product:
                prod *= values[f][m.name]
            values[name][m.name] = prod
    out: dict[tuple[str, str], Fraction] = {}
    column_sum = {f: sum(v.values(), Fraction(0)) for f, v in values.items()}
    for ln in s.service_lines:
        used = {f: to_fraction(w) for f, w in ln.demand.items() if w > 0 and column_sum[f] > 0}
        weight_sum = sum(used.values())
        line_htv = to_fraction(ln.share) * customer_htv
        for m in s.municipalities:
            share = Fraction(0)
            for f, w in used.items():
                share += w * values[f][m.name] / column_sum[f]
            out[(m.name, ln.name)] = line_htv * share / weight_sum
    return out


def central_sizes(s: Scenario) -> dict[str, Fraction]:
    """Each central service's size [HTV], rounded to the granularity (ties to even)."""
    g = to_fraction(s.granularity)
    sizes = {}
    for c in s.central_services:
        if c.htv is not None:
            exact = to_fraction(c.htv)
        else:
            assert c.driven_by is not None
            feature = c.driven_by.feature
            if feature in s.derived_features:
                persons = sum((math.prod((to_fraction(m.caseload[f])
                                          for f in s.derived_features[feature].product),
                                         start=Fraction(1))
                               for m in s.municipalities), Fraction(0))
            else:
                persons = sum((to_fraction(m.caseload[feature]) for m in s.municipalities),
                              Fraction(0))
            exact = persons / to_fraction(c.driven_by.persons_per_htv)
        sizes[c.name] = round(exact / g) * g
    return sizes


def check(s: Scenario, allocation: Allocation) -> Verification:
    """Check every rule of ``s`` on ``allocation`` and recompute the objective."""
    g = to_fraction(s.granularity)
    bad: list[Violation] = []
    area_of = {m: a.name for a in s.areas for m in a.municipalities}
    offices = {o.name: o for o in s.offices}
    lines = [ln.name for ln in s.service_lines]

    cells: dict[tuple[str, str], Fraction] = {}
    at_office: dict[str, Fraction] = {o: Fraction(0) for o in offices}
    hosted: dict[str, Fraction] = {o: Fraction(0) for o in offices}
    by_line: dict[str, Fraction] = {ln: Fraction(0) for ln in lines}
    for (m, o, ln), units in allocation.cells.items():
        htv = units * allocation.granularity
        if units < 0:
            bad.append(Violation(label("budget"), f"negative allocation {m}/{o}/{ln}"))
        if (htv / g).denominator != 1:
            bad.append(Violation(label("budget"), f"{m}/{o}/{ln} = {_fmt(htv)} HTV is not a "
                                 f"multiple of the granularity {_fmt(g)}"))
        if o not in offices or m not in area_of or ln not in by_line:
            bad.append(Violation(label("serves_own_area"), f"unknown row {m}/{o}/{ln}"))
            continue
        served = s.office_serves(offices[o])
        if m not in served or area_of[m] != area_of[offices[o].municipality]:
            bad.append(Violation(label("serves_own_area", o),
                                 f"{o} serves {m}, which it may not serve"))
        cells[(m, ln)] = cells.get((m, ln), Fraction(0)) + htv
        at_office[o] += htv
        by_line[ln] += htv

    sizes = central_sizes(s)
    central_given: dict[str, Fraction] = {}
    for (svc, o), units in allocation.central.items():
        htv = units * allocation.granularity
        central_given[svc] = central_given.get(svc, Fraction(0)) + htv
        if o not in offices:
            bad.append(Violation(label("central_at_lead", svc), f"unknown office {o}"))
            continue
        hosted[o] += htv
        if htv and offices[o].municipality != s.lead_municipality:
            bad.append(Violation(label("central_at_lead", svc),
                                 f"{_fmt(htv)} HTV at {o}, which is not in the lead "
                                 f"municipality {s.lead_municipality}"))
    for svc, size in sizes.items():
        given = central_given.get(svc, Fraction(0))
        if given != size:
            bad.append(Violation(label("central_at_lead", svc),
                                 f"allocated {_fmt(given)} HTV, but the service is {_fmt(size)} HTV"))

    total = to_fraction(s.total_htv)
    allocated = sum(at_office.values(), Fraction(0)) + sum(central_given.values(), Fraction(0))
    if allocated != total:
        bad.append(Violation(label("budget"),
                             f"allocated {_fmt(allocated)} HTV, total_htv is {_fmt(total)}"))

    customer = total - sum(sizes.values(), Fraction(0))
    customer_units = customer / g
    for line in s.service_lines:
        share, tol = to_fraction(line.share), to_fraction(line.tolerance)
        lo = max(0, math.floor((share - tol) * customer_units)) * g
        hi = max(0, math.ceil((share + tol) * customer_units)) * g
        got = by_line[line.name]
        if not lo <= got <= hi:
            bad.append(Violation(label("line_share", line.name),
                                 f"{_fmt(got)} HTV is outside the allowed {_fmt(lo)}–{_fmt(hi)} "
                                 f"HTV (share {float(share):g} ± {float(tol):g})"))

    for name, office in offices.items():
        cust = at_office[name]
        need = max(math.ceil(to_fraction(office.effective_min_htv) / g) * g, g)
        if cust < need and not (office.optional and cust == 0):
            bad.append(Violation(label("office_min", name),
                                 f"{_fmt(cust)} HTV of customer service, minimum {_fmt(need)}"))
        if office.max_htv is not None:
            cap = math.floor(to_fraction(office.max_htv) / g) * g
            if cust + hosted[name] > cap:
                bad.append(Violation(label("office_max", name),
                                     f"{_fmt(cust + hosted[name])} HTV, maximum {_fmt(cap)}"))
    for a in s.areas:
        if not any(at_office[o.name] > 0 for o in s.offices
                   if area_of.get(o.municipality) == a.name):
            bad.append(Violation(label("office_per_area", a.name), "no staffed office"))

    moved = Fraction(0)
    if s.continuity is not None:
        today = {c.office: c for c in s.continuity.current}
        for name in offices:
            now = to_fraction(today[name].htv) if name in today else Fraction(0)
            change = abs(at_office[name] - now)
            limit = s.continuity.max_change_htv
            if limit is not None and change > math.floor(to_fraction(limit) / g) * g:
                bad.append(Violation(label("continuity", name),
                                     f"changes by {_fmt(change)} HTV from today's {_fmt(now)}, "
                                     f"more than max_change_htv {limit:g}"))
            lines_now = today[name].lines if name in today else None
            if lines_now is not None:
                for line_name in lines:
                    got = sum((units * allocation.granularity
                               for (_, o, ln), units in allocation.cells.items()
                               if o == name and ln == line_name), Fraction(0))
                    moved += abs(got - to_fraction(lines_now.get(line_name, 0.0)))
            else:
                moved += change

    targets = exact_targets(s, customer)
    deviations = [abs(cells.get(cell, Fraction(0)) - t) for cell, t in targets.items()]
    return Verification(
        violations=bad,
        max_deviation=max(deviations, default=Fraction(0)),
        total_deviation=sum(deviations, Fraction(0)),
        moved=moved / 2,
    )
