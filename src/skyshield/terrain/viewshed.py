"""Viewsheds of fixed sites and line of sight between two points over an elevation grid
(``docs/model.md`` §4.9, ``docs/viewshed.md``).

:func:`min_visible_height` is the viewshed of a site: for every node of the grid, the least
height above the ground at which a target there is seen from the site. It is GDAL 3.6.2's
single-scan algorithm (``gdal_viewshed -om GROUND``, the default ``GVM_Edge`` cell mode),
operation for operation, so that the raster agrees with GDAL's to the last bit on flat Earth
and to rounding with curvature. :func:`min_visible_height_py` is the same in plain Python (the
reference implementation's, bit-identical).

:func:`los_clear` marches a ray between two points over the bilinear ground (for mounts that
move, where no raster can be precomputed); :func:`min_visible_height_raymarch` builds a
viewshed from it node by node, an independent brute-force check of the sweep.

All grids follow :mod:`skyshield.terrain.grid`: ``z`` is ``(ny, nx) float64`` metres, node
``(i, j)`` at east ``x0 + j·cell``, north ``y0 + i·cell``, row 0 southernmost.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.terrain.grid import Grid

__all__ = [
    "BLOCK",
    "CURV_4_3",
    "GDAL_SPHERE_WKT",
    "block_max",
    "los_clear",
    "los_clear_py",
    "los_clear_quick",
    "min_visible_height",
    "min_visible_height_py",
    "min_visible_height_raymarch",
    "site_viewshed",
]

#: The model's curvature term ``1/(2·k·Re)`` for the 4/3-Earth (k = 4/3, Re = 6,371,000 m),
#: m⁻¹: a point at horizontal distance ``d`` appears lowered by ``CURV_4_3·d²``. It is
#: ``gdal_viewshed -cc 0.75`` over an SRS whose semi-major axis is 6,371,000 m
#: (``docs/viewshed.md``).
CURV_4_3 = 1.0 / (2.0 * (4.0 / 3.0) * 6_371_000.0)
#: The SRS (WKT) under which ``gdal_viewshed -cc 0.75`` is :data:`CURV_4_3` exactly: a
#: projection on a sphere of 6,371,000 m (GDAL's curvature uses the SRS's semi-major axis;
#: without an SRS it applies none). For comparisons with GDAL (tests, ``bench_viewshed``).
GDAL_SPHERE_WKT = (
    'PROJCS["skyshield_local",GEOGCS["GCS_Sphere",DATUM["D_Sphere",'
    'SPHEROID["Sphere",6371000.0,0.0]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",0.0],PARAMETER["Scale_Factor",1.0],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)


# ---------------------------------------------------------------------------------------
# the sweep (GDAL 3.6.2, alg/viewshed.cpp, GVM_Edge, GVOT_MIN_TARGET_HEIGHT_FROM_GROUND)


@njit(cache=True, inline="always")
def _line(i: int, za: float, zo: float) -> float:
    """GDAL's ``CalcHeightLine``: the sight line through the node one step nearer the
    observer, extended by one step (``za`` itself at distance 1)."""
    if i == 1:
        return za
    return (za - zo) / (i - 1) + za


@njit(cache=True, inline="always")
def _edge(i: int, j: int, za: float, zb: float, zo: float) -> float:
    """GDAL's ``CalcHeightEdge`` (``i ≤ j``): the sight line through the interpolation
    between the diagonal neighbour ``za`` and the neighbour ``zb`` along the major axis."""
    if i == j:
        return _line(i, za, zo)
    return ((za - zo) * i + (zb - zo) * (j - i)) / (j - 1) + zo


@njit(cache=True, inline="always")
def _lowered(v: float, cell: float, dx: int, dy: int, curv: float) -> float:
    """Elevation ``v`` of a node ``(dx, dy)`` steps from the observer, lowered by curvature."""
    ex = cell * dx
    ey = cell * dy
    return v - curv * (ex * ex + ey * ey)


@njit(cache=True)
def _sweep_row(z: np.ndarray, r: int, dy: int, oj: int, zo: float, cell: float, curv: float,
               last: np.ndarray, this: np.ndarray, out: np.ndarray) -> None:
    """One row ``dy ≥ 1`` rows from the observer's: ``last`` holds the horizon surface of
    the row before (nearer the observer), ``this`` receives this row's."""
    nx = z.shape[1]
    for p in range(nx):
        this[p] = _lowered(z[r, p], cell, abs(p - oj), dy, curv)
    zz = _line(dy, last[oj], zo)
    v = zz - this[oj]
    out[r, oj] = v if v > 0.0 else 0.0
    if this[oj] < zz:
        this[oj] = zz
    for p in range(oj - 1, -1, -1):  # westward, then eastward: each from the node nearer
        dx = oj - p
        if dx >= dy:
            zz = _edge(dy, dx, last[p + 1], this[p + 1], zo)
        else:
            zz = _edge(dx, dy, last[p + 1], last[p], zo)
        v = zz - this[p]
        out[r, p] = v if v > 0.0 else 0.0
        if this[p] < zz:
            this[p] = zz
    for p in range(oj + 1, nx):
        dx = p - oj
        if dx >= dy:
            zz = _edge(dy, dx, last[p - 1], this[p - 1], zo)
        else:
            zz = _edge(dx, dy, last[p - 1], last[p], zo)
        v = zz - this[p]
        out[r, p] = v if v > 0.0 else 0.0
        if this[p] < zz:
            this[p] = zz


@njit(cache=True)
def min_visible_height(z: np.ndarray, cell: float, oi: int, oj: int, h_obs: float,
                       curv: float) -> np.ndarray:
    """Least height above the ground at which a target at each node is seen from a site.

    Parameters
    ----------
    z
        ``(ny, nx) float64`` elevation, metres, row 0 southernmost.
    cell
        Node spacing, metres.
    oi, oj
        The observer's node (row, column).
    h_obs
        The observer's height above the ground at its node, metres.
    curv
        Curvature term, m⁻¹: a point at horizontal distance ``d`` appears lowered by
        ``curv·d²`` (0: flat Earth; :data:`CURV_4_3` for the 4/3-Earth).

    Returns
    -------
    np.ndarray
        ``(ny, nx) float32``, metres above the ground; 0 where the ground itself is seen and
        at the observer.

    Notes
    -----
    GDAL 3.6.2's ``GDALViewshedGenerate`` (Wang, Robinson & White 2000, "Generating viewsheds
    without using sightlines", PE&RS 66(1) 87-90, as modified in GDAL), mode ``GVM_Edge``,
    output ``GVOT_MIN_TARGET_HEIGHT_FROM_GROUND``, every operation in GDAL's order. With
    ``dx = |j − oj|``, ``dy = |i − oi|`` (in nodes), the lowered ground is
    ``g(i, j) = z(i, j) − curv·((cell·dx)² + (cell·dy)²)`` and the eye is at
    ``Zo = z(oi, oj) + h_obs``. A horizon surface ``S`` is built outward from the observer:
    its row first (westward, then eastward), then row by row away from it, north and south
    (each row needs only the row before and its own nodes nearer the observer's column). At
    each node the sight line's height ``Z`` over it is extrapolated from nodes one step
    nearer, with

    - ``L(n, a) = a`` for ``n = 1``, else ``a + (a − Zo)/(n − 1)``;
    - ``E(m, n, a, b) = L(n, a)`` for ``m = n``, else
      ``((a − Zo)·m + (b − Zo)·(n − m))/(n − 1) + Zo``  (``m < n``);

    and, writing ``S'`` for the row before and ``s = sign(j − oj)``:

    - observer's row: ``Z(oi, oj ± 1)`` not used (the two neighbours are visible, output 0,
      ``S = g`` there); for ``dx ≥ 2``, ``Z = L(dx, S(oi, j − s))``;
    - other rows, observer's column: ``Z = L(dy, S'(oj))``;
    - other rows, ``dx ≥ dy``: ``Z = E(dy, dx, S'(j − s), S(j − s))``;
    - other rows, ``dx < dy``: ``Z = E(dx, dy, S'(j − s), S'(j))``.

    ``E`` is the exact height, over the node, of the plane through the eye and the two
    neighbours on the ray's side: the ray to ``(dy, dx)`` crosses the column ``dx − 1`` at
    ``dy·(dx − 1)/dx``, between the diagonal neighbour (weight ``dy/dx``) and the straight
    one (weight ``(dx − dy)/dx``), and is extended by ``dx/(dx − 1)``. The output is
    ``max(0, Z − g)`` and the surface becomes ``S = max(g, Z)``. GDAL's quirk at distance 1 is
    kept: ``L(1, a) = a`` takes the neighbour's surface itself, so the nodes next to the
    observer off its row compare their ground with the observer's *ground*, not its eye.

    The result is exact (to rounding) wherever the horizon surface over the neighbours is a
    plane through the eye (behind a straight ridge; along the observer's row and column the
    recursion ``L`` is the exact maximum sight-line slope over the nodes before); elsewhere
    the interpolation between neighbours approximates the ground's horizon.
    """
    ny, nx = z.shape
    if not (0 <= oi < ny and 0 <= oj < nx):
        raise ValueError("the observer's node lies outside the grid")
    out = np.zeros((ny, nx), dtype=np.float32)
    first = np.empty(nx, dtype=np.float64)
    for p in range(nx):
        first[p] = z[oi, p]
    zo = h_obs + first[oj]
    if oj > 0:
        first[oj - 1] = _lowered(first[oj - 1], cell, 1, 0, curv)
    if oj < nx - 1:
        first[oj + 1] = _lowered(first[oj + 1], cell, 1, 0, curv)
    for p in range(oj - 2, -1, -1):
        first[p] = _lowered(first[p], cell, oj - p, 0, curv)
        zz = _line(oj - p, first[p + 1], zo)
        v = zz - first[p]
        out[oi, p] = v if v > 0.0 else 0.0
        if first[p] < zz:
            first[p] = zz
    for p in range(oj + 2, nx):
        first[p] = _lowered(first[p], cell, p - oj, 0, curv)
        zz = _line(p - oj, first[p - 1], zo)
        v = zz - first[p]
        out[oi, p] = v if v > 0.0 else 0.0
        if first[p] < zz:
            first[p] = zz
    last = np.empty(nx, dtype=np.float64)
    this = np.empty(nx, dtype=np.float64)
    last[:] = first
    for r in range(oi + 1, ny):
        _sweep_row(z, r, r - oi, oj, zo, cell, curv, last, this, out)
        last, this = this, last
    last[:] = first
    for r in range(oi - 1, -1, -1):
        _sweep_row(z, r, oi - r, oj, zo, cell, curv, last, this, out)
        last, this = this, last
    return out


def _line_py(i: int, za: float, zo: float) -> float:
    if i == 1:
        return za
    return (za - zo) / (i - 1) + za


def _edge_py(i: int, j: int, za: float, zb: float, zo: float) -> float:
    if i == j:
        return _line_py(i, za, zo)
    return ((za - zo) * i + (zb - zo) * (j - i)) / (j - 1) + zo


def _lowered_py(v: float, cell: float, dx: int, dy: int, curv: float) -> float:
    ex = cell * dx
    ey = cell * dy
    return v - curv * (ex * ex + ey * ey)


def _sweep_row_py(z: list[list[float]], r: int, dy: int, oj: int, zo: float, cell: float,
                  curv: float, last: list[float], out: list[list[float]]) -> list[float]:
    nx = len(z[0])
    this = [_lowered_py(z[r][p], cell, abs(p - oj), dy, curv) for p in range(nx)]
    res = out[r]
    zz = _line_py(dy, last[oj], zo)
    v = zz - this[oj]
    res[oj] = v if v > 0.0 else 0.0
    if this[oj] < zz:
        this[oj] = zz
    for p in range(oj - 1, -1, -1):
        dx = oj - p
        if dx >= dy:
            zz = _edge_py(dy, dx, last[p + 1], this[p + 1], zo)
        else:
            zz = _edge_py(dx, dy, last[p + 1], last[p], zo)
        v = zz - this[p]
        res[p] = v if v > 0.0 else 0.0
        if this[p] < zz:
            this[p] = zz
    for p in range(oj + 1, nx):
        dx = p - oj
        if dx >= dy:
            zz = _edge_py(dy, dx, last[p - 1], this[p - 1], zo)
        else:
            zz = _edge_py(dx, dy, last[p - 1], last[p], zo)
        v = zz - this[p]
        res[p] = v if v > 0.0 else 0.0
        if this[p] < zz:
            this[p] = zz
    return this


def min_visible_height_py(z: np.ndarray, cell: float, oi: int, oj: int, h_obs: float,
                          curv: float) -> np.ndarray:
    """:func:`min_visible_height` in plain Python (scalar float64 arithmetic, the same
    operations in the same order): bit-identical, the reference implementation's."""
    ny, nx = z.shape
    if not (0 <= oi < ny and 0 <= oj < nx):
        raise ValueError("the observer's node lies outside the grid")
    zl: list[list[float]] = np.asarray(z, dtype=np.float64).tolist()
    cell, h_obs, curv = float(cell), float(h_obs), float(curv)
    out = [[0.0] * nx for _ in range(ny)]
    first = list(zl[oi])
    zo = h_obs + first[oj]
    if oj > 0:
        first[oj - 1] = _lowered_py(first[oj - 1], cell, 1, 0, curv)
    if oj < nx - 1:
        first[oj + 1] = _lowered_py(first[oj + 1], cell, 1, 0, curv)
    for p in range(oj - 2, -1, -1):
        first[p] = _lowered_py(first[p], cell, oj - p, 0, curv)
        zz = _line_py(oj - p, first[p + 1], zo)
        v = zz - first[p]
        out[oi][p] = v if v > 0.0 else 0.0
        if first[p] < zz:
            first[p] = zz
    for p in range(oj + 2, nx):
        first[p] = _lowered_py(first[p], cell, p - oj, 0, curv)
        zz = _line_py(p - oj, first[p - 1], zo)
        v = zz - first[p]
        out[oi][p] = v if v > 0.0 else 0.0
        if first[p] < zz:
            first[p] = zz
    last = first
    for r in range(oi + 1, ny):
        last = _sweep_row_py(zl, r, r - oi, oj, zo, cell, curv, last, out)
    last = first
    for r in range(oi - 1, -1, -1):
        last = _sweep_row_py(zl, r, oi - r, oj, zo, cell, curv, last, out)
    # float64 → float32 rounds to nearest, as the compiled store does
    return np.array(out, dtype=np.float32).reshape(ny, nx)


# ---------------------------------------------------------------------------------------
# ray marching over the bilinear ground


def _crossing_rises(z: np.ndarray, x0: float, y0: float, cell: float, ax: float, ay: float,
                    bx: float, by: float, ha: float, curv: float, stop: float) -> float:
    """(The body shared by the compiled and the plain ray march; see :func:`los_clear`.)"""
    ny: int = z.shape[0]
    nx: int = z.shape[1]
    fxa = (ax - x0) / cell
    fya = (ay - y0) / cell
    fxb = (bx - x0) / cell
    fyb = (by - y0) / cell
    ddx = fxb - fxa
    ddy = fyb - fya
    d2 = cell * cell * (ddx * ddx + ddy * ddy)
    best = -math.inf
    # the vertical grid lines x = x0 + j·cell strictly between A and B
    if ddx != 0.0:
        lo = min(fxa, fxb)
        hi = max(fxa, fxb)
        j0 = max(math.floor(lo) + 1, 0)
        j1 = min(math.ceil(hi) - 1, nx - 1)
        for j in range(j0, j1 + 1):
            t = (j - fxa) / ddx
            if t <= 0.0 or t >= 1.0:
                continue
            fy = fya + t * ddy
            i = min(max(math.floor(fy), 0), max(ny - 2, 0))
            ty = min(max(fy - i, 0.0), 1.0)
            i1 = min(i + 1, ny - 1)
            g = (1.0 - ty) * float(z[i, j]) + ty * float(z[i1, j])
            q = (g - curv * (t * t * d2) - ha) / t
            if q > best:
                best = q
                if best > stop:
                    return best
    # the horizontal grid lines y = y0 + i·cell strictly between A and B
    if ddy != 0.0:
        lo = min(fya, fyb)
        hi = max(fya, fyb)
        i0 = max(math.floor(lo) + 1, 0)
        i1_ = min(math.ceil(hi) - 1, ny - 1)
        for i in range(i0, i1_ + 1):
            t = (i - fya) / ddy
            if t <= 0.0 or t >= 1.0:
                continue
            fx = fxa + t * ddx
            j = min(max(math.floor(fx), 0), max(nx - 2, 0))
            tx = min(max(fx - j, 0.0), 1.0)
            j1_ = min(j + 1, nx - 1)
            g = (1.0 - tx) * float(z[i, j]) + tx * float(z[i, j1_])
            q = (g - curv * (t * t * d2) - ha) / t
            if q > best:
                best = q
                if best > stop:
                    return best
    return best


_crossing_rises_nb = njit(cache=True, inline="always")(_crossing_rises)


@njit(cache=True)
def los_clear(z: np.ndarray, x0: float, y0: float, cell: float, ax: float, ay: float,
              ha: float, bx: float, by: float, hb: float, curv: float) -> bool:
    """Whether the straight line between two points clears the ground.

    Parameters
    ----------
    z, x0, y0, cell
        The grid (:class:`skyshield.terrain.grid.Grid`'s fields): ``(ny, nx) float64``
        elevation, metres, row 0 south; node ``(0, 0)`` at ``(x0, y0)``; spacing ``cell``.
    ax, ay, ha
        Point A: east, north (m, local) and height above sea level (m).
    bx, by, hb
        Point B, likewise.
    curv
        Curvature term, m⁻¹ (as :func:`min_visible_height`'s).

    Returns
    -------
    bool
        True when no crossing of a grid line blocks the line.

    Notes
    -----
    The ground is sampled where the line crosses a grid line strictly between A and B (in
    grid units ``f = ((x − x0)/cell, (y − y0)/cell)``, the column lines ``f_x = j`` and the
    row lines ``f_y = i`` of the grid): at parameter ``t = (j − f_xA)/(f_xB − f_xA)``
    (resp. ``(i − f_yA)/(f_yB − f_yA)``), ``0 < t < 1``, the ground ``g`` is the linear
    interpolation between the two nodes of that grid line around the crossing (the bilinear
    ground there, exactly; clamped to the grid). With ``D²`` the squared horizontal distance,
    the line is blocked when some crossing has
    ``q = (g − curv·t²·D² − ha)/t > hb − curv·D² − ha``: the ground there, lowered by
    curvature as seen from A, stands above the line to B, lowered likewise. The crossings
    are about ``(|Δx| + |Δy|)/cell`` (two loads each).
    """
    rise = hb - curv * (cell * cell * (((bx - x0) / cell - (ax - x0) / cell) ** 2
                                       + ((by - y0) / cell - (ay - y0) / cell) ** 2)) - ha
    return _crossing_rises_nb(z, x0, y0, cell, ax, ay, bx, by, ha, curv, rise) <= rise


def los_clear_py(z: np.ndarray, x0: float, y0: float, cell: float, ax: float, ay: float,
                 ha: float, bx: float, by: float, hb: float, curv: float) -> bool:
    """:func:`los_clear` in plain Python (the reference implementation's; the same answer
    from the same operations)."""
    x0, y0, cell, curv = float(x0), float(y0), float(cell), float(curv)
    ax, ay, ha, bx, by, hb = float(ax), float(ay), float(ha), float(bx), float(by), float(hb)
    rise = hb - curv * (cell * cell * (((bx - x0) / cell - (ax - x0) / cell) ** 2
                                       + ((by - y0) / cell - (ay - y0) / cell) ** 2)) - ha
    return bool(_crossing_rises(z, x0, y0, cell, ax, ay, bx, by, ha, curv, rise) <= rise)


@njit(cache=True)
def min_visible_height_raymarch(z: np.ndarray, cell: float, oi: int, oj: int, h_obs: float,
                                curv: float) -> np.ndarray:
    """:func:`min_visible_height` by brute force: for each node, the least height above its
    ground at which :func:`los_clear` (from the eye ``h_obs`` above node ``(oi, oj)``) holds.

    Returns
    -------
    np.ndarray
        ``(ny, nx) float32``, metres above the ground (0 at the observer).

    Notes
    -----
    With :func:`los_clear`'s crossings of the line from the eye ``A`` (``ha = z(oi, oj) +
    h_obs``) to node ``B``, squared distance ``D²``, the line clears iff
    ``hb ≥ ha + curv·D² + max q``, so the least visible height is
    ``max(0, ha + curv·D² + max q − z(B))`` (0 when there is no crossing). Cost: about
    ``(|Δi| + |Δj|)`` crossings per node, ``O(ny·nx·(ny + nx))``.
    """
    ny, nx = z.shape
    if not (0 <= oi < ny and 0 <= oj < nx):
        raise ValueError("the observer's node lies outside the grid")
    out = np.zeros((ny, nx), dtype=np.float32)
    ax = oj * cell
    ay = oi * cell
    ha = z[oi, oj] + h_obs
    for i in range(ny):
        for j in range(nx):
            bx = j * cell
            by = i * cell
            q = _crossing_rises_nb(z, 0.0, 0.0, cell, ax, ay, bx, by, ha, curv, math.inf)
            if q == -math.inf:
                continue
            d2 = cell * cell * ((bx / cell - ax / cell) ** 2 + (by / cell - ay / cell) ** 2)
            v = ha + curv * d2 + q - z[i, j]
            out[i, j] = v if v > 0.0 else 0.0
    return out


def site_viewshed(grid: Grid, x: float, y: float, h_obs: float,
                  curv: float = CURV_4_3) -> np.ndarray:
    """The raster of a site at ``(x, y)`` (local metres), ``h_obs`` above the ground: the
    :func:`min_visible_height` sweep from the grid's node nearest the site (the engine's,
    the planner's and the map's, ``docs/model.md`` §4.9)."""
    oi, oj = grid.node(x, y)
    return min_visible_height(np.ascontiguousarray(grid.z, dtype=np.float64), float(grid.cell),
                              oi, oj, float(h_obs), float(curv))

#: Cells per side of a block of :func:`block_max` (the quick accept of :func:`los_clear_quick`).
BLOCK = 8
#: Metres by which both ends must stand above the highest node for the quick accept (far
#: above the rounding of the march's own test, so that accepting never changes its answer).
QUICK_MARGIN_M = 1e-3


def block_max(z: np.ndarray, block: int = BLOCK) -> np.ndarray:
    """``(⌈ny/b⌉, ⌈nx/b⌉) float64``: the highest node of each block of nodes
    ``[bi·b, (bi+1)·b] × [bj·b, (bj+1)·b]`` (boundary nodes in both neighbours)."""
    ny, nx = z.shape
    nby = -(-ny // block)
    nbx = -(-nx // block)
    out = np.empty((nby, nbx), dtype=np.float64)
    for bi in range(nby):
        for bj in range(nbx):
            out[bi, bj] = z[bi * block:min((bi + 1) * block, ny - 1) + 1,
                            bj * block:min((bj + 1) * block, nx - 1) + 1].max()
    return out


@njit(cache=True)
def los_clear_quick(z: np.ndarray, bmax: np.ndarray, block: int, x0: float, y0: float,
                    cell: float, ax: float, ay: float, ha: float, bx: float, by: float,
                    hb: float, curv: float) -> bool:
    """:func:`los_clear`'s answer, with a quick accept first: every crossing's ground lies
    between the nodes of the line's bounding box, and the line (lowered by curvature at
    most ``curv·D²/4`` below its lower end) stands above them all when the highest node of
    the blocks covering the box is more than :data:`QUICK_MARGIN_M` below ``min(ha, hb) −
    curv·D²/4`` — then no crossing can block. Otherwise the march decides."""
    ny, nx = z.shape
    inv = 1.0 / cell
    fxa = (ax - x0) * inv
    fxb = (bx - x0) * inv
    fya = (ay - y0) * inv
    fyb = (by - y0) * inv
    j0 = min(max(math.floor(min(fxa, fxb)), 0), nx - 1)
    j1 = min(max(math.ceil(max(fxa, fxb)), 0), nx - 1)
    i0 = min(max(math.floor(min(fya, fyb)), 0), ny - 1)
    i1 = min(max(math.ceil(max(fya, fyb)), 0), ny - 1)
    top = -math.inf
    for bi in range(i0 // block, i1 // block + 1):
        for bj in range(j0 // block, j1 // block + 1):
            if bmax[bi, bj] > top:
                top = bmax[bi, bj]
    dx = bx - ax
    dy = by - ay
    low = min(ha, hb) - 0.25 * curv * (dx * dx + dy * dy)
    if top + QUICK_MARGIN_M < low:
        return True
    return los_clear(z, x0, y0, cell, ax, ay, ha, bx, by, hb, curv)
