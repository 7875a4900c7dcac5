"""Reading an input file defensively: a scenario, a caseload table or a roster.

Only a regular file of a bounded size is opened, and it is opened without blocking: a
device, a FIFO or a huge file would otherwise be read until the memory runs out, or
forever. Every refusal is a ScenarioError naming the file, so each caller reports it the
way it reports its other problems.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from typing import Any

from allocator.errors import Problem, ScenarioError


def refusal(source: str, message: str) -> ScenarioError:
    """A problem with the file as a whole (no line)."""
    return ScenarioError([Problem("", message, source)])


def not_a_file(p: Path, kind: str, limit: int) -> str | None:
    """Why ``p`` cannot be read as ``kind`` ('a scenario file', ...): missing, a directory,
    a device, larger than ``limit`` [bytes]; None when it is a regular file of a readable
    size."""
    try:
        info = os.stat(p)
    except FileNotFoundError:
        return "file does not exist"
    except ValueError:
        return "the path contains a NUL character"
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if stat.S_ISDIR(info.st_mode):
        return f"is a directory, not {kind}"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a device, a pipe or a socket), so it is not read"
    if info.st_size > limit:
        return (f"is larger than {limit // (1024 * 1024)} MB ({info.st_size} bytes); "
                f"{kind} is far smaller")
    return None


def read_bounded(p: Path, source: str, kind: str, limit: int) -> bytes:
    """The bytes of the regular file ``p`` of at most ``limit`` bytes, or a ScenarioError
    naming ``source``. The path is checked before it is opened, so nothing blocks."""
    reason = not_a_file(p, kind, limit)
    if reason is not None:
        raise refusal(source, reason)
    try:
        # Non-blocking, and checked again once open, in case the path changed meanwhile.
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise refusal(source, "is not a regular file (a device, a pipe or a socket), "
                              "so it is not read")
            raw = f.read(limit + 1)
    except OSError as exc:
        raise refusal(source, f"cannot be read: {exc.strerror}") from None
    if len(raw) > limit:
        raise refusal(source, f"is larger than {limit // (1024 * 1024)} MB; {kind} is far "
                      "smaller")
    return raw


def open_workbook(raw: bytes, source: str) -> Any:
    """An xlsx workbook from its bytes, read-only with cell values, or a ScenarioError."""
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise refusal(source, f"cannot be read as an xlsx workbook ({exc or type(exc).__name__})"
                      ) from None
