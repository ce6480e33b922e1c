"""The self-contained HTML page: summary tables, inlined PNG figures, and the replay data.

Safety: every string that comes from a scenario goes into the HTML through
:func:`html.escape`, and into the embedded JSON block through :func:`json_for_script`, which
escapes ``<``, ``>`` and ``&`` so that no name can close the ``<script>`` element. The replay
script shows names only via ``textContent`` and canvas ``fillText``, never as markup. A
Content-Security-Policy forbids every network request, so the page works offline by
construction.
"""

from __future__ import annotations

import base64
import json
import math
import re
from html import escape
from importlib import resources
from typing import Any

import numpy as np

from skyshield.contract import EVENT_KINDS
from skyshield.contract import POS_ENTITIES as ENTITIES
from skyshield.contract import POS_STATES as STATES
from skyshield.report.data import RunData
from skyshield.report.figures import CAPTIONS, FIGURES

_TOKEN = re.compile(r"\{\{([a-z_]+)\}\}")


def json_for_script(obj: Any) -> str:
    """JSON text safe inside ``<script type="application/json">``.

    Notes
    -----
    An HTML parser ends a script element at the first ``</script``, whatever the JSON means;
    replacing ``<``, ``>`` and ``&`` by their ``\\u`` escapes keeps the JSON value identical
    (``JSON.parse`` decodes them) while no markup can appear in the text.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _asset(name: str) -> str:
    return resources.files("skyshield.report").joinpath(name).read_text(encoding="utf-8")


def _fill(template: str, values: dict[str, str]) -> str:
    """Replace ``{{name}}`` tokens in one pass, so inserted text is never scanned again."""
    return _TOKEN.sub(lambda m: values[m.group(1)], template)


def _pct(p: Any) -> str:
    return "—" if p is None or not math.isfinite(float(p)) else f"{100 * float(p):.2f} %"


def _num(v: Any, fmt: str = ",.2f") -> str:
    return "—" if v is None or not math.isfinite(float(v)) else format(float(v), fmt)


def _table(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    """An HTML table; ``head`` and ``rows`` must already be escaped."""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def summary_html(s: dict[str, Any]) -> str:
    """The summary with its 95 % intervals as HTML tables."""
    parts = []
    assets = s["assets"]
    if assets:
        a0 = assets[0]
        lo, hi = a0["p_loss_ci95"]
        parts.append(
            f'<p class="headline"><span class="asset-name">{escape(str(a0["name"]))}</span>: '
            f'loss probability <strong>{_pct(a0["p_loss"])}</strong> '
            f'(95 % interval {_pct(lo)} – {_pct(hi)}){_headline_split(a0)}</p>')
    rows = [[escape(str(a["name"])), escape(str(a["kind"])), _num(a.get("value"), ",.0f"),
             _pct(a["p_loss"]), f'{_pct(a["p_loss_ci95"][0])} – {_pct(a["p_loss_ci95"][1])}',
             _num(a.get("hits_mean"), ".2f")] for a in assets]
    parts.append("<h3>Assets</h3>" + _table(
        ["asset", "kind", "value", "P(loss)", "95 % interval", "leakers reaching it (mean)"],
        rows, "num"))
    if assets and "given_leak" in assets[0]:
        parts.append(_leak_split_html(assets))
    if assets and all("causes" in a for a in assets):
        rows = [[escape(str(a["name"])), escape(str(c["cause"])), _pct(c["p"]),
                 f'{_pct(c["p_ci95"][0])} – {_pct(c["p_ci95"][1])}', str(c["losses"])]
                for a in assets for c in a["causes"]]
        parts.append("<h3>Losses by cause</h3>" + (_table(
            ["asset", "cause (wave of the fatal hit, or friendly fire)",
             "P (per replication)", "95 % interval", "losses"], rows, "num")
            if rows else '<p class="note">No asset was lost.</p>'))
    th = s.get("threats", {})
    waves = th.get("waves", [])
    with_cost = bool(waves) and all("shots_mean" in w for w in waves)
    rows = [[escape(str(w["name"])), _num(w.get("launched_mean")), _num(w.get("killed_mean")),
             _num(w.get("leaked_mean")), _num(w.get("expired_mean"))]
            + ([_num(w.get("shots_mean")), _num(w.get("defence_cost_mean"), ",.0f")]
               if with_cost else [])
            for w in waves]
    rows.append(["<strong>all</strong>", _num(th.get("launched_mean")),
                 _num(th.get("killed_mean")), _num(th.get("leaked_mean")),
                 _num(th.get("expired_mean"))]
                + ([_num(sum(float(w["shots_mean"]) for w in waves)),
                    _num(sum(float(w["defence_cost_mean"]) for w in waves), ",.0f")]
                   if with_cost else []))
    parts.append("<h3>Threats (mean per replication)</h3>" + _table(
        ["wave", "launched", "killed", "leaked", "expired"]
        + (["rounds at it", "their cost (USD)"] if with_cost else []), rows, "num"))
    if s.get("wave_effectors"):
        rows = [[escape(str(x["wave"])), escape(str(x["effector"])), _num(x["shots_mean"]),
                 _num(x["kills_mean"]), _num(x["cost_mean"], ",.0f")]
                for x in s["wave_effectors"]]
        parts.append("<h3>Rounds and kills by wave × effector (mean per replication)</h3>"
                     + _table(["wave", "effector", "rounds", "kills", "cost (USD)"], rows,
                              "num"))
    rows = [[escape(str(e["name"])), _num(e.get("shots_mean")), _num(e.get("kills_mean")),
             _num(e.get("cost_mean"), ",.0f"), _num(e.get("cost_per_kill"), ",.0f")]
            for e in s.get("effectors", [])]
    parts.append("<h3>Effectors (mean per replication)</h3>" + _table(
        ["effector", "shots", "kills", "cost (USD)", "cost per kill (USD)"], rows, "num"))

    rows = [[escape(str(x["name"])), escape(str(x.get("kind", ""))),
             _num(x.get("tracked_mean"), ".1f"), _pct(x.get("p_detect")),
             f'{_pct((x.get("p_detect_ci95") or [None, None])[0])} – '
             f'{_pct((x.get("p_detect_ci95") or [None, None])[1])}']
            for x in s.get("sensors", [])]
    if rows:
        parts.append("<h3>Sensors: P(detect) (drones tracked ÷ drones launched)</h3>" + _table(
            ["sensor", "kind", "drones tracked (mean)", "P(detect)", "95 % interval"], rows,
            "num"))

    def minutes(v: Any) -> str:
        return "—" if v is None else f"{float(v) / 60:.1f} min"

    rows = [[escape(str(e["name"])), _num(e.get("magazine"), ".0f"),
             "unlimited" if e.get("stock") is None else _num(e.get("stock"), ".0f"),
             _num(e.get("delivered"), ".0f"), _pct(e.get("p_dry")),
             minutes(e.get("dry_time_median_s")),
             "—" if e.get("rounds_left_mean") is None else _num(e.get("rounds_left_mean"))]
            for e in s.get("effectors", []) if e.get("magazine") is not None]
    if rows:
        parts.append("<h3>Means: when each effector runs dry (Winchester)</h3>" + _table(
            ["effector", "magazine", "stock", "delivered", "P(runs dry)", "median time dry",
             "rounds left (mean)"], rows, "num"))
    c = s.get("cost", {})
    ci = c.get("defence_ci95") or [None, None]
    ff = s.get("friendly_fire", {})
    ffci = ff.get("p_event_ci95") or [None, None]
    rows = [
        ["defence spend (USD, mean)",
         f'{_num(c.get("defence_mean"), ",.0f")} (95 % interval {_num(ci[0], ",.0f")} – '
         f'{_num(ci[1], ",.0f")})'],
        ["attack spend (USD, mean)", _num(c.get("attack_mean"), ",.0f")],
        ["cost exchange ratio (attack cost of the drones killed ÷ defence cost)",
         _num(c.get("exchange_ratio"), ".3f")],
        ["defence cost per drone killed (USD)", _num(c.get("cost_per_kill"), ",.0f")],
        ["damage (asset value lost, mean)", _num(c.get("damage_value_mean"), ",.1f")],
        ["P(friendly-fire engagement)",
         f'{_pct(ff.get("p_event"))} (95 % interval {_pct(ffci[0])} – {_pct(ffci[1])})'],
    ]
    if s.get("leak"):
        rows.append(["P(flight plan leaked)", _pct(s["leak"].get("p_leaked"))])
    parts.append("<h3>Cost and friendly fire</h3>" + _table(["", ""], rows, "kv"))
    return "\n".join(parts)


def _headline_split(a0: dict[str, Any]) -> str:
    """``; X if the flight plan leaked (k/n), Y if not`` when some replications leaked."""
    g, h = a0.get("given_leak") or {}, a0.get("given_no_leak") or {}
    if not g.get("replications"):
        return ""
    tail = (f', {_pct(h["p_loss"])} if not ({h["losses"]}/{h["replications"]})'
            if h.get("replications") else "")
    return (f'; {_pct(g["p_loss"])} if the flight plan leaked '
            f'({g["losses"]}/{g["replications"]}){tail}')


def _leak_split_html(assets: list[dict[str, Any]]) -> str:
    """P(loss | the flight plan leaked) and P(loss | it did not), per asset."""
    def cell(g: dict[str, Any]) -> str:
        if not g.get("replications"):
            return "— (no replication)"
        lo, hi = g["p_loss_ci95"]
        return (f'{_pct(g["p_loss"])} ({_pct(lo)} – {_pct(hi)}; '
                f'{g["losses"]}/{g["replications"]})')

    rows = [[escape(str(a["name"])), cell(a["given_leak"]), cell(a["given_no_leak"])]
            for a in assets]
    return ("<h3>Loss probability if the flight plan leaked, and if not</h3>" + _table(
        ["asset", "P(loss | leak) (95 % interval; losses/replications)",
         "P(loss | no leak) (95 % interval; losses/replications)"], rows, "num"))


#: What the value-of-information section says when the folder has no such file.
VOI_HINT = (
    "Not measured for this folder (no <code>value_of_information.json</code>). Run "
    "<code>skyshield report DIR --value-of-information N</code> to run the folder's scenario "
    "with C2 on the truth and on tracks, N paired replications each.")


def _pt(d: Any, ci: list[Any]) -> str:
    """A paired Δ of a probability in percentage points with its interval."""
    if d is None or ci[0] is None or ci[1] is None:
        return "—"
    return f"{100 * float(d):+.2f} pt [{100 * float(ci[0]):+.2f}, {100 * float(ci[1]):+.2f}]"


def _delta(d: Any, ci: list[Any], fmt: str = "+.2f") -> str:
    if d is None or ci[0] is None or ci[1] is None:
        return "—"
    return f"{float(d):{fmt}} [{float(ci[0]):{fmt}}, {float(ci[1]):{fmt}}]"


def _paired_table(settings: list[dict[str, Any]]) -> str:
    """Each setting's P(loss) of every moving asset, value lost at the fixed sites and rounds,
    with the paired Δ from the first setting (95 %):
    :func:`~skyshield.analysis.value_of_information.paired_measures` per row."""
    names = [str(a["name"]) for a in settings[0]["assets"]]
    head = ["setting"]
    for n in names:
        head += [f"P({escape(n)} lost) [95 %]", "Δ paired [95 %]"]
    head += ["value lost at the sites [95 %]", "Δ paired [95 %]", "rounds per replication",
             "Δ paired [95 %]"]
    rows = []
    for k, st in enumerate(settings):
        row = [escape(str(st["label"]))]
        for a in st["assets"]:
            lo, hi = a["p_loss_ci95"]
            row += [f"{_pct(a['p_loss'])} [{_pct(lo)}, {_pct(hi)}]",
                    "—" if k == 0 else _pt(a["d_p_loss"], a["d_p_loss_ci95"])]
        lo, hi = st["site_value_ci95"]
        row += [f"{_num(st['site_value'])} [{_num(lo)}, {_num(hi)}]",
                "—" if k == 0 else _delta(st["d_site_value"], st["d_site_value_ci95"]),
                _num(st["rounds"], ",.1f"),
                "—" if k == 0 else _delta(st["d_rounds"], st["d_rounds_ci95"], "+.1f")]
        rows.append(row)
    return _table(head, rows, "num")


def voi_html(voi: dict[str, Any] | None, figure: str = "") -> str:
    """The section "What C2 knows": each setting's P(loss) of every moving asset, value lost
    at the fixed sites and rounds, with the paired Δ from the first setting (95 %), then
    ``figure`` (HTML, already escaped)."""
    if voi is None:
        return f'<p class="note" id="voi-missing">{VOI_HINT}</p>'
    lead = escape(
        f"The run's scenario with C2 acting on the truth (exact positions; intent as "
        f"written) and on tracks from its sensors (docs/model.md §4.5.2), "
        f"{voi['replications']} paired replications each, seed {voi['seed']}: the same "
        "replications with the same random draws (common random numbers), so each Δ is the "
        "mean of the per-replication differences from the first row, with its 95 % normal "
        "interval.")
    return (f'<p class="note">{lead}</p>'
            + _paired_table(voi["settings"]) + figure)


#: What the terrain-value section says when the folder has no such file.
TERRAIN_HINT = (
    "Not measured for this folder (no <code>terrain_value.json</code>). For a scenario with a "
    "<code>terrain:</code> block, run <code>skyshield report DIR --terrain-value N</code> to "
    "run the folder's scenario over its terrain and on flat Earth, N paired replications "
    "each.")


def terrain_value_html(tv: dict[str, Any] | None, figure: str = "") -> str:
    """The section "What terrain does": per sensor P(detect) on flat Earth and over the
    terrain with the paired Δ (95 %); each setting's P(loss) of every moving asset, value
    lost at the fixed sites and rounds with the paired Δ from flat Earth; then ``figure``
    (HTML, already escaped)."""
    if tv is None:
        return f'<p class="note" id="terrain-missing">{TERRAIN_HINT}</p>'
    settings = tv["settings"]
    base, last = settings[0], settings[-1]
    head = ["sensor", "kind", f"P(detect) {escape(str(base['label']))} [95 %]"]
    head += [f"P(detect) {escape(str(st['label']))} [95 %]" for st in settings[1:]]
    head += ["Δ paired [95 %]"]
    rows = []
    for s, sen in enumerate(base["sensors"]):
        row = [escape(str(sen["name"])), escape(str(sen.get("kind", "")))]
        for st in settings:
            x = st["sensors"][s]
            lo, hi = x["p_detect_ci95"]
            row.append(f"{_pct(x['p_detect'])} [{_pct(lo)}, {_pct(hi)}]")
        x = last["sensors"][s]
        row.append(_pt(x["d_p_detect"], x["d_p_detect_ci95"]))
        rows.append(row)
    lead = escape(
        f"The run's scenario over its terrain (every radar and EO/IR detection and every "
        f"engagement needs a clear line of sight; docs/model.md §4.9) and with terrain: none "
        f"(flat Earth), {tv['replications']} paired replications each, seed {tv['seed']}: "
        "the same replications with the same random draws (common random numbers), so each "
        "Δ is the mean of the per-replication differences from flat Earth, with its 95 % "
        "normal interval. P(detect) of a sensor = the drones it held a track on at some "
        "time ÷ the drones launched (95 % interval with the replication as the unit).")
    return (f'<p class="note" id="terrain-lead">{lead}</p>'
            + "<h3>Detection per sensor</h3>" + _table(head, rows, "num")
            + "<h3>Losses and rounds</h3>" + _paired_table(settings) + figure)


def faults_html(faults: dict[str, Any]) -> str:
    """The single failures (N−1) of ``faults.json``, top ten by their change of the
    objective, with paired 95 % intervals and the single points of failure marked."""
    ob = faults.get("objective") or {}
    measures = str(ob.get("measures") or f"P(loss of {faults['vip']})")
    base = faults["baseline"]["objective"]["value"]
    rows = []
    for f in faults["faults"][:10]:
        o = f["objective"]
        spof = "yes" if f["single_point_of_failure"] else (
            "significant" if f["significant"] else "no")
        rows.append([escape(str(f.get("rank", ""))), escape(str(f["description"])),
                     _num(o.get("value"), ",.3f"),
                     _delta(o["delta"], o["delta_ci95"], "+.3f"), escape(spof)])
    spofs = [escape(str(x)) for x in faults.get("single_points_of_failure", [])]
    lead = escape(
        f"One failure at a time, each against the scenario as written ({measures} "
        f"{base:.3f}), {faults['replications']} replications each, seed {faults['seed']}, "
        "common random numbers: Δ is the paired change with its 95 % interval; a single "
        "point of failure is a failure whose change is significant and above the analysis' "
        "threshold. ")
    lead += ("Single points of failure: " + ", ".join(spofs) + "." if spofs
             else "No single point of failure.")
    return (f'<p class="note" id="faults-lead">{lead}</p>'
            + _table(["rank", "failure", escape(measures), "Δ paired [95 %]",
                      "single point of failure"], rows, "num"))


def _metres(values: np.ndarray) -> list[int]:
    """Coordinates as whole metres (missing ones as 0: the event then has no place)."""
    v = np.array([np.nan if x is None else float(x) for x in values], dtype=float)
    metres: list[int] = np.rint(np.nan_to_num(v, nan=0.0, posinf=0.0, neginf=0.0)).astype(int).tolist()
    return metres


def replay_payload(data: RunData, reps: list[int]) -> dict[str, Any]:
    """Compact, column-wise replay data for the chosen recorded replications.

    Positions become integer metres in parallel arrays sorted by time (``f``: frame index
    into ``t``, ``e``: entity code, ``i``: id, ``x``/``y``: metres, ``s``: state code, ``z``:
    height above the ground as the kernel records it, ``g``: under terrain, the ground's
    elevation above sea level there, from :attr:`RunData.ground`); events likewise, with
    names replaced by indices into the lists in ``names``. ``heights`` says which heights
    the replay can show (``z`` is absent from a folder whose positions lack it).
    """
    pos, ev = data.tables["positions"], data.tables["events"]
    effectors = [str(e["name"]) for e in data.layout.get("effectors", [])]
    assets = [str(a["name"]) for a in data.summary["assets"]]
    waves = [str(w["name"]) for w in data.summary.get("threats", {}).get("waves", [])]
    for w in sorted({str(w) for w in ev["wave"] if w is not None} - set(waves)):
        waves.append(w)

    def codes(values: np.ndarray, names: list[str] | tuple[str, ...]) -> list[int]:
        lut = {n: k for k, n in enumerate(names)}
        return [lut.get(str(v), -1) if v is not None else -1 for v in values]

    has_z = "z" in pos
    ground = data.ground if has_z else None
    out = []
    for rep in reps:
        sel = np.flatnonzero(pos["rep"] == rep)
        t = pos["t_s"][sel].astype(float)
        order = sel[np.lexsort((pos["id"][sel], np.array(codes(pos["entity"][sel], ENTITIES)),
                                t))]
        times, frame = np.unique(pos["t_s"][order].astype(float), return_inverse=True)
        esel = np.flatnonzero(ev["rep"] == rep)
        eorder = esel[np.argsort(ev["t_s"][esel].astype(float), kind="stable")]
        heights: dict[str, list[int]] = {}
        if has_z:
            z = pos["z"][order]
            heights["z"] = (_metres(z) if z.dtype == object else
                            np.rint(np.nan_to_num(z.astype(float))).astype(int).tolist())
        if ground is not None:
            heights["g"] = np.rint(ground.elevation(pos["x"][order].astype(float),
                                                    pos["y"][order].astype(float))
                                   ).astype(int).tolist()
        out.append({
            "rep": int(rep),
            "t": [round(float(v), 3) for v in times],
            "pos": {
                "f": frame.astype(int).tolist(),
                "e": codes(pos["entity"][order], ENTITIES),
                "i": pos["id"][order].astype(int).tolist(),
                "x": np.rint(pos["x"][order].astype(float)).astype(int).tolist(),
                "y": np.rint(pos["y"][order].astype(float)).astype(int).tolist(),
                "s": codes(pos["state"][order], STATES),
                **heights,
            },
            "ev": {
                "t": [round(float(v), 2) for v in ev["t_s"][eorder]],
                "k": codes(ev["kind"][eorder], EVENT_KINDS),
                "d": [int(v) if v is not None else -1 for v in ev["drone"][eorder]],
                "w": codes(ev["wave"][eorder], waves),
                "ef": codes(ev["effector"][eorder], effectors),
                "a": codes(ev["asset"][eorder], assets),
                "x": _metres(ev["x"][eorder]),
                "y": _metres(ev["y"][eorder]),
            },
        })
    # the wave of each drone id, from the events that name both (numbering is per scenario)
    dr = ev["drone"]
    known = np.array([d is not None and w is not None for d, w in zip(dr, ev["wave"],
                                                                      strict=True)], bool)
    n_drones = int(max((int(d) for d in dr[known]), default=-1)) + 1
    drone_wave = [-1] * n_drones
    for drone, wave in zip(dr[known], codes(ev["wave"][known], waves), strict=True):
        drone_wave[int(drone)] = wave
    return {
        "names": {"effectors": effectors, "assets": assets, "waves": waves,
                  "kinds": list(EVENT_KINDS), "entities": list(ENTITIES),
                  "states": list(STATES)},
        "drone_wave": drone_wave,
        # what the replay's labels and tooltips can say of a height
        "heights": {"above_ground": has_z, "above_sea_level": ground is not None},
        "layout": data.layout,
        "replays": out,
    }


def render_page(data: RunData, figures: dict[str, bytes], reps: list[int],
                *, version: str, sweep_hint: str) -> str:
    """The whole report page as one HTML string."""
    s = data.summary
    name = str(s.get("scenario") or data.layout.get("name") or "scenario")
    figs = []
    voi_figure = ""
    terrain_figure = ""
    for stem, title, _make in FIGURES:
        if stem == "raid_sweep" and stem not in figures:
            figs.append(f'<section id="fig-{stem}"><h3>{escape(title)}</h3>'
                        f'<p class="note" id="sweep-missing">{sweep_hint}</p></section>')
            continue
        if stem not in figures:
            continue
        b64 = base64.b64encode(figures[stem]).decode("ascii")
        html = (f'<figure id="fig-{stem}"><img alt="{escape(title)}" '
                f'src="data:image/png;base64,{b64}"><figcaption>'
                f'<span class="fig-title">{escape(title)}.</span> '
                f'{escape(CAPTIONS.get(stem, ""))} '
                f'(<code>report/{stem}.png</code>)</figcaption></figure>')
        if stem == "value_of_information":  # beside its table, in its own section
            voi_figure = html
        elif stem == "terrain_value":  # likewise
            terrain_figure = html
        elif stem == "faults" and data.faults is not None:  # its table first
            figs.append(f'<section id="faults">{faults_html(data.faults)}{html}</section>')
        else:
            figs.append(html)
    payload = replay_payload(data, reps)
    values = {
        "title": escape(f"{name} — after-action report"),
        "scenario": escape(name),
        "meta": escape(f"{s.get('replications')} replications, seed {s.get('seed')}, "
                       f"skyshield {version}"),
        "css": _asset("report.css"),
        "js": _asset("replay.js"),
        "summary": summary_html(s),
        "voi": voi_html(data.voi, voi_figure),
        "terrain_value": terrain_value_html(data.terrain_value, terrain_figure),
        "figures": "\n".join(figs),
        "data": json_for_script(payload),
        "replay_note": escape(
            f"{len(reps)} recorded replication(s): "
            + ", ".join(str(r) for r in reps) if reps else
            "No replication was recorded in this run (use `skyshield run --record N`)."),
    }
    return _fill(_asset("template.html"), values)
