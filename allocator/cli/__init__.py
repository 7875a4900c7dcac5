"""The ``allocate`` command line: one module per command over the library's layers.

Ctrl-C and SIGTERM are handled first (allocator.cli.signals), before the commands and
the library are imported, so even an interrupted start-up ends without a traceback.
``main`` is looked up on first use, so that ``python -m allocator.cli.app`` runs the
module once.
"""

from __future__ import annotations

import multiprocessing
import threading
from typing import Any

from allocator.cli import signals

# Not in a process pool's worker, which imports this package when it unpickles a job:
# the pool stops its workers itself.
if threading.current_thread() is threading.main_thread() and \
        multiprocessing.parent_process() is None:
    signals.install()

__all__ = ["main"]


def __getattr__(name: str) -> Any:
    """``main``, the command group, imported on first access."""
    if name == "main":
        from allocator.cli.app import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
