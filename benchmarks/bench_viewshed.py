"""Viewshed benchmark: milliseconds per site of the numba sweep on a 1000 x 1000 grid
(target <= 30 ms), against GDAL's ``gdal_viewshed`` on the same grid (the CLI, and the
algorithm alone: the CLI minus a ``gdal_translate`` of the same file) and xarray-spatial's
``viewshed``; then bilinear lookups per second into a site's raster (target >= 50 M/s) against
``los_clear`` ray marches per second, the two ways of answering one line-of-sight check.

Run: ``.venv/bin/python -m benchmarks.bench_viewshed [--quick] [--repeats K]``. Compilation
(or loading from numba's cache) happens before any clock; each figure is the median of the
repeats with its spread, CPU time beside wall time. GDAL and xarray-spatial are optional (a
line says when one is missing: ``make gdal``, ``pip install 'skyshield[bench]'``).
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numba import njit


def _stats_ms(xs: list[float]) -> str:
    return (f"median {statistics.median(xs) * 1e3:.2f} ms (min {min(xs) * 1e3:.2f}, "
            f"max {max(xs) * 1e3:.2f}, n={len(xs)})")


def _relief(n: int, seed: int, relief: float) -> np.ndarray:
    """A seeded fractal relief (the model's synthetic relief, Hurst 0.8), ``(n, n)`` from 0
    to ``relief`` metres."""
    from skyshield.terrain.synthetic import synthetic_relief

    return np.ascontiguousarray(synthetic_relief(n, n, 1.0, seed=seed, relief_m=relief,
                                                 roughness=0.8, x0=0.0, y0=0.0).z)


def _timed(fn: Callable[[], object], repeats: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(repeats):
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return walls, cpus


def _timed_cli(cmd: list[str], repeats: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system of the child) times of a command."""
    walls, cpus = [], []
    for _ in range(repeats):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        walls.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    return walls, cpus


def _write_envi(path: Path, z: np.ndarray, cell: float) -> None:
    """Raw float64, northern row first, with an ENVI header (GDAL reads it: no bindings, no
    text to parse); node (0, 0) at (0, 0), the sphere SRS."""
    from skyshield.terrain.viewshed import GDAL_SPHERE_WKT

    ny, nx = z.shape
    z[::-1].astype("<f8").tofile(path)
    path.with_suffix(".hdr").write_text(
        f"ENVI\nsamples = {nx}\nlines = {ny}\nbands = 1\nheader offset = 0\n"
        f"file type = ENVI Standard\ndata type = 5\ninterleave = bsq\nbyte order = 0\n"
        f"map info = {{Arbitrary, 1, 1, {-cell / 2!r}, {(ny - 0.5) * cell!r}, {cell!r}, "
        f"{cell!r}}}\ncoordinate system string = {{{GDAL_SPHERE_WKT}}}\n")


def _read_envi(path: Path, ny: int, nx: int) -> np.ndarray:
    return np.fromfile(path, dtype="<f8").reshape(ny, nx)[::-1]


def _make_lookups() -> Callable[[np.ndarray, float, np.ndarray, np.ndarray], float]:
    # the bilinear lookup of the per-scan check (skyshield.terrain.los.lookup, the kernel's),
    # compiled here without numba's disk cache: it calls into another file
    from skyshield.terrain.los import lookup

    @njit(cache=False)
    def lookups(a: np.ndarray, cell: float, xs: np.ndarray, ys: np.ndarray) -> float:
        s = 0.0
        for k in range(xs.size):
            s += lookup(a, 0.0, 0.0, cell, xs[k], ys[k])
        return s

    return lookups


def _make_marches() -> Callable[..., int]:
    from skyshield.terrain.viewshed import los_clear

    @njit(cache=False)
    def marches(z: np.ndarray, cell: float, ax: float, ay: float, ha: float, bx: np.ndarray,
                by: np.ndarray, hb: np.ndarray, curv: float) -> int:
        clear = 0
        for k in range(bx.size):
            clear += los_clear(z, 0.0, 0.0, cell, ax, ay, ha, bx[k], by[k], hb[k], curv)
        return clear

    return marches


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench_viewshed", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer repeats, for a smoke run")
    ap.add_argument("--repeats", type=int, default=None, help="timings per measurement")
    ap.add_argument("--no-gdal", action="store_true", help="skip gdal_viewshed")
    ap.add_argument("--no-xrspatial", action="store_true", help="skip xarray-spatial")
    args = ap.parse_args(argv)

    import numba

    from skyshield.terrain.viewshed import (
        CURV_4_3,
        los_clear,
        min_visible_height,
        min_visible_height_py,
    )

    repeats = args.repeats or (3 if args.quick else 15)
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, numba {numba.__version__}, numpy {np.__version__}, "
          f"python {sys.version.split()[0]} (the sweep is single-threaded)")
    try:
        print(f"load average: {os.getloadavg()[0]:.2f} (timings on a busy machine are slower)")
    except OSError:  # pragma: no cover
        pass

    n, cell, h = 1000, 30.0, 10.0
    z = _relief(n, 1, 500.0)
    sites = [(500, 500), (120, 870), (999, 0), (333, 640), (760, 210)]
    t0 = time.perf_counter()
    min_visible_height(z[:8, :8].copy(), cell, 3, 3, h, CURV_4_3)
    los_clear(z, 0.0, 0.0, cell, 0.0, 0.0, 100.0, 300.0, 400.0, 100.0, CURV_4_3)
    lookups = _make_lookups()
    marches = _make_marches()
    lookups(z[:4, :4].astype(np.float32), cell, np.zeros(1), np.zeros(1))
    marches(z, cell, 0.0, 0.0, 1.0, np.ones(1), np.ones(1), np.ones(1), CURV_4_3)
    print(f"first calls (compile or load from cache): {time.perf_counter() - t0:.1f} s")
    print(f"\ngrid: {n} x {n} nodes at {cell:.0f} m (fractal relief, 500 m, seed 1), observer "
          f"{h:.0f} m up, 4/3-Earth; sites {sites}")

    # ---- ours
    cycle = itertools.cycle(sites)
    w, c = _timed(lambda: min_visible_height(z, cell, *next(cycle), h, CURV_4_3),
                  repeats * len(sites))
    ours = statistics.median(w)
    print(f"  ours (numba sweep): {_stats_ms(w)} per site; CPU {statistics.median(c) * 1e3:.2f} "
          f"ms (target <= 30 ms)")
    m = 200
    zs = z[:m, :m].copy()
    wp, _ = _timed(lambda: min_visible_height_py(zs, cell, 100, 100, h, CURV_4_3), 1)
    wf, _ = _timed(lambda: min_visible_height(zs, cell, 100, 100, h, CURV_4_3), 20)
    print(f"  ours, plain-Python reference, {m} x {m}: {wp[0] * 1e3:.0f} ms "
          f"(x{wp[0] / statistics.median(wf):,.0f} the compiled sweep's time there)")

    # ---- GDAL
    gdal = shutil.which("gdal_viewshed")
    if args.no_gdal:
        pass
    elif gdal is None:
        print("  gdal_viewshed: not installed (make gdal): no ratio")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            src, dst, cpy = Path(tmp, "dem.bin"), Path(tmp, "vs.bin"), Path(tmp, "copy.bin")
            _write_envi(src, z, cell)
            oi, oj = sites[0]
            base = [gdal, "-q", "-om", "GROUND", "-oz", repr(h), "-cc", "0.75",
                    "-ox", repr(oj * cell), "-oy", repr(oi * cell)]
            gr = 3 if args.quick else 9
            wg, cg = _timed_cli([*base, "-f", "ENVI", str(src), str(dst)], gr)
            got = _read_envi(dst, n, n)
            ref = min_visible_height(z, cell, oi, oj, h, CURV_4_3)
            d = np.abs(ref - got)
            agree = float((d <= np.maximum(0.01, 1e-4 * np.abs(got))).mean())
            print(f"  gdal_viewshed -om GROUND -cc 0.75, ENVI float64 in and out (GDAL CLI): "
                  f"{_stats_ms(wg)}; CPU {statistics.median(cg) * 1e3:.1f} ms: ours is "
                  f"x{statistics.median(wg) / ours:,.0f} faster; it agrees with ours on "
                  f"{agree * 100:.3f} % of nodes (max |Δ| {d.max():.1e} m: float32 rounding)")
            # the algorithm alone: the same run into GDAL's in-memory driver (no output file),
            # less one whose -md of one cell clips the work to 3 x 3 nodes (start-up, drivers,
            # the SRS, opening the file: the fixed cost); what remains is the sweep and the
            # reading of the input's lines (8 MB, from the page cache)
            wm, _ = _timed_cli([*base, "-f", "MEM", str(src), "mem"], gr)
            w0, _ = _timed_cli([*base, "-md", repr(cell), "-f", "MEM", str(src), "mem"], gr)
            alg = statistics.median(wm) - statistics.median(w0)
            print(f"    into MEM (no output file): {_stats_ms(wm)}; with -md {cell:.0f} (3 x 3 "
                  f"nodes: the fixed cost): {_stats_ms(w0)}")
            print(f"    GDAL's algorithm (and reading its input) ~ the difference = "
                  f"{alg * 1e3:.1f} ms: ours is x{alg / ours:,.1f} faster (the difference of "
                  f"two noisy medians: read it to within a few ms)")
            translate = shutil.which("gdal_translate")
            if translate:
                wt, _ = _timed_cli([translate, "-q", "-of", "ENVI", "-ot", "Float64", str(src),
                                    str(cpy)], gr)
                print(f"    (gdal_translate of the same file to ENVI: {_stats_ms(wt)}, more "
                      f"than the viewshed itself, so not the baseline subtracted)")

    # ---- xarray-spatial
    if not args.no_xrspatial:
        try:
            import xarray as xr
            from xrspatial import viewshed as xrs_viewshed
        except ImportError:
            print("  xarray-spatial: not installed (pip install 'skyshield[bench]'): no ratio")
        else:
            coords = {"y": np.arange(n) * cell, "x": np.arange(n) * cell}
            da = xr.DataArray(z, dims=["y", "x"], coords=coords)
            oi, oj = sites[0]
            small = xr.DataArray(z[:50, :50], dims=["y", "x"],
                                 coords={"y": coords["y"][:50], "x": coords["x"][:50]})
            t0 = time.perf_counter()
            xrs_viewshed(small, x=10 * cell, y=10 * cell, observer_elev=h)
            print(f"  xarray-spatial first call (compile): {time.perf_counter() - t0:.1f} s")
            wx, cx = _timed(lambda: xrs_viewshed(da, x=oj * cell, y=oi * cell, observer_elev=h),
                            max(2, repeats // 5))
            print(f"  xarray-spatial viewshed (angles, flat Earth): {_stats_ms(wx)}; CPU "
                  f"{statistics.median(cx) * 1e3:.0f} ms: ours is "
                  f"x{statistics.median(wx) / ours:,.0f} faster")

    # ---- one line-of-sight check: a lookup into the site's raster, or a ray march
    rng = np.random.default_rng(2)
    raster = min_visible_height(z, cell, 500, 500, h, CURV_4_3)
    k = 2_000_000 if args.quick else 20_000_000
    xs = rng.uniform(0.0, (n - 1) * cell, k)
    ys = rng.uniform(0.0, (n - 1) * cell, k)
    wl, _ = _timed(lambda: lookups(raster, cell, xs, ys), repeats)
    rate_l = k / statistics.median(wl)
    print(f"\nbilinear lookups into the {n} x {n} float32 raster, random points, numba loop: "
          f"{rate_l / 1e6:.0f} M/s (median of {len(wl)}; min "
          f"{k / max(wl) / 1e6:.0f}, max {k / min(wl) / 1e6:.0f}; target >= 50 M/s)")
    nm = 2_000 if args.quick else 20_000
    ang = rng.uniform(0.0, 2 * math.pi, nm)
    rad = rng.uniform(3_000.0, 14_000.0, nm)  # targets 3 to 14 km from the site
    ax, ay = 500 * cell, 500 * cell
    bx, by = ax + rad * np.cos(ang), ay + rad * np.sin(ang)
    hb = np.full(nm, float(z.max()) + 100.0) * rng.uniform(0.5, 1.0, nm)
    ha = float(z[500, 500]) + h
    wm, _ = _timed(lambda: marches(z, cell, ax, ay, ha, bx, by, hb, CURV_4_3), repeats)
    rate_m = nm / statistics.median(wm)
    clear = marches(z, cell, ax, ay, ha, bx, by, hb, CURV_4_3) / nm
    samples = float(np.mean((np.abs(bx - ax) + np.abs(by - ay)) / cell))
    print(f"los_clear ray marches from the site to targets 3-14 km away (~{samples:.0f} "
          f"grid-line crossings each when clear; {clear * 100:.0f} % clear, the rest stop at "
          f"the first blocking crossing): {rate_m / 1e3:.1f} k/s (median of {len(wm)}): a lookup is "
          f"x{rate_l / rate_m:,.0f} faster than a march")
    return 0


if __name__ == "__main__":
    sys.exit(main())
