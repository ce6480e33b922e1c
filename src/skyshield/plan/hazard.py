"""The time-dependent hazard field: P(VIP lost) per tick over each grid cell.

Built from the scenario's raids, defence laydown and weapons-free zones by closed-form
encounter models (Notes of :func:`build_hazard`), vectorised over cells and ticks. Also the
ambush options of the randomisation game and their damage fields.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from skyshield.errors import InputError
from skyshield.plan.spec import PlanSpec
from skyshield.scenario import default_catalogue, to_local
from skyshield.scenario.equipment import (
    ResolvedEffector,
    ResolvedEquipment,
    perceived_class,
    raid_params,
    resolve_equipment,
)
from skyshield.scenario.geo import on_map
from skyshield.scenario.ground import terrain_grid
from skyshield.scenario.schema import VIP_INDEX, LaunchProfile, MovingAsset, Scenario
from skyshield.terrain.grid import Grid as TerrainGrid
from skyshield.terrain.grid import bilinear


@dataclass(frozen=True)
class Grid:
    """The planning grid and clock.

    Attributes
    ----------
    x0, y0
        Centre of cell (0, 0), metres.
    cell
        Cell side, metres.
    nx, ny
        Cells east and north.
    tau
        Tick, seconds (``cell / (2 v)``: an orthogonal move lasts two ticks).
    T
        Ticks in the horizon (the scenario's duration).
    """

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int
    tau: float
    T: int

    @property
    def n(self) -> int:
        return self.nx * self.ny

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """``(n,)`` x and y of every cell centre, metres."""
        ix = np.arange(self.n) % self.nx
        iy = np.arange(self.n) // self.nx
        return self.x0 + ix * self.cell, self.y0 + iy * self.cell

    def cell_of(self, x: float, y: float) -> int:
        ix = int(np.clip(round((x - self.x0) / self.cell), 0, self.nx - 1))
        iy = int(np.clip(round((y - self.y0) / self.cell), 0, self.ny - 1))
        return iy * self.nx + ix

    def xy(self, k: int) -> tuple[float, float]:
        return self.x0 + (k % self.nx) * self.cell, self.y0 + (k // self.nx) * self.cell


@dataclass(frozen=True)
class Setting:
    """The resolved planning problem: the asset, its limits, the grid, and the equipment as
    the compiled model has it (:func:`~skyshield.scenario.equipment.resolve_equipment`)."""

    scenario: Scenario
    spec: PlanSpec
    asset: MovingAsset
    asset_index: int
    speed: float
    altitude: float
    origin: tuple[float, float]
    destination: tuple[float, float]
    departure: tuple[float, float]  # seconds
    endurance: float  # seconds
    filed: np.ndarray  # (W, 2) filed flight plan, metres
    grid: Grid
    equipment: ResolvedEquipment
    ground: TerrainGrid | None = None
    """The scenario's terrain (``None``: flat Earth)."""
    views: dict[str, np.ndarray] = field(default_factory=dict)
    """Each fixed sensor's and effector's line-of-sight raster, by name, made when first
    needed (:func:`in_sight`)."""


def local_xy(p: object, sc: Scenario) -> tuple[float, float]:
    """A scenario position (local metres or lat/lon) in the scenario's local metres."""
    return to_local(p, sc.origin)  # type: ignore[arg-type]


def _seg_dist(px: np.ndarray, py: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Distance from points to a polyline."""
    best = np.full(px.shape, np.inf)
    for (ax, ay), (bx, by) in itertools.pairwise(poly):
        dx, dy = bx - ax, by - ay
        L2 = dx * dx + dy * dy
        t = np.clip(((px - ax) * dx + (py - ay) * dy) / L2, 0.0, 1.0) if L2 > 0 else 0.0
        best = np.minimum(best, np.hypot(px - ax - t * dx, py - ay - t * dy))
    return best


def resolve(scenario: Scenario, spec: PlanSpec) -> Setting:
    """Apply the spec's defaults; raise :class:`~skyshield.errors.InputError` on impossible
    requests (no moving asset, empty window, unreachable destination within endurance,
    a position off the map, a grid or ambush set too large for memory)."""
    movers = scenario.assets.moving
    if not movers:
        raise InputError("the scenario has no moving asset to plan for", field="assets.moving")
    names = [m.name for m in movers]
    if spec.asset is not None and spec.asset not in names:
        raise InputError(f"unknown moving asset '{spec.asset}' (known: {', '.join(names)})",
                         field="asset")
    ai = names.index(spec.asset) if spec.asset is not None else VIP_INDEX
    m = movers[ai]

    def spec_xy(p: object, name: str) -> tuple[float, float]:
        try:
            return on_map(p, scenario.origin, scenario.area)  # type: ignore[arg-type]
        except ValueError as exc:
            raise InputError(str(exc), field=name) from None

    # the spec's own positions (the scenario's are checked with it)
    for k, z in enumerate(spec.no_fly_zones):
        spec_xy(z.center, f"no_fly_zones[{k}].center")
    for k, at in enumerate(spec.adversary_types or []):
        spec_xy(at.launch_area.center, f"adversary_types[{k}].launch_area.center")
        for q, pt in enumerate(at.points or []):
            spec_xy(pt, f"adversary_types[{k}].points[{q}]")
    given = set(spec.model_fields_set)
    spec = with_flight_limits(spec, m)
    limits = m.planning.model_fields_set if m.planning is not None else set()

    def where(name: str) -> str:
        """The field an impossible limit came from: the scenario's block or the spec."""
        return f"assets.moving[{ai}].planning.{name}" if name in limits - given else name
    filed = np.array([local_xy(w.position, scenario) for w in m.waypoints], dtype=float)
    origin = spec_xy(spec.origin, "origin") if spec.origin is not None else tuple(filed[0])
    dest = spec_xy(spec.destination, "destination") if spec.destination is not None \
        else tuple(filed[-1])
    speed = spec.speed_mps or m.speed_mps
    alt = m.altitude_m
    if spec.altitude_band_m is not None:
        alt = float(np.clip(alt, *spec.altitude_band_m))
    direct = math.dist(origin, dest) / speed
    endurance = spec.endurance_s or spec.endurance_factor * direct
    if spec.departure_window_s is not None:
        dep = (float(spec.departure_window_s[0]), float(spec.departure_window_s[1]))
    else:
        dep = (0.0, scenario.duration_s - direct)
    if dep[1] < dep[0]:
        raise InputError(
            f"empty departure window: the direct flight takes {direct:.0f} s, longer than the "
            f"{scenario.duration_s:.0f} s scenario", field=where("departure_window_s"))
    if dep[0] >= scenario.duration_s:
        raise InputError("the departure window starts after the scenario ends",
                         field=where("departure_window_s"))
    if endurance < direct:
        raise InputError(
            f"destination unreachable within endurance: the direct flight takes {direct:.0f} s,"
            f" the endurance is {endurance:.0f} s", field=where("endurance_s"))
    a = scenario.area
    cell = spec.cell_m or math.ceil(max(a.east_m - a.west_m, a.north_m - a.south_m)
                                    / spec.max_cells / 100.0) * 100.0
    nx = max(2, int((a.east_m - a.west_m) // cell) + 1)
    ny = max(1, int((a.north_m - a.south_m) // cell) + 1)
    tau = cell / (2.0 * speed)
    T = int(scenario.duration_s // tau)
    _check_size(spec, scenario, nx, ny, T, where, f"assets.moving[{ai}].speed_mps"
                if speed / 60.0 > scenario.duration_s / 3600.0 else "duration_s")
    grid = Grid(a.west_m + 0.5 * cell, a.south_m + 0.5 * cell, cell, nx, ny, tau, T)
    return Setting(scenario, spec, m, ai, speed, alt, (float(origin[0]), float(origin[1])),
                   (float(dest[0]), float(dest[1])), dep, float(endurance), filed, grid,
                   resolve_equipment(scenario), terrain_grid(scenario))


def in_sight(st: Setting, name: str, pos: tuple[float, float], h_obs: float,
             px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """Whether the fixed site ``name`` at ``pos``, ``h_obs`` above the ground, sees the VIP's
    altitude above the ground over each point: the engine's raster lookup
    (``docs/model.md`` §4.9); everywhere without terrain."""
    if st.ground is None:
        return np.ones(np.shape(px), dtype=bool)
    view = st.views.get(name)
    if view is None:
        from skyshield.terrain.viewshed import site_viewshed

        view = st.views[name] = site_viewshed(st.ground, pos[0], pos[1], h_obs)
    g = st.ground
    return np.asarray(bilinear(view, g.x0, g.y0, g.cell, px, py) <= st.altitude)


def _grid_bytes(raids: int) -> int:
    """Bytes per cell and tick of the planner: the hazard field and its parts (one per raid
    and two more, float64), the cumulative field of the route sweep, and the sweep's best
    cost, predecessor and departure (8 + 1 + 4 bytes)."""
    return 8 * (raids + 3) + 8 + 13


#: Bytes per ambush option (type, point, first and last tick, in Python lists and arrays).
B_OPTION = 160


def _check_size(spec: PlanSpec, scenario: Scenario, nx: int, ny: int, T: int,
                where: Callable[[str], str], scenario_field: str) -> None:
    """Refuse a planning grid (cells × ticks) or ambush set that cannot fit in memory, before
    anything is allocated, naming the field that makes it large (``scenario_field`` when the
    spec sets neither the cell nor the speed)."""
    from skyshield.limits import check

    n = nx * ny
    grid = float(_grid_bytes(len(scenario.raids))) * n * (T + 1)
    given = spec.model_fields_set
    field = where("cell_m") if "cell_m" in given else where("speed_mps") if "speed_mps" in \
        given else "max_cells" if "max_cells" in given else scenario_field
    check("the planning grid", memory=grid,
          memory_detail=f"{nx:,} × {ny:,} cells of {_grid_bytes(len(scenario.raids))} B × "
                        f"{T + 1:,} ticks", field=field)
    a = scenario.area
    for k, at in enumerate(spec.adversary_types or []):
        if at.points is not None:
            points = float(len(at.points))
        elif at.spacing_m is not None:
            points = math.ceil((a.east_m - a.west_m) / at.spacing_m) * float(
                math.ceil((a.north_m - a.south_m) / at.spacing_m))
        else:
            points = 1.0  # the default lattice (spaced by the ambush reach): at least one
        starts = math.ceil(scenario.duration_s / at.window_step_s)
        memory = points * (8.0 * n + B_OPTION * starts)
        name = "spacing_m" if at.points is None and points * 8.0 * n > points * B_OPTION * \
            starts else "window_step_s"
        check(f"the ambush set of adversary type '{at.name}'", memory=memory,
              memory_detail=f"{points:,.0f} ambush points × ({n:,} cells × 8 B + {starts:,} "
                            f"start times × {B_OPTION} B)",
              field=f"adversary_types[{k}].{name}")


def departure_ticks(st: Setting) -> tuple[int, int]:
    """The departure window in whole ticks (inside the window in seconds)."""
    g = st.grid
    return (math.ceil(st.departure[0] / g.tau - 1e-9),
            math.floor(st.departure[1] / g.tau + 1e-9))


def with_flight_limits(spec: PlanSpec, asset: MovingAsset) -> PlanSpec:
    """The plan spec completed by the asset's ``planning`` limits from the scenario: a field
    the spec sets wins; no-fly zones of both apply."""
    lim = asset.planning
    if lim is None:
        return spec
    update: dict[str, object] = {}
    for name in ("departure_window_s", "altitude_band_m", "endurance_s", "corridor_m"):
        value = getattr(lim, name)
        if value is not None and name not in spec.model_fields_set:
            update[name] = value
    if lim.no_fly_zones:
        update["no_fly_zones"] = [*lim.no_fly_zones, *spec.no_fly_zones]
    return spec.model_copy(update=update)


def blocked_cells(st: Setting) -> np.ndarray:
    """``(n,)`` bool: no-fly zones and, with a corridor, cells outside it."""
    cx, cy = st.grid.centres()
    blocked = np.zeros(st.grid.n, dtype=np.bool_)
    for z in st.spec.no_fly_zones:
        zx, zy = local_xy(z.center, st.scenario)
        blocked |= np.hypot(cx - zx, cy - zy) <= z.radius_m
    if st.spec.corridor_m is not None:
        corridor = np.vstack([st.origin, st.filed, st.destination])
        blocked |= _seg_dist(cx, cy, corridor) > st.spec.corridor_m + 0.5 * st.grid.cell
    return blocked


# --------------------------------------------------------------------------- defence


def c2_value(st: Setting, threat: str) -> float:
    """The C2's value at risk of a drone of class ``threat`` attacking the planned asset
    (``docs/model.md`` §4.7.1): ``value · escort_priority · L̃`` under ``priority_rule:
    value``, ``L̃`` the asset's vulnerability to the class the C2 takes it for (a decoy looks
    armed); under ``relative``, ``escort_priority`` (the attacker is taken for the escort
    mission's most valuable threat) when ``L̃ > 0``."""
    seen = perceived_class(threat)
    lv = st.asset.vulnerability.get(seen, 0.0)
    if st.scenario.c2.priority_rule == "relative":
        return st.scenario.c2.escort_priority if lv > 0.0 else 0.0
    return st.asset.value * st.scenario.c2.escort_priority * lv


def static_role(st: Setting, name: str) -> str:
    """An effector's role towards the planned asset: its ``role`` when it is one role for the
    whole scenario (``escort`` only if it escorts the planned asset, else it is ``area``); a
    schedule of phases counts as ``both`` (the hazard field has no clock for it)."""
    e = next(x for x in st.scenario.effectors if x.name == name)
    if not isinstance(e.role, str):
        return "both"
    guard = e.escorts if e.escorts is not None else (
        st.scenario.vip.name if st.scenario.vip is not None else None)
    if e.role == "escort" and guard != st.asset.name:
        return "area"
    return str(e.role)


def defence_kill(st: Setting, px: np.ndarray, py: np.ndarray, threat: str,
                 engage_s: float) -> np.ndarray:
    """P(the defence kills one threat of class ``threat`` attacking the VIP over each point).

    Notes
    -----
    An effector takes part if its envelope holds the point (escort-mounted ones always do)
    and, unless it is a jammer, some sensor covers the point (a radar to
    ``r50 (σ/σ_ref)^{1/4}``, an EO/IR sensor to ``r50``, each capped at its maximum range; an
    acoustic net over its disc, ``min(net_radius_m, max_range_m)``; escort sensors always).
    Of the ``engage_s`` seconds of the attacker's run-in it loses
    the cue delay (``track_m`` scans + latency of the fastest covering sensor), its reaction
    time, the fly-out of its projectile (or interceptor) and the last stretch inside the
    C2's weapons-tight radius about the VIP; in what is left it fires
    ``⌊t / interval⌋ + 1`` shots, each killing with its ``pk``. A jammer defeats at its rate,
    ``1 − exp(−rate · engage_s)``.

    The C2's threat evaluation (``docs/model.md`` §4.7.1) ranks a drone by its score
    ``V · pk``, ``V = value · ω · L̃`` (:func:`c2_value`; ``ω`` = ``c2.escort_priority`` for
    moving assets, ``1 − escort_priority`` for fixed sites; under ``priority_rule: relative``
    each value over its mission's largest, the VIP's attacker taken for the escort mission's
    and the largest site value at risk of the raids for the area mission's). An effector whose
    role is ``area`` or ``hold`` for the whole scenario (or that escorts another asset) takes
    no part; one on ``escort`` is always free for the attacker (no site raider competes);
    role schedules, reserves and stocks are not modelled here. A drone with ``V = 0`` is never
    engaged: with ``escort_priority = 0`` only jammers act on the VIP's attacker. An effector
    is free for the VIP's attacker with probability ``c / (c + L)``: ``c`` channels, ``L``
    the mean number of other raiders in its envelope that the C2 ranks at least as high
    (each raid's drones aimed at sites within its range, spread over the launch period,
    ``2 · range / speed`` seconds each; raiders ranked lower wait, as in a preemptive
    priority queue). Effectors act independently: ``P = 1 − Π_e (1 − a_e P_e)``. Magazines
    are ignored. Over terrain a fixed radar, EO/IR sensor or effector covers a point only where
    its line-of-sight raster lets it see the VIP's altitude above the ground there
    (:func:`in_sight`, the engine's rasters of ``docs/model.md`` §4.9).
    """
    sc = st.scenario
    cat = default_catalogue()
    tp = cat.threats[threat].params
    rcs = tp["rcs_m2"]
    closing = tp["speed_mps"] + 0.5 * st.speed
    value = c2_value(st, threat)
    cue = np.full(px.shape, np.inf)
    for s in st.equipment.sensors:
        delay = s.cue_delay_s
        if st.altitude < s.params["min_altitude_m"]:
            continue
        if s.position is None:  # escort-mounted
            cue = np.minimum(cue, delay)
            continue
        sx, sy = s.position
        d = np.hypot(px - sx, py - sy)
        rng = s.coverage_m if s.kind == "acoustic" else min(s.r50_m(rcs), s.coverage_m)
        seen = d <= rng
        if s.kind != "acoustic":  # an acoustic net hears round the terrain
            seen &= in_sight(st, s.name, s.position, s.mast_m, px, py)
        cue = np.where(seen, np.minimum(cue, delay), cue)
    tight = sc.c2.weapons_tight_radius_m / closing
    survive = np.ones(px.shape)
    for e in st.equipment.effectors:
        p = e.pk_against(threat)
        if p <= 0.0 or st.altitude > e.params["max_altitude_m"]:
            continue
        if not e.is_jammer and value <= 0.0:
            continue  # not a candidate of the C2's threat evaluation
        if not e.is_jammer and static_role(st, e.name) in ("area", "hold"):
            continue  # its role keeps it off the planned asset's attackers
        if e.position is None:
            d = np.zeros(px.shape)
            reach = np.full(px.shape, 0.5 * tp["seeker_range_m"])
        else:
            ex, ey = e.position
            d = np.hypot(px - ex, py - ey)
            reach = d
        inside = (d <= e.range_m) & (d >= e.min_range_m)
        if e.position is not None:
            inside &= in_sight(st, e.name, e.position, sc.terrain.sight_m, px, py)
        if e.is_jammer:  # area defeat rate, no cueing needed
            pe = np.where(inside, -np.expm1(-p * engage_s), 0.0)
        else:
            flyout = reach / max(e.params["projectile_speed_mps"], 1e-9)
            t_avail = engage_s - tight - cue - e.params["reaction_s"] - flyout
            shots = np.where(t_avail >= 0.0,
                             np.floor(t_avail / max(e.params["shot_interval_s"], 1e-9)) + 1.0,
                             0.0)
            pe = 1.0 - (1.0 - p) ** shots
            pe = np.where(inside, pe, 0.0) * _availability(st, e, value * p)
        survive *= 1.0 - pe
    return 1.0 - survive


def _availability(st: Setting, e: ResolvedEffector, score: float) -> float:
    """``c / (c + L)``: the chance an effector is free for the VIP's attacker, whose C2 score
    at ``e`` is ``score`` (see :func:`defence_kill`)."""
    sc = st.scenario
    if e.position is None or static_role(st, e.name) == "escort":
        return 1.0  # no site raider competes for it
    ep = sc.c2.escort_priority
    sites = {f.name: (local_xy(f.position, sc), f) for f in sc.assets.fixed}
    # under the relative rule a site raider's value is taken against the most valuable one
    s_fix = 1.0
    if sc.c2.priority_rule == "relative":
        s_fix = max([sites[k][1].value * sites[k][1].vulnerability.get(
            perceived_class(r.threat), 0.0) for r in sc.raids for k in r.targeting.weights
            if k in sites], default=0.0) or 1.0
    load = 0.0
    for raid in sc.raids:
        w = raid.targeting.weights
        total = sum(w.values())
        seen = perceived_class(raid.threat)
        p = e.pk_against(raid.threat)
        near = 0.0
        for k, v in w.items():
            if k not in sites:
                continue
            xy, site = sites[k]
            rival = site.value * (1.0 - ep) * site.vulnerability.get(seen, 0.0) * p / s_fix
            if rival >= score and rival > 0.0 and math.dist(xy, e.position) <= e.range_m:
                near += v
        if near <= 0.0 or total <= 0.0:
            continue
        u = raid_params(raid)["speed_mps"]
        span = max(raid.launch.end_s - raid.launch.start_s, 1.0)
        load += raid.count * near / total * (2.0 * e.range_m / u) / span
    c = max(e.get("channels"), 1.0)
    return c / (c + load)


def engage_time(st: Setting, threat: str) -> float:
    """Mean seconds from an attacker's trigger to impact: seeker range over closing speed."""
    tp = default_catalogue().threats[threat].params
    return tp["seeker_range_m"] / (tp["speed_mps"] + 0.5 * st.speed)


def strip_halfwidth(st: Setting, threat: str, speed: float | None = None) -> float:
    """Half-width of the strip along the track from which a waiting drone intercepts.

    Notes
    -----
    A drone of speed ``u`` at lateral offset ``b`` triggered when the VIP (speed ``v``) comes
    within seeker range ``r`` can reach the track ahead of it iff ``b ≤ r · min(1, u / v)``
    (Apollonius circle of the speed ratio), so slower drones sweep a narrower strip.
    """
    tp = default_catalogue().threats[threat].params
    u = speed or tp["speed_mps"]
    return tp["seeker_range_m"] * min(1.0, u / st.speed)


# --------------------------------------------------------------------------- hazard field


def _launch_cdf(lp: LaunchProfile, t: np.ndarray) -> np.ndarray:
    """Fraction of a wave launched by time t (piecewise-linear CDF of the launch profile)."""
    times = list(lp.times_s) if lp.times_s is not None else [lp.start_s]
    rates = list(lp.rates) if lp.rates is not None else [1.0]
    edges = np.array([*times, lp.end_s], dtype=np.float64)
    mass = np.array(rates, dtype=float) * np.diff(edges)
    cum = np.concatenate([[0.0], np.cumsum(mass)]) / mass.sum()
    cdf: np.ndarray = np.interp(t, edges, cum, left=0.0, right=1.0)
    return cdf


def _disc_overlap(d: np.ndarray, r1: float, r2: float) -> np.ndarray:
    """Area of the intersection of two discs of radii r1, r2 whose centres are d apart."""
    d = np.asarray(d, dtype=float)
    out = np.zeros_like(d)
    small = d <= abs(r1 - r2)
    out[small] = math.pi * min(r1, r2) ** 2
    mid = (~small) & (d < r1 + r2)
    dm = d[mid]
    a1 = r1 * r1 * np.arccos(np.clip((dm * dm + r1 * r1 - r2 * r2) / (2 * dm * r1), -1, 1))
    a2 = r2 * r2 * np.arccos(np.clip((dm * dm + r2 * r2 - r1 * r1) / (2 * dm * r2), -1, 1))
    a3 = 0.5 * np.sqrt(np.maximum((-dm + r1 + r2) * (dm + r1 - r2) * (dm - r1 + r2)
                                  * (dm + r1 + r2), 0.0))
    out[mid] = a1 + a2 - a3
    return out


@dataclass(frozen=True)
class HazardField:
    """Per-tick hazard on the grid.

    Attributes
    ----------
    hz
        ``(T, n)`` float64: cumulative hazard of one tick over each cell (rate × tick).
    parts
        Named ``(T, n)`` components whose sum is ``hz`` (for plots and reports).
    blocked
        ``(n,)`` bool cells closed to flight.
    """

    hz: np.ndarray
    parts: dict[str, np.ndarray]
    blocked: np.ndarray


def build_hazard(st: Setting) -> HazardField:
    """The time-dependent hazard field of the VIP's flight.

    Notes
    -----
    Rates are per second, over cell centres ``x`` at tick midpoints ``t``; ``vuln_c`` is the
    VIP's vulnerability to class ``c`` and ``P_c(x)`` the defence kill probability
    (:func:`defence_kill`).

    *Waiting ambushers* (raids in ``ambush`` mode aimed at the VIP): ``N(t) = n w (F(t) −
    F(t − E))`` drones launched and not expired (``F`` the launch CDF, ``E`` endurance, ``w``
    the VIP's share of the targeting weights) wait uniformly over the launch disc of radius
    ``R``. A VIP at speed ``v`` triggers those within the interception strip ``b``
    (:func:`strip_halfwidth`) of its track, at rate

    .. math:: h = \\frac{N(t)}{\\pi R^2} \\, 2 b v \\, \\phi(x) \\, \\text{vuln}_c (1 - P_c(x))

    with ``φ`` the fraction of the disc of radius ``b`` about ``x`` inside the launch disc.
    With no defence and a straight track this is the exact Poisson limit of the number of
    drones in the swept strip.

    *Hunters* (air-capable raids in ``strike`` mode aimed at the VIP) launched at rate
    ``n w F'(s)`` from the launch centre ``c`` arrive ``|x − c| / u`` later if within reach
    ``u E``: ``h = n w F'(t − |x − c|/u) vuln_c (1 − P_c(x))``.

    *Friendly fire*: in a weapons-free zone each own shooter holding ``x`` in its envelope
    misidentifies the VIP with probability ``p`` per decision cycle ``Δ``:
    ``h = −ln(1 − p)/Δ · P_ff`` per such effector.
    """
    sc = st.scenario
    g = st.grid
    cat = default_catalogue()
    cx, cy = g.centres()
    tmid = (np.arange(g.T) + 0.5) * g.tau
    vuln = st.asset.vulnerability
    name = st.asset.name
    parts: dict[str, np.ndarray] = {}
    for raid in sc.raids:
        tp = cat.threats[raid.threat].params
        if tp["can_attack_air"] <= 0.0 or name not in raid.targeting.weights:
            continue
        share = raid.targeting.weights[name] / sum(raid.targeting.weights.values())
        v_c = vuln.get(raid.threat, 0.0)
        if share <= 0.0 or v_c <= 0.0:
            continue
        u = raid_params(raid)["speed_mps"]
        E = tp["endurance_s"]
        lx, ly = local_xy(raid.launch_area.center, sc)
        R = raid.launch_area.radius_m
        pk_def = defence_kill(st, cx, cy, raid.threat, engage_time(st, raid.threat))
        if raid.targeting.mode == "ambush":
            b = strip_halfwidth(st, raid.threat, u)
            n_wait = raid.count * share * (_launch_cdf(raid.launch, tmid)
                                          - _launch_cdf(raid.launch, tmid - E))
            phi = _disc_overlap(np.hypot(cx - lx, cy - ly), b, R) / (math.pi * b * b)
            spatial = 2.0 * b * st.speed * phi / (math.pi * R * R) * v_c * (1.0 - pk_def)
            rate = n_wait[:, None] * spatial[None, :]
        else:
            d = np.hypot(cx - lx, cy - ly)
            reach = d <= u * E
            dt = 1.0
            s = tmid[:, None] - d[None, :] / u
            f = (_launch_cdf(raid.launch, s + 0.5 * dt) - _launch_cdf(raid.launch, s - 0.5 * dt))
            rate = raid.count * share * f / dt * (reach * v_c * (1.0 - pk_def))[None, :]
        parts[raid.name] = rate * g.tau
    c2 = sc.c2
    if c2.p_misidentification > 0.0 and c2.weapons_free_zones:
        in_wfz = np.zeros(g.n, dtype=np.bool_)
        for z in c2.weapons_free_zones:
            zx, zy = local_xy(z.center, sc)
            in_wfz |= np.hypot(cx - zx, cy - zy) <= z.radius_m
        count = np.zeros(g.n)
        for e in st.equipment.effectors:
            if e.is_jammer or e.position is None or st.altitude > e.params["max_altitude_m"]:
                continue
            ex, ey = e.position
            count += np.hypot(cx - ex, cy - ey) <= e.range_m
        rate_ff = -math.log1p(-c2.p_misidentification) / c2.cycle_s * st.spec.friendly_fire_loss
        ff = np.where(in_wfz, count * rate_ff, 0.0) * g.tau
        parts["friendly fire"] = np.broadcast_to(ff, (g.T, g.n))
    hz = np.zeros((g.T, g.n))
    for p in parts.values():
        hz += p
    return HazardField(hz, parts, blocked_cells(st))
