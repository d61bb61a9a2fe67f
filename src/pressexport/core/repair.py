"""Structure repair: what HTML parsers allow but the XHTML content models EPUBCheck applies do not."""

from __future__ import annotations

import re

from lxml import etree

from .attributes import clean_attributes
from .tree import append_text, drop_keep_tail, unwrap

# --- content models (the HTML elements pressexport keeps) ---
PHRASING = {"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "img", "ins", "kbd",
            "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u",
            "var", "wbr"}
PHRASING_ONLY = (PHRASING - {"a", "del", "ins", "br", "img", "wbr"}) | {"p", "pre", "h1", "h2", "h3", "h4", "h5",
                                                                       "h6"}
VOID = ("br", "col", "hr", "img", "wbr")
TABLE_PARTS = {"caption": 0, "colgroup": 1, "thead": 2, "tbody": 3, "tr": 3, "tfoot": 4}
UNIQUE_PARTS = ("caption", "thead", "tfoot")
NO_SELF_NESTING = ("a", "dfn", "time")
RUBY_SHAPE = re.compile(r"^(?:b*(?:t+|p(?:tp)+))+$")  # base text, then <rt>s or <rp><rt><rp> groups


def fix_structure(tree: etree._Element) -> None:
    """Repair what HTML parsers allow but the XHTML content models EPUBCheck applies do not."""
    empty_void_elements(tree)
    flatten_blocks_in_phrasing(tree)
    fix_orphans(tree)
    for container, item in (("ul", "li"), ("ol", "li"), ("dl", "dd")):
        for element in tree.iter(container):
            adopt_strays(element, item)
    for dl in tree.iter("dl"):
        complete_definition_list(dl)
    fix_tables(tree)
    for figure in tree.iter("figure"):
        fix_figure_captions(figure)
    fix_ruby(tree)
    for tag in NO_SELF_NESTING:
        for nested in tree.xpath(f".//{tag}//{tag}"):
            unwrap(nested)
    clean_attributes(tree)


def empty_void_elements(tree: etree._Element) -> None:
    """Move out what a lenient parse put inside a void element (lxml does not know ``<wbr>`` is empty)."""
    for element in list(tree.iter(*VOID)):
        if not len(element) and not element.text:
            continue
        children, tail = list(element), element.tail
        element.tail, element.text = element.text, None
        anchor = element
        for child in children:
            anchor.addnext(child)  # the child's tail moves with it
            anchor = child
        if children:
            children[-1].tail = (children[-1].tail or "") + (tail or "")
        else:
            element.tail = (element.tail or "") + (tail or "")


def flatten_blocks_in_phrasing(tree: etree._Element) -> None:
    """Blocks inside elements that only take phrasing content (a <div> in an <em>, a list in a heading
    or in <pre>) become <span>s, keeping their text."""
    stack = [(tree, False)]
    while stack:
        element, phrasing = stack.pop()
        if phrasing and element.tag not in PHRASING:
            element.tag = "span"
        inside = phrasing or element.tag in PHRASING_ONLY
        stack.extend((child, inside) for child in element if isinstance(child.tag, str))


def fix_orphans(tree: etree._Element) -> None:
    """Captions, list items, terms and table parts outside their parent element become ordinary ones."""
    for caption in tree.xpath(".//caption[not(parent::table)] | .//figcaption[not(parent::figure)]"):
        caption.tag = paragraph_or_division(caption)
        caption.set("class", "caption")
    for item in tree.xpath(".//li[not(parent::ul or parent::ol)] | .//dt[not(parent::dl)] | .//dd[not(parent::dl)]"):
        item.tag = paragraph_or_division(item)
    for col in tree.xpath(".//col[not(parent::colgroup)]"):
        drop_keep_tail(col)
    for part in tree.xpath(".//tr[not(parent::table or parent::thead or parent::tbody or parent::tfoot)]"
                           " | .//thead[not(parent::table)] | .//tbody[not(parent::table)]"
                           " | .//tfoot[not(parent::table)] | .//colgroup[not(parent::table)]"):
        unwrap(part)
    for cell in tree.xpath(".//td[not(parent::tr)] | .//th[not(parent::tr)]"):
        cell.tag = "span"
    for nested in tree.xpath(".//caption//table"):
        move_after_table(nested)


def paragraph_or_division(element: etree._Element) -> str:
    """What an orphaned container becomes: a paragraph, or a division when it holds blocks (a paragraph
    cannot)."""
    blocks = [child for child in element if isinstance(child.tag, str) and child.tag not in PHRASING]
    return "div" if blocks else "p"


def move_after_table(nested: etree._Element) -> None:
    """Move a table out of the caption it sits in to just after the captioned table."""
    caption = next(nested.iterancestors("caption"))
    drop_keep_tail(nested)
    nested.tail = None
    caption.getparent().addnext(nested)


def adopt_strays(container: etree._Element, item_tag: str) -> None:
    """Text and elements directly in a list that are not its items join the item before them when it
    is an ``item_tag`` one, else a new ``item_tag`` item (``<ul><p>x</p><li>`` → ``<ul><li><p>x</p></li><li>``)."""
    items = {"dt", "dd"} if container.tag == "dl" else {"li"}
    item = None
    if (container.text or "").strip():
        item = etree.Element(item_tag)
        item.text, container.text = container.text, None
        container.insert(0, item)
    for child in list(container):
        if child is item:
            continue
        if child.tag in items:
            item = child
            if (child.tail or "").strip():
                append_text(child, child.tail)
                child.tail = None
            continue
        if item is None or item.tag != item_tag:
            item = etree.Element(item_tag)
            child.addprevious(item)
        item.append(child)


def complete_definition_list(dl: etree._Element) -> None:
    """A definition list starts with a term and ends with a definition: add empty ones where missing."""
    items = [child for child in dl if child.tag in ("dt", "dd")]
    if items and items[0].tag == "dd":
        dl.insert(0, etree.Element("dt"))
    if items and items[-1].tag == "dt":
        items[-1].addnext(etree.Element("dd"))


def fix_tables(tree: etree._Element) -> None:
    """Table parts in the order HTML requires (caption, colgroup, thead, body rows, tfoot), one caption,
    head and foot at most; a <colgroup> with <col>s takes its span from them."""
    for table in list(tree.iter("table")):
        seen: set[str] = set()
        for part in [child for child in table if child.tag in UNIQUE_PARTS]:
            if part.tag in seen and part.tag == "caption":
                part.tag, part.tail = "p", None
                part.set("class", "caption")
                table.addnext(part)
            elif part.tag in seen:
                part.tag = "tbody"
            seen.add(part.tag)
        for part in sorted(table, key=lambda child: TABLE_PARTS.get(child.tag, 3)):
            table.append(part)
    for colgroup in tree.iter("colgroup"):
        if len(colgroup):
            colgroup.attrib.pop("span", None)


def fix_figure_captions(figure: etree._Element) -> None:
    """A figure keeps one caption, as its first or last child; any other becomes a caption paragraph."""
    children = [child for child in figure if isinstance(child.tag, str)]
    captions = [child for child in children if child.tag == "figcaption"]
    keep = None
    if captions and captions[0] is children[0] and not (figure.text or "").strip():
        keep = captions[0]
    elif captions and captions[-1] is children[-1] and not (captions[-1].tail or "").strip():
        keep = captions[-1]
    for caption in captions:
        if caption is not keep:
            caption.tag = "p"
            caption.set("class", "caption")


def fix_ruby(tree: etree._Element) -> None:
    """Ruby that is not base text followed by annotations, and annotations outside ruby, become spans."""
    for ruby in list(tree.iter("ruby")):
        if not RUBY_SHAPE.fullmatch(ruby_shape(ruby)):
            ruby.tag = "span"
            for part in ruby:
                if part.tag in ("rt", "rp"):
                    part.tag = "span"
    for part in tree.xpath(".//rt[not(parent::ruby)] | .//rp[not(parent::ruby)]"):
        part.tag = "span"


def ruby_shape(ruby: etree._Element) -> str:
    """The ruby's content as letters: b for base text or elements, t for <rt>, p for <rp>."""
    shape = ["b"] if (ruby.text or "").strip() else []
    for child in ruby:
        shape.append({"rt": "t", "rp": "p"}.get(child.tag, "b"))
        if (child.tail or "").strip():
            shape.append("b")
    return "".join(shape)
