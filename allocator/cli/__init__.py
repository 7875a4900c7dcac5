"""The ``allocate`` command line: one module per command over the library's layers.

Ctrl-C and SIGTERM are handled first (allocator.cli.signals), before the commands and
the library are imported, so even an interrupted start-up ends without a traceback.
``main`` is looked up on first use, so that ``python -m allocator.cli.app`` runs the
module once.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from allocator.cli import signals

# Not in a process pool's worker, which imports this package when it unpickles a job:
# the pool stops its workers itself. A worker has imported multiprocessing before any job;
# the command line has not yet, and need not pay for importing it here.
_mp = sys.modules.get("multiprocessing")
if threading.current_thread() is threading.main_thread() and \
        (_mp is None or _mp.parent_process() is None):
    signals.install()

__all__ = ["main"]


def __getattr__(name: str) -> Any:
    """``main``, the command group, imported on first access."""
    if name == "main":
        from allocator.cli.app import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
