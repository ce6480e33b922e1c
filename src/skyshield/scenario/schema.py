"""The scenario schema: frozen, typed, unknown keys rejected, units in every field name.

Units: metres (``_m``), seconds (``_s``), metres per second (``_mps``), square metres
(``_m2``), US dollars (``_usd``), probabilities in [0, 1]. Positions are ``[east_m, north_m]``
in the scenario's local east-north-up frame, or ``{lat, lon}`` in degrees (converted about the
scenario ``origin``). Altitudes are above ground level.

The meaning of every field in the simulation is specified in ``docs/model.md``; the equipment
classes and their sourced defaults are in ``skyshield/data/catalogue.yaml`` and
``docs/catalogue.md``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Prob = Annotated[float, Field(ge=0.0, le=1.0)]
PosFloat = Annotated[float, Field(gt=0.0)]
NonNegFloat = Annotated[float, Field(ge=0.0)]


class Model(BaseModel):
    """Base of every scenario model: immutable, strict about unknown keys."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", validate_default=True, allow_inf_nan=False
    )


class LatLon(Model):
    lat: Annotated[float, Field(ge=-90.0, le=90.0)]
    lon: Annotated[float, Field(ge=-180.0, le=180.0)]


#: A position: ``[east_m, north_m]`` or ``{lat, lon}``.
Point = tuple[float, float] | LatLon


class Area(Model):
    """The map: a rectangle in local metres. Every position must lie inside it."""

    west_m: float
    east_m: float
    south_m: float
    north_m: float

    @model_validator(mode="after")
    def _ordered(self) -> Area:
        if self.east_m <= self.west_m:
            raise ValueError("east_m must be greater than west_m")
        if self.north_m <= self.south_m:
            raise ValueError("north_m must be greater than south_m")
        return self


class Circle(Model):
    center: Point
    radius_m: PosFloat


# --------------------------------------------------------------------------- assets


class FixedSite(Model):
    """A fixed protected site (town, residence, substation...)."""

    name: Annotated[str, Field(min_length=1)]
    position: Point
    value: PosFloat
    radius_m: NonNegFloat = 50.0
    #: P(site destroyed | a leaker of this threat class impacts within lethal reach).
    vulnerability: dict[str, Prob] = Field(default_factory=dict)


class Waypoint(Model):
    position: Point
    #: Time at this waypoint, seconds after scenario start. If omitted, derived from speed.
    t_s: NonNegFloat | None = None


class MovingAsset(Model):
    """A moving protected asset (the VIP helicopter): a flight plan flown at constant height."""

    name: Annotated[str, Field(min_length=1)]
    value: PosFloat
    waypoints: list[Waypoint]
    speed_mps: PosFloat = 60.0
    departure_s: NonNegFloat = 0.0
    altitude_m: PosFloat = 150.0
    #: Radar cross-section, for the friendly-fire model.
    rcs_m2: PosFloat = 10.0
    #: P(lost | hit by a threat of this class). Only classes with ``can_attack_air`` matter.
    vulnerability: dict[str, Prob] = Field(default_factory=dict)

    @field_validator("waypoints")
    @classmethod
    def _two_points(cls, v: list[Waypoint]) -> list[Waypoint]:
        if len(v) < 2:
            raise ValueError("a flight plan needs at least two waypoints")
        return v


class Assets(Model):
    fixed: list[FixedSite] = Field(default_factory=list)
    moving: list[MovingAsset] = Field(default_factory=list)


# --------------------------------------------------------------------------- threats


class LaunchProfile(Model):
    """Launch-time intensity: piecewise constant, relative rates at breakpoints.

    Launch times of a wave are i.i.d. draws from the density proportional to ``rates``
    on ``[times_s[k], times_s[k+1])``, the last segment ending at ``end_s``.
    """

    start_s: NonNegFloat = 0.0
    end_s: PosFloat
    times_s: list[NonNegFloat] | None = None
    rates: list[NonNegFloat] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> LaunchProfile:
        if self.end_s <= self.start_s:
            raise ValueError("end_s must be after start_s")
        if (self.times_s is None) != (self.rates is None):
            raise ValueError("times_s and rates go together")
        if self.times_s is not None and self.rates is not None:
            if len(self.times_s) != len(self.rates) or not self.times_s:
                raise ValueError("times_s and rates must have the same, non-zero length")
            if any(b <= a for a, b in zip(self.times_s, self.times_s[1:], strict=False)):
                raise ValueError("times_s must be strictly increasing")
            if self.times_s[0] != self.start_s:
                raise ValueError("times_s must begin at start_s")
            if self.times_s[-1] >= self.end_s:
                raise ValueError("times_s must end before end_s")
            if sum(self.rates) <= 0:
                raise ValueError("at least one rate must be positive")
        return self


class Targeting(Model):
    """Which assets the wave aims at: relative weights by asset name."""

    weights: dict[str, NonNegFloat]
    #: Standard deviation of the aim point about the asset, per axis (fixed sites only).
    scatter_m: NonNegFloat = 0.0
    #: ``strike``: fly to the aim point. ``ambush``: wait (loiter) at the launch point until an
    #: air target is within seeker range, then pursue (air-capable classes only).
    mode: Literal["strike", "ambush"] = "strike"

    @field_validator("weights")
    @classmethod
    def _some_weight(cls, v: dict[str, float]) -> dict[str, float]:
        if not v or sum(v.values()) <= 0:
            raise ValueError("targeting needs at least one positive weight")
        return v


class Raid(Model):
    """One wave of drones of one class."""

    name: Annotated[str, Field(min_length=1)]
    threat: str  # a threat class of the catalogue
    count: Annotated[int, Field(ge=1)]
    launch_area: Circle
    launch: LaunchProfile
    targeting: Targeting
    #: Intermediate route points flown in order between launch and target.
    route: list[Point] = Field(default_factory=list)
    speed_mps: PosFloat | None = None  # default: the class's
    altitude_m: PosFloat | None = None  # default: the class's
    rcs_m2: PosFloat | None = None  # default: the class's


class Leak(Model):
    """With probability ``probability`` the adversary learns the VIP flight plan and sends a
    surge to ambush it (rule in ``docs/model.md``)."""

    probability: Prob
    asset: str | None = None  # the moving asset whose plan leaks (default: the first)
    threat: str
    count: Annotated[int, Field(ge=1)]
    launch_area: Circle
    #: The surge is in position this long before the asset passes the ambush point.
    lead_s: NonNegFloat = 120.0
    #: Radius about the ambush point over which the surge spreads.
    spread_m: NonNegFloat = 300.0


# --------------------------------------------------------------------------- defence


class Sensor(Model):
    name: Annotated[str, Field(min_length=1)]
    type: str  # a sensor class of the catalogue
    position: Point | None = None  # required unless mount == "escort"
    mount: Literal["fixed", "escort"] = "fixed"
    mast_m: NonNegFloat = 10.0
    #: Overrides of the catalogue parameters of this sensor class.
    params: dict[str, float] = Field(default_factory=dict)


class Effector(Model):
    name: Annotated[str, Field(min_length=1)]
    type: str  # an effector class of the catalogue
    position: Point | None = None  # required unless mount == "escort"
    mount: Literal["fixed", "escort"] = "fixed"
    #: Overrides of the scalar catalogue parameters of this effector class.
    params: dict[str, float] = Field(default_factory=dict)
    #: Overrides of the per-threat-class kill probabilities (or jammer defeat rates).
    pk: dict[str, Prob] = Field(default_factory=dict)


class C2(Model):
    """Command and control."""

    cycle_s: PosFloat = 2.0
    policy: Literal["greedy", "local", "exact"] = "greedy"
    #: Time budget per decision cycle for the ``local`` and ``exact`` policies.
    policy_time_s: PosFloat = 0.01
    doctrine: Literal["shoot-look-shoot", "salvo"] = "shoot-look-shoot"
    salvo_size: Annotated[int, Field(ge=1, le=4)] = 2
    #: Weight of the escort mission (moving assets) against area defence (fixed sites).
    escort_priority: Prob = 0.5
    #: No engagement of a threat closer than this to an own aircraft.
    weapons_tight_radius_m: NonNegFloat = 300.0
    #: P(an effector that holds the own aircraft in its envelope in a weapons-free zone
    #: misidentifies it as hostile), per decision cycle.
    p_misidentification: Prob = 0.0
    weapons_free_zones: list[Circle] = Field(default_factory=list)


class Scenario(Model):
    """A complete scenario: map, protected assets, raids, defence, command and control."""

    name: Annotated[str, Field(min_length=1)]
    description: str = ""
    origin: LatLon | None = None
    area: Area
    duration_s: PosFloat
    dt_s: Annotated[float, Field(gt=0.0, le=10.0)] = 1.0
    assets: Assets
    raids: list[Raid]
    leak: Leak | None = None
    sensors: list[Sensor] = Field(default_factory=list)
    effectors: list[Effector] = Field(default_factory=list)
    c2: C2 = Field(default_factory=C2)

    @field_validator("raids")
    @classmethod
    def _some_raid(cls, v: list[Raid]) -> list[Raid]:
        if not v:
            raise ValueError("a scenario needs at least one raid")
        return v
