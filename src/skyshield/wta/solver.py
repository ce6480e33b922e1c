"""One entry point for every weapon-based solver, returning a typed :class:`Solution`."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from skyshield.wta.problem import WTAProblem, assignment_of

Method = Literal["greedy", "local", "exact"]
Status = Literal["optimal", "feasible", "time_limit"]
METHODS: tuple[str, ...] = ("greedy", "local", "exact")
OPTIMAL_REL_GAP = 1e-6


@dataclass(frozen=True)
class Solution:
    """Result of :func:`solve`.

    Attributes
    ----------
    objective
        Expected surviving target value of ``x`` (evaluated directly).
    lower_bound
        Certified lower bound of the optimum (``lower_bound <= optimum <= objective``).
    gap
        ``(objective - lower_bound) / objective`` (0 when both are 0).
    status
        ``optimal`` (gap <= 1e-6), ``time_limit`` (``exact`` stopped by its budget) or
        ``feasible``.
    x
        ``(W, T)`` int64 units of each weapon type on each target.
    assignment
        Target index of every weapon unit, in weapon-type order (``-1``: unused unit).
    seconds
        Wall-clock time of the call.
    method
        The method that produced it.
    stats
        Solver counters (iterations, columns, phase times).
    """

    objective: float
    lower_bound: float
    gap: float
    status: Status
    x: np.ndarray
    assignment: np.ndarray
    seconds: float
    method: str
    stats: dict[str, float | int | str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """Plain-JSON view (what ``skyshield wta solve --json`` prints)."""
        return {
            "objective": self.objective,
            "lower_bound": self.lower_bound,
            "gap": self.gap,
            "status": self.status,
            "seconds": self.seconds,
            "method": self.method,
            "assignment": self.assignment.tolist(),
        }

    def to_json(self) -> str:
        """JSON text of :meth:`to_dict`."""
        return json.dumps(self.to_dict())

    def describe(self, problem: WTAProblem | None = None) -> str:
        """The solution for the terminal (what ``skyshield wta solve`` prints), headed by the
        instance it solves when ``problem`` is given."""
        lines = []
        if problem is not None:
            lines.append(f"instance     {problem.name} ({problem.n_weapons} weapon types, "
                         f"{problem.n_targets} targets, {int(problem.units.sum())} units)")
        lines += [
            f"method       {self.method}",
            f"objective    {self.objective:.9f}",
            f"lower_bound  {self.lower_bound:.9f}",
            f"gap          {self.gap:.3e}",
            f"status       {self.status}",
            f"seconds      {self.seconds:.3f}",
            "assignment   " + " ".join(str(v) for v in self.assignment.tolist()),
        ]
        return "\n".join(lines)


def heuristic_bound(problem: WTAProblem, x: np.ndarray, node_limit: int = 200) -> float:
    """Cheap certified lower bound: the Lagrangian bound at prices read off a solution.

    The price of a weapon type is the largest decrease of the objective that one more of
    its units could still buy in ``x`` (its best marginal return); any prices >= 0 give a
    valid bound (see :func:`skyshield.wta.exact.lagrangian_bound`), and a small search
    budget per target keeps the call within milliseconds for hundreds of targets.
    """
    from skyshield.wta import _kernels as K
    from skyshield.wta.exact import lagrangian_bound

    s = K.survival(problem.pk, x)
    gain = np.where(x < problem.cap, problem.values[None, :] * s[None, :] * problem.pk, 0.0)
    pi = gain.max(axis=1) if gain.size else np.zeros(problem.n_weapons)
    lb, _, _ = lagrangian_bound(problem, pi, node_limit)
    return max(lb, 0.0)


def _finish(problem: WTAProblem, x: np.ndarray, lb: float, t0: float, method: str,
            timed_out: bool, stats: dict[str, float | int | str]) -> Solution:
    problem.check(x)
    obj = problem.objective(x)
    lb = min(lb, obj)
    gap = 0.0 if obj <= 0.0 else max(obj - lb, 0.0) / abs(obj)
    status: Status
    if gap <= OPTIMAL_REL_GAP:
        status = "optimal"
    elif timed_out:
        status = "time_limit"
    else:
        status = "feasible"
    return Solution(obj, lb, gap, status, x, assignment_of(x, problem.units),
                    time.perf_counter() - t0, method, stats)


def solve(problem: WTAProblem, method: str = "local", time_limit: float = 10.0, *,
          seed: int = 0, bound: bool = True) -> Solution:
    """Solve a weapon-based WTA problem.

    Parameters
    ----------
    problem
        The instance.
    method
        ``greedy`` (maximum marginal return), ``local`` (greedy, then moves, swaps and the
        assignment neighbourhood) or ``exact`` (column generation and enumeration, with a
        certified bound when stopped by ``time_limit``).
    time_limit
        Solver seconds for the whole call (``greedy`` ignores it): time spent in numba's
        compiler on a cold cache is not counted (:class:`skyshield.clock.SolverClock`).
    seed
        Seed of the local search's random choices (results are reproducible).
    bound
        Compute a certified lower bound for ``greedy`` and ``local`` (a few milliseconds to
        a few hundred; without it their lower bound is 0).

    Returns
    -------
    Solution

    Notes
    -----
    The weapon-based problem (Manne 1958) minimises
    :math:`\\sum_j V_j \\prod_i (1-p_{ij})^{x_{ij}}` subject to
    :math:`\\sum_j x_{ij} \\le \\mu_i`. See ``docs/wta.md`` for the algorithms and measured
    performance.

    References
    ----------
    A. S. Manne, "A target-assignment problem", Operations Research 6(3):346–351, 1958.
    R. K. Ahuja, A. Kumar, K. C. Jha, J. B. Orlin, Operations Research 55(6), 2007.
    A. C. Andersen, K. Pavlikov, T. A. M. Toffolo, Annals of OR 312:581–606, 2022.
    """
    from skyshield.wta import _kernels as K

    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if not time_limit > 0:
        raise ValueError("time_limit must be > 0")
    t0 = time.perf_counter()
    stats: dict[str, float | int | str] = {}
    if method == "greedy":
        x = K.greedy_counts(problem.values, problem.pk, problem.units, problem.cap)
        lb = heuristic_bound(problem, x) if bound else 0.0
        return _finish(problem, x, lb, t0, method, False, stats)
    from skyshield.wta.local import local_search

    if method == "local":
        x, st = local_search(problem, 0.7 * time_limit, seed=seed)
        stats.update(st)
        lb = heuristic_bound(problem, x) if bound else 0.0
        return _finish(problem, x, lb, t0, method, False, stats)
    from skyshield.clock import SolverClock
    from skyshield.wta.exact import solve_exact

    with SolverClock() as clock:
        x, st = local_search(problem, 0.1 * time_limit, seed=seed, max_rounds=30)
        stats.update(st)
        res = solve_exact(problem, x, time_limit - clock.elapsed())
    stats.update(res.stats)
    return _finish(problem, res.x, res.lower_bound, t0, method, res.timed_out, stats)
