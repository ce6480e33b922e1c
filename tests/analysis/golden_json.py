"""Regenerate the golden ``faults`` and ``sweep`` JSON of the cut-down flagship (review the
diff before committing). The files in ``golden/`` were made by the code before the clean-up
of the result objects, so that the test proves the output did not change:

    PYTHONPATH=<checkout>/src python tests/analysis/golden_json.py

Volatile keys, replaced by a placeholder in the file and in the test: the sweep's ``out``
(the folder, a temporary path). Nothing else is left out: the JSON of both commands holds no
timings. The sweep's ``sweep_key`` hashes the scenario as validated: it changed twice since,
when ``assets.moving[].rcs_m2`` (never read) left the schema, and once when effectors gained
``stock``, ``resupply``, roles, reserves, zones, ground time and ground vulnerability (finite means
and doctrine; the cut-down
flagship never runs dry and its defaults are today's doctrine), and once when ``c2.intent``
and the raids' ``feint_fraction`` came (defaults: today's model); every value is
unchanged.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

#: Arguments after the scenario file; the sweep's ``--out`` is added.
FAULTS_ARGS = ["-n", "40", "--seed", "3", "--workers", "2", "--json", "--quiet"]
SWEEP_ARGS = ["--vary", "raids[Decoys].count=1,6", "--vary", "c2.escort_priority=0.2,0.9",
              "-n", "40", "--seed", "7", "--workers", "2", "--json", "--quiet"]
VOLATILE = {"sweep": ("out",), "faults": ()}
GOLDEN = {name: HERE / "golden" / f"{name}-small.json" for name in ("faults", "sweep")}


def write_small(folder: Path) -> Path:
    import yaml

    from testkit import flagship_small_dict

    path = folder / "small.yaml"
    path.write_text(yaml.safe_dump(flagship_small_dict(), sort_keys=False), encoding="utf-8")
    return path


def normalise(name: str, text: str) -> str:
    """The command's ``--json`` text with its volatile keys replaced by ``"<volatile>"``."""
    data = json.loads(text)
    for key in VOLATILE[name]:
        data[key] = "<volatile>"
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def run(name: str, scenario: Path, folder: Path) -> str:
    """``skyshield NAME scenario ... --json`` in this process; its stdout, normalised."""
    from skyshield.cli import main

    argv = [name, str(scenario)] + (FAULTS_ARGS if name == "faults" else
                                    [*SWEEP_ARGS, "--out", str(folder / "sweep")])
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = main(argv)
    assert rc == 0, f"skyshield {' '.join(argv)}: exit code {rc}"
    return normalise(name, buf.getvalue())


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        small = write_small(Path(tmp))
        for name, path in GOLDEN.items():
            path.parent.mkdir(exist_ok=True)
            path.write_text(run(name, small, Path(tmp)), encoding="utf-8")
            print(f"wrote {path}")
