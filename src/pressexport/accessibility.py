"""Accessibility claims computed from the content itself, never assumed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from .model import RenderedArticle

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
IMG = "{http://www.w3.org/1999/xhtml}img"


@dataclass(frozen=True)
class AccessibilityReport:
    """What the edition offers, and what it does not, for its schema.org metadata."""

    images: int
    images_without_alt: int
    headings_in_order: bool
    has_lang: bool

    @property
    def all_images_described(self) -> bool:
        return self.images_without_alt == 0

    @property
    def conforms(self) -> bool:
        """True only when every check passes."""
        return self.all_images_described and self.headings_in_order and self.has_lang

    @property
    def access_modes(self) -> list[str]:
        return ["textual", "visual"] if self.images else ["textual"]

    @property
    def access_modes_sufficient(self) -> list[str]:
        sufficient = ["textual,visual"] if self.images else []
        return (["textual"] if self.all_images_described else []) + sufficient

    @property
    def features(self) -> list[str]:
        features = ["tableOfContents", "readingOrder", "displayTransformability"]
        if self.headings_in_order:
            features.append("structuralNavigation")
        if self.images and self.all_images_described:
            features.append("alternativeText")
        return features

    def summary(self) -> str:
        """A plain sentence for accessibilitySummary, stating what was not met."""
        met = ["a table of contents", "reflowable text that respects the reader's font and size"]
        unmet = []
        (met if self.headings_in_order else unmet).append("headings in a logical order")
        if self.images:
            (met if self.all_images_described else unmet).append(
                "text alternatives for every image" if self.all_images_described
                else f"text alternatives for {self.images_without_alt} of {self.images} images")
        text = "This publication offers " + ", ".join(met) + "."
        if unmet:
            text += " Not met: " + "; ".join(unmet) + ", so it does not claim WCAG conformance."
        else:
            text += " It meets EPUB Accessibility 1.1 at WCAG 2.1 Level AA as far as automated checks can tell."
        return text


def assess(rendered: RenderedArticle, documents: Iterable[str]) -> AccessibilityReport:
    """Inspect the very XHTML documents the edition carries (text, notes, captions, credits, cover page):
    image alternatives, and the heading order of the text."""
    images = [img for document in documents for img in etree.fromstring(document.encode()).iter(IMG)]
    without_alt = [img for img in images if not (img.get("alt") or "").strip()]
    return AccessibilityReport(
        images=len(images),
        images_without_alt=len(without_alt),
        headings_in_order=headings_in_order([level for level, _, _ in rendered.headings]),
        has_lang=bool(rendered.article.lang),
    )


def headings_in_order(levels: list[int]) -> bool:
    """Body headings start at h2 and never skip a level going down."""
    previous = 1
    for level in levels:
        if level > previous + 1:
            return False
        previous = level
    return True
