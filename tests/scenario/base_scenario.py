"""A small valid scenario used by the scenario tests, and helpers to mutate it.

Every section of the schema appears once, in both block and flow style, so that each bad-input
case can be made by replacing one exact snippet, and the expected line found by searching the
text, independently of the loader.
"""

from __future__ import annotations

from pathlib import Path

BASE = """\
# a scenario for the tests
name: base
origin: {lat: 50.0, lon: 30.0}
area: {west_m: -20000, east_m: 20000, south_m: -20000, north_m: 20000}
duration_s: 3600
assets:
  fixed:
    - name: Depot
      position: [1000, 2000]
      value: 10
      vulnerability: {owa_piston: 0.5}
    - {name: Plant, position: {lat: 50.05, lon: 30.05}, value: 20, radius_m: 300,
       vulnerability: {owa_piston: 0.4, fpv: 0.1}}
  moving:
    - name: Heli
      value: 100
      waypoints:
        - {position: [-15000, -15000]}
        - {position: [0, 5000], t_s: 600}
        - position: [15000, 15000]
      speed_mps: 60
      vulnerability: {fpv: 0.7}
raids:
  - name: Wave one
    threat: owa_piston
    count: 30
    launch_area: {center: [0, 19000], radius_m: 800}
    launch: {start_s: 0, end_s: 1800, times_s: [0, 600], rates: [1, 2]}
    targeting:
      weights: {Depot: 2, Plant: 1}
      scatter_m: 100
    route:
      - [5000, 15000]
      - {lat: 50.1, lon: 30.02}
  - name: Ambushers
    threat: fpv
    count: 5
    launch_area: {center: [0, 8000], radius_m: 500}
    launch: {end_s: 1200}
    targeting: {weights: {Heli: 1}, mode: ambush}
leak:
  probability: 0.1
  threat: fpv
  count: 4
  launch_area: {center: [2000, 6000], radius_m: 400}
sensors:
  - {name: Radar, type: radar_cuas, position: [900, 2100]}
  - name: Turret
    type: eo_ir
    mount: escort
effectors:
  - {name: Gun, type: gun_airburst, position: [1100, 1900], params: {max_range_m: 3500}}
  - name: Interceptors
    type: interceptor_drone
    position: [0, 0]
    pk: {owa_piston: 0.55}
c2:
  cycle_s: 2
  weapons_free_zones:
    - {center: [1000, 2000], radius_m: 3000}
"""


def line_of(text: str, snippet: str, nth: int = 0) -> int:
    """1-based line of the ``nth`` line of ``text`` that contains ``snippet``."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if snippet in line]
    assert len(hits) > nth, f"{snippet!r} not in the text"
    return hits[nth]


def mutate(old: str, new: str, text: str = BASE) -> str:
    """``text`` with the single occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
