"""Tests for ``pressexport.source.load_article``: front matter in, validated Article out."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from conftest import SEED, write_article
from pressexport.errors import InputError
from pressexport.source import DEFAULT_PRINT_NOTE, load_article

# A front matter that triggers no warning; tests add or replace keys.
QUIET = "title: T\nlang: en\nlicence: CC-BY-4.0\n"


def front(yaml_text: str, body: str = "Body.\n") -> str:
    """An article with the given YAML front matter and body."""
    return f"---\n{yaml_text}---\n{body}"


def load(tmp_path: Path, text: str, name: str = "article.md"):
    return load_article(write_article(tmp_path, text, name))


def load_error(tmp_path: Path, text: str | bytes, name: str = "article.md") -> tuple[InputError, Path]:
    """Load an article expected to fail; return the error and the file's path."""
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        write_article(tmp_path, text, name)
    with pytest.raises(InputError) as info:
        load_article(path)
    return info.value, path


def assert_one_line_naming(error: InputError, path: Path) -> str:
    """The error's one line, checked to be a single line that names the file."""
    line = error.one_line()
    assert "\n" not in line and "\r" not in line
    assert str(path) in line
    return line


def warnings_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name.startswith("pressexport") and r.levelno == logging.WARNING]


# --- the seed -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed():
    return load_article(SEED)


def test_seed_title_lang_slug(seed):
    assert seed.title == ("What is behind Russia’s sending of coronavirus aid to Italy and the West? "
                          "Influence or solidarity?")
    assert seed.lang == "en"
    assert seed.slug == "russia-coronavirus-aid"
    assert seed.path == SEED


def test_seed_licence(seed):
    assert seed.licence.id == "CC-BY-SA-4.0"


def test_seed_cover(seed):
    cover = seed.cover
    assert cover.image is None  # the original photo is not bundled
    assert cover.credit == "Ministry of Defence of the Russian Federation"
    assert cover.caption.startswith("Disinfection of the newly opened military hospital in the Serbian city of Nis")
    assert cover.licence.id == "CC-BY-SA-4.0"


def test_seed_related(seed):
    assert [(r.key, r.source) for r in seed.related] == [("bbc", "BBC News"), ("cnbc", "CNBC")]
    assert seed.related[0].title == "Coronavirus: What does ‘from Russia with love’ really mean?"
    assert all(r.url is None for r in seed.related)


def test_seed_end_mark_note_first_published_print_note(seed):
    assert seed.end_mark == "🔷"
    assert seed.note.startswith("This piece was first published in PMP Magazine.")
    assert (seed.first_published.date, seed.first_published.publication) == ("2020-04", "PMP Magazine")
    assert seed.print_note == "Please think about the environment before printing this article."
    assert seed.print_note == DEFAULT_PRINT_NOTE


def test_seed_body_has_no_front_matter(seed):
    assert seed.body.startswith("On the 28 December 1908")
    assert "---" not in seed.body.splitlines()[0]
    assert SEED.read_text(encoding="utf-8").splitlines()[seed.body_line - 1].startswith("On the 28")


def test_seed_loads_without_warnings(caplog):
    with caplog.at_level(logging.WARNING, logger="pressexport"):
        load_article(SEED)
    assert warnings_of(caplog) == []


# --- key mapping ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yaml_text", "attribute", "expected"),
    [
        ("author: Jane Doe\n", "authors", ("Jane Doe",)),
        ("author: [Jane Doe, John Roe]\n", "authors", ("Jane Doe", "John Roe")),
        ("authors:\n  - name: Jane Doe\n  - John Roe\n", "authors", ("Jane Doe", "John Roe")),
        ("abstract: An abstract.\n", "description", "An abstract."),
        ("description: A description.\n", "description", "A description."),
        ("summary: A summary.\n", "description", "A summary."),
        ("categories: [a, b]\ntags: c\n", "tags", ("a", "b", "c")),
        ("tags: [x]\nkeywords: [y, z]\n", "tags", ("x", "y", "z")),
        ("publishedAt: 2021-03-04\n", "date", "2021-03-04"),
        ("date: 2021-03-04\n", "date", "2021-03-04"),  # a YAML date object
        ("date: 2021-03-04 10:30:00\n", "date", "2021-03-04"),  # a YAML datetime
        ("date: '2021-03-04T10:30:00Z'\n", "date", "2021-03-04"),
        ("date: 2020-04\n", "date", "2020-04"),
        ("first_published: 2019-12-31\n", "first_published.date", "2019-12-31"),
        ("baseurl: https://example.org/blog/\n", "base_url", "https://example.org/blog/"),
        ("subtitle: \"  A   spaced\n  subtitle \"\n", "subtitle", "A spaced subtitle"),
        ("slug: My Own Slug\n", "slug", "My-Own-Slug"),
    ],
)
def test_key_mapping(tmp_path, yaml_text, attribute, expected):
    article = load(tmp_path, front(QUIET + yaml_text))
    value = article
    for part in attribute.split("."):
        value = getattr(value, part)
    assert value == expected


def test_language_alias(tmp_path):
    assert load(tmp_path, front("title: T\nlanguage: fr\nlicence: CC0\n")).lang == "fr"


def test_lang_underscore_becomes_hyphen(tmp_path):
    assert load(tmp_path, front("title: T\nlang: pt_BR\nlicence: CC0\n")).lang == "pt-BR"


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("license: CC BY 4.0\n", "CC-BY-4.0"),
        ("licence: CC BY-SA 4.0\n", "CC-BY-SA-4.0"),
        ("license: https://creativecommons.org/licenses/by-nc/4.0/\n", "CC-BY-NC-4.0"),
    ],
)
def test_licence_forms(tmp_path, yaml_text, expected):
    article = load(tmp_path, front("title: T\nlang: en\n" + yaml_text))
    assert article.licence.id == expected


def test_print_note_default_and_override(tmp_path):
    assert load(tmp_path, front(QUIET)).print_note == DEFAULT_PRINT_NOTE
    assert load(tmp_path, front(QUIET + "print_note: Recycle me.\n")).print_note == "Recycle me."


@pytest.mark.parametrize(
    ("name", "expected"),
    [("article.md", "my-story"), ("index.md", "my-story"), ("other-name.md", "other-name")],
)
def test_slug_from_folder_or_stem(tmp_path, name, expected):
    assert load(tmp_path / "my-story", front(QUIET), name).slug == expected


# --- warnings -------------------------------------------------------------------------------------


def test_unknown_keys_are_one_warning_with_suggestion(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="pressexport"):
        article = load(tmp_path, front(QUIET + "titel: Typo\nzzz_custom: 1\nlayout: post\n"))
    assert article.title == "T"
    unknown = [m for m in warnings_of(caplog) if "unknown" in m]
    assert len(unknown) == 1
    assert "titel" in unknown[0] and "did you mean 'title'" in unknown[0]
    assert "zzz_custom" in unknown[0] and "layout" in unknown[0]
    assert len(warnings_of(caplog)) == 1


def test_missing_lang_warns_and_defaults_to_english(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="pressexport"):
        article = load(tmp_path, front("title: T\nlicence: CC-BY-4.0\n"))
    assert article.lang == "en"
    messages = warnings_of(caplog)
    assert len(messages) == 1 and "lang" in messages[0]


def test_missing_licence_warns_and_is_all_rights_reserved(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="pressexport"):
        article = load(tmp_path, front("title: T\nlang: en\n"))
    assert article.licence.id == "LicenseRef-All-rights-reserved"
    assert article.licence.url is None
    messages = warnings_of(caplog)
    assert len(messages) == 1 and "licence" in messages[0]


@pytest.mark.parametrize("image", ["../secret.jpg", "missing.jpg", "/etc/passwd"])
def test_unusable_cover_image_warns_and_is_none(tmp_path, caplog, image):
    (tmp_path / "secret.jpg").write_bytes(b"not really a jpeg")  # exists, but outside the root
    with caplog.at_level(logging.WARNING, logger="pressexport"):
        article = load(tmp_path / "story", front(QUIET + f"cover:\n  image: {image}\n  credit: Someone\n"))
    assert article.cover.image is None
    assert article.cover.declared_image == image
    assert article.cover.credit == "Someone"
    messages = warnings_of(caplog)
    assert len(messages) == 1 and image in messages[0]


def test_cover_image_inside_root_is_resolved(tmp_path):
    folder = tmp_path / "story"
    folder.mkdir()
    (folder / "cover.jpg").write_bytes(b"x")
    article = load(folder, front(QUIET + "cover: cover.jpg\n"))
    assert article.cover.image == (folder / "cover.jpg").resolve()


def test_explicit_root_allows_shared_cover(tmp_path):
    (tmp_path / "shared.jpg").write_bytes(b"x")
    path = write_article(tmp_path / "story", front(QUIET + "cover: ../shared.jpg\n"))
    article = load_article(path, root=tmp_path)
    assert article.cover.image == (tmp_path / "shared.jpg").resolve()


# --- errors ---------------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    path = tmp_path / "nope.md"
    with pytest.raises(InputError) as info:
        load_article(path)
    line = assert_one_line_naming(info.value, path)
    assert "no such file" in line


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(InputError) as info:
        load_article(tmp_path)
    assert_one_line_naming(info.value, tmp_path)


def test_invalid_utf8_names_byte_offset(tmp_path):
    raw = b"---\ntitle: T\n---\nab\xff\n"
    error, path = load_error(tmp_path, raw)
    line = assert_one_line_naming(error, path)
    assert "UTF-8" in line
    assert "byte 19" in line and "line 4" in line


def test_invalid_utf8_after_bom_names_file_offset(tmp_path):
    raw = b"\xef\xbb\xbfT\n\xff\n"  # the bad byte is byte 5 of the file, on line 2
    error, path = load_error(tmp_path, raw)
    line = assert_one_line_naming(error, path)
    assert "byte 5" in line and "line 2" in line  # actually: "byte 2 (line 1)"


@pytest.mark.parametrize(
    ("text", "line_number"),
    [
        ("---\ntitle: T\nlicence: x: y\nlang: en\n---\nBody.\n", 3),
        ("---\ntitle: T\nlang: en\n  indented: wrong\n---\nBody.\n", 4),
        ("---\ntitle: \"unclosed\nlang: en\n---\nBody.\n", 4),
        ("---\n\n\n\n\ntitle: [a, b\nlang: en\n---\nBody.\n", 7),
    ],
)
def test_broken_yaml_names_file_line(tmp_path, text, line_number):
    error, path = load_error(tmp_path, text)
    line = assert_one_line_naming(error, path)
    assert f"{path}:{line_number}:" in line
    assert "YAML" in line


def test_front_matter_not_closed(tmp_path):
    error, path = load_error(tmp_path, "---\ntitle: T\nlang: en\n\nBody without end.\n")
    line = assert_one_line_naming(error, path)
    assert "not closed" in line


def test_missing_title(tmp_path):
    error, path = load_error(tmp_path, front("lang: en\nlicence: CC0\n", "Just text.\n\n## Only a sub-heading\n"))
    line = assert_one_line_naming(error, path)
    assert "missing title" in line and "'title'" in line


def test_missing_title_without_front_matter(tmp_path):
    error, path = load_error(tmp_path, "Just text, no front matter.\n")
    assert "missing title" in assert_one_line_naming(error, path)


@pytest.mark.parametrize(
    "text",
    [
        front("lang: en\nlicence: CC0\n", "# The Heading Title\n\nText.\n"),
        "# The Heading Title\n\nText.\n",
        front("lang: en\nlicence: CC0\n", "Intro.\n\n# The Heading Title #\n\nText.\n"),
    ],
)
def test_title_from_first_heading(tmp_path, text):
    assert load(tmp_path, text).title == "The Heading Title"


def test_front_matter_title_wins_over_heading(tmp_path):
    assert load(tmp_path, front(QUIET, "# Another Title\n\nText.\n")).title == "T"


def test_hash_comment_in_code_block_is_not_a_title(tmp_path):
    text = front("lang: en\nlicence: CC0\n", "Install it:\n\n```bash\n# install the tool\npip install x\n```\n")
    error, path = load_error(tmp_path, text)  # actually loads with title 'install the tool'
    assert "missing title" in error.one_line()


def test_title_from_heading_is_plain_text(tmp_path):
    article = load(tmp_path, front("lang: en\nlicence: CC0\n", "# Hello *world* {#intro}\n\nText.\n"))
    assert article.title == "Hello world"


def test_unknown_licence_lists_valid_ids(tmp_path):
    error, path = load_error(tmp_path, front("title: T\nlang: en\nlicense: WTFPL\n"))
    line = assert_one_line_naming(error, path)
    assert "key 'licence'" in line
    assert "WTFPL" in line
    for licence_id in ("CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "LicenseRef-All-rights-reserved"):
        assert licence_id in line


def test_unknown_cover_licence_names_its_key(tmp_path):
    error, path = load_error(tmp_path, front(QUIET + "cover:\n  credit: X\n  licence: Nope 9\n"))
    assert "key 'cover.licence'" in assert_one_line_naming(error, path)


@pytest.mark.parametrize("lang", ["english!", "e", "en US", "12"])
def test_invalid_lang(tmp_path, lang):
    error, path = load_error(tmp_path, front(f"title: T\nlang: '{lang}'\nlicence: CC0\n"))
    line = assert_one_line_naming(error, path)
    assert "key 'lang'" in line and "language tag" in line


@pytest.mark.parametrize("yaml_text", ["- title\n- lang\n", "just a string\n", "42\n"])
def test_front_matter_must_be_a_mapping(tmp_path, yaml_text):
    error, path = load_error(tmp_path, front(yaml_text))
    assert "mapping" in assert_one_line_naming(error, path)


@pytest.mark.parametrize(
    ("yaml_text", "key"),
    [
        ("title: [a, b]\n", "title"),
        ("title: T\nrelated:\n  - source: BBC\n", "related[1]"),
        ("title: T\ncover: [a]\n", "cover"),
        ("title: T\ndate: yesterday\n", "date"),
    ],
)
def test_wrong_value_types_name_their_key(tmp_path, yaml_text, key):
    error, path = load_error(tmp_path, front("lang: en\nlicence: CC0\n" + yaml_text))
    assert f"key '{key}'" in assert_one_line_naming(error, path)


def test_empty_front_matter_uses_heading(tmp_path):
    assert load(tmp_path, "---\n---\n# Heading\n").title == "Heading"


BILLION_LAUGHS = (
    "---\ntitle: T\nlang: en\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
    "---\nBody.\n"
)


def test_yaml_alias_bomb_fails_quickly(tmp_path):
    started = time.monotonic()
    error, path = load_error(tmp_path, BILLION_LAUGHS)
    assert time.monotonic() - started < 2
    assert "alias" in assert_one_line_naming(error, path)


def test_a_few_aliases_are_fine(tmp_path):
    article = load(tmp_path, front(QUIET + "authors: &who [Jane]\nx_copy: *who\n"))
    assert article.authors == ("Jane",)


def test_bom_and_crlf_load_fine(tmp_path):
    text = "\ufeff---\r\ntitle: Café\r\nlang: fr\r\nlicence: CC0\r\n---\r\nLine one\r\nline two\r\n\r\nNext.\r\n"
    path = tmp_path / "article.md"
    path.write_bytes(text.encode("utf-8"))
    article = load_article(path)
    assert article.title == "Café"
    assert article.lang == "fr"
    assert "\r" not in article.body
    assert article.body == "Line one\nline two\n\nNext.\n"
    assert article.source_bytes == text.encode("utf-8")  # the hash is of the file as it is


def test_source_hash_is_of_the_file_bytes(tmp_path):
    import hashlib

    path = write_article(tmp_path, front(QUIET))
    assert load_article(path).source_hash == hashlib.sha256(path.read_bytes()).hexdigest()
