"""Read an article file: decode it, split off its front matter and build the Article from it."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import InputError, PressexportError
from ..language.fences import lines_outside_fences
from .frontmatter import SETTING_KEYS, raise_problems, read_front_matter
from .licences import ALL_RIGHTS_RESERVED
from ..model import Article, Cover, Licence
from ..safety.paths import inside_root
from ..language.typography import smarten_text
from ..language.words import covers, words_for
from .publication import config_above, publication_for
from .yamlvalues import Problem, decode_source, plain
from ..diagnostics import warn

log = logging.getLogger(__name__)

MAX_SOURCE_BYTES = 2 * 1024 * 1024  # Markdown rendering is super-linear on some inputs: refuse, don't hang
DEFAULT_LANG = "en"
SLUG_UNSAFE = re.compile(r"[^\w.-]+")


def load_article(path: str | Path, root: str | Path | None = None) -> Article:
    """Read and validate one Markdown article, with what its publication's config gives it; ``root``
    (default: the folder of the config above the file, else the file's folder) bounds what it may
    reference, the file itself included once its links are followed."""
    path = Path(path)
    root = Path(root).resolve() if root is not None else default_root(path.absolute().parent)
    raw, stat = read_source(path, root)
    text = decode_source(raw, path)
    yaml_text, body, body_line = split_front_matter(text, path)
    fields, problems = read_front_matter(yaml_text, path)
    publication = publication_for(path.parent, root)
    article = build_article(with_defaults(fields, publication.defaults), problems, body, body_line, path=path,
                            root=root, raw=raw)
    settings = {**publication.settings, **{name: fields[name] for name in SETTING_KEYS if fields.get(name) is not None}}
    return replace(article, source_stat=(stat.st_size, stat.st_mtime_ns), settings=tuple(settings.items()),
                   house=publication.house, config_inputs=publication.inputs)


def default_root(folder: Path) -> Path:
    """The content root when none is given: the folder of the publication config above ``folder``, else
    ``folder`` itself."""
    config = config_above(folder)
    return (config.parent if config is not None else folder).resolve()


def with_defaults(fields: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """The front matter's fields with the publication's values where the article gives none."""
    return {**fields, **{name: value for name, value in defaults.items() if not fields.get(name)}}


def article_slug(path: Path) -> str:
    """The slug an article's editions are named after, from its front matter alone (nothing rendered)."""
    text = decode_source(read_source(path)[0], path)
    fields, _problems = read_front_matter(split_front_matter(text, path)[0], path)
    return slug_for(path, fields.get("slug") or "")


def read_source(path: Path, root: Path | None = None) -> tuple[bytes, os.stat_result]:
    """The file's bytes and its status taken just before the read, or a clear error when it cannot be read
    or its links lead out of ``root``."""
    if root is not None:
        check_inside_root(path, root)
    try:
        stat = path.stat()
        if stat.st_size > MAX_SOURCE_BYTES:
            raise InputError(f"file is {stat.st_size / 2**20:.1f} MB, over the {MAX_SOURCE_BYTES // 2**20} MB "
                             "limit", where=path, hint="split the article into several files")
        return path.read_bytes(), stat
    except FileNotFoundError:
        raise InputError("no such file", where=path, hint="check the path") from None
    except IsADirectoryError:
        raise InputError("is a folder, not a Markdown file", where=path) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", where=path) from None


def split_front_matter(text: str, path: Path) -> tuple[str | None, str, int]:
    """Split ``---`` YAML front matter from the body: (its YAML, or None without any; body; body's first line)."""
    if not text.startswith("---\n"):
        return None, text, 1
    match = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], flags=re.MULTILINE)
    if match is None:
        raise InputError("front matter is not closed", where=f"{path}:1",
                         hint="end it with a line of three dashes (---)")
    body = text[4 + match.end():].lstrip("\n")
    body_line = text[: len(text) - len(body)].count("\n") + 1
    return text[4:4 + match.start()], body, body_line


def build_article(fields: dict[str, Any], problems: list[Problem], body: str, body_line: int, *, path: Path,
                  root: Path, raw: bytes) -> Article:
    """The Article from the checked front matter, once there is no problem left (else every problem at once),
    its prose fields in the language's punctuation."""
    title, body = title_and_body(fields, body, path, problems)
    raise_problems(problems, path)
    lang = language(fields, path, title, body)
    if not covers(lang):
        warn("words-missing", path, f"pressexport's own words (byline, credits, folios) are not translated into "
             f"'{lang}' yet: they are in English")
    return with_smart_punctuation(Article(
        path=path,
        root=root,
        slug=slug_for(path, fields["slug"]),
        title=title,
        body=body,
        body_line=body_line,
        lang=lang,
        subtitle=fields["subtitle"],
        authors=fields["authors"],
        date=fields["date"],
        description=fields["description"],
        tags=fields["tags"],
        publication=fields["publication"],
        first_published=fields["first_published"],
        note=fields["note"],
        licence=licence(fields, path),
        cover=cover_found(fields["cover"], path, root),
        related=fields["related"],
        print_note=fields["print_note"] or words_for(lang)("print_note"),
        end_mark=fields["end_mark"],
        base_url=fields["base_url"] or fields["canonical_url"],
        issn=fields["issn"],
        source_hash=hashlib.sha256(raw).hexdigest(),
        source_bytes=raw,
    ))


def with_smart_punctuation(article: Article) -> Article:
    """The front matter's prose (title, subtitle, publication, description, notes, captions, related titles) with
    quotes, apostrophes and dashes as the article's language has them; names and addresses as typed."""
    def smart(text: str) -> str:
        return smarten_text(text, article.lang)

    cover = article.cover and replace(article.cover, alt=smart(article.cover.alt),
                                      caption=smart(article.cover.caption))
    related = tuple(replace(item, title=smart(item.title)) for item in article.related)
    return replace(article, title=smart(article.title), subtitle=smart(article.subtitle),
                   publication=smart(article.publication),
                   description=smart(article.description), note=smart(article.note),
                   print_note=smart(article.print_note), cover=cover, related=related)


def title_and_body(fields: dict[str, Any], body: str, path: Path, problems: list[Problem]) -> tuple[str, str]:
    """The front matter's title, else the first heading's (taken out of the body); none at all is a problem."""
    title = fields.get("title")
    if title is None:  # its value is wrong: a problem already
        return "", body
    if not title:
        title, body = title_from_heading(body)
    if not title:
        problems.append(Problem(0, InputError("missing title", where=f"{path}: title",
                                              hint="add 'title: ...' to the front matter")))
    return title, body


def first_heading(body: str) -> tuple[int, str] | None:
    """(line index, plain text) of the first ``# Heading`` outside code, or None."""
    for index, line in lines_outside_fences(body):
        heading = re.match(r"^ {0,3}#\s+(.+?)\s*#*\s*$", line)
        if heading:
            return index, plain_heading_text(heading.group(1))
    return None


def title_from_heading(body: str) -> tuple[str, str]:
    """When front matter has no title: the first ``# Heading`` becomes the title and leaves the body."""
    found = first_heading(body)
    if found is None:
        return "", body
    index, title = found
    lines = body.split("\n")
    return title, "\n".join(lines[:index] + lines[index + 1:])


def plain_heading_text(markdown_text: str) -> str:
    """A heading's Markdown reduced to plain text: attribute lists, emphasis and code marks removed."""
    text = re.sub(r"\s*\{[#.:][^}]*\}\s*$", "", markdown_text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*{1,3}|_{1,3}|`+)(\S.*?\S|\S)\1", r"\2", text)
    return plain(text)


def language(fields: dict[str, Any], path: Path, title: str, body: str) -> str:
    """The language tag: as declared, else told from the text (with a warning), else English (with another)."""
    if fields["lang"]:
        return fields["lang"]
    from ..language.detection import detect, english_name  # its model loads only for an article that needs it

    detected = detect(title, fields["description"], body)
    if detected is None:
        warn("lang-missing", path, f"no 'lang' in front matter and too little text to tell its language; "
             f"assuming '{DEFAULT_LANG}': add 'lang: …' with the right tag")
        return DEFAULT_LANG
    warn("lang-detected", path, f"no 'lang' in front matter; the text reads as {english_name(detected.tag)}: "
         f"add 'lang: {detected.tag}' to be sure")
    return detected.tag


def licence(fields: dict[str, Any], path: Path) -> Licence:
    """The article's licence; 'All rights reserved' with a warning when absent."""
    if fields["licence"] is None:
        warn("licence-missing", path, "no 'licence' in front matter; the edition will say 'All rights reserved'")
        return ALL_RIGHTS_RESERVED
    return fields["licence"]


def cover_found(cover: Cover | None, path: Path, root: Path) -> Cover | None:
    """The cover with its image resolved, when it declares one."""
    if cover is None or not cover.declared_image:
        return cover
    candidate = inside_root(path.parent, cover.declared_image, root)
    return replace(cover, image=cover_image(candidate, cover.declared_image, path), looked_for=candidate)


def cover_image(candidate: Path | None, declared: str, path: Path) -> Path | None:
    """The cover image found inside the content root; warn and return None when unusable."""
    if candidate is None:
        warn("cover-missing", path, f"cover image '{declared}' is outside the content root; using a generated cover")
        return None
    if not candidate.is_file():
        warn("cover-missing", path, f"cover image '{declared}' not found; using a generated cover")
        return None
    return candidate


def check_inside_root(path: Path, root: Path) -> None:
    """An InputError when ``path`` exists and, its links followed, lies outside ``root`` (resolved)."""
    if path.exists() and not is_within(path.resolve(), root):
        raise InputError(f"links to {path.resolve()}, outside the content root {root}", where=path,
                         hint="copy the file into the root, or give --root a folder that holds both")


def is_within(path: Path, root: Path) -> bool:
    """Whether a resolved ``path`` is ``root`` or lies below it."""
    return path == root or root in path.parents


def slug_for(path: Path, declared: str) -> str:
    """A file-system-safe slug: declared, else the folder of an article.md/index.md, else the file stem."""
    if declared:
        base = declared
    elif path.stem.lower() in {"article", "index", "_index"}:
        base = path.absolute().parent.name
    else:
        base = path.stem
    base = unicodedata.normalize("NFC", base).strip().lstrip(".-")
    slug = SLUG_UNSAFE.sub("-", base).strip("-")
    return slug or "article"


__all__ = ["load_article", "PressexportError"]
