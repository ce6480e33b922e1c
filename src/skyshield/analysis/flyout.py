"""When a guided fly-out would change outcomes (``docs/flyout.md``): a proportional-navigation
(PN) pursuer against a straight or a weaving target, beside the straight-line intercept.

The engine (``docs/model.md`` §4.7, §6) gives a missile or interceptor the time of flight
``distance / projectile_speed_mps`` from the decision, in a straight line. This module flies
the same shot with true proportional navigation — the pursuer's velocity turned at the rate
``a = N · V_c · λ̇`` (``λ̇`` the line of sight's turn rate, ``V_c`` the closing speed, ``N``
the navigation constant), capped at ``a_max`` — in the horizontal plane, at constant speed,
with a semi-implicit Euler step ``dt``, and reports its time to come within ``hit_m`` of the
target: against a target flying straight at constant speed, and against one weaving with a
sinusoidal lateral acceleration of ``weave_g`` g. Plain NumPy; nothing random.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

G0 = 9.80665


@dataclass(frozen=True)
class Shot:
    """One engagement geometry, SI units: the pursuer starts at the origin; the target at
    ``(range_m, 0)`` flying at ``target_mps`` on ``heading_deg`` (0 = east, 180 = straight
    at the pursuer), weaving with ``weave_g`` g of lateral acceleration of period
    ``weave_s``."""

    range_m: float
    pursuer_mps: float
    target_mps: float
    heading_deg: float = 180.0
    weave_g: float = 0.0
    weave_s: float = 8.0
    nav: float = 4.0
    a_max_g: float = 30.0
    hit_m: float = 5.0
    dt: float = 0.002


def collision_time(s: Shot) -> float:
    """The straight-line intercept: the least ``τ > 0`` with
    ``|p_T + v_T τ| = V_P τ`` (the engine's ``intercept_point``), ``inf`` if none."""
    h = math.radians(s.heading_deg)
    vx, vy = s.target_mps * math.cos(h), s.target_mps * math.sin(h)
    a = vx * vx + vy * vy - s.pursuer_mps ** 2
    b = 2.0 * s.range_m * vx
    c = s.range_m ** 2
    if abs(a) < 1e-12:
        return -c / b if b < 0 else math.inf
    disc = b * b - 4 * a * c
    if disc < 0:
        return math.inf
    roots = sorted(((-b - math.sqrt(disc)) / (2 * a), (-b + math.sqrt(disc)) / (2 * a)))
    pos = [r for r in roots if r > 0]
    return pos[0] if pos else math.inf


def engine_time(s: Shot) -> float:
    """The engine's time of flight: the distance at the decision over the pursuer's speed."""
    return s.range_m / s.pursuer_mps


def pn_time(s: Shot, *, lead: bool = True, t_max: float = 600.0) -> float:
    """Time for a PN pursuer to come within ``hit_m`` (``inf`` if not within ``t_max``).
    ``lead``: launched on the collision course (else straight at the target)."""
    h = math.radians(s.heading_deg)
    tx, ty = s.range_m, 0.0
    tvx, tvy = s.target_mps * math.cos(h), s.target_mps * math.sin(h)
    px = py = 0.0
    tau = collision_time(s)
    if lead and math.isfinite(tau):
        cx, cy = tx + tvx * tau, ty + tvy * tau
    else:
        cx, cy = tx, ty
    n0 = math.hypot(cx, cy)
    pvx, pvy = s.pursuer_mps * cx / n0, s.pursuer_mps * cy / n0
    a_max = s.a_max_g * G0
    t = 0.0
    best = math.hypot(tx - px, ty - py)
    while t < t_max:
        rx, ry = tx - px, ty - py
        r = math.hypot(rx, ry)
        best = min(best, r)
        if r <= s.hit_m:
            return t
        vrx, vry = tvx - pvx, tvy - pvy
        los_rate = (rx * vry - ry * vrx) / (r * r)
        vc = -(rx * vrx + ry * vry) / r
        acc = max(-a_max, min(a_max, s.nav * vc * los_rate))
        # turn the pursuer's velocity (constant speed) by acc / V
        turn = acc / s.pursuer_mps * s.dt
        c, sn = math.cos(turn), math.sin(turn)
        pvx, pvy = pvx * c - pvy * sn, pvx * sn + pvy * c
        px += pvx * s.dt
        py += pvy * s.dt
        if s.weave_g > 0.0:  # lateral acceleration, sinusoidal, at constant speed
            lat = s.weave_g * G0 * math.sin(2 * math.pi * t / s.weave_s)
            sp = math.hypot(tvx, tvy)
            turn_t = lat / sp * s.dt
            c, sn = math.cos(turn_t), math.sin(turn_t)
            tvx, tvy = tvx * c - tvy * sn, tvx * sn + tvy * c
        tx += tvx * s.dt
        ty += tvy * s.dt
        t += s.dt
    return math.inf
