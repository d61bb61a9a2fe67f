"""The PDF of a whole issue: the issue's cover, its contents with page numbers, each article as the PDF
edition lays it out (footnotes at the foot of their page, its credits), and the issue's credits.

Each article is laid out on its own, its folios starting where the one before ended (``@page :first {
counter-reset: page N }``: WeasyPrint's ``pages`` total cannot be set, so folios read "12", not "12 of
40"); the contents, laid out first with placeholder numbers to know how many pages it takes, is laid out
again with the real ones, and every page is written as one PDF, with the issue's metadata and XMP
(``prism:issn``, volume, number).
"""

from __future__ import annotations

from html import escape

import weasyprint
from lxml import etree

from ..issue import Issue
from ..model import Asset, RenderedArticle
from ..options import PdfOptions
from ..resources import styles_dir
from ..stamp import edition_time
from . import pdf
from ..pages import byline, human_date
from .issue_front import issue_article, issue_cover, issue_credits_html, issue_line
from .pdf_engine import engine, engine_warnings_as_ours, font_time

ISSUE_LAYER = pdf.Layer(stylesheets=("issue.css",))
PLACEHOLDER_PAGE = 999  # as wide as any real page number, so the contents keeps its length
XMP_PRISM = """<rdf:Description rdf:about="" xmlns:prism="http://prismstandard.org/namespaces/basic/3.0/">
<prism:publicationName>{publication}</prism:publicationName>{issn}{volume}{number}
</rdf:Description>"""


def render(issue: Issue, articles: list[RenderedArticle], options: PdfOptions = PdfOptions()) -> bytes:
    """The issue's PDF as bytes."""
    front = issue_article(issue, articles)
    with engine_warnings_as_ours(str(issue.file)), font_time(edition_time(front)):
        cover = issue_cover(issue, front)
        front_pages = len(lay_out_front(issue, articles, cover, options, None).pages)
        starts, documents = [], []
        for rendered in articles:
            starts.append(front_pages + 1 + sum(len(document.pages) for document in documents))
            documents.append(pdf.lay_out_notes_on_their_pages(rendered, options, starting_at(starts[-1]))[0])
        credits_start = front_pages + 1 + sum(len(document.pages) for document in documents)
        credits = lay_out_credits(issue, articles, front, options, credits_start)
        contents = lay_out_front(issue, articles, cover, options, [*starts, credits_start])
        pages = [page for document in (contents, *documents, credits) for page in document.pages]
        whole = contents.copy(pages)
        add_issue_xmp(whole.metadata, issue, front)
        return whole.write_pdf(finisher=pdf.finisher(options, ISSUE_LAYER), custom_metadata=True,
                               pdf_identifier=front.source_hash[:32].encode())


def starting_at(page: int) -> pdf.Layer:
    """The issue's layer, its folios starting at ``page``."""
    return pdf.Layer(stylesheets=ISSUE_LAYER.stylesheets, css=f"@page :first {{ counter-reset: page {page}; }}")


def lay_out_front(issue: Issue, articles: list[RenderedArticle], cover: Asset, options: PdfOptions,
                  starts: list[int] | None):
    """The cover and the contents (page numbers, or placeholders of the same width while unknown)."""
    front = issue_article(issue, articles)
    numbers = starts or [PLACEHOLDER_PAGE] * (len(articles) + 1)
    entries = "".join(contents_entry(r.article.title, byline(r.article), page) for r, page in zip(articles, numbers))
    entries += contents_entry("Credits and licence", "", numbers[-1])
    line = " · ".join(filter(None, [front.publication, issue_line(issue), human_date(issue.date) if issue.date else ""]))
    body = (f'<section class="issue-cover"><img src="{cover.name}" alt="{escape(cover.alt)}"/></section>'
            f'<section class="issue-contents">{pdf.running_head(front)}<h1>{escape(issue.title)}</h1>'
            f'<p class="issue-line">{escape(line)}</p><h2>Contents</h2><ol>{entries}</ol></section>')
    return lay_out_page(front, body, options, [cover], page=1)


def contents_entry(title: str, byline: str, page: int) -> str:
    """One line of the contents."""
    by = f'<span class="entry-byline">{escape(byline)}</span>' if byline else ""
    return (f'<li><span class="entry"><span class="entry-title">{escape(title)}</span>{by}</span>'
            f'<span class="entry-page">{page}</span></li>')


def lay_out_credits(issue: Issue, articles: list[RenderedArticle], front, options: PdfOptions, page: int):
    """The issue's credits and licence, starting on ``page``."""
    body = f'<section class="credits issue-credits">{pdf.running_head(front)}{issue_credits_html(issue, articles)}</section>'
    return lay_out_page(front, body, options, [], page=page)


def lay_out_page(front, body: str, options: PdfOptions, assets: list[Asset], *, page: int):
    """Our own markup laid out with the print stylesheets and the issue's, folios from ``page``."""
    rendered = RenderedArticle(article=front, body=etree.Element("div"), assets=tuple(assets))
    html = (f'<!DOCTYPE html><html lang="{escape(front.lang)}"><head><meta charset="utf-8"/>'
            f"{pdf.head_metadata(rendered)}</head><body>{body}</body></html>")
    document = weasyprint.HTML(string=html, base_url=front.root.as_uri() + "/",
                               url_fetcher=pdf.document_fetcher(rendered, None))
    shared = engine(styles_dir())
    return document.render(font_config=shared.font_config, stylesheets=pdf.stylesheets(options, starting_at(page)),
                           custom_metadata=True)


def add_issue_xmp(metadata, issue: Issue, front) -> None:
    """The issue's rights and its PRISM identity (publication, ISSN, volume, number) in the XMP packet."""
    pdf.add_to_xmp(metadata, pdf.rights_xmp(front), prism_xmp(issue, front).encode())


def prism_xmp(issue: Issue, front) -> str:
    """The PRISM description of the issue."""
    def element(name: str, value) -> str:
        return f"\n<prism:{name}>{escape(str(value))}</prism:{name}>" if value else ""

    return XMP_PRISM.format(publication=escape(front.publication), issn=element("issn", issue.issn),
                            volume=element("volume", issue.volume), number=element("number", issue.number))
