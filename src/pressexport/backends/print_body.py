"""The body prepared for print: footnotes where they fit, endnotes where they cannot, link addresses
shown, wide tables set smaller, maths drawn."""

from __future__ import annotations

import copy
import logging
import re

from lxml import etree
from weasyprint.formatting_structure.boxes import FootnoteAreaBox

from ..core.tree import break_long_words
from ..model import Note, RenderedArticle
from ..options import LinkStyle
from .print_maths import draw_maths
from ..language.words import words_for
from ..xhtml import serialise_html

log = logging.getLogger(__name__)

# Roughly half a page of 8 pt footnote text per page size: a longer note cannot sit under its call.
HALF_PAGE_CHARACTERS = {"a4": 2600, "letter": 2400, "a5": 1100}
LONG_WORD = re.compile(r"[^\s\u200b]{25,}")  # in table cells, where columns are narrow
BLOCKS_FOOTNOTES_CANNOT_HOLD = ".//pre | .//table | .//ul | .//ol | .//blockquote | .//figure | .//img"


def print_body(rendered: RenderedArticle, endnotes: frozenset[int] = frozenset(),
               links: LinkStyle = LinkStyle.notes, notes_at_end: bool = False) -> str:
    """The body for print: notes placed at their first call (``endnotes`` after the text instead), web
    addresses printed as ``links`` says (with ``notes_at_end``, their notes after the text too), wide tables
    set smaller, formulas drawn."""
    wrapper = rendered.body_copy()
    link_notes = add_link_notes(wrapper, notes_at_end) if links is LinkStyle.notes else []
    if links is not LinkStyle.none:
        mark_printed_urls(wrapper)
    mark_wide_tables(wrapper)
    by_number = {note.number: note for note in rendered.notes}
    numbers = rendered.note_calls
    seen: set[int] = set()
    for call in wrapper.xpath('.//a[@class="noteref"]'):
        number = numbers[call.get("id")]
        replacement = (note_reference(number, "again") if number in seen
                       else note_reference(number, "endnote") if number in endnotes
                       else footnote_span(by_number[number]))
        seen.add(number)
        replacement.tail = call.tail
        call.getparent().replace(call, replacement)
    add_endnotes_section(wrapper, [by_number[n] for n in sorted(endnotes) if n in by_number],
                         words_for(rendered.article.lang)("notes"), link_notes)
    draw_maths(wrapper, rendered.article)
    mark_end_of_text(wrapper)
    return serialise_html(wrapper)


END_OF_TEXT = "end-of-text"  # the id of the text's end (reserved in core/ids.py): the credits must not fill a page alone
TEXT_BLOCKS = ("p", "li", "dd", "dt", "td", "th", "pre", "figcaption", "h2", "h3", "h4", "h5", "h6")


def mark_end_of_text(wrapper) -> None:
    """An empty inline marker after the last character of the text (inside its last text block, so it is
    on the page of the text's last line, never carried alone to the next page)."""
    blocks = [element for element in wrapper.iter(*TEXT_BLOCKS)]
    holder = blocks[-1] if blocks else wrapper
    marker = etree.SubElement(holder, "span", id=END_OF_TEXT)
    marker.tail = None


def notes_too_big_for_the_foot(notes: tuple[Note, ...], page_size: str) -> frozenset[int]:
    """Numbers of the notes that cannot float to the page foot: too long, or holding blocks."""
    return frozenset(note.number for note in notes if not fits_at_page_foot(note, page_size))


def misplaced_notes(document) -> frozenset[int]:
    """Footnotes that the layout printed on another page than their call."""
    misplaced: set[int] = set()
    for page in document.pages:
        areas = [child for child in page._page_box.children if isinstance(child, FootnoteAreaBox)]
        body = [child for child in page._page_box.children if not isinstance(child, FootnoteAreaBox)]
        calls = {box.footnote.element.get("data-n") for part in body for box in part.descendants()
                 if getattr(box, "footnote", None) is not None and box.footnote.element is not None}
        printed = {box.element.get("data-n") for area in areas for box in area.descendants()
                   if box.element is not None and box.element.get("class") == "footnote"}
        misplaced |= {int(n) for n in calls ^ printed if n}
    return frozenset(misplaced)


def fits_at_page_foot(note: Note, page_size: str) -> bool:
    """A note can float to the page foot when it is short and holds only paragraphs and inline text."""
    short = len(note.body.text_content()) <= HALF_PAGE_CHARACTERS.get(page_size, 1100)
    return short and not note.body.xpath(BLOCKS_FOOTNOTES_CANNOT_HOLD)


def note_reference(number: int, kind: str) -> etree._Element:
    """A superscript number: a repeated call of a footnote, or a call linking to its endnote."""
    if kind == "endnote":
        link = etree.Element("a", {"class": "endnote-call", "href": f"#endnote-{number}"})
        link.text = str(number)
        return link
    again = etree.Element("sup", {"class": "noteref-again"})
    again.text = str(number)
    return again


def footnote_span(note: Note) -> etree._Element:
    """A ``<span class="footnote">`` for ``float: footnote``, numbered like the note, paragraphs as block spans."""
    holder = copy.deepcopy(note.body)
    holder.tag = "span"
    holder.set("class", "footnote")
    holder.set("data-n", str(note.number))
    mark_printed_urls(holder)
    for block in holder.xpath(".//p | .//div"):
        block.tag = "span"
        block.set("class", "footnote-para")
    return holder


def add_endnotes_section(wrapper: etree._Element, notes: list[Note], heading: str,
                         link_notes: list[tuple[str, str]] = ()) -> None:
    """Notes that could not be footnotes (or that the edition sets at the end), after the text under
    ``heading``, with their own numbers; then the addresses of lettered link notes set there."""
    if not notes and not link_notes:
        return
    section = etree.SubElement(wrapper, "section", {"class": "endnotes"})
    etree.SubElement(section, "h2").text = heading
    if notes:
        items = etree.SubElement(section, "ol")
        for note in notes:
            item = etree.SubElement(items, "li", {"id": f"endnote-{note.number}", "value": str(note.number)})
            content = copy.deepcopy(note.body)
            item.text = content.text
            item.extend(content)
    if link_notes:
        items = etree.SubElement(section, "ol", {"class": "link-notes", "type": "a"})
        for letter, href in link_notes:
            etree.SubElement(items, "li", {"id": f"linknote-{letter}", "class": "link-note-address"}).text = href


# where a link's address can float to the page foot: running text (not headings, captions, table cells or
# code, where a footnote would break the layout, nor notes, which cannot hold a footnote)
RUNNING_TEXT = ("p", "li", "dd", "dt", "blockquote")
NOT_RUNNING_TEXT = {"h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "td", "th", "pre", "caption", "aside"}


def add_link_notes(wrapper: etree._Element, at_end: bool = False) -> list[tuple[str, str]]:
    """Each web link in running text (whose text is not its address) followed by a note giving the address,
    lettered a, b, c… apart from the article's own numbered notes; the same address again gets the same
    letter. The link text stays in the line, so justified lines keep their even spacing. The notes float to
    the page foot, or (``at_end``) only their letters stay and the (letter, address) pairs are returned for
    the notes after the text."""
    letters: dict[str, str] = {}
    for link in wrapper.xpath('.//a[starts-with(@href, "http")]'):
        href = link.get("href")
        text = " ".join(link.text_content().split())
        if text.rstrip("/") == href.rstrip("/") or not in_running_text(link):
            continue
        first = href not in letters
        letters.setdefault(href, letter_of(len(letters)))
        if at_end:
            call = etree.Element("a", {"class": "endnote-call", "href": f"#linknote-{letters[href]}"})
            call.text = letters[href]
        elif first:
            call = etree.Element("span", {"class": "footnote link-note", "data-link": letters[href]})
            call.text = href
        else:
            call = etree.Element("sup", {"class": "link-note-again"})
            call.text = letters[href]
        call.tail = link.tail
        link.tail = None
        link.addnext(call)
        link.set("class", (link.get("class", "") + " noted").strip())
    return [(letter, href) for href, letter in letters.items()] if at_end else []


def in_running_text(link: etree._Element) -> bool:
    """Whether a link lies in running text, outside anything a footnote may not come from."""
    ancestors = {element.tag for element in link.iterancestors()}
    return bool(ancestors & set(RUNNING_TEXT)) and not ancestors & NOT_RUNNING_TEXT \
        and not set((link.get("class") or "").split()) & {"noteref", "footnote"}


def letter_of(index: int) -> str:
    """a, b, … z, aa, ab, …: the letter of the link note ``index`` (from 0)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


def mark_printed_urls(wrapper: etree._Element) -> None:
    """Web links whose text is not their address get class ``print-url``: print.css shows the address."""
    for link in wrapper.xpath('.//a[starts-with(@href, "http")]'):
        text = " ".join(link.text_content().split())
        noted = "noted" in (link.get("class") or "").split()
        if text.rstrip("/") != link.get("href").rstrip("/") and not noted:
            link.set("class", (link.get("class", "") + " print-url").strip())


def mark_wide_tables(wrapper: etree._Element) -> None:
    """Tables with many columns get class ``wide`` (smaller type) or ``very-wide``, and very long words in
    their cells get break opportunities, so tables fit the measure without splitting ordinary words."""
    for table in wrapper.xpath(".//table"):
        columns = max((len(row.xpath("./th | ./td")) for row in table.xpath(".//tr")), default=0)
        if columns >= 5:
            table.set("class", (table.get("class", "") + (" very-wide" if columns >= 8 else " wide")).strip())
        break_long_words(table, pattern=LONG_WORD, every=12, nodes=".//td//text() | .//th//text()")
