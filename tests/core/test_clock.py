"""The solver clock leaves numba's compiler out of time limits."""

from __future__ import annotations

import numpy as np
from numba import njit

from skyshield.clock import SolverClock


def _fresh_function():  # type: ignore[no-untyped-def]
    # a new dispatcher each call, never cached: its first call compiles
    @njit(cache=False)
    def f(x: np.ndarray) -> float:
        s = 0.0
        for i in range(x.shape[0]):
            s += x[i] * x[i]
        return s

    return f


def test_compiling_is_not_solver_time() -> None:
    f = _fresh_function()
    with SolverClock() as clock:
        assert clock.compile_s() == 0.0
        f(np.ones(4))
        compiled = clock.compile_s()
        assert compiled > 0.0
        spent = clock.elapsed()
    # after the compile, the next call is counted in full and compiles nothing
    with SolverClock() as warm:
        f(np.ones(4))
        assert warm.compile_s() == 0.0
    # the solver time is the wall time less the compile time, never negative
    assert spent >= 0.0


def test_a_stopped_clock_hears_nothing() -> None:
    clock = SolverClock()
    clock.stop()
    clock.stop()  # idempotent
    _fresh_function()(np.ones(2))
    assert clock.compile_s() == 0.0
