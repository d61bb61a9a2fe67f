"""The furniture around the text: related-reading boxes and the publication's end mark."""

from __future__ import annotations

import functools
import logging
import re
from importlib.resources import files

import yaml
from lxml import etree

from ..model import Article
from .links import normalise_url
from ..diagnostics import warn
from ..language.words import words_for

log = logging.getLogger(__name__)

RELATED_MARKER = re.compile(r"^\[\[related(?:\s+([\w-]+))?\]\]$")


def place_related(tree: etree._Element, article: Article) -> None:
    """Replace ``[[related key]]`` paragraphs with related-reading boxes; append the rest."""
    remaining = list(article.related)
    for paragraph in tree.xpath(".//p"):
        match = RELATED_MARKER.match((paragraph.text_content() or "").strip())
        if not match:
            continue
        item = next((r for r in remaining if r.key == match.group(1)), None) if match.group(1) else \
            (remaining[0] if remaining else None)
        if item is None:
            wanted = f"related item '{match.group(1)}'" if match.group(1) else "related item left"
            warn("related-missing", article.path, f"no {wanted} in front matter; marker removed")
            paragraph.getparent().remove(paragraph)
            continue
        remaining.remove(item)
        paragraph.getparent().replace(paragraph, related_box(item, article.lang))
    for item in remaining:
        tree.append(related_box(item, article.lang))


def related_box(item, lang: str) -> etree._Element:
    """An <aside class="related"> naming the source and linking the title when a URL is known."""
    aside = etree.Element("aside", {"class": "related"})
    label = etree.SubElement(aside, "p", {"class": "related-label"})
    label.text = words_for(lang)("related_reading")
    line = etree.SubElement(aside, "p", {"class": "related-title"})
    url = normalise_url(item.url, schemes={"http", "https"}) if item.url else None
    if url:
        link = etree.SubElement(line, "a", {"href": url})
        link.text = item.title
    else:
        line.text = item.title
    if item.source:
        source = etree.SubElement(aside, "p", {"class": "related-source"})
        source.text = item.source
    return aside


def add_end_mark(tree: etree._Element, mark: str) -> None:
    """Append the publication's end mark to the last block of running text (not an aside or figure)."""
    if not mark:
        return
    blocks = tree.xpath(".//*[self::p or self::li or self::dd or self::td][normalize-space()]"
                        "[not(ancestor-or-self::aside)][not(ancestor-or-self::figure)]")
    if not blocks:
        return
    text, tint = printable_mark(mark)
    # decorative: a screen reader need not read "black diamond" after the last sentence
    span = etree.SubElement(blocks[-1], "span", {"class": f"end-mark end-mark-{tint}" if tint else "end-mark",
                                                  "aria-hidden": "true"})
    span.text = text


TEXT_PRESENTATION = "\ufe0e"  # asks for a symbol's text form
EMOJI_PRESENTATION = "\ufe0f"


@functools.lru_cache(maxsize=1)
def end_mark_symbols() -> dict[str, dict[str, str]]:
    """data/end_marks.yaml: colour emoji → the text symbol printed instead, and its tint in the standard PDF."""
    return yaml.safe_load((files("pressexport") / "data" / "end_marks.yaml").read_text(encoding="utf-8"))


def printable_mark(mark: str) -> tuple[str, str]:
    """The end mark as every edition can print it in the text's own ink, and its tint ('' for none): a colour
    emoji becomes its text symbol (🔷 → ◆, blue)."""
    bare = mark.replace(EMOJI_PRESENTATION, "").replace(TEXT_PRESENTATION, "").strip()
    symbol = end_mark_symbols().get(bare)
    return (symbol["text"], symbol.get("tint", "")) if symbol else (bare, "")
