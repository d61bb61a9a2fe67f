"""What a saved page says of its article beyond the text: title (without the site's name), authors, date,
language, description, publication, tags, canonical address and licence, from trafilatura's metadata, the
page's microformats (h-entry) and its links, then what its furniture said. These become the front matter."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from ..errors import UnknownLicence
from ..language.tags import is_language_tag
from ..language.detection import detect
from ..sources.licences import resolve_licence
from .scraped import Furniture, licence_id
from .when import parse_when


TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—·:»]|-{1,2}|::)\s+")


def page_title(title: str, original: etree._Element, sitename: str, hostname: str) -> str:
    """The article's title without the site's name that <title> adds ("… | TechCrunch", "… - 9to5Mac"):
    the page's own heading when the title starts with it, else the title less a part naming the site."""
    title = " ".join(title.split())
    if not title:
        return ""
    for heading in original.xpath("//h1"):
        text = " ".join(heading.text_content().split())
        if len(text) >= 10 and title.startswith(text) and len(text) < len(title):
            return text
    parts = TITLE_SEPARATOR.split(title)
    site = {squeezed(sitename), squeezed(hostname.removeprefix("www.").split(".")[0])} - {""}
    if len(parts) > 1 and any(squeezed(parts[-1]) in site or name in squeezed(parts[-1]) for name in site):
        return title[:title.rfind(parts[-1])].rstrip(" |–—·:»-")
    if len(parts) > 1 and squeezed(parts[0]) in site:
        return title[len(parts[0]):].lstrip(" |–—·:»-")
    return title


def squeezed(text: str) -> str:
    """Letters and digits only, lower case: MoreBikes, morebikes.co.uk and "More Bikes" alike."""
    return re.sub(r"[\W_]+", "", text.lower())


def text_language(declared: str, title: str, markdown: str) -> str:
    """The page's declared language, unless its text plainly reads as another (a site's template in
    English around an article in German); the detected one when the page declares none."""
    detected = detect(title, markdown)
    if detected and (not declared or detected.tag != declared.split("-")[0].lower()):
        return detected.tag
    return declared


def page_fields(meta, original: etree._Element, furniture: Furniture, title: str, markdown: str) -> dict[str, Any]:
    """The front matter: what the page's metadata says, then what its furniture said."""
    fields: dict[str, Any] = {"title": title}
    entry = h_entry(original)
    author = getattr(meta, "author", None) or entry.get("author")
    fields["authors"] = [name.strip() for name in re.split(r";|,| and ", author)] if author else furniture.authors
    lang = text_language(page_language(original), title, markdown)
    if lang:
        fields["lang"] = lang
    when = parse_when(entry.get("published") or getattr(meta, "date", None) or "")
    if when:
        fields["date"] = when
    for key, value in (("description", entry.get("summary") or getattr(meta, "description", None)),
                       ("publication", publication(getattr(meta, "sitename", None))),
                       ("canonical_url", canonical_url(original, entry))):
        if value and value.strip():
            fields[key] = " ".join(value.split())
    tags = list(dict.fromkeys([*(getattr(meta, "categories", None) or []), *(getattr(meta, "tags", None) or [])]))
    if tags:
        fields["tags"] = tags
    licence = page_licence(original, getattr(meta, "license", None)) or furniture.licence
    furnished = furniture.fields(title, None)
    for key in ("first_published", "note", "cover", "related", "end_mark", "print_note"):
        if key in furnished:
            fields[key] = furnished[key]
    # no licence stated means all rights reserved: said in so many words, for the editor to see
    fields["licence"] = licence or "All rights reserved"
    return fields


def publication(sitename: str | None) -> str:
    """The site's name, unless it is only its host name (what trafilatura falls back to)."""
    if not sitename or re.fullmatch(r"(?:www\.)?[\w-]+(?:\.[\w-]+)+", sitename.strip()):
        return ""
    return sitename


def canonical_url(original: etree._Element, entry: dict[str, str]) -> str:
    """The article's own address as the page states it (canonical link, og:url, h-entry), web addresses only;
    never a <base> element's."""
    for candidate in (*original.xpath("//link[@rel='canonical']/@href"),
                      *original.xpath("//meta[@property='og:url']/@content"), entry.get("canonical", "")):
        if candidate.strip().startswith(("https://", "http://")):
            return candidate.strip()
    return ""


def h_entry(original: etree._Element) -> dict[str, str]:
    """What a page's microformats say of its article (h-entry: Medium's exports, IndieWeb blogs): author,
    publication time, canonical address, summary."""
    def first(xpath: str) -> str:
        found = original.xpath(xpath)
        value = found[0] if found else ""
        return " ".join((value if isinstance(value, str) else value.text_content()).split())

    classed = "//*[contains(concat(' ', normalize-space(@class), ' '), ' {} ')]"
    return {key: value for key, value in {
        "author": first(classed.format("p-author")),
        "published": first(classed.format("dt-published") + "/@datetime") or first(classed.format("dt-published")),
        "canonical": first(classed.format("p-canonical") + "/@href") or first(classed.format("u-url") + "/@href"),
        "summary": first(classed.format("p-summary")),
    }.items() if value}


def page_language(original: etree._Element) -> str:
    """The language the page declares (<html lang>, or a content-language meta), when it is a valid tag."""
    declared = original.get("lang") or original.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    if not declared:
        metas = original.xpath("//meta[translate(@http-equiv, 'CONTENTLAGU', 'contentlagu')='content-language']"
                               "/@content")
        declared = metas[0] if metas else ""
    declared = declared.strip().replace("_", "-")
    return declared if declared and is_language_tag(declared) else ""


def page_licence(original: etree._Element, stated: str | None) -> str:
    """The licence a page declares: a rel="license" link, a Creative Commons badge, or the text trafilatura
    read as a licence ("CC BY-SA 4.0")."""
    candidates = original.xpath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' license ')]/@href")
    candidates += [src for src in original.xpath("//img/@src")
                   if re.search(r"(?:licensebuttons\.net|i\.creativecommons\.org)/(?:l|p)/", src)]
    candidates += original.xpath("//a[contains(@href, 'creativecommons.org/licenses/') or "
                                 "contains(@href, 'creativecommons.org/publicdomain/')]/@href")  # a badge's link
    for candidate in candidates:
        badge = re.search(r"/(?:l|p)/([a-z-]+)/(\d\.\d)/", candidate)
        value = f"https://creativecommons.org/licenses/{badge[1]}/{badge[2]}/" if badge else candidate
        try:
            return resolve_licence(value).id
        except UnknownLicence:
            continue
    if stated:
        return licence_id(stated) or licence_id(f"Licensed under {stated}")
    return ""

