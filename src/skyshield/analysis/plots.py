"""The sensitivity (tornado) chart of a fault analysis (matplotlib, Agg backend, PNG)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.analysis.faults import FaultReport
    from skyshield.analysis.frontier import FrontierResult


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def tornado_chart(report: FaultReport, path: str | Path | BinaryIO) -> str | Path | BinaryIO:
    """Draw the change of the objective (by default the VIP's loss probability) when each
    main parameter moves to its low and its high setting, largest swing on top, with paired
    95 % intervals; the single-failure ranking (top 10) is drawn beside it. ``path``: a file
    name or a binary file object to write the PNG to; returned.
    """
    from skyshield.results.plots import plain_text

    with plain_text():
        return _tornado_chart(report, path)


def _tornado_chart(report: FaultReport, path: str | Path | BinaryIO) -> str | Path | BinaryIO:
    plt = _pyplot()
    d = report.to_dict()
    fig, (ax, bx) = plt.subplots(1, 2, figsize=tornado_size(d))
    draw_tornado(ax, bx, d)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)
    return path


def tornado_size(d: dict[str, Any]) -> tuple[float, float]:
    """The figure size (inches) of :func:`draw_tornado` for the fault analysis ``d``."""
    return 13.0, 0.45 * max(len(d["sensitivity"]), min(len(d["faults"]), 10), 4) + 1.8


def draw_tornado(ax: Any, bx: Any, d: dict[str, Any]) -> None:
    """Draw a fault analysis (``faults.json``, :meth:`FaultReport.to_dict`): on ``ax`` the
    change of the objective (by default the VIP's loss probability) when each main parameter
    moves to its low and its high setting, largest swing on top, with paired 95 % intervals;
    on ``bx`` the single-failure ranking (top 10)."""
    sens = d["sensitivity"]
    faults = d["faults"][:10]
    ob = d.get("objective") or {}
    measures = ob.get("measures", f"P(loss of {d['vip']})")
    base = d["baseline"]["objective"]["value"]
    ys = list(range(len(sens)))[::-1]
    for y, s in zip(ys, sens, strict=True):
        # low above high, half a bar each: both stay visible when they fall on one side
        for side, colour, yy in (("low", "tab:blue", y + 0.18), ("high", "tab:red", y - 0.18)):
            if side not in s:
                continue
            b = s[side]["objective"]
            lo, hi = b["delta_ci95"]
            ax.barh(yy, b["delta"], color=colour, alpha=0.75, height=0.36,
                    label=f"{side} setting" if y == ys[0] else None)
            ax.errorbar(b["delta"], yy, xerr=[[b["delta"] - lo], [hi - b["delta"]]],
                        fmt="none", ecolor="0.2", capsize=2, lw=0.8)
            # the setting's label sits beyond the interval, on the side away from zero
            right = b["delta"] > 0 or (b["delta"] == 0 and side == "high")
            ax.annotate(s[side]["label"], (hi if right else lo, yy), xytext=(4 if right else -4, 0),
                        textcoords="offset points", va="center",
                        ha="left" if right else "right", fontsize=7)
    ax.axvline(0.0, color="black", lw=0.8)
    ax.margins(x=0.18)  # room for the setting labels beyond the bars
    ax.set_yticks(ys, [s["parameter"] for s in sens])
    num = ".2f" if ob.get("objective") == "value" else ".3f"
    ax.set_xlabel(f"change of {measures}  (baseline {base:{num}})")
    ax.set_title("Sensitivity (low / high setting of each parameter)")
    if sens:
        ax.legend(loc="lower right", fontsize=7)
    yf = list(range(len(faults)))[::-1]
    for y, f in zip(yf, faults, strict=True):
        oc = f["objective"]
        lo, hi = oc["delta_ci95"]
        colour = "crimson" if f["single_point_of_failure"] else (
            "tab:orange" if f["significant"] else "0.6")
        bx.barh(y, oc["delta"], color=colour, height=0.6)
        bx.errorbar(oc["delta"], y, xerr=[[oc["delta"] - lo], [hi - oc["delta"]]], fmt="none",
                    ecolor="0.2", capsize=2, lw=0.8)
    bx.axvline(0.0, color="black", lw=0.8)
    bx.set_yticks(yf, [f["description"] for f in faults], fontsize=7)
    bx.set_xlabel(f"change of {measures}")
    bx.set_title("Single failures (red: single point of failure)")
    bx.figure.suptitle(f"{d['scenario']}: {d['replications']} replications, seed {d['seed']}, "
                       "common random numbers", fontsize=9)


def draw_frontier(ax: Any, d: dict[str, Any]) -> None:
    """Draw a frontier (the ``frontier.json`` object, :meth:`FrontierResult.to_dict`): P(VIP
    lost) against the expected value lost at the fixed sites, one point per design with its
    95 % intervals; the frontier joined, safest for the VIP first; design 0 (the scenario as
    written) marked. Designs on the same point share one marker and label."""
    designs = d["designs"]
    names = [x["name"] for x in designs]
    frontier = [names.index(n) for n in d["frontier"]]
    front = set(frontier)
    spots: dict[tuple[float, float], list[int]] = {}
    for k, x in enumerate(designs):
        spots.setdefault((x["p_vip"], x["site_value"]), []).append(k)
    placed: list[tuple[float, float]] = []
    for ks in sorted(spots.values(), key=lambda ks: 0 in ks):  # design 0 drawn last
        k = ks[0]
        x = designs[k]
        px, py = 100.0 * x["p_vip"], x["site_value"]
        xlo, xhi = (100.0 * v for v in x["p_vip_ci95"])
        ylo, yhi = x["site_value_ci95"]
        colour = "black" if 0 in ks else ("tab:red" if k in front else "0.6")
        ax.errorbar([px], [py], xerr=[[px - xlo], [xhi - px]], yerr=[[py - ylo], [yhi - py]],
                    fmt="s" if 0 in ks else "o", color=colour, ecolor=colour, alpha=0.85,
                    capsize=2, lw=0.8, ms=6, zorder=3 if 0 in ks else 2)
        label = " = ".join(f"{j}: {designs[j]['name']}" for j in ks)
        # labels of nearby points alternate above and below their marker
        near = sum(1 for (qx, qy) in placed if abs(qx - px) < 1.0 and abs(qy - py) < 1.5)
        placed.append((px, py))
        ax.annotate(label, (px, py), xytext=(5, 4 - 11 * (near % 2) - 11 * (near // 2)),
                    textcoords="offset points", fontsize=7, color=colour)
    ax.plot([100.0 * designs[i]["p_vip"] for i in frontier],
            [designs[i]["site_value"] for i in frontier], color="tab:red", lw=1.2, alpha=0.7,
            label="frontier")
    ax.plot([], [], "s", color="black", label="the scenario as written")
    ax.plot([], [], "o", color="0.6", label="dominated design")
    ax.set_xlabel(f"P(loss of {d['vip']}) (%; 95 % Wilson interval)")
    ax.set_ylabel("expected value lost at the fixed sites (value units; 95 % interval)")
    separated = sum(1 for n in d["neighbours"] if n["separated"])
    ax.set_title(
        f"{d['scenario']}: the escort/area split — {len(designs)} designs, "
        f"{d['replications']} replications each, seed {d['seed']}, common random numbers\n"
        "bars: each design's own 95 % interval; the paired differences between frontier "
        f"neighbours separate {separated} of {len(d['neighbours'])} pairs at 95 % "
        "(frontier.json)", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")


def plot_frontier(res: FrontierResult, path: str | Path | BinaryIO) -> str | Path | BinaryIO:
    """:func:`draw_frontier` of ``res`` into a PNG at ``path`` (a file name or a binary file
    object); returned."""
    from skyshield.results.plots import plain_text

    plt = _pyplot()
    with plain_text():
        fig, ax = plt.subplots(figsize=(10, 6.2))
        draw_frontier(ax, res.to_dict())
        fig.tight_layout()
        fig.savefig(path, dpi=110, format="png")
        plt.close(fig)
    return path
