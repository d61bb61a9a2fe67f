"""TeX formulas as MathML: every ``arithmatex`` span or div the Markdown left becomes a ``<math>`` element.

latex2mathml parses the TeX; its tree is copied element by element through an allow-list of MathML
presentation markup (no links, no foreign elements, text kept as text), so untrusted TeX cannot smuggle
markup into an edition. The TeX itself stays on the element as ``alttext`` for readers and search. A formula
that does not parse (or names a command latex2mathml does not know) stays as TeX in ``<code>``, with a
warning naming it. The EPUB carries the MathML; the PDF draws it (``backends/print_maths.py``).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from lxml import etree

from ..diagnostics import warn
from ..model import Article

MATHML = "http://www.w3.org/1998/Math/MathML"
MATH = f"{{{MATHML}}}math"
FORMULAS = './/*[contains(concat(" ", normalize-space(@class), " "), " arithmatex ")]'
MAX_TEX = 4000  # characters in one formula: a page of maths; beyond, latex2mathml's time grows fast
DELIMITERS = {r"\(": (r"\)", False), r"\[": (r"\]", True)}
ELEMENTS = {
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup", "mfrac", "msqrt",
    "mroot", "mstyle", "merror", "mpadded", "mphantom", "mfenced", "menclose", "munder", "mover",
    "munderover", "mmultiscripts", "mprescripts", "none", "mtable", "mtr", "mtd", "mlabeledtr",
}
ATTRIBUTES = {
    "display", "mathvariant", "mathsize", "displaystyle", "scriptlevel", "stretchy", "fence", "separator",
    "lspace", "rspace", "minsize", "maxsize", "largeop", "movablelimits", "accent", "accentunder",
    "linethickness", "columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines", "rowlines",
    "frame", "framespacing", "equalrows", "equalcolumns", "width", "height", "depth", "notation", "open",
    "close", "separators", "form", "symmetric", "columnspan", "rowspan", "bevelled", "voffset", "align",
}
TOKENS = {"mi", "mn", "mo", "ms", "mtext"}
UNKNOWN_COMMAND = re.compile(r"^\\[A-Za-z]+")


class FormulaError(ValueError):
    """TeX that cannot be typeset, with the reason in words."""


def typeset_maths(part: etree._Element, article: Article) -> None:
    """Replace each formula the Markdown marked with MathML, or with its TeX in ``<code>`` and a warning."""
    for holder in part.xpath(FORMULAS):
        tex, display = delimited(holder.text_content(), block=holder.tag == "div")
        try:
            replacement = mathml(tex, display, decimal_comma=uses_decimal_comma(article.lang))
        except FormulaError as exc:
            warn("maths-unparsed", article.path, f"cannot typeset the formula {shorten(tex)}: {exc}; it is "
                 "printed as TeX (check its braces and commands)")
            replacement = etree.Element("code", {"class": "tex"})
            replacement.text = tex
        if holder.tag == "div":
            equation = etree.Element("div", {"class": "equation"})
            equation.append(replacement)
            replacement = equation
        replacement.tail = holder.tail
        holder.getparent().replace(holder, replacement)


def delimited(text: str, *, block: bool) -> tuple[str, bool]:
    """The TeX inside ``\\(…\\)`` or ``\\[…\\]`` and whether it is display maths."""
    text = text.strip()
    closing, display = DELIMITERS.get(text[:2], (None, block))
    if closing and text.endswith(closing):
        text = text[2:-2]
    return text.strip(), display


def mathml(tex: str, display: bool, *, decimal_comma: bool = False) -> etree._Element:
    """A ``<math>`` element (MathML namespace) for the TeX, carrying the TeX as ``alttext``; with
    ``decimal_comma``, 0,15 is one number (TeX would set the comma as punctuation, a space after it)."""
    from latex2mathml.converter import convert_to_element  # imported by the articles that hold maths

    if not tex:
        raise FormulaError("it is empty")
    if len(tex) > MAX_TEX:
        raise FormulaError(f"it is longer than {MAX_TEX} characters")
    try:
        parsed = convert_to_element(tex, display="block" if display else "inline")
    except RecursionError:
        raise FormulaError("it nests too deeply") from None
    except Exception as exc:  # latex2mathml raises its own types, and IndexError or KeyError on bad input
        raise FormulaError(reason(exc)) from None
    math = copied(parsed)
    math.set("alttext", " ".join(tex.split()))
    if decimal_comma:
        join_decimal_commas(math)
    return math


def uses_decimal_comma(lang: str) -> bool:
    """Whether the language writes 0,15 for 0.15 (CLDR's decimal symbol, by Babel)."""
    from babel.numbers import get_decimal_symbol

    from ..language.words import babel_locale

    return get_decimal_symbol(babel_locale(lang)) == ","


def join_decimal_commas(math: etree._Element) -> None:
    """Make <mn>0</mn><mo>,</mo><mn>15</mn> one <mn>0,15</mn>."""
    for comma in math.xpath(".//m:mo[.=',']", namespaces={"m": MATHML}):
        before, after = comma.getprevious(), comma.getnext()
        if before is not None and after is not None and before.tag == after.tag == f"{{{MATHML}}}mn" \
                and "," not in (before.text or ",") and (after.text or "").isdigit():
            before.text = f"{before.text},{after.text}"
            before.tail = after.tail
            comma.getparent().remove(comma)
            after.getparent().remove(after)


def copied(source: ET.Element, parent: etree._Element | None = None) -> etree._Element:
    """latex2mathml's tree as lxml MathML elements, through the allow-list; its text kept as text."""
    name = source.tag.rsplit("}", 1)[-1]
    if name not in ELEMENTS:
        raise FormulaError(f"it produced <{name}>, which an edition does not carry")
    attributes = {key: value for key, value in source.attrib.items() if key in ATTRIBUTES}
    tag = f"{{{MATHML}}}{name}"
    element = (etree.Element(tag, attributes, nsmap={None: MATHML}) if parent is None
               else etree.SubElement(parent, tag, attributes))
    element.text = html.unescape(source.text) if source.text else None  # latex2mathml writes &#x…; as text
    if name in TOKENS and element.text and UNKNOWN_COMMAND.match(element.text):
        raise FormulaError(f"{UNKNOWN_COMMAND.match(element.text).group(0)} is not a command it knows")
    for child in source:
        copied(child, element).tail = html.unescape(child.tail) if child.tail else None
    return element


def reason(exc: Exception) -> str:
    """latex2mathml's exception as words: its class name says what is wrong (MissingSuperScriptOrSubscriptError)."""
    name = re.sub(r"Error$", "", type(exc).__name__)
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()
    return f"{words}{f' ({exc})' if str(exc) else ''}"


def shorten(tex: str, limit: int = 60) -> str:
    """The formula as quoted in a message."""
    flat = " ".join(tex.split())
    return f"${flat if len(flat) <= limit else flat[:limit - 1] + '…'}$"
