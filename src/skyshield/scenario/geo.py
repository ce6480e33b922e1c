"""Geodesy: positions of a scenario in local metres (east, north) about its origin."""

from __future__ import annotations

import math

from skyshield.scenario.schema import Area, LatLon, Point

#: WGS-84 mean Earth radius, metres (IUGG R1).
EARTH_RADIUS_M = 6_371_008.8
#: The farthest a lat/lon position may lie from the origin, metres (great circle): there the
#: projection stretches distances across the radial direction by c/sin c − 1 = 1.7 %, and
#: towards the antipode it folds the globe back onto the origin (every point at distance πR
#: from the origin maps to the same circle): a local frame is no longer one.
MAX_DISTANCE_M = 2_000_000.0


def to_local(point: Point, origin: LatLon | None) -> tuple[float, float]:
    r"""A position in local metres (east, north); lat/lon converted about ``origin``.

    Parameters
    ----------
    point
        ``(east_m, north_m)``, returned as is, or a :class:`LatLon`.
    origin
        The geographic position of the local origin; needed for a :class:`LatLon`.

    Returns
    -------
    east_m, north_m
        Local east-north coordinates, metres.

    Raises
    ------
    ValueError
        For a :class:`LatLon` without an ``origin``, or farther than :data:`MAX_DISTANCE_M`
        from it.

    Notes
    -----
    Azimuthal equidistant projection about the origin on a sphere of the WGS-84 mean radius
    :math:`R` (Snyder, *Map Projections: A Working Manual*, USGS PP 1395, 1987, §25). With
    latitudes :math:`\varphi`, longitudes :math:`\lambda` in radians,
    :math:`\Delta\lambda = \lambda - \lambda_0`,

    .. math::

        u = \cos\varphi \sin\Delta\lambda, \qquad
        v = \cos\varphi_0 \sin\varphi - \sin\varphi_0 \cos\varphi \cos\Delta\lambda, \\
        c = \operatorname{atan2}\bigl(\sqrt{u^2 + v^2},\;
            \sin\varphi_0 \sin\varphi + \cos\varphi_0 \cos\varphi \cos\Delta\lambda\bigr), \\
        (x, y) = R\,\frac{c}{\sin c}\,(u, v),

    so that :math:`\sqrt{x^2 + y^2} = R c` is the great-circle distance from the origin and
    the direction is the true azimuth. Distances between other points are stretched across
    the radial direction by :math:`c / \sin c - 1 \approx c^2 / 6`: 0.04 % at 300 km from
    the origin (an equirectangular plane would be off by
    :math:`\tan\varphi_0\,\Delta\varphi`, ~2 % at 100 km north of 50°N). The sphere differs
    from the ellipsoid by up to ~0.5 % in local scale. Longitudes are wrapped to
    :math:`(-\pi, \pi]`.
    """
    if isinstance(point, LatLon):
        if origin is None:
            raise ValueError("a lat/lon position needs the scenario 'origin'")
        phi0, phi = math.radians(origin.lat), math.radians(point.lat)
        dlam = math.radians(point.lon - origin.lon)
        u = math.cos(phi) * math.sin(dlam)
        v = math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(dlam)
        sin_c = math.hypot(u, v)
        c = math.atan2(sin_c, math.sin(phi0) * math.sin(phi)
                       + math.cos(phi0) * math.cos(phi) * math.cos(dlam))
        if EARTH_RADIUS_M * c > MAX_DISTANCE_M:
            raise ValueError(
                f"a lat/lon position {EARTH_RADIUS_M * c / 1000:,.0f} km from the origin: the "
                f"local projection is refused beyond {MAX_DISTANCE_M / 1000:,.0f} km "
                f"(distances there are stretched by more than 1.7 %)")
        # c / sin c -> 1 at the origin; below 1e-8 rad (6 cm) the ratio is 1 to 1e-17
        k = EARTH_RADIUS_M * (c / sin_c if sin_c > 1e-8 else 1.0)
        return k * u, k * v
    return float(point[0]), float(point[1])


def to_latlon(east_m: float, north_m: float, origin: LatLon) -> tuple[float, float]:
    r"""The geographic position ``(lat, lon)`` in degrees of local ``(east_m, north_m)``: the
    inverse of :func:`to_local` (Snyder 1987, eqs. 20-14 and 25-2 on the sphere):
    :math:`\rho = \sqrt{x^2 + y^2}`, :math:`c = \rho / R`,
    :math:`\varphi = \arcsin(\cos c \sin\varphi_0 + y \sin c \cos\varphi_0 / \rho)`,
    :math:`\lambda = \lambda_0 + \operatorname{atan2}(x \sin c,\; \rho \cos\varphi_0
    \cos c - y \sin\varphi_0 \sin c)`; longitude wrapped to [−180, 180)."""
    x, y = float(east_m), float(north_m)
    rho = math.hypot(x, y)
    if rho == 0.0:
        return float(origin.lat), float(origin.lon)
    c = rho / EARTH_RADIUS_M
    phi0, lam0 = math.radians(origin.lat), math.radians(origin.lon)
    phi = math.asin(max(-1.0, min(1.0, math.cos(c) * math.sin(phi0)
                                  + y * math.sin(c) * math.cos(phi0) / rho)))
    lam = lam0 + math.atan2(x * math.sin(c), rho * math.cos(phi0) * math.cos(c)
                            - y * math.sin(phi0) * math.sin(c))
    lon = (math.degrees(lam) + 180.0) % 360.0 - 180.0
    return math.degrees(phi), lon


def on_map(point: Point, origin: LatLon | None, area: Area) -> tuple[float, float]:
    """:func:`to_local`, for a position that must lie inside the map ``area``.

    Raises
    ------
    ValueError
        As :func:`to_local`, or naming the position and the map when it lies outside.
    """
    x, y = to_local(point, origin)
    if not all(math.isfinite(v) for v in (x, y)):
        raise ValueError("position must be finite")
    if not (area.west_m <= x <= area.east_m and area.south_m <= y <= area.north_m):
        raise ValueError(
            f"position ({x:.0f} m, {y:.0f} m) lies outside the map area "
            f"([{area.west_m:g}, {area.east_m:g}] x [{area.south_m:g}, {area.north_m:g}] m)")
    return x, y
