"""Run every benchmark of the project (``make bench``): each ``benchmarks/bench_*.py`` module's
``main(argv)`` in turn. Pass ``--quick`` through for a short run."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    only = [a.split("=", 1)[1] for a in argv if a.startswith("--only=")]
    rest = [a for a in argv if not a.startswith("--only=")]
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    rc = 0
    for name in names:
        if only and name.removeprefix("bench_") not in only:
            continue
        print(f"\n=== {name} ===", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        rc |= int(module.main(rest) or 0)
    return rc


if __name__ == "__main__":
    sys.exit(main())
