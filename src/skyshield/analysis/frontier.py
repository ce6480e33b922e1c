"""The escort/area split as a frontier: designs of the defence's doctrine, each a Monte Carlo
run with common random numbers, placed by P(VIP lost) against the value lost at the fixed
sites; the designs no other design beats on both are the frontier.

    designs = load_designs("examples/designs/vip-transit-doctrine.yaml")
    res = split_frontier(scenario, designs, replications=2000, seed=1)
    res.save("out/frontier")     # frontier.json, frontier.duckdb, frontier.png

A design is a set of scenario changes (``{path: value}``, the paths of ``skyshield sweep
--vary``; a value may be a whole role schedule or reserve). Design 0 is always the scenario as
written (the doctrine it states), so every difference is paired against it: replication r of
every design shares every random draw the doctrine does not touch (``docs/model.md`` §2), and
the paired 95 % interval of a difference is ``d̄ ± 1.96 s_d/√R``
(:func:`skyshield.results.stats.paired_difference`).
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from skyshield.errors import InputError
from skyshield.results.stats import (
    finite_interval,
    finite_round,
    mean_interval,
    paired_difference,
    wilson_interval,
)

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.scenario.schema import Scenario

#: The name of design 0, the scenario as written.
AS_WRITTEN = "as written"
#: The most designs one study may hold (each is a Monte Carlo run).
MAX_DESIGNS = 200


@dataclass(frozen=True)
class Design:
    """A named doctrine: scenario changes ``{path: value}`` (:func:`with_changes`)."""

    name: str
    changes: dict[str, Any] = field(default_factory=dict)


def load_designs(path: str | Path) -> list[Design]:
    """Read a designs file::

        designs:
          - name: door gun escorts
            changes:
              effectors[Door gun].role: escort
          - name: SAM Brenholt keeps 8 rounds, holds fire over the weapons-free zone
            changes:
              effectors[SAM Brenholt].reserve: {rounds: 8}
              effectors[SAM Brenholt].role: [{role: hold, from_s: 2080, to_s: 2245}]

    Raises
    ------
    InputError
        Naming the file, the line and the field of the first problem.
    """
    from skyshield.scenario.yaml_lines import line_for, parse_yaml

    p = Path(path)
    file = str(p)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", file=file) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a designs file", file=file) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", file=file) from None
    except OSError as exc:
        raise InputError(f"cannot read it ({exc.strerror})", file=file) from None
    data, lines = parse_yaml(text, file)

    def fail(msg: str, *loc: str | int) -> InputError:
        from skyshield.errors import field_path

        return InputError(msg, file=file, line=line_for(tuple(loc), lines),
                          field=field_path(loc) if loc else None)

    if not isinstance(data, dict) or set(data) != {"designs"}:
        raise fail("a designs file is a mapping with one key, 'designs': a list of "
                   "{name, changes}")
    items = data["designs"]
    if not isinstance(items, list) or not items:
        raise fail("'designs' must be a non-empty list of {name, changes}", "designs")
    if len(items) > MAX_DESIGNS:
        raise fail(f"at most {MAX_DESIGNS} designs (got {len(items)})", "designs")
    out: list[Design] = []
    seen = {AS_WRITTEN}
    for k, it in enumerate(items):
        if not isinstance(it, dict) or not set(it) <= {"name", "changes"} or "name" not in it:
            raise fail("a design is {name, changes}", "designs", k)
        name = it["name"]
        if not isinstance(name, str) or not name.strip():
            raise fail("a design's name is non-empty text", "designs", k, "name")
        if name in seen:
            raise fail(f"duplicate design name '{name}'"
                       + (" (design 0 is the scenario as written)" if name == AS_WRITTEN
                          else ""), "designs", k, "name")
        seen.add(name)
        changes = it.get("changes") or {}
        if not isinstance(changes, dict) or not all(isinstance(c, str) for c in changes):
            raise fail("changes is a mapping {path: value}", "designs", k, "changes")
        out.append(Design(name, dict(changes)))
    return out


def design_scenarios(scenario: Scenario, designs: Sequence[Design], *,
                     file: str = "<designs>") -> list[Scenario]:
    """The scenario as written, then each design's variant, validated."""
    from skyshield.scenario.paths import with_changes

    out = [scenario]
    for d in designs:
        try:
            out.append(with_changes(scenario, d.changes, file=f"{file}: design '{d.name}'"))
        except InputError as exc:
            raise InputError(exc.message, file=f"{file}: design '{d.name}'",
                             field=exc.field) from None
    return out


@dataclass
class FrontierResult:
    """Every design's estimates, its paired differences from the scenario as written, the
    frontier, and the paired differences between the frontier's neighbours."""

    scenario_name: str
    replications: int
    seed: int
    vip_name: str
    designs: list[dict[str, Any]]
    frontier: list[int]  # design indices on the frontier, by P(VIP lost) ascending
    neighbours: list[dict[str, Any]]
    seconds: float = 0.0
    scenario_hash: str = ""  # of the scenario as written (skyshield.scenario.scenario_hash)

    def to_dict(self) -> dict[str, Any]:
        """The ``skyshield frontier --json`` object (no timings: deterministic)."""
        return {
            "scenario": self.scenario_name, "scenario_hash": self.scenario_hash,
            "replications": self.replications,
            "seed": self.seed, "vip": self.vip_name, "designs": self.designs,
            "frontier": [self.designs[i]["name"] for i in self.frontier],
            "neighbours": self.neighbours,
            "neighbours_separated": bool(self.neighbours) and all(
                n["separated"] for n in self.neighbours),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def describe(self, out: str | Path | None = None) -> str:
        """The lines ``skyshield frontier`` prints: every design, the frontier and its
        neighbours' paired differences; ``out``: the folder it was saved in."""
        def pct(x: float | None) -> str:
            return "—" if x is None else f"{100 * x:.2f} %"

        def ci(c: list[float | None], scale: float = 100.0, fmt: str = "+.2f") -> str:
            if c[0] is None or c[1] is None:
                return "[—]"
            return f"[{scale * c[0]:{fmt}}, {scale * c[1]:{fmt}}]"

        lines = [f"{self.scenario_name}: the escort/area split, {len(self.designs)} designs, "
                 f"{self.replications} replications each, seed {self.seed} (common random "
                 f"numbers); P(loss of {self.vip_name}) against the value lost at the fixed "
                 "sites, Δ paired against the scenario as written (95 %)"]
        for k, d in enumerate(self.designs):
            v = d["vs_as_written"]
            mark = "*" if k in self.frontier else " "
            lines.append(
                f"{mark} {d['name'][:44]:44s} P(VIP) {pct(d['p_vip']):>8s} "
                f"Δ {100 * (v['p_vip'] or 0):+6.2f} pt {ci(v['p_vip_ci95'])}  sites "
                f"{d['site_value']:8.2f} Δ {v['site_value'] or 0:+7.2f} "
                f"{ci(v['site_value_ci95'], 1.0)}  rounds {d['rounds']:7.1f} "
                f"Δ {v['rounds'] or 0:+6.1f}")
        lines.append(f"Frontier (*, safest for the VIP first): "
                     f"{' → '.join(self.designs[i]['name'] for i in self.frontier)}")
        for n in self.neighbours:
            lines.append(
                f"  {n['safer'][:30]} → {n['other'][:30]}: P(VIP) "
                f"{100 * (n['p_vip'] or 0):+.2f} pt {ci(n['p_vip_ci95'])}, sites "
                f"{n['site_value'] or 0:+.2f} {ci(n['site_value_ci95'], 1.0)}"
                f"{'' if n['separated'] else '  (not separated at 95 %)'}")
        if out is not None:
            lines.append(f"Written: {out}/frontier.json, frontier.duckdb, frontier.png")
        return "\n".join(lines) + "\n"

    def save(self, out_dir: str | Path, *, plot: bool = True, overwrite: bool = False
             ) -> Path:
        """``frontier.json``, ``frontier.duckdb`` (tables ``designs``, ``neighbours``) and
        ``frontier.png`` in ``out_dir``, each atomically (the figure drawn before anything is
        written), on the rules of :mod:`skyshield.outfolder`: a folder holding another
        scenario's files is refused unless ``overwrite``."""
        import io

        from skyshield.interrupt import deferred_sigint
        from skyshield.outfolder import (
            atomic_path,
            atomic_write,
            check_out,
            claim,
            commit,
            locked,
        )

        out = check_out(out_dir, "frontier", self.scenario_name, self.scenario_hash,
                        overwrite=overwrite, what="frontier folder")
        names = ["frontier.json", "frontier.duckdb"] + (["frontier.png"] if plot else [])
        figure: bytes | None = None
        if plot:
            from skyshield.analysis.plots import plot_frontier

            buf = io.BytesIO()
            plot_frontier(self, buf)
            figure = buf.getvalue()
        with deferred_sigint(), locked(out):
            if self.scenario_hash:
                claim(out, "frontier", names, scenario=self.scenario_name,
                      scenario_hash=self.scenario_hash, overwrite=overwrite)
            atomic_write(out / "frontier.json", self.to_json())
            with atomic_path(out / "frontier.duckdb") as tmp:
                _write_duckdb(self, tmp)
            if figure is not None:
                atomic_write(out / "frontier.png", figure)
            if self.scenario_hash:
                commit(out, "frontier", names)
        return out


def _write_duckdb(res: FrontierResult, path: Path) -> None:
    import duckdb

    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE TABLE designs (design INTEGER, name VARCHAR, changes VARCHAR, "
                    "p_vip DOUBLE, p_vip_lo DOUBLE, p_vip_hi DOUBLE, site_value DOUBLE, "
                    "site_value_lo DOUBLE, site_value_hi DOUBLE, rounds DOUBLE, "
                    "defence_cost DOUBLE, d_p_vip DOUBLE, d_p_vip_lo DOUBLE, "
                    "d_p_vip_hi DOUBLE, d_site_value DOUBLE, d_site_value_lo DOUBLE, "
                    "d_site_value_hi DOUBLE, d_rounds DOUBLE, d_rounds_lo DOUBLE, "
                    "d_rounds_hi DOUBLE, on_frontier BOOLEAN)")
        rows = []
        for k, d in enumerate(res.designs):
            rows.append([k, d["name"], json.dumps(d["changes"], ensure_ascii=False),
                         d["p_vip"], *d["p_vip_ci95"], d["site_value"], *d["site_value_ci95"],
                         d["rounds"], d["defence_cost"],
                         d["vs_as_written"]["p_vip"], *d["vs_as_written"]["p_vip_ci95"],
                         d["vs_as_written"]["site_value"],
                         *d["vs_as_written"]["site_value_ci95"],
                         d["vs_as_written"]["rounds"], *d["vs_as_written"]["rounds_ci95"],
                         k in res.frontier])
        con.executemany(f"INSERT INTO designs VALUES ({', '.join('?' * 21)})", rows)
        con.execute("CREATE TABLE neighbours (safer VARCHAR, other VARCHAR, d_p_vip DOUBLE, "
                    "d_p_vip_lo DOUBLE, d_p_vip_hi DOUBLE, d_site_value DOUBLE, "
                    "d_site_value_lo DOUBLE, d_site_value_hi DOUBLE, separated BOOLEAN)")
        nrows = [[n["safer"], n["other"], n["p_vip"], *n["p_vip_ci95"], n["site_value"],
                  *n["site_value_ci95"], n["separated"]] for n in res.neighbours]
        if nrows:
            con.executemany(f"INSERT INTO neighbours VALUES ({', '.join('?' * 9)})", nrows)
    finally:
        con.close()


_r = finite_round
_ci = finite_interval


def pareto(points: Sequence[tuple[float, float]]) -> list[int]:
    """Indices of the points no other point beats on both coordinates (lower is better; a
    point equal to another on both is kept once, the first), by the first coordinate."""
    keep = []
    for i, (a, b) in enumerate(points):
        dominated = any(
            (c <= a and d <= b and (c < a or d < b)) or (c == a and d == b and j < i)
            for j, (c, d) in enumerate(points) if j != i)
        if not dominated:
            keep.append(i)
    return sorted(keep, key=lambda i: (points[i][0], points[i][1], i))


def split_frontier(
    scenario: Scenario,
    designs: Sequence[Design],
    *,
    replications: int = 2000,
    seed: int = 0,
    backend: str = "process",
    workers: int | None = None,
    address: str | None = None,
    progress: bool = False,
    file: str = "<designs>",
    simulator: str | None = None,
) -> FrontierResult:
    """Run the scenario as written and every design with common random numbers.

    Parameters
    ----------
    scenario
        A validated scenario with a moving asset (the VIP, asset 0).
    designs
        The doctrines to compare (:func:`load_designs`).
    replications, seed
        Of every run (the same seed: common random numbers).
    backend, workers, address
        See :func:`skyshield.analysis.executor.execute`.

    Returns
    -------
    FrontierResult
        ``designs[k]``: ``p_vip`` (95 % Wilson interval), ``site_value`` (expected value lost
        at the fixed sites, 95 % normal interval), ``rounds`` and ``defence_cost`` per
        replication, and ``vs_as_written``: paired differences from design 0.
    """
    from skyshield.analysis.executor import DEFAULT_SIMULATOR, PointOutcome, PointTask, execute
    from skyshield.engine.compile import compile_scenario
    from skyshield.progress import progress_bar

    if scenario.vip is None:
        raise InputError("the frontier needs a moving asset (the VIP) to escort",
                         file=file, field="assets.moving")
    variants = design_scenarios(scenario, designs, file=file)
    cs = compile_scenario(scenario)
    M = sum(1 for k in cs.asset_kinds if k == "moving")
    values = np.asarray(cs.asset_values, dtype=np.float64)
    t0 = time.perf_counter()
    tasks = [PointTask(i, v.model_dump_json(), replications, seed, keep_vip=True,
                       simulator=simulator or DEFAULT_SIMULATOR)
             for i, v in enumerate(variants)]
    outs: dict[int, PointOutcome] = {}
    advance, stop = progress_bar("designs", len(tasks), enabled=progress)
    try:
        for o in execute(tasks, backend=backend, workers=workers, address=address):
            outs[o.index] = o
            advance(1)
    finally:
        stop()

    def series(o: PointOutcome) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        assert o.asset_lost is not None
        lost = o.asset_lost.astype(np.float64)
        rounds = (o.rounds if o.rounds is not None else np.zeros(len(lost))).astype(np.float64)
        return lost[:, 0], lost[:, M:] @ values[M:], rounds

    base = series(outs[0])
    rows: list[dict[str, Any]] = []
    names = [AS_WRITTEN] + [d.name for d in designs]
    changes: list[dict[str, Any]] = [{}] + [d.changes for d in designs]
    for k in range(len(variants)):
        vip, site, rounds = series(outs[k])
        n = len(vip)
        lo, hi = wilson_interval(int(vip.sum()), n)
        sv, slo, shi = mean_interval(site)
        dp = paired_difference(base[0], vip)
        dv = paired_difference(base[1], site)
        dr = paired_difference(base[2], rounds)
        cost = outs[k].summary.get("cost", {}).get("defence_mean")
        rows.append({
            "name": names[k], "changes": changes[k],
            "p_vip": _r(float(vip.mean())), "p_vip_ci95": _ci(lo, hi),
            "site_value": _r(sv, 4), "site_value_ci95": _ci(slo, shi, 4),
            "rounds": _r(float(rounds.mean()), 3), "defence_cost": cost,
            "vs_as_written": {
                "p_vip": _r(dp[0]), "p_vip_ci95": _ci(dp[1], dp[2]),
                "site_value": _r(dv[0], 4), "site_value_ci95": _ci(dv[1], dv[2], 4),
                "rounds": _r(dr[0], 3), "rounds_ci95": _ci(dr[1], dr[2], 3),
            },
        })
    front = pareto([(float(r["p_vip"]), float(r["site_value"])) for r in rows])
    neighbours = []
    for a, b in itertools.pairwise(front):
        va, sa, _ = series(outs[a])
        vb, sb, _ = series(outs[b])
        dp = paired_difference(va, vb)  # b − a: the next design is less safe for the VIP...
        dv = paired_difference(sa, sb)  # ...and loses less at the sites
        neighbours.append({
            "safer": names[a], "other": names[b],
            "p_vip": _r(dp[0]), "p_vip_ci95": _ci(dp[1], dp[2]),
            "site_value": _r(dv[0], 4), "site_value_ci95": _ci(dv[1], dv[2], 4),
            "separated": bool(dp[1] > 0.0 and dv[2] < 0.0),
        })
    from skyshield.scenario.identity import scenario_hash

    return FrontierResult(scenario.name, replications, seed, scenario.vip.name, rows, front,
                          neighbours, time.perf_counter() - t0, scenario_hash(scenario))
