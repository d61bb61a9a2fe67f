"""Images: loaded from inside the content root (or fetched when allowed), normalised, else placeholders."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from ..images import extension, load_image, placeholder_image
from ..errors import InputError
from ..model import Article, Asset, Input
from ..safety.paths import inside_root
from ..diagnostics import warn
from ..language.typography import smarten_text
from ..language.words import words_for

log = logging.getLogger(__name__)
DOWNLOADED = "downloaded-image"  # how messages name a fetched image (the URL is named by the caller)

def collect_images(roots: list[etree._Element], article: Article,
                   allow_remote: bool = False) -> tuple[list[Asset], list[Input]]:
    """Load every image the body and notes use from inside the root; a missing one becomes a visible placeholder.

    Returns the assets and the files looked for: an image that is absent is an input too (its hash None),
    so that adding it later makes the edition stale. Each unavailable image is one diagnostic.
    """
    assets: dict[str, Asset] = {}
    inputs: dict[Path, Input] = {}
    for img in (img for root in roots for img in root.xpath(".//img")):
        src = (img.get("src") or "").strip()
        alt = img.get("alt") or ""
        if not alt.strip():
            warn("alt-missing", article.path, f"image '{shortened(src)}' has no alt text; "
                 "describe it for readers who cannot see it")
        asset, problem = image_asset(src, alt, article, allow_remote)
        local = local_image(src, article)
        if local is not None and local not in inputs:
            inputs[local] = input_record(local)
        if problem:
            warn("image-missing", article.path, f"image '{shortened(src)}' not available ({problem}); "
                 "a placeholder is shown")
            img.set("class", "missing-image")
        assets.setdefault(asset.name, asset)
        img.set("src", asset.name)
        img.set("alt", alt)
        wrap_in_figure(img)
    return list(assets.values()), list(inputs.values())


def shortened(src: str) -> str:
    """A reference short enough for a one-line message."""
    return src if len(src) <= 80 else src[:77] + "..."


def local_image(src: str, article: Article) -> Path | None:
    """The file a relative image reference names inside the content root, or None."""
    return inside_root(article.base_dir, src, article.root) if src else None


def input_record(path: Path) -> Input:
    """A file the render looked for, with the hash of its bytes (None when it is absent or unreadable)."""
    try:
        stat = path.stat()  # before the read: a change after it shows as a changed time next run
        return Input(path, hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_size, stat.st_mtime_ns)
    except OSError:
        return Input(path, None)


def image_asset(src: str, alt: str, article: Article, allow_remote: bool = False) -> tuple[Asset, str]:
    """The normalised image and '', or a placeholder and the reason the image is not available."""
    scheme = urlsplit(src).scheme.lower() if src else ""
    if allow_remote and scheme in ("http", "https"):
        return loaded_asset(lambda: remote_image(src), src, alt, article.lang)
    local = local_image(src, article)
    if local is None:
        problem = ("no source" if not src else "remote; --allow-remote fetches it" if scheme in ("http", "https")
                   else f"{scheme}: URLs are never loaded" if scheme else "outside the content root")
        return placeholder_asset(src, alt, article.lang), problem
    if not local.is_file():
        return placeholder_asset(src, alt, article.lang), "not found"
    return loaded_asset(lambda: load_image(local), src, alt, article.lang)


def loaded_asset(load, src: str, alt: str, lang: str) -> tuple[Asset, str]:
    """Run ``load`` (returning data and media type) into an Asset, or a placeholder (in ``lang``) and the reason."""
    try:
        data, media_type = load()
    except InputError as exc:
        return placeholder_asset(src, alt, lang), exc.message
    name = f"images/{hashlib.sha256(data).hexdigest()[:16]}.{extension(media_type)}"
    return Asset(name=name, media_type=media_type, data=data, alt=alt), ""


def remote_image(url: str) -> tuple[bytes, str]:
    """Fetch an image over http(s) (deadline, size cap) and normalise it like a local one, from memory:
    nothing is named after the URL."""
    from ..safety.remote import fetch  # only with --allow-remote: http.client and ssl cost every other run 30 ms

    return load_image(Path(DOWNLOADED), data=fetch(url))


def cover_photo(article: Article) -> Asset | None:
    """The article's cover photo, normalised once for every backend; None (with a warning) when unusable."""
    cover = article.cover
    if cover is None or cover.image is None:
        return None
    try:
        data, media_type = load_image(cover.image)
    except InputError as exc:
        warn("cover-missing", article.path, f"cover image unusable ({exc.message}); the editions go without it")
        return None
    return Asset(name=f"images/cover.{extension(media_type)}", media_type=media_type, data=data,
                 alt=cover.alt)


def placeholder_asset(src: str, alt: str, lang: str) -> Asset:
    """A grey box that says, in the article's language, which image is missing."""
    label = smarten_text(alt, lang) or src or "image"
    data = placeholder_image(words_for(lang)("image_not_available", label=label))
    digest = hashlib.sha256(data).hexdigest()[:16]
    return Asset(name=f"images/missing-{digest}.png", media_type="image/png", data=data, alt=alt)


def wrap_in_figure(img: etree._Element) -> None:
    """An image alone in a paragraph becomes a figure; its title becomes the caption."""
    parent = img.getparent()
    title = img.attrib.pop("title", "")
    if parent is None or parent.tag != "p" or len(parent) != 1 or (parent.text or "").strip() or (img.tail or "").strip():
        return
    parent.tag = "figure"
    img.tail = None
    if title:
        caption = etree.SubElement(parent, "figcaption")
        caption.text = title
