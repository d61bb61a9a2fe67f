"""The pages every edition carries besides the article: title block, credits and licence, print note."""

from __future__ import annotations

from html import escape

from babel.dates import format_date

from .dates import parse_iso
from .model import Article, Cover, Licence

# Babel's patterns for a year, a month and a day, by how many parts the ISO date has.
DATE_PATTERNS = {1: "yyyy", 2: "MMMM yyyy", 3: "d MMMM yyyy"}
DATE_LOCALE = "en"  # the editions' own words are English


def human_date(iso: str) -> str:
    """'2020-04' → 'April 2020'; '2020-04-01' → '1 April 2020'; '2020' stays; anything else is kept as it is."""
    parsed = parse_iso(iso)
    if parsed is None:
        return iso
    day, parts = parsed
    return format_date(day, DATE_PATTERNS[parts], locale=DATE_LOCALE)


def publication_of(article: Article) -> str:
    """The publication the article belongs to, from its own key or its first publication."""
    if article.publication:
        return article.publication
    return article.first_published.publication if article.first_published else ""


def first_published_line(article: Article) -> str:
    """'First published in April 2020 in PMP Magazine.' (or the parts that are known)."""
    first = article.first_published
    if first is None or not (first.date or first.publication):
        return ""
    text = "First published"
    if first.date:
        text += f" in {human_date(first.date)}"
    if first.publication:
        text += f" in {first.publication}"
    return text + "."


def byline(article: Article) -> str:
    """'By A, B and C', or '' when no author is named."""
    names = list(article.authors)
    if not names:
        return ""
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"By {joined}"


def title_block(article: Article, cover_src: str | None = None) -> str:
    """The article's opening: publication, title, subtitle, byline, dates, and the cover photo if any."""
    parts = ['<header class="title-block">']
    if publication_of(article):
        parts.append(f'<p class="publication">{escape(publication_of(article))}</p>')
    parts.append(f'<h1 class="title">{escape(article.title)}</h1>')
    if article.subtitle:
        parts.append(f'<p class="subtitle">{escape(article.subtitle)}</p>')
    if byline(article):
        parts.append(f'<p class="byline">{escape(byline(article))}</p>')
    dateline = first_published_line(article) or (human_date(article.date) if article.date else "")
    if dateline:
        parts.append(f'<p class="dateline">{escape(dateline)}</p>')
    if cover_src and article.cover:
        parts.append(cover_figure(article.cover, cover_src))
    parts.append("</header>")
    return "\n".join(parts)


def cover_figure(cover: Cover, src: str) -> str:
    """The cover photo with its caption and credit."""
    caption = " ".join(filter(None, [escape(cover.caption), credit_span(cover)]))
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="cover-photo"><img src="{escape(src)}" alt="{escape(cover.alt)}"/>{figcaption}</figure>'


def credit_span(cover: Cover) -> str:
    """'Photo: credit (licence)' as a span, or ''."""
    if not cover.credit:
        return ""
    licence = f" ({escape(cover.licence.short)})" if cover.licence else ""
    return f'<span class="credit">Photo: {escape(cover.credit)}{licence}</span>'


def licence_paragraph(licence: Licence, subject: str) -> str:
    """A sentence stating the licence, linked to its deed, followed by the one-line deed."""
    if licence.url is None:
        return f'<p class="licence">{escape(subject)}: all rights reserved.</p>'
    link = f'<a href="{escape(licence.url)}">{escape(licence.name)}</a>'
    return (f'<p class="licence">{escape(subject)} is licensed under the {link} licence '
            f'({escape(licence.short)}). {escape(licence.deed)}</p>')


def cover_credit_paragraph(article: Article, cover_shown: str) -> str:
    """Credit for the cover photo, or what the original cover was when this edition lacks it.

    ``cover_shown`` is "photo" (the article's own), "generated" (a typographic cover) or "none".
    """
    cover = article.cover
    generated = " The cover of this edition was generated from the title." if cover_shown == "generated" else ""
    if cover is None or not (cover.caption or cover.credit):
        return f'<p class="cover-credit">{generated.strip()}</p>' if generated else ""
    details = " ".join(filter(None, [
        escape(cover.caption),
        f"Credit: {escape(cover.credit)}." if cover.credit else "",
        licence_sentence(cover.licence),
    ]))
    if cover_shown == "photo":
        return f'<p class="cover-credit">Cover photo: {details}</p>'
    return f'<p class="cover-credit">Original cover photo (not included in this edition): {details}{generated}</p>'


def licence_sentence(licence: Licence | None) -> str:
    """'Licensed under CC BY-SA 4.0 (url).' or ''."""
    if licence is None:
        return ""
    if licence.url is None:
        return "All rights reserved."
    return f'Licensed under <a href="{escape(licence.url)}">{escape(licence.short)}</a>.'


def credits_page(article: Article, *, cover_shown: str, heading_level: int = 2, epub_type: str = "") -> str:
    """The credits and licence page: licence, first publication, note, cover credit, provenance
    (``epub_type`` marks its section for EPUB reading systems, e.g. "copyright-page")."""
    licence = article.licence
    h = f"h{heading_level}"
    marked = f' epub:type="{escape(epub_type)}"' if epub_type else ""
    parts = [f'<section class="credits" id="credits"{marked}><{h} class="credits-title">Credits and licence</{h}>']
    if licence is not None:
        parts.append(licence_paragraph(licence, f"“{article.title}”"))
    if byline(article):
        parts.append(f'<p class="credit-authors">Text: {escape(", ".join(article.authors))}.</p>')
    if first_published_line(article):
        parts.append(f'<p class="first-published">{escape(first_published_line(article))}</p>')
    if article.note:
        parts.append(f'<p class="note">{escape(article.note)}</p>')
    parts.append(cover_credit_paragraph(article, cover_shown))
    if article.source_hash:
        parts.append(f'<p class="provenance">Source: {escape(article.path.name)}, '
                     f'SHA-256 <span class="hash">{article.source_hash}</span>.</p>')
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def print_note(article: Article) -> str:
    """The print note ("Please think about the environment before printing this article.")."""
    return f'<p class="print-note">{escape(article.print_note)}</p>' if article.print_note else ""
