"""Which reader takes a source, and the run over every source given: one outcome per article, a bad file
never stopping the others. Only the files given (and, in a folder given, its pages) are read."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import PressexportError
from ..options import IMPORT_TIMEOUT, BatchOptions
from . import Draft, Outcome
from .pool import Task, read_all
from .store import write_draft

MAX_SOURCE_BYTES = 50 * 1024 * 1024  # a page or a scraped text; an export of a whole site may be larger
MAX_EXPORT_BYTES = 500 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text"}
PAGE_SUFFIXES = {".html", ".htm", ".xhtml"}
EXPORT_SUFFIXES = {".xml"}


class SourceError(PressexportError):
    """A source that cannot be imported: the message says why and what to do."""


# What fails one source, as its line (bad text is a ValueError, UnicodeDecodeError included); anything else
# is a bug, reported as one
READ_ERRORS = (PressexportError, ValueError, OSError)


def import_sources(sources: list[str], out: Path, *, force: bool = False, allow_remote: bool = False,
                   run: BatchOptions = BatchOptions(timeout=IMPORT_TIMEOUT)) -> Iterator[Outcome]:
    """Import every source (a path, or an http(s) address with ``allow_remote``) into ``out``, yielding
    each article's outcome in the order given. Sources are read in worker processes (``run``: how many,
    each source's deadline and memory ceiling); the articles are written here, one at a time."""
    taken: set[str] = set()
    for item in read_all(tasks(sources, allow_remote), run):
        yield item if isinstance(item, Outcome) else written(item, out, force, taken)


def written(draft: Draft, out: Path, force: bool, taken: set[str]) -> Outcome:
    """Write one draft; a folder that cannot be written (``--out`` is a file, a file where a folder should
    be, a full disk) fails this article alone, with its reason."""
    try:
        return write_draft(draft, out, force=force, taken=taken)
    except (PressexportError, OSError) as exc:
        return Outcome(draft.source, "failed", reason=reason(exc))


def tasks(sources: list[str], allow_remote: bool) -> Iterator[Task | Outcome]:
    """What is to be read, source by source (a folder's pages one by one); a source that cannot be read
    at all is its failure already."""
    for source in sources:
        try:
            if is_url(source):
                yield fetched(source, allow_remote)
            elif Path(source).is_dir():
                yield from folder_tasks(Path(source))
            else:
                yield file_task(Path(source))
        except READ_ERRORS as exc:
            yield Outcome(str(source), "failed", reason=reason(exc))


def is_url(source: str) -> bool:
    return bool(re.match(r"(?i)^[a-z][a-z0-9+.-]*://", source))


def fetched(url: str, allow_remote: bool) -> Task:
    """A page fetched from the web (here, with the limits images have: http and https, a 10 s deadline,
    20 MB, public addresses only), to be read by a worker. Only with --allow-remote."""
    if not allow_remote:
        raise SourceError("an address is fetched only with --allow-remote")
    from ..safety.remote import fetch

    return Task(url, read_url, (fetch(url), url))


def file_task(source: Path) -> Task:
    """A scraped text, a page, or a WordPress export (whose deadline grows with its posts)."""
    suffix = source.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return Task(str(source), read_text_file, (source,))
    if suffix in PAGE_SUFFIXES:
        return Task(str(source), read_page, (source,))
    if suffix in EXPORT_SUFFIXES:
        return Task(str(source), read_export, (read_bytes(source, MAX_EXPORT_BYTES), source))
    raise SourceError("not a source import knows (give .txt, .html or .htm files, a folder of "
                      "pages, or a WordPress export .xml)")


def folder_tasks(folder: Path) -> Iterator[Task | Outcome]:
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
            yield Task(str(page), read_page, (page,))


# The readers, run in a worker: each returns the source's drafts, or its failure as a value.

def read_text_file(source: Path) -> list[Draft | Outcome]:
    from .scraped import draft_from_text

    return failing_alone(str(source), lambda: [draft_from_text(read_text(source), str(source))])


def read_page(source: Path) -> list[Draft | Outcome]:
    from .page import draft_from_page

    return failing_alone(str(source), lambda: [draft_from_page(read_bytes(source), source)])


def read_url(raw: bytes, url: str) -> list[Draft | Outcome]:
    from .page import draft_from_url

    return failing_alone(url, lambda: [draft_from_url(raw, url)])


def read_export(raw: bytes, source: Path) -> list[Task | Outcome]:
    """An export's posts, each a task of its own: read under its own deadline, so the export's deadline
    does not grow with the posts its file claims."""
    from .wordpress import posts_of_export

    return failing_alone(str(source), lambda: [Task(post.source, read_post, (post,)) for post in
                                               posts_of_export(raw, source)])


def read_post(post) -> list[Draft | Outcome]:
    from .wordpress import draft_of_post

    return failing_alone(post.source, lambda: [draft_of_post(post)])


def failing_alone(source: str, read: Callable[[], list[Draft | Outcome]]) -> list[Draft | Outcome]:
    """What ``read`` gives, or the one line that says why the source could not be read."""
    try:
        return read()
    except READ_ERRORS as exc:
        return [Outcome(source, "failed", reason=reason(exc))]


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
