"""SVG images, accepted only when they are inert drawings: no script, no external references."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from ..errors import InputError

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
MAX_SVG_BYTES = 2 * 1024 * 1024
FORBIDDEN_ELEMENTS = {"script", "foreignObject", "iframe", "embed", "object", "set", "animate", "animateMotion",
                      "animateTransform", "animateColor", "handler", "listener", "discard"}
SAFE_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$")
EXTERNAL_URL = re.compile(r"url\(\s*['\"]?(?!#)", re.IGNORECASE)


def safe_svg(data: bytes, path: Path) -> bytes:
    """The SVG re-serialised without comments or processing instructions, or an InputError saying why not."""
    if len(data) > MAX_SVG_BYTES:
        raise unsafe(path, f"over {MAX_SVG_BYTES // 2**20} MB")
    if b"<!ENTITY" in data or b"<!entity" in data:
        raise unsafe(path, "it declares XML entities")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                             remove_pis=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path.name} is not a well-formed SVG: {exc}", where=str(path),
                         hint="export it as PNG") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise unsafe(path, "its root element is not <svg>")
    for element in root.iter():
        reason = element_problem(element)
        if reason:
            raise unsafe(path, reason)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def element_problem(element: etree._Element) -> str:
    """Why an element makes the drawing unsafe, or ''."""
    if not isinstance(element.tag, str):
        return ""
    name = etree.QName(element).localname
    if name in FORBIDDEN_ELEMENTS:
        return f"it contains <{name}>"
    if name == "style" and EXTERNAL_URL.search(element.text or "") or "@import" in (element.text or ""):
        return "its style loads external resources"
    for attribute, value in element.attrib.items():
        local = etree.QName(attribute).localname.lower()
        if local.startswith("on"):
            return f"it has an event handler ({local})"
        if "javascript:" in value.lower().replace(" ", ""):
            return "it contains a javascript: address"
        if local == "href" and not (value.startswith("#") or SAFE_DATA_IMAGE.match(value)):
            return f"it refers to an external resource ({value[:60]})"
        if EXTERNAL_URL.search(value):
            return "it loads external resources"
    return ""


def unsafe(path: Path, reason: str) -> InputError:
    """The error for an SVG that is refused."""
    return InputError(f"{path.name} is not a safe SVG: {reason}", where=str(path), hint="export it as PNG")
