"""The estimate behind every refusal (``skyshield.engine.size``) against what the engine
really allocates and does, and the refusals of ``simulate`` itself.

The estimate must never be below the allocation (else a request that cannot fit would start
and die of a ``MemoryError``) and not far above it (else it would refuse what fits); the work
count must bound the work the kernel reports. The example scenarios, even at the precision
cap of 100,000 replications, must fit an 8 GB machine.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from skyshield.engine import compile_scenario, run_batch
from skyshield.engine.size import check_run, estimate, run_size
from skyshield.engine.state import new_outcome, new_state
from skyshield.errors import InputError
from skyshield.montecarlo import BATCH, PRECISION_CAP, simulate
from skyshield.scenario import load_scenario, scenario_from_dict
from testkit import EXAMPLES

FILES = sorted(EXAMPLES.glob("*.yaml"))


@pytest.fixture
def eight_gb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKYSHIELD_MEMORY_LIMIT", "8e9")
    monkeypatch.delenv("SKYSHIELD_WORK_LIMIT", raising=False)


def _nbytes(x: object) -> int:
    """Bytes of every array in a (nested) tuple of arrays."""
    if isinstance(x, np.ndarray):
        return int(x.nbytes)
    if isinstance(x, tuple):
        return sum(_nbytes(y) for y in x)
    return 0


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_memory_estimate_bounds_the_allocation_closely(path: Path) -> None:
    sc = load_scenario(path)
    cs = compile_scenario(sc)
    size = run_size(sc)
    assert (size.steps, size.bins) == (cs.n_steps, cs.n_bins)
    assert size.drones == cs.n_drones_max
    p = cs.params
    st = new_state(p, 0, 0, False, np.zeros((0, 3)), np.zeros((0, 5), np.int32),
                   np.zeros((0, 4)), np.zeros((0, 3), np.int32), np.zeros(2, np.int64))
    state = _nbytes(st)
    assert state <= size.state_bytes <= 1.1 * state + 4096
    # under information: tracks (the tracker's store and work arrays)
    st2 = compile_scenario(sc.model_copy(update={"c2": sc.c2.model_copy(
        update={"information": "tracks"})}))
    size2 = run_size(st2_sc := sc.model_copy(update={"c2": sc.c2.model_copy(
        update={"information": "tracks"})}))
    assert size2.tracks and st2_sc.c2.information == "tracks"
    state2 = _nbytes(new_state(st2.params, 0, 0, False, np.zeros((0, 3)),
                               np.zeros((0, 5), np.int32), np.zeros((0, 4)),
                               np.zeros((0, 3), np.int32), np.zeros(2, np.int64)))
    assert state2 <= size2.state_bytes <= 1.1 * state2 + 4096
    # ... and with intent: bridge (a cached posterior per track slot)
    sc3 = sc.model_copy(update={"c2": sc.c2.model_copy(
        update={"information": "tracks", "intent": "bridge"})})
    size3 = run_size(sc3)
    state3 = _nbytes(new_state(compile_scenario(sc3).params, 0, 0, False, np.zeros((0, 3)),
                               np.zeros((0, 5), np.int32), np.zeros((0, 4)),
                               np.zeros((0, 3), np.int32), np.zeros(2, np.int64)))
    assert size3.bridge and state3 > state2
    assert state3 <= size3.state_bytes <= 1.1 * state3 + 4096
    out = new_outcome(1, len(cs.asset_names), len(cs.wave_names), len(cs.effector_names),
                      cs.n_bins, len(cs.sensor_names))
    assert size.outcome_bytes == sum(a.nbytes for a in out)
    params = sum(a.nbytes for a in p if isinstance(a, np.ndarray))
    assert params <= size.params_bytes <= 2 * params + 8192


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_work_count_bounds_the_drone_steps(path: Path) -> None:
    sc = load_scenario(path)
    size = run_size(sc)
    out = run_batch(compile_scenario(sc), 1, 0, 4)
    assert out.drone_steps.max() <= size.drones * (size.steps + 1) <= size.replication_work


@pytest.mark.usefixtures("eight_gb")
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_the_examples_fit_at_the_precision_cap(path: Path) -> None:
    sc = load_scenario(path)
    for workers in (1, 16):
        est = check_run(sc, PRECISION_CAP, workers=workers, record=10, batch=BATCH)
        assert est.memory < 8e9 and est.work < 1e14


def test_estimate_grows_with_what_it_counts() -> None:
    size = run_size(load_scenario(EXAMPLES / "vip-transit.yaml"))
    one = estimate(size, 1000)
    assert estimate(size, 2000).memory > one.memory
    assert estimate(size, 1000, threads=8).memory == pytest.approx(
        one.memory + 7 * size.state_bytes)
    assert estimate(size, 1000, record=3).work == pytest.approx(
        one.work + 3 * size.replication_work)
    assert estimate(size, 2000).work == pytest.approx(2 * one.work)


@pytest.mark.usefixtures("eight_gb")
def test_simulate_refuses_before_any_work(flagship: object) -> None:
    with pytest.raises(InputError) as info:
        simulate(flagship, 10**12, 0)  # type: ignore[arg-type]
    assert info.value.field == "--replications" and "of memory" in info.value.message
    # one replication of a scenario whose drone × effector arrays cannot fit: the scenario
    d = load_scenario(EXAMPLES / "vip-transit.yaml").model_dump(mode="json")
    d["raids"][0]["count"] = 100_000
    d["effectors"] = [{**d["effectors"][0], "name": f"E{k}", "mount": "fixed",
                       "position": [0.0, 0.0]} for k in range(2000)]
    big = scenario_from_dict(d)
    with pytest.raises(InputError) as info:
        simulate(big, 1, 0)
    assert info.value.field == "effectors" and info.value.file is None
