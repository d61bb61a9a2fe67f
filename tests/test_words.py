"""pressexport's own words in the article's language: catalogues complete, editions free of English."""

from __future__ import annotations

import re
import zipfile
from datetime import date

import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import write_article
from pressexport.build import BuildOptions, build
from pressexport.diagnostics import collecting
from pressexport.sources.article import load_article
from pressexport.language.words import catalogue, words_for

LANGUAGES = ["en", "fr", "de", "es", "it", "pt", "ru"]
ARTICLE = """---
title: {title}
lang: {lang}
authors: [Анна Петрова, Иван Иванов]
date: 2020-04-01
first_published: {{date: 2020-04, publication: PMP Magazine}}
licence: CC-BY-4.0
related:
  - {{id: bbc, title: Другое, source: BBC}}
---

{text}

[[related bbc]]

![Карта](missing.png)
"""
RUSSIAN = "Это наш внутренний, карманный тиран. Маленький безумный режиссёр, которому мы сами выдали мегафон."


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalogue_has_every_key_with_the_same_blanks(lang):
    english, own = catalogue("en"), catalogue(lang)
    assert set(own) >= set(english)
    for key, text in english.items():
        if isinstance(text, dict):  # a counted phrase: every form has the blanks of English's
            assert "other" in own[key], key
            blanks = {tuple(sorted(re.findall(r"\{(\w+)\}", form))) for form in (*text.values(), *own[key].values())}
        else:
            blanks = {tuple(sorted(re.findall(r"\{(\w+)\}", value))) for value in (text, own[key])}
        assert len(blanks) == 1, key


@pytest.mark.parametrize(("lang", "month", "day"), [
    ("en", "April 2020", "April 1, 2020"), ("en-GB", "April 2020", "1 April 2020"), ("fr", "avril 2020", "1 avril 2020"),
    ("de", "April 2020", "1. April 2020"), ("es", "abril de 2020", "1 de abril de 2020"),
    ("ru", "апрель 2020\u202fг.", "1 апреля 2020\u202fг."),
])
def test_dates_are_written_as_each_language_writes_them(lang, month, day):
    words = words_for(lang)
    assert (words.date(date(2020, 4, 1), 2), words.date(date(2020, 4, 1), 3)) == (month, day)


def english_words() -> list[str]:
    """The fixed English phrases of the catalogue (its blanks cut out), as a reader would spot them."""
    texts = [form for text in catalogue("en").values() for form in (text.values() if isinstance(text, dict) else [text])]
    pieces = (piece.strip(" .:,()") for text in texts for piece in re.split(r"\{\w+\}", text))
    return sorted({piece for piece in pieces if len(piece) > 3 and not re.fullmatch(r"[A-Z0-9-]+", piece)})


@pytest.mark.expected_logs(r"image 'missing.png' not available", r"note\(s\) 1 printed as endnotes")
def test_a_russian_article_has_no_english_words_of_ours(tmp_path):
    longer = "\n\n" + "Этот абзац длинный, чтобы статья заняла больше одной страницы и получила колонтитулы. " * 30
    noted = RUSSIAN + "[^1]" + longer + "\n\n[^1]: Примечание со списком, поэтому в конце:\n\n    - один\n    - два\n"
    path = write_article(tmp_path / "ru", ARTICLE.format(title="Боги", lang="ru", text=noted))
    report = build([path], BuildOptions(out_dir=tmp_path / "out"))
    assert report.ok, report.failures
    epub = next(p for p in report.written if p.suffix == ".epub")
    with zipfile.ZipFile(epub) as book:
        text = " ".join("".join(etree.fromstring(book.read(name)).itertext())
                        for name in book.namelist() if name.endswith(".xhtml") and "fonts-licence" not in name)
        package = etree.fromstring(book.read("EPUB/content.opf"))
        summary = package.findtext(".//{*}meta[@property='schema:accessibilitySummary']")
    pdf = next(p for p in report.written if p.suffix == ".pdf")
    printed = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    xmp = PdfReader(pdf).xmp_metadata.rdf_root.toxml()
    for rights in (package.findtext(".//{*}rights"), xmp):  # the metadata's rights sentence too
        assert "Распространяется по лицензии Creative Commons «Атрибуция» 4.0 Всемирная" in rights
        assert "Licensed" not in rights
    for edition in (text, printed):
        assert "Авторы: Анна Петрова и Иван Иванов" in edition
        assert "Впервые опубликовано: апрель 2020" in edition and "в издании PMP Magazine." in edition
        assert "Авторство и лицензия" in edition and "читайте также" in edition.lower()  # capitals in print
        found = [phrase for phrase in english_words() if phrase in edition]
        assert found == [], found
    assert re.search(r"страница 2 из \d", printed)  # the first page has no folio
    assert "Примечания" in text and "ПРИМЕЧАНИЯ" in printed.upper()
    assert summary.startswith("Эта публикация предлагает оглавление")
    assert not re.search(r"\b(?:This|offers|contents|reader|meets|Not met)\b", summary), summary
    for edition in (text, " ".join(printed.split())):  # the licence as Creative Commons names it in Russian
        assert "Creative Commons «Атрибуция» 4.0 Всемирная" in edition and "You may" not in edition
    assert "Пожалуйста, подумайте об окружающей среде, прежде чем" in printed


def test_a_french_articles_folios_and_credits(tmp_path):
    text = "Il était une fois un article en français, assez long pour tenir sur deux pages au moins. " * 40
    path = write_article(tmp_path / "fr", ARTICLE.format(title="Histoire", lang="fr", text=text)
                         .replace("![Карта](missing.png)", ""))
    report = build([path], BuildOptions(out_dir=tmp_path / "out", formats=("pdf",)))
    printed = " ".join(page.extract_text() for page in PdfReader(report.written[0]).pages)
    assert re.search(r"page 2 sur \d", printed) and "Crédits et licence" in printed
    assert "À LIRE AUSSI" in printed  # the label is set in capitals


@pytest.mark.expected_logs(r"not translated into 'el' yet")
def test_a_language_without_a_catalogue_gets_english_words_and_says_so_once(tmp_path):
    path = write_article(tmp_path, "---\ntitle: Τίτλος\nlang: el\nlicence: CC0\n---\n\nΚείμενο.\n")
    with collecting() as found:
        article = load_article(path)
    assert [d.code for d in found] == ["words-missing"]
    assert article.print_note == words_for("en")("print_note")
    assert words_for("el").tag == "en"


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "Eco edition: 1 page instead of 4 (−75%), 1 sheet instead of 2 (−50%), toner −63%, compared with the "
           "standard edition."),
    ("fr", "Édition éco\u00a0: 1 page au lieu de 4 (−75\u00a0%), 1 feuille au lieu de 2 (−50\u00a0%), encre "
           "−63\u00a0%, par rapport à l’édition standard."),
    ("ru", "Экоиздание: 1 страница вместо 4 (−75\u00a0%), 1 лист вместо 2 (−50\u00a0%), тонер −63\u00a0% по "
           "сравнению со стандартным изданием."),
])
def test_the_eco_note_is_in_the_articles_language_with_its_plurals(lang, expected):
    from pressexport.backends.ecoprint import note
    from pressexport.eco import EcoReport, EditionFigures

    report = EcoReport(EditionFigures(pages=4, sheets=2, coverage=0.04, toner=100.0),
                       EditionFigures(pages=1, sheets=1, coverage=0.06, toner=37.0))
    assert note(report, lang) == expected
    assert words_for("ru").plural("eco_pages", 5, standard="9", change="") == "5 страниц вместо 9 ()"
