"""The human-readable summary of a run (``skyshield run`` prints it): :meth:`Results.describe`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from skyshield.args import Objective
    from skyshield.results.core import Results


def _pct(p: float | None) -> str:
    return "—" if p is None else f"{100 * p:5.2f} %"


def _ci(ci: list[float | None]) -> str:
    return f"[{_pct(ci[0])}, {_pct(ci[1])}]"


def _given(g: dict[str, Any]) -> str:
    """``P [lo, hi] (k/n)`` of a conditional loss probability."""
    if not g["replications"]:
        return "— (0 replications)"
    lo, hi = g["p_loss_ci95"]
    return (f"{_pct(g['p_loss'])} [{100 * lo:.2f}, {100 * hi:.2f}] "
            f"({g['losses']}/{g['replications']})")


def describe_results(res: Results, out: Path | None = None,
                     objective: Objective | None = None) -> str:
    """The summary as the terminal shows it: rich tables, rendered for this process's console
    (its width; colours only on a terminal). ``out``: the folder the run was saved in;
    ``objective``: printed with its interval at the end. Names are printed as they are, never
    as markup or escape sequences (:func:`skyshield.display.console`)."""
    from skyshield.display import console as safe_console

    console = safe_console()
    with console.capture() as cap:
        _print_summary(console, res, out, objective)
    return cap.get()


def objective_line(block: dict[str, Any]) -> str:
    """One line for an objective block (:func:`~skyshield.results.objective.objective_from_summary`)."""
    lo, hi = block["ci95"]
    if block["interval"] == "wilson":
        return (f"Objective ({block['objective']}: {block['measures']}): "
                f"{_pct(block['value'])} {_ci([lo, hi])} (95 % Wilson interval)")
    return (f"Objective ({block['objective']}: {block['measures']}): {block['value']:,.2f} "
            f"[{lo:,.2f}, {hi:,.2f}] per replication (mean, 95 % normal interval)")


def _print_summary(console: Console, res: Results, out: Path | None,
                   objective: Objective | None) -> None:
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
    n_leak = s["assets"][0]["given_leak"]["replications"] if s["assets"] else 0
    if n_leak:
        t = Table(title=f"Loss probability if the flight plan leaked ({n_leak} replications) "
                        f"and if not (%, 95 % Wilson interval, losses/replications)")
        for col in ("asset", "P(loss | leak)", "P(loss | no leak)"):
            t.add_column(col, justify="left" if col == "asset" else "right")
        for a in s["assets"]:
            t.add_row(a["name"], _given(a["given_leak"]), _given(a["given_no_leak"]))
        console.print(t)
    else:
        console.print("The flight plan did not leak in any replication.")
    t = Table(title="Losses by cause (probability per replication, 95 % Wilson interval)")
    for col in ("asset", "cause", "P", "95 % interval", "losses"):
        t.add_column(col, justify="left" if col in ("asset", "cause") else "right")
    for a in s["assets"]:
        for c in a["causes"]:
            t.add_row(a["name"], c["cause"], _pct(c["p"]), _ci(c["p_ci95"]), str(c["losses"]))
    if t.row_count:
        console.print(t)
    else:
        console.print("No asset was lost.")
    th = s["threats"]
    console.print(f"Drones per replication: launched {th['launched_mean']:.1f}, killed "
                  f"{th['killed_mean']:.1f}, leaked {th['leaked_mean']:.1f}, expired "
                  f"{th['expired_mean']:.1f}")
    t = Table(title="Waves (mean per replication; rounds and their cost at the wave's drones)")
    for col in ("wave", "launched", "killed", "leaked", "expired", "rounds", "cost (USD)"):
        t.add_column(col, justify="left" if col == "wave" else "right")
    for w in th["waves"]:
        t.add_row(w["name"], f"{w['launched_mean']:.1f}", f"{w['killed_mean']:.1f}",
                  f"{w['leaked_mean']:.1f}", f"{w['expired_mean']:.1f}",
                  f"{w['shots_mean']:.1f}", f"{w['defence_cost_mean']:,.0f}")
    console.print(t)
    t = Table(title="Rounds and kills by wave × effector (mean per replication)")
    for col in ("wave", "effector", "rounds", "kills", "cost (USD)"):
        t.add_column(col, justify="left" if col in ("wave", "effector") else "right")
    for we in s["wave_effectors"]:
        t.add_row(we["wave"], we["effector"], f"{we['shots_mean']:.2f}",
                  f"{we['kills_mean']:.2f}", f"{we['cost_mean']:,.0f}")
    if t.row_count:
        console.print(t)
    t = Table(title="Effectors (mean per replication)")
    for col in ("effector", "shots", "kills", "cost (USD)", "cost per kill"):
        t.add_column(col, justify="left" if col == "effector" else "right")
    for e in s["effectors"]:
        cpk = "—" if e["cost_per_kill"] is None else f"{e['cost_per_kill']:,.0f}"
        t.add_row(e["name"], f"{e['shots_mean']:.2f}", f"{e['kills_mean']:.2f}",
                  f"{e['cost_mean']:,.0f}", cpk)
    console.print(t)
    t = Table(title="Sensors: P(detect) = drones it held a track on ÷ drones launched "
                    "(95 % interval)")
    for col in ("sensor", "kind", "tracked (mean)", "P(detect)", "95 % interval (%)"):
        t.add_column(col, justify="left" if col in ("sensor", "kind") else "right")
    for x in s.get("sensors", []):
        tm = "—" if x["tracked_mean"] is None else f"{x['tracked_mean']:.1f}"
        lo, hi = x["p_detect_ci95"]
        ci = "—" if lo is None or hi is None else f"[{100 * lo:.2f}, {100 * hi:.2f}]"
        t.add_row(x["name"], x["kind"], tm, _pct(x["p_detect"]), ci)
    if t.row_count:
        console.print(t)
    t = Table(title="Means: magazine, stock and when each effector runs dry (Winchester)")
    for col in ("effector", "magazine", "stock", "delivered", "P(runs dry)",
                "median time dry", "rounds left"):
        t.add_column(col, justify="left" if col == "effector" else "right")
    for e in s["effectors"]:
        if e.get("magazine") is None:
            continue  # a jammer
        stock = "unlimited" if e["stock"] is None else f"{e['stock']}"
        when = "—" if e["dry_time_median_s"] is None else \
            f"{e['dry_time_median_s'] / 60:.1f} min"
        left = "—" if e["rounds_left_mean"] is None else f"{e['rounds_left_mean']:.1f}"
        t.add_row(e["name"], f"{e['magazine']}", stock, f"{e['delivered']}",
                  _pct(e["p_dry"]), when, left)
    console.print(t)
    c = s["cost"]
    cer = "—" if c["exchange_ratio"] is None else f"{c['exchange_ratio']:.3f}"
    cpk = "—" if c["cost_per_kill"] is None else f"{c['cost_per_kill']:,.0f} USD"
    console.print(f"Cost: defence {c['defence_mean']:,.0f} USD, attack {c['attack_mean']:,.0f} "
                  f"USD, of which killed {c['attack_killed_mean']:,.0f} USD; exchange ratio "
                  f"{cer} (attack cost of the drones killed ÷ defence cost); cost per kill "
                  f"{cpk}")
    ff = s["friendly_fire"]
    console.print(f"Friendly fire: P(engagement of own aircraft) {_pct(ff['p_event'])}")
    if objective is not None:
        from skyshield.results.objective import objective_from_summary

        console.print(objective_line(objective_from_summary(objective, s)))
    if out is not None:
        console.print(f"Results: {out}/results.duckdb, {out}/parquet/, {out}/summary.json, "
                      f"{out}/plots/")
