"""The human-readable summary of a run (``skyshield run`` prints it): :meth:`Results.describe`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from skyshield.results.core import Results


def _pct(p: float | None) -> str:
    return "—" if p is None else f"{100 * p:5.2f} %"


def describe_results(res: Results, out: Path | None = None) -> str:
    """The summary as the terminal shows it: rich tables, rendered for this process's console
    (its width; colours only on a terminal). ``out``: the folder the run was saved in.
    Names are printed as they are, never as markup or escape sequences
    (:func:`skyshield.display.console`)."""
    from skyshield.display import console as safe_console

    console = safe_console()
    with console.capture() as cap:
        _print_summary(console, res, out)
    return cap.get()


def _print_summary(console: Console, res: Results, out: Path | None) -> None:
    from rich.table import Table
    from rich.text import Text

    from skyshield.display import term

    s = res.summary
    console.print(Text.assemble((term(s["scenario"]), "bold"),
                                f": {s['replications']} replications, seed {s['seed']}"))
    t = Table(title="Loss probability (95 % Wilson interval)")
    t.add_column("asset")
    t.add_column("kind")
    t.add_column("P(loss)", justify="right")
    t.add_column("95 % interval", justify="right")
    for a in s["assets"]:
        lo, hi = a["p_loss_ci95"]
        t.add_row(a["name"], a["kind"], _pct(a["p_loss"]), f"[{_pct(lo)}, {_pct(hi)}]")
    console.print(t)
    th = s["threats"]
    console.print(f"Drones per replication: launched {th['launched_mean']:.1f}, killed "
                  f"{th['killed_mean']:.1f}, leaked {th['leaked_mean']:.1f}, expired "
                  f"{th['expired_mean']:.1f}")
    t = Table(title="Effectors (mean per replication)")
    for col in ("effector", "shots", "kills", "cost (USD)", "cost per kill"):
        t.add_column(col, justify="left" if col == "effector" else "right")
    for e in s["effectors"]:
        cpk = "—" if e["cost_per_kill"] is None else f"{e['cost_per_kill']:,.0f}"
        t.add_row(e["name"], f"{e['shots_mean']:.2f}", f"{e['kills_mean']:.2f}",
                  f"{e['cost_mean']:,.0f}", cpk)
    console.print(t)
    c = s["cost"]
    cer = "—" if c["exchange_ratio"] is None else f"{c['exchange_ratio']:.3f}"
    console.print(f"Cost: defence {c['defence_mean']:,.0f} USD, attack {c['attack_mean']:,.0f} "
                  f"USD, exchange ratio {cer} (attacker cost per drone ÷ defender cost per kill)")
    ff = s["friendly_fire"]
    console.print(f"Friendly fire: P(engagement of own aircraft) {_pct(ff['p_event'])}")
    if out is not None:
        console.print(f"Results: {out}/results.duckdb, {out}/parquet/, {out}/summary.json, "
                      f"{out}/plots/")
