"""§4.9 of ``docs/model.md``: line of sight over the terrain.

A fixed sensor or effector sees a point at height ``h`` above ground where ``h`` is at least
its raster's lowest visible height there (:func:`skyshield.terrain.los.lookup`, one bilinear
interpolation); a mount that moves with an aircraft ray-marches the line between the two
(:func:`skyshield.terrain.viewshed.los_clear`: the ground where the line crosses the grid's
lines; :func:`~skyshield.terrain.viewshed.los_clear_quick` first accepts, with the same
answer, a line that stands above every node of its bounding box). Without terrain (``p.ter_on == 0``) every
point is in sight and only the radio horizon masks (§4.5).
"""

from __future__ import annotations

from numba import njit

from skyshield.engine.compile import (
    E_ESCORT,
    E_MAXR,
    K_ACOUSTIC,
    S_ESCORT,
    S_KIND,
    W_CLIMB,
    KernelParams,
)
from skyshield.engine.state import State
from skyshield.terrain.los import lookup
from skyshield.terrain.viewshed import los_clear_quick


@njit(inline="always")
def ground(p: KernelParams, x: float, y: float) -> float:
    """Ground elevation (m above sea level) at ``(x, y)``."""
    return lookup(p.ter_z, p.ter_x0, p.ter_y0, p.ter_cell, x, y)


@njit(inline="always")
def mount_sees(p: KernelParams, ox: float, oy: float, oh: float, x: float, y: float,
               h: float) -> bool:
    """A mount at ``(ox, oy)``, ``oh`` above the ground, sees ``(x, y)`` at ``h`` above the
    ground (the ray march of a moving mount)."""
    return los_clear_quick(p.ter_z, p.ter_bm, p.ter_block, p.ter_x0, p.ter_y0, p.ter_cell,
                           ox, oy, ground(p, ox, oy) + oh, x, y, ground(p, x, y) + h,
                           p.ter_curv)


@njit(inline="always")
def sensor_sees(p: KernelParams, s: int, sx: float, sy: float, hs: float, x: float,
                y: float, h: float) -> bool:
    """Sensor ``s`` at ``(sx, sy)``, ``hs`` above ground, sees ``(x, y, h)`` (an acoustic
    net hears round the terrain: always)."""
    if p.ter_on == 0 or int(p.sf[s, S_KIND]) == K_ACOUSTIC:
        return True
    if p.sf[s, S_ESCORT] > 0.0:
        return mount_sees(p, sx, sy, hs, x, y, h)
    return h >= lookup(p.los_s[s], p.ter_x0, p.ter_y0, p.ter_cell, x, y)


@njit(inline="always")
def effector_sees(p: KernelParams, st: State, e: int, ex: float, ey: float, x: float,
                  y: float, h: float) -> bool:
    """Effector ``e`` at ``(ex, ey)`` sees ``(x, y, h)``: from its sight height
    (``p.ter_sight`` above the ground, or above its aircraft when escort-mounted and
    airborne)."""
    if p.ter_on == 0:
        return True
    if p.ef[e, E_ESCORT] > 0.0:
        m = int(p.ef[e, E_ESCORT]) - 1
        he = p.ter_sight + (p.plan_alt[m] if st.mair[m] else 0.0)
        return mount_sees(p, ex, ey, he, x, y, h)
    return h >= lookup(p.los_e[e], p.ter_x0, p.ter_y0, p.ter_cell, x, y)


@njit(inline="always")
def follow_terrain(p: KernelParams, st: State, i: int, w: int, goal: float,
                   g: float) -> None:
    """§4.9: drone ``i`` (wave ``w``), over ground ``g``, climbs or dives towards ``goal``
    (m above sea level) by at most its climb rate times its wave's update period
    (``ter_kw`` steps), never below the ground; its height above the ground ``z`` follows."""
    c = p.wf[w, W_CLIMB] * p.dt * p.ter_kw[w]
    za = st.za[i]
    dz = goal - za
    if dz > c:
        dz = c
    elif dz < -c:
        dz = -c
    za = za + dz
    if za < g:
        za = g
    st.za[i] = za
    st.z[i] = za - g


@njit(inline="always")
def slant2(p: KernelParams, st: State, e: int, ex: float, ey: float, x: float, y: float,
           h: float, r2: float) -> float:
    """The squared range from effector ``e`` at ``(ex, ey)`` to ``(x, y)``, ``h`` above the
    ground there: ``r2`` (horizontal) without terrain; over terrain ``r2 + Δz²``, ``Δz`` the
    difference of the heights above sea level (the effector's sight, §4.9).

    Every caller tests the result against the effector's ``max_range_m``: beyond it
    horizontally, ``r2`` itself is returned (the slant range is longer still, so the same
    decisions), which spares the ground lookups of most pairs."""
    if p.ter_on == 0 or r2 > p.ef[e, E_MAXR] * p.ef[e, E_MAXR]:
        return r2
    if p.ef[e, E_ESCORT] > 0.0:
        m = int(p.ef[e, E_ESCORT]) - 1
        he = p.ter_sight
        if st.mair[m]:
            he = he + p.plan_alt[m]
        eh = ground(p, ex, ey) + he
    else:
        eh = p.ter_eh[e]  # a fixed effector's sight above sea level, computed once
    dz = (ground(p, x, y) + h) - eh
    return r2 + dz * dz
