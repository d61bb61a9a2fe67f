"""EPUB backend: an EPUB 3 package (with NCX fallback) built with ebooklib, reproducible byte for byte."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import uuid
import zipfile
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

from ebooklib import epub
from lxml import etree

from .. import images, pages
from ..accessibility import CONFORMANCE, AccessibilityReport, assess
from ..atomic import write_atomic
from ..errors import InputError
from ..model import Asset, Article, RenderedArticle
from ..options import EpubOptions
from ..stamp import edition_time
from .epub_sections import FIRST_FILE, Section, split_article
from ..resources import fonts_dir, styles_dir

log = logging.getLogger(__name__)

STYLESHEETS = ("base.css", "epub.css")
GENERATED_COVER = "images/generated-cover.png"
FONTS_CSS = "epub-fonts.css"
ID_NAMESPACE = uuid.UUID("6f1c3d0e-7a51-4d1f-9a55-0d8b7c3e2a10")  # pressexport's namespace for uuid5 ids
XHTML_HEAD = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
              '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
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


def write(rendered: RenderedArticle, path: Path, options: EpubOptions = EpubOptions()) -> Path:
    """Render the EPUB edition and write it atomically to ``path``."""
    return write_atomic(path, render(rendered, options))


def render(rendered: RenderedArticle, options: EpubOptions = EpubOptions()) -> bytes:
    """The EPUB edition as bytes: build the book, then write it as a reproducible zip."""
    article = rendered.article
    book = new_book(article)
    add_stylesheets(book, options.embed_fonts)
    cover = cover_image(rendered)
    add_images(book, rendered.assets, cover)
    sections, where = split_article(rendered.body_html, rendered.notes)
    documents = [
        cover_document(article, cover),
        title_document(article),
        *article_documents(article, sections),
        credits_document(article, cover_shown="photo" if cover.name != GENERATED_COVER else "generated"),
        *([fonts_licence_document(article)] if options.embed_fonts else []),
    ]
    add_documents(book, documents)
    add_navigation(book, rendered, documents, where)
    add_accessibility_metadata(book, assess(rendered))
    return reproducible_zip(package(book, article), edition_time(article))


def new_book(article: Article) -> epub.EpubBook:
    """An ebooklib book with the Dublin Core metadata set."""
    book = epub.EpubBook()
    book.set_identifier(f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, article.source_hash or article.title)}")
    book.set_title(article.title)
    book.set_language(article.lang)
    for index, name in enumerate(article.authors, start=1):
        book.add_author(name, uid=f"creator-{index}")
    if article.date:
        book.add_metadata("DC", "date", article.date)
    if pages.publication_of(article):
        book.add_metadata("DC", "publisher", pages.publication_of(article))
    if article.description:
        book.add_metadata("DC", "description", article.description)
    for tag in article.tags:
        book.add_metadata("DC", "subject", tag)
    if article.licence is not None:
        book.add_metadata("DC", "rights", article.licence.rights_statement)
        if article.licence.url:
            book.add_metadata(None, "meta", article.licence.url, {"property": "dcterms:license"})
    return book


def add_accessibility_metadata(book: epub.EpubBook, report: AccessibilityReport) -> None:
    """schema.org accessibility metadata, each claim backed by the report."""
    def meta(prop: str, value: str) -> None:
        book.add_metadata(None, "meta", value, {"property": prop})

    for mode in report.access_modes:
        meta("schema:accessMode", mode)
    for modes in report.access_modes_sufficient:
        meta("schema:accessModeSufficient", modes)
    for feature in report.features:
        meta("schema:accessibilityFeature", feature)
    meta("schema:accessibilityHazard", "none")
    meta("schema:accessibilitySummary", report.summary())
    if report.conforms:
        meta("dcterms:conformsTo", CONFORMANCE)


def add_stylesheets(book: epub.EpubBook, embed_fonts: bool) -> None:
    """The shared base.css and the EPUB's own epub.css (with epub-fonts.css and the fonts when embedding)."""
    folder = styles_dir()
    for name in STYLESHEETS:
        content = (folder / name).read_bytes()
        if embed_fonts and name == "epub.css":
            content += b"\n" + (folder / FONTS_CSS).read_bytes()
        book.add_item(epub.EpubItem(uid=f"css-{name.split('.')[0]}", file_name=f"styles/{name}",
                                    media_type="text/css", content=content))
    if embed_fonts:
        for index, font in enumerate(embedded_fonts(folder / FONTS_CSS), start=1):
            book.add_item(epub.EpubItem(uid=f"font-{index}", file_name=f"styles/fonts/{font}",
                                        media_type="font/ttf", content=(folder / "fonts" / font).read_bytes()))


def embedded_fonts(css: Path) -> list[str]:
    """The font files that epub-fonts.css declares, in order."""
    return list(dict.fromkeys(re.findall(r"url\(fonts/([\w.-]+\.ttf)\)", css.read_text(encoding="utf-8"))))


def fonts_licence_document(article: Article) -> Document:
    """The OFL licence of the embedded fonts, as a page of the book."""
    licence = (styles_dir() / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    body = (f'<section class="fonts-licence" epub:type="appendix"><h1>Font licence</h1>'
            f"<p>This book embeds Noto fonts, unmodified, under the SIL Open Font License 1.1:</p>"
            f'<pre xml:lang="en" lang="en">{escape(licence)}</pre></section>')
    return Document("fonts-licence.xhtml", "Font licence", xhtml(article, "Font licence", body))


def cover_image(rendered: RenderedArticle) -> Asset:
    """The article's cover photo (normalised), or a typographic cover generated from the title."""
    article = rendered.article
    if rendered.cover is not None:
        alt = rendered.cover.alt or f"Cover photo: {article.cover.caption}".strip(": ")
        return replace(rendered.cover, alt=alt)
    data = images.generate_cover(article.title, publication=pages.publication_of(article),
                                 byline=pages.byline(article), lang=article.lang, fonts_dir=fonts_dir())
    return Asset(GENERATED_COVER, "image/png", data, alt=f"Cover: {article.title}")


def add_images(book: epub.EpubBook, assets: tuple[Asset, ...], cover: Asset) -> None:
    """Every image the text uses, plus the cover image marked ``cover-image``."""
    cover_item = epub.EpubItem(uid="cover-image", file_name=cover.name, media_type=cover.media_type,
                               content=cover.data)
    cover_item.properties = ["cover-image"]
    book.add_item(cover_item)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    for index, asset in enumerate(assets, start=1):
        book.add_item(epub.EpubItem(uid=f"image-{index}", file_name=asset.name, media_type=asset.media_type,
                                    content=asset.data))


def xhtml(article: Article, title: str, body: str, body_type: str = "") -> str:
    """A complete, well-formed XHTML document linking the book's stylesheets."""
    links = "".join(f'<link rel="stylesheet" type="text/css" href="styles/{name}"/>\n' for name in STYLESHEETS)
    head = XHTML_HEAD.format(lang=escape(article.lang), title=escape(title), links=links,
                             body_type=f' epub:type="{body_type}"' if body_type else "")
    document = head + body + XHTML_TAIL
    etree.fromstring(document.encode())  # raises if anything upstream produced malformed XHTML
    return document


def cover_document(article: Article, cover: Asset) -> Document:
    """The cover page that reading apps show first."""
    body = (f'<section class="cover-page" epub:type="cover"><img src="{cover.name}" '
            f'alt="{escape(cover.alt)}"/></section>')
    return Document("cover.xhtml", "Cover", xhtml(article, "Cover", body), landmark="cover")


def title_document(article: Article) -> Document:
    """The title page: publication, title, byline, first publication."""
    body = f'<section class="title-page" epub:type="titlepage">{pages.title_block(article)}</section>'
    return Document("title.xhtml", "Title page", xhtml(article, article.title, body), landmark="titlepage")


def article_documents(article: Article, sections: list[Section]) -> list[Document]:
    """The article's text: one file, or one per section for long articles; the first opens with the title."""
    documents = []
    for index, section in enumerate(sections):
        heading = f'<h1 class="article-title">{escape(article.title)}</h1>' if index == 0 else ""
        body = f'<section class="article-body" epub:type="chapter">{heading}{section.body}</section>'
        title = article.title if index == 0 else f"{article.title} ({index + 1})"
        documents.append(Document(section.file_name, title, xhtml(article, title, body, body_type="bodymatter"),
                                  landmark="bodymatter" if index == 0 else ""))
    return documents


def credits_document(article: Article, *, cover_shown: str) -> Document:
    """The credits and licence page, marked as the copyright page."""
    body = pages.credits_page(article, cover_shown=cover_shown, heading_level=1)
    body = body.replace('<section class="credits" id="credits">',
                        '<section class="credits" id="credits" epub:type="copyright-page">', 1)
    return Document("credits.xhtml", "Credits and licence", xhtml(article, "Credits and licence", body),
                    landmark="copyright-page")


def add_documents(book: epub.EpubBook, documents: list[Document]) -> None:
    """Add the XHTML documents to the manifest and, in order, to the spine."""
    items = []
    for document in documents:
        item = epub.EpubItem(uid=document.file_name.split(".")[0], file_name=document.file_name,
                             media_type="application/xhtml+xml", content=document.content.encode())
        book.add_item(item)
        items.append(item)
    book.spine = items


def add_navigation(book: epub.EpubBook, rendered: RenderedArticle, documents: list[Document],
                   where: dict[str, str]) -> None:
    """The EPUB 3 navigation document (TOC and landmarks) and the EPUB 2 NCX built from the same TOC."""
    article = rendered.article
    headings = tuple((level, f"{where.get(anchor, FIRST_FILE)}#{anchor}", text)
                     for level, anchor, text in rendered.headings)
    book.toc = toc_entries(article, headings)
    book.add_item(epub.EpubNcx())
    nav = epub.EpubItem(uid="nav", file_name="nav.xhtml", media_type="application/xhtml+xml",
                        content=nav_document(article, headings, documents).encode())
    nav.properties = ["nav"]
    book.add_item(nav)


def toc_entries(article: Article, headings: tuple[tuple[int, str, str], ...]) -> list:
    """ebooklib TOC (for the NCX): the article with its headings nested, then the credits.

    ``headings`` are (level, href, text), the href naming the file that holds the heading.
    """
    children = nest_headings(headings)
    article_link = epub.Link(FIRST_FILE, article.title, "toc-article")
    entry = (epub.Section(article.title, FIRST_FILE), children) if children else article_link
    return [entry, epub.Link("credits.xhtml", "Credits and licence", "toc-credits")]


def nest_headings(headings: tuple[tuple[int, str, str], ...]) -> list:
    """Nest (level, id, text) headings into ebooklib's (Section, [children]) tuples."""
    root: list = []
    stack: list[tuple[int, list]] = [(1, root)]
    for level, href, text in headings:
        while len(stack) > 1 and stack[-1][0] >= level:
            stack.pop()
        children: list = []
        stack[-1][1].append((epub.Section(text, href), children))
        stack.append((level, children))
    return [strip_empty(entry) for entry in root]


def ncx_id(href: str) -> str:
    """An ASCII id for an NCX entry: EPUBCheck reads the NCX by XML 1.0 4th-edition name rules."""
    return "navpoint-" + hashlib.sha256(href.encode()).hexdigest()[:12]


def strip_empty(entry):
    """A (Section, []) without children becomes a plain Link, as ebooklib's NCX writer expects."""
    section, children = entry
    if not children:
        return epub.Link(section.href, section.title, ncx_id(section.href))
    return (section, [strip_empty(child) for child in children])


def nav_document(article: Article, headings: tuple[tuple[int, str, str], ...], documents: list[Document]) -> str:
    """The navigation document: a TOC mirroring the headings, and landmarks."""
    heading_list = nav_list(headings)
    toc = (f'<nav epub:type="toc" id="toc" role="doc-toc"><h1>Contents</h1><ol>'
           f'<li><a href="{FIRST_FILE}">{escape(article.title)}</a>{heading_list}</li>'
           f'<li><a href="credits.xhtml">Credits and licence</a></li></ol></nav>')
    landmark_items = "".join(
        f'<li><a epub:type="{doc.landmark}" href="{doc.file_name}">{escape(doc.title)}</a></li>'
        for doc in documents if doc.landmark)
    landmarks = f'<nav epub:type="landmarks" id="landmarks" hidden=""><h2>Landmarks</h2><ol>{landmark_items}</ol></nav>'
    return xhtml(article, "Contents", toc + landmarks)


def nav_list(headings: tuple[tuple[int, str, str], ...]) -> str:
    """Nested <ol> of headings; a deeper level opens a list, a shallower one closes lists."""
    if not headings:
        return ""
    parts, depth_stack = [], []
    for level, href, text in headings:
        if not depth_stack or level > depth_stack[-1]:
            parts.append("<ol>")
            depth_stack.append(level)
        else:
            parts.append("</li>")
            while len(depth_stack) > 1 and level < depth_stack[-1]:
                parts.append("</ol></li>")
                depth_stack.pop()
        parts.append(f'<li><a href="{href}">{escape(text)}</a>')
    parts.append("</li>" + "</ol></li>" * (len(depth_stack) - 1) + "</ol>")
    return "".join(parts)


def package(book: epub.EpubBook, article: Article) -> bytes:
    """ebooklib's zip, in memory; a write failure becomes an error instead of a False return."""
    buffer = io.BytesIO()
    writer = epub.EpubWriter(buffer, book, {"epub3_pages": False, "mtime": edition_time(article)})
    writer.process()
    try:
        writer.write()
    except Exception as exc:  # ebooklib raises assorted types from lxml and zipfile
        raise InputError(f"cannot package the EPUB: {exc}", where=article.path) from None
    return buffer.getvalue()


def reproducible_zip(data: bytes, when) -> bytes:
    """Rewrite the zip: ``mimetype`` first and stored, fixed entry times and attributes."""
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)  # 1980–2107: see stamp.py
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    ordered = ["mimetype"] + [name for name in names if name != "mimetype"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            target.writestr(info, source.read(name), compresslevel=9 if name != "mimetype" else None)
    return buffer.getvalue()
