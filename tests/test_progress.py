"""Long commands show a progress line on stderr from their first moment, when stderr is a
terminal: what they are doing (loading, the base case, starting processes), then the solves.
Driven through a pseudo-terminal, as a person at a terminal would see it."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
ALLOCATE = str(Path(sys.executable).with_name("allocate"))

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")


def run_on_a_terminal(*args: str) -> tuple[str, str, int]:
    """Run ``allocate ARGS`` with stderr on a pseudo-terminal and stdout on a pipe; what each
    showed, and the exit status."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    child = subprocess.Popen([ALLOCATE, *args], cwd=ROOT, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    shown = []
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        shown.append(data)
    os.close(master)
    assert child.stdout is not None
    out = child.stdout.read().decode()
    return b"".join(shown).decode(errors="replace"), out, child.wait(60)


def test_monte_carlo_shows_each_phase_then_the_runs_on_the_terminal(tmp_path: Path) -> None:
    err, out, code = run_on_a_terminal("montecarlo", "scenarios/base.yaml", "--runs", "40",
                                       "--executor", "local", "--processes", "2",
                                       "--out", str(tmp_path))
    assert code == 0
    phases = ["Monte Carlo: loading", "Monte Carlo: the base case",
              "Monte Carlo: starting 2 processes"]
    at = [err.find(p) for p in phases]
    assert all(i >= 0 for i in at), err[-2000:]
    assert at == sorted(at)  # in the order they happen
    assert "/40" in err[at[-1]:]  # then the runs are counted
    assert "[progress" not in err  # the description is shown as it is, no style tag
    # stdout is the results alone: no progress line, no terminal codes.
    assert "loading" not in out and "\x1b[" not in out and "starting" not in out
    assert "Wrote" in out


def test_quiet_or_a_pipe_shows_no_progress(tmp_path: Path) -> None:
    err, _out, code = run_on_a_terminal("tornado", "scenarios/base.yaml", "--input",
                                        "total_htv", "--executor", "sequential", "--quiet",
                                        "--out", str(tmp_path))
    assert code == 0 and "tornado:" not in err
    piped = subprocess.run([ALLOCATE, "tornado", "scenarios/base.yaml", "--input", "total_htv",
                            "--executor", "sequential", "--out", str(tmp_path / "piped")],
                           cwd=ROOT, capture_output=True, text=True, check=True)
    assert "tornado:" not in piped.stderr and "tornado:" not in piped.stdout


def test_the_board_pack_names_each_step_as_it_starts(tmp_path: Path) -> None:
    err, out, code = run_on_a_terminal("report", "scenarios/base.yaml", "--runs", "3",
                                       "--out", str(tmp_path))
    assert code == 0, err[-2000:]
    # Solved one by one, tornado, Monte Carlo and sweep run beside the robust choice.
    steps = ["board pack: loading", "board pack: allocate", "board pack: robust",
             "board pack: tornado, monte carlo, sweep", "board pack: tables and charts",
             "board pack: writing"]
    at = [err.find(s) for s in steps]
    assert all(i >= 0 for i in at), err[-2000:]
    assert at == sorted(at)
    assert "Wrote" in out and "board pack:" not in out


def test_the_progress_line_has_no_thread_of_its_own() -> None:
    # A thread redrawing the line would stop the pack and the run from forking their parts
    # (allocator.forked.may_fork), and the pool would fork beside it. In a fresh
    # interpreter, whose only thread is its own, with stderr taken for a terminal.
    code = """
import threading
from rich.console import Console
Console.is_terminal = property(lambda _: True)
from allocator.cli.common import progress
from allocator.forked import CAN_FORK, may_fork
with progress("board pack", False) as bar:
    bar.phase("robust")
    bar.start(3)
    bar(1)
    print(threading.active_count(), may_fork() == CAN_FORK)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.split() == ["1", "True"]
    assert "board pack: robust" in done.stderr  # it drew on the (pretended) terminal
