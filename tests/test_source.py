"""Tests for ``pressexport.sources.article.load_article``: front matter in, validated Article out."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from conftest import SEED, write_article
from pressexport.errors import InputError
from pressexport.language.tags import is_language_tag
from pressexport.core.pages import human_date
from pressexport.sources.article import load_article
from pressexport.language.words import words_for

DEFAULT_PRINT_NOTE = words_for("en")("print_note")

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


@pytest.mark.expected_logs(r"not translated into '(sr-Latn-RS|zh-Hant-TW)' yet")
@pytest.mark.parametrize("tag", ["EN-us", "sr-Latn-RS", "zh-Hant-TW", "de-CH-1996", "es-419", "en-GB-oxendict"])
def test_lang_is_kept_as_written(tmp_path, tag):
    assert load(tmp_path, front(f"title: T\nlang: {tag}\nlicence: CC0\n")).lang == tag


@pytest.mark.parametrize(
    ("tag", "valid"),
    [("en", True), ("pt-BR", True), ("x-klingon", True), ("xx", False), ("en-US-US", False), ("root", False),
     ("en_US", False), ("", False), (" en", False), ("en-" + "-".join(["abcdefgh"] * 5000), False)],
)
def test_language_tags_are_judged_against_the_registry(tag, valid):
    assert is_language_tag(tag) is valid


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("date: 2020\n", "2020"),
        ("date: '2020-04-05 at noon'\n", "2020-04-05"),  # what follows a date is not read
        ("date: 0001-01-01\n", "0001-01-01"),
        ("first_published: {date: '1999-12'}\n", "1999-12"),
    ],
)
def test_date_forms(tmp_path, yaml_text, expected):
    article = load(tmp_path, front(QUIET + yaml_text))
    assert (article.date or article.first_published.date) == expected


@pytest.mark.parametrize("written", ["'2020-04-31'", "'2020-13'", "'0000'", "'٢٠٢٠-٠٤-٠١'", "'04/05/2020'"])
def test_impossible_or_foreign_dates_are_refused(tmp_path, written):
    error, path = load_error(tmp_path, front(QUIET + f"date: {written}\n"))
    assert f"{path}:5: date: " in assert_one_line_naming(error, path) and "is not a date" in error.one_line()


@pytest.mark.parametrize(
    ("iso", "lang", "words"),
    [("2025-10-13", "en-GB", "13 October 2025"), ("2020-04-01", "en", "April 1, 2020"), ("2020-04", "en", "April 2020"),
     ("2020", "en", "2020"), ("0001-01-01", "en-GB", "1 January 1"), ("2020-02-30", "en", "2020-02-30"),
     ("2020-04-01", "fr", "1 avril 2020")],
)
def test_human_date(iso, lang, words):
    assert human_date(iso, lang) == words


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


def test_unknown_keys_are_one_warning_with_lines_and_suggestion(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="pressexport"):
        article = load(tmp_path, front(QUIET + "titel: Typo\nzzz_custom: 1\nlayout: post\n"))
    assert article.title == "T"
    unknown = [m for m in warnings_of(caplog) if "unknown" in m]
    assert len(unknown) == 1
    assert "titel (line 5; did you mean 'title'?)" in unknown[0]
    assert "zzz_custom (line 6)" in unknown[0] and "layout (line 7)" in unknown[0]
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
    assert line.startswith(f"{path}: title: missing title") and "add 'title: ...'" in line


def test_missing_title_without_front_matter(tmp_path):
    error, path = load_error(tmp_path, "Just text, no front matter.\n")
    assert "missing title" in assert_one_line_naming(error, path)


@pytest.mark.expected_logs(r"no 'lang' in front matter", r"no 'licence' in front matter")
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
    assert line.startswith(f"{path}:4: license: unknown licence 'WTFPL'")  # the key as written, at its line
    for licence_id in ("CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "LicenseRef-All-rights-reserved"):
        assert licence_id in line


def test_unknown_cover_licence_names_its_key(tmp_path):
    error, path = load_error(tmp_path, front(QUIET + "cover:\n  credit: X\n  licence: Nope 9\n"))
    assert f"{path}:7: cover.licence: unknown licence 'Nope 9'" in assert_one_line_naming(error, path)


@pytest.mark.parametrize("lang", ["english!", "e", "en US", "12"])
def test_invalid_lang(tmp_path, lang):
    error, path = load_error(tmp_path, front(f"title: T\nlang: '{lang}'\nlicence: CC0\n"))
    line = assert_one_line_naming(error, path)
    assert line.startswith(f"{path}:3: lang: '{lang}' is not a language tag; use a BCP 47 tag")


@pytest.mark.parametrize("yaml_text", ["- title\n- lang\n", "just a string\n", "42\n"])
def test_front_matter_must_be_a_mapping(tmp_path, yaml_text):
    error, path = load_error(tmp_path, front(yaml_text))
    assert "mapping" in assert_one_line_naming(error, path)


@pytest.mark.parametrize(
    ("yaml_text", "where"),
    [
        ("title: [a, b]\n", "4: title"),
        ("title: T\nrelated:\n  - title: Fine\n  - source: BBC\n", "7: related[2]"),  # the item's own line
        ("title: T\ncover: [a]\n", "5: cover"),
        ("title: T\ndate: yesterday\n", "5: date"),
        ("title: T\nauthors: [[Jane]]\n", "5: authors[1]"),
        ("title: T\nfirst_published:\n  publication: X\n  date: soon\n", "7: first_published.date"),
    ],
)
def test_wrong_value_types_name_their_key_and_line(tmp_path, yaml_text, where):
    error, path = load_error(tmp_path, front("lang: en\nlicence: CC0\n" + yaml_text))
    assert assert_one_line_naming(error, path).startswith(f"{path}:{where}: ")


@pytest.mark.expected_logs(r"no 'lang' in front matter", r"no 'licence' in front matter")
def test_empty_front_matter_uses_heading(tmp_path):
    assert load(tmp_path, "---\n---\n# Heading\n").title == "Heading"


# --- every problem at once, each at its own line ---------------------------------------------------

SEVERAL_PROBLEMS = (
    "---\n"
    "title: T\n"
    "lang: english!\n"  # line 3
    "authors: [Jane]\n"
    "date: 2020-13-01\n"  # line 5: YAML reads it as a timestamp, and there is no 13th month
    "tags: [a]\n"
    "licence: WTFPL\n"  # line 7
    "---\n"
    "Body.\n"
)


def test_every_problem_is_reported_at_its_own_line_and_key(tmp_path):
    error, path = load_error(tmp_path, SEVERAL_PROBLEMS)
    summary, *problems = error.one_line().split("\n")
    assert summary == f"{path}: 3 problems in the front matter"
    assert problems[0] == (f"  {path}:3: lang: 'english!' is not a language tag; "
                           "use a BCP 47 tag such as en, fr or pt-BR")
    assert problems[1] == (f"  {path}:5: date: '2020-13-01' is not a date (month must be in 1..12); "
                           "write it as YYYY-MM-DD")
    assert problems[2].startswith(f"  {path}:7: licence: unknown licence 'WTFPL'; ")
    assert [type(e).__name__ for e in error.errors] == ["InputError", "InputError", "UnknownLicence"]


def test_problems_are_in_line_order_with_a_missing_title_first(tmp_path):
    text = front("licence: Nope\nlang: '12'\n", "No heading.\n")
    error, path = load_error(tmp_path, text)
    assert [line.split(": ", 2)[:2] for line in error.one_line().split("\n")[1:]] == [
        [f"  {path}", "title"], [f"  {path}:2", "licence"], [f"  {path}:3", "lang"]]


def test_a_wrong_title_is_not_also_a_missing_one(tmp_path):
    error, path = load_error(tmp_path, front("title: {a: b}\nlang: en\nlicence: CC0\n", "# Heading\n"))
    assert assert_one_line_naming(error, path).startswith(f"{path}:2: title: 'title' must be text, not a dict")


def test_unknown_keys_still_warn_when_the_article_fails(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="pressexport"):
        error, path = load_error(tmp_path, front("titel: T\nlang: en\nlicence: CC0\n"))
    assert "missing title" in error.one_line()
    assert warnings_of(caplog) == [f"{path}: ignoring unknown front-matter keys: titel (line 2; did you mean 'title'?)"]


@pytest.mark.parametrize(
    ("yaml_text", "where", "message"),
    [
        ("date: 2020-02-30\n", "5: date", "'2020-02-30' is not a date (day is out of range for month)"),
        ("related:\n  - title: R\n    source: 0000-01-01\n", "7: related",  # the value's own line
         "'0000-01-01' is not a date (year 0 is out of range)"),
        ("note: !!int twelve\n", "5: note", "'twelve' cannot be read as !!int"),
        ("subtitle: !!python/object/apply:os.system ['true']\n", "5: subtitle", "broken YAML front matter"),
        ("? [a, b]\n: value\n", "5", "broken YAML front matter: found unhashable key"),
    ],
)
def test_values_yaml_cannot_build_are_reported_at_their_line(tmp_path, yaml_text, where, message):
    error, path = load_error(tmp_path, front(QUIET + yaml_text))
    assert assert_one_line_naming(error, path).startswith(f"{path}:{where}: {message}")


def test_a_title_yaml_cannot_build_is_not_also_missing(tmp_path):
    error, path = load_error(tmp_path, front("title: !!python/name:os.system\nlang: en\nlicence: CC0\n"))
    assert assert_one_line_naming(error, path).startswith(f"{path}:2: title: broken YAML front matter")


def test_a_bad_value_under_an_unknown_key_is_still_an_error(tmp_path):
    error, path = load_error(tmp_path, front(QUIET + "layout: 2021-02-29\n"))
    assert assert_one_line_naming(error, path).startswith(f"{path}:5: layout: '2021-02-29' is not a date")


def test_a_repeated_key_takes_its_last_value(tmp_path):
    assert load(tmp_path, front(QUIET + "subtitle: first\nsubtitle: second\n")).subtitle == "second"


def test_the_first_of_a_key_and_its_alias_wins(tmp_path):
    article = load(tmp_path, front("title: T\nlanguage: fr\nlang: de\nlicence: CC0\n"))
    assert article.lang == "fr"


@pytest.mark.expected_logs(r"ignoring unknown front-matter keys: base \(line 2\)$")
def test_yaml_merge_keys_apply(tmp_path):
    article = load(tmp_path, front("base: &base {lang: fr, licence: CC0}\n<<: *base\ntitle: T\n"))
    assert (article.lang, article.licence.id) == ("fr", "CC0-1.0")


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


@pytest.mark.expected_logs(r"ignoring unknown front-matter keys: x_copy \(line 6\)$")
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
