"""Every output readable by the person it is for: the planner's terminal at 80 and 120
columns, --explain in the scenario's words, tipping points at an HR threshold, the Finnish
run and the printed workbook."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pandas as pd
import pytest
from builders import tiny
from click.testing import CliRunner

from allocator.analysis.sensitivity import numeric_inputs, tipping_points
from allocator.api import allocate
from allocator.cli import main
from allocator.cli.tipping import tipping as tipping_command
from allocator.engine.result import Result
from allocator.reports.terminal_text import TEXT
from allocator.reports.workbook import PAGE_WIDTH, SMALLEST_SCALE, add_sheet, sheet_width
from allocator.scenario.features import feature_name
from allocator.scenario.loading import load_scenario

ROOT = Path(__file__).parents[1]
BASE = ROOT / "scenarios" / "base.yaml"
ALLOCATE = Path(sys.executable).with_name("allocate")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def in_terminal(columns: int, *args: str | Path) -> str:
    """``allocate ARGS`` in a pseudo-terminal ``columns`` wide, as the planner sees it."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 60, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen([str(ALLOCATE), *map(str, args)], stdin=slave, stdout=slave,
                            stderr=slave, env=env, close_fds=True, cwd=ROOT)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert proc.wait(timeout=120) == 0
    return ANSI.sub("", out.decode("utf-8")).replace("\r\n", "\n")


@pytest.fixture(scope="module")
def base() -> Result:
    return allocate(BASE)


@pytest.fixture(scope="module", params=[80, 120])
def terminal(request: pytest.FixtureRequest) -> tuple[int, str]:
    return request.param, in_terminal(request.param, BASE, "--no-files")


def section(text: str, start: str, end: str) -> str:
    """The lines of ``text`` from the one starting with ``start`` to the next starting with
    ``end`` (excluded)."""
    lines = text.splitlines()
    first = next(k for k, line in enumerate(lines) if line.startswith(start))
    last = next(k for k in range(first + 1, len(lines)) if lines[k].startswith(end))
    return "\n".join(lines[first:last])


def numbers(line: str) -> list[str]:
    return re.findall(r"[+-]?\d[\d,]*\.\d+", line)


def test_the_allocation_table_keeps_every_total_whole(terminal: tuple[int, str],
                                                      base: Result) -> None:
    columns, out = terminal
    assert all(len(line) <= columns for line in out.splitlines())
    table = section(out, "Allocation [HTV]", "Service lines")
    assert "…" not in table
    by_area = base.by_area().set_index("area")
    for area in base.areas:
        row = next(line for line in table.splitlines() if f"{area} area total" in line)
        expected = [f"{by_area.loc[area, ln]:.2f}" for ln in base.lines]
        assert numbers(row) == [*expected, f"{by_area.loc[area, 'total_htv']:.2f}"]
    grand = next(line for line in table.splitlines() if line.startswith("All areas"))
    line_totals = [f"{by_area.loc['Total', ln]:.2f}" for ln in base.lines]
    assert numbers(grand) == [*line_totals, "32.66"]
    # Each central service on one line, with the reason for its size beside its HTV.
    short = {c.name: c.short_in("en") for c in base.scenario.central_services}
    for _, c in base.central_frame().iterrows():
        row = next(line for line in table.splitlines()
                   if line.strip().startswith(f"Central: {short[c['service']]}"))
        assert row.rstrip().endswith(f"{c['htv']:.2f}")
    assert "107 foreign nationals / 50 per HTV" in table


def test_at_120_columns_the_lines_have_their_full_names(terminal: tuple[int, str],
                                                       base: Result) -> None:
    columns, out = terminal
    head = set(section(out, "Allocation [HTV]", "━").split())  # headings wrap over lines
    if columns >= 120:
        for ln in base.scenario.service_lines:
            assert set(ln.title_in("en").split()) <= head
    else:  # short names in the heading, the full ones in the legend under the table
        legend = " ".join(section(out, "Columns:", "Service lines").split())
        for ln in base.scenario.service_lines:
            short = ln.short_in("en")
            assert set(short.split()) <= head
            assert short == ln.title_in("en") or f"{short} = {ln.title_in('en')}" in legend


def test_the_costs_tables_keep_every_amount_whole(terminal: tuple[int, str],
                                                  base: Result) -> None:
    _, out = terminal
    costs = base.costs()
    assert costs is not None
    text = section(out, "What it costs", "Assumptions")
    shown = set(numbers(text))
    frame = costs.frame()
    for column in ("customer_service_eur", "offices_eur", "central_eur", "total_eur"):
        assert {f"{v:,.2f}" for v in frame[column]} <= shown, column
    assert f"{float(costs.total_eur):,.2f}" in shown
    reference = costs.reference_frame()
    assert reference is not None
    assert {f"{v:,.2f}" for v in reference["reference_eur"]} <= shown
    assert {f"{v:+,.2f}" for v in reference["difference_eur"]} <= shown
    assert "…" not in text


# --- --explain in the scenario's words ---------------------------------------------------

@pytest.fixture(scope="module")
def explained() -> str:
    return in_terminal(100, BASE, "--no-files", "--explain")


def test_explain_speaks_the_scenarios_labels(explained: str, base: Result) -> None:
    words = section(explained, "Why each area", "Ties:")
    assert "long-term inflow 24.9 of 780.9 persons" in " ".join(words.split())
    for name in ("foreign nationals", "long-term unemployed", "labour force",
                 *(ln.title_in("en") for ln in base.scenario.service_lines)):
        assert name in " ".join(words.split()), name
    # An identifier that is a word of its own name ('unemployed jobseekers') cannot be told
    # from the name; every other one must not appear.
    features = [f for f in base.data.features if f not in feature_name(base.scenario, f)]
    raw = [*base.lines, *features, "line_share", "office_min", "office_per_area", "tie_break",
           "["]
    for ident in raw:
        assert not re.search(rf"(?<![\w.]){re.escape(ident)}(?![\w])", words), ident


def test_explain_follows_the_allocations_order(explained: str, base: Result) -> None:
    words = section(explained, "Why each area", "Ties:")
    waterfall = [line.split(" · ")[0] for line in words.splitlines()
                 if " · " in line and not line.startswith(" ")]
    areas = list(dict.fromkeys(a for a in waterfall if a in base.areas))
    assert areas == list(base.areas)
    stories = [line.split(" · ")[0] for line in words.splitlines()
               if re.match(r"^\S.* · .*\(.* area\)$", line)]
    order = list(dict.fromkeys(base.allocation_frame()["municipality"]))
    assert list(dict.fromkeys(stories)) == order


def test_the_json_keeps_the_exact_figures_and_identifiers(tmp_path: Path) -> None:
    import json

    run = CliRunner().invoke(main, [str(BASE), "--json", "--no-files", "--explain"])
    assert run.exit_code == 0
    cells = json.loads(run.output)["explanation"]["cells"]
    inputs = [i for c in cells for i in c["inputs"]]
    assert any(i["feature"] == "long_unemployment_inflow" and 24.8 < i["value"] < 24.9
               for i in inputs)


# --- tipping points ----------------------------------------------------------------------

def test_tipping_moves_an_area_by_a_tenth_of_a_person_year_by_default() -> None:
    s = load_scenario(BASE)
    default = tipping_points(s, ["total_htv"], ["Sastamala"], max_change=0.05, steps=5,
                             precision=0.001)
    assert default.attrs["threshold"] == pytest.approx(0.1)
    unit = tipping_points(s, ["total_htv"], ["Sastamala"], max_change=0.05, steps=5,
                          precision=0.001, threshold=0.01)
    for d, u in zip(default.itertuples(), unit.itertuples(), strict=True):
        assert d.found and u.found
        assert abs(d.htv - d.base_htv) >= 0.1 - 1e-9
        assert abs(d.change) > abs(u.change)  # a unit moves sooner than a tenth of an HTV
    option = next(p for p in tipping_command.params if p.name == "threshold")
    assert option.default == pytest.approx(0.1)


def test_the_tipping_chart_shows_the_inputs_that_tip_soonest() -> None:
    from allocator.charts.sensitivity import plot_tipping

    s = tiny()
    paths = [i.path for i in numeric_inputs(s)]
    frame = tipping_points(s, paths, max_change=0.3, steps=3, precision=0.05)
    top = 3
    fig = plot_tipping(frame, top=top)
    for ax, area in zip(fig.get_axes(), dict.fromkeys(frame["area"]), strict=True):
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert 0 < len(labels) <= top
        rows = frame[frame["area"] == area]
        soonest = (rows["change"].abs().where(rows["found"], float("inf"))
                   .groupby(rows["label"]).min())
        assert max(soonest[labels]) <= soonest.drop(labels).min()
        assert f"{rows['input'].nunique() - top} more inputs" in ax.get_xlabel()
    assert frame["input"].nunique() == len(paths)  # the CSV keeps every input


# --- Finnish ------------------------------------------------------------------------------

#: Words of the English output that a Finnish run must not show.
ENGLISH = ["Allocation", "Weaker-position", "Job brokering", "Skills development",
           "Sastamala office", "Integration-phase", "Administrative services",
           "Communications", "Expert teams", "area total", "All areas", "Central:",
           "Service line", "Municipality", "Total", "Caseload", "Solver", "Verifier",
           "proven optimal", "Ties", "Assumptions", "What it costs", "State-grant",
           "foreign nationals", "labour force", "per HTV", "Wrote"]


@pytest.fixture(scope="module")
def finnish(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("fi")
    return in_terminal(100, BASE, "--out", out, "--lang", "fi"), out


def test_the_finnish_run_speaks_finnish_with_decimal_commas(finnish: tuple[str, Path]) -> None:
    text, _ = finnish
    # The assumptions table quotes the scenario file's fields and values as written.
    ours = text.replace(section(text, "Oletukset:", "Perustelut:"), "")
    for word in ENGLISH:
        assert word not in ours, word
    assert "32,66" in text and "Sastamalan toimipiste" in text
    assert "Kotoutuminen: ulkomaalaiset 107, 50 henkilöä HTV:ta kohden" in " ".join(text.split())
    words = re.sub(r"\S*/\S*", "", ours)  # file paths of the 'written' line
    assert not re.search(r"\d\.\d", words)


def test_the_finnish_run_keeps_the_machine_files(finnish: tuple[str, Path],
                                                 tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _, out = finnish
    assert CliRunner().invoke(main, [str(BASE), "--out", str(tmp_path)]).exit_code == 0
    assert (out / "allocation.csv").read_bytes() == (tmp_path / "allocation.csv").read_bytes()
    wb = load_workbook(out / "allocation.xlsx")
    assert {"jako", "vastuualueittain", "inputs", "kustannukset"} <= set(wb.sheetnames)
    assert [c.value for c in wb["jako"][1]] == ["Vastuualue", "Palveltava kunta", "Toimipiste",
                                                "Palvelulinja", "HTV"]
    assert "Sastamalan toimipiste" in {c.value for c in wb["jako"]["C"]}


def test_every_terminal_text_is_in_both_languages() -> None:
    assert set(TEXT["en"]) == set(TEXT["fi"])


# --- the printed workbook -----------------------------------------------------------------

def test_every_sheet_prints_legibly_one_table_each(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    assert CliRunner().invoke(main, [str(BASE), "--out", str(tmp_path), "--explain"]
                              ).exit_code == 0
    wb = load_workbook(tmp_path / "allocation.xlsx")
    fitted = wide = 0
    for ws in wb.worksheets:
        setup, props = ws.page_setup, ws.sheet_properties.pageSetUpPr
        assert setup.orientation == "landscape" and int(setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.print_title_rows == "$1:$1"
        width = sheet_width(ws, ws.max_column)
        if props is not None and props.fitToPage:
            fitted += 1
            assert setup.fitToWidth == 1 and width * SMALLEST_SCALE <= PAGE_WIDTH, ws.title
        else:
            wide += 1
            assert width * SMALLEST_SCALE > PAGE_WIDTH, ws.title
            assert setup.scale == 100 and ws.print_title_cols == "$A:$A"
        # One table: a header row, then rows without a gap and no second header.
        empty = [r for r in range(2, ws.max_row + 1)
                 if all(c.value is None for c in ws[r])]
        assert not empty, (ws.title, empty)
    assert fitted and wide


def test_a_wide_sheet_prints_at_full_size_and_a_narrow_one_fits_the_page() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    narrow = add_sheet(wb, "narrow", pd.DataFrame({"a": [1.0], "b": [2.0]}), {}, "s")
    wide = add_sheet(wb, "wide", pd.DataFrame({f"column {k}": [k] for k in range(40)}), {}, "s")
    assert narrow.sheet_properties.pageSetUpPr.fitToPage
    assert not wide.sheet_properties.pageSetUpPr.fitToPage
    assert wide.page_setup.scale == 100 and wide.print_title_cols == "$A:$A"


@pytest.mark.parametrize("width", [60, 72, 100, 160])
def test_the_allocation_keeps_its_numbers_at_any_width(width: int, base: Result) -> None:
    from rich.console import Console

    from allocator.reports.terminal import allocation_table

    console = Console(width=width, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(allocation_table(base))
    text = console.export_text()
    assert all(len(line) <= width for line in text.splitlines())
    shown = [n for line in text.splitlines() for n in numbers(line)]
    cells = base.allocation_frame().groupby(["municipality", "service_line"])["htv"].sum()
    expected = [f"{v:.2f}" for v in cells] + [f"{v:.2f}" for v in base.central_frame()["htv"]]
    for value in expected:
        assert value in shown
    assert "32.66" in shown


def test_every_sharing_key_that_is_no_feature_has_a_name_in_both_languages() -> None:
    from allocator.engine.costs import USE_KEY
    from allocator.scenario.features import KEY_NAMES
    from allocator.scenario.schema import EQUAL_KEY, SHARES_KEY

    for lang in ("en", "fi"):
        assert set(KEY_NAMES[lang]) == {EQUAL_KEY, SHARES_KEY, USE_KEY}
