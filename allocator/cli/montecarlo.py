"""``allocate montecarlo``: how stable each area is under random caseload draws.

Only click and allocator.cli.common are imported at module level, so that ``allocate
--help`` stays fast; the analysis, its tables and files are imported inside the command.
"""

from __future__ import annotations

from pathlib import Path

import click

from allocator.cli.common import (
    SEED,
    Finite,
    analysis_options,
    holding_out,
    invalid,
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
@click.option("--runs", type=click.IntRange(1, 1_000_000), default=100, show_default=True,
              help="Caseload draws to allocate.")
@click.option("--model", default="poisson", show_default=True,
              help="Uncertainty of each caseload count: 'poisson' (Poisson with mean = the "
                   "figure) or 'uniform:W' (figure × uniform 1±W, rounded to whole persons).")
@click.option("--seed", type=SEED, default=0, show_default=True,
              help="Random seed; the same seed gives the same draws with any executor.")
@click.option("--threshold", type=Finite(0, 1e6), default=0.1, show_default=True,
              help="An area counts as moved when its HTV differs from the base by more [HTV].")
@analysis_options
def montecarlo(scenario: Path, runs: int, model: str, seed: int, threshold: float,
               out_dir: Path | None, executor: str, processes: int | None, hints: bool | None,
               time_limit: float | None, lang: str, quiet: bool) -> None:
    """Allocate --runs random draws of SCENARIO's caseload counts: how stable is each area?

    Writes montecarlo.csv (one row per run and area), montecarlo_summary.csv (spread and
    the share of runs each area moved), montecarlo.png (box plot), paradoxes.csv (each
    run's population paradoxes against the base) and, when the scenario gives costs,
    montecarlo_costs.csv (each municipality's cost range over the runs).
    """
    with progress("Monte Carlo", quiet) as bar:
        from allocator.analysis.monte_carlo import cost_ranges, monte_carlo_with_paradoxes
        from allocator.analysis.sensitivity import parse_uncertainty, stability
        from allocator.errors import ScenarioError
        from allocator.reports.analysis_files import montecarlo_files
        from allocator.reports.terminal_sensitivity import (
            print_cost_ranges,
            print_mc_paradoxes,
            print_stability,
        )

        s = load_or_exit(scenario)
        try:
            parse_uncertainty(model)
        except ScenarioError as exc:
            invalid(exc)
        with holding_out(out_dir, "montecarlo"):
            bar.start(runs)
            frame, paradoxes = need_allocation(lambda: monte_carlo_with_paradoxes(
                s, runs, model, seed, run_options(executor, processes, hints, time_limit, bar)))
            bar.close()
            summary = stability(frame, threshold)
            console = stdout_console()
            print_stability(summary, console)
            costs = cost_ranges(frame)
            print_cost_ranges(costs, console)
            print_mc_paradoxes(paradoxes, console)
            write_and_list(out_dir, "montecarlo",
                           montecarlo_files(frame, summary, threshold, lang, paradoxes, costs),
                           console)
