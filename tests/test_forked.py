"""Files made in forked processes (allocator.forked): the same bytes as made here,
and a child that fails or is left behind changes nothing but the time."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from allocator import forked
from allocator.engine.pipeline import allocate
from allocator.forked import CAN_FORK, made_ahead, started_early
from allocator.reports import files

ROOT = Path(__file__).parents[1]
needs_fork = pytest.mark.skipif(not CAN_FORK, reason="os.fork is not available here")


@pytest.fixture(autouse=True)
def forking(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork in the tests of the fork path even when an earlier test in this process left a
    thread running (a browser's, a cluster's): what may_fork refuses then is tested on its
    own, with a thread of its own."""
    if "threads" not in request.node.name:
        monkeypatch.setattr(forked, "may_fork", lambda: forked.CAN_FORK)


def pid_in(marker: Path) -> int:
    """The process id a child writes into ``marker``, once it is there (60 s at most)."""
    deadline = time.monotonic() + 60
    while (not marker.exists() or not marker.read_text()) and time.monotonic() < deadline:
        time.sleep(0.01)
    return int(marker.read_text())


def pid_bytes() -> bytes:
    return str(os.getpid()).encode()


@needs_fork
def test_a_maker_named_ahead_runs_in_another_process_and_the_others_here() -> None:
    with made_ahead({"a": pid_bytes, "b": pid_bytes}, frozenset({"a"})) as made:
        here, there = made["b"](), made["a"]()
    assert here == pid_bytes()
    assert there != here and int(there) > 0


def test_nothing_is_forked_while_other_threads_run() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with made_ahead({"a": pid_bytes}, frozenset({"a"})) as made:
            assert made["a"]() == pid_bytes()
    finally:
        stop.set()
        other.join()


@needs_fork
def test_a_child_that_dies_is_replaced_by_the_maker_run_here() -> None:
    parent = os.getpid()

    def dies_in_a_child() -> bytes:
        if os.getpid() != parent:
            os._exit(3)
        return b"made here"

    def raises_in_a_child() -> bytes:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return b"made here too"

    with made_ahead({"a": dies_in_a_child, "b": raises_in_a_child},
                    frozenset({"a", "b"})) as made:
        assert made["a"]() == b"made here"
        assert made["b"]() == b"made here too"


@needs_fork
def test_a_maker_that_fails_everywhere_raises_its_own_error() -> None:
    def fails() -> bytes:
        raise ValueError("no chart without costs")

    with made_ahead({"a": fails}, frozenset({"a"})) as made, \
            pytest.raises(ValueError, match="no chart without costs"):
        made["a"]()


@needs_fork
def test_children_not_collected_are_ended_when_the_block_fails(tmp_path: Path) -> None:
    marker, outlived = tmp_path / "child.pid", tmp_path / "outlived"

    def waits() -> bytes:
        marker.write_text(str(os.getpid()))
        time.sleep(60)
        outlived.write_text("the child was not killed")
        return b""

    with pytest.raises(KeyError), made_ahead({"a": waits}, frozenset({"a"})):
        child = pid_in(marker)
        raise KeyError("the run failed before the chart was collected")
    with pytest.raises(ProcessLookupError):  # killed and reaped: no such process left
        os.kill(child, 0)
    assert not outlived.exists()


def test_the_written_charts_are_the_bytes_drawn_here(tmp_path: Path) -> None:
    result = allocate(ROOT / "scenarios" / "base.yaml")
    files.write_outputs(result, tmp_path, {"status": "OPTIMAL"}, formats=["png"])
    assert (tmp_path / "allocation.png").read_bytes() == files.png_bytes(result)
    assert (tmp_path / "costs.png").read_bytes() == files.costs_png_bytes(result)


@needs_fork
def test_the_board_pack_is_the_same_with_its_sections_made_in_children(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    from allocator.reports.board_pack.build import PackOptions, build_pack, render_html
    from allocator.scenario.loading import load_scenario

    files_ = [ROOT / "scenarios" / name for name in ("base.yaml", "htv-30.yaml")]
    scenarios = [(str(f), load_scenario(f)) for f in files_]
    options = PackOptions(runs=3, sweep="total_htv=30:32:1", executor="sequential")
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    forked_pack = build_pack(scenarios, options, "allocate report", moment)
    monkeypatch.setattr(forked, "may_fork", lambda: False)
    here = build_pack(scenarios, options, "allocate report", moment)
    assert forked_pack.sections == here.sections
    assert render_html(forked_pack) == render_html(here)
    # Solved one by one, section 4's Monte Carlo and sweep charts are drawn beside the
    # robust choice; on a pool (here of one process) every part draws its own: the same.
    assert set(forked_pack.timings) > {"sensitivity charts"}
    pooled = build_pack(scenarios, replace(options, executor="local", processes=1),
                        "allocate report", moment)
    assert "sensitivity charts" not in pooled.timings
    # (the reproducibility section names the executor)
    assert [x for x in pooled.sections if x.id != "reproducibility"] == \
        [x for x in here.sections if x.id != "reproducibility"]


# --- a child started before its input exists (allocator.forked.Early) -----------------------

LOADED: list[str] = []


def load_marker() -> None:
    LOADED.append(str(os.getpid()))


def loaded_and_digest(data: bytes) -> tuple[list[str], int, str, bytes]:
    """What the worker saw: what was loaded in its process, its pid, and the input's size
    and digest."""
    return list(LOADED), os.getpid(), hashlib.sha256(data).hexdigest(), data[:4]


@needs_fork
def test_an_early_child_loads_first_then_works_on_a_large_input() -> None:
    data = os.urandom(5 << 20)  # far more than a pipe holds
    with started_early(load_marker, loaded_and_digest) as early:
        early.send(data)
        loaded, pid, digest, head = early.collect()
    assert pid != os.getpid()
    assert loaded == [str(pid)]  # prepared in the child, not here
    assert LOADED == []
    assert digest == hashlib.sha256(data).hexdigest() and head == data[:4]


@needs_fork
def test_an_early_child_that_dies_while_loading_is_replaced_here() -> None:
    parent = os.getpid()

    def dies() -> None:
        if os.getpid() != parent:
            os._exit(5)

    with started_early(dies, loaded_and_digest) as early:
        early.send(b"input")
        _, pid, digest, _ = early.collect()
    assert pid == parent
    assert digest == hashlib.sha256(b"input").hexdigest()


@needs_fork
def test_an_early_child_never_sent_an_input_is_ended(tmp_path: Path) -> None:
    marker = tmp_path / "child.pid"

    def note_pid() -> None:
        marker.write_text(str(os.getpid()))

    with started_early(note_pid, loaded_and_digest) as early:
        child = pid_in(marker)
        with pytest.raises(RuntimeError, match="collect before send"):
            early.collect()
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


def test_allocate_writes_the_charts_a_child_drew_as_drawn_here(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from allocator.cli import main

    done = CliRunner().invoke(main, [str(ROOT / "scenarios" / "base.yaml"), "--out", str(tmp_path), "--lang",
                                     "fi"])
    assert done.exit_code == 0, done.output
    result = allocate(ROOT / "scenarios" / "base.yaml")
    assert (tmp_path / "allocation.png").read_bytes() == files.png_bytes(result, "fi")
    assert (tmp_path / "costs.png").read_bytes() == files.costs_png_bytes(result, "fi")
