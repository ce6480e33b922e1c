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
import multiprocessing as mp
from collections.abc import Generator
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from skyshield.args import run_args_problem
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


def _batches(total: int) -> list[tuple[int, int]]:
    return [(s, min(BATCH, total - s)) for s in range(0, total, BATCH)]


def _run_batches(
    scenario: Scenario, cs: CompiledScenario, seed: int, batches: list[tuple[int, int]],
    workers: int,
) -> Generator[dict[str, np.ndarray], None, None]:
    """Yield batch outcomes in batch order."""
    from skyshield.engine import run_batch

    if workers <= 1:
        for start, count in batches:
            yield _outcome_dict(run_batch(cs, seed, start, count))
        return
    text = scenario.model_dump_json()
    ctx = mp.get_context("spawn")
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init)
    try:
        pending: dict[int, cf.Future[dict[str, np.ndarray]]] = {}
        nxt = 0
        for i in range(len(batches)):
            while nxt < len(batches) and len(pending) < 2 * workers:
                s, c = batches[nxt]
                pending[nxt] = pool.submit(_worker_batch, text, seed, s, c)
                nxt += 1
            yield pending.pop(i).result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def simulate(
    scenario: Scenario | str | Path,
    replications: int = 1000,
    seed: int = 0,
    *,
    workers: int = 1,
    precision: float | None = None,
    record: int = 2,
    progress: bool = False,
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
        Worker processes (1: the compiled kernel's threads in this process).
    precision
        Stop when the 95 % interval half-width of the VIP's loss probability is at most this.
    record
        How many replications to keep event logs of, for replay, at most: replication 0, then
        the lowest-numbered ones in which the VIP (asset 0 without a moving asset) was lost,
        then those in which any asset was lost (``docs/scenario.md``, "Recordings").
    progress
        Show a progress bar.

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
    advance, stop = progress_bar("replications", replications, enabled=progress)
    stopped = False
    lost = done = 0
    try:
        gen = _run_batches(scenario, cs, seed, batches, workers)
        for part in gen:
            parts.append(part)
            done += part["asset_lost"].shape[0]
            lost += int(part["asset_lost"][:, vip].sum())
            advance(part["asset_lost"].shape[0])
            if precision is not None and wilson_half_width(lost, done) <= precision:
                stopped = True
                gen.close()
                break
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
    for rep in _reps_to_record(res, vip, record):
        res.recordings[rep] = record_replication(cs, seed, rep)
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
