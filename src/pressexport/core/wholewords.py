"""Words a hyphenator must not cut: addresses (a URL or e-mail address copied from a page must work) and
compounds already hyphenated (Rear-Admiral breaks after its hyphen, never as Rear-Ad-miral).

Each is wrapped in ``<span class="address">`` (``hyphens: none``: it may still wrap, at no added hyphen)
or ``<span class="compound">`` (``hyphens: manual``); code, preformatted text and keyboard input are left
alone (their own CSS keeps them whole).
"""

from __future__ import annotations

import re

from lxml import etree

from ..language.typography import ADDRESS, VERBATIM

COMPOUND = re.compile(r"(?<![\w‐-])\w+(?:[-‐]\w+)+")  # from a word's start only: linear on a 100,000-letter word
WHOLE = re.compile(f"(?P<address>{ADDRESS.pattern})|(?P<compound>{COMPOUND.pattern})")
CLASSES = ("address", "compound")


def keep_words_whole(root: etree._Element) -> None:
    """Wrap every address and hyphenated compound of the tree's prose in a span that stops hyphenation."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or local_name(element) in VERBATIM or is_ours(element) \
                or any(local_name(a) in VERBATIM for a in element.iterancestors()):
            continue
        children, changed = [], False
        if element.text:
            pieces = split(element.text)
            element.text, changed = pieces[0], len(pieces) > 1
            children += pieces[1:]
        for child in list(element):
            children.append(child)
            if child.tail and not is_ours(child):
                pieces = split(child.tail)
                child.tail = pieces[0]
                children += pieces[1:]
                changed = changed or len(pieces) > 1
        if changed:
            element[:] = children  # all at once: inserting span by span is quadratic in a long paragraph


def split(text: str) -> list:
    """The text before the first whole word, then each whole word as a span carrying the text after it."""
    pieces: list = [""]
    start = 0
    for match in WHOLE.finditer(text):
        if len(match.group(0)) < 5 and match.lastgroup == "compound":
            continue  # e-mail, x-ray: too short for a hyphenator to touch
        if len(pieces) == 1:
            pieces[0] = text[start:match.start()]
        else:
            pieces[-1].tail = text[start:match.start()]
        span = etree.Element("span", {"class": match.lastgroup})
        span.text = match.group(0)
        pieces.append(span)
        start = match.end()
    if len(pieces) == 1:
        return [text]
    pieces[-1].tail = text[start:] or None
    pieces[0] = pieces[0] or None
    return pieces


def local_name(element: etree._Element) -> str:
    """The element's name without its namespace."""
    return element.tag.rsplit("}", 1)[-1]


def is_ours(element: etree._Element) -> bool:
    """A span this pass made (its words are already whole)."""
    return local_name(element) == "span" and element.get("class") in CLASSES
