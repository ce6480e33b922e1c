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
    """How many assets, raids, drones, sensors and effectors a (valid) scenario holds."""
    return {
        "scenario": sc.name, "valid": True,
        "assets": len(sc.assets.fixed) + len(sc.assets.moving),
        "raids": len(sc.raids), "drones": sum(r.count for r in sc.raids),
        "sensors": len(sc.sensors), "effectors": len(sc.effectors),
    }


def scenario_json(sc: Scenario) -> str:
    """:func:`scenario_info` as one line of JSON (``skyshield validate --json``)."""
    return json.dumps(scenario_info(sc)) + "\n"


def describe_scenario(sc: Scenario, path: str | Path) -> str:
    """One line naming the file and what it holds (``skyshield validate``)."""
    from skyshield.display import term

    info = scenario_info(sc)
    return (f"{term(path)}: valid — {info['assets']} assets, {info['raids']} raids "
            f"({info['drones']} drones), {info['sensors']} sensors, "
            f"{info['effectors']} effectors\n")


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
