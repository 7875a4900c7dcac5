"""The what-if page (Shiny for Python): controls on the left, the answer on the right.

Every change re-solves with the engine's own :func:`~allocator.engine.pipeline.allocate` on
the scenario the command line would make (:class:`~allocator.app.whatif.WhatIf`), so the
page shows what ``allocate BASE --set ...`` shows. The page loads nothing from outside the
app: Shiny serves its own scripts and styles, the chart is inline SVG.
"""

from __future__ import annotations

import html
import os
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from shiny import App, Inputs, Outputs, Session, reactive, render, ui

from allocator.app.text import LANGUAGES, text
from allocator.app.whatif import (
    AREA,
    CENTRAL,
    MUNICIPALITY,
    TOTAL,
    WhatIf,
    against_base,
    offices_against_base,
)
from allocator.engine.manifest import scenario_sha256
from allocator.engine.pipeline import allocate, settings_for
from allocator.engine.result import Result
from allocator.engine.solve import SolveSettings
from allocator.errors import OutputError, ScenarioError
from allocator.reports.board_pack.format import money, num, signed
from allocator.reports.writing import atomic_write
from allocator.scenario.features import feature_name
from allocator.scenario.loading import load_scenario
from allocator.scenario.schema import EQUAL_KEY, SHARES_KEY, Scenario, show_number
from allocator.scenario.variants import count_features

#: A saved scenario's name, as the schema allows it.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

#: Times the page from a change of any control to the end of redrawing: Shiny marks the
#: start with 'shiny:inputchanged' and the end with 'shiny:idle'. The figure is shown on
#: the page and kept in body's data-redraw-ms (and data-redraws counts the redraws;
#: data-settled is '1' from the end of a redraw until the next change).
_TIMING_JS = """
(function () {
  var started = null;
  $(document).on('shiny:inputchanged', function (e) {
    if (e.name && e.name.indexOf('.clientdata') !== 0) {
      document.body.dataset.settled = '0';
      if (started === null) { started = performance.now(); }
    }
  });
  $(document).on('shiny:idle', function () {
    if (started === null) { return; }
    // Two animation frames: the redrawn outputs have been painted.
    requestAnimationFrame(function () { requestAnimationFrame(function () {
      if (started === null) { return; }
      var ms = performance.now() - started;
      started = null;
      document.body.dataset.redrawMs = ms.toFixed(0);
      document.body.dataset.redraws = String(Number(document.body.dataset.redraws || 0) + 1);
      document.body.dataset.settled = '1';
      var el = document.getElementById('redraw');
      var lang = $('input[name=lang]:checked').val() || 'en';
      el.textContent = el.dataset['label' + lang.charAt(0).toUpperCase() + lang.slice(1)]
        .replace('{seconds}', (ms / 1000).toFixed(2));
    }); });
  });
})();
"""

_CSS = """
body { font-size: 1.05rem; }
.whatif-table td.num, .whatif-table th.num { text-align: right; font-variant-numeric: tabular-nums; }
.whatif-table tr.area td { font-weight: 600; border-top: 1px solid #999; }
.whatif-table tr.total td { font-weight: 700; border-top: 2px solid #333; }
.whatif-table td.up { color: #0b6e2e; } .whatif-table td.down { color: #a4161a; }
.verdict { font-size: 1.1rem; margin-bottom: .5rem; }
.verdict .ok { color: #0b6e2e; font-weight: 600; } .verdict .bad { color: #a4161a; font-weight: 600; }
.problems { border-left: 4px solid #a4161a; background: #fff4f4; padding: .5rem 1rem; }
.command code { white-space: pre-wrap; word-break: break-all; font-size: .85rem; }
.share-rest { font-size: .9rem; color: #444; }
"""


@dataclass
class Answer:
    """One solve of the what-if: its scenario (None when invalid), result, the problems
    that stopped it, and the solve's time [s]."""

    whatif: WhatIf
    scenario: Scenario | None = None
    result: Result | None = None
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Meeting:
    """The base scenario, its solved allocation and how the page answers a what-if; kept
    apart from the page so that tests and benchmarks can call it directly."""

    def __init__(self, base_file: Path, save_dir: Path | None = None,
                 settings: SolveSettings | None = None) -> None:
        self.base_file = base_file
        self.base = load_scenario(base_file)
        self.settings = settings or settings_for(self.base)
        self.base_result = allocate(self.base, self.settings, source=base_file)
        self.save_dir = save_dir if save_dir is not None else base_file.parent
        self.lines = list(self.base.service_lines)
        self.municipalities = self.base.municipality_names
        self.offices = list(self.base.offices)

    def answer(self, whatif: WhatIf, problems: list[str] | None = None) -> Answer:
        """Validate and solve ``whatif``; the control problems given stop it unsolved."""
        out = Answer(whatif, problems=list(problems or []))
        if out.problems:
            return out
        try:
            out.scenario = whatif.apply(self.base)
        except ScenarioError as exc:
            out.problems = [str(p) for p in exc.problems]
            return out
        start = time.perf_counter()
        out.result = allocate(out.scenario, self.settings, source=self.base_file,
                              changes=whatif.overrides(self.base).record())
        out.seconds = time.perf_counter() - start
        return out

    def key_choices(self, lang: str) -> dict[str, str]:
        """The cost-sharing keys the scenario can use: equal, agreed shares (when given)
        and each caseload feature."""
        if self.base.costs is None:
            return {}
        choices = {EQUAL_KEY: text("key_equal", lang)}
        if self.base.costs.shares is not None:
            choices[SHARES_KEY] = text("key_shares", lang)
        for feature in self.base.feature_values():
            choices[feature] = feature
        return choices

    def save(self, answer: Answer, name: str, lang: str) -> tuple[bool, str]:
        """Write the what-if as ``<save_dir>/<name>.yaml`` extending the base file; (done,
        message). The file is read back and must give the same scenario."""
        if answer.result is None or not answer.result.verified or answer.scenario is None:
            return False, text("save_none", lang)
        if not _NAME.match(name) or len(name) > 80:
            return False, text("save_name_bad", lang)
        path = self.save_dir / f"{name}.yaml"
        if path.exists():
            return False, text("save_exists", lang, path=path)
        parent = os.path.relpath(self.base_file.resolve(), self.save_dir.resolve())
        try:
            atomic_write(path, answer.whatif.scenario_text(self.base, parent, name)
                         .encode("utf-8"))
        except OutputError as exc:
            return False, f"error: {exc}"
        expected = answer.scenario.with_changes(answer.whatif.naming(self.base, parent, name))
        try:
            same = scenario_sha256(load_scenario(path)) == scenario_sha256(expected)
        except ScenarioError:
            same = False
        if not same:
            path.unlink(missing_ok=True)
            return False, text("save_differs", lang, path=path)
        return True, text("saved", lang, path=path, parent=parent)


# --- reading the controls -------------------------------------------------------------------

def _percent(value: float) -> float | int:
    """A share [0-1] as a percentage, exactly as written (0.4 -> 40, 0.375 -> 37.5)."""
    pct = Decimal(show_number(value)) * 100
    return int(pct) if pct == pct.to_integral_value() else float(pct)


def _number(value: Any) -> Decimal | None:
    """A numeric input's value, or None when it is empty or not a finite number."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def read_controls(meeting: Meeting, values: dict[str, Any], lang: str) -> tuple[WhatIf, list[str]]:
    """The what-if the controls' ``values`` (by input id) say, and what cannot be read
    (an empty field)."""
    problems: list[str] = []

    def need(key: str, label: str) -> Decimal | None:
        number = _number(values.get(key))
        if number is None:
            problems.append(text("need_number", lang, label=label))
        return number

    total = need("total_htv", text("total_htv", lang))
    shares: dict[str, float] = {}
    given = Decimal(0)
    for i, ln in enumerate(meeting.lines[:-1]):
        pct = need(f"share_{i}", ln.title_in(lang))
        if pct is not None:
            shares[ln.name] = float(pct / 100)
            given += pct / 100
    if len(shares) == len(meeting.lines) - 1:
        shares[meeting.lines[-1].name] = float(1 - given)
    caseload: dict[str, float] = {}
    for i, m in enumerate(meeting.municipalities):
        pct = need(f"caseload_{i}", m)
        if pct is not None and pct != 0:
            caseload[m] = float(pct)
    open_ = set(values.get("offices") or ())
    off = frozenset(o.name for i, o in enumerate(meeting.offices) if str(i) not in open_)
    key = values.get("central_key") or None
    whatif = WhatIf(total_htv=None if total is None else float(total), shares=shares,
                    caseload_pct=caseload, offices_off=off,
                    central_key=key if meeting.base.costs is not None else None)
    return whatif, problems


def base_values(meeting: Meeting) -> dict[str, Any]:
    """The controls' values that ask nothing: the base scenario as it is."""
    values: dict[str, Any] = {"total_htv": meeting.base.total_htv,
                              "offices": [str(i) for i in range(len(meeting.offices))]}
    for i, ln in enumerate(meeting.lines[:-1]):
        values[f"share_{i}"] = _percent(ln.share)
    for i in range(len(meeting.municipalities)):
        values[f"caseload_{i}"] = 0
    if meeting.base.costs is not None:
        values["central_key"] = meeting.base.costs.central_key
    return values


# --- the page's parts -------------------------------------------------------------------------

def control_panel(meeting: Meeting, lang: str, values: dict[str, Any]) -> ui.TagList:
    """Every control, labelled in ``lang`` and set to ``values``."""
    base = meeting.base
    step = float(base.granularity)
    parts: list[Any] = [
        ui.input_numeric("total_htv", text("total_htv", lang), values["total_htv"], step=step,
                         update_on="blur"),
        ui.tags.label(text("shares", lang), class_="form-label fw-semibold"),
    ]
    for i, ln in enumerate(meeting.lines[:-1]):
        parts.append(ui.input_numeric(f"share_{i}", ln.title_in(lang), values[f"share_{i}"],
                                      step=1, update_on="blur"))
    parts.append(ui.output_ui("share_rest"))
    parts.append(ui.tags.label(text("caseload", lang), class_="form-label fw-semibold"))
    parts.append(ui.tags.p(text("caseload_note", lang,
                                features=", ".join(feature_name(base, f, lang)
                                                   for f in count_features(base))),
                                class_="small"))
    fields = [ui.input_numeric(f"caseload_{i}", m, values[f"caseload_{i}"], step=5,
                               update_on="blur") for i, m in enumerate(meeting.municipalities)]
    for k in range(0, len(fields), 2):
        parts.append(ui.layout_columns(*fields[k:k + 2], col_widths=[6, 6], fill=False))
    parts.append(ui.input_checkbox_group(
        "offices", text("offices", lang),
        {str(i): o.title_in(lang) for i, o in enumerate(meeting.offices)},
        selected=values["offices"]))
    if base.costs is not None:
        parts.append(ui.input_select("central_key", text("central_key", lang),
                                     meeting.key_choices(lang), selected=values["central_key"]))
    parts += [
        ui.input_action_button("reset", text("reset", lang), class_="btn-outline-secondary"),
        ui.hr(),
        ui.input_text("save_name", text("save_name", lang), values.get("save_name", "")),
        ui.input_action_button("save", text("save", lang), class_="btn-primary"),
        ui.output_ui("save_status"),
        ui.download_button("xlsx", text("download", lang), class_="btn-outline-primary mt-2"),
    ]
    return ui.TagList(*parts)


def verdict_line(answer: Answer, lang: str) -> ui.Tag:
    """The solver's and the verifier's verdicts and the solve's time."""
    r = answer.result
    if r is None:
        return ui.div(class_="verdict")
    proof = text(f"pack_proof_{r.status.value}", lang)
    checked = ("pack_verified_yes" if r.verified else
               "pack_verified_none" if r.allocation is None else "pack_verified_no")
    return ui.div(
        ui.span(f"{text('verdict_solver', lang)}: "),
        ui.span(proof, class_="ok" if r.proven_optimal else "bad", id="proof"),
        " · ",
        ui.span(f"{text('verdict_verifier', lang)}: "),
        ui.span(text(checked, lang), class_="ok" if r.verified else "bad", id="verified"),
        " · ", text("verdict_time", lang, seconds=num(answer.seconds, 2, lang)), class_="verdict")


def problems_box(answer: Answer, lang: str) -> ui.Tag | None:
    """Why there is no allocation: the invalid values, or the rules that conflict with the
    smallest fix; None when there is one."""
    if answer.problems:
        n = len(answer.problems)
        return ui.div(ui.p(text("invalid", lang, n=n, s="" if n == 1 else "s")),
                      ui.tags.ul(*(ui.tags.li(p) for p in answer.problems)),
                      class_="problems", id="problem-list")
    r = answer.result
    if r is None or r.verified:
        return None
    if r.conflicts:
        items = []
        for c in r.conflicts:
            fix: list[Any] = [ui.br(), ui.tags.b(f"{text('fix', lang)}: "), c.fix] if c.fix else []
            items.append(ui.tags.li(c.message, *fix))
        return ui.div(ui.p(text("infeasible", lang)), ui.tags.ul(*items), class_="problems",
                      id="problem-list")
    return ui.div(ui.p(text("no_verified", lang, status=r.status.value)), class_="problems",
                  id="problem-list")


def table(meeting: Meeting, frame: pd.DataFrame, digits: int, lang: str) -> ui.Tag:
    """The allocation against the base per area and municipality, with the euros."""
    money_cols = bool(frame["base_eur"].notna().any() or frame["eur"].notna().any())
    heads = ["col_base", "col_now", "col_change"] + (
        ["col_base_eur", "col_eur", "col_change_eur"] if money_cols else [])
    header = ui.tags.tr(ui.tags.th(text("col_area", lang)),
                        *(ui.tags.th(text(h, lang), class_="num") for h in heads))
    body = []
    for row in frame.to_dict(orient="records"):
        label = {MUNICIPALITY: row["name"], AREA: text("row_area", lang, area=row["area"]),
                 CENTRAL: text("row_central", lang, lead=meeting.base.lead_municipality),
                 TOTAL: text("row_total", lang)}[row["kind"]]
        cells = [ui.tags.td(label),
                 ui.tags.td(num(row["base_htv"], digits, lang), class_="num", **{"data-col": "base_htv"}),
                 ui.tags.td(num(row["htv"], digits, lang), class_="num", **{"data-col": "htv"}),
                 ui.tags.td(signed(row["change_htv"], digits, lang), class_=f"num {_css(row['change_htv'])}",
                            **{"data-col": "change_htv"})]
        if money_cols:
            cells += [ui.tags.td(money(row["base_eur"], lang, 0), class_="num",
                                 **{"data-col": "base_eur"}),
                      ui.tags.td(money(row["eur"], lang, 0), class_="num", **{"data-col": "eur"}),
                      ui.tags.td(money(row["change_eur"], lang, 0, sign=True),
                                 class_=f"num {_css(row['change_eur'])}",
                                 **{"data-col": "change_eur"})]
        body.append(ui.tags.tr(*cells, class_=row["kind"],
                               **{"data-kind": row["kind"], "data-name": row["name"]}))
    return ui.tags.table(ui.tags.thead(header), ui.tags.tbody(*body),
                         class_="table table-sm whatif-table", id="allocation-table")


def office_table(meeting: Meeting, frame: pd.DataFrame, digits: int, lang: str) -> ui.Tag:
    """Each office's staff against the base, central services included; '–' for an office
    switched off."""
    labels = {o.name: o.title_in(lang) for o in meeting.offices}
    header = ui.tags.tr(ui.tags.th(text("col_office", lang)),
                        *(ui.tags.th(text(h, lang), class_="num")
                          for h in ("col_base", "col_now", "col_change")))
    body = [ui.tags.tr(ui.tags.td(labels.get(row["office"], row["office"])),
                       ui.tags.td(num(row["base_htv"], digits, lang), class_="num",
                                  **{"data-col": "base_htv"}),
                       ui.tags.td(num(row["htv"], digits, lang), class_="num", **{"data-col": "htv"}),
                       ui.tags.td(signed(row["change_htv"], digits, lang),
                                  class_=f"num {_css(row['change_htv'])}",
                                  **{"data-col": "change_htv"}),
                       **{"data-office": row["office"]})
            for row in frame.to_dict(orient="records")]
    return ui.tags.table(ui.tags.thead(header), ui.tags.tbody(*body),
                         class_="table table-sm whatif-table", id="office-table")


def _css(value: float) -> str:
    if pd.isna(value) or round(float(value), 2) == 0:
        return ""
    return "up" if value > 0 else "down"


def change_chart(frame: pd.DataFrame, digits: int, lang: str) -> ui.Tag:
    """Horizontal bars of each municipality's change [HTV] around a zero line, as inline
    SVG (nothing to load, sharp on a projector)."""
    rows = frame[frame["kind"] == MUNICIPALITY]
    changes = [0.0 if pd.isna(v) else float(v) for v in rows["change_htv"]]
    if not any(round(c, digits) for c in changes):
        return ui.p(text("chart_none", lang), class_="text-muted", id="change-chart")
    width, label_w, room, bar_h, gap = 760, 130, 70, 22, 8  # room: for the value's text
    half = (width - label_w - 2 * room) / 2
    zero = label_w + room + half
    top = max(abs(c) for c in changes) or 1.0
    height = len(changes) * (bar_h + gap) + gap
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="{html.escape(text("chart_title", lang))}">',
             f'<line x1="{zero}" y1="0" x2="{zero}" y2="{height}" stroke="#333"/>']
    for k, (name, change) in enumerate(zip(rows["name"], changes, strict=True)):
        y = gap + k * (bar_h + gap)
        length = abs(change) / top * half
        x = zero if change >= 0 else zero - length
        colour = "#0b6e2e" if change > 0 else "#a4161a"
        value = signed(change, digits, lang)
        tx, anchor = (x + length + 4, "start") if change >= 0 else (x - 4, "end")
        parts += [f'<text x="{label_w}" y="{y + bar_h - 6}" text-anchor="end" '
                  f'font-size="14">{html.escape(str(name))}</text>',
                  f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{bar_h}" '
                  f'fill="{colour}"/>',
                  f'<text x="{tx:.1f}" y="{y + bar_h - 6}" text-anchor="{anchor}" '
                  f'font-size="14">{html.escape(value)}</text>']
    parts.append("</svg>")
    return ui.div(ui.HTML("".join(parts)), id="change-chart")


# --- the app --------------------------------------------------------------------------------

def make_app(meeting: Meeting, lang: str = "en") -> App:
    """The Shiny app for ``meeting``, starting in ``lang``."""
    base = meeting.base
    page = ui.page_sidebar(
        ui.sidebar(ui.input_radio_buttons("lang", None, LANGUAGES, selected=lang, inline=True),
                   ui.output_ui("controls"), width=360, open="always"),
        # An empty icon: the browser asks the app for no /favicon.ico.
        ui.head_content(ui.tags.link(rel="icon", href="data:,"), ui.tags.style(_CSS),
                        ui.tags.script(_TIMING_JS)),
        ui.output_ui("heading"),
        ui.output_ui("verdict"),
        ui.output_ui("problems"),
        ui.output_ui("allocation"),
        ui.output_ui("chart"),
        ui.output_ui("offices_view"),
        ui.output_ui("command"),
        # Outside every output, so that redrawing them leaves it; the script fills it in.
        ui.p(ui.tags.span(id="redraw", **{f"data-label-{code}": text("redrawn", code,
                                                                     seconds="{seconds}")
                                         for code in LANGUAGES}), class_="text-muted small"),
        window_title=text("window_title", lang, title=base.title_in(lang)),
        lang=lang,
    )

    def server(input: Inputs, output: Outputs, session: Session) -> None:
        status = reactive.value("")
        ids = list(base_values(meeting))

        def current() -> dict[str, Any]:
            """Every control's value as the page shows it now (to redraw it in another
            language without losing a change)."""
            return {key: input[key]() for key in [*ids, "save_name"] if key in input}

        @render.ui
        def controls() -> ui.TagList:
            lang_ = input.lang()
            with reactive.isolate():
                values = current() if "total_htv" in input else {
                    **base_values(meeting), "save_name": f"{base.name}-what-if"}
            return control_panel(meeting, lang_, values)

        @reactive.calc
        def answer() -> Answer:
            if "total_htv" not in input:
                return meeting.answer(WhatIf())
            values = {key: input[key]() for key in ids if key in input}
            whatif, problems = read_controls(meeting, values, input.lang())
            return meeting.answer(whatif, problems)

        @render.ui
        def heading() -> ui.Tag:
            lang_ = input.lang()
            return ui.div(ui.h3(text("heading", lang_)),
                          ui.p(text("base_note", lang_, title=base.title_in(lang_),
                                    file=meeting.base_file), class_="text-muted"))

        @render.ui
        def share_rest() -> ui.Tag:
            lang_ = input.lang()
            given = [_number(input[f"share_{i}"]()) if f"share_{i}" in input else
                     Decimal(str(_percent(ln.share))) for i, ln in enumerate(meeting.lines[:-1])]
            rest = "–" if any(g is None for g in given) else show_number(
                float(100 - sum(g for g in given if g is not None)))
            return ui.p(text("share_rest", lang_, line=meeting.lines[-1].title_in(lang_),
                             share=rest), class_="share-rest", id="share-rest")

        @render.ui
        def verdict() -> ui.Tag:
            return verdict_line(answer(), input.lang())

        @render.ui
        def problems() -> ui.Tag | None:
            return problems_box(answer(), input.lang())

        @render.ui
        def allocation() -> ui.Tag | None:
            a, lang_ = answer(), input.lang()
            if a.result is None or not a.result.verified:
                return None
            frame = against_base(meeting.base_result, a.result)
            # Whether the table answers the controls' values or is the first drawing, made
            # before the controls exist (the same base allocation).
            answered = "controls" if "total_htv" in input else "start"
            return ui.div(ui.h5(text("table_title", lang_), id="allocation-title"),
                          table(meeting, frame, a.result.digits, lang_),
                          **{"data-answered": answered})

        @render.ui
        def chart() -> ui.Tag | None:
            a, lang_ = answer(), input.lang()
            if a.result is None or not a.result.verified:
                return None
            frame = against_base(meeting.base_result, a.result)
            return ui.div(ui.h5(text("chart_title", lang_)),
                          change_chart(frame, a.result.digits, lang_))

        @render.ui
        def offices_view() -> ui.Tag | None:
            a, lang_ = answer(), input.lang()
            if a.result is None or not a.result.verified:
                return None
            frame = offices_against_base(meeting.base_result, a.result)
            return ui.div(ui.h5(text("offices_title", lang_)),
                          office_table(meeting, frame, a.result.digits, lang_))

        @render.ui
        def command() -> ui.Tag:
            a, lang_ = answer(), input.lang()
            line = a.whatif.command_line(meeting.base_file, base)
            extra = [] if a.whatif.settings(base) else [" ", text("nothing_changed", lang_)]
            return ui.div(ui.p(text("same_as", lang_)), ui.tags.code(line, id="command-line"),
                          *extra, class_="command mt-3")

        @reactive.effect
        @reactive.event(input.reset)
        def _reset() -> None:
            values = base_values(meeting)
            for key, value in values.items():
                if key == "offices":
                    ui.update_checkbox_group("offices", selected=value)
                elif key == "central_key":
                    ui.update_select("central_key", selected=value)
                else:
                    ui.update_numeric(key, value=value)

        @reactive.effect
        @reactive.event(input.save)
        def _save() -> None:
            a = answer()
            done, message = meeting.save(a, input.save_name().strip(), input.lang())
            status.set(("ok:" if done else "bad:") + message)

        @render.ui
        def save_status() -> ui.Tag | None:
            value = status()
            if not value:
                return None
            kind, _, message = value.partition(":")
            return ui.p(message, class_="small " + ("text-success" if kind == "ok" else
                                                     "text-danger"), id="save-message")

        def shown() -> Result:
            """The allocation the workbook holds: the what-if's when it has a verified one,
            else the base's (and the file is named so)."""
            a = answer()
            return a.result if a.result is not None and a.result.verified else \
                meeting.base_result

        @render.download(filename=lambda: f"{shown().scenario.name}"
                         f"{'-what-if' if shown() is not meeting.base_result else ''}.xlsx")
        def xlsx() -> Any:
            from allocator.reports.files import xlsx_bytes

            yield xlsx_bytes(shown())

    return App(page, server)
