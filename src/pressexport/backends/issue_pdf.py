"""The PDF of a whole issue: the issue's cover, its contents with page numbers, each article as the PDF
edition lays it out (footnotes at the foot of their page, its credits), and the issue's credits.

Each article is laid out on its own, its folios starting where the one before ended (``@page :first {
counter-reset: page N }``: WeasyPrint's ``pages`` total cannot be set, so folios read "12", not "12 of
40"); the contents, laid out first with placeholder numbers to know how many pages it takes, is laid out
again with the real ones, and every page is written as one PDF, with the issue's metadata and XMP
(``prism:issn``, volume, number).

An edition layered over the PDF (the eco edition) applies to every part; its cover setting decides whether
the issue's cover page and the articles' cover photos are printed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from html import escape

import weasyprint
from lxml import etree

from ..safety.fetcher import CONTENT_BASE
from ..sources.issue import Issue
from ..model import Article, Asset, RenderedArticle
from ..options import PdfOptions
from ..resources import styles_dir
from .stamp import edition_time
from . import pdf
from ..core.pages import byline, human_date
from ..language.words import words_for
from .issue_front import issue_article, issue_cover, issue_credits_html, issue_line
from .pdf_engine import engine, engine_warnings_as_ours, font_time

ISSUE_STYLESHEET = "issue.css"
PLACEHOLDER_PAGE = 999  # as wide as any real page number, so the contents keeps its length
XMP_PRISM = """<rdf:Description rdf:about="" xmlns:prism="http://prismstandard.org/namespaces/basic/3.0/">
<prism:publicationName>{publication}</prism:publicationName>{issn}{volume}{number}
</rdf:Description>"""


def render(issue: Issue, articles: list[RenderedArticle], options: PdfOptions = PdfOptions(),
           edition: pdf.Layer = pdf.STANDARD) -> bytes:
    """The issue's PDF as bytes, in the standard edition or one layered over it."""
    return IssueLayout(issue, articles, options, edition).write()


class IssueLayout:
    """Every part of an issue laid out, the contents last: what the eco edition's passes write again and
    again with a different note on the first page, without laying the articles out again."""

    def __init__(self, issue: Issue, articles: list[RenderedArticle], options: PdfOptions, edition: pdf.Layer):
        self.issue, self.articles, self.options, self.edition = issue, articles, options, edition
        self.front = issue_article(issue, articles)
        with self.engine_context():
            self.cover = issue_cover(issue, self.front) if edition.show_cover else None
            front_pages = len(self.lay_out_front(None, "").pages)
            self.starts, self.documents = [], []
            for rendered in articles:
                self.starts.append(self.next_page(front_pages))
                layer = self.layer(self.starts[-1])
                self.documents.append(pdf.lay_out_notes_on_their_pages(rendered, options, layer)[0])
            self.credits_start = self.next_page(front_pages)
            self.credits = self.lay_out_credits()

    @contextmanager
    def engine_context(self) -> Iterator[None]:
        """WeasyPrint's warnings as the issue file's (said once however often it lays out), its fonts dated
        as the issue."""
        with engine_warnings_as_ours(str(self.issue.file)), font_time(edition_time(self.front)):
            yield

    def next_page(self, front_pages: int) -> int:
        """The page after the front and every article laid out so far."""
        return front_pages + 1 + sum(len(document.pages) for document in self.documents)

    def layer(self, first_page: int, extra_css: str = "") -> pdf.Layer:
        """The edition's layer with the issue's stylesheet, folios starting at ``first_page``."""
        css = "\n".join(filter(None, [self.edition.css, f"@page :first {{ counter-reset: page {first_page}; }}",
                                      extra_css]))
        return replace(self.edition, stylesheets=(*self.edition.stylesheets, ISSUE_STYLESHEET), css=css)

    def write(self, front_css: str = "") -> bytes:
        """The whole issue as one PDF; ``front_css`` is laid over the contents' pages alone (a note)."""
        with self.engine_context():
            contents = self.lay_out_front([*self.starts, self.credits_start], front_css)
            pages = [page for document in (contents, *self.documents, self.credits) for page in document.pages]
            whole = contents.copy(pages)
            add_issue_xmp(whole.metadata, self.issue, self.front)
            return whole.write_pdf(finisher=pdf.finisher(self.options, self.edition), custom_metadata=True,
                                   pdf_identifier=self.front.source_hash[:32].encode())

    def lay_out_front(self, starts: list[int] | None, front_css: str):
        """The cover (unless the edition leaves it out) and the contents, with page numbers or placeholders of
        the same width while they are unknown."""
        numbers = starts or [PLACEHOLDER_PAGE] * (len(self.articles) + 1)
        entries = "".join(contents_entry(r.article.title, byline(r.article), page)
                          for r, page in zip(self.articles, numbers))
        issue, front = self.issue, self.front
        words = words_for(front.lang)
        entries += contents_entry(words("credits_title"), "", numbers[-1])
        line = " · ".join(filter(None, [front.publication, issue_line(issue, front.lang),
                                        human_date(issue.date, front.lang) if issue.date else ""]))
        cover = (f'<section class="issue-cover"><img src="{self.cover.name}" alt="{escape(self.cover.alt)}"/>'
                 "</section>" if self.cover else "")
        body = (f'{cover}<section class="issue-contents">{pdf.running_head(front)}<h1>{escape(issue.title)}</h1>'
                f'<p class="issue-line">{escape(line)}</p><h2>{words("contents")}</h2><ol>{entries}</ol></section>')
        return self.lay_out_page(body, [self.cover] if self.cover else [], self.layer(1, front_css))

    def lay_out_credits(self):
        """The issue's credits and licence, after the last article."""
        body = (f'<section class="credits issue-credits">{pdf.running_head(self.front)}'
                f"{issue_credits_html(self.issue, self.articles)}</section>")
        return self.lay_out_page(body, [], self.layer(self.credits_start))

    def lay_out_page(self, body: str, assets: list[Asset], layer: pdf.Layer):
        """Our own markup laid out with the print stylesheets and the layer's."""
        return lay_out_markup(self.front, body, self.options, assets, layer)


def lay_out_markup(front: Article, body: str, options: PdfOptions, assets: list[Asset], layer: pdf.Layer):
    """Markup of the issue's own pages laid out as a document of the issue."""
    rendered = RenderedArticle(article=front, body=etree.Element("div"), assets=tuple(assets))
    html = (f'<!DOCTYPE html><html lang="{escape(front.lang)}"><head><meta charset="utf-8"/>'
            f"{pdf.head_metadata(rendered)}</head><body>{body}</body></html>")
    document = weasyprint.HTML(string=html, base_url=CONTENT_BASE,
                               url_fetcher=pdf.document_fetcher(rendered, None))
    shared = engine(styles_dir())
    return document.render(font_config=shared.font_config, stylesheets=pdf.stylesheets(options, layer, front),
                           custom_metadata=True)


def contents_entry(title: str, byline: str, page: int) -> str:
    """One line of the contents."""
    by = f'<span class="entry-byline">{escape(byline)}</span>' if byline else ""
    return (f'<li><span class="entry"><span class="entry-title">{escape(title)}</span>{by}</span>'
            f'<span class="entry-page">{page}</span></li>')


def add_issue_xmp(metadata, issue: Issue, front) -> None:
    """The issue's rights and its PRISM identity (publication, ISSN, volume, number) in the XMP packet."""
    pdf.add_to_xmp(metadata, pdf.rights_xmp(front), prism_xmp(issue, front).encode())


def prism_xmp(issue: Issue, front) -> str:
    """The PRISM description of the issue."""
    def element(name: str, value) -> str:
        return f"\n<prism:{name}>{escape(str(value))}</prism:{name}>" if value else ""

    return XMP_PRISM.format(publication=escape(front.publication), issn=element("issn", issue.issn),
                            volume=element("volume", issue.volume), number=element("number", issue.number))
