"""XHTML text and trees: the one parse and the one serialisation every stage and backend uses."""

from __future__ import annotations

from lxml import etree, html as lxml_html


def parse_fragment(fragment: str, parent: str = "div") -> etree._Element:
    """HTML text under a ``parent`` wrapper element: the one way text becomes a tree here."""
    return lxml_html.fragment_fromstring(fragment or "<p></p>", create_parent=parent)


def serialise_children(element: etree._Element) -> str:
    """The element's content as an XHTML string (text plus serialised children)."""
    parts = [escape_text(element.text or "")]
    parts.extend(etree.tostring(child, encoding="unicode", method="xml", with_tail=True) for child in element)
    return "".join(parts)


def escape_text(text: str) -> str:
    """Escape text for XML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def serialise_html(element: etree._Element) -> str:
    """The element's content as HTML (for the PDF engine's HTML parser: no self-closed ``<a/>``)."""
    parts = [escape_text(element.text or "")]
    parts.extend(etree.tostring(child, encoding="unicode", method="html", with_tail=True) for child in element)
    return "".join(parts)
