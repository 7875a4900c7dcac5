"""Every analysis the board pack shows, run once and returned as typed results.

:func:`analyse_pack` allocates every scenario, explains the base, chooses the robust
allocation, builds the comparison frames and runs the base's tornado, Monte Carlo and
sweep, in that order and timed by part. The pack (allocator.reports.board_pack) then only
formats what it gets, so the numbers it shows can be checked, or used, without the HTML.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from allocator.analysis.compare import (
    caseload_per_htv,
    compare,
    comparison_footer,
    costs_by_scenario,
    line_shares,
    scenario_labels,
)
from allocator.analysis.decision import Change, Figures, changes, figures
from allocator.analysis.paradox import LEVELS, kind_of, summarise
from allocator.analysis.robust import (
    Solved,
    robust_allocate,
    structure_differences,
    structure_values,
)
from allocator.analysis.sensitivity import (
    RunOptions,
    input_at,
    monte_carlo,
    parse_param,
    parse_uncertainty,
    stability,
    tornado,
)
from allocator.analysis.sweep import sweep_with_paradoxes
from allocator.engine.explain import explain
from allocator.engine.manifest import scenario_sha256
from allocator.engine.pipeline import allocate, settings_for
from allocator.errors import Problem, ScenarioError
from allocator.forked import made_ahead

if TYPE_CHECKING:
    import pandas as pd

    from allocator.analysis.robust import RobustResult
    from allocator.engine.explain import Explanation
    from allocator.engine.result import Result, Status
    from allocator.scenario.schema import Scenario

#: Monte Carlo draws by default: enough for a box plot and a stability share to the nearest
#: few per cent, and about a second on the base case.
DEFAULT_RUNS = 50
#: Languages the pack is written in (the keys of allocator.reports.board_pack.text.PACK_TEXT).
LANGUAGES = ("en", "fi")

_T = TypeVar("_T")
_M = TypeVar("_M")
#: The base's sensitivity analyses, timed under these names.
ANALYSES = ("tornado", "monte_carlo", "sweep")


@dataclass(frozen=True)
class PackOptions:
    """What the pack shows and how its analyses run; none of it changes an allocation.

    ``runs``, ``seed``, ``model`` and ``threshold`` [HTV] are the Monte Carlo's (see
    allocator.analysis.sensitivity.monte_carlo); ``sweep`` is one ``path=start:stop:step`` (None:
    :func:`default_sweep`); ``change`` is the tornado's relative move (0.1 = ±10 %) and
    ``top`` the inputs shown per area; ``executor`` and ``processes`` run the analyses'
    solves; ``lang`` is the pack's language and ``dpi`` the charts' resolution [pixels per
    inch].
    """

    lang: str = "en"
    runs: int = DEFAULT_RUNS
    seed: int = 0
    model: str = "poisson"
    threshold: float = 0.1
    sweep: str | None = None
    change: float = 0.10
    top: int = 8
    executor: str = "local"
    processes: int | None = None
    dpi: int = 150


# --- the sweep ----------------------------------------------------------------------------

def _nice_step(span: float) -> float:
    """The smallest of 1, 2, 5, 10, 20, 50, … that cuts ``span`` into at most 10 steps."""
    step = 1.0
    while span / step > 10:
        for factor in (2, 2.5, 2):  # 1 -> 2 -> 5 -> 10
            step *= factor
            if span / step <= 10:
                break
    return step


def default_sweep(s: Scenario) -> str:
    """total_htv from about 12 % below to 10 % above the scenario's, in whole steps.

    The range covers the budgets a board asks about when the transferring staff is not yet
    settled (the base case's 30.0 and 35.0 HTV scenarios lie inside it): 28:36:1 for 32.66.
    """
    total = float(s.total_htv)
    step = _nice_step(total * 0.22)
    # Rounded first, so that binary noise (200 × 1.1 = 220.00000000000003) adds no step.
    start = math.floor(round(total * 0.88 / step, 9)) * step
    stop = math.ceil(round(total * 1.10 / step, 9)) * step
    return f"total_htv={start:g}:{stop:g}:{step:g}"


def sweep_param(s: Scenario, options: PackOptions) -> tuple[str, list[float]]:
    """The pack's sweep as (path, values); ScenarioError naming ``--sweep`` if it is not valid."""
    spec = options.sweep or default_sweep(s)
    path, values = parse_param(spec)
    input_at(s, path, "--sweep", need_value=False)
    return path, values


def check_options(s: Scenario, options: PackOptions) -> None:
    """Raise ScenarioError for options that cannot work on the base ``s`` (before solving)."""
    if options.lang not in LANGUAGES:
        raise ScenarioError([Problem("", f"unknown language '{options.lang}' (known: "
                                         f"{', '.join(LANGUAGES)})", "--lang")])
    if options.runs < 1:
        raise ScenarioError([Problem("", "must be at least 1", "--runs")])
    parse_uncertainty(options.model)
    try:
        sweep_param(s, options)
    except ScenarioError as exc:
        raise ScenarioError([replace(p, source="--sweep") for p in exc.problems]) from None


# --- the robust selection -------------------------------------------------------------------

#: Why a scenario was left out of the robust allocation: it has another structure than the
#: base, no allocation of its own, rules that cannot hold together with those already
#: included, or rules the robust allocation would break.
SkipKind = Literal["structure", "no_allocation", "rules", "broken"]


@dataclass(frozen=True)
class StructureDifference:
    """A structural field in which a scenario differs from the base, both values as shown."""

    field: str
    value: str
    base: str


@dataclass(frozen=True)
class Skipped:
    """A scenario left out of the robust allocation, with the facts of why.

    ``differences`` are filled for kind 'structure'; ``why`` (the conflicts' messages) and
    ``status`` (the robust solve's, for when there are no messages) for 'rules'; ``rules``
    (the broken rules' labels, sorted) for 'broken'.
    """

    kind: SkipKind
    label: str
    differences: tuple[StructureDifference, ...] = ()
    why: tuple[str, ...] = ()
    status: Status | None = None
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class RobustChoice:
    """The robust allocation over the scenarios that can join the base.

    ``result`` is None when the base has no allocation; ``included`` are positions in the
    pack's scenarios (the base, 0, first); ``skipped`` the others, in file order.
    """

    result: RobustResult | None
    included: tuple[int, ...]
    skipped: tuple[Skipped, ...]


def robust_choice(results: Sequence[Result], labels: Sequence[str]) -> RobustChoice:
    """The robust allocation over the scenarios that can join the base, in file order.

    A scenario joins when it has the base's structure, an allocation of its own, and
    rules that can hold together with those already included; each one left out is
    named with the reason. Taking them in order keeps the choice deterministic.
    """
    base = results[0]
    if base.allocation is None:
        return RobustChoice(None, (), ())
    source = [r.source or label for r, label in zip(results, labels, strict=True)]
    base_values = structure_values(base.scenario)
    included = [0]
    skipped: list[Skipped] = []
    chosen: RobustResult | None = None
    # Each trial allocates its scenarios on their own again; the given results are those
    # allocations when a scenario keeps its central services' sizes in the set. The others
    # are proven by the network-flow certificate where it covers them, as in the other
    # analyses, and the regret frame says which proof each own optimum has.
    solved: Solved = {(scenario_sha256(r.scenario), r.source, None): r
                      for r in results if r.source is not None}
    for k in range(1, len(results)):
        r, label = results[k], labels[k]
        problems = structure_differences([base.scenario, r.scenario], [source[0], source[k]])
        if problems:
            values = structure_values(r.scenario)
            skipped.append(Skipped("structure", label, differences=tuple(
                StructureDifference(p.path, values.get(p.path, "–"), base_values.get(p.path, "–"))
                for p in problems)))
            continue
        if r.allocation is None:
            skipped.append(Skipped("no_allocation", label))
            continue
        trial = robust_allocate([results[i].scenario for i in [*included, k]],
                                [source[i] for i in [*included, k]], solved=solved,
                                certify=True)
        if trial.allocation is None:
            skipped.append(Skipped("rules", label, why=tuple(c.message for c in trial.conflicts),
                                   status=trial.status))
            continue
        if not trial.verified:
            broken = sorted({v.rule for check in trial.verifications for v in check.violations})
            skipped.append(Skipped("broken", label, rules=tuple(broken)))
            continue
        included.append(k)
        chosen = trial
    if chosen is None:
        chosen = robust_allocate([base.scenario], [source[0]], solved=solved, certify=True)
    return RobustChoice(chosen, tuple(included), tuple(skipped))


# --- everything the pack shows --------------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """The scenarios side by side (allocator.analysis.compare's frames).

    ``frame`` is compare's HTV per scenario, area and line; ``caseload`` caseload_per_htv's
    ratios; ``shares`` and ``footer`` (the charts' reproducibility line) are None when no
    scenario has an allocation, as there is nothing to chart; ``costs`` is
    costs_by_scenario's cost per scenario and municipality (no rows without costs).
    """

    frame: pd.DataFrame
    caseload: pd.DataFrame
    shares: pd.DataFrame | None
    footer: str | None
    costs: pd.DataFrame


@dataclass(frozen=True)
class SweepParadoxes:
    """The Alabama or population paradoxes of the pack's sweep, counted for the board.

    ``kind`` is ``alabama`` (a total_htv sweep), ``population`` (a caseload figure's) or
    None (an input that shows neither); ``steps`` the consecutive pairs of points compared;
    ``counts`` the steps with an event per level (cell, municipality, area); ``largest``
    the event with the largest fall of HTV at the coarsest level with one (a row of
    allocator.analysis.paradox.COLUMNS), None without events; ``events`` every event.
    """

    kind: str | None
    steps: int
    counts: dict[str, int]
    largest: dict[str, Any] | None
    events: pd.DataFrame


def sweep_paradoxes(path: str, events: pd.DataFrame) -> SweepParadoxes:
    """The counts and largest example of one sweep's paradox events."""
    steps = int(events.attrs.get("steps", {}).get(path, 0))
    found = summarise(events, steps)
    counts = {level: 0 for level in LEVELS}
    for s in found:
        counts[s.level] = max(counts[s.level], s.steps)
    coarsest = sorted(found, key=lambda s: LEVELS.index(s.level))
    largest = dict(coarsest[-1].largest) if coarsest else None
    return SweepParadoxes(kind_of(path), steps, counts, largest, events)


@dataclass(frozen=True)
class Sensitivity:
    """The base's sensitivity analyses (allocator.analysis.sensitivity's frames).

    ``stability`` summarises ``draws`` at the options' threshold [HTV]; ``sweep`` is the
    sweep of ``sweep_path`` over ``sweep_values``; ``paradoxes`` counts its Alabama or
    population paradoxes.
    """

    tornado: pd.DataFrame
    draws: pd.DataFrame
    stability: pd.DataFrame
    sweep_path: str
    sweep_values: tuple[float, ...]
    sweep: pd.DataFrame
    paradoxes: SweepParadoxes | None = None


@dataclass(frozen=True)
class PackAnalysis:
    """Everything the board pack shows, before any of it is formatted.

    ``results`` are the scenarios as allocated (the base first) and ``labels`` their unique
    names; ``explanation`` and ``sensitivity`` are None when the base has no allocation;
    ``figures`` is the base's allocation as the decision summary shows it (None without
    one) and ``changes`` what every other scenario changes against it, in order;
    ``timings`` are the seconds each timed part took [s].
    """

    options: PackOptions
    results: list[Result]
    labels: list[str]
    explanation: Explanation | None
    robust: RobustChoice
    comparison: Comparison
    sensitivity: Sensitivity | None
    figures: Figures | None = None
    changes: tuple[Change, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def base(self) -> Result:
        """The base scenario's result (the first)."""
        return self.results[0]


def analyse_pack(scenarios: Sequence[tuple[str, Scenario]],
                 options: PackOptions | None = None,
                 phase: Callable[[str], None] | None = None) -> PackAnalysis:
    """Allocate every scenario (the first is the base) and run the pack's analyses on them
    (see :func:`analyse_pack_and`)."""
    return analyse_pack_and(scenarios, options, phase, _nothing)[0]


def _nothing(base: Result, sensitivity: Sensitivity) -> None:
    """Nothing more to make from the sensitivity analyses."""


def analyse_pack_and(scenarios: Sequence[tuple[str, Scenario]],
                     options: PackOptions | None,
                     phase: Callable[[str], None] | None,
                     then: Callable[[Result, Sensitivity], _M]) -> tuple[PackAnalysis, _M | None]:
    """Allocate every scenario (the first is the base) and run the pack's analyses on them.

    ``scenarios`` are (source file, Scenario) pairs, as loaded. Scenarios without an
    allocation do not raise. Raises ValueError without scenarios and ScenarioError when the
    options cannot work on the base (see :func:`check_options`). The timings hold
    "allocate", "explain" (when the base has an allocation), "robust", "tornado",
    "monte_carlo" and "sweep" [s], each the part's own time: with the sequential
    executor the last three run in a forked process once the base is allocated, beside the
    other allocations, "explain" and "robust", so their times overlap those. ``phase`` is
    called with each one's name as it starts, for a progress line (with the three named at
    once when they run beside "robust").

    Where the sensitivity analyses run beside the robust choice, ``then`` is called there
    on the base and their results, and what it makes is returned with the analysis (its
    time is timed as "sensitivity charts"); elsewhere, and without them, None is.
    """
    if not scenarios:
        raise ValueError("the board pack needs at least one scenario (the first is the base)")
    o = options or PackOptions()
    check_options(scenarios[0][1], o)
    timings: dict[str, float] = {}

    def run(name: str, work: Callable[[], _T], announce: bool = True) -> _T:
        if phase is not None and announce:
            phase(name.replace("_", " "))
        start = time.perf_counter()
        try:
            return work()
        finally:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - start

    base_file, base_scenario = scenarios[0]
    base = run("allocate", lambda: allocate(base_scenario, settings_for(base_scenario),
                                            source=base_file))

    def analyse_base() -> tuple[Sensitivity | None, dict[str, float], _M | None]:
        """The base's sensitivity analyses, their timings [s] and, beside the robust
        choice, what ``then`` makes of them."""
        if base.allocation is None:
            return None, {}, None
        s = base.scenario
        solve = RunOptions(executor=o.executor, processes=o.processes)
        say = not beside  # beside the robust choice, this process names the three at once
        spread = run("tornado", lambda: tornado(s, o.change, None, solve), say)
        draws = run("monte_carlo", lambda: monte_carlo(s, o.runs, o.model, o.seed, solve),
                    say)
        summary = stability(draws, o.threshold)
        path, values = sweep_param(s, o)
        points, events = run("sweep", lambda: sweep_with_paradoxes(s, [(path, values)], True,
                                                                   solve), say)
        done = Sensitivity(spread, draws, summary, path, tuple(values), points,
                           sweep_paradoxes(path, events))
        made = run("sensitivity charts", lambda: then(base, done), False) if beside else None
        timed = (*ANALYSES, "sensitivity charts") if beside else ANALYSES
        return done, {k: timings[k] for k in timed}, made

    # Solved one by one, the sensitivity analyses run in a forked process beside the other
    # scenarios' allocations, the explanation and the robust choice (allocator.forked):
    # they need only the base, and nothing reads them until the end. A pool of processes
    # has the cores already, and runs after the robust choice.
    beside = frozenset({"sensitivity"} if o.executor == "sequential" else ())
    with made_ahead({"sensitivity": analyse_base}, beside) as made:
        results = [base, *run("allocate", lambda: [allocate(s, settings_for(s), source=f)
                                                   for f, s in scenarios[1:]], False)]
        labels = scenario_labels(results)
        explanation = (run("explain", lambda: explain(base, settings_for(base.scenario)))
                       if base.allocation is not None else None)
        choice = run("robust", lambda: robust_choice(results, labels))
        frame = compare(results, labels)
        caseload = caseload_per_htv(results, labels)
        shares = footer = None
        if any(r.allocation is not None for r in results):
            footer = comparison_footer(results, labels)
            shares = line_shares(results, labels)
        comparison = Comparison(frame, caseload, shares, footer,
                                costs_by_scenario(results, labels))
        if beside and phase is not None and base.allocation is not None:
            phase("tornado, monte carlo, sweep")
        sensitivity, base_timings, drawn = made["sensitivity"]()
    timings.update(base_timings)
    return PackAnalysis(o, results, labels, explanation, choice, comparison, sensitivity,
                        figures(base), changes(results, labels), timings), drawn


__all__ = ["DEFAULT_RUNS", "LANGUAGES", "Comparison", "PackAnalysis", "PackOptions",
           "RobustChoice", "Sensitivity", "SkipKind", "Skipped", "StructureDifference",
           "SweepParadoxes", "analyse_pack", "analyse_pack_and", "check_options",
           "default_sweep", "robust_choice", "sweep_paradoxes", "sweep_param"]
