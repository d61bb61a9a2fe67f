"""The cleaned body of an imported page or post as Markdown: markdownify writes it, figures stay HTML (their
captions would otherwise become loose text), and a closing list of notes with back links becomes Markdown
footnotes."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

NOTE_REF = re.compile(r"^\[?\(?(\d{1,3})\)?\]?$")
BACKLINK = re.compile(r"^[↩↑^]|^back$", re.IGNORECASE)
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# a heading that only names the notes, in the languages pressexport speaks
NOTES_HEADING = re.compile(r"(?i)^(?:foot|end)?notes?:?$|^references$|^notes? (?:et|and) références$|"
                           r"^anmerkungen$|^fußnoten$|^notas$|^note$|^примечания$|^сноски$")


def to_markdown(body: etree._Element) -> str:
    """The cleaned body as Markdown (markdownify), footnotes as Markdown footnotes, figures as HTML."""
    notes = lift_footnotes(body)
    html = etree.tostring(body, encoding="unicode", method="html")
    text = Converter(heading_style="ATX", bullets="-", escape_misc=False).convert(html)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    text = re.sub(r"\\\[\\\[related ([\w-]+)\\\]\\\]|\[\[related ([\w-]+)\]\]",
                  lambda m: f"[[related {m.group(1) or m.group(2)}]]", text)
    if notes:
        text += "\n\n" + "\n".join(f"[^{number}]: {note}" for number, note in notes)
    return text


def lift_footnotes(body: etree._Element) -> list[tuple[str, str]]:
    """A closing list of notes becomes Markdown footnotes, and the numbered links that call them ``[^n]``:
    a list whose every item links back up to its call (↩), or else the last list of the text when numbered
    links to anchors in the page call its items one to one, all before it (``<sup><a href="#fn1">1</a></sup>``
    with an ``<ol>`` of notes, the commonest hand-made footnotes). A heading that only names the notes goes
    too: the editions print their own."""
    notes_list = backlinked_notes(body) or called_notes(body)
    if notes_list is None:
        return []
    items = list(notes_list)
    for link in note_calls(body):
        number = int(NOTE_REF.match(link.text_content().strip()).group(1))
        if not 1 <= number <= len(items) or any(link in item.iter() for item in items):
            continue
        holder = link.getparent() if link.getparent().tag == "sup" and len(link.getparent()) == 1 else link
        call = etree.Element("span")
        call.text = f"[^{number}]"
        call.tail = holder.tail
        holder.getparent().replace(holder, call)
    notes = []
    for number, item in enumerate(items, start=1):
        for back in item.xpath(".//a[starts-with(@href, '#')]"):
            if BACKLINK.match(back.text_content().strip()):
                back.drop_tree()
        inner = etree.tostring(item, encoding="unicode", method="html")
        content = Converter(escape_misc=False).convert(inner).strip()
        notes.append((str(number), " ".join(re.sub(r"^[-*]\s+|^\d+\.\s+", "", content).split())))
    heading = notes_list.getprevious()
    if heading is not None and heading.tag in HEADINGS and NOTES_HEADING.match(heading.text_content().strip()):
        heading.drop_tree()
    notes_list.drop_tree()
    return notes


def backlinked_notes(body: etree._Element) -> etree._Element | None:
    """The last list whose every item links back up to its call."""
    lists = [candidate for candidate in body.xpath(".//ol | .//ul")
             if len(candidate) and all(has_backlink(item) for item in candidate)]
    return lists[-1] if lists else None


def called_notes(body: etree._Element) -> etree._Element | None:
    """The text's last list, when the numbered links to anchors call its items one to one (1 to n, each at
    least once) and all come before it."""
    lists = body.xpath(".//ol | .//ul")
    calls = note_calls(body)
    if not lists or not calls:
        return None
    last = lists[-1]
    order = {element: index for index, element in enumerate(body.iter())}
    numbers = {int(NOTE_REF.match(link.text_content().strip()).group(1)) for link in calls}
    if (numbers != set(range(1, len(last) + 1)) or any(item.tag != "li" for item in last)
            or any(order[link] > order[last] for link in calls)):
        return None
    return last


def note_calls(body: etree._Element) -> list[etree._Element]:
    """The links to an anchor in the page whose text is a note number (1, [1], (1))."""
    return [link for link in body.xpath(".//a[starts-with(@href, '#')]")
            if NOTE_REF.match(link.text_content().strip())]


def has_backlink(item: etree._Element) -> bool:
    """A list item that links back up to its call (↩), as a note does."""
    return item.tag == "li" and any(BACKLINK.match(link.text_content().strip())
                                    for link in item.xpath(".//a[starts-with(@href, '#')]"))


def converter_class():
    from markdownify import MarkdownConverter

    class PressConverter(MarkdownConverter):
        """markdownify, with figures kept as HTML (their captions would otherwise become loose text)."""

        def convert_figure(self, el, text, *args, **kwargs):  # noqa: D102 - markdownify's hook
            return "\n\n" + str(el) + "\n\n"

    return PressConverter


class Converter:
    """A lazily built markdownify converter (markdownify and BeautifulSoup load only for imports)."""

    def __init__(self, **options: Any) -> None:
        self.converter = converter_class()(**options)

    def convert(self, html: str) -> str:
        return self.converter.convert(html)
