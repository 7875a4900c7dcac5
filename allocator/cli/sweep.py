"""``allocate sweep``: one scenario allocated along one-at-a-time sweeps of its inputs.

Only click and allocator.cli.common are imported at module level, so that ``allocate
--help`` stays fast; the analysis, its tables and files are imported inside the command.
"""

from __future__ import annotations

from pathlib import Path

import click

from allocator.cli.common import (
    EXIT_INFEASIBLE,
    analysis_options,
    fail,
    holding_out,
    invalid,
    load_or_exit,
    progress,
    run_options,
    scenario_changes,
    stdout_console,
    sweep_specs,
    write_and_list,
)


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@scenario_changes
@click.option("--param", "params", multiple=True, required=True,
              metavar="PATH=START:STOP:STEP", callback=sweep_specs,
              help="A numeric field by its dotted path and the values to try: a range with "
                   "inclusive stop (total_htv=28:36:0.5) or a list (total_htv=30,32.66). "
                   "Repeat for several one-at-a-time sweeps (not a grid).")
@click.option("--rebalance/--no-rebalance", default=True, show_default=True,
              help="When a line's share is swept, scale the other lines' shares in proportion "
                   "so that the shares still sum to 1. Without it such points are invalid.")
@analysis_options
def sweep(scenario: Path, params: tuple[str, ...], rebalance: bool, out_dir: Path | None,
          executor: str, processes: int | None, hints: bool | None, time_limit: float | None,
          lang: str, quiet: bool) -> None:
    """Allocate SCENARIO along one-at-a-time sweeps of its numeric inputs.

    Writes sweep.csv (one row per parameter, value and area), sweep.png and paradoxes.csv
    (each Alabama or population paradox between consecutive points).
    """
    with progress("sweep", quiet) as bar:
        from allocator.analysis.sensitivity import input_at, parse_param
        from allocator.analysis.sweep import sweep_with_paradoxes
        from allocator.errors import ScenarioError
        from allocator.reports.analysis_files import sweep_files
        from allocator.reports.terminal_sensitivity import print_sweep, print_sweep_paradoxes

        s = load_or_exit(scenario)
        try:
            parsed = [parse_param(p) for p in params]
            for path, _ in parsed:
                input_at(s, path, "--param", need_value=False)
        except ScenarioError as exc:
            invalid(exc)
        with holding_out(out_dir, "sweep"):
            bar.start(sum(len(v) for _, v in parsed))
            frame, paradoxes = sweep_with_paradoxes(
                s, parsed, rebalance, run_options(executor, processes, hints, time_limit, bar))
            bar.close()
            console = stdout_console()
            print_sweep(frame, console)
            print_sweep_paradoxes(paradoxes, console)
            write_and_list(out_dir, "sweep", sweep_files(frame, lang, paradoxes), console)
            if frame["htv"].isna().all():
                fail(EXIT_INFEASIBLE, ["error: no point of the sweep has an allocation"])
