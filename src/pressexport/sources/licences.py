"""The licence catalogue: find a licence by SPDX id, written form, full name or URL."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from pressexport.errors import UnknownLicence
from pressexport.model import Licence

__all__ = ["ALL_RIGHTS_RESERVED", "in_language", "licence_ids", "resolve_licence"]

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML was built with it
_ALL_RIGHTS_RESERVED_ID = "LicenseRef-All-rights-reserved"
_EXAMPLE_ID = "CC-BY-4.0"
_VERSIONED_ID = re.compile(r"(?P<family>CC.*)-(?P<version>\d+(?:\.\d+)*)")
_CC_URL = re.compile(
    r"(?:https?://)?(?:www\.)?creativecommons\.org(?P<path>/[^?#]*)?(?:[?#].*)?",
    re.IGNORECASE,
)
_DEED_OR_LEGALCODE = re.compile(r"/(?:deed|legalcode)(?:\.[\w-]+)*$")
_NOT_PART_OF_KEY = re.compile(r"[^a-z0-9.]")
_VERSION_IN_KEY = re.compile(r"\d+\.\d+")


def resolve_licence(value: str, *, where: str | None = None) -> Licence:
    """The catalogue's licence for ``value``, or ``UnknownLicence`` naming ``where``.

    Case, surrounding whitespace and the choice of spaces or hyphens do not
    matter. Accepted: the SPDX id ("CC-BY-SA-4.0"), the written form
    ("CC BY-SA 4.0", "CC-BY 4.0", "CC0"), the full name, a creativecommons.org
    URL (http or https, with or without "www.", a trailing slash or a
    "deed.xx"/"legalcode" suffix) and "All rights reserved". A family without a
    version ("CC-BY", "CC BY-SA"), as in real site footers, means its current
    version (4.0; CC0 1.0).
    """
    licence = _index().get(_lookup_key(value))
    if licence is None:
        raise _unknown_licence(value, where)
    return licence


def in_language(licence: Licence, lang: str) -> Licence:
    """The licence with its name and deed summary in the language of ``lang`` (a BCP 47 tag), as Creative
    Commons words them (``data/licences/<lang>.yaml``); as it is in English or a language without a file."""
    words = _licence_words(lang.split("-")[0].lower())
    family = _family(licence)
    if words is None or family not in words["deeds"]:
        return licence
    if family in ("cc0", "all-rights-reserved"):
        name = words["cc0"] if family == "cc0" else licence.name
        return replace(licence, name=name, deed=words["deeds"][family])
    version = _VERSIONED_ID.fullmatch(licence.id)["version"]
    port = words["ports"][licence.name.rsplit(" ", 1)[-1]]
    name = words["name"].format(family=words["families"][family], version=version, port=port)
    return replace(licence, name=name, deed=words["deeds"][family])


@cache
def _licence_words(lang: str) -> dict[str, Any] | None:
    """One language's licence names and deed summaries, or None when there is no file for it."""
    source = files("pressexport") / "data" / "licences" / f"{lang}.yaml"
    if not source.is_file():
        return None
    return yaml.load(source.read_text(encoding="utf-8"), Loader=SAFE_LOADER)


def _family(licence: Licence) -> str:
    """The catalogue family of a licence: "by-nc-sa", "cc0" or "all-rights-reserved"."""
    if licence.id == _ALL_RIGHTS_RESERVED_ID:
        return "all-rights-reserved"
    match = _VERSIONED_ID.fullmatch(licence.id)
    family = match["family"] if match else licence.id
    return "cc0" if family == "CC0" else family.removeprefix("CC-").lower()


def licence_ids() -> tuple[str, ...]:
    """The ids of all catalogue entries, in catalogue order."""
    return tuple(licence.id for licence in _catalogue())


@cache
def _catalogue() -> tuple[Licence, ...]:
    """The licences in ``data/licences.yaml``, read once."""
    source = files("pressexport") / "data" / "licences.yaml"
    data = yaml.load(source.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    return tuple(_licence_from_entry(entry) for entry in data["licences"])


def _licence_from_entry(entry: dict[str, Any]) -> Licence:
    """A ``Licence`` from one catalogue entry."""
    return Licence(
        id=entry["id"],
        name=entry["name"],
        short=entry["short"],
        url=entry.get("url"),
        deed=entry["deed"],
    )


@cache
def _index() -> dict[str, Licence]:
    """Every accepted spelling, reduced to its lookup key, mapped to its licence."""
    index: dict[str, Licence] = {}
    for family, licence in _current_version_of_each_family().items():
        index[_lookup_key(family)] = licence
    for licence in _catalogue():
        for spelling in _spellings(licence):
            index[_lookup_key(spelling)] = licence
    return index


def _spellings(licence: Licence) -> tuple[str, ...]:
    """The catalogue's ways of writing ``licence``, plus its name without "Creative Commons"."""
    bare_name = licence.name.removeprefix("Creative Commons ")
    candidates = (licence.id, licence.short, licence.name, bare_name, licence.url)
    return tuple(text for text in candidates if text)


def _current_version_of_each_family() -> dict[str, Licence]:
    """Each versioned family ("CC-BY-SA", "CC0") mapped to its newest licence."""
    versioned = []
    for licence in _catalogue():
        match = _VERSIONED_ID.fullmatch(licence.id)
        if match:
            versioned.append((match["family"], _version_number(match["version"]), licence))
    versioned.sort(key=lambda item: item[1])
    return {family: licence for family, _, licence in versioned}


def _version_number(version: str) -> tuple[int, ...]:
    """A version such as "2.5" as a comparable tuple."""
    return tuple(int(part) for part in version.split("."))


def _lookup_key(value: str) -> str:
    """What identifies a licence in ``value``, with case and separators dropped."""
    text = value.strip()
    url_match = _CC_URL.fullmatch(text)
    if url_match:
        return _url_key(url_match["path"] or "")
    return _NOT_PART_OF_KEY.sub("", text.casefold()).rstrip(".")


def _url_key(path: str) -> str:
    """A creativecommons.org path as a key, e.g. "creativecommons.org/licenses/by/4.0"."""
    path = _DEED_OR_LEGALCODE.sub("", path.rstrip("/"))
    return "creativecommons.org" + path.rstrip("/").casefold()


def _unknown_licence(value: str, where: str | None) -> UnknownLicence:
    """The error for a value the catalogue does not know, with a suggestion if any."""
    hint = f"use an SPDX id such as {_EXAMPLE_ID}; valid ids: {', '.join(licence_ids())}"
    suggestion = _closest_id(value)
    if suggestion:
        hint = f"did you mean {suggestion}? Otherwise {hint}"
    return UnknownLicence(f"unknown licence {value!r}", where=where, hint=hint)


def _closest_id(value: str) -> str | None:
    """The id of the licence whose spelling is closest to ``value``, if one is close."""
    key = _lookup_key(value)
    index = _index()
    matches = difflib.get_close_matches(key, _with_same_version(key, index), n=1)
    return index[matches[0]].id if matches else None


def _with_same_version(key: str, candidates: Iterable[str]) -> list[str]:
    """The candidates with the version written in ``key``, or all if none has it.

    Without this, a shorter name of another version ("... 2.0 Generic") can look
    closer than the right one ("... 4.0 International").
    """
    all_candidates = list(candidates)
    version = _VERSION_IN_KEY.search(key)
    if version is None:
        return all_candidates
    same_version = [candidate for candidate in all_candidates if version[0] in candidate]
    return same_version or all_candidates


ALL_RIGHTS_RESERVED: Licence = resolve_licence(_ALL_RIGHTS_RESERVED_ID)
