"""``allocate run`` (also plain ``allocate FILE``): allocate one scenario, verify it and
write the results.

Only click and allocator.cli.common are imported at module level, so that ``allocate
--help`` stays fast; the library is imported inside the command.
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import ExitStack, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from allocator.reports.files import ChartDrawer

from allocator.cli.common import (
    EXIT_INFEASIBLE,
    TIME_LIMIT,
    conflict_lines,
    fail,
    invalid,
    load_changed,
    overrides,
    scenario_changes,
    stdout_console,
)


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@scenario_changes
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the output files [default: results/<scenario name>/].")
@click.option("--json", "as_json", is_flag=True,
              help="Print summary.json to stdout instead of the tables.")
@click.option("--no-files", is_flag=True,
              help="Write no files (the fastest path; pairs well with --json).")
@click.option("--time-limit", type=TIME_LIMIT,
              help="Deterministic time limit for the solve [CP-SAT deterministic seconds]; "
                   "overrides the scenario's solver.time_limit.")
@click.option("--workers", type=click.IntRange(min=0, max=64),
              help="CP-SAT search workers (0 = by model size); overrides solver.workers.")
@click.option("--explain", is_flag=True,
              help="Explain every value: a waterfall per municipality × line from caseload to "
                   "final HTV, and what each rule costs (re-solves the model a few times).")
@click.option("--lang", type=click.Choice(["en", "fi"]), default="en", show_default=True,
              help="Language of the terminal, the workbook and the charts (fi: Finnish names "
                   "and decimal commas); allocation.csv and summary.json stay the same.")
def run(scenario: Path, out_dir: Path | None, as_json: bool, no_files: bool,
        time_limit: float | None, workers: int | None, explain: bool, lang: str) -> None:
    """Allocate SCENARIO (a YAML file), verify it and write the results."""
    start = time.perf_counter()
    with ExitStack() as stack:
        drawer: ChartDrawer | None = None
        if not no_files:
            # The charts are drawn by a child forked now, which imports matplotlib while
            # this process loads and solves; pandas, which the files need, it has already.
            from allocator.forked import started_early
            from allocator.reports.files import draw_charts, load_charts

            drawer = stack.enter_context(started_early(load_charts, draw_charts))
        _run(scenario, start, out_dir, as_json, no_files, time_limit, workers, explain, lang,
             drawer)


def _run(scenario: Path, start: float, out_dir: Path | None, as_json: bool, no_files: bool,
         time_limit: float | None, workers: int | None, explain: bool, lang: str,
         drawer: ChartDrawer | None) -> None:
    """The run after its chart drawer (None without files) has started."""
    from allocator.errors import ScenarioError
    from allocator.reports.summary import invalid_summary
    try:
        s = load_changed(scenario)
    except ScenarioError as exc:
        if as_json:
            click.echo(json.dumps(invalid_summary(exc.problems, str(scenario)), indent=2,
                                  ensure_ascii=False))
        invalid(exc, "the scenario is not valid")

    from allocator.engine.pipeline import allocate, settings_for
    from allocator.reports.summary import build_summary
    from allocator.reports.writing import output_lock

    target = out_dir if out_dir is not None else Path("results") / s.name
    # The folder is held from before the solve, so a second run on it fails at once.
    with nullcontext() if no_files else output_lock(target):
        settings = settings_for(s, time_limit, workers)
        result = allocate(s, settings, source=scenario, changes=overrides().record())
        explanation = None
        if explain and result.allocation is not None:
            from allocator.engine.explain import explain as explain_result

            explanation = explain_result(result, settings)
        elapsed = time.perf_counter() - start
        summary = build_summary(result, scenario, elapsed, explanation)
        written: list[Path] = []
        if not no_files:
            # The writers bring pandas, matplotlib and openpyxl: only when files are written.
            from allocator.reports.files import write_outputs

            if not as_json:  # loaded here while the charts are drawn, not after
                import allocator.reports.terminal  # noqa: F401
            written = write_outputs(result, target, summary, explanation=explanation,
                                    lang=lang, drawer=drawer)
    if as_json:
        from allocator.reports.summary import summary_bytes

        sys.stdout.write(summary_bytes(summary).decode("utf-8"))
    else:
        from allocator.reports.terminal import print_result
        from allocator.reports.terminal_text import say

        console = stdout_console()
        print_result(result, console, time.perf_counter() - start, explanation, lang)
        if written:
            console.print(say("wrote", lang, files=", ".join(str(p) for p in written)),
                          style="dim")
    if result.status.value == "INFEASIBLE":
        fail(EXIT_INFEASIBLE, conflict_lines(result.conflicts) if as_json else [])
    if not result.verified:
        click.echo(f"error: no verified allocation (status {result.status})", err=True)
        sys.exit(EXIT_INFEASIBLE)
