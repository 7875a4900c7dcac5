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
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import BinaryIO, Generic, TypeVar, cast

#: Whether parts may be made in forked processes: POSIX only (fork keeps the loaded
#: results and libraries without pickling them).
CAN_FORK = hasattr(os, "fork")


def may_fork() -> bool:
    """Whether to fork now: a child has only the thread that forked it, so a lock another
    Python thread held at the fork (a notebook's, a web server's) would never be released
    in it; with other threads, everything is made here."""
    return CAN_FORK and threading.active_count() == 1


_T = TypeVar("_T")
_A = TypeVar("_A")


@contextmanager
def made_ahead(makers: Mapping[str, Callable[[], _T]],
               ahead: frozenset[str]) -> Iterator[dict[str, Callable[[], _T]]]:
    """``makers`` with those named in ``ahead`` started now, each in a forked process.

    The mapping yielded has the same keys; a started maker's entry waits for its child.
    Children not collected by the end of the block are killed and reaped. Nothing is
    forked while this process runs other Python threads.
    """
    children: list[Early[None, _T]] = []
    out: dict[str, Callable[[], _T]] = {}
    try:
        for name, make in makers.items():
            if name in ahead:
                child = Early(_nothing, _ignoring_input(make))
                child.send(None)
                children.append(child)
                out[name] = child.collect
            else:
                out[name] = make
        yield out
    finally:
        for child in children:
            child.stop()


def _nothing() -> None:
    """Nothing to load first: a maker started with the input it needs."""


def _ignoring_input(make: Callable[[], _T]) -> Callable[[None], _T]:
    """``make`` as the work of an :class:`Early` child that is sent no input."""
    return lambda _: make()


class Early(Generic[_A, _T]):
    """A child forked before its input exists: it loads what ``work`` needs while this
    process makes the input, then runs ``work`` on the input it is sent.

    The input goes through an unnamed temporary file (a pipe would block this process
    on an input larger than the pipe holds while the child is still loading) and its
    size through a pipe, which the child waits on. Without a fork, or when the child does
    not end cleanly, :meth:`collect` runs ``work`` here.
    """

    def __init__(self, prepare: Callable[[], object], work: Callable[[_A], _T]) -> None:
        self.work = work
        self.arg: _A | None = None
        self.sent = False
        self.pid = 0
        self.signal = self.result = -1
        self.box: BinaryIO | None = None
        if not may_fork():
            return
        self.box = tempfile.TemporaryFile()  # noqa: SIM115 - open until stop()
        size_read, size_write = os.pipe()
        out_read, out_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: load, wait for the input, work, write, end without cleanup
            code = 1
            try:
                gc.freeze()
                os.close(size_write)
                os.close(out_read)
                prepare()
                with os.fdopen(size_read, "rb") as fh:
                    head = fh.read(8)
                if len(head) == 8:  # else this process stopped without sending
                    arg = pickle.loads(_pread_all(self.box.fileno(),
                                                  int.from_bytes(head, "big")))
                    data = pickle.dumps(work(arg), protocol=pickle.HIGHEST_PROTOCOL)
                    with os.fdopen(out_write, "wb") as fh:
                        fh.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(size_read)
        os.close(out_write)
        self.pid, self.signal, self.result = pid, size_write, out_read

    def send(self, arg: _A) -> None:
        """Hand ``arg`` to the child (or keep it for :meth:`collect` to work on here)."""
        self.arg, self.sent = arg, True
        if self.signal < 0 or self.box is None:
            return
        data = pickle.dumps(arg, protocol=pickle.HIGHEST_PROTOCOL)
        with suppress(OSError):  # a child that is gone is replaced in collect
            view, at = memoryview(data), 0
            while at < len(data):
                at += os.pwrite(self.box.fileno(), view[at:], at)
            os.write(self.signal, len(data).to_bytes(8, "big"))
        os.close(self.signal)
        self.signal = -1

    def collect(self) -> _T:
        """The child's answer once it ends cleanly; else ``work`` run here."""
        if not self.sent:
            raise RuntimeError("collect before send: the child has no input")
        if self.pid:
            chunks = []
            with os.fdopen(self.result, "rb") as fh:
                while chunk := fh.read(1 << 16):
                    chunks.append(chunk)
            self.result = -1
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
            if os.waitstatus_to_exitcode(status) == 0 and chunks:
                made: _T = pickle.loads(b"".join(chunks))
                return made
        return self.work(cast(_A, self.arg))

    def stop(self) -> None:
        """End the child if it is still there, and close what this process holds."""
        for fd in (self.signal, self.result):
            if fd >= 0:
                with suppress(OSError):
                    os.close(fd)
        self.signal = self.result = -1
        if self.pid:
            with suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            with suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = 0
        if self.box is not None:
            self.box.close()
            self.box = None


def _pread_all(fd: int, size: int) -> bytes:
    """``size`` bytes of the file ``fd`` from its start, whatever its shared offset."""
    parts, at = [], 0
    while at < size:
        part = os.pread(fd, size - at, at)
        if not part:
            raise EOFError("the input file is shorter than its size says")
        parts.append(part)
        at += len(part)
    return b"".join(parts)


@contextmanager
def started_early(prepare: Callable[[], object],
                  work: Callable[[_A], _T]) -> Iterator[Early[_A, _T]]:
    """An :class:`Early` child for the block, ended (if still there) when it closes."""
    early = Early(prepare, work)
    try:
        yield early
    finally:
        early.stop()
