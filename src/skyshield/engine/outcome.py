"""The engine's result types: :class:`BatchOutcome` (many replications) and :class:`Recording`
(one replication's event log and positions)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class BatchOutcome:
    """Outcome arrays of R replications (first axis), A assets (moving first), W waves, E
    effectors, S sensors, B 60-s bins. Invariant: launched = killed + leaked + expired per
    wave and rep.

    Attributes
    ----------
    asset_lost : (R, A) bool
    asset_loss_time_s : (R, A) float64, s; NaN if not lost
    asset_hits : (R, A) int32 — leakers that reached the asset within lethal reach
    wave_launched, wave_killed, wave_leaked, wave_expired : (R, W) int32
        killed includes EW defeats; expired = endurance exhausted, target lost, or still in
        the air at the end.
    eff_shots, eff_kills : (R, E) int32 — shots (bursts for guns; 0 for a jammer), kills
        (defeats for a jammer)
    defence_cost, attack_cost : (R,) float64, USD
    friendly_fire : (R,) int32 — engagements of own aircraft
    vip_lost_ff : (R,) bool — asset 0 lost to friendly fire
    leak : (R,) bool — the flight plan leaked in this replication
    wave_launched_t, wave_killed_t, wave_leaked_t : (R, W, B) int32
    eff_shots_t : (R, E, B) int32
    min_magazine : (R, E) int32 — the lowest magazine level reached (never negative)
    drone_steps : (R,) int64 — drone-steps simulated (drones in the air after each move
        phase, summed over steps): the work done, for benchmarks
    eff_dry_s : (R, E) float64, s — the first time the effector held no round at all
        (magazine and stock empty, no reload under way: "Winchester"); NaN if never (and
        for a jammer)
    eff_left : (R, E) int32 — rounds held at the end, magazine + stock (-1: an unlimited
        stock; 0 for a jammer)
    asset_cause : (R, A) int32 — the cause of the asset's loss: the wave index ``w ≥ 0`` of
        the drone whose hit destroyed it, ``CAUSE_FRIENDLY_FIRE`` (−2) when an own effector
        downed it, ``CAUSE_NONE`` (−1) when it was not lost (:mod:`skyshield.contract`)
    wave_eff_kills : (R, W, E) int32 — kills by the killed drone's wave and the effector
        credited (EW defeats count as the jammer's); summed over E it is ``wave_killed``
    wave_eff_shots : (R, W, E) int32 — rounds by the engaged drone's wave and the effector;
        friendly-fire rounds have no wave and are not counted (summed over W it is
        ``eff_shots`` less the effector's friendly-fire rounds)
    sen_tracked : (R, S) int32 — the drones on which sensor ``s`` held an M-of-N track (§4.5)
        at some time in the replication, each drone counted once per sensor, under either
        ``c2.information``; ÷ the drones launched it is the sensor's P(detect)
    """

    asset_lost: np.ndarray
    asset_loss_time_s: np.ndarray
    asset_hits: np.ndarray
    wave_launched: np.ndarray
    wave_killed: np.ndarray
    wave_leaked: np.ndarray
    wave_expired: np.ndarray
    eff_shots: np.ndarray
    eff_kills: np.ndarray
    defence_cost: np.ndarray
    attack_cost: np.ndarray
    friendly_fire: np.ndarray
    vip_lost_ff: np.ndarray
    leak: np.ndarray
    wave_launched_t: np.ndarray
    wave_killed_t: np.ndarray
    wave_leaked_t: np.ndarray
    eff_shots_t: np.ndarray
    min_magazine: np.ndarray
    drone_steps: np.ndarray
    eff_dry_s: np.ndarray
    eff_left: np.ndarray
    asset_cause: np.ndarray
    wave_eff_kills: np.ndarray
    wave_eff_shots: np.ndarray
    sen_tracked: np.ndarray

    def row(self, r: int) -> BatchOutcome:
        """Replication ``r`` alone, as a batch of one."""
        return BatchOutcome(**{k: v[r: r + 1] for k, v in self.__dict__.items()})


@dataclass(frozen=True)
class Recording:
    """One replication's event log and positions (columns as in ``docs/architecture.md``).

    Attributes
    ----------
    events
        ``t_s`` float64, ``kind`` str (launch, track, track_lost, shot, kill, miss, jammed, leak,
        hit, expire, friendly_fire, asset_lost), ``drone`` int32 (-1: none), ``wave``,
        ``effector``, ``asset`` int32 indices into the compiled scenario's names (-1: none),
        ``x``, ``y`` float64 metres.
    positions
        Every 5 s: ``t_s`` float64, ``entity`` str (drone, asset), ``id`` int32, ``x``, ``y``,
        ``z`` float64 metres, ``state`` str (flying, tracked, dead).
    outcome
        The replication's outcome (a batch of one), identical to its row of ``run_batch``.
    """

    rep: int
    events: dict[str, np.ndarray]
    positions: dict[str, np.ndarray]
    outcome: BatchOutcome = field(repr=False)
