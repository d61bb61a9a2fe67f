"""Small tree operations the passes share."""

from __future__ import annotations

import re

from lxml import etree, html as lxml_html

LONG_WORD = re.compile(r"[^\s\u200b]{64,}")
WORD_BREAK_EVERY = 40


# An address of ordinary length is left as typed, so that it copies from the page as it is: its CSS lets it
# wrap anywhere (``.address``); only a runaway one gets invisible breaks, as any runaway string does.
ADDRESS_KEPT = 2000
TEXT_NODES = (".//text()[not(ancestor::pre) and not(ancestor::code) and not(ancestor::*[local-name()='math'])"
              " and "
              f"not(ancestor::span[@class='address' and string-length(.) < {ADDRESS_KEPT}])]")


def break_long_words(element: etree._Element, *, pattern: re.Pattern = LONG_WORD, every: int = WORD_BREAK_EVERY,
                     nodes: str = TEXT_NODES) -> None:
    """Give very long words (runaway strings, hashes in text) invisible break opportunities (U+200B): lines
    can then wrap, and the PDF engine does not try every hyphenation point of a 100,000-letter word."""
    for node in element.xpath(nodes):
        if pattern.search(node):
            set_text(node, pattern.sub(lambda m: "\u200b".join(chunks(m.group(0), every)), node))


def chunks(word: str, size: int) -> list[str]:
    """The word cut into pieces of ``size`` characters."""
    return [word[i:i + size] for i in range(0, len(word), size)]


def set_text(node, text: str) -> None:
    """Replace a text node (an lxml "smart string") in its parent."""
    parent = node.getparent()
    if node.is_text:
        parent.text = text
    else:
        parent.tail = text


def drop_keep_tail(element: etree._Element) -> None:
    """Remove an element and its content but keep the text that follows it (lxml's ``drop_tree``)."""
    if element.getparent() is not None:
        lxml_html.HtmlMixin.drop_tree(element)  # works on any element, not only those the HTML parser made


def unwrap(element: etree._Element) -> None:
    """Replace an element by its children and text (lxml's ``drop_tag``)."""
    if element.getparent() is not None:
        lxml_html.HtmlMixin.drop_tag(element)


def append_text(element: etree._Element, text: str) -> None:
    """Add text at the end of an element's content."""
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text
