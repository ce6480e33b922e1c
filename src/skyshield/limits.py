"""What a request may cost before it is refused: memory, work and the size of input files.

Every command estimates what it will need before it starts (the Monte Carlo in
:mod:`skyshield.engine.size`, the planner's grid in :mod:`skyshield.plan.hazard`, a WTA
instance in :mod:`skyshield.wta.instances`) and calls :func:`check` with the estimate; what
cannot fit is refused with one :class:`~skyshield.errors.InputError` that says what was asked
for, how much it needs and what the limit is — never a ``MemoryError`` an hour in, or a run
that does not end. The limits (``docs/scenario.md``, "Limits"):

- **memory**: :data:`MEMORY_FRACTION` of the machine's memory (the smaller of its physical
  memory and its cgroup limit, read portably; 8 GiB assumed when neither can be read);
  ``SKYSHIELD_MEMORY_LIMIT`` (bytes, e.g. ``64e9``) replaces it;
- **work**: :data:`WORK_LIMIT` entity-steps (``docs/scenario.md`` defines them);
  ``SKYSHIELD_WORK_LIMIT`` replaces it;
- **input files** are read up to :data:`MAX_INPUT_BYTES` (a gzipped file: after
  decompression), so that neither a huge file nor a gzip bomb can exhaust memory.

Only the standard library and :mod:`skyshield.errors` are imported: the CLI modules and every
layer may use this module.
"""

from __future__ import annotations

import gzip
import io
import math
import os
import sys
import zlib
from pathlib import Path

from skyshield.errors import InputError

#: The share of the machine's memory one request may use.
MEMORY_FRACTION = 0.5
#: The most entity-steps one request may ask for: at the 0.19–0.43 ns an entity-step of the
#: example scenarios on one core (``docs/scenario.md``, "Limits"), 5–12 hours of CPU time,
#: far above any study they need.
WORK_LIMIT = 1e14
#: The largest input file read (scenario, plan spec, strategy, WTA instance after gunzip).
MAX_INPUT_BYTES = 64 * 2**20
#: Assumed when the machine's memory cannot be read.
FALLBACK_MEMORY = 8 * 2**30

MEMORY_ENV = "SKYSHIELD_MEMORY_LIMIT"
WORK_ENV = "SKYSHIELD_WORK_LIMIT"


def _cgroup_limit() -> int | None:
    """The memory limit of this process's cgroup (v2, then v1), if it has one."""
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text.isdigit() and int(text) < 2**60:  # v1 writes ~2**63 for "no limit"
            return int(text)
    return None


def _physical_memory() -> int | None:
    if sys.platform == "win32":  # pragma: no cover - not on the test machines
        import ctypes

        class _Status(ctypes.Structure):
            _fields_ = [("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
                        ("ullTotalPhys", ctypes.c_ulonglong),
                        ("ullAvailPhys", ctypes.c_ulonglong),
                        ("ullTotalPageFile", ctypes.c_ulonglong),
                        ("ullAvailPageFile", ctypes.c_ulonglong),
                        ("ullTotalVirtual", ctypes.c_ulonglong),
                        ("ullAvailVirtual", ctypes.c_ulonglong),
                        ("ullAvailExtendedVirtual", ctypes.c_ulonglong)]

        status = _Status()
        status.dwLength = ctypes.sizeof(_Status)
        if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):  # type: ignore[attr-defined]
            return int(status.ullTotalPhys)
        return None
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None
    return pages * size if pages > 0 and size > 0 else None


def machine_memory() -> int:
    """This machine's memory in bytes, as far as this process may use it: the smaller of the
    physical memory and the cgroup limit (:data:`FALLBACK_MEMORY` when neither is known)."""
    known = [m for m in (_physical_memory(), _cgroup_limit()) if m]
    return min(known) if known else FALLBACK_MEMORY


def _env_number(name: str) -> float | None:
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise InputError(f"must be a positive number, got {text!r}", file="<environment>",
                         field=name)
    return value


def memory_limit() -> float:
    """Bytes one request may use: ``$SKYSHIELD_MEMORY_LIMIT``, else :data:`MEMORY_FRACTION`
    of :func:`machine_memory`."""
    env = _env_number(MEMORY_ENV)
    return env if env is not None else MEMORY_FRACTION * machine_memory()


def work_limit() -> float:
    """Entity-steps one request may ask for: ``$SKYSHIELD_WORK_LIMIT``, else
    :data:`WORK_LIMIT`."""
    env = _env_number(WORK_ENV)
    return env if env is not None else WORK_LIMIT


def format_bytes(n: float) -> str:
    """``1536`` → ``'1.5 KiB'``: bytes in binary units, three significant digits."""
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            v = n / size
            return f"{v:.3g} {unit}" if v < 1000 else f"{v:,.0f} {unit}"
    return f"{n:.0f} B"


def _memory_source() -> str:
    if os.environ.get(MEMORY_ENV, "").strip():
        return f"${MEMORY_ENV}"
    return (f"{MEMORY_FRACTION:.0%} of this machine's {format_bytes(machine_memory())}; "
            f"${MEMORY_ENV} sets another")


def check(
    what: str,
    *,
    memory: float = 0.0,
    memory_detail: str = "",
    work: float = 0.0,
    work_detail: str = "",
    file: str | None = None,
    line: int | None = None,
    field: str | None = None,
) -> None:
    """Refuse a request whose estimated memory or work exceeds the limits.

    Parameters
    ----------
    what
        The request, as the message begins: ``"the run"``, ``"the planning grid"``.
    memory, work
        Its estimated peak memory (bytes) and work (entity-steps); 0 for "not estimated".
    memory_detail, work_detail
        Where the estimate comes from (``"1,000 replications × 1.2 MiB"``), for the message.
    file, line, field
        Where the request comes from (the field that makes it large).

    Raises
    ------
    InputError
        One line: what was asked, about how much it needs, and the limit.
    """
    lim = memory_limit()
    if memory > lim or not math.isfinite(memory):
        detail = f" ({memory_detail})" if memory_detail else ""
        raise InputError(f"{what} needs about {format_bytes(memory)} of memory{detail}, more "
                         f"than the {format_bytes(lim)} allowed ({_memory_source()})",
                         file=file, line=line, field=field)
    wl = work_limit()
    if work > wl or not math.isfinite(work):
        detail = f" ({work_detail})" if work_detail else ""
        raise InputError(f"{what} needs about {work:.2g} entity-steps of work{detail}, more "
                         f"than the limit of {wl:.2g} (${WORK_ENV} sets another)",
                         file=file, line=line, field=field)


def read_input(path: str | Path, what: str = "file", *, gunzip: bool = False) -> bytes:
    """The bytes of an input file, at most :data:`MAX_INPUT_BYTES` of them; with ``gunzip``,
    decompressed when its content is gzip (the limit applies after decompression).

    Raises
    ------
    InputError
        The file is missing, a folder, unreadable, corrupt gzip, or larger than the limit.
    """
    p = Path(path)
    file = str(path)
    try:
        with p.open("rb") as f:
            raw = f.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise InputError("file not found", file=file) from None
    except IsADirectoryError:
        raise InputError(f"is a directory, not a {what}", file=file) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=file) from None
    too_big = f"larger than {format_bytes(MAX_INPUT_BYTES)}: not a {what} this tool reads"
    if len(raw) > MAX_INPUT_BYTES:
        raise InputError(too_big, file=file)
    if gunzip and raw[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as g:
                raw = g.read(MAX_INPUT_BYTES + 1)  # never more: a gzip bomb stops here
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"corrupt gzip data: {exc}", file=file) from None
        if len(raw) > MAX_INPUT_BYTES:
            raise InputError(f"{too_big} (once decompressed)", file=file)
    return raw


def decode_text(raw: bytes, file: str) -> str:
    """UTF-8 text (a byte-order mark dropped), or an :class:`InputError` naming the line of
    the first byte that is not UTF-8."""
    try:
        # utf-8-sig: a byte-order mark, as some Windows editors write, is not content
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(f"not a UTF-8 text file (byte 0x{raw[exc.start]:02x})", file=file,
                         line=line) from None
