"""Where a plan spends its ticks, and the plan itself.

A :class:`Candidate` is a concrete plan (route, take-off tick, escort posture); its
:class:`Occupancy` lists the ticks and cells it is over, with weights, the one input every
ambush damage and hazard sum over a plan reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from skyshield.plan.route import RouteResult, expand_moves


@dataclass(frozen=True)
class Occupancy:
    """Where a route spends its ticks: ``(L,)`` tick, cell and weight (a move's ticks are
    split half over the cell left and half over the cell entered, as in the sweep)."""

    ticks: np.ndarray
    cells: np.ndarray
    weights: np.ndarray


def occupancy(route: RouteResult, nx: int) -> Occupancy:
    ticks: list[int] = []
    cells: list[int] = []
    weights: list[float] = []
    t = route.departure_tick
    for u, v, m in expand_moves(route.cells, nx):
        for s in range(m):
            if u == v:
                ticks.append(t + s)
                cells.append(u)
                weights.append(1.0)
            else:
                ticks.extend((t + s, t + s))
                cells.extend((u, v))
                weights.extend((0.5, 0.5))
        t += m
    return Occupancy(np.asarray(ticks, np.int64), np.asarray(cells, np.int64),
                     np.asarray(weights))


@dataclass(frozen=True)
class Candidate:
    """A concrete plan: route, take-off tick, escort posture."""

    route: RouteResult
    posture: int
    occ: Occupancy
    origin: str  # how it was found: "min-risk", "alternative", "game"
