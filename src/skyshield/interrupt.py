"""Ctrl-C: interrupted work stops promptly, says what it kept, and never looks like success.

- :class:`Interrupted` is the :class:`KeyboardInterrupt` that skyshield raises when it stops
  work on SIGINT; :attr:`Interrupted.kept` says, in one line, what is on disk (nothing, or
  the finished points of a resumable sweep). The CLI prints it and exits 130.
- :func:`deferred_sigint` holds SIGINT back for the moment of a commit (a few renames), so an
  output folder is either the old one or the new one.
- :func:`spawn_pool` starts worker processes that ignore SIGINT from birth (the driver decides
  what an interrupt means, and a worker hit while it imports would print a traceback);
  :func:`stop_pool` ends them at once when the driver is interrupted, instead of waiting for
  the batches they are running.

Only the standard library is imported here.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

#: The exit status of a command stopped by SIGINT (128 + 2, as shells report it).
EXIT_INTERRUPTED = 130


class Interrupted(KeyboardInterrupt):
    """Work stopped by SIGINT.

    Parameters
    ----------
    kept
        What the interrupted work left on disk, in words (one line).
    """

    def __init__(self, kept: str) -> None:
        super().__init__(kept)
        self.kept = kept

    def __str__(self) -> str:
        return self.kept


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def deferred_sigint() -> Iterator[None]:
    """Run the block with SIGINT held back; an interrupt received meanwhile is raised as
    :class:`KeyboardInterrupt` when the block ends. Outside the main thread (where Python
    cannot change signal handlers) the block runs unprotected."""
    if not _main_thread():
        yield
        return
    got: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: got.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if got:
        raise KeyboardInterrupt


@contextlib.contextmanager
def _children_deaf_to_sigint() -> Iterator[None]:
    """Start the processes spawned in this block with SIGINT blocked.

    For the instant of each ``fork``/``exec`` (``multiprocessing.util.spawnv_passfds``,
    which the spawn start method calls) the parent's thread blocks SIGINT. A child inherits
    the blocked mask across ``exec``, so the terminal's Ctrl-C stays pending in it, never
    delivered, until the worker's initializer ignores SIGINT (which discards it): a worker
    never sees Ctrl-C, not even while it imports. The parent does not lose it: the signal
    goes to another of its threads or waits until the mask is restored, and is raised as
    usual (ignoring SIGINT for that instant, as before, discarded a Ctrl-C that landed in it).
    """
    if not _main_thread():
        yield
        return
    from multiprocessing import util

    real = util.spawnv_passfds

    def spawnv_passfds(path: Any, args: Any, passfds: Any) -> Any:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return real(path, args, passfds)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    util.spawnv_passfds = spawnv_passfds
    try:
        yield
    finally:
        util.spawnv_passfds = real


def _deaf_init(initializer: Callable[..., Any] | None, initargs: tuple[Any, ...]) -> None:
    # in the worker: SIGINT stays ignored whatever the start method did
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


def spawn_pool(workers: int, *, initializer: Callable[..., Any] | None = None,
               initargs: tuple[Any, ...] = ()) -> cf.ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes, all started now, that ignore SIGINT.

    ``spawn``, never ``fork``: numba's thread pool and DuckDB do not survive a fork. An
    interrupt while the pool starts stops the workers already started and is raised.
    """
    import multiprocessing as mp

    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                                  initializer=_deaf_init, initargs=(initializer, initargs))
    try:
        with _children_deaf_to_sigint():
            # start every worker now (the executor would start them on demand, later,
            # outside this block)
            futures = [pool.submit(int) for _ in range(workers)]
    except BaseException:
        stop_pool(pool)
        raise
    for f in futures:
        f.cancel()
    return pool


def stop_pool(pool: cf.ProcessPoolExecutor) -> None:
    """Cancel what is queued and terminate the workers now (they may be in the middle of a
    long compiled call that would not return for minutes)."""
    # ProcessPoolExecutor has no public way to end running work before Python 3.14's
    # terminate_workers(); its worker table is stable since 3.3
    procs = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        with contextlib.suppress(Exception):
            p.terminate()
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(5.0)


__all__ = ["EXIT_INTERRUPTED", "Interrupted", "deferred_sigint", "spawn_pool", "stop_pool"]
