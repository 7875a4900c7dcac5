"""The executor: the same results in input order, sequentially or on a process pool."""

from __future__ import annotations

import time

import pytest

from allocator.analysis.executor import map_jobs


def slow_square(n: int) -> int:
    """Later items finish first in a pool, so input order is not completion order."""
    time.sleep(0.05 * (4 - n))
    return n * n


def fails_on_three(n: int) -> int:
    if n == 3:
        raise ValueError("three is not allowed")
    return n


def test_sequential_and_pool_give_the_same_results_in_input_order() -> None:
    items = [0, 1, 2, 3, 4]
    seen: list[int] = []
    sequential = map_jobs(slow_square, items, executor="sequential")
    pooled = map_jobs(slow_square, items, executor="local", processes=2, on_done=seen.append)
    assert sequential == pooled == [0, 1, 4, 9, 16]
    assert sorted(seen) == [0, 1, 4, 9, 16]  # every result reported once, in any order


def test_a_job_error_is_raised_in_the_caller() -> None:
    with pytest.raises(ValueError, match="three is not allowed"):
        map_jobs(fails_on_three, [1, 2, 3, 4], executor="local", processes=2)
    with pytest.raises(ValueError, match="three is not allowed"):
        map_jobs(fails_on_three, [1, 2, 3], executor="sequential")


def test_one_process_or_one_item_runs_in_this_process() -> None:
    # A lambda cannot be pickled: this passes only if no pool is started.
    assert map_jobs(lambda n: n + 1, [1, 2], executor="local", processes=1) == [2, 3]
    assert map_jobs(lambda n: n + 1, [5], executor="local", processes=4) == [6]
    assert map_jobs(lambda n: n + 1, [], executor="local") == []


def test_unknown_executor_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown executor 'cluster'"):
        map_jobs(abs, [1], executor="cluster")


# --- Dask -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dask_scheduler():
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_dask_gives_the_same_results_in_input_order(dask_scheduler) -> None:
    items = list(range(-20, 20))
    assert map_jobs(abs, items, "dask", scheduler=dask_scheduler) == [abs(i) for i in items]


def test_dask_monte_carlo_equals_the_sequential_one(dask_scheduler) -> None:
    from pathlib import Path

    import pandas as pd

    from allocator.analysis.sensitivity import RunOptions, monte_carlo
    from allocator.scenario.loading import load_scenario

    base = load_scenario(Path(__file__).parents[1] / "scenarios" / "base.yaml")
    sequential = monte_carlo(base, runs=12, model="poisson", seed=3,
                             options=RunOptions(executor="sequential"))
    on_dask = monte_carlo(base, runs=12, model="poisson", seed=3,
                          options=RunOptions(executor="dask", scheduler=dask_scheduler))
    pd.testing.assert_frame_equal(sequential, on_dask)


def test_dask_without_a_scheduler_is_a_clear_error() -> None:
    from allocator.analysis.executor import ExecutorError

    with pytest.raises(ExecutorError, match="needs a scheduler address"):
        map_jobs(abs, [1, 2], "dask")


def test_cli_dask_needs_a_scheduler_and_reports_an_unreachable_one(tmp_path, monkeypatch) -> None:
    from pathlib import Path

    from click.testing import CliRunner

    import allocator.analysis.executor
    from allocator.cli import main

    monkeypatch.setattr(allocator.analysis.executor, "CONNECT_TIMEOUT", 2.0)
    base = str(Path(__file__).parents[1] / "scenarios" / "base.yaml")
    runner = CliRunner()
    missing = runner.invoke(main, ["montecarlo", base, "--runs", "2", "--executor", "dask",
                                   "--quiet", "--out", str(tmp_path)])
    assert missing.exit_code == 2 and "--scheduler" in missing.output
    unreachable = runner.invoke(main, ["montecarlo", base, "--runs", "2", "--executor", "dask",
                                       "--scheduler", "tcp://127.0.0.1:9", "--quiet",
                                       "--out", str(tmp_path)])
    assert unreachable.exit_code == 2, unreachable.output
    assert "cannot reach the Dask scheduler" in unreachable.stderr
    assert "Traceback" not in unreachable.output
