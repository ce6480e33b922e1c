"""The one entry point of the Monte Carlo: ``simulate(scenario, replications, seed, ...)``.

Replications are run in fixed batches of :data:`BATCH` (the batch boundaries depend on nothing
but the replication count), each by the compiled kernel, in this process or in a pool of
worker processes. Every random draw is keyed by (seed, replication, purpose), so replication
r is the same whatever the batch, worker or thread that runs it: results are bit-identical
for any ``workers``.

With ``precision`` the run stops after the first batch at which the 95 % Wilson half-width of
the VIP's loss probability is at most ``precision`` (checked in batch order, so the stopping
point too is independent of the number of workers).
"""

from __future__ import annotations

import concurrent.futures as cf
import time
from collections.abc import Callable, Generator
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from skyshield.args import run_args_problem
from skyshield.interrupt import Interrupted, spawn_pool, stop_pool
from skyshield.progress import progress_bar
from skyshield.results.core import Results
from skyshield.results.stats import wilson_half_width

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.engine import CompiledScenario
    from skyshield.scenario.schema import Scenario

#: replications per batch: the unit of work, of progress, and of the stopping rule.
BATCH = 250
#: the most replications a run with ``precision`` may use when no cap is given.
PRECISION_CAP = 100_000
#: seconds of work per call of the compiled kernel, so that Ctrl-C is seen within about
#: that long (see ``_ChunkSizer``).
CHUNK_S = 1.0


def _outcome_dict(out: Any) -> dict[str, np.ndarray]:
    return {f.name: np.asarray(getattr(out, f.name)) for f in fields(out)}


@lru_cache(maxsize=4)
def _compiled_from_json(text: str) -> CompiledScenario:
    from skyshield.engine import compile_scenario
    from skyshield.scenario.schema import Scenario

    return compile_scenario(Scenario.model_validate_json(text))


def _worker_init() -> None:
    # one compute thread per worker process: the pool provides the parallelism
    import numba

    numba.set_num_threads(1)


def _worker_batch(text: str, seed: int, start: int, count: int) -> dict[str, np.ndarray]:
    from skyshield.engine import run_batch

    return _outcome_dict(run_batch(_compiled_from_json(text), seed, start, count))


def _ray_batch(text: str, seed: int, start: int, count: int) -> dict[str, np.ndarray]:
    """A batch on a Ray worker: one compute thread (Ray gives each task one CPU)."""
    _worker_init()
    return _worker_batch(text, seed, start, count)


def _batches(total: int) -> list[tuple[int, int]]:
    return [(s, min(BATCH, total - s)) for s in range(0, total, BATCH)]


class _ChunkSizer:
    """How many replications one call of the compiled kernel runs.

    A compiled call cannot be interrupted: SIGINT is seen only when it returns. A batch is
    therefore run in chunks of about :data:`CHUNK_S` seconds each (at least one replication
    per compute thread, at most the batch), sized from the time the last chunk took. Only
    the work's slicing depends on the clock, never the results: replication r's row is the
    same in any chunk.
    """

    def __init__(self, threads: int) -> None:
        self.step = max(1, threads)
        self.size = self.step

    def update(self, count: int, seconds: float) -> None:
        per_rep = seconds / max(count, 1)
        want = CHUNK_S / per_rep if per_rep > 0 else float(BATCH)
        steps = max(1, int(min(want, BATCH) // self.step))
        # grow by at most 4x a time (the first call's time includes compilation)
        self.size = min(steps * self.step, 4 * max(self.size, self.step), BATCH)


def _run_chunked(cs: CompiledScenario, seed: int, start: int, count: int, sizer: _ChunkSizer,
                 advance: Callable[[int], None]) -> dict[str, np.ndarray]:
    """One batch in chunks (see :class:`_ChunkSizer`), as one outcome."""
    from skyshield.engine import run_batch

    parts = []
    done = 0
    while done < count:
        # what is left in equal chunks (no short tail), each a whole number of thread loads
        left = count - done
        n = -(-left // sizer.size)
        k = min(left, -(-left // n // sizer.step) * sizer.step) if n > 1 else left
        t0 = time.perf_counter()
        parts.append(_outcome_dict(run_batch(cs, seed, start + done, k)))
        sizer.update(k, time.perf_counter() - t0)
        done += k
        advance(k)
    if len(parts) == 1:
        return parts[0]
    return {key: np.concatenate([p[key] for p in parts], axis=0) for key in parts[0]}


def _run_batches(
    scenario: Scenario, cs: CompiledScenario, seed: int, batches: list[tuple[int, int]],
    workers: int, advance: Callable[[int], None], backend: str = "process",
    address: str | None = None,
) -> Generator[dict[str, np.ndarray], None, None]:
    """Yield batch outcomes in batch order; ``advance(n)`` as replications finish."""
    if backend == "ray":
        yield from _ray_batches(scenario.model_dump_json(), seed, batches, workers, address,
                                advance)
        return
    if workers <= 1:
        import numba

        sizer = _ChunkSizer(numba.get_num_threads())
        for start, count in batches:
            yield _run_chunked(cs, seed, start, count, sizer, advance)
        return
    text = scenario.model_dump_json()
    pool = spawn_pool(workers, initializer=_worker_init)
    finished = False
    try:
        pending: dict[int, cf.Future[dict[str, np.ndarray]]] = {}
        nxt = 0
        for i in range(len(batches)):
            while nxt < len(batches) and len(pending) < 2 * workers:
                s, c = batches[nxt]
                pending[nxt] = pool.submit(_worker_batch, text, seed, s, c)
                nxt += 1
            part = pending.pop(i).result()
            advance(batches[i][1])
            yield part
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            # interrupted, or stopped early by the precision rule: the batches still running
            # are not wanted, and a compiled call would not notice a request to stop
            stop_pool(pool)


def _ray_batches(text: str, seed: int, batches: list[tuple[int, int]], workers: int,
                 address: str | None, advance: Callable[[int], None],
                 ) -> Generator[dict[str, np.ndarray], None, None]:
    """The batches as Ray tasks (on the cluster at ``address``, or a local instance of
    ``workers`` CPUs), at most two per CPU in flight, yielded in batch order: the same
    outcomes as in one process (each batch is keyed by its first replication)."""
    from skyshield.distributed import cluster_cpus, ray_session

    with ray_session(max(workers, 1), address) as ray:
        remote = ray.remote(num_cpus=1, max_retries=3)(_ray_batch)
        window = 2 * cluster_cpus(ray, max(workers, 1))
        pending: dict[int, Any] = {}
        nxt = 0
        try:
            for i in range(len(batches)):
                while nxt < len(batches) and len(pending) < window:
                    s, c = batches[nxt]
                    pending[nxt] = remote.remote(text, seed, s, c)
                    nxt += 1
                part = ray.get(pending.pop(i))
                advance(batches[i][1])
                yield part
        finally:
            for ref in pending.values():  # stopped early (precision, interrupt)
                ray.cancel(ref, force=True)


def simulate(
    scenario: Scenario | str | Path,
    replications: int = 1000,
    seed: int = 0,
    *,
    workers: int = 1,
    precision: float | None = None,
    record: int = 2,
    progress: bool = False,
    progress_label: str = "replications",
    backend: str = "process",
    address: str | None = None,
) -> Results:
    """Run the Monte Carlo.

    Parameters
    ----------
    scenario
        A validated scenario (:func:`skyshield.load_scenario`), or the path of a scenario
        file to load.
    replications
        Number of replications; with ``precision``, the maximum.
    seed
        The run's seed (any non-negative integer below 2**63).
    workers
        Worker processes (1: the compiled kernel's threads in this process); with
        ``backend="ray"`` and no ``address``, the CPUs of the local Ray instance.
    precision
        Stop when the 95 % interval half-width of the VIP's loss probability is at most this.
    record
        How many replications to keep event logs of, for replay, at most: replication 0, then
        the lowest-numbered ones in which the VIP (asset 0 without a moving asset) was lost,
        then those in which any asset was lost (``docs/scenario.md``, "Recordings").
    progress
        Show a progress bar.
    progress_label
        Its label (``skyshield report --value-of-information`` names the setting it runs).
    backend
        ``process`` (this process, or a pool of ``workers`` processes) or ``ray``: the
        batches of 250 replications as Ray tasks, on the cluster at ``address`` (or a local
        Ray instance of ``workers`` CPUs; the caller's session if Ray is initialised) —
        results bit-identical to ``workers=1``. Needs the ``ray`` extra.
    address
        The Ray cluster (``host:port``) for ``backend="ray"``.

    Returns
    -------
    Results

    Raises
    ------
    InputError
        For a request whose memory or work exceeds the limits of :mod:`skyshield.limits`
        (estimated before it starts, :mod:`skyshield.engine.size`).
    """
    from skyshield.engine import compile_scenario, record_replication
    from skyshield.engine.size import check_run

    problem = run_args_problem(replications, seed)
    if problem is not None:
        raise ValueError(f"{problem[0].lstrip('-')} {problem[1]}")
    if backend not in ("process", "ray"):
        raise ValueError(f"backend must be 'process' or 'ray', not {backend!r}")
    file = None
    if isinstance(scenario, str | Path):
        from skyshield.scenario import load_scenario

        file = str(scenario)
        scenario = load_scenario(scenario)
    # what cannot fit is refused before anything is compiled or allocated
    check_run(scenario, replications, workers=workers, record=record, batch=BATCH, file=file)
    cs = compile_scenario(scenario)
    batches = _batches(replications)
    vip = cs.asset_kinds.index("moving") if "moving" in cs.asset_kinds else 0
    parts: list[dict[str, np.ndarray]] = []
    bar, stop = progress_bar(progress_label, replications, enabled=progress)
    ran = [0]  # replications finished, batch or not (what an interrupt had done)

    def advance(n: int) -> None:
        ran[0] += n
        bar(n)

    stopped = False
    lost = done = 0
    try:
        gen = _run_batches(scenario, cs, seed, batches, workers, advance, backend, address)
        for part in gen:
            parts.append(part)
            done += part["asset_lost"].shape[0]
            lost += int(part["asset_lost"][:, vip].sum())
            if precision is not None and wilson_half_width(lost, done) <= precision:
                stopped = True
                gen.close()
                break
    except KeyboardInterrupt:
        raise Interrupted(f"no results kept ({ran[0]} of {replications} replications had "
                          "run)") from None
    finally:
        stop()
    outcome = {k: np.concatenate([p[k] for p in parts], axis=0) for k in parts[0]}
    res = Results(
        scenario=scenario,
        seed=seed,
        asset_names=list(cs.asset_names),
        asset_kinds=list(cs.asset_kinds),
        asset_values=[float(v) for v in cs.asset_values],
        wave_names=list(cs.wave_names),
        effector_names=list(cs.effector_names),
        effector_cost_per_shot=[float(v) for v in cs.cost_per_shot],
        wave_cost_usd=[float(v) for v in cs.wave_cost_usd],
        outcome=outcome,
        stopped_by_precision=stopped,
    )
    try:
        for rep in _reps_to_record(res, vip, record):
            res.recordings[rep] = record_replication(cs, seed, rep)
    except KeyboardInterrupt:
        raise Interrupted(f"no results kept (all {done} replications had run; interrupted "
                          "while recording replays)") from None
    return res


def _reps_to_record(res: Results, vip: int, count: int) -> list[int]:
    if count <= 0:
        return []
    chosen = [0]
    lost = res.asset_lost
    for col in (lost[:, vip], lost.any(axis=1)):
        idx = np.flatnonzero(col)
        for r in idx[:count]:
            if len(chosen) >= count:
                break
            if int(r) not in chosen:
                chosen.append(int(r))
    return sorted(chosen[:count])
