"""The problem's least-risk routes on a hazard field, and distinct alternatives to the best.

:func:`least_risk_routes` is the space-time sweep
(:func:`~skyshield.plan.route.min_risk_routes`) with the problem's origin, destination,
departure window, endurance and closed cells; :func:`alternatives` finds routes that keep
their distance from the best one and from each other.
"""

from __future__ import annotations

import numpy as np

from skyshield.plan.hazard import HazardField, Setting, departure_ticks
from skyshield.plan.occupancy import occupancy
from skyshield.plan.route import RouteResult, min_risk_routes


def least_risk_route(st: Setting, hz: np.ndarray, blocked: np.ndarray) -> RouteResult | None:
    """The least-hazard route and departure of the problem on the field ``hz``."""
    routes = least_risk_routes(st, hz, blocked, count=1)
    return routes[0] if routes else None


def least_risk_routes(st: Setting, hz: np.ndarray, blocked: np.ndarray,
                      count: int | None = None) -> list[RouteResult]:
    """The least-hazard route and up to ``count - 1`` (default ``spec.route_pool - 1``)
    more from the same sweeps."""
    g = st.grid
    return min_risk_routes(hz, g.nx, g.ny, g.cell_of(*st.origin), g.cell_of(*st.destination),
                           departure_ticks(st), int(st.endurance // g.tau), blocked=blocked,
                           hover=st.spec.hover,
                           count=st.spec.route_pool if count is None else count,
                           spread=st.spec.route_pool_spread)


def alternatives(st: Setting, hf: HazardField, first: RouteResult, k: int) -> list[RouteResult]:
    """Up to ``k`` distinct routes: each keeps at least half of its flight (outside the end
    discs) farther than ``separation_m`` from every earlier route.

    Notes
    -----
    Penalty method: the cells within the separation of earlier routes get an extra hazard
    ``λ`` per tick, starting at the best route's mean hazard per tick and multiplied by 4
    until the least-risk route on the penalised field is distinct (or 8 tries fail). The
    route's risk is then re-evaluated on the true field. Near-copies — the same route shifted
    by a cell or a few ticks — are never returned.
    """
    g = st.grid
    cx, cy = g.centres()
    sep = st.spec.separation_m
    ends = (np.hypot(cx - st.origin[0], cy - st.origin[1]) <= sep) | (
        np.hypot(cx - st.destination[0], cy - st.destination[1]) <= sep)
    near = np.zeros(g.n, dtype=np.bool_)
    out: list[RouteResult] = []
    prev = first
    lam0 = max(first.hazard, 1e-9) / max(first.flight_ticks, 1)
    for _ in range(k):
        for x, y in set(zip(cx[prev.cells].tolist(), cy[prev.cells].tolist(), strict=True)):
            near |= np.hypot(cx - x, cy - y) < sep
        near &= ~ends
        lam = lam0
        found = None
        for _try in range(8):
            r = least_risk_route(st, hf.hz + lam * near[None, :], hf.blocked)
            if r is None:
                break
            body = r.cells[~ends[r.cells]]
            if body.size == 0 or float(np.mean(~near[body])) >= 0.5:
                found = r
                break
            lam *= 4.0
        if found is None:
            break
        occ = occupancy(found, g.nx)
        base = float(np.sum(hf.hz[occ.ticks, occ.cells] * occ.weights))
        prev = RouteResult(found.cells, found.departure_tick, found.arrival_tick, base)
        out.append(prev)
    return out
