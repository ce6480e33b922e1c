"""What terrain masking does to the flagship: ``examples/vip-transit-terrain.yaml`` (the
flagship over an 800 m synthetic relief) against the same scenario with ``terrain: none``
(flat Earth), paired replication by replication (common random numbers; docs/model.md §4.9).

Run: ``.venv/bin/python -m benchmarks.terrain_value [-n 500] [--seed 1]``. Prints, for each
sensor, P(detect) = drones it held a track on ÷ drones launched on flat Earth and over the
terrain with the paired difference and its 95 % interval; then P(each moving asset lost),
the value lost at the fixed sites and the rounds fired per replication, flat and over the
terrain, with the paired differences (95 % normal intervals on the per-replication
differences). The numbers are those of :func:`skyshield.analysis.terrain_value.terrain_value`,
the function behind ``skyshield report DIR --terrain-value N`` (docs/terrain.md).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "vip-transit-terrain.yaml"


def _pct(p: Any) -> str:
    return "—" if p is None else f"{100 * p:.2f} %"


def _ci(ci: list[Any], scale: float = 100.0, fmt: str = "+.2f") -> str:
    if ci[0] is None or ci[1] is None:
        return "[—]"
    return f"[{scale * ci[0]:{fmt}}, {scale * ci[1]:{fmt}}]"


def _row(cells: list[str], widths: tuple[int, ...]) -> str:
    return " ".join(c.ljust(w) if k < 2 else c.rjust(w)
                    for k, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()


def table(tv: dict[str, Any]) -> str:
    """The result of ``terrain_value`` as plain-text tables."""
    flat, hills = tv["settings"][0], tv["settings"][-1]
    ter = tv["terrain"]
    lines = [f"{tv['scenario']}: {tv['replications']} paired replications, seed {tv['seed']}; "
             f"terrain {ter['source']}, relief {ter['relief_m']:g} m, cell {ter['cell_m']:g} m",
             ""]
    w1 = (22, 9, 26, 26, 26)
    lines.append(_row(["sensor", "kind", "P(detect) flat [95 %]",
                       "over the terrain [95 %]", "Δ paired, pt [95 %]"], w1))
    for a, b in zip(flat["sensors"], hills["sensors"], strict=True):
        lines.append(_row([a["name"], a["kind"],
                           f"{_pct(a['p_detect'])} {_ci(a['p_detect_ci95'], fmt='.2f')}",
                           f"{_pct(b['p_detect'])} {_ci(b['p_detect_ci95'], fmt='.2f')}",
                           f"{100 * b['d_p_detect']:+.2f} {_ci(b['d_p_detect_ci95'])}"], w1))
    w2 = (38, 0, 26, 26, 26)
    lines += ["", _row(["measure", "", "flat [95 %]", "over the terrain [95 %]",
                        "Δ paired [95 %]"], w2)]
    for a, b in zip(flat["assets"], hills["assets"], strict=True):
        lines.append(_row([f"P({a['name']} lost)", "",
                           f"{_pct(a['p_loss'])} {_ci(a['p_loss_ci95'], fmt='.2f')}",
                           f"{_pct(b['p_loss'])} {_ci(b['p_loss_ci95'], fmt='.2f')}",
                           f"{100 * b['d_p_loss']:+.2f} pt {_ci(b['d_p_loss_ci95'])}"], w2))
    for key, name in (("site_value", "value lost at the sites / replication"),
                      ("rounds", "rounds fired / replication")):
        lines.append(_row([name, "",
                           f"{flat[key]:.2f} {_ci(flat[f'{key}_ci95'], 1.0, '.2f')}",
                           f"{hills[key]:.2f} {_ci(hills[f'{key}_ci95'], 1.0, '.2f')}",
                           f"{hills[f'd_{key}']:+.2f} {_ci(hills[f'd_{key}_ci95'], 1.0)}"], w2))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="terrain_value", description=__doc__)
    ap.add_argument("-n", "--replications", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    from skyshield.analysis.terrain_value import terrain_value
    from skyshield.scenario import load_scenario

    t0 = time.perf_counter()
    tv = terrain_value(load_scenario(EXAMPLE), replications=args.replications, seed=args.seed)
    print(table(tv))
    print(f"\n({time.perf_counter() - t0:.0f} s for both settings)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
