"""The pages the board reads first: the decision summary, the plain sections, the glossary.

The decision summary is written as a board proposal (päätösesitys): the recommended split
per municipality and area in person-years and euros, then one row per scenario with the
question it answers, what it changes for each municipality and one sentence on why. The
sentence is put together from the differences allocator.analysis.decision read off the
results (budget, central services, offices, line shares, caseload shares, sharing key,
limits on moves), never from a scenario's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from allocator.engine.result import Status
from allocator.reports.board_pack.blocks import (
    Block,
    Bullets,
    Cell,
    Heading,
    Paragraph,
    Row,
    Section,
    Table,
)
from allocator.reports.board_pack.format import change_css, head, isnan
from allocator.reports.board_pack.tables import Tables
from allocator.reports.board_pack.text import key_name

if TYPE_CHECKING:
    from allocator.analysis.decision import Change, Figures
    from allocator.engine.result import Result

#: Areas named in one clause at most; the table has every municipality.
_LISTED = 4
#: Working days in a person-year, to say what one allocation step means [days/HTV].
WORKING_DAYS = 250


class Summary(Tables):
    """The decision summary, the plain sensitivity summary and the glossary of one pack."""

    # --- names in the pack's language ------------------------------------------------------
    def office_name(self, r: Result, office: str) -> str:
        """An office as the pack's language calls it (its label_fi in Finnish)."""
        for o in r.scenario.offices:
            if o.name == office:
                return o.title_in(self.lang)
        return office

    def central_name(self, r: Result, service: str) -> str:
        """A central service as the pack's language calls it."""
        for c in r.scenario.central_services:
            if c.name == service:
                return c.title_in(self.lang)
        return service

    def question(self, r: Result) -> str:
        """The scenario's title as the question it asks: without the words it shares with
        the base's title at its start ('Western Pirkanmaa') and end ('32.66 HTV')."""
        title = r.scenario.title_in(self.lang)
        base = self.base.scenario.title_in(self.lang)
        if r is self.base or title == base:
            return title
        parts, base_parts = title.split(", "), base.split(", ")
        if len(parts) > 1 and parts[-1] == base_parts[-1]:
            parts = parts[:-1]
        head_ = base_parts[0]
        if parts[0] == head_ and len(parts) > 1:
            parts = parts[1:]
        elif parts[0].startswith(head_ + " ") and len(parts[0]) > len(head_) + 1:
            parts[0] = parts[0][len(head_) + 1:]
        shown = ", ".join(parts)
        return shown[:1].upper() + shown[1:]

    def municipality_order(self) -> list[str]:
        """The base's municipalities grouped by area (areas in file order)."""
        d = self.base.data
        return [m for area in d.areas for m in d.municipalities if d.area_of[m] == area]

    # --- one sentence per scenario ---------------------------------------------------------
    def htv(self, value: float) -> str:
        """An amount of person-years at the base's decimals."""
        return self.num(value, self.digits)

    def change_text(self, value: float) -> str:
        """A change of person-years with its sign."""
        return self.signed(value, self.digits)

    def area_list(self, deltas: dict[str, float], limit: int = _LISTED) -> str:
        """The areas that change most, with their change: 'Sastamala −0.22, Hämeenkyrö −0.11'."""
        moved = sorted(((a, v) for a, v in deltas.items() if v), key=lambda x: (-abs(x[1]), x[0]))
        return ", ".join(f"{a} {self.change_text(v)}" for a, v in moved[:limit])

    def eur_list(self, deltas: dict[str, float], limit: int = 2) -> str:
        """The municipalities whose cost changes most: one that pays more and one less."""
        up = sorted(((m, v) for m, v in deltas.items() if round(v) > 0), key=lambda x: -x[1])
        down = sorted(((m, v) for m, v in deltas.items() if round(v) < 0), key=lambda x: x[1])
        picked = [*up[:limit // 2 or 1], *down[:limit // 2 or 1]]
        return ", ".join(f"{m} {self.t('pack_eur_change', value=self.money(v, 0, sign=True))}"
                         for m, v in picked)

    def central_clauses(self, r: Result, c: Change) -> list[str]:
        """What happens to each central service that changes."""
        out = []
        for service, before, after in c.central:
            name = self.central_name(r if after else self.base, service)
            values = {"service": name, "before": self.htv(before), "after": self.htv(after),
                      "delta": self.htv(abs(after - before))}
            if after == 0:
                out.append(self.t("pack_why_central_removed", **values))
            elif before == 0:
                out.append(self.t("pack_why_central_added", **values))
            else:
                key = "pack_why_central_up" if after > before else "pack_why_central_down"
                out.append(self.t(key, **values))
        return out

    def share_clause(self, c: Change, with_htv: bool) -> str:
        """The areas whose share of the weighted caseload rises and falls most."""
        rises = sorted((s for s in c.shares if s[2] > s[1]), key=lambda s: s[1] - s[2])
        falls = sorted((s for s in c.shares if s[2] < s[1]), key=lambda s: s[2] - s[1])
        parts = []
        for area, before, after in [*rises[:1], *falls[:1]]:
            values = {"area": area, "before": self.num(before * 100, 1),
                      "after": self.num(after * 100, 1)}
            if with_htv and c.area_htv is not None:
                parts.append(self.t("pack_why_share_htv",
                                    change=self.change_text(c.area_htv[area]), **values))
            else:
                parts.append(self.t("pack_why_share_up" if after > before
                                    else "pack_why_share_down", **values))
        return self.t("pack_why_shares", changes=", ".join(parts))

    def office_clauses(self, r: Result, c: Change) -> list[str]:
        """Staff moving into new offices, and offices that close."""
        out = []
        for office, htv, sources in c.new_offices:
            name = self.office_name(r, office)
            if sources:
                out.append(self.t("pack_why_new_office", htv=self.htv(htv), office=name,
                                  source=", ".join(self.office_name(self.base, s)
                                                   for s in sources)))
            else:
                out.append(self.t("pack_why_new_office_alone", htv=self.htv(htv), office=name))
        for office, htv in c.closed_offices:
            out.append(self.t("pack_why_closed_office", htv=self.htv(htv),
                              office=self.office_name(self.base, office)))
        return out

    def why(self, r: Result, c: Change) -> str:
        """One plain sentence on why the scenario changes what it changes."""
        if c.figures is None or c.area_htv is None:
            return self.sentence([self.t("pack_why_no_allocation")])
        areas = c.area_htv
        clauses: list[str] = []
        central = self.central_clauses(r, c)
        if c.total_htv:
            values = {"delta": self.htv(abs(c.total_htv)), "total": self.htv(c.figures.total_htv)}
            moved = [v for v in areas.values() if v]
            top = max(areas, key=lambda a: (abs(areas[a]), a))
            if moved and all(v > 0 for v in moved) and c.total_htv > 0:
                clauses.append(self.t("pack_why_budget_up", area=top,
                                      change=self.change_text(areas[top]), **values))
            elif moved and all(v < 0 for v in moved) and c.total_htv < 0:
                clauses.append(self.t("pack_why_budget_down", area=top,
                                      change=self.change_text(areas[top]), **values))
            else:
                clauses.append(self.t("pack_why_budget_mixed", changes=self.area_list(areas),
                                      delta=self.change_text(c.total_htv),
                                      total=values["total"]))
            clauses += central
        elif central:
            cause = self.t("pack_why_and").join(central)
            moved = [v for v in areas.values() if v]
            if moved and all(v < 0 for v in moved) and not c.shares:
                clauses.append(self.t("pack_why_all_lose", changes=self.area_list(areas),
                                      cause=cause))
            elif moved and all(v > 0 for v in moved):
                clauses.append(self.t("pack_why_all_gain", changes=self.area_list(areas),
                                      cause=cause))
            else:
                clauses.append(cause)
        if c.lines:
            line_changes = ", ".join(
                self.t("pack_why_line", line=self.line(r, ln), before=self.percent(before),
                       after=self.percent(after)) for ln, before, after, _ in c.lines)
            moved_lines = sum(abs(v) for *_, v in c.lines) / 2
            largest = max((abs(v) for v in areas.values()), default=0.0)
            clauses.append(self.t("pack_why_lines", changes=line_changes,
                                  moved=self.htv(moved_lines), largest=self.htv(largest)))
        elif c.shares:
            clauses.append(self.share_clause(c, with_htv=not (c.total_htv or central)))
        offices = self.office_clauses(r, c)
        if offices:
            moves = self.t("pack_why_and").join(offices)
            if c.areas_unchanged and not clauses:
                clauses.append(self.t("pack_why_no_area_change", moves=moves))
            else:
                clauses.append(self.t("pack_why_offices_and", moves=moves))
        if c.move_cap is not None:
            clauses.append(self.t("pack_why_cap", cap=self.htv(c.move_cap),
                                  changes=self.area_list(areas, 4)))
        same_staff = not any((c.municipality_htv or {}).values()) and not c.total_htv
        paid = c.municipality_eur or {}
        if c.key is not None and same_staff:
            clauses.append(self.t("pack_why_key", new=key_name(c.key[1], self.lang),
                                  old=key_name(c.key[0], self.lang), changes=self.eur_list(paid)))
        elif same_staff and any(round(v) for v in paid.values()):
            clauses.append(self.t("pack_why_costs_only", changes=self.eur_list(paid)))
        if not clauses:
            clauses.append(self.t("pack_why_other", changes=self.area_list(areas))
                           if any(areas.values()) else self.t("pack_why_nothing"))
        return self.sentence(clauses)

    @staticmethod
    def sentence(clauses: list[str]) -> str:
        """Clauses joined into one sentence: capital first letter, full stop."""
        text = "; ".join(clauses)
        return text[:1].upper() + text[1:] + "."

    # --- the decision summary --------------------------------------------------------------
    def allocation_rows(self, f: Figures) -> tuple[Row, ...]:
        """Per municipality, grouped by area with a subtotal where an area has several:
        customer service, share of central services, in all [HTV], cost [EUR/year]."""
        r, t = self.base, self.t
        places = {p.municipality: p for p in f.places}
        offices: dict[str, list[str]] = {}
        for o in r.scenario.offices:
            area = r.data.area_of.get(o.municipality)
            if area is not None:
                offices.setdefault(area, []).append(self.office_name(r, o.name))
        rows: list[Row] = []

        def cells(customer: float, central: float | None, eur: float | None) -> list[Cell]:
            return [Cell(self.htv(customer), "num"),
                    Cell("–" if central is None else self.htv(central), "num"),
                    Cell(self.htv(customer + (central or 0.0)), "num strong"),
                    Cell("–" if eur is None else self.money(eur, 0), "num")]

        for area in r.data.areas:
            members = [places[m] for m in self.municipality_order() if places[m].area == area]
            label = f"{area} ({', '.join(offices.get(area, []))})"
            for k, p in enumerate(members):
                rows.append(Row((Cell(label if k == 0 else "", "strong" if k == 0 else ""),
                                 Cell(p.municipality),
                                 *cells(p.customer_htv, p.central_htv, p.eur))))
            if len(members) > 1:
                central = (None if any(p.central_htv is None for p in members)
                           else sum(p.central_htv or 0.0 for p in members))
                eur = None if any(p.eur is None for p in members) else sum(
                    p.eur or 0.0 for p in members)
                rows.append(Row((Cell(t("pack_sum_area_total", area=area), "strong"), Cell(""),
                                 *cells(f.areas[area], central, eur)), "subtotal"))
        rows.append(Row((Cell(t("pack_sum_central_row", lead=r.lead_municipality)), Cell(""),
                         Cell("–", "num muted"), Cell(self.htv(f.central_htv), "num"),
                         Cell(self.htv(f.central_htv), "num strong"), Cell("", "num"))))
        rows.append(Row((Cell(t("pack_sum_total_row")), Cell(""),
                         Cell(self.htv(f.customer_htv), "num"),
                         Cell(self.htv(f.central_htv), "num"),
                         Cell(self.htv(f.total_htv), "num strong"),
                         Cell("–" if f.eur is None else self.money(f.eur, 0), "num strong")),
                        "total"))
        return tuple(rows)

    def scenario_rows(self) -> tuple[Row, ...]:
        """One row per scenario: its question and why, and each municipality's change."""
        rows = []
        order = self.municipality_order()
        for c in self.analysis.changes:
            r = self.results[c.index]
            question = Cell(self.question(r), "strong question",
                            self.why(r, c), "why")
            if c.municipality_htv is None:
                cells = [Cell(self.t("no_allocation"), "num muted") for _ in order]
            else:
                cells = []
                for m in order:
                    value = c.municipality_htv.get(m, 0.0)
                    eur = (c.municipality_eur or {}).get(m)
                    sub = ("" if eur is None else
                           self.t("pack_eur_change", value=self.money(eur, 0, sign=True)))
                    cells.append(Cell(self.change_text(value),
                                      f"num {change_css(value, self.digits)}", sub,
                                      change_css(eur, 0) if eur is not None else ""))
            rows.append(Row((question, *cells)))
        return tuple(rows)

    def decision_summary(self) -> Section:
        """The board proposal: the recommended split, then what each scenario changes."""
        r, t = self.base, self.t
        f = self.analysis.figures
        heading = t("pack_sum")
        if f is None:
            return Section("summary", heading, (t("pack_sum_none"),), ())
        costs = r.costs()
        intro = [t("pack_sum_proposal", total=self.htv(f.total_htv),
                   customer=self.htv(f.customer_htv), n=len(r.areas),
                   central=self.htv(f.central_htv), lead=r.lead_municipality)]
        if costs is not None and f.eur is not None:
            intro.append(t("pack_sum_cost", eur=self.money(f.eur, 0),
                           sharing=key_name(costs.key, self.lang)))
        by = r.by_area()
        ratios = by[(by["area"] != "Total")].dropna(subset=["unemployed_per_htv"])
        whole = by[by["area"] == "Total"]["unemployed_per_htv"]
        if len(ratios) and len(whole) and not isnan(float(whole.iloc[0])):
            ordered = ratios.sort_values("unemployed_per_htv", kind="stable")
            low, high = ordered.iloc[0], ordered.iloc[-1]
            intro.append(t("pack_sum_ratio", ratio=self.num(float(whole.iloc[0]), 0),
                           low=self.num(low["unemployed_per_htv"], 0), low_area=low["area"],
                           high=self.num(high["unemployed_per_htv"], 0),
                           high_area=high["area"]))
        blocks: list[Block] = []
        if r.status == Status.OPTIMAL and r.verified:
            blocks.append(Paragraph(t("pack_sum_checked"), "good"))
        else:
            verdict = self.proof(r.status) + "; " + self.verifier(r)[0]
            blocks.append(Paragraph(t("pack_sum_not_checked", what=verdict), "bad"))
        header = head(t("pack_col_area_office"), t("pack_col_cost_municipality"),
                      t("pack_col_customer_people"), t("pack_col_central_share"),
                      t("pack_col_in_all"), t("pack_col_eur_year"), left=2)
        blocks.append(Table(t("pack_sum_table"), header, self.allocation_rows(f),
                            note=t("pack_sum_table_note"), css="compact proposal"))
        if self.analysis.changes:
            blocks += [Heading(t("pack_sum_scenarios")),
                       Paragraph(t("pack_sum_scenarios_intro")),
                       Table("", head(t("pack_col_question_why"), *self.municipality_order()),
                             self.scenario_rows(), css="small scenarios")]
        return Section("summary", heading, tuple(intro), tuple(blocks))

    # --- how sure is it --------------------------------------------------------------------
    def certainty(self) -> Section:
        """The sensitivity analyses in three plain sentences; the tables are in the appendix."""
        t, o, done = self.t, self.options, self.analysis.sensitivity
        heading = t("pack_certainty")
        if done is None:
            return Section("certainty", heading, (t("pack_s4_none"),), ())
        items = []
        pct = self.plain(o.change * 100)
        frame = done.tornado
        moved = frame[(frame["swing_htv"] > 0) & (frame["input"] != "total_htv")]
        if len(moved):
            top = moved.sort_values(["swing_htv", "area"], ascending=[False, True],
                                    kind="stable").iloc[0]
            items.append(t("pack_cert_tornado", pct=pct,
                           largest=self.htv(float(top["swing_htv"])),
                           input=self.input_name(str(top["input"]), str(top["label"])),
                           area=top["area"]))
        else:
            items.append(t("pack_cert_tornado_none", pct=pct))
        stable = done.stability.dropna(subset=["p05_htv", "p95_htv"])
        if len(stable):
            spread = {str(row["area"]): max(abs(row["p05_htv"] - row["base_htv"]),
                                            abs(row["p95_htv"] - row["base_htv"]))
                      for _, row in stable.iterrows()}
            widest = max(spread, key=lambda a: (spread[a], a))
            items.append(t("pack_cert_mc", runs=o.runs, band=self.htv(spread[widest]),
                           area=widest))
        values = done.sweep_values
        found = done.paradoxes
        if found is not None and found.kind == "alabama" and values:
            if found.counts.get("area", 0) and found.largest is not None:
                e = found.largest
                items.append(t("pack_cert_sweep_paradox", start=self.plain(values[0]),
                               stop=self.plain(values[-1]), name=e["name"],
                               steps=found.counts["area"], before=self.htv(e["htv_before"]),
                               after=self.htv(e["htv_after"])))
            else:
                items.append(t("pack_cert_sweep", start=self.plain(values[0]),
                               stop=self.plain(values[-1])))
        elif values:
            items.append(t("pack_cert_sweep_other", param=done.sweep_path,
                           start=self.plain(values[0]), stop=self.plain(values[-1])))
        return Section("certainty", heading, (t("pack_certainty_intro"),),
                       (Bullets(tuple(items)),))

    # --- the glossary ----------------------------------------------------------------------
    def glossary(self) -> Section:
        """The few terms the pack cannot do without, each in a sentence."""
        t = self.t
        terms = ("htv", "area", "line", "central", "quota", "weighted", "tolerance",
                 "scenario", "proven")
        r, d = self.base, self.base.data
        g = float(r.granularity)
        areas = "; ".join(" + ".join(m for m in self.municipality_order() if d.area_of[m] == a)
                          for a in d.areas)
        shares = list(r.line_shares.values())
        share, tol = (shares[0] if shares else (0, 0))
        values: dict[str, dict[str, object]] = {
            "htv": {"g": self.plain(g), "days": self.plain(round(g * WORKING_DAYS, 1))},
            "area": {"areas": areas},
            "line": {"n": len(shares),
                     "shares": "/".join(self.percent(float(s_)) for s_, _ in shares)},
            "quota": {"g": self.plain(g)},
            "tolerance": {"tol": self.percent(float(tol)), "share": self.percent(float(share)),
                          "low": self.percent(float(share - tol)),
                          "high": self.percent(float(share + tol))},
        }
        rows = tuple(Row((Cell(t(f"pack_term_{k}"), "strong"),
                          Cell(t(f"pack_def_{k}", **values.get(k, {})))))
                     for k in terms)
        return Section("glossary", t("pack_glossary"), (t("pack_glossary_intro"),),
                       (Table("", (Cell(""), Cell("")), rows, css="compact glossary"),))


__all__ = ["Summary"]
