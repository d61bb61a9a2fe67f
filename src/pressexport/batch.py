"""Batch: every article under a folder, with progress, skipping articles unchanged since the last run."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .build import BuildOptions, BuildReport, Built, build_into
from .diagnostics import Diagnostic, collecting, counted, summary, warn
from .discover import Job, plan
from .record import Entry, Record, entry_for, up_to_date
from .resources import styles_dir
from .source import is_within
from .version import __version__

# (index, total, article, "built" | "unchanged" | "failed", the article's diagnostics)
Progress = Callable[[int, int, Path, str, tuple[Diagnostic, ...]], None]
DEGRADING = ("image-missing", "cover-missing")  # what makes an edition worse than the one it replaces


@dataclass
class BatchReport(BuildReport):
    """A build report that also lists the articles skipped because nothing had changed."""

    unchanged: list[Path] = field(default_factory=list)
    built: list[Path] = field(default_factory=list)  # articles built (their files are in ``written``)
    skipped: list[Diagnostic] = field(default_factory=list)  # files found and refused (links out of the root)


def batch(folder: str | Path, options: BuildOptions = BuildOptions(), *, force: bool = False,
          progress: Progress | None = None) -> BatchReport:
    """Build every article under ``folder``, skipping those whose editions are up to date in the record
    kept in the output folder (``force`` rebuilds them). The content root is ``options.root``, else the
    root of the last run into the same output folder when it holds ``folder`` (so one issue of an archive
    can be rebuilt on its own, with the archive's shared files and layout), else ``folder``."""
    folder = Path(folder)
    report = BatchReport()
    with Record.open(options.out_dir) as record:
        root = batch_root(folder, options.root, record)
        with collecting() as found:
            jobs, report.failures = plan([folder], root, options.out_dir)
        report.skipped += found
        report.diagnostics += found
        record.set_root(root)
        settings = settings_digest(options)
        for index, job in enumerate(jobs, start=1):
            status, diagnostics = batch_one(report, job, options, record, settings, force)
            if progress:
                progress(index, len(jobs), job.path, status, diagnostics)
    return report


def batch_root(folder: Path, given: Path | None, record: Record) -> Path:
    """The content root: given, else the record's when it holds the folder, else the folder itself."""
    if given is not None:
        return given.resolve()
    previous = record.root
    if previous is not None and is_within(folder.resolve(), previous):
        return previous
    return folder.resolve()


def batch_one(report: BatchReport, job: Job, options: BuildOptions, record: Record, settings: str,
              force: bool) -> tuple[str, tuple[Diagnostic, ...]]:
    """Build one article unless it is up to date; record what it was built from. Returns its status."""
    previous = record.get(job.key)
    if not force and up_to_date(previous, settings, job.root, options.out_dir):
        report.unchanged.append(job.path)
        return "unchanged", ()
    started = time.perf_counter()
    built = build_into(report, job, options)
    if built is None:
        return "failed", ()
    worse = degraded(previous, built, job)
    report.diagnostics += worse
    diagnostics = built.diagnostics + worse
    report.built.append(job.path)
    record.put(job.key, entry_for(built.inputs, built.written, diagnostics, settings=settings, root=job.root,
                                  out_dir=options.out_dir, seconds=time.perf_counter() - started))
    return "built", diagnostics


def degraded(previous: Entry | None, built: Built, job: Job) -> tuple[Diagnostic, ...]:
    """A diagnostic when the new editions lack images that the ones they replaced had."""
    now = counted(built.diagnostics)
    worse = Counter({code: now[code] for code in DEGRADING if now[code] > (previous.count(code) if previous else 0)})
    if previous is None or not worse:
        return ()
    with collecting() as said:
        warn("degraded", job.path, f"replaced editions that had fewer missing images by editions with "
             f"{summary(worse)}; restore the missing files and run again")
    return tuple(said)


def settings_digest(options: BuildOptions) -> str:
    """What else decides the editions: the version, every file of the styles folder, the options."""
    digest = hashlib.sha256(f"{__version__}|{options.formats}|{options.pdf}|{options.epub}|"
                            f"{options.allow_remote}".encode())
    for style in sorted(p for p in styles_dir().rglob("*") if p.is_file()):
        digest.update(style.name.encode())
        digest.update(hashlib.sha256(style.read_bytes()).digest())
    return digest.hexdigest()
