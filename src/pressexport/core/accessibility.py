"""Accessibility claims computed from the content itself, never assumed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from ..model import RenderedArticle
from ..language.words import words_for

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
IMG = "{http://www.w3.org/1999/xhtml}img"
MATH = "{http://www.w3.org/1998/Math/MathML}math"


@dataclass(frozen=True)
class AccessibilityReport:
    """What the edition offers, and what it does not, for its schema.org metadata."""

    images: int
    images_without_alt: int
    headings_in_order: bool
    has_lang: bool
    formulas: int = 0  # MathML formulas (each carries its TeX as alttext)
    lang: str = "en"  # the language its summary is written in

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
        if self.formulas:
            features.append("MathML")
        return features

    def summary(self) -> str:
        """A plain sentence for accessibilitySummary in the edition's language, stating what was not met."""
        words = words_for(self.lang)
        met = [words("a11y_contents"), words("a11y_reflowable")]
        unmet = []
        (met if self.headings_in_order else unmet).append(words("a11y_headings"))
        if self.images:
            (met if self.all_images_described else unmet).append(
                words("a11y_all_images") if self.all_images_described
                else words("a11y_some_images", missing=str(self.images_without_alt), count=str(self.images)))
        if self.formulas:
            met.append(words("a11y_maths"))
        text = words("a11y_offers", features=words.names(met))
        if unmet:
            return f"{text} {words('a11y_not_met', unmet=words.names(unmet))}"
        return f"{text} {words('a11y_conforms')}"


def assess(rendered: RenderedArticle, documents: Iterable[str]) -> AccessibilityReport:
    """Inspect the very XHTML documents the edition carries (text, notes, captions, credits, cover page):
    image alternatives, formulas, and the heading order of the text."""
    trees = [etree.fromstring(document.encode()) for document in documents]
    images = [img for tree in trees for img in tree.iter(IMG)]
    without_alt = [img for img in images if not (img.get("alt") or "").strip()]
    return AccessibilityReport(
        formulas=sum(1 for tree in trees for _ in tree.iter(MATH)),
        lang=rendered.article.lang,
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
