"""Hyphenation that never corrupts: en-US for plain en, limits on words and fragments, and nothing a reader
may copy (code, addresses, the source hash, compounds already hyphenated) ever cut by an added hyphen."""

from __future__ import annotations

import re

import pyphen
from pypdf import PdfReader

from conftest import write_article
from pressexport.build import BuildOptions, build
from pressexport.language.hyphenation import american_english_for_plain_en
from pressexport.options import PdfOptions

HYPHEN = "\u2010"  # what WeasyPrint adds at a line's end
PROSE = ("Notwithstanding considerable international disagreements, extraordinary humanitarian "
         "responsibilities characterised governmental communications throughout the pandemic. ")
TOKENS = ["federalist_papers_dictionary_by_author_and_disputed_subset", "editor-in-chief@magazine.example.org",
          "https://collections.example.org/archive/back-issues/1998/interview-with-the-editor-in-chief",
          "Rear-Admiral", "Sub-Lieutenant-Commander"]


def test_plain_english_hyphenates_as_american_english():
    american_english_for_plain_en()
    assert pyphen.Pyphen(lang=pyphen.language_fallback("en")).inserted("capital") == "cap-i-tal"
    assert pyphen.Pyphen(lang=pyphen.language_fallback("en_GB")).inserted("capital") == "cap-it-al"


def a5_text(tmp_path, body: str, links: str = "inline") -> tuple[str, str]:
    """The A5 PDF's text as extracted (web addresses after their links), and the article's source hash."""
    path = write_article(tmp_path / "src", f"---\ntitle: Narrow\nlang: en\nlicence: CC0\nlinks: {links}\n---\n\n{body}\n")
    report = build([path], BuildOptions(out_dir=tmp_path / "out", formats=("pdf",),
                                        pdf=PdfOptions(page_size="a5")))
    assert report.ok, report.failures
    text = "\n".join(page.extract_text() for page in PdfReader(report.written[0]).pages)
    import hashlib

    return text, hashlib.sha256(path.read_bytes()).hexdigest()


def test_nothing_a_reader_may_copy_is_cut_by_an_added_hyphen(tmp_path):
    body = "\n\n".join(
        f"{PROSE * 2}The value `{TOKENS[0]}` is read. Write to {TOKENS[1]} or see {TOKENS[2]}. "
        f"{TOKENS[3]} Litvinov met the {TOKENS[4]} {PROSE}" for _ in range(3))
    text, digest = a5_text(tmp_path, body)
    joined = text.replace("\n", "")
    for token in [*TOKENS, digest]:
        assert token in joined, token  # wherever it wraps, no hyphen was put inside it
    assert HYPHEN in text  # the prose around them is still hyphenated


def test_words_and_fragments_are_long_enough(tmp_path):
    text, _ = a5_text(tmp_path, (PROSE * 12 + "\n\n") * 2)
    breaks = re.findall(rf"(\w+){HYPHEN}\n(\w+)", text)
    assert breaks
    for before, after in breaks:
        assert len(before) >= 3 and len(after) >= 3 and len(before + after) >= 6, (before, after)


def test_link_text_breaks_only_between_words(tmp_path):
    # A link's text once had overflow-wrap: anywhere: WeasyPrint then filled a line up to any letter of
    # it ("Read the o / riginal article"). Only the printed address after it may break anywhere.
    words = "reading several printed magazines during winter evenings remains".split()
    body = "\n\n".join(
        f"**{' '.join(words[:i % 8 + 1])}: read the [original article](https://example.com/{i}/the-piece) "
        f"and [another linked phrase](https://example.org/{i}).**" for i in range(24))
    text, _ = a5_text(tmp_path, body)
    vocabulary = {*words, "read", "the", "original", "article", "and", "another", "linked", "phrase"}
    body_text = text[text.index(words[0]):text.index("Please think")].replace(f"{HYPHEN}\n", "")  # hyphenated: fine
    body_text = re.sub(r"page \d+ of \d+", "", body_text)  # the folios
    fragments = [token.strip(":.") for token in body_text.split() if re.fullmatch(r"[a-z]+[:.]?", token)]
    assert fragments and all(fragment.lower() in vocabulary for fragment in fragments), \
        sorted(set(fragments) - vocabulary)
