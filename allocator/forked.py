"""Making a part of the output in a forked process while this one makes the others.

The charts are the slowest part of a run's files and of the board pack: matplotlib's
import and the drawing take about as long as everything else after the solve, on one
core. A child forked once the results exist makes its part on another core and hands it
back pickled through a pipe. The child runs the very function this process would run on
the same data, so what it makes is the same; when it cannot be forked or does not end
cleanly, this process runs the function itself, so a failing child changes the time,
never the output or its errors.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Generic, TypeVar

#: Whether parts may be made in forked processes: POSIX only (fork keeps the loaded
#: results and libraries without pickling them).
CAN_FORK = hasattr(os, "fork")

_T = TypeVar("_T")


class _Child(Generic[_T]):
    """One forked maker: its process, the read end of its pipe and the maker itself."""

    def __init__(self, make: Callable[[], _T]) -> None:
        self.make = make
        self.pid = 0
        self.fd = -1
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: make the part, write it, end without cleanup
            code = 1
            try:
                # The collector leaves the inherited objects alone: walking them would copy
                # every memory page they sit on out of the shared copy.
                gc.freeze()
                os.close(read)
                data = pickle.dumps(make(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as fh:
                    fh.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self.fd = pid, read

    def collect(self) -> _T:
        """The child's part once it ends cleanly; else the maker's own, made here."""
        chunks = []
        with os.fdopen(self.fd, "rb") as fh:
            while chunk := fh.read(1 << 16):
                chunks.append(chunk)
        self.fd = -1
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if os.waitstatus_to_exitcode(status) == 0:
            made: _T = pickle.loads(b"".join(chunks))
            return made
        return self.make()

    def stop(self) -> None:
        """End a child that was not collected (the run failed or was interrupted)."""
        if self.fd >= 0:
            with suppress(OSError):
                os.close(self.fd)
            self.fd = -1
        if self.pid:
            with suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            with suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = 0


@contextmanager
def made_ahead(makers: Mapping[str, Callable[[], _T]],
               ahead: frozenset[str]) -> Iterator[dict[str, Callable[[], _T]]]:
    """``makers`` with those named in ``ahead`` started now, each in a forked process.

    The mapping yielded has the same keys; a started maker's entry waits for its child.
    Children not collected by the end of the block are killed and reaped. Nothing is
    forked while this process runs other Python threads.
    """
    children: list[_Child[_T]] = []
    out: dict[str, Callable[[], _T]] = {}
    # A child has only the thread that forked it: a lock another thread held at the fork
    # (a notebook's, a web server's) would never be released in it. With other threads,
    # everything is made here.
    fork = CAN_FORK and threading.active_count() == 1
    try:
        for name, make in makers.items():
            if name in ahead and fork:
                child = _Child(make)
                children.append(child)
                out[name] = child.collect
            else:
                out[name] = make
        yield out
    finally:
        for child in children:
            child.stop()
