"""The XHTML documents of the EPUB edition: cover, title page, the text, credits, the fonts' licence."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from html import escape

from lxml import etree

from ..core.pages import credits_page, title_block
from ..model import Asset, Article
from ..resources import styles_dir
from .epub_sections import EPUB_TYPE, Section, add_notes_section, mark_note_calls
from ..language.words import words_for

STYLESHEETS = ("base.css", "epub.css")
HOUSE_FOLDER = "styles/house"
XHTML = "http://www.w3.org/1999/xhtml"
PROLOG = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
XHTML_HEAD = ('<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
              'lang="{lang}" xml:lang="{lang}">\n<head>\n<meta charset="utf-8"/>\n<title>{title}</title>\n{links}'
              '</head>\n<body{body_type}>\n')
XHTML_TAIL = "\n</body>\n</html>\n"


@dataclass(frozen=True)
class Document:
    """One XHTML document of the book."""

    file_name: str
    title: str
    content: str  # full XHTML document
    landmark: str = ""  # epub:type for the landmarks nav (cover, titlepage, bodymatter, copyright-page)


def xhtml(article: Article, title: str, body: str, body_type: str = "") -> str:
    """A complete, well-formed XHTML document linking the book's stylesheets, from our own markup."""
    document = PROLOG + head(article, title, body_type) + body + XHTML_TAIL
    etree.fromstring(document.encode())  # raises if anything upstream produced malformed XHTML
    return document


def head(article: Article, title: str, body_type: str) -> str:
    """The document up to the opening of <body>."""
    hrefs = [f"styles/{name}" for name in STYLESHEETS] + [house_href(article, sheet) for sheet in article.house.epub]
    links = "".join(f'<link rel="stylesheet" type="text/css" href="{escape(href)}"/>\n' for href in hrefs)
    return XHTML_HEAD.format(lang=escape(article.lang), title=escape(title), links=links,
                             body_type=f' epub:type="{body_type}"' if body_type else "")


def house_href(article: Article, path: Path) -> str:
    """Where a file of the publication's house style lies in the book: under styles/house/ as it lies under
    the content root, so the stylesheets' relative url()s hold."""
    return f"{HOUSE_FOLDER}/{path.relative_to(article.root).as_posix()}"


def tree_document(article: Article, title: str, content: etree._Element, body_type: str = "") -> etree._Element:
    """An empty XHTML document (the book's head) whose <body> holds ``content``; returns the root."""
    root = etree.fromstring((head(article, title, body_type) + XHTML_TAIL).encode())
    body = root.find(f"{{{XHTML}}}body")
    body.text, content.tail = "\n", "\n"
    body.append(content)
    return root


def serialise_document(root: etree._Element) -> str:
    """A document tree as the book stores it: the prolog, then every element in the XHTML namespace."""
    for element in root.iter():
        if isinstance(element.tag, str) and not element.tag.startswith("{"):
            element.tag = f"{{{XHTML}}}{element.tag}"
    return PROLOG + etree.tostring(root, encoding="unicode") + "\n"


def cover_document(article: Article, cover: Asset) -> Document:
    """The cover page that reading apps show first."""
    body = (f'<section class="cover-page" epub:type="cover"><img src="{cover.name}" '
            f'alt="{escape(cover.alt)}"/></section>')
    title = words_for(article.lang)("cover")
    return Document("cover.xhtml", title, xhtml(article, title, body), landmark="cover")


def title_document(article: Article, file_name: str = "title.xhtml", landmark: str = "titlepage") -> Document:
    """The title page: publication, title, byline, first publication."""
    body = f'<section class="title-page" epub:type="titlepage">{title_block(article)}</section>'
    return Document(file_name, words_for(article.lang)("title_page"), xhtml(article, article.title, body),
                    landmark=landmark)


def article_documents(article: Article, sections: list[Section], where: dict[str, str]) -> list[Document]:
    """The article's text: one file, or one per section for long articles; the first opens with the title."""
    documents = []
    for index, section in enumerate(sections):
        title = article.title if index == 0 else f"{article.title} ({index + 1})"
        root = tree_document(article, title, etree.Element("section", {"class": "article-body"}), "bodymatter")
        fill_article_section(root[-1][-1], article, section, where, heading=index == 0)
        documents.append(Document(section.file_name, title, serialise_document(root),
                                  landmark="bodymatter" if index == 0 else ""))
    return documents


def fill_article_section(holder: etree._Element, article: Article, section: Section, where: dict[str, str], *,
                         heading: bool) -> None:
    """The chapter: the title (in the first file), the text's blocks, then the notes called in this file."""
    holder.set(EPUB_TYPE, "chapter")
    if heading:
        title = etree.SubElement(holder, "h1", {"class": "article-title"})
        title.text, title.tail = article.title, section.text or None
    else:
        holder.text = section.text or None
    holder.extend(section.blocks)
    for block in section.blocks:
        mark_note_calls(block)
    add_notes_section(holder, section.notes, where, words_for(article.lang)("notes"))


def credits_document(article: Article, *, cover_shown: str, file_name: str = "credits.xhtml",
                     landmark: str = "copyright-page") -> Document:
    """The credits and licence page, marked as the copyright page."""
    body = credits_page(article, cover_shown=cover_shown, heading_level=1, epub_type="copyright-page")
    title = words_for(article.lang)("credits_title")
    return Document(file_name, title, xhtml(article, title, body), landmark=landmark)


def fonts_licence_document(article: Article) -> Document:
    """The OFL licence of the embedded fonts, as a page of the book."""
    licence = (styles_dir() / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    title = words_for(article.lang)("font_licence")
    # The sentence and the licence are the licence's own words: English, and marked so.
    body = (f'<section class="fonts-licence" epub:type="appendix"><h1>{escape(title)}</h1>'
            f'<p xml:lang="en" lang="en">This book embeds Noto fonts, unmodified, under the SIL Open Font '
            f'License 1.1:</p><pre xml:lang="en" lang="en">{escape(licence)}</pre></section>')
    return Document("fonts-licence.xhtml", title, xhtml(article, title, body))


