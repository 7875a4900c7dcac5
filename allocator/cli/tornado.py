"""``allocate tornado``: which inputs move each area's allocation most.

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
@click.option("--change", type=Finite(0, 100, min_open=True, max_open=True),
              default=10.0, show_default=True,
              help="How far each input moves, down and up [%].")
@click.option("--input", "inputs", multiple=True, metavar="PATH",
              help="Only these inputs (dotted paths) [default: every numeric input].")
@click.option("--area", "areas", multiple=True, help="Only these areas [default: all].")
@click.option("--top", type=click.IntRange(1, 10_000), default=12, show_default=True,
              help="Inputs shown per area in the table and chart (the CSV has all).")
@analysis_options
def tornado(scenario: Path, change: float, inputs: tuple[str, ...], areas: tuple[str, ...],
            top: int, out_dir: Path | None, executor: str, processes: int | None, hints: bool | None,
            time_limit: float | None, lang: str, quiet: bool) -> None:
    """Which inputs move each area's allocation most when moved ±CHANGE % one at a time.

    Writes tornado.csv (one row per input and area, ranked by the larger of the two
    changes) and tornado.png.
    """
    with progress("tornado", quiet) as bar:
        from allocator.analysis.sensitivity import numeric_inputs
        from allocator.analysis.sensitivity import tornado as run_tornado
        from allocator.reports.analysis_files import tornado_files
        from allocator.reports.terminal_sensitivity import print_tornado

        s = load_or_exit(scenario)
        names = [a.name for a in s.areas]
        check_areas(areas, names)
        with holding_out(out_dir, "tornado"):
            count = len(inputs) if inputs else len(numeric_inputs(s))
            bar.start(2 * count)
            frame = need_allocation(lambda: run_tornado(
                s, change / 100, list(inputs) or None,
                run_options(executor, processes, hints, time_limit, bar)))
            bar.close()
            if areas:
                frame = frame[frame["area"].isin(areas)].reset_index(drop=True)
            console = stdout_console()
            print_tornado(frame, console, top, change)
            write_and_list(out_dir, "tornado", tornado_files(frame, areas, top, lang), console)
