"""Intent from tracks on the flagship: top-1 accuracy of ``nearest``, ``heading`` and
``bridge`` (docs/model.md §4.7.1, docs/intent.md) by half path, per drone class.

Run: ``.venv/bin/python -m benchmarks.intent_accuracy [-n 2] [--seed 1]``. Replications of
``examples/vip-transit.yaml`` under ``c2.information: tracks`` (intent ``oracle``, so that
the engagements do not depend on the methods compared) run in the plain-Python reference
(:mod:`skyshield.engine.reference`), which is hooked to record, at every decision cycle,
every candidate track (confirmed, reported, not engaged) whose label is a real drone: its
estimate, the three methods' top-1 asset on it, and the drone's true target and position.
Per drone (all its tracks together, in time order):

* *top-1 at half path*: the method's asset at the first evaluation where the drone is no
  farther from its true target (a site's centre, the aircraft's position now) than half its
  distance at its first evaluation (drones that never get there, e.g. killed first, are
  left out; the count that do is printed);
* *time to the correct intent*: from the drone's first evaluation to the first one after
  which the method's asset is the true target at every later evaluation (median over the
  drones that end correct; the share that never settles is printed).

The bridge's posterior is the kernel's (``skyshield.track.intent.bridge_posterior_fast``
with the compiled constants, cached per track state as in the kernel).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "examples" / "vip-transit.yaml"
METHODS = ("nearest", "heading", "bridge")


def record_intents(cs: Any, seed: int, rep: int) -> list[tuple[Any, ...]]:
    """One reference replication; rows (drone, wave, t, d_left, d_launch, true, n, h, b)."""
    from skyshield.engine import reference as ref
    from skyshield.track.intent import heading_target, nearest_target

    rows: list[tuple[Any, ...]] = []

    class Rec(ref._Rep):
        def track_candidates(self, t: float) -> list[ref.Cand]:
            cands = super().track_candidates(t)
            dxy = np.array([self.asset_now(a)[:2] for a in range(self.A)])
            dv = np.array([self.asset_now(a)[2:] for a in range(self.A)])
            for c in cands:
                if c.label < 0:
                    continue
                d = self.drones[c.label]
                m4 = np.array([c.x, c.y, c.vx, c.vy])
                post = self.bridge(c.index, c.wave)
                b = min(range(self.A), key=lambda j: (-post[j], j))
                gx, gy = dxy[d.target]
                rows.append((c.label, d.wave, t, math.hypot(d.x - gx, d.y - gy),
                             d.target, nearest_target(c.x, c.y, dxy),
                             heading_target(m4, dxy, dv)[0], b))
            return cands

    Rec(cs, seed, rep).run()
    return rows


def summarise(rows: list[tuple[Any, ...]], classes: list[str]) -> dict[str, dict[str, Any]]:
    """Per class: drones, drones with a half-path evaluation, top-1 there and time to the
    correct intent per method."""
    by: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for r in rows:
        by[r[0]].append(r)
    res: dict[str, dict[str, Any]] = {}
    per: dict[str, list[list[tuple[Any, ...]]]] = defaultdict(list)
    for rs in by.values():
        rs.sort(key=lambda r: r[2])
        per[classes[rs[0][1]]].append(rs)
    for cls, drones in sorted(per.items()):
        out: dict[str, Any] = {"drones": len(drones), "half": 0}
        for j, meth in enumerate(METHODS):
            ok = 0
            half = 0
            ttc: list[float] = []
            never = 0
            for rs in drones:
                hp = next((r for r in rs if r[3] <= 0.5 * rs[0][3]), None)
                if hp is not None:
                    half += 1
                    ok += int(hp[5 + j] == hp[4])
                wrong = [i for i, r in enumerate(rs) if r[5 + j] != r[4]]
                i0 = 0 if not wrong else wrong[-1] + 1
                if i0 < len(rs):
                    ttc.append(rs[i0][2] - rs[0][2])
                else:
                    never += 1
            out["half"] = half
            out[meth] = (ok / half if half else math.nan,
                         float(np.median(ttc)) if ttc else math.nan, never)
        res[cls] = out
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="intent_accuracy", description=__doc__)
    ap.add_argument("-n", "--replications", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    from skyshield.engine import compile_scenario
    from skyshield.scenario import load_scenario

    sc = load_scenario(FLAGSHIP)
    sc = sc.model_copy(update={"c2": sc.c2.model_copy(update={"information": "tracks"})})
    cs = compile_scenario(sc)
    threat = {r.name: r.threat for r in sc.raids}
    if sc.leak is not None:
        threat[cs.wave_names[-1]] = f"{sc.leak.threat} (leak)"
    classes = [threat[w] for w in cs.wave_names]
    rows: list[tuple[Any, ...]] = []
    for rep in range(args.replications):
        # labels are per replication: offset them so that drones stay apart
        rows += [(r[0] + 100_000 * rep, *r[1:])
                 for r in record_intents(cs, args.seed, rep)]
    res = summarise(rows, classes)
    print(f"{FLAGSHIP.name}, information: tracks, {args.replications} replications (seed "
          f"{args.seed}, reference), {len(rows)} evaluations of real drones' tracks")
    print("| class | drones (at half path) | method | top-1 at half path | median time to "
          "correct (s) | never correct for good |")
    print("|---|---|---|---|---|---|")
    for cls, out in res.items():
        for meth in METHODS:
            acc, ttc, never = out[meth]
            print(f"| {cls} | {out['drones']} ({out['half']}) | {meth} | {100 * acc:.0f} % | "
                  f"{ttc:.0f} | {never} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
