"""The reference's brute-force line of sight against the kernel's raster lookups
(docs/model.md §4.9, docs/terrain.md): ``examples/vip-transit-terrain.yaml`` cut down to a
tenth of its drones in 25 minutes (the cut-down flagship of the engine's tests, over the
example's own relief), replication by replication.

Run: ``.venv/bin/python -m benchmarks.los_agreement [-n 20] [--seed 1]``. For each replication
the kernel runs with its viewshed rasters and the plain-Python reference runs with every fixed
site's check ray-marched from the site's eye
(:func:`skyshield.engine.reference.run_replication_raymarch`). Prints the checks and the
share of them on which the two answer alike, how many replications are identical on every
outcome, identical but for the ``drone_steps`` work counter, and agree on the VIP's loss and
on the shots fired, and the time per replication of each.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skyshield.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "vip-transit-terrain.yaml"


def cut_down(path: Path = EXAMPLE) -> Scenario:
    """The scenario at ``path`` with a tenth of each raid (launched in the first 1400 s), the
    VIP leaving at once, 25 minutes, the leak at p = 0.5 with 4 drones."""
    from skyshield.scenario import load_scenario

    sc = load_scenario(path)
    raids = [r.model_copy(update={"count": max(1, r.count // 10),
                                  "launch": r.launch.model_copy(update={"end_s": 1400.0,
                                                                        "times_s": None,
                                                                        "rates": None})})
             for r in sc.raids]
    assert sc.leak is not None
    return sc.model_copy(update={
        "raids": raids, "duration_s": 1500.0,
        "leak": sc.leak.model_copy(update={"probability": 0.5, "count": 4}),
        "assets": sc.assets.model_copy(update={"moving": [
            sc.assets.moving[0].model_copy(update={"departure_s": 0.0})]}),
    })


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="los_agreement", description=__doc__)
    ap.add_argument("-n", type=int, default=20, help="replications (default 20)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    import numpy as np

    from skyshield.engine import compile_scenario, run_batch
    from skyshield.engine.outcome import BatchOutcome
    from skyshield.engine.reference import run_replication_raymarch

    cs = compile_scenario(cut_down())
    run_batch(cs, 0, 0, 1)  # compiled (or loaded) before any clock starts
    t0 = time.process_time()
    out = run_batch(cs, args.seed, 0, args.n)
    t_kernel = (time.process_time() - t0) / args.n
    names = [f.name for f in fields(BatchOutcome)]
    checks = differ = same = same_but_steps = same_vip = same_shots = 0
    t_ref = 0.0
    shots_k: list[int] = []
    shots_r: list[int] = []
    kills_k: list[int] = []
    kills_r: list[int] = []
    sites_same = sites = 0
    for r in range(args.n):
        t0 = time.process_time()
        ref, n, k = run_replication_raymarch(cs, args.seed, r)
        t_ref += time.process_time() - t0
        checks += n
        differ += k
        row = out.row(r)
        bad = [f for f in names
               if not np.array_equal(getattr(row, f), getattr(ref, f), equal_nan=True)]
        same += not bad
        same_but_steps += not [f for f in bad if f != "drone_steps"]
        same_vip += bool(row.asset_lost[0, 0] == ref.asset_lost[0, 0])
        same_shots += bool(np.array_equal(row.eff_shots, ref.eff_shots))
        shots_k.append(int(row.eff_shots.sum()))
        shots_r.append(int(ref.eff_shots.sum()))
        kills_k.append(int(row.wave_killed.sum()))
        kills_r.append(int(ref.wave_killed.sum()))
        sites += row.asset_lost.size
        sites_same += int((row.asset_lost == ref.asset_lost).sum())
    print(f"{EXAMPLE.name} cut down (a tenth of the drones, 25 min; "
          f"{cs.params.ter_z.shape[1]} x {cs.params.ter_z.shape[0]} nodes of "
          f"{cs.params.ter_cell:g} m), seed {args.seed}, {args.n} replications")
    print(f"  fixed-site line-of-sight checks: {checks:,}; the ray march answers as the raster "
          f"on {100 * (1 - differ / max(checks, 1)):.2f} % ({differ:,} differ)")
    print(f"  replications identical on every outcome:              {same} / {args.n}")
    print(f"  identical but for the drone_steps work counter:       {same_but_steps} / {args.n}")
    print(f"  the same VIP outcome (lost or not):                   {same_vip} / {args.n}")
    print(f"  the same rounds fired by every effector:              {same_shots} / {args.n}")
    print(f"  assets with the same fate (lost or not), all replications: "
          f"{sites_same} / {sites}")
    for what, a, b in (("rounds fired", shots_k, shots_r), ("drones killed", kills_k, kills_r)):
        d = np.subtract(b, a)
        half = 1.96 * d.std(ddof=1) / np.sqrt(d.size) if d.size > 1 else float("nan")
        print(f"  {what} per replication: lookups {np.mean(a):.2f}, ray march {np.mean(b):.2f}, "
              f"paired difference {d.mean():+.2f} [{d.mean() - half:+.2f}, {d.mean() + half:+.2f}]")
    print(f"  CPU per replication: kernel {1000 * t_kernel:.2f} ms, reference with ray marches "
          f"{t_ref / args.n:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
