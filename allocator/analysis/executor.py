"""Map a picklable job over inputs: sequentially, on local processes, or on a Dask cluster.

Long analyses (sweeps, tornado, tipping points, Monte Carlo) are many independent solves.
They all go through :func:`map_jobs`. Results always come back in input order, and a job
must not depend on which process runs it, so every executor gives exactly what a
sequential run gives.

>>> map_jobs(abs, [-2, 3, -5], executor="sequential")
[2, 3, 5]
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import TypeVar

from allocator.errors import ExecutorError

T = TypeVar("T")
R = TypeVar("R")

#: Executors by name: ``local`` = a process pool on this machine, ``sequential`` = this
#: process, ``dask`` = an existing Dask cluster (optional extra: pip install -e '.[dask]').
EXECUTORS = ("local", "sequential", "dask")


#: Seconds to wait for a Dask scheduler to answer before giving up.
CONNECT_TIMEOUT = 30.0


def default_processes() -> int:
    """Processes for the ``local`` executor: one per core [processes]."""
    return os.cpu_count() or 1


def map_jobs(job: Callable[[T], R], items: Iterable[T], executor: str = "local",
             processes: int | None = None,
             on_done: Callable[[R], None] | None = None,
             scheduler: str | None = None,
             on_phase: Callable[[str], None] | None = None) -> list[R]:
    """``[job(item) for item in items]``, run by ``executor``; results in input order.

    ``job`` must be a module-level function and the items picklable (they travel to other
    processes with ``local``). The pool is started once per call (see :func:`start_method`)
    and stopped at the end. ``on_done`` is called in this process with each result as it
    arrives (for a progress bar), in completion order; ``on_phase`` with what happens before
    the first result (starting the processes, connecting to the cluster), then with '' once
    results come. The first exception a job raises is raised here after the remaining jobs are
    cancelled.
    """
    phase = on_phase or (lambda _text: None)
    todo = list(items)
    if executor not in EXECUTORS:
        raise ValueError(f"unknown executor '{executor}' (known: {', '.join(EXECUTORS)})")
    if executor == "dask":
        return _map_dask(job, todo, scheduler, on_done, phase)
    workers = min(processes or default_processes(), len(todo))
    if executor == "sequential" or workers <= 1:
        phase("")
        out = []
        for item in todo:
            result = job(item)
            if on_done is not None:
                on_done(result)
            out.append(result)
        return out
    results: dict[int, R] = {}
    phase(f"starting {workers} processes")
    context = multiprocessing.get_context(start_method())
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_worker_signals)
    try:
        index: dict[Future[R], int] = {pool.submit(job, item): i for i, item in enumerate(todo)}
        pending = set(index)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                error = future.exception()
                if error is not None:
                    raise error
                if not results:
                    phase("")
                results[index[future]] = future.result()
                if on_done is not None:
                    on_done(results[index[future]])
    except BaseException:
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)
    return [results[i] for i in range(len(todo))]


def start_method() -> str:
    """How the ``local`` pool starts its processes: ``fork`` on Linux, ``spawn`` elsewhere.

    A forked worker starts with the package, OR-Tools and the caller's prepared tables
    already in memory (about 0.5 s of imports saved per worker on an idle core); a job
    depends only on its item, so the start method never changes a result. Elsewhere
    ``fork`` is unsafe (macOS system libraries) or missing (Windows).
    """
    return "fork" if sys.platform == "linux" else "spawn"


def _worker_signals() -> None:
    """In a pool worker: leave Ctrl-C to the parent, which stops the workers itself
    (otherwise every worker prints its own traceback or message), and let SIGTERM end
    the worker silently, whatever handlers the parent's modules installed on import."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


#: Seconds a pool worker gets to exit after SIGTERM before it is killed.
STOP_TIMEOUT = 5.0


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel the pool's queued jobs and end its workers now, also those mid-solve.

    ``shutdown`` alone waits for running jobs to finish, which an interrupted or
    terminated command must not do; the workers would outlive it.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(STOP_TIMEOUT)
        if process.is_alive():
            process.kill()
            process.join()


def _map_dask(job: Callable[[T], R], todo: list[T], scheduler: str | None,
              on_done: Callable[[R], None] | None, phase: Callable[[str], None]) -> list[R]:
    """Run the jobs on the Dask cluster whose scheduler listens at ``scheduler``.

    The cluster's workers need this package installed (the same version) so that they
    can unpickle and run the jobs; the jobs carry everything else they need.
    """
    if not scheduler:
        raise ExecutorError("the dask executor needs a scheduler address, e.g. "
                            "--scheduler tcp://10.0.0.5:8786")
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ExecutorError("the dask executor needs Dask: pip install -e '.[dask]'") from None
    phase(f"connecting to {scheduler}")
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except OSError as exc:
        raise ExecutorError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        with client.as_current():
            futures = client.map(job, todo, pure=False)
            position = {future.key: i for i, future in enumerate(futures)}
            results: dict[int, R] = {}
            phase("")
            for future in as_completed(futures):
                result = client.gather(future)
                results[position[future.key]] = result
                if on_done is not None:
                    on_done(result)
        return [results[i] for i in range(len(todo))]
    finally:
        client.close()
