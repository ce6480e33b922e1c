"""The ``skyshield`` command line: thin commands that parse and delegate to one library call.

Only ``typer`` and the standard library are imported at module level (``--help`` is instant);
each command imports what it needs inside its body. Sub-command groups live beside the
library they drive (``skyshield.wta.cli``, ``skyshield.plan.cli``, ``skyshield.analysis.cli``)
and must obey the same rule.
"""

from __future__ import annotations

import sys

import typer

from skyshield.errors import EXIT_BAD_INPUT, InputError

app = typer.Typer(
    name="skyshield",
    help="Plan and stress-test the air defence of high-value assets against drone raids.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


_registered = False


def _register_subcommands() -> None:
    """Attach the command groups and commands that live beside their libraries (once)."""
    global _registered
    if _registered:
        return
    from skyshield import commands

    commands.register(app)
    _registered = True


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the app and turns bad input into one line on stderr and exit code 2."""
    # typer vendors its own copy of click: its exceptions are not `click`'s
    from typer._click import exceptions as cexc

    _register_subcommands()
    command = typer.main.get_command(app)
    try:
        command.main(args=argv, prog_name="skyshield", standalone_mode=False)
    except InputError as exc:
        print(f"skyshield: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except cexc.UsageError as exc:
        # one line, like every other bad input; the usage text stays behind --help
        cmd = exc.ctx.command_path if exc.ctx is not None else "skyshield"
        msg = " ".join(exc.format_message().split())
        print(f"skyshield: error: {msg} (see '{cmd} --help')", file=sys.stderr)
        return EXIT_BAD_INPUT
    except typer.Abort:
        print("Aborted.", file=sys.stderr)
        return 130
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except cexc.ClickException as exc:
        exc.show()
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
