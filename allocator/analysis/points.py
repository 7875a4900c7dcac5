"""One changed scenario solved as every analysis solves it, and many of them run as jobs.

Every analysis re-solves changed copies of one scenario (``Scenario.with_changes`` with
dotted paths) through the one-scenario flow, with one CP-SAT worker each, and keeps a
:class:`Point` per copy: its status and each area's *customer-service* HTV (central
services are set by the scenario, not by the caseload split). A changed scenario that no
longer validates or whose rules conflict is a point with status ``INVALID`` or
``INFEASIBLE`` and a message, never an exception. Solves run through
:func:`allocator.analysis.executor.map_jobs`; a job's result does not depend on the
process that runs it, so a pool returns exactly what a sequential run returns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from ortools import __version__ as ortools_version  # type: ignore[attr-defined]

from allocator._version import __version__
from allocator.analysis.executor import map_jobs
from allocator.engine.manifest import scenario_sha256
from allocator.engine.pipeline import allocate
from allocator.engine.result import Result
from allocator.engine.solve import SolveSettings
from allocator.engine.types import PROOF_FLOW, Allocation, Status
from allocator.errors import InfeasibleError, Problem, ScenarioError
from allocator.scenario.arithmetic import exact_sum, over_one_denominator, weights_over
from allocator.scenario.schema import Scenario

#: Points solved one after another in one job; a job passes each point's allocation to
#: the next as a hint. A point takes a few milliseconds, so a job of this many takes about
#: a tenth of a second: sending it costs little beside it. Fixed, so results never depend
#: on the number of processes (nor, as hints never change a result, on this number).
CHAIN = 25
#: Whether each analysis seeds its solves with a neighbouring allocation by default. Measured
#: on the base case (benchmarks/sensitivity.py): hints from a close neighbour (the previous
#: sweep or scan point, or the base for a one-input tornado change) made the analyses
#: about 20 % faster; the base allocation as a hint for a Monte Carlo draw, which moves
#: every count at once, made it about 10 % slower. Hints never change the results.
HINTS = {"sweep": True, "tornado": True, "tipping": True, "monte_carlo": False}
#: Status of a changed scenario that does not validate (see allocator.engine.types.Status).
INVALID = "INVALID"


@dataclass(frozen=True)
class RunOptions:
    """How an analysis's solves are run; never changes what they return.

    ``executor``: ``local`` (process pool), ``sequential`` or ``dask`` (an existing cluster
    whose scheduler address is ``scheduler``); ``processes``: pool size (default one per
    core); ``hints``: seed each solve with a neighbouring allocation
    (None: the analysis's default, see :data:`HINTS`); ``time_limit``: deterministic time
    per solve [CP-SAT deterministic s] (default the scenario's); ``progress``: called with
    the number of solves just finished; ``phase``: called with what the analysis does
    before its solves ('' when they run), for a progress line.
    """

    executor: str = "local"
    processes: int | None = None
    scheduler: str | None = None
    hints: bool | None = None
    time_limit: float | None = None
    progress: Callable[[int], None] | None = field(default=None, compare=False)
    phase: Callable[[str], None] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Point:
    """One changed scenario, solved: status and each area's customer-service HTV.

    ``area_htv`` [HTV, exact] is empty without an allocation; deviations [HTV] are the
    independent verifier's; ``allocation`` travels along for hints. ``cells`` holds what
    paradox detection (allocator.analysis.paradox) compares between points: per
    (municipality, line) cell its HTV, exact target [HTV] and demand [weighted persons].
    ``costs`` is what each municipality pays [EUR/year, to the cent] when the scenario
    gives costs (allocator.engine.costs), else None. ``proof`` says what shows an OPTIMAL
    point optimal (allocator.engine.types.PROOF_CPSAT or PROOF_FLOW; empty otherwise).
    """

    status: str
    area_htv: dict[str, Fraction] = field(default_factory=dict)
    max_deviation: Fraction | None = None
    total_deviation: Fraction | None = None
    verified: bool = False
    message: str = ""
    allocation: Allocation | None = None
    cells: Cells | None = None
    costs: dict[str, Fraction] | None = None
    proof: str = ""

    @property
    def ok(self) -> bool:
        """True when the point has an allocation."""
        return bool(self.area_htv)

    @classmethod
    def of(cls, r: Result) -> Point:
        """The point of an allocated variant: its status, each area's HTV and the verdict."""
        if r.allocation is None:
            why = (r.conflicts[0].message if r.conflicts
                   else "the rules cannot all hold" if r.status == Status.INFEASIBLE
                   else "no allocation within the time limit")
            return cls(str(r.status), message=why)
        v = r.verification
        assert v is not None
        s = r.scenario
        costs = r.costs()
        return cls(str(r.status), r.allocation.area_htv(s.area_of(), (a.name for a in s.areas)),
                   v.max_deviation, v.total_deviation, v.passed,
                   "; ".join(str(x) for x in v.violations), r.allocation, Cells.of(r),
                   None if costs is None else {row.municipality: Fraction(row.total_cents, 100)
                                               for row in costs.rows},
                   r.solver.proof if r.status == Status.OPTIMAL else "")


@dataclass(frozen=True)
class Cells:
    """Per (municipality, line) cell of one allocated variant: units, target and demand.

    ``units`` [units] and ``target`` [1/q units: q × the exact target, whole] are customer
    service only (central services are set by the scenario), so an item's HTV is its
    units × ``granularity`` and its target its whole sum / ``q`` × ``granularity`` [HTV],
    summed and compared in whole numbers; ``demand`` is the line's weighted caseload of
    the municipality [weighted persons]; ``area_of`` names each municipality's area;
    ``total_htv`` [HTV] is the variant's budget. Small enough to travel between processes
    with each point.
    """

    units: dict[tuple[str, str], int]
    target: dict[tuple[str, str], int]
    q: int
    granularity: Fraction
    demand: dict[tuple[str, str], float]
    area_of: dict[str, str]
    total_htv: Fraction

    @classmethod
    def of(cls, r: Result) -> Cells:
        """The cells of an allocated result (zero units for a cell the allocation omits)."""
        assert r.allocation is not None
        d = r.data
        given = r.allocation.cell_units()
        q, whole = d.target_whole
        return cls({c: given.get(c, 0) for c in d.cells}, dict(whole), q, d.granularity,
                   _demand(d.features, d.weights, d.municipalities), dict(d.area_of),
                   d.total_units * d.granularity)


def _demand(features: Mapping[str, Mapping[str, Fraction]],
            weights: Mapping[str, Mapping[str, Fraction]], munis: Sequence[str]
            ) -> dict[tuple[str, str], float]:
    """Each (municipality, line)'s weighted caseload, sum of weight × feature [weighted
    persons], exact until its one rounding to a float (a missing feature counts 0)."""
    zero = Fraction(0)
    weighed = dict.fromkeys(f for line in weights.values() for f in line)
    columns = {f: over_one_denominator({m: features.get(f, {}).get(m, zero) for m in munis})
               for f in weighed}
    out: dict[tuple[str, str], float] = {}
    for ln, line in weights.items():
        # w_f × v_f(m) = w_f × whole_f(m) / q_f = k_f × whole_f(m) / common, k_f whole.
        common, k = weights_over(line, {f: columns[f][0] for f in line})
        for m in munis:
            out[(m, ln)] = sum(k[f] * columns[f][1][m] for f in k) / common
    return out


def evaluate(scenario: Scenario, changes: Mapping[str, Any] | None = None,
             hint: Allocation | None = None, time_limit: float | None = None) -> Point:
    """Solve ``scenario`` with ``changes`` (dotted paths) applied, with one CP-SAT worker,
    through the one-scenario flow (allocator.engine.pipeline.allocate). Where network flows
    certify the optimum exactly, no CP-SAT solve runs and the point says so (``proof``).

    Invalid changes and conflicting rules come back as a Point with that status.
    """
    try:
        variant = scenario.with_changes(dict(changes)) if changes else scenario
    except ScenarioError as exc:
        return Point(INVALID, message="; ".join(_problem_text(p) for p in exc.problems))
    settings = SolveSettings(time_limit=time_limit or variant.solver.time_limit, workers=1,
                             detect_ties=False, repairs=False, explain_conflicts=False,
                             flow_certificate=True)
    return Point.of(allocate(variant, settings, hint=hint))


def _problem_text(p: Problem) -> str:
    return f"{p.path}: {p.message}" if p.path else p.message


@dataclass(frozen=True)
class _Chain:
    """Points solved in order; ``hint`` seeds the first, each result seeds the next."""

    scenario: Scenario
    changes: tuple[dict[str, Any], ...]
    hint: Allocation | None
    chained: bool
    time_limit: float | None


def _run_chain(job: _Chain) -> list[Point]:
    out = []
    hint = job.hint
    for changes in job.changes:
        point = evaluate(job.scenario, changes, hint, job.time_limit)
        if job.chained and point.allocation is not None:
            hint = point.allocation
        out.append(replace(point, allocation=None))
    return out


def solve_all(scenario: Scenario, groups: Sequence[Sequence[dict[str, Any]]], base: Point | None,
               options: RunOptions, chained: bool) -> list[list[Point]]:
    """Each group of changes solved as chains of at most CHAIN points, in order."""
    assert options.hints is not None, "resolve the analysis's default first"
    hint = base.allocation if base is not None and options.hints else None
    jobs: list[_Chain] = []
    owners: list[int] = []
    for g, group in enumerate(groups):
        for start in range(0, len(group), CHAIN):
            jobs.append(_Chain(scenario, tuple(group[start:start + CHAIN]), hint,
                               chained and options.hints, options.time_limit))
            owners.append(g)
    progress = options.progress
    on_done = (lambda r: progress(len(r))) if progress is not None else None
    done = map_jobs(_run_chain, jobs, options.executor, options.processes, on_done,
                    scheduler=options.scheduler, on_phase=options.phase)
    out: list[list[Point]] = [[] for _ in groups]
    for g, points in zip(owners, done, strict=True):
        out[g].extend(points)
    return out


def resolved(options: RunOptions | None, analysis: str) -> RunOptions:
    """``options`` with hints set to the analysis's default where not given."""
    options = options or RunOptions()
    return options if options.hints is not None else replace(options, hints=HINTS[analysis])


def solve_base(scenario: Scenario, options: RunOptions | None = None) -> Point:
    """The unchanged scenario, solved as every analysis solves its points."""
    options = options or RunOptions()
    if options.phase is not None:
        options.phase("the base case")
    return evaluate(scenario, None, None, options.time_limit)


def require_allocation(base: Point, scenario: Scenario) -> Point:
    """``base``, or InfeasibleError when the unchanged scenario has no allocation."""
    if not base.ok:
        raise InfeasibleError(f"the scenario '{scenario.name}' has no allocation "
                              f"({base.status}): {base.message}")
    return base


def footer(s: Scenario, detail: str, time_limit: float | None,
           proofs: Iterable[str] = ()) -> str:
    """The reproducibility line of an analysis's charts: versions, the scenario's hash, what
    was run, the solver's limit and what shows the optima optimal (``proofs``: each solved
    point's :attr:`Point.proof`)."""
    limit = time_limit or s.solver.time_limit
    counts = Counter(p for p in proofs if p)
    shown = " · ".join(f"{how} ×{n}" for how, n in
                       sorted(counts.items(), key=lambda kv: (kv[0] != PROOF_FLOW, kv[0])))
    return (f"allocator {__version__} · OR-Tools {ortools_version} · scenario '{s.name}' "
            f"sha256:{scenario_sha256(s)[:12]} · {detail} · deterministic time limit "
            f"{limit:g} s per solve, 1 CP-SAT worker" + (f" · {shown}" if shown else ""))


def cost_columns(scenario: Scenario, point: Point) -> dict[str, float]:
    """A point's cost per municipality as frame columns ``cost_eur:<municipality>`` and
    ``cost_eur:total`` [EUR/year]; NaN without an allocation; no columns when the scenario
    gives no costs."""
    if scenario.costs is None:
        return {}
    costs = point.costs or {}
    out = {f"cost_eur:{m}": as_float(costs.get(m)) for m in scenario.municipality_names}
    out["cost_eur:total"] = (as_float(exact_sum(costs.values())) if costs
                             else float("nan"))
    return out


def as_float(value: Fraction | None) -> float:
    """An exact amount as a float; NaN for a missing one."""
    return float("nan") if value is None else float(value)
