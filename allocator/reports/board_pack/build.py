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

import platform
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from allocator._version import __version__
from allocator.analysis.board import (
    DEFAULT_RUNS,
    LANGUAGES,
    PackAnalysis,
    PackOptions,
    Skipped,
    SweepParadoxes,
    analyse_pack,
    check_options,
    default_sweep,
    sweep_param,
)
from allocator.charts.allocation import plot_allocation
from allocator.charts.compare import plot_area_deltas, plot_area_htv, plot_caseload, plot_line_shares
from allocator.charts.costs import plot_costs
from allocator.charts.sensitivity import plot_monte_carlo, plot_robust, plot_sweep, plot_tornado
from allocator.charts.style import new_figure
from allocator.engine.manifest import manifest
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
from allocator.reports.board_pack.tables import Tables
from allocator.reports.board_pack.text import key_name

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from allocator.scenario.schema import Scenario

#: The file ``allocate report`` writes into its output folder.
PACK_FILE = "board_pack.html"


class _Builder(Tables):
    """Builds the sections of one pack from the analyses' results, in the pack's language."""

    def __init__(self, analysis: PackAnalysis, command: str, generated_at: str) -> None:
        super().__init__(analysis)
        self.command = command
        self.generated_at = generated_at

    def chart(self, fig: Figure, alt: str, caption: str) -> Chart:
        """``fig`` embedded at the pack's resolution."""
        return embed(fig, alt, caption, self.options.dpi)

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

    # --- 1 the recommended allocation ------------------------------------------------------
    def allocation(self) -> Section:
        """Section 1: the base's allocation by area, line and office, and its key ratio."""
        r, t, dg = self.base, self.t, self.digits
        s = r.scenario
        heading = t("pack_s1")
        if r.allocation is None:
            return Section("allocation", heading, (t("pack_s1_none"),),
                           (self.verdict_facts(r), self.conflicts(r)))
        by = r.by_area()
        areas = by[by["area"] != "Total"]
        total = by[by["area"] == "Total"].iloc[0]
        intro = [t("pack_s1_intro", title=s.title or s.name, total=r.total_htv,
                   customer=r.customer_htv, areas=len(r.areas), central=r.central_htv,
                   lead=r.lead_municipality)]
        ratios = areas.dropna(subset=["unemployed_per_htv"])
        if len(ratios) and not isnan(total["unemployed_per_htv"]):
            ordered = ratios.sort_values("unemployed_per_htv", kind="stable")
            low, high = ordered.iloc[0], ordered.iloc[-1]
            intro.append(t("pack_s1_ratio", ratio=num(total["unemployed_per_htv"], 1),
                           low=num(low["unemployed_per_htv"], 1), low_area=low["area"],
                           high=num(high["unemployed_per_htv"], 1), high_area=high["area"]))
        header = head(t("pack_col_area"), *(self.line(r, ln) for ln in r.lines),
                      t("pack_col_customer"), t("pack_col_central"), t("pack_col_total"))
        rows = []
        ratio_rows = []
        for _, row in by.iterrows():
            is_total = row["area"] == "Total"
            name = Cell(t("all_areas") if is_total else str(row["area"]))
            css = "total" if is_total else ""
            rows.append(Row((
                name, *(num_cell(row[ln], dg) for ln in r.lines),
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
                           t("allocation_title", total=r.total_htv),
                           t("pack_cap_allocation"))
        moves = self.moves_table(r)
        return Section("allocation", heading, tuple(intro),
                       (self.verdict_facts(r), by_area, self.central_table(r), chart,
                        ratios_table, self.detail_table(r), *((moves,) if moves else ()),
                        *self.costs(r)))

    def costs(self, r: Result) -> tuple[Block, ...]:
        """What the allocation costs each municipality, the keys side by side and the
        reference split; nothing when the scenario gives no costs."""
        costs = r.costs()
        if costs is None:
            return ()
        t = self.t
        offices = t(f"pack_costs_offices_{costs.office_costs}")
        blocks: list[Block] = [
            Heading(t("pack_costs_title")),
            Paragraph(t("pack_costs_intro", htv_eur=self.money(costs.htv_eur, 0),
                        offices=offices, central=num(float(costs.central_htv), self.digits),
                        name=key_name(costs.key, self.lang),
                        total=self.money(costs.total_eur))),
            self.costs_table(r, costs),
            self.chart(plot_costs(r, costs, lang=self.lang),
                       t("costs_title", total=self.money(costs.total_eur, 0)),
                       t("pack_cap_costs")),
            Paragraph(t("pack_keys_intro")),
            self.keys_table(costs)]
        reference = self.reference_table(costs)
        if reference is not None and costs.reference is not None:
            weights = ", ".join(f"{key_name(f, self.lang)} {percent(float(w))} %"
                                for f, w in costs.reference.weights.items())
            blocks += [Paragraph(t("pack_reference_intro", weights=weights)), reference]
        return tuple(blocks)

    # --- 2 how it was decided --------------------------------------------------------------
    def decision(self) -> Section:
        """Section 2: the fairness definition, why each area got its share, the rules."""
        r, t, explanation = self.base, self.t, self.analysis.explanation
        heading = t("pack_s2")
        if r.allocation is None or explanation is None:
            return Section("decision", heading, (t("pack_s2_none"),), ())
        shares = ", ".join(t("pack_line_share", line=self.line(r, ln), share=percent(float(share)),
                             tol=percent(float(tol)))
                           for ln, (share, tol) in r.line_shares.items())
        definition = Bullets((
            t("pack_fair_budget", total=r.total_htv, central=r.central_htv,
              customer=r.customer_htv),
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
        assumed = self.assumptions_table(r)
        if assumed is not None:
            blocks.append(assumed)
        if r.verification is not None:
            blocks.append(Paragraph(t("pack_fair_result",
                                      max=num(float(r.verification.max_deviation), 4),
                                      total=num(float(r.verification.total_deviation), 4))))
        blocks += [Heading(t("pack_why_title")),
                   Paragraph(t("pack_why_intro", g=plain(float(r.granularity)))),
                   self.waterfall_table(explanation),
                   Heading(t("pack_rules_title"))]
        binding = explanation.binding
        g = plain(float(r.granularity))
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

    # --- 3 the scenario comparison ---------------------------------------------------------
    def comparison(self) -> Section:
        """Section 3: the scenarios side by side, their charts and their conflicts."""
        t, lang, labels = self.t, self.lang, self.labels
        results, c = self.results, self.analysis.comparison
        blocks: list[Block] = [self.scenarios_table()]
        frame, per_htv = c.frame, c.caseload
        blocks.append(self.side_by_side(frame, per_htv))
        if len(c.costs):
            blocks.append(self.costs_compare_table(c.costs))
        missing = [(label, r) for label, r in zip(labels, results, strict=True)
                   if r.allocation is None]
        if missing:
            blocks.append(Heading(t("pack_conflicts_title")))
            for label, r in missing:
                blocks.append(Paragraph(f"{label}: {self.proof(r.status)}", "bad"))
                blocks.append(self.conflicts(r))
        if c.footer is not None and c.shares is not None:
            footer = c.footer
            others = len(results) - 1
            delta_height = min(max(4.8, 1.6 + 0.16 * (len(self.base.areas) + 2) * others),
                               8.5)
            charts = [
                (plot_area_htv, frame, 5.2, "compare_htv_title", "pack_cap_htv"),
                (plot_area_deltas, frame, delta_height, "compare_delta_title", "pack_cap_delta"),
                (plot_line_shares, c.shares, 5.4, "compare_shares_title", "pack_cap_shares"),
                (plot_caseload, per_htv, 5.2, "compare_caseload_title", "pack_cap_caseload"),
            ]
            for plot, data, height, title, caption in charts:
                if plot is plot_area_deltas and others == 0:
                    continue
                fig = on_page(plot, data, lang, height, footer)
                blocks.append(self.chart(fig, t(title, base=labels[0]).replace("\n", " "),
                                         t(caption)))
        return Section("comparison", t("pack_s3"), (t("pack_s3_intro"),), tuple(blocks))

    # --- 4 sensitivity ---------------------------------------------------------------------
    def sensitivity(self) -> Section:
        """Section 4: the base's tornado, Monte Carlo and sweep, as tables and charts."""
        t, lang, o, done = self.t, self.lang, self.options, self.analysis.sensitivity
        heading = t("pack_s4")
        if done is None:
            return Section("sensitivity", heading, (t("pack_s4_intro"),),
                           (Paragraph(t("pack_s4_none"), "bad"),))
        blocks: list[Block] = []

        # Tornado
        frame = done.tornado
        pct = plain(o.change * 100)
        inputs = frame["input"].nunique()
        blocks += [Heading(t("pack_tornado_title")),
                   Paragraph(t("pack_tornado_intro", n=inputs, pct=pct)),
                   self.tornado_table(frame, pct)]
        shown = min(o.top, max(int((frame["swing_htv"] > 0).groupby(frame["area"]).sum().max()), 1))
        for area in self.base.areas:
            fig = new_figure(8.0, 1.4 + 0.3 * shown)
            plot_tornado(frame, fig.add_subplot(), lang, area, o.top)
            blocks.append(self.chart(fig, t("tornado_title", area=area, pct=pct)
                                     .replace("\n", " "),
                                     t("pack_cap_tornado", area=area, pct=pct)))

        # Monte Carlo
        draws = done.draws
        blocks += [Heading(t("pack_mc_title")),
                   Paragraph(t("pack_mc_intro", runs=o.runs, model=o.model, seed=o.seed,
                               threshold=plain(o.threshold))),
                   self.stability_table(done.stability),
                   self.chart(plot_monte_carlo(draws, lang=lang, threshold=o.threshold),
                              t("mc_title", runs=o.runs, model=o.model, seed=o.seed),
                              t("pack_cap_mc", threshold=plain(o.threshold)))]

        # Sweep
        path, values, points = done.sweep_path, done.sweep_values, done.sweep
        step = values[1] - values[0] if len(values) > 1 else 0.0
        blocks += [Heading(t("pack_sweep_title")),
                   Paragraph(t("pack_sweep_intro", param=path, start=plain(values[0]),
                               stop=plain(values[-1]), step=plain(round(step, 12)))),
                   self.sweep_table(points, path),
                   *self.sweep_paradoxes(done.paradoxes),
                   self.chart(plot_sweep(points, lang=lang),
                              t("sweep_title", param=path),
                              t("pack_cap_sweep", param=path))]
        return Section("sensitivity", heading, (t("pack_s4_intro"),), tuple(blocks))

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
                            before=num(e["htv_before"], self.digits),
                            after=num(e["htv_after"], self.digits), param=e["parameter"],
                            start=plain(e["from_value"]), stop=plain(e["to_value"]))),)

    # --- 5 the robust allocation -----------------------------------------------------------
    def skip_reason(self, skip: Skipped) -> str:
        """Why a scenario was left out of the robust allocation, as one list item."""
        t = self.t
        if skip.kind == "structure":
            return "; ".join(t("pack_skip_structure", name=skip.label, field=d.field,
                               value=d.value, base=d.base) for d in skip.differences)
        if skip.kind == "no_allocation":
            return t("pack_skip_no_allocation", name=skip.label)
        if skip.kind == "rules":
            why = "; ".join(skip.why) or (self.proof(skip.status) if skip.status else "")
            return t("pack_skip_rules", name=skip.label, why=why)
        return t("pack_skip_broken", name=skip.label, rules=", ".join(skip.rules))

    def robust(self) -> Section:
        """Section 5: the robust allocation, who joined it and who was left out, the regret."""
        t, dg = self.t, self.digits
        heading = t("pack_s5")
        choice = self.analysis.robust
        result, included, skipped = choice.result, choice.included, choice.skipped
        if result is None:
            return Section("robust", heading, (t("pack_s5_intro"),),
                           (Paragraph(t("pack_s4_none"), "bad"),))
        blocks: list[Block] = [Paragraph(t("pack_robust_included",
                                           names=", ".join(self.labels[i] for i in included)))]
        if skipped:
            blocks += [Paragraph(t("pack_robust_skipped")),
                       Bullets(tuple(self.skip_reason(skip) for skip in skipped))]
        if len(included) == 1:
            blocks.append(Paragraph(t("pack_robust_alone"), "note"))
        if result.central_sizes:
            services = "; ".join(
                t("pack_robust_size", name=name, size=plain(float(size)),
                  sizes=", ".join(f"{self.labels[i]} {plain(float(given[name]))}"
                                  for i, given in zip(included, result.given_sizes, strict=True)))
                for name, size in result.central_sizes.items())
            blocks.append(Paragraph(t("pack_robust_sized", services=services), "note"))
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
                                 t("robust_title", n=len(names)),
                                 t("pack_cap_robust")))
        return Section("robust", heading, (t("pack_s5_intro"),), tuple(blocks))

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
        done = self.analysis.sensitivity
        path, values = (done.sweep_path, done.sweep_values) if done is not None else ("", ())
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
        """(package, version) of the software that built the pack."""
        out = [("allocator", __version__), ("OR-Tools", self.base.solver.ortools_version),
               ("Python", platform.python_version())]
        for name in ("numpy", "pandas", "matplotlib", "pydantic", "jinja2", "PyYAML"):
            try:
                out.append((name, version(name)))
            except PackageNotFoundError:  # pragma: no cover - all are dependencies
                out.append((name, "–"))
        return out


def build_pack(scenarios: Sequence[tuple[str, Scenario]], options: PackOptions | None = None,
               command: str = "", generated_at: datetime | None = None,
               phase: Callable[[str], None] | None = None) -> BoardPack:
    """Allocate every scenario (the first is the base), analyse the base, and build the pack.

    ``scenarios`` are (source file, Scenario) pairs, as loaded; ``command`` is shown in the
    reproducibility section; ``generated_at`` defaults to now (local time). Scenarios
    without an allocation do not raise: the pack says so where it matters. Raises
    ScenarioError when the options cannot work on the base (see :func:`check_options`).
    The pack's timings are the analyses' and "tables and charts" [s]; ``phase`` is told
    each step's name as it starts (see allocator.analysis.board.analyse_pack).
    """
    when = (generated_at or datetime.now().astimezone()).isoformat(sep=" ", timespec="seconds")
    begin = time.perf_counter()
    analysis = analyse_pack(scenarios, options, phase)
    if phase is not None:
        phase("tables and charts")
    b = _Builder(analysis, command, when)
    sections = [b.allocation(), b.decision(), b.comparison(), b.sensitivity(), b.robust(),
                b.reproducibility()]
    timings = dict(analysis.timings)
    timings["tables and charts"] = time.perf_counter() - begin - sum(timings.values())
    t, results, base = b.t, analysis.results, analysis.base
    bad = [label for label, r in zip(b.labels, results, strict=True) if not r.verified]
    status = (t("pack_status_ok") if not bad else
              t("pack_status_bad", n=len(bad), total=len(results), names=", ".join(bad)))
    return BoardPack(
        lang=analysis.options.lang, kicker=t("pack_kicker"),
        title=t("pack_title", title=base.scenario.title or base.scenario.name),
        subtitle=t("pack_subtitle", total=base.total_htv, n=len(results), when=when),
        status=status, contents=t("pack_contents"), sections=sections, generated_at=when,
        results=results, timings=timings)


__all__ = ["DEFAULT_RUNS", "LANGUAGES", "PACK_FILE", "BoardPack", "PackOptions", "build_pack",
           "check_options", "default_sweep", "render_html", "sweep_param"]
