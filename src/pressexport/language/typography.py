"""Smart punctuation, in each language's style, on prose only: straight quotes become the language's
quotation marks (“ ” in English, « » in French with narrow no-break spaces, „ “ in German), apostrophes
become ’, ``--`` and ``---`` en and em dashes, ``...`` an ellipsis.

Code, preformatted text, keyboard input, maths, addresses and attribute values are never touched, and
text already typed correctly stays as it is. A passage marked in another language (``{lang=de}``) gets
that language's marks. Quotes are paired along a whole block, across its inline elements, as SmartyPants
does: the character before a quote says whether it opens or closes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree


VERBATIM = {"code", "pre", "kbd", "samp", "var", "tt", "script", "style", "math", "svg", "textarea"}
BLOCKS = {"p", "li", "dt", "dd", "td", "th", "caption", "figcaption", "blockquote", "div", "section", "aside",
          "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "main", "article", "nav", "figure", "body"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# An address starts where a word starts (the lookbehinds keep a 100,000-letter word linear, not quadratic).
ADDRESS = re.compile(r"(?:\b(?:https?|ftp|mailto|file):\S+|\bwww\.\S+|(?<![\w.+-])[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+)")
NARROW_NBSP, NBSP = "\u202f", "\u00a0"
APOSTROPHE = "’"
SPACED_DASH = re.compile(r"(?<!-) (?=-{2,3} )")
OPENING_CONTEXT = set(" \t\n\u00a0\u202f([{<“‘«‹„‚—–-/") | {""}  # after these, a quote opens
DECADE = re.compile(r"\d\d(?:s|\b)")  # ’90s, ’20: the apostrophe of an elided century
# English words that start with an elision: the apostrophe is not an opening quote (’tis, rock ’n’ roll)
ELIDED = re.compile(r"(?i)(?:tis|twas|twere|twill|twould|em|cause|til|bout|n(?=['’]))\b")
# Feet and inches, degrees, minutes and seconds: primes, not quotes (5′10″, 51°30′26″)
PRIMES = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?:°\s?(\d+(?:\.\d+)?))?'\s?(\d+(?:\.\d+)?)\"")
INTERRUPTED = re.compile(r"(?<=\w)--(?=[\"'”’]|$)")  # “Well--” broken off: an em dash


@dataclass(frozen=True)
class QuoteStyle:
    """A language's quotation marks."""

    primary: str  # opening and closing
    secondary: str
    spaced: bool = False  # French spacing inside guillemets and before high punctuation
    dash: str = "–"  # what a typed -- becomes: the en dash, or the em dash where the language sets that


@lru_cache(maxsize=None)
def quote_style(lang: str) -> QuoteStyle:
    """The marks for a language tag: the tag's own, else its language's, else English."""
    import yaml

    styles = yaml.safe_load((files("pressexport") / "data" / "quotes.yaml").read_text(encoding="utf-8"))
    for key in (lang, lang.split("-")[0].lower(), "en"):
        if key in styles:
            return QuoteStyle(**styles[key])
    raise LookupError("quotes.yaml has no 'en'")  # pragma: no cover - the data ships with 'en'


class Educator:
    """Turns straight punctuation into typographic punctuation along a run of text, remembering the
    character before each string and whether a single quote is open (to tell a closing one from an
    apostrophe)."""

    def __init__(self) -> None:
        self.previous = ""
        self.single_open = False
        self.doubles_open = 0  # a double quote opened inside another takes the secondary marks

    def new_block(self) -> None:
        """A block starts: nothing comes before its first character."""
        self.previous, self.single_open, self.doubles_open = "", False, 0

    def text(self, text: str, lang: str) -> str:
        """``text`` educated in ``lang``'s style; addresses in it are left as typed."""
        style = quote_style(lang)
        out, start = [], 0
        english = lang.split("-")[0].lower() == "en"
        for match in ADDRESS.finditer(text):
            out.append(self.prose(text[start:match.start()], style, english))
            out.append(match.group(0))
            self.previous = match.group(0)[-1]
            start = match.end()
        out.append(self.prose(text[start:], style, english))
        return "".join(out)

    def prose(self, text: str, style: QuoteStyle, english: bool = False) -> str:
        """Primes, dashes, ellipses and quotes of a piece of prose."""
        if not text:
            return text
        text = PRIMES.sub(primes, text)
        text = SPACED_DASH.sub(NBSP, text)  # a dash typed between words will never start a line
        text = re.sub(r"(?<!-)---(?!-)", "—", text)
        text = INTERRUPTED.sub("—", text)
        text = re.sub(r"(?<!-)--(?!-)", style.dash, text)
        text = text.replace("...", "…")
        out: list[str] = []
        for index, ch in enumerate(text):
            following = text[index + 1:index + 8]
            if ch == '"':
                ch = self.double(style, following)
            elif ch == "'":
                ch = self.single(style, following, english)
            out.append(ch)
            self.previous = ch[-1]
        educated = "".join(out)
        return french_spacing(educated) if style.spaced else educated

    def double(self, style: QuoteStyle, following: str) -> str:
        """An opening or closing double quote, by what comes before it; one opened inside another quotation
        takes the language's secondary marks (“The ‘tidal’ grid”), and so does its closing one."""
        if self.previous in OPENING_CONTEXT and not following[:1].isspace():
            self.doubles_open += 1
            return style.primary[0] if self.doubles_open == 1 else style.secondary[0]
        inner = self.doubles_open > 1
        self.doubles_open = max(0, self.doubles_open - 1)
        return style.secondary[1] if inner else style.primary[1]

    def single(self, style: QuoteStyle, following: str, english: bool = False) -> str:
        """An opening single quote, a closing one, or an apostrophe (it’s, ’90s, the dogs’, and in English
        the elisions ’tis and rock ’n’ roll)."""
        after_word = self.previous.isalnum() or bool(self.previous) and self.previous in ".,;:!?…"
        if after_word:
            if self.single_open and not following[:1].isalpha():
                self.single_open = False
                return style.secondary[1]
            return APOSTROPHE
        if (DECADE.match(following) or not following[:1] or following[:1].isspace()
                or english and ELIDED.match(following)):
            return APOSTROPHE
        self.single_open = True
        return style.secondary[0]


def primes(match: re.Match) -> str:
    """5'10" as 5′10″; 51°30'26" as 51°30′26″."""
    whole, minutes, seconds = match.groups()
    return f"{whole}°{minutes}′{seconds}″" if minutes else f"{whole}′{seconds}″"


def quoted(text: str, lang: str) -> str:
    """``text`` in the language's quotation marks (spaced inside where the language spaces them)."""
    style = quote_style(lang)
    marked = f"{style.primary[0]}{text}{style.primary[1]}"
    return french_spacing(marked) if style.spaced else marked


def french_spacing(text: str) -> str:
    """A narrow no-break space inside guillemets and before ; ! ? (replacing a space, or added inside
    guillemets), a no-break space before : (replacing a space)."""
    text = re.sub(r"([«‹])[ \u00a0\u202f]?(?=\S)", rf"\1{NARROW_NBSP}", text)
    text = re.sub(r"(?<=\S)[ \u00a0\u202f]?([»›])", rf"{NARROW_NBSP}\1", text)
    text = re.sub(r"(?<=\S)[ \u00a0]([;!?])", rf"{NARROW_NBSP}\1", text)
    return re.sub(r"(?<=\S) ([:])(?=\s|$)", rf"{NBSP}\1", text)


def smarten_tree(root: etree._Element, lang: str) -> None:
    """Educate the punctuation of every prose text in the tree (see the module's docstring)."""
    _walk(root, lang, Educator())


def _walk(element: etree._Element, lang: str, educator: Educator) -> None:
    name = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
    if not name:
        return  # a comment or processing instruction: its tail is its parent's
    lang = element.get("lang") or element.get(XML_LANG) or lang
    if name in VERBATIM:
        educator.previous = "x"  # code reads as a word: a quote right after it closes
        return
    if name in BLOCKS:
        educator.new_block()
    if element.text:
        element.text = educator.text(element.text, lang)
    for child in element:
        _walk(child, lang, educator)
        if child.tail:
            child.tail = educator.text(child.tail, lang)


def smarten_text(text: str, lang: str) -> str:
    """A line of plain text (a title, a caption) educated as a block of its own."""
    return Educator().text(text, lang) if text else text
