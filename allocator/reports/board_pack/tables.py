"""The board pack's tables, built from the analyses' frames, and the words they share.

Every table's numbers come formatted from allocator.reports.board_pack.format and its
words from allocator.reports.board_pack.text, so a status, a verdict or a change reads the
same in every table and in the sections' sentences (allocator.reports.board_pack.build).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from allocator.analysis.compare import ALL_AREAS, ALL_MUNICIPALITIES, CENTRAL
from allocator.engine.result import Result, Status
from allocator.engine.rules import RULES
from allocator.engine.rules.base import key_of, rule_of
from allocator.engine.types import PROOF_FLOW
from allocator.reports.board_pack.blocks import Cell, Row, Table
from allocator.reports.board_pack.format import (
    change_css,
    decimal_commas,
    head,
    isnan,
    money,
    num,
    num_cell,
    percent,
    plain,
    signed,
)
from allocator.reports.board_pack.text import PACK_TEXT, VALUE_WORDS, key_name, text
from allocator.scenario import features

if TYPE_CHECKING:
    import pandas as pd

    from allocator.analysis.board import PackAnalysis
    from allocator.engine.costs import Costs
    from allocator.engine.explain import Explanation


class Tables:
    """The tables of one pack, in its language, at the base's number of decimals."""

    def __init__(self, analysis: PackAnalysis) -> None:
        self.analysis = analysis
        self.results = analysis.results
        self.options = analysis.options
        self.lang = analysis.options.lang
        self.labels = analysis.labels
        self.base = analysis.base
        self.digits = self.base.digits

    def num(self, value: Any, digits: int = 2) -> str:
        """A number as the pack's language writes it (decimal comma in Finnish)."""
        return num(value, digits, self.lang)

    def signed(self, value: Any, digits: int = 2) -> str:
        """A change with its sign, as the pack's language writes it."""
        return signed(value, digits, self.lang)

    def num_cell(self, value: Any, digits: int = 2, css: str = "num") -> Cell:
        """A table cell holding a number, as the pack's language writes it."""
        return num_cell(value, digits, css, self.lang)

    def plain(self, value: float) -> str:
        """A setting or input value as written, with the language's decimal mark."""
        return plain(value, self.lang)

    def percent(self, value: float) -> str:
        """A share as a percentage, with the language's decimal mark."""
        return percent(value, self.lang)

    def t(self, key: str, **values: object) -> str:
        """The pack's text ``key`` in the pack's language, with ``values`` filled in."""
        return text(key, self.lang, **values)

    def line(self, result: Result, name: str) -> str:
        """The service line ``name`` as the pack's language calls it (its label_fi in
        Finnish)."""
        for ln in result.scenario.service_lines:
            if ln.name == name:
                return ln.title_in(self.lang)
        return result.line_labels[name]

    def office(self, result: Result, name: str) -> str:
        """An office as the pack's language calls it (its label_fi in Finnish)."""
        for o in result.scenario.offices:
            if o.name == name:
                return o.title_in(self.lang)
        return name

    def central(self, result: Result, name: str) -> str:
        """A central service as the pack's language calls it."""
        for c in result.scenario.central_services:
            if c.name == name:
                return c.title_in(self.lang)
        return name

    def rule_text(self, label: str) -> str:
        """A rule label in the reader's words and language: 'Sastamala office: an office is
        staffed at least to its minimum', never the label itself."""
        name = rule_of(label)
        rule = next((x for x in RULES if x.name == name), None)
        if rule is None:
            return label
        words = rule.text.get(self.lang) or rule.text["en"]
        key = key_of(label)
        if not key:
            return words[:1].upper() + words[1:]
        names = [self.office(self.base, k) if any(o.name == k for o in self.base.scenario.offices)
                 else self.line(self.base, k) if k in self.base.line_labels
                 else self.central(self.base, k) for k in key.split(",")]
        return f"{', '.join(names)}: {words}"

    def proof(self, status: Status | str) -> str:
        """What the solver proved, in words."""
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

    def detail_table(self, r: Result) -> Table:
        """Every office and municipality it serves, by service line [HTV]."""
        t, dg = self.t, self.digits
        wide = r.allocation_wide()
        header = head(t("pack_col_area"), t("pack_col_office"), t("pack_col_municipality"),
                      *(self.line(r, ln) for ln in r.lines), t("pack_col_customer"),
                      left=3)
        rows = []
        last_area = None
        for _, row in wide.iterrows():
            area = "" if row["area"] == last_area else str(row["area"])
            last_area = row["area"]
            rows.append(Row((Cell(area), Cell(self.office(r, str(row["office"]))),
                             Cell(str(row["municipality"])),
                             *(self.num_cell(row[ln], dg) for ln in r.lines),
                             Cell(self.num(row["customer_htv"], dg), "num strong"))))
        return Table(t("pack_detail_title"), header, tuple(rows), css="compact")

    def input_name(self, path: str, label: str) -> str:
        """A scenario input in the reader's words: 'Sastamala: long-term unemployed',
        'Job brokering: weight of unemployed jobseekers'; the label for any other input."""
        t, r = self.t, self.base
        parts = path.split(".")
        if len(parts) == 4 and parts[0] == "municipalities" and parts[2] == "caseload":
            return f"{parts[1]}: {key_name(parts[3], self.lang)}"
        if path == "total_htv":
            return t("pack_input_total")
        if parts[0] == "service_lines" and len(parts) >= 3 and parts[1] in r.line_labels:
            line = self.line(r, parts[1])
            if parts[2] == "demand" and len(parts) == 4:
                return f"{line}: {t('pack_input_weight', feature=key_name(parts[3], self.lang))}"
            if parts[2] in ("share", "tolerance"):
                return f"{line}: {t('pack_input_' + parts[2])}"
        if parts[0] == "central_services" and len(parts) >= 3:
            name = self.central(r, parts[1])
            if parts[-1] == "persons_per_htv":
                return f"{name}: {t('pack_input_persons')}"
            if parts[-1] == "htv":
                return f"{name}: {t('pack_input_size')}"
        if parts[0] == "offices" and len(parts) == 3 and parts[2] in ("min_htv", "max_htv"):
            return f"{self.office(r, parts[1])}: {t('pack_input_' + parts[2])}"
        return label

    def money(self, value: Any, digits: int = 2, sign: bool = False) -> str:
        """Euros as the pack's language writes them."""
        return money(value, self.lang, digits, sign)

    def costs_table(self, r: Result, costs: Costs, cents: bool = True) -> Table:
        """Per municipality: its customer service, offices and central share [EUR/year], to
        the cent (they add up exactly) or, for the board, in whole euros."""
        t, dg = self.t, self.digits
        places = 2 if cents else 0
        header = head(t("pack_col_cost_municipality"), t("pack_col_customer_htv"),
                      t("pack_col_cost_customer"), t("pack_col_cost_offices"),
                      t("pack_col_cost_central"), t("pack_col_eur_total"))
        rows = [Row((Cell(row.municipality), self.num_cell(float(row.customer_htv), dg),
                     *(Cell(self.money(row.eur(p), places), "num")
                       for p in ("customer_service", "offices", "central")),
                     Cell(self.money(row.total_eur, places), "num strong")))
                for row in costs.rows]
        rows.append(Row((Cell(t("pack_all_municipalities")),
                         self.num_cell(float(sum(x.customer_htv for x in costs.rows)), dg),
                         *(Cell(self.money(costs.part_eur(p), places), "num")
                           for p in ("customer_service", "offices", "central")),
                         Cell(self.money(costs.total_eur, places), "num strong")), "total"))
        if cents:
            return Table(t("pack_costs_table_cents"), header, tuple(rows), css="compact costs")
        return Table(t("pack_costs_table"), header, tuple(rows),
                     note=t("pack_costs_rounded"), css="compact costs-main")

    def keys_table(self, costs: Costs) -> Table:
        """Which key? Each municipality's central share and cost under each common key."""
        t = self.t
        frame = costs.keys_frame()
        names = [t("pack_key_used", name=key_name(k, self.lang)) if k == costs.key
                 else key_name(k, self.lang) for k in costs.keys]
        rows = tuple(Row((Cell(str(row["municipality"])),
                          *(Cell(f"{self.num(row[f'share_{k}'] * 100, 1)} %",
                                 "num strong" if k == costs.key else "num",
                                 self.money(row[f"central_eur_{k}"]), "muted")
                            for k in costs.keys)))
                     for _, row in frame.iterrows())
        note = t("pack_keys_use_note") if "use" in costs.keys else ""
        return Table(t("pack_keys_title"), head(t("pack_col_cost_municipality"), *names),
                     rows, note=note, css="compact keys")

    def reference_table(self, costs: Costs) -> Table | None:
        """The caseload-based split beside the reference split [EUR/year, HTV]."""
        frame = costs.reference_frame()
        if frame is None or costs.reference is None:
            return None
        t, dg = self.t, self.digits
        header = head(t("pack_col_cost_municipality"), t("pack_col_caseload_eur"),
                      t("pack_col_reference_eur"), t("pack_col_difference_eur"),
                      t("pack_col_caseload_htv"), t("pack_col_reference_htv"),
                      t("pack_col_difference_htv"))
        rows = tuple(Row((Cell(str(row["municipality"])), Cell(self.money(row["total_eur"]), "num"),
                          Cell(self.money(row["reference_eur"]), "num"),
                          Cell(self.money(row["difference_eur"], sign=True),
                               f"num {change_css(row['difference_eur'])}"),
                          self.num_cell(row["htv"], dg), self.num_cell(row["reference_htv"], dg),
                          Cell(self.signed(row["difference_htv"], dg),
                               f"num {change_css(row['difference_htv'], dg)}")))
                     for _, row in frame.iterrows())
        return Table(t("pack_reference_title", label=costs.reference.label), header, rows,
                     note=t("pack_reference_note"), css="compact reference")

    def costs_compare_table(self, frame: pd.DataFrame) -> Table:
        """Rows: scenarios; columns: each municipality's cost and the area's total, with the
        change against the base [thousand EUR/year]."""
        t = self.t
        munis = list(dict.fromkeys(frame["municipality"]))
        got = frame.set_index(["scenario", "municipality"])
        header = head(t("pack_col_scenario"),
                      *(t("pack_all_municipalities") if m == ALL_MUNICIPALITIES else m
                        for m in munis), left=1)
        rows = []
        for k, label in enumerate(self.labels):
            key = str(got.loc[(label, munis[0])]["central_key"])
            title = self.results[k].scenario.title_in(self.lang)
            cells = [Cell(title, "strong", key_name(key, self.lang) if key else "", "muted")]
            for m in munis:
                row = got.loc[(label, m)]
                if isnan(row["total_eur"]):
                    cells.append(Cell(t("pack_no_costs"), "num muted"))
                    continue
                strong = "num strong" if m == ALL_MUNICIPALITIES else "num"
                delta = row["delta_total_eur"]
                cells.append(Cell(self.money(row["total_eur"], 0), strong,
                                  "" if k == 0 else self.money(delta, 0, sign=True),
                                  "" if k == 0 else change_css(delta, 0)))
            rows.append(Row(tuple(cells), "base" if k == 0 else ""))
        return Table(t("pack_costs_compare_title"), header, tuple(rows),
                     note=t("pack_costs_compare_note"), css="compact costs-compare")

    def moves_table(self, r: Result) -> Table | None:
        """Today's customer-service staffing per office against the allocation [HTV]; None
        when the scenario does not give today's staffing."""
        moves = r.moves()
        if moves is None:
            return None
        t, dg = self.t, self.digits
        rows = tuple(Row((Cell(self.office(r, str(row["office"]))), self.num_cell(row["today_htv"], dg),
                          self.num_cell(row["htv"], dg),
                          Cell(self.signed(row["change_htv"], dg),
                               f"num {change_css(row['change_htv'], dg)}")))
                     for _, row in moves.frame.iterrows())
        header = head(t("pack_col_office"), t("pack_col_today"), t("pack_col_customer"),
                      t("pack_col_change"))
        note = t("pack_moves_note", moved=self.num(float(moves.moved_htv or 0), dg),
                 weight=self.plain(float(moves.move_weight)),
                 cap="–" if moves.cap_htv is None else self.num(float(moves.cap_htv), dg))
        if moves.illustrative:
            note += " " + t("pack_moves_illustrative")
        return Table(t("pack_moves_title"), header, rows, note=note, css="compact")

    def central_table(self, r: Result) -> Table:
        """The centralised services, where they sit and what sets their size [HTV]; a size
        the scenario marks as an assumption is called assumed, never fixed."""
        t, dg = self.t, self.digits
        frame = r.central_frame()

        services = {c.name: c for c in r.scenario.central_services}

        def basis(service: str, assumed: str) -> str:
            c = services.get(service)
            if c is None or c.driven_by is None:
                return t("pack_assumed_size") if assumed else t("pack_fixed")
            feature = c.driven_by.feature
            count = sum(float(v) for v in r.data.features.get(feature, {}).values())
            value = t("pack_driven", persons=self.plain(float(c.driven_by.persons_per_htv)),
                      feature=key_name(feature, self.lang), count=self.num(count, 0))
            return f"{value} ({t('pack_assumed')})" if assumed else value

        rows = tuple(Row((Cell(self.central(r, str(c["service"]))),
                          Cell(self.office(r, str(c["office"]))),
                          Cell(basis(str(c["service"]), str(c["assumption"]))),
                          self.num_cell(c["htv"], dg)))
                     for _, c in frame.iterrows())
        header = head(t("pack_col_service"), t("pack_col_office"), t("pack_col_basis"),
                      t("pack_col_htv"), left=3)
        return Table(t("pack_central_title"), header, rows, css="compact")

    def assumptions_table(self, r: Result) -> Table | None:
        """The scenario's values that are modelling choices, what each is and why it was
        chosen; None when the scenario marks none."""
        t = self.t
        frame = r.assumptions_frame()
        if not len(frame):
            return None
        rows = tuple(Row((Cell(self.assumed_what(r, str(a["field"]))),
                          Cell(self.assumed_value(r, str(a["field"]), str(a["value"]))),
                          Cell(str(a["reason"]))))
                     for _, a in frame.iterrows())
        header = head(t("pack_col_assumed"), t("pack_col_value"), t("pack_col_reason"), left=3)
        return Table(t("pack_assumptions_title"), header, rows,
                     note=t("pack_assumptions_note") + t("pack_reasons_as_written"), css="compact")

    def assumed_value(self, r: Result, path: str, value: str) -> str:
        """A marked value in the reader's words: features, keys, offices and the value's own
        field names by name, numbers with the language's decimal mark."""
        offices = {o.name: o.title_in(self.lang) for o in r.scenario.offices}
        for name, shown in sorted(offices.items(), key=lambda x: -len(x[0])):
            value = value.replace(name, shown)
        words = {**VALUE_WORDS.get(self.lang, {}), **features.KEY_NAMES.get(self.lang, {}),
                 **features.FEATURE_NAMES.get(self.lang, {})}
        value = re.sub(r"\b[a-z][a-z0-9_]*\b", lambda m: words.get(m.group(0), m.group(0)),
                       value.replace("persons per htv", "persons_per_htv"))
        return decimal_commas(value, self.lang)

    def assumed_what(self, r: Result, path: str) -> str:
        """A marked field in the reader's words: 'Job brokering: share tolerance'; the
        dotted path itself for a field without such words."""
        parts = path.split(".")
        if len(parts) == 3 and parts[0] == "service_lines" and parts[1] in r.line_labels:
            key = {"tolerance": "pack_assumed_tolerance", "demand": "pack_assumed_demand",
                   "share": "pack_assumed_share"}.get(parts[2])
            if key:
                return f"{self.line(r, parts[1])}: {self.t(key)}"
        if len(parts) == 3 and parts[0] == "central_services" and parts[2] in ("htv",
                                                                               "driven_by"):
            labels = {c.name: c.title_in(self.lang) for c in r.scenario.central_services}
            if parts[1] in labels:
                return f"{labels[parts[1]]}: {self.t('pack_assumed_central')}"
        if parts[0] in ("costs", "continuity") and len(parts) == 2:
            key = f"pack_assumed_{parts[0]}_{parts[1]}"
            if key in PACK_TEXT["en"]:
                return self.t(key)
        return path

    def waterfall_table(self, e: Explanation) -> Table:
        """Each area and line from its exact target to its final value, by rule [HTV]."""
        r, t, dg = self.base, self.t, self.digits
        frame = e.area_frame()
        order = {a: k for k, a in enumerate(r.areas)}
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
                             self.num_cell(row["target_htv"], 3), self.num_cell(row["rounded_htv"], dg),
                             *(Cell(self.signed(row[s], dg), f"num {change_css(row[s], dg)}")
                               for s in steps),
                             Cell(self.num(row["final_htv"], dg), "num strong"))))
        return Table("", header, tuple(rows), css="compact")

    def rules_table(self, e: Explanation) -> Table:
        """Every rule at the optimum: tight, binding, and what relaxing it would save [HTV]."""
        t = self.t

        def yes(flag: bool, strong: bool = False) -> Cell:
            return Cell(t("pack_yes") if flag else t("pack_no"),
                        ("num strong" if strong and flag else "num"))

        rows = tuple(Row((Cell(self.rule_text(rule.rule)), yes(rule.tight), yes(rule.binds, True),
                          self.num_cell(float(rule.cost_max), 4), self.num_cell(float(rule.cost_total), 4)))
                     for rule in e.rules)
        header = head(t("pack_col_rule"), t("pack_col_tight"), t("pack_col_binds"),
                      t("pack_col_cost_max"), t("pack_col_cost_total"))
        return Table("", header, rows, note=t("pack_rules_note"), css="compact")

    def scenarios_table(self) -> Table:
        """Each scenario with what it assumes and the solver's and verifier's verdicts."""
        t = self.t
        rows = []
        for label, r in zip(self.labels, self.results, strict=True):
            proof_css = {Status.OPTIMAL: "good", Status.FEASIBLE: ""}.get(r.status, "bad")
            verified_css = self.verifier(r)[1]
            rows.append(Row((Cell(label, "strong"), Cell(r.scenario.title_in(self.lang)),
                             Cell(self.proof(r.status), proof_css),
                             Cell(self.verifier_short(r), verified_css))))
        header = head(t("pack_col_scenario"), t("pack_col_question"), t("pack_solver"),
                      t("pack_verifier"), left=4)
        return Table(t("pack_scenarios_title"), header, tuple(rows), css="compact")

    def side_by_side(self, frame: pd.DataFrame, per_htv: pd.DataFrame) -> Table:
        """Rows: scenarios; columns: each area's customer service, central, total, ratio."""
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
                    return Cell(self.t("no_allocation"), "num muted")
                return Cell(self.num(htv, digits), "num strong" if strong else "num",
                            "" if first else self.signed(delta, digits),
                            "" if first else change_css(delta, digits))

            cells = [Cell(self.results[k].scenario.title_in(self.lang), "strong")]
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

    def tornado_table(self, frame: pd.DataFrame, pct: str, per_area: int = 3) -> Table:
        """The ``per_area`` inputs that move each area most, with both changes [HTV]."""
        t, dg = self.t, self.digits
        rows = []
        for area in self.base.areas:
            part = frame[(frame["area"] == area) & (frame["swing_htv"] > 0)]
            part = part.sort_values("rank").head(per_area)
            base = frame[frame["area"] == area]["base_htv"].iloc[0]
            if not len(part):
                rows.append(Row((Cell(area), self.num_cell(base, dg),
                                 Cell(self.t("tornado_none"), "muted"),
                                 Cell("–", "num muted"), Cell("–", "num muted"))))
                continue
            for k, (_, top) in enumerate(part.iterrows()):
                first = k == 0
                rows.append(Row((
                    Cell(area if first else ""),
                    self.num_cell(base, dg) if first else Cell(""),
                    Cell(self.input_name(str(top["input"]), str(top["label"]))),
                    Cell(self.signed(top["low_change_htv"], dg),
                         f"num {change_css(top['low_change_htv'], dg)}"),
                    Cell(self.signed(top["high_change_htv"], dg),
                         f"num {change_css(top['high_change_htv'], dg)}"))))
        header = (Cell(t("pack_col_area")), Cell(t("pack_col_base_htv"), "num"),
                  Cell(t("pack_col_input")), Cell(t("pack_col_down", pct=pct), "num"),
                  Cell(t("pack_col_up", pct=pct), "num"))
        return Table(t("pack_tornado_table", n=per_area), header, tuple(rows), css="compact")

    def stability_table(self, summary: pd.DataFrame) -> Table:
        """Each area's spread over the Monte Carlo draws and how often it moved [HTV]."""
        t, dg = self.t, self.digits
        threshold = self.plain(self.options.threshold)
        header = head(t("pack_col_area"), t("pack_col_base_htv"), t("pack_col_mean"),
                      t("pack_col_sd"), "5 %", t("pack_col_median"), "95 %",
                      t("pack_col_moved", threshold=threshold), t("pack_col_failed"))
        rows = tuple(Row((
            Cell(str(r["area"])), self.num_cell(r["base_htv"], dg),
            self.num_cell(r["mean_htv"], dg), self.num_cell(r["sd_htv"], 3),
            self.num_cell(r["p05_htv"], dg), self.num_cell(r["median_htv"], dg),
            self.num_cell(r["p95_htv"], dg),
            Cell("–" if isnan(r["moved_share"]) else f"{r['moved_share'] * 100:.0f} %", "num"),
            Cell(str(int(r["runs_without_allocation"])), "num"))) for _, r in summary.iterrows())
        return Table("", header, rows, css="compact")

    def sweep_table(self, points: pd.DataFrame, path: str) -> Table:
        """Each area's customer service at every value of the swept input [HTV]."""
        t, dg = self.t, self.digits
        areas = list(self.base.areas)
        header = (*head(path, *areas, t("pack_col_customer")), Cell(t("pack_col_status")))
        rows = []
        for value in dict.fromkeys(points["value"]):
            part = points[points["value"] == value].set_index("area")
            status = str(part["status"].iloc[0])
            ok = not part["htv"].isna().all()
            words = self.proof(status) if status in set(Status) else status
            if status == Status.OPTIMAL and "proof" in part and part["proof"].iloc[0] == PROOF_FLOW:
                words = t("pack_proof_flow")
            message = str(part["message"].iloc[0])
            rows.append(Row((
                Cell(self.plain(float(value)), "num strong"),
                *(self.num_cell(part.loc[a, "htv"], dg) for a in areas),
                Cell(self.num(part["htv"].sum(min_count=1), dg), "num strong"),
                Cell(f"{words}: {message}" if message and not ok else words,
                     "" if ok else "bad"))))
        return Table("", header, tuple(rows), css="compact")
