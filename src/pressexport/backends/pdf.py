"""PDF backend: the rendered article laid out by WeasyPrint with base.css + print.css.

Other print editions (the eco edition) are layers over this backend: they pass a ``Layer`` to ``typeset``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

import pydyf
import weasyprint

from ..version import __version__
from ..sources.licences import ALL_RIGHTS_RESERVED
from ..core.pages import credits_page, print_note, publication_of, rights_statement, title_block
from ..safety.atomic import write_atomic
from ..safety.fetcher import CONTENT_BASE, SandboxFetcher
from ..model import Article, Asset, RenderedArticle
from ..options import LinkStyle, PdfOptions, PdfVariant
from ..resources import styles_dir
from .stamp import edition_time
from .pdf_engine import engine, engine_warnings_as_ours, font_time
from .print_body import END_OF_TEXT, misplaced_notes, notes_too_big_for_the_foot, print_body
from ..diagnostics import warn
from ..language.words import words_for

log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class Layer:
    """What an edition built on this backend adds to the standard one."""

    stylesheets: tuple[str, ...] = ()  # files of the styles folder, after print.css
    css: str = ""  # generated rules, last
    show_cover: bool = True
    duplex: bool = False  # ask print dialogs for duplex (long edge)
    # lay out again when the credits would fill a page alone (the eco edition sets its own run-on credits)
    credits_with_text: bool = True
    notes_at_end: bool = False  # every note after the text (the eco edition's, in its columns)


STANDARD = Layer()
# what keeps the credits off a page of their own, tried in turn (styles files, layered after the layer's)
RESCUES = (("credits-compact.css",), ("credits-compact.css", "text-end-carried.css"))


def write(rendered: RenderedArticle, path: Path, options: PdfOptions = PdfOptions()) -> Path:
    """Render the standard PDF edition and write it atomically to ``path``."""
    return write_atomic(path, render(rendered, options))


def render(rendered: RenderedArticle, options: PdfOptions = PdfOptions()) -> bytes:
    """The standard PDF edition as bytes (the eco edition is ``ecoprint.editions``)."""
    return typeset(rendered, options, STANDARD)


def typeset(rendered: RenderedArticle, options: PdfOptions, layer: Layer) -> bytes:
    """Lay the article out with the layer's additions and write the PDF."""
    article = rendered.article
    with engine_warnings_as_ours(str(article.path)), font_time(edition_time(article)):
        document, settings = lay_out_notes_on_their_pages(rendered, options, layer)
        return document.write_pdf(finisher=finisher(options, layer), **settings)


def finisher(options: PdfOptions, layer: Layer):
    """The finishing step: XMP for plain PDFs (variants write their own), duplex for layers that ask."""
    def finish(document, pdf) -> None:
        if options.variant is None:
            include_xmp(document, pdf)
        if layer.duplex:
            ask_for_duplex(pdf)

    return finish if options.variant is None or layer.duplex else None


def ask_for_duplex(pdf) -> None:
    """Viewer preferences that make print dialogs default to duplex, long edge."""
    preferences = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
    preferences["Duplex"] = "/DuplexFlipLongEdge"
    pdf.catalog["ViewerPreferences"] = preferences


def lay_out_notes_on_their_pages(rendered: RenderedArticle, options: PdfOptions, layer: Layer = STANDARD):
    """Lay out, then check every footnote sits on its call's page; the few that WeasyPrint moves (its known
    footnote bugs) become endnotes, with a warning, and the document is laid out again."""
    if layer.notes_at_end:
        every = frozenset(note.number for note in rendered.notes)
        document, settings = lay_out(rendered, options, layer, every)
        return credits_kept_with_the_text(document, settings, rendered, options, layer, every)
    too_big = notes_too_big_for_the_foot(rendered.notes, options.page_size)
    endnotes = too_big
    document, settings = lay_out(rendered, options, layer, endnotes)
    for _ in range(NOTE_PASSES):
        misplaced = misplaced_notes(document) - endnotes
        if not misplaced:
            break
        endnotes |= misplaced
        document, settings = lay_out(rendered, options, layer, endnotes)
    warn_about_endnotes(rendered, too_big, endnotes - too_big)
    return credits_kept_with_the_text(document, settings, rendered, options, layer, endnotes)


def credits_kept_with_the_text(document, settings, rendered: RenderedArticle, options: PdfOptions, layer: Layer,
                               endnotes: frozenset[int]):
    """When the credits run onto a page of their own after the text's last page, lay the document out again:
    with them set tighter (credits-compact.css), else also with the text's last block carried to the last
    page (text-end-carried.css); the first layout whose last page holds the end of the text, with no more
    pages and no note moved, is kept."""
    if not layer.credits_with_text or text_ends_on_last_page(document):
        return document, settings
    for extra in RESCUES:
        again = replace(layer, stylesheets=(*layer.stylesheets, *extra))
        candidate, candidate_settings = lay_out(rendered, options, again, endnotes)
        if (text_ends_on_last_page(candidate) and len(candidate.pages) <= len(document.pages)
                and not misplaced_notes(candidate) - endnotes):
            return candidate, candidate_settings
    return document, settings


def text_ends_on_last_page(document) -> bool:
    """Whether the end of the text (its marker, after the body) is on the document's last page."""
    return END_OF_TEXT in document.pages[-1].anchors


def warn_about_endnotes(rendered: RenderedArticle, too_big: frozenset[int], moved: frozenset[int]) -> None:
    """One warning per reason a footnote became an endnote."""
    for numbers, reason in ((too_big, "too long or complex for the foot of a page"),
                            (moved, "they could not be kept on the page of their call")):
        if numbers:
            warn("endnotes", rendered.article.path,
                 f"note(s) {', '.join(map(str, sorted(numbers)))} printed as endnotes: {reason}")


def lay_out(rendered: RenderedArticle, options: PdfOptions, layer: Layer = STANDARD,
            endnotes: frozenset[int] = frozenset()):
    """The laid-out WeasyPrint document and the settings to write it with (pages can be inspected)."""
    article = rendered.article
    cover = rendered.cover if layer.show_cover else None
    shared = engine(styles_dir())
    html = weasyprint.HTML(string=document_html(rendered, cover, endnotes, options.links, layer.notes_at_end),
                           base_url=CONTENT_BASE, url_fetcher=document_fetcher(rendered, cover))
    settings = {
        "stylesheets": stylesheets(options, layer, article),
        "custom_metadata": True,
        "pdf_identifier": article.source_hash[:32].encode() or None,
        "pdf_variant": options.variant.value if options.variant else None,
        "pdf_tags": options.variant is not None,
        "attachments": [source_attachment(article)] if options.variant is PdfVariant.a3b else None,
    }
    document = html.render(font_config=shared.font_config, **settings)
    add_rights_to_xmp(document.metadata, article)
    return document, settings


def document_fetcher(rendered: RenderedArticle, cover: Asset | None) -> SandboxFetcher:
    """The fetcher for one document: its assets in memory, files under the content root and the styles."""
    article = rendered.article
    assets = {asset.name: asset for asset in (*rendered.assets, *([cover] if cover else []))}
    return SandboxFetcher(allowed=[article.root, styles_dir()], assets=assets, asset_base=article.root,
                          document=str(article.path))


def stylesheets(options: PdfOptions, layer: Layer, article: Article) -> list[weasyprint.CSS]:
    """fonts.css, base.css and print.css (parsed once per process), the folios in the article's language, the
    grid of the paper size (page-a4.css: size, margins, type size), the publication's house style, then the
    layer's sheets (the eco edition's black and its columns win over the house's)."""
    shared = engine(styles_dir())
    sheets = [shared.stylesheet(name) for name in STYLESHEETS]
    sheets.append(shared.css_once(folio_css(words_for(article.lang).template("folio"))))
    sheets.append(shared.stylesheet(f"page-{options.page_size.value}.css"))  # the grid of that paper size
    sheets += [shared.house_sheet(path, article.root) for path in article.house.pdf]
    sheets += [shared.stylesheet(name) for name in layer.stylesheets]
    return sheets + ([shared.css(layer.css)] if layer.css else [])


def folio_css(template: str) -> str:
    """The page's foot in words: 'page {page} of {pages}' as CSS content with the page counters."""
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", template):
        if piece in ("{page}", "{pages}"):
            parts.append(f"counter({piece[1:-1]})")
        elif piece:
            parts.append('"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return f"@page {{ @bottom-center {{ content: {' '.join(parts)}; }} }}"


def include_xmp(document, pdf) -> None:
    """Write the XMP metadata stream for plain PDFs too (WeasyPrint adds it only for PDF/A and PDF/UA)."""
    document.metadata.include_in_pdf(pdf, None, None, None, compress=True)


def add_rights_to_xmp(metadata, article) -> None:
    """The article's rights description in the XMP packet."""
    add_to_xmp(metadata, rights_xmp(article))


def add_to_xmp(metadata, *descriptions: bytes) -> None:
    """Put rdf:Description blocks inside WeasyPrint's own rdf:RDF, so the XMP packet has exactly one."""
    generate = metadata.generate_rdf_metadata

    def with_descriptions(*args, **kwargs) -> bytes:
        rdf = generate(*args, **kwargs)
        closing = rdf.rfind(b"</rdf:RDF>")
        return rdf[:closing] + b"".join(descriptions) + rdf[closing:]

    metadata.generate_rdf_metadata = with_descriptions


def rights_xmp(article) -> bytes:
    """XMP rights block: xmpRights and cc:license from the licence, plus the source's hash."""
    licence = article.licence
    url = licence.url if licence else None
    return XMP_RIGHTS.format(
        marked="False" if licence is None else "True",  # a licence, even "all rights reserved", marks rights
        rights=escape(rights_statement(licence or ALL_RIGHTS_RESERVED, article.lang)),
        web_statement=f"<xmpRights:WebStatement>{escape(url)}</xmpRights:WebStatement>\n" if url else "",
        licence=f'<cc:license rdf:resource="{escape(url)}"/>\n' if url else "",
        digest=article.source_hash,
    ).encode()


def source_attachment(article) -> weasyprint.Attachment:
    """The article's own Markdown, embedded so that an archived PDF carries its source."""
    return weasyprint.Attachment(string=article.source_bytes, name=article.path.name,
                                 description="Markdown source of this edition", relationship="Source",
                                 created=edition_time(article), modified=edition_time(article))


def document_html(rendered: RenderedArticle, cover: Asset | None, endnotes: frozenset[int] = frozenset(),
                  links: LinkStyle = LinkStyle.notes, notes_at_end: bool = False) -> str:
    """The whole printed document: title block, body with footnotes, print note, credits (run on)."""
    article = rendered.article
    return "\n".join([
        f'<!DOCTYPE html><html lang="{escape(article.lang)}"><head><meta charset="utf-8"/>',
        head_metadata(rendered),
        "</head><body>",
        running_head(article),
        title_block(article, cover.name if cover else None),
        f'<main class="article-body">{print_body(rendered, endnotes, links, notes_at_end)}</main>',
        print_note(article),  # with the text's last lines: the credits after it are small type, and may run over
        credits_page(article, cover_shown="photo" if cover else "none"),
        "</body></html>",
    ])


def running_head(article) -> str:
    """An empty marker carrying 'Publication / Title' for the running head (CSS string-set)."""
    text = " / ".join(filter(None, [publication_of(article), article.title]))
    return f'<div class="running-head" data-running-head="{escape(text)}"></div>'


def head_metadata(rendered: RenderedArticle) -> str:
    """<title> and <meta> elements that WeasyPrint turns into the PDF's document information."""
    article = rendered.article
    licence = article.licence
    keywords = list(article.tags) + ([licence.short] if licence else [])
    meta = [("generator", f"pressexport {__version__}"), ("dcterms.created", edition_time(article).isoformat()),
            ("keywords", ", ".join(k.replace(",", " ") for k in keywords))]
    meta += [("author", name) for name in article.authors]
    rights = rights_statement(licence, article.lang) if licence else ""
    meta.append(("description", article.description or rights))
    if licence is not None:
        meta += [("rights", rights), ("license", licence.url or licence.name)]
    meta.append(("source-sha256", article.source_hash))
    tags = [f'<meta name="{escape(name)}" content="{escape(searchable(value))}"/>' for name, value in meta if value]
    return f"<title>{escape(searchable(article.title))}</title>" + "".join(tags)


def searchable(text: str) -> str:
    """Metadata as a catalogue searches it: the typography's no-break spaces (French « », before : ; ! ?,
    before a dash) as plain spaces, so that a search for the plain title finds it."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")
