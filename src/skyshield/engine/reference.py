"""A slow, plain-Python implementation of ``docs/model.md``, written from the document.

One object per drone, loops over every drone at every step, draws computed from the full key
each time (Python integers, :mod:`skyshield.engine.rng`'s ``py_*`` twins). It shares nothing
with the kernel but the compiled arrays, so that comparing the two replication by replication
catches compilation, vectorisation and bookkeeping bugs in the fast path. Under
``c2.information: tracks`` (§4.5.2) it builds the measurements, false alarms, candidates,
engagements and kill assessments itself and runs the plain-Python tracker of
:mod:`skyshield.track.pyref` (``docs/tracking.md`` written out again, on the same kind of
track store); the WTA policies it calls are :mod:`skyshield.wta`'s. One exception: under
``c2.intent: bridge`` (§4.7.1) it sets up the time-to-go cells, the destinations and the
cache itself but evaluates the posterior with the compiled
:func:`skyshield.track.intent.bridge_posterior_fast` (tested against its full form and a
brute-force joint Gaussian, ``tests/track/test_intent.py``).

:func:`run_replication` returns a :class:`BatchOutcome` with R = 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from skyshield.contract import BIN_S, CAUSE_FRIENDLY_FIRE, CAUSE_NONE
from skyshield.engine import compile as C
from skyshield.engine import rng
from skyshield.engine.compile import CompiledScenario
from skyshield.engine.outcome import BatchOutcome
from skyshield.terrain.los import lookup_py
from skyshield.terrain.viewshed import los_clear_py, min_visible_height_py

EPS = 1e-9
KRE = 4.0 / 3.0 * 6_371_000.0


@dataclass
class Drone:
    index: int
    wave: int
    key: int
    t_launch: float
    launch_x: float
    launch_y: float
    target: int
    mode: str  # strike | air | ambush | pursue
    aim_x: float = 0.0
    aim_y: float = 0.0
    status: str = "waiting"  # waiting | air | killed | leaked | expired
    x: float = 0.0
    y: float = 0.0
    z: float = 0.0
    za: float = 0.0  # above sea level (terrain, §4.9)
    leg: int = 0
    engaged: int = 0
    rounds: int = 0
    feint_x: float = 0.0  # the feint: a decoy site's centre, until t_switch (§3)
    feint_y: float = 0.0
    t_switch: float = -1.0
    ptgt: int = -1  # the target C2 infers (§4.7.1); the true one until C2 first looks
    vx: float = 0.0  # observed velocity (§4.3, under intent: heading)
    vy: float = 0.0
    ox: float = 0.0  # position at the previous observation
    oy: float = 0.0

    def __post_init__(self) -> None:
        self.ptgt = self.target
        self.ox, self.oy = self.launch_x, self.launch_y


@dataclass
class Engagement:
    drone: int  # under tracks: the label l0 of the track at the start (-1: a false track)
    due: float
    rounds: int
    first: int
    # under information: tracks (§4.5.2), the track engaged and what C2 knew at the start
    slot: int = -1
    serial: int = -1
    x0: float = 0.0
    y0: float = 0.0
    vx0: float = 0.0
    vy0: float = 0.0
    t0: float = 0.0
    ptgt: int = -1  # the target C2 gave the track at the start (the gun's reserve rule)


@dataclass
class Cand:
    """A candidate of C2 under information: tracks (§4.5.2): a confirmed, reported track,
    with the attributes of a :class:`Drone` that the decision reads."""

    index: int  # the track's slot: the tie-break index and the WTA's candidate order
    serial: int
    label: int  # the drone of the last measurement associated with the track, -1: clutter
    wave: int  # the class C2 gives it
    x: float  # the estimate now
    y: float
    z: float  # the class's cruise altitude
    vx: float
    vy: float
    ptgt: int = -1


def run_replication(cs: CompiledScenario, seed: int, rep: int) -> BatchOutcome:
    """Replication ``rep`` of the model, slowly; a :class:`BatchOutcome` with R = 1."""
    return _Rep(cs, seed, rep).run()


def run_replication_raymarch(cs: CompiledScenario, seed: int,
                             rep: int) -> tuple[BatchOutcome, int, int]:
    """Replication ``rep`` with every fixed site's line of sight (§4.9) decided by a brute-force
    ray march from its eye instead of its viewshed raster.

    The ray march is :func:`~skyshield.terrain.viewshed.los_clear_py` from the eye the raster
    is swept from (the site's nearest node, ``mast_m`` or ``terrain.sight_m`` above it) to the
    target, ``h`` above the ground at ``(x, y)``; escort mounts march as always. Returns the
    outcome, the number of fixed-site checks and the number of them on which the raster's
    lookup would have answered otherwise (``docs/terrain.md``: how often the two agree and what
    it does to the outcome).
    """
    r = _Rep(cs, seed, rep, los="raymarch")
    out = r.run()
    return out, r.los_checks, r.los_differ


class _Rep:
    def __init__(self, cs: CompiledScenario, seed: int, rep: int,
                 los: str = "raster") -> None:
        self.cs = cs
        self.p = cs.params
        self.cs_roles = cs.effector_roles
        self.h = rng.py_rep_key(seed, rep)
        A, W, E, B = len(cs.asset_names), len(cs.wave_names), len(cs.effector_names), cs.n_bins
        self.A, self.W, self.E, self.B = A, W, E, B
        self.lost = [False] * A
        self.loss_t = [math.nan] * A
        self.hits = [0] * A
        self.launched = np.zeros((W, B), np.int32)
        self.killed = np.zeros((W, B), np.int32)
        self.leaked = np.zeros((W, B), np.int32)
        self.expired = np.zeros(W, np.int32)
        self.shots = np.zeros((E, B), np.int32)
        self.kills = np.zeros(E, np.int32)
        self.cause = [CAUSE_NONE] * A
        self.wave_kills = np.zeros((W, E), np.int32)
        self.wave_shots = np.zeros((W, E), np.int32)
        self.ff = 0
        self.drone_steps = 0
        self.vip_ff = False
        self.los_s, self.los_e = _rasters(cs)
        # the reference's brute-force mode (run_replication_raymarch): fixed sites march
        self.los = los
        self.los_checks = 0
        self.los_differ = 0
        p = self.p
        self.eye_s = [_eye(cs, float(p.sf[s, C.S_X]), float(p.sf[s, C.S_Y]),
                           float(p.sf[s, C.S_MAST])) for s in range(p.sf.shape[0])]
        self.eye_e = [_eye(cs, float(p.ef[e, C.E_X]), float(p.ef[e, C.E_Y]),
                           float(p.ter_sight)) for e in range(E)]

    def fixed_sees(self, ras: np.ndarray, eye: tuple[float, float, float], x: float,
                   y: float, h: float) -> bool:
        """A fixed site with raster ``ras`` sees ``(x, y)`` at ``h`` above the ground: the
        lookup, or (``los="raymarch"``) the ray march from its ``eye``, counted."""
        p = self.p
        seen = h >= lookup_py(ras, p.ter_x0, p.ter_y0, p.ter_cell, x, y)
        if self.los == "raster":
            return seen
        ox, oy, oh = eye
        clear = bool(los_clear_py(p.ter_z, p.ter_x0, p.ter_y0, p.ter_cell, ox, oy, oh, x, y,
                                  self.ground(x, y) + h, p.ter_curv))
        self.los_checks += 1
        self.los_differ += int(clear != seen)
        return clear

    # ------------------------------------------------------------------ §4.9 line of sight
    def ground(self, x: float, y: float) -> float:
        p = self.p
        return lookup_py(p.ter_z, p.ter_x0, p.ter_y0, p.ter_cell, x, y)

    def mount_sees(self, ox: float, oy: float, oh: float, x: float, y: float,
                   h: float) -> bool:
        p = self.p
        return bool(los_clear_py(p.ter_z, p.ter_x0, p.ter_y0, p.ter_cell, ox, oy,
                                 self.ground(ox, oy) + oh, x, y, self.ground(x, y) + h,
                                 p.ter_curv))

    def sensor_sees(self, s: int, sx: float, sy: float, hs: float, x: float, y: float,
                    h: float) -> bool:
        p = self.p
        if not p.ter_on or int(p.sf[s, C.S_KIND]) == C.K_ACOUSTIC:
            return True
        if p.sf[s, C.S_ESCORT] > 0:
            return self.mount_sees(sx, sy, hs, x, y, h)
        ras = self.los_s[s]
        assert ras is not None
        return self.fixed_sees(ras, self.eye_s[s], x, y, h)

    def slant2(self, e: int, ex: float, ey: float, x: float, y: float, h: float,
               r2: float) -> float:
        """The squared range, 3-D over terrain (§4.9)."""
        p = self.p
        if not p.ter_on:
            return r2
        he = p.ter_sight
        if p.ef[e, C.E_ESCORT] > 0:
            m = int(p.ef[e, C.E_ESCORT]) - 1
            if self.ac[m][4]:
                he = he + p.plan_alt[m]
        dz = (self.ground(x, y) + h) - (self.ground(ex, ey) + he)
        return float(r2 + dz * dz)

    def effector_sees(self, e: int, ex: float, ey: float, x: float, y: float,
                      h: float) -> bool:
        p = self.p
        if not p.ter_on:
            return True
        if p.ef[e, C.E_ESCORT] > 0:
            m = int(p.ef[e, C.E_ESCORT]) - 1
            he = p.ter_sight + (p.plan_alt[m] if self.ac[m][4] else 0.0)
            return self.mount_sees(ex, ey, he, x, y, h)
        ras = self.los_e[e]
        assert ras is not None
        return self.fixed_sees(ras, self.eye_e[e], x, y, h)

    def U(self, *parts: int) -> float:
        return rng.py_uniform(self.h, *parts)

    def bin(self, t: float) -> int:
        return min(int(t / BIN_S), self.B - 1)

    # ------------------------------------------------------------------ the aircraft
    def plan(self, m: int, t: float) -> tuple[float, float, float, float, bool]:
        p = self.p
        n = int(p.plan_n[m])
        xs, ys, ts = p.plan_x[m, :n], p.plan_y[m, :n], p.plan_t[m, :n]
        if t < ts[0]:
            return float(xs[0]), float(ys[0]), 0.0, 0.0, False
        if t > ts[-1]:
            return float(xs[-1]), float(ys[-1]), 0.0, 0.0, False
        for k in range(n - 1):
            if t <= ts[k + 1] or k == n - 2:
                if p.plan_gnd[m, k]:  # landed: at the point, not airborne
                    return float(xs[k]), float(ys[k]), 0.0, 0.0, False
                dt = ts[k + 1] - ts[k]
                vx = float((xs[k + 1] - xs[k]) / dt)
                vy = float((ys[k + 1] - ys[k]) / dt)
                return float(xs[k] + vx * (t - ts[k])), float(ys[k] + vy * (t - ts[k])), vx, vy, True
        raise AssertionError("unreachable")

    def ground_stop(self, m: int, t: float) -> int:
        """The plan point whose ground leg holds moving asset ``m`` at ``t``, or -1."""
        p = self.p
        n = int(p.plan_n[m])
        ts = p.plan_t[m, :n]
        if t < ts[0] or t > ts[-1]:
            return -1
        for k in range(n - 1):
            if t <= ts[k + 1] or k == n - 2:
                return k if p.plan_gnd[m, k] else -1
        return -1

    # ------------------------------------------------------------------ drawn once
    def draw_drones(self) -> list[Drone]:
        p, cs = self.p, self.cs
        leak = p.leak_wave >= 0 and self.U(rng.S_LEAK, 0, 0) < p.leak_p
        self.leak = leak
        drones = []
        M = p.n_moving
        for i in range(cs.n_drones_max):
            w = int(p.drone_wave[i])
            dk = int(p.drone_key[i])
            if w == p.leak_wave:
                if not leak:
                    drones.append(Drone(i, w, dk, math.inf, 0.0, 0.0, p.leak_asset, "ambush"))
                    continue
                rho = p.leak_spread * math.sqrt(self.U(rng.S_SURGE_R, dk, 0))
                th = 2.0 * math.pi * self.U(rng.S_SURGE_A, dk, 0)
                drones.append(Drone(i, w, dk, p.leak_t, p.leak_x + rho * math.cos(th),
                                    p.leak_y + rho * math.sin(th), p.leak_asset, "ambush"))
                continue
            # launch time: inverse CDF of the piecewise-constant profile
            u = self.U(rng.S_LAUNCH_T, dk, 0)
            n = int(p.prof_n[w])
            cum, edges = p.prof_cum[w], p.prof_t[w]
            k = next((j for j in range(n) if u < cum[j + 1]), n - 1)
            tl = edges[k] + (u - cum[k]) / (cum[k + 1] - cum[k]) * (edges[k + 1] - edges[k])
            wf = p.wf[w]
            rho = wf[C.W_LR] * math.sqrt(self.U(rng.S_LAUNCH_R, dk, 0))
            th = 2.0 * math.pi * self.U(rng.S_LAUNCH_A, dk, 0)
            lx = wf[C.W_LCX] + rho * math.cos(th)
            ly = wf[C.W_LCY] + rho * math.sin(th)
            ut = self.U(rng.S_TARGET, dk, 0)
            a = next((j for j in range(self.A) if ut < p.target_cum[w, j]), self.A - 1)
            if a < M:
                mode = "ambush" if wf[C.W_AMBUSH] > 0 else "air"
                drones.append(Drone(i, w, dk, float(tl), float(lx), float(ly), a, mode))
            else:
                rad = math.sqrt(-2.0 * math.log(1.0 - self.U(rng.S_AIM_1, dk, 0)))
                phi = 2.0 * math.pi * self.U(rng.S_AIM_2, dk, 0)
                sc = wf[C.W_SCATTER]
                d = Drone(i, w, dk, float(tl), float(lx), float(ly), a, "strike",
                          float(p.asset_x[a] + sc * rad * math.cos(phi)),
                          float(p.asset_y[a] + sc * rad * math.sin(phi)))
                f = float(wf[C.W_FEINT])
                if f > 0:  # a feint at another site, from the raid's other site weights
                    others = [j for j in range(M, self.A) if j != a and p.feint_w[w, j] > 0]
                    tot = 0.0
                    for j in range(M, self.A):
                        if j != a:
                            tot += float(p.feint_w[w, j])
                    uf = self.U(rng.S_FEINT, dk, 0) * tot
                    acc, af = 0.0, others[-1]
                    for j in others:
                        acc += float(p.feint_w[w, j])
                        if uf < acc:
                            af = j
                            break
                    d.feint_x, d.feint_y = float(p.asset_x[af]), float(p.asset_y[af])
                    dx, dy = d.feint_x - d.launch_x, d.feint_y - d.launch_y
                    d.t_switch = d.t_launch + f * math.sqrt(dx * dx + dy * dy) / wf[C.W_SPEED]
                drones.append(d)
        return drones

    # ------------------------------------------------------------------ bookkeeping
    def lose(self, a: int, t: float, cause: int) -> None:
        """Asset ``a`` destroyed at ``t`` by ``cause`` (a wave, or friendly fire); the first
        loss is the one kept."""
        if not self.lost[a]:
            self.lost[a] = True
            self.loss_t[a] = t
            self.cause[a] = cause

    def kill(self, d: Drone, e: int, t: float) -> None:
        """Drone ``d`` killed (or defeated) by effector ``e`` at ``t``."""
        self.finish(d, "killed", t)
        self.kills[e] += 1
        self.wave_kills[d.wave, e] += 1

    def finish(self, d: Drone, how: str, t: float) -> None:
        d.status = how
        if how == "expired":
            self.expired[d.wave] += 1
        elif how == "leaked":
            self.leaked[d.wave, self.bin(t)] += 1
        else:
            self.killed[d.wave, self.bin(t)] += 1

    def seen(self, d: Drone, t: float) -> bool:
        p = self.p
        return any(self.trk_t[d.index][s] >= 0.0
                   and t + EPS >= self.trk_t[d.index][s] + p.sf[s, C.S_LAT]
                   for s in range(p.sf.shape[0]))

    def own_aircraft_near(self, x: float, y: float, radius: float) -> bool:
        return any(self.ac[m][4] and not self.lost[m]
                   and _d2(x, y, self.ac[m][0], self.ac[m][1]) < radius * radius
                   for m in range(self.p.n_moving))

    def where(self, table: np.ndarray, e: int, xcol: int, ycol: int, esc: int
              ) -> tuple[float, float]:
        if table[e, esc] > 0:  # mounted on moving asset table[e, esc] - 1
            m = int(table[e, esc]) - 1
            return self.ac[m][0], self.ac[m][1]
        return float(table[e, xcol]), float(table[e, ycol])

    # ------------------------------------------------------------------ the run
    def run(self) -> BatchOutcome:
        p, cs = self.p, self.cs
        # §3 drawn once per replication
        self.drones = drones = self.draw_drones()
        S, E = p.sf.shape[0], self.E
        self.trk_t = [[-1.0] * S for _ in drones]
        self.trk_ever = [[False] * S for _ in drones]  # §5 sen_tracked: once per drone
        self.sen_tracked = np.zeros(S, np.int32)
        self.hist = [[0] * S for _ in drones]
        self.miss = [[0] * S for _ in drones]
        self.next_scan = [0.0] * S
        self.scans = [0] * S
        self.mag = [int(p.ef[e, C.E_MAG]) for e in range(E)]
        self.min_mag = list(self.mag)
        self.reload_at = [-1.0] * E
        # logistics (§4.6): the stock (None: unlimited) and the deliveries still to come
        self.stock: list[int | None] = [
            None if p.ef[e, C.E_STOCK] < 0 else int(p.ef[e, C.E_STOCK]) for e in range(E)]
        self.deliveries = [[(float(p.sup_t[e, q]), int(p.sup_n[e, q]))
                            for q in range(int(p.sup_cnt[e]))] for e in range(E)]
        self.dry = [math.nan] * E
        for e in range(E):
            if (self.mag[e] == 0 and self.stock[e] == 0
                    and int(p.ef[e, C.E_KIND]) != C.K_JAMMER):
                self.dry[e] = 0.0
        self.chans: list[list[Engagement | None]] = [[None] * int(p.ef[e, C.E_CHAN])
                                                      for e in range(E)]
        self.order = sorted((d for d in drones if d.t_launch < math.inf),
                            key=lambda d: (d.t_launch, d.index))
        self.next_c2, self.cycle = 0.0, 0
        if p.information == 1:
            self.init_tracks()
        for k in range(cs.n_steps + 1):
            t = min(k * p.dt, p.duration)
            self.assets(t)
            if k > 0:
                self.move(t, k)
            self.launch(t)
            if p.intent == 2:  # heading: observed velocities
                for d in self.order:
                    if d.status == "air":
                        d.vx, d.vy = (d.x - d.ox) / p.dt, (d.y - d.oy) / p.dt
                        d.ox, d.oy = d.x, d.y
            self.ew(t, k)
            self.sense(t)
            self.effectors(t)
            cyc = self.c2(t)
            if cyc >= 0:
                self.friendly_fire(self.mag, cyc, t, self.spend)
        return self.end()

    # ------------------------------------------------------------------ §4.1-§4.8
    def assets(self, t: float) -> None:
        """§4.1: the moving assets' positions, velocities and airborne flags."""
        self.ac = [self.plan(m, t) for m in range(self.p.n_moving)]

    def move(self, t: float, k: int) -> None:
        """§4.2: the drones in the air move (those launched at earlier steps)."""
        for d in self.order:
            if d.status == "air":
                self.move_drone(d, t, k)
                self.drone_steps += d.status == "air"

    def launch(self, t: float) -> None:
        """§4.3: launches."""
        p = self.p
        for d in self.order:
            if d.status == "waiting" and d.t_launch <= t + EPS:
                d.status = "air"
                d.x, d.y, d.z = d.launch_x, d.launch_y, float(p.wf[d.wave, C.W_ALT])
                if p.ter_on:
                    d.za = self.ground(d.x, d.y) + d.z
                self.launched[d.wave, self.bin(t)] += 1

    def ew(self, t: float, k: int) -> None:
        """§4.4: area defeat by jammers."""
        p, E = self.p, self.E
        for d in self.order:
            if d.status != "air":
                continue
            rates = []
            for e in range(E):
                if int(p.ef[e, C.E_KIND]) != C.K_JAMMER:
                    continue
                ex, ey = self.where(p.ef, e, C.E_X, C.E_Y, C.E_ESCORT)
                if (p.pk[e, d.wave] > 0 and d.z <= p.ef[e, C.E_MAXALT]
                        and self.slant2(e, ex, ey, d.x, d.y, d.z, _d2(d.x, d.y, ex, ey))
                        <= p.ef[e, C.E_MAXR] ** 2
                        and self.effector_sees(e, ex, ey, d.x, d.y, d.z)):
                    rates.append((float(p.pk[e, d.wave]), e))
            if rates:
                lam = 0.0
                for rj, _ in rates:
                    lam += rj
                if self.U(rng.S_JAM, d.key, k) < 1.0 - math.exp(-lam * p.dt):
                    best = max(rates, key=lambda q: (q[0], -q[1]))[1]
                    self.kill(d, best, t)

    def sense(self, t: float) -> None:
        """§4.5: sensors scan; tracks start and drop."""
        p, S = self.p, self.p.sf.shape[0]
        for s in range(S):
            if t + EPS < self.next_scan[s]:
                continue
            while self.next_scan[s] <= t + EPS:
                self.next_scan[s] += p.sf[s, C.S_SCAN]
            n_s = self.scans[s]
            self.scans[s] += 1
            sx, sy = self.where(p.sf, s, C.S_X, C.S_Y, C.S_ESCORT)
            hs = p.sf[s, C.S_MAST]
            m = int(p.sf[s, C.S_ESCORT]) - 1
            if m >= 0 and self.ac[m][4]:
                hs = hs + p.plan_alt[m]
            detected: list[Drone] = []
            for d in self.order:
                if d.status != "air":
                    continue
                pd = self.pd(s, d, _d2(d.x, d.y, sx, sy), float(hs))
                if pd > 0.0 and not self.sensor_sees(s, sx, sy, float(hs), d.x, d.y, d.z):
                    pd = 0.0
                i = d.index
                if pd == 0.0 and self.hist[i][s] == 0 and self.trk_t[i][s] < 0:
                    continue
                det = int(pd > 0.0 and self.U(rng.S_DETECT, d.key, int(p.sensor_key[s]),
                                              n_s) < pd)
                if det:
                    detected.append(d)
                self.hist[i][s] = ((self.hist[i][s] << 1) | det) & ((1 << int(p.sf[s, C.S_TN])) - 1)
                if self.trk_t[i][s] < 0:
                    if bin(self.hist[i][s]).count("1") >= int(p.sf[s, C.S_TM]):
                        self.trk_t[i][s] = t
                        self.miss[i][s] = 0
                        if not self.trk_ever[i][s]:
                            self.trk_ever[i][s] = True
                            self.sen_tracked[s] += 1
                elif det:
                    self.miss[i][s] = 0
                else:
                    self.miss[i][s] += 1
                    if self.miss[i][s] >= int(p.sf[s, C.S_DROP]):
                        self.trk_t[i][s] = -1.0
                        self.hist[i][s] = 0
                        self.miss[i][s] = 0
            if p.information == 1:
                self.scan_tracks(s, n_s, t, sx, sy, sorted(detected, key=lambda d: d.index))

    # ------------------------------------------------------------------ §4.5.2 tracks
    def init_tracks(self) -> None:
        """The replication's one track store and what the model keeps per slot."""
        from skyshield.track.tracker import make_tracks

        p = self.p
        T, D = int(p.trk_cap), int(p.det_cap)
        self.tracks = make_tracks(T)
        self.serial = [-1] * T  # the serial of the track in the slot (its last birth)
        self.reported = [math.inf] * T  # reported to C2 from (confirmation + latency)
        self.teng = [0] * T  # engagements under way on the slot's serial
        # slot -> (serial, associated measurements, posterior) of intent: bridge
        self.bridge_cache: dict[int, tuple[int, int, np.ndarray]] = {}
        self.next_serial = 0
        self.assessed = [0] * self.E  # a_e: kill assessments of effector e so far
        self.zx = np.zeros(D)
        self.zy = np.zeros(D)
        self.zR = np.zeros((D, 3))
        self.zlab = np.zeros(D, np.int64)

    def scan_tracks(self, s: int, n_s: int, t: float, sx: float, sy: float,
                    detected: list[Drone]) -> None:
        """§4.5.2: scan ``n_s`` of sensor ``s`` at ``t`` (at ``(sx, sy)``), its drones
        detected (in index order): measurements, false alarms, the tracker."""
        from skyshield.track.pyref import process_scan_ref
        from skyshield.track.tracker import P_MISS_R

        p = self.p
        sf = p.sf[s]
        key_s = int(p.sensor_key[s])
        acoustic = int(sf[C.S_KIND]) == C.K_ACOUSTIC
        sr, sb = float(sf[C.S_SIGR]), float(sf[C.S_SIGB])
        rho = float(sf[C.S_RES])
        meas: list[tuple[float, float, float, float, float, int]] = []
        kept: list[Drone] = []
        for d in detected:
            if rho > 0 and any(_d2(d.x, d.y, o.x, o.y) < rho * rho for o in kept):
                continue  # merged with a drone kept earlier in this scan
            kept.append(d)
            u1 = self.U(rng.S_MEAS_1, d.key, key_s, n_s)
            u2 = self.U(rng.S_MEAS_2, d.key, key_s, n_s)
            g = math.sqrt(-2.0 * math.log(1.0 - u1))
            n1 = g * math.cos(2.0 * math.pi * u2)
            n2 = g * math.sin(2.0 * math.pi * u2)
            if acoustic:
                a = sr * sr
                meas.append((d.x + sr * n1, d.y + sr * n2, a, 0.0, a, d.index))
                continue
            dx, dy = d.x - sx, d.y - sy
            rng_ = math.sqrt(dx * dx + dy * dy)
            th = math.atan2(dy, dx)
            meas.append((*_polar(sx, sy, rng_ + sr * n1, th + sb * n2, sr, sb), d.index))
        lam = float(sf[C.S_FA])
        n_fa = 0
        if lam > 0:
            u = self.U(rng.S_FA_N, key_s, n_s)
            kmax = int(p.fa_cap[s])
            pk = math.exp(-lam)
            cdf = pk
            while u >= cdf and n_fa < kmax:
                n_fa += 1
                pk = pk * lam / n_fa
                cdf += pk
        cov = float(p.sen_rmax[s])
        for j in range(n_fa):
            r = cov * math.sqrt(self.U(rng.S_FA_R, key_s, n_s, j))
            phi = 2.0 * math.pi * self.U(rng.S_FA_A, key_s, n_s, j)
            if acoustic:
                a = sr * sr
                meas.append((sx + r * math.cos(phi), sy + r * math.sin(phi), a, 0.0, a, -1))
            else:
                meas.append((*_polar(sx, sy, r, phi, sr, sb), -1))
        nz = len(meas)
        if nz > len(self.zx):
            raise AssertionError("more measurements than compile.det_cap")
        for j, (mx, my, rxx, rxy, ryy, lab) in enumerate(meas):
            self.zx[j], self.zy[j] = mx, my
            self.zR[j, 0], self.zR[j, 1], self.zR[j, 2] = rxx, rxy, ryy
            self.zlab[j] = lab
        prm = p.trk_prm.copy()
        prm[P_MISS_R] = p.sen_miss_r[s]  # misses only where the sensor expects to see
        conf, _dele, born = process_scan_ref(self.tracks, prm, float(t), self.zx, self.zy,
                                             self.zR, self.zlab, int(nz), float(sx),
                                             float(sy), cov)
        for k in born:
            self.serial[k] = self.next_serial
            self.next_serial += 1
            self.reported[k] = math.inf
            self.teng[k] = 0
        for k in conf:
            self.reported[k] = t + float(sf[C.S_LAT])

    def live(self, g: Engagement) -> bool:
        """The engagement's track still holds its slot (same serial, not deleted)."""
        return bool(self.tracks.tstat[g.slot] != 0 and self.serial[g.slot] == g.serial)

    def estimate(self, k: int, t: float) -> tuple[float, float]:
        """The estimate at ``t`` of the track in slot ``k``: its state extrapolated."""
        tx, tt = self.tracks.tx, float(self.tracks.tt[k])
        return (float(tx[k, 0] + (t - tt) * tx[k, 2]), float(tx[k, 1] + (t - tt) * tx[k, 3]))

    def aim(self, g: Engagement, t: float) -> tuple[float, float]:
        """The aim point at ``t``: the live track's estimate, else the start's estimate
        extrapolated."""
        if self.live(g):
            return self.estimate(g.slot, t)
        return g.x0 + (t - g.t0) * g.vx0, g.y0 + (t - g.t0) * g.vy0

    def end_track_engagement(self, g: Engagement) -> None:
        if self.serial[g.slot] == g.serial:
            self.teng[g.slot] -= 1

    def assess(self, e: int, g: Engagement, killed: bool, ax: float, ay: float) -> bool:
        """§4.5.2 kill assessment by C2 of a round of ``e`` aimed at ``(ax, ay)``; a judged
        kill deletes the engagement's track if it is live. True iff judged a kill."""
        p = self.p
        pmk = pfk = 1.0
        covered = False
        for s in range(p.sf.shape[0]):
            sx, sy = self.where(p.sf, s, C.S_X, C.S_Y, C.S_ESCORT)
            if _d2(ax, ay, sx, sy) <= p.sen_rmax[s] * p.sen_rmax[s]:
                pmk = min(pmk, float(p.sf[s, C.S_PMK]))
                pfk = min(pfk, float(p.sf[s, C.S_PFK]))
                covered = True
        a = self.assessed[e]
        self.assessed[e] += 1
        if not covered:
            return False  # no sensor sees the aim point: no kill judged (no draw)
        u = self.U(rng.S_ASSESS, int(p.eff_key[e]), a)
        judged = (u >= pmk) if killed else (u < pfk)
        if judged and self.live(g):
            self.tracks.tstat[g.slot] = 0
        return judged

    def effector_tracks(self, e: int, c: int, g: Engagement, t: float) -> None:
        """§4.5.2 effectors on tracks: channel ``c`` of ``e`` due with engagement ``g``."""
        p = self.p
        ef = p.ef[e]
        lab = g.drone
        d = self.drones[lab] if lab >= 0 else None
        pk = float(p.pk[e, d.wave]) if d is not None else 0.0
        basket2 = float(ef[C.E_BASKET]) * float(ef[C.E_BASKET])
        if int(ef[C.E_KIND]) != C.K_GUN:
            self.chans[e][c] = None
            self.end_track_engagement(g)
            ax, ay = self.aim(g, t)
            killed = bool(d is not None and d.status == "air"
                          and _d2(d.x, d.y, ax, ay) <= basket2
                          and any(self.U(rng.S_KILL, d.key, g.first + j) < pk
                                  for j in range(g.rounds)))
            if killed:
                assert d is not None
                self.kill(d, e, t)
            self.assess(e, g, killed, ax, ay)
            return
        ex, ey = self.where(p.ef, e, C.E_X, C.E_Y, C.E_ESCORT)
        live = self.live(g)
        ax, ay = self.aim(g, t)
        w = d.wave if d is not None else int(p.wave_default)
        r2 = self.slant2(e, ex, ey, ax, ay, float(p.wf[w, C.W_ALT]), _d2(ax, ay, ex, ey))
        fire = (live and self.mag[e] > 0
                and ef[C.E_MINR] ** 2 <= r2 <= ef[C.E_MAXR] ** 2
                and p.wf[w, C.W_ALT] <= ef[C.E_MAXALT]
                and self.effector_sees(e, ex, ey, ax, ay, float(p.wf[w, C.W_ALT]))
                and (ef[C.E_ESCORT] > 0 or p.tight_r <= 0
                     or not self.own_aircraft_near(ax, ay, p.tight_r))
                and (g.ptgt == int(ef[C.E_GUARD]) or self.keeps_reserve(e, t)))
        if not fire:
            self.chans[e][c] = None
            self.end_track_engagement(g)
            return
        self.spend(e, 1, t, d.wave if d is not None else -1)
        killed = False
        if d is not None:
            q = d.rounds
            d.rounds += 1
            killed = (d.status == "air" and _d2(d.x, d.y, ax, ay) <= basket2
                      and self.U(rng.S_KILL, d.key, q) < pk)
            if killed:
                self.kill(d, e, t)
        if self.assess(e, g, killed, ax, ay):
            self.chans[e][c] = None
            self.end_track_engagement(g)
        else:
            g.due += ef[C.E_INTERVAL]

    def track_candidates(self, t: float) -> list[Cand]:
        """§4.5.2 C2 on tracks: the confirmed, reported tracks with no engagement under way
        on their serial, in slot order, as C2 sees them now."""
        p, tr = self.p, self.tracks
        out = []
        for k in range(tr.tstat.shape[0]):
            if tr.tstat[k] != 2 or t + EPS < self.reported[k] or self.teng[k] > 0:
                continue
            lab = int(tr.tlab[k])
            w = int(p.drone_wave[lab]) if lab >= 0 else int(p.wave_default)
            x, y = self.estimate(k, t)
            out.append(Cand(k, self.serial[k], lab, w, x, y, float(p.wf[w, C.W_ALT]),
                            float(tr.tx[k, 2]), float(tr.tx[k, 3])))
        return out

    def effectors(self, t: float) -> None:
        """§4.6: reloads, missiles arriving, gun bursts."""
        p, E = self.p, self.E
        for e in range(E):
            ef = p.ef[e]
            kind = int(ef[C.E_KIND])
            if kind == C.K_JAMMER:
                continue
            self.restock(e, t)
            ex, ey = self.where(p.ef, e, C.E_X, C.E_Y, C.E_ESCORT)
            for c, g in enumerate(self.chans[e]):
                if g is None or t + EPS < g.due:
                    continue
                if p.information == 1:
                    self.effector_tracks(e, c, g, t)
                    continue
                d = self.drones[g.drone]
                pk = p.pk[e, d.wave]
                if kind != C.K_GUN:
                    self.chans[e][c] = None
                    d.engaged -= 1
                    if d.status == "air" and any(
                            self.U(rng.S_KILL, d.key, g.first + j) < pk
                            for j in range(g.rounds)):
                        self.kill(d, e, t)
                    continue
                r2 = self.slant2(e, ex, ey, d.x, d.y, d.z, _d2(d.x, d.y, ex, ey))
                fire = (d.status == "air" and self.mag[e] > 0 and self.seen(d, t)
                        and ef[C.E_MINR] ** 2 <= r2 <= ef[C.E_MAXR] ** 2
                        and d.z <= ef[C.E_MAXALT]
                        and self.effector_sees(e, ex, ey, d.x, d.y, d.z)
                        and (ef[C.E_ESCORT] > 0 or p.tight_r <= 0
                             or not self.own_aircraft_near(d.x, d.y, p.tight_r))
                        and (d.ptgt == int(ef[C.E_GUARD]) or self.keeps_reserve(e, t)))
                if not fire:
                    self.chans[e][c] = None
                    d.engaged -= 1
                    continue
                q = d.rounds
                d.rounds += 1
                self.spend(e, 1, t, d.wave)
                if self.U(rng.S_KILL, d.key, q) < pk:
                    self.kill(d, e, t)
                    self.chans[e][c] = None
                    d.engaged -= 1
                else:
                    g.due += ef[C.E_INTERVAL]

    def c2(self, t: float) -> int:
        """§4.7 when a decision cycle is due; its number, or -1."""
        p = self.p
        if t + EPS < self.next_c2:
            return -1
        while self.next_c2 <= t + EPS:
            self.next_c2 += p.cycle_s
        cyc = self.cycle
        self.cycle += 1
        self.decide(self.drones, self.order, self.chans, self.mag, t, self.spend)
        return cyc

    def reserve_open(self, e: int, t: float) -> bool:
        ef = self.p.ef[e]
        return bool((ef[C.E_RES_R] > 0 or ef[C.E_RES_M] > 0 or ef[C.E_RES_K] > 0)
                    and ef[C.E_RES_FROM] <= t + EPS and t <= ef[C.E_RES_TO] + EPS)

    def keeps_reserve(self, e: int, t: float) -> bool:
        """One more round at a threat to another asset than the guard leaves the reserve."""
        if not self.reserve_open(e, t):
            return True
        ef, have = self.p.ef[e], self.stock[e]
        return bool(self.mag[e] - 1 >= int(ef[C.E_RES_M])
                    and (have is None or self.mag[e] + have - 1 >= int(ef[C.E_RES_R])))

    def restock(self, e: int, t: float) -> None:
        """§4.6 logistics: deliveries due join the stock, a reload due refills the magazine
        from it, and a dry effector that has rounds in stock again starts a reload."""
        ef, stock = self.p.ef[e], self.stock
        while self.deliveries[e] and t + EPS >= self.deliveries[e][0][0]:
            _, n = self.deliveries[e].pop(0)
            stock[e] = (stock[e] or 0) + n
        if self.reload_at[e] >= 0 and t + EPS >= self.reload_at[e]:
            full = int(ef[C.E_MAG])
            have = stock[e]
            if have is None:
                self.mag[e] = full
            else:
                n = min(full - self.mag[e], have)
                self.mag[e] += n
                stock[e] = have - n
            self.reload_at[e] = -1.0
        have = stock[e]
        if (self.mag[e] == 0 and self.reload_at[e] < 0 and have is not None and have > 0
                and ef[C.E_RELOAD] > 0):
            self.reload_at[e] = t + ef[C.E_RELOAD]

    def spend(self, e: int, n: int, t: float, wave: int) -> None:
        """Effector ``e`` fires ``n`` rounds at a drone of ``wave`` (-1: at an own aircraft)
        (magazine, shots, reload or dry)."""
        p, mag = self.p, self.mag
        mag[e] -= n
        self.min_mag[e] = min(self.min_mag[e], mag[e])
        self.shots[e, self.bin(t)] += n
        if wave >= 0:
            self.wave_shots[wave, e] += n
        if mag[e] == 0 and self.reload_at[e] < 0:
            if p.ef[e, C.E_RELOAD] > 0 and self.stock[e] != 0:
                self.reload_at[e] = t + p.ef[e, C.E_RELOAD]
            elif math.isnan(self.dry[e]):
                self.dry[e] = t

    def end(self) -> BatchOutcome:
        """§4.8: whatever is still in the air has expired; the outcome (R = 1)."""
        p = self.p
        min_mag = self.min_mag
        for d in self.order:
            if d.status == "air":
                self.finish(d, "expired", p.duration)
        launched = self.launched.sum(axis=1)
        shots = self.shots.sum(axis=1)
        o = {
            "asset_lost": np.array([self.lost]),
            "asset_loss_time_s": np.array([self.loss_t]),
            "asset_hits": np.array([self.hits], np.int32),
            "wave_launched": launched[None].astype(np.int32),
            "wave_killed": self.killed.sum(axis=1)[None].astype(np.int32),
            "wave_leaked": self.leaked.sum(axis=1)[None].astype(np.int32),
            "wave_expired": self.expired[None],
            "eff_shots": shots[None].astype(np.int32),
            "eff_kills": self.kills[None],
            "defence_cost": np.array([sum(float(shots[e]) * p.ef[e, C.E_COST]
                                          for e in range(self.E))]),
            "attack_cost": np.array([sum(float(launched[w]) * p.wf[w, C.W_COST]
                                         for w in range(self.W))]),
            "friendly_fire": np.array([self.ff], np.int32),
            "vip_lost_ff": np.array([self.vip_ff]),
            "leak": np.array([self.leak]),
            "wave_launched_t": self.launched[None],
            "wave_killed_t": self.killed[None],
            "wave_leaked_t": self.leaked[None],
            "eff_shots_t": self.shots[None],
            "min_magazine": np.array([min_mag], np.int32),
            "drone_steps": np.array([self.drone_steps], np.int64),
            "eff_dry_s": np.array([self.dry], np.float64),
            "eff_left": np.array([[-1 if self.stock[e] is None
                                   else self.mag[e] + (self.stock[e] or 0)
                                   for e in range(self.E)]], np.int32).reshape(1, self.E),
            "asset_cause": np.array([self.cause], np.int32),
            "wave_eff_kills": self.wave_kills[None],
            "wave_eff_shots": self.wave_shots[None],
            "sen_tracked": self.sen_tracked[None],
        }
        return BatchOutcome(**o)

    # ------------------------------------------------------------------ phases
    def pd(self, s: int, d: Drone, r2: float, hs: float) -> float:
        p = self.p
        sf = p.sf[s]
        if d.z < sf[C.S_MINALT]:
            return 0.0
        if int(sf[C.S_KIND]) == C.K_ACOUSTIC:
            rmax = min(sf[C.S_NETR], sf[C.S_MAXR])
            return float(min(1.0, sf[C.S_PD] * p.wf[d.wave, C.W_ACOU])) if r2 <= rmax**2 else 0.0
        if r2 > sf[C.S_MAXR] ** 2:
            return 0.0
        horizon = math.sqrt(2.0 * KRE * hs) + math.sqrt(2.0 * KRE * d.z)
        if not p.ter_on and r2 > horizon * horizon:
            return 0.0
        q = r2 * float(p.sen_q[s, d.wave])  # R²/R50², with 1/R50² computed once
        slope = sf[C.S_SLOPE]
        x = q * q if slope == 4.0 else (q if slope == 2.0 else q ** (0.5 * slope))
        return 1.0 / (1.0 + x)

    def move_drone(self, d: Drone, t: float, k: int) -> None:
        """§4.2, then §4.9: over terrain the drone follows the ground at its cruise height
        (or climbs to its aircraft's), by at most its climb rate per step."""
        p = self.p
        chase = self._move_xy(d, t)
        w = d.wave
        if not p.ter_on or d.status != "air" or k % int(p.ter_kw[w]) != 0:
            return
        g = self.ground(d.x, d.y)
        if chase:
            ax, ay = self.ac[d.target][0], self.ac[d.target][1]
            goal = self.ground(ax, ay) + float(p.plan_alt[d.target])
        else:
            goal = g + float(p.wf[w, C.W_ALT])
        c = float(p.wf[w, C.W_CLIMB]) * p.dt * int(p.ter_kw[w])
        dz = goal - d.za
        if dz > c:
            dz = c
        elif dz < -c:
            dz = -c
        za = d.za + dz
        if za < g:
            za = g
        d.za = za
        d.z = za - g

    def _move_xy(self, d: Drone, t: float) -> bool:
        """§4.2 in the plane; True when the drone climbs to its aircraft's altitude."""
        p = self.p
        w = d.wave
        wf = p.wf[w]
        if t - d.t_launch >= wf[C.W_ENDUR] - EPS:
            self.finish(d, "expired", t)
            return False
        step = wf[C.W_SPEED] * p.dt
        nroute = int(p.route_n[w])
        if d.mode == "strike" or (d.mode == "air" and d.leg < nroute):
            feint = False
            if d.leg < nroute:
                gx, gy = float(p.route_x[w, d.leg]), float(p.route_y[w, d.leg])
            elif t + EPS < d.t_switch:  # the feint, towards the decoy site
                gx, gy, feint = d.feint_x, d.feint_y, True
            else:
                gx, gy = d.aim_x, d.aim_y
            dx, dy = gx - d.x, gy - d.y
            dist = math.sqrt(dx * dx + dy * dy)
            if dist > step:
                d.x += dx / dist * step
                d.y += dy / dist * step
                return False
            d.x, d.y = gx, gy
            if d.leg < nroute:
                d.leg += 1
                return False
            if feint:
                d.t_switch = t  # over the decoy site: the feint ends
                return False
            self.finish(d, "leaked", t)
            for s in range(p.n_moving, self.A):
                L = p.lethality[s, w]
                reach = wf[C.W_LETHAL] + p.asset_radius[s]
                if L > 0 and _d2(d.x, d.y, p.asset_x[s], p.asset_y[s]) <= reach**2:
                    self.hits[s] += 1
                    if self.U(rng.S_IMPACT, d.key, int(p.asset_key[s])) < L:
                        self.lose(s, t, w)
            for m in range(p.n_moving):  # an aircraft on the ground at a stop
                k = self.ground_stop(m, t)
                if k < 0 or p.ground_leth[m, k, w] <= 0:
                    continue
                mx, my = self.ac[m][0], self.ac[m][1]
                if _d2(d.x, d.y, mx, my) <= float(wf[C.W_LETHAL]) ** 2:
                    self.hits[m] += 1
                    if (self.U(rng.S_AIR_HIT, d.key, int(p.asset_key[m]))
                            < p.ground_leth[m, k, w]) and not self.lost[m]:
                        self.lose(m, t, w)
            return False
        a = d.target
        ax, ay, avx, avy, airborne = self.ac[a]
        available = airborne and not self.lost[a]
        gone = t > p.plan_t[a, int(p.plan_n[a]) - 1] or self.lost[a]
        dist = math.sqrt(_d2(ax, ay, d.x, d.y))
        if d.mode == "ambush":
            if available and dist <= wf[C.W_SEEKER]:
                d.mode = "pursue"
            else:
                return False
        elif gone or (d.mode == "pursue" and dist > 2.0 * wf[C.W_SEEKER]):
            self.finish(d, "expired", t)
            return False
        if not available:
            return False
        if not p.ter_on:
            d.z = float(p.plan_alt[a])
        if dist <= step + wf[C.W_LETHAL]:
            d.x, d.y = ax, ay
            self.finish(d, "leaked", t)
            L = p.lethality[a, w]
            if L > 0:
                self.hits[a] += 1
                if self.U(rng.S_AIR_HIT, d.key, int(p.asset_key[a])) < L:
                    self.lose(a, t, w)
            return False
        gx, gy = _intercept(d.x, d.y, ax, ay, avx, avy, float(wf[C.W_SPEED]))
        dx, dy = gx - d.x, gy - d.y
        dist = math.sqrt(dx * dx + dy * dy)
        if dist > 0:
            f = min(step, dist) / dist
            d.x += dx * f
            d.y += dy * f
        return True

    def decide(self, drones: list[Drone], order: list[Drone],
               chans: list[list[Engagement | None]], mag: list[int], t: float,
               spend: object) -> None:
        p = self.p
        tracks = p.information == 1
        cands: list[tuple[Drone | Cand, float, float, bool]] = []
        threats: list[Drone | Cand]
        if tracks:
            threats = list(self.track_candidates(t))
        else:
            threats = [d for d in order
                       if d.status == "air" and d.engaged == 0 and self.seen(d, t)]
        for d in threats:
            w = d.wave
            if isinstance(d, Cand) and p.intent == 3:  # bridge: argmax, expected value
                post = self.bridge(d.index, w)
                a = min(range(self.A), key=lambda j: (-post[j], j))
                value = 0.0
                for j in range(self.A):
                    value += post[j] * p.asset_weight[j] * p.perceived[j, w]
            else:
                if isinstance(d, Cand):  # C2 on tracks: intent on the estimate
                    true = drones[d.label].target if d.label >= 0 else None
                    a = self.infer(d.x, d.y, d.vx, d.vy, true)
                else:
                    a = self.infer_target(d)
                value = p.asset_weight[a] * p.perceived[a, w]
            d.ptgt = a
            if value <= 0:
                continue
            gx, gy = self.goal_seen(d)
            ttg = math.sqrt(_d2(gx, gy, d.x, d.y))
            tight = p.tight_r > 0 and self.own_aircraft_near(d.x, d.y, p.tight_r)
            cands.append((d, float(value), ttg / p.wf[w, C.W_SPEED], tight))
        by = {d.index: d for d, *_ in cands}
        if p.priority_rule == 1:  # relative: over the mission's most valuable threat
            risk = self.mission_scale(cands)
            cands = [(d, v / risk[d.ptgt < p.n_moving], tg, ti) for d, v, tg, ti in cands]
        pairs = []
        cap = {}
        capa = {}  # capacity at threats to other assets than the escorted one (reserve)
        for e in range(self.E):
            ef = p.ef[e]
            kind = int(ef[C.E_KIND])
            if kind == C.K_JAMMER or mag[e] <= 0:
                continue
            role = self.role(e, t)
            if role == "hold":
                continue
            free = sum(g is None for g in chans[e])
            n = min(p.salvo_size, mag[e]) if (kind != C.K_GUN and p.doctrine == 1) else 1
            cap[e] = free if kind == C.K_GUN else min(free, mag[e] // n)
            if cap[e] == 0:
                continue
            capa[e] = cap[e]
            rr, rk, rm = int(ef[C.E_RES_R]), int(ef[C.E_RES_K]), int(ef[C.E_RES_M])
            if self.reserve_open(e, t):
                c = min(cap[e], free - rk, (mag[e] - rm) // n)
                have = self.stock[e]
                if have is not None:
                    c = min(c, (mag[e] + have - rr) // n)
                capa[e] = max(c, 0)
            guard = int(ef[C.E_GUARD])
            ex, ey = self.where(p.ef, e, C.E_X, C.E_Y, C.E_ESCORT)
            for d, value, ttg, tight in cands:
                a = d.ptgt
                if role == "escort" and a != guard:
                    continue
                if role == "area" and a < p.n_moving:
                    continue
                if a != guard and capa[e] <= 0:
                    continue
                if ef[C.E_ZONED] > 0:
                    if ef[C.E_ZONE_POS] > 0:
                        zx, zy = d.x, d.y
                    else:
                        zx, zy = self.goal_seen(d)
                    if not any(p.ezone[e, k] and _d2(zx, zy, p.zone[k, 0], p.zone[k, 1])
                               <= p.zone[k, 2] * p.zone[k, 2] for k in range(len(p.zone))):
                        continue
                pk = p.pk[e, d.wave]
                r2 = self.slant2(e, ex, ey, d.x, d.y, d.z, _d2(d.x, d.y, ex, ey))
                if (pk <= 0 or d.z > ef[C.E_MAXALT] or (tight and ef[C.E_ESCORT] <= 0)
                        or not ef[C.E_MINR] ** 2 <= r2 <= ef[C.E_MAXR] ** 2
                        or not self.effector_sees(e, ex, ey, d.x, d.y, d.z)):
                    continue
                pairs.append((-(value * (1.0 - (1.0 - pk) ** n)), ttg, d.index, e, n,
                              math.sqrt(r2)))
        go: list[tuple[int, int, int, float]] = []  # (effector, drone, rounds, distance)
        if p.policy == 0:
            pairs.sort()
            assigned: set[int] = set()
            for _score, _ttg, i, e, n, dist in pairs:
                if cap.get(e, 0) <= 0 or i in assigned:
                    continue
                if capa[e] <= 0 and by[i].ptgt != int(p.ef[e, C.E_GUARD]):
                    continue
                assigned.add(i)
                cap[e] -= 1
                capa[e] -= 1
                go.append((e, i, n, dist))
        elif pairs:
            go = []
            for e, i, n, dist in self.wta(cands, pairs, cap):
                if by[i].ptgt != int(p.ef[e, C.E_GUARD]) and capa[e] <= 0:
                    continue  # beyond the reserve: dropped
                capa[e] -= 1
                go.append((e, i, n, dist))
        for e, i, n, dist in go:
            c = chans[e].index(None)
            ef = p.ef[e]
            if tracks:
                cd = by[i]
                assert isinstance(cd, Cand)
                self.start_track(e, c, cd, n, dist, t)
                continue
            d = drones[i]
            d.engaged += 1
            if int(ef[C.E_KIND]) == C.K_GUN:
                chans[e][c] = Engagement(i, t + ef[C.E_REACT], 0, 0)
            else:
                chans[e][c] = Engagement(i, t + ef[C.E_REACT] + dist / ef[C.E_VP], n, d.rounds)
                d.rounds += n
                spend(e, n, t, d.wave)  # type: ignore[operator]

    def start_track(self, e: int, c: int, cd: Cand, n: int, dist: float, t: float) -> None:
        """§4.5.2: an engagement of track ``cd`` by channel ``c`` of ``e`` starts at ``t``
        (``n`` rounds, ``dist`` from ``e`` to the estimate)."""
        p = self.p
        ef = p.ef[e]
        lab = cd.label
        d = self.drones[lab] if lab >= 0 else None
        g = Engagement(lab, t + ef[C.E_REACT], 0, 0, cd.index, cd.serial, cd.x, cd.y, cd.vx,
                       cd.vy, t, cd.ptgt)
        self.teng[cd.index] += 1
        if int(ef[C.E_KIND]) != C.K_GUN:
            g.due = t + ef[C.E_REACT] + dist / ef[C.E_VP]
            g.rounds = n
            if d is not None:
                g.first = d.rounds
                d.rounds += n
            self.spend(e, n, t, d.wave if d is not None else -1)
        self.chans[e][c] = g

    def wta(self, cands: list[tuple[Drone | Cand, float, float, bool]],
            pairs: list[tuple[float, float, int, int, int, float]],
            cap: dict[int, int]) -> list[tuple[int, int, int, float]]:
        """The ``local``/``exact`` assignment: the cycle's asset-based WTA over the candidates
        (docs/model.md 4.7), solved by :mod:`skyshield.wta`; engagements effector-major."""
        from skyshield.engine.c2 import LOCAL_MAX_EVALS
        from skyshield.wta.asset_based import (
            assign_asset_based,
            greedy_asset_based_nb,
            local_asset_based_nb,
        )

        p = self.p
        col = {d.index: q for q, (d, _v, _t, _g) in enumerate(cands)}
        pk = np.zeros((self.E, len(cands)))
        info: dict[tuple[int, int], tuple[int, float]] = {}
        for _score, _ttg, i, e, n, dist in pairs:
            if cap.get(e, 0) <= 0:
                continue
            miss = 1.0
            for _ in range(n):
                miss *= 1.0 - float(p.pk[e, cands[col[i]][0].wave])
            pk[e, col[i]] = 1.0 - miss
            info[e, col[i]] = (n, dist)
        ta = np.array([d.ptgt for d, *_ in cands], np.int64)
        le = np.array([p.perceived[d.ptgt, d.wave] for d, *_ in cands], np.float64)
        capa = np.array([cap.get(e, 0) for e in range(self.E)], np.int64)
        av = np.array(p.asset_weight, np.float64)
        if p.priority_rule == 1:
            risk = self.mission_scale(cands)
            av = np.array([float(av[a]) / risk[a < p.n_moving] for a in range(len(av))],
                          np.float64)
        if p.policy == 1:
            x = greedy_asset_based_nb(av, ta, le, pk, capa)
            local_asset_based_nb(av, ta, le, pk, capa, x, LOCAL_MAX_EVALS)
        else:
            x = assign_asset_based(av, ta, le, pk, capa, "exact", p.policy_time_s)
        go = []
        for e in range(self.E):
            for q, (d, *_rest) in enumerate(cands):
                n, dist = info.get((e, q), (0, 0.0))
                go.extend([(e, d.index, n, dist)] * int(x[e, q]))
        return go

    def mission_scale(self, cands: list[tuple[Drone | Cand, float, float, bool]]
                      ) -> dict[bool, float]:
        """The largest value at risk among the candidates aimed at moving assets (``True``)
        and among those aimed at fixed sites (``False``); 1 for a mission without any."""
        p = self.p
        risk = {True: 0.0, False: 0.0}
        for d, *_ in cands:
            m = d.ptgt < p.n_moving
            risk[m] = max(risk[m], float(p.asset_value[d.ptgt] * p.perceived[d.ptgt, d.wave]))
        return {k: v if v > 0 else 1.0 for k, v in risk.items()}

    def bridge(self, k: int, w: int) -> np.ndarray:
        """§4.7.1 ``bridge``: track ``k``'s posterior (class ``w``: its prior) over the assets
        and transit at its state time ``tt``; cached until the slot's serial or its count of
        associated measurements changes."""
        from skyshield.track.intent import PRUNE_MARGIN, bridge_posterior_fast, tau_grid

        p, tr = self.p, self.tracks
        tt = float(tr.tt[k])
        hit = self.bridge_cache.get(k)
        nu = int(tr.tnupd[k])
        if hit is not None and hit[0] == self.serial[k] and hit[1] == nu:
            return hit[2]
        n_k = int(p.br_k)
        tau, mass, h = tau_grid(max(float(p.duration) - tt, C.BRIDGE_TAU_MIN_S), n_k)
        dest = np.empty((self.A, n_k, 2))
        for a in range(self.A):
            for j in range(n_k):
                if a < p.n_moving:
                    dest[a, j] = self.plan(a, tt + float(tau[j]))[:2]
                else:
                    dest[a, j] = p.asset_x[a], p.asset_y[a]
        post = np.empty(self.A + 1)
        bridge_posterior_fast(tr.tx[k].copy(), tr.tP[k].copy(), dest, p.br_sigma, p.br_logp[w],
                              float(p.br_kappa), float(p.br_q), tau, mass, h, PRUNE_MARGIN, post)
        self.bridge_cache[k] = (self.serial[k], nu, post)
        return post

    def asset_now(self, a: int) -> tuple[float, float, float, float]:
        """Position and velocity of asset ``a`` now (a fixed site: its centre, at rest)."""
        if a < self.p.n_moving:
            ax, ay, avx, avy, _air = self.ac[a]
            return ax, ay, avx, avy
        return float(self.p.asset_x[a]), float(self.p.asset_y[a]), 0.0, 0.0

    def infer_target(self, d: Drone) -> int:
        """§4.7.1 intent: the asset C2 takes ``d`` to be going for."""
        return self.infer(d.x, d.y, d.vx, d.vy, d.target)

    def infer(self, x: float, y: float, vx: float, vy: float, true: int | None) -> int:
        """§4.7.1 intent of a threat at ``(x, y)`` with velocity ``(vx, vy)``; ``true`` its
        true target (``oracle``; ``None``: a false track, taken as ``nearest``)."""
        p = self.p
        if p.intent == 0 and true is not None:  # oracle
            return true
        if p.intent == 2:  # heading: the nearest closest approach ahead
            best: tuple[float, float, int] | None = None
            for a in range(self.A):
                ax, ay, avx, avy = self.asset_now(a)
                rx, ry = ax - x, ay - y
                ux, uy = vx - avx, vy - avy
                uu = ux * ux + uy * uy
                if uu <= 0:
                    continue
                tc = (rx * ux + ry * uy) / uu
                if tc <= 0:
                    continue
                dx, dy = rx - ux * tc, ry - uy * tc
                key = (dx * dx + dy * dy, tc, a)
                if best is None or key < best:
                    best = key
            if best is not None:
                return best[2]
        return min(range(self.A), key=lambda a: (_d2(*self.asset_now(a)[:2], x, y), a))

    def goal_seen(self, d: Drone | Cand) -> tuple[float, float]:
        """Where C2 takes ``d`` to be going: its aim point (``oracle``, a strike; not on
        tracks), else the position of the target it infers now (a site's centre)."""
        if isinstance(d, Drone) and self.p.intent == 0 and d.mode == "strike":
            return d.aim_x, d.aim_y
        ax, ay, _vx, _vy = self.asset_now(d.ptgt)
        return ax, ay

    def role(self, e: int, t: float) -> str:
        """Effector ``e``'s role at ``t``: the scenario's role, or the schedule's phase that
        holds ``t`` (``both`` outside every phase)."""
        role = self.cs_roles[e]
        if isinstance(role, str):
            return role
        for ph in role:
            if ph.from_s <= t + EPS and (ph.to_s is None or t + EPS < ph.to_s):
                return str(ph.role)
        return "both"

    def friendly_fire(self, mag: list[int], cycle: int, t: float, spend: object) -> None:
        p = self.p
        if p.p_misid <= 0:
            return
        for m in range(p.n_moving):
            mx, my, _, _, airborne = self.ac[m]
            if not airborne or self.lost[m]:
                continue
            if not any(_d2(mx, my, zx, zy) <= zr * zr for zx, zy, zr in p.wfz):
                continue
            for e in range(self.E):
                ef = p.ef[e]
                if int(ef[C.E_KIND]) == C.K_JAMMER or ef[C.E_ESCORT] > 0 or mag[e] <= 0:
                    continue
                if self.role(e, t) == "hold":
                    continue
                r2 = self.slant2(e, float(ef[C.E_X]), float(ef[C.E_Y]), mx, my,
                                 float(p.plan_alt[m]), _d2(mx, my, ef[C.E_X], ef[C.E_Y]))
                if (p.plan_alt[m] > ef[C.E_MAXALT]
                        or not ef[C.E_MINR] ** 2 <= r2 <= ef[C.E_MAXR] ** 2
                        or not self.effector_sees(e, float(ef[C.E_X]), float(ef[C.E_Y]),
                                                  mx, my, float(p.plan_alt[m]))):
                    continue
                ke, km = int(p.eff_key[e]), int(p.asset_key[m])
                if self.U(rng.S_FF_ID, ke, km, cycle) >= p.p_misid:
                    continue
                self.ff += 1
                spend(e, 1, t, -1)  # type: ignore[operator]
                if self.U(rng.S_FF_HIT, ke, km, cycle) < ef[C.E_PKFF] and not self.lost[m]:
                    self.lose(m, t, CAUSE_FRIENDLY_FIRE)
                    if m == 0:
                        self.vip_ff = True


def _d2(ax: float, ay: float, bx: float, by: float) -> float:
    """Squared horizontal distance, as the kernel computes it (no ``pow``)."""
    dx = float(ax - bx)
    dy = float(ay - by)
    return dx * dx + dy * dy


def _intercept(px: float, py: float, tx: float, ty: float, vx: float, vy: float,
               speed: float) -> tuple[float, float]:
    """Predicted intercept point (docs/model.md 4.2.3); the target itself if none."""
    rx, ry = tx - px, ty - py
    a = vx * vx + vy * vy - speed * speed
    b = 2.0 * (rx * vx + ry * vy)
    c = rx * rx + ry * ry
    roots: list[float] = []
    if abs(a) < 1e-12:
        if b < 0:
            roots = [-c / b]
    elif b * b - 4.0 * a * c >= 0:
        sq = math.sqrt(b * b - 4.0 * a * c)
        roots = [(-b - sq) / (2.0 * a), (-b + sq) / (2.0 * a)]
    positive = [r for r in roots if r > 0]
    if positive:
        tau = min(positive)
        return tx + vx * tau, ty + vy * tau
    return tx, ty


def _polar(sx: float, sy: float, r: float, th: float, sr: float, sb: float
           ) -> tuple[float, float, float, float, float]:
    """A measurement at range ``r``, bearing ``th`` from ``(sx, sy)`` and its converted
    covariance (§4.5.2), computed as written: ``(x, y, Rxx, Rxy, Ryy)``."""
    c = math.cos(th)
    s = math.sin(th)
    a = sr * sr
    b = r * r * sb * sb
    return (sx + r * c, sy + r * s, a * c * c + b * s * s, (a - b) * c * s,
            a * s * s + b * c * c)


def _node(cs: CompiledScenario, x: float, y: float) -> tuple[int, int]:
    """§4.9: the grid node ``(i, j)`` nearest ``(x, y)``, where a fixed site's eye stands."""
    p = cs.params
    ny, nx = p.ter_z.shape
    j = min(max(math.floor((x - p.ter_x0) / p.ter_cell + 0.5), 0), nx - 1)
    i = min(max(math.floor((y - p.ter_y0) / p.ter_cell + 0.5), 0), ny - 1)
    return i, j


def _eye(cs: CompiledScenario, x: float, y: float, h: float) -> tuple[float, float, float]:
    """The eye of a fixed site at ``(x, y)``, ``h`` above the ground: its nearest node's
    position and the node's ground + ``h`` (``(0, 0, 0)`` without terrain)."""
    p = cs.params
    if not p.ter_on:
        return 0.0, 0.0, 0.0
    i, j = _node(cs, x, y)
    return (float(p.ter_x0 + j * p.ter_cell), float(p.ter_y0 + i * p.ter_cell),
            float(p.ter_z[i, j]) + h)


def _rasters(cs: CompiledScenario) -> tuple[list[np.ndarray | None], list[np.ndarray | None]]:
    """§4.9: each fixed sensor's and effector's raster of the lowest visible height above
    ground, by the plain-Python viewshed sweep from the node nearest the site (``None`` for
    escort mounts, and for every site without terrain)."""
    p = cs.params
    S, E = p.sf.shape[0], p.ef.shape[0]
    if not p.ter_on:
        return [None] * S, [None] * E
    def sweep(tab: np.ndarray, k: int, cx: int, cy: int, ce: int,
              h: float) -> np.ndarray | None:
        if tab[k, ce] > 0 or (tab is p.sf and int(tab[k, C.S_KIND]) == C.K_ACOUSTIC):
            return None
        oi, oj = _node(cs, float(tab[k, cx]), float(tab[k, cy]))
        return min_visible_height_py(p.ter_z, p.ter_cell, oi, oj, h, p.ter_curv)

    return ([sweep(p.sf, s, C.S_X, C.S_Y, C.S_ESCORT, float(p.sf[s, C.S_MAST]))
             for s in range(S)],
            [sweep(p.ef, e, C.E_X, C.E_Y, C.E_ESCORT, float(p.ter_sight)) for e in range(E)])
