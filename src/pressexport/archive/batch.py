"""Batch: every article under a folder, with progress, skipping articles unchanged since the last run."""

from __future__ import annotations

import hashlib
from collections import Counter as Tally
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..build import BuildOptions, BuildReport, Built, failure_line
from ..diagnostics import Diagnostic, collecting, counted, summary, warn
from ..sources.discover import Job, fallback_jobs, plan
from .record import (Entry, Failure, Record, entry_for, failed_again, fresh_entry, inputs_of, source_unchanged,
                     with_earlier_editions)
from ..options import BatchOptions
from ..resources import styles_dir
from ..settings import described
from ..sources.article import default_root, is_within
from ..version import __version__

if TYPE_CHECKING:
    from .workers import Outcome

# (index, total, article, "built" | "unchanged" | "failed", the article's diagnostics, why it failed)
Progress = Callable[[int, int, Path, str, tuple[Diagnostic, ...], str], None]
DEGRADING = ("image-missing", "cover-missing")  # what makes an edition worse than the one it replaces


@dataclass
class BatchReport(BuildReport):
    """A build report that also lists the articles skipped because nothing had changed."""

    unchanged: list[Path] = field(default_factory=list)
    built: list[Path] = field(default_factory=list)  # articles built (their files are in ``written``)
    # said before any article: files found and refused (links out of the root), a damaged record set aside
    skipped: list[Diagnostic] = field(default_factory=list)

    def as_dict(self, seconds: float) -> dict:
        """The report as plain data (``--report-json``): what was built, skipped and failed, and why."""
        return {"built": [str(path) for path in self.built], "unchanged": [str(path) for path in self.unchanged],
                "failed": self.failures, "written": [str(path) for path in self.written],
                "warnings": dict(sorted(counted(self.diagnostics).items())),
                "diagnostics": [diagnostic.as_dict() for diagnostic in self.diagnostics],
                "seconds": round(seconds, 3)}


def batch(folder: str | Path, options: BuildOptions = BuildOptions(), run: BatchOptions = BatchOptions(), *,
          progress: Progress | None = None) -> BatchReport:
    """Build every article under ``folder`` in warm worker processes, largest first, skipping those whose
    editions are up to date in the record kept in the output folder (``run.force`` rebuilds them).

    The content root is ``options.root``, else the root of the last run into the same output folder when
    it holds ``folder`` (so one issue of an archive can be rebuilt on its own, with the archive's shared
    files and layout), else ``folder``. Each finished article is recorded at once, so a killed run
    resumes where it stopped. An issue that cannot be built (one of its articles fails) is reported, and
    its articles are then built on their own."""
    folder = Path(folder)
    report = BatchReport()
    with collecting() as opening:
        record = Record.open(options.out_dir)
    report.skipped += opening
    report.diagnostics += opening
    with record, ExitStack() as stack:
        root = batch_root(folder, options.root, record)
        with collecting() as found:
            jobs, report.failures, report.failed = plan([folder], root, options.out_dir, recorded_slug(record),
                                                         split=options.split)
        report.skipped += found
        report.diagnostics += found
        record.set_root(root)
        settings = settings_digest(options)
        counter = Numbering(total=len(jobs), progress=progress)
        recorder = Recorder(report, record, settings, options.out_dir, options.formats,
                            f"{settings}|{run.timeout:g}|{run.memory_mb}")
        pool = Lazily(lambda: stack.enter_context(pool_for(options, run)))
        pending = jobs
        while pending:
            members = build_stale(pending, options.out_dir, run.force, pool, recorder, counter)
            pending, clashing, refused = fallback_jobs(members, jobs, recorded_slug(record))
            report.failures += clashing
            report.failed += refused
            counter.total += len(refused)
            for job, line in zip(refused, clashing):
                counter.tell(job.path, "failed", (), line)
            jobs += pending
            counter.total += len(pending)
    return report


def build_stale(jobs: list[Job], out_dir: Path, force: bool, pool: Lazily, recorder: Recorder,
                counter: Numbering) -> list[Job]:
    """Skip the jobs that are up to date, say again the failures of those that would fail as they did (nothing
    they read has changed), build the others in the workers (largest first) and record each as it finishes;
    returns the articles of the issues that failed, to be built on their own."""
    stale, members = [], []
    for job in jobs:
        if force:
            stale.append(job)
        elif recorder.unchanged(job):
            counter.tell(job.path, "unchanged", ())
        elif line := recorder.failed_again(job):
            counter.tell(job.path, "failed", (), line)
            members += job.members
        else:
            stale.append(job)
    if not stale:
        return members
    from .workers import remove_staged_files  # the engines' modules load only when there is work

    for job in stale:
        remove_staged_files(job)  # left by a run that was killed while writing
    for outcome in pool().run(sorted(stale, key=source_size, reverse=True)):
        status, diagnostics = recorder.take(outcome)
        counter.tell(outcome.job.path, status, diagnostics, recorder.report.failures[-1] if status == "failed" else "")
        members += outcome.job.members if status == "failed" else ()
    return members


def recorded_slug(record: Record) -> Callable[[Job], str | None]:
    """The slug the record holds for an article whose file has not changed since (else None: read it)."""
    def known(job: Job) -> str | None:
        entry = record.get(job.key)
        return entry.slug if source_unchanged(entry, job.key, job.path) else None
    return known


class Lazily:
    """A value made on first use (the worker pool: a batch with nothing to build starts no worker)."""

    def __init__(self, make: Callable[[], object]):
        self.make, self.made = make, None

    def __call__(self):
        if self.made is None:
            self.made = self.make()
        return self.made


def pool_for(options: BuildOptions, run: BatchOptions):
    """Worker processes here, or a Dask cluster's workers (``run.scheduler``): one interface, ``run(jobs)``."""
    if run.scheduler is None:
        from .workers import LocalPool

        return LocalPool(options, run)
    from .cluster import DaskPool  # the dask extra: imported only for a cluster

    return DaskPool(options, run, run.scheduler)


def source_size(job: Job) -> int:
    """The article file's size: the order of the work (longest first, so no long article starts last)."""
    try:
        return job.path.stat().st_size
    except OSError:
        return 0


@dataclass
class Numbering:
    """Numbers each article's progress line (unchanged ones first, then as builds finish)."""

    total: int
    progress: Progress | None
    done: int = 0

    def tell(self, path: Path, status: str, diagnostics: tuple[Diagnostic, ...], reason: str = "") -> None:
        """One more article done (a failed one with the line that says why)."""
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total, path, status, diagnostics, reason)


@dataclass
class Recorder:
    """Takes each outcome into the report and the record (one transaction per article); answers which jobs
    need no build."""

    report: BatchReport
    record: Record
    settings: str
    out_dir: Path
    formats: tuple[str, ...]
    failure_settings: str  # the settings and the limits a failure happened under (more time may mend it)

    def unchanged(self, job: Job) -> bool:
        """Whether the job's editions are up to date (recorded times refreshed when only they changed)."""
        stored = self.record.get(job.key)
        entry = fresh_entry(stored, self.settings, job.root, self.out_dir, self.formats)
        if entry is None:
            return False
        if entry != stored:
            self.record.put(job.key, entry)
        self.report.unchanged.append(job.path)
        return True

    def failed_again(self, job: Job) -> str:
        """The failure line of a job that failed last time with these settings and inputs (said again, with
        how to retry), counted as failed; '' when it must be built."""
        stored = self.record.failure(job.key)
        failure = failed_again(stored, self.failure_settings, job.root)
        if failure is None:
            return ""
        if failure != stored:
            self.record.put_failure(job.key, failure)
        first, _, rest = failure.message.partition("\n")
        line = f"{first} (as in the last run: nothing it reads has changed; --force tries again)" + (
            f"\n{rest}" if rest else "")
        self.report.failed.append(job)
        self.report.failures.append(line)
        return line

    def take(self, outcome: Outcome) -> tuple[str, tuple[Diagnostic, ...]]:
        """Report and record one outcome; returns its status and diagnostics."""
        report, job = self.report, outcome.job
        if outcome.built is None:
            line = failure_line(job, outcome.failure)
            report.failed.append(job)
            report.failures.append(line)
            report.tracebacks += [outcome.traceback] if outcome.traceback else []
            files = [job.path, *(member.path for member in job.members)]
            self.record.put_failure(job.key, Failure(self.failure_settings, inputs_of(files, job.root), line))
            return "failed", ()
        built = outcome.built
        worse = degraded(self.record.get(job.key), built, job)
        diagnostics = built.diagnostics + worse
        report.diagnostics += diagnostics
        report.written += built.written
        report.built.append(job.path)
        report.eco.update(outcome.eco)
        entry = entry_for(job.slug or "", built.inputs, built.written, diagnostics, settings=self.settings,
                          root=job.root, out_dir=self.out_dir, seconds=outcome.seconds)
        self.record.put(job.key, with_earlier_editions(entry, self.record.get(job.key), self.out_dir))
        self.record.forget_failure(job.key)
        return "built", diagnostics


def batch_root(folder: Path, given: Path | None, record: Record) -> Path:
    """The content root: given, else the record's when it holds the folder, else the folder of the
    publication config above the folder, else the folder itself."""
    if given is not None:
        return given.resolve()
    previous = record.root
    if previous is not None and is_within(folder.resolve(), previous):
        return previous
    return default_root(folder)


def degraded(previous: Entry | None, built: Built, job: Job) -> tuple[Diagnostic, ...]:
    """A diagnostic when the new editions lack images that the ones they replaced had."""
    now = counted(built.diagnostics)
    worse = Tally({code: now[code] for code in DEGRADING if now[code] > (previous.count(code) if previous else 0)})
    if previous is None or not worse:
        return ()
    with collecting() as said:
        warn("degraded", job.path, f"replaced editions that had fewer missing images by editions with "
             f"{summary(worse)}; restore the missing files and run again")
    return tuple(said)


def settings_digest(options: BuildOptions) -> str:
    """What else decides the editions: the version, the settings (as settings.py declares them), every
    shipped stylesheet's bytes, and each shipped font file's size and time (fonts are megabytes that change
    only with a new version or by hand). The formats are not in it: an entry says which editions it holds.
    The publication's config and house files are each article's inputs: a change rebuilds its articles."""
    digest = hashlib.sha256(f"{__version__}|{described(options)}".encode())
    for style in sorted(p for p in styles_dir().rglob("*") if p.is_file()):
        digest.update(style.relative_to(styles_dir()).as_posix().encode())
        if style.suffix == ".css":
            digest.update(hashlib.sha256(style.read_bytes()).digest())
        else:
            stat = style.stat()
            digest.update(f"{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()
