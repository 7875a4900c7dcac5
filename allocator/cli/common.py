"""What every command shares: exit codes and how problems with the input are printed."""

from __future__ import annotations

from typing import Any

import click

#: Exit status: 0 done; 1 the rules cannot all hold or nothing was verified; 2 invalid input.
EXIT_OK, EXIT_INFEASIBLE, EXIT_INVALID = 0, 1, 2


def echo_problems(problems: list[Any]) -> None:
    click.echo(f"error: the scenario is not valid ({len(problems)} problem"
               f"{'s' if len(problems) != 1 else ''}):", err=True)
    for p in problems:
        click.echo(f"  {p}", err=True)
