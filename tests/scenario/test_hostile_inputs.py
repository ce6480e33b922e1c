"""Hostile and malformed scenario files: every one is a clear error naming the file, the line
and the field (exit 2, one line), found before any work starts — never a silently wrong
result, a run without end, a ``MemoryError`` or a traceback.

The classes (``docs/scenario.md``, "What is checked" and "Limits"): numbers too large for the
arithmetic (``magazine: 1e19`` used to wrap and fire no shot), counts above their documented
maxima, launch profiles whose mass is not a positive finite number, lat/lon positions where
the local projection is meaningless (the antipode used to land on the origin), time steps,
scans and decision cycles below 1 ms, time grids of more than 10⁷ steps, names that share
draw keys, nesting that would exhaust the recursion, and runs whose memory or work estimate
is over the limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from base_scenario import BASE, line_of, mutate, write

from skyshield.errors import InputError
from skyshield.scenario import load_scenario
from skyshield.scenario.keys import name_key
from testkit import cli_error

#: Two names with the same CRC-32 (a known collision).
COLLIDE = ("plumless", "buckeroo")
assert name_key(COLLIDE[0]) == name_key(COLLIDE[1])


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    line: int
    field: str
    says: str


def case(id: str, old: str, new: str, *, field: str, says: str, at: str | None = None,
         more: tuple[tuple[str, str], ...] = ()) -> Case:
    """BASE with ``old`` → ``new`` (and the ``more`` replacements); the error is expected on
    the line holding ``at`` (default: the first line of ``new``)."""
    text = mutate(old, new)
    for a, b in more:
        text = mutate(a, b, text)
    return Case(id, text, line_of(text, at or new.strip().splitlines()[0].strip()), field, says)


GUN = "params: {max_range_m: 3500}"
RADAR = "{name: Radar, type: radar_cuas, position: [900, 2100]}"
PROFILE = "launch: {start_s: 0, end_s: 1800, times_s: [0, 600], rates: [1, 2]}"


def gun(params: str) -> str:
    return f"params: {{max_range_m: 3500, {params}}}"


def radar(params: str) -> str:
    return f"{{name: Radar, type: radar_cuas, position: [900, 2100], params: {{{params}}}}}"


CASES = [
    # --- numbers too large: they wrapped, overflowed or made NaN inside the model
    case("magazine-1e19", GUN, gun("magazine: 1e19"), field="effectors[0].params.magazine",
         says="at most 1e+12 in magnitude"),
    case("magazine-above-max", GUN, gun("magazine: 2000000"),
         field="effectors[0].params.magazine", says="magazine must be at most 1,000,000"),
    case("magazine-huge-integer", GUN, gun("magazine: 100000000000000000000000000"),
         field="effectors[0].params.magazine", says="at most 1e+12 in magnitude"),
    case("channels-1e9", GUN, gun("channels: 1e9"), field="effectors[0].params.channels",
         says="channels must be at most 10,000"),
    case("channels-1e308", GUN, gun("channels: 1e308"), field="effectors[0].params.channels",
         says="at most 1e+12 in magnitude"),
    case("reload-huge", GUN, gun("reload_s: 1e300"), field="effectors[0].params.reload_s",
         says="at most 1e+12 in magnitude"),
    case("speed-huge", "      speed_mps: 60", "      speed_mps: 1e200",
         field="assets.moving[0].speed_mps", says="at most 1e+12 in magnitude"),
    case("scatter-huge", "      scatter_m: 100", "      scatter_m: 1e300",
         field="raids[0].targeting.scatter_m", says="at most 1e+12 in magnitude"),
    case("value-huge", "value: 20, radius_m: 300", "value: 1e20, radius_m: 300",
         field="assets.fixed[1].value", says="at most 1e+12 in magnitude"),
    case("area-huge", "west_m: -20000", "west_m: -1e300", at="area:", field="area.west_m",
         says="at most 1e+12 in magnitude"),
    case("waypoint-time-huge", "{position: [0, 5000], t_s: 600}",
         "{position: [0, 5000], t_s: 1e13}", field="assets.moving[0].waypoints[1].t_s",
         says="at most 1e+12 in magnitude"),
    # --- launch profiles: rates whose mass is infinite, zero or not a number
    case("rates-sum-inf", PROFILE, PROFILE.replace("[1, 2]", "[1e308, 1e308]"),
         field="raids[0].launch.rates[0]", says="at most 1e+12"),
    case("rates-mass-zero", PROFILE,
         "launch: {start_s: 0, end_s: 1800, times_s: [0, 0.4], rates: [5e-324, 0]}",
         field="raids[0].launch.rates", says="total mass"),
    case("rates-nan", PROFILE, PROFILE.replace("[1, 2]", "[.nan, 2]"),
         field="raids[0].launch.rates[0]", says="finite number"),
    case("rates-inf", PROFILE, PROFILE.replace("[1, 2]", "[1, .inf]"),
         field="raids[0].launch.rates[1]", says="finite number"),
    case("rates-negative", PROFILE, PROFILE.replace("[1, 2]", "[-1, 2]"),
         field="raids[0].launch.rates[0]", says="greater than or equal to 0"),
    case("rates-all-zero", PROFILE, PROFILE.replace("[1, 2]", "[0, 0]"),
         field="raids[0].launch", says="at least one rate must be positive"),
    # --- lat/lon where the local projection is meaningless
    case("antipode", "{lat: 50.1, lon: 30.02}", "{lat: -50.0, lon: -150.0}",
         field="raids[0].route[1]", says="20,015 km from the origin"),
    case("near-antipode-of-site", "{lat: 50.05, lon: 30.05}", "{lat: -50.05, lon: -149.95}",
         field="assets.fixed[1].position", says="km from the origin"),
    case("beyond-2000-km", "{lat: 50.1, lon: 30.02}", "{lat: 70.0, lon: 30.0}",
         field="raids[0].route[1]", says="refused beyond 2,000 km"),
    # --- integer parameters beyond their documented maxima (no silent clip)
    case("track-n-above-30", RADAR, radar("track_n: 40"), field="sensors[0].params.track_n",
         says="track_n must be at most 30"),
    case("track-n-30-and-a-half", RADAR, radar("track_n: 30.5"),
         field="sensors[0].params.track_n", says="track_n must be at most 30"),
    case("track-m-above-30", RADAR, radar("track_m: 31"), field="sensors[0].params.track_m",
         says="track_m must be at most 30"),
    case("drop-misses-huge", RADAR, radar("drop_misses: 1e9"),
         field="sensors[0].params.drop_misses", says="drop_misses must be at most 1,000"),
    case("salvo-size-huge", "  cycle_s: 2", "  cycle_s: 2\n  salvo_size: 1e19",
         at="salvo_size", field="c2.salvo_size", says="at most 1e+12 in magnitude"),
    case("salvo-size-5", "  cycle_s: 2", "  cycle_s: 2\n  salvo_size: 5",
         at="salvo_size", field="c2.salvo_size", says="less than or equal to 4"),
    case("count-huge", "    count: 30", "    count: 1e19", field="raids[0].count",
         says="at most 1e+12 in magnitude"),
    case("count-fraction", "    count: 30", "    count: 30.5", field="raids[0].count",
         says="fractional part"),
    case("leak-count-huge", "  count: 4", "  count: 100000000", field="leak.count",
         says="less than or equal to 100000"),
    # --- work without end: steps, scans and cycles below 1 ms; time grids over 10^7 steps
    case("dt-1e-9", "duration_s: 3600", "duration_s: 3600\ndt_s: 1e-9", at="dt_s",
         field="dt_s", says="greater than or equal to 0.001"),
    case("cycle-1e-17", "  cycle_s: 2", "  cycle_s: 1e-17", field="c2.cycle_s",
         says="greater than or equal to 0.001"),
    case("scan-1e-300", RADAR, radar("scan_s: 1e-300"), field="sensors[0].params.scan_s",
         says="scan_s must be at least 0.001"),
    case("scan-zero", RADAR, radar("scan_s: 0"), field="sensors[0].params.scan_s",
         says="scan_s must be positive"),
    case("duration-1e12", "duration_s: 3600", "duration_s: 1e12", field="duration_s",
         says="1,000,000,000,000 time steps, more than the 10,000,000"),
    case("dt-small-long-run", "duration_s: 3600", "duration_s: 86400\ndt_s: 0.001",
         at="dt_s", field="dt_s", says="86,400,000 time steps"),
    # --- names that are draw keys
    case("raid-named-leak-surge", "  - name: Ambushers", "  - name: Leak surge",
         field="raids[1].name", says="'Leak surge' is the name of the leak's surge"),
    case("raids-same-key", "  - name: Ambushers", f"  - name: {COLLIDE[1]}",
         more=(("  - name: Wave one", f"  - name: {COLLIDE[0]}"),),
         field="raids[1].name", says="the same draw key"),
    case("sensors-same-key", "  - name: Turret", f"  - name: {COLLIDE[1]}",
         more=(("{name: Radar,", f"{{name: {COLLIDE[0]},"),),
         field="sensors[1].name", says="sensor names 'plumless' and 'buckeroo'"),
    case("effectors-same-key", "  - name: Interceptors", f"  - name: {COLLIDE[1]}",
         more=(("{name: Gun,", f"{{name: {COLLIDE[0]},"),),
         field="effectors[1].name", says="effector names 'plumless' and 'buckeroo'"),
    case("assets-same-key", "    - {name: Plant,", f"    - {{name: {COLLIDE[1]},",
         more=(("    - name: Depot", f"    - name: {COLLIDE[0]}"),
               ("weights: {Depot: 2, Plant: 1}",
                f"weights: {{{COLLIDE[0]}: 2, {COLLIDE[1]}: 1}}")),
         field="assets.fixed[1].name", says="asset names"),
    # --- positions of the planner's limits are on the map too
    case("no-fly-zone-off-map", "      speed_mps: 60",
         "      speed_mps: 60\n      planning:\n        no_fly_zones:\n"
         "          - {center: [0, 90000], radius_m: 1000}",
         at="- {center: [0, 90000]", field="assets.moving[0].planning.no_fly_zones[0].center",
         says="outside the map"),
]


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_hostile_scenario_is_one_clear_line(tmp_path: Path, c: Case,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, c.text)
    with pytest.raises(InputError) as info:
        load_scenario(path)
    err = info.value
    assert (err.file, err.line, err.field) == (str(path), c.line, c.field), str(err)
    assert c.says in err.message, str(err)
    for command in ("validate", "run"):
        cli_error([command, str(path)], capsys, where=f"{path}:{c.line}", field=c.field,
                  says=c.says)


@pytest.mark.parametrize("depth", [65, 100_000])
@pytest.mark.parametrize("open_, close", [("[", "]"), ("{a: ", "}")])
def test_deep_nesting_is_refused_not_a_recursion_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], depth: int, open_: str,
        close: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(f"name: base\ndescription: {open_ * depth}1{close * depth}\n")
    cli_error(["validate", str(path)], capsys, where=f"{path}:2",
              says="nested more than 64 deep")


def test_deep_block_nesting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("name: base\nraids:\n" + "".join("  " * k + "- \n" for k in range(70)))
    cli_error(["validate", str(path)], capsys, where=str(path), says="nested more than 64")


def test_nesting_of_a_real_scenario_is_far_below_the_limit(tmp_path: Path) -> None:
    # 64 levels of flow lists inside a free-text field still load as data (then the schema
    # refuses the list), so the limit does not cut into anything a scenario writes
    path = tmp_path / "ok.yaml"
    path.write_text(BASE.replace("name: base", "name: base\ndescription: " + "[" * 60 + "1"
                                 + "]" * 60, 1))
    with pytest.raises(InputError, match="valid string"):
        load_scenario(path)


def test_oversized_file_is_refused_unread(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import skyshield.limits

    monkeypatch.setattr(skyshield.limits, "MAX_INPUT_BYTES", 1024)
    path = write(tmp_path, BASE + "#" * 2048 + "\n")
    cli_error(["validate", str(path)], capsys, where=f"{path}: larger than 1 KiB")


# --------------------------------------------------------------------------- runs too large

@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Limits that do not depend on this machine: 8 GB of memory, the default work."""
    monkeypatch.setenv("SKYSHIELD_MEMORY_LIMIT", "8e9")
    monkeypatch.delenv("SKYSHIELD_WORK_LIMIT", raising=False)


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str], **kw: str) -> str:
    t0 = time.process_time()
    line = cli_error(argv, capsys, **kw)
    # refused from the estimate, before any replication: a second of CPU at most, not the
    # hours (or the MemoryError) of the request — a count, not a wall-clock test
    assert time.process_time() - t0 < 30.0
    return line


@pytest.mark.usefixtures("limits")
def test_replications_1e12_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, BASE)
    line = _refused(["run", str(path), "--replications", str(10**12)], capsys,
                    where="<argument>", field="--replications", says="the run needs about")
    assert "of memory" in line and "1,000,000,000,000 replications" in line


@pytest.mark.usefixtures("limits")
def test_replications_as_1e12_text_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, BASE)
    cli_error(["run", str(path), "--replications", "1e12"], capsys, says="Invalid value for '--replications'")


@pytest.mark.usefixtures("limits")
def test_too_many_recordings_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, BASE)
    _refused(["run", str(path), "-n", "1000", "--record", str(10**8)], capsys,
             where="<argument>", field="--record", says="recording buffers")


@pytest.mark.usefixtures("limits")
def test_2000_effectors_against_1e5_drones_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    effectors = "".join(f"  - {{name: G{k}, type: gun_airburst, position: [{k}, 0]}}\n"
                        for k in range(2000))
    text = mutate("    count: 30", "    count: 100000")
    text = mutate("effectors:\n", "effectors:\n" + effectors, text)
    path = write(tmp_path, text)
    line = _refused(["run", str(path), "-n", "10"], capsys,
                    where=f"{path}:{line_of(text, 'effectors:')}", field="effectors",
                    says="replication state")
    assert "GiB of memory" in line


@pytest.mark.usefixtures("limits")
def test_work_over_the_limit_names_the_replications(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 10^7 steps a replication are allowed; 10^5 of those replications are not
    text = mutate("duration_s: 3600", "duration_s: 10000\ndt_s: 0.001")
    path = write(tmp_path, text)
    load_scenario(path)
    line = _refused(["run", str(path), "-n", "100000"], capsys, where="<argument>",
                    field="--replications", says="entity-steps of work")
    assert "(100,000 replications + 2 recorded) × 10,000,001 steps" in line


def test_work_limit_from_the_environment_names_the_time_step(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKYSHIELD_WORK_LIMIT", "1e7")
    text = mutate("duration_s: 3600", "duration_s: 3600\ndt_s: 0.01")
    path = write(tmp_path, text)
    _refused(["run", str(path), "-n", "1"], capsys, where=f"{path}:{line_of(text, 'dt_s')}",
             field="dt_s", says="more than the limit of 1e+07 ($SKYSHIELD_WORK_LIMIT")


def test_bad_limit_in_the_environment(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKYSHIELD_MEMORY_LIMIT", "lots")
    cli_error(["run", str(write(tmp_path, BASE)), "-n", "1"], capsys,
              where="<environment>", field="SKYSHIELD_MEMORY_LIMIT",
              says="must be a positive number")
