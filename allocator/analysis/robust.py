"""One allocation for several scenarios: the least worst deviation across all of them.

The board does not know which caseload will come true. A robust allocation is one split
of the staff that every scenario's hard rules accept and that keeps the largest cell
deviation from *any* scenario's caseload targets as small as possible. It is one CP-SAT
model: the allocation variables (municipality × office × line, and central services) are
shared; each scenario brings its own targets, deviations and rules (line shares, office
minimums and maximums may differ between scenarios and must all hold). Objective, in
lexicographic order:

1. ``max_deviation``: the worst cell deviation over all scenarios [HTV];
2. ``total_deviation``: holding (1), the sum over scenarios of each one's total deviation;
3. ``tie_break``: the canonical preference of allocator.engine.model, with one worker.

Scenarios must share their structure: municipalities, areas, lead municipality, offices
(names, places, the municipalities they serve), service lines (names), granularity,
total_htv, the sizes of fixed central services and how driven ones are driven. A central
service sized by the caseload (``driven_by``) may differ in size between caseload
scenarios: the robust allocation staffs it for the busiest of them, at the largest size,
and every scenario is then judged with the service at that size (its targets, rules, own
optimum and regret). Regret, per scenario, compares the robust allocation with that
scenario's own optimum: regret = robust deviation − own optimum's deviation.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
from ortools import __version__ as ortools_version  # type: ignore[attr-defined]

from allocator._version import __version__
from allocator.engine.caseload import DEV_SCALE, ModelData
from allocator.engine.cpsat import Model
from allocator.engine.manifest import scenario_sha256
from allocator.engine.model import BuiltModel, add_deviation_terms, add_variables, tie_break_expression
from allocator.engine.objectives import stage_term
from allocator.engine.pipeline import allocate, settings_for
from allocator.engine.result import Result
from allocator.engine.rules import RULES
from allocator.engine.solve import SolveSettings, solve
from allocator.engine.types import Allocation, Conflict, StageFacts, Status, Verification
from allocator.engine.verify import central_sizes, check
from allocator.errors import Problem, ScenarioError
from allocator.scenario.schema import Scenario, to_fraction

#: The robust model's objective stages (a subsequence of allocator.engine.solve.STAGES).
ROBUST_STAGES = ("max_deviation", "total_deviation", "tie_break")


# --- structure ------------------------------------------------------------------------

def _structure(s: Scenario) -> dict[str, Any]:
    """The fields robust allocation needs to be equal, by field path, in comparable form."""
    out: dict[str, Any] = {
        "municipalities": tuple(s.municipality_names),
        "areas": tuple((a.name, tuple(a.municipalities)) for a in s.areas),
        "lead_municipality": s.lead_municipality,
        "offices": tuple(o.name for o in s.offices),
        "service_lines": tuple(ln.name for ln in s.service_lines),
        "granularity": to_fraction(s.granularity),
        "total_htv": to_fraction(s.total_htv),
        "central_services": tuple(c.name for c in s.central_services),
    }
    for o in s.offices:
        out[f"offices.{o.name}.municipality"] = o.municipality
        out[f"offices.{o.name}.serves"] = tuple(s.office_serves(o))
    sizes = central_sizes(s)
    for c in s.central_services:
        if c.driven_by is None:
            out[f"central_services.{c.name}.size"] = sizes[c.name]
        else:  # the size follows the caseload; how it follows it is structure
            out[f"central_services.{c.name}.driven_by"] = (
                f"{c.driven_by.feature} / {c.driven_by.persons_per_htv:g} per HTV")
        out[f"central_services.{c.name}.office"] = c.office
    return out


def sized_for_all(scenarios: Sequence[Scenario]) -> tuple[list[Scenario], dict[str, Fraction]]:
    """The scenarios with every caseload-driven central service whose size differs between
    them fixed at the largest of those sizes [HTV], and those sizes by service.

    One allocation has one size per service; staffing it for the busiest caseload keeps the
    service whole in every scenario, and each scenario is then measured with that size.
    """
    per = [central_sizes(s) for s in scenarios]
    chosen: dict[str, Fraction] = {}
    for c in scenarios[0].central_services:
        if c.driven_by is not None and len({sizes[c.name] for sizes in per}) > 1:
            chosen[c.name] = max(sizes[c.name] for sizes in per)
    if not chosen:
        return list(scenarios), chosen
    out = []
    for s in scenarios:
        index = {c.name: i for i, c in enumerate(s.central_services)}
        changes: dict[str, Any] = {}
        for name, size in chosen.items():
            changes[f"central_services[{index[name]}].driven_by"] = None
            changes[f"central_services[{index[name]}].htv"] = float(size)
        out.append(s.with_changes(changes))
    return out, chosen


def _shown(value: Any) -> str:
    """A structural value as the user wrote it: 32.66, or 'Sastamala: Sastamala, Punkalaidun'."""
    if isinstance(value, Fraction):
        return f"{float(value):g}"
    if isinstance(value, tuple):
        return "; ".join(f"{v[0]}: {', '.join(v[1])}" if isinstance(v, tuple) else str(v)
                         for v in value) or "none"
    return str(value)


def structure_values(s: Scenario) -> dict[str, str]:
    """The structural fields robust allocation needs equal, by field path, as text.

    The paths are those of :func:`structure_differences`' problems, so a report can show
    both sides of a difference (``total_htv``: ``30`` against ``32.66``) in its own words.
    """
    return {path: _shown(value) for path, value in _structure(s).items()}


def structure_differences(scenarios: Sequence[Scenario],
                          sources: Sequence[str] | None = None) -> list[Problem]:
    """Every structural field in which a scenario differs from the first, by field path.

    A field inside a list (``offices.X.serves``) is compared only when the list itself
    (``offices``) matches, so each difference is reported once, where it starts.
    """
    names = list(sources) if sources is not None else [s.name for s in scenarios]
    first = _structure(scenarios[0])
    out = []
    for s, where in zip(scenarios[1:], names[1:], strict=True):
        other = _structure(s)
        differing: list[str] = []
        for path in dict.fromkeys([*first, *other]):
            if any(path.startswith(f"{d}.") for d in differing):
                continue
            a, b = first.get(path), other.get(path)
            if a != b:
                differing.append(path)
                what = "central service size [HTV]" if path.endswith(".size") else path
                out.append(Problem(path, f"{_shown(b)} here, but {_shown(a)} in {names[0]}: "
                                         f"every scenario needs the same {what} for one "
                                         "robust allocation", where))
    return out


# --- model ----------------------------------------------------------------------------

def build_robust(datas: Sequence[ModelData]) -> tuple[BuiltModel, list[BuiltModel]]:
    """The robust model: shared allocation variables, every scenario's rules and deviations.

    Structural rules (allocator.engine.rules: the budget, one office per area, the central
    services) are stated once; every other rule once per scenario, with that scenario's
    limits. Returns the model (whose ``objectives`` are the robust stages and whose
    ``max_deviation`` is the worst deviation over all scenarios) and one view per scenario
    holding that scenario's deviation variables. Rule labels are prefixed with the
    scenario's position: ``1:line_share[skills]``.
    """
    shared = BuiltModel(data=datas[0], model=Model())
    add_variables(shared)
    for rule in RULES:
        if rule.structural:
            rule.build(shared)
    views = []
    for k, d in enumerate(datas):
        view = replace(shared, data=d, deviation={}, max_deviation=None, constraints={},
                       literals={}, objectives={}, change={})
        for rule in RULES:
            if not rule.structural:
                rule.build(view)
        add_deviation_terms(view)
        for name, group in view.constraints.items():
            shared.constraints[f"{k}:{name}"] = group
        views.append(view)
    top = DEV_SCALE * shared.cap + max(d.target_scaled(c) for d in datas for c in d.cells)
    worst = shared.model.new_int_var(0, top, "worst_deviation")
    for v in views:
        shared.model.add(worst >= v.max_deviation)
    shared.max_deviation = worst
    shared.objectives = {
        "max_deviation": worst,
        "total_deviation": sum(v.objectives[stage_term(v.data, "total_deviation")]
                               for v in views),
        "tie_break": tie_break_expression(shared),
    }
    return shared, views


def shared_rule_conflicts(datas: Sequence[ModelData], names: Sequence[str]) -> list[Conflict]:
    """Rules whose limits cannot hold together in every scenario, with the numbers."""
    return [c for rule in RULES for c in rule.shared_conflicts(datas, names)]


# --- result ---------------------------------------------------------------------------

@dataclass
class RobustResult:
    """The robust allocation, each scenario's own optimum and the comparison of the two.

    ``verifications[k]`` is allocator.engine.verify.check of the robust allocation against
    scenario k; ``own[k]`` is scenario k allocated alone (allocator.engine.pipeline.allocate).
    """

    scenarios: list[Scenario]
    sources: list[str]
    status: Status
    allocation: Allocation | None
    own: list[Result]
    verifications: list[Verification] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    stages: list[StageFacts] = field(default_factory=list)
    solve_time: float = 0.0
    central_sizes: dict[str, Fraction] = field(default_factory=dict)
    """Caseload-driven central services sized for all scenarios at once [HTV]: each at the
    largest of the scenarios' sizes. ``scenarios`` hold them at that size."""
    given_sizes: list[dict[str, Fraction]] = field(default_factory=list)
    """Each scenario's own size of those services, before sizing for all [HTV]."""

    def sizing_note(self) -> str:
        """In words: which central services were sized for all scenarios, and how."""
        if not self.central_sizes:
            return ""
        parts = []
        for name, size in self.central_sizes.items():
            own = ", ".join(f"{n} {float(sizes[name]):g}"
                            for n, sizes in zip(self.names, self.given_sizes, strict=True))
            parts.append(f"{name} at {float(size):g} HTV, the largest of the scenarios' own "
                         f"sizes ({own})")
        return ("Central services driven by the caseload are staffed for the busiest "
                "scenario: " + "; ".join(parts) + ". Every scenario is measured with them "
                "at that size.")

    @property
    def verified(self) -> bool:
        """True when the robust allocation passes the verifier in every scenario."""
        return (self.allocation is not None and len(self.verifications) == len(self.scenarios)
                and all(v.passed for v in self.verifications))

    @property
    def names(self) -> list[str]:
        """Scenario names, made unique by position where two share a name."""
        raw = [s.name for s in self.scenarios]
        return [n if raw.count(n) == 1 else f"{n}#{k + 1}" for k, n in enumerate(raw)]

    def regret_frame(self) -> pd.DataFrame:
        """Per scenario: own optimum, the robust allocation there, and the regret [HTV].

        Columns: scenario, source, own_status, own_proof (what proves the own optimum:
        allocator.engine.types.PROOF_CPSAT or PROOF_FLOW; empty without one), own_max_deviation_htv,
        robust_max_deviation_htv, regret_max_htv, own_total_deviation_htv,
        robust_total_deviation_htv, regret_total_htv, robust_verified. Deviations are the
        verifier's, against each scenario's exact targets.
        """
        rows = []
        checks: list[Verification | None] = (list(self.verifications)
                                               or [None] * len(self.own))
        for name, src, own, ver in zip(self.names, self.sources, self.own, checks, strict=True):
            o = own.verification
            row: dict[str, Any] = {
                "scenario": name, "source": src, "own_status": str(own.status),
                "own_proof": own.solver.proof if own.status == Status.OPTIMAL else "",
                "own_max_deviation_htv": _f(o.max_deviation if o else None),
                "robust_max_deviation_htv": _f(ver.max_deviation if ver else None),
                "own_total_deviation_htv": _f(o.total_deviation if o else None),
                "robust_total_deviation_htv": _f(ver.total_deviation if ver else None),
                "robust_verified": bool(ver is not None and ver.passed),
            }
            row["regret_max_htv"] = (_f(ver.max_deviation - o.max_deviation)
                                     if ver and o else float("nan"))
            row["regret_total_htv"] = (_f(ver.total_deviation - o.total_deviation)
                                       if ver and o else float("nan"))
            rows.append(row)
        cols = ["scenario", "source", "own_status", "own_proof", "own_max_deviation_htv",
                "robust_max_deviation_htv", "regret_max_htv", "own_total_deviation_htv",
                "robust_total_deviation_htv", "regret_total_htv", "robust_verified"]
        return _with_attrs(pd.DataFrame(rows, columns=cols), self)

    def cross_frame(self) -> pd.DataFrame:
        """Each candidate allocation (every scenario's own optimum, and the robust one)
        checked against every scenario.

        Columns: allocation (whose: a scenario name, or 'robust'), scenario,
        max_deviation_htv, total_deviation_htv [HTV], rules_hold (the verifier passed).
        """
        candidates: list[tuple[str, Allocation | None]] = [
            *((n, r.allocation) for n, r in zip(self.names, self.own, strict=True)),
            ("robust", self.allocation)]
        rows = []
        for whose, alloc in candidates:
            for name, s in zip(self.names, self.scenarios, strict=True):
                ver = check(s, alloc) if alloc is not None else None
                rows.append({"allocation": whose, "scenario": name,
                             "max_deviation_htv": _f(ver.max_deviation if ver else None),
                             "total_deviation_htv": _f(ver.total_deviation if ver else None),
                             "rules_hold": bool(ver is not None and ver.passed)})
        return _with_attrs(pd.DataFrame(rows), self)

    def area_frame(self) -> pd.DataFrame:
        """Per area and scenario: caseload target, own optimum and robust allocation.

        Columns: area, scenario, target_htv (caseload-proportional customer service in
        that scenario), own_htv, robust_htv [customer-service HTV].
        """
        robust = _area_htv(self.scenarios[0], self.allocation)
        rows = []
        for name, own in zip(self.names, self.own, strict=True):
            frame = own.by_area()
            targets = dict(zip(frame["area"], frame["target_htv"], strict=True))
            mine = _area_htv(own.scenario, own.allocation)
            for a in self.scenarios[0].areas:
                rows.append({"area": a.name, "scenario": name,
                             "target_htv": float(targets[a.name]),
                             "own_htv": _f(mine.get(a.name)), "robust_htv": _f(robust.get(a.name))})
        return _with_attrs(pd.DataFrame(rows), self)

    def allocation_frame(self) -> pd.DataFrame:
        """The robust allocation in the long format of allocation.csv.

        Columns: area, municipality, office, service_line, htv [HTV]; every allowed
        combination, zeros included, in file order; central services as rows with
        service_line 'central:<name>'.
        """
        first = self.own[0]
        cells = self.allocation.cells if self.allocation else {}
        central = self.allocation.central if self.allocation else {}
        g = first.data.granularity
        rows = [{"area": first.data.area_of[m], "municipality": m, "office": o,
                 "service_line": ln, "htv": float(cells.get((m, o, ln), 0) * g)}
                for m, o in first.data.pairs for ln in first.data.lines]
        for (svc, o), units in central.items():
            rows.append({"area": first.data.office(o).area, "municipality": first.data.office(o).municipality,
                         "office": o, "service_line": f"central:{svc}", "htv": float(units * g)})
        return _with_attrs(pd.DataFrame(rows), self)

    def footer(self) -> str:
        """The reproducibility line for charts: versions, every scenario's hash, the proof."""
        hashes = ", ".join(f"'{n}' sha256:{scenario_sha256(s)[:12]}"
                           for n, s in zip(self.names, self.scenarios, strict=True))
        proof = "proven optimal" if self.status == Status.OPTIMAL else str(self.status).lower()
        check = "verified in every scenario" if self.verified else "NOT verified"
        return (f"allocator {__version__} · OR-Tools {ortools_version} · robust allocation, "
                f"{proof}, {check}\nscenarios: {hashes}")


def _f(value: Fraction | None) -> float:
    return float("nan") if value is None else float(value)


def _with_attrs(frame: pd.DataFrame, result: RobustResult) -> pd.DataFrame:
    frame.attrs.update(analysis="robust", scenarios=result.names,
                       areas=[a.name for a in result.scenarios[0].areas], footer=result.footer())
    return frame


def _area_htv(s: Scenario, allocation: Allocation | None) -> dict[str, Fraction]:
    """Customer-service HTV per area [HTV]; empty without an allocation."""
    if allocation is None:
        return {}
    return allocation.area_htv(s.area_of(), (a.name for a in s.areas))


#: A scenario's own allocation as robust_allocate makes it, by (scenario_sha256, source,
#: time limit): the same validated scenario with the same settings gives the same result.
Solved = dict[tuple[str, str | None, float | None], Result]


def own_allocation(s: Scenario, source: str | Path | None, time_limit: float | None,
                   solved: Solved | None = None, certify: bool = False) -> Result:
    """``allocate`` of ``s`` with its own settings, taken from ``solved`` when it is there
    (and kept there): a greedy choice over many sets allocates the same scenario again
    and again. With ``certify``, the network-flow certificate stands in for CP-SAT's proof
    where it covers ``s`` (the same optimum; the result's proof says which)."""
    settings = settings_for(s, time_limit)
    if certify:
        settings = replace(settings, flow_certificate=True)
    if solved is None:
        return allocate(s, settings, source=source)
    key = (scenario_sha256(s), None if source is None else str(source), time_limit)
    if key not in solved:
        solved[key] = allocate(s, settings, source=source)
    return solved[key]


def robust_allocate(scenarios: Sequence[Scenario], sources: Sequence[str | Path] | None = None,
                    time_limit: float | None = None,
                    solved: Solved | None = None, certify: bool = False) -> RobustResult:
    """One allocation for all ``scenarios`` (see the module docstring), verified in each.

    Raises ScenarioError naming the first scenario's differing field in each other
    scenario. Conflicting rules do not raise: the status is INFEASIBLE and ``conflicts``
    say which (a scenario whose own rules conflict is named with its own conflicts).
    ``solved`` holds the scenarios' own allocations across calls, and ``certify`` lets
    the network-flow certificate prove them where it covers them (see own_allocation).
    """
    if not scenarios:
        raise ValueError("robust allocation needs at least one scenario")
    names = [str(p) for p in sources] if sources is not None else [s.name for s in scenarios]
    problems = structure_differences(scenarios, names)
    if problems:
        raise ScenarioError(problems)
    given = [central_sizes(s) for s in scenarios]
    scenarios, chosen = sized_for_all(scenarios)
    files: list[str | Path | None] = list(sources) if sources is not None else [None] * len(scenarios)
    own = [own_allocation(s, src, time_limit, solved, certify)
           for s, src in zip(scenarios, files, strict=True)]
    result = RobustResult(list(scenarios), names, Status.INFEASIBLE, None, own,
                          central_sizes=chosen,
                          given_sizes=[{n: g[n] for n in chosen} for g in given])
    for name, r in zip(names, own, strict=True):
        if r.status == Status.INFEASIBLE:
            result.conflicts += [replace(c, message=f"{name}: {c.message}") for c in r.conflicts] \
                or [Conflict((), f"{name}: the scenario's own rules cannot all hold")]
    if result.conflicts:
        return result
    datas = [r.data for r in own]
    built, _ = build_robust(datas)
    limit = time_limit if time_limit is not None else scenarios[0].solver.time_limit
    settings = SolveSettings(time_limit=limit, workers=scenarios[0].solver.workers)
    start = time.perf_counter()
    outcome = solve(built, settings, stages=ROBUST_STAGES)
    result.solve_time = time.perf_counter() - start
    result.status = outcome.status
    result.stages = outcome.stages
    result.allocation = outcome.allocation
    if outcome.status == Status.INFEASIBLE:
        result.conflicts = shared_rule_conflicts(datas, names) or [Conflict(
            (), "the scenarios' rules cannot all hold for one allocation, though each "
                "scenario's rules can hold alone")]
    if outcome.allocation is not None:
        result.verifications = [check(s, outcome.allocation) for s in scenarios]
    return result
