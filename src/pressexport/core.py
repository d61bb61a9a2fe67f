"""Markdown to sanitised, well-formed XHTML: the core every backend shares."""

from __future__ import annotations

import datetime
import hashlib
import tempfile
import html
import ipaddress
import logging
import re
import string
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import markdown
from markdown.extensions.toc import slugify_unicode
import nh3
from lxml import etree, html as lxml_html

from . import images, remote
from .errors import InputError
from .model import Article, Asset, Note, RenderedArticle
from .paths import inside_root

log = logging.getLogger(__name__)

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
URL_SCHEMES = {"http", "https", "mailto"}
REPORTED_SCHEMES = {"data", "file"}  # never loaded or linked, but named in the warning that says so
MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "footnotes", "attr_list", "def_list", "abbr", "md_in_html",
                       "sane_lists", "toc", "pressexport.mdext.shortcodes"]
RELATED_MARKER = re.compile(r"^\[\[related(?:\s+([\w-]+))?\]\]$")
MAX_NESTING = 200
MAX_INDENT = 4 * 40  # columns of indentation: 40 levels of nested lists
MAX_QUOTE_DEPTH = 40
MAX_URL_LENGTH = 2000
LONG_WORD = re.compile(r"[^\s\u200b]{64,}")
WORD_BREAK_EVERY = 40
MARKDOWN_SPAN = re.compile(r'<(td|th|span|p|li|caption|figcaption)\b([^>]*?)\s+markdown="(?:span|1|block)"[^>]*>'
                           r"((?:(?!<\1\b).)*?)</\1>", re.DOTALL)
RESERVED_ID = re.compile(r"^(?:(?:note|noteref)-\d+(?:-\d+)?|credits|toc|landmarks|cover)$")
NAME_START = ("A-Z_a-z\xc0-\xd6\xd8-\xf6\xf8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d\u2070-\u218f"
              "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")  # XML 1.0, 5th ed.
NAME_CHAR = NAME_START + "\\-.0-9\xb7\u0300-\u036f\u203f\u2040"
VALID_ID = re.compile(f"[{NAME_START}][{NAME_CHAR}]*")  # an XML name without colons, as EPUBCheck wants
NOT_NAME_CHAR = re.compile(f"[^{NAME_CHAR}]")
RESERVED_CLASSES = {"noteref"}  # marks the footnote calls the pipeline makes; not for raw HTML to claim
# Python-Markdown's placeholder for a backslash-escaped character: STX, its code point, ETX (as such, or
# written as character references in the obfuscated address of an e-mail autolink)
MARKDOWN_ESCAPE = re.compile(r"(?:\x02|&#0*2;)((?:[0-9]|&#0*(?:4[89]|5[0-7]);)+)(?:\x03|&#0*3;)")
XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

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

# --- attribute values ---
INTEGER = re.compile(r"^-?[0-9]+$")
LANGUAGE_TAG = re.compile(r"^(?:[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)?$")
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

# --- URLs: what may stay unencoded in a URL (every other character is percent-encoded) ---
URL_SAFE = frozenset(string.ascii_letters + string.digits + "!$&'()*+,-./:;=?@_~")
HOST_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$", re.IGNORECASE)


def render_article(article: Article, *, fetch_images: bool = True, allow_remote: bool = False) -> RenderedArticle:
    """Render the article's Markdown body into a sanitised XHTML fragment with notes and assets.

    Remote (http/https) images are fetched only with ``allow_remote``; otherwise they become placeholders.
    """
    raw_html, dropped = markdown_to_html(article)
    if dropped:
        log.warning("%s: dropped template tags another tool would have expanded: %s",
                    article.path, ", ".join(dropped))
    tree = parse_fragment(sanitise(raw_html), article)
    drop_reserved_classes(tree)
    shift_headings(tree)
    note_bodies = extract_notes(tree)
    parts = [tree, *note_bodies]  # the notes share the article's file: one id space, the same repairs
    for part in parts:
        fix_structure(part)
    dedupe_ids(parts)
    headings = number_headings(tree, taken=ids_in(note_bodies))
    resolve_links(parts, article)
    for part in parts:
        break_long_words(part)
    assets = collect_images(parts, article, allow_remote) if fetch_images else ()
    place_related(tree, article)
    add_end_mark(tree, article.end_mark)
    notes = [Note(number=number, html=serialise_children(body).strip())
             for number, body in enumerate(note_bodies, start=1)]
    return RenderedArticle(
        article=article,
        body_html=serialise_children(tree),
        notes=tuple(notes),
        assets=tuple(assets),
        headings=tuple(headings),
        cover=cover_photo(article) if fetch_images else None,
    )


def markdown_to_html(article: Article) -> tuple[str, list[str]]:
    """Python-Markdown with the standard extensions; returns HTML and dropped template tags."""
    md = markdown.Markdown(
        extensions=MARKDOWN_EXTENSIONS,
        extension_configs={"toc": {"slugify": slugify_unicode},
                           "footnotes": {"BACKLINK_TEXT": ""}},
        output_format="xhtml",
    )
    check_nesting(article)
    try:
        text = md.convert(render_markdown_spans(article.body))
    except RecursionError:
        raise InputError("the Markdown is nested too deeply to render", where=article.path,
                         hint="flatten deeply nested lists or quotes") from None
    return restore_escapes(text), list(getattr(md, "dropped_template_tags", []))


def break_long_words(element: etree._Element, *, pattern: re.Pattern = LONG_WORD, every: int = WORD_BREAK_EVERY,
                     nodes: str = ".//text()[not(ancestor::pre) and not(ancestor::code)]") -> None:
    """Give very long words (hashes, URLs as text, runaway strings) invisible break opportunities (U+200B):
    lines can then wrap, and the PDF engine does not try every hyphenation point of a 100,000-letter word."""
    for node in element.xpath(nodes):
        if pattern.search(node):
            set_text(node, pattern.sub(lambda m: "\u200b".join(chunks(m.group(0), every)), node))


def chunks(word: str, size: int) -> list[str]:
    """The word cut into pieces of ``size`` characters."""
    return [word[i:i + size] for i in range(0, len(word), size)]


def set_text(node, text: str) -> None:
    """Replace a text node (an lxml "smart string") in its parent."""
    parent = node.getparent()
    if node.is_text:
        parent.text = text
    else:
        parent.tail = text


def check_nesting(article: Article) -> None:
    """Refuse Markdown nested deeper than any article needs, before Python-Markdown (which is super-linear
    in nesting depth) spends minutes on it."""
    for number, line in enumerate(article.body.split("\n"), start=article.body_line):
        indent = len(line) - len(line.lstrip(" \t")) + 3 * line[:len(line) - len(line.lstrip(" \t"))].count("\t")
        quotes = len(re.match(r"^(?:\s*>)*", line).group(0).replace(" ", "").replace("\t", ""))
        if indent > MAX_INDENT or quotes > MAX_QUOTE_DEPTH:
            raise InputError("the Markdown is nested too deeply to render", where=f"{article.path}:{number}",
                             hint=f"flatten lists or quotes nested more than {MAX_QUOTE_DEPTH} levels")


def restore_escapes(html_text: str) -> str:
    """Put back backslash-escaped characters Python-Markdown left as placeholders (in autolinks, say)."""
    def character(match: re.Match) -> str:
        code = int(re.sub(r"&#0*(\d+);", lambda digit: chr(int(digit.group(1))), match.group(1)))
        return html.escape(chr(code)) if code < 0x110000 else ""

    return MARKDOWN_ESCAPE.sub(character, html_text)


def render_markdown_spans(html_text: str) -> str:
    """Render kramdown-style ``markdown="span"`` cells and blocks that Python-Markdown leaves raw
    (it does not look inside raw HTML tables)."""
    def render(match: re.Match) -> str:
        inner = markdown.markdown(match.group(3), extensions=["attr_list"])
        inner = re.sub(r"^<p>(.*)</p>$", r"\1", inner.strip(), flags=re.DOTALL)
        return f"<{match.group(1)}{match.group(2)}>{inner}</{match.group(1)}>"

    return MARKDOWN_SPAN.sub(render, html_text)


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


def parse_fragment(fragment: str, article: Article) -> etree._Element:
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


def shift_headings(tree: etree._Element) -> None:
    """Shift body headings so the highest is <h2>: the article title is the only <h1>."""
    levels = [int(h.tag[1]) for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    if not levels or min(levels) >= 2:
        return
    shift = 2 - min(levels)
    for heading in tree.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        heading.tag = f"h{min(6, int(heading.tag[1]) + shift)}"


def number_headings(tree: etree._Element, taken: set[str] = frozenset()) -> list[tuple[int, str, str]]:
    """Give every heading a unique id (none of ``taken``) and return (level, id, text) for navigation."""
    seen = {el.get("id") for el in tree.iter() if el.get("id") and not is_heading(el)} | set(taken)
    headings = []
    for index, heading in enumerate(tree.iter("h2", "h3", "h4", "h5", "h6"), start=1):
        text = " ".join(text_without_note_calls(heading).split())
        wanted = heading.get("id") or f"section-{index}"
        unique = unique_id(wanted if re.match(r"^[A-Za-z]", wanted) else f"s-{wanted}", seen)
        heading.set("id", unique)
        headings.append((int(heading.tag[1]), unique, text or f"Section {index}"))
    return headings


def text_without_note_calls(element: etree._Element) -> str:
    """The element's text, leaving out footnote call numbers."""
    parts = [element.text or ""]
    for child in element:
        if not (child.tag == "a" and child.get("class") == "noteref"):
            parts.append(text_without_note_calls(child))
        parts.append(child.tail or "")
    return "".join(parts)


def is_heading(element: etree._Element) -> bool:
    """True for <h1>…<h6>."""
    return isinstance(element.tag, str) and re.fullmatch(r"h[1-6]", element.tag) is not None


def unique_id(wanted: str, seen: set[str]) -> str:
    """``wanted`` made a valid XML id and unique among ``seen`` (which it joins)."""
    base = NOT_NAME_CHAR.sub("-", wanted) or "id"
    if not VALID_ID.fullmatch(base):
        base = f"id-{base}"
    if RESERVED_ID.match(base):
        base = f"s-{base}"
    candidate, counter = base, 2
    while candidate in seen:
        candidate, counter = f"{base}-{counter}", counter + 1
    seen.add(candidate)
    return candidate


def extract_notes(tree: etree._Element) -> list[etree._Element]:
    """Lift Python-Markdown's footnote list out of the body and renumber the calls.

    Returns each note's content in a detached ``<div>``, note 1 first.
    """
    container = next(iter(tree.xpath('.//div[contains(concat(" ", @class, " "), " footnote ")]')), None)
    if container is None:
        return []
    numbers: dict[str, int] = {}
    bodies = []
    for item in container.xpath("./ol/li[@id]"):
        numbers[item.get("id")] = len(bodies) + 1
        for backref in item.xpath('.//a[contains(@class, "footnote-backref")]'):
            drop_keep_tail(backref)
        item.getparent().remove(item)
        item.tag = "div"
        item.attrib.clear()
        item.tail = None
        bodies.append(item)
    container.getparent().remove(container)
    rewrite_note_calls(tree, numbers)
    return bodies


def ids_in(elements: list[etree._Element]) -> set[str]:
    """Every id used inside ``elements``."""
    return {el.get("id") for root in elements for el in root.iter() if isinstance(el.tag, str) and el.get("id")}


def rewrite_note_calls(tree: etree._Element, numbers: dict[str, int]) -> None:
    """Turn each footnote call into ``<a class="noteref" href="#note-N" id="noteref-N[-k]">``."""
    uses: dict[int, int] = {}
    for link in tree.xpath('.//a[contains(@class, "footnote-ref")]'):
        number = numbers.get((link.get("href") or "").lstrip("#"))
        sup = link.getparent()
        if number is None:
            drop_keep_tail(sup if sup is not None and sup.tag == "sup" else link)
            continue
        uses[number] = uses.get(number, 0) + 1
        suffix = "" if uses[number] == 1 else f"-{uses[number]}"
        call = etree.Element("a", {"class": "noteref", "href": f"#note-{number}", "id": f"noteref-{number}{suffix}"})
        call.text = str(number)
        target = sup if sup is not None and sup.tag == "sup" else link
        call.tail = target.tail
        target.getparent().replace(target, call)


def drop_keep_tail(element: etree._Element) -> None:
    """Remove an element but keep the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    previous = element.getprevious()
    if element.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def unwrap(element: etree._Element) -> None:
    """Replace an element by its children and text."""
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    previous = element.getprevious()
    lead = element.text or ""
    if previous is not None:
        previous.tail = (previous.tail or "") + lead
    else:
        parent.text = (parent.text or "") + lead
    children = list(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if children:
        children[-1].tail = (children[-1].tail or "") + (element.tail or "")
    else:
        anchor = parent[index - 1] if index > 0 else None
        if anchor is not None:
            anchor.tail = (anchor.tail or "") + (element.tail or "")
        else:
            parent.text = (parent.text or "") + (element.tail or "")
    parent.remove(element)


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
        caption.tag = "p"
        caption.set("class", "caption")
    for item in tree.xpath(".//li[not(parent::ul or parent::ol)] | .//dt[not(parent::dl)] | .//dd[not(parent::dl)]"):
        item.tag = "p"
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


def append_text(element: etree._Element, text: str) -> None:
    """Add text at the end of an element's content."""
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


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
        return value if LANGUAGE_TAG.fullmatch(value) else None
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


def dedupe_ids(roots: list[etree._Element]) -> None:
    """Keep the first of any repeated id (across ``roots``) and make every id a valid XML name."""
    seen: set[str] = set()
    for element in (el for root in roots for el in root.iter()):
        wanted = element.get("id") if isinstance(element.tag, str) else None
        if wanted is None or element.get("class") == "noteref":
            continue
        if not VALID_ID.fullmatch(wanted) or wanted in seen or RESERVED_ID.match(wanted):
            element.set("id", unique_id(wanted, seen))
        else:
            seen.add(wanted)


def resolve_links(roots: list[etree._Element], article: Article) -> None:
    """Keep web, mail and in-page links, with their addresses normalised; make links to other pages
    absolute (with a base URL) or plain text."""
    ids = ids_in(roots)
    too_long = 0
    for link in (link for root in roots for link in root.xpath(".//a[@href]")):
        if link.get("class") == "noteref":
            continue
        target = link_target(link.get("href"), article, ids)
        if target and len(target) > MAX_URL_LENGTH:
            too_long, target = too_long + 1, None
        if target:
            link.set("href", target)
        else:
            log.debug("%s: link to '%s' is outside the edition; kept as text", article.path, link.get("href"))
            unwrap(link)
    if too_long:
        log.warning("%s: %d link(s) with addresses over %d characters kept as text only", article.path, too_long,
                    MAX_URL_LENGTH)


def link_target(href: str, article: Article, ids: set[str]) -> str | None:
    """Where a link may point in the edition: an existing id, a web or mail URL; None if nowhere."""
    href = href.strip()
    if href.startswith("#"):
        return href if href[1:] in ids else None
    absolute = normalise_url(href)
    if absolute is None and article.base_url and not has_scheme(href):
        absolute = normalise_url(urljoin(article.base_url, href), schemes={"http", "https"})
    return absolute


def has_scheme(href: str) -> bool:
    """Whether the address names a scheme (``https:``, ``javascript:``) rather than being relative."""
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", href) is not None


def normalise_url(href: str, schemes: set[str] = URL_SCHEMES) -> str | None:
    """``href`` as an absolute URL in one of ``schemes`` that URL parsers take without complaint, or None.

    Characters a URL may not hold (spaces, backslashes, braces, non-ASCII, a stray '%') are percent-encoded;
    a web address needs a valid host and port, a mail address an address.
    """
    try:
        parts = urlsplit(re.sub(r"[\t\n\r]", "", href.strip(" \t\n\r\f")))
        scheme = parts.scheme.lower()
        if scheme not in schemes:
            return None
        if scheme == "mailto":
            address, query = quote_url_part(parts.path), quote_url_part(parts.query)
            return f"mailto:{address}" + (f"?{query}" if query else "") if address else None
        netloc = web_netloc(parts)
    except (ValueError, UnicodeError):
        return None
    if netloc is None:
        return None
    return urlunsplit((scheme, netloc, quote_url_part(parts.path), quote_url_part(parts.query),
                       quote_url_part(parts.fragment, also="#")))


def web_netloc(parts) -> str | None:
    """The host (IDNA-encoded), port and any user name of a web URL, or None if the host is not valid."""
    host, port = parts.hostname, parts.port  # .port raises ValueError when out of range
    if not host:
        return None
    if ":" in host:
        host = f"[{ipaddress.IPv6Address(host).compressed}]"
    else:
        host = host.encode("idna").decode("ascii").lower()
        if not all(HOST_LABEL.fullmatch(label) for label in host.removesuffix(".").split(".")):
            return None
    user = ""
    if parts.username:
        password = f":{quote(parts.password, safe='')}" if parts.password is not None else ""
        user = f"{quote(parts.username, safe='')}{password}@"
    return f"{user}{host}" + (f":{port}" if port is not None else "")


def quote_url_part(text: str, also: str = "") -> str:
    """Percent-encode every character a URL may not hold as it is (and those in ``also``);
    existing %XX escapes are kept."""
    out = []
    for index, char in enumerate(text):
        if char in URL_SAFE and char not in also:
            out.append(char)
        elif char == "%" and re.fullmatch(r"[0-9A-Fa-f]{2}", text[index + 1:index + 3]):
            out.append(char)
        else:
            out.append(quote(char, safe=""))
    return "".join(out)


def collect_images(roots: list[etree._Element], article: Article, allow_remote: bool = False) -> list[Asset]:
    """Load every image the body and notes use from inside the root; a missing one becomes a visible placeholder.

    Unavailable images are reported in one warning per article, each with the reason.
    """
    assets: dict[str, Asset] = {}
    problems: list[str] = []
    for img in (img for root in roots for img in root.xpath(".//img")):
        src = (img.get("src") or "").strip()
        alt = img.get("alt") or ""
        if not alt.strip():
            log.warning("%s: image '%s' has no alt text; describe it for readers who cannot see it",
                        article.path, src)
        asset, problem = image_asset(src, alt, article, allow_remote)
        if problem:
            problems.append(f"'{src if len(src) <= 80 else src[:77] + '...'}' ({problem})")
            img.set("class", "missing-image")
        assets.setdefault(asset.name, asset)
        img.set("src", asset.name)
        img.set("alt", alt)
        wrap_in_figure(img)
    if problems:
        log.warning("%s: %d image(s) not available, placeholders shown: %s", article.path, len(problems),
                    "; ".join(problems))
    return list(assets.values())


def image_asset(src: str, alt: str, article: Article, allow_remote: bool = False) -> tuple[Asset, str]:
    """The normalised image and '', or a placeholder and the reason the image is not available."""
    scheme = urlsplit(src).scheme.lower() if src else ""
    if allow_remote and scheme in ("http", "https"):
        return loaded_asset(lambda: remote_image(src), src, alt)
    local = inside_root(article.base_dir, src, article.root) if src else None
    if local is None:
        problem = ("no source" if not src else "remote; --allow-remote fetches it" if scheme in ("http", "https")
                   else f"{scheme}: URLs are never loaded" if scheme else "outside the content root")
        return placeholder_asset(src, alt), problem
    if not local.is_file():
        return placeholder_asset(src, alt), "not found"
    return loaded_asset(lambda: images.load_image(local), src, alt)


def loaded_asset(load, src: str, alt: str) -> tuple[Asset, str]:
    """Run ``load`` (returning data and media type) into an Asset, or a placeholder and the reason."""
    try:
        data, media_type = load()
    except InputError as exc:
        return placeholder_asset(src, alt), exc.message
    name = f"images/{hashlib.sha256(data).hexdigest()[:16]}.{images.extension(media_type)}"
    return Asset(name=name, media_type=media_type, data=data, alt=alt), ""


def remote_image(url: str) -> tuple[bytes, str]:
    """Fetch an image over http(s) (timeout, size cap) and normalise it like a local one."""
    data = remote.fetch(url)
    with tempfile.TemporaryDirectory(prefix="pressexport-") as folder:
        path = Path(folder) / (Path(urlsplit(url).path).name or "image")
        path.write_bytes(data)
        return images.load_image(path)


def cover_photo(article: Article) -> Asset | None:
    """The article's cover photo, normalised once for every backend; None (with a warning) when unusable."""
    cover = article.cover
    if cover is None or cover.image is None:
        return None
    try:
        data, media_type = images.load_image(cover.image)
    except InputError as exc:
        log.warning("%s: cover image unusable (%s); the editions go without it", article.path, exc.message)
        return None
    return Asset(name=f"images/cover.{images.extension(media_type)}", media_type=media_type, data=data,
                 alt=cover.alt)


def placeholder_asset(src: str, alt: str) -> Asset:
    """A grey box that says which image is missing."""
    label = alt or src or "image"
    data = images.placeholder_image(f"Image not available: {label}")
    digest = hashlib.sha256(data).hexdigest()[:16]
    return Asset(name=f"images/missing-{digest}.png", media_type="image/png", data=data, alt=alt)


def wrap_in_figure(img: etree._Element) -> None:
    """An image alone in a paragraph becomes a figure; its title becomes the caption."""
    parent = img.getparent()
    title = img.attrib.pop("title", "")
    if parent is None or parent.tag != "p" or len(parent) != 1 or (parent.text or "").strip() or (img.tail or "").strip():
        return
    parent.tag = "figure"
    img.tail = None
    if title:
        caption = etree.SubElement(parent, "figcaption")
        caption.text = title


def place_related(tree: etree._Element, article: Article) -> None:
    """Replace ``[[related key]]`` paragraphs with related-reading boxes; append the rest."""
    remaining = list(article.related)
    for paragraph in tree.xpath(".//p"):
        match = RELATED_MARKER.match((paragraph.text_content() or "").strip())
        if not match:
            continue
        item = next((r for r in remaining if r.key == match.group(1)), None) if match.group(1) else \
            (remaining[0] if remaining else None)
        if item is None:
            log.warning("%s: no related item '%s' in front matter; marker removed", article.path, match.group(1))
            paragraph.getparent().remove(paragraph)
            continue
        remaining.remove(item)
        paragraph.getparent().replace(paragraph, related_box(item))
    for item in remaining:
        tree.append(related_box(item))


def related_box(item) -> etree._Element:
    """An <aside class="related"> naming the source and linking the title when a URL is known."""
    aside = etree.Element("aside", {"class": "related"})
    label = etree.SubElement(aside, "p", {"class": "related-label"})
    label.text = "Related reading"
    line = etree.SubElement(aside, "p", {"class": "related-title"})
    url = normalise_url(item.url, schemes={"http", "https"}) if item.url else None
    if url:
        link = etree.SubElement(line, "a", {"href": url})
        link.text = item.title
    else:
        line.text = item.title
    if item.source:
        source = etree.SubElement(aside, "p", {"class": "related-source"})
        source.text = item.source
    return aside


def add_end_mark(tree: etree._Element, mark: str) -> None:
    """Append the publication's end mark to the last block of running text (not an aside or figure)."""
    if not mark:
        return
    blocks = tree.xpath(".//*[self::p or self::li or self::dd or self::td][normalize-space()]"
                        "[not(ancestor-or-self::aside)][not(ancestor-or-self::figure)]")
    if not blocks:
        return
    span = etree.SubElement(blocks[-1], "span", {"class": "end-mark"})
    span.text = mark


def serialise_children(element: etree._Element) -> str:
    """The element's content as an XHTML string (text plus serialised children)."""
    parts = [escape_text(element.text or "")]
    parts.extend(etree.tostring(child, encoding="unicode", method="xml", with_tail=True) for child in element)
    return "".join(parts)


def escape_text(text: str) -> str:
    """Escape text for XML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
