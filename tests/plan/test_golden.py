"""The golden plan: ``skyshield plan`` on a small, fast, deterministic case must give exactly
the committed JSON, strategy file and summary.

The case (``golden/scenario.yaml``, ``golden/spec.yaml``) runs in a few seconds and stops on
iteration limits only (``max_iterations``; the game's time limit is far out of reach): two
ambusher types, one splitting its drones in two groups, two escort postures, one of which
changes the scenario the Monte Carlo flies, a leak surge, alternatives, and a Monte Carlo check
of every listed plan.

Compared: the ``--json`` object without ``timings_s`` (wall-clock seconds, the only volatile
key, excluded explicitly) and ``strategy.json`` key by key — every string, integer and flag
exactly, every real to 1e-9 relative (the last bits of an LP solution or a numpy reduction
change between releases of HiGHS and numpy, which a fresh install takes as they come) —,
``plan.json`` byte for byte equal to what ``--json`` prints in the same run, and the summary
(rounded figures) with the game's seconds masked.

The golden files were written by the code before the planner was split into modules (commit
32565d5), so that this test proves the split changed nothing. To rewrite them (only for a
deliberate change of results)::

    PYTHONPATH=src python tests/plan/test_golden.py --write
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent / "golden"
ARGS = ["plan", str(HERE / "scenario.yaml"), "--plan-spec", str(HERE / "spec.yaml")]
#: Keys of the plan JSON that hold wall-clock times: left out of the comparison.
VOLATILE = ("timings_s",)
#: The seconds the summary prints for the game: the one volatile number in it.
GAME_SECONDS = re.compile(r"relevant, [0-9.]+ s$", re.MULTILINE)


def run(args: list[str]) -> str:
    """``skyshield ARGS`` in this process; its standard output."""
    from skyshield.cli import main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = main(args)
    assert rc == 0, f"skyshield {' '.join(args)}: exit {rc}"
    return buf.getvalue()


def stable(plan_json: str) -> dict[str, Any]:
    """The plan JSON without its volatile keys."""
    d = json.loads(plan_json)
    for key in VOLATILE:
        d.pop(key)
    return d


def same(new: Any, old: Any, path: str = "") -> None:
    """``new`` equals ``old``: the same structure, keys and non-real values, reals to 1e-9
    relative (see the module notes)."""
    if isinstance(old, dict):
        assert isinstance(new, dict) and set(new) == set(old), f"{path}: keys differ"
        for k in old:
            same(new[k], old[k], f"{path}.{k}")
    elif isinstance(old, list):
        assert isinstance(new, list) and len(new) == len(old), f"{path}: lengths differ"
        for i, (a, b) in enumerate(zip(new, old, strict=True)):
            same(a, b, f"{path}[{i}]")
    elif isinstance(old, float) and isinstance(new, float):
        assert math.isclose(new, old, rel_tol=1e-9, abs_tol=1e-12), f"{path}: {new} != {old}"
    else:
        assert new == old and type(new) is type(old), f"{path}: {new!r} != {old!r}"


def mask(summary: str) -> str:
    return GAME_SECONDS.sub("relevant, <s> s", summary)


def test_plan_json_strategy_and_summary_equal_the_golden_files(tmp_path):
    out = tmp_path / "out"
    text = run([*ARGS, "--json", "--out", str(out)])
    same(stable(text), json.loads((HERE / "plan.json").read_text(encoding="utf-8")))
    assert (out / "plan.json").read_text(encoding="utf-8") == text
    same(json.loads((out / "strategy.json").read_text(encoding="utf-8")),
         json.loads((HERE / "strategy.json").read_text(encoding="utf-8")))
    assert (out / "plots" / "plan_map.png").stat().st_size > 10_000
    summary = run(ARGS)
    assert mask(summary) == (HERE / "summary.txt").read_text(encoding="utf-8")
    assert GAME_SECONDS.search(summary) is not None



def test_library_calls_give_the_golden_files(tmp_path):
    # the one result convention: plan_flight, then to_json / save / describe on the outcome
    from skyshield.plan import plan_flight
    from skyshield.plan.spec import load_spec
    from skyshield.scenario import load_scenario

    outcome = plan_flight(load_scenario(HERE / "scenario.yaml"),
                          load_spec(HERE / "spec.yaml"))
    text = outcome.to_json()
    same(stable(text), json.loads((HERE / "plan.json").read_text(encoding="utf-8")))
    assert json.loads(text) == outcome.to_dict()
    assert outcome.save(tmp_path / "out") == tmp_path / "out"
    assert (tmp_path / "out" / "plan.json").read_text(encoding="utf-8") == text
    same(json.loads((tmp_path / "out" / "strategy.json").read_text(encoding="utf-8")),
         json.loads((HERE / "strategy.json").read_text(encoding="utf-8")))
    assert (tmp_path / "out" / "plots" / "plan_map.png").stat().st_size > 10_000
    assert mask(outcome.describe()) == (HERE / "summary.txt").read_text(encoding="utf-8")

def write() -> None:
    """Rewrite the golden files with whichever skyshield is first on the path."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        text = run([*ARGS, "--json", "--out", tmp])
        strategy = (Path(tmp) / "strategy.json").read_bytes()
    summary = run(ARGS)
    (HERE / "plan.json").write_text(json.dumps(stable(text), indent=2) + "\n",
                                    encoding="utf-8")
    (HERE / "strategy.json").write_bytes(strategy)
    (HERE / "summary.txt").write_text(mask(summary), encoding="utf-8")
    print(f"wrote {HERE}: plan.json, strategy.json, summary.txt "
          f"({sys.modules['skyshield'].__file__})")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        raise SystemExit(__doc__)
    write()
