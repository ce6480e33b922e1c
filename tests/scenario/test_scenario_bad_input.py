"""Every class of bad scenario input: one InputError naming the file, the right line and the
field path, through the API and through ``skyshield validate`` (exit 2, one line, no
traceback).

Expected lines are found by searching the text for the offending snippet, not by asking the
loader, so a wrong line mapping fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from base_scenario import BASE, line_of, mutate, write

from skyshield.cli import main
from skyshield.errors import InputError
from skyshield.scenario import load_scenario


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    line: int | None  # None: the error has no line (the file as a whole)
    field: str | None
    says: str  # a fragment the message must contain


def case(id: str, old: str, new: str, *, at: str | None = None, field: str | None,
         says: str, nth: int = 0) -> Case:
    """Replace ``old`` by ``new`` in BASE; the error is expected on the line holding ``at``
    (default: the first line of ``new``)."""
    text = mutate(old, new)
    snippet = at if at is not None else new.strip().splitlines()[0].strip()
    return Case(id, text, line_of(text, snippet, nth), field, says)


CASES = [
    # --- YAML itself
    case("yaml-syntax-mapping", "scatter_m: 100", "scatter_m: 100: 200",
         field=None, says="YAML syntax error"),
    case("yaml-tab", "    count: 30", "\tcount: 30", at="\tcount", field=None,
         says="YAML syntax error"),
    case("yaml-duplicate-key", "    count: 30", "    count: 30\n    count: 31",
         at="count: 31", field="raids[0].count", says="duplicate key 'count'"),
    case("yaml-python-tag", "name: base", "name: !!python/object/apply:os.system ['true']",
         field="name", says="not allowed"),
    case("yaml-python-tag-nested", "scatter_m: 100",
         "scatter_m: !!python/object/apply:os.system ['true']",
         field="raids[0].targeting.scatter_m", says="not allowed"),
    case("yaml-binary-tag", "radius_m: 800}", "radius_m: !!binary AAAA}",
         field="raids[0].launch_area.radius_m", says="not allowed"),
    case("yaml-timestamp", "name: base", "name: 2025-07-09", field="name",
         says="timestamp"),
    case("yaml-bad-explicit-int", "    count: 30", "    count: !!int thirty",
         field="raids[0].count", says="bad int value"),
    # --- unknown keys, everywhere
    case("unknown-top-level", "duration_s: 3600", "duration_s: 3600\ncolour: red",
         at="colour", field="colour", says="unknown key 'colour'"),
    case("unknown-in-list-item", "      scatter_m: 100", "      scatter_m: 100\n      spread: 5",
         at="spread: 5", field="raids[0].targeting.spread", says="unknown key 'spread'"),
    case("unknown-in-flow-mapping", "radius_m: 800}", "radius_m: 800, height_m: 3}",
         field="raids[0].launch_area.height_m", says="unknown key 'height_m'"),
    case("unknown-in-multiline-flow", "fpv: 0.1}}", "fpv: 0.1}, colour: red}",
         field="assets.fixed[1].colour", says="unknown key"),
    case("unknown-in-latlon", "{lat: 50.1, lon: 30.02}", "{lat: 50.1, lon: 30.02, alt: 5}",
         field="raids[0].route[1].alt", says="unknown key 'alt'"),
    # --- wrong types and units
    case("text-for-speed", "      speed_mps: 60", "      speed_mps: fast",
         field="assets.moving[0].speed_mps", says="expected a number in m/s, got 'fast'"),
    case("unit-in-value", "      speed_mps: 60", "      speed_mps: 216 km/h",
         field="assets.moving[0].speed_mps", says="got '216 km/h'"),
    case("quoted-number", "    count: 30", "    count: '30'", field="raids[0].count",
         says="expected a number"),
    case("boolean-for-number", "      value: 10\n", "      value: yes\n",
         field="assets.fixed[0].value", says="got the boolean true"),
    case("fractional-count", "    count: 30", "    count: 30.5", field="raids[0].count",
         says="valid integer"),
    case("text-in-position", "position: [1000, 2000]", "position: [1000, north]",
         field="assets.fixed[0].position[1]", says="got 'north'"),
    case("scalar-position", "position: [1000, 2000]", "position: here",
         field="assets.fixed[0].position", says="[east_m, north_m] or {lat"),
    case("three-number-position", "position: [1000, 2000]", "position: [1000, 2000, 5]",
         field="assets.fixed[0].position", says="at most 2 items"),
    case("bad-route-item", "      - [5000, 15000]", "      - [5000, x]",
         field="raids[0].route[0][1]", says="got 'x'"),
    case("latitude-out-of-range", "{lat: 50.1, lon: 30.02}", "{lat: 95, lon: 30.02}",
         field="raids[0].route[1].lat", says="less than or equal to 90"),
    case("latlon-missing-lon", "{lat: 50.1, lon: 30.02}", "{lat: 50.1}",
         field="raids[0].route[1].lon", says="missing required field 'lon'"),
    case("text-in-params", "params: {max_range_m: 3500}", "params: {max_range_m: far}",
         field="effectors[0].params.max_range_m", says="expected a number in m"),
    case("list-for-mapping", "      vulnerability: {fpv: 0.7}", "      vulnerability: [fpv]",
         field="assets.moving[0].vulnerability", says="valid dictionary"),
    case("bad-literal", "targeting: {weights: {Heli: 1}, mode: ambush}",
         "targeting: {weights: {Heli: 1}, mode: hunt}",
         field="raids[1].targeting.mode", says="'strike' or 'ambush'"),
    case("null-count", "    count: 30", "    count:", at="count:", field="raids[0].count",
         says="valid integer"),
    # --- NaN and infinity
    case("nan", "radius_m: 800}", "radius_m: .nan}", field="raids[0].launch_area.radius_m",
         says="finite number"),
    case("inf", "duration_s: 3600", "duration_s: .inf", field="duration_s",
         says="finite number"),
    case("overflow-to-inf", "params: {max_range_m: 3500}", "params: {max_range_m: 1e400}",
         field="effectors[0].params.max_range_m", says="finite number"),
    case("nan-probability", "pk: {owa_piston: 0.55}", "pk: {owa_piston: .NaN}",
         field="effectors[1].pk.owa_piston", says="finite number"),
    # --- negative and impossible values
    case("negative-radius", "radius_m: 800}", "radius_m: -800}",
         field="raids[0].launch_area.radius_m", says="greater than 0"),
    case("zero-speed", "      speed_mps: 60", "      speed_mps: 0",
         field="assets.moving[0].speed_mps", says="greater than 0"),
    case("probability-above-one", "{owa_piston: 0.5}", "{owa_piston: 1.5}",
         field="assets.fixed[0].vulnerability.owa_piston", says="less than or equal to 1"),
    case("min-range-above-max", "params: {max_range_m: 3500}",
         "params: {max_range_m: 3500, min_range_m: 5000}",
         field="effectors[0].params.min_range_m", says="min_range_m is above max_range_m"),
    case("max-range-below-class-min", "  - name: Interceptors\n    type: interceptor_drone",
         "  - name: Interceptors\n    type: interceptor_drone\n    params: {max_range_m: 0}",
         at="params: {max_range_m: 0}", field="effectors[1].params.max_range_m",
         says="max_range_m must be positive"),
    case("negative-param", "params: {max_range_m: 3500}", "params: {max_range_m: -1}",
         field="effectors[0].params.max_range_m", says="non-negative"),
    case("unknown-param", "params: {max_range_m: 3500}", "params: {range_km: 3.5}",
         field="effectors[0].params.range_km", says="unknown parameter 'range_km'"),
    case("param-of-another-kind", "type: radar_cuas, position: [900, 2100]}",
         "type: radar_cuas, position: [900, 2100], params: {net_radius_m: 500}}",
         field="sensors[0].params.net_radius_m",
         says="unknown parameter 'net_radius_m' for radar_cuas"),
    case("eo-ir-has-no-rcs-reference", "    type: eo_ir\n", "    type: eo_ir\n    params: {rcs_ref_m2: 1}\n",
         at="params: {rcs_ref_m2: 1}", field="sensors[1].params.rcs_ref_m2",
         says="unknown parameter 'rcs_ref_m2' for eo_ir"),
    case("launch-end-before-start", "launch: {end_s: 1200}",
         "launch: {start_s: 1300, end_s: 1200}",
         field="raids[1].launch.end_s", says="end_s must be after start_s"),
    case("launch-after-scenario", "launch: {end_s: 1200}", "launch: {end_s: 4000}",
         field="raids[1].launch.end_s", says="after the scenario ends"),
    case("area-inverted", "east_m: 20000", "east_m: -30000", at="area:", field="area.east_m",
         says="east_m must be greater than west_m"),
    case("launch-times-not-at-start", "times_s: [0, 600]", "times_s: [100, 600]",
         field="raids[0].launch.times_s", says="times_s must begin at start_s"),
    case("launch-rates-without-times", "launch: {end_s: 1200}", "launch: {end_s: 1200, rates: [1]}",
         field="raids[1].launch", says="times_s and rates go together"),
    case("waypoint-times-decrease", "        - position: [15000, 15000]",
         "        - {position: [15000, 15000], t_s: 500}", field="assets.moving[0].waypoints[2].t_s",
         says="waypoint times must increase"),
    # --- empty raids, flight plans
    case("zero-count", "    count: 30", "    count: 0", field="raids[0].count",
         says="greater than or equal to 1"),
    case("huge-count", "    count: 30", "    count: 10000000000", field="raids[0].count",
         says="less than or equal to 100000"),
    case("one-waypoint", "        - {position: [0, 5000], t_s: 600}\n        - position: [15000, 15000]\n",
         "", at="waypoints:", field="assets.moving[0].waypoints",
         says="at least two waypoints"),
    case("missing-required", "    threat: fpv\n", "", at="- name: Ambushers",
         field="raids[1].threat", says="missing required field 'threat'"),
    # --- positions off the map
    case("site-outside-map", "position: [1000, 2000]", "position: [1000, 25000]",
         field="assets.fixed[0].position", says="outside the map"),
    case("latlon-outside-map", "position: {lat: 50.05, lon: 30.05}",
         "position: {lat: 51.05, lon: 30.05}", field="assets.fixed[1].position",
         says="outside the map"),
    case("launch-area-outside-map", "{center: [0, 19000]", "{center: [0, 29000]",
         field="raids[0].launch_area.center", says="outside the map"),
    case("route-point-outside-map", "      - [5000, 15000]", "      - [50000, 15000]",
         field="raids[0].route[0]", says="outside the map"),
    case("effector-outside-map", "position: [1100, 1900]", "position: [1100, -21000]",
         field="effectors[0].position", says="outside the map"),
    # --- names that do not resolve
    case("unknown-target", "weights: {Depot: 2, Plant: 1}", "weights: {Depot: 2, Plantt: 1}",
         field="raids[0].targeting.weights.Plantt", says="unknown asset 'Plantt'"),
    case("unknown-equipment", "type: gun_airburst", "type: laser_cannon",
         field="effectors[0].type", says="unknown equipment 'laser_cannon'"),
    case("unknown-sensor", "type: radar_cuas", "type: radar_xxl",
         field="sensors[0].type", says="unknown equipment 'radar_xxl'"),
    case("unknown-threat", "    threat: owa_piston", "    threat: cruise_missile",
         field="raids[0].threat", says="unknown threat class 'cruise_missile'"),
    case("unknown-threat-in-vulnerability", "{owa_piston: 0.5}", "{owa_pistn: 0.5}",
         field="assets.fixed[0].vulnerability.owa_pistn", says="unknown threat class"),
    case("unknown-threat-in-pk", "pk: {owa_piston: 0.55}", "pk: {shahed: 0.55}",
         field="effectors[1].pk.shahed", says="unknown threat class 'shahed'"),
    case("non-air-ambush", "    threat: fpv\n    count: 5", "    threat: owa_piston\n    count: 5",
         at="mode: ambush", field="raids[1].targeting.mode", says="cannot ambush"),
    case("leak-unknown-asset", "  probability: 0.1", "  probability: 0.1\n  asset: Depot",
         at="asset: Depot", field="leak.asset", says="not a moving asset"),
    # --- duplicate names
    case("duplicate-asset", "    - name: Heli", "    - name: Depot", nth=1,
         field="assets.moving[0].name",
         says="duplicate asset name 'Depot'"),
    case("duplicate-equipment", "  - name: Turret", "  - name: Radar",
         field="sensors[1].name", says="duplicate equipment name 'Radar'"),
    case("duplicate-equipment-across", "  - name: Interceptors", "  - name: Radar",
         field="effectors[1].name", says="duplicate equipment name 'Radar'"),
    case("duplicate-raid", "  - name: Ambushers", "  - name: Wave one", nth=1,
         field="raids[1].name", says="duplicate raid name 'Wave one'"),
    # --- mounts
    case("fixed-without-position", "    position: [0, 0]\n    pk:", "    pk:",
         at="- name: Interceptors", field="effectors[1].position", says="position is required"),
    case("escort-with-position", "    mount: escort", "    mount: escort\n    position: [0, 0]",
         at="position: [0, 0]", field="sensors[1].position", says="remove 'position'"),
    # --- ground time on a flight plan
    case("ground-first-waypoint", "        - {position: [-15000, -15000]}",
         "        - {position: [-15000, -15000], ground_s: 60}", at="ground_s: 60",
         field="assets.moving[0].waypoints[0].ground_s", says="departure_s"),
    case("ground-last-waypoint", "        - position: [15000, 15000]",
         "        - {position: [15000, 15000], ground_s: 60}", at="ground_s: 60",
         field="assets.moving[0].waypoints[2].ground_s", says="the flight ends there"),
    case("ground-negative", "        - {position: [0, 5000], t_s: 600}",
         "        - {position: [0, 5000], t_s: 600, ground_s: -5}", at="ground_s: -5",
         field="assets.moving[0].waypoints[1].ground_s", says="greater than or equal to 0"),
    case("ground-on-a-site", "      value: 10\n      vulnerability: {owa_piston: 0.5}",
         "      value: 10\n      ground_s: 60\n      vulnerability: {owa_piston: 0.5}",
         at="ground_s: 60", field="assets.fixed[0].ground_s", says="ground_s"),
    case("ground-vulnerability-without-stop", "        - {position: [0, 5000], t_s: 600}",
         "        - {position: [0, 5000], t_s: 600, ground_vulnerability: {owa_piston: 1}}",
         at="ground_vulnerability", field="assets.moving[0].waypoints[1].ground_vulnerability",
         says="needs ground time"),
    case("ground-vulnerability-unknown-class", "        - {position: [0, 5000], t_s: 600}",
         "        - {position: [0, 5000], t_s: 600, ground_s: 30,\n"
         "           ground_vulnerability: {zeppelin: 1}}",
         at="ground_vulnerability",
         field="assets.moving[0].waypoints[1].ground_vulnerability.zeppelin",
         says="unknown threat class 'zeppelin'"),
    # --- finite means (stock, resupply)
    case("stock-negative", "params: {max_range_m: 3500}}",
         "params: {max_range_m: 3500}, stock: -4}", at="stock: -4",
         field="effectors[0].stock", says="greater than or equal to 0"),
    case("stock-text", "params: {max_range_m: 3500}}",
         "params: {max_range_m: 3500}, stock: lots}", at="stock: lots",
         field="effectors[0].stock", says="whole number of rounds"),
    case("stock-as-param", "params: {max_range_m: 3500}}",
         "params: {max_range_m: 3500, stock: 8}}", at="stock: 8",
         field="effectors[0].params.stock", says="own 'stock' field"),
    case("stock-without-reload", "    pk: {owa_piston: 0.55}",
         "    pk: {owa_piston: 0.55}\n    stock: 10", at="stock: 10",
         field="effectors[1].stock", says="reload_s is 0"),
    case("resupply-unlimited", "params: {max_range_m: 3500}}",
         "params: {max_range_m: 3500}, stock: null,\n     resupply: [{t_s: 60, rounds: 4}]}",
         at="resupply:", field="effectors[0].resupply", says="finite stock"),
    case("resupply-both-kinds", "params: {max_range_m: 3500}}",
         "params: {max_range_m: 3500},\n     resupply: [{t_s: 60, every_s: 60, rounds: 4}]}",
         at="resupply:", field="effectors[0].resupply[0]", says="either t_s"),
    case("resupply-after-the-end", "params: {max_range_m: 3500}}",
         "params: {max_range_m: 3500},\n     resupply: [{t_s: 99999, rounds: 4}]}",
         at="resupply:", field="effectors[0].resupply[0].t_s", says="after the end"),
    case("resupply-zero-rounds", "params: {max_range_m: 3500}}",
         "params: {max_range_m: 3500},\n     resupply: [{every_s: 60, rounds: 0}]}",
         at="resupply:", field="effectors[0].resupply[0].rounds", says="greater than or equal to 1"),
    case("resupply-too-many", "params: {max_range_m: 3500}}",
         "params: {max_range_m: 3500},\n     resupply: [{every_s: 0.01, rounds: 1}]}",
         at="resupply:", field="effectors[0].resupply[0]", says="deliveries"),
    # --- doctrine (roles, reserves, engagement zones)
    case("role-unknown", "params: {max_range_m: 3500}}",
         "params: {max_range_m: 3500}, role: sentry}", at="role: sentry",
         field="effectors[0].role", says="'both', 'escort', 'area' or 'hold'"),
    case("role-phases-overlap", "params: {max_range_m: 3500}}",
         "params: {max_range_m: 3500},\n     role: [{role: area, to_s: 900},\n"
         "            {role: escort, from_s: 600}]}", at="{role: escort",
         field="effectors[0].role[1].from_s", says="overlap"),
    case("role-phase-reversed", "params: {max_range_m: 3500}}",
         "params: {max_range_m: 3500},\n     role: [{role: area, from_s: 900, to_s: 100}]}",
         at="role: [", field="effectors[0].role[0].to_s", says="after from_s"),
    case("zone-unknown", "params: {max_range_m: 3500}}",
         "params: {max_range_m: 3500}, zones: [Nowhere]}", at="zones: [Nowhere]",
         field="effectors[0].zones[0]", says="unknown engagement zone 'Nowhere'"),
    case("zone-test-unknown", "params: {max_range_m: 3500}}",
         "params: {max_range_m: 3500}, zone_test: both}", at="zone_test: both",
         field="effectors[0].zone_test", says="impact"),
    case("escorts-a-site", "params: {max_range_m: 3500}}",
         "params: {max_range_m: 3500}, escorts: Depot}", at="escorts: Depot",
         field="effectors[0].escorts", says="not a moving asset"),
    case("reserve-negative", "params: {max_range_m: 3500}}",
         "params: {max_range_m: 3500}, reserve: {rounds: -2}}", at="reserve:",
         field="effectors[0].reserve.rounds", says="greater than or equal to 0"),
    case("zone-duplicate", "  weapons_free_zones:",
         "  engagement_zones:\n    - {name: Z, center: [0, 0], radius_m: 100}\n"
         "    - {name: Z, center: [0, 0], radius_m: 200}\n  weapons_free_zones:",
         at="radius_m: 200", field="c2.engagement_zones[1].name", says="duplicate"),
]


def _check(err: InputError, c: Case, path: Path) -> None:
    assert err.file == str(path)
    assert err.line == c.line, f"{err} (expected line {c.line})"
    assert err.field == c.field, str(err)
    assert c.says in err.message, str(err)
    # The field path must name a place that exists in the file (or the missing key in one).
    if c.field is not None:
        top = c.field.split(".")[0].split("[")[0]
        assert top in c.text


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_api_names_file_line_field(tmp_path: Path, c: Case) -> None:
    path = write(tmp_path, c.text)
    with pytest.raises(InputError) as info:
        load_scenario(path)
    _check(info.value, c, path)


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_cli_one_line_exit_2(tmp_path: Path, c: Case, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, c.text)
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    where = f"{path}:{c.line}" if c.line is not None else str(path)
    assert lines[0].startswith(f"skyshield: error: {where}")
    if c.field is not None:
        assert f"field '{c.field}'" in lines[0]
    assert c.says in lines[0]


def test_base_is_valid(tmp_path: Path) -> None:
    sc = load_scenario(write(tmp_path, BASE))
    assert [a.name for a in sc.assets.fixed] == ["Depot", "Plant"]
    assert main(["validate", str(write(tmp_path, BASE, "b.yaml"))]) == 0


# --------------------------------------------------------------------------- whole-file cases

FILE_CASES: list[tuple[str, bytes | None, int | None, str]] = [
    ("empty", b"", 1, "empty"),
    ("comment-only", b"# nothing here\n\n", 1, "empty"),
    ("top-level-list", b"- name: a\n- name: b\n", 1, "must be a YAML mapping"),
    ("top-level-scalar", b"just text\n", 1, "must be a YAML mapping"),
    ("non-utf8", BASE.encode().replace(b"Depot\n", b"D\xe9p\xf4t\n", 1),
     line_of(BASE, "name: Depot"), "not a UTF-8 text file"),
    ("nul-character", BASE.encode().replace(b"name: base", b"name: ba\x00se"),
     line_of(BASE, "name: base"), "not allowed in YAML"),
    ("recursive-alias", b"name: &a [*a]\n", 1, "recursive alias"),
    ("two-documents", b"name: a\n---\nname: b\n", 2,
     "expected a single document in the stream, but found another document"),
    ("complex-key", b"name: a\n? [a, b]\n: 1\n", 2, "mapping keys must be plain scalars"),
    ("alias-bomb", (b"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                    + b"".join(b"%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n"
                               % ((c,) * 2 + (c - 1,) * 10) for c in range(ord("b"), ord("h")))),
     None, "too many values"),
]


@pytest.mark.parametrize(("id", "data", "line", "says"), FILE_CASES,
                         ids=[c[0] for c in FILE_CASES])
def test_whole_file_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str], id: str,
                             data: bytes, line: int | None, says: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert says in info.value.message
    if line is not None:
        assert info.value.line == line, str(info.value)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and says in err[0] and str(path) in err[0]


def test_missing_file_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path, says in ((tmp_path / "nope.yaml", "file not found"),
                       (tmp_path, "is a directory")):
        with pytest.raises(InputError, match=says) as info:
            load_scenario(path)
        assert info.value.file == str(path) and info.value.line is None
        assert main(["validate", str(path)]) == 2
        err = capsys.readouterr().err.splitlines()
        assert err == [f"skyshield: error: {path}: {info.value.message}"]


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    assert load_scenario(path).name == "base"


def test_the_python_tag_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = mutate("name: base", f"name: !!python/object/apply:os.system ['touch {marker}']")
    with pytest.raises(InputError):
        load_scenario(write(tmp_path, text))
    assert not marker.exists()


def test_merge_keys_and_anchors(tmp_path: Path) -> None:
    # Merge keys fill in what the mapping does not say; the mapping's own keys win, and an
    # error in a key written beside the merge still points at its own line.
    text = mutate("  fixed:\n    - name: Depot",
                  "  fixed:\n    - &site {name: Tmp, position: [0, 0], value: 1,"
                  " vulnerability: {owa_piston: 0.3}}\n    - name: Depot")
    text = mutate("    - {name: Plant, position: {lat: 50.05, lon: 30.05}, value: 20, radius_m: 300,\n"
                  "       vulnerability: {owa_piston: 0.4, fpv: 0.1}}",
                  "    - <<: *site\n      name: Plant\n      value: 20", text)
    sc = load_scenario(write(tmp_path, text))
    plant = sc.assets.fixed[2]
    assert (plant.name, plant.value, plant.position) == ("Plant", 20.0, (0.0, 0.0))
    assert plant.vulnerability == {"owa_piston": 0.3}
    bad = mutate("      value: 20", "      value: -20", text)
    with pytest.raises(InputError) as info:
        load_scenario(write(tmp_path, bad, "bad.yaml"))
    assert (info.value.field, info.value.line) == ("assets.fixed[2].value",
                                                   line_of(bad, "value: -20"))


def test_yaml12_exponent_numbers(tmp_path: Path) -> None:
    text = mutate("params: {max_range_m: 3500}", "params: {max_range_m: 3.5e3}")
    text = mutate("duration_s: 3600", "duration_s: 36e2", text)
    sc = load_scenario(write(tmp_path, text))
    assert sc.duration_s == 3600.0 and sc.effectors[0].params["max_range_m"] == 3500.0
    # quoted, it stays text, and text is not a number
    with pytest.raises(InputError, match="expected a number"):
        load_scenario(write(tmp_path, mutate("duration_s: 3600", "duration_s: '36e2'"), "q.yaml"))


def test_only_the_first_problem_is_reported_with_a_count(tmp_path: Path) -> None:
    text = mutate("    count: 30", "    count: -1")
    text = mutate("radius_m: 800}", "radius_m: -800}", text)
    with pytest.raises(InputError) as info:
        load_scenario(write(tmp_path, text))
    assert info.value.field == "raids[0].count"
    assert info.value.message.endswith("[and 1 more problem]")


@pytest.mark.parametrize("c", [c for c in CASES if c.id in {"text-for-speed", "yaml-python-tag"}],
                         ids=lambda c: c.id)
def test_installed_command_exit_2_without_traceback(tmp_path: Path, c: Case) -> None:
    path = write(tmp_path, c.text)
    exe = Path(sys.executable).with_name("skyshield")
    proc = subprocess.run([str(exe), "validate", str(path)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONWARNINGS": "error"})
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert f"{path}:{c.line}, field '{c.field}'" in proc.stderr


def test_a_misspelt_key_or_name_gets_a_did_you_mean(tmp_path) -> None:
    """The unknown key is reported before the field it hides ("missing"), with the closest
    field; an unknown equipment class with the closest class."""
    from skyshield.errors import InputError
    from skyshield.scenario import load_scenario
    from testkit import FLAGSHIP

    text = FLAGSHIP.read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("    count: 140", "    cout: 140", 1))
    with pytest.raises(InputError) as exc:
        load_scenario(bad)
    assert "unknown key 'cout' — did you mean 'count'?" in str(exc.value)
    assert exc.value.line == text.splitlines().index("    count: 140") + 1
    bad.write_text(text.replace("type: radar_mr", "type: radar_m", 1))
    with pytest.raises(InputError, match="did you mean 'radar_mr'"):
        load_scenario(bad)
