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


def _plain_flags() -> None:
    """Help shows a flag (``--json``) without a value type: this typer version writes
    ``<bool>`` after every flag, as if it took a value."""
    from typer.core import TyperOption

    show = getattr(TyperOption, "display_type_rich", None)
    if show is None or getattr(show, "_skyshield", False):  # pragma: no cover
        return

    def display_type_rich(self: TyperOption, ctx: object) -> str | None:
        return None if self.is_flag else show(self, ctx)

    display_type_rich._skyshield = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_plain_flags()


def _print_version(value: bool) -> None:
    if value:
        from skyshield._version import __version__

        print(f"skyshield {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True,
        help="Print the version and exit.")) -> None:
    """Plan and stress-test the air defence of high-value assets against drone raids."""


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
    """Entry point: runs the app and turns bad input into one line on stderr and exit code 2,
    and an interrupt (Ctrl-C) into one line saying what was kept and exit code 130."""
    # typer vendors its own copy of click: its exceptions are not `click`'s
    from typer._click import exceptions as cexc

    from skyshield.display import term
    from skyshield.interrupt import EXIT_INTERRUPTED, Interrupted

    _register_subcommands()
    command = typer.main.get_command(app)
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        # what click's main() does, without its turning an interrupt into a bare exit code
        with command.make_context("skyshield", args) as ctx:
            command.invoke(ctx)
    except InputError as exc:
        print(f"skyshield: error: {term(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as exc:
        kept = exc.kept if isinstance(exc, Interrupted) else "stopped"
        print(f"skyshield: interrupted: {term(kept)}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except cexc.UsageError as exc:
        # one line, like every other bad input; the usage text stays behind --help
        cmd = exc.ctx.command_path if exc.ctx is not None else "skyshield"
        msg = " ".join(exc.format_message().split())
        print(f"skyshield: error: {term(msg)} (see '{cmd} --help')", file=sys.stderr)
        return EXIT_BAD_INPUT
    except typer.Abort:
        print("Aborted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except cexc.ClickException as exc:
        print(f"skyshield: error: {term(' '.join(exc.format_message().split()))}",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return 0
    except OSError as exc:
        # the machine refused a read or write the checks could not foresee (disk full, a
        # folder made read-only meanwhile): one line too, naming the file
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"skyshield: error: {term(where)}{term(exc.strerror or exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
