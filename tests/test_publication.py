"""A publication's config (pressexport.yaml) and house style: found above the articles, checked in full,
overridden by front matter and the command line, applied to both editions, rebuilt when it changes."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from conftest import epubcheck_messages, write_article
from pressexport.archive.batch import batch
from pressexport.build import BuildOptions, build
from pressexport.cli import app
from pressexport.errors import InputError
from pressexport.options import PdfOptions
from pressexport.resources import fonts_dir
from pressexport.settings import SETTINGS, described, given_names, layered
from pressexport.sources.article import load_article

PLAIN = "---\ntitle: {title}\nauthors: Ann Example\n---\n\nA paragraph about {title}, with [a source]({url}) in it.\n\n## A heading\n\nMore text.\n"
CONFIG = """publication: The Tidal Review
issn: 2049-3630
licence: CC-BY-4.0
lang: en
page_size: a5
styles: styles/house.css
"""
HOUSE = """@font-face { font-family: "House Sans"; font-weight: bold; src: url(fonts/House-Bold.ttf); }
h2 { color: #d00000; font-family: "House Sans"; }
"""
RED = (0xd0, 0, 0)


def publication(folder: Path, config: str = CONFIG, house: str = HOUSE) -> Path:
    """A publication folder: its config, a house stylesheet with its font and licence, two articles."""
    (folder / "styles" / "fonts").mkdir(parents=True, exist_ok=True)
    shutil.copy(fonts_dir() / "NotoSans-Bold.ttf", folder / "styles" / "fonts" / "House-Bold.ttf")
    shutil.copy(fonts_dir() / "OFL.txt", folder / "styles" / "fonts" / "OFL.txt")
    (folder / "styles" / "house.css").write_text(house, encoding="utf-8")
    (folder / "pressexport.yaml").write_text(config, encoding="utf-8")
    write_article(folder / "2024" / "tides", PLAIN.format(title="Tides", url="https://example.org/tides"))
    write_article(folder / "2024" / "winds", PLAIN.format(title="Winds", url="https://example.org/winds"))
    return folder


def red_pixels(pdf: Path) -> int:
    """How many pixels of the PDF's first page are the house's red."""
    image = pdfium.PdfDocument(pdf)[0].render(scale=1).to_pil().convert("RGB")
    red, green, blue = (channel.tobytes() for channel in image.split())
    return sum(1 for r, g, b in zip(red, green, blue) if abs(r - RED[0]) < 40 and g < 60 and b < 60)


def test_the_config_gives_every_article_what_the_publication_shares(tmp_path):
    folder = publication(tmp_path / "review")
    article = load_article(folder / "2024" / "tides" / "article.md")
    assert article.root == folder.resolve()  # the config's folder is the content root
    assert (article.publication, article.issn, article.licence.id, article.lang) == (
        "The Tidal Review", "2049-3630", "CC-BY-4.0", "en")
    assert {name: value.value for name, value in article.settings} == {"page_size": "a5"}


def test_front_matter_overrides_the_config_and_the_command_line_overrides_both(tmp_path):
    folder = publication(tmp_path / "review")
    write_article(folder / "2024" / "own", "---\ntitle: Own\nlicence: CC0-1.0\npage_size: letter\n---\n\nText.\n")
    own = load_article(folder / "2024" / "own" / "article.md")
    assert own.licence.id == "CC0-1.0" and own.publication == "The Tidal Review"
    out = tmp_path / "out"
    report = build([folder / "2024"], BuildOptions(out_dir=out, formats=("pdf",)))
    assert report.ok, report.failures
    sizes = {path.stem: tuple(round(float(v)) for v in PdfReader(path).pages[0].mediabox[2:]) for path in report.written}
    assert sizes == {"tides": (420, 595), "winds": (420, 595), "own": (612, 792)}  # config a5, front matter letter
    runner = CliRunner()
    result = runner.invoke(app, ["pdf", str(folder / "2024"), "-o", str(out), "--page-size", "a4", "-q"])
    assert result.exit_code == 0, result.output
    assert {round(float(PdfReader(out / "2024" / f"{name}.pdf").pages[0].mediabox[3])) for name in sizes} == {842}


def test_a_house_stylesheet_styles_both_editions(tmp_path):
    folder = publication(tmp_path / "review")
    report = build([folder], BuildOptions(out_dir=tmp_path / "out"))
    assert report.ok, report.failures
    pdf, epub = tmp_path / "out" / "2024" / "tides.pdf", tmp_path / "out" / "2024" / "tides.epub"
    assert red_pixels(pdf) > 200  # the heading came out red
    fonts = {str(font.get_object()["/BaseFont"]) for page in PdfReader(pdf).pages
             for font in page["/Resources"]["/Font"].values()}
    assert any(name.endswith("+House-Sans-Bold") for name in fonts), fonts  # the house's face, embedded
    with zipfile.ZipFile(epub) as book:
        names = book.namelist()
        text = book.read("EPUB/article.xhtml").decode()
        linked = all("styles/house/styles/house.css" in book.read(name).decode()
                     for name in names if name.endswith(".xhtml") and not name.endswith("nav.xhtml"))
    assert linked  # every document of the book
    assert "EPUB/styles/house/styles/house.css" in names
    assert "EPUB/styles/house/styles/fonts/House-Bold.ttf" in names and "EPUB/styles/house/styles/fonts/OFL.txt" in names
    assert 'href="styles/house/styles/house.css"' in text
    assert text.index("styles/epub.css") < text.index("styles/house/styles/house.css")  # after the shipped sheets
    assert epubcheck_messages(epub) == []


def test_the_eco_edition_stays_black_under_a_house_style(tmp_path):
    folder = publication(tmp_path / "review")
    report = build([folder / "2024" / "tides"], BuildOptions(out_dir=tmp_path / "out", formats=("pdf",),
                                                             pdf=PdfOptions(eco=True)))
    assert report.ok, report.failures
    assert sorted(path.relative_to(tmp_path / "out").as_posix() for path in report.written) == [
        "2024/tides.eco.pdf", "2024/tides.pdf"]  # laid out under the publication's folder, its content root
    assert red_pixels(tmp_path / "out" / "2024" / "tides.pdf") > 200
    assert red_pixels(tmp_path / "out" / "2024" / "tides.eco.pdf") == 0


@pytest.mark.parametrize("styles, message", [
    ("../outside.css", "stylesheet '../outside.css' lies outside the content root"),
    ("styles/missing.css", "stylesheet 'styles/missing.css' not found"),
    ("styles/house.txt", "'styles/house.txt' is not a stylesheet"),
])
def test_a_stylesheet_outside_the_root_or_missing_is_refused_at_its_line(tmp_path, styles, message):
    folder = publication(tmp_path / "review", CONFIG.replace("styles/house.css", styles))
    (tmp_path / "outside.css").write_text("h2 { color: red; }")
    (folder / "styles" / "house.txt").write_text("h2 { color: red; }")
    with pytest.raises(InputError) as error:
        load_article(folder / "2024" / "tides" / "article.md")
    assert f"pressexport.yaml:6: styles: {message}" in error.value.one_line()


@pytest.mark.parametrize("css, message", [
    ('@font-face { font-family: X; src: url("../../secret.ttf"); }', "url(../../secret.ttf) leads outside the content root"),
    ("h2 { background: url(https://example.org/x.png); }", "url(https://example.org/x.png) is not a file beside"),
    ('@import "other.css";', "@import is not followed"),
])
def test_a_house_stylesheet_reaches_nothing_outside_the_root(tmp_path, css, message):
    folder = publication(tmp_path / "review", house=css)
    (tmp_path / "secret.ttf").write_bytes(b"x")
    with pytest.raises(InputError) as error:
        load_article(folder / "2024" / "tides" / "article.md")
    assert f"house.css:1: {message}" in error.value.one_line()


def test_every_problem_of_the_config_is_reported_at_once_at_its_line(tmp_path):
    folder = publication(tmp_path / "review", "publication: The Review\npage_size: b5\nlicence: nonsense\n"
                                              "links: footnotes\nissn: 1234-5678\n")
    result = CliRunner().invoke(app, ["build", str(folder / "2024" / "tides" / "article.md"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    said = result.output
    for line, key in ((2, "page_size"), (3, "licence"), (4, "links"), (5, "issn")):
        assert f"pressexport.yaml:{line}: {key}" in said, said
    assert "Traceback" not in said


@pytest.mark.expected_logs(r"ignoring unknown keys in the publication config: page_sise")
def test_an_unknown_config_key_is_named_with_the_nearest_known_one(tmp_path):
    folder = publication(tmp_path / "review", CONFIG + "page_sise: a4\n")
    load_article(folder / "2024" / "tides" / "article.md")


def test_a_change_to_the_house_style_rebuilds_exactly_its_publications_articles(tmp_path):
    archive = tmp_path / "archive"
    review = publication(archive / "review")
    write_article(archive / "other" / "solo", PLAIN.format(title="Solo", url="https://example.org/solo"))
    options = BuildOptions(out_dir=tmp_path / "out", formats=("epub",))
    first = batch(archive, options)
    assert first.ok and len(first.written) == 3
    assert batch(archive, options).written == []
    (review / "styles" / "house.css").write_text(HOUSE.replace("#d00000", "#0000d0"))
    again = batch(archive, options)
    assert sorted(path.stem for path in again.written) == ["tides", "winds"]
    (archive / "other" / "pressexport.yaml").write_text("publication: The Other\n")  # a config added
    third = batch(archive, options)
    assert [path.stem for path in third.written] == ["solo"]


def test_links_are_notes_by_default_inline_or_none_on_request(tmp_path):
    body = ("---\ntitle: Links\nlicence: CC0\nlang: en\n{extra}---\n\nRead [the report](https://example.org/r) and "
            "[the data](https://example.org/d), then [the report again](https://example.org/r).\n")
    texts = {}
    for style in ("notes", "inline", "none"):
        path = write_article(tmp_path / style, body.format(extra=f"links: {style}\n"))
        report = build([path], BuildOptions(out_dir=tmp_path / "out" / style, formats=("pdf",)))
        assert report.ok, report.failures
        texts[style] = " ".join(PdfReader(report.written[0]).pages[0].extract_text().split())
    assert "Read the reporta and the datab, then the report againa." in texts["notes"]
    assert "a. https://example.org/r" in texts["notes"] and "b. https://example.org/d" in texts["notes"]
    assert texts["notes"].count("https://example.org/r") == 1
    assert "the report <https://example.org/r>" in texts["inline"]
    assert "https://" not in texts["none"].split("Credits")[0]


def test_settings_are_declared_once_for_the_config_the_front_matter_and_the_command_line():
    from pressexport.sources.frontmatter import SETTING_KEYS
    from pressexport.sources.publication import CONFIG_SETTINGS

    assert set(SETTING_KEYS) == {s.name for s in SETTINGS if "front matter" in s.places}
    assert set(CONFIG_SETTINGS) == {s.name for s in SETTINGS if "config" in s.places}
    help_text = CliRunner().invoke(app, ["batch", "--help"], terminal_width=200).output
    for setting in SETTINGS:
        if "command line" in setting.places:
            assert setting.flag in help_text, setting.flag


def test_a_setting_given_on_the_command_line_wins_and_changes_the_digest():
    plain = BuildOptions()
    said = BuildOptions(pdf=PdfOptions(page_size="a4"), given=frozenset({"page_size"}))
    assert given_names(plain) == frozenset() and given_names(BuildOptions(pdf=PdfOptions(page_size="a5"))) == {"page_size"}
    assert layered(plain, {"page_size": "a5"}).pdf.page_size.value == "a5"
    assert layered(said, {"page_size": "a5"}).pdf.page_size.value == "a4"
    assert described(plain) != described(said)
    assert "embed_fonts" not in described(plain, ["pdf"]) and "page_size" not in described(plain, ["epub"])


def test_init_makes_a_publication_that_builds_without_a_warning(tmp_path):
    runner = CliRunner()
    folder = tmp_path / "review"
    result = runner.invoke(app, ["init", str(folder), "--name", 'The "Tidal" Review: #1', "--lang", "fr",
                                 "--licence", "CC-BY-SA-4.0", "--page-size", "a5"])
    assert result.exit_code == 0, result.output
    assert f"pressexport build {folder}" in result.output  # says what to run next
    config = (folder / "pressexport.yaml").read_text()
    assert "styles/house.css" in config and "@font-face" in (folder / "styles" / "house.css").read_text()
    built = runner.invoke(app, ["build", str(folder), "--out", str(tmp_path / "out")])
    assert built.exit_code == 0 and "warning" not in built.output, built.output
    article = load_article(folder / "articles" / "first-article" / "article.md")
    assert (article.publication, article.lang, article.licence.id) == ("The «\u202fTidal\u202f» Review: #1", "fr", "CC-BY-SA-4.0")
    pdf = PdfReader(tmp_path / "out" / "articles" / "first-article.pdf")
    assert round(float(pdf.pages[0].mediabox[3])) == 595
    again = runner.invoke(app, ["init", str(folder)])
    assert again.exit_code == 2 and "exists already" in again.output and "Traceback" not in again.output


@pytest.mark.parametrize("args, said", [(["--lang", "english!"], "is not a language tag"),
                                        (["--licence", "GPL-ish"], "GPL-ish"), (["--name", " "], "needs a name")])
def test_init_refuses_bad_values_in_one_line(tmp_path, args, said):
    result = CliRunner().invoke(app, ["init", str(tmp_path / "new"), *args])
    assert result.exit_code == 2 and said in result.output and "Traceback" not in result.output
    assert not (tmp_path / "new" / "pressexport.yaml").exists()


def test_a_broken_config_is_said_once_for_all_its_articles(tmp_path):
    folder = publication(tmp_path / "review", "publication: The Review\npage_size: b5\n")
    result = CliRunner().invoke(app, ["batch", str(folder), "-o", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and errors[0].endswith("pressexport.yaml:2: page_size: unknown page size 'b5'; use one of "
                                                   "a4, letter, a5"), errors
    assert "error: the same for 1 more article\n" in result.output


def test_no_eco_on_the_command_line_wins_over_the_config_s_eco(tmp_path):
    folder = publication(tmp_path / "review", CONFIG + "eco: true\n")
    runner = CliRunner()
    with_config = runner.invoke(app, ["pdf", str(folder / "2024" / "tides"), "-o", str(tmp_path / "a"), "-q"])
    assert with_config.exit_code == 0 and (tmp_path / "a" / "2024" / "tides.eco.pdf").is_file()
    refused = runner.invoke(app, ["pdf", str(folder / "2024" / "tides"), "-o", str(tmp_path / "b"), "-q", "--no-eco"])
    assert refused.exit_code == 0, refused.output
    assert sorted(path.name for path in (tmp_path / "b" / "2024").iterdir()) == ["tides.pdf"]
