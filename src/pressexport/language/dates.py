"""Dates as articles give them: a day, a month or a year, written the ISO way (2020-04-01, 2020-04, 2020)."""

from __future__ import annotations

import datetime as dt
import re

# A year, then a month, then a day; ASCII digits only, as ISO 8601 and the EPUB's dc:date have them.
ISO_PREFIX = re.compile(r"[0-9]{4}(?:-[0-9]{2}){0,2}")


def parse_iso(iso: str) -> tuple[dt.date, int] | None:
    """``iso`` (YYYY, YYYY-MM or YYYY-MM-DD) as its first day and how many parts it has, or None when it is
    not of that form or names no real day, month or year (year 1 onwards)."""
    if not ISO_PREFIX.fullmatch(iso):
        return None
    parts = iso.split("-")
    try:
        return dt.date.fromisoformat("-".join(parts + ["01"] * (3 - len(parts)))), len(parts)
    except ValueError:
        return None


def iso_prefix(text: str) -> str | None:
    """The real YYYY, YYYY-MM or YYYY-MM-DD that ``text`` starts with (a time may follow), or None."""
    match = ISO_PREFIX.match(text)
    return match.group(0) if match and parse_iso(match.group(0)) else None
