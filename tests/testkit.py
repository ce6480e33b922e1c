"""Helpers shared by every test folder (``tests/`` is on ``sys.path``: ``import testkit``).

- :data:`ROOT`, :data:`EXAMPLES`, :data:`FLAGSHIP`: absolute paths, so that every test runs
  from any working directory;
- :func:`flagship_small_dict` / :func:`flagship_small`: the flagship cut down to a few drones
  and 25 minutes (a fraction of a second a run), the one cut-down recipe of the tests;
- :func:`assert_outcomes_equal`: two outcomes (``BatchOutcome``, ``Results`` or dicts of
  arrays) are identical, field by field;
- :func:`cli_error`: a command that must fail with one line on stderr and exit code 2.

``tests/conftest.py`` offers the same as fixtures (``root``, ``flagship``, ``flagship_small``,
``outcomes_equal``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FLAGSHIP = EXAMPLES / "vip-transit.yaml"


def load_flagship() -> Scenario:
    from skyshield.scenario import load_scenario

    return load_scenario(FLAGSHIP)


def unlimited_stocks(d: dict[str, Any]) -> dict[str, Any]:
    """A scenario dict with every effector's ``stock: null`` (an unlimited depot: the model
    before finite means), in place; returned for chaining."""
    for e in d["effectors"]:
        e["stock"] = None
    return d


def load_flagship_unlimited() -> Scenario:
    """The flagship with unlimited stocks (:func:`unlimited_stocks`): the model as it was
    before finite means, whose golden summary must not change."""
    from skyshield.scenario import scenario_from_dict

    return scenario_from_dict(unlimited_stocks(load_flagship().model_dump(mode="json")))


def flagship_small_dict() -> dict[str, Any]:
    """The flagship cut down: every raid a twentieth of its drones (at least one), launched in
    the first 600–1400 s, the VIP leaving at once, 1500 s in all."""
    d = load_flagship().model_dump(mode="json")
    d["duration_s"] = 1500
    d["assets"]["moving"][0]["departure_s"] = 0
    for r in d["raids"]:
        r["count"] = max(1, r["count"] // 20)
        r["launch"] = {"start_s": min(r["launch"]["start_s"], 600),
                       "end_s": min(r["launch"]["end_s"], 1400)}
    return d


def flagship_small() -> Scenario:
    """:func:`flagship_small_dict` as a validated scenario."""
    from skyshield.scenario import scenario_from_dict

    return scenario_from_dict(flagship_small_dict())


def _arrays(x: Any) -> dict[str, Any]:
    if hasattr(x, "outcome") and isinstance(x.outcome, Mapping):  # Results
        return dict(x.outcome)
    if dataclasses.is_dataclass(x) and not isinstance(x, type):  # BatchOutcome
        return {f.name: getattr(x, f.name) for f in dataclasses.fields(x)}
    if isinstance(x, Mapping):
        return dict(x)
    raise TypeError(f"not an outcome: {type(x).__name__}")


def assert_outcomes_equal(a: Any, b: Any) -> None:
    """Bit-identical per-replication outcomes: the same fields, every array equal."""
    fa, fb = _arrays(a), _arrays(b)
    assert fa.keys() == fb.keys(), (sorted(fa), sorted(fb))
    for name in fa:
        np.testing.assert_array_equal(fa[name], fb[name], err_msg=name)


def cli_error(argv: list[str], capsys: Any, *, where: str | None = None,
              field: str | None = None, says: str = "") -> str:
    """Run ``skyshield ARGV`` in this process; it must print nothing on stdout and exactly one
    line ``skyshield: error: ...`` on stderr (no traceback) and exit with status 2. The line
    must begin with ``where`` (``file`` or ``file:line``), name ``field`` and contain
    ``says``, when given. Returns the line."""
    from skyshield.cli import main

    capsys.readouterr()
    rc = main(argv)
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert rc == 2, (rc, out[-500:], err[-2000:])
    assert out == "", out[-500:]
    assert len(lines) == 1, err[-2000:]
    line = lines[0]
    assert line.startswith("skyshield: error: "), line
    if where is not None:
        assert line.startswith(f"skyshield: error: {where}"), (line, where)
    if field is not None:
        assert f"field '{field}'" in line, (line, field)
    assert says in line, (line, says)
    return line
