"""Split a long article into one XHTML file per section, keeping links and notes working across files."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from ..model import Note, RenderedArticle

SPLIT_AT_CHARACTERS = 40_000  # shorter articles stay in one file
FIRST_FILE = "article.xhtml"
OPS = "http://www.idpf.org/2007/ops"
EPUB_TYPE = f"{{{OPS}}}type"


@dataclass(frozen=True)
class Section:
    """One XHTML file's share of the article: leading text, blocks, and the notes first called there."""

    file_name: str
    text: str  # text before the first block (only in the first section)
    blocks: tuple  # lxml elements
    notes: tuple[Note, ...] = ()


def split_article(rendered: RenderedArticle, max_characters: int = SPLIT_AT_CHARACTERS,
                  prefix: str = "") -> tuple[list[Section], dict[str, str]]:
    """The article as sections (split before top-level <h2> when long) and a map of id → file name; the
    files' names start with ``prefix`` (an issue holds several articles)."""
    wrapper = rendered.body_copy()
    groups = group_blocks(wrapper, len(wrapper.text_content()) > max_characters)
    files = [prefix + FIRST_FILE] + [f"{prefix}article-{n}.xhtml" for n in range(2, len(groups) + 1)]
    where = {element.get("id"): name for name, blocks in zip(files, groups)
             for block in blocks for element in block.iter() if isinstance(element.tag, str) and element.get("id")}
    note_files = place_notes(files, groups, rendered, where)
    for blocks in groups:
        for block in blocks:
            point_links_at_files(block, where)
    sections = [Section(name, (wrapper.text or "") if index == 0 else "", tuple(blocks),
                        tuple(n for n in rendered.notes if note_files.get(n.number) == name))
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


def place_notes(files: list[str], groups: list[list[etree._Element]], rendered: RenderedArticle,
                where: dict[str, str]) -> dict[int, str]:
    """Each note goes in the file of its first call; note ids are recorded in ``where``."""
    numbers = rendered.note_calls
    note_files: dict[int, str] = {}
    for name, blocks in zip(files, groups):
        for block in blocks:
            for call in block.xpath('.//a[@class="noteref"]'):
                note_files.setdefault(numbers[call.get("id")], name)
    for note in rendered.notes:
        note_files.setdefault(note.number, files[-1])
        where[f"note-{note.number}"] = note_files[note.number]
    return note_files


def point_links_at_files(block: etree._Element, where: dict[str, str]) -> None:
    """In-page links (``#id``) become ``file#id`` so they work from any section."""
    for link in block.xpath(".//a[starts-with(@href, '#')]"):
        target = link.get("href")[1:]
        if target in where:
            link.set("href", f"{where[target]}#{target}")


def mark_note_calls(block: etree._Element) -> None:
    """Footnote calls marked ``noteref`` (``epub:type`` and ARIA role) for reading systems' pop-up notes.

    Call it once the block is in a document declaring the ``epub`` prefix, so that the prefix is used."""
    for call in block.xpath('.//a[@class="noteref"]'):
        rest = [(name, value) for name, value in call.attrib.items() if name != "class"]
        call.attrib.clear()  # rebuilt so that class, epub:type and role come first
        for name, value in [("class", "noteref"), (EPUB_TYPE, "noteref"), ("role", "doc-noteref"), *rest]:
            call.set(name, value)


def add_notes_section(parent: etree._Element, notes: tuple[Note, ...], where: dict[str, str], heading: str) -> None:
    """Footnotes as ``<aside epub:type="footnote">`` with a back link to the first call, at the end of
    ``parent`` (an element of a document declaring the ``epub`` prefix), under ``heading``."""
    if not notes:
        return
    section = etree.SubElement(parent, "section", {"class": "notes", EPUB_TYPE: "footnotes"})
    etree.SubElement(section, "h2").text = heading
    for note in notes:
        aside = etree.SubElement(section, "aside", {"class": "footnote", EPUB_TYPE: "footnote",
                                                    "role": "doc-footnote", "id": f"note-{note.number}"})
        number = etree.SubElement(aside, "p", {"class": "note-number"})
        back_link(number, note.number, where)
        content = copy.deepcopy(note.body)
        number.tail = content.text
        aside.extend(content)


def back_link(holder: etree._Element, number: int, where: dict[str, str]) -> None:
    """The note's number, linking back to its first call when the text calls it at all."""
    call = f"noteref-{number}"
    if call not in where:
        holder.text = f"{number}."
        return
    link = etree.SubElement(holder, "a", {"class": "backlink", "role": "doc-backlink", "href": f"{where[call]}#{call}"})
    link.text = f"{number}."
