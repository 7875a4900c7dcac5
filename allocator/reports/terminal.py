"""Result -> terminal tables (rich): what the HR planner reads after ``allocate``.

Every table is built from the Result's DataFrames, so the terminal shows the same
numbers as the files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from allocator.engine.costs import EQUAL_KEY, SHARES_KEY, USE_KEY, Costs
from allocator.engine.result import Moves, Result, Status

if TYPE_CHECKING:
    from rich.console import RenderableType

    from allocator.engine.explain import Explanation


def _fmt(value: Any, digits: int) -> str:
    return f"{value:.{digits}f}"


def _signed(value: float, digits: int) -> str:
    text = f"{value:+.{digits}f}"
    return text if text.strip("+-0.") else f"{0:.{digits}f}"


def allocation_table(r: Result) -> Table:
    """HTV by area -> office -> municipality served, per line; central services on own rows."""
    digits = r.digits
    alloc = r.allocation_frame()
    central = r.central_frame()
    by_area = r.by_area().set_index("area")
    t = Table(title="Allocation [HTV] by responsibility area, office and municipality served",
              box=box.SIMPLE_HEAVY, title_justify="left", show_footer=False)
    t.add_column("Area")
    t.add_column("Office")
    t.add_column("Serves / service", min_width=22)
    for ln in r.lines:
        t.add_column(r.line_labels[ln], justify="right", max_width=15, overflow="fold")
    t.add_column("Total", justify="right", style="bold")
    for area in r.areas:
        in_area = alloc[alloc["area"] == area]
        first = True
        for office in dict.fromkeys(in_area["office"]):
            rows = in_area[in_area["office"] == office]
            for muni in dict.fromkeys(rows["municipality"]):
                mr = rows[rows["municipality"] == muni]
                values = [float(mr[mr["service_line"] == ln]["htv"].sum()) for ln in r.lines]
                t.add_row(area if first else "", office, muni,
                          *(_fmt(v, digits) for v in values), _fmt(sum(values), digits))
                first = False
            for _, c in central[central["office"] == office].iterrows():
                t.add_row("", office, Text(f"central: {c['label']}", style="italic"),
                          *("" for _ in r.lines), _fmt(c["htv"], digits))
        area_total = by_area.loc[area]
        t.add_row("", "", Text(f"{area} total", style="bold"),
                  *(Text(_fmt(area_total[ln], digits), style="bold") for ln in r.lines),
                  _fmt(area_total["total_htv"], digits), end_section=True)
    total = by_area.loc["Total"]
    t.add_row(Text("All areas", style="bold"), "", Text("customer service + central", style="bold"),
              *(Text(_fmt(total[ln], digits), style="bold") for ln in r.lines),
              Text(_fmt(total["total_htv"], digits), style="bold reverse"))
    return t


def lines_table(r: Result) -> Table:
    """Service-line totals and shares against their targets."""
    digits = r.digits
    t = Table(title="Service lines: share of customer service against target",
              box=box.SIMPLE_HEAVY, title_justify="left")
    for col in ("Service line", "HTV", "Share", "Target", "Allowed [HTV]"):
        t.add_column(col, justify="left" if col == "Service line" else "right")
    for _, row in r.by_line().iterrows():
        t.add_row(str(row["label"]), _fmt(row["htv"], digits), f"{row['share']:.1%}",
                  f"{row['target_share']:.0%} ± {row['tolerance'] * 100:g} pp",
                  f"{_fmt(row['min_htv'], digits)}–{_fmt(row['max_htv'], digits)}")
    return t


def caseload_table(r: Result) -> Table:
    """Per area: unemployed jobseekers per customer-service HTV, and target vs allocation."""
    digits = r.digits
    t = Table(title="Caseload per area: unemployed jobseekers per customer-service HTV",
              box=box.SIMPLE_HEAVY, title_justify="left")
    for col in ("Area", "Unemployed", "Customer HTV", "Unemployed / HTV", "Target HTV",
                "Difference"):
        t.add_column(col, justify="left" if col == "Area" else "right")
    for _, row in r.by_area().iterrows():
        style = "bold" if row["area"] == "Total" else None
        unemployed = "" if row["unemployed"] != row["unemployed"] else f"{row['unemployed']:.0f}"
        ratio = ("" if row["unemployed_per_htv"] != row["unemployed_per_htv"]
                 else f"{row['unemployed_per_htv']:.1f}")
        t.add_row(str(row["area"]), unemployed, _fmt(row["customer_htv"], digits), ratio,
                  f"{row['target_htv']:.3f}",
                  _signed(row["customer_htv"] - row["target_htv"], 3), style=style)
    return t


def targets_table(r: Result) -> Table:
    """Per area and line: caseload-proportional target, allocation, difference."""
    digits = r.digits
    t = Table(title="Caseload-proportional targets by area and service line [HTV]",
              box=box.SIMPLE_HEAVY, title_justify="left")
    t.add_column("Area")
    for ln in r.lines:
        t.add_column(f"{r.line_labels[ln]}\ntarget → got (diff)", justify="right")
    frame = r.area_line_frame()
    for area in r.areas:
        cells = []
        for ln in r.lines:
            row = frame[(frame["area"] == area) & (frame["service_line"] == ln)].iloc[0]
            cells.append(f"{row['target_htv']:.3f} → {_fmt(row['htv'], digits)} "
                         f"({_signed(row['difference_htv'], 3)})")
        t.add_row(area, *cells)
    return t


def verdict(r: Result, end_to_end: float | None = None) -> Text:
    """The solver's and the verifier's verdicts with the time taken."""
    text = Text()
    stages = {st.name: st for st in r.solver.stages}
    if r.status == Status.OPTIMAL:
        text.append("Solver: proven optimal", style="bold green")
    elif r.status == Status.FEASIBLE:
        why = r.solver.unproven or "time limit"
        text.append(f"Solver: feasible, not proven optimal ({why})", style="bold yellow")
    else:
        text.append(f"Solver: {r.status}", style="bold red")
    for name, what in (("max_deviation", "largest cell deviation"),
                       ("total_deviation", "total deviation")):
        st = stages.get(name)
        value = r.objective_htv(name)
        if st is not None and value is not None:
            gap = "" if st.objective == st.bound or st.bound is None else (
                f", stage bound {r.stage_bound_htv(name):.4f}")
            text.append(f" · {what} {value:.4f} HTV{gap}")
    text.append(f" · solve {r.solver.solve_time:.2f} s, build {r.solver.build_time:.2f} s")
    text.append("\n")
    if r.verification is None:
        text.append("Verifier: not run (no allocation)", style="bold red")
    elif r.verification.passed:
        text.append("Verifier: passed", style="bold green")
        text.append(" — every rule re-checked independently; objective recomputed: largest "
                    f"deviation {float(r.verification.max_deviation):.4f} HTV, total "
                    f"{float(r.verification.total_deviation):.4f} HTV")
    else:
        text.append(f"Verifier: FAILED ({len(r.verification.violations)} violations)",
                    style="bold red")
        for v in r.verification.violations:
            text.append(f"\n  {v}")
    if end_to_end is not None:
        text.append(f"\nEnd to end: {end_to_end:.2f} s")
    return text


def tie_text(r: Result) -> Text:
    """Whether a tie between equally good allocations was broken, and how."""
    if r.tie is None and not r.tie_checked:
        return Text("Ties: not checked (large model, or not decided within the time limit).",
                    style="dim")
    if r.tie is None:
        return Text("Ties: none — no other allocation is as good at the municipality × line level.",
                    style="dim")
    return Text(f"Tie broken: {r.tie.describe()}.", style="yellow")


def explanation_tables(r: Result, e: Explanation) -> Group:
    """The waterfall by area and line, each cell's story, and what each rule costs."""
    digits = r.digits
    area = Table(title="Why each area got its share [HTV]: target → rounding → rules → final "
                       "(rule columns shown where they change something)",
                 box=box.SIMPLE_HEAVY, title_justify="left")
    frame = e.area_frame()
    steps = [step for step in e.steps if (frame[step].abs() > 1e-9).any()]
    for col in ("Area", "Service line", "Target", "Rounding", *steps, "Final"):
        area.add_column(col, justify="left" if col in ("Area", "Service line") else "right")
    last_area = None
    for _, row in frame.iterrows():
        name = "" if row["area"] == last_area else str(row["area"])
        last_area = row["area"]
        area.add_row(name, r.line_labels[row["service_line"]], f"{row['target_htv']:.3f}",
                     _fmt(row["rounded_htv"], digits),
                     *(_signed(row[step], digits) for step in steps),
                     _fmt(row["final_htv"], digits))
    cells = Text()
    cells.append("Every municipality × line: caseload × weights → demand share → target → "
                 "rounding → rule adjustments → final [HTV]\n", style="italic")
    area_rank = {a: i for i, a in enumerate(r.areas)}
    for c in sorted(e.cells, key=lambda c: area_rank[c.area]):
        inputs = " + ".join(f"{f} {float(v):g} of {float(total):g} × {float(w):.2f}"
                            for f, v, total, w in c.inputs)
        cells.append(f"{c.municipality} · {r.line_labels[c.line]}", style="bold")
        cells.append(f"  (area {c.area})\n")
        cells.append(f"    {inputs} → demand share {float(c.demand_share):.2%} of "
                     f"{float(c.line_htv):.3f} HTV\n")
        cells.append(f"    target {float(c.target):.4f} → rounded {_fmt(float(c.rounded), digits)}")
        for a in c.adjustments:
            cells.append(f" → {a.detail}", style="yellow")
        cells.append(f" → final {_fmt(float(c.final), digits)}\n")
    rules = Table(title="Rules at the optimum: tight = no room left; binds = relaxing it alone "
                        "would bring the allocation closer to the targets (re-solved)",
                  box=box.SIMPLE_HEAVY, title_justify="left")
    for col in ("Rule", "Tight", "Binds", "Cost: largest dev.", "Cost: total dev."):
        rules.add_column(col, justify="left" if col == "Rule" else "right")
    for rule in e.rules:
        rules.add_row(rule.description, "yes" if rule.tight else "no",
                      Text("yes", style="bold") if rule.binds else "no",
                      f"{float(rule.cost_max):.4f}", f"{float(rule.cost_total):.4f}")
    if not e.binding:
        summary = Text("No rule binds: every municipality × line is its exact quota rounded to "
                       "the granularity.", style="green")
    else:
        summary = Text("Binding: " + ", ".join(b.rule for b in e.binding), style="yellow")
    return Group(area, cells, rules, summary)


def conflicts_text(r: Result) -> Text:
    """Which rules conflict and what would resolve it."""
    text = Text("The rules cannot all hold.\n", style="bold red")
    for c in r.conflicts:
        text.append(f"- {c.message}\n")
        if c.fix:
            text.append(f"  fix: {c.fix}\n", style="yellow")
    if not r.conflicts:
        text.append("- the solver proved infeasibility but could not isolate the rules in time\n")
    return text


def render(r: Result, end_to_end: float | None = None,
           explanation: Explanation | None = None) -> RenderableType:
    """Everything the terminal shows for ``r`` (with the explanation, when given)."""
    title = Text(f"{r.scenario.title or r.scenario.name}", style="bold")
    title.append(f"  (scenario '{r.scenario.name}', total {r.total_htv} HTV)",
                 style="dim")
    if r.allocation is None:
        return Group(title, conflicts_text(r) if r.status == Status.INFEASIBLE else Text(""),
                     verdict(r, end_to_end))
    parts: list[RenderableType] = [title, allocation_table(r), lines_table(r),
                                   caseload_table(r), targets_table(r)]
    moves = r.moves()
    if moves is not None:
        parts.append(moves_table(r, moves))
    costs = r.costs()
    if costs is not None:
        parts += cost_tables(r, costs)
    assumed = r.assumptions_frame()
    if len(assumed):
        parts.append(assumptions_table(assumed))
    if explanation is not None:
        parts.append(explanation_tables(r, explanation))
    parts += [tie_text(r), verdict(r, end_to_end)]
    return Group(*parts)


def assumptions_table(assumed: pd.DataFrame) -> Table:
    """The scenario's values that are modelling choices; why each was chosen is in the
    scenario file, summary.json and the workbook (too long for a terminal row)."""
    t = Table(title="Assumptions: values that are modelling choices, not figures of the source",
              box=box.SIMPLE_HEAVY, title_justify="left")
    t.add_column("Field", no_wrap=True)
    t.add_column("Value as used", overflow="fold")
    for _, row in assumed.iterrows():
        t.add_row(str(row["field"]), str(row["value"]))
    t.caption = ("Why each was chosen: the 'assumed:' beside it in the scenario, summary.json "
                 "and the workbook's assumptions sheet.")
    t.caption_justify = "left"
    return t


def eur(value: float) -> str:
    """Euros to the cent with thousands separated: 1,234.50."""
    return f"{value:,.2f}"


def key_title(key: str) -> str:
    """A sharing key as a column heading: a feature's name, 'equal shares', ..."""
    return {EQUAL_KEY: "equal shares", SHARES_KEY: "agreed shares",
            USE_KEY: "by use"}.get(key, key.replace("_", " "))


def costs_table(r: Result, costs: Costs) -> Table:
    """Per municipality: what its customer service, its offices and its share of the central
    services cost [EUR/year], with the area's total."""
    frame = costs.frame()
    t = Table(title="What it costs each municipality [EUR/year]", box=box.SIMPLE_HEAVY,
              title_justify="left")
    for col in ("Municipality", "Customer HTV", "Customer service", "Offices", "Central",
                "Total"):
        t.add_column(col, justify="left" if col == "Municipality" else "right")
    for _, row in frame.iterrows():
        t.add_row(str(row["municipality"]), _fmt(row["customer_htv"], r.digits),
                  eur(row["customer_service_eur"]), eur(row["offices_eur"]),
                  eur(row["central_eur"]), eur(row["total_eur"]))
    t.add_row("All municipalities", _fmt(float(frame["customer_htv"].sum()), r.digits),
              *(eur(float(costs.part_eur(p))) for p in ("customer_service", "offices", "central")),
              Text(eur(float(costs.total_eur)), style="bold"), style="bold")
    offices = ("the municipalities each office serves, by its customer service for each"
               if costs.office_costs == "served" else "the municipality each office is in")
    t.caption = (f"One HTV costs {eur(float(costs.htv_eur))} EUR/year. Customer service is paid "
                 f"by the municipality served; offices by {offices}; the central services "
                 f"({float(costs.central_htv):.{r.digits}f} HTV) are shared by "
                 f"{key_title(costs.key)}. Rounded to the cent so that the rows add up.")
    t.caption_justify = "left"
    return t


def keys_table(costs: Costs) -> Table:
    """Which key? Each municipality's share of the central services under the common keys
    side by side, and what it would pay [EUR/year]."""
    frame = costs.keys_frame()
    t = Table(title="Which key? Central services' share and cost [EUR/year] per municipality "
                    "under each key", box=box.SIMPLE_HEAVY, title_justify="left")
    t.add_column("Municipality")
    for key in costs.keys:
        chosen = " (used)" if key == costs.key else ""
        t.add_column(f"{key_title(key)}{chosen}", justify="right")
    for _, row in frame.iterrows():
        t.add_row(str(row["municipality"]),
                  *(f"{row[f'share_{k}']:.1%} · {eur(row[f'central_eur_{k}'])}"
                    for k in costs.keys))
    if USE_KEY in costs.keys:
        t.caption = ("By use: each central service sized by a caseload feature is shared by "
                     "that feature, the others by the key used.")
        t.caption_justify = "left"
    return t


def reference_table(r: Result, costs: Costs) -> Table | None:
    """The caseload-based split beside the reference split of the same budget."""
    frame = costs.reference_frame()
    ref = costs.reference
    if frame is None or ref is None:
        return None
    weights = ", ".join(f"{f.replace('_', ' ')} {float(w):.0%}" for f, w in ref.weights.items())
    t = Table(title=f"Caseload-based split against the reference '{ref.label}' ({weights}) "
                    "[EUR/year, HTV]", box=box.SIMPLE_HEAVY, title_justify="left")
    for col in ("Municipality", "Caseload EUR", "Reference EUR", "Difference EUR",
                "Caseload HTV", "Reference HTV", "Difference HTV"):
        t.add_column(col, justify="left" if col == "Municipality" else "right")
    for _, row in frame.iterrows():
        t.add_row(str(row["municipality"]), eur(row["total_eur"]), eur(row["reference_eur"]),
                  f"{row['difference_eur']:+,.2f}", f"{row['htv']:.2f}",
                  f"{row['reference_htv']:.2f}", _signed(row["difference_htv"], 2))
    t.caption = ("Caseload HTV: customer service given to the municipality plus its key share "
                 "of the central services. Reference: the same budget split by the weighted "
                 "shares of the criteria (an assumption; see the scenario).")
    t.caption_justify = "left"
    return t


def cost_tables(r: Result, costs: Costs) -> list[RenderableType]:
    """The costs per municipality, the keys side by side and the reference split."""
    out: list[RenderableType] = [costs_table(r, costs), keys_table(costs)]
    ref = reference_table(r, costs)
    if ref is not None:
        out.append(ref)
    return out


def moves_table(r: Result, moves: Moves) -> Table:
    """Per office: today's customer-service HTV, the allocation and the change."""
    digits = r.digits
    note = " (today's staffing is illustrative)" if moves.illustrative else ""
    t = Table(title=f"Moves from today's staffing per office [HTV]{note}", box=box.SIMPLE_HEAVY,
              title_justify="left")
    for col in ("Office", "Today", "Allocated", "Change"):
        t.add_column(col, justify="left" if col == "Office" else "right")
    for _, row in moves.frame.iterrows():
        t.add_row(str(row["office"]), _fmt(row["today_htv"], digits), _fmt(row["htv"], digits),
                  _signed(row["change_htv"], digits))
    cap = ("" if moves.cap_htv is None
           else f"; cap {_fmt(float(moves.cap_htv), digits)} per office")
    moved = float(moves.moved_htv) if moves.moved_htv is not None else 0.0
    t.caption = (f"HTV moved: {moved:.2f} "
                 f"(half the sum of changes{', by line where known' if moves.by_line else ''})"
                 f"; price per HTV moved {float(moves.move_weight):g}{cap}")
    return t


def print_result(r: Result, console: Console | None = None, end_to_end: float | None = None,
                 explanation: Explanation | None = None) -> None:
    """Print the report of ``r`` to the terminal."""
    (console or Console(markup=False, emoji=False)).print(render(r, end_to_end, explanation))
