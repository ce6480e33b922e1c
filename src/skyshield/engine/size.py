"""What a Monte Carlo request will cost, estimated before it starts: peak memory and work.

:func:`run_size` reads the sizes of a scenario (drones, sensors, effectors, channels, time
steps, bins...) the way :func:`~skyshield.engine.compile.compile_scenario` makes them, without
compiling it; :func:`estimate` turns them into bytes and entity-steps; :func:`check_run` and
:func:`check_runs` refuse, with one line, a request over the limits of :mod:`skyshield.limits`.
The Monte Carlo (``simulate``), sweeps, the faults analysis and the raid-size sweep call them
before any work starts.

Notes
-----
**Memory** (bytes) follows the allocations, array by array:

- the parameters (:class:`~skyshield.engine.compile.KernelParams`), once per process;
- one replication's state (:func:`~skyshield.engine.state.new_state`) per thread running a
  replication at once: per drone 308 B, per drone × sensor 41 B (detection keys, history,
  misses, track starts, watch lists, the flags of the drones ever tracked), per drone ×
  effector 80 B (the C2's pair arrays and the effectors' watch lists; 48 B more under the
  ``local``/``exact`` policies, whose per-cycle WTA arrays are effectors × candidates), per
  effector × channel 128 B;
- the outcome arrays (:func:`~skyshield.engine.state.new_outcome`) of every replication,
  twice (the batches and their concatenation): ``17 A + 16 W + 24 E + 8 W E + 4 S + 30``
  bytes and ``4 (3 W + E) B`` for the time series, per replication;
- the buffers of each recorded replication (``engine/record.py``): 44 B per event
  (``16 N + 64`` of them) and per position (``(⌊duration/5⌋ + 2)(A + min(N, 64))``).

**Work** is counted in *entity-steps*: per replication, ``(K + 1)`` steps, each with a fixed
cost (:data:`STEP_OVERHEAD`) and visiting at most every drone against every sensor and
effector, the sensors' and the C2's catch-up turns (``⌈dt/scan_s⌉`` a sensor,
``⌈dt/cycle_s⌉``) and every channel::

    work = (R + recorded) · [(K + 1)(100 + N(1 + S + E) + Σ_s ⌈dt/scan_s⌉ + ⌈dt/cycle_s⌉
                                       + Σ_e channels_e) + N·S]

The examples and a sparse scenario run at 0.19–0.43 ns per entity-step on one core
(``benchmarks/bench_work.py``; ``docs/scenario.md``, "Limits"): the count bounds the time of
a run without measuring it, so refusals never depend on the machine's speed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from skyshield.contract import POS_EVERY_S
from skyshield.engine.compile import BRIDGE_K
from skyshield.limits import check, format_bytes, memory_limit, work_limit
from skyshield.scenario.catalogue import Catalogue, default_catalogue
from skyshield.scenario.equipment import resolve_equipment
from skyshield.scenario.schema import Scenario
from skyshield.scenario.sizes import fa_cap, time_grid

#: Bytes of the state of one replication, per drone, drone × sensor, drone × effector
#: (greedy; more under local/exact), effector × channel (see the module notes).
B_DRONE, B_DRONE_SENSOR, B_DRONE_EFFECTOR, B_WTA, B_CHANNEL = 316, 41, 80, 48, 128
#: Bytes of the tracker (information: tracks) per track slot and per detection of a scan (the
#: store, its work arrays with 8 (T + D) + 1024 gated pairs, the scan's measurements).
B_TRACK, B_DETECTION, B_TRACKER = 1020, 707, 66_700
#: Bytes of one row of the recording buffers (events and positions alike).
B_RECORD_ROW = 44
#: The fixed cost of a time step (its phases, watch-list rebuilds, bookkeeping) in
#: entity-visits: with almost nothing in the air a step costs about as much as 100 of them
#: (``benchmarks/bench_work.py``, its sparse scenario).
STEP_OVERHEAD = 100
#: Below this many steps a replication's work is blamed on its drones, above on its steps.
_MANY_STEPS = 100_000


@dataclass(frozen=True)
class RunSize:
    """The sizes of one scenario as the kernel will see them (shapes of ``engine/compile.py``
    and ``engine/state.py``)."""

    drones: int  # N
    waves: int  # W
    assets: int  # A
    moving: int  # M
    waypoints: int  # K of the flight plans (padded)
    profile: int  # P + 1 launch-profile edges (padded)
    route: int  # Q route points (padded)
    sensors: int  # S
    effectors: int  # E
    channels: int  # C, the most channels of one effector
    channels_total: int  # Σ_e channels
    steps: int  # K: steps after t = 0
    bins: int  # B
    turns: int  # Σ_s ⌈dt / scan_s⌉ + ⌈dt / cycle_s⌉: catch-up turns of one step
    duration_s: float
    dt_s: float
    greedy: bool
    logistics: int = 0  # Σ_e (deliveries + role breakpoints) + engagement zones
    tracks: bool = False  # c2.information: tracks
    false_alarms: int = 0  # the most false alarms one scan draws (compile.fa_cap), over sensors
    bridge: bool = False  # c2.intent: bridge (a cached posterior per track slot)
    terrain_nodes: int = 0  # nodes of the terrain grid (0: terrain none)

    @property
    def track_slots(self) -> int:
        """T, the track store's slots (1 under truth; as ``compile._information``)."""
        return 2 * (self.drones + self.false_alarms) + 16 if self.tracks else 1

    @property
    def detections(self) -> int:
        """D, the detections one scan holds (1 under truth)."""
        return max(1, self.drones + self.false_alarms) if self.tracks else 1

    @property
    def params_bytes(self) -> float:
        """The kernel's parameters (once per process)."""
        N, W, A, S, E = self.drones, self.waves, self.assets, self.sensors, self.effectors
        return float(24 * self.moving * self.waypoints + 72 * A + 32 * A * W + 112 * W
                     + W * (16 * self.profile + 8 * A + 16 * self.route) + 16 * N
                     + S * (136 + 16 * W) + E * (256 + 8 * W) + 32 * self.logistics
                     # terrain: the grid (float64) and a float32 raster per sensor/effector
                     + (9 + 4 * (S + E)) * self.terrain_nodes
                     + 4096)

    @property
    def state_bytes(self) -> float:
        """One replication's state (``new_state``)."""
        N, S, E = self.drones, self.sensors, self.effectors
        T, D = self.track_slots, self.detections
        nc = max(N, T, 1)  # candidates: drones (truth) or track slots (tracks)
        pair = B_DRONE_EFFECTOR + (0 if self.greedy else B_WTA)
        tracker = B_TRACK * T + B_DETECTION * D + B_TRACKER if self.tracks else 1024
        # intent: bridge's cells and destinations (always), cached posteriors (per slot)
        tracker += 8 * BRIDGE_K * (2 * self.assets + 3) + 8 * self.assets + 24
        if self.bridge:
            tracker += (8 * (self.assets + 1) + 16) * (T - 1)
        return float(B_DRONE * N + B_DRONE_SENSOR * N * S + pair * E * nc
                     + 64 * max(nc - N, 0) + B_CHANNEL * E * max(self.channels, 1)
                     + 96 * (S + E + self.assets) + tracker + 2048)

    @property
    def outcome_bytes(self) -> float:
        """One replication's outcome row (``new_outcome``)."""
        A, W, E, S = self.assets, self.waves, self.effectors, self.sensors
        return float(17 * A + 16 * W + 24 * E + 8 * W * E + 4 * S + 30
                     + 4 * (3 * W + E) * self.bins)

    @property
    def recording_bytes(self) -> float:
        """The buffers of one recorded replication (``engine/record.py``)."""
        N = self.drones
        events = 16 * N + 64
        positions = (int(self.duration_s // POS_EVERY_S) + 2) * (self.assets + min(N, 64))
        return float(B_RECORD_ROW * (events + positions))

    @property
    def entities_per_step(self) -> float:
        """The entity-visits of one step, at most."""
        N = self.drones
        return float(STEP_OVERHEAD + N * (1 + self.sensors + self.effectors) + self.turns
                     + self.channels_total)

    @property
    def replication_work(self) -> float:
        """Entity-steps of one replication."""
        return (self.steps + 1) * self.entities_per_step + self.drones * self.sensors


def run_size(scenario: Scenario, catalogue: Catalogue | None = None) -> RunSize:
    """The sizes of ``scenario`` (validated), as the compiler will make them."""
    cat = catalogue or default_catalogue()
    eq = resolve_equipment(scenario, cat)
    counts = [r.count for r in scenario.raids]
    if scenario.leak is not None:
        counts.append(scenario.leak.count)
    steps, bins = time_grid(scenario.duration_s, scenario.dt_s)
    # as compile_scenario: channels rounded down
    channels = [math.floor(e.get("channels")) for e in eq.effectors]
    turns = sum(math.ceil(scenario.dt_s / s.params["scan_s"]) for s in eq.sensors)
    turns += math.ceil(scenario.dt_s / scenario.c2.cycle_s)
    moving = scenario.assets.moving
    return RunSize(
        drones=sum(counts), waves=len(counts),
        assets=len(moving) + len(scenario.assets.fixed), moving=len(moving),
        waypoints=max([len(m.waypoints) for m in moving], default=1),
        profile=max([len(r.launch.times_s or [0]) for r in scenario.raids], default=1) + 1,
        route=max([len(r.route) for r in scenario.raids], default=0) or 1,
        sensors=len(eq.sensors), effectors=len(eq.effectors),
        channels=max(channels, default=0), channels_total=sum(channels),
        steps=steps, bins=bins, turns=turns, duration_s=float(scenario.duration_s),
        dt_s=float(scenario.dt_s), greedy=scenario.c2.policy == "greedy",
        logistics=sum(len(e.deliveries) for e in eq.effectors)
        + sum(len(e.role) + 1 if isinstance(e.role, list) else 1 for e in scenario.effectors)
        + len(scenario.c2.engagement_zones) * max(len(eq.effectors), 1),
        tracks=scenario.c2.information == "tracks",
        bridge=scenario.c2.intent == "bridge",
        false_alarms=max([fa_cap(s.get("false_alarms_per_scan")) for s in eq.sensors],
                         default=0),
        terrain_nodes=_terrain_nodes(scenario))


def _terrain_nodes(scenario: Scenario) -> int:
    """Nodes of the scenario's terrain grid (0 without terrain)."""
    from skyshield.scenario.ground import terrain_grid

    grid = terrain_grid(scenario)
    return 0 if grid is None else grid.shape[0] * grid.shape[1]


@dataclass(frozen=True)
class Estimate:
    """The peak memory (bytes) and work (entity-steps) of a request, with what they are made
    of (for the message)."""

    memory: float
    work: float
    memory_detail: str
    work_detail: str


def estimate(size: RunSize, replications: int, *, threads: int = 1, processes: int = 1,
             record: int = 0, batch: int = 0) -> Estimate:
    """Memory and work of ``replications`` replications (and ``record`` recordings) of one
    scenario, ``threads`` replications at a time over ``processes`` processes.

    A process pool's workers each hold the parameters and one batch (``batch``
    replications) of outcome; the parent holds every replication's outcome twice
    (:func:`skyshield.simulate`).
    """
    R = max(int(replications), 0)
    rec = max(int(record), 0)
    concurrent = max(1, min(threads, max(R, 1)))
    state = size.state_bytes * concurrent
    params = size.params_bytes * (1 + (processes if processes > 1 else 0))
    pool = (processes if processes > 1 else 0) * min(batch, R) * size.outcome_bytes
    outcome = 2 * R * size.outcome_bytes
    recs = (rec + 1) * size.recording_bytes if rec else 0.0
    memory = state + params + pool + outcome + recs
    parts = [f"replication state {format_bytes(size.state_bytes)} × {concurrent} at once",
             f"outcome {format_bytes(size.outcome_bytes)} × {R:,} replications × 2"]
    if recs:
        parts.append(f"recording buffers {format_bytes(size.recording_bytes)} × {rec + 1}")
    work = (R + rec) * size.replication_work
    runs = f"({R:,} replications + {rec:,} recorded)" if rec else f"{R:,} replications"
    work_detail = (f"{runs} × {size.steps + 1:,} steps × {size.entities_per_step:,.0f} "
                   f"entities a step")
    return Estimate(memory, work, ", ".join(parts), work_detail)


def _threads() -> int:
    import numba

    return int(numba.get_num_threads())


def _fits(est: Estimate) -> bool:
    return est.memory <= memory_limit() and est.work <= work_limit()


def _scenario_field(size: RunSize, memory: bool) -> str:
    """The scenario field that makes one replication too large."""
    if not memory:
        if size.steps > _MANY_STEPS:
            return "dt_s" if size.dt_s < 1.0 else "duration_s"
        return "raids"
    N = max(size.drones, 1)
    pair = B_DRONE_EFFECTOR + (0 if size.greedy else B_WTA)
    terms = {"raids": float(B_DRONE * N + 16 * N),
             "sensors": float(B_DRONE_SENSOR * N * size.sensors),
             "effectors": float(pair * N * size.effectors
                                + B_CHANNEL * size.effectors * size.channels),
             "duration_s": size.recording_bytes + 2 * size.outcome_bytes}
    return max(terms, key=lambda k: terms[k])


def check_run(
    scenario: Scenario,
    replications: int,
    *,
    workers: int = 1,
    record: int = 0,
    batch: int = 0,
    file: str | None = None,
    replications_field: str = "--replications",
) -> Estimate:
    """Refuse a Monte Carlo run that cannot fit (see the module notes); return its estimate.

    Parameters
    ----------
    scenario
        The scenario (validated).
    replications, workers, record
        As for :func:`skyshield.simulate`.
    batch
        Replications per batch of a worker process (``skyshield.montecarlo.BATCH``).
    file
        The scenario's file, named in the message with the line of the field at fault.
    replications_field
        The option that sets the replications.

    Raises
    ------
    InputError
        Naming what is too large: the option (``--replications``, ``--record``) when fewer
        would fit, else the scenario's field (its drones, sensors, effectors, time grid).
    """
    size = run_size(scenario)
    threads = workers if workers > 1 else _threads()

    def est_of(R: int, rec: int) -> Estimate:
        return estimate(size, R, threads=threads, processes=workers, record=rec, batch=batch)

    est = est_of(replications, record)
    if _fits(est):
        return est
    field: str
    where: str | None = "<argument>"
    line: int | None = None
    if not _fits(est_of(1, min(record, 1))):
        # one replication is already too large: the scenario is at fault
        field = _scenario_field(size, memory=est.memory > memory_limit())
        where = file
        if file is not None:
            from skyshield.scenario.yaml_lines import field_line

            line = field_line(file, field)
    elif record and _fits(est_of(replications, 0)):
        field = "--record"
    else:
        field = replications_field
    check("the run", memory=est.memory, memory_detail=est.memory_detail, work=est.work,
          work_detail=est.work_detail, file=where, line=line, field=field)
    return est  # pragma: no cover - check raised


def check_runs(
    scenarios: Sequence[Scenario],
    replications: int,
    *,
    workers: int | None = None,
    what: str = "the sweep",
    replications_file: str | None = "<argument>",
    replications_field: str = "--replications",
    runs_file: str | None = "<argument>",
    runs_field: str | None = "--vary",
) -> None:
    """Refuse many runs (a sweep, a faults analysis) whose total work, or whose largest run's
    memory times the runs at once, cannot fit.

    ``workers`` runs go at once (default: the CPU count, or the runs if fewer), each with its
    share of the CPUs as threads. The field named is ``replications_field`` of
    ``replications_file`` when one replication per run would fit, else ``runs_field`` of
    ``runs_file`` (the runs themselves are too large or too many).
    """
    import os

    if not scenarios:
        return
    cpus = max(1, os.cpu_count() or 1)
    n = max(1, min(workers or cpus, len(scenarios)))
    threads = max(1, cpus // n)
    sizes = [run_size(s) for s in scenarios]

    def total(R: int) -> Estimate:
        ests = [estimate(sz, R, threads=threads) for sz in sizes]
        big = max(ests, key=lambda e: e.memory)
        return Estimate(big.memory * n, sum(e.work for e in ests),
                        f"{n} run{'s' if n > 1 else ''} at once, the largest "
                        f"{format_bytes(big.memory)}: "
                        f"{big.memory_detail}",
                        f"{len(ests):,} run{'s' if len(ests) > 1 else ''} of {R:,} "
                        f"replications, the largest "
                        f"{max(e.work for e in ests):.2g}")

    est = total(replications)
    if _fits(est):
        return
    where, field = (replications_file, replications_field) if _fits(total(1)) else \
        (runs_file, runs_field)
    check(what, memory=est.memory, memory_detail=est.memory_detail, work=est.work,
          work_detail=est.work_detail, file=where, field=field)
