"""``allocate compare``: several scenarios side by side, for the employment board.

Only click and allocator.cli.common are imported at module level, so that ``allocate
--help`` stays fast; the library is imported inside the command.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from allocator.cli.common import (
    EXIT_INFEASIBLE,
    holding_out,
    load_all_or_exit,
    overrides,
    scenario_changes,
    stdout_console,
)


@click.command()
@click.argument("scenarios", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@scenario_changes
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("results") / "compare", show_default=True,
              help="Folder for the comparison files.")
@click.option("--lang", type=click.Choice(["en", "fi"]), default="en", show_default=True,
              help="Language of the chart texts.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the comparison as JSON to stdout instead of the table.")
def compare(scenarios: tuple[Path, ...], out_dir: Path, lang: str, as_json: bool) -> None:
    """Allocate each SCENARIO and compare them; the first file is the base.

    \b
    allocate compare scenarios/base.yaml scenarios/*.yaml
    A file given twice (e.g. the base again through the glob) is used once.
    Exit status: 0 every scenario verified; 1 some scenario has no verified
    allocation; 2 some file is invalid (every problem of every file is listed).
    """
    start = time.perf_counter()
    loaded = load_all_or_exit(scenarios, as_json)

    from allocator.engine.pipeline import allocate, settings_for
    from allocator.reports.comparison_files import comparison_json, write_comparison

    with holding_out(out_dir, "compare"):  # a bad or busy --out fails before the solves
        changes = overrides().record()
        results = [allocate(s, settings_for(s), source=f, changes=changes) for f, s in loaded]
        written = write_comparison(results, out_dir, lang)
    if as_json:
        sys.stdout.write(json.dumps(comparison_json(results), indent=2, ensure_ascii=False)
                         + "\n")
    else:
        from allocator.analysis.compare import scenario_labels
        from allocator.reports.comparison_files import comparison_paradoxes
        from allocator.reports.terminal_compare import comparison_table, paradox_lines

        console = stdout_console()
        console.print(comparison_table(results, width=console.width))
        for line in paradox_lines(comparison_paradoxes(results), scenario_labels(results)[0]):
            console.print(line)
        console.print(f"{len(results)} scenarios in {time.perf_counter() - start:.2f} s. "
                      f"Wrote {', '.join(str(p) for p in written)}", style="dim")
    failed = [r for r in results if not r.verified]
    if failed:
        names = ", ".join(f"{r.scenario.name} ({r.status})" for r in failed)
        click.echo(f"error: no verified allocation for {names}", err=True)
        sys.exit(EXIT_INFEASIBLE)

