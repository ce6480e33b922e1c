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

import math
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from skyshield.scenario.domain import MIN_STEP_S


def _number_not_text(value: Any) -> Any:
    # pydantic's lax mode would read "3" or true as a number; in a scenario file that is
    # almost always a mistake (a unit typed into the value, a quoted number), so refuse it.
    if isinstance(value, (str, bool)):
        raise PydanticCustomError(
            "number_type", "expected a number, got {kind}",
            {"kind": "a boolean" if isinstance(value, bool) else "text"},
        )
    return value


#: The largest magnitude of any real number in a scenario: far above every length (m), time
#: (s), speed (m/s) or cost (US$) the model can mean, and small enough that no square or
#: product of two overflows, so a typo cannot become an infinity or a NaN inside the model.
MAX_MAGNITUDE = 1e12


def _real_number(value: Any) -> Any:
    value = _number_not_text(value)
    # an int is compared exactly (10**400 does not convert to a float); a float only when
    # finite (infinity and NaN get the "finite number" message of allow_inf_nan=False)
    big = abs(value) > MAX_MAGNITUDE if isinstance(value, int) else (
        isinstance(value, float) and math.isfinite(value) and abs(value) > MAX_MAGNITUDE)
    if big:
        raise PydanticCustomError(
            "number_too_large", f"expected a number of at most {MAX_MAGNITUDE:g} in magnitude")
    return value


#: A real number, at most :data:`MAX_MAGNITUDE` in magnitude; text and booleans are refused
#: (see ``_number_not_text``).
Float = Annotated[float, BeforeValidator(_real_number)]
#: An integer, at most :data:`MAX_MAGNITUDE` in magnitude; text and booleans are refused.
Int = Annotated[int, BeforeValidator(_real_number)]
Prob = Annotated[Float, Field(ge=0.0, le=1.0)]
PosFloat = Annotated[Float, Field(gt=0.0)]
NonNegFloat = Annotated[Float, Field(ge=0.0)]


class Model(BaseModel):
    """Base of every scenario model: immutable, strict about unknown keys.

    Field descriptions are the attribute docstrings, so that ``docs/scenario.md`` is generated
    from this file (``python -m skyshield.scenario.docgen``).
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", validate_default=True, allow_inf_nan=False,
        use_attribute_docstrings=True,
    )


class LatLon(Model):
    """A geographic position, WGS-84 degrees."""

    lat: Annotated[Float, Field(ge=-90.0, le=90.0)]
    """Latitude, degrees north."""
    lon: Annotated[Float, Field(ge=-180.0, le=180.0)]
    """Longitude, degrees east."""


#: Union branch tags of a position; they appear in pydantic error locations (the loader
#: removes them) and never collide with a key of the file, since they contain '<'.
POINT_XY = "<east_m, north_m>"
POINT_LATLON = "<lat, lon>"


def _point_branch(value: Any) -> str | None:
    # Choose the branch from the shape of the input, so that an error names what is wrong
    # with the form the user wrote rather than with the form they did not.
    if isinstance(value, (dict, LatLon)):
        return POINT_LATLON
    if isinstance(value, (list, tuple)):
        return POINT_XY
    return None


#: A position: ``[east_m, north_m]`` or ``{lat, lon}``.
Point = Annotated[
    Annotated[tuple[Float, Float], Tag(POINT_XY)] | Annotated[LatLon, Tag(POINT_LATLON)],
    Discriminator(
        _point_branch,
        custom_error_type="position_type",
        custom_error_message="a position is [east_m, north_m] or {lat: ..., lon: ...}",
    ),
]


class Area(Model):
    """The map: a rectangle in local metres. Every position must lie inside it."""

    west_m: Float
    """West edge, metres east of the origin."""
    east_m: Float
    """East edge, metres east of the origin; greater than ``west_m``."""
    south_m: Float
    """South edge, metres north of the origin."""
    north_m: Float
    """North edge, metres north of the origin; greater than ``south_m``."""

    @model_validator(mode="after")
    def _ordered(self) -> Area:
        if self.east_m <= self.west_m:
            raise ValueError("east_m must be greater than west_m")
        if self.north_m <= self.south_m:
            raise ValueError("north_m must be greater than south_m")
        return self


class Circle(Model):
    """A disc on the map."""

    center: Point
    """Centre: ``[east_m, north_m]`` or ``{lat, lon}``."""
    radius_m: PosFloat
    """Radius, metres."""


# --------------------------------------------------------------------------- assets


class FixedSite(Model):
    """A fixed protected site (town, residence, substation...)."""

    name: Annotated[str, Field(min_length=1)]
    """Unique asset name; raids aim at assets by this name."""
    position: Point
    """Centre of the site: ``[east_m, north_m]`` or ``{lat, lon}``."""
    value: PosFloat
    """Relative value of the site (any consistent unit), for value-weighted losses."""
    radius_m: NonNegFloat = 50.0
    """Radius of the site, metres: a leaker impacting within this radius plus its lethal
    radius can destroy it."""
    vulnerability: dict[str, Prob] = Field(default_factory=dict)
    """P(site destroyed | a leaker of this threat class impacts within lethal reach), by
    threat class; classes not listed do no damage."""


class Waypoint(Model):
    """One point of a flight plan."""

    position: Point
    """``[east_m, north_m]`` or ``{lat, lon}``."""
    t_s: NonNegFloat | None = None
    """Time at this waypoint, seconds after scenario start. If omitted, derived from speed."""
    ground_s: NonNegFloat = 0.0
    """Time on the ground at this waypoint, seconds (an intermediate waypoint: a landing and
    a take-off): not airborne, so not a target for air attack; later waypoint times derived
    from speed start at the take-off."""
    ground_vulnerability: dict[str, Prob] = Field(default_factory=dict)
    """P(lost | a strike drone of this class impacts within its lethal radius of the aircraft
    while it is on the ground here), by threat class (with ``ground_s``): strikes aimed at a
    fixed site at the landing point (an airstrip, a helipad) can destroy it there."""


class FlightLimits(Model):
    """What the route planner (``skyshield plan``) may change about a moving asset's flight.
    Every field is optional; a plan spec's fields override these."""

    departure_window_s: tuple[NonNegFloat, NonNegFloat] | None = None
    """Earliest and latest take-off, seconds after scenario start (default: from 0 to the
    last take-off that still lands before the scenario ends)."""
    altitude_band_m: tuple[PosFloat, PosFloat] | None = None
    """Allowed flight heights, metres; the plan flies the asset's height clipped into it."""
    endurance_s: PosFloat | None = None
    """Most time airborne, seconds (default: 1.5 × the direct flight time)."""
    corridor_m: PosFloat | None = None
    """Half-width of the air corridor about the filed flight plan, metres (default 10 km)."""
    no_fly_zones: list[Circle] = Field(default_factory=list)
    """Circles closed to the flight."""

    @model_validator(mode="after")
    def _ordered(self) -> FlightLimits:
        if self.departure_window_s is not None and \
                self.departure_window_s[1] < self.departure_window_s[0]:
            raise ValueError("the departure window is empty (latest before earliest)")
        if self.altitude_band_m is not None and self.altitude_band_m[1] < self.altitude_band_m[0]:
            raise ValueError("the altitude band is empty (top below bottom)")
        return self


class MovingAsset(Model):
    """A moving protected asset (the VIP helicopter): a flight plan flown at constant height."""

    name: Annotated[str, Field(min_length=1)]
    """Unique asset name; raids aim at assets by this name."""
    value: PosFloat
    """Relative value of the asset, in the same unit as the fixed sites' values."""
    waypoints: list[Waypoint]
    """The flight plan, at least two waypoints, flown in order."""
    speed_mps: PosFloat = 60.0
    """Ground speed, metres per second, where waypoint times do not fix it."""
    departure_s: NonNegFloat = 0.0
    """Take-off time, seconds after scenario start."""
    altitude_m: PosFloat = 150.0
    """Flight height above ground, metres."""
    vulnerability: dict[str, Prob] = Field(default_factory=dict)
    """P(lost | hit by a threat of this class), by threat class. Only classes with
    ``can_attack_air`` matter."""
    planning: FlightLimits | None = None
    """Limits for the route planner: departure window, altitude band, endurance, corridor,
    no-fly zones."""

    @field_validator("waypoints")
    @classmethod
    def _two_points(cls, v: list[Waypoint]) -> list[Waypoint]:
        if len(v) < 2:
            raise ValueError("a flight plan needs at least two waypoints")
        return v


class Assets(Model):
    """The protected assets: at least one, fixed or moving."""

    fixed: list[FixedSite] = Field(default_factory=list)
    """Fixed sites."""
    moving: list[MovingAsset] = Field(default_factory=list)
    """Moving assets; the first is the VIP (asset 0): escort-mounted equipment flies with
    it, and a leak without ``asset`` leaks its plan."""


# --------------------------------------------------------------------------- threats


class LaunchProfile(Model):
    """Launch-time intensity: piecewise constant, relative rates at breakpoints.

    Launch times of a wave are i.i.d. draws from the density proportional to ``rates``
    on ``[times_s[k], times_s[k+1])``, the last segment ending at ``end_s``.
    """

    start_s: NonNegFloat = 0.0
    """First launch, seconds after scenario start."""
    end_s: PosFloat
    """Last launch, seconds after scenario start; after ``start_s``, at most ``duration_s``."""
    times_s: list[NonNegFloat] | None = None
    """Breakpoints of the launch rate, seconds: strictly increasing, beginning at
    ``start_s``, ending before ``end_s``. Omitted: uniform launches."""
    rates: list[NonNegFloat] | None = None
    """Relative launch rate from each breakpoint to the next (same length as ``times_s``)."""

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
            # the launch-time density normalises the masses rate × segment length: their sum
            # must be a positive number (not 0 from tiny rates; not inf, NaN is refused above)
            edges = [*self.times_s, self.end_s]
            mass = math.fsum(r * (b - a) for r, a, b in zip(self.rates, edges, edges[1:],
                                                            strict=False))
            if not 0.0 < mass < math.inf:
                raise ValueError(f"rates give the launch profile a total mass (Σ rate × "
                                 f"segment length) of {mass:g}; it must be positive and "
                                 f"finite")
        return self


class Targeting(Model):
    """Which assets the wave aims at: relative weights by asset name."""

    weights: dict[str, NonNegFloat]
    """Relative weight of each target asset, by asset name; each drone draws its target
    independently with these weights."""
    scatter_m: NonNegFloat = 0.0
    """Standard deviation of the aim point about the asset, per axis, metres (fixed sites
    only)."""
    mode: Literal["strike", "ambush"] = "strike"
    """``strike``: fly to the aim point. ``ambush``: wait (loiter) at the launch point until
    an air target is within seeker range, then pursue (air-capable classes only)."""

    @field_validator("weights")
    @classmethod
    def _some_weight(cls, v: dict[str, float]) -> dict[str, float]:
        if not v or sum(v.values()) <= 0:
            raise ValueError("targeting needs at least one positive weight")
        return v


#: The largest wave a scenario may hold: far above any reported raid (hundreds a night,
#: ~6,000 a month, docs/catalogue.md), low enough that a typo cannot exhaust memory.
MAX_RAID_COUNT = 100_000


class Raid(Model):
    """One wave of drones of one class."""

    name: Annotated[str, Field(min_length=1)]
    """Unique wave name (used in the timeline tables)."""
    threat: str
    """Threat class of the catalogue (``skyshield catalogue``)."""
    count: Annotated[Int, Field(ge=1, le=MAX_RAID_COUNT)]
    """Number of drones launched."""
    launch_area: Circle
    """Launch points are drawn uniformly on this disc."""
    launch: LaunchProfile
    """When the drones are launched."""
    targeting: Targeting
    """What the drones aim at."""
    route: list[Point] = Field(default_factory=list)
    """Intermediate route points flown in order between launch and target."""
    speed_mps: PosFloat | None = None
    """Cruise speed, metres per second (default: the class's)."""
    altitude_m: PosFloat | None = None
    """Cruise height above ground, metres (default: the class's)."""
    rcs_m2: PosFloat | None = None
    """Radar cross-section, square metres (default: the class's)."""
    feint_fraction: Annotated[Float, Field(ge=0.0, lt=1.0)] | None = None
    """Feint (strikes only; default: the class's ``feint_fraction``: 0.8 for ``owa_feint``,
    0 for every other catalogue class): each drone first heads for a decoy site drawn from this raid's site weights and
    turns for its real aim point after this share of the straight flight time from its launch
    point to that site (``docs/model.md`` §3, §4.2)."""


class Leak(Model):
    """With probability ``probability`` the adversary learns the VIP flight plan and sends a
    surge to ambush it (rule in ``docs/model.md``)."""

    probability: Prob
    """Probability that the flight plan leaks, per replication."""
    asset: str | None = None
    """The moving asset whose plan leaks (default: the first)."""
    threat: str
    """Threat class of the surge; it must be able to attack air targets."""
    count: Annotated[Int, Field(ge=1, le=MAX_RAID_COUNT)]
    """Number of drones in the surge."""
    launch_area: Circle
    """Where the surge is launched from."""
    lead_s: NonNegFloat = 120.0
    """The surge is in position this long, seconds, before the asset passes the ambush
    point."""
    spread_m: NonNegFloat = 300.0
    """Radius about the ambush point over which the surge spreads, metres."""


# --------------------------------------------------------------------------- defence


class Sensor(Model):
    """A sensor: radar, acoustic net or EO/IR turret."""

    name: Annotated[str, Field(min_length=1)]
    """Unique equipment name (sensors and effectors share one namespace)."""
    type: str
    """Sensor class of the catalogue (``skyshield catalogue``)."""
    position: Point | None = None
    """``[east_m, north_m]`` or ``{lat, lon}``; required unless ``mount`` is ``escort``, and
    not allowed then."""
    mount: Literal["fixed", "escort"] = "fixed"
    """``fixed`` on the ground at ``position``, or ``escort``: carried with the moving asset
    it ``escorts`` (default: the first moving asset)."""
    escorts: str | None = None
    """With ``mount: escort``: the moving asset it flies with (default: the first, the
    VIP)."""
    mast_m: NonNegFloat = 10.0
    """Height of the sensor above ground, metres."""
    params: dict[str, Float] = Field(default_factory=dict)
    """Overrides of the catalogue parameters of this sensor class, by parameter name."""


#: The most rounds one delivery or one stock may hold: far above any magazine depth, low
#: enough that the kernel's integer counters cannot overflow.
MAX_ROUNDS = 1_000_000


class Delivery(Model):
    """A resupply of an effector's stock: once at ``t_s``, or every ``every_s`` from
    ``from_s`` (default ``every_s``: the first delivery takes one period) until ``until_s``
    (default: the end of the scenario)."""

    rounds: Annotated[Int, Field(ge=1, le=MAX_ROUNDS)]
    """Rounds (gun: bursts) delivered to the stock each time."""
    t_s: NonNegFloat | None = None
    """Time of a single delivery, seconds after scenario start."""
    every_s: PosFloat | None = None
    """Period of a recurring delivery, seconds (a rate of ``rounds / every_s``)."""
    from_s: NonNegFloat | None = None
    """First recurring delivery, seconds after scenario start (default ``every_s``: the
    delay of the first one)."""
    until_s: NonNegFloat | None = None
    """No recurring delivery after this time, seconds (default: the end of the scenario)."""

    @model_validator(mode="after")
    def _one_kind(self) -> Delivery:
        if (self.t_s is None) == (self.every_s is None):
            raise ValueError("a delivery has either t_s (once) or every_s (recurring)")
        if self.t_s is not None and (self.from_s is not None or self.until_s is not None):
            raise ValueError("from_s and until_s go with every_s, not with t_s")
        if self.until_s is not None and self.from_s is not None and self.until_s < self.from_s:
            raise ValueError("until_s is before from_s")
        return self

    def times(self, duration_s: float) -> list[float]:
        """The delivery times within ``[0, duration_s]``, in order."""
        if self.t_s is not None:
            return [self.t_s] if self.t_s <= duration_s else []
        assert self.every_s is not None
        first = self.every_s if self.from_s is None else self.from_s
        last = duration_s if self.until_s is None else min(self.until_s, duration_s)
        if first > last:
            return []
        n = int((last - first) // self.every_s) + 1
        return [first + k * self.every_s for k in range(n)]


def _explicit_null_stock(data: Any) -> Any:
    # `stock: null` written in the file means an unlimited depot; leaving `stock` out means
    # the catalogue's stock ("catalogue", so that a dump of the model round-trips).
    if isinstance(data, dict) and "stock" in data and data["stock"] is None:
        return {**data, "stock": "unlimited"}
    return data


#: An effector's role (``docs/model.md`` §4.7.3): ``both`` missions, ``escort`` only (threats
#: to the moving asset it escorts), ``area`` only (threats to fixed sites), or ``hold`` (weapons
#: hold: it starts no engagement).
Role = Literal["both", "escort", "area", "hold"]


class RolePhase(Model):
    """One phase of a role schedule: ``role`` from ``from_s`` (inclusive) to ``to_s``
    (exclusive)."""

    role: Role
    """The role in this phase."""
    from_s: NonNegFloat = 0.0
    """Start of the phase, seconds after scenario start."""
    to_s: NonNegFloat | None = None
    """End of the phase, seconds (default: the end of the scenario)."""

    @model_validator(mode="after")
    def _ordered(self) -> RolePhase:
        if self.to_s is not None and self.to_s <= self.from_s:
            raise ValueError("to_s must be after from_s")
        return self


class Reserve(Model):
    """Rounds and channels an effector keeps for threats to the asset it escorts while the
    escort window is open (``docs/model.md`` §4.7.2)."""

    rounds: Annotated[Int, Field(ge=0, le=MAX_ROUNDS)] = 0
    """Rounds held (magazine + stock) that an engagement of any other threat must leave."""
    ready: Annotated[Int, Field(ge=0, le=MAX_ROUNDS)] = 0
    """Rounds in the magazine (ready to fire, no reload needed) that an engagement of any
    other threat must leave."""
    channels: Annotated[Int, Field(ge=0, le=1000)] = 0
    """Free channels that an engagement of any other threat must leave."""
    from_s: NonNegFloat = 0.0
    """The window opens, seconds after scenario start."""
    to_s: NonNegFloat | None = None
    """The window closes, seconds (default: when the escorted asset lands, the end of its
    flight plan)."""

    @model_validator(mode="after")
    def _ordered(self) -> Reserve:
        if self.to_s is not None and self.to_s < self.from_s:
            raise ValueError("to_s is before from_s")
        return self


def _stock_value(value: Any) -> Any:
    # a whole number of rounds, "catalogue" or "unlimited" (null is made "unlimited" before)
    if value in ("catalogue", "unlimited"):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, float) and not value.is_integer()):
        raise PydanticCustomError(
            "stock_type", "stock is a whole number of rounds, 'catalogue' (the class's) or "
            "null (unlimited), got {value!r}", {"value": value})
    return int(value)


def _role_branch(value: Any) -> str | None:
    # a role name or a schedule of phases: choose by shape, so errors speak of what was written
    if isinstance(value, str):
        return "<role>"
    if isinstance(value, (list, tuple)):
        return "<schedule>"
    return None


#: A role, or a schedule of role phases.
RoleOrSchedule = Annotated[
    Annotated[Role, Tag("<role>")] | Annotated[list[RolePhase], Tag("<schedule>")],
    Discriminator(_role_branch, custom_error_type="role_type",
                  custom_error_message="a role is both, escort, area or hold, or a list of "
                                       "phases [{role, from_s, to_s}]"),
]


class Effector(Model):
    """An effector: missile, gun, jammer or interceptor drones."""

    name: Annotated[str, Field(min_length=1)]
    """Unique equipment name (sensors and effectors share one namespace)."""
    type: str
    """Effector class of the catalogue (``skyshield catalogue``)."""
    position: Point | None = None
    """``[east_m, north_m]`` or ``{lat, lon}``; required unless ``mount`` is ``escort``, and
    not allowed then."""
    mount: Literal["fixed", "escort"] = "fixed"
    """``fixed`` on the ground at ``position``, or ``escort``: carried with the moving asset
    it ``escorts`` (default: the first moving asset)."""
    params: dict[str, Float] = Field(default_factory=dict)
    """Overrides of the scalar catalogue parameters of this effector class, by name."""
    pk: dict[str, Prob] = Field(default_factory=dict)
    """Overrides of the per-threat-class kill probabilities (jammers: defeat rates per
    second of exposure)."""
    stock: Annotated[Annotated[int, Field(ge=0, le=MAX_ROUNDS)] |
                     Literal["catalogue", "unlimited"], BeforeValidator(_stock_value)] = \
        "catalogue"
    """Rounds (gun: bursts) held beyond the magazine, drawn on by reloads (``docs/model.md``
    §4.6). ``catalogue`` (the default): the class's stock. ``null`` or ``unlimited``, written
    explicitly: an unlimited depot, every reload refills the magazine (the behaviour before
    finite stocks)."""
    resupply: list[Delivery] = Field(default_factory=list)
    """Deliveries to the stock (a finite stock only): ``{t_s, rounds}`` once, or
    ``{every_s, rounds, from_s, until_s}`` recurring."""

    role: RoleOrSchedule = "both"
    """Which threats it engages: ``both`` (default), ``escort`` (threats to the moving asset
    it escorts), ``area`` (threats to fixed sites) or ``hold``; or a schedule of
    non-overlapping phases ``[{role, from_s, to_s}]``, ``both`` outside them."""
    escorts: str | None = None
    """The moving asset it escorts (and, if ``mount: escort``, flies with); default: the
    first moving asset (the VIP)."""
    reserve: Reserve | None = None
    """Rounds and channels kept for threats to the escorted asset while the escort window
    is open."""
    zones: list[str] = Field(default_factory=list)
    """Engagement zones (names of ``c2.engagement_zones``): it engages only threats that the
    ``zone_test`` places in one of them. Empty: everywhere."""
    zone_test: Literal["impact", "position"] = "impact"
    """What must lie in a zone: the threat's predicted ``impact`` (a strike's aim point, the
    aircraft an air threat attacks) or its current ``position``."""

    @model_validator(mode="before")
    @classmethod
    def _null_stock(cls, data: Any) -> Any:
        return _explicit_null_stock(data)


class Zone(Model):
    """A named engagement zone: a disc on the map."""

    name: Annotated[str, Field(min_length=1)]
    """Unique zone name, referred to by effectors' ``zones``."""
    center: Point
    """Centre: ``[east_m, north_m]`` or ``{lat, lon}``."""
    radius_m: PosFloat
    """Radius, metres."""


class Tracker(Model):
    """The fused multi-target tracker C2 acts on under ``information: tracks``
    (``docs/model.md`` §4.5.2, ``docs/tracking.md``)."""

    q_m2s3: NonNegFloat = 1.0
    """Spectral density of the constant-velocity model's white-noise acceleration, m²/s³ per
    axis."""
    gate: Annotated[Float, Field(gt=0.0, le=100.0)] = 13.8
    """χ² gate on the normalised innovation (2 degrees of freedom; 13.8 ≈ 99.9 %)."""
    confirm_m: Annotated[Int, Field(ge=2, le=30)] = 2
    """Hits needed ... (m of n confirmation)."""
    confirm_n: Annotated[Int, Field(ge=2, le=30)] = 3
    """... within this many covering scans to confirm a tentative track."""
    drop_misses: Annotated[Int, Field(ge=1, le=1000)] = 4
    """Consecutive covering scans without a hit that delete a confirmed track."""
    v0_mps: NonNegFloat = 60.0
    """Standard deviation of a new track's velocity, m/s per axis."""
    coast_s: PosFloat = 30.0
    """A track with no detection associated for longer than this, seconds, is deleted at the
    next scan of any sensor, wherever it is (misses count only inside a sensor's miss radius,
    so without it a track coasting out of every miss radius would live for ever)."""

    @model_validator(mode="after")
    def _m_le_n(self) -> Tracker:
        if self.confirm_m > self.confirm_n:
            raise ValueError("confirm_m must not exceed confirm_n")
        return self


class C2(Model):
    """Command and control."""

    cycle_s: Annotated[Float, Field(ge=MIN_STEP_S)] = 2.0
    """Decision cycle, seconds: targets are (re)assigned this often."""
    policy: Literal["greedy", "local", "exact"] = "greedy"
    """Weapon-target assignment policy."""
    policy_time_s: PosFloat = 0.01
    """Time limit per decision cycle for the ``exact`` policy's HiGHS solve, seconds (``local``
    uses a fixed evaluation budget instead). If a solve hits this limit, results can depend on
    machine speed and load."""
    doctrine: Literal["shoot-look-shoot", "salvo"] = "shoot-look-shoot"
    """Fire doctrine: one shot then assess, or ``salvo_size`` shots at once."""
    salvo_size: Annotated[Int, Field(ge=1, le=4)] = 2
    """Shots per engagement under the ``salvo`` doctrine."""
    escort_priority: Prob = 0.5
    """Weight ``ω`` of the escort mission (moving assets) against area defence (fixed sites,
    ``1 − ω``), in the threat values of ``priority_rule``."""
    priority_rule: Literal["value", "relative"] = "value"
    """How C2 values a threat (``docs/model.md`` §4.7.1): ``value`` = ``value · ω · L̃`` of its
    target (a 1000-value VIP's threats outrank a town's whatever ``ω`` short of 0 or 1);
    ``relative`` = ``ω`` (escort) or ``1 − ω`` (area) times the threat's value relative to
    its mission's most valuable threat this cycle, so that ``ω`` weighs the missions against
    each other by degrees (at 0.5 the worst threat of each weighs the same)."""
    intent: Literal["oracle", "nearest", "heading", "bridge"] = "oracle"
    """How C2 infers the asset each threat is going for (``docs/model.md`` §4.7.1):
    ``oracle`` = it knows the threat's current goal; ``nearest`` = the asset nearest the
    threat; ``heading`` = the asset ahead whose closest point of approach along the threat's
    observed velocity (its displacement over the last step) is nearest; ``bridge`` = the
    posterior over the assets (and transit) of the bridging-distribution model
    (``docs/intent.md``) on the track's estimate and covariance: the most probable asset is
    the target and the threat is valued at its expected value at risk. ``bridge`` needs
    ``information: tracks`` (it works on a track's covariance)."""
    information: Literal["truth", "tracks"] = "truth"
    """What C2 acts on (``docs/model.md`` §4.5.2): ``truth`` = each tracked drone's true
    position (the sensors' M-of-N tracks only decide when it is seen); ``tracks`` = the fused
    tracker's confirmed tracks, built from noisy measurements and false alarms, with
    engagements aimed at the estimate and kills judged by the sensors."""
    tracker: Tracker = Field(default_factory=Tracker)
    """The tracker of ``information: tracks``."""
    weapons_tight_radius_m: NonNegFloat = 300.0
    """No engagement of a threat closer than this to an own aircraft, metres."""
    p_misidentification: Prob = 0.0
    """P(an effector that holds the own aircraft in its envelope in a weapons-free zone
    misidentifies it as hostile), per decision cycle."""
    weapons_free_zones: list[Circle] = Field(default_factory=list)
    """Zones where effectors may fire without positive identification."""
    engagement_zones: list[Zone] = Field(default_factory=list)
    """Named zones that effectors' ``zones`` restrict their engagements to."""

    @model_validator(mode="after")
    def _bridge_on_tracks(self) -> C2:
        if self.intent == "bridge" and self.information != "tracks":
            raise ValueError("c2.intent: bridge needs c2.information: tracks (the bridge "
                             "posterior works on a track's estimate and covariance)")
        return self


#: What ``terrain.source`` may name besides a file.
TERRAIN_SOURCES = ("none", "synthetic")
#: The elevation files ``terrain.source`` may name, by extension.
TERRAIN_FILES = (".npy", ".asc", ".tif", ".tiff")


class Terrain(Model):
    """The ground (``docs/model.md`` §4.9): flat (``none``), a seeded fractal relief
    (``synthetic``) or an elevation file. With terrain, every detection and engagement needs
    a clear line of sight over it, and altitudes are above the ground beneath."""

    source: Annotated[str, Field(min_length=1)] = "none"
    """``none`` (flat Earth: the radio horizon alone masks), ``synthetic`` (seeded fractal
    relief over the map) or an elevation file: ``.npy`` (rows south first; needs ``cell_m``
    and ``origin``), ESRI ASCII grid ``.asc`` or GeoTIFF ``.tif`` (needs ``rasterio``),
    relative to the scenario file."""
    cell_m: PosFloat | None = None
    """Node spacing, metres: the synthetic relief's (default 200) or a ``.npy`` file's (an
    ``.asc`` or ``.tif`` file carries its own)."""
    origin: Annotated[list[Float], Field(min_length=2, max_length=2)] | None = None
    """``[east_m, north_m]`` of the grid's south-west node: a ``.npy`` file's (required), or
    in place of an ``.asc`` or ``.tif`` file's own corner (whose coordinates are otherwise
    read as local metres). The synthetic relief starts at the map's south-west corner."""
    relief_m: Annotated[Float, Field(ge=0.0, le=9000.0)] = 500.0
    """Synthetic relief: highest minus lowest ground, metres."""
    roughness: Annotated[Float, Field(gt=0.0, le=1.0)] = 0.7
    """Synthetic relief: the Hurst exponent H of the fractal surface (near 0 rugged, 1
    smooth)."""
    seed: Annotated[Int, Field(ge=0)] = 0
    """Synthetic relief: the seed of its random phases and amplitudes."""
    base_m: Annotated[Float, Field(ge=-500.0, le=9000.0)] = 0.0
    """Synthetic relief: the lowest ground, metres above sea level."""
    sight_m: NonNegFloat = 3.0
    """Height above ground of a ground effector's line of sight (its launcher or gun sight,
    its fire-control sensor), metres; a sensor's is its ``mast_m``."""

    @field_validator("source")
    @classmethod
    def _known_source(cls, v: str) -> str:
        if v in TERRAIN_SOURCES or v.lower().endswith(TERRAIN_FILES):
            return v
        raise ValueError(f"terrain source must be none, synthetic or a file ending in "
                         f"{', '.join(TERRAIN_FILES)}, got {v!r}")

    @property
    def is_file(self) -> bool:
        """``source`` names an elevation file."""
        return self.source not in TERRAIN_SOURCES


#: The VIP's index among a compiled scenario's assets (moving assets come first, so the first
#: moving asset, :attr:`Scenario.vip`, is asset 0) when the scenario has a moving asset.
VIP_INDEX = 0


class Scenario(Model):
    """A complete scenario: map, protected assets, raids, defence, command and control."""

    name: Annotated[str, Field(min_length=1)]
    """Scenario name."""
    description: str = ""
    """Free text."""
    origin: LatLon | None = None
    """Geographic position of the local origin; needed only for ``{lat, lon}`` positions."""
    area: Area
    """The map; every position must lie inside it."""
    duration_s: PosFloat
    """Simulated time, seconds."""
    dt_s: Annotated[Float, Field(ge=MIN_STEP_S, le=10.0)] = 1.0
    """Simulation time step, seconds."""
    assets: Assets
    """Protected assets."""
    raids: list[Raid]
    """Drone waves, at least one."""
    leak: Leak | None = None
    """Optional leak of the VIP flight plan to the adversary."""
    sensors: list[Sensor] = Field(default_factory=list)
    """Sensors."""
    effectors: list[Effector] = Field(default_factory=list)
    """Effectors."""
    c2: C2 = Field(default_factory=C2)
    """Command and control."""
    terrain: Terrain = Field(default_factory=Terrain)
    """The ground: flat by default."""

    @field_validator("raids")
    @classmethod
    def _some_raid(cls, v: list[Raid]) -> list[Raid]:
        if not v:
            raise ValueError("a scenario needs at least one raid")
        return v

    def _brief(self) -> str:
        from skyshield.display import plural as n

        drones = sum(r.count for r in self.raids)
        return (f"{self.name!r}: {n(len(self.assets.moving), 'moving asset')}, "
                f"{n(len(self.assets.fixed), 'site')}, {n(len(self.raids), 'raid')} "
                f"({n(drones, 'drone')}), {n(len(self.sensors), 'sensor')}, "
                f"{n(len(self.effectors), 'effector')}, {self.duration_s:g} s")

    def __repr__(self) -> str:
        return f"Scenario({self._brief()})"

    def __str__(self) -> str:
        return self.__repr__()

    def _repr_html_(self) -> str:
        from html import escape

        return f"<div><b>Scenario</b> {escape(self._brief())}</div>"

    @property
    def vip(self) -> MovingAsset | None:
        """The VIP: the first moving asset (asset :data:`VIP_INDEX` once compiled), which
        escort-mounted equipment follows; ``None`` without a moving asset."""
        return self.assets.moving[VIP_INDEX] if self.assets.moving else None
