"""A stand-in for ``skyshield.simulate`` with the same call shape and result fields, fast and
with a known answer, for testing the sweep machinery apart from the engine.

The VIP is lost in replication r when ``u_r < p``, with ``u_r`` drawn from a generator keyed by
(seed, r) alone (common random numbers across scenarios) and
``p = N / (N + 400) * (1.2 - escort_priority) / 1.2`` for N drones in the raids, plus
``MISSING_EFFECT`` for named equipment of the flagship that the scenario lacks.

Environment (inherited by spawned workers): ``SKYSHIELD_FAKE_SLEEP`` seconds per call;
``SKYSHIELD_FAKE_CRASH_DIR``: the first call for each (scenario, seed) kills its process
(only seeds from ``SKYSHIELD_FAKE_CRASH_MIN_SEED`` on, default 0);
``SKYSHIELD_FAKE_DONE_DIR``: each call leaves a file there when it finishes.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

#: Extra VIP loss probability when this equipment of the flagship is missing.
MISSING_EFFECT = {"SAM Brenholt": 0.3, "Radar Marrow": 0.02}


def vip_probability(scenario: Any) -> float:
    n = sum(r.count for r in scenario.raids)
    p = n / (n + 400.0) * (1.2 - scenario.c2.escort_priority) / 1.2
    present = {x.name for x in scenario.sensors} | {x.name for x in scenario.effectors}
    p += sum(v for k, v in MISSING_EFFECT.items() if k not in present)
    return min(1.0, p)


def uniforms(seed: int, replications: int) -> np.ndarray:
    return np.array([np.random.default_rng([seed, r]).random() for r in range(replications)])


@dataclass
class FakeResults:
    summary: dict[str, Any]
    asset_lost: np.ndarray


def simulate(scenario: Any, replications: int = 1000, seed: int = 0, *, workers: int = 1,
             record: int = 0) -> FakeResults:
    text = scenario.model_dump_json()
    tag = hashlib.sha256(f"{text}/{seed}".encode()).hexdigest()[:20]
    crash = os.environ.get("SKYSHIELD_FAKE_CRASH_DIR")
    if crash and seed >= int(os.environ.get("SKYSHIELD_FAKE_CRASH_MIN_SEED", "0")):
        marker = Path(crash) / tag
        if not marker.exists():
            marker.touch()
            os._exit(3)  # the worker dies without a word, as on SIGKILL or OOM
    time.sleep(float(os.environ.get("SKYSHIELD_FAKE_SLEEP", "0")))
    p = vip_probability(scenario)
    lost = uniforms(seed, replications) < p
    names = [a.name for a in scenario.assets.moving] + [a.name for a in scenario.assets.fixed]
    kinds = ["moving"] * len(scenario.assets.moving) + ["fixed"] * len(scenario.assets.fixed)
    asset_lost = np.zeros((replications, len(names)), dtype=bool)
    asset_lost[:, 0] = lost
    k = int(lost.sum())
    p_hat = k / replications
    summary = {
        "scenario": scenario.name,
        "replications": replications,
        "seed": seed,
        "assets": [{"name": n, "kind": kd, "p_loss": p_hat if i == 0 else 0.0,
                    "p_loss_ci95": [max(0.0, p_hat - 0.05), min(1.0, p_hat + 0.05)]
                    if i == 0 else [0.0, 0.1]}
                   for i, (n, kd) in enumerate(zip(names, kinds, strict=True))],
        "threats": {"launched_mean": float(sum(r.count for r in scenario.raids))},
    }
    done = os.environ.get("SKYSHIELD_FAKE_DONE_DIR")
    if done:
        (Path(done) / f"{tag}-{time.monotonic_ns()}").touch()
    return FakeResults(summary, asset_lost)
