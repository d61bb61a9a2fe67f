"""Allow-list sanitising (nh3) and the parse into an lxml tree, with its depth capped."""

from __future__ import annotations

import re

import nh3
from lxml import etree, html as lxml_html

from ..errors import InputError
from ..model import Article
from .links import URL_SCHEMES

ALLOWED_TAGS = {
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s",
    "samp", "section", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "u", "ul", "var", "wbr", "aside",
}
GENERIC_ATTRIBUTES = {"id", "class", "lang", "dir", "title"}
ALLOWED_ATTRIBUTES = {
    "a": {"href"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style", "scope"}, "ol": {"start", "reversed"}, "li": {"value"},
    "col": {"span"}, "colgroup": {"span"}, "time": {"datetime"}, "q": {"cite"},
    "blockquote": {"cite"}, "del": {"datetime"}, "ins": {"datetime"},
}
REPORTED_SCHEMES = {"data", "file"}  # never loaded or linked, but named in the warning that says so
MAX_NESTING = 200
# the pipeline's own markup (footnote calls, words kept whole): not for raw HTML to claim
RESERVED_CLASSES = {"noteref", "address", "compound"}
XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def sanitise(raw_html: str) -> str:
    """Allow-list sanitising: no script, no event handlers, no dangerous URLs, no embeds."""
    return xml_characters(nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "template", "textarea", "title", "noscript", "iframe",
                            "object", "embed", "svg", "math", "select", "form"},
        attributes={"*": GENERIC_ATTRIBUTES, **ALLOWED_ATTRIBUTES},
        url_schemes=URL_SCHEMES | REPORTED_SCHEMES,  # kept only to be named in warnings, then dropped
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
    ))


def xml_characters(text: str) -> str:
    """Replace characters XML cannot hold (U+FFFE, stray control characters) with U+FFFD."""
    return XML_INVALID.sub("\ufffd", text)


def parse_tree(fragment: str, article: Article) -> etree._Element:
    """Parse sanitised HTML into an element tree under a <div> wrapper."""
    try:
        wrapper = lxml_html.fragment_fromstring(fragment or "<p></p>", create_parent="div")
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"cannot parse the rendered HTML: {exc}", where=article.path) from None
    if tree_depth(wrapper) > MAX_NESTING:
        raise InputError(f"the article nests elements more than {MAX_NESTING} levels deep", where=article.path,
                         hint="flatten deeply nested lists, quotes or HTML")
    for comment in wrapper.xpath("//comment() | //processing-instruction()"):
        comment.getparent().remove(comment)
    return wrapper


def drop_reserved_classes(tree: etree._Element) -> None:
    """Remove the class names the pipeline gives its own markup (footnote calls) from the author's HTML."""
    for element in tree.xpath(".//*[@class]"):
        names = [name for name in element.get("class").split() if name not in RESERVED_CLASSES]
        if names:
            element.set("class", " ".join(names))
        else:
            del element.attrib["class"]


def tree_depth(element: etree._Element) -> int:
    """The depth of the deepest element, computed without recursion."""
    deepest, stack = 0, [(element, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node)
    return deepest
