"""Why each municipality × line got its value: a waterfall per cell, and what each rule costs.

The waterfall starts from the caseload figures and weights, gives the demand share and the
exact target, then the *rounding* (the optimum with only the budget and the central
services in force), then one step per rule group added in the registry's order
(allocator.engine.rules: line shares, office minimums, office maximums, one staffed office
per area, continuity). The change of a cell at each step is attributed to the rule group
added there, so the steps add up to the final value. Each rule says which of its labels
concern a cell and how much room each has left. CP-SAT gives no dual values, so each
rule's cost is measured by re-solving with that one rule relaxed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

import pandas as pd

from allocator.engine.caseload import DEV_SCALE, ModelData
from allocator.engine.diagnose import describe
from allocator.engine.model import build_model
from allocator.engine.result import Result
from allocator.engine.rules import RULES, rule_named
from allocator.engine.rules.base import Usage, rule_of
from allocator.engine.solve import SolveSettings, solve
from allocator.engine.types import Allocation, Tie

#: Rules in force in the rounding step: the definition of the budget and central services.
ROUNDING_RULES = tuple(rule.name for rule in RULES if rule.in_rounding)
#: Rule groups in the order the waterfall adds them after the rounding step.
WATERFALL_ORDER = tuple(rule.name for rule in RULES if not rule.in_rounding)


@dataclass(frozen=True)
class Adjustment:
    """A step of a cell's waterfall caused by one rule group [HTV]."""

    rule: str
    htv: Fraction
    detail: str


@dataclass(frozen=True)
class CellStory:
    """The waterfall of one municipality × line cell; all amounts [HTV]."""

    municipality: str
    area: str
    line: str
    inputs: tuple[tuple[str, Fraction, Fraction, Fraction], ...]
    """(feature, the municipality's value, the area-wide total, normalised weight)."""
    demand_share: Fraction
    line_htv: Fraction
    target: Fraction
    rounded: Fraction
    adjustments: tuple[Adjustment, ...]
    final: Fraction


@dataclass(frozen=True)
class RuleEffect:
    """One rule label at the optimum: whether it is tight, and what it costs.

    Costs are how much the largest and the total cell deviation would fall if this rule
    alone were relaxed [HTV]; a rule binds when either is positive.
    """

    rule: str
    description: str
    tight: bool
    cost_max: Fraction
    cost_total: Fraction

    @property
    def binds(self) -> bool:
        """True when relaxing the rule would let the allocation get closer to the targets."""
        return self.cost_max > 0 or self.cost_total > 0


@dataclass(frozen=True)
class Explanation:
    """The explanation of a result: cell waterfalls, rule effects and any broken tie."""

    cells: tuple[CellStory, ...]
    rules: tuple[RuleEffect, ...]
    tie: Tie | None
    steps: tuple[str, ...]

    @property
    def binding(self) -> list[RuleEffect]:
        """Rules that cost deviation, most expensive first."""
        return sorted((r for r in self.rules if r.binds),
                      key=lambda r: (-r.cost_max, -r.cost_total, r.rule))

    def waterfall_frame(self) -> pd.DataFrame:
        """One row per municipality × line: target, rounded, one column per step, final [HTV]."""
        rows = []
        for c in self.cells:
            row: dict[str, object] = {
                "area": c.area, "municipality": c.municipality, "service_line": c.line,
                "demand_share": float(c.demand_share), "target_htv": float(c.target),
                "rounded_htv": float(c.rounded),
            }
            for step in self.steps:
                row[step] = float(sum((a.htv for a in c.adjustments if a.rule == step),
                                      Fraction(0)))
            row["final_htv"] = float(c.final)
            row["details"] = "; ".join(a.detail for a in c.adjustments)
            rows.append(row)
        return pd.DataFrame(rows)

    def area_frame(self) -> pd.DataFrame:
        """The waterfall rolled up to areas × lines [HTV]."""
        frame = self.waterfall_frame()
        columns = ["target_htv", "rounded_htv", *self.steps, "final_htv"]
        out = frame.groupby(["area", "service_line"], sort=False)[columns].sum().reset_index()
        return out

    def rules_frame(self) -> pd.DataFrame:
        """Every rule label: tight or not, costs [HTV], and whether it binds."""
        return pd.DataFrame([{"rule": r.rule, "tight": r.tight, "binds": r.binds,
                              "cost_max_deviation_htv": float(r.cost_max),
                              "cost_total_deviation_htv": float(r.cost_total),
                              "description": r.description} for r in self.rules])


def _cell_units(allocation: Allocation | None) -> dict[tuple[str, str], int]:
    return allocation.cell_units() if allocation is not None else {}


def slack(d: ModelData, allocation: Allocation) -> dict[str, int]:
    """Units of room left in each rule label at ``allocation`` (0 = tight)."""
    use = Usage.of(d, allocation)
    return {name: room for rule in RULES for name, room in rule.slack(d, use).items()}


def _detail(d: ModelData, rule: str, m: str, line: str, delta: Fraction,
            tight: set[str]) -> str:
    """Which instances of ``rule`` that concern cell (m, line) are tight, in words."""
    names = rule_named(rule).concerns(d, m, line)
    hits = [describe(d, n) for n in names if n in tight]
    sign = "+" if delta > 0 else ""
    if hits:
        return f"{sign}{float(delta):.2f} HTV: {'; '.join(hits)}"
    elsewhere = [describe(d, n) for n in sorted(tight) if rule_of(n) == rule]
    source = "; ".join(elsewhere) if elsewhere else rule
    return f"{sign}{float(delta):.2f} HTV: redistributed, because of {source}"


def explain(result: Result, settings: SolveSettings | None = None) -> Explanation:
    """The explanation of a solved ``result`` (re-solves the model a few times)."""
    if result.allocation is None:
        raise ValueError("only a result with an allocation can be explained")
    d = result.data
    quiet = replace(settings or SolveSettings(), detect_ties=False, repairs=False)
    # The rules' costs are differences of values at the model's scale, so their solves
    # skip the exact total-deviation check (seconds per solve where many allocations lie
    # within rounding of each other); the waterfall keeps it, so its last step is the
    # result's own allocation.
    scaled = replace(quiet, exact_total=False)
    built = build_model(d, explain=True)
    labels = list(built.literals)
    final_units = _cell_units(result.allocation)

    # The waterfall: add rule groups one at a time.
    on = [n for n in labels if rule_of(n) in ROUNDING_RULES]
    snapshots: list[tuple[str, dict[tuple[str, str], int]]] = []
    rounding = solve(built, quiet, rules_on=on)
    snapshots.append(("rounding", _cell_units(rounding.allocation)))
    steps: list[str] = []
    for rule in WATERFALL_ORDER:
        group = [n for n in labels if rule_of(n) == rule]
        if not group:
            continue
        on = on + group
        outcome = solve(built, quiet, rules_on=on)
        snapshots.append((rule, _cell_units(outcome.allocation)))
        steps.append(rule)
    if snapshots[-1][1] != final_units:
        snapshots.append(("tie_break", final_units))
        steps.append("tie_break")

    room = slack(d, result.allocation)
    tight = {n for n, r in room.items() if r == 0}
    g = d.granularity
    cells = []
    for m, line in d.cells:
        weights = d.weights[line]
        wsum = sum((w for f, w in weights.items() if w > 0 and sum(d.features[f].values()) > 0),
                   Fraction(0))
        inputs = tuple((f, d.features[f][m], sum(d.features[f].values(), Fraction(0)),
                        w / wsum if wsum else Fraction(0))
                       for f, w in weights.items() if w > 0)
        adjustments = []
        prev = snapshots[0][1].get((m, line), 0)
        for step, snap in snapshots[1:]:
            now = snap.get((m, line), 0)
            if now != prev:
                delta = (now - prev) * g
                detail = (_detail(d, step, m, line, delta, tight) if step != "tie_break"
                          else f"{float(delta):+.2f} HTV: tie_break among equally good allocations")
                adjustments.append(Adjustment(step, delta, detail))
            prev = now
        cells.append(CellStory(
            municipality=m, area=d.area_of[m], line=line, inputs=inputs,
            demand_share=d.demand_share[(m, line)], line_htv=d.line_target[line] * g,
            target=d.target[(m, line)] * g,
            rounded=snapshots[0][1].get((m, line), 0) * g,
            adjustments=tuple(adjustments), final=final_units.get((m, line), 0) * g,
        ))

    # What each rule costs: re-solve with it relaxed (deviation stages only).
    full = solve(built, scaled, rules_on=labels, last_stage="total_deviation")
    effects = []
    for name in labels:
        if rule_of(name) in ROUNDING_RULES:
            continue
        relaxed = solve(built, scaled, rules_on=[n for n in labels if n != name],
                        last_stage="total_deviation")
        cost_max = _htv(d, full.values.get("max_deviation", 0)
                        - relaxed.values.get("max_deviation", 0))
        cost_total = _htv(d, full.values.get("total_deviation", 0)
                          - relaxed.values.get("total_deviation", 0))
        effects.append(RuleEffect(name, describe(d, name), room.get(name, 1) == 0,
                                  max(cost_max, Fraction(0)), max(cost_total, Fraction(0))))
    return Explanation(tuple(cells), tuple(effects), result.tie, tuple(steps))


def _htv(d: ModelData, scaled: int) -> Fraction:
    """1/DEV_SCALE units -> HTV."""
    return Fraction(scaled, DEV_SCALE) * d.granularity

