"""Maths for print: each MathML formula of the body drawn as SVG by ziamath (STIX Two Math outlines), since
the PDF engine does not lay out MathML.

The drawing is sized in ems and lowered by its depth below the baseline, so an inline formula sits on the
line of text at the text's size, whatever the edition's type size. A formula ziamath cannot draw is printed
as its TeX, with a warning.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import lru_cache

from lxml import etree

from ..core.maths import MATHML
from ..diagnostics import warn
from ..model import Article

DRAWN_AT = 20.0  # ziamath's font size for the drawing; the SVG is then scaled to the text in ems


def draw_maths(tree: etree._Element, article: Article) -> None:
    """Replace every ``<math>`` of the tree with its drawing (an ``<svg>`` the PDF engine lays out inline)."""
    for math in tree.xpath(".//m:math", namespaces={"m": MATHML}):
        try:
            replacement = drawing(etree.tostring(math, encoding="unicode", with_tail=False), math.get("alttext", ""))
        except Exception as exc:  # ziamath raises assorted types on MathML it cannot lay out
            warn("maths-unparsed", article.path, f"cannot draw the formula ${math.get('alttext', '')}$ for print "
                 f"({exc}); it is printed as TeX")
            replacement = etree.Element("code", {"class": "tex"})
            replacement.text = math.get("alttext", "")
        replacement.tail = math.tail
        math.getparent().replace(math, replacement)


def drawing(mathml: str, label: str) -> etree._Element:
    """The formula's SVG as an element without namespaces (the engine's HTML parser gives <svg> its own),
    sized in ems and set on the text's baseline."""
    svg = plain(ziamath_drawing(mathml, label))
    width, height = float(svg.get("width")), float(svg.get("height"))
    top = float(svg.get("viewBox").split()[1])  # minus the height above the baseline
    display = 'display="block"' in mathml.split(">", 1)[0]
    svg.set("width", f"{width / DRAWN_AT:.3f}em")
    svg.set("height", f"{height / DRAWN_AT:.3f}em")
    svg.set("class", "maths display" if display else "maths")
    svg.set("role", "img")
    svg.set("aria-label", label)
    if not display:
        svg.set("style", f"vertical-align: {-(height + top) / DRAWN_AT:.3f}em")
    return svg


@lru_cache(maxsize=1024)
def ziamath_drawing(mathml: str, label: str) -> ET.Element:
    """ziamath's SVG of the MathML (its units: 1/DRAWN_AT em), kept for the layout's next attempt."""
    import ziamath  # loads its maths font: only for the articles that hold maths

    ziamath.config.svg2 = False  # glyphs as paths, not <symbol>s: no ids to clash, and far quicker to draw
    return ziamath.Math(mathml, size=DRAWN_AT, title=label).svgxml()


def plain(source: ET.Element) -> etree._Element:
    """An ElementTree tree as new lxml elements, namespaces dropped from names."""
    element = etree.Element(source.tag.rsplit("}", 1)[-1],
                            {key.rsplit("}", 1)[-1]: value for key, value in source.attrib.items()
                             if not key.startswith("xmlns")})
    element.text = source.text
    for child in source:
        copy = plain(child)
        copy.tail = child.tail
        element.append(copy)
    return element
