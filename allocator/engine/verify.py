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
from typing import TypeVar

from allocator.engine.rules import RULES
from allocator.engine.rules.base import Tally
from allocator.engine.rules.continuity import moved_htv
from allocator.engine.types import Allocation, Verification
from allocator.scenario.arithmetic import exact_sum, over_one_denominator, weights_over
from allocator.scenario.schema import Scenario, to_fraction


def exact_targets(s: Scenario, customer_htv: Fraction) -> dict[tuple[str, str], Fraction]:
    """The caseload-proportional target of every (municipality, line) [HTV], recomputed.

    target(m, line) = line share × customer_htv × Σ_f w_f · v_f(m) / Σ_m' v_f(m') / Σ_f w_f.
    With each feature's values written over one denominator, v_f(m) / Σ v_f = p_f(m) / P_f
    in whole numbers, so a line's sum is a sum of integers over one denominator and every
    target is a single exact fraction.
    """
    # Only the features some line weighs, and the factors of those derived from others.
    weighed = {f for ln in s.service_lines for f, w in ln.demand.items() if w > 0}
    derived = {name: d for name, d in s.derived_features.items() if name in weighed}
    needed = (weighed - set(derived)) | {f for d in derived.values() for f in d.product}
    values: dict[str, dict[str, Fraction]] = {f: {} for f in s.municipalities[0].caseload
                                              if f in needed}
    for m in s.municipalities:
        for f, column in values.items():
            column[m.name] = to_fraction(m.caseload[f])
    for name, d in derived.items():
        values[name] = {}
        for m in s.municipalities:
            prod = Fraction(1)
            for f in d.product:
                prod *= values[f][m.name]
            values[name][m.name] = prod
    whole = {f: over_one_denominator(column)[1] for f, column in values.items()}
    column_sum = {f: sum(column.values()) for f, column in whole.items()}
    names = [m.name for m in s.municipalities]
    out: dict[tuple[str, str], Fraction] = {}
    for ln in s.service_lines:
        used = {f: to_fraction(w) for f, w in ln.demand.items() if w > 0 and column_sum[f] > 0}
        weight_sum = sum(used.values(), Fraction(0))
        # w_f / P_f over the line's one denominator: k_f / denominator.
        denominator, k = weights_over(used, column_sum)
        scale = to_fraction(ln.share) * customer_htv / (weight_sum * denominator)
        top, bottom = scale.numerator, scale.denominator
        for name in names:
            out[(name, ln.name)] = Fraction(top * sum(k[f] * whole[f][name] for f in used),
                                            bottom)
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
    """``allocation`` added up per cell, office, line and central service, from ``s`` alone.

    Sums are taken in whole units and turned into HTV once each.
    """
    area_of = s.area_of()
    offices = {o.name for o in s.offices}
    lines = [ln.name for ln in s.service_lines]
    cells: dict[tuple[str, str], int] = {}
    at_office = dict.fromkeys(offices, 0)
    hosted = dict.fromkeys(offices, 0)
    by_line = dict.fromkeys(lines, 0)
    unknown = []
    for (m, o, ln), units in allocation.cells.items():
        if o not in offices or m not in area_of or ln not in by_line:
            unknown.append((m, o, ln))
            continue
        cells[(m, ln)] = cells.get((m, ln), 0) + units
        at_office[o] += units
        by_line[ln] += units
    central_given: dict[str, int] = {}
    for (svc, o), units in allocation.central.items():
        central_given[svc] = central_given.get(svc, 0) + units
        if o in offices:
            hosted[o] += units
    sizes = central_sizes(s)
    customer = to_fraction(s.total_htv) - exact_sum(sizes.values())
    g = allocation.granularity
    top, bottom = g.numerator, g.denominator

    def htv(units: dict[_K, int]) -> dict[_K, Fraction]:
        return {key: Fraction(u * top, bottom) for key, u in units.items()}

    return Tally(allocation, to_fraction(s.granularity), htv(cells), htv(at_office),
                 htv(hosted), htv(by_line), htv(central_given), sizes, customer,
                 tuple(unknown))


_K = TypeVar("_K")


def check(s: Scenario, allocation: Allocation) -> Verification:
    """Check every rule of ``s`` on ``allocation`` and recompute the objective."""
    t = tally(s, allocation)
    violations = [v for rule in RULES for v in rule.check(s, t)]
    targets = exact_targets(s, t.customer)
    # Each cell's HTV and target over one denominator q: the deviations are whole numbers.
    zero = Fraction(0)
    q, whole = over_one_denominator({**{("htv", c): t.cells.get(c, zero) for c in targets},
                                     **{("target", c): v for c, v in targets.items()}})
    deviations = [abs(whole[("htv", c)] - whole[("target", c)]) for c in targets]
    return Verification(
        violations=violations,
        max_deviation=Fraction(max(deviations, default=0), q),
        total_deviation=Fraction(sum(deviations), q),
        moved=moved_htv(s, t),
    )
