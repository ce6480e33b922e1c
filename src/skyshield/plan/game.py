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

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, hstack, vstack


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


def robust_values(L: np.ndarray | list[np.ndarray], prior: np.ndarray | None = None
                  ) -> np.ndarray:
    """``w_i = Σ_θ p_θ max_j L[θ][i, j]``: plan i's loss when the adversary knows it."""
    Ls, p = _as_types(L, prior)
    return np.asarray(sum(pt * m.max(axis=1) for pt, m in zip(p, Ls, strict=True)))


def solve_zero_sum(
    L: np.ndarray | list[np.ndarray],
    prior: np.ndarray | None = None,
    leak: float = 0.0,
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
    n, K = Ls[0].shape[0], len(Ls)
    w = robust_values(Ls, p)
    c = np.concatenate([leak * w, (1.0 - leak) * p])
    # rows: L_θ^T x - z_θ <= 0 for every option of every type
    blocks = []
    for t, m in enumerate(Ls):
        zcol = np.zeros((m.shape[1], K))
        zcol[:, t] = -1.0
        blocks.append(hstack([csr_matrix(m.T), csr_matrix(zcol)]))
    A_ub = vstack(blocks).tocsr()
    b_ub = np.zeros(A_ub.shape[0])
    A_eq = csr_matrix(np.concatenate([np.ones(n), np.zeros(K)])[None, :])
    bounds = [(0.0, None)] * n + [(None, None)] * K
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=[1.0], bounds=bounds,
                  method="highs")
    if res.status != 0:  # pragma: no cover - a bounded feasible LP always solves
        raise RuntimeError(f"HiGHS failed: {res.message}")
    x = _clean(res.x[:n])
    responses = [int(np.argmax(m.T @ x)) for m in Ls]
    value = float((1.0 - leak) * sum(pt * float((m.T @ x).max()) for pt, m in zip(p, Ls,
                                                                             strict=True))
                  + leak * float(w @ x))
    return GameSolution(x, value, responses)


def _clean(x: np.ndarray) -> np.ndarray:
    x = np.where(x > 1e-12, x, 0.0)
    return x / x.sum()


def leak_curve(
    L: np.ndarray | list[np.ndarray],
    prior: np.ndarray | None = None,
    qs: np.ndarray | None = None,
) -> list[dict[str, float]]:
    """The value of secrecy: the optimal randomised risk at each leak probability ``q``.

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
        v = solve_zero_sum(Ls, p, float(q)).value
        out.append({"leak_probability": float(q), "risk_randomised": v, "risk_fixed": fixed})
    return out


def exploitability(L: np.ndarray | list[np.ndarray], x: np.ndarray,
                   prior: np.ndarray | None = None) -> dict[str, float]:
    """How a commitment fares when the adversary knows only it, and when it knows the plan.

    Returns
    -------
    dict
        ``risk_strategy_known`` (the adversary best-responds to ``x``), ``risk_plan_known``
        (it best-responds to each realised plan) and their difference, ``exploitability``.
    """
    Ls, p = _as_types(L, prior)
    known = float(sum(pt * float((m.T @ x).max()) for pt, m in zip(p, Ls, strict=True)))
    plan = float(robust_values(Ls, p) @ x)
    return {"risk_strategy_known": known, "risk_plan_known": plan,
            "exploitability": plan - known}


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
]
