"""EPUB backend: an EPUB 3 package (with NCX fallback) built with ebooklib, reproducible byte for byte."""

from __future__ import annotations

import io
import logging
import re
import uuid
import zipfile
from dataclasses import replace
from pathlib import Path

from ebooklib import epub

from ..images import GENERATED_COVER, generate_cover
from ..language.words import words_for
from ..core.pages import byline, publication_of, rights_statement
from ..core.accessibility import CONFORMANCE, AccessibilityReport, assess
from ..safety.atomic import write_atomic
from ..errors import InputError
from ..model import Asset, Article, RenderedArticle
from ..options import EpubOptions
from ..resources import fonts_dir, styles_dir
from .stamp import edition_time
from .epub_documents import (STYLESHEETS, Document, article_documents, cover_document, credits_document,
                             fonts_licence_document, house_href, title_document)
from .epub_nav import add_navigation
from .epub_sections import split_article

log = logging.getLogger(__name__)

FONTS_CSS = "epub-fonts.css"
# The faces an EPUB with --embed-fonts carries (text, headings, code): their @font-face rules come from
# fonts.css; the PDF's other faces (light, symbols, emoji) would only make the book heavier.
EMBEDDED_FACES = ("NotoSerif-Regular.ttf", "NotoSerif-Italic.ttf", "NotoSerif-Bold.ttf", "NotoSerif-BoldItalic.ttf",
                  "NotoSans-Bold.ttf", "NotoSansMono-Regular.ttf")
FONT_FACE = re.compile(r"@font-face \{[^}]*url\(fonts/([\w.-]+\.ttf)\)[^}]*\}")
MATHML_ROOT = '<math xmlns="http://www.w3.org/1998/Math/MathML"'  # as lxml writes the core's MathML
ID_NAMESPACE = uuid.UUID("6f1c3d0e-7a51-4d1f-9a55-0d8b7c3e2a10")  # pressexport's namespace for uuid5 ids
def write(rendered: RenderedArticle, path: Path, options: EpubOptions = EpubOptions()) -> Path:
    """Render the EPUB edition and write it atomically to ``path``."""
    return write_atomic(path, render(rendered, options))


def render(rendered: RenderedArticle, options: EpubOptions = EpubOptions()) -> bytes:
    """The EPUB edition as bytes: build the book, then write it as a reproducible zip."""
    article = rendered.article
    book = new_book(article)
    add_stylesheets(book, options.embed_fonts)
    add_house_style(book, [article])
    cover = cover_image(rendered)
    add_images(book, rendered.assets, cover)
    sections, where = split_article(rendered)
    documents = [
        cover_document(article, cover),
        title_document(article),
        *article_documents(article, sections, where),
        credits_document(article, cover_shown="photo" if cover.name != GENERATED_COVER else "generated"),
        *([fonts_licence_document(article)] if options.embed_fonts else []),
    ]
    add_documents(book, documents)
    add_navigation(book, rendered, documents, where)
    add_accessibility_metadata(book, assess(rendered, [document.content for document in documents]))
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
    if publication_of(article):
        book.add_metadata("DC", "publisher", publication_of(article))
    if article.issn:  # the serial's number, beside the book's own identifier
        book.add_metadata("DC", "identifier", f"urn:issn:{article.issn}", {"id": "issn"})
    if article.description:
        book.add_metadata("DC", "description", article.description)
    for tag in article.tags:
        book.add_metadata("DC", "subject", tag)
    if article.licence is not None:
        book.add_metadata("DC", "rights", rights_statement(article.licence, article.lang))
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
    """The shared base.css and the EPUB's own epub.css (with the embedded faces' rules and files)."""
    folder = styles_dir()
    for name in STYLESHEETS:
        content = (folder / name).read_bytes()
        if embed_fonts and name == "epub.css":
            content += b"\n" + embedded_fonts_css(folder)
        book.add_item(epub.EpubItem(uid=f"css-{name.split('.')[0]}", file_name=f"styles/{name}",
                                    media_type="text/css", content=content))
    if embed_fonts:
        for index, font in enumerate(EMBEDDED_FACES, start=1):
            book.add_item(epub.EpubItem(uid=f"font-{index}", file_name=f"styles/fonts/{font}",
                                        media_type="font/ttf", content=(folder / "fonts" / font).read_bytes()))


def add_house_style(book: epub.EpubBook, articles: list[Article]) -> None:
    """The publication's own stylesheets for the EPUB, with the fonts, images and licences they use, each
    once, under styles/house/ as they lie under the content root."""
    files = {house_href(article, path): path for article in articles
             for path in (*article.house.epub, *(article.house.files if article.house.epub else ()))}
    for index, (href, path) in enumerate(sorted(files.items()), start=1):
        book.add_item(epub.EpubItem(uid=f"house-{index}", file_name=href, media_type=media_type(path),
                                    content=path.read_bytes()))


HOUSE_MEDIA_TYPES = {".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff",
                     ".woff2": "font/woff2", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                     ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}


def media_type(path: Path) -> str:
    """The media type of a house file, by its suffix (a licence, or anything else: plain text)."""
    return HOUSE_MEDIA_TYPES.get(path.suffix.lower(), "text/plain")


def embedded_fonts_css(folder: Path) -> bytes:
    """fonts.css's @font-face rules for the embedded faces, then epub-fonts.css (which uses them)."""
    shared = (folder / "fonts.css").read_text(encoding="utf-8")
    faces = [rule.group(0) for rule in FONT_FACE.finditer(shared) if rule.group(1) in EMBEDDED_FACES]
    return ("\n".join(faces) + "\n").encode() + (folder / FONTS_CSS).read_bytes()


def cover_image(rendered: RenderedArticle) -> Asset:
    """The article's cover photo (normalised), or a typographic cover generated from the title."""
    article = rendered.article
    words = words_for(article.lang)
    if rendered.cover is not None:
        alt = rendered.cover.alt or words("cover_of", title=article.cover.caption or article.title)
        return replace(rendered.cover, alt=alt)
    data = generate_cover(article.title, publication=publication_of(article),
                          byline=byline(article), lang=article.lang, fonts_dir=fonts_dir())
    return Asset(GENERATED_COVER, "image/png", data, alt=words("cover_of", title=article.title))


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


def add_documents(book: epub.EpubBook, documents: list[Document]) -> None:
    """Add the XHTML documents to the manifest and, in order, to the spine."""
    items = []
    for document in documents:
        item = epub.EpubItem(uid=document.file_name.split(".")[0], file_name=document.file_name,
                             media_type="application/xhtml+xml", content=document.content.encode())
        if MATHML_ROOT in document.content:
            item.properties = ["mathml"]  # EPUB 3 requires the manifest to say which documents hold MathML
        book.add_item(item)
        items.append(item)
    book.spine = items


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
