"""Running many Monte Carlo points in parallel: in this process, a local process pool, or Ray.

A *point* is one ``simulate(scenario, replications, seed, workers=1)`` call. Its result
depends only on (scenario, replications, seed), never on which worker ran it or when, so the
backends are interchangeable and the order in which points finish does not matter: the
caller receives each :class:`PointOutcome` as it finishes and files it under its index.

Workers that die (killed, out of memory, a crashed node) are replaced and their points run
again, up to ``max_retries`` times; an exception raised by the simulation itself is a
deterministic failure and is not retried.
"""

from __future__ import annotations

import concurrent.futures as cf
import importlib
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from skyshield.interrupt import spawn_pool, stop_pool

#: The function that runs one point, as ``module:attribute``.
DEFAULT_SIMULATOR = "skyshield:simulate"  # the public entry point, wherever it lives
BACKENDS = ("process", "ray", "serial")


class WorkerDiedError(RuntimeError):
    """A point's worker died more often than ``max_retries`` allows."""


@dataclass(frozen=True)
class PointTask:
    """One Monte Carlo run to do.

    Attributes
    ----------
    index
        The caller's name for the point (its position in the design).
    scenario_json
        The scenario, validated, as ``Scenario.model_dump_json()`` (cheap to ship to workers).
    replications, seed
        As for :func:`skyshield.simulate`.
    keep_vip
        Also return the per-replication losses of the VIP (asset 0) and of every asset, for
        paired comparisons.
    threads
        Compute threads the worker may use (0: leave the process's setting alone).
    simulator
        ``module:attribute`` of the simulate function (a stand-in in tests).
    """

    index: int
    scenario_json: str
    replications: int
    seed: int
    keep_vip: bool = False
    threads: int = 0
    simulator: str = DEFAULT_SIMULATOR


@dataclass
class PointOutcome:
    """What a point sends back: its summary and, if asked, the losses per replication."""

    index: int
    summary: dict[str, Any]
    vip_lost: np.ndarray | None = None  # (R,) bool, replication order
    seconds: float = 0.0  # wall time in the worker
    cpu_seconds: float = 0.0  # CPU time of the worker process (all its threads)
    asset_lost: np.ndarray | None = None  # (R, A) bool, replication order, assets in order
    rounds: np.ndarray | None = None  # (R,) int64 rounds fired (all effectors), with keep_vip


def _load(simulator: str) -> Callable[..., Any]:
    module, _, attr = simulator.partition(":")
    fn: Callable[..., Any] = getattr(importlib.import_module(module), attr)
    return fn


def run_point(task: PointTask) -> PointOutcome:
    """Run one point (in whichever process the backend chose)."""
    from skyshield.scenario.schema import Scenario

    t0, c0 = time.perf_counter(), time.process_time()
    if task.threads > 0:
        import numba

        numba.set_num_threads(min(task.threads, numba.config.NUMBA_NUM_THREADS))  # type: ignore[attr-defined]
    scenario = Scenario.model_validate_json(task.scenario_json)
    res = _load(task.simulator)(scenario, task.replications, task.seed, workers=1, record=0)
    lost = np.asarray(res.asset_lost, dtype=bool).copy() if task.keep_vip else None
    outcome = getattr(res, "outcome", None)  # (a stand-in simulator may have none)
    rounds = (np.asarray(outcome["eff_shots"], dtype=np.int64).sum(axis=1)
              if task.keep_vip and outcome is not None else None)
    return PointOutcome(task.index, res.summary, None if lost is None else lost[:, 0],
                        time.perf_counter() - t0, time.process_time() - c0, lost, rounds)


# --------------------------------------------------------------------------- process pool


def _watch_parent(parent: int) -> None:
    # A pool worker blocks on its task queue, whose pipe it holds both ends of, so it would
    # outlive a driver killed by SIGKILL; it leaves as soon as it is re-parented instead.
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def _pool_init(parent: int) -> None:
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _process_backend(tasks: Sequence[PointTask], workers: int,
                     max_retries: int) -> Iterator[PointOutcome]:
    """Run the points on a pool of spawned processes, replacing the pool when a worker dies.

    When a worker dies the pool breaks and every point then running is lost with it, and
    nothing says which one killed it. Those points are retried one at a time ("suspects"): a
    death while a point runs alone is its own, and only such deaths count against
    ``max_retries``; then the points go back to running in parallel.
    """
    queue = list(tasks)[::-1]  # pop() from the end hands them out in the order given
    suspects: list[PointTask] = []
    deaths: dict[int, int] = {}
    while queue or suspects:
        # spawned (never forked: numba's thread pool and Ray do not survive it), deaf to
        # SIGINT: the driver decides what an interrupt means
        pool = spawn_pool(workers, initializer=_pool_init, initargs=(os.getpid(),))
        in_flight: dict[cf.Future[PointOutcome], PointTask | _Suspect] = {}
        broken = False
        leaving = True  # until the loop ends normally: interrupted, or the caller stopped
        try:
            while not broken and (queue or suspects or in_flight):
                solo = bool(suspects) or (len(in_flight) == 1 and _is_suspect(in_flight))
                if suspects and not in_flight:
                    t = suspects.pop()
                    broken = not _submit(pool, in_flight, _Suspect(t))
                    if broken:
                        suspects.append(t)  # it never ran: nothing to charge it with
                elif not solo:
                    # one point per worker in flight, so that a break loses little work
                    while queue and len(in_flight) < workers and not broken:
                        t = queue.pop()
                        # a point just handed out may already have killed its worker (the
                        # pool then refuses the next): the refused one goes back, unrun
                        broken = not _submit(pool, in_flight, t)
                        if broken:
                            queue.append(t)
                done: set[cf.Future[PointOutcome]] = set()
                if not broken:
                    done, _ = cf.wait(in_flight, return_when=cf.FIRST_COMPLETED)
                lost: list[PointTask | _Suspect] = []
                for fut in done:
                    gone = in_flight.pop(fut)
                    try:
                        out = fut.result()
                    except cf.process.BrokenProcessPool:
                        broken = True
                        lost.append(gone)
                        continue
                    yield out
                if broken:
                    lost += list(in_flight.values())
                    in_flight.clear()
                    if len(lost) == 1:  # it ran alone: the death was its own
                        t = lost[0].task if isinstance(lost[0], _Suspect) else lost[0]
                        deaths[t.index] = deaths.get(t.index, 0) + 1
                        if deaths[t.index] > max_retries:
                            raise WorkerDiedError(f"the worker running point {t.index} died "
                                                  f"{deaths[t.index]} times")
                        suspects.append(t)
                    else:
                        suspects.extend(x.task if isinstance(x, _Suspect) else x for x in lost)
            leaving = False
        finally:
            if leaving:
                stop_pool(pool)  # the points running are not wanted; do not wait for them
            else:
                pool.shutdown(wait=not broken, cancel_futures=True)


def _submit(pool: cf.ProcessPoolExecutor,
            in_flight: dict[cf.Future[PointOutcome], PointTask | _Suspect],
            item: PointTask | _Suspect) -> bool:
    """Hand one point to the pool; False when the pool has broken already."""
    task = item.task if isinstance(item, _Suspect) else item
    try:
        in_flight[pool.submit(run_point, task)] = item
    except cf.process.BrokenProcessPool:
        return False
    return True


class _Suspect:
    """A point running alone after a worker death (see :func:`_process_backend`)."""

    def __init__(self, task: PointTask) -> None:
        self.task = task


def _is_suspect(in_flight: dict[Any, Any]) -> bool:
    return any(isinstance(t, _Suspect) for t in in_flight.values())


# --------------------------------------------------------------------------- Ray


def _ray_backend(tasks: Sequence[PointTask], workers: int, address: str | None,
                 max_retries: int) -> Iterator[PointOutcome]:
    from skyshield.distributed import ray_session

    with ray_session(workers, address) as ray:
        # Ray re-runs a task whose worker process or node dies (max_retries); exceptions
        # raised by the simulation itself are not retried (retry_exceptions=False)
        remote = ray.remote(num_cpus=1, max_retries=max_retries)(run_point)
        refs = {remote.remote(t): t for t in tasks}
        while refs:
            done, _ = ray.wait(list(refs), num_returns=1)
            for ref in done:
                t = refs.pop(ref)
                try:
                    yield ray.get(ref)
                except ray.exceptions.WorkerCrashedError as exc:
                    raise WorkerDiedError(f"the worker running point {t.index} died "
                                          f"{max_retries + 1} times") from exc


# --------------------------------------------------------------------------- entry point


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def execute(
    tasks: Sequence[PointTask],
    *,
    backend: str = "process",
    workers: int | None = None,
    address: str | None = None,
    max_retries: int = 3,
) -> Iterator[PointOutcome]:
    """Run the points; yield each outcome as it finishes (in no particular order).

    Parameters
    ----------
    tasks
        The points. Their ``threads`` is set here: one thread per worker in a pool.
    backend
        ``process`` (a local pool of spawned processes), ``ray`` (a Ray cluster at
        ``address``, or a local Ray instance when none is given and none is running) or
        ``serial`` (one after the other in this process).
    workers
        Pool size (``process``), CPUs of a local Ray instance; default: the CPU count.
    max_retries
        How many times a point whose worker died is run again.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}")
    n = workers or default_workers()
    if backend == "serial" or not tasks:
        for t in tasks:
            yield run_point(t)
        return
    if backend == "process":
        # each worker gets its share of the cores for the compiled kernel's threads
        n = min(n, len(tasks))
        threads = max(1, default_workers() // n)
        tasks = [_with_threads(t, threads) for t in tasks]
        yield from _process_backend(tasks, n, max_retries)
    else:
        yield from _ray_backend([_with_threads(t, 1) for t in tasks], n, address, max_retries)


def _with_threads(t: PointTask, threads: int) -> PointTask:
    from dataclasses import replace

    return replace(t, threads=threads)
