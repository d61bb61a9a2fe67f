"""Attribute values as EPUBCheck's HTML schema accepts them, or dropped."""

from __future__ import annotations

import datetime
import re

from lxml import etree

from ..language.tags import is_language_tag
from .links import normalise_url
from .sanitise import ALLOWED_ATTRIBUTES, GENERIC_ATTRIBUTES

# --- attribute values ---
INTEGER = re.compile(r"^-?[0-9]+$")
TEXT_ALIGN = re.compile(r"^\s*text-align\s*:\s*(left|right|center|justify|start|end)\s*;?\s*$", re.IGNORECASE)
ENUMERATIONS = {"dir": {"ltr", "rtl", "auto"}, "scope": {"row", "col", "rowgroup", "colgroup"}}
NUMBER_RANGES = {"colspan": (1, 1000), "rowspan": (0, 65534), "span": (1, 1000)}
DATE = r"(?P<year>[0-9]{4,})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
TIME = r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:\.[0-9]{1,3})?)?"
ZONE = r"(?:Z|[+-](?P<zone_hour>[0-9]{2}):?(?P<zone_minute>[0-9]{2}))"
DURATION = (r"(P[0-9]+D)|(P([0-9]+D)?T((([0-9]+H)([0-9]+M)?([0-9]+(\.[0-9]{1,3})?S)?)|(([0-9]+H)?([0-9]+M)"
            r"([0-9]+(\.[0-9]{1,3})?S)?)|(([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]{1,3})?S))))"
            r"|( *(([0-9]+ *[WDHM])|([0-9]+(\.[0-9]{1,3})? *S)) *)+")  # as EPUBCheck's HTML schema has it
EDIT_DATETIMES = [re.compile(f"^{DATE}$"), re.compile(f"^{DATE}[T ]{TIME}{ZONE}?$")]  # <del>, <ins>
TIME_DATETIMES = EDIT_DATETIMES + [re.compile(pattern) for pattern in (
    f"^{TIME}$", r"^(?P<year>[0-9]{4,})-(?P<month>[0-9]{2})$", r"^(?:--)?(?P<month>[0-9]{2})-(?P<day>[0-9]{2})$",
    r"^(?P<year>[0-9]{4,})-W(?P<week>[0-9]{2})$", r"^[0-9]{4}$", f"^(?:{DURATION})$")]


def clean_attributes(tree: etree._Element) -> None:
    """Drop attributes the element may not carry and values EPUBCheck's HTML schema rejects;
    a <bdo> left without a direction becomes a <span>."""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        allowed = GENERIC_ATTRIBUTES | ALLOWED_ATTRIBUTES.get(element.tag, set())
        for name, value in list(element.attrib.items()):
            cleaned = attribute_value(element, name, value) if name in allowed else None
            if cleaned is None:
                del element.attrib[name]
            elif cleaned != value:
                element.set(name, cleaned)
        if element.tag == "bdo" and not element.get("dir"):
            element.tag = "span"


def attribute_value(element: etree._Element, name: str, value: str) -> str | None:
    """The attribute's value as the schema accepts it, or None when it cannot be saved."""
    value = value.strip() if name not in ("title", "alt") else value
    if name in ("start", "value"):
        return value if INTEGER.fullmatch(value) and (name == "start" or element.getparent().tag == "ol") else None
    if name == "reversed":
        return ""
    if name in NUMBER_RANGES:
        low, high = NUMBER_RANGES[name]
        return str(int(value)) if value.isascii() and value.isdigit() and low <= int(value) <= high else None
    if name in ENUMERATIONS:
        return value.lower() if value.lower() in ENUMERATIONS[name] else None
    if name == "lang":
        return value if value == "" or is_language_tag(value) else None  # "": the language is unknown
    if name == "datetime":
        return value if valid_datetime(value, TIME_DATETIMES if element.tag == "time" else EDIT_DATETIMES) else None
    if name == "style":
        match = TEXT_ALIGN.fullmatch(value)
        return f"text-align:{match.group(1).lower()}" if match else None
    if name == "cite":
        return normalise_url(value, schemes={"http", "https"})
    return value


def valid_datetime(value: str, patterns: list[re.Pattern]) -> bool:
    """Whether ``value`` is one of the date/time forms in ``patterns`` and names a real date and time."""
    for pattern in patterns:
        match = pattern.fullmatch(value)
        if match and real_datetime(match.groupdict()):
            return True
    return False


def real_datetime(parts: dict[str, str | None]) -> bool:
    """Whether the matched year, month, day, week, hour, minute, second and zone are in range."""
    number = {key: int(value) for key, value in parts.items() if value is not None}
    try:
        if "day" in number:
            datetime.date(number.get("year", 2000), number["month"], number["day"])
        elif "week" in number:
            datetime.date.fromisocalendar(number["year"], number["week"], 1)
        elif "month" in number and not 1 <= number["month"] <= 12:
            return False
        if "year" in number and number["year"] == 0:
            return False
    except ValueError:
        return False
    return (number.get("hour", 0) < 24 and number.get("minute", 0) < 60 and number.get("second", 0) < 60
            and number.get("zone_hour", 0) < 24 and number.get("zone_minute", 0) < 60)
