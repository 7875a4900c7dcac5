"""What several commands share: exit codes, error messages and loading the scenario files.

Only click and the standard library are imported at module level, so that every command
module can import this one without slowing ``allocate --help``; the library is imported
inside the functions that need it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from allocator.engine.result import Conflict
    from allocator.errors import Problem, ScenarioError
    from allocator.scenario.schema import Scenario

#: Exit status: 0 done; 1 the rules cannot all hold or nothing was verified; 2 invalid input.
EXIT_OK, EXIT_INFEASIBLE, EXIT_INVALID = 0, 1, 2


def fail(code: int, lines: Iterable[str]) -> NoReturn:
    """Print each line to stderr and exit with ``code``."""
    for line in lines:
        click.echo(line, err=True)
    sys.exit(code)


def echo_problems(problems: Sequence[Problem], what: str = "the scenario is not valid") -> None:
    """Print ``what`` with the number of problems, then every problem on its own line."""
    click.echo(f"error: {what} ({len(problems)} problem"
               f"{'s' if len(problems) != 1 else ''}):", err=True)
    for p in problems:
        click.echo(f"  {p}", err=True)


def invalid(exc: ScenarioError, what: str = "invalid input") -> NoReturn:
    """Print every problem of ``exc`` under ``what`` and exit with status 2."""
    echo_problems(exc.problems, what)
    sys.exit(EXIT_INVALID)


def conflict_lines(conflicts: Iterable[Conflict]) -> list[str]:
    """Each conflict as an error line, followed by its fix when one is known."""
    return [f"error: {c.message}" + (f"\n  fix: {c.fix}" if c.fix else "") for c in conflicts]


def unique_files(files: Iterable[Path]) -> list[Path]:
    """The files in the order given, each once (the same file by another path counts too)."""
    seen: set[Path] = set()
    out = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def load_all_or_exit(scenarios: Iterable[Path], as_json: bool = False) -> list[tuple[str, Scenario]]:
    """Each file once, loaded; on any invalid file every problem is listed and the command
    exits with status 2 (with ``as_json``, also an INVALID summary on stdout)."""
    import json

    from allocator.errors import ScenarioError
    from allocator.scenario.loading import load_scenarios

    files = unique_files(scenarios)
    try:
        return load_scenarios(files)
    except ScenarioError as exc:
        if as_json:
            from allocator.reports.summary import problems_data

            click.echo(json.dumps({"status": "INVALID", "errors": problems_data(exc.problems)},
                                  indent=2, ensure_ascii=False))
        bad = len({p.source for p in exc.problems})
        click.echo(f"{bad} of {len(files)} scenario files are not valid.", err=True)
        invalid(exc, "the scenario is not valid")
