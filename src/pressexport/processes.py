"""The terms every worker process runs under (batch's builders, import's readers): how workers start, their
memory ceiling, their silence, and how a stopped one is explained. Light on purpose: a worker imports it
before anything else."""

from __future__ import annotations

import logging
import resource
from concurrent.futures import TimeoutError as FutureTimeout

# Workers start from a fork server: a fork of this process would copy the threads of the progress display
# and of the pool itself, with whatever locks they hold. (Tests that change this process use "fork".)
START_METHOD = "forkserver"


def memory_limit(memory_mb: int) -> str:
    """How failures name the memory ceiling, and the option that raises it."""
    return f"the memory ceiling of {memory_mb} MiB (--memory-limit)"


def stopped_after(timeout: float) -> str:
    """Why an article that ran out of time failed, and what to do if it is just long."""
    return f"took longer than {timeout:g} s and was stopped; give --timeout more seconds if it is just very long"


def limit_memory(memory_mb: int) -> None:
    """This process's ceiling: an allocation beyond it fails (MemoryError) instead of swapping the machine."""
    limit = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def quiet_loggers() -> None:
    """A worker logs nothing: what it has to say comes back as values (diagnostics, outcomes)."""
    for name in ("pressexport", "weasyprint", "fontTools", "trafilatura", "htmldate", "courlan"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [logging.NullHandler()]
        logger.propagate = False


def why_stopped(exc: BaseException, timeout: float, memory_mb: int, doing: str) -> str | None:
    """Why a worker's task failed when the worker itself was stopped (its deadline, a crash or the memory
    ceiling), as the one line a user reads; None for any other error."""
    from pebble import ProcessExpired

    if isinstance(exc, FutureTimeout):
        return stopped_after(timeout)
    if isinstance(exc, ProcessExpired):
        return f"its worker stopped (exit code {exc.exitcode}); it may need more than {memory_limit(memory_mb)}"
    if isinstance(exc, MemoryError):
        return f"ran out of memory while {doing}; it needs more than {memory_limit(memory_mb)}"
    return None
