"""``allocate tipping``: how far each input must move before an area's HTV changes.

Only click and allocator.cli.common are imported at module level, so that ``allocate
--help`` stays fast; the analysis, its tables and files are imported inside the command.
"""

from __future__ import annotations

from pathlib import Path

import click

from allocator.cli.common import (
    Finite,
    analysis_options,
    check_areas,
    holding_out,
    load_or_exit,
    need_allocation,
    progress,
    run_options,
    scenario_changes,
    stdout_console,
    write_and_list,
)


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@scenario_changes
@click.option("--input", "inputs", multiple=True, required=True, metavar="PATH",
              help="An input by its dotted path (repeatable), or 'all' for every numeric "
                   "input (on the base case about 10 solves per input and direction).")
@click.option("--area", "areas", multiple=True, help="Only these areas [default: all].")
@click.option("--max-change", type=Finite(0, 100, min_open=True, max_open=True),
              default=50.0, show_default=True,
              help="Largest relative change searched, each way [%].")
@click.option("--steps", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="Equal steps of the first scan up to --max-change.")
@click.option("--precision", type=Finite(0.001, 100), default=0.1,
              show_default=True,
              help="Bisection stops when the bracket is this narrow [percentage points].")
@click.option("--threshold", type=Finite(0, 1000, min_open=True), default=0.1,
              show_default=True,
              help="An area has tipped when its customer-service HTV has moved this much [HTV; "
                   "at least the scenario's granularity].")
@click.option("--top", type=click.IntRange(1, 10_000), default=10, show_default=True,
              help="Inputs per area in the chart and the table: those that tip it soonest "
                   "(tipping.csv has every input).")
@analysis_options
def tipping(scenario: Path, inputs: tuple[str, ...], areas: tuple[str, ...], max_change: float,
            steps: int, precision: float, threshold: float, top: int, out_dir: Path | None,
            executor: str, processes: int | None, hints: bool | None, time_limit: float | None,
            lang: str, quiet: bool) -> None:
    """How far each input must move, up and down, before an area's HTV moves by
    --threshold HTV (0.1 HTV, a tenth of a person-year, by default).

    Scans each input in --steps steps up to ±--max-change %, then bisects the first step
    that moves the area until the bracket is at most --precision wide. Writes tipping.csv
    (every input) and tipping.png (the --top inputs per area that tip it soonest).
    """
    with progress("tipping points", quiet) as bar:
        from allocator.analysis.sensitivity import numeric_inputs, tipping_points
        from allocator.reports.analysis_files import tipping_files
        from allocator.reports.terminal_sensitivity import print_tipping

        s = load_or_exit(scenario)
        names = [a.name for a in s.areas]
        check_areas(areas, names)
        with holding_out(out_dir, "tipping"):
            paths = [i.path for i in numeric_inputs(s)] if "all" in inputs else list(inputs)
            bar.start(2 * len(paths))
            frame = need_allocation(lambda: tipping_points(
                s, paths, list(areas) or None, max_change / 100, steps, precision / 100,
                run_options(executor, processes, hints, time_limit, bar), threshold))
            bar.close()
            console = stdout_console()
            print_tipping(frame, console, top)
            write_and_list(out_dir, "tipping", tipping_files(frame, areas, lang, top), console)
