"""The cause of every loss, the leak split and the wave × effector breakdown in the summary,
the tables and the figures; the exchange ratio by the cost of what was killed."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import pytest

import skyshield
from skyshield.contract import CAUSE_FRIENDLY_FIRE_NAME
from skyshield.results.stats import mean_interval, wilson_interval
from skyshield.scenario import scenario_from_dict
from testkit import flagship_small_dict


@pytest.fixture(scope="module")
def res() -> skyshield.Results:
    """The cut-down flagship with its leak made likely (p = 0.5) and some friendly fire."""
    d = flagship_small_dict()
    d["leak"]["probability"] = 0.5
    d["c2"]["p_misidentification"] = 0.01
    return skyshield.simulate(scenario_from_dict(d), 300, 4, record=0)


def test_leak_split_and_causes_add_up(res: skyshield.Results) -> None:
    s = res.summary
    o = res.outcome
    n = res.replications
    leak = o["leak"]
    assert 0 < leak.sum() < n
    seen_causes = set()
    for a, asset in enumerate(s["assets"]):
        lost = o["asset_lost"][:, a]
        gl, gn = asset["given_leak"], asset["given_no_leak"]
        assert gl["replications"] == int(leak.sum()) and gn["replications"] == n - leak.sum()
        assert gl["losses"] + gn["losses"] == int(lost.sum())
        assert gl["losses"] == int(lost[leak].sum())
        assert list(wilson_interval(gl["losses"], gl["replications"])) == pytest.approx(
            gl["p_loss_ci95"], abs=1e-6)
        # every loss has exactly one cause; the listed causes are those that occurred
        assert sum(c["losses"] for c in asset["causes"]) == int(lost.sum())
        for c in asset["causes"]:
            code = -2 if c["cause"] == CAUSE_FRIENDLY_FIRE_NAME else c["wave"]
            assert c["losses"] == int((o["asset_cause"][:, a] == code).sum()) > 0
            assert c["p"] == pytest.approx(c["losses"] / n, abs=1e-6)
            assert c["p_ci95"][0] <= c["p"] <= c["p_ci95"][1]
            if c["wave"] is not None:
                assert res.wave_names[c["wave"]] == c["cause"]
            seen_causes.add(c["cause"])
    # the surge does cause losses here (not a vacuous check)
    assert "Leak surge" in seen_causes


def test_wave_effector_breakdown_adds_up(res: skyshield.Results) -> None:
    s = res.summary
    o = res.outcome
    for w, wave in enumerate(s["threats"]["waves"]):
        entries = [x for x in s["wave_effectors"] if x["wave"] == wave["name"]]
        assert sum(x["kills_mean"] for x in entries) == pytest.approx(wave["killed_mean"],
                                                                      abs=1e-5)
        assert sum(x["shots_mean"] for x in entries) == pytest.approx(wave["shots_mean"],
                                                                      abs=1e-5)
        cost = float(o["wave_eff_shots"][:, w, :].mean(axis=0) @ res.effector_cost_per_shot)
        assert wave["defence_cost_mean"] == pytest.approx(cost, abs=0.01)
    # rounds at the waves are every round but those at an own aircraft
    total = sum(w["shots_mean"] for w in s["threats"]["waves"])
    shots = sum(e["shots_mean"] for e in s["effectors"])
    assert total == pytest.approx(shots - float(o["friendly_fire"].mean()), abs=1e-4)
    decoys = next(w for w in s["threats"]["waves"] if w["name"] == "Decoys")
    assert decoys["shots_mean"] > 0  # the spend on decoys is visible


def test_exchange_ratio_is_the_cost_of_what_was_killed(res: skyshield.Results) -> None:
    c = res.summary["cost"]
    o = res.outcome
    killed_cost = float((o["wave_killed"] @ np.asarray(res.wave_cost_usd)).mean())
    defence = float(o["defence_cost"].mean())
    assert c["attack_killed_mean"] == pytest.approx(killed_cost, abs=0.01)
    assert c["exchange_ratio"] == pytest.approx(killed_cost / defence, abs=1e-4)
    kills = float(o["wave_killed"].sum(axis=1).mean())
    launched = float(o["wave_launched"].sum(axis=1).mean())
    attack = float(o["attack_cost"].mean())
    assert c["exchange_ratio_avg_drone"] == pytest.approx(
        (attack / launched) / (defence / kills), abs=1e-4)
    assert c["cost_per_kill"] == pytest.approx(defence / kills, abs=0.01)
    # with every drone of one price the two definitions agree
    d = flagship_small_dict()
    for r in d["raids"]:
        r["threat"] = "owa_piston"
        r["targeting"] = {"weights": {"Aldmark": 1}}
        r.pop("route", None)
    d["leak"] = None
    one_price = skyshield.simulate(scenario_from_dict(d), 50, 1, record=0).summary["cost"]
    assert one_price["exchange_ratio"] == pytest.approx(one_price["exchange_ratio_avg_drone"],
                                                        abs=2e-4)
    lo, hi = c["damage_value_ci95"]
    m, mlo, mhi = mean_interval((o["asset_lost"] * np.asarray(res.asset_values)).sum(axis=1))
    assert (c["damage_value_mean"], lo, hi) == pytest.approx((m, mlo, mhi), abs=1e-5)


def test_tables_carry_cause_leak_and_wave_by_effector(res: skyshield.Results,
                                                      tmp_path: Path) -> None:
    res.save(tmp_path, plots=False)
    con = duckdb.connect(str(tmp_path / "results.duckdb"), read_only=True)
    try:
        # cause is NULL exactly when the asset was not lost; loss_time_s NaN as before
        bad = con.execute("select count(*) from replication_assets "
                          "where (cause is null) <> (not lost) "
                          "or (lost and isnan(loss_time_s)) "
                          "or (not lost and not isnan(loss_time_s))").fetchone()
        assert bad == (0,)
        s = res.summary
        for asset in s["assets"]:
            rows = dict(con.execute("select cause, count(*) from replication_assets "
                                    "where asset = ? and lost group by cause",
                                    [asset["name"]]).fetchall())
            assert rows == {c["cause"]: c["losses"] for c in asset["causes"]}
            split = con.execute("select count(*) filter (where lost and leak), "
                                "count(*) filter (where leak) from replication_assets "
                                "where asset = ?", [asset["name"]]).fetchone()
            assert split == (asset["given_leak"]["losses"], asset["given_leak"]["replications"])
        # the leak flag is the replication's
        bad = con.execute("select count(*) from replication_assets ra join replications r "
                          "using (rep) where ra.leak <> r.leak").fetchone()
        assert bad == (0,)
        # Σ over waves of the rounds = shots − friendly-fire rounds, per replication
        bad = con.execute(
            "select count(*) from (select rep, sum(shots) as s from "
            "replication_wave_effectors group by rep) w join (select rep, sum(shots) as s "
            "from replication_effectors group by rep) e using (rep) join replications r "
            "using (rep) where w.s <> e.s - r.friendly_fire").fetchone()
        assert bad == (0,)
        n_rows = con.execute("select count(*) from replication_wave_effectors").fetchone()
        assert n_rows == (res.replications * len(res.wave_names) * len(res.effector_names),)
        means = con.execute("select wave, effector, shots_mean, kills_mean from "
                            "summary_wave_effectors where shots_mean > 0 or kills_mean > 0"
                            ).fetchall()
        assert [(w, e) for w, e, _, _ in means] == [(x["wave"], x["effector"])
                                                    for x in s["wave_effectors"]]
        for (_, _, sm, km), x in zip(means, s["wave_effectors"], strict=True):
            assert (sm, km) == pytest.approx((x["shots_mean"], x["kills_mean"]), abs=1e-6)
    finally:
        con.close()
    for table in ("replication_wave_effectors", "summary_wave_effectors"):
        assert (tmp_path / "parquet" / f"{table}.parquet").is_file()


def test_figures_take_names_as_plain_text(res: skyshield.Results, tmp_path: Path) -> None:
    """Names with mathtext (``$\\frac{``: a formula that does not parse) draw as text."""
    import copy

    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    from skyshield.results.plots import draw_loss_causes, draw_wave_effectors, plain_text
    s = copy.deepcopy(res.summary)
    hostile = "$\\frac{"
    for a in s["assets"]:
        a["name"] = hostile + a["name"]
        for c in a["causes"]:
            c["cause"] = hostile + c["cause"]
    for w in s["threats"]["waves"]:
        w["name"] = hostile + w["name"]
    for e in s["effectors"]:
        e["name"] = "$" + e["name"]
    for x in s["wave_effectors"]:
        x["wave"] = hostile + x["wave"]
        x["effector"] = "$" + x["effector"]
    with plain_text():
        for draw in (draw_loss_causes, draw_wave_effectors):
            fig = Figure(figsize=(8, 4))
            draw(fig.subplots(), s)
            fig.savefig(tmp_path / f"{draw.__name__}.png")
            assert (tmp_path / f"{draw.__name__}.png").stat().st_size > 5000
            texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
            assert any(t.startswith("$\\frac{") for t in texts)


def test_no_loss_no_leak_reads_as_such() -> None:
    """Assets that no drone can harm (no vulnerability), no friendly fire, a plan that
    cannot leak: nothing lost, no causes, the leak split empty."""
    d = flagship_small_dict()
    for a in d["assets"]["fixed"] + d["assets"]["moving"]:
        a["vulnerability"] = {}
    d["leak"] = None
    d["c2"]["p_misidentification"] = 0.0
    s = skyshield.simulate(scenario_from_dict(d), 20, 0, record=0).summary
    for a in s["assets"]:
        assert a["p_loss"] == 0.0 and a["causes"] == []
        assert a["given_leak"] == {"replications": 0, "losses": 0, "p_loss": None,
                                   "p_loss_ci95": [None, None]}
        assert a["given_no_leak"]["replications"] == 20
    assert not math.isnan(s["cost"]["damage_value_mean"])
