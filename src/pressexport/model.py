"""Immutable values that cross the boundaries between stages."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .xhtml import serialise_children


@dataclass(frozen=True)
class Licence:
    """A licence from the catalogue (``data/licences.yaml``)."""

    id: str  # SPDX-style id, e.g. "CC-BY-SA-4.0"; "LicenseRef-All-rights-reserved"
    name: str  # full name, e.g. "Creative Commons Attribution-ShareAlike 4.0 International"
    short: str  # usual written form, e.g. "CC BY-SA 4.0"
    url: str | None  # deed URL; None for "all rights reserved"
    deed: str  # one-line summary of what the licence allows


@dataclass(frozen=True)
class Cover:
    """The article's cover photo, or what is known of it when the file is absent."""

    image: Path | None = None  # resolved inside the content root; None: generate a cover
    alt: str = ""
    caption: str = ""
    credit: str = ""
    licence: Licence | None = None
    declared_image: str = ""  # the path as written in front matter, for messages
    looked_for: Path | None = None  # the file the declared image names inside the root, present or not


@dataclass(frozen=True)
class Related:
    """A related-reading reference (a "further reading" card)."""

    title: str
    source: str = ""
    url: str | None = None
    key: str = ""  # the id used to place the box in the body


@dataclass(frozen=True)
class FirstPublished:
    """Where and when the article first appeared."""

    date: str = ""  # ISO date or year-month, e.g. "2020-04"
    publication: str = ""


class Input(NamedTuple):
    """A file a render read, with the SHA-256 of its bytes: what decides whether an edition is stale."""

    path: Path
    sha256: str | None  # None: the file was looked for and is absent (adding it makes the edition stale)
    size: int | None = None  # the file's size and modification time when it was read: a later run that
    mtime_ns: int | None = None  # finds both unchanged need not read the file again to hash it


@dataclass(frozen=True)
class HouseStyle:
    """A publication's own stylesheets (files inside the content root), layered after the shipped ones."""

    pdf: tuple[Path, ...] = ()
    epub: tuple[Path, ...] = ()
    files: tuple[Path, ...] = ()  # what the sheets use (fonts, images) and the fonts' licences


@dataclass(frozen=True)
class Article:
    """A source article: validated metadata plus its Markdown body."""

    path: Path  # the Markdown file
    root: Path  # content root: nothing outside it is read
    slug: str
    title: str
    body: str  # Markdown, front matter removed
    body_line: int = 1  # line number of the body's first line in the file
    lang: str = "en"
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    date: str = ""  # ISO date of publication
    description: str = ""
    tags: tuple[str, ...] = ()
    publication: str = ""
    first_published: FirstPublished | None = None
    note: str = ""
    licence: Licence | None = None
    cover: Cover | None = None
    related: tuple[Related, ...] = ()
    print_note: str = ""
    end_mark: str = ""
    base_url: str = ""
    issn: str = ""
    settings: tuple[tuple[str, Any], ...] = ()  # edition settings (settings.py) from the config and front matter
    house: HouseStyle = field(default_factory=HouseStyle)
    config_inputs: tuple[Input, ...] = ()  # the publication config and house files: a change rebuilds the article
    source_hash: str = ""  # sha256 of the source file's bytes
    source_stat: tuple[int, int] | None = None  # the source's (size, mtime_ns), taken before it was read
    source_bytes: bytes = field(default=b"", repr=False)

    @property
    def base_dir(self) -> Path:
        """The folder that relative references in the article start from."""
        return self.path.parent


@dataclass(frozen=True)
class Asset:
    """A file the edition carries, already normalised (e.g. an image)."""

    name: str  # path inside the edition, e.g. "images/fig-1.png"
    media_type: str
    data: bytes = field(repr=False)
    alt: str = ""


class Heading(NamedTuple):
    """A heading of the text, for navigation: its level (2–6), id and plain text."""

    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Note:
    """A footnote: its number, its content (a ``<div>`` holding it, without the back link), the ids of its calls."""

    number: int
    body: Any = field(repr=False, compare=False)  # lxml element; read-only: copy it before changing it
    call_ids: tuple[str, ...] = ()  # "noteref-N", then "noteref-N-2", … in text order

    @property
    def html(self) -> str:
        """The note's content as XHTML."""
        return serialise_children(self.body)


@dataclass(frozen=True)
class RenderedArticle:
    """The article as one typed, read-only document that every backend writes from (no backend re-parses it).

    ``body`` is the sanitised text as an lxml tree under a ``<div>``; footnote calls in it are
    ``<a class="noteref" href="#note-N" id="noteref-N[-k]">`` and ``note_calls`` maps each call's id to N.
    Backends change only copies (``body_copy``).
    """

    article: Article
    body: Any = field(repr=False, compare=False)  # lxml element (a <div> wrapper)
    notes: tuple[Note, ...] = ()
    assets: tuple[Asset, ...] = ()
    headings: tuple[Heading, ...] = ()
    cover: Asset | None = None  # the article's cover photo, normalised; None without a usable one
    inputs: tuple[Input, ...] = ()  # the source, each image and the cover, as read

    @property
    def body_html(self) -> str:
        """The body as an XHTML fragment."""
        return serialise_children(self.body)

    @property
    def note_calls(self) -> dict[str, int]:
        """Each footnote call's id → the note's number."""
        return {call: note.number for note in self.notes for call in note.call_ids}

    def body_copy(self):
        """A copy of the body tree for a backend to change."""
        return copy.deepcopy(self.body)
