"""Ending the ``allocate`` process as soon as its command is done.

With pandas, matplotlib and OR-Tools loaded, tearing the interpreter down (clearing every
module, freeing every object one by one) takes longer than a base solve: about 0.1 s for
``--json`` and 0.25 s after a board pack, measured on 2 cores. Nobody needs it once the
output is flushed and the files are closed, so the process ends there: the exit
handlers still run (atexit), only the teardown is skipped. While another thread or a
child process is still alive, the process ends the usual way, which waits for them.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import NoReturn


def exit_status(code: object) -> int:
    """The process's exit status for ``SystemExit(code)``, as Python itself gives it: None
    is 0, an integer is itself, anything else is written to stderr and is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    with suppress(OSError, ValueError):
        sys.stderr.write(f"{code}\n")
    return 1


def _alone() -> bool:
    """No other thread and no child process is alive (a pool's workers, a server's
    threads): nothing the usual ending would wait for."""
    if threading.active_count() > 1:
        return False
    mp = sys.modules.get("multiprocessing")
    return mp is None or not mp.active_children()


def end(status: int) -> NoReturn:
    """Flush the output streams, run the exit handlers and end with ``status``.

    A reader that closed the pipe early (``allocate ... --json | head``) gets what it
    read, and the status is 1 if the command had none of its own.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            status = status or 1
        except (OSError, ValueError, AttributeError):
            pass
    if not _alone():
        sys.exit(status)
    atexit._run_exitfuncs()
    os._exit(status)


def run_and_end(command: Callable[[], object]) -> NoReturn:
    """Run ``command`` (a click command in standalone mode, which ends in SystemExit) and
    end the process with its status (see :func:`end`)."""
    try:
        command()
    except SystemExit as stop:
        end(exit_status(stop.code))
    end(0)
