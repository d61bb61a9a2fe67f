"""The batch's display: a live progress bar on a terminal (rich), plain lines otherwise; the closing summary.

With ``cli.py``, the only module that prints.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import typer

from .diagnostics import Diagnostic, counted, summary
from .issue import ISSUE_FILE

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

    def article(self, index: int, total: int, path: Path, status: str, diagnostics: tuple[Diagnostic, ...]) -> None:
        """One article done: a line (or the bar moves); its failures and the warnings always said, in full."""
        self.statuses[status] += 1
        said = diagnostics if self.verbose else tuple(d for d in diagnostics if d.code in ALWAYS_SAID)
        if self.bar is not None:
            self.advance(index, total)
            if status == "failed":
                self.say(f"failed {path}")
        elif not self.quiet or status == "failed":
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


def batch_summary(built: list[Path], written: int, unchanged: int, failed: int, diagnostics: list[Diagnostic],
                  seconds: float) -> list[str]:
    """The closing lines: the counts (issues apart from articles), the time, and the warnings by kind."""
    issues = sum(1 for path in built if path.name == ISSUE_FILE)
    what = f"{len(built) - issues} article(s)" + (f" and {issues} issue(s)" if issues else "")
    rate = f" ({len(built) / seconds:.1f} built/s)" if built and seconds else ""
    lines = [f"{what} built ({written} file(s) written), {unchanged} unchanged, {failed} failed "
             f"in {seconds:.1f} s{rate}"]
    if diagnostics:
        lines.append(f"warnings: {summary(counted(diagnostics))}")
    return lines

