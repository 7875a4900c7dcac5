"""Changes made on the command line to a scenario read from a file: a caseload table
(``--caseload FILE``) and single values (``--set PATH=VALUE``).

The table replaces the base caseload first, then each ``--set`` is applied in order, by
the dotted paths of sweeps and :meth:`~allocator.scenario.schema.Scenario.with_changes`.
The changed scenario is validated like a file; every problem names the option it came
from (``--set total_htv: must be > 0, got -1``). :meth:`Overrides.record` is what the
manifest keeps, so a result says how it differs from its file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allocator.errors import Problem, ScenarioError
from allocator.scenario.loading import read_value
from allocator.scenario.paths import index_path, set_path
from allocator.scenario.schema import Scenario

#: Option names, as problems and the manifest name them.
SET, CASELOAD = "--set", "--caseload"


def parse_setting(spec: str) -> tuple[str, Any]:
    """``PATH=VALUE`` -> (path, value), the value read as a scenario file reads it.

    >>> parse_setting("offices.Parkano office.min_htv=1.5")
    ('offices.Parkano office.min_htv', 1.5)
    """
    path, sep, text = spec.partition("=")
    path = path.strip()
    if not sep or not path:
        raise ScenarioError([Problem("", f"{spec!r} is not of the form PATH=VALUE (e.g. "
                                     "total_htv=30)", SET)])
    return path, read_value(text, f"{SET} {path}")


@dataclass(frozen=True)
class Overrides:
    """What the command line changes in every scenario it loads; empty by default."""

    caseload: Path | None = None
    settings: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.caseload is not None or bool(self.settings)

    def parsed(self) -> tuple[list[tuple[str, Any]], list[Problem]]:
        """Every well-formed ``--set`` as (path, value), and the problems of the others."""
        out, problems = [], []
        for spec in self.settings:
            try:
                out.append(parse_setting(spec))
            except ScenarioError as exc:
                problems += exc.problems
        return out, problems

    def apply(self, scenario: Scenario) -> Scenario:
        """``scenario`` with the caseload table, then each setting; ScenarioError with every
        problem, each naming its option."""
        settings, problems = self.parsed()
        if self.caseload is not None:
            from allocator.scenario.tables import load_caseload

            try:
                scenario = load_caseload(scenario, self.caseload)
            except ScenarioError as exc:
                raise ScenarioError(exc.problems + problems) from None
        data = scenario.model_dump(mode="python")
        applicable: dict[str, Any] = {}
        for path, value in settings:  # a later --set of the same path wins
            try:
                set_path(data, path, value)
            except KeyError as exc:
                problems.append(Problem("", str(exc.args[0]).split(": ", 1)[-1], f"{SET} {path}"))
            else:
                applicable[path] = value
        if applicable:
            given = [(path, index_path(data, path)) for path in applicable]
            try:
                scenario = scenario.with_changes(applicable)
            except ScenarioError as exc:
                problems += [_named(p, given) for p in exc.problems]
        if problems:
            raise ScenarioError(problems)
        return scenario

    def record(self) -> list[dict[str, str | None]]:
        """The changes as the manifest keeps them: option, value and, for a table, the
        SHA-256 of its bytes."""
        out: list[dict[str, str | None]] = []
        if self.caseload is not None:
            out.append({"option": CASELOAD, "value": str(self.caseload),
                        "sha256": _sha256(self.caseload)})
        out += [{"option": SET, "value": spec} for spec in self.settings]
        return out

    def command_line(self) -> list[str]:
        """The options that make these changes again."""
        out = [CASELOAD, str(self.caseload)] if self.caseload is not None else []
        for spec in self.settings:
            out += [SET, spec]
        return out


def _named(problem: Problem, given: list[tuple[str, str]]) -> Problem:
    """A problem of the changed scenario, said to come from the ``--set`` whose path it is
    at or under (else from every ``--set`` together)."""
    for path, indexed in given:
        for prefix in (path, indexed):
            if problem.path == prefix or problem.path.startswith((f"{prefix}.", f"{prefix}[")):
                rest = problem.path[len(prefix):].lstrip(".")
                return Problem(rest, problem.message, f"{SET} {path}")
    return Problem(problem.path, problem.message, f"{SET} {', '.join(p for p, _ in given)}")


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
