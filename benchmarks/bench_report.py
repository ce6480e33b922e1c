"""Benchmark of the after-action report on the flagship scenario.

Measures, over repeats (median and min–max): building the report of a run folder (reading the
folder, rendering the figures, writing the page and the PNGs), the page size, and in headless
Chromium the time to load the page and to draw one replay frame. Baseline: the same replay
data encoded row by row as JSON objects (the obvious encoding) against the column-wise
integer encoding the page uses.

    .venv/bin/python -m benchmarks.bench_report [--quick] [--repeats N]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _stats(xs: list[float]) -> str:
    return f"median {statistics.median(xs):8.3f}  (min {min(xs):.3f}, max {max(xs):.3f}, n={len(xs)})"


def _rowwise_size(data: object, reps: list[int]) -> int:
    """Size of the baseline: positions and events as one JSON object per row."""
    from skyshield.report.data import RunData

    assert isinstance(data, RunData)
    pos, ev = data.tables["positions"], data.tables["events"]
    rows = []
    for rep in reps:
        for j in range(len(pos["rep"])):
            if pos["rep"][j] == rep:
                rows.append({k: (v[j].item() if hasattr(v[j], "item") else v[j])
                             for k, v in pos.items()})
        for j in range(len(ev["rep"])):
            if ev["rep"][j] == rep:
                rows.append({k: (v[j].item() if hasattr(v[j], "item") else v[j])
                             for k, v in ev.items()})
    return len(json.dumps(rows))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench_report", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer replications and repeats")
    ap.add_argument("--repeats", type=int, default=None)
    args = ap.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 7)
    reps = 100 if args.quick else 1000

    from skyshield.cli import main as cli
    from skyshield.report import build_report
    from skyshield.report.data import load_run
    from skyshield.report.figures import render_figures
    from skyshield.report.page import json_for_script, replay_payload

    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp) / "vip-transit"
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # the run's --json summary
            rc = cli(["run", str(ROOT / "examples" / "vip-transit.yaml"), "--replications",
                      str(reps), "--seed", "1", "--record", "2", "--out", str(run),
                      "--quiet", "--json"])
        if rc:
            return rc
        print(f"flagship run: {reps} replications, 2 recorded "
              f"({time.perf_counter() - t0:.1f} s, not timed below)")
        build_report(run)  # warm-up: imports, font cache
        load, figs, total = [], [], []
        for _ in range(repeats):
            t = time.perf_counter()
            data = load_run(run)
            load.append(time.perf_counter() - t)
            t = time.perf_counter()
            render_figures(data)
            figs.append(time.perf_counter() - t)
            t = time.perf_counter()
            out = build_report(run)
            total.append(time.perf_counter() - t)
        print(f"read run folder (s)        {_stats(load)}")
        print(f"render 5-6 figures (s)     {_stats(figs)}")
        print(f"build_report total (s)     {_stats(total)}")
        size = out.html.stat().st_size
        data = load_run(run)
        payload = len(json_for_script(replay_payload(data, out.replays)["replays"]))
        base = _rowwise_size(data, out.replays)
        print(f"page: {size / 1e6:.2f} MB; replay data column-wise {payload / 1e6:.2f} MB "
              f"vs baseline row-wise JSON {base / 1e6:.2f} MB ({base / payload:.1f}× larger)")
        if not Path(CHROMIUM).exists():
            print("no Chromium: browser timings skipped (make browser)")
            return 0
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            loads, frames = [], []
            for _ in range(repeats):
                page = b.new_page(viewport={"width": 1400, "height": 1000})
                t = time.perf_counter()
                page.goto(out.html.resolve().as_uri())
                page.wait_for_function("() => window.skyshieldReplay !== undefined")
                loads.append(time.perf_counter() - t)
                # draw the busiest stretch of the raid frame by frame
                ms = page.evaluate("""() => { const r = window.skyshieldReplay; const t0 =
                    performance.now(); for (let t = 1200; t < 2400; t += 5) { r.seek(t); }
                    return (performance.now() - t0) / 240; }""")
                frames.append(float(ms))
                page.close()
            b.close()
        print(f"Chromium page load (s)     {_stats(loads)}")
        print(f"replay frame draw (ms)     {_stats(frames)}  (60 fps needs < 16.7)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
