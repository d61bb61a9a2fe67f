"""An article's language: as declared, else told from its prose (never from its code or addresses)."""

from __future__ import annotations

import pytest

from conftest import CORPUS, CORPUS_LOGS, write_article
from pressexport.diagnostics import collecting
from pressexport.language.detection import detect, prose_of
from pressexport.sources.article import load_article

RUSSIAN = ("Это наш внутренний, карманный тиран. Маленький безумный режиссёр, которому мы сами выдали "
           "мегафон и право решать, как должен выглядеть мир.")
GERMAN = ("Die Redaktion hat beschlossen, das Archiv der letzten zwanzig Jahre neu zu ordnen und jede Ausgabe "
          "als Buch zu veröffentlichen.")


@pytest.mark.expected_logs(*CORPUS_LOGS)
@pytest.mark.parametrize(("name", "tag"), [
    ("es-ropensci-multiverso.md", "es"),
    ("ph-fr-transcription-automatisee-graphies-non-latines.md", "fr"),
    ("ru-bogi-kartonnoy-vselennoy.md", "ru"),
    ("ph-georeferencing-qgis.md", "en"),
])
def test_corpus_articles_without_lang_are_told_by_their_text(name, tag):
    with collecting() as found:
        article = load_article(CORPUS / name)
    assert article.lang == tag
    said = [d.message for d in found if d.code == "lang-detected"]
    assert len(said) == 1 and said[0].endswith(f"add 'lang: {tag}' to be sure")


@pytest.mark.expected_logs(r"no 'lang' in front matter")
def test_the_warning_names_the_language_in_words(tmp_path):
    path = write_article(tmp_path, f"---\ntitle: Боги\nlicence: CC0\n---\n\n{RUSSIAN}\n")
    with collecting() as found:
        assert load_article(path).lang == "ru"
    assert [d.message for d in found] == ["no 'lang' in front matter; the text reads as Russian: "
                                          "add 'lang: ru' to be sure"]


def test_a_declared_language_is_never_second_guessed(tmp_path):
    path = write_article(tmp_path, f"---\ntitle: T\nlang: de\nlicence: CC0\n---\n\n{RUSSIAN}\n")
    with collecting() as found:
        assert load_article(path).lang == "de"
    assert found == []


@pytest.mark.expected_logs(r"no 'lang' in front matter")
def test_too_little_text_is_english_with_a_warning_that_says_so(tmp_path):
    path = write_article(tmp_path, "---\ntitle: Привет\nlicence: CC0\n---\n\nДа.\n")
    with collecting() as found:
        assert load_article(path).lang == "en"
    assert [d.code for d in found] == ["lang-missing"]
    assert "too little text to tell its language; assuming 'en'" in found[0].message


def test_code_urls_and_markup_are_not_read_as_language():
    english_code = "\n".join(["```python", "def read(path): return open(path).read()  # " * 20, "```"])
    text = f"{GERMAN}\n\n{english_code}\n\n`some_identifier_in_english` <span class='x'>Text</span> " \
           "[link](https://example.com/the/english/words/here) https://example.org/more/english/words\n"
    assert "def read" not in prose_of(text) and "example" not in prose_of(text) and "span" not in prose_of(text)
    assert detect("", text).tag == "de"
    assert detect("", english_code) is None  # nothing but code: no prose to tell from


def test_mostly_code_with_a_little_prose_is_told_by_the_prose():
    code = "```\n" + "print('hello world, this is English code')\n" * 200 + "```"
    assert detect("Заголовок", RUSSIAN + "\n\n" + code).tag == "ru"
