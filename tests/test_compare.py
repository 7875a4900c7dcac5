"""Comparing scenarios: the frames, the table, the charts and ``allocate compare``.

Frames and the table are checked against golden text files built from the *stored*
allocations of the scenario set (tests/stored.py), so a CP-SAT run that returns another
optimum of equal value cannot break them; tests/test_scenarios.py ties those stored
allocations to live solves through the objective and the verifier. The command runs
through click's CliRunner: exit codes, files written, and Finnish chart texts read from
the Figures the chart functions return.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from click.testing import Result as Invocation
from matplotlib.figure import Figure
from stored import COMPARE, ROOT, SCENARIO_FILES, golden_outputs, load_stored

from allocator.analysis.compare import CENTRAL, compare, line_shares, scenario_labels
from allocator.charts import compare as charts
from allocator.charts.style import CENTRAL_COLOUR, area_style, line_style
from allocator.cli import main
from allocator.cli.common import unique_files
from allocator.engine.manifest import scenario_sha256
from allocator.engine.result import Result
from allocator.reports.comparison_files import COSTS_TABLE, TABLES

BASE = ROOT / "scenarios" / "base.yaml"
OUTPUT_FILES = {*TABLES, COSTS_TABLE, *charts.CHARTS}


@pytest.fixture(scope="module")
def stored() -> list[Result]:
    return [load_stored(f) for f in SCENARIO_FILES]


@pytest.fixture(scope="module")
def outputs(stored: list[Result]) -> dict[str, str]:
    return golden_outputs(stored)


def invoke(*args: str | Path) -> Invocation:
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_clean_exit(result: Invocation, code: int) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    if code != 0:
        assert isinstance(result.exception, SystemExit), repr(result.exception)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- golden files from stored allocations -----------------------------------------------

@pytest.mark.parametrize("name", ["comparison.csv", "scenarios.csv", "line_shares.csv",
                                  "unemployed_per_htv.csv", "table.txt"])
def test_output_matches_its_golden_file(outputs: dict[str, str], name: str) -> None:
    got = outputs[name]
    want = (COMPARE / name).read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                        f"golden/{name}", "now"))
    assert got == want, ("differs from the golden file; if the change is intended run "
                         f".venv/bin/python tests/stored.py and review:\n{diff}")


def test_stored_allocations_still_pass_the_verifier(stored: list[Result]) -> None:
    assert [r.scenario.name for r in stored] == [Path(f).stem for f in SCENARIO_FILES]
    assert all(r.verified for r in stored), [r.scenario.name for r in stored if not r.verified]


# --- the frames -------------------------------------------------------------------------

def test_each_scenario_adds_up_to_its_budget_and_deltas_to_the_difference(
        stored: list[Result]) -> None:
    frame = compare(stored)
    assert list(frame.columns) == ["scenario", "area", "service_line", "htv", "delta_htv"]
    totals = frame.groupby("scenario", sort=False)[["htv", "delta_htv"]].sum()
    base_total = stored[0].scenario.total_htv
    for r in stored:
        assert totals.loc[r.scenario.name, "htv"] == pytest.approx(r.scenario.total_htv)
        assert totals.loc[r.scenario.name, "delta_htv"] == pytest.approx(
            r.scenario.total_htv - base_total)
    # 4 areas × (3 lines + central) per scenario, every scenario once.
    assert len(frame) == len(stored) * 4 * 4
    assert set(frame["service_line"]) == {"weaker_position", "job_brokering", "skills", CENTRAL}


def test_removed_central_service_shows_as_a_central_delta(stored: list[Result]) -> None:
    frame = compare(stored).set_index(["scenario", "area", "service_line"])
    assert frame.loc[("immigrant-services-local", "Sastamala", CENTRAL), "delta_htv"] == \
        pytest.approx(-2.14)
    assert frame.loc[("base", "Sastamala", CENTRAL), "htv"] == pytest.approx(5.14)


def test_a_scenario_without_allocation_has_no_numbers(stored: list[Result]) -> None:
    infeasible = load_stored(SCENARIO_FILES[0])
    infeasible.allocation = None
    infeasible.verification = None
    frame = compare([stored[0], infeasible], ["base", "none"])
    rows = frame[frame["scenario"] == "none"]
    assert rows["htv"].isna().all() and rows["delta_htv"].isna().all()
    shares = line_shares([stored[0], infeasible], ["base", "none"])
    assert shares[shares["scenario"] == "none"]["share"].isna().all()


def test_labels_stay_unique_when_two_files_share_a_name(stored: list[Result]) -> None:
    twin = load_stored(SCENARIO_FILES[0])
    twin.source = "elsewhere/copy.yaml"
    assert scenario_labels([stored[0], twin]) == ["base [base]", "base [copy]"]


def test_a_file_given_twice_is_used_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    files = (Path("scenarios/base.yaml"), Path("scenarios/htv-30.yaml"),
             Path("scenarios/../scenarios/base.yaml"), Path("scenarios/htv-30.yaml"))
    assert unique_files(files) == [Path("scenarios/base.yaml"), Path("scenarios/htv-30.yaml")]


# --- charts -----------------------------------------------------------------------------

def texts(fig: Figure) -> list[str]:
    """Every text on the figure: titles, axis and tick labels, legends, annotations."""
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        out += [t.get_text() for t in ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            out += [t.get_text() for t in legend.get_texts()]
    return out


PLOTS: list[Callable[..., Figure]] = list(charts.CHARTS.values())


@pytest.mark.parametrize("plot", PLOTS, ids=[p.__name__ for p in PLOTS])
def test_chart_speaks_finnish_or_english(stored: list[Result], plot: Callable[..., Figure]) -> None:
    en = plot(stored, lang="en")
    fi = plot(stored, lang="fi")
    assert isinstance(en, Figure) and isinstance(fi, Figure)
    [ax_en], [ax_fi] = en.axes, fi.axes
    for getter in ("get_title", "get_xlabel", "get_ylabel"):
        assert getattr(ax_en, getter)() and getattr(ax_fi, getter)()
        assert getattr(ax_en, getter)() != getattr(ax_fi, getter)(), getter
    assert ax_fi.get_ylabel() in {"Henkilötyövuodet [HTV]",
                                  "Osuus asiakaspalvelun henkilötyövuosista [%]",
                                  "Työttömiä työnhakijoita / HTV [henkilöä/HTV]",
                                  "Skenaario"}
    # Every scenario is named on the chart, and the footer names every scenario's hash.
    joined = "\n".join(texts(fi))
    for r in stored[1:]:
        assert r.scenario.name in joined
        assert scenario_sha256(r.scenario)[:12] in joined


def test_finnish_axis_labels_of_the_htv_chart(stored: list[Result]) -> None:
    ax = charts.plot_area_htv(stored, lang="fi").axes[0]
    assert ax.get_ylabel() == "Henkilötyövuodet [HTV]"
    assert ax.get_xlabel() == "Skenaario"
    assert "Keskitetyt palvelut" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert ax.get_xticklabels()[0].get_text() == "base (vertailukohta)"


def _facecolour(ax: Any, label: str) -> tuple[float, ...]:
    [container] = [c for c in ax.containers if c.get_label() == label]
    return tuple(container.patches[0].get_facecolor())


def test_areas_and_lines_keep_their_colours_and_hatches(stored: list[Result]) -> None:
    from matplotlib.colors import to_rgba

    htv = charts.plot_area_htv(stored).axes[0]
    deltas = charts.plot_area_deltas(stored).axes[0]
    for j, area in enumerate(stored[0].data.areas):
        style = area_style(j)
        assert _facecolour(htv, area) == to_rgba(style["color"])
        assert _facecolour(deltas, area) == to_rgba(style["color"])
        [container] = [c for c in deltas.containers if c.get_label() == area]
        assert (container.patches[0].get_hatch() or "") == style["hatch"]
    assert _facecolour(htv, "Central services") == to_rgba(CENTRAL_COLOUR)
    shares = charts.plot_line_shares(stored).axes[0]
    for j, line in enumerate(stored[0].data.lines):
        label = stored[0].data.line_labels[line]
        assert _facecolour(shares, label) == to_rgba(line_style(j)["color"])
    # In greyscale, hatches tell the areas apart: no two areas share one.
    hatches = [area_style(j)["hatch"] for j in range(len(stored[0].data.areas))]
    assert len(set(hatches)) == len(hatches)


def test_deltas_chart_says_when_nothing_changes(stored: list[Result]) -> None:
    by_name = {r.scenario.name: r for r in stored}
    fig = charts.plot_area_deltas([by_name["base"], by_name["service-points"],
                                   by_name["htv-30"]])
    joined = texts(fig)
    assert any("no change in any area" in t for t in joined)
    assert any(t.strip() == "-1.23" for t in joined)  # htv-30: Sastamala's customer service


def test_line_shares_mark_each_scenarios_own_target(stored: list[Result]) -> None:
    by_name = {r.scenario.name: r for r in stored}
    ax = charts.plot_line_shares([by_name["base"], by_name["split-35-45-20"]]).axes[0]
    ticks = sorted({round(float(line.get_ydata()[0]), 6) for line in ax.lines
                    if len(line.get_ydata())})
    assert ticks == [35.0, 40.0, 80.0]


def test_chart_on_a_given_axes_draws_there_without_a_footer(stored: list[Result]) -> None:
    from allocator.charts.style import new_figure

    fig = new_figure()
    left, right = fig.subplots(1, 2)
    assert charts.plot_caseload(stored[:2], ax=right) is fig
    assert right.get_ylabel() and not left.get_ylabel()
    assert fig.texts == []


# --- the command ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Invocation, Path]:
    """The whole set, the base given again by the glob, into a new nested folder."""
    out = tmp_path_factory.mktemp("compare") / "board" / "pack"
    files = [BASE, *sorted((ROOT / "scenarios").glob("*.yaml"))]
    return invoke("compare", *files, "--out", out), out


def test_compare_runs_every_scenario_once_and_exits_0(full_run: tuple[Invocation, Path]) -> None:
    result, out = full_run
    assert_clean_exit(result, 0)
    assert {p.name for p in out.iterdir()} == OUTPUT_FILES
    for name in charts.CHARTS:
        assert (out / name).read_bytes().startswith(b"\x89PNG")
    lines = (out / "scenarios.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + len(SCENARIO_FILES)  # base.yaml listed twice, used once
    assert lines[1].startswith("base,")
    assert all(",OPTIMAL,True," in line for line in lines[1:])
    assert "Solver" in result.stdout and "Verifier" in result.stdout
    assert "youth-" in result.stdout and "emphasis" in result.stdout
    assert "Wrote" in result.stdout


def test_live_comparison_agrees_with_the_stored_one_where_it_must(
        full_run: tuple[Invocation, Path]) -> None:
    # A live solve may pick another optimum of equal value, but not another status, budget,
    # hash or objective: the verifier's deviations must equal the stored allocation's.
    import pandas as pd

    _, out = full_run
    live = pd.read_csv(out / "scenarios.csv", keep_default_na=False)
    golden = pd.read_csv(COMPARE / "scenarios.csv", keep_default_na=False)
    columns = [c for c in golden.columns if c != "file"]  # absolute here, relative there
    pd.testing.assert_frame_equal(live[columns], golden[columns])


def test_compare_json(tmp_path: Path) -> None:
    result = invoke("compare", BASE, ROOT / "scenarios" / "htv-30.yaml", "--json",
                    "--out", tmp_path)
    assert_clean_exit(result, 0)
    data = json.loads(result.stdout)
    assert data["base"] == "base"
    assert [s["scenario"] for s in data["scenarios"]] == ["base", "htv-30"]
    assert all(s["verified"] for s in data["scenarios"])
    delta = sum(row["delta_htv"] for row in data["comparison"] if row["scenario"] == "htv-30")
    assert delta == pytest.approx(-2.66)
    assert {p.name for p in tmp_path.iterdir()} == OUTPUT_FILES


def test_compare_lang_fi_draws_finnish_charts(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: dict[str, Figure] = {}
    for name, plot in list(charts.CHARTS.items()):
        def spy(data: Any, ax: Any = None, lang: str = "en", _plot: Any = plot,
                _name: str = name) -> Figure:
            drawn[_name] = _plot(data, ax=ax, lang=lang)
            return drawn[_name]
        monkeypatch.setitem(charts.CHARTS, name, spy)
    result = invoke("compare", BASE, ROOT / "scenarios" / "htv-30.yaml", "--lang", "fi",
                    "--out", tmp_path)
    assert_clean_exit(result, 0)
    assert set(drawn) == set(charts.CHARTS)
    assert drawn["htv_by_area.png"].axes[0].get_ylabel() == "Henkilötyövuodet [HTV]"
    assert drawn["change_by_area.png"].axes[0].get_xlabel() == \
        "Muutos verrattuna skenaarioon 'base' [HTV]"
    assert drawn["line_shares.png"].axes[0].get_ylabel() == \
        "Osuus asiakaspalvelun henkilötyövuosista [%]"
    assert drawn["unemployed_per_htv.png"].axes[0].get_ylabel() == \
        "Työttömiä työnhakijoita / HTV [henkilöä/HTV]"


def test_infeasible_scenario_exits_1_and_still_writes(tmp_path: Path) -> None:
    tight = write(tmp_path / "tight.yaml",
                  f"extends: {BASE}\nname: tight\ntotal_htv: 12.0\n")
    out = tmp_path / "out"
    result = invoke("compare", BASE, tight, "--out", out)
    assert_clean_exit(result, 1)
    assert {p.name for p in out.iterdir()} == OUTPUT_FILES
    text = " ".join(result.stdout.split())
    assert "infeasible" in text
    assert "tight: the rules cannot all hold" in text
    assert "raise total_htv from 12.00 to 13.14" in text
    assert "no verified allocation for tight (INFEASIBLE)" in result.stderr
    rows = [line.split(",") for line in
            (out / "comparison.csv").read_text(encoding="utf-8").splitlines()[1:]]
    assert all(row[3] == "" for row in rows if row[0] == "tight")
    assert all(row[3] != "" for row in rows if row[0] == "base")


def test_invalid_files_exit_2_listing_every_problem(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.yaml",
                f"extends: {BASE}\nname: bad\ntotal_htv: -1\ngranularity: big\n")
    orphan = write(tmp_path / "orphan.yaml", "extends: nowhere.yaml\n")
    out = tmp_path / "out"
    result = invoke("compare", BASE, bad, orphan, "--out", out)
    assert_clean_exit(result, 2)
    assert "2 of 3 scenario files are not valid" in result.stderr
    assert f"{bad}:3: total_htv: must be > 0" in result.stderr
    assert f"{bad}:4: granularity: must be a number" in result.stderr
    assert f"{orphan}:1: extends: the file to extend, 'nowhere.yaml', does not exist" \
        in result.stderr
    assert not out.exists()  # nothing is solved or written


def test_invalid_with_json_lists_errors(tmp_path: Path) -> None:
    orphan = write(tmp_path / "orphan.yaml", "extends: nowhere.yaml\n")
    result = invoke("compare", BASE, orphan, "--json", "--out", tmp_path / "out")
    assert_clean_exit(result, 2)
    data = json.loads(result.stdout)
    assert data["status"] == "INVALID"
    [error] = data["errors"]
    assert (error["file"], error["line"], error["path"]) == (str(orphan), 1, "extends")


def test_compare_needs_a_file() -> None:
    result = invoke("compare")
    assert result.exit_code == 2
    assert "Missing argument" in result.output


def test_compare_help() -> None:
    result = invoke("compare", "--help")
    assert_clean_exit(result, 0)
    for option in ("--out", "--lang", "--json"):
        assert option in result.stdout


def test_nan_never_reaches_json(tmp_path: Path) -> None:
    tight = write(tmp_path / "tight.yaml", f"extends: {BASE}\nname: tight\ntotal_htv: 12.0\n")
    result = invoke("compare", BASE, tight, "--json", "--out", tmp_path / "out")
    assert_clean_exit(result, 1)
    data = json.loads(result.stdout)  # strict JSON: NaN would not parse into None
    rows = [r for r in data["comparison"] if r["scenario"] == "tight"]
    assert rows and all(r["htv"] is None for r in rows)
    assert not any(isinstance(v, float) and math.isnan(v)
                   for r in data["comparison"] for v in r.values())


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    # `allocate --help` imports allocator.cli, which registers the compare and report
    # commands: that must not pull in pandas, matplotlib, OR-Tools, pydantic, rich, jinja2 or
    # shiny (allocate app's web framework).
    import subprocess
    import sys

    code = ("import sys, allocator.cli; "
            "print(sorted(m for m in ('pandas', 'matplotlib', 'ortools', 'pydantic', 'rich', "
            "'jinja2', 'shiny') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"


def test_one_figure_one_label_across_terminal_csv_and_pack(tmp_path: Path) -> None:
    """unemployment-up raises the integration services (central) and lowers Sastamala's
    customer service: every output shows the same signed change under the same label."""
    from allocator.engine.pipeline import allocate
    from allocator.reports.terminal_compare import comparison_text

    files = [ROOT / "scenarios" / "base.yaml", ROOT / "scenarios" / "unemployment-up.yaml"]
    results = [allocate(f) for f in files]
    frame = compare(results)
    later = frame[(frame["scenario"] == "unemployment-up") & (frame["service_line"] != CENTRAL)]
    csv_change = later.groupby("area", sort=False)["delta_htv"].sum().round(2)
    text = comparison_text(results)
    blocks = text.split("\n\n")
    out = tmp_path / "pack"
    done = CliRunner().invoke(main, ["report", *map(str, files), "--out", str(out), "--runs",
                                     "1", "--executor", "sequential"])
    assert done.exit_code == 0, done.output
    pack = (out / "board_pack.html").read_text(encoding="utf-8")
    side = pack[pack.index("Customer-service HTV by responsibility area in each scenario"):]
    side = side[:side.index("</table>")]
    for area, change in csv_change.items():
        block = next(b for b in blocks if b.lstrip().startswith(f"{area} (incl. central)"))
        customer = next(line for line in block.splitlines() if "Customer service" in line)
        shown = f"{change:+.2f}"
        assert customer.split()[-1] == shown, (area, customer)
        assert shown.replace("-", "−") in side  # the pack writes a typographic minus
    assert csv_change["Sastamala"] == -0.22


def test_a_footer_too_long_for_its_chart_is_broken_to_the_chart_width() -> None:
    """The reproducibility footer of many scenarios keeps every hash inside the figure."""
    from allocator.charts.style import add_footer, new_figure, reserve_footer

    fig = new_figure(8.0, 4.0)
    fig.add_subplot().plot([0, 1], [0, 1])
    note = "allocator 0.1.0 · robust allocation\nscenarios: " + ", ".join(
        f"'scenario-{k}' sha256:{k:012x}" for k in range(12))
    reserve_footer(fig, note)
    add_footer(fig, note)
    fig.draw_without_rendering()
    [footer] = [t for t in fig.texts if "sha256" in t.get_text()]
    box = footer.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.x1
    assert footer.get_text().split() == note.split()  # every word, in order
    assert footer.get_text().count("\n") > note.count("\n")
    short = new_figure(8.0, 4.0)
    add_footer(short, "allocator 0.1.0 · scenario 'base'")
    assert [t.get_text() for t in short.texts] == ["allocator 0.1.0 · scenario 'base'"]


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_the_page_wide_shares_chart_of_every_scenario_keeps_its_labels_apart(
        stored: list[Result], lang: str) -> None:
    """On the board pack's page, every share label of 13 scenarios is readable: no label's
    box covers another's."""
    from itertools import combinations

    from allocator.analysis.compare import comparison_footer
    from allocator.reports.board_pack.format import localise_figure, on_page

    names = {ln.name: ln.title_in(lang) for ln in stored[0].scenario.service_lines}
    fig = on_page(charts.plot_line_shares, line_shares(stored), lang, 5.4,
                  comparison_footer(stored), names=names)
    localise_figure(fig, lang)
    fig.draw_without_rendering()
    boxes = [t.get_bbox_patch().get_window_extent() for t in fig.axes[0].texts
             if "%" in t.get_text()]
    assert len(boxes) >= 3 * len(stored)
    assert not [(a, b) for a, b in combinations(boxes, 2) if a.overlaps(b)]


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_a_chart_laid_out_once_has_the_pixels_savefig_gives_it(stored: list[Result],
                                                               lang: str) -> None:
    """The PNG writer lays a constrained figure out and draws it once; savefig draws it
    twice (the first time only to lay it out). The pixels must not tell them apart."""
    import io

    from PIL import Image

    from allocator.charts.png import png_bytes

    def pixels(png: bytes) -> tuple[tuple[int, int], bytes]:
        with Image.open(io.BytesIO(png)) as image:
            return image.size, image.tobytes()

    draws: list[int] = []
    for plot in (charts.plot_area_htv, charts.plot_line_shares):
        ours = plot(stored, lang=lang)
        ours.canvas.mpl_connect("draw_event", lambda _: draws.append(1))
        theirs = plot(stored, lang=lang)
        buf = io.BytesIO()
        theirs.savefig(buf, format="png", dpi=150, metadata={"Software": None})
        assert pixels(png_bytes(ours, 150)) == pixels(buf.getvalue())
        assert ours.get_layout_engine() is None  # laid out, and not again
    assert len(draws) == 2  # one draw per chart
