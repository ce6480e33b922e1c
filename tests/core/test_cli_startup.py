"""`skyshield --help` is instant: no heavy module is imported on the CLI's path."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("numpy", "numba", "duckdb", "pyarrow", "matplotlib", "scipy", "highspy", "ortools",
         "ray", "pandas", "pydantic")


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "from skyshield.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY="


def test_every_command_is_listed() -> None:
    out = subprocess.run([sys.executable, "-m", "skyshield.cli", "--help"], capture_output=True,
                         text=True, check=True, timeout=60)
    for cmd in ("run", "validate", "catalogue", "plan", "sweep", "faults", "report", "wta"):
        assert f" {cmd} " in out.stdout, cmd


def test_version_and_plain_flags() -> None:
    """``--version`` prints the version; a flag's help shows no value type; ``-o`` is
    ``--out``."""
    from skyshield._version import __version__

    out = subprocess.run([sys.executable, "-m", "skyshield.cli", "--version"],
                         capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == f"skyshield {__version__}"
    out = subprocess.run([sys.executable, "-m", "skyshield.cli", "run", "--help"],
                         capture_output=True, text=True, check=True, timeout=60,
                         env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"})
    assert "<bool>" not in out.stdout and "--json" in out.stdout
    assert any("--out" in line and "-o " in line for line in out.stdout.splitlines())
