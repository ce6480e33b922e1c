"""Command-line options that several commands share, declared once (typer only: the CLI's
import path stays light)."""

from __future__ import annotations

from typing import Annotated

import typer

#: ``--force-workers``
ForceWorkers = Annotated[bool, typer.Option(
    "--force-workers", help="Start --workers processes even beyond the CPU count.")]

#: ``--overwrite`` of a command that writes an output folder
Overwrite = Annotated[bool, typer.Option(
    "--overwrite", help="Replace the skyshield files of another scenario found in --out "
                        "(files skyshield did not write are kept).")]
