"""The ``allocate`` command group: every command registered, ``run`` the default.

Exit status: 0 a verified allocation; 1 the rules cannot all hold, or no verified
allocation was found; 2 the input is invalid. Each command lives in its own module,
which imports only click and allocator.cli.common at module level and the library
inside the command, so ``allocate --help`` starts fast.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click

from allocator._version import __version__
from allocator.cli import signals
from allocator.cli.app_command import app
from allocator.cli.caseload import caseload
from allocator.cli.common import EXIT_INVALID
from allocator.cli.compare import compare
from allocator.cli.exiting import run_and_end
from allocator.cli.generate import generate
from allocator.cli.montecarlo import montecarlo
from allocator.cli.place import place
from allocator.cli.report import report
from allocator.cli.robust import robust
from allocator.cli.run import run
from allocator.cli.schema import schema
from allocator.cli.sweep import sweep
from allocator.cli.tipping import tipping
from allocator.cli.tornado import tornado


class _DefaultRun(click.Group):
    """A group whose default command is ``run``: ``allocate FILE`` means ``allocate run FILE``."""

    def invoke(self, ctx: click.Context) -> Any:
        from allocator.errors import ExecutorError, OutputError

        try:
            return super().invoke(ctx)
        except (ExecutorError, OutputError) as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_INVALID)
        except Exception as exc:
            # A signal that lands inside an import can come out wrapped in another error.
            code = signals.stopped_by(exc)
            if code is None:
                raise
            sys.exit(code)

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
    allocate caseload export|statfin ...   the figures as a table; new figures from statistics
    allocate place FILE --staff staff.csv  place the staff on offices and service lines
    allocate app FILE [--port 8000]        a what-if page for the meeting (pip install -e '.[app]')
    """


for command in (run, schema, compare, sweep, tornado, tipping, montecarlo, robust, generate, report,
                caseload, place, app):
    main.add_command(command)


def entry() -> NoReturn:
    """The ``allocate`` program: the command group, then the process ends as soon as the
    command is done (allocator.cli.exiting)."""
    run_and_end(main)


if __name__ == "__main__":  # pragma: no cover
    entry()
