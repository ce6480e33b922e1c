"""The Ray backend against a local Ray instance started here: same results as the process
pool, and a worker that dies is retried."""

from __future__ import annotations

import json
import os
from pathlib import Path

import fake_sim
import numpy as np
import pytest

from skyshield.analysis.executor import PointTask, execute
from skyshield.analysis.store import SweepStore
from skyshield.analysis.sweep import plan_sweep, run_sweep
from skyshield.montecarlo import simulate
from skyshield.scenario import load_scenario, scenario_from_dict
from testkit import FLAGSHIP, flagship_small_dict

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.ray
HERE = Path(__file__).parent
FAKE = "fake_sim:simulate"


#: Points with this seed or more have their first worker killed (see ``fake_sim``).
CRASH_SEEDS = 1000


@pytest.fixture(scope="module")
def crash_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("crash")


@pytest.fixture(scope="module")
def local_ray(crash_dir):
    # the stand-in simulator lives beside the tests: Ray's workers need it on their path
    path = os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env = {"PYTHONPATH": path, "SKYSHIELD_FAKE_CRASH_DIR": str(crash_dir),
           "SKYSHIELD_FAKE_CRASH_MIN_SEED": str(CRASH_SEEDS)}
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False,
             configure_logging=False, runtime_env={"env_vars": env})
    yield ray
    ray.shutdown()


def test_ray_sweep_equals_serial(local_ray, tmp_path: Path) -> None:
    sc = load_scenario(FLAGSHIP)
    plan = plan_sweep(sc, ["raids[Decoys].count=10:80:10"], replications=200, seed=3,
                      simulator=FAKE)
    run_sweep(plan, tmp_path / "serial", backend="serial")
    res = run_sweep(plan, tmp_path / "ray", backend="ray")
    assert res.ran == 8
    assert SweepStore(tmp_path / "ray").points() == SweepStore(tmp_path / "serial").points()
    assert ray.is_initialized()  # a Ray instance the caller started is left running


def test_ray_retries_a_dead_worker(local_ray, crash_dir: Path) -> None:
    sc = load_scenario(FLAGSHIP)
    seeds = [CRASH_SEEDS + i for i in range(3)]
    tasks = [PointTask(i, sc.model_dump_json(), 40, s, keep_vip=True, simulator=FAKE)
             for i, s in enumerate(seeds)]
    outs = sorted(execute(tasks, backend="ray"), key=lambda o: o.index)
    assert len(list(crash_dir.iterdir())) == 3  # each point's first worker died
    assert [o.index for o in outs] == [0, 1, 2]
    for o, s in zip(outs, seeds, strict=True):
        assert o.vip_lost is not None
        assert (o.vip_lost == (fake_sim.uniforms(s, 40) < fake_sim.vip_probability(sc))).all()


def test_ray_runs_the_real_engine_bit_identically(local_ray, tmp_path: Path) -> None:
    sc = scenario_from_dict(flagship_small_dict())
    simulate(sc, 1, 0, record=0)  # the kernel compiled (or loaded) once, for the workers' cache
    plan = plan_sweep(sc, ["c2.escort_priority=0.1,0.9", "raids[Decoys].count=1,5"],
                      replications=30, seed=4)
    rows = run_sweep(plan, tmp_path, backend="ray").rows
    for row, psc in zip(rows, plan.scenarios, strict=True):
        assert json.loads(row["summary_json"]) == json.loads(json.dumps(
            simulate(psc, 30, 4, record=0).summary))


def test_one_run_on_ray_is_bit_identical(local_ray) -> None:
    """``simulate(backend="ray")``: the batches (250, 250, 100 replications) as Ray tasks
    give the outcome of one process, array by array."""
    sc = scenario_from_dict(flagship_small_dict())
    one = simulate(sc, 600, 7, record=0)
    ray_ = simulate(sc, 600, 7, record=0, backend="ray")
    assert one.outcome.keys() == ray_.outcome.keys()
    for k, v in one.outcome.items():
        assert np.array_equal(v, ray_.outcome[k], equal_nan=v.dtype.kind == "f"), k
    assert local_ray.is_initialized()  # the caller's session is left open


@pytest.fixture()
def ray_cluster(tmp_path: Path):
    """A separate Ray cluster, started as users start one (``ray start --head``), in its own
    process group so that it is stopped whole (never ``ray stop``, which would stop every
    Ray instance on the machine). Token authentication off, as on a private test network."""
    import signal
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}
    log = tmp_path / "head.log"
    ray_bin = Path(sys.executable).with_name("ray")
    sink = log.open("w")
    head = subprocess.Popen(
        [str(ray_bin), "start", "--head", f"--port={port}", "--num-cpus=2",
         "--include-dashboard=false", "--disable-usage-stats", "--block"],
        stdout=sink, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while "will now block" not in log.read_text():
            assert head.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        yield f"127.0.0.1:{port}", env
    finally:
        os.killpg(head.pid, signal.SIGTERM)
        try:
            head.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait()
        sink.close()
        # ray start leaves the address of the cluster it started here; it is gone now
        current = Path("/tmp/ray/ray_current_cluster")
        if current.exists() and current.read_text().strip().endswith(f":{port}"):
            current.unlink(missing_ok=True)


def test_cli_sweep_on_a_separate_ray_cluster(ray_cluster, tmp_path: Path) -> None:
    import subprocess
    import sys

    import yaml

    address, env = ray_cluster
    sc_file = tmp_path / "small.yaml"
    sc_file.write_text(yaml.safe_dump(flagship_small_dict(), sort_keys=False))
    sc = load_scenario(sc_file)
    simulate(sc, 1, 0, record=0)  # the kernel compiled (or loaded) once, for the workers' cache
    vary = ["--vary", "c2.escort_priority=0.1,0.9", "--vary", "raids[Decoys].count=1,5"]
    exe = Path(sys.executable).with_name("skyshield")

    def sweep(out: str, *extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(exe), "sweep", str(sc_file), *vary, "-n", "30", "--seed", "4",
                               "--out", str(tmp_path / out), "--json", "--quiet", *extra],
                              capture_output=True, text=True, env=env, timeout=300)

    on_cluster = sweep("cluster", "--backend", "ray", "--address", address)
    assert on_cluster.returncode == 0, on_cluster.stderr
    # with a cluster running on this machine, no --address still means a local instance
    local = sweep("local", "--backend", "ray", "--workers", "2")
    assert local.returncode == 0, local.stderr
    plan = plan_sweep(sc, [v for v in vary if v != "--vary"], replications=30, seed=4)
    run_sweep(plan, tmp_path / "serial", backend="serial")
    ref = SweepStore(tmp_path / "serial").points()
    assert SweepStore(tmp_path / "cluster").points() == ref
    assert SweepStore(tmp_path / "local").points() == ref
    # one run split across the cluster: the same summary as in one process
    run = subprocess.run([str(exe), "run", str(sc_file), "-n", "600", "--seed", "4", "--json",
                          "--quiet", "--backend", "ray", "--address", address],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == json.loads(json.dumps(simulate(sc, 600, 4).summary))
