"""The memory the advisor needs, checked before anything heavy is loaded (standard library only).

Under a low address-space limit (``ulimit -v``) the rule engine's C code can
crash the process with no message at all, which no handler can turn into one.
The command line therefore refuses to start below :data:`MIN_ADDRESS_SPACE`.
"""

from __future__ import annotations

try:
    import resource
except ImportError:  # not POSIX: no limit to read
    resource = None  # type: ignore[assignment]

MIB = 1024 * 1024

MIN_ADDRESS_SPACE = 256 * MIB
"""Smallest address-space limit the command line starts under.

Measured with ``benchmarks/bench_memory.py`` (Python 3.11, durable-rules 2.0.28):
``plan``, ``validate`` and ``coverage`` need about 61 MiB of address space,
``explain``, ``test`` and ``batch -j 1`` 63, ``batch -j 2`` 67, ``gaps`` 75,
``lint`` (a ruleset compiled per check) 183. Below what a command needs the
process dies with MemoryError or, in compiled code (the engine, pydantic's
core, orjson), with SIGSEGV or SIGABRT and no message. The one minimum for
every command therefore sits above the heaviest, with a margin.
"""


def address_space_limit() -> int | None:
    """The soft address-space limit in bytes, or None when there is none."""
    if resource is None:
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else soft


def too_little_memory() -> str | None:
    """A one-line reason to refuse to start, or None when the limit (if any) is enough."""
    limit = address_space_limit()
    if limit is None or limit >= MIN_ADDRESS_SPACE:
        return None
    return (
        f"the address-space limit (ulimit -v) is {limit // MIB} MiB; cec-advisor needs at least "
        f"{MIN_ADDRESS_SPACE // MIB} MiB: raise it (e.g. ulimit -v {MIN_ADDRESS_SPACE // 1024})"
    )


def memory_limit_note() -> str:
    """`` (the address-space limit is N MiB)`` when a limit is set, else empty: context for an out-of-memory error."""
    limit = address_space_limit()
    return f" (the address-space limit, ulimit -v, is {limit // MIB} MiB)" if limit is not None else ""
