"""Line-of-sight lookups into a site's raster of the lowest visible height above ground
(``docs/model.md`` §4.9): the per-scan check of a fixed sensor or effector is one bilinear
interpolation, :func:`lookup` (compiled) or :func:`lookup_py` (plain Python, the reference),
with the arithmetic of :func:`skyshield.terrain.grid.bilinear`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


def lookup_py(a: np.ndarray, x0: float, y0: float, cell: float, x: float, y: float) -> float:
    """Bilinear interpolation of the node values ``a`` (``(ny, nx)``, row 0 south) at
    ``(x, y)``: with ``fx = (x − x0)·(1/cell)``, ``j = clamp(⌊fx⌋, 0, nx − 2)``,
    ``tx = clamp(fx − j, 0, 1)`` (the same north), the value is
    ``(1 − ty)·((1 − tx)·a[i, j] + tx·a[i, j+1]) + ty·((1 − tx)·a[i+1, j] + tx·a[i+1, j+1])``
    in float64.
    Plain Python (the reference's); :func:`lookup` is the same function compiled."""
    ny, nx = int(a.shape[0]), int(a.shape[1])
    inv = 1.0 / cell
    fx = (x - x0) * inv
    fy = (y - y0) * inv
    j = min(max(math.floor(fx), 0), max(nx - 2, 0))
    i = min(max(math.floor(fy), 0), max(ny - 2, 0))
    tx = min(max(fx - j, 0.0), 1.0)
    ty = min(max(fy - i, 0.0), 1.0)
    j1 = min(j + 1, nx - 1)
    i1 = min(i + 1, ny - 1)
    a00 = float(a[i, j])
    a01 = float(a[i, j1])
    a10 = float(a[i1, j])
    a11 = float(a[i1, j1])
    return (1.0 - ty) * ((1.0 - tx) * a00 + tx * a01) + ty * ((1.0 - tx) * a10 + tx * a11)


#: :func:`lookup_py` compiled (the kernel's per-check lookup): one body, one arithmetic.
lookup = njit(cache=True, inline="always")(lookup_py)
