r"""Synthetic relief: seeded fractal terrain by spectral synthesis (``docs/model.md`` §4.9).

The surface is a *self-affine* random field: white Gaussian noise whose 2-D power spectrum is
shaped to a power law ``|k|^-β`` above a roll-off wavenumber of map scale and flat below it
(the "roll-off" spectrum of rough-surface physics, e.g. Persson et al., *J. Phys.: Condens.
Matter* 17 (2005) R1), then rescaled affinely to the asked relief. See
:func:`synthetic_relief` for the exact equations.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from skyshield.terrain.grid import Grid

#: The noise is synthesised on a domain this many times the map's size along each axis, then
#: cropped to the map: the field of a discrete Fourier transform is periodic, and cropping a
#: part of a larger period keeps opposite edges of the map from matching.
PAD = 2


def synthetic_relief(
    nx: int,
    ny: int,
    cell: float,
    *,
    seed: int,
    relief_m: float,
    roughness: float,
    base_m: float = 0.0,
    x0: float,
    y0: float,
) -> Grid:
    r"""A seeded fractal relief on an ``ny × nx`` grid of nodes.

    Parameters
    ----------
    nx, ny
        Nodes east and north (each at least 2).
    cell
        Node spacing, metres (> 0).
    seed
        Non-negative integer: the same seed gives the same grid, bit for bit.
    relief_m
        Relief, metres (> 0): the grid's ``max − min``.
    roughness
        Hurst exponent ``H`` in ``(0, 1]``: small is rugged (much power in short
        wavelengths), 1 is smooth rolling country.
    base_m
        The grid's minimum elevation, metres.
    x0, y0
        East and north (m, local) of node ``(0, 0)`` (the south-west node).

    Returns
    -------
    Grid
        ``z`` of shape ``(ny, nx)``, float64, row 0 southernmost (the :class:`Grid`
        convention); ``z.min() == base_m`` exactly and ``z.max() == base_m + relief_m``
        (the float64 sum), so ``max − min`` is ``relief_m`` to within one rounding.

    Raises
    ------
    ValueError
        An argument out of its range (the scenario's schema checks them first and names the
        field).

    Notes
    -----
    With ``Δ = cell``, ``H = roughness``, ``P = PAD = 2``, ``M_x = P·n_x``, ``M_y = P·n_y``:

    1. **Noise.** ``w[p, q] ~ N(0, 1)`` independent, ``0 ≤ p < M_y``, ``0 ≤ q < M_x``: the
       array ``np.random.default_rng(seed).standard_normal((M_y, M_x))`` (float64, C
       order): NumPy's ``PCG64`` bit generator seeded through ``SeedSequence(seed)``, the
       ziggurat normal sampler, nothing else drawn from the generator.
    2. **Spectrum.** ``Ŵ[u, v] = Σ_p Σ_q w[p, q]·exp(−2πi (p·u/M_y + q·v/M_x))`` (the
       DFT, ``numpy.fft.rfft2``), at the wavenumbers (cycles per metre)
       ``k_y(u) = u'/(M_y Δ)``, ``k_x(v) = v'/(M_x Δ)``, where ``u'`` is ``u`` folded to
       ``(−M_y/2, M_y/2]`` (``numpy.fft.fftfreq``), and ``k = √(k_x² + k_y²)``.
    3. **Shaping.** The spectral exponent of a 2-D self-affine surface with Hurst exponent
       ``H`` is ``β = 2H + 2`` (so ``β ∈ (2, 4]``; a 1-D profile across the surface then has
       spectrum ``k^-(2H+1)``). The roll-off wavenumber is ``k_c = 1/(Δ·max(n_x, n_y))``,
       one cycle over the map's longer side, so that the largest features are of map scale
       (and longer wavelengths, which would only tilt the map, get no more power than
       ``k_c``). The amplitude filter is

       ``A(k) = 0`` for ``k = 0``, ``A(k) = max(k, k_c)^(−β/2)`` otherwise,

       so that the expected power ``E|A·Ŵ|² ∝ |k|^−β`` for ``k ≥ k_c``, flat below.
    4. **Field.** ``f = DFT⁻¹(A·Ŵ)`` (``numpy.fft.irfft2`` with ``s = (M_y, M_x)``: real by
       construction), cropped to the map: ``f[i, j]``, ``0 ≤ i < n_y``, ``0 ≤ j < n_x``.
    5. **Rescaling.** ``z[i, j] = base_m + relief_m·(f[i, j] − min f)/(max f − min f)``,
       min and max over the cropped nodes. (The overall scale of ``A`` and of the DFT's
       normalisation therefore does not matter.)

    Determinism: the same seed gives the same ``w`` on every machine (PCG64 and the
    ziggurat are pure integer and IEEE float64 arithmetic), and NumPy's FFT (pocketfft) is
    deterministic, all in float64; hence the same grid, bit for bit, for a given NumPy
    version. A NumPy release that changed its FFT's rounding could change the last bits.
    """
    if not (isinstance(nx, numbers.Integral) and isinstance(ny, numbers.Integral)) \
            or isinstance(nx, bool) or isinstance(ny, bool) or nx < 2 or ny < 2:
        raise ValueError(f"a synthetic relief needs at least 2×2 nodes, not nx={nx!r}, "
                         f"ny={ny!r}")
    if not (isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0):
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    cell, relief_m, roughness = float(cell), float(relief_m), float(roughness)
    base_m, x0, y0 = float(base_m), float(x0), float(y0)
    if not (math.isfinite(cell) and cell > 0):
        raise ValueError(f"cell must be > 0 m, not {cell!r}")
    if not (math.isfinite(relief_m) and relief_m > 0):
        raise ValueError(f"relief_m must be > 0 m, not {relief_m!r}")
    if not (0.0 < roughness <= 1.0):
        raise ValueError(f"roughness (the Hurst exponent) must be in (0, 1], not {roughness!r}")
    for name, value in (("base_m", base_m), ("x0", x0), ("y0", y0)):
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite, not {value!r}")
    if not math.isfinite(base_m + relief_m):
        raise ValueError(f"base_m + relief_m overflows: {base_m!r} + {relief_m!r}")

    nx, ny = int(nx), int(ny)
    my, mx = PAD * ny, PAD * nx
    rng = np.random.default_rng(int(seed))
    w = rng.standard_normal((my, mx))  # float64
    spectrum = np.fft.rfft2(w)
    ky = np.fft.fftfreq(my, d=cell)[:, None]
    kx = np.fft.rfftfreq(mx, d=cell)[None, :]
    k = np.sqrt(kx * kx + ky * ky)
    beta = 2.0 * roughness + 2.0
    k_c = 1.0 / (cell * max(nx, ny))
    amplitude = np.maximum(k, k_c) ** (-beta / 2.0)
    amplitude[0, 0] = 0.0
    field = np.fft.irfft2(spectrum * amplitude, s=(my, mx))[:ny, :nx]
    lo = float(field.min())
    span = float(field.max()) - lo
    if not (span > 0.0 and math.isfinite(span)):  # pragma: no cover - probability zero
        raise RuntimeError(f"synthetic relief: a flat field (seed {seed})")
    z = base_m + relief_m * ((field - lo) / span)
    return Grid(z=np.ascontiguousarray(z, dtype=np.float64), x0=x0, y0=y0, cell=cell)
