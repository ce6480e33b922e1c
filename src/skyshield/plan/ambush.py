"""The adversary's ambush options, their damage on a plan, and its best split response.

An ambush option is a type, a point and a hold window (:class:`AmbushSet`, built by
:func:`build_ambushes` from the plan spec's adversary types, or the scenario's leak surge);
options no flyable route can meet, and dominated ones, are dropped
(:func:`relevant_options`). A type that may split its drones into groups answers a mixed
strategy with the best split (:class:`SplitResponder`), the adversary's best response in the
leak LP over plans. :func:`engine_leak_hazard` is the scenario's own leak surge on a plan,
under the engine's rule.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from skyshield.plan.game import undominated_columns
from skyshield.plan.hazard import (
    HazardField,
    Setting,
    defence_kill,
    departure_ticks,
    engage_time,
    local_xy,
    strip_halfwidth,
)
from skyshield.plan.occupancy import Occupancy
from skyshield.plan.route import MOVE_TICKS, RouteResult, octile_ticks
from skyshield.plan.spec import AdversaryType
from skyshield.scenario import default_catalogue


@dataclass(frozen=True)
class AmbushSet:
    """The adversary's options: ambush discs with hold windows, per type.

    Attributes
    ----------
    type_of, point_of
        ``(J,)`` the adversary type and ambush point of each option.
    px, py, radius
        ``(P,)`` ambush points and reach radii, metres.
    k0, k1
        ``(J,)`` first and last tick of the hold.
    dmg
        ``(P, n)`` hazard per tick over each cell while an ambush at the point holds (zero
        outside its disc), already including vulnerability and the defence.
    names, prior
        Adversary types.
    """

    type_of: np.ndarray
    point_of: np.ndarray
    px: np.ndarray
    py: np.ndarray
    radius: np.ndarray
    k0: np.ndarray
    k1: np.ndarray
    dmg: np.ndarray
    names: list[str]
    prior: np.ndarray
    #: Options before those no flyable route can meet, and dominated ones, were dropped.
    offered: int = 0
    _sparse: Any = field(default=None, repr=False, compare=False)

    @property
    def J(self) -> int:
        return len(self.type_of)

    def damage(self, occ: Occupancy) -> np.ndarray:
        """``(J,)`` cumulative ambush hazard of a route under each option.

        Per point, a running sum of the route's weighted damage over its (tick-ordered)
        occupancy; an option's damage is the difference of two entries, at the first tick of
        its hold and after the last — ``O(P·L + J)``, not ``O(J·L)``.
        """
        vals = self.dmg[:, occ.cells] * occ.weights  # (P, L)
        run = np.zeros((vals.shape[0], vals.shape[1] + 1))
        np.cumsum(vals, axis=1, out=run[:, 1:])
        lo = np.searchsorted(occ.ticks, self.k0, "left")
        hi = np.searchsorted(occ.ticks, self.k1, "right")
        return np.asarray(run[self.point_of, hi] - run[self.point_of, lo])

    def field(self, y: np.ndarray, T: int) -> np.ndarray:
        """``(T, n)`` the dual-weighted damage field ``Σ_j y_j dmg_j`` over each hold.

        The weight of each point over time is a running sum of ``+y_j`` at the start of
        hold ``j`` and ``−y_j`` after its end; the field is that ``(T, P)`` weight times the
        sparse ``(P, n)`` damage discs.
        """
        from scipy.sparse import csr_matrix

        P = self.dmg.shape[0]
        j = np.flatnonzero(y > 0)
        w = np.zeros((T + 1, P))
        np.add.at(w, (self.k0[j], self.point_of[j]), y[j])
        np.add.at(w, (np.minimum(self.k1[j] + 1, T), self.point_of[j]), -y[j])
        np.cumsum(w, axis=0, out=w)
        np.maximum(w, 0.0, out=w)  # a running sum of +y, −y pairs: only rounding below 0
        if self._sparse is None:
            object.__setattr__(self, "_sparse", csr_matrix(self.dmg.T))
        return np.asarray((self._sparse @ w[:T].T).T)  # (T, n), a transposed view


def default_adversaries(st: Setting) -> list[AdversaryType]:
    """The scenario's leak surge as the one adversary type (none without a leak)."""
    if st.spec.adversary_types is not None:
        return st.spec.adversary_types
    lk = st.scenario.leak
    if lk is None:
        return []
    return [AdversaryType(name="leak surge", threat=lk.threat, count=lk.count,
                          launch_area=lk.launch_area, spread_m=lk.spread_m)]


def ambush_rate(st: Setting, threat: str, count: int, spread: float, cell: float
                ) -> tuple[float, float]:
    """Reach radius of an ambush and its engagement rate per second inside it (no defence).

    Notes
    -----
    ``n`` drones over a disc of radius ``ρ`` trigger on a VIP passing within the strip
    ``b`` (:func:`~skyshield.plan.hazard.strip_halfwidth`): the reach is ``R = ρ + b`` (at
    least one cell, so a route cannot slip between cell centres), and a uniform rate
    ``n v / (2R)`` inside it makes a pass through the centre meet all ``n``.
    """
    R = max(spread + strip_halfwidth(st, threat), cell)
    v = st.speed
    vuln = st.asset.vulnerability.get(threat, 0.0)
    return R, count * v / (2.0 * R) * vuln


def build_ambushes(st: Setting, hf: HazardField) -> AmbushSet | None:
    """Every (type, point, start) ambush option, with its damage field."""
    types = default_adversaries(st)
    if not types:
        return None
    g = st.grid
    sc = st.scenario
    cat = default_catalogue()
    cx, cy = g.centres()
    rows: dict[str, list[Any]] = {k: [] for k in ("t", "p", "k0", "k1")}
    pts_x: list[float] = []
    pts_y: list[float] = []
    pts_r: list[float] = []
    dmgs: list[np.ndarray] = []
    for ti, at in enumerate(types):
        if at.threat not in cat.threats:
            from skyshield.errors import InputError

            raise InputError(f"unknown threat class '{at.threat}'",
                             field=f"adversary_types[{ti}].threat")
        tp = cat.threats[at.threat].params
        u, E = tp["speed_mps"], tp["endurance_s"]
        lx, ly = local_xy(at.launch_area.center, sc)
        R, rate = ambush_rate(st, at.threat, at.count, at.spread_m, g.cell)
        if at.points is not None:
            pts = np.array([local_xy(p, sc) for p in at.points], dtype=float)
        else:
            # default spacing R√2: the ambush discs then cover the whole plane
            sp = at.spacing_m or R * math.sqrt(2.0)
            a = sc.area
            xs = np.arange(a.west_m + sp / 2, a.east_m, sp)
            ys = np.arange(a.south_m + sp / 2, a.north_m, sp)
            pts = np.array([(x, y) for y in ys for x in xs], dtype=float)
        pk = defence_kill(st, cx, cy, at.threat, engage_time(st, at.threat))
        for px, py in pts:
            fly = max(0.0, math.hypot(px - lx, py - ly) - at.launch_area.radius_m) / u
            hold = at.hold_s if at.hold_s is not None else E - fly
            if hold < 60.0 or fly + hold > E + 1e-9:
                continue
            disc = np.hypot(cx - px, cy - py) <= R
            if not (disc & ~hf.blocked).any():
                continue  # no flyable cell within reach of this point
            dmgs.append(np.where(disc, rate * (1.0 - pk) * g.tau, 0.0))
            pts_x.append(float(px))
            pts_y.append(float(py))
            pts_r.append(R)
            for t0 in np.arange(0.0, sc.duration_s, at.window_step_s):
                k0 = int(t0 // g.tau)
                k1 = min(g.T - 1, int((t0 + hold) // g.tau))
                rows["t"].append(ti)
                rows["p"].append(len(dmgs) - 1)
                rows["k0"].append(k0)
                rows["k1"].append(k1)
    if not dmgs:
        return None
    prior = np.array([t.prior for t in types], dtype=float)
    dmg = np.vstack(dmgs)
    type_of, point_of = np.array(rows["t"]), np.array(rows["p"])
    keep, h0, h1 = relevant_options(st, hf, dmg, type_of, point_of, np.array(rows["k0"]),
                                    np.array(rows["k1"]))
    if keep.size == 0:
        return None
    return AmbushSet(type_of[keep], point_of[keep], np.array(pts_x), np.array(pts_y),
                     np.array(pts_r), h0[keep], h1[keep], dmg, [t.name for t in types],
                     prior / prior.sum(), offered=len(type_of))


def reach_window(st: Setting, hf: HazardField) -> tuple[np.ndarray, np.ndarray]:
    """``(n,)`` first and last tick at which any flyable route can be over each cell (an
    empty range for closed cells), from the fewest ticks to the origin and destination."""
    g = st.grid
    lo, hi = departure_ticks(st)
    ks = np.arange(g.n)
    # a move's ticks count half over the cell it enters: pad by the longest move
    pad = int(MOVE_TICKS.max())
    first = lo + octile_ticks(g.nx, ks, g.cell_of(*st.origin)) - pad
    last = min(g.T, hi + int(st.endurance // g.tau)) - octile_ticks(
        g.nx, ks, g.cell_of(*st.destination)) + pad
    last = np.where(hf.blocked, -1, last)
    return first, last


def relevant_options(st: Setting, hf: HazardField, dmg: np.ndarray, type_of: np.ndarray,
                     point_of: np.ndarray, k0: np.ndarray, k1: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The options that matter to the game, with their holds clipped to when they can.

    Notes
    -----
    An option's damage counts only where and when a flyable route can be
    (:func:`reach_window`): its hold is clipped to the hull of the reach windows of the
    cells in its disc, and dropped when that is empty. Of the options of one type at one
    point, one whose clipped hold lies within another's is dominated — the adversary never
    loses by the longer hold — and so is a later copy of an equal hold. Dropping them
    changes neither the game's value nor the defender's optimal strategies.
    """
    first, last = reach_window(st, hf)
    P = dmg.shape[0]
    tmin = np.full(P, np.iinfo(np.int64).max)
    tmax = np.full(P, -1)
    for p in range(P):
        m = (dmg[p] > 0) & (first <= last)
        if m.any():
            tmin[p] = first[m].min()
            tmax[p] = last[m].max()
    c0 = np.maximum(k0, tmin[point_of])
    c1 = np.minimum(k1, tmax[point_of])
    live = np.flatnonzero(c0 <= c1)
    keep: list[int] = []
    order = np.lexsort((live, c0[live] - c1[live], type_of[live] * P + point_of[live]))
    # per (type, point) in order of decreasing hold length: keep what no kept hold contains
    kept: dict[tuple[int, int], list[int]] = {}
    for j in live[order]:
        group = kept.setdefault((int(type_of[j]), int(point_of[j])), [])
        if any(c0[i] <= c0[j] and c1[j] <= c1[i] for i in group):
            continue
        group.append(int(j))
        keep.append(int(j))
    out = np.array(sorted(keep), dtype=np.int64)
    return out, c0, c1


class SplitResponder:
    """The adversary's best response when a type may split its drones into groups.

    Notes
    -----
    A type with ``g`` groups may place ``count / g`` drones at each of ``g`` options
    (point and start time; repeats allowed, so the single ambushes are among them). Ambush
    damage is linear in the number of drones, so the split's cumulative hazard on route
    ``i`` is ``(1/g) Σ_k G_{i, j_k}`` — in hazard never more than the best of its groups
    (the route-versus-ambush game, linear in hazard, is unchanged), but in probability
    ``1 − exp(−(H_i + ·))`` a split can beat every single ambush against a *mixed*
    strategy: it hits several routes at once, each less hard.

    Against ``x`` the best split maximises ``Σ_{i∈S} x_i (1 − exp(−(H_i + v_i)))`` over the
    support ``S`` of ``x`` only. Options whose damage on ``S`` is dominated (at most another
    option's on every route of ``S``) never improve a split, as the objective is increasing
    in ``v``; the remaining ones are enumerated exactly (all multisets of size ``g``).
    """

    def __init__(self, H: np.ndarray, G: list[np.ndarray], groups: list[int],
                 rows: np.ndarray | None = None) -> None:
        self.H = H
        self.G = G  # per type (n, J_θ): cumulative hazard of each single ambush
        self.groups = groups
        self.rows = np.arange(len(H)) if rows is None else rows

    def restrict(self, rows: np.ndarray) -> SplitResponder:
        """The same responder over the plans ``rows`` (indices into the current plans)."""
        return SplitResponder(self.H, self.G, self.groups, self.rows[rows])

    def __call__(self, t: int, x: np.ndarray, k: int = 16) -> np.ndarray | None:
        """``(n, k)`` loss columns of the ``k`` best splits against ``x``, the best first."""
        g = self.groups[t]
        if g == 1:
            return None
        S = np.flatnonzero(x > 0)
        rows = self.rows[S]
        A = self.G[t][rows]  # (|S|, J)
        keep = undominated_columns(A)
        A = A[:, keep]
        hs, xs = self.H[rows], x[S]
        vals: list[np.ndarray] = []
        combos: list[np.ndarray] = []
        for head in itertools.combinations_with_replacement(range(A.shape[1]), g - 2):
            base = A[:, list(head)].sum(axis=1) if head else np.zeros(len(S))
            lo = head[-1] if head else 0
            # the last two groups: every pair (a, b), lo <= a <= b, vectorised
            a_idx, b_idx = np.triu_indices(A.shape[1] - lo)
            for c0 in range(0, a_idx.size, 200_000):
                ai, bi = a_idx[c0:c0 + 200_000] + lo, b_idx[c0:c0 + 200_000] + lo
                v = (base[:, None] + A[:, ai] + A[:, bi]) / g
                val = xs @ -np.expm1(-(hs[:, None] + v))
                top = np.argsort(-val, kind="stable")[:k]
                vals.append(val[top])
                combos.append(np.column_stack([np.tile(head, (top.size, 1)).astype(np.int64),
                                               ai[top], bi[top]]))
        allv = np.concatenate(vals)
        allc = np.vstack(combos)
        best = np.argsort(-allv, kind="stable")[:k]
        Gt = self.G[t]  # only the winning splits' columns, over the plans asked about
        V = np.stack([Gt[np.ix_(self.rows, keep[allc[b]])].sum(axis=1) / g for b in best],
                     axis=1)
        return np.asarray(-np.expm1(-(self.H[self.rows][:, None] + V)))


def engine_leak_hazard(st: Setting, occ: Occupancy, route: RouteResult) -> float:
    """Cumulative hazard from the scenario's leak surge under the engine's rule: the surge
    waits at the route point nearest its launch centre, ``lead_s`` before the VIP passes."""
    lk = st.scenario.leak
    if lk is None or (lk.asset is not None and lk.asset != st.asset.name):
        return 0.0
    g = st.grid
    cx, cy = g.centres()
    lx, ly = local_xy(lk.launch_area.center, st.scenario)
    d = np.hypot(cx[route.cells] - lx, cy[route.cells] - ly)
    k = int(np.argmin(d))
    px, py = cx[route.cells[k]], cy[route.cells[k]]
    R, rate = ambush_rate(st, lk.threat, lk.count, lk.spread_m, g.cell)
    inside = np.hypot(cx[occ.cells] - px, cy[occ.cells] - py) <= R
    pk = defence_kill(st, cx[occ.cells], cy[occ.cells], lk.threat, engage_time(st, lk.threat))
    return float(np.sum(occ.weights * inside * rate * (1.0 - pk)) * g.tau)
