"""The what-if page's time from a change to the redrawn page.

    python benchmarks/app.py [--changes 30] [--scenario scenarios/base.yaml]

Starts ``allocate app`` on a free local port, opens it in Debian's Chromium
(/usr/bin/chromium) with Playwright, and makes ``--changes`` changes in turn: a caseload
percent, the budget, a service line's share and an office switched off and on. Each change
is timed twice, both in the browser's clock: from the key press (Enter) or click that
commits it until the page has repainted its outputs after the server went idle ("commit to
paint"), and the page's own figure, from Shiny's 'shiny:inputchanged' to that paint (what
the page shows as "change to redrawn page"). Prints the median and the largest of each,
and the server's solve time of the last change as the page shows it. Never run by the tests.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_app import CHROMIUM, CHROMIUM_ARGS, start_app, stop  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "base.yaml")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp())
    shutil.copy(args.scenario, folder / args.scenario.name)
    proc, url = start_app(folder / args.scenario.name)
    commit_ms: list[float] = []
    page_ms: list[float] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(url)
            page.wait_for_function("Number(document.body.dataset.redraws || 0) >= 1")
            fields = [("#caseload_1", ["5", "10", "15", "20", "0"]),
                      ("#total_htv", ["30", "31", "34", "32.66"]),
                      ("#share_0", ["38", "42", "40"])]
            steps: list[tuple[str, str]] = []
            while len(steps) < args.changes:
                for selector, values in fields:
                    steps += [(selector, v) for v in values]
                steps += [("office", "off"), ("office", "on")]
            for selector, value in steps[:args.changes]:
                before = page.evaluate("Number(document.body.dataset.redraws || 0)")
                if selector == "office":
                    box = "input[name=offices][value='3']"
                    page.evaluate("window.__t0 = performance.now()")
                    (page.uncheck if value == "off" else page.check)(box)
                else:
                    page.fill(selector, value)
                    page.evaluate("window.__t0 = performance.now()")
                    page.press(selector, "Enter")
                page.wait_for_function(
                    f"Number(document.body.dataset.redraws || 0) > {before}", timeout=60_000)
                page.evaluate("window.__t1 = performance.now()")
                commit_ms.append(page.evaluate("window.__t1 - window.__t0"))
                page_ms.append(float(page.evaluate("document.body.dataset.redrawMs")))
            solve = page.inner_text(".verdict")
            browser.close()
    finally:
        stop(proc)
    print(f"{len(commit_ms)} changes on {args.scenario}")
    print(f"commit to paint [ms]: median {statistics.median(commit_ms):.0f}, "
          f"max {max(commit_ms):.0f}")
    print(f"the page's 'change to redrawn page' [ms]: median {statistics.median(page_ms):.0f}, "
          f"max {max(page_ms):.0f}")
    print(f"last verdict line: {solve}")


if __name__ == "__main__":
    main()
