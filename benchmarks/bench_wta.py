"""WTA benchmark: ``python -m benchmarks.bench_wta [--quick]``.

The logic lives in :mod:`skyshield.wta.bench` so that ``skyshield wta bench`` runs the same.
"""

from __future__ import annotations

import sys

from skyshield.wta.bench import main as _main


def main(argv: list[str] | None = None) -> int:
    """Run the WTA benchmark; see ``--help``."""
    return _main(argv)


if __name__ == "__main__":
    sys.exit(main())
