"""Smart punctuation in each language's style, on prose only."""

from __future__ import annotations

import re
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from conftest import write_article
from pressexport.build import BuildOptions, build
from pressexport.sources.article import load_article
from pressexport.language.typography import smarten_text, smarten_tree

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(("lang", "typed", "expected"), [
    ("en", '"while" instead of "whilst"', "“while” instead of “whilst”"),
    ("en", "it's the dogs' toys from the '90s", "it’s the dogs’ toys from the ’90s"),
    ("en", "He said \"she said 'no' today\".", "He said “she said ‘no’ today”."),
    ("en", "pages 10--12 --- or more...", f"pages 10–12{NBSP}— or more…"),
    ("en-GB", "'single' first", "‘single’ first"),
    ("fr", 'Rome -- « pape » et "pape"', f"Rome{NBSP}– «{NNBSP}pape{NNBSP}» et «{NNBSP}pape{NNBSP}»"),
    ("fr", "d'écriture : oui ! Quoi ?", f"d’écriture{NBSP}: oui{NNBSP}! Quoi{NNBSP}?"),
    ("de", "\"Haus\" und 'Hof', geht's", "„Haus“ und ‚Hof‘, geht’s"),
    ("de-CH", '"Haus"', "«Haus»"),
    ("ru", '"Москва" -- столица...', f"«Москва»{NBSP}— столица…"),  # тире: the em dash
    ("es", '"casa"', "«casa»"),
    ("it", '"casa"', "«casa»"),
    ("pt", '"casa"', "“casa”"),
    ("xx", '"other"', "“other”"),  # a language without its own marks: English ones
    # elisions, primes, a broken-off word, a quotation inside a quotation
    ("en", "'Tis rock 'n' roll, 'twas said; give 'em 'til noon", "’Tis rock ’n’ roll, ’twas said; give ’em ’til noon"),
    ("en", "He is 5'10\" tall, at 51°30'26\" north", "He is 5′10″ tall, at 51°30′26″ north"),
    ("en", '"Well--" she began', "“Well—” she began"),
    ("en", '"The "tidal" grid" works', "“The ‘tidal’ grid” works"),
    ("en", '"I counted to 5" she said', "“I counted to 5” she said"),  # a digit before a closing quote
    ("de", '"Das "kleine" Haus"', "„Das ‚kleine‘ Haus“"),
])
def test_quotes_dashes_and_ellipses_in_each_language(lang, typed, expected):
    assert smarten_text(typed, lang) == expected


def test_addresses_are_left_as_typed():
    typed = "see https://a--b.example/it's/... or me@x.org -- ok"
    assert smarten_text(typed, "en") == f"see https://a--b.example/it's/... or me@x.org{NBSP}– ok"


@given(st.text(alphabet=st.characters(blacklist_characters="\"'-.", blacklist_categories=("Cs",))))
def test_text_without_straight_punctuation_is_unchanged_in_english(text):
    assert smarten_text(text, "en") == text


@pytest.mark.parametrize("text", ["“Already” curly — typed… ‘right’", "«\u202fDéjà\u202f» bien"])
def test_text_typed_correctly_stays_as_it_is(text):
    assert smarten_text(text, "fr" if "Déjà" in text else "en") == text


def tree(markup: str) -> etree._Element:
    return etree.fromstring(f"<div>{markup}</div>")


def test_code_attributes_and_other_languages_in_a_tree():
    root = tree('<p title="a \'b\' c">"Quoted <em>words</em>" and <code>"x" -- y</code> it\'s '
                '<span lang="de">"Haus"</span></p><pre>"raw" --</pre><p><kbd>"k"</kbd> \'s\'</p>')
    smarten_tree(root, "en")
    text = etree.tostring(root, encoding="unicode")
    assert text == ('<div><p title="a \'b\' c">“Quoted <em>words</em>” and <code>"x" -- y</code> it’s '
                    '<span lang="de">„Haus“</span></p><pre>"raw" --</pre><p><kbd>"k"</kbd> ‘s’</p></div>')


def test_a_quote_after_code_closes_and_each_block_starts_afresh():
    root = tree('<p>the <code>nltk</code>\'s docs</p><p>"Opening</p><p>closing."</p>')
    smarten_tree(root, "en")
    assert [p.xpath("string()") for p in root] == ["the nltk’s docs", "“Opening", "closing.”"]


def test_front_matter_prose_takes_the_languages_marks(tmp_path):
    path = write_article(tmp_path, "---\ntitle: L'histoire de \"Rome\"\nsubtitle: Un -- deux\nlang: fr\n"
                                   "licence: CC0\nauthors: [Jean D'Ormesson]\n---\n\nTexte.\n")
    article = load_article(path)
    assert article.title == f"L’histoire de «{NNBSP}Rome{NNBSP}»"
    assert article.subtitle == "Un\u00a0– deux"
    assert article.authors == ("Jean D'Ormesson",)  # names as their owners type them


def test_the_epub_text_has_no_straight_quotes_outside_code(tmp_path):
    path = write_article(tmp_path / "src", '---\ntitle: "Quotes"\nlang: en\nlicence: CC0\n---\n\n'
                         'It\'s "prose" -- with `"code"` and\n\n```\nprint("block")\n```\n\n'
                         "> 'A quote' from the '80s...\n")
    report = build([path], BuildOptions(out_dir=tmp_path / "out", formats=("epub",)))
    assert report.ok, report.failures
    with zipfile.ZipFile(report.written[0]) as book:
        page = etree.fromstring(book.read("EPUB/article.xhtml"))
    for code in list(page.iter("{*}code", "{*}pre")):
        code.text = ""  # what code says is its own business
    prose = "".join(page.itertext())
    assert not re.search("[\"']|--|\\.\\.\\.", prose), prose
    assert "It’s “prose”\u00a0– with" in prose and "‘A quote’ from the ’80s…" in prose
