"""Ray, as every command that distributes work uses it: a session on a cluster at an address,
or on a fresh local instance of our own (``docs/scaling.md``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def ray_session(workers: int, address: str | None) -> Iterator[Any]:
    """Yield the ``ray`` module with a session open: the caller's if Ray is initialised,
    else one started here (on the cluster at ``address``, or a local instance of ``workers``
    CPUs) and shut down on exit."""
    import ray

    started = False
    if not ray.is_initialized():
        if address is None:
            # "local": always a fresh instance of our own, even when a cluster started with
            # `ray start` runs on this machine (Ray would otherwise join it, and refuse
            # num_cpus)
            ray.init(address="local", num_cpus=workers, include_dashboard=False,
                     log_to_driver=False, configure_logging=False)
        else:
            ray.init(address=address, log_to_driver=False, configure_logging=False)
        started = True
    try:
        yield ray
    finally:
        if started:
            ray.shutdown()


def cluster_cpus(ray: Any, default: int) -> int:
    """The CPUs of the session's cluster (``default`` if Ray does not say)."""
    try:
        return max(1, int(ray.cluster_resources().get("CPU", default)))
    except Exception:  # pragma: no cover - a cluster that does not answer
        return max(1, default)
