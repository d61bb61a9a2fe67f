"""The EPUB of a whole issue: the issue's cover and title page, contents, then each article as a chapter
(its title page with byline, its text with related reading and notes, its own credits), and the issue's
credits and licence; shelved by reading apps as one of a series (EPUB 3 collection and calibre's tags)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape

from ebooklib import epub

from ..core.accessibility import assess
from ..sources.issue import Issue
from ..model import Article, Asset, RenderedArticle
from ..options import EpubOptions
from .stamp import edition_time
from .epub import (add_accessibility_metadata, add_documents, add_house_style, add_images, add_stylesheets, new_book, package,
                   reproducible_zip)
from .epub_documents import Document, article_documents, cover_document, credits_document, title_document, xhtml
from .epub_nav import add_nav_document, landmarks_nav, ncx_id, nav_list, nest_headings
from .epub_sections import split_article
from .issue_front import issue_article, issue_cover, issue_credits_html
from ..language.words import words_for


@dataclass(frozen=True)
class Chapter:
    """One article of the issue in the book: its documents, and where its headings are."""

    rendered: RenderedArticle
    documents: list[Document]
    headings: tuple[tuple[int, str, str], ...]  # (level, file#id, text)

    @property
    def first_file(self) -> str:
        return self.documents[0].file_name


def render(issue: Issue, articles: list[RenderedArticle], options: EpubOptions = EpubOptions()) -> bytes:
    """The issue's EPUB as bytes, reproducible byte for byte."""
    front = issue_article(issue, articles)
    book = new_book(front)
    add_series(book, issue)
    add_stylesheets(book, options.embed_fonts)
    add_house_style(book, [front, *(rendered.article for rendered in articles)])
    cover = issue_cover(issue, front)
    add_images(book, unique_assets(articles), cover)
    chapters = [chapter(number, rendered) for number, rendered in enumerate(articles, start=1)]
    documents = [cover_document(front, cover), title_document(front),
                 *(document for part in chapters for document in part.documents),
                 issue_credits_document(issue, front, articles)]
    add_documents(book, documents)
    add_issue_navigation(book, front, chapters, documents)
    add_accessibility_metadata(book, assess_issue(articles, documents))
    return reproducible_zip(package(book, front), edition_time(front))


def add_series(book: epub.EpubBook, issue: Issue) -> None:
    """The series the issue belongs to, as EPUB 3 (belongs-to-collection) and calibre (series) say it (its ISSN
    is new_book's, from the issue's front article)."""
    series = issue.publication
    if series:
        book.add_metadata(None, "meta", series, {"property": "belongs-to-collection", "id": "series"})
        book.add_metadata(None, "meta", "series", {"refines": "#series", "property": "collection-type"})
        if issue.number:
            book.add_metadata(None, "meta", str(issue.number), {"refines": "#series", "property": "group-position"})
        book.add_metadata(None, "meta", "", {"name": "calibre:series", "content": series})
        if issue.number:
            book.add_metadata(None, "meta", "", {"name": "calibre:series_index", "content": str(issue.number)})


def unique_assets(articles: list[RenderedArticle]) -> tuple[Asset, ...]:
    """Every article's images, each once (their names are their hashes)."""
    found = {asset.name: asset for rendered in articles for asset in rendered.assets}
    return tuple(found.values())


def chapter(number: int, rendered: RenderedArticle) -> Chapter:
    """One article's documents (title page, text, credits), their names prefixed with its number."""
    prefix = f"a{number:02}-"
    article = rendered.article
    sections, where = split_article(rendered, prefix=prefix)
    opening = title_document(article, file_name=f"{prefix}title.xhtml", landmark="")
    text = [replace(document, landmark="") for document in article_documents(article, sections, where)]
    credits = credits_document(article, cover_shown="none", file_name=f"{prefix}credits.xhtml", landmark="")
    headings = tuple((level, f"{where.get(anchor, sections[0].file_name)}#{anchor}", label)
                     for level, anchor, label in rendered.headings)
    documents = [replace(opening, title=article.title), *text, credits]
    if number == 1:
        documents[0] = replace(documents[0], landmark="bodymatter")
    return Chapter(rendered, documents, headings)


def issue_credits_document(issue: Issue, front: Article, articles: list[RenderedArticle]) -> Document:
    """The issue's credits and licence: the issue's own licence, then each article's, with its authors."""
    body = f'<section class="credits" epub:type="copyright-page">{issue_credits_html(issue, articles)}</section>'
    title = words_for(front.lang)("credits_title")
    return Document("issue-credits.xhtml", title, xhtml(front, title, body),
                    landmark="copyright-page")


def add_issue_navigation(book: epub.EpubBook, front: Article, chapters: list[Chapter],
                         documents: list[Document]) -> None:
    """Contents: each article (with its headings and its credits), then the issue's credits; landmarks; NCX."""
    words = words_for(front.lang)
    book.toc = [*(toc_entry(part) for part in chapters), epub.Link("issue-credits.xhtml", words("credits_title"),
                                                                     "toc-issue-credits")]
    book.add_item(epub.EpubNcx())
    items = "".join(f'<li><a href="{part.first_file}">{escape(part.rendered.article.title)}</a>'
                    f"{nav_list(part.headings)}</li>" for part in chapters)
    toc = (f'<nav epub:type="toc" id="toc" role="doc-toc"><h1>{words("contents")}</h1><ol>{items}'
           f'<li><a href="issue-credits.xhtml">{words("credits_title")}</a></li></ol></nav>')
    add_nav_document(book, xhtml(front, words("contents"), toc + landmarks_nav(documents, front.lang)))


def toc_entry(part: Chapter):
    """One article in ebooklib's TOC (for the NCX): its title, its headings nested under it."""

    children = nest_headings(part.headings)
    title = part.rendered.article.title
    return (epub.Section(title, part.first_file), children) if children else \
        epub.Link(part.first_file, title, ncx_id(part.first_file))


def assess_issue(articles: list[RenderedArticle], documents: list[Document]):
    """The accessibility report of the whole book: every document's images, every article's headings."""
    reports = [assess(rendered, []) for rendered in articles]
    whole = assess(articles[0], [document.content for document in documents])
    return replace(whole, headings_in_order=all(report.headings_in_order for report in reports),
                   has_lang=all(report.has_lang for report in reports))
