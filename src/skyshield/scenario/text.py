"""What ``skyshield validate`` and ``skyshield catalogue`` print: a scenario's contents and
the equipment catalogue, as JSON text or for the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.scenario.catalogue import Catalogue
    from skyshield.scenario.schema import Scenario


def scenario_info(sc: Scenario) -> dict[str, Any]:
    """How many assets, raids, drones, sensors and effectors a (valid) scenario holds, and
    its timeline (:func:`skyshield.scenario.timeline.timeline`)."""
    from skyshield.scenario.ground import terrain_grid
    from skyshield.scenario.timeline import timeline

    info: dict[str, Any] = {
        "scenario": sc.name, "valid": True,
        "assets": len(sc.assets.fixed) + len(sc.assets.moving),
        "raids": len(sc.raids), "drones": sum(r.count for r in sc.raids),
        "sensors": len(sc.sensors), "effectors": len(sc.effectors),
        "duration_s": sc.duration_s, "timeline": timeline(sc),
    }
    grid = terrain_grid(sc)
    if grid is not None:  # (flat Earth: no key, as before terrain existed)
        info["terrain"] = {"source": "synthetic" if sc.terrain.source == "synthetic"
                           else "file", "nodes": [grid.shape[1], grid.shape[0]],
                           "cell_m": grid.cell, "min_m": float(grid.z.min()),
                           "max_m": float(grid.z.max())}
    return info


def _clock(t: float) -> str:
    """``t`` seconds as ``h:mm:ss`` (and the seconds)."""
    s = round(t)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d} ({t:,.0f} s)"


def _event_line(e: dict[str, Any]) -> str:
    from skyshield.display import term

    what, name = e["what"], term(e["name"])
    if what == "arrival":
        return (f"{name} arrives after {e['flight_s']:,.0f} s "
                f"({e['distance_m'] / 1000:,.1f} km flown)")
    if what == "ground stop":
        return f"{name} on the ground until {_clock(e['until_s'])}"
    if what == "raid launches":
        return (f"raid {name} launches {e['count']} × {term(e['threat'])} until "
                f"{_clock(e['until_s'])}")
    if what == "leak":
        return (f"leak of {name}'s plan: p = {e['probability']:g}, {e['count']} × "
                f"{term(e['threat'])} waiting on its route from {e['lead_s']:g} s before it "
                "passes")
    return f"{name} departs"


def scenario_json(sc: Scenario) -> str:
    """:func:`scenario_info` as one line of JSON (``skyshield validate --json``)."""
    return json.dumps(scenario_info(sc)) + "\n"


def describe_scenario(sc: Scenario, path: str | Path) -> str:
    """What ``skyshield validate`` prints: a line naming the file and what it holds, then
    the timeline, an event a line."""
    from skyshield.display import plural, term

    info = scenario_info(sc)
    head = (f"{term(path)}: valid — {plural(info['assets'], 'asset')}, "
            f"{plural(info['raids'], 'raid')} ({plural(info['drones'], 'drone')}), "
            f"{plural(info['sensors'], 'sensor')}, {plural(info['effectors'], 'effector')}; "
            f"{info['duration_s']:,.0f} s simulated\n")
    lines = [f"  {_clock(e['t_s']) if e['t_s'] is not None else 'if leaked'}  "
             f"{_event_line(e)}\n" for e in info["timeline"]]
    ter = info.get("terrain")
    if ter is not None:
        what = ("synthetic relief" if ter["source"] == "synthetic"
                else f"elevation file {term(sc.terrain.source)}")
        head += (f"  terrain: {what}, {ter['nodes'][0]:,} × {ter['nodes'][1]:,} nodes of "
                 f"{ter['cell_m']:g} m, ground {ter['min_m']:,.0f}–{ter['max_m']:,.0f} m above "
                 f"sea level; line of sight over it for radar, EO/IR and every engagement\n")
    return head + "".join(lines)


def _sections(cat: Catalogue) -> dict[str, Any]:
    return {"threats": cat.threats, "sensors": cat.sensors, "effectors": cat.effectors}


def catalogue_json(cat: Catalogue) -> str:
    """Every class with its description, parameters, kill probabilities and sources
    (``skyshield catalogue --json``)."""
    return json.dumps({sec: {name: {**({"kind": e.kind} if e.kind is not None else {}),
                                    "description": e.description, "params": e.params,
                                    "pk": e.pk, "sources": e.sources}
                             for name, e in entries.items()}
                       for sec, entries in _sections(cat).items()}, indent=1) + "\n"


def describe_catalogue(cat: Catalogue) -> str:
    """One rich table per section, rendered for this process's console
    (``skyshield catalogue``)."""
    from rich.table import Table

    from skyshield.display import console as safe_console

    console = safe_console()
    with console.capture() as cap:
        for sec, entries in _sections(cat).items():
            table = Table(title=sec, show_lines=False)
            table.add_column("class")
            if sec != "threats":
                table.add_column("kind")
            table.add_column("description")
            table.add_column("parameters")
            for name, e in entries.items():
                params = ", ".join(f"{k}={v:g}" for k, v in e.params.items())
                if e.pk:
                    params += "; pk: " + ", ".join(f"{k}={v:g}" for k, v in e.pk.items())
                kind = [] if sec == "threats" else [e.kind or ""]
                table.add_row(name, *kind, e.description, params)
            console.print(table)
        console.print("Sources: docs/catalogue.md")
    return cap.get()
