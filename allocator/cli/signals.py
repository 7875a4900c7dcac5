"""Ctrl-C and SIGTERM end the command with one line and a shell-style exit status.

Python's default turns SIGINT into a KeyboardInterrupt, which prints a traceback during
start-up and which click reports as "Aborted!" with exit status 1, the status of an
infeasible scenario. The handlers here raise SystemExit instead, so cleanup still runs
(temporary files, the folder's lock, the process pool's workers) and the status says
what happened: 130 for SIGINT, 143 for SIGTERM (128 + the signal's number). Only the
standard library is imported, so the handlers are in place before the heavy imports.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

#: Exit status after SIGINT (Ctrl-C) and SIGTERM: 128 + the signal number, as shells report.
EXIT_SIGINT, EXIT_SIGTERM = 128 + signal.SIGINT, 128 + signal.SIGTERM

_MESSAGES: dict[int, str] = {signal.SIGINT: "interrupted (Ctrl-C)", signal.SIGTERM: "terminated (SIGTERM)"}


def _stop(signum: int, _frame: FrameType | None) -> None:
    """Say why the command stops, once, and exit with 128 + ``signum``."""
    signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C does not interrupt the cleanup
    try:
        sys.stderr.write(f"\nerror: {_MESSAGES.get(signum, 'stopped')}; stopping\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    raise SystemExit(128 + signum)


def stopped_by(exc: BaseException) -> int | None:
    """The exit status of the stop ``exc`` was raised on top of, when one of the handlers
    here raised it (an import that fails while a signal lands wraps our SystemExit)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, SystemExit) and current.code in (EXIT_SIGINT, EXIT_SIGTERM):
            return int(current.code)
        current = current.__cause__ or current.__context__
    return None


def install() -> None:
    """Handle SIGINT and SIGTERM in this (main) thread as described in the module."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stop)
