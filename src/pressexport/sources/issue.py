"""An issue of a publication: a folder holding an ``issue.yaml``, read and checked in full like an
article's front matter (every problem at once, each at its line and key).

The articles it lists (paths or globs, relative to the issue's folder, in order) must lie inside the
content root once links are followed; the ISSN's check digit is verified.
"""

from __future__ import annotations

import glob
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from .frontmatter import cover, date, issn, language, licence, raise_problems, text, warn_unknown
from ..model import Cover, HouseStyle, Input, Licence
from .article import check_inside_root, cover_found, decode_source, default_root, is_within, with_defaults
from .publication import publication_for
from .yamlvalues import Problem, Value, parse_front_matter, shown

ISSUE_FILE = "issue.yaml"
MAX_ISSUE_BYTES = 64 * 1024
GLOB_CHARACTERS = set("*?[")


@dataclass(frozen=True)
class Issue:
    """An issue: its metadata, and its articles' files in reading order."""

    folder: Path
    root: Path
    title: str
    articles: tuple[Path, ...]
    publication: str = ""
    issn: str = ""
    volume: int | None = None
    number: int | None = None
    date: str = ""
    lang: str = ""
    licence: Licence | None = None
    cover: Cover | None = None
    description: str = ""
    settings: tuple[tuple[str, Any], ...] = ()  # edition settings from the publication's config
    house: HouseStyle = HouseStyle()
    config_inputs: tuple[Input, ...] = ()  # the publication config and house files

    @property
    def file(self) -> Path:
        return self.folder / ISSUE_FILE


def is_issue_folder(folder: Path) -> bool:
    """Whether a folder holds an issue.yaml."""
    return (folder / ISSUE_FILE).is_file()


def positive_number(value: Value) -> int | None:
    """A whole number of at least 1 (volume, number); None when not given."""
    if value.data is None or value.data == "":
        return None
    if isinstance(value.data, bool) or not isinstance(value.data, int) or value.data < 1:
        raise value.error(f"'{value.key}' must be a whole number from 1, not '{shown(value.data)}'")
    return value.data


def article_list(value: Value) -> list[tuple[str, Value]]:
    """The articles as written (paths or globs, one or a list), each with where it is written; they are
    looked for once the issue's folder is known."""
    written = value.data if isinstance(value.data, list) else [value.data] if value.data else []
    entries = []
    for index, entry in enumerate(written):
        where = value.at(index) if isinstance(value.data, list) else value
        if not isinstance(entry, str) or not entry.strip():
            raise where.error("each article must be a path (or a glob) relative to the issue's folder")
        entries.append((entry.strip(), where))
    return entries


def found(entry: str, where: Value, folder: Path, root: Path) -> list[Path]:
    """The files one entry names, in the content root: a path that must exist, or a glob (sorted)."""
    if Path(entry).is_absolute() or "\x00" in entry:
        raise where.error(f"'{shown(entry)}' must be relative to the issue's folder")
    pattern = GLOB_CHARACTERS & set(entry)
    paths = sorted(Path(p) for p in glob.glob(str(folder / entry), recursive=True)) if pattern else [folder / entry]
    if not paths:
        raise where.error(f"no article matches '{shown(entry)}'", hint="check the pattern against the folder")
    for path in paths:
        if not is_within(path.resolve(), root):
            raise where.error(f"'{shown(entry)}' leads outside the content root {root}",
                              hint="keep the issue's articles inside the archive")
        if not path.is_file():
            raise where.error(f"article '{shown(entry)}' not found", hint="check the path against the folder")
    return paths


SCHEMA: dict[str, Callable[[Value], Any]] = {
    "title": text, "publication": text, "issn": issn, "volume": positive_number, "number": positive_number,
    "date": date, "lang": language, "licence": licence, "cover": cover, "articles": article_list,
    "description": text,
}
ALIASES = {"license": "licence", "language": "lang", "issue": "number"}


def load_issue(folder: Path, root: Path | None = None) -> Issue:
    """Read and check an issue folder's issue.yaml; every problem at once, each at its line and key."""
    root = Path(root).resolve() if root is not None else default_root(folder)
    path = folder / ISSUE_FILE
    check_inside_root(path, root)
    raw = read_issue_file(path)
    values, problems = parse_front_matter(decode_source(raw, path), path, first_line=1)
    fields, unknown = read_fields(values, problems)
    warn_unknown(unknown, path)
    fields["articles"] = resolved_articles(fields.get("articles"), folder, root, problems)
    if not fields.get("title"):
        problems.append(Problem(0, InputError("missing title", where=f"{path}: title",
                                              hint="add 'title: ...', e.g. 'PMP Magazine, April 2020'")))
    if "articles" in fields and not fields["articles"] and not any(p.key == "articles" for p in problems):
        problems.append(Problem(0, InputError("no articles", where=f"{path}: articles",
                                              hint="list them: 'articles: [one/article.md, two/article.md]'")))
    raise_problems(problems, path, "the issue file")
    fields["cover"] = cover_found(fields.get("cover"), path, root)
    publication = publication_for(folder, root)
    fields = with_defaults(fields, {key: value for key, value in publication.defaults.items() if key in SCHEMA})
    return Issue(folder=folder, root=root, settings=tuple(publication.settings.items()), house=publication.house,
                 config_inputs=publication.inputs, **{key: value for key, value in fields.items() if value is not None})


def read_issue_file(path: Path) -> bytes:
    """The issue file's bytes, or a clear error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the issue file: {exc.strerror or exc}", where=path) from None
    if len(raw) > MAX_ISSUE_BYTES:
        raise InputError(f"the issue file is over {MAX_ISSUE_BYTES // 1024} KB", where=path)
    return raw


def read_fields(values: list[Value], problems: list[Problem]) -> tuple[dict[str, Any], list[Value]]:
    """Each known key read (its problem recorded instead when it is wrong), and the unknown keys."""
    fields: dict[str, Any] = {}
    unknown = []
    for value in values:
        name = ALIASES.get(value.key, value.key)
        if name not in SCHEMA:
            unknown.append(value)
            continue
        try:
            fields[name] = SCHEMA[name](value)
        except InputError as error:
            problems.append(Problem(value.line, error, name))
    return fields, unknown


def resolved_articles(entries: list[tuple[str, Value]] | None, folder: Path, root: Path,
                      problems: list[Problem]) -> tuple[Path, ...]:
    """The article files the list names, in order, each once; every entry's problem recorded."""
    paths: list[Path] = []
    for entry, where in entries or []:
        try:
            paths += found(entry, where, folder, root)
        except InputError as error:
            problems.append(Problem(where.line, error, "articles"))
    return tuple(dict.fromkeys(paths))
