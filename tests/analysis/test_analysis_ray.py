"""The Ray backend against a local Ray instance started here: same results as the process
pool, and a worker that dies is retried."""

from __future__ import annotations

import json
import os
from pathlib import Path

import fake_sim
import pytest
from small_scenario import small_dict

from skyshield.analysis.executor import PointTask, execute
from skyshield.analysis.store import SweepStore
from skyshield.analysis.sweep import plan_sweep, run_sweep
from skyshield.montecarlo import simulate
from skyshield.scenario import load_scenario, scenario_from_dict

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.ray
HERE = Path(__file__).parent
FAKE = "fake_sim:simulate"


#: Points with this seed or more have their first worker killed (see ``fake_sim``).
CRASH_SEEDS = 1000


@pytest.fixture(scope="module")
def crash_dir(tmp_path_factory):  # type: ignore[no-untyped-def]
    return tmp_path_factory.mktemp("crash")


@pytest.fixture(scope="module")
def local_ray(crash_dir):  # type: ignore[no-untyped-def]
    # the stand-in simulator lives beside the tests: Ray's workers need it on their path
    path = os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env = {"PYTHONPATH": path, "SKYSHIELD_FAKE_CRASH_DIR": str(crash_dir),
           "SKYSHIELD_FAKE_CRASH_MIN_SEED": str(CRASH_SEEDS)}
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             configure_logging=False, runtime_env={"env_vars": env})
    yield ray
    ray.shutdown()


def test_ray_sweep_equals_serial(local_ray, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sc = load_scenario("examples/vip-transit.yaml")
    plan = plan_sweep(sc, ["raids[Decoys].count=10:80:10"], replications=200, seed=3,
                      simulator=FAKE)
    run_sweep(plan, tmp_path / "serial", backend="serial")
    res = run_sweep(plan, tmp_path / "ray", backend="ray")
    assert res.ran == 8
    assert SweepStore(tmp_path / "ray").points() == SweepStore(tmp_path / "serial").points()
    assert ray.is_initialized()  # a Ray instance the caller started is left running


def test_ray_retries_a_dead_worker(local_ray, crash_dir: Path) -> None:  # type: ignore[no-untyped-def]
    sc = load_scenario("examples/vip-transit.yaml")
    seeds = [CRASH_SEEDS + i for i in range(3)]
    tasks = [PointTask(i, sc.model_dump_json(), 40, s, keep_vip=True, simulator=FAKE)
             for i, s in enumerate(seeds)]
    outs = sorted(execute(tasks, backend="ray"), key=lambda o: o.index)
    assert len(list(crash_dir.iterdir())) == 3  # each point's first worker died
    assert [o.index for o in outs] == [0, 1, 2]
    for o, s in zip(outs, seeds, strict=True):
        assert o.vip_lost is not None
        assert (o.vip_lost == (fake_sim.uniforms(s, 40) < fake_sim.vip_probability(sc))).all()


def test_ray_runs_the_real_engine_bit_identically(local_ray, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sc = scenario_from_dict(small_dict())
    simulate(sc, 1, 0, record=0)  # the kernel compiled (or loaded) once, for the workers' cache
    plan = plan_sweep(sc, ["c2.escort_priority=0.1,0.9", "raids[Decoys].count=1,5"],
                      replications=30, seed=4)
    rows = run_sweep(plan, tmp_path, backend="ray").rows
    for row, psc in zip(rows, plan.scenarios, strict=True):
        assert json.loads(row["summary_json"]) == json.loads(json.dumps(
            simulate(psc, 30, 4, record=0).summary))
