"""The pages every edition carries besides the article: title block, credits and licence, print note, in
the article's language (``words.py``)."""

from __future__ import annotations

import re

from html import escape

from ..language.dates import parse_iso
from ..sources.licences import in_language
from ..model import Article, Cover, Licence
from ..language.typography import quoted
from ..language.words import Words, words_for


def human_date(iso: str, lang: str = "en") -> str:
    """'2020-04' → 'April 2020' ('avril 2020' in French); '2020' stays; anything else is kept as it is."""
    parsed = parse_iso(iso)
    if parsed is None:
        return iso
    day, parts = parsed
    return words_for(lang).date(day, parts)


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
    words = words_for(article.lang)
    date = human_date(first.date, article.lang) if first.date else ""
    if date and first.publication:
        return words("first_published_both", date=date, publication=first.publication)
    if date:
        return words("first_published_date", date=date)
    return words("first_published_publication", publication=first.publication)


def byline(article: Article) -> str:
    """'By A, B and C' in the article's language, or '' when no author is named."""
    return words_for(article.lang).byline(article.authors)


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
    dateline = first_published_line(article) or (human_date(article.date, article.lang) if article.date else "")
    if dateline:
        parts.append(f'<p class="dateline">{escape(dateline)}</p>')
    if cover_src and article.cover:
        parts.append(cover_figure(article.cover, cover_src, words_for(article.lang)))
    parts.append("</header>")
    return "\n".join(parts)


def cover_figure(cover: Cover, src: str, words: Words) -> str:
    """The cover photo with its caption and credit."""
    caption = " ".join(filter(None, [escape(cover.caption), credit_span(cover, words)]))
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="cover-photo"><img src="{escape(src)}" alt="{escape(cover.alt)}"/>{figcaption}</figure>'


# a credit that already says what it credits ("Photo by …", "Foto: …"): no "Photo:" before it
SAYS_PHOTO = re.compile(r"(?i)^(?:photo|foto|фото|photograph|picture|image|crédit photo|bild)\b")


def credit_span(cover: Cover, words: Words) -> str:
    """'Photo: credit (licence)' as a span (the credit alone when it names itself a photo), or ''."""
    if not cover.credit:
        return ""
    licence = f" ({escape(cover.licence.short)})" if cover.licence else ""
    credit = escape(cover.credit) + licence
    labelled = credit if SAYS_PHOTO.match(cover.credit) else words("photo_credit", credit=credit)
    return f'<span class="credit">{labelled}</span>'


def marks_held(subject: str) -> str:
    """A quoted title as markup whose opening mark stays with its first word and closing mark with its last:
    a line must not end on “ (Pango may break after an opening quote)."""
    words = subject.split(" ")
    ends = {0, len(words) - 1}
    held = [f'<span class="held">{escape(word)}</span>' if index in ends and len(word) <= HELD_LONGEST
            else escape(word) for index, word in enumerate(words)]
    return " ".join(held)


HELD_LONGEST = 24  # a longer word is left free to wrap (held whole, it could run off the measure)


def licence_paragraph(licence: Licence, subject: str, words: Words) -> str:
    """A sentence stating the licence, linked to its deed, followed by the one-line deed (both in the
    language of ``words``)."""
    licence = in_language(licence, words.tag)
    if licence.url is None:
        return f'<p class="licence">{words("subject_all_rights_reserved", subject=marks_held(subject))}</p>'
    link = f'<a href="{escape(licence.url)}">{escape(licence.name)}</a>'
    sentence = words("licensed_under", subject=marks_held(subject), licence=link, short=short_name(licence))
    return f'<p class="licence">{sentence} {escape(licence.deed)}</p>'


def cover_credit_paragraph(article: Article, cover_shown: str) -> str:
    """Credit for the cover photo, or what the original cover was when this edition lacks it.

    ``cover_shown`` is "photo" (the article's own), "generated" (a typographic cover) or "none".
    """
    cover = article.cover
    words = words_for(article.lang)
    generated = " " + words("cover_generated") if cover_shown == "generated" else ""
    if cover is None or not (cover.caption or cover.credit):
        return f'<p class="cover-credit">{generated.strip()}</p>' if generated else ""
    details = " ".join(filter(None, [
        escape(cover.caption),
        words("credit", credit=escape(cover.credit)) if cover.credit else "",
        licence_sentence(cover.licence, words),
    ]))
    if cover_shown == "photo":
        return f'<p class="cover-credit">{words("cover_photo", details=details)}</p>'
    return f'<p class="cover-credit">{words("original_cover_photo", details=details)}{generated}</p>'


def rights_statement(licence: Licence, lang: str) -> str:
    """The licence as one plain sentence for metadata (dc:rights, the PDF's XMP rights), in the article's
    language: 'Licensed under <name> (<short>). <deed address>' or 'All rights reserved.'"""
    words, licence = words_for(lang), in_language(licence, lang)
    if licence.url is None:
        return words("all_rights_reserved")
    return f"{words('licensed_under_short', licence=f'{licence.name} ({licence.short})')} {licence.url}"


def licence_sentence(licence: Licence | None, words: Words) -> str:
    """'Licensed under CC BY-SA 4.0 (url).' or ''."""
    if licence is None:
        return ""
    if licence.url is None:
        return words("all_rights_reserved")
    return words("licensed_under_short", licence=f'<a href="{escape(licence.url)}">{short_name(licence)}</a>')


def short_name(licence: Licence) -> str:
    """'CC BY-SA 4.0' kept on one line (it broke at its hyphen: 'CC BY-' / 'SA 4.0')."""
    return f'<span class="licence-short">{escape(licence.short)}</span>'


def credits_page(article: Article, *, cover_shown: str, heading_level: int = 2, epub_type: str = "") -> str:
    """The credits and licence page: licence, first publication, note, cover credit, provenance
    (``epub_type`` marks its section for EPUB reading systems, e.g. "copyright-page")."""
    licence = article.licence
    words = words_for(article.lang)
    h = f"h{heading_level}"
    marked = f' epub:type="{escape(epub_type)}"' if epub_type else ""
    parts = [f'<section class="credits" id="credits"{marked}><{h} class="credits-title">'
             f'{words("credits_title")}</{h}>']
    if licence is not None:
        parts.append(licence_paragraph(licence, quoted(article.title, article.lang), words))
    if byline(article):
        parts.append(f'<p class="credit-authors">{words("text_by", names=escape(words.names(article.authors)))}</p>')
    if first_published_line(article):
        parts.append(f'<p class="first-published">{escape(first_published_line(article))}</p>')
    if article.note:
        parts.append(f'<p class="note">{escape(article.note)}</p>')
    parts.append(cover_credit_paragraph(article, cover_shown))
    if article.issn:  # an international number: written the same in every language
        named = f"{escape(publication_of(article))}, " if publication_of(article) else ""
        parts.append(f'<p class="publication-line">{named}ISSN\u00a0{escape(article.issn)}</p>')
    if article.source_hash:
        hashed = f'<span class="hash">{article.source_hash}</span>'
        parts.append(f'<p class="provenance">{words("source", file=escape(article.path.name), hash=hashed)}</p>')
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def print_note(article: Article) -> str:
    """The print note ("Please think about the environment before printing this article.")."""
    return f'<p class="print-note">{escape(article.print_note)}</p>' if article.print_note else ""
