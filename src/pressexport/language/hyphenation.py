"""Hyphenation that never corrupts: the right patterns for each language, and the words that must stay whole.

pyphen (which WeasyPrint and the generated covers use) maps a bare ``en`` to British patterns (capit-al,
Itali-an); pressexport hyphenates plain ``en`` as American English, as CLDR and most style guides take it,
and ``en-GB`` as British. Limits (6 letters a word, 3 a fragment) are CSS (``hyphenate-limit-chars`` in
``base.css``); what must never be hyphenated is marked by the core (``core/wholewords.py``).
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def american_english_for_plain_en() -> None:
    """Make pyphen's ``en`` the en-US patterns, before any dictionary is loaded (once per process)."""
    import pyphen

    pyphen.LANGUAGES["en"] = pyphen.LANGUAGES["en_US"]
