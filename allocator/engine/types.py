"""The engine's value types: what a solve, a check and a diagnosis return.

Plain frozen dataclasses and a ``StrEnum``, with no OR-Tools, pandas or pydantic, so that
the model, the solver, the independent verifier and every report share one definition
without importing each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction


class Status(StrEnum):
    """Outcome of an allocation run (the ``status`` of summary.json)."""

    OPTIMAL = "OPTIMAL"
    """Proven optimal for every objective stage."""
    FEASIBLE = "FEASIBLE"
    """A valid allocation, but the time limit stopped the proof; see the gap."""
    INFEASIBLE = "INFEASIBLE"
    """The rules cannot all hold; see the conflicts."""
    INVALID = "INVALID"
    """The scenario file is not valid."""
    UNKNOWN = "UNKNOWN"
    """The time limit ran out before any allocation was found."""


@dataclass(frozen=True)
class StageFacts:
    """One lexicographic objective stage as the solver ran it.

    ``objective`` and ``bound`` are in the model's integer scale (1/DEV_SCALE units for
    the deviation stages).
    """

    name: str
    status: str
    objective: int | None
    bound: int | None
    wall_time: float
    deterministic_time: float
    workers: int
    term: str | None = None
    """The objective term minimised when it is not the stage's own (a total-deviation stage
    with priced moves minimises ``deviation_and_moves``); None: the stage's own."""


#: What a result says shows it optimal: CP-SAT's proofs of each stage at the model's
#: scale, made exact by allocator.engine.exact's checks (a flow or CP-SAT answers them), or
#: (in analyses only, where the flow covers the scenario) the network-flow certificate of
#: allocator.engine.exact.certify_by_flow, which needs no CP-SAT solve.
PROOF_CPSAT = "proven by CP-SAT"
PROOF_FLOW = "optimal (network-flow certificate)"


@dataclass(frozen=True)
class SolverFacts:
    """What the solver did: versions, parameters and timings [s]."""

    ortools_version: str
    workers: int
    time_limit: float
    random_seed: int
    build_time: float
    solve_time: float
    stages: tuple[StageFacts, ...] = ()
    unproven: str | None = None
    """Why a result whose every stage finished is still not proven optimal (None: it is,
    or a stage itself stopped)."""
    proof: str = PROOF_CPSAT
    """What shows an OPTIMAL result optimal: :data:`PROOF_CPSAT` or :data:`PROOF_FLOW`."""


@dataclass(frozen=True)
class Allocation:
    """An allocation in whole units of the granularity.

    ``cells[(municipality, office, line)]`` and ``central[(service, office)]`` [units];
    zero cells may be omitted.
    """

    granularity: Fraction
    cells: dict[tuple[str, str, str], int]
    central: dict[tuple[str, str], int]

    @property
    def total_units(self) -> int:
        """Everything allocated [units]."""
        return sum(self.cells.values()) + sum(self.central.values())

    def cell_units(self) -> dict[tuple[str, str], int]:
        """Units per (municipality, line) cell, summed over the offices serving it [units]."""
        out: dict[tuple[str, str], int] = {}
        for (m, _, line), units in self.cells.items():
            out[(m, line)] = out.get((m, line), 0) + units
        return out

    def office_units(self) -> dict[str, int]:
        """Customer-service units per office [units]; central services not counted."""
        out: dict[str, int] = {}
        for (_, office, _), units in self.cells.items():
            out[office] = out.get(office, 0) + units
        return out

    def area_units(self, area_of: Mapping[str, str], areas: Iterable[str]) -> dict[str, int]:
        """Customer-service units per responsibility area [units], every area of ``areas``
        present; central services are not counted (they are set by the scenario)."""
        out = dict.fromkeys(areas, 0)
        for (m, _, _), units in self.cells.items():
            out[area_of[m]] += units
        return out

    def area_htv(self, area_of: Mapping[str, str], areas: Iterable[str]) -> dict[str, Fraction]:
        """Customer-service HTV per responsibility area [HTV] (see :meth:`area_units`)."""
        return {area: units * self.granularity
                for area, units in self.area_units(area_of, areas).items()}


@dataclass(frozen=True)
class Conflict:
    """A set of rules that cannot all hold, with the numbers that show why."""

    rules: tuple[str, ...]
    message: str
    fix: str | None = None
    repairs: tuple[Repair, ...] = ()
    """Single changes that each resolve the conflict (allocator.engine.repair)."""


@dataclass(frozen=True)
class Repair:
    """Setting ``path`` from ``current`` to ``value`` makes the scenario feasible."""

    rule: str
    path: str
    current: float
    value: float
    text: str


@dataclass(frozen=True)
class Tie:
    """Another allocation equals the chosen one on every deviation stage.

    ``cells`` are the (municipality, line) cells where the alternative differs; empty when
    it differs only in which office serves a municipality.
    """

    cells: tuple[tuple[str, str], ...]
    offices: bool

    def describe(self) -> str:
        """The tie in words, with how it was broken."""
        if self.cells:
            where = ", ".join(f"{m}/{ln}" for m, ln in self.cells[:6])
            more = f" and {len(self.cells) - 6} more" if len(self.cells) > 6 else ""
            what = f"another allocation is exactly as good but differs in {where}{more}"
        else:
            what = ("another allocation is exactly as good, differing only in which office "
                    "serves a municipality")
        return (f"{what}; the tie was broken by the tie_break rule: serve each municipality "
                "from an office in it where one exists, then prefer cells earlier in file order")


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
