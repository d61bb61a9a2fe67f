"""The eco edition of the PDF: same words, less paper and toner.

The eco edition is the standard document with ``styles/eco.css`` layered after ``print.css`` (plus a small
generated sheet for the column count and the first page's note), without the cover photo, with its
images greyscale and reduced (or dropped, their captions kept) and missing-image placeholders printed as
one line of text.

Its first page says what it saved, so it is rendered in two passes (see :func:`editions`): the standard
edition is rendered (or reused) and measured, the eco edition is rendered with a note, measured, and
rendered again with the measured figures until the note states exactly what the final file measures
(the note sits in the page margin, so only its own few glyphs of ink can change between passes).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, replace
from html import escape

import pydyf
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from lxml import etree, html as lxml_html
from PIL import Image

from ..core import drop_keep_tail
from .. import eco
from ..errors import InputError
from ..model import Asset, RenderedArticle
from ..resources import styles_dir

log = logging.getLogger(__name__)

COLUMNS = (1, 2)
IMAGE_MODES = ("grey", "none")  # greyscale and reduced, or dropped (captions and credits kept)
IMAGE_MAX_SIDE = 640  # pixels: eco.css prints images at most about 60 mm wide
IMAGE_INK = 0.75  # images are lightened: a pixel keeps this share of its ink
MAX_PASSES = 4  # eco renders before the note is taken as it is


@dataclass(frozen=True)
class EcoEditions:
    """Both PDF editions of one article and how they compare."""

    standard: bytes
    eco: bytes
    report: eco.EcoReport


def check_options(options) -> None:
    """Refuse a column count or image mode the eco edition does not know."""
    if options.eco_columns not in COLUMNS:
        raise InputError(f"unknown eco column count '{options.eco_columns}'", hint="use 1 or 2")
    if options.eco_images not in IMAGE_MODES:
        raise InputError(f"unknown eco image mode '{options.eco_images}'", hint=f"use one of {', '.join(IMAGE_MODES)}")


def editions(rendered: RenderedArticle, options, standard: bytes | None = None) -> EcoEditions:
    """The standard edition (rendered unless given) and the eco edition, whose first page states the
    saving, with the report measured on the final bytes of both."""
    from . import pdf  # the backend calls this module back

    plain = replace(options, eco=False)
    if standard is None:
        standard = pdf.render(rendered, plain)
    standard_figures = eco.measure(standard)
    note_report = eco.compare(standard_figures, standard_figures)  # placeholder figures for the first pass
    for attempt in range(1, MAX_PASSES + 1):
        eco_pdf = pdf.render(rendered, options, eco_note=note(note_report))
        report = eco.compare(standard_figures, eco.measure(eco_pdf))
        if report.savings() == note_report.savings():
            break
        if attempt == MAX_PASSES:
            log.warning("%s: the eco edition's note (%s) differs slightly from the measured figures (%s)",
                        rendered.article.path, note_report.savings(), report.savings())
        note_report = report
    return EcoEditions(standard=standard, eco=eco_pdf, report=report)


def note(report: eco.EcoReport) -> str:
    """The eco edition's note: 'Eco edition: 1 page instead of 3 (−67%), ... than the standard edition.'"""
    return f"Eco edition: {report.savings()}, compared with the standard edition."


def stylesheets(fetcher, options, eco_note: str | None, font_config: FontConfiguration) -> list[weasyprint.CSS]:
    """For the eco edition: eco.css, the column count and the first page's note (fonts.css, loaded by the
    PDF backend with the same font configuration, declares the light faces). Nothing for the standard one."""
    if not options.eco:
        return []
    generated = [f'@page :first {{ @top-center {{ content: "{css_string(eco_note or "Eco edition.")}"; }} }}']
    if options.eco_columns > 1:
        generated.append(f"main.article-body {{ columns: {options.eco_columns}; column-gap: 6mm; }}")
    return [weasyprint.CSS(filename=styles_dir() / "eco.css", url_fetcher=fetcher, font_config=font_config),
            weasyprint.CSS(string="\n".join(generated), font_config=font_config)]


def css_string(text: str) -> str:
    """Text made safe inside a double-quoted CSS string."""
    return "".join(c if c.isprintable() and c not in '"\\' else f"\\{ord(c):x} " for c in text)


def duplex(finisher):
    """A WeasyPrint finisher that asks print dialogs for duplex (long edge), after ``finisher`` if any."""

    def finish(document, pdf) -> None:
        if finisher is not None:
            finisher(document, pdf)
        preferences = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
        preferences["Duplex"] = "/DuplexFlipLongEdge"
        pdf.catalog["ViewerPreferences"] = preferences

    return finish


def prepare(rendered: RenderedArticle, options) -> RenderedArticle:
    """The article as the eco edition prints it: images greyscale and reduced, or dropped (captions kept);
    missing-image placeholders as one line of text."""
    wrapper = lxml_html.fragment_fromstring(rendered.body_html or "<p></p>", create_parent="div")
    assets = {asset.name: asset for asset in rendered.assets}
    kept: dict[str, Asset] = {}
    for img in wrapper.xpath(".//img"):
        name = img.get("src", "")
        asset = assets.get(name)
        missing = "missing-image" in (img.get("class") or "").split() or asset is None
        if missing or options.eco_images == "none":
            drop_image(img, missing)
        elif name not in kept:
            kept[name] = grey_asset(asset)
    body = escape(wrapper.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="xml") for child in wrapper)
    others = tuple(a for a in rendered.assets if not a.media_type.startswith("image/"))
    return replace(rendered, body_html=body, assets=(*kept.values(), *others))


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
    with Image.open(io.BytesIO(asset.data)) as source:
        source.load()
        alpha = source.getchannel("A") if "A" in source.getbands() else None
        grey = source.convert("L")
    lighten = [round(255 - (255 - v) * IMAGE_INK) for v in range(256)]
    grey = grey.point(lighten)
    if alpha is not None:
        grey = Image.merge("LA", (grey, alpha))
    if max(grey.size) > max_side:
        scale = max_side / max(grey.size)
        grey = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))),
                           Image.Resampling.LANCZOS)
    grey = Image.frombytes(grey.mode, grey.size, grey.tobytes())  # no metadata
    buffer = io.BytesIO()
    if asset.media_type == "image/jpeg" and grey.mode == "L":
        grey.save(buffer, format="JPEG", quality=80, optimize=False, progressive=False)
    else:
        grey.save(buffer, format="PNG", optimize=False)
    return replace(asset, data=buffer.getvalue())
