"""Plain exceptions the library raises; the CLI turns them into messages and exit codes.

They stay ordinary Python exceptions so that notebooks and other programs can catch
them without knowing about the command line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file: where it is and what is wrong.

    ``path`` is the field path in the scenario (``offices[3].min_htv``), ``line`` the
    1-based line in ``source`` when known; in a table (a caseload CSV or workbook) ``line``
    is the row and ``column`` the column's letter, as a spreadsheet shows them.
    """

    path: str
    message: str
    source: str | None = None
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.source or "<scenario>"
        if self.line is not None:
            where = f"{where}:{self.line}"
            if self.column is not None:
                where = f"{where}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ScenarioError(Exception):
    """A scenario that cannot be read or does not validate; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def with_source(self, source: str, lines: dict[str, int] | None = None) -> ScenarioError:
        """The same problems, located in ``source`` (and at lines looked up by path)."""
        lines = lines or {}
        return ScenarioError(
            [
                Problem(p.path, p.message, source, p.line if p.line is not None else _line(lines, p.path))
                for p in self.problems
            ]
        )


def _line(lines: dict[str, int], path: str) -> int | None:
    """The line of ``path`` or of its nearest ancestor that has one."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        if cut <= 0:
            break
        path = path[:cut]
    return lines.get(path)


class InfeasibleError(Exception):
    """The scenario's rules cannot all hold at once; ``conflicts`` says which and why."""

    def __init__(self, message: str, conflicts: list[object] | None = None) -> None:
        self.conflicts = list(conflicts or [])
        super().__init__(message)


class ExecutorError(Exception):
    """An analysis's executor cannot run: a missing optional package or an unreachable
    scheduler."""


class OutputError(Exception):
    """A result file or folder cannot be written: names the path and the reason (the
    operating system's, or another run holding the folder)."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"cannot write {self.path}: {reason}")

    @classmethod
    def from_os(cls, path: object, exc: OSError) -> OutputError:
        """The error for an OSError met while writing ``path``."""
        where = exc.filename if exc.filename not in (None, "") else path
        return cls(where, exc.strerror or str(exc))
