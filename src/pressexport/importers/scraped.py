"""Text scraped from a magazine's page, in the house style the project's first article came in:

    Title
    By Jane Doe and John Roe                       (optional byline)
    First published in April 2020.
    paragraphs, headings on lines of their own, related-reading cards as "Title / Source" lines,
    the last paragraph ending with the end mark 🔷
    [This piece was first published in PMP Magazine. | The author writes in a personal capacity.]
    Creative Commons License
    (Cover: credit. - caption. / Licensed under a Creative Commons … License.)
    >>> Please think about the environment before printing this article.
    Tags: Russia, Italy, coronavirus                (optional)

Every piece of furniture goes to the front matter; what is left is the body, paragraphs and headings, with
``[[related id]]`` where each card stood.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..errors import UnknownLicence
from ..language.detection import detect
from ..sources.licences import resolve_licence
from ..names import first_free
from . import Draft
from .when import parse_when

FIRST_PUBLISHED = re.compile(r"(?i)^first published (?P<rest>.{3,200}?)\.?$")
NOTE = re.compile(r"^\[(?P<text>[^\[\]]{10,1000})\]$")
PUBLISHED_IN = re.compile(r"(?i)first published (?:in|by|on) (?P<publication>[^.|]{2,100}?)(?:\.|$| on | in \d)")
BYLINE = re.compile(r"^(?:By|Par|Von|Por|Di|Автор[ы]?:?) (?P<names>[^.!?]{2,150})$")
RELATED = re.compile(r"^(?P<title>[^\n]{8,250}?) / (?P<source>[^\n/.!?:;]{2,60})$")
BADGE = re.compile(r"(?i)^creative commons licen[cs]e$")
COVER = re.compile(r"^\((?:Cover|Photo|Image): (?P<credit>[^\n]+?)\.? - (?P<caption>[^\n]+?)"
                   r"(?: / (?P<licence>[^\n]+?))?\)$")
LICENSED = re.compile(r"(?i)licen[cs]ed under (?:a |the )?(?P<name>creative commons [^\n]+?|cc[ -][^\n]+?)"
                      r"(?: licen[cs]e)?\.?$")
PRINT_NOTE = re.compile(r"^>{2,3}\s*(?P<note>.{10,300})$")
# a page's reading-time line ("Reading time: 2 minutes", "4 min read", "Temps de lecture : 3 min"): the site's,
# not the article's (an edition is read at the reader's pace)
READING_TIME = re.compile(r"(?i)^(?:(?:estimated )?reading time|read time|temps de lecture|lesezeit|tiempo de lectura|"
                          r"tempo di lettura|tempo de leitura|время чтения)\s*:?\s*(?:about |~|ca\.? )?\d{1,3}\s*"
                          r"(?:min(?:ute)?s?|mn|minuten|minutos|minuti|мин(?:ут[аы]?)?)\.?$|"
                          r"^\d{1,3}\s*(?:-| )?min(?:ute)?s?\.? read$")
TAGS = re.compile(r"(?i)^(?:tags|topics|keywords|mots-clés|schlagwörter|etiquetas|tag|теги|метки):\s*(?P<tags>.{1,500})$")
SENTENCE_END = tuple(".,;:")
MAX_HEADING = 120  # characters: a longer line is a paragraph
MARKDOWN_START = re.compile(r"^(?=[#>*+=|-]|\d+[.)]\s|\[\[)")  # what Markdown would read as markup at a line start


def draft_from_text(text: str, source: str) -> Draft:
    """The article in a scraped text (see the module's docstring)."""
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        raise ValueError("the file holds no text")
    title, paragraphs = take_title(paragraphs)
    furniture = Furniture()
    body = [block for paragraph in paragraphs for block in furniture.read(paragraph)]
    body = furniture.take_end_mark(body)
    markdown = "\n\n".join(body_blocks(body, furniture))
    fields = furniture.fields(title, detect(title, markdown))
    return Draft(source=source, fields=fields, body=markdown)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines, each stripped, empty ones dropped."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [paragraph.strip() for paragraph in re.split(r"\n[ \t]*\n", text) if paragraph.strip()]


def take_title(paragraphs: list[str]) -> tuple[str, list[str]]:
    """The first line is the title; the rest of its paragraph, if any, goes back to the text."""
    first, _, rest = paragraphs[0].partition("\n")
    return " ".join(first.split()), ([rest.strip()] if rest.strip() else []) + paragraphs[1:]


class Furniture:
    """What a page says about its article, gathered while the paragraphs are read."""

    def __init__(self) -> None:
        self.authors: list[str] = []
        self.first_published: dict[str, str] = {}
        self.note = ""
        self.badge = False
        self.licence = ""
        self.cover: dict[str, str] = {}
        self.related: list[dict[str, str]] = []
        self.end_mark = ""
        self.print_note = ""
        self.tags: list[str] = []
        self.seen_text = False

    def read(self, paragraph: str) -> list[str]:
        """The paragraph's blocks for the body (none when it was furniture)."""
        flat = " ".join(paragraph.split())
        if not self.seen_text and self.byline(flat) or self.published(flat) or self.noted(flat):
            return []
        if READING_TIME.match(flat):
            return []
        card = RELATED.match(flat) if "\n" not in paragraph else None
        if card and looks_like_a_source(card.group("source")):
            self.related.append({"id": related_id(card.group("source"), self.related),
                                 "title": card.group("title").strip(), "source": card.group("source").strip()})
            return [f"[[related {self.related[-1]['id']}]]"]
        kept = [line for line in paragraph.split("\n") if not self.furniture_line(line.strip())]
        if not kept:
            return []
        self.seen_text = True
        return [" ".join(" ".join(kept).split())]

    def byline(self, flat: str) -> bool:
        match = BYLINE.match(flat)
        if match:
            self.authors = [name.strip() for name in re.split(r",\s*|\s+(?:and|et|und|y|e|и)\s+", match["names"])
                            if name.strip()]
        return bool(match)

    def published(self, flat: str) -> bool:
        """'First published in April 2020.' (a date, a publication, or both, in either order)."""
        match = FIRST_PUBLISHED.match(flat)
        if not match:
            return False
        for part in re.split(r"^(?:in|on|by) |\s+(?:in|on|by)\s+", match["rest"]):
            part = part.strip(" .")
            when = parse_when(part)
            if when:
                self.first_published["date"] = when
            elif part:
                self.first_published["publication"] = part
        return bool(self.first_published)

    def noted(self, flat: str) -> bool:
        """'[This piece was first published in X. | The author writes in a personal capacity.]'"""
        match = NOTE.match(flat)
        if not match or "|" not in match["text"] and "first published" not in match["text"].lower():
            return False
        self.note = " ".join(part.strip() for part in match["text"].split("|") if part.strip())
        publication = PUBLISHED_IN.search(self.note)
        if publication and "publication" not in self.first_published:
            self.first_published["publication"] = publication["publication"].strip()
        return True

    def furniture_line(self, line: str) -> bool:
        """A line that belongs to the front matter: the licence badge, the cover credit, the print note."""
        if BADGE.match(line):
            self.badge = True
            return True
        cover = COVER.match(line)
        if cover:
            self.cover = {"caption": cover["caption"].strip(), "credit": cover["credit"].strip()}
            licence = licence_id(cover["licence"] or "")
            if licence:
                self.cover["licence"] = licence
            return True
        licensed = LICENSED.search(line)
        if licensed and len(line) < 200 and licence_id(line):
            self.licence = licence_id(line)
            return True
        note = PRINT_NOTE.match(line)
        if note:
            self.print_note = note["note"].strip()
            return True
        tags = TAGS.match(line)
        if tags:
            self.tags = [tag.strip() for tag in re.split(r"[,;·|]", tags["tags"]) if tag.strip()]
            return True
        return False

    def take_end_mark(self, body: list[str]) -> list[str]:
        """Lift a closing symbol (🔷, ■, ∎) off the last paragraph of text."""
        for index in range(len(body) - 1, -1, -1):
            if body[index].startswith("[[related"):
                continue
            text = body[index]
            mark = re.search(r"(?:[^\w\s.,;:!?…'\"’”»)\]](?:\ufe0f)?)$", text)
            if mark and unicodedata.category(mark.group(0)[0]) == "So":
                self.end_mark = mark.group(0)
                body[index] = text[:mark.start()].rstrip()
            break
        return body

    def fields(self, title: str, detected) -> dict[str, Any]:
        """The front matter, in the order an editor reads it."""
        fields: dict[str, Any] = {"title": title, "authors": self.authors}
        if detected:
            fields["lang"] = detected.tag
        if self.first_published.get("date"):
            fields["date"] = self.first_published["date"]
        if self.first_published.get("publication"):
            fields["publication"] = self.first_published["publication"]
        if self.first_published:
            fields["first_published"] = dict(self.first_published)
        if self.note:
            fields["note"] = self.note
        licence = self.licence or (self.cover.get("licence", "") if self.badge else "")
        if licence:
            fields["licence"] = licence  # the badge names no licence: the one the page names is the page's
        if self.cover:
            fields["cover"] = self.cover
        if self.related:
            fields["related"] = self.related
        if self.end_mark:
            fields["end_mark"] = self.end_mark
        if self.print_note:
            fields["print_note"] = self.print_note
        if self.tags:
            fields["tags"] = self.tags
        return fields


def body_blocks(blocks: list[str], furniture: Furniture) -> list[str]:
    """Paragraphs as Markdown: a short line of its own that does not end a sentence is a heading."""
    out = []
    for index, block in enumerate(blocks):
        if block.startswith("[[related"):
            out.append(block)
        elif is_heading(block, following=blocks[index + 1:]):
            out.append(f"## {block}")
        else:
            out.append(MARKDOWN_START.sub("\\\\", block))
    return out


def is_heading(block: str, following: list[str]) -> bool:
    """A line of at most MAX_HEADING characters and 15 words, starting with a capital, not ending a
    sentence with . , ; or :, with text after it."""
    words = block.split()
    return (len(block) <= MAX_HEADING and len(words) <= 15 and block[:1].isupper()
            and not block.endswith(SENTENCE_END) and not block.endswith(("”", "»", "\"", "…"))
            and any(not later.startswith("[[related") for later in following))


def looks_like_a_source(source: str) -> bool:
    """'BBC News', 'CNBC', 'The Guardian': a few words, each starting with a capital or a digit."""
    words = source.split()
    return 0 < len(words) <= 6 and all(word[:1].isupper() or word[:1].isdigit() or word in ("of", "the", "and")
                                       for word in words)


def related_id(source: str, taken: list[dict[str, str]]) -> str:
    """'BBC News' → bbc; a second card from the same source → bbc-2."""
    base = re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", source.split()[0]).lower()) or "related"
    return first_free(base, {card["id"] for card in taken})


def licence_id(text: str) -> str:
    """The catalogue id of the licence a sentence names ('Licensed under a Creative Commons
    Attribution-ShareAlike 4.0 International License.'), or ''."""
    match = LICENSED.search(text.strip())
    name = match["name"] if match else text.strip()
    for candidate in (name, re.sub(r"(?i)\s+licen[cs]e$", "", name)):
        try:
            return resolve_licence(candidate).id
        except UnknownLicence:
            continue
    return ""
