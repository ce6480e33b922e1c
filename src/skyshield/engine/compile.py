"""Scenario → :class:`CompiledScenario`: a frozen struct of arrays in SI units.

Everything the kernel needs is resolved here once: the equipment as
:func:`~skyshield.scenario.equipment.resolve_equipment` gives it (catalogue defaults merged with
scenario overrides, the same values the map and the planner read), positions converted to local
metres, flight plans timed, the leak's ambush point found, draw keys hashed from names. The
equipment kinds, named in :mod:`skyshield.scenario.domain`, get their integer codes here and
nowhere else. The kernel then sees only numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from skyshield.contract import EFFECTOR_CODES, SENSOR_CODES
from skyshield.engine import rng
from skyshield.errors import InputError
from skyshield.scenario.catalogue import Catalogue, default_catalogue
from skyshield.scenario.equipment import perceived_class, raid_params, resolve_equipment
from skyshield.scenario.geo import to_local
from skyshield.scenario.keys import LEAK_WAVE_NAME, name_key
from skyshield.scenario.schema import VIP_INDEX, Raid, Scenario
from skyshield.scenario.sizes import fa_cap, time_grid
from skyshield.scenario.timeline import asset_plan

# wave float columns (WF)
W_SPEED, W_ALT, W_ACOU, W_LETHAL, W_SEEKER, W_ENDUR, W_COST = range(7)
W_LCX, W_LCY, W_LR, W_SCATTER, W_AMBUSH, W_FEINT, W_CLIMB = range(7, 14)
N_WF = 14
# sensor float columns (SF)
(S_KIND, S_X, S_Y, S_ESCORT, S_MAST, S_SLOPE, S_MAXR, S_SCAN, S_MINALT,
 S_TM, S_TN, S_DROP, S_LAT, S_NETR, S_PD, S_SIGR, S_SIGB, S_FA, S_RES, S_PMK,
 S_PFK) = range(21)  # fmt: skip
N_SF = 21
# effector float columns (EF)
(E_KIND, E_X, E_Y, E_ESCORT, E_MINR, E_MAXR, E_MAXALT, E_VP, E_MAG, E_RELOAD, E_CHAN,
 E_REACT, E_INTERVAL, E_COST, E_PKFF, E_STOCK, E_GUARD, E_RES_R, E_RES_K, E_RES_FROM,
 E_RES_TO, E_ZONED, E_ZONE_POS, E_RES_M, E_BASKET) = range(25)  # fmt: skip
N_EF = 25
#: Effector roles (docs/model.md §4.7.3), the codes of ``role_r``.
ROLES = {"both": 0, "escort": 1, "area": 2, "hold": 3}
R_BOTH, R_ESCORT, R_AREA, R_HOLD = ROLES["both"], ROLES["escort"], ROLES["area"], ROLES["hold"]
#: ``ef[e, E_STOCK]`` of an unlimited depot.
STOCK_UNLIMITED = -1.0

#: The kernel's code of each equipment kind (the only place kinds become numbers).
K_MISSILE, K_GUN, K_JAMMER, K_INTERCEPTOR = (
    EFFECTOR_CODES["missile"], EFFECTOR_CODES["gun"], EFFECTOR_CODES["jammer"],
    EFFECTOR_CODES["interceptor_drone"])
K_RADAR, K_ACOUSTIC, K_EOIR = (
    SENSOR_CODES["radar"], SENSOR_CODES["acoustic"], SENSOR_CODES["eo_ir"])
POLICIES = {"greedy": 0, "local": 1, "exact": 2}
PRIORITY_RULES = {"value": 0, "relative": 1}
#: How C2 infers a threat's target (docs/model.md §4.7.1).
INTENTS = {"oracle": 0, "nearest": 1, "heading": 2, "bridge": 3}
I_ORACLE, I_NEAREST, I_HEADING, I_BRIDGE = (INTENTS["oracle"], INTENTS["nearest"],
                                            INTENTS["heading"], INTENTS["bridge"])
#: ``intent: bridge`` (docs/model.md §4.7.1): time-to-go cells, prior probability of transit,
#: floor on the arrival spread (m), floor on the time-to-go horizon (s)
BRIDGE_K = 16
BRIDGE_P_TRANSIT = 0.05
BRIDGE_SIGMA_MIN_M = 100.0
BRIDGE_TAU_MIN_S = 60.0
DOCTRINES = {"shoot-look-shoot": 0, "salvo": 1}
#: What C2 acts on (docs/model.md §4.5.2).
INFORMATION = {"truth": 0, "tracks": 1}
INF_TRUTH, INF_TRACKS = INFORMATION["truth"], INFORMATION["tracks"]


class KernelParams(NamedTuple):
    """The arrays the kernel reads (a numba-friendly named tuple; shapes and units below)."""

    # time
    dt: float  # s
    n_steps: int  # steps after t = 0
    duration: float  # s
    n_bins: int  # 60 s bins
    # moving assets (M) and their flight plans (K points, padded with the last)
    plan_x: np.ndarray  # (M, K) float64 m
    plan_y: np.ndarray  # (M, K) float64 m
    plan_t: np.ndarray  # (M, K) float64 s
    plan_n: np.ndarray  # (M,) int64 points used
    plan_alt: np.ndarray  # (M,) float64 m
    plan_gnd: np.ndarray  # (M, K) bool leg k (point k to k+1) is on the ground
    plan_stops: np.ndarray  # (M,) bool the plan has a ground stop
    ground_leth: np.ndarray  # (M, K, W) float64 P(lost | a strike's impact) on ground leg k
    # assets (A = M moving then fixed)
    asset_x: np.ndarray  # (A,) float64 m (moving: first waypoint)
    asset_y: np.ndarray  # (A,) float64 m
    asset_radius: np.ndarray  # (A,) float64 m
    asset_value: np.ndarray  # (A,) float64
    asset_weight: np.ndarray  # (A,) float64 escort-priority weight
    asset_key: np.ndarray  # (A,) uint64 crc32(name)
    n_moving: int
    lethality: np.ndarray  # (A, W) float64 P(lost | hit) × warhead
    perceived: np.ndarray  # (A, W) float64 the C2's view of it (decoys look armed)
    # waves (W) and drones (N)
    wf: np.ndarray  # (W, N_WF) float64 columns W_*
    prof_t: np.ndarray  # (W, P+1) float64 s segment edges (padded with end)
    prof_cum: np.ndarray  # (W, P+1) float64 cumulative normalised mass at the edges
    prof_n: np.ndarray  # (W,) int64 segments
    target_cum: np.ndarray  # (W, A) float64 cumulative normalised weights
    feint_w: np.ndarray  # (W, A) float64 the raid's site weights (0 for moving assets): feints
    route_x: np.ndarray  # (W, Q) float64 m
    route_y: np.ndarray  # (W, Q) float64 m
    route_n: np.ndarray  # (W,) int64
    drone_wave: np.ndarray  # (N,) int64
    drone_key: np.ndarray  # (N,) uint64
    # leak
    leak_p: float
    leak_wave: int  # -1: none
    leak_asset: int
    leak_x: float  # ambush point, m
    leak_y: float
    leak_t: float  # time the surge is in place, s
    leak_spread: float  # m
    # sensors (S)
    sf: np.ndarray  # (S, N_SF) float64 columns S_*
    sen_rmax: np.ndarray  # (S,) float64 m coverage radius (acoustic: min(net, max range))
    sen_q: np.ndarray  # (S, W) float64 1/m² 1 / R50² on the wave's drones (0 for acoustic)
    sen_pd: np.ndarray  # (S, W) float64 acoustic Pd per scan (other kinds: 0)
    sensor_key: np.ndarray  # (S,) uint64
    # effectors (E)
    ef: np.ndarray  # (E, N_EF) float64 columns E_*
    pk: np.ndarray  # (E, W) float64 kill probability per shot/burst (jammer: rate 1/s)
    eff_key: np.ndarray  # (E,) uint64
    max_channels: int
    role_t: np.ndarray  # (E, H) float64 s role breakpoints (role_t[e, 0] = 0; padded with inf)
    role_r: np.ndarray  # (E, H) int64 ROLES code from each breakpoint on
    ezone: np.ndarray  # (E, Z) bool the effector's engagement zones
    zone: np.ndarray  # (Z, 3) float64 engagement zones: centre x, y, radius (m)
    sup_t: np.ndarray  # (E, D) float64 s resupply times, in order (padded with inf)
    sup_n: np.ndarray  # (E, D) int64 rounds delivered
    sup_cnt: np.ndarray  # (E,) int64 deliveries
    # command and control
    cycle_s: float
    policy: int  # POLICIES: 0 greedy, 1 local, 2 exact
    policy_time_s: float  # s, time limit of one exact solve (exact only)
    priority_rule: int  # PRIORITY_RULES: 0 value, 1 relative
    intent: int  # INTENTS: 0 oracle, 1 nearest, 2 heading, 3 bridge
    br_sigma: np.ndarray  # (A,) float64 m arrival spread of each asset (bridge)
    br_logp: np.ndarray  # (W, A+1) float64 log prior of each asset by the wave's perceived
    # class, transit last (bridge)
    br_kappa: float  # 1/m² transit density: 1 / the area's area (bridge)
    br_q: float  # m²/s³ the bridge's white-noise acceleration: the tracker's q (bridge)
    br_k: int  # time-to-go cells (bridge)
    doctrine: int
    salvo_size: int
    tight_r: float  # m
    p_misid: float
    wfz: np.ndarray  # (Z, 3) float64 centre x, y, radius
    # information (§4.5.2)
    information: int  # INFORMATION: 0 truth, 1 tracks
    trk_prm: np.ndarray  # (N_PARAMS,) float64 the tracker's parameters (track.tracker.P_*)
    trk_cap: int  # track store slots (1 under truth)
    det_cap: int  # detections one scan can hold (1 under truth)
    fa_cap: np.ndarray  # (S,) int64 most false alarms a scan of the sensor draws
    sen_miss_r: np.ndarray  # (S,) float64 m a scan counts misses against tracks within this
    wave_default: int  # the wave C2 takes a false track for: the most numerous one
    # terrain (§4.9; with ter_on = 0 the arrays are placeholders, never read)
    ter_on: int  # 1: line of sight over the terrain; 0: flat Earth, radio horizon only
    ter_z: np.ndarray  # (ny, nx) float64 m ground elevation at the nodes, row 0 south
    ter_x0: float  # m east of node (0, 0)
    ter_y0: float  # m north of node (0, 0)
    ter_cell: float  # m node spacing
    ter_curv: float  # 1/m: a point d away appears lowered by curv·d² (1 / (2 k Re))
    ter_sight: float  # m height of a ground effector's line of sight above ground
    ter_kw: np.ndarray  # (W,) int64 steps between a wave's terrain-following updates
    ter_bm: np.ndarray  # (nby, nbx) float64 m highest node of each block (ray quick accept)
    ter_block: int  # nodes per side of a block of ter_bm
    ter_eh: np.ndarray  # (E,) float64 m a fixed effector's sight above sea level
    los_s: np.ndarray  # (S, ny, nx) float32 m lowest visible height above ground, per fixed
    # sensor (escort-mounted: zeros, unused: they ray-march)
    los_e: np.ndarray  # (E, ny, nx) float32 m the same per fixed effector


@dataclass(frozen=True)
class CompiledScenario:
    """A scenario as arrays (see :class:`KernelParams`) plus the names that label them.

    Attributes
    ----------
    asset_names, asset_kinds, asset_values
        Assets, moving first then fixed; kinds ``'moving'`` or ``'fixed'``.
    wave_names
        The raids in file order, then ``"Leak surge"`` if the scenario has a leak.
    effector_names, sensor_names
        In file order.
    cost_per_shot
        ``(E,) float64`` US dollars per shot (burst for a gun).
    wave_cost_usd
        ``(W,) float64`` US dollars per launched drone.
    """

    name: str
    asset_names: tuple[str, ...]
    asset_kinds: tuple[str, ...]
    asset_values: np.ndarray
    wave_names: tuple[str, ...]
    effector_names: tuple[str, ...]
    sensor_names: tuple[str, ...]
    duration_s: float
    dt_s: float
    n_steps: int
    n_bins: int
    cost_per_shot: np.ndarray
    wave_cost_usd: np.ndarray
    wave_count: np.ndarray
    n_drones_max: int
    params: KernelParams
    effector_roles: tuple[Any, ...] = ()
    """Each effector's ``role`` as the scenario gives it (a role or its schedule of phases),
    for the reference implementation."""


def _role_breaks(role: str | list[Any]) -> list[tuple[float, int]]:
    """A role or a schedule of phases as breakpoints ``(from_s, code)`` from t = 0 on:
    ``both`` where no phase applies (the phases do not overlap: checked on loading)."""
    if isinstance(role, str):
        return [(0.0, ROLES[role])]
    out: list[tuple[float, int]] = [(0.0, R_BOTH)]
    for ph in sorted(role, key=lambda ph: ph.from_s):
        out.append((ph.from_s, ROLES[ph.role]))
        if ph.to_s is not None:
            out.append((ph.to_s, R_BOTH))
    # a phase ending where the next begins: keep the later breakpoint at that time
    merged: list[tuple[float, int]] = []
    for tb, code in out:
        if merged and merged[-1][0] == tb:
            merged[-1] = (tb, code)
        else:
            merged.append((tb, code))
    return merged


def _information(c2: Any, sf: np.ndarray, wave_count: np.ndarray, sen_rmax: np.ndarray,
                 sen_q: np.ndarray) -> dict[str, Any]:
    """The :class:`KernelParams` of §4.5.2: the tracker's parameters, the stores' sizes and
    each sensor's miss radius: its coverage, for a radar or EO/IR no farther than its largest
    R50 over the scenario's waves (where it expects to detect at least half the time)."""
    from skyshield.track.tracker import make_params

    tr = c2.tracker
    prm = make_params(tr.q_m2s3, tr.gate, tr.confirm_m, tr.confirm_n, tr.drop_misses,
                      tr.v0_mps, coast=tr.coast_s)
    caps = np.array([fa_cap(float(m)) for m in sf[:, S_FA]], dtype=np.int64)
    N = int(wave_count.sum())
    tracks = c2.information == "tracks"
    det = N + int(caps.max(initial=0))
    return {
        "information": INFORMATION[c2.information], "trk_prm": prm,
        # every drone and a scan's false alarms twice over (tentative tracks live a few scans)
        "trk_cap": max(1, 2 * det + 16) if tracks else 1,
        "det_cap": max(1, det) if tracks else 1,
        "fa_cap": caps,
        "wave_default": int(np.argmax(wave_count)) if wave_count.size else 0,
        "sen_miss_r": np.array([
            float(sen_rmax[s]) if int(sf[s, S_KIND]) == K_ACOUSTIC or not (sen_q[s] > 0).any()
            else min(float(sen_rmax[s]), float(1.0 / math.sqrt(sen_q[s][sen_q[s] > 0].min())))
            for s in range(sf.shape[0])], dtype=np.float64),
    }


def _terrain(scenario: Scenario, sf: np.ndarray, ef: np.ndarray, wf: np.ndarray,
             dt: float) -> dict[str, Any]:
    """The :class:`KernelParams` of §4.9: the ground's grid and, for every fixed sensor and
    effector, the raster of the lowest height above ground it sees (one viewshed sweep from
    the node nearest the site, at the mast or sight height, over the 4/3-Earth)."""
    from skyshield.scenario.ground import terrain_grid

    grid = terrain_grid(scenario)
    if grid is None:
        return {"ter_on": 0, "ter_z": np.zeros((1, 1)), "ter_x0": 0.0, "ter_y0": 0.0,
                "ter_cell": 1.0, "ter_curv": 0.0, "ter_sight": 0.0,
                "ter_kw": np.ones(wf.shape[0], dtype=np.int64),
                "ter_bm": np.zeros((1, 1)), "ter_block": 1,
                "ter_eh": np.zeros(ef.shape[0]),
                "los_s": np.zeros((sf.shape[0], 1, 1), dtype=np.float32),
                "los_e": np.zeros((ef.shape[0], 1, 1), dtype=np.float32)}
    from skyshield.terrain.los import lookup
    from skyshield.terrain.viewshed import BLOCK, CURV_4_3, block_max, site_viewshed

    z = np.ascontiguousarray(grid.z, dtype=np.float64)
    curv = CURV_4_3
    sight = float(scenario.terrain.sight_m)

    def rasters(tab: np.ndarray, c_escort: int, c_x: int, c_y: int,
                height: np.ndarray) -> np.ndarray:
        out = np.zeros((tab.shape[0], *z.shape), dtype=np.float32)
        for k in range(tab.shape[0]):
            if tab[k, c_escort] > 0.0 or (tab is sf and int(sf[k, S_KIND]) == K_ACOUSTIC):
                continue  # a moving mount ray-marches; an acoustic net needs no sight
            out[k] = site_viewshed(grid, float(tab[k, c_x]), float(tab[k, c_y]),
                                   float(height[k]), curv)
        return out

    return {"ter_on": 1, "ter_z": z, "ter_x0": float(grid.x0), "ter_y0": float(grid.y0),
            "ter_cell": float(grid.cell), "ter_curv": curv, "ter_sight": sight,
            # one update per cell crossed: every ⌊cell / (speed · dt)⌋ steps, at least 1
            "ter_eh": np.array([lookup(z, float(grid.x0), float(grid.y0), float(grid.cell),
                                       float(ef[e, E_X]), float(ef[e, E_Y])) + sight
                                for e in range(ef.shape[0])], dtype=np.float64),
            "ter_bm": block_max(z, BLOCK), "ter_block": BLOCK,
            "ter_kw": np.array([max(1, math.floor(grid.cell / (float(wf[w, W_SPEED]) * dt)))
                                for w in range(wf.shape[0])], dtype=np.int64),
            "los_s": rasters(sf, S_ESCORT, S_X, S_Y, sf[:, S_MAST]),
            "los_e": rasters(ef, E_ESCORT, E_X, E_Y, np.full(ef.shape[0], sight))}


def _bridge(scenario: Scenario, names: list[str], asset_radius: np.ndarray,
            wave_specs: list[Any], wave_count: np.ndarray, wf: np.ndarray,
            target_cum: np.ndarray, cat: Catalogue) -> dict[str, Any]:
    """The constants of ``intent: bridge`` (docs/model.md §4.7.1): per asset the arrival
    spread ``σ_d = max(radius, the largest scatter of a raid aiming at it, 100 m)``; per wave
    the prior of the class C2 takes it for (its perceived class, §4.7.1),
    ``p(d | c) = (1 − p_transit) n_{c,d} / Σ_d n_{c,d}`` with ``n_{c,d}`` the expected
    number of drones of perceived class ``c`` aimed at ``d`` (every raid's count spread by its
    target weights; the leak surge's count times its probability, at its asset), transit
    last with ``p_transit = 0.05``; ``κ`` = 1 / the area's area; ``q`` = the tracker's."""
    A = len(names)
    W = len(wave_specs)
    aimed = np.zeros((W, A))
    sigma = np.maximum(asset_radius, BRIDGE_SIGMA_MIN_M)
    for w, spec in enumerate(wave_specs):
        share = np.diff(np.concatenate([[0.0], np.asarray(target_cum[w], dtype=np.float64)]))
        n = float(wave_count[w])
        if spec[3] is None:  # the leak surge: its asset, with the leak's probability
            assert scenario.leak is not None
            n *= float(scenario.leak.probability)
        aimed[w] = n * share
        sigma = np.where(share > 0.0, np.maximum(sigma, float(wf[w, W_SCATTER])), sigma)
    pcls = [perceived_class(spec[1], cat) for spec in wave_specs]
    logp = np.zeros((max(W, 1), A + 1))
    for w in range(W):
        n_c = sum((aimed[v] for v in range(W) if pcls[v] == pcls[w]), np.zeros(A))
        prior = np.zeros(A + 1)
        if n_c.sum() > 0.0:
            prior[:A] = (1.0 - BRIDGE_P_TRANSIT) * n_c / n_c.sum()
        prior[A] = BRIDGE_P_TRANSIT
        with np.errstate(divide="ignore"):
            logp[w] = np.log(prior)
    ar = scenario.area
    return {"br_sigma": sigma.astype(np.float64), "br_logp": logp,
            "br_kappa": 1.0 / ((ar.east_m - ar.west_m) * (ar.north_m - ar.south_m)),
            "br_q": float(scenario.c2.tracker.q_m2s3), "br_k": BRIDGE_K}


def compile_scenario(scenario: Scenario, catalogue: Catalogue | None = None) -> CompiledScenario:
    """Turn a validated scenario into arrays for the kernel.

    Parameters
    ----------
    scenario
        A scenario that passed :func:`skyshield.scenario.check_consistency`.
    catalogue
        The equipment catalogue (default: the built-in one).

    Returns
    -------
    CompiledScenario

    Raises
    ------
    InputError
        If the scenario refers to equipment the catalogue lacks (normally caught earlier).
    """
    cat = catalogue or default_catalogue()
    origin = scenario.origin

    def loc(p: object) -> tuple[float, float]:
        return to_local(p, origin)  # type: ignore[arg-type]

    moving = list(scenario.assets.moving)
    fixed = list(scenario.assets.fixed)
    M = len(moving)
    names = [m.name for m in moving] + [f.name for f in fixed]
    kinds = ["moving"] * M + ["fixed"] * len(fixed)
    A = len(names)
    index = {n: i for i, n in enumerate(names)}
    ep = scenario.c2.escort_priority
    equipment = resolve_equipment(scenario, cat)

    # ---- flight plans
    plans = [asset_plan(scenario, m) for m in moving]
    K = max([len(pl[0]) for pl in plans], default=1)
    plan_x = np.zeros((M, K))
    plan_y = np.zeros((M, K))
    plan_t = np.zeros((M, K))
    plan_gnd = np.zeros((M, K), dtype=np.bool_)
    plan_n = np.zeros(M, dtype=np.int64)
    plan_alt = np.zeros(M)
    for i, (m, (xs, ys, ts, gnd)) in enumerate(zip(moving, plans, strict=True)):
        n = len(xs)
        plan_x[i, :n], plan_y[i, :n], plan_t[i, :n] = xs, ys, ts
        plan_x[i, n:], plan_y[i, n:], plan_t[i, n:] = xs[-1], ys[-1], ts[-1]
        plan_gnd[i, : n - 1] = gnd
        plan_n[i] = n
        plan_alt[i] = m.altitude_m

    asset_x = np.zeros(A)
    asset_y = np.zeros(A)
    asset_radius = np.zeros(A)
    asset_value = np.zeros(A)
    asset_weight = np.zeros(A)
    for i, m in enumerate(moving):
        asset_x[i], asset_y[i] = plan_x[i, 0], plan_y[i, 0]
        asset_value[i] = m.value
        asset_weight[i] = m.value * ep
    for j, f in enumerate(fixed):
        i = M + j
        asset_x[i], asset_y[i] = loc(f.position)
        asset_radius[i] = f.radius_m
        asset_value[i] = f.value
        asset_weight[i] = f.value * (1.0 - ep)
    asset_key = np.array([name_key(n) for n in names], dtype=np.uint64)
    vulns = [dict(m.vulnerability) for m in moving] + [dict(f.vulnerability) for f in fixed]

    # ---- waves
    wave_specs: list[tuple[str, str, int, Raid | None]] = []  # (name, class, count, raid)
    for r in scenario.raids:
        wave_specs.append((r.name, r.threat, r.count, r))
    if scenario.leak is not None:
        wave_specs.append((LEAK_WAVE_NAME, scenario.leak.threat, scenario.leak.count, None))
    W = len(wave_specs)
    for cls in {s[1] for s in wave_specs}:
        if cls not in cat.threats:
            raise InputError(f"unknown threat class '{cls}'", field="raids")
    P = max([len(r.launch.times_s or [0]) for r in scenario.raids], default=1)
    Q = max([len(r.route) for r in scenario.raids], default=0) or 1
    wf = np.zeros((W, N_WF))
    prof_t = np.zeros((W, P + 1))
    prof_cum = np.ones((W, P + 1))
    prof_n = np.ones(W, dtype=np.int64)
    target_cum = np.ones((W, A))
    feint_w = np.zeros((W, A))
    route_x = np.zeros((W, Q))
    route_y = np.zeros((W, Q))
    route_n = np.zeros(W, dtype=np.int64)
    lethality = np.zeros((A, W))
    perceived = np.zeros((A, W))
    wave_cost = np.zeros(W)
    wave_count = np.zeros(W, dtype=np.int64)
    wave_rcs = np.zeros(W)
    for w, (_wname, cls, count, raid) in enumerate(wave_specs):
        tp = cat.threats[cls].params if raid is None else raid_params(raid, cat)
        pcls = perceived_class(cls, cat)
        wf[w, W_SPEED], wf[w, W_ALT], wave_rcs[w] = tp["speed_mps"], tp["altitude_m"], tp["rcs_m2"]
        wf[w, W_ACOU] = tp["acoustic"]
        wf[w, W_LETHAL] = tp["lethal_radius_m"]
        wf[w, W_SEEKER] = tp["seeker_range_m"]
        wf[w, W_ENDUR] = tp["endurance_s"]
        wf[w, W_COST] = tp["cost_usd"]
        wf[w, W_CLIMB] = tp["climb_mps"]
        wave_cost[w] = tp["cost_usd"]
        wave_count[w] = count
        for a in range(A):
            lethality[a, w] = vulns[a].get(cls, 0.0) * (1.0 if tp["warhead"] > 0 else 0.0)
            perceived[a, w] = vulns[a].get(pcls, 0.0)
        if raid is not None:
            cx, cy = loc(raid.launch_area.center)
            wf[w, W_LCX], wf[w, W_LCY], wf[w, W_LR] = cx, cy, raid.launch_area.radius_m
            wf[w, W_SCATTER] = raid.targeting.scatter_m
            wf[w, W_AMBUSH] = 1.0 if raid.targeting.mode == "ambush" else 0.0
            lp = raid.launch
            if lp.times_s is None or lp.rates is None:
                edges, rates = [lp.start_s, lp.end_s], [1.0]
            else:
                edges, rates = [*lp.times_s, lp.end_s], list(lp.rates)
            mass = np.array([r * (b - a) for r, a, b in zip(rates, edges, edges[1:],
                                                            strict=False)])
            cum = np.concatenate([[0.0], np.cumsum(mass) / mass.sum()])
            cum[-1] = 1.0
            n = len(rates)
            prof_n[w] = n
            prof_t[w, : n + 1] = edges
            prof_t[w, n + 1:] = edges[-1]
            prof_cum[w, : n + 1] = cum
            weights = np.array([raid.targeting.weights.get(nm, 0.0) for nm in names])
            tc = np.cumsum(weights) / weights.sum()
            tc[np.flatnonzero(weights)[-1]:] = 1.0
            target_cum[w] = tc
            fw = weights.copy()
            fw[:M] = 0.0
            if tp.get("feint_fraction", 0.0) > 0.0 and np.count_nonzero(fw) >= 2:
                wf[w, W_FEINT] = tp["feint_fraction"]
                feint_w[w] = fw
            for k, rp in enumerate(raid.route):
                route_x[w, k], route_y[w, k] = loc(rp)
            route_n[w] = len(raid.route)
        else:  # the leak surge (wave leak_wave) ambushes
            wf[w, W_AMBUSH] = 1.0

    drone_wave = np.concatenate(
        [np.full(c, w, dtype=np.int64) for w, c in enumerate(wave_count)]
    ) if W else np.zeros(0, dtype=np.int64)
    drone_key = np.array(
        [rng.drone_key(wave_specs[w][0], i) for w, c in enumerate(wave_count)
         for i in range(int(c))], dtype=np.uint64)

    # ---- strikes on an aircraft on the ground: vulnerability per ground leg and wave
    ground_leth = np.zeros((M, K, max(W, 1)))
    for i, m in enumerate(moving):
        q = 0  # the plan point of each waypoint: a stop adds one
        for wp in m.waypoints:
            if wp.ground_s > 0.0:
                for w, spec in enumerate(wave_specs):
                    tp = cat.threats[spec[1]].params
                    if tp["warhead"] > 0:
                        ground_leth[i, q, w] = wp.ground_vulnerability.get(spec[1], 0.0)
                q += 1
            q += 1

    # ---- leak: ambush point = the flight-path point nearest the launch-area centre
    leak_p, leak_wave, leak_asset = 0.0, -1, VIP_INDEX
    leak_x = leak_y = leak_t = leak_spread = 0.0
    if scenario.leak is not None:
        lk = scenario.leak
        leak_p = lk.probability
        leak_wave = W - 1
        leak_asset = index[lk.asset] if lk.asset is not None else VIP_INDEX
        cx, cy = loc(lk.launch_area.center)
        best: tuple[float, float, float, float] = (math.inf, 0.0, 0.0, 0.0)
        la = leak_asset
        for k in range(int(plan_n[la]) - 1):
            ax, ay, bx, by = plan_x[la, k], plan_y[la, k], plan_x[la, k + 1], plan_y[la, k + 1]
            dx, dy = bx - ax, by - ay
            L2 = dx * dx + dy * dy
            s = 0.0 if L2 == 0 else min(1.0, max(0.0, ((cx - ax) * dx + (cy - ay) * dy) / L2))
            px, py = ax + s * dx, ay + s * dy
            d = math.hypot(cx - px, cy - py)
            if d < best[0]:
                tt = plan_t[la, k] + s * (plan_t[la, k + 1] - plan_t[la, k])
                best = (d, px, py, tt)
        _, leak_x, leak_y, t_pass = best
        leak_t = max(0.0, t_pass - lk.lead_s)
        leak_spread = lk.spread_m
        target_cum[leak_wave] = np.where(np.arange(A) >= leak_asset, 1.0, 0.0)

    # ---- sensors (escort-mounted ones fly with the VIP, asset 0)
    S = len(scenario.sensors)
    sf = np.zeros((S, N_SF))
    sen_rmax = np.zeros(S)
    sen_r50 = np.zeros((S, W))
    sen_pd = np.zeros((S, W))
    for s, rs in enumerate(equipment.sensors):
        sf[s, S_KIND] = SENSOR_CODES[rs.kind]
        if rs.position is None:  # mounted on moving asset m: S_ESCORT = 1 + m
            flies_with = scenario.sensors[s].escorts
            sf[s, S_ESCORT] = 1.0 + (index[flies_with] if flies_with is not None else VIP_INDEX)
        else:
            sf[s, S_X], sf[s, S_Y] = rs.position
        sf[s, S_MAST] = rs.mast_m
        sf[s, S_SLOPE] = rs.get("slope")
        sf[s, S_MAXR] = rs.get("max_range_m")
        sf[s, S_SCAN] = rs.get("scan_s")
        sf[s, S_MINALT] = rs.get("min_altitude_m")
        sf[s, S_TM], sf[s, S_TN], sf[s, S_DROP] = rs.track_rule
        sf[s, S_LAT] = rs.get("latency_s")
        sf[s, S_NETR] = rs.get("net_radius_m")
        sf[s, S_PD] = rs.get("pd_scan")
        sf[s, S_SIGR] = rs.get("sigma_range_m")
        sf[s, S_SIGB] = math.radians(rs.get("sigma_bearing_deg")) if rs.kind != "acoustic" else 0.0
        sf[s, S_FA] = rs.get("false_alarms_per_scan")
        sf[s, S_RES] = rs.get("resolution_m")
        sf[s, S_PMK] = rs.get("p_missed_kill")
        sf[s, S_PFK] = rs.get("p_false_kill")
        sen_rmax[s] = rs.coverage_m
        if rs.kind == "acoustic":
            sen_pd[s] = np.minimum(1.0, sf[s, S_PD] * wf[:, W_ACOU])
        elif rs.kind == "radar":  # r50 (rcs / rcs_ref)^(1/4), as ResolvedSensor.r50_m
            sen_r50[s] = rs.params["r50_m"] * (wave_rcs / rs.params["rcs_ref_m2"]) ** 0.25
        else:
            sen_r50[s] = rs.params["r50_m"]
    sen_q = np.zeros((S, W))
    np.divide(1.0, sen_r50 * sen_r50, out=sen_q, where=sen_r50 > 0)
    sensor_key = np.array([name_key(s.name) for s in scenario.sensors], dtype=np.uint64)

    # ---- effectors
    E = len(scenario.effectors)
    ef = np.zeros((E, N_EF))
    pk = np.zeros((E, W))
    zone_index = {z.name: k for k, z in enumerate(scenario.c2.engagement_zones)}
    zone = np.array([[*loc(z.center), z.radius_m] for z in scenario.c2.engagement_zones],
                    dtype=np.float64).reshape(-1, 3)
    ezone = np.zeros((E, max(len(zone_index), 1)), dtype=np.bool_)
    phases = [_role_breaks(e_.role) for e_ in scenario.effectors]
    H = max([len(b) for b in phases], default=1)
    role_t = np.full((E, H), np.inf)
    role_r = np.zeros((E, H), dtype=np.int64)
    for e, (e_, re_) in enumerate(zip(scenario.effectors, equipment.effectors, strict=True)):
        guard = index[e_.escorts] if e_.escorts is not None else (VIP_INDEX if M else -1)
        ef[e, E_GUARD] = guard
        for q, (tb, code) in enumerate(phases[e]):
            role_t[e, q], role_r[e, q] = tb, code
        if e_.reserve is not None and guard >= 0:
            ef[e, E_RES_R] = e_.reserve.rounds
            ef[e, E_RES_K] = e_.reserve.channels
            ef[e, E_RES_M] = e_.reserve.ready
            ef[e, E_RES_FROM] = e_.reserve.from_s
            ef[e, E_RES_TO] = (plan_t[guard, plan_n[guard] - 1] if e_.reserve.to_s is None
                               else e_.reserve.to_s)
        ef[e, E_ZONED] = 1.0 if e_.zones else 0.0
        ef[e, E_ZONE_POS] = 1.0 if e_.zone_test == "position" else 0.0
        for zn in e_.zones:
            ezone[e, zone_index[zn]] = True
        ef[e, E_KIND] = EFFECTOR_CODES[re_.kind]
        if re_.position is None:
            ef[e, E_ESCORT] = 1.0 + guard  # mounted on moving asset `guard`
        else:
            ef[e, E_X], ef[e, E_Y] = re_.position
        ef[e, E_MINR] = re_.get("min_range_m")
        ef[e, E_MAXR] = re_.get("max_range_m")
        ef[e, E_MAXALT] = re_.get("max_altitude_m")
        ef[e, E_VP] = re_.get("projectile_speed_mps")
        ef[e, E_MAG] = math.floor(re_.get("magazine"))
        ef[e, E_RELOAD] = re_.get("reload_s")
        ef[e, E_CHAN] = math.floor(re_.get("channels"))
        ef[e, E_REACT] = re_.get("reaction_s")
        ef[e, E_INTERVAL] = re_.get("shot_interval_s")
        ef[e, E_COST] = re_.get("cost_per_shot_usd")
        # an aircraft is at least as easy a target as the easiest drone class
        ef[e, E_PKFF] = 0.0 if re_.is_jammer else max(re_.pk.values(), default=0.0)
        ef[e, E_STOCK] = STOCK_UNLIMITED if re_.stock is None else float(re_.stock)
        ef[e, E_BASKET] = 0.0 if re_.is_jammer else re_.get("basket_m")
        for w, spec in enumerate(wave_specs):
            pk[e, w] = re_.pk_against(spec[1])
    eff_key = np.array([name_key(e.name) for e in scenario.effectors], dtype=np.uint64)
    max_ch = int(max([ef[e, E_CHAN] for e in range(E)], default=0.0))
    D = max([len(re_.deliveries) for re_ in equipment.effectors], default=0) or 1
    sup_t = np.full((E, D), np.inf)
    sup_n = np.zeros((E, D), dtype=np.int64)
    sup_cnt = np.zeros(E, dtype=np.int64)
    for e, re_ in enumerate(equipment.effectors):
        sup_cnt[e] = len(re_.deliveries)
        for q, (td, nd) in enumerate(re_.deliveries):
            sup_t[e, q], sup_n[e, q] = td, nd

    c2 = scenario.c2
    wfz = np.array([[*loc(z.center), z.radius_m] for z in c2.weapons_free_zones],
                   dtype=np.float64).reshape(-1, 3)
    dt = float(scenario.dt_s)
    n_steps, n_bins = time_grid(scenario.duration_s, dt)
    params = KernelParams(
        dt=dt, n_steps=n_steps, duration=float(scenario.duration_s), n_bins=n_bins,
        plan_x=plan_x, plan_y=plan_y, plan_t=plan_t, plan_n=plan_n, plan_alt=plan_alt, plan_gnd=plan_gnd,
        plan_stops=np.asarray(plan_gnd.any(axis=1), dtype=np.bool_), ground_leth=ground_leth,
        asset_x=asset_x, asset_y=asset_y, asset_radius=asset_radius, asset_value=asset_value,
        asset_weight=asset_weight, asset_key=asset_key, n_moving=M,
        lethality=lethality, perceived=perceived,
        wf=wf, prof_t=prof_t, prof_cum=prof_cum, prof_n=prof_n, target_cum=target_cum,
        feint_w=feint_w,
        route_x=route_x, route_y=route_y, route_n=route_n,
        drone_wave=drone_wave, drone_key=drone_key,
        leak_p=float(leak_p), leak_wave=int(leak_wave), leak_asset=int(leak_asset),
        leak_x=float(leak_x), leak_y=float(leak_y), leak_t=float(leak_t),
        leak_spread=float(leak_spread),
        sf=sf, sen_rmax=sen_rmax, sen_q=sen_q, sen_pd=sen_pd, sensor_key=sensor_key, ef=ef, pk=pk, eff_key=eff_key, max_channels=max_ch,
        role_t=role_t, role_r=role_r, ezone=ezone, zone=zone,
        sup_t=sup_t, sup_n=sup_n, sup_cnt=sup_cnt,
        cycle_s=float(c2.cycle_s), policy=POLICIES[c2.policy],
        policy_time_s=float(c2.policy_time_s), priority_rule=PRIORITY_RULES[c2.priority_rule],
        intent=INTENTS[c2.intent],
        **_bridge(scenario, names, asset_radius, wave_specs, wave_count, wf, target_cum,
                  cat),
        doctrine=DOCTRINES[c2.doctrine],
        salvo_size=int(c2.salvo_size), tight_r=float(c2.weapons_tight_radius_m),
        p_misid=float(c2.p_misidentification), wfz=wfz,
        **_information(c2, sf, wave_count, sen_rmax, sen_q),
        **_terrain(scenario, sf, ef, wf, dt),
    )
    return CompiledScenario(
        name=scenario.name,
        asset_names=tuple(names),
        asset_kinds=tuple(kinds),
        asset_values=asset_value.copy(),
        wave_names=tuple(s[0] for s in wave_specs),
        effector_names=tuple(e.name for e in scenario.effectors),
        sensor_names=tuple(s.name for s in scenario.sensors),
        duration_s=float(scenario.duration_s),
        dt_s=dt,
        n_steps=n_steps,
        n_bins=n_bins,
        cost_per_shot=ef[:, E_COST].copy(),
        wave_cost_usd=wave_cost,
        wave_count=wave_count,
        n_drones_max=int(wave_count.sum()),
        params=params,
        effector_roles=tuple(e.role if isinstance(e.role, str) else tuple(e.role)
                             for e in scenario.effectors),
    )
