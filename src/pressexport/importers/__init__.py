"""``pressexport import``: back issues that are not Markdown (scraped text, web pages, exports) become articles.

Each reader turns one source into ``Draft``s (front matter and a Markdown body); ``store.py`` writes each as
``<out>/<slug>/article.md``, never over an edited article unless asked to. The readers recognise the
furniture of a page (title, byline, dates, licence, cover credit, related reading, notes, the end mark, the
print note) and put it in the front matter, so the body holds the text alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Draft:
    """One article read from a source, before it is written."""

    source: str  # the file (or address) it came from, for messages
    fields: dict[str, Any]  # the front matter, in the order it is written
    body: str  # Markdown
    images: tuple[tuple[Path, str], ...] = field(default=())  # (file to copy, its name under images/)


@dataclass(frozen=True)
class Outcome:
    """What ``import`` did with one article: written, unchanged, skipped or failed, and why."""

    source: str
    status: str
    target: Path | None = None
    reason: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def line(self) -> str:
        """The one line the command prints for it."""
        where = f" -> {self.target}" if self.target else ""
        because = f": {self.reason}" if self.reason else ""
        return f"{self.status} {self.source}{where}{because}"
