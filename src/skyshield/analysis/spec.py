"""Sweep specifications: parameter paths, value ranges, designs and the scenarios they make.

A sweep varies scalar parameters of a scenario, each named by a *path* into the scenario's
plain-dict form (``Scenario.model_dump(mode="json")``) and given a *spec*:

===================  ==========================================================================
``a:b:step``         the inclusive range a, a+step, ..., up to b (``50:800:50`` is 16 values)
``a,b,c``            the listed values (numbers, or text such as ``greedy,local``); ``a`` alone
                     is a one-value list
``lhs(a,b)``         a Latin-hypercube dimension over [a, b], sampled ``--lhs N`` times
===================  ==========================================================================

Paths are dotted with list indices or names: ``raids[0].count``,
``raids[Shahed wave west].count``, ``leak.probability``, ``c2.escort_priority``,
``effectors[SAM Aldmark].params.magazine`` (:mod:`skyshield.scenario.paths`). Every problem is an
:class:`~skyshield.errors.InputError` naming the offending ``--vary`` argument.
"""

from __future__ import annotations

import copy
import itertools
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from skyshield.errors import InputError
from skyshield.scenario.paths import (
    Scalar,
    format_path,
    get_value,
    parse_path,
    set_value,
)

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.scenario.schema import Scenario

#: The most points a sweep may have: every point's scenario is validated and held before any
#: work starts (~3 ms and ~55 kB each for the flagship), so 10,000 points take half a minute
#: and half a gigabyte — and a typo such as ``0:1e9:1`` is refused at once.
MAX_POINTS = 10_000

_ARG = "<argument>"


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class Vary:
    """One ``--vary PATH=SPEC``: a grid of ``values`` or a Latin-hypercube range ``lhs``."""

    path: str
    values: tuple[Scalar, ...] = ()
    lhs: tuple[float, float] | None = None
    integer: bool = False  # round LHS samples to integers (the parameter is an integer)

    @property
    def is_lhs(self) -> bool:
        return self.lhs is not None


_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def _number(text: str, arg: str) -> int | float:
    t = text.strip()
    if not re.fullmatch(_NUM, t):
        raise InputError(f"{arg!r}: '{t}' is not a number", file=_ARG, field="--vary")
    v = float(t)
    if not math.isfinite(v):
        raise InputError(f"{arg!r}: '{t}' is not a finite number", file=_ARG, field="--vary")
    return int(t) if re.fullmatch(r"[-+]?\d+", t) else v


def _item(text: str, arg: str) -> Scalar:
    t = text.strip()
    if not t:
        raise InputError(f"{arg!r}: empty value in the list", file=_ARG, field="--vary")
    if re.fullmatch(_NUM, t):
        return _number(t, arg)
    low = t.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("null", "none"):
        return None
    return t


def _arange(a: int | float, b: int | float, step: int | float, arg: str) -> list[int | float]:
    if step == 0:
        raise InputError(f"{arg!r}: the step must not be zero", file=_ARG, field="--vary")
    if (b - a) * step < 0:
        raise InputError(f"{arg!r}: empty range ({a} to {b} in steps of {step})", file=_ARG,
                         field="--vary")
    count = math.floor((b - a) / step + 1e-9) + 1
    if count > MAX_POINTS:
        raise InputError(f"{arg!r}: {count:,} values, more than the {MAX_POINTS:,} points a "
                         f"sweep may have", file=_ARG, field="--vary")
    if all(isinstance(x, int) for x in (a, b, step)):
        return [int(a + i * step) for i in range(count)]
    # a + i*step, rounded to 12 significant digits so that 0.1:0.3:0.1 gives 0.3, not
    # 0.30000000000000004 (the values are printed, stored and compared)
    return [float(f"{a + i * step:.12g}") for i in range(count)]


def parse_vary(arg: str, base: dict[str, Any] | None = None) -> Vary:
    """Parse one ``PATH=SPEC`` argument.

    Parameters
    ----------
    arg
        ``PATH=SPEC`` as typed on the command line.
    base
        The scenario dict; when given, the path is checked against it and integer parameters
        are recognised (their ranges must hold integers; LHS samples are rounded).

    Raises
    ------
    InputError
        When the argument does not parse, names an unknown parameter or gives an empty range.
    """
    cut = _top_level_equals(arg)
    if cut < 0:
        raise InputError(f"{arg!r}: expected PATH=SPEC, e.g. raids[0].count=50:800:50",
                         file=_ARG, field="--vary")
    path, spec = arg[:cut].strip(), arg[cut + 1:].strip()
    if not path:
        raise InputError(f"{arg!r}: the parameter path is empty", file=_ARG, field="--vary")
    path = format_path(parse_path(path))
    current = get_value(base, path) if base is not None else None
    integer = isinstance(current, int) and not isinstance(current, bool)
    if not spec:
        raise InputError(f"{arg!r}: the value specification is empty", file=_ARG,
                         field="--vary")
    m = re.fullmatch(r"lhs\((.*)\)", spec, flags=re.IGNORECASE)
    if m:
        parts = m.group(1).split(",")
        if len(parts) != 2:
            raise InputError(f"{arg!r}: expected lhs(a,b)", file=_ARG, field="--vary")
        a, b = (float(_number(p, arg)) for p in parts)
        if not a < b:
            raise InputError(f"{arg!r}: empty range: lhs(a,b) needs a < b", file=_ARG,
                             field="--vary")
        return Vary(path, lhs=(a, b), integer=integer)
    if ":" in spec:
        parts = spec.split(":")
        if len(parts) != 3:
            raise InputError(f"{arg!r}: expected a:b:step (inclusive range)", file=_ARG,
                             field="--vary")
        a_, b_, s_ = (_number(p, arg) for p in parts)
        return Vary(path, values=_as_int(tuple(_arange(a_, b_, s_, arg)), integer),
                    integer=integer)
    values = tuple(_item(p, arg) for p in spec.split(","))
    return Vary(path, values=_as_int(values, integer), integer=integer)


def _as_int(values: tuple[Scalar, ...], integer: bool) -> tuple[Scalar, ...]:
    # an integer parameter given as 1e3 or 100.0 is stored and shown as 1000 or 100
    if not integer:
        return values
    return tuple(int(v) if isinstance(v, float) and v.is_integer() else v for v in values)


def _top_level_equals(arg: str) -> int:
    """Index of the first '=' outside brackets (names in brackets may contain '=')."""
    depth = 0
    for i, c in enumerate(arg):
        if c == "[":
            depth += 1
        elif c == "]":
            depth = max(0, depth - 1)
        elif c == "=" and depth == 0:
            return i
    return -1


# --------------------------------------------------------------------------- designs


def latin_hypercube(n: int, dims: int, seed: int) -> list[list[float]]:
    """``n`` points of a Latin hypercube in [0, 1)^dims.

    Notes
    -----
    McKay, Beckman & Conover (1979): each axis is cut into ``n`` equal strata and every
    stratum holds exactly one point. Column ``j`` is :math:`(\\pi_j(i) + u_{ij}) / n`, with
    :math:`\\pi_j` a random permutation of :math:`0..n-1` and :math:`u_{ij} \\sim U[0, 1)`, all
    drawn from ``numpy.random.default_rng(seed)`` so the design is reproducible.
    """
    import numpy as np

    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x1A5]))
    cols = []
    for _ in range(dims):
        perm = rng.permutation(n)
        u = rng.random(n)
        cols.append((perm + u) / n)
    return [[float(c[i]) for c in cols] for i in range(n)]


def design(varies: list[Vary], lhs: int | None, seed: int) -> list[dict[str, Scalar]]:
    """The sweep's points, in a fixed order: each maps every varied path to its value.

    The grid dimensions form a full factorial (the first ``--vary`` changes slowest); with
    Latin-hypercube dimensions, each grid point is crossed with the same ``lhs`` samples.
    """
    if not varies:
        raise InputError("give at least one --vary PATH=SPEC", file=_ARG, field="--vary")
    paths = [v.path for v in varies]
    dup = {p for p in paths if paths.count(p) > 1}
    if dup:
        raise InputError(f"parameter {sorted(dup)[0]!r} is varied twice", file=_ARG,
                         field="--vary")
    grid = [v for v in varies if not v.is_lhs]
    cube = [v for v in varies if v.is_lhs]
    if cube and lhs is None:
        raise InputError("lhs(a,b) ranges need the number of samples: --lhs N", file=_ARG,
                         field="--lhs")
    if lhs is not None and not cube:
        raise InputError("--lhs needs at least one --vary PATH=lhs(a,b)", file=_ARG,
                         field="--lhs")
    if lhs is not None and lhs < 1:
        raise InputError("must be at least 1", file=_ARG, field="--lhs")
    total = math.prod(len(v.values) for v in grid) * (lhs or 1)
    if total > MAX_POINTS:
        raise InputError(f"the design has {total:,} points, more than the {MAX_POINTS:,} a "
                         f"sweep may have", file=_ARG, field="--lhs" if lhs else "--vary")
    samples: list[dict[str, Scalar]] = [{}]
    if cube:
        assert lhs is not None
        samples = []
        for row in latin_hypercube(lhs, len(cube), seed):
            pt: dict[str, Scalar] = {}
            for v, u in zip(cube, row, strict=True):
                assert v.lhs is not None
                x = v.lhs[0] + u * (v.lhs[1] - v.lhs[0])
                pt[v.path] = round(x) if v.integer else x
            samples.append(pt)
    points = []
    for combo in itertools.product(*(v.values for v in grid)):
        g = dict(zip((v.path for v in grid), combo, strict=True))
        for s in samples:
            merged = {**g, **s}
            points.append({p: merged[p] for p in paths})
    return points


def point_scenarios(
    scenario: Scenario, points: list[dict[str, Scalar]]
) -> list[Scenario]:
    """Apply each point to the scenario and validate it (all of them, before any work starts).

    Raises
    ------
    InputError
        Naming the point and its values when a point makes an invalid scenario.
    """
    from skyshield.scenario import scenario_from_dict

    base = scenario.model_dump(mode="json")
    out = []
    for i, pt in enumerate(points):
        data = copy.deepcopy(base)
        for path, value in pt.items():
            set_value(data, path, value)
        try:
            out.append(scenario_from_dict(data, file=f"<sweep point {i}>"))
        except InputError as exc:
            values = ", ".join(f"{k}={v!r}" for k, v in pt.items())
            where = f"field '{exc.field}': " if exc.field else ""
            raise InputError(f"sweep point {i} ({values}) makes an invalid scenario: "
                             f"{where}{exc.message}", file=_ARG, field="--vary") from None
    return out
