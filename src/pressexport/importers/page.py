"""A saved web page (a blog post, a news article, a Medium export's post) as an article.

trafilatura finds the main text and the page's metadata (title, author, date, description, site name,
tags, canonical address, licence) and drops navigation, share buttons, ads, comments and scripts;
lxml then tidies what it kept (the title heading, captions trafilatura leaves out, footnotes, the page's
furniture, which goes to the front matter as it does for scraped text); markdownify writes the Markdown.
Images are copied beside the article only when they are files inside the page's own folder.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree, html as lxml_html

from ..images.load import too_large_a_file
from ..names import free_file_name

from . import Draft
from .markdown_writer import to_markdown
from .page_meta import canonical_url, h_entry, page_fields, page_title
from .scraped import Furniture, related_id

BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "table", "pre", "figure", "div",
          "dl", "hr")
MAX_PAGE_BYTES = 50 * 1024 * 1024  # a compressed page is not inflated beyond this
# A long article page holds a few thousand elements (the benchmark's 181 news pages: at most 1,709; a long
# encyclopaedia article: about 30,000). Extraction costs about a millisecond an element, so a page built to
# stall an archive run (hundreds of thousands of paragraphs) is refused before it is read, not after minutes.
MAX_PAGE_ELEMENTS = 60_000
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif", ".tif", ".tiff"}


def draft_from_page(raw: bytes, path: Path) -> Draft:
    """The article in a saved page: metadata to the front matter, the main text as Markdown."""
    return draft(raw, str(path), path.stem, beside(path))


def draft_from_url(raw: bytes, url: str) -> Draft:
    """The article in a page fetched from ``url``: its relative links and images made absolute (its
    images are fetched at build time with --allow-remote, like any remote image)."""
    name = PurePosixPath(urlsplit(url).path).stem or urlsplit(url).hostname or "article"
    imported = draft(raw, url, name, lambda _src: None, base_url=url)
    fields = imported.fields if "canonical_url" in imported.fields else {**imported.fields, "canonical_url": url}
    return Draft(source=url, fields=fields, body=imported.body)


def draft(raw: bytes, source: str, name: str, locate: Callable[[str], Path | None], *,
          base_url: str = "") -> Draft:
    """A page's article, whatever it came from."""
    import trafilatura
    from trafilatura.metadata import extract_metadata

    original = parse(raw)
    text = etree.tostring(original, encoding="unicode", method="html")
    # the metadata apart from the text: extracted together, trafilatura would resolve the text's links against
    # the site's root (and a note's "#fn1" with them) instead of the page's address
    meta = extract_metadata(text)
    extracted = trafilatura.extract(text, output_format="html", include_formatting=True, include_links=True,
                                    include_images=True, include_tables=True, include_comments=False)
    if not extracted:
        raise ValueError("no article text found in the page (is it an index or an empty page?)")
    body = safe_tree(extracted)
    title = page_title(getattr(meta, "title", None) or "", original, getattr(meta, "sitename", None) or "",
                       getattr(meta, "hostname", None) or "") or " ".join((first_heading(body) or name).split())
    restore_captions(body, original)
    if base_url:
        absolute_addresses(body, base_url)
    resolve_relative_links(body, canonical_url(original, h_entry(original)))
    text = article_text(body, title, locate)
    fields = page_fields(meta, original, text.furniture, title, text.markdown)
    if text.cover and "cover" not in fields:
        fields["cover"] = text.cover
    return Draft(source=source, fields=fields, body=text.markdown, images=tuple(text.images))


def resolve_relative_links(body: etree._Element, canonical: str) -> None:
    """A saved page's relative links point into its site: made absolute against its own address, or kept
    as their text when the page does not say where it lived (an article's links must lead somewhere)."""
    for link in body.xpath(".//a[@href]"):
        href = link.get("href")
        if href.startswith("#") or urlsplit(href).scheme:
            continue
        if canonical:
            link.set("href", urljoin(canonical, href))
        else:
            link.drop_tag()


def absolute_addresses(body: etree._Element, base_url: str) -> None:
    """Relative links and image addresses of a fetched page, made absolute against its address."""
    for element, attribute in [*((a, "href") for a in body.xpath(".//a[@href]")),
                               *((img, "src") for img in body.xpath(".//img[@src]"))]:
        value = element.get(attribute)
        if not value.startswith("#"):
            element.set(attribute, urljoin(base_url, value))


@dataclass
class ArticleText:
    """The body as Markdown, with what was lifted out of it on the way."""

    markdown: str
    furniture: Furniture
    images: list[tuple[Path, str]]
    cover: dict[str, str]


def safe_tree(html: str) -> etree._Element:
    """HTML (a page's kept text, a post's content) through ``safe``, as a <body> element."""
    root = lxml_html.fromstring(f"<html><body>{safe(html)}</body></html>")
    check_size(root)
    return root.find("body")


def article_text(body: etree._Element, title: str, locate: Callable[[str], Path | None]) -> ArticleText:
    """The steps every imported page or post goes through: its title heading dropped, its furniture lifted
    to the front matter, its local images copied, an opening image taken as the cover, Markdown written."""
    drop_title_heading(body, title)
    furniture = Furniture()
    furniture.seen_text = True  # a page's byline comes from its metadata; a "By …" paragraph is text
    lift_furniture(body, furniture)
    images = copy_images(body, locate)
    cover = lift_cover(body, {f"images/{name}" for _, name in images})
    return ArticleText(to_markdown(body), furniture, images, cover)


def parse(raw: bytes) -> etree._Element:
    """The page as a tree, never fetching anything. Its bytes are decoded by trafilatura's guess (UTF-8
    when they are valid UTF-8, else the detected encoding): many saved pages declare no charset, or a
    wrong one."""
    from trafilatura.utils import decode_file

    text = XML_DECLARATION.sub("", decode_file(raw, max_size=MAX_PAGE_BYTES), count=1)
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=False)
    root = lxml_html.document_fromstring(text or "<html></html>", parser=parser)
    check_size(root)
    for element in root.xpath("//script | //style | //noscript | //template | //iframe | //object | //embed"):
        element.drop_tree()
    return root


def check_size(root: etree._Element) -> None:
    """Refuse a page too large to be one article (see MAX_PAGE_ELEMENTS)."""
    count = sum(1 for _ in root.iter())
    if count > MAX_PAGE_ELEMENTS:
        raise ValueError(f"{count:,} HTML elements, more than one article holds ({MAX_PAGE_ELEMENTS:,} at most): "
                         "is it a whole site or a book? split it into articles and import those")


def safe(extracted: str) -> str:
    """What trafilatura kept, through the articles' own allow-list, with web and mail links only: nothing
    a page scripts, frames or points at on this machine reaches the Markdown (nor its ids and classes,
    which belong to the site's own stylesheet)."""
    import nh3

    from ..core.sanitise import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, GENERIC_ATTRIBUTES

    body = re.sub(r"(?is)^.*?<body[^>]*>|</body>.*$", "", extracted)
    cleaned = nh3.clean(body, tags=ALLOWED_TAGS, attributes={"*": GENERIC_ATTRIBUTES - {"id", "class"}, **ALLOWED_ATTRIBUTES},
                        url_schemes={"http", "https", "mailto"}, link_rel=None, strip_comments=True,
                        clean_content_tags={"script", "style", "template", "textarea", "title", "noscript",
                                            "iframe", "object", "embed", "svg", "math", "select", "form"})
    return re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", cleaned)  # an image whose address was refused


def first_heading(body: etree._Element) -> str:
    heading = body.find(".//h1")
    return heading.text_content() if heading is not None else ""


def drop_title_heading(body: etree._Element, title: str) -> None:
    """The page's own title heading, if it comes before the text, leaves the body (the title is in the front
    matter): Medium repeats it in the post's first section."""
    for element in list(body.iter("h1", "h2", "h3", "h4", "h5", "h6", "p")):
        if element.tag == "p" and element.text_content().strip():
            return
        if element.tag != "p":
            if " ".join(element.text_content().split()).casefold() != title.casefold():
                return
            element.drop_tree()


def restore_captions(body: etree._Element, original: etree._Element) -> None:
    """trafilatura keeps an image and drops its figure's caption: wrap it in its figure again."""
    captions = {}
    for figure in original.xpath("//figure[.//img and .//figcaption]"):
        image, caption = figure.xpath(".//img")[0], figure.xpath(".//figcaption")[0]
        if image.get("src"):
            captions[image.get("src")] = " ".join(caption.text_content().split())
    for image in body.xpath(".//img"):
        caption = captions.get(image.get("src") or "")
        if caption and image.getparent().tag != "figure":
            figure = etree.Element("figure")
            image.addprevious(figure)
            figure.append(copy.deepcopy(image))
            etree.SubElement(figure, "figcaption").text = caption
            figure.tail = image.tail
            image.getparent().remove(image)


def lift_furniture(body: etree._Element, furniture: Furniture) -> None:
    """Paragraphs that are the page's furniture (licence statements, notes, related cards, the print note)
    go to the front matter; a related card stays as ``[[related id]]``."""
    for paragraph in body.xpath(".//p"):
        text = paragraph.text_content().strip()
        if not text:
            continue
        blocks = furniture.read(text)
        if blocks == [text] or blocks == [" ".join(text.split())]:
            continue
        if blocks and blocks[0].startswith("[[related"):
            link = paragraph.find(".//a[@href]")
            if link is not None and link.get("href", "").startswith(("http://", "https://")):
                furniture.related[-1]["url"] = link.get("href")
            replacement = etree.Element("p")
            replacement.text = blocks[0]
            replacement.tail = paragraph.tail
            paragraph.getparent().replace(paragraph, replacement)
        elif not blocks:
            paragraph.drop_tree()
    for quote in body.xpath(".//blockquote"):
        embedded_card(quote, furniture)
    last = body.xpath(".//p[normalize-space()]")
    if last:
        furniture.take_end_mark([last[-1].text_content().rstrip()])
        if furniture.end_mark:
            strip_trailing(last[-1], furniture.end_mark)


def embedded_card(quote: etree._Element, furniture: Furniture) -> None:
    """A quotation that holds nothing but a link to another article (WordPress's embedded posts) is a
    related-reading card: its title the link's text, its source the linked site."""
    links = quote.xpath(".//a[@href]")
    text = " ".join(quote.text_content().split())
    if len(links) != 1 or " ".join(links[0].text_content().split()) != text or not text:
        return
    href = links[0].get("href", "")
    host = (urlsplit(href).hostname or "").removeprefix("www.")
    if not href.startswith(("http://", "https://")) or not host:
        return
    furniture.related.append({"id": related_id(host, furniture.related), "title": text, "source": host,
                              "url": href})
    holder = quote  # the card replaces the wrappers that hold nothing else (an embed's figure and div)
    while holder.getparent() is not None and holder.getparent().tag in ("figure", "div") \
            and holder.getparent().getparent() is not None \
            and " ".join(holder.getparent().text_content().split()) == text:
        holder = holder.getparent()
    card = etree.Element("p")
    card.text = f"[[related {furniture.related[-1]['id']}]]"
    card.tail = holder.tail
    holder.getparent().replace(holder, card)


def strip_trailing(element: etree._Element, mark: str) -> None:
    """Remove ``mark`` from the end of the element's text, wherever its last text node is."""
    nodes = element.xpath(".//text()")
    for node in reversed(nodes):
        if node.strip():
            parent = node.getparent()
            stripped = node.rstrip()
            if stripped.endswith(mark):
                new = stripped[: -len(mark)].rstrip()
                if node.is_tail:
                    parent.tail = new
                else:
                    parent.text = new
            return


def copy_images(body: etree._Element, locate: Callable[[str], Path | None]) -> list[tuple[Path, str]]:
    """Images ``locate`` finds as local files are copied to images/ (their src rewritten); others keep
    their address and build as placeholders."""
    copies: dict[Path, str] = {}
    for image in body.xpath(".//img[@src]"):
        found = locate(image.get("src"))
        if found is None:
            continue
        name = copies.setdefault(found, free_file_name(found.name, set(copies.values())))
        image.set("src", f"images/{name}")
    return list(copies.items())


def beside(page: Path) -> Callable[[str], Path | None]:
    """A locator for a page's images: relative addresses of image files inside the page's own folder."""
    folder = page.parent.resolve()

    def locate(src: str) -> Path | None:
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        return local_image(page.parent / unquote(parts.path), folder)

    return locate


def local_image(candidate: Path, folder: Path) -> Path | None:
    """The candidate, when it is an image file inside ``folder`` (links followed first) within the build's
    limit on an image file's size (a larger one keeps its address, and builds as a placeholder)."""
    resolved = candidate.resolve()
    if (resolved.is_file() and folder in resolved.parents and resolved.suffix.lower() in IMAGE_SUFFIXES
            and not too_large_a_file(resolved)):
        return resolved
    return None



CREDIT = re.compile(r"(?i)^(?P<caption>.*?)[\s.(|–—-]*\b(?:photo|image|credit|crédit|foto|фото)\s*(?:by|:|©)?\s*"
                    r"(?P<credit>[^()|]{2,120}?)\)?\.?$")


def lift_cover(body: etree._Element, copied: set[str]) -> dict[str, str]:
    """An image that opens the article, before any text, is its cover: it leaves the body for the front
    matter, with its caption and the credit the caption gives ("… Photo: Jean Dupont")."""
    first = next((child for child in body if child.tag in BLOCKS or child.tag == "img"), None)
    if first is None or first.tag not in ("figure", "img", "p") or first.text_content().strip() and first.tag == "p":
        return {}
    image = first if first.tag == "img" else first.find(".//img")
    if image is None:
        return {}
    cover = {"alt": image.get("alt", "")}
    if image.get("src", "") in copied:  # a cover that is not a local file stays described, not shown
        cover = {"image": image.get("src"), **cover}
    caption = " ".join(first.findtext(".//figcaption", "").split()) if first.tag == "figure" else ""
    credit = CREDIT.match(caption) if caption else None
    if credit:
        cover["caption"] = credit["caption"].strip() or caption
        cover["credit"] = credit["credit"].strip()
    elif caption:
        cover["caption"] = caption
    first.drop_tree()
    return {key: value for key, value in cover.items() if value}
