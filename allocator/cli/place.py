"""``allocate place``: allocate a scenario, then place the staff roster on its offices and
assignments, verify the placement and write placement.csv, .xlsx and .json.

Only click and allocator.cli.common are imported at module level, so that ``allocate
--help`` stays fast; the library is imported inside the command.
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import click

from allocator.cli.common import (
    EXIT_INFEASIBLE,
    TIME_LIMIT,
    conflict_lines,
    fail,
    invalid,
    stdout_console,
)

if TYPE_CHECKING:
    from fractions import Fraction


def _step(_ctx: click.Context, _param: click.Parameter, value: str) -> Fraction:
    """--step as an exact decimal in (0, 1] (fractions is imported here, off start-up)."""
    from fractions import Fraction

    try:
        step = Fraction(value.strip().replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise click.BadParameter(f"'{value}' is not a number") from None
    if not 0 < step <= 1 or step.denominator > 10**4:
        raise click.BadParameter(f"'{value}': the step must be in (0, 1], at most four decimals")
    return step


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--staff", "staff", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The roster: CSV (',' or ';') or xlsx with columns person, fte, "
                   "current_office, lines [, fixed, max_commute].")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for placement.csv/.xlsx/.json [default: results/<scenario name>/].")
@click.option("--json", "as_json", is_flag=True,
              help="Print placement.json to stdout instead of the tables.")
@click.option("--no-files", is_flag=True, help="Write no files.")
@click.option("--step", default="0.1", show_default=True, callback=_step,
              help="Placement granularity [FTE]: every person's time is placed in these steps.")
@click.option("--max-assignments", type=click.IntRange(1, 20), default=2, show_default=True,
              help="Most service lines or central services one person works in.")
@click.option("--within-area", is_flag=True,
              help="Keep everybody in the responsibility area of today's duty station.")
@click.option("--time-limit", type=TIME_LIMIT,
              help="Deterministic time limit for the placement's stages together [CP-SAT "
                   "deterministic s] [default: the scenario's solver.time_limit].")
def place(scenario: Path, staff: Path, out_dir: Path | None, as_json: bool, no_files: bool,
          step: Fraction, max_assignments: int, within_area: bool,
          time_limit: float | None) -> None:
    """Allocate SCENARIO, then place the people of the --staff roster on offices and
    assignments (exit 0 verified, 1 infeasible, 2 invalid input)."""
    start = time.perf_counter()
    from allocator.errors import ScenarioError
    from allocator.reports.placement import invalid_placement
    from allocator.scenario.loading import load_scenario
    from allocator.scenario.roster import load_roster

    try:
        s = load_scenario(scenario)
    except ScenarioError as exc:
        if as_json:
            click.echo(json.dumps(invalid_placement(exc.problems), indent=2, ensure_ascii=False))
        invalid(exc, "the scenario is not valid")
    try:
        roster = load_roster(staff, s, step)
    except ScenarioError as exc:
        if as_json:
            click.echo(json.dumps(invalid_placement(exc.problems), indent=2, ensure_ascii=False))
        invalid(exc, "the roster is not valid")

    from allocator.engine.pipeline import allocate
    from allocator.engine.placement.pipeline import place as place_roster
    from allocator.engine.placement.types import PlacementSettings
    from allocator.reports.placement import json_bytes, placement_summary, write_placement
    from allocator.reports.writing import output_lock

    target = out_dir if out_dir is not None else Path("results") / s.name
    with nullcontext() if no_files else output_lock(target):
        result = allocate(s, source=scenario)
        if result.allocation is None:
            fail(EXIT_INFEASIBLE, ["error: the allocation has no solution, so nobody can be "
                                   "placed", *conflict_lines(result.conflicts)])
        settings = PlacementSettings(step=step, max_assignments=max_assignments,
                                     within_area=within_area,
                                     time_limit=time_limit or s.solver.time_limit)
        pr = place_roster(result, roster, settings)
        summary = placement_summary(pr, time.perf_counter() - start)
        written = [] if no_files else write_placement(pr, target, summary)
    if as_json:
        sys.stdout.write(json_bytes(summary).decode("utf-8"))
    else:
        from allocator.reports.terminal_placement import print_placement

        console = stdout_console()
        print_placement(pr, console, time.perf_counter() - start)
        if written:
            console.print(f"Wrote {', '.join(str(p) for p in written)}", style="dim")
    if pr.status.value == "INFEASIBLE":
        fail(EXIT_INFEASIBLE, conflict_lines(pr.conflicts))
    if not pr.verified:
        click.echo(f"error: no verified placement (status {pr.status})", err=True)
        sys.exit(EXIT_INFEASIBLE)
