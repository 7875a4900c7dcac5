"""The board pack: ``allocate report`` and allocator.reports.board_pack.build.

The HTML is checked as text (self-contained, every section, the manifest hashes, escaping,
Finnish, exit codes through click's CliRunner), then opened in a real headless Chromium:
no console errors, every chart loaded, a full-page screenshot, the printed A4 layout (a
PDF with a plausible page count, tables within the page width). The browser tests are
skipped only when /usr/bin/chromium is missing; .ci/run installs it. Every analysis runs
with the sequential executor, so the tests start no process pool.
"""

from __future__ import annotations

import base64
import io
import re
import struct
import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from click.testing import Result as Invocation
from stored import ROOT, SCENARIO_FILES

from allocator.analysis.board import LANGUAGES, Skipped, StructureDifference, robust_choice
from allocator.analysis.compare import scenario_labels
from allocator.analysis.decision import changes, figures
from allocator.charts.text import TEXT
from allocator.cli import main
from allocator.engine.manifest import file_sha256, scenario_sha256
from allocator.engine.pipeline import allocate, settings_for
from allocator.errors import ScenarioError
from allocator.reports.board_pack.build import (
    PACK_FILE,
    PackOptions,
    check_options,
    default_sweep,
)
from allocator.reports.board_pack.text import PACK_TEXT, text
from allocator.scenario.loading import load_scenario

BASE = ROOT / "scenarios" / "base.yaml"
CHROMIUM = Path("/usr/bin/chromium")
#: Flags that let Chromium run headless as root on a machine without a display or network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
#: The main part's sections (numbered), then the appendix's (lettered).
SECTIONS_EN = ["Decision summary", "The recommended allocation", "What changes in each scenario",
               "How sure is it", "Terms used"]
APPENDIX_EN = ["How the allocation was decided", "Sensitivity",
               "A robust allocation across the scenarios", "Other comparisons",
               "Reproducibility"]
SECTIONS_FI = ["Päätösesitys", "Suositeltu jako", "Mitä kukin skenaario muuttaa",
               "Kuinka varma jako on", "Käsitteet"]
APPENDIX_FI = ["Miten jako muodostui", "Herkkyys", "Skenaarioiden yhteinen vakaa jako",
               "Muut vertailut", "Toistettavuus"]
SECTION_IDS = ["summary", "allocation", "changes", "certainty", "glossary", "decision",
               "sensitivity", "robust", "comparison", "reproducibility"]
#: Charts of the whole set: the proposal, the changes per municipality; in the appendix 4
#: tornado (one per area), Monte Carlo, sweep, robust, line shares, costs.
CHARTS = 11
#: Printed pages of the main part (before the appendix) for the scenario set, at most.
MAIN_PAGES = 8
#: English words and labels a Finnish pack must not show (outside the scenario files' own
#: free text): section and column headings, verdicts, office, line and service names, and
#: the analyst's words the board should never meet.
ENGLISH = ["Decision summary", "Proposal", "Responsibility area", "Municipality",
           "Customer service", "Central services", "Share of central services", "In all",
           "Whole employment area", "What changes", "How sure", "Terms used", "Appendix",
           "Sastamala office", "Parkano office", "Punkalaidun service point",
           "Weaker-position", "Job brokering", "Skills development", "Integration-phase",
           "Administrative services", "Expert teams", "proven optimal", "passed",
           "no change", "no allocation", "tight", "binds", "Binds", "Tight", "regret",
           "Regret", "tie_break", "long_term_unemployed", "foreign_nationals", "labour_force",
           "unemployed jobseekers", "persons per HTV", "Total", "All areas", "Scenario",
           "Change against", "Western Pirkanmaa", "Helsinki time", "EUR/year"]


def appendix_label(k: int) -> str:
    return "ABCDEFGHIJ"[k]
#: Width of an A4 page's content at the pack's margins (210 − 2 × 14 mm) [CSS pixels].
A4_CONTENT_PX = round((210 - 28) / 25.4 * 96)


def invoke(*args: str | Path) -> Invocation:
    return CliRunner().invoke(main, ["report", *(str(a) for a in args)])


def assert_clean_exit(result: Invocation, code: int) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    if code != 0:
        assert isinstance(result.exception, SystemExit), repr(result.exception)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


class Page(HTMLParser):
    """What the tests read from the HTML: tags with attributes, headings, style text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.headings: dict[str, list[str]] = {"h1": [], "h2": [], "h3": []}
        self.style = ""
        self._open: str | None = None
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag in self.headings or tag == "style":
            self._open, self._text = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            content = "".join(self._text)
            if tag == "style":
                self.style += content
            else:
                self.headings[tag].append(" ".join(content.split()))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def attrs(self, tag: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag]


# --- the runs the tests read ------------------------------------------------------------------

@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Invocation, Path, str]:
    """The base and the whole scenario set, the base given again by the glob."""
    out = tmp_path_factory.mktemp("report") / "board"
    files = [BASE, *sorted((ROOT / "scenarios").glob("*.yaml"))]
    result = invoke(*files, "--out", out, "--executor", "sequential")
    return result, out, (out / PACK_FILE).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def finnish_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Invocation, str]:
    """In Finnish, with a base whose title tries to inject markup (also in Finnish)."""
    folder = tmp_path_factory.mktemp("fi")
    evil = write(folder / "evil.yaml",
                 f"extends: {BASE}\nname: evil\n"
                 "title: '<script>alert(\"pwned\")</script> & <b>Ikaalinen</b>'\n"
                 "title_fi: '<script>alert(\"pwned\")</script> & <b>Ikaalinen</b>'\n")
    out = folder / "out"
    result = invoke(evil, ROOT / "scenarios" / "htv-30.yaml", "--out", out, "--lang", "fi",
                    "--runs", "3", "--executor", "sequential")
    return result, (out / PACK_FILE).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def finnish_full(tmp_path_factory: pytest.TempPathFactory) -> tuple[Invocation, Path, str]:
    """The whole scenario set in Finnish (few Monte Carlo draws: only the words matter)."""
    out = tmp_path_factory.mktemp("report-fi") / "board"
    result = invoke(*[ROOT / f for f in SCENARIO_FILES], "--out", out, "--lang", "fi",
                    "--runs", "5", "--executor", "sequential")
    return result, out, (out / PACK_FILE).read_text(encoding="utf-8")


def visible_text(html: str) -> str:
    """What a reader sees: the text outside tags, style and the copyable command line."""
    html = re.sub(r"<style>.*?</style>|<pre class=\"command\">.*?</pre>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- the command ------------------------------------------------------------------------------

def test_report_exits_0_and_writes_one_file(full_run: tuple[Invocation, Path, str]) -> None:
    result, out, _ = full_run
    assert_clean_exit(result, 0)
    assert [p.name for p in out.iterdir()] == [PACK_FILE]
    assert f"{len(SCENARIO_FILES)} scenarios in" in result.stdout
    assert f"Wrote {out / PACK_FILE}" in result.stdout


def test_pack_is_self_contained(full_run: tuple[Invocation, Path, str]) -> None:
    _, _, html = full_run
    page = Page(html)
    assert "http://" not in html and "https://" not in html
    assert not page.attrs("script") and "<script" not in html.lower()
    # Every reference is a data: URI or a link within the page.
    for tag, attrs in page.tags:
        for key in ("src", "href", "srcset", "poster", "action", "data"):
            value = attrs.get(key)
            if value is not None:
                assert value.startswith(("data:", "#")), (tag, key, value[:80])
    assert "@import" not in page.style
    assert all(u.startswith(("data:", "#")) for u in re.findall(r"url\(\s*['\"]?([^'\")]*)",
                                                              page.style))
    images = page.attrs("img")
    assert len(images) == CHARTS
    for img in images:
        assert img["src"].startswith("data:image/png;base64,")
        png = base64.b64decode(img["src"].split(",", 1)[1])
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", png[16:24])
        assert (width, height) == (int(img["width"]), int(img["height"]))
        assert img["alt"]
    [csp] = [m for m in page.attrs("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp["content"]


def headings_of(main: list[str], appendix: list[str]) -> list[str]:
    return ([f"{k} {name}" for k, name in enumerate(main, start=1)]
            + [f"{appendix_label(k)} {name}" for k, name in enumerate(appendix)])


def test_every_section_in_order_with_its_content(full_run: tuple[Invocation, Path, str]) -> None:
    _, _, html = full_run
    page = Page(html)
    headings = page.headings["h2"]
    assert headings[0] == "Contents"
    assert headings[1:] == headings_of(SECTIONS_EN, APPENDIX_EN)
    ids = [a["id"] for a in page.attrs("section")]
    assert ids == SECTION_IDS
    assert [a["href"] for a in page.attrs("a")] == [f"#{i}" for i in SECTION_IDS]
    # The appendix follows the main part, in one block of its own.
    assert html.index('<div class="appendix">') > html.index('id="glossary"')
    assert html.index('<div class="appendix">') < html.index('id="decision"')
    text = " ".join(html.split())
    # 1: the proposal, checked, with the key ratio in whole people.
    assert "Every scenario has an allocation, and an independent check passed each one." in text
    assert ("The employment board approves the split of the 32.66 person-years (HTV)" in text)
    assert "27.52 HTV of customer service in the 4 responsibility areas" in text
    assert "one customer-service person-year for every 66 unemployed jobseekers" in text
    assert "Checked: no other split keeps closer to the caseload" in text
    assert "The municipalities pay 2,179,920 EUR a year for it in all" in text
    # 2: what it costs: the base's 32.66 HTV at 62,000 EUR and 155,000 EUR of offices.
    assert "What it costs each municipality" in page.headings["h3"]
    assert "In all: 2,179,920 EUR a year" in text
    assert "shared by labour force" in text
    # 3: htv-30 gives Sastamala 1.23 HTV less customer service than the base.
    assert "11.38<span class=\"sub down\">−1.23</span>" in html
    # 4: the sensitivity in sentences, the budget apart.
    assert "Apart from the budget itself, moving any one figure of the proposal by 10 %" in text
    assert "nine draws in ten would keep each area within" in text
    # 5: the glossary has the terms that remain.
    for term in ("HTV (person-year)", "Quota (caseload target)", "Tolerance"):
        assert f'<td class="strong">{term}</td>' in html
    # A: the fairness definition, and plainly that no rule binds; rules in words.
    assert "The fairness definition" in text
    assert "No rule binds" in text
    assert "office_per_area[Sastamala]" not in text
    assert "Sastamala: " in text and "every responsibility area" in text
    # D: costs per scenario in whole euros; equal shares cost Kihniö more than labour force.
    assert "Cost per municipality in each scenario" in text
    assert "2,015,000<span class=\"sub down\">−164,920</span>" in html
    assert "Which key? Each municipality" in text
    assert "labour force (in use)" in text and "equal shares" in text
    assert "Against a reference: State-grant-like criteria" in text
    # B: the three analyses.
    for heading in ("One input at a time (tornado)", "Random variation of the caseload "
                    "(Monte Carlo)", "The size of the budget (sweep)"):
        assert heading in page.headings["h3"]
    assert "total_htv from 28 to 36 in steps of 1" in text
    assert "drawn at random 50 times (poisson, seed 0)" in text
    # E: the command that reproduces the pack, and when it was made.
    assert "allocate report " in text and "--runs 50 --seed 0 --sweep total_htv=28:36:1" in text
    assert "Generated" in text and "(Helsinki time)" in text


def summary_of(html: str) -> str:
    """The text of the decision summary section, tags removed."""
    start = html.index('<section class="pack-section" id="summary">')
    end = html.index("</section>", start)
    return " ".join(re.sub(r"<[^>]+>", " ", html[start:end]).split())


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_decision_summary_names_every_municipality_and_question(
        lang: str, full_run: tuple[Invocation, Path, str],
        finnish_full: tuple[Invocation, Path, str]) -> None:
    html = (full_run if lang == "en" else finnish_full)[2]
    summary = unescape(summary_of(html))
    base = load_scenario(BASE)
    for m in base.municipality_names:
        assert m in summary, m
    for area in (a.name for a in base.areas):
        assert area in summary
    # Every other scenario's question, from its title in the pack's language (the words it
    # shares with the base's title left out), and its sentence on why.
    base_title = base.title_in(lang)
    for f in SCENARIO_FILES[1:]:
        title = load_scenario(ROOT / f).title_in(lang)
        words = [w for w in re.split(r"[ ,]+", title) if w and w not in base_title]
        assert words and all(w.lower() in summary.lower() for w in words), (f, words)
    rows = re.findall(r'<td class="strong question">', html)
    assert len(rows) == len(SCENARIO_FILES) - 1


def test_why_sentences_are_read_off_the_results(full_run: tuple[Invocation, Path, str]) -> None:
    # The sentences carry the results' own figures: the service points' staff, the central
    # growth with more unemployment, the budget's difference. Computed here from the
    # results, not copied from the pack.
    _, _, html = full_run
    summary = unescape(summary_of(html))
    points = allocate(load_scenario(ROOT / "scenarios" / "service-points.yaml"))
    offices = points.office_frame().set_index("office")["customer_htv"]
    for office in ("Punkalaidun service point", "Kihniö service point"):
        assert f"{offices[office]:.2f} HTV move from" in summary
        assert f"into the new {office}" in summary
    assert "No area total changes, but" in summary
    base = allocate(load_scenario(BASE))
    up = allocate(load_scenario(ROOT / "scenarios" / "unemployment-up.yaml"))
    grow = (up.central_frame().set_index("service")["htv"]["integration_services"]
            - base.central_frame().set_index("service")["htv"]["integration_services"])
    assert grow > 0
    assert "Every area loses a little (" in summary and f"grows by {grow:.2f} HTV" in summary
    low = allocate(load_scenario(ROOT / "scenarios" / "htv-30.yaml"))
    assert f"{float(base.total_htv - low.total_htv):.2f} HTV less in all" in summary
    assert ("No staff move; only who pays the central services changes (equal shares "
            "instead of labour force)") in summary


def test_decision_facts_of_a_scenario_with_new_offices() -> None:
    files = [BASE, ROOT / "scenarios" / "service-points.yaml"]
    results = [allocate(load_scenario(f), source=str(f)) for f in files]
    [change] = changes(results, scenario_labels(results))
    assert change.areas_unchanged and change.total_htv == 0 and not change.central
    got = {office: (htv, sources) for office, htv, sources in change.new_offices}
    frame = results[1].office_frame().set_index("office")
    assert got == {"Punkalaidun service point": (frame.loc["Punkalaidun service point",
                                                           "customer_htv"], ("Sastamala office",)),
                   "Kihniö service point": (frame.loc["Kihniö service point", "customer_htv"],
                                            ("Parkano office",))}
    # What the new points take, their area's office gives up.
    assert change.office_htv is not None
    assert change.office_htv["Sastamala office"] == -got["Punkalaidun service point"][0]
    base = figures(results[0])
    assert base is not None
    assert round(sum(p.customer_htv for p in base.places), 2) == float(results[0].customer_htv)
    assert round(sum(p.eur or 0 for p in base.places), 2) == float(base.eur or 0)


def test_robust_section_says_which_scenarios_were_left_out_and_why(
        full_run: tuple[Invocation, Path, str]) -> None:
    _, _, html = full_run
    text = " ".join(html.split())
    # central-key-equal changes only who pays, so it joins with the base's allocation.
    assert ("Included: base, central-key-equal, continuity, figures-2022, pirkanmaa-rate, "
            "unemployment-up, youth-emphasis.") in text
    assert "htv-30: different person-years in all: 30 (base: 32.66)" in text
    # Caseload scenarios join: the integration services are staffed for the busiest one.
    assert ("Integration-phase immigrant services (kotoutumisvaiheen palvelut) at 2.58 HTV "
            "(the scenarios&#39; own sizes: base 2.14, "
            "central-key-equal 2.14, continuity 2.14, figures-2022 1.18, pirkanmaa-rate 2.56, "
            "unemployment-up 2.58, youth-emphasis 2.14)") in text
    assert "split-35-45-20: its rules cannot hold together with those already included" in text
    # The robust model keeps the continuity scenario's caps, so it can join.
    assert "continuity: the robust model does not enforce" not in text
    assert "the verifier passed it in every included scenario" in text
    assert "Regret: the robust allocation against each scenario" in text
    # Every scenario is allocated again with the service at 2.58 HTV; the flow certificate
    # proves those it covers, and CP-SAT continuity's, whose caps bring moves.
    assert ("Each scenario&#39;s own optimum is proven by CP-SAT (continuity) and by the "
            "network-flow certificate (base, central-key-equal, figures-2022, pirkanmaa-rate, "
            "unemployment-up, youth-emphasis).") in text


def test_the_robust_choice_says_what_proves_each_own_optimum() -> None:
    from allocator.engine.types import PROOF_CPSAT, PROOF_FLOW

    files = [BASE, ROOT / "scenarios" / "continuity.yaml", ROOT / "scenarios" / "htv-30.yaml"]
    results = [allocate(s, settings_for(s), source=str(f))
               for f, s in ((f, load_scenario(f)) for f in files)]
    choice = robust_choice(results, scenario_labels(results))
    assert choice.result is not None and choice.included == (0, 1)
    # Both keep their central services' sizes: the pack's own CP-SAT results are reused.
    assert [r.solver.proof for r in choice.result.own] == [PROOF_CPSAT, PROOF_CPSAT]
    assert choice.result.own[0] is results[0]
    figures = [BASE, ROOT / "scenarios" / "figures-2022.yaml"]
    results = [allocate(s, settings_for(s), source=str(f))
               for f, s in ((f, load_scenario(f)) for f in figures)]
    choice = robust_choice(results, scenario_labels(results))
    assert choice.result is not None and choice.included == (0, 1)
    # The integration services differ (2.14 and 1.18 HTV), so both are allocated again
    # with them fixed at 2.14 HTV: the flow certificate covers both.
    assert list(choice.result.regret_frame()["own_proof"]) == [PROOF_FLOW, PROOF_FLOW]


def test_robust_choice_names_the_facts_of_each_scenario_left_out() -> None:
    files = [BASE, ROOT / "scenarios" / "htv-30.yaml", ROOT / "scenarios" / "split-35-45-20.yaml"]
    results = [allocate(s, settings_for(s), source=str(f))
               for f, s in ((f, load_scenario(f)) for f in files)]
    choice = robust_choice(results, scenario_labels(results))
    assert choice.included == (0,)
    structure, rules = choice.skipped
    assert structure == Skipped("structure", "htv-30",
                                differences=(StructureDifference("total_htv", "30", "32.66"),))
    assert rules.kind == "rules" and rules.label == "split-35-45-20"
    assert any("weaker_position needs at least" in why for why in rules.why)
    assert choice.result is not None and choice.result.verified


def test_manifest_hashes_of_every_scenario(full_run: tuple[Invocation, Path, str]) -> None:
    _, _, html = full_run
    for f in SCENARIO_FILES:
        path = ROOT / f
        assert scenario_sha256(load_scenario(path)) in html, f
        digest = file_sha256(path)
        assert digest is not None and digest in html, f
    assert "OR-Tools" in html and "allocator" in html


def test_title_is_escaped_never_markup(finnish_run: tuple[Invocation, str]) -> None:
    result, html = finnish_run
    assert_clean_exit(result, 0)
    assert "<script" not in html.lower()
    assert "<b>Ikaalinen</b>" not in html
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt; &amp; &lt;b&gt;Ikaalinen" in html
    page = Page(html)
    assert page.headings["h1"] == ['<script>alert("pwned")</script> & <b>Ikaalinen</b>']


def test_finnish_pack(finnish_run: tuple[Invocation, str]) -> None:
    _, html = finnish_run
    page = Page(html)
    assert ('html', {"lang": "fi"}) in page.tags
    assert page.headings["h2"][1:] == headings_of(SECTIONS_FI, APPENDIX_FI)
    for english in SECTIONS_EN + APPENDIX_EN:
        assert english not in html
    assert "Päätösesitys" in html and "Työllisyyslautakunta hyväksyy" in html
    assert "Oikeudenmukaisuuden määritelmä" in html and "Mikään sääntö ei sido" in html
    alts = [img["alt"] for img in page.attrs("img")]
    assert "Mitä kukin skenaario muuttaa" in alts
    assert any(alt.startswith("Hämeenkyrö: asiakaspalvelun HTV:n muutos") for alt in alts)
    assert "Työnvälitys" in html  # service lines by their Finnish names
    assert "Sastamalan toimipiste" in html  # offices by their label_fi
    assert "Kustannukset kunnittain" in html and "jakoperusteella työvoima" in html
    assert "2\u202f179\u202f920" in html  # euros as Finnish writes them


def test_finnish_pack_has_no_english_label(finnish_full: tuple[Invocation, Path, str]) -> None:
    result, _, html = finnish_full
    assert_clean_exit(result, 0)
    text = without_reasons(visible_text(html))
    assert "Perustelut ovat skenaariotiedostosta sellaisinaan" in text
    found = [word for word in ENGLISH if word in text]
    assert found == []


def without_reasons(text: str) -> str:
    """``text`` without the reasons of the base's assumptions: the scenario file's own free
    text, shown as written (the table says so); everything else is the pack's."""
    for reason in allocate(load_scenario(BASE)).assumptions_frame()["reason"]:
        text = text.replace(" ".join(str(reason).split()), " ")
    return text


def test_finnish_pack_uses_decimal_commas_and_helsinki_time(
        finnish_full: tuple[Invocation, Path, str]) -> None:
    _, _, html = finnish_full
    # Dates and times are written with points in Finnish (2.12.2026 klo 8.05).
    text = re.sub(r"\d{1,2}\.\d{1,2}\.\d{4} klo \d{1,2}\.\d{2}", "DATE",
                  without_reasons(visible_text(html)))
    main = text[:text.index("Liitteet Aineisto analyytikoille")]
    assert "32,66" in main and "27,52" in main and "5,14" in main
    # No decimal point in the main part at all; in the appendix only in versions (3.12.1),
    # file names and hashes, never in a figure.
    assert re.findall(r"\d\.\d", main) == []
    appendix = re.sub(r"\b\d+\.\d+\.\d+\b|\S+\.yaml|\b[0-9a-f]{64}\b", " ",
                      text[len(main):])
    assert re.findall(r"\d\.\d", appendix) == []
    # The date as Finnish writes it, in Helsinki time, within minutes of now.
    match = re.search(r"laadittu (\d{1,2})\.(\d{1,2})\.(\d{4}) klo (\d{1,2})\.(\d{2})",
                      visible_text(html))
    assert match is not None
    day, month, year, hour, minute = map(int, match.groups())
    shown = datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Helsinki"))
    now = datetime.now(ZoneInfo("Europe/Helsinki"))
    assert timedelta(0) <= now - shown < timedelta(minutes=30)


def test_finnish_charts_write_decimal_commas() -> None:
    from allocator.charts.style import new_figure
    from allocator.reports.board_pack.format import decimal_commas, localise_figure

    fig = new_figure(4, 3)
    ax = fig.add_subplot()
    ax.bar([0, 1], [0.44, 2.5])
    ax.set_xticks([0, 1], ["Sastamala", "Parkano"])
    ax.text(0, 0.44, "+0.44")
    fig.text(0, 0, "allocator 0.1.0 · OR-Tools 9.15.6755 · total 32.66 HTV")
    localise_figure(fig, "fi")
    texts = [t.get_text() for t in fig.findobj(match=lambda o: hasattr(o, "get_text"))]
    assert "+0,44" in texts
    assert "allocator 0.1.0 · OR-Tools 9.15.6755 · total 32,66 HTV" in texts
    ticks = [t.get_text() for t in ax.yaxis.get_majorticklabels()]
    assert any("," in t for t in ticks) and not any("." in t for t in ticks), ticks
    assert [t.get_text() for t in ax.xaxis.get_majorticklabels()] == ["Sastamala", "Parkano"]
    assert decimal_commas("Python 3.12.1, 0.5 HTV", "fi") == "Python 3.12.1, 0,5 HTV"
    assert decimal_commas("0.5 HTV", "en") == "0.5 HTV"


def test_finnish_tick_labels_are_written_as_drawn_on_shared_axes() -> None:
    """The numeric tick labels are made when the chart is drawn: the ones drawn, on every
    panel of a shared axis, have commas, in the same places as the English ones."""
    from allocator.charts.style import new_figure
    from allocator.reports.board_pack.format import localise_figure

    def drawn(lang: str) -> list[list[str]]:
        fig = new_figure(6, 3)
        axes = fig.subplots(1, 2, sharex=True)
        for ax, top in zip(axes, (0.7, 1.3), strict=True):
            ax.barh([0, 1], [-0.35, top])
        localise_figure(fig, lang)
        fig.savefig(io.BytesIO(), format="png")
        return [[t.get_text() for t in ax.xaxis.get_majorticklabels()] for ax in axes]

    english, finnish = drawn("en"), drawn("fi")
    assert any("." in label for panel in english for label in panel), english
    assert finnish == [[label.replace(".", ",") for label in panel] for panel in english]


def test_dates_are_in_helsinki_time() -> None:
    from allocator.reports.board_pack.format import when

    summer = datetime(2026, 7, 1, 21, 5, tzinfo=ZoneInfo("UTC"))  # UTC+3 in summer
    winter = datetime(2026, 12, 31, 22, 30, tzinfo=ZoneInfo("UTC"))  # UTC+2, a new year
    assert when(summer, "fi") == "2.7.2026 klo 0.05"
    assert when(summer, "en") == "2 July 2026, 00:05 (Helsinki time)"
    assert when(winter, "fi") == "1.1.2027 klo 0.30"


def test_pack_text_exists_in_both_languages() -> None:
    assert set(PACK_TEXT) == set(LANGUAGES) == set(TEXT)
    pack_keys = set(PACK_TEXT["en"])
    assert pack_keys == set(PACK_TEXT["fi"])
    assert all(k.startswith("pack_") for k in pack_keys)
    assert set(TEXT["en"]) == set(TEXT["fi"])
    same = [k for k in pack_keys if PACK_TEXT["en"][k] == PACK_TEXT["fi"][k]
            and "{" not in PACK_TEXT["en"][k] and k != "pack_col_htv"]
    assert same == [], "untranslated texts"


def test_pack_text_falls_back_to_the_chart_text() -> None:
    assert not set(PACK_TEXT["en"]) & set(TEXT["en"]), "a pack key would hide a chart text"
    for lang in LANGUAGES:
        assert text("all_areas", lang) == TEXT[lang]["all_areas"]
        assert text("pack_s1", lang) == PACK_TEXT[lang]["pack_s1"]
        assert text("allocation_title", lang, total="32.66") == \
            TEXT[lang]["allocation_title"].format(total="32.66")


def test_scenario_without_allocation_exits_1_and_the_pack_says_so(tmp_path: Path) -> None:
    tight = write(tmp_path / "tight.yaml", f"extends: {BASE}\nname: tight\ntotal_htv: 12.0\n")
    out = tmp_path / "out"
    result = invoke(BASE, tight, "--out", out, "--runs", "2", "--executor", "sequential")
    assert_clean_exit(result, 1)
    assert "no verified allocation for tight (INFEASIBLE)" in result.stderr
    text = " ".join((out / PACK_FILE).read_text(encoding="utf-8").split())
    assert "1 of 2 scenarios have no verified allocation: tight." in text
    assert "raise total_htv from 12.00 to 13.14" in text
    assert "tight: different person-years in all: 12 (base: 32.66)" in text


def test_base_without_allocation_still_gives_a_pack(tmp_path: Path) -> None:
    tight = write(tmp_path / "tight.yaml", f"extends: {BASE}\nname: tight\ntotal_htv: 12.0\n")
    out = tmp_path / "out"
    result = invoke(tight, BASE, "--out", out, "--executor", "sequential")
    assert_clean_exit(result, 1)
    html = (out / PACK_FILE).read_text(encoding="utf-8")
    page = Page(html)
    assert page.headings["h2"][1:] == headings_of(SECTIONS_EN, APPENDIX_EN)
    text = " ".join(html.split())
    assert "The proposal has no allocation: its rules cannot all hold." in text
    assert "The base scenario has no allocation, so there is nothing to recommend yet." in text
    assert "Not available: the base scenario has no allocation." in text
    assert len(page.attrs("img")) == 1  # the line shares, with the base marked missing


def test_invalid_file_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.yaml", f"extends: {BASE}\nname: bad\ntotal_htv: -1\n")
    out = tmp_path / "out"
    result = invoke(BASE, bad, "--out", out)
    assert_clean_exit(result, 2)
    assert "1 of 2 scenario files are not valid" in result.stderr
    assert f"{bad}:3: total_htv: must be > 0" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(("spec", "message"), [
    ("total_htv=36:28:1", "--sweep: total_htv: stop 28 is below start 36"),
    ("nowhere=1:2:1", "--sweep: nowhere: "),
    ("total_htv", "is not of the form path=start:stop:step"),
])
def test_invalid_sweep_exits_2_before_solving(tmp_path: Path, spec: str, message: str) -> None:
    out = tmp_path / "out"
    result = invoke(BASE, "--sweep", spec, "--out", out)
    assert_clean_exit(result, 2)
    assert message in result.stderr
    assert not out.exists()


def test_report_needs_a_file_and_lists_its_options() -> None:
    assert invoke().exit_code == 2
    result = invoke("--help")
    assert_clean_exit(result, 0)
    for option in ("--out", "--lang", "--runs", "--seed", "--sweep", "--executor",
                   "--processes"):
        assert option in result.stdout


# --- the library ------------------------------------------------------------------------------

def test_default_sweep_brackets_the_budget() -> None:
    base = load_scenario(BASE)
    assert default_sweep(base) == "total_htv=28:36:1"
    assert default_sweep(base.with_changes({"total_htv": 200.0})) == "total_htv=175:220:5"


def test_options_are_checked_against_the_base() -> None:
    base = load_scenario(BASE)
    check_options(base, PackOptions(sweep="service_lines.skills.share=0.1:0.3:0.05"))
    with pytest.raises(ScenarioError, match="--runs"):
        check_options(base, PackOptions(runs=0))
    with pytest.raises(ScenarioError, match="--model"):
        check_options(base, PackOptions(model="gauss"))
    with pytest.raises(ScenarioError, match="--lang"):
        check_options(base, PackOptions(lang="sv"))


def test_template_is_package_data() -> None:
    from importlib.resources import files

    template = files("allocator.reports.board_pack").joinpath("templates", "board_pack.html.j2")
    assert template.is_file()
    assert "Content-Security-Policy" in template.read_text(encoding="utf-8")


# --- in a real browser --------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium; "
           ".ci/run installs it)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium from the system, driven by Playwright (no browser download).

    On exit Playwright's sync API leaves a new event loop set as this thread's current
    loop. Later asyncio code in the same process picks it up: nbclient, running the
    notebooks in tests/test_notebooks.py, then stalled for a minute on 02_what_if. The
    loop is closed and unset here, as it was before.
    """
    import asyncio

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        leftover = asyncio.get_event_loop_policy().get_event_loop()
    asyncio.set_event_loop(None)
    leftover.close()


def open_pack(browser: Any, path: Path, errors: list[str], **context: Any) -> Any:
    """A page showing ``path``, with console errors and page errors collected in ``errors``."""
    page = browser.new_page(**context)
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error"
            else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page


@needs_chromium
def test_pack_loads_in_chromium_and_every_chart_shows(
        browser: Any, full_run: tuple[Invocation, Path, str], tmp_path: Path) -> None:
    _, out, _ = full_run
    errors: list[str] = []
    page = open_pack(browser, out / PACK_FILE, errors, viewport={"width": 1200, "height": 900})
    images = page.evaluate("Array.from(document.images).map(i => "
                           "({complete: i.complete, w: i.naturalWidth, h: i.naturalHeight}))")
    assert len(images) == CHARTS
    assert all(i["complete"] and i["w"] > 0 and i["h"] > 0 for i in images), images
    assert page.title().startswith("Western Pirkanmaa")
    shot = tmp_path / "board_pack.png"
    page.screenshot(path=str(shot), full_page=True)
    page.close()
    assert errors == []
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert width == 1200
    assert 6000 < height < 60000  # a long page of six sections, not an empty one


@needs_chromium
def test_costs_section_adds_up_in_the_browser(browser: Any,
                                              full_run: tuple[Invocation, Path, str]) -> None:
    # Read as the board sees it: every municipality's parts add up to its total, and the
    # municipalities to the area's total, to the cent.
    _, out, _ = full_run
    errors: list[str] = []
    page = open_pack(browser, out / PACK_FILE, errors, viewport={"width": 1200, "height": 900})
    table = page.locator("table.costs").first
    assert table.is_visible()
    cells = table.evaluate("""t => Array.from(t.tBodies[0].rows).map(r =>
        Array.from(r.cells).map(c => c.textContent.trim()))""")
    keys = page.locator("table.keys").first.evaluate(
        "t => Array.from(t.tHead.rows[0].cells).map(c => c.textContent.trim())")
    scenarios = page.locator("table.costs-compare").first.evaluate(
        "t => Array.from(t.tBodies[0].rows).map(r => r.cells[0].firstChild.textContent.trim())")
    page.close()
    assert errors == []
    munis = load_scenario(BASE).municipality_names
    assert [row[0] for row in cells] == [*munis, "All municipalities"]

    def cents(text: str) -> int:
        return round(float(text.replace(",", "")) * 100)

    for row in cells:
        assert sum(cents(v) for v in row[2:5]) == cents(row[5]), row
    for col in range(2, 6):
        assert sum(cents(row[col]) for row in cells[:-1]) == cents(cells[-1][col])
    assert cents(cells[-1][5]) == 2_179_920_00
    assert keys[:4] == ["Municipality", "labour force (in use)", "unemployed jobseekers",
                        "equal shares"]
    assert scenarios == [load_scenario(ROOT / f).title_in("en") for f in SCENARIO_FILES]


@needs_chromium
def test_pack_prints_on_a4(browser: Any, full_run: tuple[Invocation, Path, str],
                           tmp_path: Path) -> None:
    _, out, _ = full_run
    errors: list[str] = []
    page = open_pack(browser, out / PACK_FILE, errors)
    pdf = tmp_path / "board_pack.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    page.close()
    assert errors == []
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = pdf_pages(data)
    assert 4 <= pages <= 30, pages
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert len(boxes) >= pages
    for w, h in boxes:  # A4 is 595 × 842 points
        assert abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


@needs_chromium
@pytest.mark.parametrize("which", ["en", "fi"])
def test_main_part_prints_on_at_most_eight_pages(
        browser: Any, which: str, full_run: tuple[Invocation, Path, str],
        finnish_full: tuple[Invocation, Path, str], tmp_path: Path) -> None:
    # The board reads the main part; the appendix is for analysts. Printed without the
    # appendix, the main part of the 13-scenario set fits in eight A4 pages, and the
    # decision summary starts on the first.
    out = (full_run if which == "en" else finnish_full)[1]
    errors: list[str] = []
    page = open_pack(browser, out / PACK_FILE, errors)
    whole = page.pdf(format="A4", prefer_css_page_size=True)
    page.evaluate("document.querySelector('div.appendix').remove()")
    main = page.pdf(format="A4", prefer_css_page_size=True)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_CONTENT_PX, "height": round(263 / 25.4 * 96)})
    top = page.evaluate("document.getElementById('summary').getBoundingClientRect().top")
    page.screenshot(path=str(tmp_path / f"first-page-{which}.png"))
    page.close()
    assert errors == []
    assert pdf_pages(main) <= MAIN_PAGES, pdf_pages(main)
    assert pdf_pages(whole) > pdf_pages(main)
    assert top < 300  # the summary starts near the top of page one


@needs_chromium
@pytest.mark.parametrize("which", ["full", "finnish"])
def test_printed_tables_fit_the_page_width(browser: Any, which: str,
                                          full_run: tuple[Invocation, Path, str],
                                          finnish_run: tuple[Invocation, str],
                                          tmp_path: Path) -> None:
    # Laid out for print at an A4 page's content width, nothing may stick out to the right
    # (a printed page would cut it off).
    path = full_run[1] / PACK_FILE
    if which == "finnish":
        path = write(tmp_path / PACK_FILE, finnish_run[1])
    errors: list[str] = []
    page = open_pack(browser, path, errors, viewport={"width": A4_CONTENT_PX, "height": 1000})
    page.emulate_media(media="print")
    too_wide = page.evaluate("""() => {
        const limit = document.documentElement.clientWidth + 0.5;
        return Array.from(document.querySelectorAll('table, figure, pre, p, ul, ol'))
            .filter(e => e.getBoundingClientRect().right > limit)
            .map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 60));
    }""")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    page.close()
    assert errors == []
    assert too_wide == []
    assert scroll <= A4_CONTENT_PX


def test_the_pack_renders_and_never_solves() -> None:
    """The pack's modules format what allocator.analysis.board computed; none of them
    imports a module that solves or runs an analysis."""
    import ast

    solving = {"allocator.engine.pipeline", "allocator.engine.solve", "allocator.engine.explain",
               "allocator.engine.model", "allocator.analysis.robust", "allocator.analysis.points",
               "allocator.analysis.sweep", "allocator.analysis.tornado",
               "allocator.analysis.tipping", "allocator.analysis.monte_carlo",
               "allocator.analysis.sensitivity", "allocator.analysis.compare"}
    folder = Path(__file__).parents[1] / "allocator" / "reports" / "board_pack"
    for module in folder.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):  # imports for type annotations only do not run
            if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
                node.body = []
        imports = [node for node in ast.walk(tree)
                   if isinstance(node, ast.ImportFrom) and node.module]
        # Constants of the comparison frames are names, not computations.
        names = {alias.name for node in imports if node.module == "allocator.analysis.compare"
                 for alias in node.names}
        assert names <= {"ALL_AREAS", "ALL_MUNICIPALITIES", "CENTRAL"}, module.name
        imported = {node.module for node in imports}
        assert not (imported & solving - {"allocator.analysis.compare"}), module.name
