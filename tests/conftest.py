"""A guard for the test run itself: a forked process that comes back into pytest.

The library forks (allocator.forked, the local pool) and every child ends with
``os._exit``; a child that returned into the test run instead would report tests a second
time, and pytest-xdist then stops with an internal error that names no test. The guard
names the test, and ends such a process before it reports anything.
"""

from __future__ import annotations

import os

import pytest

#: The test process's own id, taken when pytest loads this file.
_OWN_PID = os.getpid()


def _stray(where: str) -> None:
    """End this process if it is a forked copy of the test process, saying where."""
    if os.getpid() != _OWN_PID:
        os.write(2, f"\nerror: a forked process came back into the test run at {where} "
                    f"(pid {os.getpid()}, test process {_OWN_PID}); it ends here\n".encode())
        os._exit(70)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _stray(report.nodeid)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logstart(nodeid: str, location: tuple[str, int | None, str]) -> None:
    _stray(nodeid)
