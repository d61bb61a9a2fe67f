"""The cleaned body of an imported page or post as Markdown: markdownify writes it, figures stay HTML (their
captions would otherwise become loose text), and a closing list of notes with back links becomes Markdown
footnotes."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

NOTE_REF = re.compile(r"^\[?\(?(\d{1,3})\)?\]?$")
BACKLINK = re.compile(r"^[↩↑^]|^back$", re.IGNORECASE)


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
    """A closing list of notes (each item with a back link, ↩) becomes Markdown footnotes, and the numbered
    links that call them ``[^n]``."""
    lists = [candidate for candidate in body.xpath(".//ol | .//ul")
             if len(candidate) and all(has_backlink(item) for item in candidate)]
    if not lists:
        return []
    items = list(lists[-1])
    for link in body.xpath(".//a[starts-with(@href, '#')]"):
        match = NOTE_REF.match(link.text_content().strip())
        if not match or not 1 <= int(match.group(1)) <= len(items) or any(link in item.iter() for item in items):
            continue
        holder = link.getparent() if link.getparent().tag == "sup" and len(link.getparent()) == 1 else link
        call = etree.Element("span")
        call.text = f"[^{match.group(1)}]"
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
    lists[-1].drop_tree()
    return notes


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
