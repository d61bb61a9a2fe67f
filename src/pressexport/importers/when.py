"""Dates as pages write them ("April 2020", "1 April 2020", "April 1, 2020", "1er avril 2020", "2020-04-01")
turned into the ISO form the front matter takes (2020-04, 2020-04-01). Month names come from CLDR by Babel,
in every language pressexport has words for."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "ru")
ISO = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?(?:[T ].*)?$")
WORDS = re.compile(r"^(?:(?P<day1>\d{1,2})(?:er|st|nd|rd|th|\.|º)?\s+(?:de\s+)?)?(?P<month>[^\W\d_]+)\.?"
                   r"(?:\s+(?P<day2>\d{1,2})(?:st|nd|rd|th)?,?)?\s+(?:de\s+)?(?P<year>\d{4})(?:\s*г\.?)?$")


def parse_when(text: str) -> str:
    """The ISO date (year, year-month or full date) the text states, or '' when it states none."""
    text = " ".join(text.split()).strip(" .,")
    iso = ISO.match(text)
    if iso:
        return checked(*(iso.group(part) for part in ("year", "month", "day")))
    words = WORDS.match(text)
    if not words:
        return ""
    month = month_numbers().get(words["month"].lower())
    if month is None:
        return ""
    return checked(words["year"], f"{month:02d}", words["day1"] or words["day2"])


def checked(year: str, month: str | None, day: str | None) -> str:
    """The ISO form, or '' when the date does not exist."""
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return ""
    return "-".join(part if len(part) > 1 else f"0{part}" for part in (year, month, day) if part)


@lru_cache(maxsize=1)
def month_numbers() -> dict[str, int]:
    """Every wide and abbreviated month name (formatting and stand-alone forms) of the languages → 1…12."""
    from babel import Locale

    names: dict[str, int] = {}
    for lang in LANGUAGES:
        locale = Locale.parse(lang)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in locale.months[context][width].items():
                    names.setdefault(name.lower().rstrip("."), number)
    return names
