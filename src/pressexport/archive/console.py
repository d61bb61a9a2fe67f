"""The batch's display: a live progress bar on a terminal (rich), plain lines otherwise; the closing summary.

With ``cli.py``, the only module that prints.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections import Counter as Tally
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..diagnostics import Diagnostic, counted, plural, summary
from ..sources.issue import ISSUE_FILE

if TYPE_CHECKING:
    from .batch import BatchReport
    from ..build import BuildReport

ALWAYS_SAID = {"degraded"}  # batch diagnostics printed in full even without --verbose (the rest are counted)


@dataclass
class BatchDisplay:
    """What a batch shows while it runs: one line per article, or a live bar when stderr is a terminal."""

    quiet: bool = False
    verbose: bool = False
    live: bool = field(default_factory=lambda: sys.stderr.isatty())
    statuses: Counter = field(default_factory=Counter)
    bar: object = None  # rich.progress.Progress while live
    task: object = None

    def __enter__(self) -> BatchDisplay:
        if self.live and not self.quiet:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TaskProgressColumn(), TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                                TextColumn("ETA"), TimeRemainingColumn(), console=Console(stderr=True),
                                transient=False)
            self.bar.start()
            self.task = self.bar.add_task("finding articles and checking the record", total=None, rate="")
        return self

    def __exit__(self, *_exc) -> None:
        if self.bar is not None:
            self.bar.stop()

    def article(self, index: int, total: int, path: Path, status: str, diagnostics: tuple[Diagnostic, ...],
                reason: str = "") -> None:
        """One article done: a line (or the bar moves); its failures, with their reason, and the warnings
        always said, in full."""
        self.statuses[status] += 1
        said = diagnostics if self.verbose else tuple(d for d in diagnostics if d.code in ALWAYS_SAID)
        if self.bar is not None:
            self.advance(index, total)
            if status == "failed":
                self.say(f"failed {failed_line(reason, path)}")
        elif status == "failed":
            self.say(f"[{index}/{total}] {status:9} {failed_line(reason, path)}")
        elif not self.quiet:
            counts = f" with {summary(counted(diagnostics))}" if diagnostics else ""
            self.say(f"[{index}/{total}] {status:9} {path}{counts}")
        for diagnostic in said:
            if not self.quiet:
                self.say(f"{diagnostic.severity}: {diagnostic.one_line()}")

    def advance(self, index: int, total: int) -> None:
        """Move the bar; its description counts the articles by status, its rate counts builds per second."""
        task = self.bar.tasks[0]
        built = self.statuses["built"]
        rate = f"{built / task.elapsed:.1f} built/s" if task.elapsed and built else ""
        description = ", ".join(f"{count} {status}" for status, count in sorted(self.statuses.items()))
        self.bar.update(self.task, completed=index, total=total, description=description, rate=rate)

    def say(self, line: str) -> None:
        """A line on stderr, above the bar when there is one."""
        if self.bar is not None:
            self.bar.console.print(line, markup=False, highlight=False)
        else:
            typer.echo(line, err=True)


def failed_line(reason: str, path: Path) -> str:
    """What a failed article's progress line says: the first line of its failure, which names the file (and
    line) itself when it starts with it, else the file and then the failure."""
    line = reason.splitlines()[0] if reason else "see the error below"
    return line if line.startswith(f"{path}:") else f"{path}: {line}"


def batch_summary(report: BatchReport, seconds: float) -> list[str]:
    """The closing lines: articles and issues counted apart, the files written, the time, and the warnings
    by kind."""
    articles, issues = (Tally(), Tally())
    for status, paths in (("built", report.built), ("unchanged", report.unchanged),
                          ("failed", [job.path for job in report.failed])):
        for path in paths:
            (issues if path.name == ISSUE_FILE else articles)[status] += 1
    if not report.failed and not report.built and not report.unchanged:
        return []  # nothing was found to build: the errors said why
    failed_articles = len(report.failures) - issues["failed"]  # a failure found before a job (a bad path) too
    parts = [f"{plural(articles['built'], 'article')} built, {articles['unchanged']} unchanged, {failed_articles} failed"]
    if sum(issues.values()):
        parts.append(f"{plural(issues['built'], 'issue')} built, {issues['unchanged']} unchanged, "
                     f"{issues['failed']} not built")
    built = len(report.built)
    rate = f" ({built / seconds:.1f} built/s)" if built and seconds else ""
    lines = ["; ".join(parts) + f"; {plural(len(report.written), 'file')} written in {seconds:.1f} s{rate}"]
    if report.diagnostics:
        lines.append(f"warnings: {summary(counted(report.diagnostics))}")
    return lines


def failures_summary(report: BuildReport) -> str:
    """What a build that failed in part says last: how many articles failed and issues were not built, and
    how many files were written."""
    if not report.failed and not report.written:
        return ""  # nothing was found to build: the errors said why
    issues = sum(1 for job in report.failed if job.kind == "issue")
    articles = len(report.failures) - issues
    parts = [plural(articles, "article") + " failed"] if articles or not issues else []
    if issues:
        parts.append(plural(issues, "issue") + " not built")
    return ", ".join([*parts, plural(len(report.written), "file") + " written"])
