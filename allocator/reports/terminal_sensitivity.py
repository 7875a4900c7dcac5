"""Sensitivity and robust results -> rich tables on the terminal.

One function per analysis of allocator.analysis.sensitivity and allocator.analysis.robust,
each printing what its command shows, so that the commands only read options and exit.
"""

from __future__ import annotations

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from allocator.analysis.monte_carlo import paradox_counts
from allocator.analysis.paradox import ALABAMA, Summary, kind_of, summarise
from allocator.analysis.robust import RobustResult
from allocator.analysis.tipping import most_sensitive


def htv(value: float, digits: int = 2) -> str:
    """An HTV figure at ``digits`` decimals; a missing value (NaN) as a dash."""
    return "–" if value != value else f"{value:.{digits}f}"


def signed(value: float, digits: int = 2) -> str:
    """A change with its sign; one that rounds to zero without a sign, NaN as a dash."""
    if value != value:
        return "–"
    text = f"{value:+.{digits}f}"
    return text if text.strip("+-0.") else f"{0:.{digits}f}"


def print_sweep(frame: pd.DataFrame, console: Console) -> None:
    """One table per swept parameter: each value's HTV by area and the solve's status."""
    areas = list(frame.attrs.get("areas", dict.fromkeys(frame["area"])))
    for param in dict.fromkeys(frame["parameter"]):
        part = frame[frame["parameter"] == param]
        t = Table(title=f"Sweep of {param}: customer-service HTV by area",
                  box=box.SIMPLE_HEAVY, title_justify="left")
        t.add_column(param, justify="right")
        for a in areas:
            t.add_column(a, justify="right")
        t.add_column("Status")
        for value in dict.fromkeys(part["value"]):
            rows = part[part["value"] == value].set_index("area")
            status = str(rows["status"].iloc[0])
            note = str(rows["message"].iloc[0])
            shown = (Text(status) if status in ("OPTIMAL",)
                     else Text.assemble((status, "red"), f": {note}"))
            t.add_row(f"{value:g}", *(htv(float(rows.loc[a, "htv"])) for a in areas), shown)
        console.print(t)


#: How each level is named in the paradox lines.
LEVEL_WORDS = {"cell": "a municipality × line cell's", "municipality": "a municipality's",
               "area": "an area's"}


def paradox_line(s: Summary, pair: str, why: str, at: str) -> str:
    """One plain-words line of a paradox summary, e.g. "Alabama paradox: in 32 of 500 steps
    an area's HTV fell while total_htv rose, e.g. Parkano 4.03 -> 4.02 HTV at total_htv
    30.13 -> 30.14"."""
    e = s.largest
    name = "Alabama paradox" if s.kind == ALABAMA else "Population paradox"
    return (f"{name}: in {s.steps} of {s.of} {pair} {LEVEL_WORDS[s.level]} HTV fell while "
            f"{why}, e.g. {e['name']} {float(e['htv_before']):.2f} -> "  # type: ignore[arg-type]
            f"{float(e['htv_after']):.2f} HTV {at.format(**e)}")  # type: ignore[arg-type]


def print_sweep_paradoxes(events: pd.DataFrame, console: Console) -> None:
    """Per swept parameter that can show a paradox (total_htv, a caseload figure), one line
    per paradox kind and level seen, or that none was."""
    steps: dict[str, int] = events.attrs.get("steps", {})
    for param, of in steps.items():
        if kind_of(param) is None:
            continue
        part = events[events["parameter"] == param]
        found = summarise(part, of)
        for s in found:
            why = (f"{param} rose" if s.kind == ALABAMA
                   else "its own caseload rose")
            console.print(paradox_line(s, "steps", why,
                                       f"at {param} {{from_value:g}} -> {{to_value:g}}"))
        if not found:
            console.print(f"No Alabama or population paradox in the {of} steps of {param}.")


def print_mc_paradoxes(events: pd.DataFrame, console: Console) -> None:
    """One line per level with population paradoxes in the Monte Carlo runs, naming the
    items hit most often, or one line saying there were none."""
    runs = int(events.attrs.get("runs", 0))
    found = summarise(events, runs, keys=("run",))
    counts = paradox_counts(events)
    for s in found:
        most = counts[counts["level"] == s.level].head(5)
        often = ", ".join(f"{r.name} {r.runs}" for r in most.itertuples())
        console.print(paradox_line(s, "runs", "its own caseload rose against the base",
                                   "in run {run}") + f" (runs per item: {often})")
    if not found:
        console.print(f"No population paradox in the {runs} runs: no area, municipality or "
                      "cell lost HTV while its own caseload rose against the base and its "
                      "target did not fall.")


def print_tornado(frame: pd.DataFrame, console: Console, top: int, change: float) -> None:
    """One table per area: the ``top`` inputs that move it most, down and up by ``change`` %."""
    pct = f"{change:g}"
    for area in dict.fromkeys(frame["area"]):
        rows = frame[frame["area"] == area].head(top)
        base = float(rows["base_htv"].iloc[0])
        t = Table(title=f"{area} ({base:.2f} HTV of customer service): inputs that move it most "
                        f"when moved ±{pct} % [change in HTV]",
                  box=box.SIMPLE_HEAVY, title_justify="left")
        for name, justify in (("#", "right"), ("Input", "left"), ("Base value", "right"),
                              (f"−{pct} %", "right"), (f"+{pct} %", "right")):
            t.add_column(name, justify=justify)  # type: ignore[arg-type]
        for _, r in rows.iterrows():
            t.add_row(str(r["rank"]), str(r["label"]), f"{r['base_value']:g}",
                      signed(r["low_change_htv"]) if r["low_status"] != "INVALID"
                      else "invalid", signed(r["high_change_htv"]) if r["high_status"] !=
                      "INVALID" else "invalid")
        console.print(t)


def print_tipping(frame: pd.DataFrame, console: Console, top: int | None = None) -> None:
    """One table: per area, the inputs that tip it soonest (all of them without ``top``),
    each with the smallest change down and up that moves the area by the threshold."""
    threshold = float(frame.attrs.get("threshold", 0.1))
    shown = most_sensitive(frame, top) if top is not None else frame
    more = shown.attrs.get("more", {})
    t = Table(title=f"Tipping points: the smallest relative change of an input that moves an "
                    f"area's customer-service HTV by at least {threshold:g} HTV"
                    + (f" (per area the {top} inputs that tip it soonest)"
                       if top is not None and any(more.values()) else ""),
              box=box.SIMPLE_HEAVY, title_justify="left")
    for name, justify in (("Area", "left"), ("Input", "left"), ("Base value", "right"),
                          ("Down", "right"), ("Up", "right"), ("Note", "left")):
        t.add_column(name, justify=justify)  # type: ignore[arg-type]
    last = None
    for (area, _input), rows in shown.groupby(["area", "input"], sort=False):
        if last is not None and area != last and more.get(last):
            t.add_row("", f"… {more[last]} more inputs in tipping.csv", "", "", "", "",
                      style="dim", end_section=True)
        last = area
        by = rows.set_index("direction")
        notes = {str(n) for n in rows["note"] if n}
        notes |= {f"{d}: {s}" for d, s in zip(rows["direction"], rows["status"], strict=True)
                  if s and s != "OPTIMAL"}
        t.add_row(str(area), str(by["label"].iloc[0]), f"{by['base_value'].iloc[0]:g}",
                  str(by.loc["down", "result"]), str(by.loc["up", "result"]),
                  "; ".join(sorted(notes)))
    if last is not None and more.get(last):
        t.add_row("", f"… {more[last]} more inputs in tipping.csv", "", "", "", "", style="dim")
    console.print(t)


def print_stability(summary: pd.DataFrame, console: Console) -> None:
    """One table of the Monte Carlo summary: each area's spread and how often it moved."""
    a = summary.attrs
    t = Table(title=f"Monte Carlo: {a.get('runs')} caseload draws ({a.get('model')}, seed "
                    f"{a.get('seed')}): customer-service HTV by area",
              box=box.SIMPLE_HEAVY, title_justify="left")
    for name in ("Area", "Base", "Mean", "SD", "5 %", "Median", "95 %",
                 f"Moved > {a.get('threshold', 0.1):g} HTV", "No allocation"):
        t.add_column(name, justify="left" if name == "Area" else "right")
    for _, r in summary.iterrows():
        t.add_row(str(r["area"]), htv(r["base_htv"]), htv(r["mean_htv"]),
                  htv(r["sd_htv"], 3), htv(r["p05_htv"]), htv(r["median_htv"]),
                  htv(r["p95_htv"]),
                  "–" if r["moved_share"] != r["moved_share"] else f"{r['moved_share']:.0%}",
                  str(r["runs_without_allocation"]))
    console.print(t)


def print_cost_ranges(ranges: pd.DataFrame, console: Console) -> None:
    """The range of each municipality's yearly cost over the Monte Carlo runs [EUR/year];
    nothing when the scenario gives no costs."""
    if not len(ranges):
        return
    t = Table(title="Monte Carlo: each municipality's cost over the draws [EUR/year]",
              box=box.SIMPLE_HEAVY, title_justify="left")
    for name in ("Municipality", "Min", "5 %", "Median", "95 %", "Max"):
        t.add_column(name, justify="left" if name == "Municipality" else "right")
    for _, r in ranges.iterrows():
        name = "All municipalities" if r["municipality"] == "total" else str(r["municipality"])
        t.add_row(name, *(f"{r[c]:,.2f}" for c in ("min_eur", "p05_eur", "median_eur",
                                                    "p95_eur", "max_eur")))
    console.print(t)


def print_robust(result: RobustResult, regret: pd.DataFrame, cross: pd.DataFrame,
                 areas: pd.DataFrame, console: Console) -> None:
    """The robust allocation's regret, every candidate in every scenario, HTV by area, and
    the solver's and verifier's verdicts."""
    t = Table(title="Robust allocation: deviation from each scenario's caseload targets [HTV], "
                    "against the scenario's own optimum", box=box.SIMPLE_HEAVY,
              title_justify="left")
    for name in ("Scenario", "Own max", "Robust max", "Regret max", "Own total", "Robust total",
                 "Regret total", "Rules hold"):
        t.add_column(name, justify="left" if name == "Scenario" else "right")
    if result.central_sizes:
        t.caption = result.sizing_note()
    for _, r in regret.iterrows():
        t.add_row(str(r["scenario"]), htv(r["own_max_deviation_htv"], 4),
                  htv(r["robust_max_deviation_htv"], 4), signed(r["regret_max_htv"], 4),
                  htv(r["own_total_deviation_htv"], 4),
                  htv(r["robust_total_deviation_htv"], 4), signed(r["regret_total_htv"], 4),
                  Text("yes") if r["robust_verified"] else Text("NO", style="red"))
    console.print(t)

    names = list(dict.fromkeys(cross["scenario"]))
    c = Table(title="Each candidate allocation in every scenario: largest cell deviation [HTV]",
              box=box.SIMPLE_HEAVY, title_justify="left")
    c.add_column("Allocation")
    for n in names:
        c.add_column(f"in {n}", justify="right")
    c.add_column("Worst", justify="right", style="bold")
    for whose in dict.fromkeys(cross["allocation"]):
        rows = cross[cross["allocation"] == whose].set_index("scenario")
        cells = [htv(rows.loc[n, "max_deviation_htv"], 4)
                 + ("" if rows.loc[n, "rules_hold"] else " (rules broken)") for n in names]
        label = "robust" if whose == "robust" else f"own optimum of {whose}"
        c.add_row(label, *cells, htv(float(rows["max_deviation_htv"].max()), 4))
    console.print(c)

    a = Table(title="Customer-service HTV by area: robust allocation and each scenario's own "
                    "optimum", box=box.SIMPLE_HEAVY, title_justify="left")
    a.add_column("Area")
    a.add_column("Robust", justify="right", style="bold")
    for n in names:
        a.add_column(f"Own: {n}", justify="right")
    for area in dict.fromkeys(areas["area"]):
        rows = areas[areas["area"] == area].set_index("scenario")
        a.add_row(str(area), htv(float(rows["robust_htv"].iloc[0])),
                  *(htv(float(rows.loc[n, "own_htv"])) for n in names))
    console.print(a)
    proof = "proven optimal" if str(result.status) == "OPTIMAL" else str(result.status)
    verdict = (Text("passed in every scenario") if result.verified
               else Text("FAILED in at least one scenario", style="red"))
    console.print(f"Solver: {proof} · worst cell deviation over all scenarios "
                  f"{float(regret['robust_max_deviation_htv'].max()):.4f} HTV · "
                  f"solve {result.solve_time:.2f} s")
    console.print(Text.assemble("Verifier: ", verdict))
