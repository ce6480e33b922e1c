"""Sweeps with a stand-in simulator (``fake_sim``): backends agree, the store is exact, and a
sweep killed by SIGKILL resumes to the same table as an uninterrupted run."""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import fake_sim
import pytest

from skyshield.analysis.executor import PointTask, WorkerDiedError, execute
from skyshield.analysis.store import SweepStore
from skyshield.analysis.sweep import SweepPlan, plan_sweep, point_seed, run_sweep
from skyshield.errors import InputError
from testkit import FLAGSHIP

FAKE = "fake_sim:simulate"
HERE = Path(__file__).parent


def _plan(sc, **kw) -> SweepPlan:
    kw.setdefault("replications", 300)
    kw.setdefault("seed", 11)
    return plan_sweep(sc, ["raids[0].count=50:400:50", "c2.escort_priority=0.2,0.6"],
                      simulator=FAKE, **kw)


def _table(out: Path) -> list[tuple]:
    con = duckdb.connect(str(out / "sweep.duckdb"), read_only=True)
    try:
        return con.execute("SELECT * FROM sweep_points ORDER BY point").fetchall()
    finally:
        con.close()


def test_serial_sweep_matches_the_known_answer(flagship, tmp_path: Path) -> None:
    plan = _plan(flagship)
    res = run_sweep(plan, tmp_path, backend="serial")
    assert len(res.rows) == 16 and res.ran == 16 and res.resumed == 0
    u = fake_sim.uniforms(11, 300)
    for row, sc in zip(res.rows, plan.scenarios, strict=True):
        params = json.loads(row["params_json"])
        assert sc.raids[0].count == params["raids[0].count"]
        assert sc.c2.escort_priority == params["c2.escort_priority"]
        # every point uses the sweep's seed: common random numbers
        assert row["seed"] == 11 and row["replications"] == 300
        assert row["vip_p_loss"] == pytest.approx(float((u < fake_sim.vip_probability(sc)).mean()))
        assert json.loads(row["summary_json"])["assets"][0]["p_loss"] == row["vip_p_loss"]
    # monotone in raid size under common random numbers (the stand-in's p grows with N)
    by_e: dict[float, list[float]] = {}
    for row in res.rows:
        by_e.setdefault(json.loads(row["params_json"])["c2.escort_priority"], []).append(
            row["vip_p_loss"])
    assert all(b >= a for v in by_e.values() for a, b in itertools.pairwise(v))
    pq = duckdb.sql(f"SELECT * FROM '{tmp_path / 'sweep_points.parquet'}' ORDER BY point")
    assert pq is not None and pq.fetchall() == _table(tmp_path)


def test_process_pool_matches_serial(flagship, tmp_path: Path) -> None:
    plan = _plan(flagship)
    run_sweep(plan, tmp_path / "serial", backend="serial")
    run_sweep(plan, tmp_path / "pool", backend="process", workers=2)
    assert _table(tmp_path / "serial") == _table(tmp_path / "pool")


def test_independent_seeds_depend_on_point_only(flagship) -> None:
    plan = _plan(flagship, independent_seeds=True)
    assert plan.seeds == [point_seed(11, i) for i in range(16)]
    assert len(set(plan.seeds)) == 16 and all(0 <= s < 2**63 for s in plan.seeds)
    assert plan.key != _plan(flagship).key


def test_rerun_skips_finished_points(flagship, tmp_path: Path) -> None:
    plan = _plan(flagship)
    first = run_sweep(plan, tmp_path, backend="serial")
    again = run_sweep(plan, tmp_path, backend="serial")
    assert again.ran == 0 and again.resumed == 16 and again.rows == first.rows


def test_a_different_sweep_in_the_folder_is_refused(flagship, tmp_path: Path) -> None:
    run_sweep(_plan(flagship), tmp_path, backend="serial")
    other = _plan(flagship, replications=200)
    with pytest.raises(InputError, match="different sweep"):
        run_sweep(other, tmp_path, backend="serial")
    res = run_sweep(other, tmp_path, backend="serial", overwrite=True)
    assert {r["replications"] for r in _rows(tmp_path)} == {200} and res.ran == 16


def _rows(out: Path) -> list[dict]:
    return SweepStore(out).points()


def test_dead_worker_is_retried(flagship, tmp_path: Path, monkeypatch) -> None:
    crash = tmp_path / "crash"
    crash.mkdir()
    monkeypatch.setenv("SKYSHIELD_FAKE_CRASH_DIR", str(crash))
    sc = flagship.model_dump_json()
    tasks = [PointTask(i, sc, 50, i, keep_vip=True, simulator=FAKE) for i in range(4)]
    # each point dies once, and takes the other running point down with it: max_retries=1
    # holds because only a death while a point runs alone is charged to it
    outs = sorted(execute(tasks, backend="process", workers=2, max_retries=1),
                  key=lambda o: o.index)
    assert len(list(crash.iterdir())) == 4  # every point's first worker died
    assert [o.index for o in outs] == [0, 1, 2, 3]
    for o in outs:
        assert o.vip_lost is not None
        assert (o.vip_lost == (fake_sim.uniforms(o.index, 50)
                               < fake_sim.vip_probability(flagship))).all()


class _LatePool:
    """A real pool whose ``submit`` first waits until the point handed out before has ended:
    a point that kills its worker at once has then broken the pool before the next is handed
    out, which a loaded machine does by chance."""

    def __init__(self, pool) -> None:
        self.pool, self.last = pool, None

    def submit(self, fn, *args):
        if self.last is not None:
            cf.wait([self.last])
        self.last = self.pool.submit(fn, *args)
        return self.last

    def __getattr__(self, name):
        return getattr(self.pool, name)


def test_a_pool_broken_before_the_next_point_is_handed_out(flagship, tmp_path: Path,
                                                            monkeypatch) -> None:
    from skyshield.analysis import executor

    crash = tmp_path / "crash"
    crash.mkdir()
    monkeypatch.setenv("SKYSHIELD_FAKE_CRASH_DIR", str(crash))
    real = executor.spawn_pool
    monkeypatch.setattr(executor, "spawn_pool", lambda *a, **k: _LatePool(real(*a, **k)))
    sc = flagship.model_dump_json()
    tasks = [PointTask(i, sc, 50, i, keep_vip=True, simulator=FAKE) for i in range(4)]
    # every point dies alone once (charged: max_retries=1 holds) and the refused point goes
    # back unrun, uncharged
    outs = sorted(execute(tasks, backend="process", workers=2, max_retries=1),
                  key=lambda o: o.index)
    assert len(list(crash.iterdir())) == 4
    assert [o.index for o in outs] == [0, 1, 2, 3]


def test_a_worker_that_always_dies_is_reported(flagship, tmp_path: Path, monkeypatch) -> None:
    crash = tmp_path / "crash"
    crash.mkdir()
    monkeypatch.setenv("SKYSHIELD_FAKE_CRASH_DIR", str(crash))
    task = PointTask(0, flagship.model_dump_json(), 10, 0, simulator=FAKE)
    # max_retries=0: the first death is final
    with pytest.raises(WorkerDiedError, match="point 0 died"):
        list(execute([task], backend="process", workers=1, max_retries=0))


_DRIVER = """
import sys
sys.path.insert(0, {here!r})
from skyshield.scenario import load_scenario
from skyshield.analysis.sweep import plan_sweep, run_sweep
sc = load_scenario({flagship!r})
plan = plan_sweep(sc, ["raids[0].count=50:400:50", "c2.escort_priority=0.2,0.6"],
                  replications=300, seed=11, simulator="fake_sim:simulate")
run_sweep(plan, sys.argv[1], backend=sys.argv[2], workers=2)
"""


def _group_gone(pgid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_sigkill_then_resume_gives_the_uninterrupted_table(flagship, tmp_path: Path) -> None:
    ref = tmp_path / "ref"
    run_sweep(_plan(flagship), ref, backend="serial")
    out = tmp_path / "killed"
    done = tmp_path / "done"
    done.mkdir()
    env = {**os.environ, "SKYSHIELD_FAKE_SLEEP": "0.25", "SKYSHIELD_FAKE_DONE_DIR": str(done)}
    script = _DRIVER.format(here=str(HERE), flagship=str(FLAGSHIP))
    counts = []
    # kill it twice at different moments (after 3 and after 9 points had finished somewhere)
    for kill_after in (3, 9):
        proc = subprocess.Popen([sys.executable, "-c", script, str(out), "process"], env=env,
                                start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while len(list(done.iterdir())) < kill_after and proc.poll() is None:
                assert time.monotonic() < deadline
                time.sleep(0.02)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            # the orphaned pool workers leave by themselves (they watch their parent)
            assert _group_gone(proc.pid, 10.0)
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        counts.append(len(_rows(out)))
    assert 0 < counts[0] < 16 and counts[0] <= counts[1] < 16  # really killed mid-sweep
    final = subprocess.run([sys.executable, "-c", script, str(out), "process"], env=env,
                           timeout=120)
    assert final.returncode == 0
    assert _table(out) == _table(ref)


def test_a_point_stored_twice_counts_once(flagship, tmp_path: Path) -> None:
    # two drivers on one folder compute the same rows: the second insert is a no-op
    plan = _plan(flagship)
    res = run_sweep(plan, tmp_path, backend="serial")
    store = SweepStore(tmp_path)
    store.add(res.rows[3])
    assert store.points() == res.rows


def test_the_result_saves_describes_and_prints_json(flagship, tmp_path: Path) -> None:
    res = run_sweep(_plan(flagship), tmp_path / "a", backend="serial")
    assert json.loads(res.to_json()) == json.loads(json.dumps(res.to_dict()))
    assert res.to_json().endswith("}\n")
    lines = res.describe().splitlines()
    assert lines[0] == "vip-transit: 16 points × 300 replications, seed 11 (16 run, 0 already done)"
    # per point: the objective, then every asset's loss probability
    assert len(lines) == 2 + 2 * 16
    assert lines[-1].startswith(f"Stored in {tmp_path / 'a'}/sweep.duckdb")
    assert "P(loss of VIP helicopter) = " in lines[1]
    assert lines[2].strip().startswith("P(loss): VIP helicopter ")
    assert res.to_dict()["objective"]["objective"] == "vip"
    for pt in res.to_dict()["points"]:
        assert pt["objective"] == {"value": pt["vip_p_loss"], "ci95": pt["vip_p_loss_ci95"]}
    # another objective reads the same stored points: nothing runs again
    other = run_sweep(_plan(flagship), tmp_path / "a", backend="serial",
                      objective="asset:Aldmark")
    assert other.ran == 0 and other.rows == res.rows
    assert "P(loss of Aldmark) = 0.000 [0.000, 0.100]" in other.describe().splitlines()[1]
    # save: the same tables in another folder
    assert res.save(tmp_path / "b") == tmp_path / "b"
    assert _table(tmp_path / "b") == _table(tmp_path / "a")
    pq = duckdb.sql(f"SELECT * FROM '{tmp_path / 'b' / 'sweep_points.parquet'}' ORDER BY point")
    assert pq is not None and pq.fetchall() == _table(tmp_path / "a")
