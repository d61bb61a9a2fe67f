"""Ids and headings: valid, unique XML ids; headings shifted below the title and recorded for navigation."""

from __future__ import annotations

import re

from lxml import etree

from ..model import Heading
from ..names import first_free

RESERVED_ID = re.compile(r"^(?:(?:note|noteref|endnote)-\d+(?:-\d+)?|linknote-[a-z]+|credits|toc|landmarks|cover|"
                         r"end-of-text)$")
NAME_START = ("A-Z_a-z\xc0-\xd6\xd8-\xf6\xf8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d\u2070-\u218f"
              "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")  # XML 1.0, 5th ed.
NAME_CHAR = NAME_START + "\\-.0-9\xb7\u0300-\u036f\u203f\u2040"
VALID_ID = re.compile(f"[{NAME_START}][{NAME_CHAR}]*")  # an XML name without colons, as EPUBCheck wants
NOT_NAME_CHAR = re.compile(f"[^{NAME_CHAR}]")


def shift_headings(tree: etree._Element) -> None:
    """Shift body headings so the highest is <h2>: the article title is the only <h1>."""
    levels = [int(h.tag[1]) for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    if not levels or min(levels) >= 2:
        return
    shift = 2 - min(levels)
    for heading in tree.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        heading.tag = f"h{min(6, int(heading.tag[1]) + shift)}"


def number_headings(tree: etree._Element, taken: set[str] = frozenset()) -> list[Heading]:
    """Give every heading a unique id (none of ``taken``) and return (level, id, text) for navigation."""
    seen = {el.get("id") for el in tree.iter() if el.get("id") and not is_heading(el)} | set(taken)
    headings = []
    for index, heading in enumerate(tree.iter("h2", "h3", "h4", "h5", "h6"), start=1):
        text = " ".join(text_without_note_calls(heading).split())
        wanted = heading.get("id") or f"section-{index}"
        unique = unique_id(wanted if re.match(r"^[A-Za-z]", wanted) else f"s-{wanted}", seen)
        heading.set("id", unique)
        headings.append(Heading(int(heading.tag[1]), unique, text or f"Section {index}"))
    return headings


def text_without_note_calls(element: etree._Element) -> str:
    """The element's text, leaving out footnote call numbers."""
    parts = [element.text or ""]
    for child in element:
        if not (child.tag == "a" and child.get("class") == "noteref"):
            parts.append(text_without_note_calls(child))
        parts.append(child.tail or "")
    return "".join(parts)


def is_heading(element: etree._Element) -> bool:
    """True for <h1>…<h6>."""
    return isinstance(element.tag, str) and re.fullmatch(r"h[1-6]", element.tag) is not None


def unique_id(wanted: str, seen: set[str]) -> str:
    """``wanted`` made a valid XML id and unique among ``seen`` (which it joins)."""
    base = NOT_NAME_CHAR.sub("-", wanted) or "id"
    if not VALID_ID.fullmatch(base):
        base = f"id-{base}"
    if RESERVED_ID.match(base):
        base = f"s-{base}"
    candidate = first_free(base, seen)
    seen.add(candidate)
    return candidate


def ids_in(elements: list[etree._Element]) -> set[str]:
    """Every id used inside ``elements``."""
    return {el.get("id") for root in elements for el in root.iter() if isinstance(el.tag, str) and el.get("id")}


def dedupe_ids(roots: list[etree._Element]) -> None:
    """Keep the first of any repeated id (across ``roots``) and make every id a valid XML name."""
    seen: set[str] = set()
    for element in (el for root in roots for el in root.iter()):
        wanted = element.get("id") if isinstance(element.tag, str) else None
        if wanted is None or element.get("class") == "noteref":
            continue
        if not VALID_ID.fullmatch(wanted) or wanted in seen or RESERVED_ID.match(wanted):
            element.set("id", unique_id(wanted, seen))
        else:
            seen.add(wanted)
