"""The eco edition of the PDF: same words, less paper and toner.

The eco edition is the standard document with ``styles/css`` layered after ``print.css`` (plus a small
generated sheet for the column count and the first page's note), without the cover photo, with its
images greyscale and reduced (or dropped, their captions kept) and missing-image placeholders printed as
one line of text.

Its first page says what it saved, so it is rendered in two passes (see :func:`editions`): the standard
edition is rendered (or reused) and measured, the eco edition is rendered with a note, measured, and
rendered again with the measured figures until the note states exactly what the final file measures
(the note sits in the page margin, so only its own few glyphs of ink can change between passes).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from lxml import etree

from ..eco import EcoReport, compare, measure
from ..core.tree import drop_keep_tail
from ..images import print_greyscale
from ..sources.issue import Issue
from ..model import Asset, RenderedArticle
from ..options import EcoImages, PdfOptions
from . import pdf
from ..diagnostics import warn
from ..language.words import words_for

log = logging.getLogger(__name__)

IMAGE_MAX_SIDE = 640  # pixels: css prints images at most about 60 mm wide
IMAGE_INK = 0.75  # images are lightened: a pixel keeps this share of its ink
IMAGE_QUALITY = 80  # JPEG quality of the greyed images, which print small and light
MAX_PASSES = 4  # eco renders before the note is taken as it is


@dataclass(frozen=True)
class EcoEditions:
    """Both PDF editions of one article and how they compare."""

    standard: bytes
    eco: bytes
    report: EcoReport


def editions(rendered: RenderedArticle, options: PdfOptions, standard: bytes | None = None) -> EcoEditions:
    """The standard edition (rendered unless given) and the eco edition, whose first page states the
    saving, with the report measured on the final bytes of both: the one entry point of the eco edition."""
    if standard is None:
        standard = pdf.render(rendered, options)
    printed = prepare(rendered, options)
    return settle_note(standard, lambda eco_note: pdf.typeset(printed, options, layer(options, eco_note)),
                       str(rendered.article.path), rendered.article.lang)


def issue_editions(issue: Issue, articles: list[RenderedArticle], options: PdfOptions) -> EcoEditions:
    """Both editions of a whole issue: every article printed as in its own eco edition, the issue's cover
    page left out, and the note on the contents page comparing the whole issue with its standard edition.
    The articles are laid out once; the passes that settle the note lay out the contents alone."""
    from . import issue_pdf

    standard = issue_pdf.render(issue, articles, options)
    printed = [prepare(rendered, options) for rendered in articles]
    eco = issue_pdf.IssueLayout(issue, printed, options, layer(options))
    return settle_note(standard, lambda eco_note: eco.write(note_css(eco_note)), str(issue.file), eco.front.lang)


def settle_note(standard: bytes, render_eco: Callable[[str], bytes], source: str, lang: str) -> EcoEditions:
    """The eco edition rendered with a note of what it saves, again and again until the note states what
    the final file measures (the note sits in the page margin, so only its own few glyphs can change)."""
    standard_figures = measure(standard)
    note_report = compare(standard_figures, standard_figures)  # placeholder figures for the first pass
    for attempt in range(1, MAX_PASSES + 1):
        eco_pdf = render_eco(note(note_report, lang))
        report = compare(standard_figures, measure(eco_pdf))
        if report.savings() == note_report.savings():
            break
        if attempt == MAX_PASSES:
            warn("eco-note", source, f"the eco edition's note ({note_report.savings()}) differs "
                 f"slightly from the measured figures ({report.savings()})")
        note_report = report
    return EcoEditions(standard=standard, eco=eco_pdf, report=report)


def note(report: EcoReport, lang: str = "en") -> str:
    """The eco edition's note, in the article's language: 'Eco edition: 1 page instead of 3 (−67%), 1 sheet
    instead of 2 (−50%), toner −58%, compared with the standard edition.'"""
    words = words_for(lang)
    toner = words.percent(report.toner_saved)
    if report.eco.pages == report.standard.pages:  # "1 page instead of 1 (±0%)" says nothing either
        return words("eco_note_toner_only", toner=toner)
    pages = words.plural("eco_pages", report.eco.pages, standard=str(report.standard.pages),
                         change=words.percent(report.pages_saved))
    if report.eco.sheets == report.standard.sheets:  # "1 sheet instead of 1 (±0%)" says nothing
        return words("eco_note_same_sheets", pages=pages, toner=toner)
    sheets = words.plural("eco_sheets", report.eco.sheets, standard=str(report.standard.sheets),
                          change=words.percent(report.sheets_saved))
    return words("eco_note", pages=pages, sheets=sheets, toner=toner)


def note_css(eco_note: str) -> str:
    """The rule that prints the note at the head of the first page."""
    return f'@page :first {{ @top-center {{ content: "{css_string(eco_note)}"; }} }}'


def layer(options: PdfOptions, eco_note: str = "") -> pdf.Layer:
    """The eco edition over the PDF backend: css, the column count and the first page's note, if any
    (fonts.css declares the light faces), no cover photo, notes after the text, duplex."""
    generated = [note_css(eco_note)] if eco_note else []
    if options.eco_columns > 1:
        generated.append(f"main.article-body {{ columns: {options.eco_columns}; column-gap: 6mm; }}")
    # notes after the text, in its columns: at the page foot they would run across the whole page (150
    # characters a line of the eco edition's small type)
    return pdf.Layer(stylesheets=("eco.css",), css="\n".join(generated), show_cover=False, duplex=True,
                     credits_with_text=False, notes_at_end=True)


def css_string(text: str) -> str:
    """Text made safe inside a double-quoted CSS string."""
    return "".join(c if c.isprintable() and c not in '"\\' else f"\\{ord(c):x} " for c in text)


def prepare(rendered: RenderedArticle, options: PdfOptions) -> RenderedArticle:
    """The article as the eco edition prints it: images greyscale and reduced, or dropped (captions kept);
    missing-image placeholders as one line of text."""
    wrapper = rendered.body_copy()
    assets = {asset.name: asset for asset in rendered.assets}
    kept: dict[str, Asset] = {}
    for img in wrapper.xpath(".//img"):
        name = img.get("src", "")
        asset = assets.get(name)
        missing = "missing-image" in (img.get("class") or "").split() or asset is None
        if missing or options.eco_images is EcoImages.none:
            drop_image(img, missing)
        elif name not in kept:
            kept[name] = grey_asset(asset)
    others = tuple(a for a in rendered.assets if not a.media_type.startswith("image/"))
    return replace(rendered, body=wrapper, assets=(*kept.values(), *others))


def drop_image(img: etree._Element, missing: bool) -> None:
    """Replace an image by a line of text, or by nothing when its figure has a caption."""
    alt = " ".join((img.get("alt") or "").split())
    figure = img.getparent() if img.getparent() is not None and img.getparent().tag == "figure" else None
    captioned = figure is not None and figure.find("figcaption") is not None
    if missing:
        text = f"[Image not available{': ' + alt if alt else ''}]"
    elif captioned or not alt:
        text = ""
    else:
        text = f"[Image: {alt}]"
    parent = img.getparent()
    if text:
        span = etree.Element("span", {"class": "image-missing" if missing else "image-omitted"})
        span.text = text
        span.tail = img.tail
        parent.replace(img, span)
        return
    drop_keep_tail(img)
    if figure is not None:
        figure.set("class", (figure.get("class", "") + " image-dropped").strip())


def grey_asset(asset: Asset, max_side: int = IMAGE_MAX_SIDE) -> Asset:
    """The image in greyscale, lightened and at most ``max_side`` pixels long; deterministic."""
    data = print_greyscale(asset.data, asset.media_type, max_side=max_side, ink=IMAGE_INK, quality=IMAGE_QUALITY)
    return replace(asset, data=data)
