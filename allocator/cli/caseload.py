"""``allocate caseload``: the scenario's figures as a spreadsheet, and new figures from
Statistics Finland.

Only click and allocator.cli.common are imported at module level, so that ``allocate
--help`` stays fast; the library is imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path

import click

from allocator.cli.common import EXIT_INVALID, fail, load_or_exit, scenario_changes


@click.group()
def caseload() -> None:
    """Caseload figures in and out of a scenario.

    \b
    allocate caseload export SCENARIO --out figures.xlsx   the figures as a table to edit
    allocate run SCENARIO --caseload figures.xlsx           allocate with the edited figures
    allocate caseload statfin FILE.json --scenario SCENARIO --month 2024M07 --out NEW.yaml
    """


@caseload.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The table to write: FILE.xlsx, or FILE.csv (Finnish Excel's CSV: ';', "
                   "decimal commas, UTF-8 with a byte-order mark).")
@click.option("--month", metavar="MONTH",
              help="Month of the figures for the table's note, e.g. 2023M07 [default: not "
                   "recorded in the scenario, and the note says so].")
@scenario_changes
def export(scenario: Path, out_file: Path, month: str | None) -> None:
    """Write SCENARIO's caseload: one row per municipality, one column per feature."""
    suffix = out_file.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        fail(EXIT_INVALID, [f"error: --out: {out_file} must end in .xlsx or .csv"])
    s = load_or_exit(scenario)

    from allocator.reports.caseload_files import caseload_csv, caseload_xlsx
    from allocator.reports.writing import atomic_write
    from allocator.scenario.tables import caseload_table

    table = caseload_table(s, month, str(scenario))
    atomic_write(out_file, caseload_xlsx(table) if suffix == ".xlsx" else caseload_csv(table))
    click.echo(f"Wrote {out_file}: {len(table.rows)} municipalities × {len(table.features)} "
               f"features ({', '.join(table.features)}).")
