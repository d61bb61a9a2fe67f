"""pressexport's own words (byline, credits and licence, dates, folios, the print note) in the article's
language: a catalogue per language in ``data/words/<lang>.yaml``, dates and lists of names by Babel (CLDR).

A language without a catalogue gets the English words (``covers`` tells, so the article can say so once);
every catalogue has every key of the English one, which a test checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

FALLBACK = "en"
# CLDR's skeletons for a year and for a month, by how many parts the ISO date has (a full date is CLDR's
# "long" format): each language orders and inflects them its own way (1 de abril de 2020, 1. April 2020).
DATE_SKELETONS = {1: "y", 2: "yMMMM"}


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str] | None:
    """The words of one language (a bare language subtag, such as fr), or None when there is no file."""
    import yaml

    source = files("pressexport") / "data" / "words" / f"{lang}.yaml"
    if not source.is_file():
        return None
    return yaml.safe_load(source.read_text(encoding="utf-8"))


def language_of(tag: str) -> str:
    """The language subtag of a BCP 47 tag: pt-BR → pt."""
    return tag.split("-")[0].lower()


def covers(tag: str) -> bool:
    """Whether pressexport's own words exist in this language."""
    return catalogue(language_of(tag)) is not None


@dataclass(frozen=True)
class Words:
    """The words of one language: ``words("by", names=...)``, and dates and lists as its readers write them."""

    tag: str  # the article's tag (pt-BR): dates and lists follow it
    entries: dict[str, str | dict[str, str]]  # a counted phrase has a form per CLDR plural category

    def __call__(self, key: str, **values: str) -> str:
        """A sentence of the catalogue with its blanks filled in."""
        return self.entries[key].format(**values)

    def plural(self, key: str, count: int, **values: str) -> str:
        """The form of a counted phrase that ``count`` takes in the language (CLDR's plural rules: one, few,
        many, other), its blanks filled in (``count`` among them)."""
        from babel import Locale

        forms = self.entries[key]
        form = Locale.parse(babel_locale(self.tag)).plural_form(count)
        return forms.get(form, forms["other"]).format(count=count, **values)

    def percent(self, fraction: float) -> str:
        """A saving as a signed change, written as the language writes percentages: '−63%', '−63 %'."""
        from babel.numbers import format_percent

        value = round(fraction * 100)
        sign = "\u2212" if value > 0 else "+" if value < 0 else "\u00b1"
        return sign + format_percent(abs(value) / 100, locale=babel_locale(self.tag))

    def template(self, key: str) -> str:
        """A sentence with its blanks left in (the folio's, which CSS fills with counters)."""
        return self.entries[key]

    def names(self, names: list[str] | tuple[str, ...]) -> str:
        """'A, B and C' in the language (Babel's list patterns)."""
        from babel.lists import format_list

        return format_list(list(names), locale=babel_locale(self.tag)) if names else ""

    def byline(self, names: list[str] | tuple[str, ...]) -> str:
        """'By A and B' ('Авторы: A и B'), or '' without names."""
        if not names:
            return ""
        key = "by_many" if len(names) > 1 and "by_many" in self.entries else "by"
        return self(key, names=self.names(names))

    def date(self, day, parts: int) -> str:
        """A date of ``parts`` parts (year; year and month; full) in words: 'April 2020', '1 avril 2020'."""
        from babel.dates import format_date, format_skeleton

        locale = babel_locale(self.tag)
        if parts == 3:
            return format_date(day, "long", locale=locale)
        return format_skeleton(DATE_SKELETONS[parts], day, locale=locale)


@lru_cache(maxsize=None)
def babel_locale(tag: str) -> str:
    """The locale Babel knows for a tag: the tag itself (pt_BR), else its language, else English."""
    from babel import Locale, UnknownLocaleError

    for candidate in (tag.replace("-", "_"), language_of(tag), FALLBACK):
        try:
            Locale.parse(candidate)
            return candidate
        except (UnknownLocaleError, ValueError):
            continue
    return FALLBACK


@lru_cache(maxsize=None)
def words_for(tag: str) -> Words:
    """The words for an article in language ``tag``; English ones where the language has no catalogue."""
    english = catalogue(FALLBACK)
    own = catalogue(language_of(tag))
    return Words(tag if own is not None else FALLBACK, {**english, **(own or {})})
