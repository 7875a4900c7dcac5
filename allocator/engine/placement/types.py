"""The placement's value types: settings, rows, stages and the verifier's verdict.

Plain frozen dataclasses with no OR-Tools, so that the model, the solver, the independent
verifier and the reports share one definition without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from allocator.engine.types import Violation
from allocator.scenario.roster import DEFAULT_STEP

#: Default most assignments (service lines or central services) one person works in.
DEFAULT_MAX_ASSIGNMENTS = 2


@dataclass(frozen=True)
class PlacementSettings:
    """How people are placed.

    ``step`` is the placement granularity [FTE]; ``max_assignments`` the most service lines
    or central services one person works in; ``within_area`` keeps everybody in the
    responsibility area of today's duty station (each person's candidate offices, which
    keeps a national model small); ``time_limit`` is CP-SAT deterministic time for all
    stages together [s]; ``workers`` CP-SAT search workers (1 keeps every run identical).
    """

    step: Fraction = DEFAULT_STEP
    max_assignments: int = DEFAULT_MAX_ASSIGNMENTS
    within_area: bool = False
    time_limit: float = 60.0
    workers: int = 1
    random_seed: int = 0
    explain_conflicts: bool = True


@dataclass(frozen=True)
class PlacementRow:
    """Part of one person's time on one assignment at their duty station [FTE, exact]."""

    person: str
    office: str
    assignment: str
    fte: Fraction


@dataclass(frozen=True)
class Placement:
    """Every person's duty station and time per assignment, in roster order."""

    rows: tuple[PlacementRow, ...]

    def office_of(self) -> dict[str, str]:
        """Person -> duty station (the office of the person's first row)."""
        out: dict[str, str] = {}
        for r in self.rows:
            out.setdefault(r.person, r.office)
        return out

    def placed(self) -> dict[tuple[str, str], Fraction]:
        """(office, assignment) -> placed time [FTE]."""
        out: dict[tuple[str, str], Fraction] = {}
        for r in self.rows:
            out[(r.office, r.assignment)] = out.get((r.office, r.assignment), Fraction(0)) + r.fte
        return out


@dataclass(frozen=True)
class Objective:
    """The placement's objective terms, as the verifier recomputes them.

    ``max_gap`` and ``total_gap`` [HTV] over every office × assignment, ``moved``
    [persons] placed away from today's duty station, ``commute`` the extra travel of those
    who move [minutes] (None without travel times), ``split`` [persons] working in two or
    more assignments.
    """

    max_gap: Fraction
    total_gap: Fraction
    moved: int
    commute: Fraction | None
    split: int


@dataclass(frozen=True)
class PlacementVerification:
    """The verifier's verdict on a placement and its own recomputation of the objective."""

    violations: list[Violation] = field(default_factory=list)
    objective: Objective | None = None

    @property
    def passed(self) -> bool:
        """True when no placement rule is broken."""
        return not self.violations
