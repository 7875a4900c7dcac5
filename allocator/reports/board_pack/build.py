"""The board pack: the analyses' results as sections of plain blocks, in the board's language.

The board decides between scenarios by looking at charts and a few sentences, often on
paper. :func:`build_pack` has allocator.analysis.board run everything the pack shows —
every scenario allocated and verified, the base explained, the comparison, the
sensitivity analyses and the robust allocation — and turns the results into a
:class:`BoardPack` whose text is already in the chosen language and whose numbers are
already formatted; :func:`render_html` (allocator.reports.board_pack.render) writes it as
one self-contained HTML file. Nothing here computes an allocation, prints or writes files;
``allocate report`` (allocator.cli.report) writes the file.
"""

from __future__ import annotations

import math
import platform
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from allocator._version import __version__
from allocator.analysis.board import (
    DEFAULT_RUNS,
    LANGUAGES,
    PackAnalysis,
    PackOptions,
    Sensitivity,
    Skipped,
    SweepParadoxes,
    analyse_pack_and,
    check_options,
    default_sweep,
    sweep_param,
)
from allocator.charts.board import plot_municipality_changes, plot_proposal
from allocator.charts.compare import plot_line_shares
from allocator.charts.costs import plot_costs
from allocator.charts.sensitivity import plot_monte_carlo, plot_robust, plot_sweep, plot_tornado
from allocator.charts.style import new_figure
from allocator.engine.manifest import manifest
from allocator.engine.result import Result, Status
from allocator.engine.types import PROOF_CPSAT, PROOF_FLOW
from allocator.forked import made_ahead
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
    HELSINKI,
    change_css,
    decimal_commas,
    embed,
    head,
    on_page,
    plain,
    when,
)
from allocator.reports.board_pack.render import render_html
from allocator.reports.board_pack.summary import Summary
from allocator.reports.board_pack.text import PACK_TEXT, STAGE_NAMES, key_name, text

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from allocator.scenario.schema import Scenario

#: The file ``allocate report`` writes into its output folder.
PACK_FILE = "board_pack.html"
#: The builder's methods that make the pack's sections, in the pack's order.
SECTIONS = ("decision_summary", "allocation", "changes_section", "certainty", "glossary",
            "decision", "sensitivity", "robust", "comparison", "reproducibility")
#: The sections with charts, each made in a forked process while this one makes the
#: others (allocator.forked): drawing is most of the pack's time after the solves.
DRAWN_SECTIONS = frozenset({"allocation", "changes_section", "robust", "comparison"})
#: Section 4's analyses, in its order; the section is made from their blocks, each part in
#: a forked process of its own, as a section with charts.
SENSITIVITY_PARTS = ("tornado", "monte_carlo", "sweep")


def sensitivity_charts(base: Result, done: Sensitivity, o: PackOptions,
                       parts: Sequence[str] = SENSITIVITY_PARTS) -> dict[str, tuple[Chart, ...]]:
    """Section 4's charts of ``parts`` (names of SENSITIVITY_PARTS), by part: a tornado per
    area of ``base``, the Monte Carlo's spread and the sweep, in the pack's language.

    They need only the base and its analyses, so a pack solved one by one draws them beside
    the robust choice (allocator.analysis.board.analyse_pack_and).
    """
    lang = o.lang

    def t(key: str, **values: object) -> str:
        return text(key, lang, **values)

    out: dict[str, tuple[Chart, ...]] = {}
    if "tornado" in parts:
        frame = done.tornado
        pct = plain(o.change * 100, lang)
        shown = min(o.top, max(int((frame["swing_htv"] > 0).groupby(frame["area"]).sum()
                                   .max()), 1))
        charts = []
        for area in base.areas:
            fig = new_figure(8.0, 1.4 + 0.3 * shown)
            plot_tornado(frame, fig.add_subplot(), lang, area, o.top)
            charts.append(embed(fig, t("tornado_title", area=area, pct=pct).replace("\n", " "),
                                t("pack_cap_tornado", area=area, pct=pct), o.dpi, lang))
        out["tornado"] = tuple(charts)
    if "monte_carlo" in parts:
        out["monte_carlo"] = (embed(
            plot_monte_carlo(done.draws, lang=lang, threshold=o.threshold),
            t("mc_title", runs=o.runs, model=o.model, seed=o.seed),
            t("pack_cap_mc", threshold=plain(o.threshold, lang)), o.dpi, lang),)
    if "sweep" in parts:
        path = done.sweep_path
        out["sweep"] = (embed(plot_sweep(done.sweep, lang=lang), t("sweep_title", param=path),
                              t("pack_cap_sweep", param=path), o.dpi, lang),)
    return out


class _Builder(Summary):
    """Builds the sections of one pack from the analyses' results, in the pack's language;
    ``drawn`` holds the charts of section 4's parts made beside the robust choice (see
    :func:`sensitivity_charts`), the other parts draw theirs."""

    def __init__(self, analysis: PackAnalysis, command: str, generated_at: str,
                 drawn: dict[str, tuple[Chart, ...]] | None = None) -> None:
        super().__init__(analysis)
        self.command = command
        self.generated_at = generated_at
        self.drawn = drawn

    def chart(self, fig: Figure, alt: str, caption: str) -> Chart:
        """``fig`` embedded at the pack's resolution."""
        return embed(fig, alt, caption, self.options.dpi, self.lang)

    def verdict_facts(self, r: Result) -> Facts:
        """The solver's and the verifier's verdicts on ``r`` as key facts."""
        proof_css = {Status.OPTIMAL: "good", Status.FEASIBLE: ""}.get(r.status, "bad")
        verified, verified_css = self.verifier(r)
        return Facts(((self.t("pack_solver"), self.proof(r.status), proof_css),
                      (self.t("pack_verifier"), verified, verified_css)))

    def conflicts(self, r: Result) -> Bullets:
        """The rules that conflict in ``r``, each with its fix, or what the solver proved."""
        items = []
        for c in r.conflicts:
            items.append(c.message + (f" — {self.t('pack_fix')}: {c.fix}" if c.fix else ""))
        return Bullets(tuple(items or [self.proof(r.status)]))

    # --- 2 the recommended allocation in detail --------------------------------------------
    def allocation(self) -> Section:
        """The base's allocation by area and line, its central services, offices and costs."""
        r, t, dg = self.base, self.t, self.digits
        heading = t("pack_s1")
        if r.allocation is None:
            return Section("allocation", heading, (t("pack_s1_none"),),
                           (self.verdict_facts(r), self.conflicts(r)))
        by = r.by_area()
        header = head(t("pack_col_area"), *(self.line(r, ln) for ln in r.lines),
                      t("pack_col_customer"), t("pack_col_central"), t("pack_col_total"))
        rows = []
        for _, row in by.iterrows():
            is_total = row["area"] == "Total"
            name = Cell(t("all_areas") if is_total else str(row["area"]))
            rows.append(Row((
                name, *(self.num_cell(row[ln], dg) for ln in r.lines),
                self.num_cell(row["customer_htv"], dg), self.num_cell(row["central_htv"], dg),
                Cell(self.num(row["total_htv"], dg), "num strong")),
                "total" if is_total else ""))
        by_area = Table(t("pack_by_area_title"), header, tuple(rows), css="compact")
        areas = by[by["area"] != "Total"].reset_index(drop=True)
        title = t("allocation_title", total=self.num(float(r.total_htv), dg))
        chart = self.chart(plot_proposal(areas, [(ln, self.line(r, ln)) for ln in r.lines],
                                         t("central"), t("target"), t("htv_axis"), title, dg),
                           title, t("pack_cap_allocation"))
        moves = self.moves_table(r)
        return Section("allocation", heading, (t("pack_alloc_intro"),),
                       (by_area, chart, self.central_table(r), *((moves,) if moves else ()),
                        *self.costs(r)))

    def costs(self, r: Result) -> tuple[Block, ...]:
        """How the costs are shared; nothing when the scenario gives no costs. Each
        municipality's cost is in the decision summary; its parts, the other sharing keys
        and the reference split are in the appendix."""
        costs = r.costs()
        if costs is None:
            return ()
        t = self.t
        offices = t(f"pack_costs_offices_{costs.office_costs}")
        return (
            Heading(t("pack_costs_title")),
            Paragraph(t("pack_costs_intro", htv_eur=self.money(costs.htv_eur, 0),
                        offices=offices, central=self.num(float(costs.central_htv), self.digits),
                        name=key_name(costs.key, self.lang),
                        total=self.money(costs.total_eur, 0)) + " " + t("pack_costs_where")))

    def keys(self, r: Result) -> tuple[Block, ...]:
        """The cost chart, the central services under each common key and the reference
        split, for the appendix; nothing without costs."""
        costs = r.costs()
        if costs is None:
            return ()
        t = self.t
        blocks: list[Block] = [
            self.costs_table(r, costs),
            self.chart(plot_costs(r, costs, lang=self.lang),
                       t("costs_title", total=self.money(costs.total_eur, 0)),
                       t("pack_cap_costs")),
            Paragraph(t("pack_keys_intro")), self.keys_table(costs)]
        reference = self.reference_table(costs)
        if reference is not None and costs.reference is not None:
            weights = ", ".join(f"{key_name(f, self.lang)} {self.percent(float(w))} %"
                                for f, w in costs.reference.weights.items())
            blocks += [Paragraph(t("pack_reference_intro", weights=weights)), reference]
        return tuple(blocks)

    # --- 3 what the scenarios change ------------------------------------------------------
    def changes_section(self) -> Section:
        """Each scenario's change against the proposal, per municipality, as bars with
        their values, and per area as a table."""
        t, c = self.t, self.analysis.comparison
        blocks: list[Block] = []
        if self.analysis.changes and self.base.allocation is not None:
            fig = plot_municipality_changes(
                self.change_frame(), list(self.base.areas), t("pack_change_axis"),
                t("no_allocation"), t("pack_no_change"), digits=self.digits)
            blocks.append(self.chart(fig, t("pack_changes"), t("pack_cap_muni_delta")))
        blocks.append(self.side_by_side(c.frame, c.caseload))
        return Section("changes", t("pack_changes"), (t("pack_changes_intro"),), tuple(blocks))

    def change_frame(self) -> pd.DataFrame:
        """One row per scenario × municipality (and the central services, where any
        scenario changes them): the change against the proposal [HTV]."""
        import pandas as pd

        central = any(ch.central for ch in self.analysis.changes)
        rows = []
        d = self.base.data
        for ch in self.analysis.changes:
            title = self.question(self.results[ch.index])
            for m in self.municipality_order():
                value = (ch.municipality_htv or {}).get(m, math.nan)
                rows.append({"scenario": ch.label, "title": title, "bar": m,
                             "area": d.area_of[m],
                             "delta_htv": value if ch.municipality_htv is not None else math.nan})
            if central:
                total = (sum(after - before for _, before, after in ch.central)
                         if ch.figures is not None else math.nan)
                rows.append({"scenario": ch.label, "title": title,
                             "bar": self.t("central_short"), "area": None,
                             "delta_htv": round(total, self.digits) if ch.figures else math.nan})
        return pd.DataFrame(rows, columns=["scenario", "title", "bar", "area", "delta_htv"])

    # --- 2 how it was decided --------------------------------------------------------------
    def decision(self) -> Section:
        """Section 2: the fairness definition, why each area got its share, the rules."""
        r, t, explanation = self.base, self.t, self.analysis.explanation
        heading = t("pack_s2")
        if r.allocation is None or explanation is None:
            return Section("decision", heading, (t("pack_s2_none"),), (), appendix=True)
        shares = ", ".join(t("pack_line_share", line=self.line(r, ln), share=self.percent(float(share)),
                             tol=self.percent(float(tol)))
                           for ln, (share, tol) in r.line_shares.items())
        definition = Bullets((
            t("pack_fair_budget", total=self.num(float(r.total_htv), self.digits),
              central=self.num(float(r.central_htv), self.digits),
              customer=self.num(float(r.customer_htv), self.digits)),
            t("pack_fair_lines", shares=shares),
            t("pack_fair_targets"),
            t("pack_fair_rules"),
            t("pack_fair_objective"),
        ), ordered=True)
        weights = Table(t("pack_weights_title"),
                        (Cell(t("pack_col_line")), Cell(t("pack_col_share"), "num"),
                         Cell(t("pack_col_weights"))),
                        tuple(Row((Cell(self.line(r, ln.name)), Cell(f"{self.percent(ln.share)} %", "num"),
                                   Cell(", ".join(f"{key_name(f, self.lang)} {self.plain(w)}"
                                                  for f, w in ln.demand.items() if w > 0))))
                              for ln in r.scenario.service_lines), css="compact")
        blocks: list[Block] = [Heading(t("pack_fair_title")), definition, weights]
        assumed = self.assumptions_table(r)
        if assumed is not None:
            blocks.append(assumed)
        if r.verification is not None:
            blocks.append(Paragraph(t("pack_fair_result",
                                      max=self.num(float(r.verification.max_deviation), 4),
                                      total=self.num(float(r.verification.total_deviation), 4))))
        blocks += [Heading(t("pack_why_title")),
                   Paragraph(t("pack_why_intro", g=self.plain(float(r.granularity)))),
                   self.waterfall_table(explanation),
                   Heading(t("pack_rules_title"))]
        binding = explanation.binding
        g = self.plain(float(r.granularity))
        if not binding:
            blocks.append(Paragraph(t("pack_no_binding", g=g), "good"))
        else:
            top = binding[0]
            key = "pack_binding_one" if len(binding) == 1 else "pack_binding"
            blocks.append(Paragraph(t(key, n=len(binding), rule=self.rule_text(top.rule),
                                      cost_max=self.num(float(top.cost_max), 4),
                                      cost_total=self.num(float(top.cost_total), 4)), "note"))
        blocks.append(self.rules_table(explanation))
        tie = explanation.tie if explanation.tie is not None else r.tie
        if tie is None:
            blocks.append(Paragraph(t("pack_tie_none")))
        elif self.lang == "en":
            blocks.append(Paragraph(t("pack_tie", what=tie.describe())))
        else:
            blocks.append(Paragraph(t("pack_tie_broken")))
        blocks += [self.ratios_table(r), self.detail_table(r)]
        return Section("decision", heading, (t("pack_s2_intro"),), tuple(blocks), appendix=True)

    def ratios_table(self, r: Result) -> Table:
        """Per area: unemployed, customer service, the ratio, the exact caseload target and
        the difference [persons, HTV]."""
        t, dg = self.t, self.digits
        rows = []
        for _, row in r.by_area().iterrows():
            is_total = row["area"] == "Total"
            difference = row["customer_htv"] - row["target_htv"]
            rows.append(Row((
                Cell(t("all_areas") if is_total else str(row["area"])),
                self.num_cell(row["unemployed"], 0), self.num_cell(row["customer_htv"], dg),
                Cell(self.num(row["unemployed_per_htv"], 1), "num strong"),
                self.num_cell(row["target_htv"], 3),
                Cell(self.signed(difference, 3), f"num {change_css(difference, 3)}")),
                "total" if is_total else ""))
        return Table(t("pack_ratio_title"),
                     head(t("pack_col_area"), t("pack_col_unemployed"), t("pack_col_customer"),
                          t("pack_col_ratio"), t("pack_col_target"), t("pack_col_difference")),
                     tuple(rows), css="compact")

    # --- appendix: other comparisons ------------------------------------------------------
    def comparison(self) -> Section:
        """The scenarios' verdicts, service-line shares, conflicts and the sharing keys."""
        t, lang, labels = self.t, self.lang, self.labels
        results, c = self.results, self.analysis.comparison
        blocks: list[Block] = [self.scenarios_table()]
        missing = [(label, r) for label, r in zip(labels, results, strict=True)
                   if r.allocation is None]
        if missing:
            blocks.append(Heading(t("pack_conflicts_title")))
            for label, r in missing:
                blocks.append(Paragraph(f"{label}: {self.proof(r.status)}", "bad"))
                blocks.append(self.conflicts(r))
        if len(c.costs):
            blocks.append(self.costs_compare_table(c.costs))
        if c.footer is not None and c.shares is not None:
            names = {ln.name: self.line(self.base, ln.name)
                     for ln in self.base.scenario.service_lines}
            fig = on_page(plot_line_shares, c.shares, lang, 5.4, c.footer, names=names)
            blocks.append(self.chart(fig, t("compare_shares_title").replace("\n", " "),
                                     t("pack_cap_shares")))
        if self.base.allocation is not None:
            blocks += [Heading(t("pack_costs_title")), *self.keys(self.base)]
        return Section("comparison", t("pack_s3_more"), (t("pack_s3_more_intro"),),
                       tuple(blocks), appendix=True)

    # --- 4 sensitivity ---------------------------------------------------------------------
    def sensitivity(self) -> Section:
        """Section 4: the base's tornado, Monte Carlo and sweep, as tables and charts."""
        return self.sensitivity_of([self.sensitivity_part(name) for name in SENSITIVITY_PARTS])

    def sensitivity_of(self, parts: Sequence[tuple[Block, ...]]) -> Section:
        """Section 4 from its parts' blocks, in SENSITIVITY_PARTS' order."""
        t, heading = self.t, self.t("pack_s4")
        if self.analysis.sensitivity is None:
            return Section("sensitivity", heading, (t("pack_s4_intro"),),
                           (Paragraph(t("pack_s4_none"), "bad"),), appendix=True)
        blocks = tuple(block for part in parts for block in part)
        return Section("sensitivity", heading, (t("pack_s4_intro"),), blocks, appendix=True)

    def sensitivity_part(self, name: str) -> tuple[Block, ...]:
        """One analysis of section 4 (a name of SENSITIVITY_PARTS): its heading, intro,
        table and charts; nothing when the base has no allocation."""
        t, o, done = self.t, self.options, self.analysis.sensitivity
        if done is None:
            return ()
        if name not in SENSITIVITY_PARTS:
            raise ValueError(f"no part {name!r} in section 4 (one of {SENSITIVITY_PARTS})")
        charts = (self.drawn or {}).get(name) or sensitivity_charts(self.base, done, o,
                                                                   (name,))[name]
        if name == "tornado":
            frame = done.tornado
            pct = self.plain(o.change * 100)
            inputs = frame["input"].nunique()
            return (Heading(t("pack_tornado_title")),
                    Paragraph(t("pack_tornado_intro", n=inputs, pct=pct)),
                    self.tornado_table(frame, pct), *charts)
        if name == "monte_carlo":
            return (Heading(t("pack_mc_title")),
                    Paragraph(t("pack_mc_intro", runs=o.runs, model=o.model, seed=o.seed,
                                threshold=self.plain(o.threshold))),
                    self.stability_table(done.stability), *charts)
        path, values, points = done.sweep_path, done.sweep_values, done.sweep
        step = values[1] - values[0] if len(values) > 1 else 0.0
        return (Heading(t("pack_sweep_title")),
                Paragraph(t("pack_sweep_intro", param=path, start=self.plain(values[0]),
                            stop=self.plain(values[-1]), step=self.plain(round(step, 12)))),
                self.sweep_table(points, path),
                *self.sweep_paradoxes(done.paradoxes), *charts)

    def sweep_paradoxes(self, found: SweepParadoxes | None) -> tuple[Block, ...]:
        """The sentence on the sweep's Alabama or population paradoxes: how many steps
        showed one at each level and the largest, or that none did; nothing for an input
        that can show neither."""
        t = self.t
        if found is None or found.kind is None:
            return ()
        why = t(f"pack_paradox_why_{found.kind}")
        e = found.largest
        if e is None:
            return (Paragraph(t("pack_sweep_paradox_none", steps=found.steps, why=why)),)
        c = found.counts
        return (Paragraph(t("pack_sweep_paradox", why=why, steps=found.steps, cells=c["cell"],
                            municipalities=c["municipality"], areas=c["area"],
                            kind=t(f"pack_paradox_{found.kind}"), name=e["name"],
                            before=self.num(e["htv_before"], self.digits),
                            after=self.num(e["htv_after"], self.digits), param=e["parameter"],
                            start=self.plain(e["from_value"]), stop=self.plain(e["to_value"]))),)

    # --- 5 the robust allocation -----------------------------------------------------------
    def skip_reason(self, skip: Skipped) -> str:
        """Why a scenario was left out of the robust allocation, as one list item."""
        t = self.t
        if skip.kind == "structure":
            return "; ".join(t("pack_skip_structure", name=skip.label,
                               field=self.field_name(d.field), value=self.field_value(d.value),
                               base=self.field_value(d.base)) for d in skip.differences)
        if skip.kind == "no_allocation":
            return t("pack_skip_no_allocation", name=skip.label)
        if skip.kind == "rules":
            # The conflicts' own messages are the engine's, in English.
            why = ("; ".join(skip.why) if self.lang == "en" else "") or (
                self.proof(skip.status) if skip.status else "")
            return t("pack_skip_rules", name=skip.label, why=why)
        return t("pack_skip_broken", name=skip.label,
                 rules=", ".join(self.rule_text(rule) for rule in skip.rules))

    def field_name(self, path: str) -> str:
        """A structural field in the reader's words ('person-years in all')."""
        key = f"pack_field_{path}"
        return self.t(key) if key in PACK_TEXT["en"] else path

    def field_value(self, value: str) -> str:
        """A structural value in the reader's words: names in the language, decimal mark."""
        r = self.base
        names = []
        for item in value.split("; "):
            if any(o.name == item for o in r.scenario.offices) or item.endswith(
                    ("office", "service point")):
                names.append(next((o.title_in(self.lang) for res in self.results
                                   for o in res.scenario.offices if o.name == item), item))
            else:
                names.append(self.central(r, item))
        return decimal_commas("; ".join(names), self.lang)

    def robust(self) -> Section:
        """Section 5: the robust allocation, who joined it and who was left out, the regret."""
        t, dg = self.t, self.digits
        heading = t("pack_s5")
        choice = self.analysis.robust
        result, included, skipped = choice.result, choice.included, choice.skipped
        if result is None:
            return Section("robust", heading, (t("pack_s5_intro"),),
                           (Paragraph(t("pack_s4_none"), "bad"),), appendix=True)
        blocks: list[Block] = [Paragraph(t("pack_robust_included",
                                           names=", ".join(self.labels[i] for i in included)))]
        if skipped:
            blocks += [Paragraph(t("pack_robust_skipped")),
                       Bullets(tuple(self.skip_reason(skip) for skip in skipped))]
        if len(included) == 1:
            blocks.append(Paragraph(t("pack_robust_alone"), "note"))
        if result.central_sizes:
            services = "; ".join(
                t("pack_robust_size", name=self.central(self.base, name),
                  size=self.plain(float(size)),
                  sizes=", ".join(f"{self.labels[i]} {self.plain(float(given[name]))}"
                                  for i, given in zip(included, result.given_sizes, strict=True)))
                for name, size in result.central_sizes.items())
            blocks.append(Paragraph(t("pack_robust_sized", services=services), "note"))
        if result.allocation is None:
            why = "; ".join(c.message for c in result.conflicts) or self.proof(result.status)
            blocks.append(Paragraph(t("pack_robust_none", why=why), "bad"))
            return Section("robust", heading, (t("pack_s5_intro"),), tuple(blocks), appendix=True)
        regret = result.regret_frame()
        areas = result.area_frame()
        worst = float(regret["robust_max_deviation_htv"].max())
        key = "pack_robust_verdict" if result.verified else "pack_robust_verdict_bad"
        blocks.append(Paragraph(t(key, proof=self.proof(result.status), worst=self.num(worst, 4)),
                                "good" if result.verified else "bad"))
        names = list(dict.fromkeys(areas["scenario"]))
        header = head(t("pack_col_area"), t("pack_col_robust"),
                      *(t("pack_col_own", name=n) for n in names))
        rows = []
        for area in dict.fromkeys(areas["area"]):
            part = areas[areas["area"] == area].set_index("scenario")
            rows.append(Row((Cell(str(area)),
                             Cell(self.num(part["robust_htv"].iloc[0], dg), "num strong"),
                             *(self.num_cell(part.loc[n, "own_htv"], dg) for n in names))))
        blocks.append(Table(t("pack_robust_area_title"), header, tuple(rows), css="compact"))
        header = head(t("pack_col_scenario"), t("pack_col_own_max"), t("pack_col_robust_max"),
                      t("pack_col_regret_max"), t("pack_col_own_total"),
                      t("pack_col_robust_total"), t("pack_col_regret_total"),
                      t("pack_col_rules_hold"))
        rows = []
        for _, r in regret.iterrows():
            rows.append(Row((
                Cell(str(r["scenario"]), "strong"), self.num_cell(r["own_max_deviation_htv"], 4),
                self.num_cell(r["robust_max_deviation_htv"], 4),
                Cell(self.signed(r["regret_max_htv"], 4), "num strong"),
                self.num_cell(r["own_total_deviation_htv"], 4),
                self.num_cell(r["robust_total_deviation_htv"], 4),
                Cell(self.signed(r["regret_total_htv"], 4), "num strong"),
                Cell(t("pack_yes") if r["robust_verified"] else t("pack_no"),
                     "num good" if r["robust_verified"] else "num bad"))))
        blocks.append(Table(t("pack_regret_title"), header, tuple(rows), css="compact"))
        blocks.append(Paragraph(t("pack_robust_own_proofs", proofs=self.own_proofs(regret)),
                                "note"))
        blocks.append(self.chart(plot_robust(areas, lang=self.lang),
                                 t("robust_title", n=len(names)),
                                 t("pack_cap_robust")))
        return Section("robust", heading, (t("pack_s5_intro"),), tuple(blocks), appendix=True)

    def own_proofs(self, regret: pd.DataFrame) -> str:
        """What proves each scenario's own optimum, in words: the scenarios named under
        each proof (the regret frame's own_proof), CP-SAT's first."""
        by: dict[str, list[str]] = {PROOF_CPSAT: [], PROOF_FLOW: []}
        for _, r in regret.iterrows():
            if r["own_proof"] in by:
                by[r["own_proof"]].append(str(r["scenario"]))
        keys = {PROOF_CPSAT: "pack_own_cpsat", PROOF_FLOW: "pack_own_flow"}
        return self.t("pack_why_and").join(self.t(keys[proof], names=", ".join(names))
                                           for proof, names in by.items() if names)

    # --- 6 reproducibility -----------------------------------------------------------------
    def reproducibility(self) -> Section:
        """Section 6: the command, versions, hashes and settings that reproduce the pack."""
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
            settings = t("pack_solver_settings", limit=self.plain(solver["time_limit_deterministic"]),
                         seed=solver["random_seed"], workers=r.solver.workers,
                         stages=" → ".join(STAGE_NAMES[self.lang].get(st, st)
                                           for st in solver["stages"]) or "–")
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
        done = self.analysis.sensitivity
        path, values = (done.sweep_path, done.sweep_values) if done is not None else ("", ())
        analyses = [t("pack_analysis_tornado", pct=self.plain(o.change * 100)),
                    t("pack_analysis_mc", runs=o.runs, model=o.model, seed=o.seed,
                      threshold=self.plain(o.threshold))]
        if path:
            analyses.append(t("pack_analysis_sweep", param=path,
                              values=", ".join(self.plain(v) for v in values)))
        analyses.append(t("pack_analysis_exec", executor=o.executor))
        blocks += [Heading(t("pack_analyses_title")), Bullets(tuple(analyses)),
                   Paragraph(t("pack_footer", version=__version__), "note")]
        return Section("reproducibility", t("pack_s6"), (t("pack_s6_intro"),), tuple(blocks), appendix=True)

    def versions(self) -> list[tuple[str, str]]:
        """(package, version) of the software that built the pack."""
        out = [("allocator", __version__), ("OR-Tools", self.base.solver.ortools_version),
               ("Python", platform.python_version())]
        for name in ("numpy", "pandas", "matplotlib", "pydantic", "jinja2", "PyYAML"):
            try:
                out.append((name, version(name)))
            except PackageNotFoundError:  # pragma: no cover - all are dependencies
                out.append((name, "–"))
        return out


#: Section 4's parts whose charts a pack solved one by one draws beside the robust choice,
#: after the analyses: as long as the robust choice takes, no longer; the tornado's
#: charts, one per area, are drawn with the other sections.
BESIDE_PARTS = ("monte_carlo", "sweep")


def build_pack(scenarios: Sequence[tuple[str, Scenario]], options: PackOptions | None = None,
               command: str = "", generated_at: datetime | None = None,
               phase: Callable[[str], None] | None = None) -> BoardPack:
    """Allocate every scenario (the first is the base), analyse the base, and build the pack.

    ``scenarios`` are (source file, Scenario) pairs, as loaded; ``command`` is shown in the
    reproducibility section; ``generated_at`` defaults to now, and is shown in Helsinki
    time. Scenarios without an allocation do not raise: the pack says so where it matters.
    Raises ScenarioError when the options cannot work on the base (see
    :func:`check_options`). The pack's timings are the analyses' and "tables and charts" [s];
    ``phase`` is told each step's name as it starts (see allocator.analysis.board.analyse_pack).
    """
    moment = (generated_at or datetime.now(HELSINKI)).astimezone(HELSINKI)
    o = options or PackOptions()
    analysis, drawn = analyse_pack_and(scenarios, o, phase,
                                       partial(sensitivity_charts, o=o, parts=BESIDE_PARTS))
    if phase is not None:
        phase("tables and charts")
    begin = time.perf_counter()
    lang = analysis.options.lang
    shown = when(moment, lang)
    b = _Builder(analysis, command, shown, drawn)
    # Section 4 is made from its three analyses; where their charts are not drawn yet,
    # each part is drawn in a process of its own.
    makers: dict[str, Callable[[], Section]] = {
        name: getattr(b, name) for name in SECTIONS if name != "sensitivity"}
    parts = {part: partial(b.sensitivity_part, part) for part in SENSITIVITY_PARTS}
    with made_ahead(makers, DRAWN_SECTIONS) as made, \
            made_ahead(parts, frozenset(SENSITIVITY_PARTS) - set(drawn or ())) as made_parts:
        sections = [b.sensitivity_of([made_parts[part]() for part in SENSITIVITY_PARTS])
                    if name == "sensitivity" else made[name]() for name in SECTIONS]
    timings = dict(analysis.timings)
    timings["tables and charts"] = time.perf_counter() - begin
    t, results, base = b.t, analysis.results, analysis.base
    bad = [label for label, r in zip(b.labels, results, strict=True) if not r.verified]
    status = (t("pack_status_ok") if not bad else
              t("pack_status_bad", n=len(bad), total=len(results), names=", ".join(bad)))
    return BoardPack(
        lang=lang, kicker=t("pack_kicker"),
        title=t("pack_title", title=base.scenario.title_in(lang)),
        subtitle=t("pack_subtitle", total=b.num(float(base.total_htv), base.digits),
                   n=len(results), when=shown),
        status=status, contents=t("pack_contents"), sections=sections,
        appendix_heading=t("pack_appendix"), appendix_intro=t("pack_appendix_intro"),
        generated_at=moment.isoformat(timespec="seconds"), results=results, timings=timings)


__all__ = ["DEFAULT_RUNS", "LANGUAGES", "PACK_FILE", "BoardPack", "PackOptions", "build_pack",
           "check_options", "default_sweep", "render_html", "sweep_param"]
