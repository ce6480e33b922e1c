"""The weapon-based WTA problem as a frozen bundle of arrays, and its objective.

Shapes and units: ``W`` weapon types, ``T`` targets; probabilities are dimensionless in [0, 1],
target values in the caller's unit (all objectives are in that unit).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from skyshield.errors import InputError


@dataclass(frozen=True)
class WTAProblem:
    """Static weapon-based weapon–target assignment problem (Manne 1958).

    Parameters
    ----------
    values
        ``(T,)`` float64, value of each target (>= 0).
    pk
        ``(W, T)`` float64, kill probability of one unit of weapon type ``i`` against target
        ``j``; 0 means the weapon cannot engage the target.
    units
        ``(W,)`` int64, units ``mu_i`` of each weapon type (>= 0).
    max_shots
        Optional ``(W, T)`` int64, the most units of type ``i`` that may go to target ``j``
        (a per-weapon, per-target capacity). ``None`` means ``units``.
    name
        Free label (file stem for read instances).

    Notes
    -----
    The problem is

    .. math:: \\min_x \\sum_j V_j \\prod_i (1 - p_{ij})^{x_{ij}}
              \\quad\\text{s.t.}\\quad \\sum_j x_{ij} \\le \\mu_i,\\;
              0 \\le x_{ij} \\le c_{ij},\\; x \\in \\mathbb{Z},

    with :math:`c_{ij} = 0` where :math:`p_{ij} = 0`. Manne's form has
    :math:`\\sum_j x_{ij} = \\mu_i`; the two have the same optimum because an extra unit never
    raises the objective, and the solvers use every unit that has a target it can engage.
    """

    values: np.ndarray
    pk: np.ndarray
    units: np.ndarray
    max_shots: np.ndarray | None = None
    name: str = ""
    cap: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        values = np.ascontiguousarray(self.values, dtype=np.float64)
        pk = np.ascontiguousarray(self.pk, dtype=np.float64)
        units = np.ascontiguousarray(self.units, dtype=np.int64)
        if values.ndim != 1 or pk.ndim != 2 or units.ndim != 1:
            raise InputError("values must be (T,), pk (W, T) and units (W,)", field="shape")
        n_w, n_t = pk.shape
        if values.shape[0] != n_t or units.shape[0] != n_w:
            raise InputError(
                f"pk is {n_w}x{n_t} but there are {values.shape[0]} values and "
                f"{units.shape[0]} unit counts", field="shape")
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise InputError("target values must be finite and >= 0", field="values")
        if not np.all(np.isfinite(pk)) or np.any(pk < 0) or np.any(pk > 1):
            raise InputError("kill probabilities must lie in [0, 1]", field="pk")
        if np.any(units < 0):
            raise InputError("unit counts must be >= 0", field="units")
        cap = np.broadcast_to(units[:, None], (n_w, n_t)).copy()
        if self.max_shots is not None:
            ms = np.asarray(self.max_shots, dtype=np.int64)
            if ms.shape != (n_w, n_t) or np.any(ms < 0):
                raise InputError("max_shots must be a (W, T) array of counts >= 0",
                                 field="max_shots")
            cap = np.minimum(cap, ms)
        cap[pk <= 0.0] = 0
        for name, arr in (("values", values), ("pk", pk), ("units", units), ("cap", cap)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    @property
    def n_weapons(self) -> int:
        """Number of weapon types ``W``."""
        return int(self.pk.shape[0])

    @property
    def n_targets(self) -> int:
        """Number of targets ``T``."""
        return int(self.pk.shape[1])

    def objective(self, x: np.ndarray) -> float:
        """Expected surviving target value of the counts ``x`` (``(W, T)`` int).

        Evaluated directly as :math:`\\sum_j V_j \\prod_i (1-p_{ij})^{x_{ij}}`.
        """
        x = np.asarray(x, dtype=np.int64)
        surv = np.prod(np.power(1.0 - self.pk, x), axis=0)
        return float(np.dot(self.values, surv))

    def check(self, x: np.ndarray) -> None:
        """Raise ``ValueError`` unless ``x`` is a feasible count matrix."""
        x = np.asarray(x)
        if x.shape != self.pk.shape:
            raise ValueError(f"assignment has shape {x.shape}, expected {self.pk.shape}")
        if np.any(x < 0) or np.any(x > self.cap):
            raise ValueError("assignment exceeds a per-target capacity or is negative")
        if np.any(x.sum(axis=1) > self.units):
            raise ValueError("assignment uses more units than a weapon type has")


def assignment_of(x: np.ndarray, units: np.ndarray) -> np.ndarray:
    """Target index of every weapon unit, in weapon-type order; ``-1`` marks an unused unit.

    Parameters
    ----------
    x
        ``(W, T)`` int counts.
    units
        ``(W,)`` units of each weapon type.
    """
    out: list[int] = []
    for i in range(x.shape[0]):
        row = np.repeat(np.arange(x.shape[1], dtype=np.int64), x[i])
        out.extend(row.tolist())
        out.extend([-1] * (int(units[i]) - row.shape[0]))
    return np.asarray(out, dtype=np.int64)
