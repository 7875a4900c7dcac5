"""The objective: its terms, the lexicographic order of its stages, and the arithmetic behind
them that the CP-SAT model and the network-flow start share.

Nothing here imports OR-Tools; the model turns these numbers into variables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from allocator.engine.caseload import DEV_SCALE

if TYPE_CHECKING:
    from allocator.engine.caseload import ModelData

Cell = tuple[str, str]

#: Objective terms, by name: what each measures.
OBJECTIVES: dict[str, str] = {
    "max_deviation": "largest absolute deviation of a municipality × line cell from its target",
    "total_deviation": "sum of absolute deviations of all municipality × line cells",
    "deviation_and_moves": (
        "with moves priced (continuity.move_weight > 0): total deviation plus move_weight × HTV "
        "moved from today's staffing, both doubled to stay in whole numbers"
    ),
    "spread": (
        "among those, what binding rules force away from some cells is spread over the others "
        "in proportion to their targets (least sum of squared deviations divided by target)"
    ),
    "tie_break": (
        "among equally good allocations: serve each municipality from an office in it where one "
        "exists, then prefer cells earlier in file order"
    ),
}

#: Objective stages in lexicographic order.
STAGES = ("max_deviation", "total_deviation", "spread", "tie_break")
#: With a price on moving today's staff, deviation and moves are traded first.
PRICED_STAGES = ("total_deviation", "max_deviation", "spread", "tie_break")
#: Scale of the spread weights (1 / target [units]); large enough to separate cells.
SPREAD_WEIGHT = 10**6


def priced(d: ModelData) -> bool:
    """Whether moving today's staff has a price in the objective."""
    return d.continuity is not None and d.continuity.move_weight > 0


def stages_for(d: ModelData) -> tuple[str, ...]:
    """The lexicographic order of the objective stages for scenario ``d``."""
    return PRICED_STAGES if priced(d) else STAGES


def stage_term(d: ModelData, stage: str) -> str:
    """The objective term a stage minimises: its own, except that the total-deviation stage
    of a scenario with priced moves minimises deviation and moves together."""
    return "deviation_and_moves" if stage == "total_deviation" and priced(d) else stage


def cell_range(d: ModelData, cell: Cell, max_deviation: int) -> tuple[int, int]:
    """The units a cell can take when no cell deviates more than ``max_deviation``
    [1/DEV_SCALE units]."""
    t = d.target_scaled(cell)
    lo = max(0, -(-(t - max_deviation) // DEV_SCALE))
    return lo, max(lo, (t + max_deviation) // DEV_SCALE)


def spread_steps(d: ModelData, cell: Cell, lo: int, hi: int) -> list[int]:
    """Marginal costs of the spread objective for a cell from ``lo`` to ``hi`` units."""
    q = d.target[cell] - lo  # target relative to the range's bottom [units]
    weight = SPREAD_WEIGHT // max(1, round(d.target[cell]))
    # weight * (s^2 - 2 q s), s = y - lo: (s - q)^2 * weight up to a constant.
    pull = round(2 * weight * q)
    return [weight * (2 * k + 1) - pull for k in range(hi - lo)]


def tie_break_weights(d: ModelData) -> tuple[dict[tuple[str, str, str], int],
                                                 dict[tuple[str, str], int]]:
    """Weights of the canonical preference among equally good allocations.

    Serving a municipality from an office elsewhere, when it has one of its own, costs more
    than any file-order preference; then earlier (municipality, office, line) rows and
    earlier central-service hosts are preferred. The flow start uses the same weights.
    """
    keys = [(m, o, line) for m, o in d.pairs for line in d.lines]
    hosts = [(c.name, h) for c in d.central for h in c.hosts]
    n = len(keys) + len(hosts) + 1
    local = {m for o in d.offices for m in o.serves if m == o.municipality}
    x = {}
    for rank, (m, o, line) in enumerate(keys):
        away = m in local and d.office(o).municipality != m
        x[(m, o, line)] = n * int(away) + rank + 1
    return x, {key: rank + 1 for rank, key in enumerate(hosts)}
