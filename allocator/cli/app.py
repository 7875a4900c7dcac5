"""The ``allocate`` command: a thin layer that turns the library into commands and exit codes.

Exit status: 0 a verified allocation; 1 the rules cannot all hold, or no verified
allocation was found; 2 the input is invalid. Heavy modules are imported inside the
commands that need them, so ``allocate --help`` starts fast.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from allocator._version import __version__
from allocator.cli.common import EXIT_INFEASIBLE, EXIT_INVALID, echo_problems


class _DefaultRun(click.Group):
    """A group whose default command is ``run``: ``allocate FILE`` means ``allocate run FILE``."""

    def invoke(self, ctx: click.Context) -> Any:
        from allocator.errors import ExecutorError

        try:
            return super().invoke(ctx)
        except ExecutorError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_INVALID)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h",
                                                                     "--version"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultRun, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="allocator")
def main() -> None:
    """Allocate an employment area's person-years (HTV) by caseload.

    \b
    allocate scenarios/base.yaml          allocate one scenario (same as 'allocate run ...')
    allocate schema > scenario.schema.json  JSON Schema for editors
    allocate sweep|tornado|tipping|montecarlo FILE ...  sensitivity to the inputs
    allocate robust FILE FILE ...          one allocation for several scenarios
    allocate report BASE FILE ...          the board pack: one HTML file to read or print
    """


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the output files [default: results/<scenario name>/].")
@click.option("--json", "as_json", is_flag=True,
              help="Print summary.json to stdout instead of the tables.")
@click.option("--no-files", is_flag=True,
              help="Write no files (the fastest path; pairs well with --json).")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True),
              help="Deterministic time limit for the solve [CP-SAT deterministic seconds]; "
                   "overrides the scenario's solver.time_limit.")
@click.option("--workers", type=click.IntRange(min=0, max=64),
              help="CP-SAT search workers (0 = by model size); overrides solver.workers.")
@click.option("--explain", is_flag=True,
              help="Explain every value: a waterfall per municipality × line from caseload to "
                   "final HTV, and what each rule costs (re-solves the model a few times).")
def run(scenario: Path, out_dir: Path | None, as_json: bool, no_files: bool,
        time_limit: float | None, workers: int | None, explain: bool) -> None:
    """Allocate SCENARIO (a YAML file), verify it and write the results."""
    start = time.perf_counter()
    from allocator.errors import ScenarioError
    from allocator.reports.summary import invalid_summary
    from allocator.scenario.loading import load_scenario

    try:
        s = load_scenario(scenario)
    except ScenarioError as exc:
        if as_json:
            click.echo(json.dumps(invalid_summary(exc.problems, str(scenario)), indent=2,
                                  ensure_ascii=False))
        echo_problems(exc.problems)
        sys.exit(EXIT_INVALID)

    from allocator.engine.pipeline import allocate, settings_for
    from allocator.reports.summary import build_summary

    settings = settings_for(s, time_limit, workers)
    result = allocate(s, settings, source=scenario)
    explanation = None
    if explain and result.allocation is not None:
        from allocator.engine.explain import explain as explain_result

        explanation = explain_result(result, settings)
    elapsed = time.perf_counter() - start
    summary = build_summary(result, scenario, elapsed, explanation)
    written: list[Path] = []
    if not no_files:
        from allocator.reports.files import write_outputs

        target = out_dir if out_dir is not None else Path("results") / s.name
        written = write_outputs(result, target, summary, explanation=explanation)
    if as_json:
        from allocator.reports.files import summary_bytes

        sys.stdout.write(summary_bytes(summary).decode("utf-8"))
    else:
        from rich.console import Console

        from allocator.reports.terminal import print_result

        console = Console()
        if not console.is_terminal:
            console = Console(width=120)  # files and pipes: wide enough for the tables
        print_result(result, console, time.perf_counter() - start, explanation)
        if written:
            console.print(f"Wrote {', '.join(str(p) for p in written)}", style="dim")
    if result.status.value == "INFEASIBLE":
        if as_json:
            for c in result.conflicts:
                click.echo(f"error: {c.message}" + (f"\n  fix: {c.fix}" if c.fix else ""),
                           err=True)
        sys.exit(EXIT_INFEASIBLE)
    if not result.verified:
        click.echo(f"error: no verified allocation (status {result.status})", err=True)
        sys.exit(EXIT_INFEASIBLE)


@main.command()
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
def schema(out_file: Path | None) -> None:
    """Print the scenario file's JSON Schema (for editor completion and checking)."""
    from allocator.scenario.loading import scenario_file_json_schema

    text = json.dumps(scenario_file_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if out_file is None:
        sys.stdout.write(text)
    else:
        from allocator.reports.files import atomic_write

        atomic_write(out_file, text.encode("utf-8"))


# Further commands live in their own modules (allocator/cli_<topic>.py), each defining a
# click command whose module imports only click at the top, and are registered here.
from allocator.cli.compare import compare  # noqa: E402

main.add_command(compare)

from allocator.cli.montecarlo import montecarlo  # noqa: E402
from allocator.cli.robust import robust  # noqa: E402
from allocator.cli.sweep import sweep  # noqa: E402
from allocator.cli.tipping import tipping  # noqa: E402
from allocator.cli.tornado import tornado  # noqa: E402

main.add_command(sweep)
main.add_command(tornado)
main.add_command(tipping)
main.add_command(montecarlo)
main.add_command(robust)

from allocator.cli.generate import generate  # noqa: E402

main.add_command(generate)

from allocator.cli.report import report  # noqa: E402

main.add_command(report)


if __name__ == "__main__":  # pragma: no cover
    main()
