"""The language of an article that does not declare one, told from its text by py3langid (97 languages,
ISO 639-1 codes, which are valid BCP 47 tags).

Only prose is shown to the classifier: code, addresses, markup and maths say nothing of the language and
mislead it on short texts. A text too short to tell, or one the classifier is unsure of, gets no answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .fences import lines_outside_fences

MIN_LETTERS = 40  # below this, a guess is a guess: titles alone are too short to tell
MIN_CONFIDENCE = 0.9  # normalised probability of the best language
SAMPLE_CHARACTERS = 20_000  # the classifier is sure long before this; it keeps huge articles quick

# Each pattern is bounded, so that hostile text (a line of 100,000 '<') costs linear time, not quadratic.
NOT_PROSE = [re.compile(pattern, flags) for pattern, flags in (
    (r"\$\$.{1,2000}?\$\$", re.DOTALL),  # display maths
    (r"\\[(\[].{1,2000}?\\[)\]]", re.DOTALL),  # maths in \( \) and \[ \]
    (r"(?<![\\$\w])\$(?![\s$])[^$\n]{1,500}?(?<![\s\\])\$(?!\d)", 0),  # inline maths, not prices
    (r"`[^`\n]{1,500}`", 0),  # inline code
    (r"<[^<>\n]{0,500}>", 0),  # HTML tags (their text stays)
    (r"\]\([^)\n]{0,500}\)", 0),  # link and image targets (their text stays)
    (r"^ {0,3}\[[^\]\n]{1,500}\]:.*$", re.MULTILINE),  # link reference definitions
    (r"\b(?:https?|ftp|mailto):\S+|\bwww\.\S+|(?<!\S)[^\s@]{1,64}@\S+", 0),  # bare addresses
    (r"\{[#.:][^{}\n]{0,500}\}", 0),  # attribute lists
)]


@dataclass(frozen=True)
class Detected:
    """A language told from a text, and how sure the classifier is (0 to 1)."""

    tag: str
    confidence: float


def detect(*texts: str) -> Detected | None:
    """The language of the prose in ``texts`` (title, description, Markdown body), or None when the text is
    too short or the classifier unsure."""
    prose = " ".join(prose_of(text[:SAMPLE_CHARACTERS]) for text in texts if text)[:SAMPLE_CHARACTERS]
    if sum(ch.isalpha() for ch in prose) < MIN_LETTERS:
        return None
    tag, confidence = identifier().classify(prose)
    return Detected(tag, float(confidence)) if confidence >= MIN_CONFIDENCE else None


def prose_of(markdown: str) -> str:
    """The Markdown's words without its code, maths, markup and addresses."""
    markdown = without_fenced_code(markdown)
    for pattern in NOT_PROSE:
        markdown = pattern.sub(" ", markdown)
    return markdown


def without_fenced_code(markdown: str) -> str:
    """The Markdown's lines outside fenced code blocks."""
    return "\n".join(line for _, line in lines_outside_fences(markdown))


@lru_cache(maxsize=1)
def identifier():
    """py3langid's classifier with probabilities normalised (its model takes about a second to load: once
    per process, and only for an article that does not say its language)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def english_name(tag: str) -> str:
    """The language's English name (Russian for ru), or the tag itself when Babel does not know it."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(tag.replace("-", "_")).english_name or tag
    except (UnknownLocaleError, ValueError):
        return tag
