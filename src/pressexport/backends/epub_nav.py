"""The EPUB's navigation: the EPUB 3 navigation document (contents and landmarks) and the EPUB 2 NCX."""

from __future__ import annotations

import hashlib
from html import escape

from ebooklib import epub

from ..model import Article, RenderedArticle
from .epub_documents import Document, xhtml
from .epub_sections import FIRST_FILE
from ..language.words import words_for


def add_navigation(book: epub.EpubBook, rendered: RenderedArticle, documents: list[Document],
                   where: dict[str, str]) -> None:
    """The EPUB 3 navigation document (TOC and landmarks) and the EPUB 2 NCX built from the same TOC."""
    article = rendered.article
    headings = tuple((level, f"{where.get(anchor, FIRST_FILE)}#{anchor}", text)
                     for level, anchor, text in rendered.headings)
    book.toc = toc_entries(article, headings)
    book.add_item(epub.EpubNcx())
    add_nav_document(book, nav_document(article, headings, documents))


def toc_entries(article: Article, headings: tuple[tuple[int, str, str], ...]) -> list:
    """ebooklib TOC (for the NCX): the article with its headings nested, then the credits.

    ``headings`` are (level, href, text), the href naming the file that holds the heading.
    """
    children = nest_headings(headings)
    article_link = epub.Link(FIRST_FILE, article.title, "toc-article")
    entry = (epub.Section(article.title, FIRST_FILE), children) if children else article_link
    return [entry, epub.Link("credits.xhtml", words_for(article.lang)("credits_title"), "toc-credits")]


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
    words = words_for(article.lang)
    toc = (f'<nav epub:type="toc" id="toc" role="doc-toc"><h1>{words("contents")}</h1><ol>'
           f'<li><a href="{FIRST_FILE}">{escape(article.title)}</a>{heading_list}</li>'
           f'<li><a href="credits.xhtml">{words("credits_title")}</a></li></ol></nav>')
    return xhtml(article, words("contents"), toc + landmarks_nav(documents, article.lang))


def landmarks_nav(documents: list[Document], lang: str) -> str:
    """The hidden landmarks list: each document that marks a landmark (cover, title page, body, credits)."""
    items = "".join(f'<li><a epub:type="{doc.landmark}" href="{doc.file_name}">{escape(doc.title)}</a></li>'
                    for doc in documents if doc.landmark)
    heading = escape(words_for(lang)("landmarks"))
    return f'<nav epub:type="landmarks" id="landmarks" hidden=""><h2>{heading}</h2><ol>{items}</ol></nav>'


def add_nav_document(book: epub.EpubBook, content: str) -> None:
    """The EPUB 3 navigation document, as the book's ``nav`` item."""
    nav = epub.EpubItem(uid="nav", file_name="nav.xhtml", media_type="application/xhtml+xml", content=content.encode())
    nav.properties = ["nav"]
    book.add_item(nav)


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
