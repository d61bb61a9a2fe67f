"""The batch record: what each edition was built from, kept in a SQLite file in the output folder.

One row per article, keyed by the article's path under the content root; inputs are recorded by their
path under the root and outputs by their path under the output folder, so the same archive run from
another working folder, or moved, is still recognised, and a copy is judged by its content. A file
looked for and absent is recorded too (its hash NULL): adding it later makes the edition stale. Each
finished article is one transaction (WAL journal), so a killed run loses nothing it finished and the
cost of an entry does not grow with the archive.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..diagnostics import Diagnostic, warn
from ..errors import OutputError
from ..model import Input
from ..sources.article import is_within

RECORD = ".pressexport-record.sqlite"
SCHEMA = "2"  # a record of another schema is started afresh (everything is rebuilt once)
TABLES = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS editions (
    article TEXT PRIMARY KEY,   -- the article's path under the content root (POSIX)
    slug TEXT NOT NULL,         -- what its editions are named after
    settings TEXT NOT NULL,     -- digest of version, options and styles
    inputs TEXT NOT NULL,       -- JSON {path under the root: [sha256 or null when absent, size, mtime_ns]}
    outputs TEXT NOT NULL,      -- JSON {path under the output folder: size in bytes}
    diagnostics TEXT NOT NULL,  -- JSON [{code, message, file, line, severity}]
    seconds REAL NOT NULL       -- the build's wall time
);
CREATE TABLE IF NOT EXISTS failures (
    article TEXT PRIMARY KEY,   -- the article's (or issue file's) path under the content root
    settings TEXT NOT NULL,     -- digest of version, options, styles and the batch's limits
    inputs TEXT NOT NULL,       -- JSON, as in editions: the files that failed (source; an issue's articles)
    message TEXT NOT NULL       -- the failure as it was said
);
"""


@dataclass(frozen=True)
class Failure:
    """What the record holds of an article's last failed build: said again, unbuilt, until an input changes."""

    settings: str
    inputs: dict[str, list]
    message: str


@dataclass(frozen=True)
class Entry:
    """What the record holds of one article's last successful build."""

    slug: str
    settings: str
    inputs: dict[str, list]  # path under the root → [sha256 or None, size, mtime_ns]
    outputs: dict[str, int]
    diagnostics: tuple[Diagnostic, ...] = ()
    seconds: float = 0.0

    def count(self, code: str) -> int:
        """How many diagnostics of ``code`` the build reported."""
        return sum(1 for diagnostic in self.diagnostics if diagnostic.code == code)


@dataclass
class Record:
    """The open record of one output folder."""

    connection: sqlite3.Connection
    out_dir: Path
    cache: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def open(cls, out_dir: Path) -> Record:
        """Open (or create) the record in ``out_dir``. A damaged one is set aside, with a warning, and a new one
        started (every article is rebuilt once; no edition is lost); one that cannot be opened is a clear
        error."""
        path = out_dir / RECORD
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            try:
                connection = connected(path)
            except sqlite3.DatabaseError as exc:
                aside = set_aside(path)
                warn("record-damaged", path, f"the batch record is damaged ({exc}); it was set aside as {aside.name} "
                     "and a new one started, so every article is built again once")
                connection = connected(path)
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"cannot open the batch record: {exc}", where=path,
                              hint="delete it to rebuild everything, or choose another --out") from None
        return cls(connection, out_dir)

    def close(self) -> None:
        """Close the database (its WAL is checkpointed into the main file)."""
        self.connection.close()

    def __enter__(self) -> Record:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    @property
    def root(self) -> Path | None:
        """The content root of the last run into this folder."""
        with self.guarded():
            row = self.connection.execute("SELECT value FROM meta WHERE name = 'root'").fetchone()
        return Path(row[0]) if row else None

    def set_root(self, root: Path) -> None:
        """Remember the content root of this run."""
        with self.guarded():
            self.connection.execute("INSERT OR REPLACE INTO meta VALUES ('root', ?)", (str(root),))

    def get(self, article: str) -> Entry | None:
        """The entry of an article (its path under the root), or None (read once per run)."""
        if article not in self.cache:
            with self.guarded():
                row = self.connection.execute("SELECT slug, settings, inputs, outputs, diagnostics, seconds "
                                              "FROM editions WHERE article = ?", (article,)).fetchone()
            self.cache[article] = entry_from_row(row) if row else None
        return self.cache[article]

    def put(self, article: str, entry: Entry) -> None:
        """Store an article's entry: one transaction, committed when this returns."""
        with self.guarded():
            self.connection.execute(
                "INSERT OR REPLACE INTO editions VALUES (?, ?, ?, ?, ?, ?, ?)",
                (article, entry.slug, entry.settings, json.dumps(entry.inputs, sort_keys=True),
                 json.dumps(entry.outputs, sort_keys=True),
                 json.dumps([diagnostic.as_dict() for diagnostic in entry.diagnostics]), entry.seconds))
        self.cache[article] = entry

    def failure(self, article: str) -> Failure | None:
        """The failure recorded for an article (its last build failed), or None."""
        with self.guarded():
            row = self.connection.execute("SELECT settings, inputs, message FROM failures WHERE article = ?",
                                          (article,)).fetchone()
        try:
            return Failure(row[0], json.loads(row[1]), row[2]) if row else None
        except ValueError:
            return None  # damaged: build it again

    def put_failure(self, article: str, failure: Failure) -> None:
        """Remember a failed build (one transaction)."""
        with self.guarded():
            self.connection.execute("INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?)",
                                    (article, failure.settings, json.dumps(failure.inputs, sort_keys=True),
                                     failure.message))

    def forget_failure(self, article: str) -> None:
        """An article built: its earlier failure is over."""
        with self.guarded():
            self.connection.execute("DELETE FROM failures WHERE article = ?", (article,))

    @contextmanager
    def guarded(self) -> Iterator[None]:
        """A damage found while the batch runs (the file changed under it) is one clear line, not a traceback;
        the editions already written stay, and the next run sets the record aside."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise OutputError(f"the batch record became unreadable during the run ({exc})", where=self.out_dir / RECORD,
                              hint="run the batch again: a damaged record is set aside and rebuilt") from None

    def entries(self) -> Iterable[tuple[str, Entry]]:
        """Every article's entry, in key order (for reports and the shelf)."""
        with self.guarded():
            articles = self.connection.execute("SELECT article FROM editions ORDER BY article").fetchall()
        for (article,) in articles:
            entry = self.get(article)
            if entry is not None:
                yield article, entry


def connected(path: Path) -> sqlite3.Connection:
    """The record's database, its tables made and its pages checked (a damaged file raises DatabaseError)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        problems = [row[0] for row in connection.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError("; ".join(problems[:3]))
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")  # WAL: a commit survives a killed process
        connection.executescript(TABLES)
        start_afresh_unless_current(connection)
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def set_aside(path: Path) -> Path:
    """Move a damaged record (and its journal files) out of the way, kept for a look; returns its new name."""
    aside = path.with_name(f"{path.stem}.damaged{path.suffix}")
    for suffix in ("", "-wal", "-shm"):
        old = path.with_name(path.name + suffix)
        if old.exists():
            old.replace(aside.with_name(aside.name + suffix))
    return aside


def start_afresh_unless_current(connection: sqlite3.Connection) -> None:
    """Empty a record written by another version of this schema (its articles are rebuilt once)."""
    row = connection.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
    if row is None or row[0] != SCHEMA:
        connection.execute("DROP TABLE editions")
        connection.executescript(TABLES)
        connection.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA,))


def entry_from_row(row: tuple) -> Entry | None:
    """An entry as stored, or None when it is damaged (that article is rebuilt)."""
    try:
        return Entry(row[0], row[1], json.loads(row[2]), json.loads(row[3]),
                     tuple(Diagnostic.from_dict(item) for item in json.loads(row[4])), row[5])
    except (ValueError, TypeError):
        return None


def entry_for(slug: str, inputs: Iterable[Input], written: Iterable[Path], diagnostics: Iterable[Diagnostic], *,
              settings: str, root: Path, out_dir: Path, seconds: float) -> Entry:
    """The entry of a finished build: inputs under the root, outputs under the output folder."""
    return Entry(slug, settings, {under(item.path, root): [item.sha256, item.size, item.mtime_ns] for item in inputs},
                 {under(path, out_dir): path.stat().st_size for path in written}, tuple(diagnostics), seconds)


def under(path: Path, folder: Path) -> str:
    """``path`` relative to ``folder`` (POSIX), both resolved."""
    return path.resolve().relative_to(folder.resolve()).as_posix()


def fresh_entry(entry: Entry | None, settings: str, root: Path, out_dir: Path,
                formats: Iterable[str] = ()) -> Entry | None:
    """The entry when its editions are up to date: the last build used these settings and wrote an edition in
    each of ``formats``, every file it looked for holds what it held (present with the same bytes, or still
    absent), and every output it wrote is there; else None. A file whose size or time changed but not its
    bytes (a copy that did not keep times, a ``touch``) has them refreshed in the entry returned, so the
    next run need not read it again."""
    if entry is None or entry.settings != settings or not entry.inputs or not holds(entry, formats):
        return None
    inputs = current_inputs(entry.inputs, root)
    if inputs is None or not all((out_dir / path).is_file() for path in entry.outputs):
        return None
    return entry if inputs == entry.inputs else replace(entry, inputs=inputs)


def failed_again(failure: Failure | None, settings: str, root: Path) -> Failure | None:
    """The failure when nothing it depends on has changed (it would fail again), its times refreshed; else None."""
    if failure is None or failure.settings != settings:
        return None
    inputs = current_inputs(failure.inputs, root)
    return None if inputs is None else replace(failure, inputs=inputs)


def inputs_of(paths: Iterable[Path], root: Path) -> dict[str, list]:
    """Files as the record keeps them: by path under the root, [sha256 or None when absent, size, mtime_ns]."""
    recorded = {}
    for path in paths:
        try:
            stat = path.stat()  # before the read: a change after it shows as a changed time next run
            recorded[under(path, root)] = [file_digest(path, root), stat.st_size, stat.st_mtime_ns]
        except (OSError, ValueError):
            continue  # outside the root or gone: nothing to compare against
    return recorded


def holds(entry: Entry, formats: Iterable[str]) -> bool:
    """Whether the entry's outputs hold an edition in each format (``--formats`` may ask for fewer)."""
    return all(any(path.endswith(f".{name}") for path in entry.outputs) for name in formats)


def with_earlier_editions(entry: Entry, previous: Entry | None, out_dir: Path) -> Entry:
    """The entry, also holding the editions of the previous one that were made from the same inputs with
    the same settings and are still there (``--formats epub`` after a full run leaves the PDF current)."""
    if previous is None or previous.settings != entry.settings or digests(previous) != digests(entry):
        return entry
    kept = {path: size for path, size in previous.outputs.items() if (out_dir / path).is_file()}
    return replace(entry, outputs={**kept, **entry.outputs})


def digests(entry: Entry) -> dict[str, str | None]:
    """Each input's hash (its size and time aside)."""
    return {path: recorded[0] if isinstance(recorded, list) and recorded else None
            for path, recorded in entry.inputs.items()}


def current_inputs(inputs: dict[str, list], root: Path) -> dict[str, list] | None:
    """The recorded inputs as they are now, when every file holds what was recorded (sizes and times
    refreshed where only they changed); None when any file changed."""
    now = {}
    for path, recorded in inputs.items():
        state = current_state(root / path, recorded, root)
        if state is None:
            return None
        now[path] = state
    return now


def current_state(path: Path, recorded: list, root: Path) -> list | None:
    """A file's [sha256, size, mtime_ns] now, when it holds what was recorded (by its size and time when both
    match, else by its hash); None when it changed."""
    if not isinstance(recorded, list) or len(recorded) != 3:
        return None  # a damaged entry: rebuild
    if status_unchanged(path, recorded):
        return recorded  # only its status was looked at: nothing is read, inside the root or out of it
    digest = recorded[0]
    try:
        stat = path.stat()
    except OSError:
        return recorded if digest is None else None
    if digest is None or file_digest(path, root) != digest:
        return None
    return [digest, stat.st_size, stat.st_mtime_ns]


def source_unchanged(entry: Entry | None, key: str, path: Path) -> bool:
    """Whether an article file is as the entry recorded it, by its size and time alone (cheap)."""
    return entry is not None and status_unchanged(path, entry.inputs.get(key))


def status_unchanged(path: Path, recorded: list | None) -> bool:
    """Whether a file recorded as present ([sha256, size, mtime_ns]) has that size and time still."""
    try:
        digest, size, mtime_ns = recorded
        stat = path.stat()
    except (TypeError, ValueError, OSError):
        return False
    return digest is not None and (stat.st_size, stat.st_mtime_ns) == (size, mtime_ns)


def file_digest(path: Path, root: Path) -> str | None:
    """The SHA-256 of a file's bytes; None when it is absent, unreadable or now leads out of the root."""
    try:
        if not is_within(path.resolve(), root):
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
