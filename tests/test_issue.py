"""An issue's issue.yaml: read in full, every problem at once at its line and key; the ISSN checked."""

from __future__ import annotations

import pytest

from conftest import write_article
from pressexport.errors import InputError
from pressexport.sources.frontmatter import issn_check_digit
from pressexport.sources.issue import load_issue

ARTICLE = "---\ntitle: {title}\nlang: en\nlicence: CC-BY-4.0\n---\n\nText of {title}.\n"
ISSUE = """title: "PMP Magazine, April 2020"
publication: PMP Magazine
issn: 2049-3630
volume: 3
number: 4
date: 2020-04
licence: CC-BY-SA-4.0
articles: [russia/article.md, "letters/*.md"]
"""


def issue_folder(tmp_path, text=ISSUE):
    folder = tmp_path / "archive" / "2020-04"
    write_article(folder / "russia", ARTICLE.format(title="Russia"))
    write_article(folder / "letters", ARTICLE.format(title="B"), name="b.md")
    write_article(folder / "letters", ARTICLE.format(title="A"), name="a.md")
    (folder / "issue.yaml").write_text(text, encoding="utf-8")
    return folder


def test_an_issue_is_read_with_its_articles_in_order(tmp_path):
    folder = issue_folder(tmp_path)
    issue = load_issue(folder, tmp_path / "archive")
    assert (issue.title, issue.publication, issue.issn, issue.volume, issue.number, issue.date) == (
        "PMP Magazine, April 2020", "PMP Magazine", "2049-3630", 3, 4, "2020-04")
    assert issue.licence.id == "CC-BY-SA-4.0"
    assert [p.relative_to(folder).as_posix() for p in issue.articles] == [
        "russia/article.md", "letters/a.md", "letters/b.md"]


@pytest.mark.parametrize(("number", "check"), [("0317-847", "1"), ("2049-363", "0"), ("2434-561", "X"),
                                               ("0028-083", "6")])
def test_issn_check_digits(number, check):
    assert issn_check_digit(number.replace("-", "")) == check


def test_every_problem_is_reported_at_once_at_its_line(tmp_path):
    text = ISSUE.replace("2049-3630", "2049-3631").replace("volume: 3", "volume: -2").replace(
        "letters/*.md", "missing.md")
    folder = issue_folder(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_issue(folder, tmp_path / "archive")
    message = caught.value.one_line()
    path = folder / "issue.yaml"
    assert message.startswith(f"{path}: 3 problems")
    assert f"{path}:3: issn: ISSN 2049-3631 has a wrong check digit (it should end in 0)" in message
    assert f"{path}:4: volume: 'volume' must be a whole number from 1" in message
    assert f"{path}:8: articles[2]: article 'missing.md' not found" in message


def test_articles_outside_the_root_are_refused(tmp_path):
    outside = tmp_path / "outside"
    write_article(outside, ARTICLE.format(title="Secret"))
    folder = issue_folder(tmp_path, ISSUE.replace("letters/*.md", "../../outside/article.md"))
    (folder / "linked.md").symlink_to(outside / "article.md")
    with pytest.raises(InputError, match="leads outside the content root"):
        load_issue(folder, tmp_path / "archive")
    folder_two = issue_folder(tmp_path / "two", ISSUE.replace("letters/*.md", "linked.md"))
    (folder_two / "linked.md").symlink_to(outside / "article.md")
    with pytest.raises(InputError, match=r"articles\[2\]: 'linked.md' leads outside the content root"):
        load_issue(folder_two, tmp_path / "two" / "archive")


def test_an_issue_needs_a_title_and_articles(tmp_path):
    folder = issue_folder(tmp_path, "publication: PMP Magazine\n")
    with pytest.raises(InputError) as caught:
        load_issue(folder, tmp_path / "archive")
    assert "missing title" in caught.value.one_line() and "no articles" in caught.value.one_line()


# --- the issue's EPUB ---------------------------------------------------------------------------------


def issue_epub(tmp_path, text=ISSUE):
    import io
    import zipfile

    from pressexport.backends import issue_epub as backend
    from pressexport.core import render_article
    from pressexport.sources.article import load_article

    issue = load_issue(issue_folder(tmp_path, text), tmp_path / "archive")
    articles = [render_article(load_article(path, root=issue.root)) for path in issue.articles]
    data = backend.render(issue, articles)
    path = tmp_path / "issue.epub"
    path.write_bytes(data)
    return path, zipfile.ZipFile(io.BytesIO(data))


def test_the_issue_epub_holds_every_article_and_is_shelved_as_a_series(tmp_path):
    from lxml import etree

    from conftest import epubcheck_messages

    path, book = issue_epub(tmp_path)
    assert epubcheck_messages(path) == []
    opf = etree.fromstring(book.read("EPUB/content.opf"))
    ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    meta = {m.get("property"): m.text for m in opf.xpath("//opf:meta[@property]", namespaces=ns)}
    assert meta["belongs-to-collection"] == "PMP Magazine"
    assert meta["collection-type"] == "series" and meta["group-position"] == "4"
    calibre = {m.get("name"): m.get("content") for m in opf.xpath("//opf:meta[@name]", namespaces=ns)}
    assert calibre["calibre:series"] == "PMP Magazine" and calibre["calibre:series_index"] == "4"
    assert "urn:issn:2049-3630" in opf.xpath("//dc:identifier/text()", namespaces=ns)
    assert opf.xpath("//dc:title/text()", namespaces=ns) == ["PMP Magazine, April 2020"]
    nav = book.read("EPUB/nav.xhtml").decode()
    for title in ("Russia", "A", "B"):
        assert f">{title}</a>" in nav
    texts = [book.read(name).decode() for name in ("EPUB/a01-article.xhtml", "EPUB/a02-article.xhtml",
                                                   "EPUB/a03-article.xhtml")]
    assert ["Text of Russia." in texts[0], "Text of A." in texts[1], "Text of B." in texts[2]] == [True] * 3
    credits = book.read("EPUB/issue-credits.xhtml").decode()
    assert "ISSN 2049-3630" in credits and credits.count("<li>") == 3 and "CC BY-SA 4.0" in credits


# --- the issue's PDF ----------------------------------------------------------------------------------


def test_the_issue_pdf_has_a_cover_contents_with_page_numbers_every_article_and_prism_xmp(tmp_path):
    import io
    import re

    from pypdf import PdfReader

    from pressexport.backends import issue_pdf, load
    from pressexport.core import render_article
    from pressexport.sources.article import load_article

    load("pdf")
    issue = load_issue(issue_folder(tmp_path), tmp_path / "archive")
    articles = [render_article(load_article(path, root=issue.root)) for path in issue.articles]
    reader = PdfReader(io.BytesIO(issue_pdf.render(issue, articles)))
    texts = [page.extract_text() for page in reader.pages]
    contents = texts[1]
    listed = {title: int(page) for title, page in re.findall(r"^(Russia|A|B|Credits and licence)\s*(\d+)$",
                                                             contents, flags=re.MULTILINE)}
    assert set(listed) == {"Russia", "A", "B", "Credits and licence"}, contents
    for title in ("Russia", "A", "B"):  # each article starts on the page the contents gives
        assert f"Text of {title}." in texts[listed[title] - 1]
    assert texts[-1].startswith("Credits and licence") and listed["Credits and licence"] == len(texts)
    assert "ISSN 2049-3630" in texts[-1]
    assert reader.metadata.title == "PMP Magazine, April 2020"
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    for element in ("<prism:issn>2049-3630</prism:issn>", "<prism:volume>3</prism:volume>",
                    "<prism:number>4</prism:number>", "<prism:publicationName>PMP Magazine</prism:publicationName>"):
        assert element in xmp
    assert [item.title for item in reader.outline if not isinstance(item, list)][1:4] == ["Russia", "A", "B"]


def test_the_issue_has_an_eco_edition_with_every_article_and_one_note_for_the_whole_issue(tmp_path):
    from pypdf import PdfReader

    from pressexport.build import BuildOptions, build
    from pressexport.options import PdfOptions

    folder = issue_folder(tmp_path)
    (folder / "russia" / "article.md").write_text(ARTICLE.format(title="Russia") + "\nA longer paragraph. " * 300,
                                                  encoding="utf-8")
    options = BuildOptions(out_dir=tmp_path / "out", formats=("pdf",), pdf=PdfOptions(eco=True))
    report = build([folder], options)
    assert report.ok, report.failures
    assert sorted(p.name for p in report.written) == ["2020-04.eco.pdf", "2020-04.pdf"]
    assert not [d for d in report.diagnostics if d.code.startswith("eco")]
    standard = PdfReader(tmp_path / "out" / "2020-04.pdf")
    eco = PdfReader(tmp_path / "out" / "2020-04.eco.pdf")
    texts = [page.extract_text() for page in eco.pages]
    saved = report.eco[tmp_path / "out" / "2020-04.eco.pdf"]
    assert "Eco edition: " in texts[0] and saved.savings() in texts[0]  # on the contents: no cover page
    assert sum("Eco edition" in text for text in texts) == 1  # one note for the issue, not one per article
    assert "Contents" in texts[0]
    for title in ("Russia", "A", "B"):
        assert any(f"Text of {title}." in text for text in texts)
    assert texts[-1].startswith("Credits and licence")
    assert len(eco.pages) < len(standard.pages) == saved.standard.pages
    assert eco.trailer["/Root"]["/ViewerPreferences"]["/Duplex"] == "/DuplexFlipLongEdge"


# --- issues in builds and batches ---------------------------------------------------------------------


def outputs(out):
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))


def test_a_folder_build_makes_each_issue_one_book_and_its_articles_only_with_split(tmp_path):
    from typer.testing import CliRunner

    from pressexport.cli import app

    issue_folder(tmp_path)
    write_article(tmp_path / "archive" / "loose", ARTICLE.format(title="Loose"))
    archive = tmp_path / "archive"
    result = CliRunner().invoke(app, ["epub", str(archive), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert outputs(tmp_path / "out") == ["2020-04.epub", "loose.epub"]
    split = CliRunner().invoke(app, ["epub", str(archive), "--split", "--out", str(tmp_path / "split")])
    assert split.exit_code == 0, split.output
    assert outputs(tmp_path / "split") == ["2020-04.epub", "2020-04/letters/a.epub", "2020-04/letters/b.epub",
                                           "2020-04/russia.epub", "loose.epub"]


def test_a_batch_rebuilds_an_issue_when_one_of_its_articles_changes(tmp_path):
    from pressexport.archive.batch import batch
    from pressexport.build import BuildOptions

    folder = issue_folder(tmp_path)
    options = BuildOptions(out_dir=tmp_path / "out", formats=("epub",))
    first = batch(tmp_path / "archive", options)
    assert [p.name for p in first.written] == ["2020-04.epub"] and first.failures == []
    assert len(batch(tmp_path / "archive", options).unchanged) == 1
    write_article(folder / "letters", ARTICLE.format(title="A, revised"), name="a.md")
    again = batch(tmp_path / "archive", options)
    assert [p.name for p in again.written] == ["2020-04.epub"]


def test_a_broken_issue_file_fails_alone_and_its_articles_are_still_built(tmp_path):
    from typer.testing import CliRunner

    from pressexport.cli import app

    folder = issue_folder(tmp_path, ISSUE.replace("2049-3630", "2049-3631"))
    result = CliRunner().invoke(app, ["epub", str(tmp_path / "archive"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert (f"error: issue 2020-04 not built: {folder / 'issue.yaml'}:3: issn: ISSN 2049-3631 has a wrong check "
            "digit") in result.output
    assert "its articles are built on their own" in result.output and "1 issue not built, 3 files written" in result.output
    assert outputs(tmp_path / "out") == ["2020-04/letters/a.epub", "2020-04/letters/b.epub", "2020-04/russia.epub"]


def test_the_batch_summary_counts_issues_apart_from_articles(tmp_path):
    from typer.testing import CliRunner

    from pressexport.cli import app

    issue_folder(tmp_path)
    write_article(tmp_path / "archive" / "loose", ARTICLE.format(title="Loose"))
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "archive"), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 article built, 0 unchanged, 0 failed; 1 issue built, 0 unchanged, 0 not built; "
                                    "4 files written in ")


def archive_with_a_bad_article(tmp_path):
    """An issue listing "*/article.md", one of whose articles has broken YAML."""
    folder = tmp_path / "archive" / "2021" / "issue-08"
    for name in ("good", "fine"):
        write_article(folder / name, ARTICLE.format(title=name.title()))
    write_article(folder / "bad", "---\ntitle: [unclosed\nlang: en\n---\n\nText.\n")
    (folder / "issue.yaml").write_text('title: "Issue 8"\narticles: ["*/article.md"]\n', encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", ["batch", "epub"])
def test_one_bad_article_leaves_its_issue_unbuilt_and_its_good_articles_built_alone(tmp_path, command):
    from typer.testing import CliRunner

    from pressexport.cli import app

    folder = archive_with_a_bad_article(tmp_path)
    out = tmp_path / "out"
    extra = ["--formats", "epub"] if command == "batch" else []
    result = CliRunner().invoke(app, [command, str(tmp_path / "archive"), "--out", str(out), *extra])
    assert result.exit_code == 1, result.output
    assert outputs(out) == ["2021/issue-08/fine.epub", "2021/issue-08/good.epub"]
    said = [line for line in result.output.splitlines() if line.startswith("error: issue")]
    assert len(said) == 1 and said[0].startswith(
        "error: issue 2021/issue-08 not built: its article bad/article.md failed: "), result.output
    assert "its articles are built on their own" in said[0]
    assert f"error: {folder / 'bad' / 'article.md'}" in result.output  # the article's own line, in full
    if command == "batch":
        failed = [line for line in result.output.splitlines() if " failed " in line and line.startswith("[")]
        assert len(failed) == 2 and all(line.split(": ", 1)[1].strip() for line in failed), failed
        assert "2 articles built, 0 unchanged, 1 failed; 0 issues built, 0 unchanged, 1 not built" in result.output
    else:
        assert "1 article failed, 1 issue not built, 2 files written" in result.output
