"""Ctrl-C (issue 10, "Interrupts"): an interrupted ``run`` (serial or pool) or ``sweep`` exits
130, says in one line what it kept, and leaves a resumable state or nothing; a long kernel call
does not hold the interrupt back.

Each case runs the real command on a pseudo-terminal (so that the progress bar shows), waits
for a progress marker, sends SIGINT to the whole process group as a terminal's Ctrl-C does,
and asserts only a generous bound on the time to exit.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from skyshield.interrupt import Interrupted, deferred_sigint
from testkit import FLAGSHIP, ROOT, flagship_small_dict

#: Generous: the bound a prompt interrupt must meet on a loaded 2-core machine.
EXIT_WITHIN_S = 60.0
#: Waiting for the first progress (numba may load its cache, workers start).
MARKER_WITHIN_S = 600.0


def _heavy(tmp: Path, dt_s: float = 0.01) -> Path:
    """The flagship at a fine time step: one batch of 250 replications takes minutes, one
    replication well under a second."""
    d = yaml.safe_load(FLAGSHIP.read_text(encoding="utf-8"))
    d["dt_s"] = dt_s
    path = tmp / "heavy.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
    return path


class Terminal:
    """A command on a pseudo-terminal (stderr, where the progress bar goes), in a process
    group of its own."""

    def __init__(self, argv: list[str]) -> None:
        import pty

        self.master, slave = pty.openpty()
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "120"}
        self.proc = subprocess.Popen([sys.executable, "-m", "skyshield.cli", *argv],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=slave, env=env, start_new_session=True)
        os.close(slave)
        self.text = ""

    def _read(self, timeout: float) -> bool | None:
        """Read what is there: True (read some), None (nothing within ``timeout``), False
        (the terminal is closed)."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return None
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the other end closed
            return False
        if not chunk:
            return False
        self.text += chunk.decode("utf-8", "replace")
        return True

    def wait_for(self, pattern: str, timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(pattern, self.text)
            if m:
                return m
            got = self._read(0.5)
            if got is False or (got is None and self.proc.poll() is not None):
                break
        raise AssertionError(f"no {pattern!r} within {timeout} s: {self.text[-2000:]!r}")

    def ctrl_c(self) -> float:
        """SIGINT to the group, as a terminal's Ctrl-C; wait for the exit and read what is
        left; return the seconds it took to exit."""
        t0 = time.monotonic()
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            self.proc.wait(timeout=EXIT_WITHIN_S)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"still running {EXIT_WITHIN_S} s after Ctrl-C") from None
        took = time.monotonic() - t0
        while self._read(0.5):
            pass
        return took

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        os.close(self.master)

    def message(self) -> str:
        """The one line skyshield printed about the interrupt."""
        plain = re.sub("\x1b\\[[0-9;?]*[A-Za-z]", "", self.text).replace("\r", "\n")
        lines = [ln for ln in plain.splitlines() if "skyshield:" in ln]
        assert len(lines) == 1, plain[-2000:]
        assert "Traceback" not in plain and "KeyboardInterrupt" not in plain, plain[-2000:]
        return lines[0]


def _children(pid: int, *, workers_only: bool = False) -> set[int]:
    """Processes whose parent is ``pid`` (from /proc); ``workers_only``: pool workers, not
    multiprocessing's resource tracker."""
    out = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
                cmd = (d / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) != pid:
                continue
            if not workers_only or b"spawn_main" in cmd:
                out.add(int(d.name))
    return out


def _alive(pid: int) -> bool:
    try:
        st = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return False
    return st.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def terminal() -> Any:
    made: list[Terminal] = []

    def start(argv: list[str]) -> Terminal:
        made.append(Terminal(argv))
        return made[-1]

    yield start
    for t in made:
        t.close()


# --------------------------------------------------------------------------- run


def test_run_serial_long_kernel_call(tmp_path: Path, terminal: Any) -> None:
    out = tmp_path / "out"
    (out / "plots").mkdir(parents=True)
    (out / "plots" / "mine.png").write_bytes(b"mine")
    term = terminal(["run", str(_heavy(tmp_path)), "-n", "1000", "--workers", "1",
                     "--out", str(out)])
    # a chunk finished: the compiled kernel runs (the batch of 250 would take minutes)
    term.wait_for(r"(?<!\d)[1-9]\d*/1000(?!\d)", MARKER_WITHIN_S)
    term.ctrl_c()
    assert term.proc.returncode == 130
    line = term.message()
    assert "interrupted" in line and "no results kept" in line and str(out) in line
    assert sorted(p.name for p in out.rglob("*")) == ["mine.png", "plots"]


@pytest.mark.parametrize("when", ["starting", "running"])
def test_run_pool(when: str, tmp_path: Path, terminal: Any) -> None:
    """Ctrl-C while the pool's workers start (the driver must not be deaf then) and while
    they run batches of minutes."""
    term = terminal(["run", str(_heavy(tmp_path)), "-n", "1000", "--workers", "2",
                     "--force-workers"])
    term.wait_for(r"(?<!\d)0/1000(?!\d)", MARKER_WITHIN_S)
    deadline = time.monotonic() + MARKER_WITHIN_S
    want = 1 if when == "starting" else 2
    while (len(_children(term.proc.pid, workers_only=True)) < want
           and time.monotonic() < deadline):
        time.sleep(0.05)
    if when == "running":
        time.sleep(2.0)  # into the batches (the workers load the compiled kernel)
    kids = _children(term.proc.pid)
    assert kids
    term.ctrl_c()
    assert term.proc.returncode == 130
    assert "no results kept" in term.message()
    assert term.proc.stdout is not None and term.proc.stdout.read() == b""
    time.sleep(1.0)
    assert not [k for k in kids | _children(term.proc.pid) if _alive(k)]  # none outlives it


# --------------------------------------------------------------------------- sweep


def test_sweep_keeps_finished_points_and_resumes(tmp_path: Path, terminal: Any) -> None:
    d = flagship_small_dict()
    d["dt_s"] = 0.02  # a few seconds a point
    sc = tmp_path / "small.yaml"
    sc.write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
    out = tmp_path / "sweep"
    argv = ["sweep", str(sc), "--vary", "c2.escort_priority=0,0.25,0.5,0.75,1", "-n", "500",
            "--workers", "1", "--out", str(out)]
    term = terminal(argv)
    term.wait_for(r"(?<!\d)[1-4]/5(?!\d)", MARKER_WITHIN_S)
    term.ctrl_c()
    assert term.proc.returncode == 130
    line = term.message()
    m = re.search(r"(\d) of 5 sweep points kept in (\S+sweep\.duckdb)", line)
    assert m, line
    kept = int(m.group(1))
    assert 1 <= kept <= 4 and "run the same command again" in line
    # the same command finishes the sweep
    res = subprocess.run([sys.executable, "-m", "skyshield.cli", *argv, "--json"],
                         capture_output=True, text=True, timeout=900,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, check=False)
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)
    assert got["points_resumed"] == kept and got["points_run"] == 5 - kept
    assert len(got["points"]) == 5


# --------------------------------------------------------------------------- the pieces


def test_deferred_sigint_holds_the_interrupt_back() -> None:
    done = []
    with pytest.raises(KeyboardInterrupt), deferred_sigint():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        done.append("committed")
    assert done == ["committed"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with deferred_sigint():
        pass  # nothing pending: no exception


def test_interrupted_is_a_keyboard_interrupt_with_its_message() -> None:
    exc = Interrupted("3 of 5 sweep points kept")
    assert isinstance(exc, KeyboardInterrupt) and str(exc) == exc.kept


def test_simulate_interrupted_between_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The library raises Interrupted (a KeyboardInterrupt) saying nothing was kept."""
    import skyshield.engine as engine
    from skyshield.montecarlo import simulate
    from testkit import flagship_small

    calls = []
    real = engine.run_batch

    def run_batch(*args: Any) -> Any:
        calls.append(args[2:])
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(engine, "run_batch", run_batch)
    with pytest.raises(Interrupted) as exc:
        simulate(flagship_small(), 600, 1, record=0)
    assert "no results kept" in exc.value.kept
    # chunks cover consecutive replications, starting at 0
    assert calls[0][0] == 0 and calls[1][0] == calls[0][1]


def test_the_driver_blocks_sigint_only_while_it_forks(monkeypatch: pytest.MonkeyPatch
                                                      ) -> None:
    """Workers start with SIGINT ignored (blocked across fork/exec until their initializer
    ignores it), and the driver blocks it only for the instant of each fork/exec: not while
    it pickles and sends a worker its start-up data. A Ctrl-C that lands inside that instant
    is not lost: it is raised once the mask is restored."""
    import multiprocessing.popen_spawn_posix as popen
    from multiprocessing import util

    from skyshield.interrupt import spawn_pool, stop_pool

    seen: dict[str, list[Any]] = {"fork": [], "pickle": []}
    real_spawn, real_dump = util.spawnv_passfds, popen.reduction.dump

    def spawn(path: Any, args: Any, passfds: Any) -> Any:
        # multiprocessing's resource tracker (started by the pool's queue) sees to itself
        if not any("resource_tracker" in str(a) for a in args):
            seen["fork"].append(signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, ()))
        return real_spawn(path, args, passfds)

    def dump(*args: Any, **kw: Any) -> Any:
        seen["pickle"].append(signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, ()))
        return real_dump(*args, **kw)

    monkeypatch.setattr(util, "spawnv_passfds", spawn)
    monkeypatch.setattr(popen.reduction, "dump", dump)
    pool = spawn_pool(2)
    try:
        assert pool.submit(signal.getsignal, signal.SIGINT).result() == signal.SIG_IGN
    finally:
        stop_pool(pool)
    assert seen["fork"] and all(seen["fork"])  # blocked while forking
    assert seen["pickle"] and not any(seen["pickle"])  # not while pickling
    assert util.spawnv_passfds is spawn  # put back
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, ())

    # a Ctrl-C inside the fork instant: pending while blocked, raised when unblocked
    def spawn_and_interrupt(path: Any, args: Any, passfds: Any) -> Any:
        if not any("resource_tracker" in str(a) for a in args):
            os.kill(os.getpid(), signal.SIGINT)
        return real_spawn(path, args, passfds)

    monkeypatch.setattr(util, "spawnv_passfds", spawn_and_interrupt)
    with pytest.raises(KeyboardInterrupt):
        stop_pool(spawn_pool(2))
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, ())
