"""An independent check of an allocation against the scenario's rules.

This module never imports OR-Tools and does not reuse the model's own data preparation:
it adds the allocation up from the scenario itself (:class:`~allocator.engine.rules.base.Tally`),
lets every rule of the registry check it with its own plain-Python check, and recomputes
the targets and the objective, so a mistake in building the model shows up here as a
violation.
"""

from __future__ import annotations

import math
from fractions import Fraction

from allocator.engine.rules import RULES
from allocator.engine.rules.base import Tally
from allocator.engine.rules.continuity import moved_htv
from allocator.engine.types import Allocation, Verification
from allocator.scenario.schema import Scenario, to_fraction


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


def tally(s: Scenario, allocation: Allocation) -> Tally:
    """``allocation`` added up per cell, office, line and central service, from ``s`` alone."""
    area_of = s.area_of()
    offices = {o.name for o in s.offices}
    lines = [ln.name for ln in s.service_lines]
    cells: dict[tuple[str, str], Fraction] = {}
    at_office = dict.fromkeys(offices, Fraction(0))
    hosted = dict.fromkeys(offices, Fraction(0))
    by_line = dict.fromkeys(lines, Fraction(0))
    unknown = []
    for (m, o, ln), units in allocation.cells.items():
        if o not in offices or m not in area_of or ln not in by_line:
            unknown.append((m, o, ln))
            continue
        htv = units * allocation.granularity
        cells[(m, ln)] = cells.get((m, ln), Fraction(0)) + htv
        at_office[o] += htv
        by_line[ln] += htv
    central_given: dict[str, Fraction] = {}
    for (svc, o), units in allocation.central.items():
        htv = units * allocation.granularity
        central_given[svc] = central_given.get(svc, Fraction(0)) + htv
        if o in offices:
            hosted[o] += htv
    sizes = central_sizes(s)
    customer = to_fraction(s.total_htv) - sum(sizes.values(), Fraction(0))
    return Tally(allocation, to_fraction(s.granularity), cells, at_office, hosted, by_line,
                 central_given, sizes, customer, tuple(unknown))


def check(s: Scenario, allocation: Allocation) -> Verification:
    """Check every rule of ``s`` on ``allocation`` and recompute the objective."""
    t = tally(s, allocation)
    violations = [v for rule in RULES for v in rule.check(s, t)]
    targets = exact_targets(s, t.customer)
    deviations = [abs(t.cells.get(cell, Fraction(0)) - target) for cell, target in targets.items()]
    return Verification(
        violations=violations,
        max_deviation=max(deviations, default=Fraction(0)),
        total_deviation=sum(deviations, Fraction(0)),
        moved=moved_htv(s, t),
    )
