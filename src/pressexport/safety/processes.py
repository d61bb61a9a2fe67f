"""The terms every worker process runs under (batch's builders, import's readers): how workers start, their
memory ceiling, their silence, and how a stopped one is explained. Light on purpose: a worker imports it
before anything else."""

from __future__ import annotations

import logging
import os
import resource
import signal
import time
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


def die_with(batch_pid: int) -> None:
    """End this worker as soon as the batch (or import) that started it is gone, even by ``kill -9``.

    Its parent is the fork server, which lives on while any worker holds the pipe it watches, so neither
    the parent's death signal nor the pool's shutdown would reach the workers: a thread waits on the batch
    process itself (a pidfd: no polling, no reused PID) and kills this process when it ends."""
    import select
    import threading

    try:
        handle = os.pidfd_open(batch_pid)
    except ProcessLookupError:
        os._exit(1)  # gone already
    except (AttributeError, OSError):  # no pidfd (an old kernel): look every second instead
        threading.Thread(target=exit_when_gone, args=(batch_pid,), daemon=True, name="die-with-batch").start()
        return
    wait = lambda: select.select([handle], [], [])  # noqa: E731 - readable once the process has ended
    threading.Thread(target=exit_after, args=(wait,), daemon=True, name="die-with-batch").start()


def exit_when_gone(pid: int) -> None:
    """Kill this process once ``pid`` no longer exists (checked every second)."""
    def wait() -> None:
        while True:
            time.sleep(1)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
    exit_after(wait)


def exit_after(wait) -> None:
    """Wait, then kill this process at once (no clean-up: the batch that would take its work is gone)."""
    wait()
    os.kill(os.getpid(), signal.SIGKILL)


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
