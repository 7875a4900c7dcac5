"""``allocate caseload``: the scenario's figures as a spreadsheet, and new figures from
Statistics Finland.

Only click and allocator.cli.common are imported at module level, so that ``allocate
--help`` stays fast; the library is imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from allocator.cli.common import EXIT_INVALID, fail, invalid, load_or_exit, scenario_changes

if TYPE_CHECKING:
    from allocator.scenario.schema import Scenario
    from allocator.scenario.statfin import Update


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


@caseload.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--scenario", "scenario_file", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The scenario whose figures are updated; the new one extends it.")
@click.option("--month", metavar="YYYYMmm",
              help="The month to take, e.g. 2024M07 [default: the response's only month; "
                   "needed with --query and --fetch].")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The new scenario file to write (YAML).")
@click.option("--map", "maps", multiple=True, metavar="FEATURE=VARIABLE",
              help="Take FEATURE from 12r5's VARIABLE (repeatable); FEATURE= takes it from "
                   "none. Default: labour_force=TYOVOIMATK, unemployed=TYOTTOMATLOPUSSA, "
                   "over_50=TYOTTOMAT50, long_term_unemployed=PITKAAIKAISTYOTTOMAT, "
                   "foreign_nationals=TYOTTOMATULK.")
@click.option("--query", "show_query", is_flag=True,
              help="Print the PxWeb query (URL and JSON body) for --month and stop.")
@click.option("--fetch", "do_fetch", is_flag=True,
              help="Run the query and save the response as FILE, then read it.")
@click.option("--url", default=None, metavar="URL",
              help="The table's PxWeb address [default: Statistics Finland's 12r5].")
@click.option("--timeout", type=click.FloatRange(0, 600, min_open=True), default=30.0,
              show_default=True, help="Seconds to wait for an answer with --fetch.")
def statfin(file: Path | None, scenario_file: Path, month: str | None, out_file: Path | None,
            maps: tuple[str, ...], show_query: bool, do_fetch: bool, url: str | None,
            timeout: float) -> None:
    """A new scenario with the figures of Statistics Finland's table 12r5 for one month.

    \b
    FILE is a PxWeb JSON-stat 2.0 response of table 12r5 (employment service
    statistics by municipality). Municipalities are matched by their code (KU790 is
    code "790"). The new scenario extends SCENARIO and gives only the figures that
    changed, each commented with the table, variable and month.
    """
    import json

    from allocator.errors import ScenarioError
    from allocator.scenario import statfin as sf

    s = load_or_exit(scenario_file)
    try:
        mapping = sf.parse_mapping(maps, s)
        if month is not None:
            sf.check_month(month)
    except ScenarioError as exc:
        invalid(exc, "invalid option")
    if show_query or do_fetch:
        if month is None:
            fail(EXIT_INVALID, ["error: --month is needed with --query and --fetch"])
        try:
            body = sf.query_body(s, month, list(mapping.values()))
        except ScenarioError as exc:
            invalid(exc, "the scenario cannot be matched to 12r5")
        address = url or sf.URL
        if show_query:
            click.echo(f"POST {address}")
            click.echo(json.dumps(body, indent=2, ensure_ascii=False))
            return
    if file is None:
        fail(EXIT_INVALID, ["error: give FILE, the JSON-stat response (or --query to see how "
                            "to get it)"])
    if out_file is None:
        fail(EXIT_INVALID, ["error: --out NEW.yaml is needed"])
    if out_file.suffix.lower() not in (".yaml", ".yml"):
        fail(EXIT_INVALID, [f"error: --out: {out_file} must end in .yaml or .yml"])
    from allocator.reports.writing import atomic_write

    if do_fetch:
        try:
            raw = sf.fetch(address, body, timeout)
        except sf.FetchError as exc:
            fail(EXIT_INVALID, [f"error: {exc}",
                                "  offline? Run the query shown by --query where the network "
                                "allows, save the answer and give it as FILE."])
        atomic_write(file, raw)
        click.echo(f"Fetched {address} ({len(raw)} bytes) into {file}")
    try:
        raw = _read_response(file)
        dataset = sf.parse_dataset(raw, str(file))
        update = sf.update_from(dataset, s, month, mapping, str(file))
    except ScenarioError as exc:
        invalid(exc, "the response cannot be used")
    import os

    parent = os.path.relpath(os.path.abspath(scenario_file), os.path.abspath(out_file.parent))
    name = sf.scenario_name(out_file, s, update.month)
    text = sf.scenario_text(update, s, parent, name, str(file))
    from allocator.scenario.loading import load_scenario

    atomic_write(out_file, text.encode("utf-8"))
    try:
        load_scenario(out_file)
    except ScenarioError as exc:  # the new figures break a rule of the schema
        invalid(exc, f"{out_file} was written but is not valid")
    _print_update(update, s, scenario_file, out_file)


def _read_response(file: Path) -> bytes:
    """The response's bytes, bounded in size; ScenarioError naming the file otherwise."""
    from allocator.errors import Problem, ScenarioError
    from allocator.scenario.statfin import MAX_RESPONSE_BYTES

    try:
        if not file.is_file():
            raise ScenarioError([Problem("", "file does not exist" if not file.exists() else
                                         "is not a regular file", str(file))])
        with file.open("rb") as fh:
            raw = fh.read(MAX_RESPONSE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError([Problem("", f"cannot be read: {exc.strerror}", str(file))]) from None
    if len(raw) > MAX_RESPONSE_BYTES:
        raise ScenarioError([Problem("", "is larger than a 12r5 response of one area can be",
                                     str(file))])
    return raw


def _print_update(update: Update, s: Scenario, scenario_file: Path, out_file: Path) -> None:
    """What the new month changes, per municipality, and what it leaves as it was."""
    from allocator.scenario.schema import show_number

    taken = ", ".join(f"{f} ← {v}" for f, v in update.mapping.items()) or "none"
    click.echo(f"Statistics Finland 12r5, {update.month}: {taken}.")
    if update.lacking:
        click.echo(f"Not in the file, so as in {scenario_file}: {', '.join(update.lacking)}.")
    for variable, why in update.unmapped.items():
        click.echo(f"Not used: {variable} ({why}; --map FEATURE={variable} takes it).")
    for muni, feature, status in update.withheld:
        click.echo(f"No figure for {muni} {feature} (status {status!r}): it stays as in "
                   f"{scenario_file}.")
    width = max(len(n) for n in s.municipality_names)
    for muni in s.municipality_names:
        changes = [c for c in update.changes if c.municipality == muni]
        parts = [f"{c.feature} {show_number(c.old)} → {show_number(c.new)} "
                 f"({'+' if c.new > c.old else '−'}{show_number(abs(c.new - c.old))})"
                 for c in changes]
        click.echo(f"  {muni:<{width}}  {', '.join(parts) if parts else 'no change'}")
    click.echo(f"Wrote {out_file} (extends {scenario_file}; {len(update.changes)} figures "
               f"changed). Next: allocate run {out_file}")
