"""The planning file: what the planner needs beyond the scenario, with defaults from it.

Everything is optional. ``skyshield plan SCENARIO --plan-spec FILE`` reads a YAML mapping of
:class:`PlanSpec` fields; without it the defaults below are derived from the scenario (origin
and destination = first and last waypoint of the VIP's filed flight plan, the corridor around
that plan, departure window, endurance = 1.5 × the direct flight time, adversary = the
scenario's ``leak`` surge). Units as in the field names; positions as in the scenario.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator, model_validator

from skyshield.errors import InputError, field_path
from skyshield.scenario.schema import (
    MAX_RAID_COUNT,
    Circle,
    Float,
    Int,
    Model,
    NonNegFloat,
    Point,
    PosFloat,
    Prob,
)


class AdversaryType(Model):
    """One kind of ambusher: where it launches from, what it flies, how many it has.

    Its options are ambushes: all ``count`` drones spread over a disc of ``spread_m`` about
    a point within reach of the launch area, holding for ``hold_s`` from a chosen time — or,
    with ``groups`` > 1, the drones split into equal groups, each an ambush of its own.
    """

    name: Annotated[str, Field(min_length=1)]
    #: Prior probability weight of this type (normalised over the types).
    prior: PosFloat = 1.0
    threat: str
    count: Annotated[Int, Field(ge=1, le=MAX_RAID_COUNT)]
    launch_area: Circle
    spread_m: NonNegFloat = 300.0
    #: Candidate ambush points (default: a lattice of ``spacing_m`` within reach and corridor).
    points: list[Point] | None = None
    #: Lattice spacing (default: the ambush reach × √2, so that the discs cover the map).
    spacing_m: PosFloat | None = None
    #: How long an ambush holds (default: the threat's endurance less the flight out).
    hold_s: PosFloat | None = None
    #: Step between the start times the adversary may choose.
    window_step_s: PosFloat = 300.0
    #: The drones may be split into up to this many equal groups, each its own ambush
    #: (point and start time) — a hedge against a randomised plan.
    groups: Annotated[Int, Field(ge=1, le=3)] = 1

    @field_validator("threat")
    @classmethod
    def _air_capable(cls, v: str) -> str:
        from skyshield.scenario import default_catalogue

        threats = default_catalogue().threats
        if v not in threats:
            raise ValueError(f"unknown threat class '{v}' (known: {', '.join(threats)})")
        if threats[v].params.get("can_attack_air", 0.0) <= 0.0:
            raise ValueError(f"threat class '{v}' cannot attack air targets, so cannot ambush")
        return v


class Posture(Model):
    """An escort posture: multipliers of the background hazard and of ambush damage (for the
    planner's hazard model), and the scenario changes that make the posture real (for the
    Monte Carlo check), e.g. ``{"c2.escort_priority": 0.8, "effectors[Door gun].params.magazine":
    200}`` — paths as in ``skyshield sweep --vary``."""

    name: Annotated[str, Field(min_length=1)]
    hazard_factor: NonNegFloat = 1.0
    ambush_factor: NonNegFloat = 1.0
    scenario: dict[str, float | int | str | bool] = Field(default_factory=dict)


class PlanSpec(Model):
    """Planning inputs not held by the scenario."""

    #: The moving asset to plan for (default: the first).
    asset: str | None = None
    origin: Point | None = None
    destination: Point | None = None
    #: Earliest and latest take-off, seconds after scenario start.
    departure_window_s: tuple[NonNegFloat, NonNegFloat] | None = None
    #: Allowed flight altitudes; the plan flies the asset's altitude clipped into the band.
    altitude_band_m: tuple[PosFloat, PosFloat] | None = None
    speed_mps: PosFloat | None = None
    #: Most time airborne (default ``endurance_factor`` × the direct flight time).
    endurance_s: PosFloat | None = None
    endurance_factor: Annotated[Float, Field(ge=1.0)] = 1.5
    #: Half-width of the air corridor about the filed flight plan (``null``: the whole map).
    corridor_m: PosFloat | None = 10000.0
    no_fly_zones: list[Circle] = Field(default_factory=list)
    #: Grid cell size (default: the map's longer side / ``max_cells``).
    cell_m: PosFloat | None = None
    max_cells: Annotated[Int, Field(ge=4, le=1000)] = 120
    #: Allow holding in the air.
    hover: bool = True
    #: P(the VIP is lost | a misidentified own weapon engages it) in weapons-free zones.
    friendly_fire_loss: Prob = 0.5
    #: Adversary types for the randomisation game (default: from the scenario's ``leak``).
    adversary_types: list[AdversaryType] | None = None
    postures: list[Posture] = Field(default_factory=lambda: [Posture(name="standard")])
    alternatives: Annotated[Int, Field(ge=0, le=20)] = 3
    #: Most plans the mixed strategy may use (a few concrete, briefable plans).
    max_plans: Annotated[Int, Field(ge=1, le=100)] = 6
    #: Alternatives must keep at least this far from earlier routes (outside the end discs).
    separation_m: PosFloat = 4000.0
    #: The design leak probability q.
    leak_probability: Prob = 0.0
    risk_threshold: Prob = 0.05
    #: Monte Carlo replications per verified plan (0: no verification).
    mc_replications: Annotated[Int, Field(ge=0)] = 100
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 0
    #: Column-generation iterations of the route-versus-ambush game (it stops earlier when
    #: the game is solved to a relative gap of 1e-4).
    max_iterations: Annotated[Int, Field(ge=0, le=100000)] = 2000
    #: Seconds the route-versus-ambush game may take before it stops, reporting its gap.
    game_time_limit_s: PosFloat = 300.0
    #: Routes taken from each pricing sweep (the optimum and the best to other arrivals).
    route_pool: Annotated[Int, Field(ge=1, le=100)] = 8
    #: Ticks between the take-offs of the routes taken from one sweep.
    route_pool_spread: Annotated[Int, Field(ge=0, le=1_000_000)] = 3

    @model_validator(mode="after")
    def _ordered(self) -> PlanSpec:
        if self.departure_window_s is not None:
            lo, hi = self.departure_window_s
            if hi < lo:
                raise ValueError("the departure window is empty (latest before earliest)")
        if self.altitude_band_m is not None and self.altitude_band_m[1] < self.altitude_band_m[0]:
            raise ValueError("the altitude band is empty (top below bottom)")
        names = [p.name for p in self.postures]
        if not names or len(set(names)) != len(names):
            raise ValueError("postures need distinct names, at least one")
        return self


def spec_from_dict(data: Any, file: str = "<plan spec>") -> PlanSpec:
    """Validate plain data into a :class:`PlanSpec`, raising :class:`InputError`."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("a plan spec must be a mapping", file=file, line=1)
    try:
        return PlanSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if isinstance(p, int) or "[" not in str(p))
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown key '{loc[-1]}'"
        raise InputError(msg, file=file, field=field_path(loc) or None) from None


def load_spec(path: str | Path) -> PlanSpec:
    """Read a plan spec YAML file (line numbers come from the scenario loader's parser)."""
    from skyshield.limits import decode_text, read_input
    from skyshield.scenario.yaml_lines import line_of_field, parse_yaml

    text = decode_text(read_input(path, "plan spec"), str(path))
    data, lines = parse_yaml(text, str(path))
    try:
        return spec_from_dict(data, str(path))
    except InputError as exc:
        raise InputError(exc.message, file=str(path), line=line_of_field(lines, exc.field),
                         field=exc.field) from None
