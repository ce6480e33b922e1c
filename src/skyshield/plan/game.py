"""Stackelberg security games over explicit plans: commitment, leaks, the value of secrecy.

The defender commits to a mixed strategy ``x`` over ``n`` plans; an adversary of type ``θ``
(prior ``p_θ``) observes ``x`` and picks one of its options ``j``. ``L[θ][i, j]`` is the
defender's loss (the VIP's loss probability) when plan ``i`` meets option ``j`` of type ``θ``.

Two solvers, one for each shape of game:

- :func:`solve_zero_sum` — each type's adversary wants exactly the defender's loss (the planner's
  model: an ambush tries to kill the VIP). The Bayesian game is then one LP, whatever the number
  of types, with an optional leak term; solved on HiGHS.
- :func:`solve_general_sum` — the adversary has its own payoffs ``A[θ]`` (e.g. net of the cost
  of its drones). Strong Stackelberg equilibrium by multiple LPs (Conitzer & Sandholm 2006)
  for one type; for several types (NP-hard) by the DOBSS MILP (Paruchuri et al. 2008), which
  is also the textbook anchor the benchmark compares with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog


@dataclass(frozen=True)
class GameSolution:
    """A defender commitment and what it achieves.

    Attributes
    ----------
    x
        ``(n,)`` probability of each plan.
    value
        The defender's expected loss (zero-sum) or, for general-sum games, its expected loss
        ``-U_d`` at the strong Stackelberg equilibrium.
    responses
        The adversary's best response per type (option index), when the strategy is known
        and the plan is not.
    status
        Solver status text.
    """

    x: np.ndarray
    value: float
    responses: list[int] = field(default_factory=list)
    status: str = "optimal"
    #: Zero-sum only: per type, the LP's prices of the listed options (the adversary's mixed
    #: strategy, scaled to ``(1 − q) p_θ``), and the price ``μ`` of ``Σ x = 1``. A plan ``i``
    #: outside the game would lower its value iff ``q w_i + Σ_θ Σ_j y_θj L_θ[i, j] < μ``.
    prices: list[np.ndarray] | None = None
    mu: float = 0.0

    def support(self, tol: float = 1e-9) -> np.ndarray:
        """Indices of the plans played with probability above ``tol``."""
        return np.flatnonzero(self.x > tol)


def _as_types(L: np.ndarray | list[np.ndarray], prior: np.ndarray | None
              ) -> tuple[list[np.ndarray], np.ndarray]:
    Ls = [np.asarray(L, dtype=np.float64)] if isinstance(L, np.ndarray) and np.ndim(L) == 2 \
        else [np.asarray(m, dtype=np.float64) for m in L]
    if not Ls:
        raise ValueError("at least one adversary type is needed")
    n = Ls[0].shape[0]
    if any(m.ndim != 2 or m.shape[0] != n or m.shape[1] < 1 for m in Ls):
        raise ValueError("every type's matrix must be (plans, options) with the same plans")
    p = np.full(len(Ls), 1.0 / len(Ls)) if prior is None else np.asarray(prior, float)
    if p.shape != (len(Ls),) or np.any(p < 0) or not np.isclose(p.sum(), 1.0):
        raise ValueError("prior must be a probability vector, one entry per type")
    return Ls, p


#: An adversary's options beyond the listed ones: ``oracle(θ, x)`` returns the loss columns
#: ``(n,)`` or ``(n, k)`` of type θ's best responses to the defender's strategy ``x`` over
#: *all* its options, the best first (``None``: the listed options are all it has).
Oracle = Callable[[int, np.ndarray], "np.ndarray | None"]


def robust_values(L: np.ndarray | list[np.ndarray], prior: np.ndarray | None = None
                  ) -> np.ndarray:
    """``w_i = Σ_θ p_θ max_j L[θ][i, j]``: plan i's loss when the adversary knows it."""
    Ls, p = _as_types(L, prior)
    return np.asarray(sum(pt * m.max(axis=1) for pt, m in zip(p, Ls, strict=True)))


def solve_zero_sum(
    L: np.ndarray | list[np.ndarray],
    prior: np.ndarray | None = None,
    leak: float = 0.0,
    oracle: Oracle | None = None,
) -> GameSolution:
    """The defender's optimal commitment when each adversary maximises the defender's loss.

    Parameters
    ----------
    L
        ``(n, m)`` loss matrix, or a list of them (one per adversary type, same plans).
    prior
        Probability of each type (default uniform).
    leak
        Probability ``q`` that the adversary learns the realised plan, not only the strategy.
    oracle
        Options beyond the listed ones (row generation): after each LP, every type's best
        response to ``x`` over all its options is asked for, and added when it beats the
        listed ones; the loop ends when none does, so the result is optimal against every
        option. The robust values ``w`` must already be attained by the listed options.

    Returns
    -------
    GameSolution

    Notes
    -----
    With probability ``1 - q`` the adversary of type ``θ`` knows only ``x`` and chooses
    ``max_j Σ_i x_i L_θ[i, j]``; with probability ``q`` it knows plan ``i`` and achieves
    ``w_{θ,i} = max_j L_θ[i, j]``. The defender solves the LP

    .. math::

        \\min_{x, z}\\; (1-q) \\sum_θ p_θ z_θ + q \\sum_i x_i w_i
        \\quad\\text{s.t.}\\quad z_θ \\ge L_θ^\\top x,\\ \\sum_i x_i = 1,\\ x \\ge 0,

    with ``w_i = Σ_θ p_θ w_{θ,i}``. In a zero-sum game the strong Stackelberg equilibrium is
    the minimax strategy, so this single LP replaces a MILP even with several types. For a
    fixed ``x`` the objective is affine in ``q`` with slope ``Σ x_i w_i - Σ p_θ z_θ ≥ 0``, so
    the optimal value is non-decreasing in ``q``; at ``q = 1`` it is ``min_i w_i``, the best
    fixed plan.
    """
    Ls, p = _as_types(L, prior)
    if not 0.0 <= leak <= 1.0:
        raise ValueError("leak must be in [0, 1]")
    w = robust_values(Ls, p)
    # options that cannot matter leave the LP: copies, and (few plans) dominated ones; they
    # are priced 0 below, which keeps the prices an optimal dual solution
    widths = [m.shape[1] for m in Ls]
    kept = [undominated_columns(m, dominance=m.shape[0] <= 64) for m in Ls]
    Ls = [m[:, k] for m, k in zip(Ls, kept, strict=True)]
    lp = _ZeroSumLP(Ls, p, leak, w)
    while True:
        x = lp.solve()
        if oracle is None:
            break
        grew = False
        for t in range(len(Ls)):
            cols = oracle(t, x)
            if cols is None:
                continue
            cols = cols.reshape(len(x), -1)
            best = float((Ls[t].T @ x).max())
            better = cols[:, cols.T @ x > best + 1e-10 * max(1.0, abs(best))]
            if better.shape[1]:
                Ls[t] = np.column_stack([Ls[t], better])
                lp.add_options(t, better)
                grew = True
        if not grew:
            break
    # responses as indices of the listed options (then of any added ones)
    responses = []
    for m, k, wdt in zip(Ls, kept, widths, strict=True):
        r = int(np.argmax(m.T @ x))
        responses.append(int(k[r]) if r < k.size else wdt + r - k.size)
    value = float((1.0 - leak) * sum(pt * float((m.T @ x).max()) for pt, m in zip(p, Ls,
                                                                             strict=True))
                  + leak * float(w @ x))
    reduced, mu = lp.prices([m.shape[1] for m in Ls])
    prices = []
    for y, k, wdt in zip(reduced, kept, widths, strict=True):
        full = np.zeros(wdt + y.size - k.size)  # the listed options, then any added
        full[k] = y[:k.size]
        full[wdt:] = y[k.size:]
        prices.append(full)
    return GameSolution(x, value, responses, prices=prices, mu=mu)


def undominated_columns(A: np.ndarray, dominance: bool = True) -> np.ndarray:
    """Indices (ascending) of the columns of ``A`` that an adversary maximising ``x·A[:, j]``
    may need: the first of each set of equal columns and, with ``dominance``, none that is
    at most another column everywhere (``O(m² n)``: for few rows)."""
    _, first = np.unique(A, axis=1, return_index=True)
    first = np.sort(first)
    if not dominance or first.size <= 1:
        return first
    U = A[:, first]
    dominated = np.zeros(first.size, dtype=bool)
    for c0 in range(0, first.size, 256):  # (rows, block, all) comparisons, bounded memory
        blk = U[:, c0:c0 + 256]
        le = np.all(blk[:, :, None] <= U[:, None, :], axis=0)  # le[i, j]: col i <= col j
        le[np.arange(blk.shape[1]), np.arange(c0, c0 + blk.shape[1])] = False
        dominated[c0:c0 + blk.shape[1]] = le.any(axis=1)
    return first[~dominated]


class _ZeroSumLP:
    """The LP of :func:`solve_zero_sum` held in HiGHS: options can be added as rows and the
    LP re-solved from its last basis (the dual simplex restarts from it)."""

    def __init__(self, Ls: list[np.ndarray], p: np.ndarray, leak: float, w: np.ndarray
                 ) -> None:
        import highspy

        from skyshield.wta import new_highs

        self.n, self.K = Ls[0].shape[0], len(Ls)
        self.inf = highspy.kHighsInf
        h = new_highs()
        h.setOptionValue("threads", 1)
        n, K = self.n, self.K
        cost = np.concatenate([leak * w, (1.0 - leak) * p])
        lb = np.concatenate([np.zeros(n), np.full(K, -self.inf)])
        h.addVars(n + K, lb, np.full(n + K, self.inf))
        h.changeColsCost(n + K, np.arange(n + K, dtype=np.int32), cost)
        h.addRow(1.0, 1.0, n, np.arange(n, dtype=np.int32), np.ones(n))
        self.h = h
        for t, m in enumerate(Ls):
            self.add_options(t, m)

    def add_options(self, t: int, cols: np.ndarray) -> None:
        """Rows ``L_θ[:, j]·x − z_θ ≤ 0`` for the columns ``(n, k)`` of type ``t``."""
        n, k = cols.shape
        idx = np.concatenate([np.arange(n), [n + t]]).astype(np.int32)
        vals = np.vstack([cols, -np.ones((1, k))]).T.ravel()
        starts = (np.arange(k) * (n + 1)).astype(np.int32)
        self.h.addRows(k, np.full(k, -self.inf), np.zeros(k), vals.size, starts,
                       np.tile(idx, k), vals)

    def prices(self, widths: list[int]) -> tuple[list[np.ndarray], float]:
        """Option prices per type (rows in the order added) and the convexity row's."""
        dual = np.asarray(self.h.getSolution().row_dual)
        out, k = [], 1
        for wdt in widths:
            out.append(np.maximum(-dual[k:k + wdt], 0.0))
            k += wdt
        return out, float(dual[0])

    def solve(self) -> np.ndarray:
        import highspy

        self.h.run()
        status = self.h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:  # pragma: no cover - always feasible
            raise RuntimeError(f"HiGHS failed: {self.h.modelStatusToString(status)}")
        return _clean(np.asarray(self.h.getSolution().col_value[:self.n]))


def _clean(x: np.ndarray) -> np.ndarray:
    x = np.where(x > 1e-12, x, 0.0)
    clean: np.ndarray = x / x.sum()
    return clean


def leak_curve(
    L: np.ndarray | list[np.ndarray],
    prior: np.ndarray | None = None,
    qs: np.ndarray | None = None,
    oracle: Oracle | None = None,
) -> list[dict[str, float]]:
    """The value of secrecy: the optimal randomised risk at each leak probability ``q``
    (``oracle``: options beyond the listed ones, as in :func:`solve_zero_sum`).

    Returns
    -------
    list of dict
        ``{leak_probability, risk_randomised, risk_fixed}`` per ``q``; ``risk_fixed`` is the
        best single plan's loss, the same for every ``q`` (a pure strategy has nothing to leak).
    """
    Ls, p = _as_types(L, prior)
    qs = np.linspace(0.0, 1.0, 11) if qs is None else np.asarray(qs, float)
    fixed = float(robust_values(Ls, p).min())
    out = []
    for q in qs:
        v = solve_zero_sum(Ls, p, float(q), oracle).value
        out.append({"leak_probability": float(q), "risk_randomised": v, "risk_fixed": fixed})
    return out


def exploitability(L: np.ndarray | list[np.ndarray], x: np.ndarray,
                   prior: np.ndarray | None = None, oracle: Oracle | None = None
                   ) -> dict[str, float]:
    """How a commitment fares when the adversary knows only it, and when it knows the plan
    (``oracle``: options beyond the listed ones, as in :func:`solve_zero_sum`).

    Returns
    -------
    dict
        ``risk_strategy_known`` (the adversary best-responds to ``x``), ``risk_plan_known``
        (it best-responds to each realised plan) and their difference, ``exploitability``.
    """
    Ls, p = _as_types(L, prior)
    known = strategy_known_risk(Ls, x, p, oracle)
    plan = float(robust_values(Ls, p) @ x)
    return {"risk_strategy_known": known, "risk_plan_known": plan,
            "exploitability": plan - known}


def strategy_known_risk(L: np.ndarray | list[np.ndarray], x: np.ndarray,
                        prior: np.ndarray | None = None, oracle: Oracle | None = None
                        ) -> float:
    """``Σ_θ p_θ max_j Σ_i x_i L_θ[i, j]``: the loss when each type best-responds to ``x``
    (over the listed options and, with an ``oracle``, over all of them)."""
    Ls, p = _as_types(L, prior)
    total = 0.0
    for t, (pt, m) in enumerate(zip(p, Ls, strict=True)):
        best = float((m.T @ x).max())
        cols = None if oracle is None else oracle(t, x)
        if cols is not None:
            best = max(best, float((cols.reshape(len(x), -1).T @ x).max()))
        total += float(pt) * best
    return total


# --------------------------------------------------------------------------- general sum


def solve_general_sum(
    D: list[np.ndarray],
    A: list[np.ndarray],
    prior: np.ndarray | None = None,
    *,
    time_limit: float | None = None,
) -> GameSolution:
    """Strong Stackelberg equilibrium of a Bayesian general-sum game.

    Parameters
    ----------
    D
        Per type, ``(n, m_θ)`` defender *loss*.
    A
        Per type, ``(n, m_θ)`` adversary utility.
    prior
        Type probabilities.
    time_limit
        Seconds for the MILP (several types).

    Notes
    -----
    One type: for every option ``j``, the LP
    ``min x·D[:, j]  s.t.  x·(A[:, j] - A[:, j']) ≥ 0 ∀ j'`` (``j`` is a best response);
    the best feasible ``j`` wins (ties broken in the defender's favour, as the strong
    equilibrium assumes). Options are visited in order of the lower bound ``min_i D[i, j]``
    and the search stops when that bound cannot beat the incumbent.

    Several types: DOBSS, with binary ``q_{θ,j}`` (type θ's response), ``z_{θ,i,j} = x_i
    q_{θ,j}`` and the adversary's value ``a_θ``; ``M`` is the spread of ``A_θ``.
    """
    Ds, p = _as_types(D, prior)
    As, _ = _as_types(A, p)
    if len(Ds) == 1:
        return _multiple_lp(Ds[0], As[0])
    return dobss(Ds, As, p, time_limit=time_limit)


def _multiple_lp(D: np.ndarray, A: np.ndarray) -> GameSolution:
    n, m = D.shape
    order = np.argsort(D.min(axis=0), kind="stable")
    best: GameSolution | None = None
    for j in order:
        if best is not None and D[:, j].min() >= best.value - 1e-12:
            break
        G = A - A[:, [j]]  # x·G[:, j'] <= 0
        res = linprog(D[:, j], A_ub=G.T, b_ub=np.zeros(m), A_eq=np.ones((1, n)), b_eq=[1.0],
                      bounds=[(0.0, None)] * n, method="highs")
        if res.status != 0:
            continue
        if best is None or res.fun < best.value - 1e-12:
            best = GameSolution(_clean(res.x), float(res.fun), [int(j)])
    assert best is not None  # some option is a best response to every x
    return best


def dobss(
    D: list[np.ndarray],
    A: list[np.ndarray],
    prior: np.ndarray,
    *,
    time_limit: float | None = None,
) -> GameSolution:
    """The DOBSS MILP (Paruchuri et al. 2008) on HiGHS: the textbook anchor.

    Notes
    -----
    Variables ``z_{θ,i,j} ∈ [0,1]``, ``q_{θ,j} ∈ {0,1}``, ``a_θ`` free::

        min Σ_θ p_θ Σ_{i,j} D_θ[i,j] z_{θ,i,j}
        Σ_{i,j} z_{θ,i,j} = 1,  Σ_j q_{θ,j} = 1,  q_{θ,j} ≤ Σ_i z_{θ,i,j} ≤ 1,
        Σ_j z_{θ,i,j} = x_i (= Σ_j z_{1,i,j}),
        0 ≤ a_θ - Σ_i A_θ[i,j] x_i ≤ (1 - q_{θ,j}) M.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    n = D[0].shape[0]
    K = len(D)
    ms = [d.shape[1] for d in D]
    # variable layout: x (n), then per type: z (n*m), q (m), a (1)
    offs = []
    off = n
    for m in ms:
        offs.append(off)
        off += n * m + m + 1
    N = off
    c = np.zeros(N)
    integrality = np.zeros(N)
    lb = np.zeros(N)
    ub = np.ones(N)
    ri: list[np.ndarray] = []
    ci: list[np.ndarray] = []
    vi: list[np.ndarray] = []
    los: list[float] = []
    his: list[float] = []

    def add(cols: np.ndarray, vals: np.ndarray, lo: float, hi: float) -> None:
        ri.append(np.full(len(cols), len(los)))
        ci.append(np.asarray(cols))
        vi.append(np.asarray(vals, dtype=np.float64))
        los.append(lo)
        his.append(hi)

    xi = np.arange(n)
    for t in range(K):
        m, o = ms[t], offs[t]
        zi = o + np.arange(n * m).reshape(n, m)
        qi = o + n * m + np.arange(m)
        ai = o + n * m + m
        c[zi] = prior[t] * D[t]
        integrality[qi] = 1
        lb[ai], ub[ai] = -np.inf, np.inf
        add(zi.ravel(), np.ones(n * m), 1.0, 1.0)
        add(qi, np.ones(m), 1.0, 1.0)
        for j in range(m):
            add(np.append(zi[:, j], qi[j]), np.append(np.ones(n), -1.0), 0.0, np.inf)
        for i in range(n):  # x_i = Σ_j z_{t,i,j}
            add(np.append(zi[i, :], xi[i]), np.append(np.ones(m), -1.0), 0.0, 0.0)
        M = float(A[t].max() - A[t].min()) + 1.0
        for j in range(m):
            cols = np.append(xi, ai)
            vals = np.append(-A[t][:, j], 1.0)
            add(cols, vals, 0.0, np.inf)
            add(np.append(cols, qi[j]), np.append(vals, M), -np.inf, M)
    mat = coo_matrix((np.concatenate(vi), (np.concatenate(ri), np.concatenate(ci))),
                     shape=(len(los), N)).tocsr()
    cons = LinearConstraint(mat, np.array(los), np.array(his))
    opts = {} if time_limit is None else {"time_limit": float(time_limit)}
    res = milp(c, constraints=cons, integrality=integrality, bounds=Bounds(lb, ub),
               options=opts)
    if res.x is None:
        raise RuntimeError(f"DOBSS found no solution: {res.message}")
    x = _clean(np.maximum(res.x[:n], 0.0))
    responses = [int(np.argmax(res.x[offs[t] + n * ms[t]: offs[t] + n * ms[t] + ms[t]]))
                 for t in range(K)]
    status = "optimal" if res.status == 0 else str(res.message)
    return GameSolution(x, float(res.fun), responses, status)


__all__ = [
    "GameSolution",
    "dobss",
    "exploitability",
    "leak_curve",
    "robust_values",
    "solve_general_sum",
    "solve_zero_sum",
    "strategy_known_risk",
    "undominated_columns",
]
