"""Split a long article into one XHTML file per section, keeping links and notes working across files."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from lxml import etree, html as lxml_html

from ..model import Note

SPLIT_AT_CHARACTERS = 40_000  # shorter articles stay in one file
FIRST_FILE = "article.xhtml"


@dataclass(frozen=True)
class Section:
    """One XHTML file's share of the article: its body fragment, notes included."""

    file_name: str
    body: str


def split_article(body_html: str, notes: tuple[Note, ...],
                  max_characters: int = SPLIT_AT_CHARACTERS) -> tuple[list[Section], dict[str, str]]:
    """The article as sections (split before top-level <h2> when long) and a map of id → file name."""
    wrapper = lxml_html.fragment_fromstring(body_html or "<p></p>", create_parent="div")
    groups = group_blocks(wrapper, len(wrapper.text_content()) > max_characters)
    files = [FIRST_FILE] + [f"article-{n}.xhtml" for n in range(2, len(groups) + 1)]
    where = {element.get("id"): name for name, blocks in zip(files, groups)
             for block in blocks for element in block.iter() if isinstance(element.tag, str) and element.get("id")}
    note_files = place_notes(files, groups, notes, where)
    for blocks in groups:
        for block in blocks:
            point_links_at_files(block, where)
    sections = [Section(name, lead_text(wrapper) * (index == 0) + serialise(blocks)
                        + notes_section([n for n in notes if note_files.get(n.number) == name], where))
                for index, (name, blocks) in enumerate(zip(files, groups))]
    return sections, where


def group_blocks(wrapper: etree._Element, split: bool) -> list[list[etree._Element]]:
    """Top-level blocks grouped into sections: a new group at each top-level <h2> when splitting."""
    groups: list[list[etree._Element]] = [[]]
    for block in wrapper:
        if split and block.tag == "h2" and groups[-1]:
            groups.append([])
        groups[-1].append(block)
    return groups


def place_notes(files: list[str], groups: list[list[etree._Element]], notes: tuple[Note, ...],
                where: dict[str, str]) -> dict[int, str]:
    """Each note goes in the file of its first call; note ids are recorded in ``where``."""
    note_files: dict[int, str] = {}
    for name, blocks in zip(files, groups):
        for block in blocks:
            for call in block.xpath('.//a[@class="noteref"]'):
                number = int(call.get("href").rsplit("-", 1)[-1])
                note_files.setdefault(number, name)
    for note in notes:
        note_files.setdefault(note.number, files[-1])
        where[f"note-{note.number}"] = note_files[note.number]
    return note_files


def point_links_at_files(block: etree._Element, where: dict[str, str]) -> None:
    """In-page links (``#id``) become ``file#id`` so they work from any section."""
    for link in block.xpath(".//a[starts-with(@href, '#')]"):
        target = link.get("href")[1:]
        if target in where:
            link.set("href", f"{where[target]}#{target}")


def notes_section(notes: list[Note], where: dict[str, str]) -> str:
    """Footnotes as ``<aside epub:type="footnote">`` with a back link to the first call."""
    if not notes:
        return ""
    asides = [
        f'<aside class="footnote" epub:type="footnote" role="doc-footnote" id="note-{note.number}">'
        f'<p class="note-number">{back_link(note.number, where)}</p>{note.html}</aside>'
        for note in notes
    ]
    return f'<section class="notes" epub:type="footnotes"><h2>Notes</h2>{"".join(asides)}</section>'


def back_link(number: int, where: dict[str, str]) -> str:
    """The note's number, linking back to its first call when the text calls it at all."""
    call = f"noteref-{number}"
    if call not in where:
        return f"{number}."
    return f'<a class="backlink" role="doc-backlink" href="{where[call]}#{call}">{number}.</a>'


def lead_text(wrapper: etree._Element) -> str:
    """Text before the first block (rare, but it must not be lost)."""
    return escape(wrapper.text or "")


def serialise(blocks: list[etree._Element]) -> str:
    """Blocks as XHTML, footnote calls marked as ``noteref`` for reading systems' pop-up notes."""
    text = "".join(etree.tostring(block, encoding="unicode", method="xml") for block in blocks)
    return text.replace('<a class="noteref" ', '<a class="noteref" epub:type="noteref" role="doc-noteref" ')
