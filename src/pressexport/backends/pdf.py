"""PDF backend: the rendered article laid out by WeasyPrint with base.css + print.css."""

from __future__ import annotations

import logging
import re
import os
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from .. import __version__, pages
from ..atomic import write_atomic
from ..errors import InputError
from . import ecoprint
from ..fetcher import SandboxFetcher
from .print_body import misplaced_notes, notes_too_big_for_the_foot, print_body
from ..model import Asset, RenderedArticle
from ..options import PdfOptions
from ..stamp import edition_time
from ..resources import styles_dir

log = logging.getLogger(__name__)

PAGE_SIZES = {"a4": "A4", "letter": "letter", "a5": "A5"}
VARIANTS = ("pdf/ua-1", "pdf/a-3b")  # accessible (tagged) and archival (with the source attached)
STYLESHEETS = ("fonts.css", "base.css", "print.css")
NOTE_PASSES = 3  # layouts spent moving misplaced footnotes to the endnotes
XMP_RIGHTS = """<rdf:Description rdf:about="" xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"
 xmlns:cc="http://creativecommons.org/ns#" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pe="https://pressexport.org/ns/1.0/">
<xmpRights:Marked>{marked}</xmpRights:Marked>
<xmpRights:UsageTerms><rdf:Alt><rdf:li xml:lang="x-default">{rights}</rdf:li></rdf:Alt></xmpRights:UsageTerms>
{web_statement}<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{rights}</rdf:li></rdf:Alt></dc:rights>
{licence}<pe:sourceSHA256>{digest}</pe:sourceSHA256>
</rdf:Description>"""


def write(rendered: RenderedArticle, path: Path, options: PdfOptions = PdfOptions()) -> Path:
    """Render the PDF edition and write it atomically to ``path``."""
    return write_atomic(path, render(rendered, options))


def render(rendered: RenderedArticle, options: PdfOptions = PdfOptions(), *, eco_note: str | None = None) -> bytes:
    """The PDF edition as bytes. The eco edition's first page states what it saved, so without ``eco_note``
    it is made by ``ecoprint.editions`` (standard edition first, then eco with the measured note)."""
    check_options(options)
    if options.eco and eco_note is None:
        return ecoprint.editions(rendered, options).eco
    if options.eco:
        rendered = ecoprint.prepare(rendered, options)
    article = rendered.article
    with engine_warnings_as_ours(str(article.path)), fixed_font_timestamps(edition_time(article)):
        document, settings = lay_out_notes_on_their_pages(rendered, options, eco_note)
        finisher = None if options.variant else include_xmp
        return document.write_pdf(finisher=ecoprint.duplex(finisher) if options.eco else finisher, **settings)


def lay_out_notes_on_their_pages(rendered: RenderedArticle, options: PdfOptions, eco_note: str | None):
    """Lay out, then check every footnote sits on its call's page; the few that WeasyPrint moves (its known
    footnote bugs) become endnotes, with a warning, and the document is laid out again."""
    too_big = notes_too_big_for_the_foot(rendered.notes, options.page_size)
    endnotes = too_big
    document, settings = lay_out(rendered, options, eco_note, endnotes)
    for _ in range(NOTE_PASSES):
        misplaced = misplaced_notes(document) - endnotes
        if not misplaced:
            break
        endnotes |= misplaced
        document, settings = lay_out(rendered, options, eco_note, endnotes)
    for numbers, reason in ((too_big, "too long or complex for the foot of a page"),
                            (endnotes - too_big, "they could not be kept on the page of their call")):
        if numbers:
            log.warning("%s: note(s) %s printed as endnotes: %s", rendered.article.path,
                        ", ".join(map(str, sorted(numbers))), reason)
    return document, settings


def lay_out(rendered: RenderedArticle, options: PdfOptions, eco_note: str | None = None,
            endnotes: frozenset[int] = frozenset()):
    """The laid-out WeasyPrint document and the settings to write it with (pages can be inspected)."""
    article = rendered.article
    cover = None if options.eco else rendered.cover
    assets = {asset.name: asset for asset in (*rendered.assets, *([cover] if cover else []))}
    fetcher = SandboxFetcher(allowed=[article.root, styles_dir()], assets=assets, asset_base=article.root,
                             document=str(article.path))
    html = weasyprint.HTML(string=document_html(rendered, cover, endnotes),
                           base_url=article.root.as_uri() + "/", url_fetcher=fetcher)
    font_config = FontConfiguration()  # without one, WeasyPrint ignores the @font-face rules of fonts.css
    settings = {
        "stylesheets": stylesheets(fetcher, options, font_config)
        + ecoprint.stylesheets(fetcher, options, eco_note, font_config),
        "custom_metadata": True,
        "pdf_identifier": article.source_hash[:32].encode() or None,
        "pdf_variant": options.variant.value if options.variant else None,
        "pdf_tags": options.variant is not None,
        "attachments": [source_attachment(article)] if options.variant == "pdf/a-3b" else None,
    }
    document = html.render(font_config=font_config, **settings)
    add_rights_to_xmp(document.metadata, article)
    return document, settings


def check_options(options: PdfOptions) -> None:
    """Refuse a page size or variant the backend does not know."""
    ecoprint.check_options(options)


def stylesheets(fetcher: SandboxFetcher, options: PdfOptions, font_config: FontConfiguration) -> list[weasyprint.CSS]:
    """fonts.css, base.css and print.css from the styles folder, then the page size."""
    folder = styles_dir()
    sheets = [weasyprint.CSS(filename=folder / name, url_fetcher=fetcher, font_config=font_config)
              for name in STYLESHEETS]
    sheets.append(weasyprint.CSS(string=f"@page {{ size: {options.page_size.css}; }}"))
    return sheets


def include_xmp(document, pdf) -> None:
    """Write the XMP metadata stream for plain PDFs too (WeasyPrint adds it only for PDF/A and PDF/UA)."""
    document.metadata.include_in_pdf(pdf, None, None, None, compress=True)


def add_rights_to_xmp(metadata, article) -> None:
    """Put the rights description inside WeasyPrint's own rdf:RDF, so the XMP packet has exactly one."""
    generate = metadata.generate_rdf_metadata

    def with_rights(*args, **kwargs) -> bytes:
        rdf = generate(*args, **kwargs)
        closing = rdf.rfind(b"</rdf:RDF>")
        return rdf[:closing] + rights_xmp(article) + rdf[closing:]

    metadata.generate_rdf_metadata = with_rights


def rights_xmp(article) -> bytes:
    """XMP rights block: xmpRights and cc:license from the licence, plus the source's hash."""
    licence = article.licence
    url = licence.url if licence else None
    return XMP_RIGHTS.format(
        marked="False" if licence is None else "True",  # a licence, even "all rights reserved", marks rights
        rights=escape(licence.rights_statement if licence else "All rights reserved."),
        web_statement=f"<xmpRights:WebStatement>{escape(url)}</xmpRights:WebStatement>\n" if url else "",
        licence=f'<cc:license rdf:resource="{escape(url)}"/>\n' if url else "",
        digest=article.source_hash,
    ).encode()


def source_attachment(article) -> weasyprint.Attachment:
    """The article's own Markdown, embedded so that an archived PDF carries its source."""
    return weasyprint.Attachment(string=article.source_bytes, name=article.path.name,
                                 description="Markdown source of this edition", relationship="Source",
                                 created=edition_time(article), modified=edition_time(article))


def document_html(rendered: RenderedArticle, cover: Asset | None, endnotes: frozenset[int] = frozenset()) -> str:
    """The whole printed document: title block, body with footnotes, credits page, print note."""
    article = rendered.article
    return "\n".join([
        f'<!DOCTYPE html><html lang="{escape(article.lang)}"><head><meta charset="utf-8"/>',
        head_metadata(rendered),
        "</head><body>",
        running_head(article),
        pages.title_block(article, cover.name if cover else None),
        f'<main class="article-body">{print_body(rendered.body_html, rendered.notes, endnotes)}</main>',
        pages.credits_page(article, cover_shown="photo" if cover else "none"),
        pages.print_note(article),
        "</body></html>",
    ])


def running_head(article) -> str:
    """An empty marker carrying 'Publication / Title' for the running head (CSS string-set)."""
    text = " / ".join(filter(None, [pages.publication_of(article), article.title]))
    return f'<div class="running-head" data-running-head="{escape(text)}"></div>'


def head_metadata(rendered: RenderedArticle) -> str:
    """<title> and <meta> elements that WeasyPrint turns into the PDF's document information."""
    article = rendered.article
    licence = article.licence
    keywords = list(article.tags) + ([licence.short] if licence else [])
    meta = [("generator", f"pressexport {__version__}"), ("dcterms.created", edition_time(article).isoformat()),
            ("keywords", ", ".join(k.replace(",", " ") for k in keywords))]
    meta += [("author", name) for name in article.authors]
    meta.append(("description", article.description or (licence.rights_statement if licence else "")))
    if licence is not None:
        meta += [("rights", licence.rights_statement), ("license", licence.url or licence.name)]
    meta.append(("source-sha256", article.source_hash))
    tags = [f'<meta name="{escape(name)}" content="{escape(value)}"/>' for name, value in meta if value]
    return f"<title>{escape(article.title)}</title>" + "".join(tags)


@contextmanager
def fixed_font_timestamps(when):
    """fontTools stamps subset fonts with the clock unless SOURCE_DATE_EPOCH is set: set it for the render."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(when.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


@contextmanager
def engine_warnings_as_ours(document: str):
    """Re-log WeasyPrint's warnings and errors (skipped images, missing glyphs) as our own warnings:
    each distinct message once, and all missing glyphs in one line."""
    handler = _Relay(document)
    engine_log = logging.getLogger("weasyprint")
    engine_log.addHandler(handler)
    previous = engine_log.propagate
    engine_log.propagate = False
    try:
        yield
    finally:
        engine_log.removeHandler(handler)
        engine_log.propagate = previous
        handler.report_missing_glyphs()


class _Relay(logging.Handler):
    MISSING_GLYPH = re.compile(r'unsupported by fonts: "(.*)" \(U\+[0-9A-F]+\)', re.DOTALL)

    def __init__(self, document: str):
        super().__init__(level=logging.WARNING)
        self.document = document
        self.seen: set[str] = set()
        self.missing: dict[str, None] = {}

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        glyph = self.MISSING_GLYPH.search(message)
        if glyph:
            self.missing.update(dict.fromkeys(glyph.group(1)))
        elif message not in self.seen:
            self.seen.add(message)
            log.warning("%s: PDF engine: %s", self.document, message)

    def report_missing_glyphs(self) -> None:
        """One line for every character the shipped fonts cannot draw."""
        if self.missing:
            shown = " ".join(f"{c} (U+{ord(c):04X})" for c in list(self.missing)[:20])
            more = f" and {len(self.missing) - 20} more" if len(self.missing) > 20 else ""
            log.warning("%s: the shipped fonts have no glyph for %s%s; they print as boxes",
                        self.document, shown, more)
