"""A WordPress export (WXR 1.1 or 1.2, Tools → Export): every published post as an article.

The export's XML is read with lxml without network access or entity expansion. Each post keeps its
author's display name, its date, categories and tags, its address and excerpt; its content (classic
editor text with blank-line paragraphs and [caption] shortcodes, or block-editor HTML) goes through the
same steps as a web page's text. Images and the featured image are copied when the export's folder holds
the uploads they name (``wp-content/uploads/2019/03/x.jpg``, ``uploads/…``, or the file beside the export).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from ..language.detection import detect
from ..names import free_file_name
from . import Draft
from .page import article_text, local_image, safe_tree
from .when import parse_when

NS = {
    "wp": "http://wordpress.org/export/1.2/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
BLOCK_START = re.compile(r"^\s*<(?:p|h[1-6]|ul|ol|li|blockquote|pre|table|figure|div|hr|dl|section)\b", re.I)
# an opening tag's attributes are bounded, so that an unclosed one costs a bounded look-ahead
CAPTION_OPEN = re.compile(r"\[caption\b[^\]\[]{0,2000}\]")
CAPTION_CLOSE = "[/caption]"
SHORTCODE = re.compile(r"\[/?(?:gallery|embed|audio|video|playlist|wp_caption|contact-form[\w-]*)\b[^\]\[]{0,2000}\]")
RESIZED = re.compile(r"-\d+x\d+(?=\.\w+$)")  # WordPress's resized copies: photo-300x200.jpg


class ExportError(ValueError):
    """A file that is not a WordPress export."""


@dataclass(frozen=True)
class Post:
    """One published post of an export, as it travels to the worker that reads it (each post is read under
    its own deadline: an export's deadline would otherwise grow with what its file says it holds)."""

    source: str  # export#post_id, for messages
    export: Path
    item: bytes  # the post's <item>, serialised with the namespaces it uses
    featured: bytes  # the attachment its _thumbnail_id names (b"" when none)
    ns: dict[str, str]
    authors: dict[str, str]
    site: dict[str, str]


def posts_of_export(raw: bytes, path: Path) -> Iterator[Post]:
    """Every published post of the export, in the export's order, ready to be read on its own."""
    channel = parse_export(raw)
    ns = namespaces(channel)
    authors = {text(author, "wp:author_login", ns): text(author, "wp:author_display_name", ns)
               for author in channel.findall("wp:author", ns)}
    attachments = {text(item, "wp:post_id", ns): item for item in channel.findall("item")
                   if text(item, "wp:post_type", ns) == "attachment"}
    site = {"publication": text(channel, "title", ns), "lang": text(channel, "language", ns)}
    for item in channel.findall("item"):
        if text(item, "wp:post_type", ns) == "post" and text(item, "wp:status", ns) == "publish":
            featured = attachments.get(thumbnail_id(item, ns))
            yield Post(f"{path}#{text(item, 'wp:post_id', ns)}", path, standalone(item),
                       standalone(featured) if featured is not None else b"", ns, authors, site)


def standalone(item: etree._Element) -> bytes:
    """An item as XML that parses on its own: its entity references (never expanded) left out, as its text
    has them."""
    for reference in list(item.iter(etree.Entity)):
        parent = reference.getparent()
        previous = reference.getprevious()
        if reference.tail:
            if previous is not None:
                previous.tail = (previous.tail or "") + reference.tail
            else:
                parent.text = (parent.text or "") + reference.tail
        parent.remove(reference)
    return etree.tostring(item)


def draft_of_post(post: Post) -> Draft:
    """One post as an article (ValueError when it has no title or text)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        item = etree.fromstring(post.item, parser=parser)
        featured = etree.fromstring(post.featured, parser=parser) if post.featured else None
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"the post's XML cannot be read ({exc})") from None
    attachments = {thumbnail_id(item, post.ns): featured} if featured is not None else {}
    return post_draft(item, post.ns, post.authors, attachments, post.site, uploads(post.export), post.source)


def thumbnail_id(item: etree._Element, ns: dict[str, str]) -> str:
    """The attachment id a post's _thumbnail_id names ('' when none)."""
    return next((text(meta, "wp:meta_value", ns) for meta in item.findall("wp:postmeta", ns)
                 if text(meta, "wp:meta_key", ns) == "_thumbnail_id"), "")


def parse_export(raw: bytes) -> etree._Element:
    """The export's <channel>, parsed safely; a clear error for anything that is not WXR."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)
    try:
        root = etree.fromstring(raw, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ExportError(f"not well-formed XML ({exc}); is it the file WordPress's Tools → Export wrote?") from None
    channel = root.find("channel")
    if root.tag != "rss" or channel is None or not any("wordpress.org/export" in uri for uri in root.nsmap.values()):
        raise ExportError("not a WordPress export (no rss/channel with the wp: namespace)")
    return channel


def namespaces(channel: etree._Element) -> dict[str, str]:
    """The export's own namespace URIs (WXR 1.0, 1.1 and 1.2 differ in the wp: and excerpt: versions)."""
    found = dict(NS)
    for prefix, uri in channel.getparent().nsmap.items():
        if prefix in ("wp", "excerpt") and uri:
            found[prefix] = uri
    return found


def text(element: etree._Element, path: str, ns: dict[str, str]) -> str:
    found = element.find(path, ns)
    return (found.text or "").strip() if found is not None else ""


def post_draft(item: etree._Element, ns: dict[str, str], authors: dict[str, str], attachments: dict[str, Any],
               site: dict[str, str], locate: Callable[[str], Path | None], source: str) -> Draft:
    """One post as an article."""
    title = " ".join(html.unescape(text(item, "title", ns)).split()) or text(item, "wp:post_name", ns)
    body = safe_tree(paragraphs(captions(text(item, "content:encoded", ns))))
    article = article_text(body, title, locate)
    if not title or not article.markdown.strip():
        raise ValueError("the post has no title or no text")
    fields: dict[str, Any] = {"title": title}
    creator = text(item, "dc:creator", ns)
    fields["authors"] = [authors.get(creator) or creator] if creator else article.furniture.authors
    lang = post_language(site["lang"], title, article.markdown)
    if lang:
        fields["lang"] = lang
    when = parse_when(text(item, "wp:post_date", ns)) or parse_when(text(item, "pubDate", ns)[5:16])
    if when:
        fields["date"] = when
    excerpt = " ".join(re.sub(r"<[^>]+>", "", html.unescape(text(item, "excerpt:encoded", ns))).split())
    if excerpt:
        fields["description"] = excerpt
    if site["publication"]:
        fields["publication"] = html.unescape(site["publication"])
    if text(item, "link", ns).startswith(("http://", "https://")):
        fields["canonical_url"] = text(item, "link", ns)
    tags = [html.unescape((category.text or "").strip()) for category in item.findall("category")
            if category.get("domain") in ("category", "post_tag") and (category.text or "").strip()]
    tags = [tag for tag in dict.fromkeys(tags) if tag.lower() != "uncategorized"]
    if tags:
        fields["tags"] = tags
    furnished = article.furniture.fields(title, None)
    for key in ("first_published", "note", "related", "end_mark", "print_note"):
        if key in furnished:
            fields[key] = furnished[key]
    fields["licence"] = article.furniture.licence or "All rights reserved"
    images = list(article.images)
    cover = featured_image(item, ns, attachments, locate, images) or article.cover or furnished.get("cover")
    if cover:
        fields["cover"] = cover
    return Draft(source=source, fields=fields, body=article.markdown, images=tuple(images))


def post_language(site: str, title: str, markdown: str) -> str:
    """The site's language, unless the post's text reads clearly as another (a multilingual blog)."""
    detected = detect(title, markdown)
    if detected and (not site or detected.tag != site.split("-")[0].lower()):
        return detected.tag
    return site


def captions(content: str) -> str:
    """Classic-editor [caption] shortcodes as figures; other media shortcodes dropped. Each opening tag is
    matched to the next closing one by a plain search (a pattern that looks ahead from every unclosed
    opening tag takes time that grows with the square of their number)."""
    kept, position = [], 0
    while (opening := CAPTION_OPEN.search(content, position)) is not None:
        closing = content.find(CAPTION_CLOSE, opening.end())
        if closing < 0:
            break  # no closing tag after this one: none after the later ones either
        kept += [content[position:opening.start()], caption_figure(content[opening.end():closing])]
        position = closing + len(CAPTION_CLOSE)
    kept.append(content[position:])
    return SHORTCODE.sub("", "".join(kept))


def caption_figure(inner: str) -> str:
    """A caption shortcode's inside (an image, maybe linked, then its caption) as a figure."""
    image = re.match(r"(?s)^\s*(?:<a [^>]*>)?\s*(<img [^>]*>)\s*(?:</a>)?(?P<caption>.*)$", inner)
    if not image:
        return inner.strip()
    return f"<figure>{image.group(1)}<figcaption>{image['caption'].strip()}</figcaption></figure>"


def paragraphs(content: str) -> str:
    """WordPress's own rule for classic-editor text (wpautop, in short): a blank line separates
    paragraphs, a single line break is a <br>; blocks already in HTML stay as they are."""
    blocks: list[str] = []
    for chunk in re.split(r"\n\s*\n", content.replace("\r\n", "\n")):
        blocks.extend(chunk_blocks(chunk.strip()))
    return "\n".join(blocks)


def chunk_blocks(chunk: str) -> list[str]:
    """One blank-line-separated chunk as HTML blocks: text lines become a paragraph; a one-line block
    element (a heading) stands alone and the lines after it are read again; a longer block stays whole.
    (A loop, not recursion: a chunk of a thousand one-line blocks is ordinary in an export.)"""
    blocks: list[str] = []
    while chunk:
        if "<!-- wp:" in chunk:
            return [*blocks, chunk]
        if not BLOCK_START.match(chunk):
            return [*blocks, "<p>" + chunk.replace("\n", "<br/>\n") + "</p>"]
        first, _, rest = chunk.partition("\n")
        tag = re.match(r"\s*<(\w+)", first).group(1)
        if not re.search(rf"</{tag}>\s*$", first, re.I):
            return [*blocks, chunk]
        blocks.append(first)
        chunk = rest.strip()
    return blocks


def uploads(export: Path) -> Callable[[str], Path | None]:
    """A locator for a post's images: the upload an address names, when the export's folder holds it."""
    folder = export.parent.resolve()

    def locate(src: str) -> Path | None:
        path = unquote(urlsplit(src).path)
        if not path or ".." in Path(path).parts:
            return None
        after = path.split("/wp-content/uploads/", 1)[-1].split("/uploads/", 1)[-1].lstrip("/")
        names = [after, RESIZED.sub("", after)] if RESIZED.search(after) else [after]
        for name in names:
            for candidate in (folder / "wp-content" / "uploads" / name, folder / "uploads" / name,
                              folder / name, folder / Path(name).name):
                found = local_image(candidate, folder)
                if found:
                    return found
        return None

    return locate


def featured_image(item: etree._Element, ns: dict[str, str], attachments: dict[str, Any],
                   locate: Callable[[str], Path | None], images: list[tuple[Path, str]]) -> dict[str, str]:
    """The post's featured image (_thumbnail_id) as its cover: copied when present, with its alt text and
    caption; described only when the export's folder lacks the file."""
    attachment = attachments.get(thumbnail_id(item, ns))
    if attachment is None:
        return {}
    url = text(attachment, "wp:attachment_url", ns)
    alt = next((text(meta, "wp:meta_value", ns) for meta in attachment.findall("wp:postmeta", ns)
                if text(meta, "wp:meta_key", ns) == "_wp_attachment_image_alt"), "")
    cover: dict[str, str] = {}
    found = locate(url) if url else None
    if found:
        name = next((name for path, name in images if path == found), None)
        if name is None:
            name = free_file_name(found.name, {taken_name for _, taken_name in images})
            images.append((found, name))
        cover["image"] = f"images/{name}"
    cover["alt"] = alt or html.unescape(text(attachment, "title", ns))
    caption = " ".join(html.unescape(text(attachment, "excerpt:encoded", ns)).split())
    if caption:
        cover["caption"] = caption
    return {key: value for key, value in cover.items() if value}
