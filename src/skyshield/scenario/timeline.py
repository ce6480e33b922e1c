"""When things happen in a scenario, before any simulation: the moving assets' flight plans
(``docs/model.md`` §1) and what ``skyshield validate`` prints as the timeline (departures,
arrivals, ground stops, raid launch windows, the leak)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from skyshield.scenario.geo import to_local

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.scenario.schema import MovingAsset, Scenario


def flight_plan(wps: list[tuple[float, float]], times: list[float | None], speed: float,
                departure: float, ground: list[float] | None = None
                ) -> tuple[list[float], list[float], list[float], list[bool]]:
    """Plan points: a given ``t_s`` wins; otherwise the previous time + distance/speed. A
    waypoint with ground time ``g > 0`` becomes two points, arrival and take-off ``g`` later,
    joined by a ground leg (``docs/model.md`` §1). Returns x, y, t and, per leg, whether it
    is on the ground."""
    ground = ground or [0.0] * len(wps)
    xs: list[float] = []
    ys: list[float] = []
    ts: list[float] = []
    gnd: list[bool] = []
    for k, (p, t) in enumerate(zip(wps, times, strict=True)):
        if t is not None:
            tk = float(t)
        elif k == 0:
            tk = float(departure)
        else:
            tk = ts[-1] + math.dist(wps[k - 1], p) / speed
        if ts and tk <= ts[-1]:  # keep times strictly increasing (no zero-length leg)
            tk = ts[-1] + 1e-9
        if ts:
            gnd.append(False)
        xs.append(p[0])
        ys.append(p[1])
        ts.append(tk)
        if ground[k] > 0.0:
            gnd.append(True)
            xs.append(p[0])
            ys.append(p[1])
            ts.append(tk + float(ground[k]))
    return xs, ys, ts, gnd


def asset_plan(sc: Scenario, m: MovingAsset
               ) -> tuple[list[float], list[float], list[float], list[bool]]:
    """:func:`flight_plan` of moving asset ``m`` of ``sc`` (positions in local metres)."""
    return flight_plan([to_local(w.position, sc.origin) for w in m.waypoints],
                       [w.t_s for w in m.waypoints], m.speed_mps, m.departure_s,
                       [w.ground_s for w in m.waypoints])


def timeline(sc: Scenario) -> list[dict[str, Any]]:
    """The scenario's events in time order: each moving asset's departure, ground stops and
    arrival (with the distance flown), each raid's launch window, then the leak (``t_s``
    None: the plan is known before the flight); a dict per entry (``t_s``, ``what``,
    ``name``, and its particulars)."""
    out: list[dict[str, Any]] = []
    for m in sc.assets.moving:
        xs, ys, ts, gnd = asset_plan(sc, m)
        dist = sum(math.dist((xs[k], ys[k]), (xs[k + 1], ys[k + 1])) for k in range(len(gnd))
                   if not gnd[k])
        out.append({"t_s": ts[0], "what": "departure", "name": m.name})
        for k, g in enumerate(gnd):
            if g:
                out.append({"t_s": ts[k], "what": "ground stop", "name": m.name,
                            "until_s": ts[k + 1]})
        out.append({"t_s": ts[-1], "what": "arrival", "name": m.name,
                    "flight_s": ts[-1] - ts[0], "distance_m": dist})
    for r in sc.raids:
        lp = r.launch
        first = min(lp.times_s) if lp.times_s else lp.start_s
        last = max(lp.times_s) if lp.times_s else lp.end_s
        out.append({"t_s": float(first), "what": "raid launches", "name": r.name,
                    "until_s": float(last), "count": r.count, "threat": r.threat})
    out.sort(key=lambda e: e["t_s"])
    if sc.leak is not None:  # the plan is known before the flight: no time of its own
        lk = sc.leak
        out.append({"t_s": None, "what": "leak", "name": lk.asset or (
            sc.assets.moving[0].name if sc.assets.moving else ""),
            "probability": lk.probability, "count": lk.count, "threat": lk.threat,
            "lead_s": lk.lead_s})
    return out
