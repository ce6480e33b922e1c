"""A solver clock that does not count numba's compiler.

Time limits of the solvers (``skyshield.wta``, the planner's game, the ``exact`` C2 policy)
mean "seconds of solving". On a fresh clone numba compiles the kernels on their first call
(tens of seconds on a busy machine), and a wall clock would spend the limit on compiling:
the same instance would be proven optimal on a warm cache and come back ``time_limit`` on a
cold one. :class:`SolverClock` measures wall time minus the time spent holding numba's
compiler lock (compiling, or loading compiled code from the disk cache), so a limit starts
counting only once the code it runs exists.

The compiler lock is global to the process: while a clock runs, compilation done by another
thread is excluded too, which can only lengthen a limit, never shorten it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from numba.core import event
from numba.core.event import Listener

_KIND = "numba:compiler_lock"
# numba's event API is untyped: typed aliases keep the calls checked under mypy --strict
_register: Callable[[str, Any], None] = event.register
_unregister: Callable[[str, Any], None] = event.unregister


class SolverClock:
    """Seconds since start, less the seconds spent in numba's compiler meanwhile.

    Use as a context manager (``with SolverClock() as clock: ... clock.elapsed()``) or call
    :meth:`stop` when done; an unstopped clock keeps a listener registered with numba.
    """

    def __init__(self) -> None:
        self._compiling = 0.0
        self._depth = 0
        self._since = 0.0
        self._listener: _Listener | None = _Listener(self)
        _register(_KIND, self._listener)
        self._t0 = time.perf_counter()

    def elapsed(self) -> float:
        """Solver seconds so far (wall time outside numba's compiler)."""
        now = time.perf_counter()
        compiling = self._compiling + (now - self._since if self._depth > 0 else 0.0)
        return max(now - self._t0 - compiling, 0.0)

    def compile_s(self) -> float:
        """Seconds spent in numba's compiler since the clock started."""
        return self._compiling

    def stop(self) -> None:
        """Unregister from numba's events (idempotent)."""
        if self._listener is not None:
            _unregister(_KIND, self._listener)
            self._listener = None

    def __enter__(self) -> SolverClock:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # called by the listener
    def _start(self) -> None:
        if self._depth == 0:
            self._since = time.perf_counter()
        self._depth += 1

    def _end(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._compiling += time.perf_counter() - self._since


class _Listener(Listener):
    def __init__(self, clock: SolverClock) -> None:
        self._clock = clock

    def on_start(self, event: object) -> None:
        self._clock._start()

    def on_end(self, event: object) -> None:
        self._clock._end()
