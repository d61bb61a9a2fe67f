"""The front matter's schema: each key declared once (name, other tools' names, reader, help), and
checked in full, so that an article's every problem is reported at once, each at its own line and key."""

from __future__ import annotations

import datetime as dt
import difflib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..language.dates import iso_prefix
from ..errors import InputError, InputErrors
from ..language.tags import is_language_tag
from .licences import resolve_licence
from ..model import Cover, FirstPublished, Licence, Related
from .yamlvalues import Problem, Value, parse_front_matter, plain, shown
from ..diagnostics import warn
from ..settings import FRONT_MATTER, Setting, settable_in

log = logging.getLogger(__name__)


# --- readers: a value as written → what the Article holds; InputError when it is wrong -----------------


def as_list(data: Any) -> list[Any]:
    """A scalar as a one-item list; None as empty."""
    if data is None:
        return []
    return list(data) if isinstance(data, (list, tuple)) else [data]


def item(value: Value, index: int) -> Value:
    """Item ``index`` of a list value, at its own line (a single value stands for a list of one)."""
    return value.at(index) if isinstance(value.data, list) else replace(value, key=f"{value.key}[{index + 1}]")


def text(value: Value) -> str:
    """Text on one line; numbers and dates are taken as written, lists and mappings are not."""
    if value.data is None:
        return ""
    if isinstance(value.data, (dict, list)):
        raise value.error(f"'{value.key}' must be text, not a {type(value.data).__name__}")
    return plain(value.data)


def names(value: Value) -> tuple[str, ...]:
    """One name or a list of names (or of {name: ...} mappings); empty ones are dropped."""
    found = []
    for index, entry in enumerate(as_list(value.data)):
        if isinstance(entry, dict):
            entry = entry.get("name")
        if isinstance(entry, (dict, list)):
            raise item(value, index).error(f"'{value.key}' must be a list of names")
        if entry is not None and plain(entry):
            found.append(plain(entry))
    return tuple(found)


def language(value: Value) -> str:
    """A BCP 47 language tag, with en_US read as en-US; '' when not given."""
    tag = text(value).replace("_", "-")
    if tag and not is_language_tag(tag):
        raise value.error(f"'{shown(tag)}' is not a language tag", hint="use a BCP 47 tag such as en, fr or pt-BR")
    return tag


def date(value: Value) -> str:
    """A YAML date, or text that starts with YYYY-MM-DD, YYYY-MM or YYYY (a time may follow), as that ISO date."""
    if value.data is None or value.data == "":
        return ""
    if isinstance(value.data, dt.datetime):
        return value.data.date().isoformat()
    if isinstance(value.data, dt.date):
        return value.data.isoformat()
    written = str(value.data).strip()
    iso = iso_prefix(written)
    if iso is None:
        raise value.error(f"'{shown(written)}' is not a date", hint="write it as YYYY-MM-DD")
    return iso


def first_published(value: Value) -> FirstPublished | None:
    """Where and when the article first appeared: a mapping (date, publication) or a bare date."""
    if value.data is None:
        return None
    if not isinstance(value.data, dict):
        return FirstPublished(date=date(value))
    return FirstPublished(date=date(value.at("date")), publication=plain(value.data.get("publication") or ""))


def licence(value: Value) -> Licence | None:
    """A licence of the catalogue, by SPDX id, written form, name or URL; None when not given."""
    written = text(value)
    return resolve_licence(written, where=value.where) if written else None


def cover(value: Value) -> Cover | None:
    """The cover as written: an image path, or a mapping. Its image is looked for later, inside the root."""
    if value.data is None:
        return None
    data = {"image": value.data} if isinstance(value.data, str) else value.data
    if not isinstance(data, dict):
        raise value.error(f"'{value.key}' must be a mapping (image, alt, caption, credit, licence)")
    licence_key = "licence" if data.get("licence") else "license"
    licence_text = plain(data.get(licence_key) or "")
    return Cover(
        alt=plain(data.get("alt") or ""),
        caption=plain(data.get("caption") or ""),
        credit=plain(data.get("credit") or ""),
        licence=resolve_licence(licence_text, where=value.at(licence_key).where) if licence_text else None,
        declared_image=plain(data.get("image") or ""),
    )


def related(value: Value) -> tuple[Related, ...]:
    """Related-reading references: titles, or mappings (id, title, source, url)."""
    found = []
    for index, entry in enumerate(as_list(value.data)):
        data = {"title": entry} if isinstance(entry, str) else entry
        if not isinstance(data, dict) or not data.get("title"):
            raise item(value, index).error("each related item needs a 'title'")
        found.append(Related(
            title=plain(data["title"]),
            source=plain(data.get("source") or ""),
            url=str(data["url"]).strip() if data.get("url") else None,
            key=str(data.get("id") or index + 1),
        ))
    return tuple(found)


def issn(value: Value) -> str:
    """An ISSN (NNNN-NNNC), its check digit verified; '' when not given."""
    written = text(value).upper().replace(" ", "")
    if not written:
        return ""
    digits = written.replace("-", "")
    if len(digits) != 8 or not digits[:7].isdigit() or not (digits[7].isdigit() or digits[7] == "X"):
        raise value.error(f"'{shown(written)}' is not an ISSN", hint="write it as 1234-5679 (eight characters)")
    if digits[7] != issn_check_digit(digits[:7]):
        raise value.error(f"ISSN {written} has a wrong check digit (it should end in {issn_check_digit(digits[:7])})",
                          hint="copy the ISSN again from the publication's records")
    return f"{digits[:4]}-{digits[4:]}"


def issn_check_digit(first_seven: str) -> str:
    """ISO 3297's check character: the weighted sum (8 down to 2) modulo 11, 10 written as X."""
    remainder = sum(int(digit) * weight for digit, weight in zip(first_seven, range(8, 1, -1))) % 11
    check = (11 - remainder) % 11
    return "X" if check == 10 else str(check)


def setting(declared: Setting) -> Callable[[Value], Any]:
    """The reader of an edition setting's value (None when not given), its problem at its line and key."""
    def read(value: Value) -> Any:
        if value.data is None or value.data == "":
            return None
        try:
            return declared.read(value.data)
        except InputError as error:
            raise value.error(error.message, hint=error.hint) from None

    return read


def ignored(value: Value) -> None:
    """Accepted, and not read."""
    return None


# --- the schema ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One front-matter key: its name, other tools' names for it, how its value is read, and what it is for."""

    name: str
    read: Callable[[Value], Any]
    help: str
    aliases: tuple[str, ...] = ()  # Jekyll's, Hugo's, Astro's, Pandoc's
    merge: bool = False  # under several of its names, the values add up (else the first written wins)


SCHEMA = (
    Key("title", text, "The title; without it, the body's first '# Heading' (which then leaves the body)."),
    Key("subtitle", text, "A line under the title."),
    Key("authors", names, "Who wrote it: a name, or a list of names or of {name: ...}.", aliases=("author",)),
    Key("lang", language,
        "The text's BCP 47 language tag (en, fr, pt-BR); missing: told from the text, with a warning.",
        aliases=("language",)),
    Key("date", date, "When it was published: YYYY-MM-DD, YYYY-MM or YYYY (a time may follow).",
        aliases=("publishedAt", "pubDate")),
    Key("first_published", first_published, "Where and when it first appeared: {date, publication}, or a date."),
    Key("publication", text, "The publication it belongs to (default: the first publication's)."),
    Key("note", text, "A note for the credits page."),
    Key("licence", licence, "Its licence: an SPDX id (CC-BY-4.0), a written form (CC BY 4.0) or a "
        "creativecommons.org URL; missing: all rights reserved, with a warning.", aliases=("license",)),
    Key("cover", cover, "The cover photo: an image path inside the content root, or "
        "{image, alt, caption, credit, licence}; without a usable image the EPUB's cover is made from the title."),
    Key("related", related, "Related reading: titles, or {id, title, source, url}; placed in the text with "
        "[[related id]], the others at the end."),
    Key("print_note", text, "The print note (default: think about the environment before printing)."),
    Key("end_mark", text, "A mark appended to the last paragraph, such as 🔷."),
    Key("base_url", text, "The address that relative links are made absolute against (else they become text).",
        aliases=("baseurl",)),
    Key("canonical_url", text, "The article's own address; the base URL when base_url is not given.",
        aliases=("canonical", "canonicalURL")),
    Key("description", text, "A summary, for the editions' metadata.", aliases=("abstract", "summary")),
    Key("tags", names, "Subjects, for the metadata: a word or a list.",
        aliases=("categories", "keywords", "topics"), merge=True),
    Key("slug", text, "The editions' file name; default: the folder of an article.md or index.md, else the "
        "file's name."),
    Key("issn", issn, "The publication's ISSN (1234-5679), for the credits and the metadata."),
    Key("draft", ignored, "Other tools' draft flag: accepted, and every article is built."),
    *(Key(declared.name, setting(declared), declared.help) for declared in settable_in(FRONT_MATTER)),
)
SETTING_KEYS = tuple(declared.name for declared in settable_in(FRONT_MATTER))
BY_NAME = {name: key for key in SCHEMA for name in (key.name, *key.aliases)}


# --- checking an article's front matter -------------------------------------------------------------


def read_front_matter(yaml_text: str | None, path: Path) -> tuple[dict[str, Any], list[Problem]]:
    """Every declared key's value by name (a missing key's is what an empty value reads as) and every problem
    found; a key whose value is wrong is left out. Unknown keys are reported in one warning."""
    values, problems = parse_front_matter(yaml_text, path) if yaml_text is not None else ([], [])
    fields: dict[str, Any] = {}
    seen = {BY_NAME[problem.key].name for problem in problems if problem.key in BY_NAME}  # not missing: wrong
    unknown = []
    for value in values:
        key = BY_NAME.get(value.key)
        if key is None:
            unknown.append(value)
        elif key.name not in seen or key.merge:
            seen.add(key.name)
            read_into(fields, key, value, problems)
    warn_unknown(unknown, path)
    for key in SCHEMA:
        if key.name not in seen:
            fields[key.name] = key.read(Value(None, key.name, 0, path))
    return fields, problems


def read_into(fields: dict[str, Any], key: Key, value: Value, problems: list[Problem]) -> None:
    """Read one value into ``fields``, or record its problem."""
    try:
        read = key.read(value)
    except InputError as error:
        problems.append(Problem(value.line, error))
        return
    fields[key.name] = tuple(dict.fromkeys(fields[key.name] + read)) if key.name in fields else read


def warn_unknown(unknown: list[Value], path: Path, what: str = "front-matter keys") -> None:
    """One warning for the keys we do not read, each with its line and the nearest known key if one is close."""
    if unknown:
        warn("front-matter-unknown", path, f"ignoring unknown {what}: "
             + ", ".join(map(describe_unknown, unknown)))  # each key's line is in the message


def describe_unknown(value: Value) -> str:
    """'titel (line 4; did you mean 'title'?)'."""
    near = difflib.get_close_matches(value.key, sorted(BY_NAME), n=1, cutoff=0.75)
    suggestion = f"; did you mean '{near[0]}'?" if near else ""
    return f"{value.key} (line {value.line}{suggestion})"


def raise_problems(problems: list[Problem], path: Path, what: str = "the front matter") -> None:
    """Raise every problem at once, in line order: one alone as itself, several as one error listing them."""
    errors = [problem.error for problem in sorted(problems, key=lambda problem: problem.line)]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors, where=path, message=f"{len(errors)} problems in {what}")
