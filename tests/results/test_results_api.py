"""The notebook API of a run: its tables as Arrow / pandas / xarray, compact reprs, the
package's dir()."""

from __future__ import annotations

import math

import numpy as np
import pytest

import skyshield
from testkit import load_flagship


@pytest.fixture(scope="module")
def res() -> skyshield.Results:
    return skyshield.simulate(load_flagship(), replications=12, seed=3)


def test_tables_are_the_folders_and_null_is_missing(res: skyshield.Results) -> None:
    names = res.table_names()
    assert {"replications", "replication_assets", "events", "timeline"} <= set(names)
    assert set(res.tables()) == set(names)
    ra = res.to_arrow("replication_assets")
    assert ra.num_rows == 12 * len(res.asset_names)
    # an asset not lost has no loss time: NULL in Arrow, NaN/NA in pandas
    lost = np.asarray(ra.column("lost"))
    assert ra.column("loss_time_s").null_count == int((~lost).sum())
    df = res.to_pandas("replication_assets")
    assert len(df) == ra.num_rows and df["loss_time_s"].isna().sum() == int((~lost).sum())
    vip = res.to_pandas("replications")
    assert vip["vip_lost"].mean() == pytest.approx(res.p_loss(0)[0])
    with pytest.raises(KeyError, match="did you mean 'replications'"):
        res.to_arrow("replication")


def test_xarray_has_named_coordinates(res: skyshield.Results) -> None:
    ds = res.to_xarray()
    assert ds["asset_lost"].dims == ("replication", "asset")
    assert list(ds["asset"].values) == res.asset_names
    assert ds["wave_leaked_t"].dims == ("replication", "wave", "minute")
    assert ds["wave_eff_kills"].dims == ("replication", "wave", "effector")
    assert ds["eff_shots"].dims == ("replication", "effector")
    assert float(ds["minute"][1]) == 1.0 and ds.attrs["seed"] == 3
    vip = res.asset_names[0]
    assert bool(ds["asset_lost"].sel(asset=vip).mean()) == bool(res.p_loss(0)[0] > 0)
    np.testing.assert_array_equal(ds["wave_killed"].values, res.outcome["wave_killed"])


def test_reprs_are_short(res: skyshield.Results) -> None:
    r = repr(res)
    assert len(r) < 300 and "replications=12" in r and "lost)=" in r
    html = res._repr_html_()
    assert "<table>" in html and "VIP" in html and len(html) < 4000
    sc = res.scenario
    assert repr(sc) == str(sc) and len(repr(sc)) < 200 and "raids" in repr(sc)
    assert "1 moving asset," in repr(sc)
    assert sc._repr_html_().startswith("<div><b>Scenario</b>")
    assert not math.isnan(res.p_loss(0)[0])


def test_package_dir_lists_the_api() -> None:
    assert {"simulate", "load_scenario", "Results", "Scenario"} <= set(dir(skyshield))


def test_p_detect_per_sensor_in_the_summary_and_the_tables(res: skyshield.Results) -> None:
    """P(detect) = drones a sensor tracked ÷ drones launched (docs/model.md §5), the same in
    ``p_detect``, the summary and both sensor tables; the interval holds the estimate."""
    o = res.outcome
    launched = o["wave_launched"].sum(axis=1)
    assert res.sensor_names == [s.name for s in res.scenario.sensors]
    assert o["sen_tracked"].shape == (12, len(res.sensor_names))
    summary = res.summary["sensors"]
    assert [s["name"] for s in summary] == res.sensor_names
    assert {s["kind"] for s in summary} == {"radar", "acoustic", "eo_ir"}
    for si, entry in enumerate(summary):
        p, lo, hi = res.p_detect(si)
        assert p == pytest.approx(o["sen_tracked"][:, si].sum() / launched.sum())
        assert 0.0 < lo <= p <= hi < 1.0
        assert entry["p_detect"] == pytest.approx(p, abs=1e-6)
        assert entry["p_detect_ci95"] == pytest.approx([lo, hi], abs=1e-6)
        assert res.p_detect(entry["name"]) == (p, lo, hi)
    table = res.to_pandas("summary_sensors")
    assert list(table["sensor"]) == res.sensor_names
    np.testing.assert_allclose(table["p_detect"], [s["p_detect"] for s in summary])
    reps = res.to_pandas("replication_sensors")
    assert len(reps) == 12 * len(res.sensor_names)
    by = reps.groupby("sensor", sort=False)[["tracked", "launched"]].sum()
    np.testing.assert_allclose(by["tracked"] / by["launched"], table["p_detect"], atol=1e-6)
    assert (reps["tracked"] <= reps["launched"]).all()
    ds = res.to_xarray()
    assert ds["sen_tracked"].dims == ("replication", "sensor")
    assert list(ds["sensor"].values) == res.sensor_names
    assert "Sensors: P(detect)" in res.describe()
