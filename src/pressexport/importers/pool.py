"""Each source is read in a worker process, under a deadline and a memory ceiling: a hostile page (a hundred
thousand attributes on one tag make libxml2 work for minutes) fails alone, with its reason, and the run goes
on. Sources are read side by side, their outcomes reported in the order given (the slugs do not depend on
which worker finished first)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..errors import missing_library
from ..options import BatchOptions
from ..safety.processes import START_METHOD, die_with, limit_memory, quiet_loggers, why_stopped
from . import Draft, Outcome


@dataclass(frozen=True)
class Task:
    """One source to read: its name for messages, the reader and what it reads. A reader returns drafts
    and failures, or further tasks (an export's posts), each read in turn under its own deadline."""

    source: str
    read: Callable[..., list[Draft | Outcome | Task]]
    args: tuple


def read_all(tasks: Iterable[Task | Outcome], run: BatchOptions) -> Iterator[Draft | Outcome]:
    """Every task's drafts (or failures), in order; outcomes decided without reading pass straight through."""
    from pebble import ProcessPool  # a worker per core, replaced when it is stopped or dies

    pool = ProcessPool(max_workers=run.workers, initializer=reader_worker, initargs=(run.memory_mb, os.getpid()),
                       context=multiprocessing.get_context(START_METHOD))
    try:
        yield from results_in_order(pool, list(tasks), run)
    finally:
        pool.stop()
        pool.join()


def results_in_order(pool, tasks: list[Task | Outcome], run: BatchOptions) -> Iterator[Draft | Outcome]:
    """Schedule every task at once, then give their results in the order of the tasks; a task's own tasks
    take its place (iteratively: an export's posts are read side by side too)."""
    pending = [[(task, schedule(pool, task, run)) for task in tasks]]
    while pending:
        if not pending[-1]:
            pending.pop()
            continue
        task, future = pending[-1].pop(0)
        found = [task] if future is None else result(task, future, run)
        more = [item for item in found if isinstance(item, Task)]
        yield from (item for item in found if not isinstance(item, Task))
        if more:
            pending.append([(item, schedule(pool, item, run)) for item in more])


def schedule(pool, task: Task | Outcome, run: BatchOptions):
    """The future of a task (None for an outcome decided without reading)."""
    return pool.schedule(task.read, task.args, timeout=run.timeout) if isinstance(task, Task) else None


def reader_worker(memory_mb: int, import_pid: int) -> None:
    """A reader's worker: it does not outlive the import, and has batch's memory ceiling and quiet loggers
    (no engine to load)."""
    die_with(import_pid)
    limit_memory(memory_mb)
    quiet_loggers()


def result(task: Task, future, run: BatchOptions) -> list[Draft | Outcome | Task]:
    """A finished read; a deadline passed, a dead worker or an escaped error fail this source alone."""
    try:
        return future.result()
    except ImportError as exc:  # an incomplete install: not the file's fault
        reason = missing_library(exc)
    except Exception as exc:  # noqa: BLE001 - a reader's own bug: still one line, the others go on
        reason = why_stopped(exc, run.timeout, run.memory_mb, "reading it") or \
            f"internal error ({type(exc).__name__}: {exc}); please report it with this file"
    return [Outcome(task.source, "failed", reason=reason)]
