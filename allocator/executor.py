"""Map a picklable job over inputs: sequentially, or on a pool of local processes.

Long analyses (sweeps, tornado, tipping points, Monte Carlo) are many independent solves.
They all go through :func:`map_jobs`, so that another executor (a cluster, a queue) can be
added in one place later. Results always come back in input order, and a job must not
depend on which process runs it, so a pool gives exactly what a sequential run gives.

>>> map_jobs(abs, [-2, 3, -5], executor="sequential")
[2, 3, 5]
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Executors by name: ``local`` = a process pool on this machine, ``sequential`` = this process.
EXECUTORS = ("local", "sequential")


def default_processes() -> int:
    """Processes for the ``local`` executor: one per core [processes]."""
    return os.cpu_count() or 1


def map_jobs(job: Callable[[T], R], items: Iterable[T], executor: str = "local",
             processes: int | None = None,
             on_done: Callable[[R], None] | None = None) -> list[R]:
    """``[job(item) for item in items]``, run by ``executor``; results in input order.

    ``job`` must be a module-level function and the items picklable (they travel to other
    processes with ``local``). The pool is started once per call with the ``spawn`` method
    (no state inherited from the caller, the same on every platform) and stopped at the
    end. ``on_done`` is called in this process with each result as it arrives (for a
    progress bar), in completion order. The first exception a job raises is raised here
    after the remaining jobs are cancelled.
    """
    todo = list(items)
    if executor not in EXECUTORS:
        raise ValueError(f"unknown executor '{executor}' (known: {', '.join(EXECUTORS)})")
    workers = min(processes or default_processes(), len(todo))
    if executor == "sequential" or workers <= 1:
        out = []
        for item in todo:
            result = job(item)
            if on_done is not None:
                on_done(result)
            out.append(result)
        return out
    results: dict[int, R] = {}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        index: dict[Future[R], int] = {pool.submit(job, item): i for i, item in enumerate(todo)}
        pending = set(index)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                error = future.exception()
                if error is not None:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise error
                results[index[future]] = future.result()
                if on_done is not None:
                    on_done(results[index[future]])
    return [results[i] for i in range(len(todo))]
