"""The ``allocate`` process ends as soon as its command is done (allocator.cli.exiting):
with the command's exit status and its whole output, after the exit handlers, and the
usual way while another thread is still alive."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from allocator.cli.exiting import exit_status

BASE = Path(__file__).parents[1] / "scenarios" / "base.yaml"


def program(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``allocate ARGS`` as the installed program runs it."""
    return subprocess.run([sys.executable, "-c", "from allocator.cli.app import entry; entry()",
                           *map(str, args)], capture_output=True, text=True, timeout=120)


def ending(code: str) -> subprocess.CompletedProcess[str]:
    """Python ``code`` (which defines ``command``) run through run_and_end."""
    script = f"from allocator.cli.exiting import run_and_end\n{code}\nrun_and_end(command)\n"
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (2, 2), (130, 130)])
def test_a_numeric_exit_keeps_its_status(code: int | None, status: int) -> None:
    assert exit_status(code) == status


def test_a_message_exit_is_written_and_is_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert exit_status("no verified allocation") == 1
    assert capsys.readouterr().err == "no verified allocation\n"


def test_the_program_prints_all_of_its_json_and_exits_0() -> None:
    done = program(BASE, "--json", "--no-files")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)  # the whole document arrived
    assert summary["status"] == "OPTIMAL"


def test_the_program_keeps_the_status_of_invalid_input(tmp_path: Path) -> None:
    done = program(tmp_path / "missing.yaml")
    assert done.returncode == 2
    assert "file does not exist" in done.stderr
    assert "Traceback" not in done.stderr


def test_exit_handlers_still_run(tmp_path: Path) -> None:
    mark = tmp_path / "handled"
    done = ending(f"import atexit, pathlib, sys\n"
                  f"atexit.register(pathlib.Path({str(mark)!r}).write_text, 'yes')\n"
                  f"def command():\n    print('out', end='')\n    sys.exit(3)")
    assert (done.returncode, done.stdout) == (3, "out")
    assert mark.read_text() == "yes"


def test_a_thread_still_working_is_waited_for(tmp_path: Path) -> None:
    mark = tmp_path / "finished"
    done = ending(f"import pathlib, threading, time\n"
                  f"def late():\n    time.sleep(0.3)\n"
                  f"    pathlib.Path({str(mark)!r}).write_text('done')\n"
                  f"def command():\n    threading.Thread(target=late).start()")
    assert done.returncode == 0, done.stderr
    assert mark.read_text() == "done"
