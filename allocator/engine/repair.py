"""The smallest change of one input that makes conflicting rules hold again.

For each rule label in a conflict, the rule's levers (allocator.engine.rules: total_htv for
the budget, an office's min_htv or max_htv, a line's tolerance, a central service's size,
the continuity cap) are moved in the direction that relaxes the rule, and the smallest
sufficient change is found by bisection over feasibility checks of scenario variants.
The check is given by the caller (the one-scenario flow), so this module needs no solver.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

from allocator.engine.rules import rule_named
from allocator.engine.rules.base import Lever, key_of, rule_of
from allocator.engine.types import Repair
from allocator.errors import ScenarioError
from allocator.scenario.schema import Scenario

#: Feasibility checks allowed per knob (exponential search plus bisection).
MAX_CHECKS = 40

#: Whether a scenario's rules can all hold: True, False, or None when undecided in time.
Feasible = Callable[[Scenario], bool | None]


@dataclass(frozen=True)
class _Knob:
    """One lever of one conflicting label, moved one way."""

    label: str
    lever: Lever
    up: bool
    limit: Fraction


def _knobs(s: Scenario, core: Sequence[str]) -> Iterator[_Knob]:
    """The levers of each label in ``core``, in the core's order, each way that relaxes it."""
    for name in core:
        key = key_of(name)
        for lever in rule_named(rule_of(name)).levers(s):
            if lever.key is None or lever.key == key:
                for direction in lever.repair:
                    yield _Knob(name, lever, direction.up, direction.limit)


def _search(knob: _Knob, feasible: Callable[[Fraction], bool | None]) -> Fraction | None:
    """The value closest to the lever's current value, in the knob's direction, that is
    feasible; None if none is found within the limit or the checks allowed."""
    sign = 1 if knob.up else -1
    checks = 0
    current, step = knob.lever.value, knob.lever.step

    def at(steps: int) -> Fraction:
        value = current + sign * steps * step
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


def find_repairs(s: Scenario, core: Sequence[str], feasible: Feasible) -> list[Repair]:
    """For each rule in ``core``, the smallest single-field change that restores feasibility.

    ``feasible`` decides whether a changed scenario's rules can all hold.
    """
    out: list[Repair] = []
    seen: set[tuple[str, bool]] = set()
    for knob in _knobs(s, core):
        path = knob.lever.path()
        if (path, knob.up) in seen:
            continue
        seen.add((path, knob.up))

        def holds(value: Fraction, path: str = path) -> bool | None:
            try:
                variant = s.with_changes({path: float(value)})
            except ScenarioError:
                return False
            return feasible(variant)

        value = _search(knob, holds)
        if value is None:
            continue
        lever = knob.lever
        verb = "raise" if knob.up else "lower"
        digits = {"": 3, "persons": 0}.get(lever.unit, 2)
        unit = f" {lever.unit}" if lever.unit else ""
        out.append(Repair(knob.label, path, float(lever.value), float(value),
                          f"{verb} {lever.what} from {float(lever.value):.{digits}f} to "
                          f"{float(value):.{digits}f}{unit}"))
    return out
