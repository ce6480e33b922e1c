"""Instance files and generators.

File format of Andersen, Pavlikov & Toffolo (2022), plain or gzipped::

    W T mu                 first line: weapon types, targets, units of every weapon type
    V_0                    T lines: target values
    ...
    i j p                  kill probabilities, 0-based weapon type i and target j

Pairs that are not listed have kill probability 0. Every error names the file and the line.
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import numpy as np

from skyshield.errors import InputError
from skyshield.limits import check, read_input
from skyshield.wta.problem import WTAProblem

#: Bytes held per (weapon type, target) pair while an instance is read and solved (the kill
#: probabilities, the pairs seen, the capacities, the solvers' copies and counts) and per
#: weapon unit (the assignment of every unit).
BYTES_PER_PAIR = 48
BYTES_PER_UNIT = 64


def _open_text(path: Path) -> list[str]:
    # at most limits.MAX_INPUT_BYTES, also once gunzipped: a gzip bomb is refused
    raw = read_input(path, "WTA instance", gunzip=True)
    try:
        return raw.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError("not a text file (UTF-8)", file=str(path)) from None


def read_instance(path: str | Path) -> WTAProblem:
    """Read a weapon-based WTA instance in the published format (plain or gzipped).

    Parameters
    ----------
    path
        File to read; gzip is detected from the content, not the name.

    Returns
    -------
    WTAProblem

    Raises
    ------
    skyshield.errors.InputError
        Wrong counts, values or probabilities out of range, missing or extra lines; the
        message names the 1-based line.
    """
    path = Path(path)
    f = str(path)
    lines = _open_text(path)
    # Remember 1-based line numbers while skipping blank lines.
    rows = [(n + 1, ln.split()) for n, ln in enumerate(lines) if ln.strip()]
    if not rows:
        raise InputError("empty file, expected a header 'W T mu'", file=f, line=1)
    ln, head = rows[0]
    if len(head) != 3:
        raise InputError(f"header must be 'W T mu' (3 integers), got {len(head)} fields",
                         file=f, line=ln, field="header")
    try:
        n_w, n_t, mu = (int(v) for v in head)
    except ValueError:
        raise InputError("header must be 3 integers 'W T mu'", file=f, line=ln,
                         field="header") from None
    if n_w < 1 or n_t < 1 or mu < 0:
        raise InputError("header needs W >= 1, T >= 1 and mu >= 0", file=f, line=ln,
                         field="header")
    # the arrays are W x T: refuse a header that cannot fit before allocating them
    check(f"an instance of {n_w:,} weapon types x {n_t:,} targets x {mu:,} units",
          memory=float(BYTES_PER_PAIR) * n_w * n_t + float(BYTES_PER_UNIT) * n_w * mu,
          memory_detail=f"{BYTES_PER_PAIR} B a pair, {BYTES_PER_UNIT} B a unit",
          file=f, line=ln, field="header")
    if len(rows) < 1 + n_t:
        last = rows[-1][0]
        raise InputError(f"expected {n_t} target values after the header, found "
                         f"{len(rows) - 1}", file=f, line=last + 1, field="values")
    values = np.empty(n_t)
    for j in range(n_t):
        ln, parts = rows[1 + j]
        if len(parts) != 1:
            raise InputError(f"expected the value of target {j} (one number), got "
                             f"{len(parts)} fields", file=f, line=ln, field=f"values[{j}]")
        try:
            v = float(parts[0])
        except ValueError:
            raise InputError(f"target value {parts[0]!r} is not a number", file=f, line=ln,
                             field=f"values[{j}]") from None
        if not math.isfinite(v) or v < 0:
            raise InputError(f"target value {v} must be finite and >= 0", file=f, line=ln,
                             field=f"values[{j}]")
        values[j] = v
    pk = np.zeros((n_w, n_t))
    seen = np.zeros((n_w, n_t), dtype=bool)
    for ln, parts in rows[1 + n_t:]:
        if len(parts) != 3:
            raise InputError(f"expected 'i j p', got {len(parts)} fields", file=f, line=ln,
                             field="pk")
        try:
            i, j, p = int(parts[0]), int(parts[1]), float(parts[2])
        except ValueError:
            raise InputError("expected 'i j p' with integers i, j and a probability p",
                             file=f, line=ln, field="pk") from None
        if not (0 <= i < n_w and 0 <= j < n_t):
            raise InputError(f"pair ({i}, {j}) outside {n_w} weapon types x {n_t} targets",
                             file=f, line=ln, field="pk")
        if not (0.0 <= p <= 1.0):  # also rejects nan
            raise InputError(f"probability {p} outside [0, 1]", file=f, line=ln,
                             field=f"pk[{i}][{j}]")
        if seen[i, j]:
            raise InputError(f"pair ({i}, {j}) given twice", file=f, line=ln,
                             field=f"pk[{i}][{j}]")
        seen[i, j] = True
        pk[i, j] = p
    if not seen.any():
        raise InputError("no kill probabilities ('i j p' lines) after the target values",
                         file=f, line=rows[-1][0] + 1, field="pk")
    return WTAProblem(values, pk, np.full(n_w, mu, dtype=np.int64), name=path.name.split(".")[0])


def write_instance(problem: WTAProblem, path: str | Path) -> None:
    """Write ``problem`` in the published format; gzip when the name ends in ``.gz``.

    Raises
    ------
    ValueError
        When the weapon types do not all have the same number of units or a per-target
        capacity is set (the format cannot express either).
    """
    units = problem.units
    if units.size and np.any(units != units[0]):
        raise ValueError("the file format needs the same number of units for every type")
    if problem.max_shots is not None:
        raise ValueError("the file format cannot express per-target capacities")
    n_w, n_t = problem.pk.shape
    out = [f"{n_w} {n_t} {int(units[0]) if units.size else 0}"]
    out += [repr(float(v)) if not float(v).is_integer() else str(int(v)) for v in problem.values]
    ii, jj = np.nonzero(problem.pk > 0)
    out += [f"{i} {j} {problem.pk[i, j]:.12f}" for i, j in zip(ii, jj, strict=True)]
    data = ("\n".join(out) + "\n").encode()
    path = Path(path)
    from skyshield.outfolder import atomic_write

    atomic_write(path, gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)


def ahuja_instance(n_weapons: int, n_targets: int | None = None, *, seed: int = 0,
                   units: int = 1) -> WTAProblem:
    """Random instance of the Ahuja et al. (2007) recipe.

    Target values uniform on [25, 100], kill probabilities uniform on [0.6, 0.9], one unit
    per weapon unless ``units`` says otherwise; square unless ``n_targets`` is given.

    References
    ----------
    R. K. Ahuja, A. Kumar, K. C. Jha, J. B. Orlin, "Exact and heuristic algorithms for the
    weapon-target assignment problem", Operations Research 55(6):1136–1146, 2007.
    """
    n_t = n_weapons if n_targets is None else n_targets
    rng = np.random.default_rng(seed)
    values = rng.uniform(25.0, 100.0, n_t)
    pk = rng.uniform(0.6, 0.9, (n_weapons, n_t))
    return WTAProblem(values, pk, np.full(n_weapons, units, dtype=np.int64),
                      name=f"ahuja_{n_weapons}x{n_t}x{units}_s{seed}")


def andersen_instance(n_weapons: int, units: int = 1, *, seed: int = 0) -> WTAProblem:
    """Random instance of the Andersen et al. (2022) recipe.

    ``T = 2 W``, integer target values uniform on 1..99, kill probabilities uniform on (0, 1).

    References
    ----------
    A. C. Andersen, K. Pavlikov, T. A. M. Toffolo, "Weapon-target assignment problem: exact
    and approximate solution algorithms", Annals of Operations Research 312:581–606, 2022.
    """
    n_t = 2 * n_weapons
    rng = np.random.default_rng(seed)
    values = rng.integers(1, 100, n_t).astype(np.float64)
    pk = rng.uniform(0.0, 1.0, (n_weapons, n_t))
    pk = np.where(pk <= 0.0, 1e-12, pk)  # (0, 1) open
    return WTAProblem(values, pk, np.full(n_weapons, units, dtype=np.int64),
                      name=f"andersen_{n_weapons}x{n_t}x{units}_s{seed}")
