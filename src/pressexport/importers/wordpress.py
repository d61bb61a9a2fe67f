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
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from ..language import detect
from . import Draft, Outcome
from .page import article_text, local_image, safe_tree
from .when import parse_when

NS = {
    "wp": "http://wordpress.org/export/1.2/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
BLOCK_START = re.compile(r"^\s*<(?:p|h[1-6]|ul|ol|li|blockquote|pre|table|figure|div|hr|dl|section)\b", re.I)
CAPTION = re.compile(r"\[caption[^\]]*\](?P<inner>.*?)\[/caption\]", re.S)
SHORTCODE = re.compile(r"\[/?(?:gallery|embed|audio|video|playlist|wp_caption|contact-form[\w-]*)\b[^\]]*\]")
RESIZED = re.compile(r"-\d+x\d+(?=\.\w+$)")  # WordPress's resized copies: photo-300x200.jpg


class ExportError(ValueError):
    """A file that is not a WordPress export."""


def drafts_from_export(raw: bytes, path: Path) -> Iterator[Draft | Outcome]:
    """Every published post of the export, in the export's order (a post that cannot be read: its failure)."""
    channel = parse_export(raw)
    ns = namespaces(channel)
    authors = {text(author, "wp:author_login", ns): text(author, "wp:author_display_name", ns)
               for author in channel.findall("wp:author", ns)}
    attachments = {text(item, "wp:post_id", ns): item for item in channel.findall("item")
                   if text(item, "wp:post_type", ns) == "attachment"}
    site = {"publication": text(channel, "title", ns), "lang": text(channel, "language", ns)}
    locate = uploads(path)
    for item in channel.findall("item"):
        if text(item, "wp:post_type", ns) == "post" and text(item, "wp:status", ns) == "publish":
            source = f"{path}#{text(item, 'wp:post_id', ns)}"
            try:
                yield post_draft(item, ns, authors, attachments, site, locate, source)
            except ValueError as exc:  # one broken post does not stop the export's others
                yield Outcome(source, "failed", reason=str(exc))


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
    """Classic-editor [caption] shortcodes as figures; other media shortcodes dropped."""
    def figure(match: re.Match) -> str:
        inner = match["inner"].strip()
        image = re.match(r"(?s)^(?:<a [^>]*>)?\s*(<img [^>]*>)\s*(?:</a>)?(?P<caption>.*)$", inner)
        if not image:
            return inner
        return f"<figure>{image.group(1)}<figcaption>{image['caption'].strip()}</figcaption></figure>"

    return SHORTCODE.sub("", CAPTION.sub(figure, content))


def paragraphs(content: str) -> str:
    """WordPress's own rule for classic-editor text (wpautop, in short): a blank line separates
    paragraphs, a single line break is a <br>; blocks already in HTML stay as they are."""
    blocks: list[str] = []
    for chunk in re.split(r"\n\s*\n", content.replace("\r\n", "\n")):
        blocks.extend(chunk_blocks(chunk.strip()))
    return "\n".join(blocks)


def chunk_blocks(chunk: str) -> list[str]:
    """One blank-line-separated chunk as HTML blocks: text lines become a paragraph; a one-line block
    element (a heading) stands alone and the lines after it are read again; a longer block stays whole."""
    if not chunk:
        return []
    if "<!-- wp:" in chunk:
        return [chunk]
    if not BLOCK_START.match(chunk):
        return ["<p>" + chunk.replace("\n", "<br/>\n") + "</p>"]
    first, _, rest = chunk.partition("\n")
    tag = re.match(r"\s*<(\w+)", first).group(1)
    if re.search(rf"</{tag}>\s*$", first, re.I):
        return [first, *chunk_blocks(rest.strip())]
    return [chunk]


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
    thumbnail = next((text(meta, "wp:meta_value", ns) for meta in item.findall("wp:postmeta", ns)
                      if text(meta, "wp:meta_key", ns) == "_thumbnail_id"), "")
    attachment = attachments.get(thumbnail)
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
            name = found.name
            taken = {taken_name for _, taken_name in images}
            stem, suffix, number = found.stem, found.suffix, 2
            while name in taken:
                name, number = f"{stem}-{number}{suffix}", number + 1
            images.append((found, name))
        cover["image"] = f"images/{name}"
    cover["alt"] = alt or html.unescape(text(attachment, "title", ns))
    caption = " ".join(html.unescape(text(attachment, "excerpt:encoded", ns)).split())
    if caption:
        cover["caption"] = caption
    return {key: value for key, value in cover.items() if value}
