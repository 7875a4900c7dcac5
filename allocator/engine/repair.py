"""The smallest change of one input that makes conflicting rules hold again.

For each rule in a conflict, the scenario field behind it (total_htv for the budget, an
office's min_htv or max_htv, a line's tolerance, a central service's size, the continuity
cap) is moved in the direction that relaxes the rule, and the smallest sufficient change
is found by bisection over feasibility checks of scenario variants.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction

from allocator.engine.rules import key_of, rule_of
from allocator.engine.solve import SolveSettings
from allocator.errors import ScenarioError
from allocator.scenario.schema import Scenario, to_fraction

#: Feasibility checks allowed per knob (exponential search plus bisection).
MAX_CHECKS = 40


@dataclass(frozen=True)
class Repair:
    """Setting ``path`` from ``current`` to ``value`` makes the scenario feasible."""

    rule: str
    path: str
    current: float
    value: float
    text: str


@dataclass(frozen=True)
class _Knob:
    rule: str
    path: str
    what: str
    current: Fraction
    step: Fraction
    up: bool
    limit: Fraction  # furthest value worth trying
    unit: str = "HTV"


def _knobs(s: Scenario, core: list[str]) -> Iterator[_Knob]:
    g = to_fraction(s.granularity)
    # No single input needs to go beyond this to relax a rule: every office minimum and
    # central service could be paid twice over from it [HTV].
    ceiling = to_fraction(s.total_htv) + sum(
        (to_fraction(o.effective_min_htv) for o in s.offices), Fraction(0)) + sum(
        (to_fraction(c.htv) for c in s.central_services if c.htv is not None), Fraction(0))
    office_index = {o.name: i for i, o in enumerate(s.offices)}
    line_index = {ln.name: i for i, ln in enumerate(s.service_lines)}
    central_index = {c.name: i for i, c in enumerate(s.central_services)}
    for name in core:
        rule, key = rule_of(name), key_of(name)
        if rule == "budget":
            total = to_fraction(s.total_htv)
            yield _Knob(name, "total_htv", "total_htv", total, g, True, 2 * total + ceiling)
            yield _Knob(name, "total_htv", "total_htv", total, g, False, g)
        elif rule == "office_min" and key in office_index:
            i = office_index[key]
            current = to_fraction(s.offices[i].effective_min_htv)
            yield _Knob(name, f"offices[{i}].min_htv", f"the minimum of {key}", current, g, False,
                        Fraction(0))
        elif rule == "office_max" and key in office_index:
            i = office_index[key]
            current = to_fraction(s.offices[i].max_htv or 0)
            yield _Knob(name, f"offices[{i}].max_htv", f"the maximum of {key}", current, g, True,
                        ceiling)
        elif rule == "line_share" and key in line_index:
            i = line_index[key]
            line = s.service_lines[i]
            yield _Knob(name, f"service_lines[{i}].tolerance", f"the tolerance of {key}",
                        to_fraction(line.tolerance), Fraction(1, 1000), True, Fraction(1), "")
        elif rule == "central_at_lead" and key in central_index:
            i = central_index[key]
            c = s.central_services[i]
            if c.htv is not None:
                yield _Knob(name, f"central_services[{i}].htv", f"central service {key}",
                            to_fraction(c.htv), g, False, Fraction(0))
            elif c.driven_by is not None:
                yield _Knob(name, f"central_services[{i}].driven_by.persons_per_htv",
                            f"persons per HTV of central service {key}",
                            to_fraction(c.driven_by.persons_per_htv), Fraction(1), True,
                            100 * to_fraction(c.driven_by.persons_per_htv), "persons")
        elif rule == "continuity" and s.continuity is not None:
            cap = s.continuity.max_change_htv
            if cap is not None:
                yield _Knob(name, "continuity.max_change_htv", "max_change_htv",
                            to_fraction(cap), g, True, ceiling)


def _search(knob: _Knob, feasible: Callable[[Fraction], bool | None]) -> Fraction | None:
    """The value closest to ``knob.current`` (in its direction) that is feasible."""
    sign = 1 if knob.up else -1
    checks = 0

    def at(steps: int) -> Fraction:
        value = knob.current + sign * steps * knob.step
        return min(value, knob.limit) if knob.up else max(value, knob.limit)

    lo, hi = 0, 1  # steps: lo infeasible, hi to be found feasible
    while True:
        checks += 1
        if checks > MAX_CHECKS:
            return None
        ok = feasible(at(hi))
        if ok:
            break
        if at(hi) == knob.limit:
            return None
        lo, hi = hi, hi * 2
    while hi - lo > 1 and checks < MAX_CHECKS:
        mid = (lo + hi) // 2
        checks += 1
        if feasible(at(mid)):
            hi = mid
        else:
            lo = mid
    return at(hi) if hi - lo == 1 else None


def find_repairs(s: Scenario, core: list[str], settings: SolveSettings) -> list[Repair]:
    """For each rule in ``core``, the smallest single-field change that restores feasibility."""
    from allocator.engine.pipeline import scenario_feasible

    out: list[Repair] = []
    seen: set[tuple[str, bool]] = set()
    for knob in _knobs(s, core):
        if (knob.path, knob.up) in seen:
            continue
        seen.add((knob.path, knob.up))

        def feasible(value: Fraction, knob: _Knob = knob) -> bool | None:
            try:
                variant = s.with_changes({knob.path: float(value)})
            except ScenarioError:
                return False
            return scenario_feasible(variant, settings)

        value = _search(knob, feasible)
        if value is None:
            continue
        verb = "raise" if knob.up else "lower"
        digits = {"": 3, "persons": 0}.get(knob.unit, 2)
        unit = f" {knob.unit}" if knob.unit else ""
        out.append(Repair(knob.rule, knob.path, float(knob.current), float(value),
                          f"{verb} {knob.what} from {float(knob.current):.{digits}f} to "
                          f"{float(value):.{digits}f}{unit}"))
    return out
