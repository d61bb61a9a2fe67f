"""Read an article file: decode it, split and validate its front matter."""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
import hashlib
import logging
import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, PressexportError
from .licences import ALL_RIGHTS_RESERVED, resolve_licence
from .model import Article, Cover, FirstPublished, Licence, Related
from .paths import inside_root

log = logging.getLogger(__name__)

MAX_SOURCE_BYTES = 2 * 1024 * 1024  # Markdown rendering is super-linear on some inputs: refuse, don't hang
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_YAML_NODES = 20_000
DEFAULT_PRINT_NOTE = "Please think about the environment before printing this article."
DEFAULT_LANG = "en"

# Other tools' names for our keys (Jekyll, Hugo, Astro, Pandoc).
ALIASES = {
    "author": "authors",
    "language": "lang",
    "license": "licence",
    "abstract": "description",
    "summary": "description",
    "categories": "tags",
    "keywords": "tags",
    "topics": "tags",
    "publishedAt": "date",
    "pubDate": "date",
    "canonical": "canonical_url",
    "canonicalURL": "canonical_url",
    "baseurl": "base_url",
}
KNOWN_KEYS = frozenset({
    "title", "subtitle", "authors", "lang", "date", "first_published", "publication",
    "note", "licence", "cover", "related", "print_note", "end_mark", "base_url",
    "description", "tags", "slug", "canonical_url", "draft",
})
LANG_PATTERN = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
SLUG_UNSAFE = re.compile(r"[^\w.-]+")


def load_article(path: str | Path, root: str | Path | None = None) -> Article:
    """Read and validate one Markdown article; ``root`` bounds what it may reference."""
    path = Path(path)
    root = Path(root).resolve() if root is not None else path.resolve().parent
    raw = read_source_bytes(path)
    text = decode_source(raw, path)
    meta, body, body_line = split_front_matter(text, path)
    return build_article(meta, body, body_line, path=path, root=root, raw=raw)


def read_source_bytes(path: Path) -> bytes:
    """The file's bytes, or a clear error when it cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise InputError(f"file is {size / 2**20:.1f} MB, over the {MAX_SOURCE_BYTES // 2**20} MB limit",
                             where=path, hint="split the article into several files")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", where=path, hint="check the path") from None
    except IsADirectoryError:
        raise InputError("is a folder, not a Markdown file", where=path) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", where=path) from None


def decode_source(raw: bytes, path: Path) -> str:
    """Strict UTF-8 (a BOM is dropped), with line endings normalised to LF."""
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        text = raw[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + bom
        line = raw.count(b"\n", 0, offset) + 1
        raise InputError(f"invalid UTF-8 at byte {offset} (line {line})", where=path,
                         hint="re-save the file as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str, int]:
    """Split ``---`` YAML front matter from the body; returns (meta, body, body's first line)."""
    if not text.startswith("---\n"):
        return {}, text, 1
    match = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], flags=re.MULTILINE)
    if match is None:
        raise InputError("front matter is not closed", where=f"{path}:1",
                         hint="end it with a line of three dashes (---)")
    yaml_text = text[4:4 + match.start()]
    body = text[4 + match.end():].lstrip("\n")
    body_line = text[: len(text) - len(body)].count("\n") + 1
    return parse_yaml(yaml_text, path), body, body_line


def parse_yaml(yaml_text: str, path: Path) -> dict[str, Any]:
    """Parse front matter safely: size-capped, alias-bomb-proof, a mapping."""
    if len(yaml_text.encode()) > MAX_FRONT_MATTER_BYTES:
        raise InputError(f"front matter is over {MAX_FRONT_MATTER_BYTES // 1024} KB", where=f"{path}:2",
                         hint="move long text into the article body")
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
        check_node_count(node, path)
        data = yaml.safe_load(yaml_text) if node is not None else {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark else 2  # +1 for 1-based, +1 for the opening ---
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"broken YAML front matter: {problem}", where=f"{path}:{line}",
                         hint="fix the YAML syntax (quote values that contain ':' or '#')") from None
    except yaml.YAMLError as exc:
        raise InputError(f"broken YAML front matter: {exc}", where=f"{path}:2") from None
    except RecursionError:
        raise InputError("front matter is nested too deeply", where=f"{path}:2",
                         hint="flatten the YAML structure") from None
    except ValueError as exc:  # PyYAML builds dates such as 2020-02-30 and fails
        raise InputError(f"front matter holds an impossible date ({exc})", where=f"{path}:2",
                         hint="write dates as YYYY-MM-DD") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError("front matter must be a mapping of keys to values", where=f"{path}:2",
                         hint="write it as 'key: value' lines")
    return data


def check_node_count(node: yaml.Node | None, path: Path) -> None:
    """Refuse YAML whose aliases would expand into a huge structure."""
    budget = MAX_YAML_NODES
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        budget -= 1
        if budget < 0:
            raise InputError("front matter is too large or too deeply aliased", where=f"{path}:2",
                             hint="remove YAML anchors and aliases")
        if isinstance(current, yaml.MappingNode):
            stack.extend(n for pair in current.value for n in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def build_article(meta: dict[str, Any], body: str, body_line: int, *, path: Path, root: Path,
                  raw: bytes) -> Article:
    """Validate the front matter in full and build the Article."""
    fields = normalise_keys(meta, path)
    title = text_value(fields, "title", path)
    if not title:
        title, body = title_from_heading(body)
    if not title:
        raise InputError("missing title", where=f"{path}: key 'title'",
                         hint="add 'title: ...' to the front matter")
    lang = language(fields, path)
    base_url = text_value(fields, "base_url", path)
    return Article(
        path=path,
        root=root,
        slug=slug_for(path, text_value(fields, "slug", path)),
        title=title,
        body=body,
        body_line=body_line,
        lang=lang,
        subtitle=text_value(fields, "subtitle", path),
        authors=string_list(fields, "authors", path),
        date=date_value(fields.get("date"), path, "date"),
        description=text_value(fields, "description", path),
        tags=string_list(fields, "tags", path),
        publication=text_value(fields, "publication", path),
        first_published=first_published(fields, path),
        note=text_value(fields, "note", path),
        licence=licence_value(fields, path),
        cover=cover_value(fields, path, root),
        related=related_list(fields, path),
        print_note=text_value(fields, "print_note", path) or DEFAULT_PRINT_NOTE,
        end_mark=text_value(fields, "end_mark", path),
        base_url=base_url or text_value(fields, "canonical_url", path),
        source_hash=hashlib.sha256(raw).hexdigest(),
        source_bytes=raw,
    )


def normalise_keys(meta: dict[str, Any], path: Path) -> dict[str, Any]:
    """Map other tools' keys onto ours and warn once about the ones we do not know."""
    fields: dict[str, Any] = {}
    unknown: list[str] = []
    for key, value in meta.items():
        name = ALIASES.get(str(key), str(key))
        if name not in KNOWN_KEYS:
            unknown.append(str(key))
        elif name == "tags" and name in fields:
            fields[name] = list(dict.fromkeys(as_list(fields[name]) + as_list(value)))
        else:
            fields.setdefault(name, value)
    if unknown:
        log.warning("%s: ignoring unknown front-matter keys: %s", path, ", ".join(describe_unknown(unknown)))
    return fields


def describe_unknown(keys: list[str]) -> list[str]:
    """Each unknown key, with the nearest known key when one is close."""
    candidates = sorted(KNOWN_KEYS | set(ALIASES))
    described = []
    for key in keys:
        near = difflib.get_close_matches(key, candidates, n=1, cutoff=0.75)
        described.append(f"{key} (did you mean '{near[0]}'?)" if near else key)
    return described


def plain(value: Any) -> str:
    """Front-matter text as one line: whitespace collapsed, characters XML cannot hold removed."""
    return " ".join(NOT_XML.sub("", str(value)).split())


def as_list(value: Any) -> list[Any]:
    """A scalar as a one-item list; None as empty."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def text_value(fields: dict[str, Any], key: str, path: Path) -> str:
    """A key's value as stripped text; numbers and dates are accepted, mappings are not."""
    value = fields.get(key)
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise InputError(f"'{key}' must be text, not a {type(value).__name__}", where=f"{path}: key '{key}'")
    return plain(value)


def string_list(fields: dict[str, Any], key: str, path: Path) -> tuple[str, ...]:
    """A key holding one string or a list of strings (or of {name: ...} mappings)."""
    items = []
    for item in as_list(fields.get(key)):
        if isinstance(item, dict):
            item = item.get("name", "")
        if isinstance(item, (dict, list)):
            raise InputError(f"'{key}' must be a list of names", where=f"{path}: key '{key}'")
        text = plain(item)
        if text:
            items.append(text)
    return tuple(items)


def first_heading(body: str) -> tuple[int, str] | None:
    """(line index, plain text) of the first ``# Heading`` outside code, or None."""
    fence = ""
    for index, line in enumerate(body.split("\n")):
        marker = re.match(r"^ {0,3}(`{3,}|~{3,})", line)
        if marker and (not fence or marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence)):
            fence = "" if fence else marker.group(1)
            continue
        heading = None if fence else re.match(r"^ {0,3}#\s+(.+?)\s*#*\s*$", line)
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


def language(fields: dict[str, Any], path: Path) -> str:
    """The BCP 47 language tag, defaulting to English with a warning."""
    lang = text_value(fields, "lang", path)
    if not lang:
        log.warning("%s: no 'lang' in front matter; assuming '%s'", path, DEFAULT_LANG)
        return DEFAULT_LANG
    lang = lang.replace("_", "-")
    if not LANG_PATTERN.match(lang):
        raise InputError(f"'{lang}' is not a language tag", where=f"{path}: key 'lang'",
                         hint="use a BCP 47 tag such as en, fr or pt-BR")
    return lang


def date_value(value: Any, path: Path, key: str) -> str:
    """An ISO date (or year-month) from a YAML date or a string."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    match = re.match(r"^(\d{4})(-\d{2})?(-\d{2})?", text)
    if not match or not real_date(match.group(0)):
        raise InputError(f"'{text}' is not a date", where=f"{path}: key '{key}'",
                         hint="write it as YYYY-MM-DD")
    return match.group(0)


def real_date(iso: str) -> bool:
    """Whether YYYY, YYYY-MM or YYYY-MM-DD names a day, month or year that exists (year 1 onwards)."""
    parts = [int(part) for part in iso.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def licence_value(fields: dict[str, Any], path: Path) -> Licence:
    """The article's licence; 'All rights reserved' with a warning when absent."""
    value = text_value(fields, "licence", path)
    if not value:
        log.warning("%s: no 'licence' in front matter; the edition will say 'All rights reserved'", path)
        return ALL_RIGHTS_RESERVED
    return resolve_licence(value, where=f"{path}: key 'licence'")


def first_published(fields: dict[str, Any], path: Path) -> FirstPublished | None:
    """First-publication details from a mapping or a bare date."""
    value = fields.get("first_published")
    if value is None:
        return None
    if not isinstance(value, dict):
        return FirstPublished(date=date_value(value, path, "first_published"))
    return FirstPublished(
        date=date_value(value.get("date"), path, "first_published.date"),
        publication=plain(value.get("publication") or ""),
    )


def cover_value(fields: dict[str, Any], path: Path, root: Path) -> Cover | None:
    """The cover: its image (when present inside the root) and its credit."""
    value = fields.get("cover")
    if value is None:
        return None
    if isinstance(value, str):
        value = {"image": value}
    if not isinstance(value, dict):
        raise InputError("'cover' must be a mapping (image, alt, caption, credit, licence)",
                         where=f"{path}: key 'cover'")
    declared = plain(value.get("image") or "")
    licence_text = plain(value.get("licence") or value.get("license") or "")
    return Cover(
        image=cover_image(declared, path, root) if declared else None,
        alt=plain(value.get("alt") or ""),
        caption=plain(value.get("caption") or ""),
        credit=plain(value.get("credit") or ""),
        licence=resolve_licence(licence_text, where=f"{path}: key 'cover.licence'") if licence_text else None,
        declared_image=declared,
    )


def cover_image(declared: str, path: Path, root: Path) -> Path | None:
    """Resolve the cover image inside the content root; warn and return None when unusable."""
    candidate = inside_root(path.parent, declared, root)
    if candidate is None:
        log.warning("%s: cover image '%s' is outside the content root; using a generated cover", path, declared)
        return None
    if not candidate.is_file():
        log.warning("%s: cover image '%s' not found; using a generated cover", path, declared)
        return None
    return candidate


def related_list(fields: dict[str, Any], path: Path) -> tuple[Related, ...]:
    """Related-reading references, each with a title and optional source and URL."""
    items = []
    for index, item in enumerate(as_list(fields.get("related")), start=1):
        if isinstance(item, str):
            item = {"title": item}
        if not isinstance(item, dict) or not item.get("title"):
            raise InputError("each related item needs a 'title'", where=f"{path}: key 'related[{index}]'")
        items.append(Related(
            title=plain(item["title"]),
            source=plain(item.get("source") or ""),
            url=str(item["url"]).strip() if item.get("url") else None,
            key=str(item.get("id") or index),
        ))
    return tuple(items)


def slug_for(path: Path, declared: str) -> str:
    """A file-system-safe slug: declared, else the folder of an article.md/index.md, else the file stem."""
    if declared:
        base = declared
    elif path.stem.lower() in {"article", "index", "_index"}:
        base = path.resolve().parent.name
    else:
        base = path.stem
    base = unicodedata.normalize("NFC", base).strip().lstrip(".-")
    slug = SLUG_UNSAFE.sub("-", base).strip("-")
    return slug or "article"


__all__ = ["load_article", "PressexportError", "DEFAULT_PRINT_NOTE"]
