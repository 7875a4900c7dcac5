"""PlacementResult -> terminal tables (rich): what the HR planner reads after
``allocate place``.

Per office its people and, per assignment, the allocated HTV against the placed FTE;
then the moves with their reasons, vacancies and surplus, and the verdicts. Every figure
comes from the PlacementResult's frames, so the terminal shows what the files hold.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from allocator.engine.placement.result import PlacementResult
from allocator.engine.types import Status


def _signed(value: float) -> str:
    text = f"{value:+.2f}"
    return text if text.strip("+-0.") else "0.00"


def office_tables(pr: PlacementResult) -> list[Table]:
    """One table per staffed office: its people, then allocated against placed per
    assignment."""
    people = pr.people_frame().set_index("person")
    gaps = pr.gaps_frame()
    at = pr.office_people()
    out = []
    assert pr.data is not None
    for spot in pr.data.offices:
        if not spot.staffed and spot.name not in at:
            continue
        ids = at.get(spot.name, [])
        kind = "walk-in office" if spot.kind == "office" else "service point"
        fte = float(people.loc[ids, "fte"].sum()) if ids else 0.0
        t = Table(title=f"{spot.name} ({kind}): {len(ids)} people, {fte:.1f} FTE",
                  box=box.SIMPLE_HEAVY, title_justify="left")
        t.add_column("Person")
        t.add_column("FTE", justify="right")
        t.add_column("Assignments [FTE]")
        t.add_column("Today")
        for i in ids:
            row = people.loc[i]
            today = "" if row["current_office"] == spot.name else f"from {row['current_office']}"
            t.add_row(i, f"{row['fte']:.1f}", str(row["assignments"]), today)
        mine = gaps[gaps["office"] == spot.name]
        t.add_section()
        t.add_row(Text("Assignment", style="bold"), Text("HTV", style="bold"),
                  Text("placed FTE → gap", style="bold"), "")
        for g in mine.to_dict(orient="records"):
            gap = float(g['gap_htv'])
            style = "" if abs(gap) < 0.005 else ("yellow" if gap < 0 else "cyan")
            t.add_row(str(g['label']), f"{g['allocated_htv']:.2f}",
                      Text(f"{g['placed_fte']:.2f} → {_signed(g['gap_htv'])}", style=style), "")
        out.append(t)
    return out


def verdict(pr: PlacementResult) -> Text:
    """The solver's and the verifier's verdicts, in words that are true."""
    text = Text()
    if pr.status == Status.OPTIMAL:
        text.append("Solver: proven optimal", style="bold green")
        text.append(" (every stage: " + ", ".join(st.name for st in pr.stages) + ")")
    elif pr.placement is not None:
        text.append("Solver: feasible, NOT proven optimal (time limit)", style="bold yellow")
        gaps = pr.stage_gaps()
        text.append(" — " + "; ".join(f"{name}: found {st.objective}, bound {st.bound}"
                                      for st in pr.stages if (name := st.name) in gaps))
    else:
        text.append(f"Solver: {pr.status}", style="bold red")
    text.append(f" · placement {pr.solve_time:.2f} s, build {pr.build_time:.2f} s\n")
    v = pr.verification
    if v is None:
        text.append("Verifier: not run (no placement)", style="bold red")
    elif v.passed and v.objective is not None:
        o = v.objective
        text.append("Verifier: passed", style="bold green")
        commute = "" if o.commute is None else f", {float(o.commute):g} minutes of commute"
        text.append(f" — every placement rule re-checked; objective recomputed: largest gap "
                    f"{float(o.max_gap):.2f} HTV, total {float(o.total_gap):.2f} HTV, "
                    f"{o.moved} moved{commute}, {o.split} split over two assignments")
    else:
        text.append(f"Verifier: FAILED ({len(v.violations)} violations)", style="bold red")
        for x in v.violations[:20]:
            text.append(f"\n  {x}")
    return text


def print_placement(pr: PlacementResult, console: Console, end_to_end: float | None = None) -> None:
    """Everything the planner reads about a placement."""
    s = pr.allocation.scenario
    console.print(Text(f"Placing {len(pr.roster.people)} people ({float(pr.roster.total_fte):.1f} "
                       f"FTE) on {s.title or s.name} ({float(pr.allocation.total_htv):.2f} HTV)",
                       style="bold"))
    if pr.placement is None:
        for c in pr.conflicts:
            console.print(Text(f"Conflict: {c.message}", style="red"))
            if c.fix:
                console.print(f"  fix: {c.fix}")
        console.print(verdict(pr))
        return
    for t in office_tables(pr):
        console.print(t)
    moves = pr.moves()
    console.print(Text(f"Moves: {len(moves)} of {len(pr.roster.people)} people", style="bold"))
    for m in moves:
        minutes = "" if m.minutes is None else f" ({float(m.minutes):g} minutes)"
        console.print(f"  {m}{minutes}")
    vac, sur = pr.vacancies_frame(), pr.surplus_frame()
    console.print(Text(f"Vacancies to recruit: {vac['vacancy_htv'].sum():.2f} HTV", style="bold"))
    for g in vac.to_dict(orient="records"):
        console.print(f"  {g['office']} · {g['label']}: {g['vacancy_htv']:.2f} HTV")
    console.print(Text(f"Surplus: {sur['surplus_htv'].sum():.2f} FTE", style="bold"))
    for g in sur.to_dict(orient="records"):
        console.print(f"  {g['office']} · {g['label']}: {g['surplus_htv']:.2f} FTE more "
                      "than allocated")
    console.print(verdict(pr))
    if end_to_end is not None:
        console.print(f"End to end: {end_to_end:.2f} s", style="dim")
