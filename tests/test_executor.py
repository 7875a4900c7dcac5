"""The executor: the same results in input order, sequentially or on a process pool."""

from __future__ import annotations

import time

import pytest

from allocator.executor import map_jobs


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
