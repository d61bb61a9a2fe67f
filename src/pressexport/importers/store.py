"""Write a ``Draft`` as ``<out>/<slug>/article.md`` with its images, atomically, never over an edited article."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from ..safety.atomic import write_all_atomic
from ..images.load import MAX_IMAGE_BYTES, too_large_a_file
from ..names import first_free
from . import Draft, Outcome

MAX_SLUG = 60  # characters: a folder name an archivist can still read


def write_draft(draft: Draft, out: Path, *, force: bool = False, taken: set[str] | None = None) -> Outcome:
    """Write the draft under ``out``; an existing article that differs is left alone unless ``force``."""
    slug = unique(slugify(draft.fields.get("title") or Path(draft.source).stem), taken)
    folder = out / slug
    text = article_text(draft)
    target = folder / "article.md"
    if target.exists():
        if target.read_text(encoding="utf-8", errors="replace") == text:
            return Outcome(draft.source, "unchanged", target)
        if not force:
            return Outcome(draft.source, "skipped", target, "the article exists and differs (edited?); "
                           "--force overwrites it")
    files = {target: text.encode("utf-8")}
    files.update({folder / "images" / name: image_bytes(image) for image, name in draft.images})
    write_all_atomic(files)
    return Outcome(draft.source, "written", target)


def image_bytes(image: Path) -> bytes:
    """An image to copy, read only within the build's limit on an image file's size (it may have grown since
    it was found)."""
    if too_large_a_file(image):
        raise OSError(f"image {image.name} is over {MAX_IMAGE_BYTES // 2**20} MB")
    return image.read_bytes()


def article_text(draft: Draft) -> str:
    """Front matter and body, as an article.md."""
    front = yaml.safe_dump(draft.fields, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    return f"---\n{front}---\n\n{draft.body.strip()}\n"


def slugify(text: str) -> str:
    """A folder name from a title: lowercase ASCII words joined by hyphens (accents dropped, other scripts
    kept as letters), at most MAX_SLUG characters, cut at a word."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower()) or re.findall(r"\w+", text.lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > MAX_SLUG and slug:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "article"


def unique(slug: str, taken: set[str] | None) -> str:
    """The slug, or slug-2, slug-3… when this run already used it."""
    if taken is None:
        return slug
    candidate = first_free(slug, taken)
    taken.add(candidate)
    return candidate
