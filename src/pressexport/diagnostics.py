"""Diagnostics as values: what a render warns about, returned with its editions as well as logged.

A render runs inside ``collecting()``; every ``warn`` made there is appended to that render's list (once:
the same warning about the same file is kept once), so a worker process, the batch summary and the
record see the same values the command line prints. Each is also logged, so an API user who does not
collect still sees it, and tests can fail on a warning they did not expect.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import yaml

log = logging.getLogger("pressexport.diagnostics")

CODES_FILE = Path(__file__).with_name("data") / "diagnostics.yaml"
LEVELS = {"warning": logging.WARNING, "note": logging.INFO}
_collector: ContextVar[list[Diagnostic] | None] = ContextVar("pressexport_diagnostics", default=None)


@dataclass(frozen=True)
class Diagnostic:
    """One thing a user should know about an edition: a stable code, the file (and line), what happened."""

    code: str  # a key of data/diagnostics.yaml, e.g. "image-missing"
    message: str
    file: str = ""
    line: int | None = None
    severity: str = "warning"  # "warning" or "note"

    def one_line(self) -> str:
        """``file:line: message``, as the command line prints it."""
        where = f"{self.file}:{self.line}" if self.file and self.line else self.file
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict:
        """The diagnostic as plain data (for the record and JSON reports)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Diagnostic:
        """The inverse of ``as_dict``."""
        return cls(**{key: data.get(key) for key in ("code", "message", "file", "line", "severity")
                      if data.get(key) is not None})


def warn(code: str, file: str | Path, message: str, *, line: int | None = None, severity: str = "warning") -> None:
    """Report a diagnostic: kept by the render collecting it (once), and logged."""
    diagnostic = Diagnostic(code, " ".join(message.split()), str(file) if file else "", line, severity)
    collected = _collector.get()
    if collected is not None:
        if diagnostic in collected:
            return
        collected.append(diagnostic)
    log.log(LEVELS.get(severity, logging.WARNING), "%s", diagnostic.one_line(), extra={"diagnostic": diagnostic})


@contextmanager
def collecting() -> Iterator[list[Diagnostic]]:
    """Collect the diagnostics reported inside the block into the list yielded (nested blocks keep their own)."""
    collected: list[Diagnostic] = []
    token = _collector.set(collected)
    try:
        yield collected
    finally:
        _collector.reset(token)


@cache
def code_names() -> dict[str, dict[str, str]]:
    """Each code's name in a summary, singular and plural (``data/diagnostics.yaml``)."""
    return yaml.safe_load(CODES_FILE.read_text(encoding="utf-8"))


def counted(diagnostics: Iterable[Diagnostic]) -> Counter[str]:
    """How many diagnostics of each code."""
    return Counter(diagnostic.code for diagnostic in diagnostics)


def summary(counts: Counter[str]) -> str:
    """``2 placeholders, 1 image without alt text``: the counts by code, most frequent first."""
    names = code_names()
    parts = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        name = names.get(code, {"one": code, "many": code})
        parts.append(f"{count} {name['one'] if count == 1 else name['many']}")
    return ", ".join(parts)


def plural(count: int, noun: str) -> str:
    """'1 sheet', '2 sheets'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
