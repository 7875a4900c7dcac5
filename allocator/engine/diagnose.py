"""Why the rules cannot all hold, in the scenario's own terms.

First arithmetic pre-checks catch the obvious conflicts with exact numbers and a fix;
beyond those, the rule labels of an infeasible core found by CP-SAT are described with
the figures behind each rule.
"""

from __future__ import annotations

from fractions import Fraction

from allocator.engine.caseload import ModelData
from allocator.engine.result import Conflict
from allocator.engine.rules import RULES, key_of, label, rule_of


def _h(data: ModelData, units: int | Fraction) -> str:
    return f"{float(data.htv(units)):.2f}"


def prechecks(d: ModelData) -> list[Conflict]:
    """Conflicts that arithmetic alone shows, each with the numbers and a fix."""
    out: list[Conflict] = []
    central = sum(c.units for c in d.central)
    if d.customer_units < 0:
        heavy = _fewest([(c.name, c.units) for c in d.central], d.total_units)
        out.append(Conflict(
            (label("budget"), *(label("central_at_lead", n) for n in heavy)),
            f"central services need {_h(d, central)} HTV, more than total_htv "
            f"{_h(d, d.total_units)} HTV",
            f"raise total_htv to at least {_h(d, central)} or shrink the central services",
        ))
    for area in d.areas:
        if not any(o.area == area for o in d.offices):
            out.append(Conflict((label("office_per_area", area),),
                                f"area '{area}' has no office or service point",
                                "add an office located in one of its municipalities"))
    lead_offices = [o for o in d.offices if o.municipality == d.lead_municipality]
    for c in d.central:
        if not c.hosts:
            out.append(Conflict((label("central_at_lead", c.name),),
                                f"central service '{c.name}' must sit at an office of the lead "
                                f"municipality {d.lead_municipality}, which has none",
                                f"add an office in {d.lead_municipality}"))
        for h in c.hosts:
            if d.office(h).municipality != d.lead_municipality:
                out.append(Conflict(
                    (label("central_at_lead", c.name),),
                    f"central service '{c.name}' is placed at {h}, which is in "
                    f"{d.office(h).municipality}, not in the lead municipality "
                    f"{d.lead_municipality}",
                    "remove its 'office' or name an office of the lead municipality"
                    + (f" ({', '.join(o.name for o in lead_offices)})" if lead_offices else ""),
                ))
    required = [o for o in d.offices if not o.optional]
    need = sum(max(o.min_units, 1) for o in required)
    if d.customer_units >= 0 and need > d.customer_units and required:
        # The fewest offices whose minimums already exceed the budget: a minimal conflict.
        picked = _fewest([(o.name, max(o.min_units, 1)) for o in required], d.customer_units)
        tight = [o for o in required if o.name in picked]
        acc = sum(max(o.min_units, 1) for o in tight)
        names = ", ".join(o.name for o in tight)
        who = (f"{len(required)} required offices" if len(tight) == len(required)
               else f"{len(tight)} of the {len(required)} required offices ({names})")
        per = Fraction(d.customer_units, len(required))
        # With central services switched off the offices could use all of total_htv, so
        # the central services that make the difference belong to the conflict too.
        centrals = ([] if acc > d.total_units else
                    _fewest([(c.name, c.units) for c in d.central], d.total_units - acc))
        out.append(Conflict(
            (label("budget"), *(label("office_min", o.name) for o in tight),
             *(label("central_at_lead", n) for n in centrals)),
            f"{who} need at least {_h(d, acc)} HTV of customer service together, but only "
            f"{_h(d, d.customer_units)} HTV is left after {_h(d, central)} HTV of central "
            f"services (total_htv {_h(d, d.total_units)})",
            f"raise total_htv to {_h(d, central + need)} (all required minimums), or lower "
            f"the office minimums to {float(d.htv(per)):.2f} HTV on average, or make some "
            "offices optional",
        ))
    capped = [o for o in d.offices if o.max_units is not None]
    if len(capped) == len(d.offices):
        room = sum(o.max_units or 0 for o in capped)
        if room < d.total_units:
            out.append(Conflict(
                (label("budget"), *(label("office_max", o.name) for o in capped)),
                f"all offices together hold at most {_h(d, room)} HTV, but total_htv is "
                f"{_h(d, d.total_units)} HTV",
                f"raise office maximums by {_h(d, d.total_units - room)} HTV in all, "
                f"or lower total_htv to {_h(d, room)}",
            ))
    for o in lead_offices:
        own = [(c.name, c.units) for c in d.central if c.hosts == (o.name,)]
        hosted = sum(u for _, u in own)
        need = 0 if o.optional else max(o.min_units, 1)
        if o.max_units is not None and hosted + need > o.max_units:
            core = _fewest(own, o.max_units)
            rules = [label("office_max", o.name)]
            if sum(u for n, u in own if n in core) <= o.max_units:
                # The central services alone fit: the office's own minimum is part of it.
                core = _fewest(own, o.max_units - need)
                rules.append(label("office_min", o.name))
            rules += [label("central_at_lead", n) for n in core]
            out.append(Conflict(
                tuple(rules),
                f"{o.name} must host {_h(d, hosted)} HTV of central services plus its own "
                f"minimum {_h(d, need)} HTV, above its maximum {_h(d, o.max_units)} HTV",
                f"raise its max_htv to {_h(d, hosted + need)}",
            ))
    return out


def _fewest(items: list[tuple[str, int]], limit: int) -> list[str]:
    """The fewest named amounts whose sum exceeds ``limit`` (all of them if none do).

    Taking the largest first gives a set from which no amount can be dropped.
    """
    chosen, total = [], 0
    for name, units in sorted(items, key=lambda item: -item[1]):
        chosen.append(name)
        total += units
        if total > limit:
            break
    return chosen


def describe(d: ModelData, name: str) -> str:
    """One rule label in words, with the scenario's figures."""
    rule, key = rule_of(name), key_of(name)
    central = sum(c.units for c in d.central)
    if rule == "budget":
        return (f"budget: everything adds up to total_htv {_h(d, d.total_units)} HTV "
                f"({_h(d, d.customer_units)} HTV customer service after {_h(d, central)} HTV "
                "central services)")
    if rule == "line_share" and key is not None:
        lo, hi = d.line_bounds[key]
        return (f"line_share[{key}]: {d.line_labels[key]} between {_h(d, lo)} and {_h(d, hi)} "
                f"HTV (share {float(d.line_share[key]):g} ± {float(d.line_tolerance[key]):g})")
    if rule == "office_min" and key is not None:
        o = d.office(key)
        how = "if staffed" if o.optional else "always"
        return f"office_min[{key}]: at least {_h(d, max(o.min_units, 1))} HTV customer service ({how})"
    if rule == "office_max" and key is not None:
        o = d.office(key)
        return f"office_max[{key}]: at most {_h(d, o.max_units or 0)} HTV housed there"
    if rule == "office_per_area" and key is not None:
        names = ", ".join(o.name for o in d.offices if o.area == key)
        return f"office_per_area[{key}]: one of {names} must be staffed"
    if rule == "central_at_lead" and key is not None:
        c = next(c for c in d.central if c.name == key)
        return (f"central_at_lead[{key}]: {_h(d, c.units)} HTV at an office of "
                f"{d.lead_municipality}")
    if rule == "continuity" and key is not None and d.continuity is not None:
        cont = d.continuity
        return (f"continuity[{key}]: within {_h(d, cont.max_change_units or 0)} HTV of today's "
                f"{_h(d, cont.current.get(key, 0))} HTV")
    return f"{name}: {RULES.get(rule, '')}"


def conflict_from_core(d: ModelData, core: list[str]) -> Conflict:
    """A conflict message from a minimal set of rule labels."""
    parts = "; ".join(describe(d, name) for name in core)
    return Conflict(tuple(core), f"these rules cannot all hold: {parts}", _fix(d, core))


def _fix(d: ModelData, core: list[str]) -> str | None:
    """A simple change that resolves a budget-versus-staffing conflict, when one is evident."""
    rules = {rule_of(n) for n in core}
    if rules == {"budget", "office_min"} or rules == {"budget", "office_min", "office_per_area"}:
        offices = [d.office(k) for n in core if rule_of(n) == "office_min"
                   for k in [key_of(n)] if k is not None]
        need = sum(max(o.min_units, 1) for o in offices)
        central = sum(c.units for c in d.central)
        return (f"raise total_htv by {_h(d, need - d.customer_units)} HTV "
                f"to {_h(d, central + need)}, or lower the minimums of "
                f"{', '.join(o.name for o in offices)}")
    return None
