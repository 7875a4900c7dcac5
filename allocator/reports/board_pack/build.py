"""The board pack: one self-contained HTML file the employment board can read and print.

The board decides between scenarios by looking at charts and a few sentences, often on
paper. :func:`build_pack` runs everything the pack shows — every scenario allocated and
verified, the base explained, the comparison, the sensitivity analyses and the robust
allocation — and turns the results into a :class:`BoardPack`: sections of plain blocks
(paragraphs, tables, charts) whose text is already in the chosen language and whose
numbers are already formatted; :func:`render_html` (allocator.reports.board_pack.render)
writes it as one self-contained HTML file. Nothing here prints or writes files;
``allocate report`` (allocator.cli.report) does.
"""

from __future__ import annotations

import math
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from allocator._version import __version__
from allocator.charts.text import line_name
from allocator.engine.result import Result, Status
from allocator.reports.board_pack.blocks import (
    Block,
    BoardPack,
    Bullets,
    Cell,
    Chart,
    Code,
    Facts,
    Heading,
    Paragraph,
    Row,
    Section,
    Table,
)
from allocator.reports.board_pack.format import (
    change_css,
    embed,
    head,
    isnan,
    num,
    num_cell,
    on_page,
    percent,
    plain,
    signed,
)
from allocator.reports.board_pack.render import render_html
from allocator.reports.board_pack.text import text

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from allocator.analysis.robust import RobustResult
    from allocator.engine.explain import Explanation
    from allocator.scenario.schema import Scenario

#: The file ``allocate report`` writes into its output folder.
PACK_FILE = "board_pack.html"
#: Monte Carlo draws by default: enough for a box plot and a stability share to the nearest
#: few per cent, and about a second on the base case.
DEFAULT_RUNS = 50
#: Languages the pack is written in (the keys of allocator.reports.board_pack.text.PACK_TEXT).
LANGUAGES = ("en", "fi")


@dataclass(frozen=True)
class PackOptions:
    """What the pack shows and how its analyses run; none of it changes an allocation.

    ``runs``, ``seed``, ``model`` and ``threshold`` [HTV] are the Monte Carlo's (see
    allocator.analysis.sensitivity.monte_carlo); ``sweep`` is one ``path=start:stop:step`` (None:
    :func:`default_sweep`); ``change`` is the tornado's relative move (0.1 = ±10 %) and
    ``top`` the inputs shown per area; ``executor`` and ``processes`` run the analyses'
    solves; ``dpi`` is the charts' resolution [pixels per inch].
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
    return f"total_htv={plain(start)}:{plain(stop)}:{plain(step)}"


def sweep_param(s: Scenario, options: PackOptions) -> tuple[str, list[float]]:
    """The pack's sweep as (path, values); ScenarioError naming ``--sweep`` if it is not valid."""
    from allocator.analysis.sensitivity import input_at, parse_param

    spec = options.sweep or default_sweep(s)
    path, values = parse_param(spec)
    input_at(s, path, "--sweep", need_value=False)
    return path, values


def check_options(s: Scenario, options: PackOptions) -> None:
    """Raise ScenarioError for options that cannot work on the base ``s`` (before solving)."""
    from allocator.analysis.sensitivity import parse_uncertainty
    from allocator.errors import Problem, ScenarioError

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


# --- building the pack ----------------------------------------------------------------------

class _Builder:
    """Builds the sections of one pack; holds the language, the results and their labels."""

    def __init__(self, results: list[Result], options: PackOptions, command: str,
                 generated_at: str) -> None:
        from allocator.analysis.compare import scenario_labels

        self.results = results
        self.options = options
        self.lang = options.lang
        self.labels = scenario_labels(results)
        self.base = results[0]
        self.digits = self.base._digits()
        self.command = command
        self.generated_at = generated_at
        self.timings: dict[str, float] = {}

    def t(self, key: str, **values: object) -> str:
        return text(key, self.lang, **values)

    def chart(self, fig: Figure, alt: str, caption: str) -> Chart:
        return embed(fig, alt, caption, self.options.dpi)

    def line(self, result: Result, name: str) -> str:
        return line_name(name, result.data.line_labels[name], self.lang)

    def proof(self, status: Status | str) -> str:
        return self.t(f"pack_proof_{Status(status).value}")

    def verifier(self, r: Result) -> tuple[str, str]:
        """(the verifier's verdict in words, css)."""
        if r.verification is None:
            return self.t("pack_verified_none"), "bad"
        if r.verification.passed:
            return self.t("pack_verified_yes"), "good"
        n = len(r.verification.violations)
        return f"{self.t('pack_verified_no')} ({n})", "bad"

    def verifier_short(self, r: Result) -> str:
        """The verifier's verdict in a word or two, for tables."""
        if r.verification is None:
            return self.t("pack_verified_none")
        return self.t("pack_passed") if r.verification.passed else self.t("pack_verified_no")

    def verdict_facts(self, r: Result) -> Facts:
        proof_css = {Status.OPTIMAL: "good", Status.FEASIBLE: ""}.get(r.status, "bad")
        verified, verified_css = self.verifier(r)
        return Facts(((self.t("pack_solver"), self.proof(r.status), proof_css),
                      (self.t("pack_verifier"), verified, verified_css)))

    def conflicts(self, r: Result) -> Bullets:
        items = []
        for c in r.conflicts:
            items.append(c.message + (f" — {self.t('pack_fix')}: {c.fix}" if c.fix else ""))
        return Bullets(tuple(items or [self.proof(r.status)]))

    # --- 1 the recommended allocation ------------------------------------------------------
    def allocation(self) -> Section:
        from allocator.charts.allocation import plot_allocation

        r, t, dg = self.base, self.t, self.digits
        s, d = r.scenario, r.data
        heading = t("pack_s1")
        if r.allocation is None:
            return Section("allocation", heading, (t("pack_s1_none"),),
                           (self.verdict_facts(r), self.conflicts(r)))
        by = r.by_area()
        areas = by[by["area"] != "Total"]
        total = by[by["area"] == "Total"].iloc[0]
        central = sum(c.units for c in d.central)
        intro = [t("pack_s1_intro", title=s.title or s.name, total=r.htv(d.total_units),
                   customer=r.htv(d.customer_units), areas=len(d.areas),
                   central=r.htv(central), lead=d.lead_municipality)]
        ratios = areas.dropna(subset=["unemployed_per_htv"])
        if len(ratios) and not isnan(total["unemployed_per_htv"]):
            ordered = ratios.sort_values("unemployed_per_htv", kind="stable")
            low, high = ordered.iloc[0], ordered.iloc[-1]
            intro.append(t("pack_s1_ratio", ratio=num(total["unemployed_per_htv"], 1),
                           low=num(low["unemployed_per_htv"], 1), low_area=low["area"],
                           high=num(high["unemployed_per_htv"], 1), high_area=high["area"]))
        header = head(t("pack_col_area"), *(self.line(r, ln) for ln in d.lines),
                      t("pack_col_customer"), t("pack_col_central"), t("pack_col_total"))
        rows = []
        ratio_rows = []
        for _, row in by.iterrows():
            is_total = row["area"] == "Total"
            name = Cell(t("all_areas") if is_total else str(row["area"]))
            css = "total" if is_total else ""
            rows.append(Row((
                name, *(num_cell(row[ln], dg) for ln in d.lines),
                num_cell(row["customer_htv"], dg), num_cell(row["central_htv"], dg),
                Cell(num(row["total_htv"], dg), "num strong")), css))
            difference = row["customer_htv"] - row["target_htv"]
            ratio_rows.append(Row((
                name, num_cell(row["unemployed"], 0), num_cell(row["customer_htv"], dg),
                Cell(num(row["unemployed_per_htv"], 1), "num strong"),
                num_cell(row["target_htv"], 3),
                Cell(signed(difference, 3), f"num {change_css(difference, 3)}")), css))
        by_area = Table(t("pack_by_area_title"), header, tuple(rows), css="compact")
        ratios_table = Table(t("pack_ratio_title"),
                             head(t("pack_col_area"), t("pack_col_unemployed"),
                                  t("pack_col_customer"), t("pack_col_ratio"),
                                  t("pack_col_target"), t("pack_col_difference")),
                             tuple(ratio_rows), css="compact")
        chart = self.chart(plot_allocation(r, lang=self.lang),
                           text("allocation_title", self.lang, total=r.htv(d.total_units)),
                           t("pack_cap_allocation"))
        return Section("allocation", heading, tuple(intro),
                       (self.verdict_facts(r), by_area, self.central_table(r), chart,
                        ratios_table, self.detail_table(r)))

    def detail_table(self, r: Result) -> Table:
        t, dg = self.t, self.digits
        wide = r.allocation_wide()
        header = head(t("pack_col_area"), t("pack_col_office"), t("pack_col_municipality"),
                      *(self.line(r, ln) for ln in r.data.lines), t("pack_col_customer"),
                      left=3)
        rows = []
        last_area = None
        for _, row in wide.iterrows():
            area = "" if row["area"] == last_area else str(row["area"])
            last_area = row["area"]
            rows.append(Row((Cell(area), Cell(str(row["office"])), Cell(str(row["municipality"])),
                             *(num_cell(row[ln], dg) for ln in r.data.lines),
                             Cell(num(row["customer_htv"], dg), "num strong"))))
        return Table(t("pack_detail_title"), header, tuple(rows), css="compact")

    def central_table(self, r: Result) -> Table:
        t, dg = self.t, self.digits
        frame = r.central_frame()
        def basis(value: str) -> str:
            return t("pack_fixed") if value == "fixed" else value

        rows = tuple(Row((Cell(str(c["label"])), Cell(str(c["office"])),
                          Cell(basis(str(c["basis"]))), num_cell(c["htv"], dg)))
                     for _, c in frame.iterrows())
        header = head(t("pack_col_service"), t("pack_col_office"), t("pack_col_basis"),
                      t("pack_col_htv"), left=3)
        return Table(t("pack_central_title"), header, rows, css="compact")

    # --- 2 how it was decided --------------------------------------------------------------
    def decision(self, explanation: Explanation | None) -> Section:
        r, t = self.base, self.t
        d = r.data
        heading = t("pack_s2")
        if r.allocation is None or explanation is None:
            return Section("decision", heading, (t("pack_s2_none"),), ())
        central = sum(c.units for c in d.central)
        shares = ", ".join(t("pack_line_share", line=self.line(r, ln), share=percent(float(d.line_share[ln])),
                             tol=percent(float(d.line_tolerance[ln]))) for ln in d.lines)
        definition = Bullets((
            t("pack_fair_budget", total=r.htv(d.total_units), central=r.htv(central),
              customer=r.htv(d.customer_units)),
            t("pack_fair_lines", shares=shares),
            t("pack_fair_targets"),
            t("pack_fair_rules"),
            t("pack_fair_objective"),
        ), ordered=True)
        weights = Table(t("pack_weights_title"),
                        (Cell(t("pack_col_line")), Cell(t("pack_col_share"), "num"),
                         Cell(t("pack_col_weights"))),
                        tuple(Row((Cell(self.line(r, ln.name)), Cell(f"{percent(ln.share)} %", "num"),
                                   Cell(", ".join(f"{f} {plain(w)}" for f, w in ln.demand.items()
                                                  if w > 0))))
                              for ln in r.scenario.service_lines), css="compact")
        blocks: list[Block] = [Heading(t("pack_fair_title")), definition, weights]
        if r.verification is not None:
            blocks.append(Paragraph(t("pack_fair_result",
                                      max=num(float(r.verification.max_deviation), 4),
                                      total=num(float(r.verification.total_deviation), 4))))
        blocks += [Heading(t("pack_why_title")),
                   Paragraph(t("pack_why_intro", g=plain(float(d.granularity)))),
                   self.waterfall_table(explanation),
                   Heading(t("pack_rules_title"))]
        binding = explanation.binding
        g = plain(float(d.granularity))
        if not binding:
            blocks.append(Paragraph(t("pack_no_binding", g=g), "good"))
        else:
            top = binding[0]
            key = "pack_binding_one" if len(binding) == 1 else "pack_binding"
            blocks.append(Paragraph(t(key, n=len(binding), rule=top.rule,
                                      cost_max=num(float(top.cost_max), 4),
                                      cost_total=num(float(top.cost_total), 4)), "note"))
        blocks.append(self.rules_table(explanation))
        tie = explanation.tie if explanation.tie is not None else r.tie
        blocks.append(Paragraph(t("pack_tie", what=tie.describe()) if tie is not None
                                else t("pack_tie_none")))
        return Section("decision", heading, (t("pack_s2_intro"),), tuple(blocks))

    def waterfall_table(self, e: Explanation) -> Table:
        r, t, dg = self.base, self.t, self.digits
        frame = e.area_frame()
        order = {a: k for k, a in enumerate(r.data.areas)}
        frame = frame.sort_values("area", key=lambda c: c.map(order), kind="stable")
        steps = [step for step in e.steps if (frame[step].abs() > 1e-9).any()]
        header = head(t("pack_col_area"), t("pack_col_line"), t("pack_col_target_exact"),
                      t("pack_col_rounding"), *steps, t("pack_col_final"), left=2)
        rows = []
        last = None
        for _, row in frame.iterrows():
            area = "" if row["area"] == last else str(row["area"])
            last = row["area"]
            rows.append(Row((Cell(area), Cell(self.line(r, str(row["service_line"]))),
                             num_cell(row["target_htv"], 3), num_cell(row["rounded_htv"], dg),
                             *(Cell(signed(row[s], dg), f"num {change_css(row[s], dg)}")
                               for s in steps),
                             Cell(num(row["final_htv"], dg), "num strong"))))
        return Table("", header, tuple(rows), css="compact")

    def rules_table(self, e: Explanation) -> Table:
        t = self.t

        def yes(flag: bool, strong: bool = False) -> Cell:
            return Cell(t("pack_yes") if flag else t("pack_no"),
                        ("num strong" if strong and flag else "num"))

        rows = tuple(Row((Cell(rule.description), yes(rule.tight), yes(rule.binds, True),
                          num_cell(float(rule.cost_max), 4), num_cell(float(rule.cost_total), 4)))
                     for rule in e.rules)
        header = head(t("pack_col_rule"), t("pack_col_tight"), t("pack_col_binds"),
                      t("pack_col_cost_max"), t("pack_col_cost_total"))
        return Table("", header, rows, note=t("pack_rules_note"), css="compact")

    # --- 3 the scenario comparison ---------------------------------------------------------
    def comparison(self) -> Section:
        from allocator.analysis.compare import caseload_per_htv, compare, comparison_footer, line_shares
        from allocator.charts.compare import (
            plot_area_deltas,
            plot_area_htv,
            plot_caseload,
            plot_line_shares,
        )

        t, lang, labels = self.t, self.lang, self.labels
        results = self.results
        blocks: list[Block] = [self.scenarios_table()]
        frame = compare(results, labels)
        per_htv = caseload_per_htv(results, labels)
        blocks.append(self.side_by_side(frame, per_htv))
        missing = [(label, r) for label, r in zip(labels, results, strict=True)
                   if r.allocation is None]
        if missing:
            blocks.append(Heading(t("pack_conflicts_title")))
            for label, r in missing:
                blocks.append(Paragraph(f"{label}: {self.proof(r.status)}", "bad"))
                blocks.append(self.conflicts(r))
        if any(r.allocation is not None for r in results):
            footer = comparison_footer(results, labels)
            others = len(results) - 1
            delta_height = min(max(4.8, 1.6 + 0.16 * (len(self.base.data.areas) + 2) * others),
                               8.5)
            charts = [
                (plot_area_htv, frame, 5.2, "compare_htv_title", "pack_cap_htv"),
                (plot_area_deltas, frame, delta_height, "compare_delta_title", "pack_cap_delta"),
                (plot_line_shares, line_shares(results, labels), 5.4, "compare_shares_title",
                 "pack_cap_shares"),
                (plot_caseload, per_htv, 5.2, "compare_caseload_title", "pack_cap_caseload"),
            ]
            for plot, data, height, title, caption in charts:
                if plot is plot_area_deltas and others == 0:
                    continue
                fig = on_page(plot, data, lang, height, footer)
                blocks.append(self.chart(fig, text(title, lang, base=labels[0]).replace("\n", " "),
                                         t(caption)))
        return Section("comparison", t("pack_s3"), (t("pack_s3_intro"),), tuple(blocks))

    def scenarios_table(self) -> Table:
        t = self.t
        rows = []
        for label, r in zip(self.labels, self.results, strict=True):
            proof_css = {Status.OPTIMAL: "good", Status.FEASIBLE: ""}.get(r.status, "bad")
            verified_css = self.verifier(r)[1]
            rows.append(Row((Cell(label, "strong"), Cell(r.scenario.title or ""),
                             Cell(self.proof(r.status), proof_css),
                             Cell(self.verifier_short(r), verified_css))))
        header = head(t("pack_col_scenario"), t("pack_col_question"), t("pack_solver"),
                      t("pack_verifier"), left=4)
        return Table(t("pack_scenarios_title"), header, tuple(rows), css="compact")

    def side_by_side(self, frame: pd.DataFrame, per_htv: pd.DataFrame) -> Table:
        """Rows: scenarios; columns: each area's customer service, central, total, ratio."""
        from allocator.analysis.compare import ALL_AREAS, CENTRAL

        t, dg = self.t, self.digits
        areas = list(dict.fromkeys(frame["area"]))
        customer = frame[frame["service_line"] != CENTRAL]
        by_area = customer.groupby(["scenario", "area"], sort=False)[["htv", "delta_htv"]].sum(
            min_count=1)
        central = frame[frame["service_line"] == CENTRAL].groupby("scenario", sort=False)[
            ["htv", "delta_htv"]].sum(min_count=1)
        totals = frame.groupby("scenario", sort=False)[["htv", "delta_htv"]].sum(min_count=1)
        ratio = per_htv[per_htv["area"] == ALL_AREAS].set_index("scenario")
        header = head(t("pack_col_scenario"), *areas, t("pack_col_central"),
                      t("pack_col_total"), t("pack_col_ratio"))
        rows = []
        for k, label in enumerate(self.labels):
            def cell(htv: Any, delta: Any, digits: int = dg, strong: bool = False,
                     first: bool = k == 0) -> Cell:
                if isnan(htv):
                    return Cell(text("no_allocation", self.lang), "num muted")
                return Cell(num(htv, digits), "num strong" if strong else "num",
                            "" if first else signed(delta, digits),
                            "" if first else change_css(delta, digits))

            cells = [Cell(label, "strong")]
            cells += [cell(by_area.loc[(label, a), "htv"], by_area.loc[(label, a), "delta_htv"])
                      for a in areas]
            cells.append(cell(central.loc[label, "htv"], central.loc[label, "delta_htv"]))
            cells.append(cell(totals.loc[label, "htv"], totals.loc[label, "delta_htv"],
                              strong=True))
            if label in ratio.index:
                cells.append(cell(ratio.loc[label, "unemployed_per_htv"],
                                  ratio.loc[label, "delta_unemployed_per_htv"], 1))
            else:
                cells.append(Cell("–", "num muted"))
            rows.append(Row(tuple(cells), "base" if k == 0 else ""))
        return Table(t("pack_side_title"), header, tuple(rows), css="compact")

    # --- 4 sensitivity ---------------------------------------------------------------------
    def sensitivity(self, run: Callable[[str, Callable[[], Any]], Any]) -> Section:
        from allocator.analysis.sensitivity import RunOptions, monte_carlo, stability, sweep, tornado
        from allocator.charts.sensitivity import plot_monte_carlo, plot_sweep, plot_tornado
        from allocator.charts.style import new_figure

        t, lang, o = self.t, self.lang, self.options
        heading = t("pack_s4")
        if self.base.allocation is None:
            return Section("sensitivity", heading, (t("pack_s4_intro"),),
                           (Paragraph(t("pack_s4_none"), "bad"),))
        s = self.base.scenario
        options = RunOptions(executor=o.executor, processes=o.processes)
        blocks: list[Block] = []

        # Tornado
        frame = run("tornado", lambda: tornado(s, o.change, None, options))
        pct = plain(o.change * 100)
        inputs = frame["input"].nunique()
        blocks += [Heading(t("pack_tornado_title")),
                   Paragraph(t("pack_tornado_intro", n=inputs, pct=pct)),
                   self.tornado_table(frame, pct)]
        shown = min(o.top, max(int((frame["swing_htv"] > 0).groupby(frame["area"]).sum().max()), 1))
        for area in self.base.data.areas:
            fig = new_figure(8.0, 1.4 + 0.3 * shown)
            plot_tornado(frame, fig.add_subplot(), lang, area, o.top)
            blocks.append(self.chart(fig, text("tornado_title", lang, area=area, pct=pct)
                                     .replace("\n", " "),
                                     t("pack_cap_tornado", area=area, pct=pct)))

        # Monte Carlo
        draws = run("monte_carlo", lambda: monte_carlo(s, o.runs, o.model, o.seed, options))
        summary = stability(draws, o.threshold)
        blocks += [Heading(t("pack_mc_title")),
                   Paragraph(t("pack_mc_intro", runs=o.runs, model=o.model, seed=o.seed,
                               threshold=plain(o.threshold))),
                   self.stability_table(summary),
                   self.chart(plot_monte_carlo(draws, lang=lang, threshold=o.threshold),
                              text("mc_title", lang, runs=o.runs, model=o.model, seed=o.seed),
                              t("pack_cap_mc", threshold=plain(o.threshold)))]

        # Sweep
        path, values = sweep_param(s, o)
        points = run("sweep", lambda: sweep(s, [(path, values)], True, options))
        step = values[1] - values[0] if len(values) > 1 else 0.0
        blocks += [Heading(t("pack_sweep_title")),
                   Paragraph(t("pack_sweep_intro", param=path, start=plain(values[0]),
                               stop=plain(values[-1]), step=plain(round(step, 12)))),
                   self.sweep_table(points, path),
                   self.chart(plot_sweep(points, lang=lang),
                              text("sweep_title", lang, param=path),
                              t("pack_cap_sweep", param=path))]
        return Section("sensitivity", heading, (t("pack_s4_intro"),), tuple(blocks))

    def tornado_table(self, frame: pd.DataFrame, pct: str, per_area: int = 3) -> Table:
        """The ``per_area`` inputs that move each area most, with both changes [HTV]."""
        t, dg = self.t, self.digits
        rows = []
        for area in self.base.data.areas:
            part = frame[(frame["area"] == area) & (frame["swing_htv"] > 0)]
            part = part.sort_values("rank").head(per_area)
            base = frame[frame["area"] == area]["base_htv"].iloc[0]
            if not len(part):
                rows.append(Row((Cell(area), num_cell(base, dg),
                                 Cell(text("tornado_none", self.lang), "muted"),
                                 Cell("–", "num muted"), Cell("–", "num muted"))))
                continue
            for k, (_, top) in enumerate(part.iterrows()):
                first = k == 0
                rows.append(Row((
                    Cell(area if first else ""),
                    num_cell(base, dg) if first else Cell(""),
                    Cell(str(top["label"])),
                    Cell(signed(top["low_change_htv"], dg),
                         f"num {change_css(top['low_change_htv'], dg)}"),
                    Cell(signed(top["high_change_htv"], dg),
                         f"num {change_css(top['high_change_htv'], dg)}"))))
        header = (Cell(t("pack_col_area")), Cell(t("pack_col_base_htv"), "num"),
                  Cell(t("pack_col_input")), Cell(t("pack_col_down", pct=pct), "num"),
                  Cell(t("pack_col_up", pct=pct), "num"))
        return Table(t("pack_tornado_table", n=per_area), header, tuple(rows), css="compact")

    def stability_table(self, summary: pd.DataFrame) -> Table:
        t, dg = self.t, self.digits
        threshold = plain(self.options.threshold)
        header = head(t("pack_col_area"), t("pack_col_base_htv"), t("pack_col_mean"),
                      t("pack_col_sd"), "5 %", t("pack_col_median"), "95 %",
                      t("pack_col_moved", threshold=threshold), t("pack_col_failed"))
        rows = tuple(Row((
            Cell(str(r["area"])), num_cell(r["base_htv"], dg), num_cell(r["mean_htv"], dg),
            num_cell(r["sd_htv"], 3), num_cell(r["p05_htv"], dg), num_cell(r["median_htv"], dg),
            num_cell(r["p95_htv"], dg),
            Cell("–" if isnan(r["moved_share"]) else f"{r['moved_share'] * 100:.0f} %", "num"),
            Cell(str(int(r["runs_without_allocation"])), "num"))) for _, r in summary.iterrows())
        return Table("", header, rows, css="compact")

    def sweep_table(self, points: pd.DataFrame, path: str) -> Table:
        t, dg = self.t, self.digits
        areas = list(self.base.data.areas)
        header = (*head(path, *areas, t("pack_col_customer")), Cell(t("pack_col_status")))
        rows = []
        for value in dict.fromkeys(points["value"]):
            part = points[points["value"] == value].set_index("area")
            status = str(part["status"].iloc[0])
            ok = not part["htv"].isna().all()
            words = self.proof(status) if status in set(Status) else status
            message = str(part["message"].iloc[0])
            rows.append(Row((
                Cell(plain(float(value)), "num strong"),
                *(num_cell(part.loc[a, "htv"], dg) for a in areas),
                Cell(num(part["htv"].sum(min_count=1), dg), "num strong"),
                Cell(f"{words}: {message}" if message and not ok else words,
                     "" if ok else "bad"))))
        return Table("", header, tuple(rows), css="compact")

    # --- 5 the robust allocation -----------------------------------------------------------
    def robust_choice(self) -> tuple[RobustResult | None, list[int], list[str]]:
        """The robust allocation over the scenarios that can join the base, in file order.

        A scenario joins when it has the base's structure, an allocation of its own, and
        rules that can hold together with those already included; each one left out is
        named with the reason. Taking them in order keeps the choice deterministic.
        """
        from allocator.analysis.robust import robust_allocate, structure_differences, structure_values

        t = self.t
        base = self.base
        if base.allocation is None:
            return None, [], []
        source = [r.source or label for r, label in zip(self.results, self.labels, strict=True)]
        base_values = structure_values(base.scenario)
        included = [0]
        skipped: list[str] = []
        chosen: RobustResult | None = None
        for k in range(1, len(self.results)):
            r, label = self.results[k], self.labels[k]
            problems = structure_differences([base.scenario, r.scenario], [source[0], source[k]])
            if problems:
                values = structure_values(r.scenario)
                skipped.append("; ".join(
                    t("pack_skip_structure", name=label, field=p.path,
                      value=values.get(p.path, "–"), base=base_values.get(p.path, "–"))
                    for p in problems))
                continue
            if r.allocation is None:
                skipped.append(t("pack_skip_no_allocation", name=label))
                continue
            trial = robust_allocate([self.results[i].scenario for i in [*included, k]],
                                    [source[i] for i in [*included, k]])
            if trial.allocation is None:
                why = "; ".join(c.message for c in trial.conflicts) or self.proof(trial.status)
                skipped.append(t("pack_skip_rules", name=label, why=why))
                continue
            if not trial.verified:
                broken = sorted({v.rule for check in trial.verifications
                                 for v in check.violations})
                skipped.append(t("pack_skip_broken", name=label, rules=", ".join(broken)))
                continue
            included.append(k)
            chosen = trial
        if chosen is None:
            chosen = robust_allocate([base.scenario], [source[0]])
        return chosen, included, skipped

    def robust(self, choice: tuple[RobustResult | None, list[int], list[str]]) -> Section:
        from allocator.charts.sensitivity import plot_robust

        t, dg = self.t, self.digits
        heading = t("pack_s5")
        result, included, skipped = choice
        if result is None:
            return Section("robust", heading, (t("pack_s5_intro"),),
                           (Paragraph(t("pack_s4_none"), "bad"),))
        blocks: list[Block] = [Paragraph(t("pack_robust_included",
                                           names=", ".join(self.labels[i] for i in included)))]
        if skipped:
            blocks += [Paragraph(t("pack_robust_skipped")), Bullets(tuple(skipped))]
        if len(included) == 1:
            blocks.append(Paragraph(t("pack_robust_alone"), "note"))
        if result.allocation is None:
            why = "; ".join(c.message for c in result.conflicts) or self.proof(result.status)
            blocks.append(Paragraph(t("pack_robust_none", why=why), "bad"))
            return Section("robust", heading, (t("pack_s5_intro"),), tuple(blocks))
        regret = result.regret_frame()
        areas = result.area_frame()
        worst = float(regret["robust_max_deviation_htv"].max())
        key = "pack_robust_verdict" if result.verified else "pack_robust_verdict_bad"
        blocks.append(Paragraph(t(key, proof=self.proof(result.status), worst=num(worst, 4)),
                                "good" if result.verified else "bad"))
        names = list(dict.fromkeys(areas["scenario"]))
        header = head(t("pack_col_area"), t("pack_col_robust"),
                      *(t("pack_col_own", name=n) for n in names))
        rows = []
        for area in dict.fromkeys(areas["area"]):
            part = areas[areas["area"] == area].set_index("scenario")
            rows.append(Row((Cell(str(area)),
                             Cell(num(part["robust_htv"].iloc[0], dg), "num strong"),
                             *(num_cell(part.loc[n, "own_htv"], dg) for n in names))))
        blocks.append(Table(t("pack_robust_area_title"), header, tuple(rows), css="compact"))
        header = head(t("pack_col_scenario"), t("pack_col_own_max"), t("pack_col_robust_max"),
                      t("pack_col_regret_max"), t("pack_col_own_total"),
                      t("pack_col_robust_total"), t("pack_col_regret_total"),
                      t("pack_col_rules_hold"))
        rows = []
        for _, r in regret.iterrows():
            rows.append(Row((
                Cell(str(r["scenario"]), "strong"), num_cell(r["own_max_deviation_htv"], 4),
                num_cell(r["robust_max_deviation_htv"], 4),
                Cell(signed(r["regret_max_htv"], 4), "num strong"),
                num_cell(r["own_total_deviation_htv"], 4),
                num_cell(r["robust_total_deviation_htv"], 4),
                Cell(signed(r["regret_total_htv"], 4), "num strong"),
                Cell(t("pack_yes") if r["robust_verified"] else t("pack_no"),
                     "num good" if r["robust_verified"] else "num bad"))))
        blocks.append(Table(t("pack_regret_title"), header, tuple(rows), css="compact"))
        blocks.append(self.chart(plot_robust(areas, lang=self.lang),
                                 text("robust_title", self.lang, n=len(names)),
                                 t("pack_cap_robust")))
        return Section("robust", heading, (t("pack_s5_intro"),), tuple(blocks))

    # --- 6 reproducibility -----------------------------------------------------------------
    def reproducibility(self) -> Section:
        from allocator.engine.manifest import manifest

        t, o = self.t, self.options
        blocks: list[Block] = [
            Facts(((t("pack_generated"), self.generated_at, ""),)),
            Heading(t("pack_command")), Code(self.command),
            Heading(t("pack_versions_title")),
            Table("", head(t("pack_col_package"), t("pack_col_version"), left=2),
                  tuple(Row((Cell(name), Cell(version))) for name, version in self.versions()),
                  css="compact narrow"),
            Heading(t("pack_manifest_title")),
        ]
        rows = []
        settings_of: dict[str, list[str]] = {}
        for label, r in zip(self.labels, self.results, strict=True):
            m = manifest(r)
            solver = m["solver"]
            rows.append(Row((
                Cell(label, "strong"),
                Cell(str(m["file"] or "–"), "hash", f"{m['file_sha256'] or '–'}\n"
                     f"{m['scenario_sha256']}", "hash"),
                Cell(self.proof(m["status"]), "good" if m["status"] == "OPTIMAL" else "bad",
                     self.verifier_short(r), self.verifier(r)[1]))))
            settings = t("pack_solver_settings", limit=plain(solver["time_limit_deterministic"]),
                         seed=solver["random_seed"], workers=r.solver.workers,
                         stages=" → ".join(solver["stages"]) or "–")
            settings_of.setdefault(settings, []).append(label)
        blocks.append(Table("", head(t("pack_col_scenario"), t("pack_col_file"),
                                     t("pack_col_result"), left=3),
                            tuple(rows), css="small manifest"))
        # The solver settings are usually the same for every scenario: said once, grouped.
        if len(settings_of) == 1:
            [settings] = settings_of
            solver_lines = [t("pack_solver_all", settings=settings)]
        else:
            solver_lines = [f"{', '.join(names)}: {settings}"
                            for settings, names in settings_of.items()]
        blocks += [Heading(t("pack_col_solver")), Bullets(tuple(solver_lines))]
        path, values = (sweep_param(self.base.scenario, o) if self.base.allocation is not None
                        else ("", []))
        analyses = [t("pack_analysis_tornado", pct=plain(o.change * 100)),
                    t("pack_analysis_mc", runs=o.runs, model=o.model, seed=o.seed,
                      threshold=plain(o.threshold))]
        if path:
            analyses.append(t("pack_analysis_sweep", param=path,
                              values=", ".join(plain(v) for v in values)))
        analyses.append(t("pack_analysis_exec", executor=o.executor))
        blocks += [Heading(t("pack_analyses_title")), Bullets(tuple(analyses)),
                   Paragraph(t("pack_footer", version=__version__), "note")]
        return Section("reproducibility", t("pack_s6"), (t("pack_s6_intro"),), tuple(blocks))

    def versions(self) -> list[tuple[str, str]]:
        from importlib.metadata import PackageNotFoundError, version

        out = [("allocator", __version__), ("OR-Tools", self.base.solver.ortools_version),
               ("Python", platform.python_version())]
        for name in ("numpy", "pandas", "matplotlib", "pydantic", "jinja2", "PyYAML"):
            try:
                out.append((name, version(name)))
            except PackageNotFoundError:  # pragma: no cover - all are dependencies
                out.append((name, "–"))
        return out


def build_pack(scenarios: Sequence[tuple[str, Scenario]], options: PackOptions | None = None,
               command: str = "", generated_at: datetime | None = None) -> BoardPack:
    """Allocate every scenario (the first is the base), analyse the base, and build the pack.

    ``scenarios`` are (source file, Scenario) pairs, as loaded; ``command`` is shown in the
    reproducibility section; ``generated_at`` defaults to now (local time). Scenarios
    without an allocation do not raise: the pack says so where it matters. Raises
    ScenarioError when the options cannot work on the base (see :func:`check_options`).
    """
    import time

    from allocator.engine.explain import explain
    from allocator.engine.pipeline import allocate, settings_for

    if not scenarios:
        raise ValueError("the board pack needs at least one scenario (the first is the base)")
    options = options or PackOptions()
    check_options(scenarios[0][1], options)
    when = (generated_at or datetime.now().astimezone()).isoformat(sep=" ", timespec="seconds")
    begin = time.perf_counter()
    timings: dict[str, float] = {}

    def run(name: str, work: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        try:
            return work()
        finally:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - start

    results: list[Result] = run("allocate", lambda: [allocate(s, settings_for(s), source=f)
                                                     for f, s in scenarios])
    b = _Builder(results, options, command, when)
    base = results[0]
    explanation = (run("explain", lambda: explain(base, settings_for(base.scenario)))
                   if base.allocation is not None else None)
    choice = run("robust", b.robust_choice)
    sections = [b.allocation(), b.decision(explanation), b.comparison(), b.sensitivity(run),
                b.robust(choice), b.reproducibility()]
    timings["tables and charts"] = time.perf_counter() - begin - sum(timings.values())
    t = b.t
    d = base.data
    bad = [label for label, r in zip(b.labels, results, strict=True) if not r.verified]
    status = (t("pack_status_ok") if not bad else
              t("pack_status_bad", n=len(bad), total=len(results), names=", ".join(bad)))
    return BoardPack(
        lang=options.lang, kicker=t("pack_kicker"),
        title=t("pack_title", title=base.scenario.title or base.scenario.name),
        subtitle=t("pack_subtitle", total=base.htv(d.total_units), n=len(results), when=when),
        status=status, contents=t("pack_contents"), sections=sections, generated_at=when,
        results=results, timings=timings)


__all__ = ["DEFAULT_RUNS", "PACK_FILE", "BoardPack", "PackOptions", "build_pack",
           "check_options", "default_sweep", "render_html", "sweep_param"]
