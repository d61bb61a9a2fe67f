"""Warm worker processes for batch: each article in a worker that has WeasyPrint loaded, under a deadline and
a memory ceiling, replaced after a number of renders (WeasyPrint keeps memory after a render).

The pool is pebble's: a timed-out article's worker is stopped and replaced, a worker that dies (the memory
ceiling, a crash in a native library) fails its article alone, and ``max_tasks`` recycles workers without
CPython's own ``max_tasks_per_child`` deadlock (gh-115634). Workers start from a fork server, so they never
inherit the parent's threads (the progress display) or its open record.
"""

from __future__ import annotations

import glob
import multiprocessing
import os
import time
import traceback
from collections.abc import Iterable, Iterator
from concurrent.futures import as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..build import BuildReport, Built, build_into
from ..sources.discover import Job
from ..options import BatchOptions, BuildOptions
from ..backends.stamp import batch_epoch
from ..safety.processes import START_METHOD, die_with, limit_memory, memory_limit, quiet_loggers, why_stopped

if TYPE_CHECKING:
    from ..eco import EcoReport

@dataclass(frozen=True)
class Outcome:
    """What became of one job: what it built, or the one line that says why it failed."""

    job: Job
    built: Built | None = None
    failure: str = ""
    traceback: str = ""
    eco: dict[Path, EcoReport] = field(default_factory=dict)
    seconds: float = 0.0


def build_job(job: Job, options: BuildOptions, memory_mb: int, epoch: str | None = None) -> Outcome:
    """Build one article (in a worker, with the batch's SOURCE_DATE_EPOCH): failures come back as values,
    like everything else."""
    started = time.perf_counter()
    report = BuildReport()
    with batch_epoch(epoch):
        built = build_into(report, job, options, memory_limit=memory_limit(memory_mb))
    return Outcome(job, built, "\n".join(report.failures), "".join(report.tracebacks), report.eco,
                   time.perf_counter() - started)


def warm_up(options: BuildOptions, memory_mb: int, batch_pid: int | None = None) -> None:
    """A new worker: bound to the batch's process ``batch_pid`` (which it does not outlive) and under its memory
    ceiling (neither for a cluster's worker, which its nanny watches and which does more than build), quiet
    loggers, and a first edition of a small article in every format asked for, thrown away: the engines,
    fonts and stylesheets load here, before any article's clock starts (``--timeout`` is for the article's
    own work; the pool counts from when a worker takes a job, after this)."""
    if batch_pid is not None:
        die_with(batch_pid)
        limit_memory(memory_mb)
    quiet_loggers()
    try:
        build_warm_up_article(options)
    except Exception:  # noqa: BLE001 - e.g. MemoryError under a tight ceiling: the job will say it, as a value
        return


WARM_UP_ARTICLE = """---
title: Warm-up
lang: en
licence: CC-BY-4.0
---

A paragraph with a footnote.[^1]

[^1]: The note.
"""


def build_warm_up_article(options: BuildOptions) -> None:
    """Build a small article in a temporary folder with the batch's options (its files and warnings dropped)."""
    import tempfile

    from ..build import build_one
    from ..diagnostics import collecting

    with tempfile.TemporaryDirectory(prefix="pressexport-warm-up-") as folder:
        root = Path(folder).resolve()
        (root / "warm-up.md").write_text(WARM_UP_ARTICLE, encoding="utf-8")
        job = Job(root / "warm-up.md", root, root / "out", "warm-up.md", "warm-up")
        with collecting():
            build_one(job, replace(options, out_dir=root / "out", root=root), {})


class LocalPool:
    """Worker processes on this machine."""

    def __init__(self, options: BuildOptions, batch: BatchOptions):
        """Start ``batch.workers`` warm workers (started lazily by pebble, as jobs arrive)."""
        from pebble import ProcessPool  # only batch needs it

        self.batch = batch
        self.pool = ProcessPool(max_workers=batch.workers, max_tasks=batch.renders_per_worker,
                                initializer=warm_up, initargs=(options, batch.memory_mb, os.getpid()),
                                context=multiprocessing.get_context(START_METHOD))
        self.options = options

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        """Every job's outcome, as each finishes."""
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        futures = {self.pool.schedule(build_job, (job, self.options, self.batch.memory_mb, epoch),
                                      timeout=self.batch.timeout): job for job in jobs}
        for future in as_completed(futures):
            yield self.outcome(future, futures[future])

    def outcome(self, future, job: Job) -> Outcome:
        """The outcome of a finished future; a timeout, a dead worker or an escaped error fail the job alone."""
        try:
            return future.result()
        except Exception as exc:  # noqa: BLE001 - an error outside build_into's own net: still one line
            reason = why_stopped(exc, self.batch.timeout, self.batch.memory_mb, "building it")
            if reason is None:
                return Outcome(job, failure=f"{job.path}: internal error ({type(exc).__name__}: {exc}); please "
                               "report it with this file (--verbose shows the traceback)",
                               traceback="".join(traceback.format_exception(exc)))
        remove_staged_files(job)
        return Outcome(job, failure=f"{job.path}: {reason}")

    def close(self) -> None:
        """Stop the workers (a job still running is abandoned: its staged files never become outputs)."""
        self.pool.stop()
        self.pool.join()

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def remove_staged_files(job: Job) -> None:
    """The temporary files a stopped worker left beside the outputs it was writing."""
    if job.slug and job.out_dir.is_dir():
        for temp in job.out_dir.glob(f".{glob.escape(job.slug)}.*.tmp"):
            temp.unlink(missing_ok=True)
