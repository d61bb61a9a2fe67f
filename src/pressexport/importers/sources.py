"""Which reader takes a source, and the run over every source given: one outcome per article, a bad file
never stopping the others. Only the files given (and, in a folder given, its pages) are read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import PressexportError
from . import Draft, Outcome
from .store import write_draft

MAX_SOURCE_BYTES = 50 * 1024 * 1024  # a page or a scraped text; an export of a whole site may be larger
MAX_EXPORT_BYTES = 500 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text"}
PAGE_SUFFIXES = {".html", ".htm", ".xhtml"}
EXPORT_SUFFIXES = {".xml"}


class SourceError(PressexportError):
    """A source that cannot be imported: the message says why and what to do."""


def import_sources(sources: list[str], out: Path, *, force: bool = False,
                   allow_remote: bool = False) -> Iterator[Outcome]:
    """Import every source (a path, or an http(s) address with ``allow_remote``) into ``out``, yielding
    each article's outcome as it is written."""
    taken: set[str] = set()
    for source in sources:
        try:
            drafts = from_url(source, allow_remote) if is_url(source) else drafts_from(Path(source))
            for draft in drafts:
                yield draft if isinstance(draft, Outcome) else write_draft(draft, out, force=force, taken=taken)
        except (SourceError, PressexportError, ValueError, UnicodeDecodeError, OSError) as exc:
            yield Outcome(str(source), "failed", reason=reason(exc))


def is_url(source: str) -> bool:
    return bool(re.match(r"(?i)^[a-z][a-z0-9+.-]*://", source))


def from_url(url: str, allow_remote: bool) -> Iterator[Draft]:
    """A page fetched from the web: only with --allow-remote, with the limits images have (http and https,
    a 10 s deadline, 20 MB, public addresses only)."""
    if not allow_remote:
        raise SourceError("an address is fetched only with --allow-remote")
    from ..remote import fetch
    from .page import draft_from_url

    yield draft_from_url(fetch(url), url)


def drafts_from(source: Path) -> Iterator[Draft | Outcome]:
    """The articles in one source: a scraped text, a page, a folder of pages, or a WordPress export (whose
    posts fail one by one)."""
    if source.is_dir():
        yield from folder_drafts(source)
        return
    suffix = source.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        from .scraped import draft_from_text

        yield draft_from_text(read_text(source), str(source))
    elif suffix in PAGE_SUFFIXES:
        from .page import draft_from_page

        yield draft_from_page(read_bytes(source), source)
    elif suffix in EXPORT_SUFFIXES:
        from .wordpress import drafts_from_export

        yield from drafts_from_export(read_bytes(source, MAX_EXPORT_BYTES), source)
    else:
        raise SourceError("not a source import knows (give .txt, .html or .htm files, a folder of "
                          "pages, or a WordPress export .xml)")


def folder_drafts(folder: Path) -> Iterator[Draft | Outcome]:
    """Every page under a folder (a site mirror, a Medium export's posts/), in name order; a page that
    is a link to a file outside the folder is not read, and a Medium draft (draft_….html) is left out."""
    inside = folder.resolve()
    pages = sorted(path for path in folder.rglob("*") if path.suffix.lower() in PAGE_SUFFIXES and path.is_file())
    if not pages:
        raise SourceError("no .html pages in this folder")
    for page in pages:
        if inside not in page.resolve().parents:
            yield Outcome(str(page), "failed", reason="a link to a file outside the folder; not read")
        elif page.name.startswith("draft_"):
            yield Outcome(str(page), "skipped", reason="a draft (Medium names its drafts draft_…)")
        else:
            try:
                yield from drafts_from(page)
            except (SourceError, PressexportError, ValueError, UnicodeDecodeError, OSError) as exc:
                yield Outcome(str(page), "failed", reason=reason(exc))


def read_bytes(path: Path, limit: int = MAX_SOURCE_BYTES) -> bytes:
    """The file's bytes, refused beyond ``limit``."""
    if not path.is_file():
        raise SourceError("no such file")
    if path.stat().st_size > limit:
        raise SourceError(f"larger than {limit // (1024 * 1024)} MB; split it or check it is the right file")
    return path.read_bytes()


def read_text(path: Path) -> str:
    """A text file as UTF-8 (a byte-order mark allowed)."""
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise SourceError(f"not UTF-8 text (line {line}, byte {exc.start}); save it as UTF-8 and import it "
                          "again") from None


def reason(exc: Exception) -> str:
    """An exception as the one line the command prints."""
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}"
    return str(exc)
