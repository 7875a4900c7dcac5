"""Result -> terminal output (rich): what the HR planner reads after ``allocate``.

Every table is built from the Result's DataFrames, so the terminal shows the same
numbers as the files. Tables keep every number whole at any width: the allocation lays
itself out for the terminal (allocator.reports.grid), the others let their text columns
wrap and never their numbers. ``lang`` 'fi' prints Finnish with decimal commas.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pandas as pd
from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from allocator.engine.costs import USE_KEY, Costs
from allocator.engine.result import Moves, Result, Status
from allocator.engine.rules import RULES
from allocator.reports.grid import Column, Fitted, Grid, Row
from allocator.reports.terminal_text import say, step_name
from allocator.scenario.features import feature_name, key_name
from allocator.scenario.language import general, localise_text, num, pct, signed

if TYPE_CHECKING:
    from rich.console import RenderableType

    from allocator.engine.explain import Explanation


def _fmt(value: Any, digits: int, lang: str = "en") -> str:
    return num(value, digits, lang)


def _signed(value: float, digits: int, lang: str = "en") -> str:
    return signed(value, digits, lang)


def _table(title: str) -> Table:
    return Table(title=title, box=box.SIMPLE_HEAVY, title_justify="left")


def line_name(r: Result, line: str, lang: str = "en", short: bool = False) -> str:
    """A service line's name in ``lang`` from the scenario (its short name when asked)."""
    ln = next(x for x in r.scenario.service_lines if x.name == line)
    return ln.short_in(lang) if short else ln.title_in(lang)


def office_name(r: Result, office: str, lang: str = "en") -> str:
    """An office's name in ``lang`` from the scenario."""
    return next((o.title_in(lang) for o in r.scenario.offices if o.name == office), office)


def central_basis(r: Result, service: str, lang: str = "en") -> str:
    """Why a central service has its size, in words: '107 foreign nationals / 50 per HTV',
    or a fixed (or assumed) size."""
    need = next(c for c in r.data.central if c.name == service)
    if need.driven_by is not None and need.persons is not None and need.persons_per_htv:
        return say("basis_feature", lang, persons=general(need.persons, lang),
                   feature=feature_name(r.scenario, need.driven_by, lang),
                   per=general(need.persons_per_htv, lang))
    assumed = r.scenario.assumption_for(f"central_services.{service}.htv") is not None
    return say("basis_assumed" if assumed else "basis_fixed", lang)


def allocation_table(r: Result, lang: str = "en") -> Grid:
    """HTV by area -> office -> municipality served, per line, with every total; each
    central service on one line with the reason for its size."""
    digits = r.digits
    alloc = r.allocation_frame()
    central = r.central_frame()
    by_area = r.by_area().set_index("area")
    services = {c.name: c for c in r.scenario.central_services}
    columns = [Column(line_name(r, ln, lang), line_name(r, ln, lang, short=True))
               for ln in r.lines] + [Column(say("total", lang), say("total", lang))]
    rows: list[Row] = []
    for k, area in enumerate(r.areas):
        in_area = alloc[alloc["area"] == area]
        offices = list(dict.fromkeys(in_area["office"]))
        indent = 2
        if len(offices) == 1:
            rows.append(Row(say("area_office", lang, area=area,
                                office=office_name(r, offices[0], lang)),
                            heading=True, space_before=k > 0))
        else:
            rows.append(Row(say("area", lang, area=area), heading=True, space_before=k > 0))
            indent = 4
        for office in offices:
            if len(offices) > 1:
                rows.append(Row(office_name(r, office, lang), heading=True, indent=2,
                                style="italic"))
            mine = in_area[in_area["office"] == office]
            for muni in dict.fromkeys(mine["municipality"]):
                mr = mine[mine["municipality"] == muni]
                values = [float(mr[mr["service_line"] == ln]["htv"].sum()) for ln in r.lines]
                rows.append(Row(str(muni), (*(_fmt(v, digits, lang) for v in values),
                                            _fmt(sum(values), digits, lang)), indent=indent,
                                total_style="bold"))
            for _, c in central[central["office"] == office].iterrows():
                cs = services[c["service"]]
                rows.append(Row(say("central", lang, label=cs.title_in(lang)),
                                (*("" for _ in r.lines), _fmt(c["htv"], digits, lang)),
                                indent=indent, style="italic", total_style="bold",
                                note=central_basis(r, c["service"], lang),
                                short_label=say("central", lang, label=cs.short_in(lang))))
        total = by_area.loc[area]
        rows.append(Row(say("area_total", lang, area=area),
                        (*(_fmt(total[ln], digits, lang) for ln in r.lines),
                         _fmt(total["total_htv"], digits, lang)), indent=2, style="bold"))
    total = by_area.loc["Total"]
    rows.append(Row(say("all_areas", lang),
                    (*(_fmt(total[ln], digits, lang) for ln in r.lines),
                     _fmt(total["total_htv"], digits, lang)),
                    style="bold", total_style="bold reverse", space_before=True))
    legend = say("legend", lang, names="; ".join(
        f"{c.short} = {c.name}" for c in columns[:-1] if c.short != c.name))
    return Grid(say("alloc_title", lang), say("served", lang), columns, rows,
                legend=legend if any(c.short != c.name for c in columns) else "")


def lines_table(r: Result, lang: str = "en") -> Fitted:
    """Service-line totals and shares against their targets."""
    digits = r.digits
    rows = [[line_name(r, str(row["service_line"]), lang), _fmt(row["htv"], digits, lang),
             pct(row["share"], 1, lang),
             say("target_band", lang, share=pct(row["target_share"], 0, lang),
                 tol=general(row["tolerance"] * 100, lang)),
             f"{_fmt(row['min_htv'], digits, lang)}–{_fmt(row['max_htv'], digits, lang)}"]
            for _, row in r.by_line().iterrows()]
    return Fitted(say("lines_title", lang),
                  [say(k, lang) for k in ("col_line", "col_htv", "col_share", "col_target",
                                          "col_allowed")], rows)


def caseload_table(r: Result, lang: str = "en") -> Fitted:
    """Per area: unemployed jobseekers per customer-service HTV, and target vs allocation."""
    digits = r.digits
    rows, styles = [], []
    for _, row in r.by_area().iterrows():
        is_total = row["area"] == "Total"
        unemployed = "" if row["unemployed"] != row["unemployed"] else num(row["unemployed"], 0)
        ratio = ("" if row["unemployed_per_htv"] != row["unemployed_per_htv"]
                 else num(row["unemployed_per_htv"], 1, lang))
        rows.append([say("total_row", lang) if is_total else str(row["area"]), unemployed,
                     _fmt(row["customer_htv"], digits, lang), ratio,
                     num(row["target_htv"], 3, lang),
                     _signed(row["customer_htv"] - row["target_htv"], 3, lang)])
        styles.append("bold" if is_total else None)
    return Fitted(say("caseload_title", lang),
                  [say(k, lang) for k in ("col_area", "col_unemployed", "col_customer_htv",
                                          "col_per_htv", "col_target_htv", "col_difference")],
                  rows, styles)


def targets_table(r: Result, lang: str = "en") -> Grid:
    """Per area and line: caseload-proportional target, allocation, difference."""
    digits = r.digits
    frame = r.area_line_frame()
    rows = []
    for area in r.areas:
        cells = []
        for ln in r.lines:
            row = frame[(frame["area"] == area) & (frame["service_line"] == ln)].iloc[0]
            cells.append(f"{num(row['target_htv'], 3, lang)} → {_fmt(row['htv'], digits, lang)} "
                         f"({_signed(row['difference_htv'], 3, lang)})")
        rows.append(Row(area, tuple(cells)))
    columns = [Column(line_name(r, ln, lang), line_name(r, ln, lang, short=True))
               for ln in r.lines]
    return Grid(say("targets_title", lang), say("col_area", lang), columns, rows)


def verdict(r: Result, end_to_end: float | None = None, lang: str = "en") -> Text:
    """The solver's and the verifier's verdicts with the time taken."""
    text = Text()
    stages = {st.name: st for st in r.solver.stages}
    if r.status == Status.OPTIMAL:
        text.append(say("solver_optimal", lang), style="bold green")
    elif r.status == Status.FEASIBLE:
        why = r.solver.unproven or say("time_limit", lang)
        text.append(say("solver_feasible", lang, why=why), style="bold yellow")
    else:
        text.append(say("solver_status", lang, status=r.status), style="bold red")
    for name, what in (("max_deviation", "stage_max"), ("total_deviation", "stage_total")):
        st = stages.get(name)
        value = r.objective_htv(name)
        if st is not None and value is not None:
            bound = r.stage_bound_htv(name)
            gap = "" if st.objective == st.bound or st.bound is None or bound is None else (
                say("stage_bound", lang, bound=num(bound, 4, lang)))
            text.append(say("stage_value", lang, what=say(what, lang), value=num(value, 4, lang),
                            gap=gap))
    text.append(say("timing", lang, solve=num(r.solver.solve_time, 2, lang),
                    build=num(r.solver.build_time, 2, lang)))
    text.append("\n")
    if r.verification is None:
        text.append(say("verifier_none", lang), style="bold red")
    elif r.verification.passed:
        text.append(say("verifier_passed", lang), style="bold green")
        text.append(say("verifier_detail", lang,
                        max=num(float(r.verification.max_deviation), 4, lang),
                        total=num(float(r.verification.total_deviation), 4, lang)))
    else:
        text.append(say("verifier_failed", lang, n=len(r.verification.violations)),
                    style="bold red")
        for v in r.verification.violations:
            text.append(f"\n  {v}")
    if end_to_end is not None:
        text.append("\n" + say("end_to_end", lang, seconds=num(end_to_end, 2, lang)))
    return text


def tie_text(r: Result, lang: str = "en") -> Text:
    """Whether a tie between equally good allocations was broken, and how."""
    if r.tie is None and not r.tie_checked:
        return Text(say("ties_unchecked", lang), style="dim")
    if r.tie is None:
        return Text(say("ties_none", lang), style="dim")
    return Text(say("tie_broken", lang, what=r.tie.describe()), style="yellow")


#: A rule label in front of its description: ``office_min[Parkano office]: ``.
_LABEL = re.compile(r"\b([a-z_]+)\[([^\]]+)\]: ")


def rule_words(text: str, r: Result | None = None, lang: str = "en") -> str:
    """``text`` (a rule's description or an adjustment's detail) without rule labels, in
    the scenario's words: ``office_min[Parkano office]: at least 2.00 HTV`` -> ``Parkano
    office: at least 2.00 HTV``. A key that is a service line's identifier is dropped (the
    text names the line); a bare rule name at the end becomes the rule's name in words."""
    lines = set(r.lines) if r is not None else set()

    def replace(match: re.Match[str]) -> str:
        key = match.group(2)
        rest = text[match.end():]
        return "" if key in lines or rest.startswith(key) or key in rest.split(";")[0] \
            else f"{key}: "

    out = localise_text(_LABEL.sub(replace, text), lang)
    head, sep, tail = out.partition(": ")
    if sep and head.isidentifier() and head in _rule_names():
        out = tail
    for name in _rule_names():
        if out.endswith(f"because of {name}"):
            out = out[:-len(name)] + step_name(name, lang).lower()
    return out


def _rule_names() -> tuple[str, ...]:
    return tuple(rule.name for rule in RULES)


def cell_order(r: Result, e: Explanation) -> list[int]:
    """The explanation's cells in the allocation table's order: area, office, municipality
    served, then line."""
    alloc = r.allocation_frame()
    muni_rank = {m: k for k, m in enumerate(dict.fromkeys(alloc["municipality"]))}
    line_rank = {ln: k for k, ln in enumerate(r.lines)}
    return sorted(range(len(e.cells)), key=lambda k: (muni_rank.get(e.cells[k].municipality,
                                                                    len(muni_rank)),
                                                      line_rank[e.cells[k].line]))


def _persons(value: float, lang: str) -> str:
    """A count of persons: whole when it is whole, else to a tenth (a derived estimate)."""
    return num(value, 0 if float(value).is_integer() else 1, lang)


def explanation_tables(r: Result, e: Explanation, lang: str = "en") -> Group:
    """The waterfall by area and line, each cell's story, and what each rule costs, in the
    scenario's words and the allocation's order."""
    digits = r.digits
    frame = e.area_frame()
    rank = {a: k for k, a in enumerate(r.areas)}
    line_rank = {ln: k for k, ln in enumerate(r.lines)}
    frame = frame.sort_values(["area", "service_line"], kind="stable",
                              key=lambda c: c.map(rank if c.name == "area" else line_rank))
    steps = [step for step in e.steps if (frame[step].abs() > 1e-9).any()]
    rows = []
    for _, row in frame.iterrows():
        rows.append([f"{row['area']} · {line_name(r, row['service_line'], lang, short=True)}",
                     num(row["target_htv"], 3, lang), _fmt(row["rounded_htv"], digits, lang),
                     *(_signed(row[step], digits, lang) for step in steps),
                     _fmt(row["final_htv"], digits, lang)])
    area = Fitted(say("why_title", lang),
                  [f"{say('col_area', lang)} · {say('col_line', lang)}", say("col_target", lang),
                   say("col_rounding", lang), *(step_name(st, lang) for st in steps),
                   say("col_final", lang)], rows)
    cells = Text()
    cells.append(say("cells_intro", lang) + "\n", style="italic")
    for k in cell_order(r, e):
        c = e.cells[k]
        inputs = " + ".join(
            say("cell_input", lang, feature=feature_name(r.scenario, f, lang),
                value=_persons(float(v), lang), total=_persons(round(float(total), 1), lang),
                weight=num(float(w), 2, lang))
            for f, v, total, w in c.inputs)
        cells.append(f"{c.municipality} · {line_name(r, c.line, lang)}", style="bold")
        cells.append(say("cell_area", lang, area=c.area) + "\n")
        cells.append(f"    {inputs}" + say("cell_share", lang,
                                            share=pct(float(c.demand_share), 2, lang),
                                            line_htv=num(float(c.line_htv), 3, lang)) + "\n")
        cells.append("    " + say("cell_target", lang, target=num(float(c.target), 4, lang),
                                  rounded=_fmt(float(c.rounded), digits, lang)))
        for a in c.adjustments:
            cells.append(f" → {step_name(a.rule, lang)}: {rule_words(a.detail, r, lang)}",
                         style="yellow")
        cells.append(say("cell_final", lang, final=_fmt(float(c.final), digits, lang)) + "\n")
    yes, no = say("yes", lang), say("no", lang)
    rules = Fitted(say("rules_title", lang),
                   [say(k, lang) for k in ("col_rule", "col_tight", "col_binds",
                                           "col_cost_max", "col_cost_total")],
                   [[rule_words(rule.description, r, lang), yes if rule.tight else no,
                     Text(yes, style="bold") if rule.binds else no,
                     num(float(rule.cost_max), 4, lang), num(float(rule.cost_total), 4, lang)]
                    for rule in e.rules])
    if not e.binding:
        summary = Text(say("no_binding", lang), style="green")
    else:
        summary = Text(say("binding", lang, rules="; ".join(rule_words(b.description, r, lang)
                                                            for b in e.binding)),
                       style="yellow")
    return Group(area, cells, rules, summary)


def conflicts_text(r: Result, lang: str = "en") -> Text:
    """Which rules conflict and what would resolve it."""
    text = Text(say("infeasible", lang) + "\n", style="bold red")
    for c in r.conflicts:
        text.append(f"- {c.message}\n")
        if c.fix:
            text.append(f"  {say('fix', lang)}: {c.fix}\n", style="yellow")
    if not r.conflicts:
        text.append(f"- {say('no_core', lang)}\n")
    return text


def render(r: Result, end_to_end: float | None = None,
           explanation: Explanation | None = None, lang: str = "en") -> RenderableType:
    """Everything the terminal shows for ``r`` (with the explanation, when given)."""
    title = Text(r.scenario.title_in(lang), style="bold")
    title.append(say("scenario_line", lang, name=r.scenario.name,
                     total=num(r.total_htv, r.digits, lang)), style="dim")
    if r.allocation is None:
        return Group(title, conflicts_text(r, lang) if r.status == Status.INFEASIBLE
                     else Text(""), verdict(r, end_to_end, lang))
    parts: list[RenderableType] = [title, allocation_table(r, lang), Text(""),
                                   lines_table(r, lang), caseload_table(r, lang),
                                   targets_table(r, lang), Text("")]
    moves = r.moves()
    if moves is not None:
        parts.append(moves_table(r, moves, lang))
    costs = r.costs()
    if costs is not None:
        parts += cost_tables(r, costs, lang)
    assumed = r.assumptions_frame()
    if len(assumed):
        parts.append(assumptions_table(assumed, lang))
    if explanation is not None:
        parts.append(explanation_tables(r, explanation, lang))
    parts += [tie_text(r, lang), verdict(r, end_to_end, lang)]
    return Group(*parts)


def assumptions_table(assumed: pd.DataFrame, lang: str = "en") -> Table:
    """The scenario's values that are modelling choices; why each was chosen is in the
    scenario file, summary.json and the workbook (too long for a terminal row)."""
    t = _table(say("assumptions_title", lang))
    t.add_column(say("col_field", lang), no_wrap=True, overflow="fold")
    t.add_column(say("col_value", lang), overflow="fold")
    for _, row in assumed.iterrows():
        t.add_row(str(row["field"]), localise_text(str(row["value"]), lang))
    t.caption = say("assumptions_caption", lang)
    t.caption_justify = "left"
    return t


def eur(value: float, lang: str = "en") -> str:
    """Euros to the cent with thousands separated: 1,234.50 (1 234,50 in Finnish)."""
    return num(value, 2, lang, thousands=True)


def key_title(key: str, lang: str = "en") -> str:
    """A sharing key as a column heading: a feature's name, 'equal shares', ..."""
    return key_name(None, key, lang)


def costs_table(r: Result, costs: Costs, lang: str = "en") -> Fitted:
    """Per municipality: what its customer service, its offices and its share of the central
    services cost [EUR/year], with the area's total."""
    frame = costs.frame()
    rows: list[list[str | Text]] = [
        [str(row["municipality"]), _fmt(row["customer_htv"], r.digits, lang),
         eur(row["customer_service_eur"], lang), eur(row["offices_eur"], lang),
         eur(row["central_eur"], lang), eur(row["total_eur"], lang)]
        for _, row in frame.iterrows()]
    rows.append([say("all_municipalities", lang),
                 _fmt(float(frame["customer_htv"].sum()), r.digits, lang),
                 *(eur(float(costs.part_eur(p)), lang)
                   for p in ("customer_service", "offices", "central")),
                 Text(eur(float(costs.total_eur), lang), style="bold")])
    offices = say("offices_served" if costs.office_costs == "served" else "offices_located",
                  lang)
    caption = say("costs_caption", lang, htv_eur=eur(float(costs.htv_eur), lang),
                  offices=offices, central=num(float(costs.central_htv), r.digits, lang),
                  key=key_title(costs.key, lang))
    return Fitted(say("costs_title", lang),
                  [say(k, lang) for k in ("col_municipality", "col_customer_htv",
                                          "col_customer_service", "col_offices", "col_central",
                                          "total")],
                  rows, [None] * (len(rows) - 1) + ["bold"], caption, no_wrap_first=True)


def keys_table(costs: Costs, lang: str = "en") -> Fitted:
    """Which key? Each municipality's share of the central services under the common keys
    side by side, and what it would pay [EUR/year] (the share above the cost, so that each
    column stays as narrow as a number)."""
    frame = costs.keys_frame()
    names = [say("col_municipality", lang)]
    for key in costs.keys:
        name = key_title(key, lang)
        names.append(say("key_used", lang, key=name) if key == costs.key else name)
    rows = [[str(row["municipality"]),
             *(f"{pct(row[f'share_{k}'], 1, lang)}\n{eur(row[f'central_eur_{k}'], lang)}"
               for k in costs.keys)] for _, row in frame.iterrows()]
    return Fitted(say("keys_title", lang), [n.replace(" (", "\n(") for n in names], rows,
                  caption=say("keys_caption", lang) if USE_KEY in costs.keys else "",
                  no_wrap_first=True)


def reference_table(r: Result, costs: Costs, lang: str = "en") -> Fitted | None:
    """The caseload-based split beside the reference split of the same budget."""
    frame = costs.reference_frame()
    ref = costs.reference
    if frame is None or ref is None:
        return None
    weights = ", ".join(f"{feature_name(r.scenario, f, lang)} {pct(float(w), 0, lang)}"
                        for f, w in ref.weights.items())
    rows = [[str(row["municipality"]), eur(row["total_eur"], lang),
             eur(row["reference_eur"], lang),
             signed(row["difference_eur"], 2, lang, thousands=True),
             num(row["htv"], 2, lang), num(row["reference_htv"], 2, lang),
             _signed(row["difference_htv"], 2, lang)] for _, row in frame.iterrows()]
    label = r.scenario.costs.reference.title_in(lang) if r.scenario.costs and \
        r.scenario.costs.reference else ref.label
    return Fitted(say("reference_title", lang, label=label, weights=weights),
                  [say(k, lang) for k in ("col_municipality", "col_caseload_eur",
                                          "col_reference_eur", "col_difference_eur",
                                          "col_caseload_htv", "col_reference_htv",
                                          "col_difference_htv")],
                  rows, caption=say("reference_caption", lang), no_wrap_first=True)


def cost_tables(r: Result, costs: Costs, lang: str = "en") -> list[RenderableType]:
    """The costs per municipality, the keys side by side and the reference split."""
    out: list[RenderableType] = [costs_table(r, costs, lang), keys_table(costs, lang)]
    ref = reference_table(r, costs, lang)
    if ref is not None:
        out.append(ref)
    return out


def moves_table(r: Result, moves: Moves, lang: str = "en") -> Fitted:
    """Per office: today's customer-service HTV, the allocation and the change."""
    digits = r.digits
    note = say("moves_note", lang) if moves.illustrative else ""
    rows = [[office_name(r, str(row["office"]), lang), _fmt(row["today_htv"], digits, lang),
             _fmt(row["htv"], digits, lang), _signed(row["change_htv"], digits, lang)]
            for _, row in moves.frame.iterrows()]
    cap = ("" if moves.cap_htv is None
           else say("moves_cap", lang, cap=_fmt(float(moves.cap_htv), digits, lang)))
    moved = float(moves.moved_htv) if moves.moved_htv is not None else 0.0
    caption = say("moves_caption", lang, moved=num(moved, 2, lang),
                  by_line=say("moves_by_line", lang) if moves.by_line else "",
                  weight=general(float(moves.move_weight), lang), cap=cap)
    return Fitted(say("moves_title", lang, note=note),
                  [say(k, lang) for k in ("col_office", "col_today", "col_allocated",
                                          "col_change")], rows, caption=caption)


def print_result(r: Result, console: Console | None = None, end_to_end: float | None = None,
                 explanation: Explanation | None = None, lang: str = "en") -> None:
    """Print the report of ``r`` to the terminal."""
    (console or Console(markup=False, emoji=False)).print(render(r, end_to_end, explanation,
                                                                 lang))
