"""Real editions of real articles: PDF facts, EPUBCheck verdicts, reproducibility."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import CORPUS_ARTICLES, SEED, epubcheck_many, epubcheck_messages
from pressexport.build import BuildOptions, build
from pressexport.language.words import words_for

SEED_TITLE = "What is behind Russia’s sending of coronavirus aid to Italy and the West? Influence or solidarity?"
PRINT_NOTE = "Please think about the environment before printing this article."
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def pdf_text(path) -> str:
    """All the PDF's text with whitespace collapsed and soft hyphens at line ends rejoined."""
    pages = [page.extract_text() or "" for page in PdfReader(path).pages]
    # the running heads and folios between a paragraph's lines on two pages
    text = "\n".join(line for page in pages for line in page.split("\n")
                     if not re.fullmatch(r"page \d+ of \d+", line.strip()) and not line.startswith("PMP Magazine / "))
    text = re.sub(r"(\w)[\u2010\u00ad]\n(\w)", r"\1\2", text)  # WeasyPrint hyphenates with U+2010
    text = re.sub(r"(\w-)\n(\w)", r"\1\2", text)  # a compound broken at its own hyphen
    return " ".join(text.split())


def seed_paragraphs() -> list[str]:
    """The seed article's body paragraphs, as plain text."""
    body = SEED.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    paragraphs = [p.strip().lstrip("# ").strip() for p in body.split("\n\n")]
    return [" ".join(p.split()) for p in paragraphs if p and not p.startswith("[[related")]


def test_seed_pdf_carries_title_credit_licence_and_print_note(seed_build):
    text = pdf_text(seed_build["pdf"])
    assert SEED_TITLE in text
    assert "Ministry of Defence of the Russian Federation" in text
    assert "Creative Commons Attribution-ShareAlike 4.0 International" in text
    assert PRINT_NOTE in text
    assert "This piece was first published in PMP Magazine." in text
    assert "First published in April 2020" in text
    assert "BBC News" in text and "CNBC" in text
    assert "◆" in text


def test_seed_pdf_keeps_every_paragraph(seed_build):
    text = pdf_text(seed_build["pdf"])
    missing = [p[:60] for p in seed_paragraphs() if p not in text]
    assert not missing


def test_seed_pdf_metadata_and_pages(seed_build):
    reader = PdfReader(seed_build["pdf"])
    info = reader.metadata
    assert info.title == SEED_TITLE
    assert "CC BY-SA 4.0" in (info.get("/Keywords") or "")
    assert info.get("/license") == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert "Attribution-ShareAlike 4.0" in info.get("/rights", "")
    assert reader.trailer["/Root"].get("/Lang") == "en"
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4
    assert len(reader.pages) >= 2
    assert "page 2 of" in (reader.pages[1].extract_text() or "")


def test_seed_pdf_fonts_are_embedded(seed_build):
    reader = PdfReader(seed_build["pdf"])
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    assert not any("Emoji" in name for name in fonts)  # the end mark 🔷 prints as a text symbol, ◆


def test_seed_epub_passes_epubcheck_without_warnings(seed_build):
    assert epubcheck_messages(seed_build["epub"]) == []


def test_seed_epub_package_metadata(seed_build):
    with zipfile.ZipFile(seed_build["epub"]) as book:
        assert book.namelist()[0] == "mimetype"
        assert book.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        opf = etree.fromstring(book.read("EPUB/content.opf"))
        nav = book.read("EPUB/nav.xhtml").decode()
        credits = book.read("EPUB/credits.xhtml").decode()
        names = book.namelist()
    assert opf.get("version") == "3.0"
    assert opf.findtext(".//dc:language", namespaces=OPF) == "en"
    assert opf.findtext(".//dc:identifier", namespaces=OPF).startswith("urn:uuid:")
    assert "CC BY-SA 4.0" in opf.findtext(".//dc:rights", namespaces=OPF)
    assert opf.xpath(".//opf:item[@properties='cover-image']", namespaces=OPF)
    assert "EPUB/toc.ncx" in names
    assert 'epub:type="toc"' in nav and 'epub:type="landmarks"' in nav
    assert "Ministry of Defence of the Russian Federation" in credits
    assert 'epub:type="copyright-page"' in credits


def test_builds_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = build([SEED], BuildOptions(out_dir=tmp_path / "a"))
    second = build([SEED], BuildOptions(out_dir=tmp_path / "b"))
    for one, two in zip(first.written, second.written):
        assert one.read_bytes() == two.read_bytes(), one.name


def test_source_date_epoch_sets_the_edition_dates(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    report = build([SEED], BuildOptions(out_dir=tmp_path))
    pdf = next(p for p in report.written if p.suffix == ".pdf")
    epub = next(p for p in report.written if p.suffix == ".epub")
    assert PdfReader(pdf).metadata["/CreationDate"].startswith("D:20231114")
    with zipfile.ZipFile(epub) as book:
        assert b"2023-11-14T" in book.read("EPUB/content.opf")
        assert all(info.date_time[:3] == (2023, 11, 14) for info in book.infolist())


@pytest.fixture(scope="module")
def corpus_verdicts(corpus_build) -> dict:
    """EPUBCheck's messages for every corpus EPUB, checked in one JVM."""
    return epubcheck_many(books["epub"] for books in corpus_build.values())


CORPUS_LANGUAGES = {"es-ropensci-multiverso": "es", "ph-fr-transcription-automatisee-graphies-non-latines": "fr",
                    "ru-bogi-kartonnoy-vselennoy": "ru"}


@pytest.mark.parametrize("article", CORPUS_ARTICLES, ids=lambda p: p.stem)
def test_corpus_epub_passes_epubcheck(corpus_build, corpus_verdicts, article):
    assert corpus_verdicts[corpus_build[article.stem]["epub"]] == []


@pytest.mark.parametrize("article", CORPUS_ARTICLES, ids=lambda p: p.stem)
def test_corpus_pdf_has_title_and_credits(corpus_build, article):
    reader = PdfReader(corpus_build[article.stem]["pdf"])
    text = pdf_text(corpus_build[article.stem]["pdf"])
    assert reader.metadata.title and " ".join(reader.metadata.title.split())[:20] in text
    words = words_for(CORPUS_LANGUAGES.get(article.stem, "en"))  # the article's language, told from its text
    assert words("credits_title") in text
    assert words("print_note") in text


@pytest.mark.parametrize(("stem", "tag"), sorted(CORPUS_LANGUAGES.items()))
def test_a_corpus_article_without_lang_is_published_in_the_language_of_its_text(corpus_build, stem, tag):
    assert PdfReader(corpus_build[stem]["pdf"]).trailer["/Root"].get("/Lang") == tag
    with zipfile.ZipFile(corpus_build[stem]["epub"]) as book:
        opf = etree.fromstring(book.read("EPUB/content.opf"))
        assert opf.findtext(".//dc:language", namespaces=OPF) == tag
        for name in book.namelist():
            if name.endswith(".xhtml"):
                assert etree.fromstring(book.read(name)).get("lang") == tag, name
