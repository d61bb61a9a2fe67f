"""Markdown to sanitised, well-formed XHTML: the core every backend shares."""

from __future__ import annotations

import hashlib
import logging
import re
from urllib.parse import urljoin, urlsplit

import markdown
from markdown.extensions.toc import slugify_unicode
import nh3
from lxml import etree, html as lxml_html

from . import images
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
MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "footnotes", "attr_list", "def_list", "abbr", "md_in_html",
                       "sane_lists", "toc", "pressexport.mdext.shortcodes"]
RELATED_MARKER = re.compile(r"^\[\[related(?:\s+([\w-]+))?\]\]$")
MAX_NESTING = 200
MARKDOWN_SPAN = re.compile(r'<(td|th|span|p|li|caption|figcaption)\b([^>]*?)\s+markdown="(?:span|1|block)"[^>]*>'
                           r"((?:(?!<\1\b).)*?)</\1>", re.DOTALL)
RESERVED_ID = re.compile(r"^(?:(?:note|noteref)-\d+(?:-\d+)?|credits|toc|landmarks|cover)$")


def render_article(article: Article, *, fetch_images: bool = True) -> RenderedArticle:
    """Render the article's Markdown body into a sanitised XHTML fragment with notes and assets."""
    raw_html, dropped = markdown_to_html(article)
    if dropped:
        log.warning("%s: dropped template tags another tool would have expanded: %s",
                    article.path, ", ".join(dropped))
    tree = parse_fragment(sanitise(raw_html), article)
    shift_headings(tree)
    notes = extract_notes(tree)
    headings = number_headings(tree)
    fix_structure(tree)
    resolve_links(tree, article)
    assets = collect_images(tree, article) if fetch_images else ()
    place_related(tree, article)
    add_end_mark(tree, article.end_mark)
    return RenderedArticle(
        article=article,
        body_html=serialise_children(tree),
        notes=tuple(notes),
        assets=tuple(assets),
        headings=tuple(headings),
    )


def markdown_to_html(article: Article) -> tuple[str, list[str]]:
    """Python-Markdown with the standard extensions; returns HTML and dropped template tags."""
    md = markdown.Markdown(
        extensions=MARKDOWN_EXTENSIONS,
        extension_configs={"toc": {"slugify": slugify_unicode},
                           "footnotes": {"BACKLINK_TEXT": ""}},
        output_format="xhtml",
    )
    try:
        text = md.convert(render_markdown_spans(article.body))
    except RecursionError:
        raise InputError("the Markdown is nested too deeply to render", where=article.path,
                         hint="flatten deeply nested lists or quotes") from None
    return text, list(getattr(md, "dropped_template_tags", []))


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
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "template", "textarea", "title", "noscript", "iframe",
                            "object", "embed", "svg", "math", "select", "form"},
        attributes={"*": GENERIC_ATTRIBUTES, **ALLOWED_ATTRIBUTES},
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
    )


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


def number_headings(tree: etree._Element) -> list[tuple[int, str, str]]:
    """Give every heading a unique id and return (level, id, text) for navigation."""
    seen = {el.get("id") for el in tree.iter() if el.get("id") and not is_heading(el)}
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
    """``wanted`` made XML-safe and unique among ``seen`` (which it joins)."""
    base = re.sub(r"[^\w.-]", "-", wanted) or "id"
    if RESERVED_ID.match(base):
        base = f"s-{base}"
    candidate, counter = base, 2
    while candidate in seen:
        candidate, counter = f"{base}-{counter}", counter + 1
    seen.add(candidate)
    return candidate


def extract_notes(tree: etree._Element) -> list[Note]:
    """Lift Python-Markdown's footnote list out of the body and renumber the calls."""
    container = next(iter(tree.xpath('.//div[contains(concat(" ", @class, " "), " footnote ")]')), None)
    if container is None:
        return []
    numbers: dict[str, int] = {}
    notes = []
    for item in container.xpath(".//li[@id]"):
        number = len(notes) + 1
        numbers[item.get("id")] = number
        for backref in item.xpath('.//a[contains(@class, "footnote-backref")]'):
            drop_keep_tail(backref)
        notes.append(Note(number=number, html=serialise_children(item).strip()))
    container.getparent().remove(container)
    rewrite_note_calls(tree, numbers)
    return notes


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
    """Repair what HTML parsers allow but XHTML content models do not."""
    for caption in tree.xpath(".//caption[not(parent::table)]"):
        caption.tag = "p"
        caption.set("class", "caption")
    for figcaption in tree.xpath(".//figcaption[not(parent::figure)]"):
        figcaption.tag = "p"
        figcaption.set("class", "caption")
    for item in tree.xpath(".//li[not(parent::ul or parent::ol)]"):
        item.tag = "p"
    for term in tree.xpath(".//dt[not(parent::dl)] | .//dd[not(parent::dl)]"):
        term.tag = "p"
    for col in tree.xpath(".//col[not(parent::colgroup)]"):
        col.getparent().remove(col)
    for row_part in tree.xpath(".//tr[not(parent::table or parent::thead or parent::tbody or parent::tfoot)]"):
        unwrap(row_part)
    for cell in tree.xpath(".//td[not(parent::tr)] | .//th[not(parent::tr)]"):
        cell.tag = "span"
    for nested in tree.xpath(".//a//a"):
        unwrap(nested)
    dedupe_ids(tree)


def dedupe_ids(tree: etree._Element) -> None:
    """Keep the first of any repeated id and make every id a valid XML name."""
    seen: set[str] = set()
    for element in tree.iter():
        wanted = element.get("id") if isinstance(element.tag, str) else None
        if wanted is None or element.get("class") == "noteref":
            continue
        if not re.match(r"^[A-Za-z_][\w.-]*$", wanted) or wanted in seen or RESERVED_ID.match(wanted):
            element.set("id", unique_id(wanted if re.match(r"^[A-Za-z_]", wanted) else f"id-{wanted}", seen))
        else:
            seen.add(wanted)


def resolve_links(tree: etree._Element, article: Article) -> None:
    """Keep web, mail and in-page links; make links to other pages absolute or plain text."""
    ids = {el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}
    for link in tree.xpath(".//a[@href]"):
        href = link.get("href").strip()
        if link.get("class") == "noteref":
            continue
        parts = urlsplit(href)
        if parts.scheme in URL_SCHEMES:
            continue
        if not parts.scheme and not parts.netloc and not parts.path and parts.fragment in ids:
            continue
        absolute = urljoin(article.base_url, href) if article.base_url and not href.startswith("#") else ""
        if absolute and urlsplit(absolute).scheme in {"http", "https"}:
            link.set("href", absolute)
        else:
            log.debug("%s: link to '%s' is outside the edition; kept as text", article.path, href)
            unwrap(link)


def collect_images(tree: etree._Element, article: Article) -> list[Asset]:
    """Load every referenced image inside the root; a missing one becomes a visible placeholder.

    Unavailable images are reported in one warning per article, each with the reason.
    """
    assets: dict[str, Asset] = {}
    problems: list[str] = []
    for img in tree.xpath(".//img"):
        src = (img.get("src") or "").strip()
        alt = img.get("alt") or ""
        if not alt.strip():
            log.warning("%s: image '%s' has no alt text; describe it for readers who cannot see it",
                        article.path, src)
        asset, problem = image_asset(src, alt, article)
        if problem:
            problems.append(f"'{src}' ({problem})")
            img.set("class", "missing-image")
        assets.setdefault(asset.name, asset)
        img.set("src", asset.name)
        img.set("alt", alt)
        wrap_in_figure(img)
    if problems:
        log.warning("%s: %d image(s) not available, placeholders shown: %s", article.path, len(problems),
                    "; ".join(problems))
    return list(assets.values())


def image_asset(src: str, alt: str, article: Article) -> tuple[Asset, str]:
    """The normalised image and '', or a placeholder and the reason the image is not available."""
    local = inside_root(article.base_dir, src, article.root) if src else None
    if local is None:
        problem = "no source" if not src else "remote" if urlsplit(src).scheme else "outside the content root"
    elif not local.is_file():
        problem = "not found"
    else:
        try:
            data, media_type = images.load_image(local)
        except InputError as exc:
            return placeholder_asset(src, alt), exc.message
        extension = "jpg" if media_type == "image/jpeg" else "png"
        name = f"images/{hashlib.sha256(data).hexdigest()[:16]}.{extension}"
        return Asset(name=name, media_type=media_type, data=data, alt=alt), ""
    return placeholder_asset(src, alt), problem


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
    if item.url and urlsplit(item.url).scheme in {"http", "https"}:
        link = etree.SubElement(line, "a", {"href": item.url})
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
