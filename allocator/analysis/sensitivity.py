"""How the allocation responds to its inputs: sweeps, tornado, tipping points, Monte Carlo.

Every analysis re-solves changed copies of one scenario (``Scenario.with_changes`` with
dotted paths) and returns a tidy DataFrame, one row per changed scenario and area, with
each area's *customer-service* HTV (central services are set by the scenario, not by the
caseload split). Nothing here prints or writes files.

A changed scenario that no longer validates (shares that do not sum to 1, a negative
figure) or whose rules conflict is a row with status ``INVALID`` or ``INFEASIBLE`` and a
message, never an exception. Solves run through :func:`allocator.analysis.executor.map_jobs` with
one CP-SAT worker each; a job's result does not depend on the process that runs it, so a
pool returns exactly what a sequential run returns.

Changing one service line's share with ``rebalance`` (the default) scales the other
lines' shares in proportion to their current shares, so the shares still sum to 1:
40/40/20 with skills at 0.30 becomes 35/35/30.

>>> from allocator.scenario.loading import load_scenario
>>> base = load_scenario("scenarios/base.yaml")
>>> rebalanced_changes(base, {"service_lines.skills.share": 0.3})
{'service_lines.skills.share': 0.3, 'service_lines[0].share': 0.35, 'service_lines[1].share': 0.35}
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from allocator._version import __version__
from allocator.analysis.executor import map_jobs
from allocator.errors import InfeasibleError, Problem, ScenarioError
from allocator.scenario.schema import Scenario, to_fraction
from allocator.scenario.variants import get_path, scenario_data

if TYPE_CHECKING:
    import pandas as pd

    from allocator.engine.result import Allocation

#: Points solved one after another in one job; a job passes each point's allocation to
#: the next as a hint. Fixed, so results never depend on the number of processes.
CHAIN = 8
#: Monte Carlo runs per job.
BLOCK = 5
#: Most points one --param may ask for.
MAX_POINTS = 2000
#: Whether each analysis seeds its solves with a neighbouring allocation by default. Measured
#: on the base case (benchmarks/sensitivity.py): hints from a close neighbour (the previous
#: sweep or scan point, or the base for a one-input tornado change) made the analyses
#: about 20 % faster; the base allocation as a hint for a Monte Carlo draw, which moves
#: every count at once, made it about 10 % slower. Hints never change the results.
HINTS = {"sweep": True, "tornado": True, "tipping": True, "monte_carlo": False}
#: Status of a changed scenario that does not validate (see allocator.engine.result.Status).
INVALID = "INVALID"


# --- running --------------------------------------------------------------------------

@dataclass(frozen=True)
class RunOptions:
    """How an analysis's solves are run; never changes what they return.

    ``executor``: ``local`` (process pool), ``sequential`` or ``dask`` (an existing cluster
    whose scheduler address is ``scheduler``); ``processes``: pool size (default one per
    core); ``hints``: seed each solve with a neighbouring allocation
    (None: the analysis's default, see :data:`HINTS`); ``time_limit``: deterministic time
    per solve [CP-SAT deterministic s] (default the scenario's); ``progress``: called with
    the number of solves just finished.
    """

    executor: str = "local"
    processes: int | None = None
    scheduler: str | None = None
    hints: bool | None = None
    time_limit: float | None = None
    progress: Callable[[int], None] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Point:
    """One changed scenario, solved: status and each area's customer-service HTV.

    ``area_htv`` [HTV, exact] is empty without an allocation; deviations [HTV] are the
    independent verifier's; ``allocation`` travels along for hints.
    """

    status: str
    area_htv: dict[str, Fraction] = field(default_factory=dict)
    max_deviation: Fraction | None = None
    total_deviation: Fraction | None = None
    verified: bool = False
    message: str = ""
    allocation: Allocation | None = None

    @property
    def ok(self) -> bool:
        """True when the point has an allocation."""
        return bool(self.area_htv)


def evaluate(scenario: Scenario, changes: Mapping[str, Any] | None = None,
             hint: Allocation | None = None, time_limit: float | None = None) -> Point:
    """Solve ``scenario`` with ``changes`` (dotted paths) applied, with one CP-SAT worker.

    Invalid changes and conflicting rules come back as a Point with that status.
    """
    from allocator.engine.caseload import prepare
    from allocator.engine.diagnose import prechecks
    from allocator.engine.model import build_model
    from allocator.engine.solve import SolveSettings, solve
    from allocator.engine.verify import check

    try:
        variant = scenario.with_changes(dict(changes)) if changes else scenario
    except ScenarioError as exc:
        return Point(INVALID, message="; ".join(_problem_text(p) for p in exc.problems))
    data = prepare(variant)
    conflicts = prechecks(data)
    if conflicts:
        return Point("INFEASIBLE", message=conflicts[0].message)
    settings = SolveSettings(time_limit=time_limit or variant.solver.time_limit, workers=1,
                             detect_ties=False)
    outcome = solve(build_model(data), settings, hint=hint)
    if outcome.allocation is None:
        why = ("the rules cannot all hold" if outcome.status == "INFEASIBLE"
               else "no allocation within the time limit")
        return Point(str(outcome.status), message=why)
    verification = check(variant, outcome.allocation)
    area_of = variant.area_of()
    area_htv = {a.name: Fraction(0) for a in variant.areas}
    for (m, _, _), units in outcome.allocation.cells.items():
        area_htv[area_of[m]] += units * outcome.allocation.granularity
    return Point(str(outcome.status), area_htv, verification.max_deviation,
                 verification.total_deviation, verification.passed,
                 "; ".join(str(v) for v in verification.violations), outcome.allocation)


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


def _solve_all(scenario: Scenario, groups: Sequence[Sequence[dict[str, Any]]], base: Point | None,
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
                    scheduler=options.scheduler)
    out: list[list[Point]] = [[] for _ in groups]
    for g, points in zip(owners, done, strict=True):
        out[g].extend(points)
    return out


def _resolved(options: RunOptions | None, analysis: str) -> RunOptions:
    """``options`` with hints set to the analysis's default where not given."""
    options = options or RunOptions()
    return options if options.hints is not None else replace(options, hints=HINTS[analysis])


def solve_base(scenario: Scenario, options: RunOptions | None = None) -> Point:
    """The unchanged scenario, solved as every analysis solves its points."""
    options = options or RunOptions()
    return evaluate(scenario, None, None, options.time_limit)


def _require(base: Point, scenario: Scenario) -> Point:
    if not base.ok:
        raise InfeasibleError(f"the scenario '{scenario.name}' has no allocation "
                              f"({base.status}): {base.message}")
    return base


# --- inputs and their paths -----------------------------------------------------------

@dataclass(frozen=True)
class Input:
    """A numeric input of a scenario, addressed by its dotted path.

    ``value`` is the base value [the field's own unit]; ``quantum`` is set for sizes that
    must be whole multiples of the granularity [HTV] (total_htv, fixed central services);
    ``integer`` for fields the schema declares whole numbers (e.g. solver.workers).
    """

    path: str
    label: str
    kind: str
    value: float
    quantum: Fraction | None = None
    integer: bool = False

    def moved(self, relative: float) -> float:
        """The value changed by ``relative`` (0.1 = +10 %), rounded to the quantum if any."""
        exact = to_fraction(self.value) * (1 + to_fraction(relative))
        if self.quantum is not None:
            exact = round(exact / self.quantum) * self.quantum
        return _tidy(exact)


def _tidy(value: Fraction | float) -> float:
    """A float without binary noise (12 significant digits)."""
    return float(f"{float(value):.12g}")


def _key(name: str, index: int, what: str) -> str:
    """``what.name`` when the name can be addressed by it, else ``what[index]``."""
    return f"{what}[{index}]" if re.search(r"[.\[\]]", name) else f"{what}.{name}"


def numeric_inputs(s: Scenario) -> list[Input]:
    """Every numeric input a tornado or tipping-point analysis moves, in a stable order.

    total_htv; each caseload figure; each line's demand weights, share (rebalanced) and
    tolerance; each office's minimum (the default when none is given) and maximum (when
    given); each central service's size (fixed HTV, or persons per HTV).
    """
    g = to_fraction(s.granularity)
    out = [Input("total_htv", "total_htv", "total_htv", s.total_htv, g)]
    for i, m in enumerate(s.municipalities):
        for f, v in m.caseload.items():
            out.append(Input(f"{_key(m.name, i, 'municipalities')}.caseload.{f}",
                             f"{m.name} · {f}", "caseload", v))
    for i, ln in enumerate(s.service_lines):
        at = _key(ln.name, i, "service_lines")
        for f, w in ln.demand.items():
            out.append(Input(f"{at}.demand.{f}", f"{ln.name} · weight of {f}", "demand_weight", w))
        out.append(Input(f"{at}.share", f"{ln.name} · share", "line_share", ln.share))
        out.append(Input(f"{at}.tolerance", f"{ln.name} · tolerance", "line_tolerance",
                         ln.tolerance))
    for i, o in enumerate(s.offices):
        at = _key(o.name, i, "offices")
        out.append(Input(f"{at}.min_htv", f"{o.name} · min_htv", "office_min", o.effective_min_htv))
        if o.max_htv is not None:
            out.append(Input(f"{at}.max_htv", f"{o.name} · max_htv", "office_max", o.max_htv))
    for i, c in enumerate(s.central_services):
        at = _key(c.name, i, "central_services")
        if c.htv is not None:
            out.append(Input(f"{at}.htv", f"{c.name} · htv", "central_size", c.htv, g))
        elif c.driven_by is not None:
            out.append(Input(f"{at}.driven_by.persons_per_htv", f"{c.name} · persons per HTV",
                             "central_size", c.driven_by.persons_per_htv))
    return out


def input_at(s: Scenario, path: str, source: str = "--param", need_value: bool = True) -> Input:
    """The numeric input at ``path``; ScenarioError naming the path if there is none.

    ``offices[0].min_htv`` and ``offices.Sastamala office.min_htv`` are the same input.
    Without ``need_value`` an optional numeric field that is not set (e.g. an office's
    max_htv) is accepted, with value NaN.
    """
    canonical = _canonical(s, path)
    for known in numeric_inputs(s):
        if known.path == canonical:
            return replace(known, path=path)
    try:
        value = get_path(scenario_data(s), path)
    except KeyError as exc:
        raise ScenarioError([Problem(path, str(exc.args[0]).split(": ", 1)[-1], source)]) from None
    kinds = _numeric_kinds(path)
    if not kinds:
        shown = "a list or mapping" if isinstance(value, list | dict) else repr(value)
        raise ScenarioError([Problem(path, f"is not a numeric field (its value is {shown})",
                                     source)])
    if value is None and need_value:
        raise ScenarioError([Problem(path, "has no value in the scenario to start from; "
                                           "give it in the scenario file first", source)])
    return Input(path, path, "other", float("nan") if value is None else float(value),
                 integer=float not in kinds)


_TOP = re.compile(r"^(?P<what>municipalities|areas|offices|service_lines|central_services)"
                  r"\[(?P<index>-?\d+)\](?P<rest>\..*)?$")


def _canonical(s: Scenario, path: str) -> str:
    """``path`` with a top-level list index replaced by the item's name where possible."""
    match = _TOP.match(path)
    if match is None:
        return path
    items: list[Any] = getattr(s, match["what"])
    index = int(match["index"])
    if not -len(items) <= index < len(items):
        return path
    return _key(items[index].name, index % len(items), match["what"]) + (match["rest"] or "")


def _numeric_kinds(path: str) -> set[type]:
    """The number types (int, float) the schema declares at ``path``; empty if not a number."""
    annotation: Any = Scenario
    for part in path.split("."):
        match = re.match(r"^(?P<key>[^\[\]]*)((\[-?\d+\])*)$", part)
        key = match["key"] if match else part
        steps = part.count("[")
        if key:
            annotation = _inner(annotation, key)
        for _ in range(steps):
            annotation = _inner(annotation, None)
        if annotation is None:
            return set()
    kinds = _flatten(annotation)
    return set() if bool in kinds else {k for k in kinds if k in (int, float)}


def _flatten(annotation: Any) -> list[Any]:
    """The plain types inside Annotated[...] and unions."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _flatten(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _flatten(arg)]
    return [annotation]


def _inner(annotation: Any, key: str | None) -> Any:
    """The annotation one step down: a model's field, a list's item, a mapping's value."""
    for kind in _flatten(annotation):
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            if key is None:
                return None
            info = kind.model_fields.get(key)
            return None if info is None else info.annotation
        origin = typing.get_origin(kind)
        if origin is list:  # an item, by name or by index
            return typing.get_args(kind)[0]
        if origin is dict and key is not None:
            return typing.get_args(kind)[1]
    return None


_SHARE = re.compile(r"^service_lines(?:\.(?P<name>[^.\[\]]+)|\[(?P<index>-?\d+)\])\.share$")


def rebalanced_changes(s: Scenario, changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` plus, for a changed line share, the other lines' shares scaled to sum 1.

    The other lines keep their proportions to each other. Changes to several shares at
    once, or when the other lines have no share to scale, are left as given (and then
    fail validation if they do not sum to 1).
    """
    out = dict(changes)
    hits = [(p, v) for p, v in changes.items() if _SHARE.match(p)]
    if len(hits) != 1:
        return out
    path, value = hits[0]
    match = _SHARE.match(path)
    assert match is not None
    names = [ln.name for ln in s.service_lines]
    if match["name"] is not None:
        if match["name"] not in names:
            return out
        index = names.index(match["name"])
    else:
        index = int(match["index"]) % len(names)
    old = to_fraction(s.service_lines[index].share)
    rest = 1 - old
    if rest <= 0 or not isinstance(value, int | float):
        return out
    scale = (1 - to_fraction(value)) / rest
    for j, ln in enumerate(s.service_lines):
        if j != index:
            out[f"service_lines[{j}].share"] = _tidy(to_fraction(ln.share) * scale)
    return out


def _changes(s: Scenario, path: str, value: float, rebalance: bool) -> dict[str, Any]:
    changes: dict[str, Any] = {path: value}
    return rebalanced_changes(s, changes) if rebalance else changes


def parse_param(spec: str) -> tuple[str, list[float]]:
    """``path=start:stop:step`` (inclusive stop) or ``path=v1,v2,...`` -> (path, values).

    Decimal arithmetic, so 28:36:0.5 gives exactly 28.0, 28.5, ..., 36.0. Raises
    ScenarioError naming the path (or the whole spec) when malformed.
    """
    path, sep, values = spec.partition("=")
    path = path.strip()
    if not sep or not path:
        raise ScenarioError([Problem("", f"'{spec}' is not of the form path=start:stop:step "
                                         "or path=v1,v2,...", "--param")])

    def bad(message: str) -> ScenarioError:
        return ScenarioError([Problem(path, message, "--param")])

    try:
        if ":" in values:
            parts = [Decimal(p) for p in values.split(":")]
            if len(parts) != 3:
                raise bad(f"range '{values}' needs start:stop:step")
            start, stop, step = parts
            if not all(p.is_finite() for p in parts):
                raise bad(f"range '{values}' must be finite numbers")
            if step <= 0:
                raise bad(f"step {step} must be > 0")
            if stop < start:
                raise bad(f"stop {stop} is below start {start}")
            count = int((stop - start) / step) + 1
            if count > MAX_POINTS:
                raise bad(f"{count} points; at most {MAX_POINTS} per parameter")
            numbers = [start + k * step for k in range(count)]
        else:
            numbers = [Decimal(p) for p in values.split(",")]
            if not all(n.is_finite() for n in numbers):
                raise bad(f"values '{values}' must be finite numbers")
    except InvalidOperation:
        raise bad(f"'{values}' is not a number range (start:stop:step) or list (v1,v2,...)") \
            from None
    return path, [float(n) for n in numbers]


def _footer(s: Scenario, detail: str, time_limit: float | None) -> str:
    from ortools import __version__ as ortools_version  # type: ignore[attr-defined]

    from allocator.engine.manifest import scenario_sha256

    limit = time_limit or s.solver.time_limit
    return (f"allocator {__version__} · OR-Tools {ortools_version} · scenario '{s.name}' "
            f"sha256:{scenario_sha256(s)[:12]} · {detail} · deterministic time limit "
            f"{limit:g} s per solve, 1 CP-SAT worker")


def _f(value: Fraction | None) -> float:
    return float("nan") if value is None else float(value)


# --- sweeps ---------------------------------------------------------------------------

def sweep(scenario: Scenario, params: Sequence[tuple[str, Sequence[float]]],
          rebalance: bool = True, options: RunOptions | None = None) -> pd.DataFrame:
    """One-at-a-time sweeps: each (path, values) alone, the other inputs at base.

    Several parameters give several sweeps, not a grid. Columns: parameter, value, area,
    htv [customer-service HTV], base_htv [HTV, the unchanged scenario], change_htv [HTV],
    status, verified, max_deviation_htv, total_deviation_htv [HTV, largest and total cell
    deviation], message. Raises ScenarioError naming a path that is not a numeric input.
    """
    import pandas as pd

    options = _resolved(options, "sweep")
    inputs = {path: input_at(scenario, path, need_value=False) for path, _ in params}
    base = solve_base(scenario, options)
    groups = [[_changes(scenario, path,
                        int(v) if inputs[path].integer and float(v).is_integer() else v, rebalance)
               for v in values] for path, values in params]
    solved = _solve_all(scenario, groups, base, options, chained=True)
    areas = [a.name for a in scenario.areas]
    rows = []
    for (path, values), points in zip(params, solved, strict=True):
        for value, p in zip(values, points, strict=True):
            for area in areas:
                htv = _f(p.area_htv.get(area))
                before = _f(base.area_htv.get(area))
                rows.append({"parameter": path, "value": value, "area": area, "htv": htv,
                             "base_htv": before, "change_htv": htv - before,
                             "status": p.status, "verified": p.verified,
                             "max_deviation_htv": _f(p.max_deviation),
                             "total_deviation_htv": _f(p.total_deviation),
                             "message": p.message})
    frame = pd.DataFrame(rows, columns=["parameter", "value", "area", "htv", "base_htv",
                                        "change_htv", "status", "verified", "max_deviation_htv",
                                        "total_deviation_htv", "message"])
    frame.attrs.update(analysis="sweep", scenario=scenario.name, areas=areas,
                       rebalance=rebalance,
                       base_values={path: i.value for path, i in inputs.items()},
                       footer=_footer(scenario, "one-at-a-time sweep"
                                      + (", line shares rebalanced" if rebalance else ""),
                                      options.time_limit))
    return frame


# --- tornado --------------------------------------------------------------------------

def tornado(scenario: Scenario, relative: float = 0.10, inputs: Iterable[str] | None = None,
            options: RunOptions | None = None) -> pd.DataFrame:
    """Each numeric input moved by −``relative`` and +``relative`` alone (0.1 = ±10 %).

    Line shares are rebalanced; HTV sizes that must be multiples of the granularity are
    rounded to it. One row per input and area, ranked within each area by ``swing_htv``,
    the larger of |low_change_htv| and |high_change_htv| (ties keep input order).
    Columns: area, rank, input (path), label, kind, base_value, low_value, high_value,
    base_htv, low_htv, high_htv, low_change_htv, high_change_htv, swing_htv [HTV],
    low_status, high_status. A side without an allocation has NaN changes and its status.
    Raises InfeasibleError when the unchanged scenario has no allocation.
    """
    import pandas as pd

    options = _resolved(options, "tornado")
    if not 0 < relative < 1:
        raise ValueError(f"relative change {relative} must be between 0 and 1")
    chosen = (numeric_inputs(scenario) if inputs is None
              else [input_at(scenario, p, "--input") for p in inputs])
    base = _require(solve_base(scenario, options), scenario)
    moving = [i for i in chosen if i.moved(-relative) != i.value or i.moved(relative) != i.value]
    groups = [[_changes(scenario, i.path, i.moved(-relative), True),
               _changes(scenario, i.path, i.moved(relative), True)] for i in moving]
    solved = dict(zip([i.path for i in moving],
                      _solve_all(scenario, groups, base, options, chained=False), strict=True))
    rows = []
    for area in (a.name for a in scenario.areas):
        before = float(base.area_htv[area])
        for order, i in enumerate(chosen):
            low, high = solved.get(i.path, [base, base])
            lo, hi = _f(low.area_htv.get(area)), _f(high.area_htv.get(area))
            changes = [abs(c) for c in (lo - before, hi - before) if c == c]
            rows.append({"area": area, "order": order, "input": i.path, "label": i.label,
                         "kind": i.kind, "base_value": i.value,
                         "low_value": i.moved(-relative), "high_value": i.moved(relative),
                         "base_htv": before, "low_htv": lo, "high_htv": hi,
                         "low_change_htv": _tidy(lo - before), "high_change_htv": _tidy(hi - before),
                         "swing_htv": _tidy(max(changes, default=float("nan"))),
                         "low_status": low.status, "high_status": high.status})
    frame = pd.DataFrame(rows)
    frame["_area"] = frame["area"].map({a.name: k for k, a in enumerate(scenario.areas)})
    frame["_swing"] = frame["swing_htv"].fillna(-1.0)
    frame = frame.sort_values(["_area", "_swing", "order"], ascending=[True, False, True],
                              kind="stable")
    frame["rank"] = frame.groupby("area", sort=False).cumcount() + 1
    frame = frame.drop(columns=["_area", "_swing", "order"]).reset_index(drop=True)
    frame = frame[["area", "rank", *[c for c in frame.columns if c not in ("area", "rank")]]]
    pct = f"{relative * 100:g}"
    frame.attrs.update(analysis="tornado", scenario=scenario.name, relative=relative,
                       areas=[a.name for a in scenario.areas],
                       footer=_footer(scenario, f"tornado ±{pct} %, line shares rebalanced",
                                      options.time_limit))
    return frame


# --- tipping points -------------------------------------------------------------------

@dataclass(frozen=True)
class _Tipping:
    """Scan one input in one direction, then bisect each area's first change."""

    scenario: Scenario
    input: Input
    sign: int
    areas: tuple[str, ...]
    base: dict[str, Fraction]
    max_change: float
    steps: int
    precision: float
    hint: Allocation | None
    time_limit: float | None


@dataclass(frozen=True)
class _Tip:
    area: str
    found: bool
    unchanged: float
    change: float
    status: str
    htv: Fraction | None
    solves: int
    note: str = ""


def _run_tipping(job: _Tipping) -> list[_Tip]:
    granularity = to_fraction(job.scenario.granularity)
    cache: dict[float, Point] = {}
    hint = job.hint

    def at(r: float) -> Point:
        nonlocal hint
        if r not in cache:
            changes = _changes(job.scenario, job.input.path, job.input.moved(job.sign * r), True)
            cache[r] = evaluate(job.scenario, changes, hint, job.time_limit)
            if job.hint is not None and cache[r].allocation is not None:
                hint = cache[r].allocation
        return cache[r]

    def moved(p: Point, area: str) -> bool:
        return not p.ok or abs(p.area_htv[area] - job.base[area]) >= granularity

    brackets: dict[str, tuple[float, float]] = {}
    last = 0.0
    for k in range(1, job.steps + 1 if job.input.value != 0 else 1):
        r = job.max_change * k / job.steps
        point = at(r)
        for area in job.areas:
            if area not in brackets and moved(point, area):
                brackets[area] = (last, r)
        last = r
        if len(brackets) == len(job.areas):
            break
    out = []
    for area in job.areas:
        if area not in brackets:
            note = "the input is 0, so a relative change does not move it" \
                if job.input.value == 0 else ""
            out.append(_Tip(area, False, job.max_change, float("nan"), "", None, len(cache), note))
            continue
        lo, hi = brackets[area]
        while hi - lo > job.precision:
            mid = (lo + hi) / 2
            if moved(at(mid), area):
                hi = mid
            else:
                lo = mid
        p = at(hi)
        out.append(_Tip(area, True, lo, hi, p.status, p.area_htv.get(area), len(cache)))
    return out


def tipping_points(scenario: Scenario, inputs: Iterable[str], areas: Iterable[str] | None = None,
                   max_change: float = 0.5, steps: int = 10, precision: float = 0.001,
                   options: RunOptions | None = None) -> pd.DataFrame:
    """The smallest relative change of each input, up and down, that moves an area.

    An area's allocation *moves* when its customer-service HTV differs from the base by at
    least one granularity unit, or when the changed scenario has no allocation. Stopping
    rule: scan ``steps`` equal steps up to ``max_change`` (0.5 = ±50 %); at the first step
    that moves the area, bisect between it and the step before until the bracket is at
    most ``precision`` wide (0.001 = 0.1 percentage points). The result is the bracket's
    upper end, a change that does move the area; the area did not move at the lower end.
    An allocation is a step function of its inputs and need not be monotone, so a change
    that moves the area and moves it back within one scan step can be missed.

    Columns: area, input, label, direction (up/down), base_value, found, change (signed
    relative change, NaN if none), value (the input at that change), unchanged_to (signed
    relative change that still left the area as it was, the scan's end if none), base_htv,
    htv (at the change) [HTV], status (at the change), solves, result (e.g. '+4.3 %' or
    'none within +50 %'), note.
    """
    import pandas as pd

    options = _resolved(options, "tipping")
    if not 0 < max_change < 1:
        raise ValueError(f"max_change {max_change} must be between 0 and 1")
    if steps < 1 or precision <= 0:
        raise ValueError("steps must be >= 1 and precision > 0")
    chosen = [input_at(scenario, p, "--input") for p in inputs]
    names = [a.name for a in scenario.areas]
    picked = list(areas) if areas is not None else names
    for a in picked:
        if a not in names:
            raise ScenarioError([Problem("", f"unknown area '{a}' (known: {', '.join(names)})",
                                         "--area")])
    base = _require(solve_base(scenario, options), scenario)
    jobs = [_Tipping(scenario, i, sign, tuple(picked), base.area_htv, max_change, steps,
                     precision, base.allocation if options.hints else None, options.time_limit)
            for i in chosen for sign in (+1, -1)]
    progress = options.progress
    on_done = (lambda _r: progress(1)) if progress is not None else None
    done = map_jobs(_run_tipping, jobs, options.executor, options.processes, on_done,
                    scheduler=options.scheduler)
    rows = []
    for job, tips in zip(jobs, done, strict=True):
        for t in tips:
            sign = "+" if job.sign > 0 else "-"
            signed = job.sign * t.change + 0.0  # no -0.0
            rows.append({
                "area": t.area, "input": job.input.path, "label": job.input.label,
                "direction": "up" if job.sign > 0 else "down", "base_value": job.input.value,
                "found": t.found, "change": signed,
                "value": job.input.moved(signed) if t.found else float("nan"),
                "unchanged_to": job.sign * t.unchanged + 0.0,
                "base_htv": float(base.area_htv[t.area]), "htv": _f(t.htv), "status": t.status,
                "solves": t.solves,
                "result": (f"{sign}{t.change * 100:.2f} %" if t.found
                           else f"none within {sign}{max_change * 100:g} %"),
                "note": t.note,
            })
    frame = pd.DataFrame(rows)
    order = {a: k for k, a in enumerate(names)}
    frame = frame.sort_values("area", key=lambda c: c.map(order), kind="stable")
    frame = frame.reset_index(drop=True)
    frame.attrs.update(analysis="tipping", scenario=scenario.name, max_change=max_change,
                       precision=precision, areas=names,
                       footer=_footer(scenario, f"tipping points within ±{max_change * 100:g} %, "
                                      f"{steps} scan steps, bracket ≤ {precision * 100:g} pp",
                                      options.time_limit))
    return frame


# --- Monte Carlo ----------------------------------------------------------------------

def parse_uncertainty(spec: str) -> tuple[str, float]:
    """``poisson`` or ``uniform:W`` (±W relative, 0 < W <= 1) -> (model, W).

    Raises ScenarioError naming ``--model`` when malformed.
    """
    name, _, width = spec.partition(":")
    if name == "poisson" and not width:
        return "poisson", 0.0
    if name == "uniform":
        try:
            w = float(width)
        except ValueError:
            w = float("nan")
        if 0 < w <= 1:
            return "uniform", w
    raise ScenarioError([Problem("", f"'{spec}' is not an uncertainty model: use 'poisson' or "
                                     "'uniform:W' with 0 < W <= 1 (e.g. uniform:0.1 = ±10 %)",
                                 "--model")])


def count_features(s: Scenario) -> list[str]:
    """Caseload features that are counts: whole numbers in every municipality.

    Rates and shares (e.g. inflow_over_3m_share) are not drawn; derived features follow
    the drawn counts.
    """
    return [f for f in s.municipalities[0].caseload
            if all(float(m.caseload[f]).is_integer() for m in s.municipalities)]


def draw_caseload(s: Scenario, model: str, seed: int, run: int,
                  features: Sequence[str] | None = None) -> dict[str, float]:
    """Run ``run``'s caseload draw as dotted-path changes [persons].

    ``poisson``: each count drawn from Poisson(mean = its value); ``uniform:W``: each count
    times a uniform factor in [1 − W, 1 + W], rounded to whole persons (halves to even).
    Each run has its own random stream (seed, run), so a run's draw does not depend on
    how many runs there are or which process draws it.
    """
    import numpy as np

    kind, width = parse_uncertainty(model)
    rng = np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(run,)))
    chosen = count_features(s) if features is None else list(features)
    out: dict[str, float] = {}
    for i, m in enumerate(s.municipalities):
        at = _key(m.name, i, "municipalities")
        for f in chosen:
            value = m.caseload[f]
            if kind == "poisson":
                drawn = float(rng.poisson(value))
            else:
                drawn = float(round(value * rng.uniform(1 - width, 1 + width)))
            out[f"{at}.caseload.{f}"] = drawn
    return out


@dataclass(frozen=True)
class _Draws:
    scenario: Scenario
    model: str
    seed: int
    runs: tuple[int, ...]
    hint: Allocation | None
    time_limit: float | None


def _run_draws(job: _Draws) -> list[Point]:
    features = count_features(job.scenario)
    return [replace(evaluate(job.scenario,
                             draw_caseload(job.scenario, job.model, job.seed, run, features),
                             job.hint, job.time_limit), allocation=None)
            for run in job.runs]


def monte_carlo(scenario: Scenario, runs: int = 100, model: str = "poisson", seed: int = 0,
                options: RunOptions | None = None) -> pd.DataFrame:
    """Allocate ``runs`` caseload draws (see :func:`draw_caseload`); one row per run and area.

    Columns: run, area, htv [customer-service HTV], base_htv [HTV], change_htv [HTV],
    status, verified. The same seed gives the same frame whatever the executor.
    Raises InfeasibleError when the unchanged scenario has no allocation.
    """
    import pandas as pd

    options = _resolved(options, "monte_carlo")
    parse_uncertainty(model)
    if runs < 1:
        raise ValueError("runs must be >= 1")
    base = _require(solve_base(scenario, options), scenario)
    hint = base.allocation if options.hints else None
    jobs = [_Draws(scenario, model, seed, tuple(range(start, min(start + BLOCK, runs))), hint,
                   options.time_limit) for start in range(0, runs, BLOCK)]
    progress = options.progress
    on_done = (lambda r: progress(len(r))) if progress is not None else None
    done = map_jobs(_run_draws, jobs, options.executor, options.processes, on_done,
                    scheduler=options.scheduler)
    rows = []
    for job, points in zip(jobs, done, strict=True):
        for run, p in zip(job.runs, points, strict=True):
            for area, before in base.area_htv.items():
                htv = _f(p.area_htv.get(area))
                rows.append({"run": run, "area": area, "htv": htv, "base_htv": float(before),
                             "change_htv": _tidy(htv - float(before)), "status": p.status,
                             "verified": p.verified})
    frame = pd.DataFrame(rows)
    frame.attrs.update(analysis="monte_carlo", scenario=scenario.name, runs=runs, model=model,
                       seed=seed, areas=[a.name for a in scenario.areas],
                       footer=_footer(scenario, f"Monte Carlo {runs} runs, caseload ~ {model}, "
                                      f"seed {seed}", options.time_limit))
    return frame


def stability(frame: pd.DataFrame, threshold: float = 0.1) -> pd.DataFrame:
    """Per area, the spread of a Monte Carlo frame and how often the area moved.

    ``moved_share``: the share of runs with an allocation in which the area's HTV differs
    from the base by more than ``threshold`` [HTV]. Columns: area, base_htv, runs,
    runs_without_allocation, mean_htv, sd_htv, min_htv, p05_htv, median_htv, p95_htv,
    max_htv, moved_share, threshold_htv.
    """
    import pandas as pd

    rows = []
    for area, group in frame.groupby("area", sort=False):
        ok = group.dropna(subset=["htv"])
        htv = ok["htv"]
        moved = (ok["change_htv"].abs().round(9) > threshold).sum()
        rows.append({"area": area, "base_htv": float(group["base_htv"].iloc[0]),
                     "runs": len(group), "runs_without_allocation": len(group) - len(ok),
                     "mean_htv": htv.mean(), "sd_htv": htv.std(ddof=1) if len(ok) > 1 else 0.0,
                     "min_htv": htv.min(), "p05_htv": htv.quantile(0.05),
                     "median_htv": htv.median(), "p95_htv": htv.quantile(0.95),
                     "max_htv": htv.max(),
                     "moved_share": float(moved / len(ok)) if len(ok) else float("nan"),
                     "threshold_htv": threshold})
    out = pd.DataFrame(rows)
    out.attrs.update(frame.attrs)
    out.attrs["threshold"] = threshold
    return out
