"""``allocate app``: the what-if page in a real browser.

The command is started on a free local port, as a planner starts it; Playwright drives
Debian's Chromium (/usr/bin/chromium, no browser download) on it. What the page shows after
a control moves is compared with what ``allocate`` gives for the same change; every test
also checks that the page logged no console error and asked nothing of any other host.
Skipped only when /usr/bin/chromium is missing (.ci/run installs it).
"""

from __future__ import annotations

import asyncio
import json
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from allocator.cli import main
from allocator.engine.manifest import scenario_sha256
from allocator.engine.pipeline import allocate
from allocator.engine.result import Result
from allocator.scenario.loading import load_scenario
from allocator.scenario.variants import scale_caseload

ROOT = Path(__file__).parents[1]
BASE = ROOT / "scenarios" / "base.yaml"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
#: Longest wait for the page to answer a change [ms]; a solve of the base case takes
#: milliseconds, the margin is for a loaded machine.
WAIT_MS = 30_000

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium; "
           ".ci/run installs it)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_app(scenario: Path, *args: str) -> tuple[subprocess.Popen[bytes], str]:
    """``allocate app SCENARIO --port P`` in a process of its own, once it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from allocator.cli.app import main; main()", "app",
         str(scenario), "--port", str(port), *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"allocate app ended: {proc.communicate()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("allocate app did not answer within 60 s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The page on a copy of base.yaml, saving into the copy's folder: (url, folder)."""
    folder = tmp_path_factory.mktemp("app")
    shutil.copy(BASE, folder / "base.yaml")
    proc, url = start_app(folder / "base.yaml")
    yield url, folder
    stop(proc)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium from the system.

    Playwright's sync API leaves an event loop behind, which later asyncio code in the same
    process would pick up (tests/test_board_pack.py says how nbclient stalled on it). It is
    closed, and asyncio is left as in a fresh process, whatever another module's browser
    fixture did before: the next ``get_event_loop()`` makes a new loop.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            leftover: asyncio.AbstractEventLoop | None = (
                asyncio.get_event_loop_policy().get_event_loop())
        except RuntimeError:  # another fixture unset it
            leftover = None
    if leftover is not None:
        leftover.close()
    asyncio.set_event_loop_policy(None)


class Page:
    """A fresh page on the app, collecting console errors and requests to other hosts."""

    def __init__(self, browser: Any, url: str) -> None:
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1600, "height": 1000},
                                     accept_downloads=True)
        host = url.split("/")[2]
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}")
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("request", lambda r: self.errors.append(f"outside request: {r.url}")
                     if r.url.split("/")[2:3] != [host] and not r.url.startswith("data:")
                     else None)
        self.page.goto(url)
        self.wait_settled()
        self.wait_quiet()

    def wait_settled(self) -> None:
        """Until the table answers the controls (the first drawing comes before they
        exist, and their values then redraw the page once more) and no redraw is under
        way, so that a change's redraw is not confused with the page's own."""
        self.page.wait_for_function(
            "document.querySelector('#allocation [data-answered=controls]') !== null && "
            "document.body.dataset.settled === '1' && "
            "!document.documentElement.classList.contains('shiny-busy')", timeout=WAIT_MS)

    def wait_quiet(self, quiet_ms: int = 400) -> None:
        """Until the page is settled and no redraw has ended for ``quiet_ms``: on a busy
        machine the page's own second drawing, or a change's, can end after an earlier
        redraw was counted, and a value read then would be stale."""
        last = self.redraws()
        for _ in range(WAIT_MS // quiet_ms):
            self.page.wait_for_timeout(quiet_ms)
            self.page.wait_for_function(
                "document.body.dataset.settled === '1' && "
                "!document.documentElement.classList.contains('shiny-busy')", timeout=WAIT_MS)
            now = self.redraws()
            if now == last:
                return
            last = now
        raise AssertionError(f"the page kept redrawing for {WAIT_MS} ms")

    def redraws(self) -> int:
        return int(self.page.evaluate("Number(document.body.dataset.redraws || 0)"))

    def wait_redraws(self, n: int) -> None:
        self.page.wait_for_function(f"Number(document.body.dataset.redraws || 0) >= {n}",
                                    timeout=WAIT_MS)

    def change(self, selector: str, value: str) -> None:
        """Type ``value`` into a field and press Enter, then wait for the page to redraw."""
        before = self.redraws()
        self.page.fill(selector, value)
        self.page.press(selector, "Enter")
        self.wait_redraws(before + 1)
        self.wait_quiet()

    def shown(self, column: str = "htv", lang: str = "en") -> dict[str, float]:
        """A column of the table per municipality as shown: the what-if's HTV, or with
        ``eur`` what each pays [EUR/year, whole euros], read as ``lang`` writes numbers
        (1,234.56 in English, 1 234,56 in Finnish)."""
        rows = self.page.locator("#allocation tr[data-kind=municipality]")
        out = {}
        for i in range(rows.count()):
            row = rows.nth(i)
            cell = row.locator(f"td[data-col={column}]").inner_text()
            cell = cell.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
            cell = cell.replace(",", ".") if lang == "fi" else cell.replace(",", "")
            out[row.get_attribute("data-name")] = float(cell.replace("−", "-"))
        return out


def per_municipality(result: Result) -> dict[str, float]:
    frame = result.allocation_frame()
    return {m: round(float(v), 2) for m, v in frame.groupby("municipality")["htv"].sum().items()}


def cli_allocation(args: list[str]) -> dict[str, float]:
    """``allocate ARGS --json --no-files``: its HTV per municipality."""
    done = CliRunner().invoke(main, [*args, "--json", "--no-files"])
    assert done.exit_code == 0, done.output
    sums: dict[str, float] = {}
    for a in json.loads(done.stdout)["allocations"]:
        sums[a["municipality"]] = round(sums.get(a["municipality"], 0) + a["htv"], 2)
    return sums


@needs_chromium
def test_moving_a_control_shows_what_allocate_gives(browser: Any,
                                                    served: tuple[str, Path]) -> None:
    url, _ = served
    p = Page(browser, url)
    base = load_scenario(BASE)
    assert p.shown() == per_municipality(allocate(base))
    p.change("#caseload_1", "15")  # Ikaalinen's caseload +15 %
    expected = allocate(scale_caseload(base, {"Ikaalinen": 1.15}))
    assert p.shown() == per_municipality(expected)
    p.change("#total_htv", "30")
    expected = allocate(scale_caseload(base, {"Ikaalinen": 1.15}).with_changes({"total_htv": 30}))
    assert p.shown() == per_municipality(expected)
    assert "proven optimal" in p.page.inner_text("#proof")
    assert p.page.inner_text("#verified").startswith("passed")
    # The command line the page shows gives the same allocation.
    line = p.page.inner_text("#command-line")
    words = shlex.split(line)
    assert words[0] == "allocate"
    assert cli_allocation(["run", str(BASE), *words[2:]]) == p.shown()
    # The cost-sharing key: what each municipality pays follows Result.costs().
    before = p.redraws()
    p.page.select_option("#central_key", "equal")
    p.wait_redraws(before + 1)
    keyed = allocate(scale_caseload(base, {"Ikaalinen": 1.15}).with_changes(
        {"total_htv": 30, "costs.central_key": "equal"}))
    costs = keyed.costs()
    assert costs is not None
    assert p.shown("eur") == {r.municipality: float(round(r.total_eur)) for r in costs.rows}
    assert p.shown() == per_municipality(keyed)
    assert p.errors == []
    p.page.close()


@needs_chromium
def test_switching_the_service_points_off_gives_the_base(browser: Any, tmp_path: Path) -> None:
    for name in ("base.yaml", "service-points.yaml"):
        shutil.copy(ROOT / "scenarios" / name, tmp_path / name)
    proc, url = start_app(tmp_path / "service-points.yaml")
    try:
        p = Page(browser, url)
        points = allocate(load_scenario(ROOT / "scenarios" / "service-points.yaml"))
        assert p.shown() == per_municipality(points)
        for value in ("4", "5"):  # the two service points, after the four offices
            before = p.redraws()
            p.page.uncheck(f"input[name=offices][value='{value}']")
            p.wait_redraws(before + 1)
        assert "offices.Kihniö service point.remove=true" in p.page.inner_text("#command-line")
        assert p.shown() == per_municipality(allocate(BASE))
        # Where the staff sit: the base's offices as allocate gives them, the points gone.
        staff = {}
        for row in p.page.locator("#office-table tr[data-office]").all():
            staff[row.get_attribute("data-office")] = (
                row.locator("td[data-col=base_htv]").inner_text(),
                row.locator("td[data-col=htv]").inner_text())
        offices = allocate(BASE).office_frame()
        for name, htv in zip(offices["office"], offices["total_htv"], strict=True):
            assert float(staff[name][1]) == htv
        for point in ("Punkalaidun service point", "Kihniö service point"):
            assert float(staff[point][0]) > 0 and staff[point][1] == "–"
        assert p.errors == []
        p.page.close()
    finally:
        stop(proc)


@needs_chromium
def test_an_infeasible_or_invalid_choice_shows_the_tools_message(
        browser: Any, served: tuple[str, Path]) -> None:
    url, _ = served
    p = Page(browser, url)
    p.change("#total_htv", "10")
    box = p.page.inner_text("#problems")
    expected = allocate(load_scenario(BASE).with_changes({"total_htv": 10}))
    assert expected.conflicts
    for conflict in expected.conflicts:
        assert conflict.message in box
        assert conflict.fix is not None and conflict.fix in box
    assert p.page.locator("#allocation tr").count() == 0  # no stale allocation shown
    p.change("#total_htv", "32.66")
    p.change("#share_0", "70")  # 70 % + 40 % leaves −10 % for skills
    box = p.page.inner_text("#problems")
    assert "--set service_lines.skills.share" in box and "must be >= 0" in box
    assert "Traceback" not in p.page.content()
    assert p.errors == []
    p.page.close()


@needs_chromium
def test_saving_writes_a_scenario_that_reproduces_the_shown_allocation(
        browser: Any, served: tuple[str, Path]) -> None:
    url, folder = served
    p = Page(browser, url)
    p.change("#caseload_0", "-20")  # Hämeenkyrö's caseload −20 %
    p.page.uncheck("input[name=offices][value='3']")  # Ikaalinen office off: invalid
    p.page.wait_for_selector("#problem-list", timeout=WAIT_MS)
    assert "no office serves 'Ikaalinen'" in p.page.inner_text("#problems")
    before = p.redraws()
    p.page.check("input[name=offices][value='3']")
    p.wait_redraws(before + 1)
    p.page.fill("#save_name", "hameenkyro-down")
    p.page.click("#save")
    p.page.wait_for_selector("#save-message", timeout=WAIT_MS)
    saved = folder / "hameenkyro-down.yaml"
    assert saved.exists(), p.page.inner_text("#save-message")
    assert "extends: base.yaml" in saved.read_text(encoding="utf-8")
    assert cli_allocation(["run", str(saved)]) == p.shown()
    # The workbook is the shown what-if's, carrying its run id.
    with p.page.expect_download() as info:
        p.page.click("#xlsx")
    path = folder / "download.xlsx"
    info.value.save_as(path)
    from openpyxl import load_workbook

    shown = scale_caseload(load_scenario(BASE), {"Hämeenkyrö": 0.8})
    assert load_workbook(path).properties.identifier == f"scenario_sha256={scenario_sha256(shown)}"
    assert p.errors == []
    p.page.close()


@needs_chromium
def test_the_page_switches_to_finnish_and_keeps_the_what_if(
        browser: Any, served: tuple[str, Path]) -> None:
    url, _ = served
    p = Page(browser, url)
    p.change("#caseload_1", "15")
    english = p.shown()
    before = p.redraws()
    p.page.check("input[name=lang][value=fi]")
    p.wait_redraws(before + 1)
    p.page.wait_for_function("document.querySelector('#proof') && "
                             "document.querySelector('#proof').innerText.includes('todistetusti')",
                             timeout=WAIT_MS)
    assert p.page.input_value("#caseload_1") == "15"
    assert "Jako perusskenaarioon verrattuna" in p.page.inner_text("#allocation-title")
    assert p.shown(lang="fi") == english
    assert any("," in p.page.inner_text(f"#allocation tr[data-kind=municipality] "
                                         f"td[data-col=htv] >> nth={i}") for i in range(6))
    before = p.redraws()
    p.page.click("#reset")  # back to the base, in either language
    p.wait_redraws(before + 1)
    p.page.wait_for_function("document.querySelector('#caseload_1').value === '0'",
                             timeout=WAIT_MS)
    p.page.wait_for_function("document.querySelector('#command-line') && !document"
                             ".querySelector('#command-line').innerText.includes('--set')",
                             timeout=WAIT_MS)
    assert p.shown(lang="fi") == per_municipality(allocate(BASE))
    assert p.errors == []
    p.page.close()


def test_app_without_shiny_names_the_install_command() -> None:
    code = ("import sys; sys.modules['shiny'] = None; from allocator.cli.app import main; "
            f"main(['app', {str(BASE)!r}])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == ("error: allocate app needs Shiny for Python; install it "
                                   "with: pip install -e '.[app]'")


def test_app_on_an_invalid_scenario_or_a_busy_port_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {BASE}\ntotal_htv: -1\n", encoding="utf-8")
    done = CliRunner().invoke(main, ["app", str(bad)])
    assert done.exit_code == 2
    assert "total_htv: must be > 0" in done.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = CliRunner().invoke(main, ["app", str(BASE), "--port", str(port)])
    assert done.exit_code == 2
    assert done.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}: ")
