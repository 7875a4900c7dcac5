"""``allocate robust``: one allocation for several scenarios, with each one's regret.

Only click and allocator.cli.common are imported at module level, so that ``allocate
--help`` stays fast; the analysis, its tables and files are imported inside the command.
"""

from __future__ import annotations

from pathlib import Path

import click

from allocator.cli.common import (
    EXIT_INFEASIBLE,
    TIME_LIMIT,
    conflict_lines,
    fail,
    holding_out,
    invalid,
    load_or_exit,
    scenario_changes,
    stdout_console,
    write_and_list,
)


@click.command()
@click.argument("scenarios", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@scenario_changes
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the CSV and PNG files [default: results/robust/].")
@click.option("--time-limit", type=TIME_LIMIT,
              help="Deterministic time limit per solve [CP-SAT deterministic s] "
                   "[default: the first scenario's solver.time_limit].")
@click.option("--lang", type=click.Choice(["en", "fi"]), default="en", show_default=True,
              help="Language of the chart text.")
def robust(scenarios: tuple[Path, ...], out_dir: Path | None, time_limit: float | None,
           lang: str) -> None:
    """One allocation for all SCENARIOS: the least worst cell deviation across them.

    The scenarios must share municipalities, areas, offices, service lines, granularity,
    total_htv and the sizes of fixed central services; a caseload-driven central service
    is staffed at the largest of the scenarios' sizes. Every scenario's rules must hold. Writes
    robust.csv (regret per scenario), robust_cross.csv (each scenario's own optimum and the
    robust allocation, checked in every scenario), robust_by_area.csv,
    robust_allocation.csv and robust.png.
    """
    from allocator.analysis.robust import robust_allocate
    from allocator.errors import ScenarioError
    from allocator.reports.analysis_files import robust_files
    from allocator.reports.terminal_sensitivity import print_robust

    loaded = [load_or_exit(p) for p in scenarios]
    with holding_out(out_dir, "robust"):
        try:
            result = robust_allocate(loaded, [str(p) for p in scenarios], time_limit)
        except ScenarioError as exc:
            invalid(exc, "the scenarios do not share their structure")
        if result.allocation is None:
            fail(EXIT_INFEASIBLE, conflict_lines(result.conflicts)
                 or [f"error: no robust allocation ({result.status})"])
        console = stdout_console()
        regret, cross, areas = result.regret_frame(), result.cross_frame(), result.area_frame()
        print_robust(result, regret, cross, areas, console)
        write_and_list(out_dir, "robust", robust_files(result, regret, cross, areas, lang), console)
        if not result.verified:
            fail(EXIT_INFEASIBLE, ["error: the robust allocation did not pass the verifier in "
                                   "every scenario"])
