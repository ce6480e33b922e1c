"""The equipment domain, declared once: every parameter of every threat, sensor and effector.

One table per section (:data:`THREATS`, :data:`SENSORS`, :data:`EFFECTORS`), one row
(:class:`Param`) per parameter: name, type, unit, default, the kinds it applies to and what it
means (in the manner of PyPSA's component attribute tables). The rows drive

- the catalogue (:mod:`~skyshield.scenario.catalogue`): a class gives the parameters of its
  kind and no other; defaults fill what it leaves out;
- validation (:mod:`~skyshield.scenario.consistency`): a scenario's ``params`` override may
  name only a parameter of the equipment's kind, within the row's bounds;
- :func:`~skyshield.scenario.equipment.resolve_equipment`, the one merge of catalogue and
  overrides that the compiler, the map (``layout.json``), the planner's hazard model and the
  faults analysis all read;
- the generated tables of ``docs/catalogue.md`` (``python -m skyshield.scenario.docgen``).

Kinds are named (:data:`SensorKind`, :data:`EffectorKind`); their integer codes, which the
kernel reads and ``layout.json`` writes, are part of the output contract
(:data:`skyshield.contract.SENSOR_CODES`, :data:`~skyshield.contract.EFFECTOR_CODES`). The meaning of
every parameter in the simulation is specified in ``docs/model.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, get_args

SensorKind = Literal["radar", "acoustic", "eo_ir"]
EffectorKind = Literal["missile", "gun", "jammer", "interceptor_drone"]
Section = Literal["threats", "sensors", "effectors"]
#: ``real``: a number ≥ 0; ``count``: a whole number of things — a fraction is accepted and
#: made whole by the compiler (``magazine`` and ``channels`` rounded down; ``track_m``,
#: ``track_n`` and ``drop_misses`` rounded half to even, then at least 1: ``docs/model.md``
#: §1); ``flag``: 0 or 1; ``probability``: in [0, 1].
ParamType = Literal["real", "count", "flag", "probability"]

#: The shortest time step, sensor scan interval and C2 decision cycle, seconds: nothing the
#: model represents cycles faster, and a shorter one only multiplies the work of every step (a
#: sensor or the C2 catches up with the clock one interval at a time, ``docs/model.md`` §4.5).
MIN_STEP_S = 1e-3
#: The longest m-of-n track window, scans (the kernel keeps the history in a bit word).
MAX_TRACK_N = 30

SENSOR_KINDS: tuple[SensorKind, ...] = get_args(SensorKind)
EFFECTOR_KINDS: tuple[EffectorKind, ...] = get_args(EffectorKind)
#: What each kind is, for the documentation.
KIND_MEANINGS: dict[str, str] = {
    "radar": "radar: Pd falls with range, R50 scaled by the target's RCS^(1/4)",
    "acoustic": "acoustic net: a disc of constant Pd per scan, scaled by the acoustic signature",
    "eo_ir": "EO/IR turret: Pd falls with range, no RCS scaling",
    "missile": "missile: a salvo resolves after the fly-out",
    "gun": "gun: bursts at its shot interval while the target is in reach",
    "jammer": "jammer: area defeat at a rate per second, no shots, no channels",
    "interceptor_drone": "interceptor drone: flies out like a missile, one use per shot",
}


@dataclass(frozen=True)
class Param:
    """One parameter of a section: its row in the domain table.

    Attributes
    ----------
    name
        The key in ``catalogue.yaml`` and in a scenario's ``params`` override.
    type
        :data:`ParamType`.
    unit
        Unit (``"1"`` dimensionless).
    default
        Value for a class of an applicable kind that leaves it out; ``None``: every such
        class must give it.
    kinds
        The kinds it applies to (a threat has no kind: ``()``).
    description
        Its meaning, one line.
    positive
        The kinds for which it must be strictly positive (else ≥ 0); ``("*",)``: always.
    minimum, maximum
        Bounds of a value that is given (``None``: none beyond ≥ 0 and
        :data:`~skyshield.scenario.schema.MAX_MAGNITUDE`).
    """

    name: str
    type: ParamType
    unit: str
    default: float | None
    kinds: tuple[str, ...]
    description: str
    positive: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Table:
    """The parameters of one section, in documentation order."""

    section: Section
    kinds: tuple[str, ...]
    params: tuple[Param, ...]

    def __getitem__(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(p.name == name for p in self.params)

    def of_kind(self, kind: str | None) -> tuple[Param, ...]:
        """The parameters that apply to ``kind`` (every one for a section without kinds)."""
        if not self.kinds:
            return self.params
        return tuple(p for p in self.params if kind in p.kinds)

    def names(self, kind: str | None) -> tuple[str, ...]:
        return tuple(p.name for p in self.of_kind(kind))


_S, _E = SENSOR_KINDS, EFFECTOR_KINDS
_SHOOTERS = ("missile", "gun", "interceptor_drone")

THREATS = Table("threats", (), (
    Param("speed_mps", "real", "m/s", None, (), "cruise speed", positive=("*",)),
    Param("altitude_m", "real", "m", None, (), "cruise height above ground", positive=("*",)),
    Param("rcs_m2", "real", "m²", None, (), "radar cross-section", positive=("*",)),
    Param("acoustic", "real", "1", None, (),
          "acoustic signature relative to a piston OWA drone (= 1)"),
    Param("lethal_radius_m", "real", "m", None, (),
          "radius within which an impact can destroy a site"),
    Param("warhead", "flag", "0/1", None, (), "1 = armed, 0 = decoy (no damage)"),
    Param("can_attack_air", "flag", "0/1", None, (),
          "1 = can hunt an aircraft (ambush, leak surge)"),
    Param("seeker_range_m", "real", "m", None, (),
          "range at which an air-capable threat acquires an aircraft"),
    Param("endurance_s", "real", "s", None, (), "flight time before the drone falls (expires)",
          positive=("*",)),
    Param("cost_usd", "real", "US$", None, (), "unit cost"),
    Param("climb_mps", "real", "m/s", None, (),
          "fastest climb or dive while following the terrain (over terrain only)",
          positive=("*",)),
    Param("feint_fraction", "real", "1", 0.0, (),
          "share of the straight flight time to a feint site after which a strike drone "
          "turns for its real target (0: no feint; below 1)", maximum=0.999),
))  # fmt: skip

SENSORS = Table("sensors", _S, (
    Param("r50_m", "real", "m", None, ("radar", "eo_ir"),
          "range of 50 % single-scan detection (radar: on a target of rcs_ref_m2)"),
    Param("rcs_ref_m2", "real", "m²", None, ("radar",), "reference cross-section for r50_m",
          positive=("radar",)),
    Param("slope", "real", "1", 4.0, ("radar", "eo_ir"),
          "steepness of the single-scan detection probability against range"),
    Param("net_radius_m", "real", "m", None, ("acoustic",),
          "radius of the disc covered by the acoustic net (coverage: the smaller of this "
          "and max_range_m)"),
    Param("pd_scan", "probability", "1", None, ("acoustic",),
          "P(detect) per scan in coverage, for acoustic signature 1"),
    Param("max_range_m", "real", "m", None, _S, "instrumented range", positive=_S),
    Param("scan_s", "real", "s", 1.0, _S, "time between scans", positive=_S,
          minimum=MIN_STEP_S),
    Param("min_altitude_m", "real", "m", 0.0, _S, "targets below this height are not seen"),
    Param("track_m", "count", "scans", 1.0, _S, "detections needed ... (m of n track "
          "initiation)", maximum=MAX_TRACK_N),
    Param("track_n", "count", "scans", 1.0, _S, "... within this many scans to start a track",
          maximum=MAX_TRACK_N),
    Param("drop_misses", "count", "scans", 1.0, _S, "consecutive missed scans that drop a "
          "track", maximum=1000.0),
    Param("latency_s", "real", "s", 0.0, _S, "delay from detection to a track reported to C2"),
    Param("sigma_range_m", "real", "m", 10.0, _S, "measurement noise under information: "
          "tracks, standard deviation: range (acoustic: position, per axis)"),
    Param("sigma_bearing_deg", "real", "deg", 1.0, ("radar", "eo_ir"),
          "... and bearing", positive=("radar", "eo_ir"), maximum=30.0),
    Param("false_alarms_per_scan", "real", "1", 0.0, _S, "mean number of false alarms per "
          "scan, uniform in the coverage disc (information: tracks)", maximum=1000.0),
    Param("resolution_m", "real", "m", 0.0, _S, "two drones closer than this give one "
          "detection (information: tracks)"),
    Param("p_missed_kill", "probability", "1", 0.0, _S,
          "P(a kill it sees is judged a miss): kill assessment under information: tracks"),
    Param("p_false_kill", "probability", "1", 0.0, _S,
          "P(a miss it sees is judged a kill)"),
    Param("cost_usd", "real", "US$", None, _S, "unit cost (not used by the simulation)"),
))  # fmt: skip

EFFECTORS = Table("effectors", _E, (
    Param("min_range_m", "real", "m", 0.0, _E, "no engagement closer than this"),
    Param("max_range_m", "real", "m", None, _E, "engagement range (jammer: radius of effect)",
          positive=_E),
    Param("max_altitude_m", "real", "m", None, _E, "no engagement above this height"),
    Param("projectile_speed_mps", "real", "m/s", None, _E,
          "average speed of the missile, shell or interceptor to the intercept point",
          positive=_SHOOTERS),
    Param("magazine", "count", "shots", None, _E, "ready shots (gun: bursts) before a reload",
          maximum=1_000_000.0),
    Param("reload_s", "real", "s", 0.0, _E, "time to reload the magazine (0: no reload)"),
    Param("stock", "count", "shots", 0.0, _SHOOTERS,
          "rounds held beyond the magazine, drawn on by reloads (set per effector with "
          "its `stock` field; `null` there: unlimited)", maximum=1_000_000.0),
    Param("channels", "count", "targets", None, _E, "simultaneous engagements",
          maximum=10_000.0),
    Param("reaction_s", "real", "s", None, _E, "from target assignment to the first shot"),
    Param("shot_interval_s", "real", "s", None, _E, "between shots of one channel"),
    Param("cost_per_shot_usd", "real", "US$", None, _E, "cost of one shot (gun: one burst)"),
    Param("basket_m", "real", "m", 150.0, _SHOOTERS, "acquisition basket: under information: "
          "tracks a shot can kill only a drone this close to the track estimate it is aimed at",
          positive=_SHOOTERS),
))  # fmt: skip

TABLES: dict[Section, Table] = {"threats": THREATS, "sensors": SENSORS, "effectors": EFFECTORS}

#: Pairs that must be ordered, ``(lower, upper, message)``, checked on the merged values.
ORDERED: dict[Section, tuple[tuple[str, str, str], ...]] = {
    "threats": (),
    "sensors": (("track_m", "track_n", "track_m must not exceed track_n"),),
    "effectors": (("min_range_m", "max_range_m", "min_range_m is above max_range_m"),),
}

#: The per-threat-class mapping of an effector (not a scalar parameter).
PK = Param("pk", "probability", "1 (jammer: 1/s)", None, _E,
           "kill probability per shot by threat class; jammer: defeat rate per second of "
           "exposure")


def must_be_positive(p: Param, kind: str | None) -> bool:
    """Whether ``p`` must be strictly positive for equipment of ``kind``."""
    return "*" in p.positive or (kind is not None and kind in p.positive)


def format_number(x: float) -> str:
    """``1000000`` → ``'1,000,000'``, ``0.001`` → ``'0.001'``."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:g}"


def problem(p: Param, value: float, kind: str | None) -> str | None:
    """What is wrong with ``value`` for parameter ``p`` of a ``kind`` (``None``: nothing)."""
    if not math.isfinite(value) or value < 0.0:
        return "parameter must be a finite, non-negative number"
    if value == 0.0 and must_be_positive(p, kind):
        return f"{p.name} must be positive"
    if p.minimum is not None and value < p.minimum:
        return f"{p.name} must be at least {format_number(p.minimum)} (got {value:g})"
    if p.maximum is not None and value > p.maximum:
        return f"{p.name} must be at most {format_number(p.maximum)} (got {value:g})"
    if p.type == "probability" and value > 1.0:
        return f"{p.name} is a probability, at most 1"
    if p.type == "flag" and value not in (0.0, 1.0):
        return f"{p.name} is 0 or 1"
    return None
