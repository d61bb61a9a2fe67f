"""WeasyPrint prepared once per process: one font configuration, the shipped stylesheets parsed once,
reproducible font timestamps and the engine's warnings relayed as ours, with no per-render global state."""

from __future__ import annotations

import contextvars
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import weasyprint
from fontTools.misc import timeTools
from fontTools.ttLib.tables import _h_e_a_d
from weasyprint.text.fonts import FontConfiguration

from ..safety.fetcher import CONTENT_BASE, SandboxFetcher
from ..resources import styles_dir
from ..diagnostics import warn

log = logging.getLogger(__name__)

# The seconds since 1970 that fontTools stamps into the fonts it saves during the current render.
FONT_TIME: contextvars.ContextVar[int | None] = contextvars.ContextVar("font_time", default=None)
# Where WeasyPrint's log records go during the current render.
RELAY: contextvars.ContextVar[Relay | None] = contextvars.ContextVar("relay", default=None)


@dataclass(frozen=True)
class Engine:
    """The process's font configuration and the stylesheets parsed with it, by file name."""

    font_config: FontConfiguration
    folder: Path
    sheets: dict[str, weasyprint.CSS] = field(default_factory=dict)

    def stylesheet(self, name: str) -> weasyprint.CSS:
        """A stylesheet of the styles folder, parsed on first use only."""
        if name not in self.sheets:
            fetcher = SandboxFetcher(allowed=[self.folder], assets={}, asset_base=self.folder, document=name)
            self.sheets[name] = weasyprint.CSS(filename=self.folder / name, url_fetcher=fetcher,
                                               font_config=self.font_config)
        return self.sheets[name]

    def house_sheet(self, path: Path, root: Path) -> weasyprint.CSS:
        """A publication's own stylesheet (inside the content root), parsed once while it is unchanged; its
        fonts and images are fetched from the content root alone."""
        stat = path.stat()
        key = f"house:{path}:{stat.st_size}:{stat.st_mtime_ns}"
        if key not in self.sheets:
            fetcher = SandboxFetcher(allowed=[root], assets={}, asset_base=root, document=str(path))
            self.sheets[key] = weasyprint.CSS(string=path.read_text(encoding="utf-8", errors="replace"),
                                              base_url=CONTENT_BASE + path.relative_to(root).as_posix(),
                                              url_fetcher=fetcher, font_config=self.font_config)
        return self.sheets[key]

    def css(self, text: str) -> weasyprint.CSS:
        """A generated stylesheet (page size, columns, a note), parsed with the same fonts."""
        return weasyprint.CSS(string=text, font_config=self.font_config)

    def css_once(self, text: str) -> weasyprint.CSS:
        """A generated stylesheet that many documents share (a language's folios): parsed once."""
        key = f"generated:{text}"
        if key not in self.sheets:
            self.sheets[key] = self.css(text)
        return self.sheets[key]


@lru_cache(maxsize=4)
def engine(folder: Path | None = None) -> Engine:
    """The engine for a styles folder (the shipped one by default), made once per process."""
    install_font_clock()
    install_relay()
    return Engine(FontConfiguration(), folder or styles_dir())


@lru_cache(maxsize=1)
def install_font_clock() -> None:
    """Make fontTools stamp saved fonts (WeasyPrint saves the colour emoji font) with the render's time.

    fontTools reads SOURCE_DATE_EPOCH from the environment on every save; setting the environment per
    render would race between threads, so its clock reads a context variable instead when one is set.
    """
    clock = _h_e_a_d.timestampNow

    def render_time() -> int:
        seconds = FONT_TIME.get()
        return clock() if seconds is None else seconds - timeTools.epoch_diff

    _h_e_a_d.timestampNow = render_time


@contextmanager
def font_time(when):
    """Fonts saved inside the block carry ``when`` (a datetime) as their modification time."""
    token = FONT_TIME.set(int(when.timestamp()))
    try:
        yield
    finally:
        FONT_TIME.reset(token)


@lru_cache(maxsize=1)
def install_relay() -> None:
    """Route WeasyPrint's records to the relay of the render in progress (see ``engine_warnings_as_ours``)."""
    engine_log = logging.getLogger("weasyprint")
    engine_log.addHandler(RelayHandler())
    engine_log.propagate = False


@contextmanager
def engine_warnings_as_ours(document: str):
    """Re-log WeasyPrint's warnings and errors (skipped images, missing glyphs) as our own warnings:
    each distinct message once, and all missing glyphs in one line."""
    relay = Relay(document)
    token = RELAY.set(relay)
    try:
        yield
    finally:
        RELAY.reset(token)
        relay.report_missing_glyphs()


class RelayHandler(logging.Handler):
    """Hands each WeasyPrint record at WARNING or above to the current render's relay."""

    def __init__(self):
        super().__init__(level=logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        relay = RELAY.get()
        if relay is None:
            warn("pdf-engine", "", f"PDF engine: {record.getMessage()}")
        else:
            relay.take(record.getMessage())


class Relay:
    """What the engine said during one render."""

    MISSING_GLYPH = re.compile(r'unsupported by fonts: "(.*)" \(U\+[0-9A-F]+\)', re.DOTALL)

    def __init__(self, document: str):
        self.document = document
        self.seen: set[str] = set()
        self.missing: dict[str, None] = {}

    def take(self, message: str) -> None:
        """Collect a missing glyph, or log a message not seen before in this render."""
        glyph = self.MISSING_GLYPH.search(message)
        if glyph:
            self.missing.update(dict.fromkeys(glyph.group(1)))
        elif message not in self.seen:
            self.seen.add(message)
            warn("pdf-engine", self.document, f"PDF engine: {message}")

    def report_missing_glyphs(self) -> None:
        """One line for every character the shipped fonts cannot draw."""
        if self.missing:
            shown = " ".join(f"{c} (U+{ord(c):04X})" for c in list(self.missing)[:20])
            more = f" and {len(self.missing) - 20} more" if len(self.missing) > 20 else ""
            warn("missing-glyphs", self.document, f"the shipped fonts have no glyph for {shown}{more}; "
                 "they print as boxes")
