"""Markdown to one typed document of sanitised, well-formed XHTML: the core every backend shares.

``render_article`` is a flat list of passes, one module each: markup (Markdown), sanitise (allow-list and
parse), ids (headings and ids), notes, repair (content models), maths, links, media (images), furniture.
"""

from __future__ import annotations

import logging

from ..model import Article, Input, RenderedArticle
from .furniture import add_end_mark, place_related
from .ids import dedupe_ids, ids_in, number_headings, shift_headings
from .markup import markdown_to_html
from .maths import typeset_maths
from .media import collect_images, cover_photo, input_record
from .links import resolve_links
from .notes import extract_notes, note_records
from .repair import fix_structure
from .sanitise import drop_reserved_classes, parse_tree, sanitise
from .tree import break_long_words
from .wholewords import keep_words_whole
from ..language.typography import smarten_tree
from ..diagnostics import warn

log = logging.getLogger(__name__)


def render_article(article: Article, *, fetch_images: bool = True, allow_remote: bool = False) -> RenderedArticle:
    """Render the article's Markdown body into the document every backend writes from.

    Remote (http/https) images are fetched only with ``allow_remote``; otherwise they become placeholders.
    """
    raw_html, dropped = markdown_to_html(article)
    if dropped:
        warn("template-tags", article.path,
             f"dropped template tags another tool would have expanded: {', '.join(dropped)}")
    tree = parse_tree(sanitise(raw_html), article)
    drop_reserved_classes(tree)
    shift_headings(tree)
    note_bodies, note_calls = extract_notes(tree)
    parts = [tree, *note_bodies]  # the notes share the article's file: one id space, the same repairs
    for part in parts:
        fix_structure(part)
        typeset_maths(part, article)
    dedupe_ids(parts)
    headings = number_headings(tree, taken=ids_in(note_bodies))
    resolve_links(parts, article)
    for part in parts:
        smarten_tree(part, article.lang)
        keep_words_whole(part)
        break_long_words(part)
    assets, image_inputs = collect_images(parts, article, allow_remote) if fetch_images else ((), ())
    place_related(tree, article)
    add_end_mark(tree, article.end_mark)
    cover = cover_photo(article) if fetch_images else None
    cover_file = article.cover.looked_for if fetch_images and article.cover else None
    return RenderedArticle(
        article=article,
        body=tree,
        notes=note_records(note_bodies, note_calls),
        assets=tuple(assets),
        headings=tuple(headings),
        cover=cover,
        inputs=(Input(article.path, article.source_hash, *(article.source_stat or ())), *image_inputs,
                *([input_record(cover_file)] if cover_file else []), *article.config_inputs),
    )



__all__ = ["render_article"]
