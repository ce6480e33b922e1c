"""The one check of a run's arguments (replications, seed, workers...), for every command.

``skyshield run``, ``sweep``, ``faults``, ``plan`` and ``report --raid-sweep`` and the library
entry points behind them accept the same arguments with the same limits; each calls
:func:`check_run_args` instead of repeating the tests. Only the standard library and
:mod:`skyshield.errors` are imported here: the CLI modules import this at module level.
"""

from __future__ import annotations

from dataclasses import dataclass

from skyshield.errors import InputError

#: ``InputError.file`` of a command-line argument.
ARG = "<argument>"
#: Seeds lie in ``[0, SEED_LIMIT)`` (63 bits).
SEED_LIMIT = 2**63
BACKENDS = ("process", "ray")
#: The help text of ``--objective`` (``run``, ``sweep``, ``faults``).
OBJECTIVE_HELP = ("What the defence is measured by: vip (the VIP's loss probability), value "
                  "(expected value lost, Σ value × P(loss)) or asset:NAME (that asset's loss "
                  "probability).")


@dataclass(frozen=True)
class Objective:
    """What ``run``, ``sweep`` and ``faults`` measure a defence by (``--objective``).

    Attributes
    ----------
    kind
        ``vip``: the loss probability of the VIP (asset 0, the first moving asset; the first
        site without one); ``value``: the expected value lost, ``Σ_a value_a · P(loss_a)``;
        ``asset``: the loss probability of the asset named :attr:`asset`.
    asset
        The asset's name (``kind == "asset"`` only).
    """

    kind: str = "vip"
    asset: str | None = None

    @property
    def label(self) -> str:
        """As written on the command line: ``vip``, ``value``, ``asset:NAME``."""
        return f"asset:{self.asset}" if self.kind == "asset" else self.kind


def parse_objective(text: str) -> Objective:
    """Parse ``--objective`` (``vip``, ``value`` or ``asset:NAME``); the asset name is checked
    against a scenario later (:func:`skyshield.results.objective.resolve_objective`).

    Raises
    ------
    InputError
        An unknown kind, or ``asset:`` without a name (field ``--objective``).
    """
    kind, sep, name = text.partition(":")
    kind = kind.strip()
    if kind in ("vip", "value") and not sep:
        return Objective(kind)
    if kind == "asset" and sep and name.strip():
        return Objective("asset", name.strip())
    if kind == "asset":
        raise InputError("asset: needs the asset's name (asset:NAME)", file=ARG,
                         field="--objective")
    raise InputError(f"unknown objective '{text}' (known: vip, value, asset:NAME)", file=ARG,
                     field="--objective")


def run_args_problem(
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    *,
    precision: float | None = None,
    min_replications: int = 1,
    replications_field: str = "--replications",
) -> tuple[str, str] | None:
    """The first problem of a run's arguments as ``(field, message)``, or ``None``.

    ``None`` for an argument means "not given": it is not checked. The replications are
    checked against ``min(1, min_replications)`` first and against ``min_replications`` last,
    so that a command needing two replications names the other bad arguments first.
    """
    first = min(1, min_replications)
    if replications is not None and replications < first:
        return replications_field, f"must be at least {first}"
    if seed is not None and not 0 <= seed < SEED_LIMIT:
        return "--seed", "must be in [0, 2**63)"
    if workers is not None and workers < 1:
        return "--workers", "must be at least 1"
    if precision is not None and not 0.0 < precision < 0.5:
        return "--precision", "must be in (0, 0.5)"
    if replications is not None and replications < min_replications:
        return replications_field, f"must be at least {min_replications}"
    return None


def check_run_args(
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    *,
    precision: float | None = None,
    min_replications: int = 1,
    replications_field: str = "--replications",
    backend: str | None = None,
    address: str | None = None,
) -> None:
    """Raise :class:`~skyshield.errors.InputError` naming the first bad argument.

    Parameters
    ----------
    replications, seed, workers, precision
        As given on the command line; ``None``: not given (not checked).
    min_replications
        The fewest replications the command accepts (``faults``: 2, ``plan``: 0).
    replications_field
        The option that sets the replications (``report``: ``--sweep-replications``).
    backend, address
        Of the analysis commands: ``process`` or ``ray`` (Ray must be installed), and a Ray
        address only with ``ray``.
    """
    problem = run_args_problem(replications, seed, workers, precision=precision,
                               min_replications=min(1, min_replications),
                               replications_field=replications_field)
    if problem is not None:
        raise InputError(problem[1], file=ARG, field=problem[0])
    if backend is not None:
        if backend not in BACKENDS:
            raise InputError(f"unknown backend '{backend}' (known: {', '.join(BACKENDS)})",
                             file=ARG, field="--backend")
        if address is not None and backend != "ray":
            raise InputError("--address is for --backend ray", file=ARG, field="--address")
        if backend == "ray":
            import importlib.util

            if importlib.util.find_spec("ray") is None:
                raise InputError("Ray is not installed (pip install 'skyshield[ray]')",
                                 file=ARG, field="--backend")
    problem = run_args_problem(replications, min_replications=min_replications,
                               replications_field=replications_field)
    if problem is not None:
        raise InputError(problem[1], file=ARG, field=problem[0])


def cap_workers(workers: int | None, *, force: bool = False,
                option: str = "--workers") -> int | None:
    """``workers``, capped at the machine's CPU count (``os.cpu_count()``) unless ``force``.

    More worker processes than CPUs only share the same cores (each one a process of its
    own, ~160 MB), so a larger request is reduced, with a one-line notice on stderr saying
    so; ``--force-workers`` keeps it. ``None`` (the command's default) passes unchanged.
    """
    import os
    import sys

    cpus = os.cpu_count() or 1
    if workers is None or force or workers <= cpus:
        return workers
    print(f"skyshield: note: {option} {workers} is more than this machine's {cpus} CPUs; "
          f"using {cpus} (--force-workers to start {workers})", file=sys.stderr)
    return cpus
