"""TeX maths kept away from Markdown: ``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]`` and ``\\begin{env}…``.

pymdownx.arithmatex (generic mode) finds blocks and ``\\(…\\)``; dollars inside a paragraph follow pandoc's
rules instead of arithmatex's, so that prices are not maths: the opening ``$`` has a non-space after it,
the closing one a non-space before it and no digit after it ("$5 and $10", "$20-$30" stay prose), and
``$$…$$`` inside a paragraph is display maths. Every formula leaves as
``<span|div class="arithmatex">\\(tex\\)</span>`` (``\\[tex\\]`` for display), which ``core/maths.py`` typesets.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString
from pymdownx.arithmatex import ArithmatexExtension

CLASS = "arithmatex"
# after code spans (190), which may hold dollars, and before arithmatex's own inline pattern (189.9)
PRIORITY = 189.95
DOLLARS = (r"(?<![\\$])\$\$(?P<display>(?:\\.|[^\\$\x02\x03])+?)\$\$(?!\$)"
           r"|(?<![\\$\w])\$(?![\s$])(?P<inline>(?:\\.|[^\\$\x02\x03\n]|\n(?!\s*\n))+?)(?<![\s\\])\$(?![\d$])")


class DollarMaths(InlineProcessor):
    """``$…$`` and ``$$…$$`` inside a paragraph, by pandoc's rules."""

    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown's name)
        display = m.group("display") is not None
        return formula(m.group("display") if display else m.group("inline"), display), m.start(0), m.end(0)


def formula(tex: str, display: bool) -> ET.Element:
    """The element core/maths.py looks for, as arithmatex's generic mode writes it."""
    element = ET.Element("span", {"class": CLASS})
    element.text = AtomicString(rf"\[{tex}\]" if display else rf"\({tex}\)")
    return element


class MathsExtension(Extension):
    """Arithmatex for blocks and ``\\(…\\)``; pandoc's dollars inside paragraphs."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        ArithmatexExtension(generic=True, inline_syntax=["round"],
                            block_syntax=["dollar", "square", "begin"]).extendMarkdown(md)
        md.inlinePatterns.register(DollarMaths(DOLLARS, md), "pressexport-dollar-maths", PRIORITY)


def makeExtension(**kwargs) -> MathsExtension:  # noqa: N802 (Python-Markdown's loader)
    return MathsExtension(**kwargs)
