"""EPUB structure read as XML: accessibility claims computed from content, notes, sections, cover, fonts."""

from __future__ import annotations

import io
import re
import posixpath
import zipfile

import pytest
from lxml import etree
from PIL import Image

from conftest import CORPUS, CORPUS_LOGS, SEED, epubcheck_messages, write_article
from pressexport import load_article, render_article
from pressexport.backends import epub

NS = {"opf": "http://www.idpf.org/2007/opf", "x": "http://www.w3.org/1999/xhtml",
      "epub": "http://www.idpf.org/2007/ops", "dc": "http://purl.org/dc/elements/1.1/"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def build_epub(path, **options) -> zipfile.ZipFile:
    data = epub.render(render_article(load_article(path)), epub.EpubOptions(**options))
    return zipfile.ZipFile(io.BytesIO(data))


def opf_meta(book: zipfile.ZipFile, prop: str) -> list[str]:
    opf = etree.fromstring(book.read("EPUB/content.opf"))
    return [m.text for m in opf.xpath(f".//opf:meta[@property='{prop}']", namespaces=NS)]


def article_with(tmp_path, body: str, name: str = "a") -> object:
    return write_article(tmp_path / name, f"---\ntitle: Claims\nlang: en\nlicence: CC-BY-4.0\n---\n\n{body}\n")


def picture(folder, name="photo.png", size=(40, 30), mode="RGB"):
    folder.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, "navy" if mode == "RGB" else 100).save(folder / name)


def test_seed_claims_conformance(tmp_path):
    book = build_epub(SEED)
    assert opf_meta(book, "dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert "structuralNavigation" in opf_meta(book, "schema:accessibilityFeature")
    assert opf_meta(book, "schema:accessMode") == ["textual", "visual"]  # the cover is an image
    assert opf_meta(book, "dcterms:license") == ["https://creativecommons.org/licenses/by-sa/4.0/"]


def test_an_image_without_alt_text_withdraws_the_claims(tmp_path, caplog):
    picture(tmp_path / "a")
    book = build_epub(article_with(tmp_path, "## One\n\n![](photo.png)\n"))
    features = opf_meta(book, "schema:accessibilityFeature")
    assert "alternativeText" not in features
    assert opf_meta(book, "dcterms:conformsTo") == []
    assert "(missing for 1 of 2)" in opf_meta(book, "schema:accessibilitySummary")[0]  # the photo and the cover
    assert opf_meta(book, "schema:accessModeSufficient") == ["textual,visual"]
    assert any("has no alt text" in record.getMessage() for record in caplog.records)


@pytest.mark.expected_logs(r"has no alt text")
@pytest.mark.parametrize("body", [
    "## One\n\nText.[^1]\n\n[^1]: A note with ![](photo.png) inside.",
    "## One\n\n<figure><img src=\"photo.png\" alt=\"A navy box\"/><figcaption>Seen beside "
    "<img src=\"photo.png\"/></figcaption></figure>",
    "## One\n\n| a | b |\n|---|---|\n| ![](photo.png) | x |",
], ids=["in a footnote", "in a caption", "in a table"])
def test_an_unlabelled_image_anywhere_in_the_book_withdraws_the_claims(tmp_path, body):
    """The assessment reads the documents the book carries, not the body alone."""
    picture(tmp_path / "a")
    book = build_epub(article_with(tmp_path, body))
    assert opf_meta(book, "dcterms:conformsTo") == []
    assert "alternativeText" not in opf_meta(book, "schema:accessibilityFeature")
    summary = opf_meta(book, "schema:accessibilitySummary")[0]
    assert re.search(r"text alternatives for every image \(missing for 1 of \d+\)", summary)


def test_described_images_are_claimed(tmp_path):
    picture(tmp_path / "a")
    book = build_epub(article_with(tmp_path, "## One\n\n![A navy rectangle](photo.png)\n"))
    assert "alternativeText" in opf_meta(book, "schema:accessibilityFeature")
    assert "textual" in opf_meta(book, "schema:accessModeSufficient")
    assert opf_meta(book, "dcterms:conformsTo")


def test_skipped_heading_levels_withdraw_structural_navigation(tmp_path):
    book = build_epub(article_with(tmp_path, "## One\n\ntext\n\n#### Three\n\ntext\n"))
    assert "structuralNavigation" not in opf_meta(book, "schema:accessibilityFeature")
    assert opf_meta(book, "dcterms:conformsTo") == []
    assert "headings in a logical order" in opf_meta(book, "schema:accessibilitySummary")[0]


def test_footnotes_are_epub3_footnotes_with_back_links(tmp_path):
    book = build_epub(article_with(tmp_path, "Text.[^1] More.[^1]\n\n[^1]: The note."))
    page = etree.fromstring(book.read("EPUB/article.xhtml"))
    calls = page.xpath(".//x:a[@epub:type='noteref']", namespaces=NS)
    asides = page.xpath(".//x:aside[@epub:type='footnote']", namespaces=NS)
    assert len(calls) == 2 and len(asides) == 1
    assert {call.get("href") for call in calls} == {"article.xhtml#note-1"}
    backlink = asides[0].xpath(".//x:a[@role='doc-backlink']", namespaces=NS)[0]
    assert backlink.get("href") == "article.xhtml#noteref-1"


@pytest.mark.expected_logs(*CORPUS_LOGS)
def test_long_articles_are_split_and_every_link_resolves(tmp_path):
    book = build_epub(CORPUS / "ph-introduction-to-stylometry-with-python.md")
    names = set(book.namelist())
    chapters = sorted(n for n in names if n.startswith("EPUB/article"))
    assert len(chapters) > 3
    ids = {}
    for name in names:
        if name.endswith(".xhtml"):
            ids[name] = set(etree.fromstring(book.read(name)).xpath("//@id"))
    for name in ids:
        for href in etree.fromstring(book.read(name)).xpath("//x:a/@href", namespaces=NS):
            if href.startswith(("http", "mailto")):
                continue
            target, _, fragment = href.partition("#")
            path = posixpath.normpath(posixpath.join(posixpath.dirname(name), target)) if target else name
            assert path in ids, (name, href)
            assert not fragment or fragment in ids[path], (name, href)


@pytest.mark.expected_logs(r"no 'licence' in front matter")
def test_cover_photo_is_resized_and_stripped(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    image = Image.new("RGB", (3200, 2000), "teal")
    exif = Image.Exif()
    exif[0x010E] = "secret description"
    image.save(folder / "cover.jpg", exif=exif.tobytes())
    article = write_article(folder, "---\ntitle: Cover\nlang: en\ncover:\n  image: cover.jpg\n  alt: Teal\n"
                                    "  credit: Someone\n---\n\nText.\n")
    book = build_epub(article)
    opf = etree.fromstring(book.read("EPUB/content.opf"))
    item = opf.xpath(".//opf:item[@properties='cover-image']", namespaces=NS)[0]
    cover = Image.open(io.BytesIO(book.read("EPUB/" + item.get("href"))))
    assert max(cover.size) <= 1600 and "exif" not in cover.info
    credits = book.read("EPUB/credits.xhtml").decode()
    assert "Cover photo:" in credits and "Someone" in credits


def test_embedded_fonts_with_their_licence_pass_epubcheck(tmp_path):
    data = epub.render(render_article(load_article(SEED)), epub.EpubOptions(embed_fonts=True))
    path = tmp_path / "fonts.epub"
    path.write_bytes(data)
    book = zipfile.ZipFile(path)
    opf = etree.fromstring(book.read("EPUB/content.opf"))
    fonts = opf.xpath(".//opf:item[@media-type='font/ttf']", namespaces=NS)
    assert len(fonts) >= 4
    assert "SIL Open Font License" in book.read("EPUB/fonts-licence.xhtml").decode()
    assert "META-INF/encryption.xml" not in book.namelist()  # no obfuscation
    assert epubcheck_messages(path) == []


@pytest.mark.parametrize("landmark", ["cover", "titlepage", "bodymatter", "copyright-page"])
def test_landmarks(landmark):
    nav = etree.fromstring(build_epub(SEED).read("EPUB/nav.xhtml"))
    types = nav.xpath(".//x:nav[@epub:type='landmarks']//x:a/@epub:type", namespaces=NS)
    assert landmark in types


def test_epub_styles_use_relative_units_only():
    from pressexport.resources import styles_dir

    for name in ("base.css", "epub.css"):
        css = (styles_dir() / name).read_text(encoding="utf-8")
        assert not re.search(r"\d(px|pt|mm|cm|in|pc)\b", css), name


def test_epub_colours_are_set_only_with_their_background_so_night_modes_work():
    # a reading system's night mode sets the page's text and background colours; a rule of ours that set one
    # of them alone would leave light text on a light box, or dark text on the night's black
    import tinycss2

    from pressexport.backends.epub_documents import STYLESHEETS
    from pressexport.resources import styles_dir

    declared: dict[str, dict[str, str]] = {}
    for name in STYLESHEETS:
        rules = tinycss2.parse_stylesheet((styles_dir() / name).read_text(encoding="utf-8"), skip_comments=True,
                                          skip_whitespace=True)
        for rule in rules:
            if rule.type != "qualified-rule":
                continue
            selector = tinycss2.serialize(rule.prelude).strip()
            for declaration in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True):
                if declaration.type == "declaration":
                    value = tinycss2.serialize(declaration.value).strip()
                    declared.setdefault(selector, {})[declaration.lower_name] = value
    for selector, properties in declared.items():
        background = properties.get("background", properties.get("background-color", "none"))
        colour = properties.get("color", "inherit")
        painted = background not in ("none", "transparent", "inherit")
        assert not painted, f"{selector} paints a background in the EPUB: {background}"
        assert colour in ("inherit", "currentColor"), f"{selector} sets a text colour without its background"
