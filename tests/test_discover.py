"""Which files a build reads and where their editions go: links out of the root, the output layout, clashes."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from conftest import write_article
from pressexport.cli import app

GOOD = "---\ntitle: {title}\nlang: en\nlicence: CC-BY-4.0\n{extra}---\n\nA paragraph about {title}.\n"
SECRET = GOOD.format(title="Secret", extra="").replace("A paragraph", "SECRET-TEXT in a paragraph")
OUTSIDE_ROOT = r"outside the content root"


def article(title, extra=""):
    return GOOD.format(title=title, extra=extra)


def run(*args):
    return CliRunner().invoke(app, [*map(str, args), "--quiet"] if "--verbose" in args else list(map(str, args)))


def outputs(out):
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))


@pytest.fixture
def leaky_archive(tmp_path):
    """An archive with a good article, a file link and a folder link out of it, and a link that stays inside."""
    content, outside = tmp_path / "content", tmp_path / "outside"
    write_article(content / "good", article("Good"))
    write_article(outside, SECRET, name="notes.md")
    write_article(outside / "folder", SECRET)
    (content / "leak.md").symlink_to("../outside/notes.md")
    (content / "linked").symlink_to("../outside/folder")
    (content / "alias").symlink_to("good")  # inside the root: the same article, built once
    return content


@pytest.mark.expected_logs(OUTSIDE_ROOT)
@pytest.mark.parametrize("command", ["build", "batch"])
def test_links_out_of_the_root_are_refused_and_the_rest_is_built(leaky_archive, tmp_path, command):
    out = tmp_path / "out"
    result = run(command, leaky_archive, "--out", out)
    assert result.exit_code == 0, result.output
    assert outputs(out) == ["good.epub", "good.pdf"]
    for name in ("leak.md", "linked"):
        assert f"warning: {leaky_archive / name}: skipped: this" in result.output
    assert "SECRET-TEXT" not in "".join(p.read_bytes().decode("latin-1") for p in out.rglob("*.epub"))
    assert "Traceback" not in result.output


def test_a_linked_file_given_alone_is_refused_with_one_line(leaky_archive, tmp_path):
    result = run("epub", leaky_archive / "leak.md", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert f"error: {leaky_archive / 'leak.md'}: links to {(tmp_path / 'outside' / 'notes.md').resolve()}, " \
           "outside the content root" in result.output
    assert not (tmp_path / "out").exists()


def test_a_link_loop_inside_the_root_ends(tmp_path):
    content = tmp_path / "content"
    write_article(content / "a", article("A"))
    (content / "a" / "loop").symlink_to("..")
    result = run("epub", content, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert outputs(tmp_path / "out") == ["a.epub"]


def test_a_folder_build_lays_editions_out_as_the_articles_lie(tmp_path):
    content = tmp_path / "archive"
    write_article(content / "year-2019" / "issue-01" / "editorial", article("Editorial 2019"))
    write_article(content / "year-2020" / "issue-01" / "editorial", article("Editorial 2020"))
    write_article(content / "year-2020" / "issue-01", article("Letters"), name="letters.md")
    out = tmp_path / "out"
    result = run("epub", content, "--out", out)
    assert result.exit_code == 0, result.output
    assert outputs(out) == ["year-2019/issue-01/editorial.epub", "year-2020/issue-01/editorial.epub",
                            "year-2020/issue-01/letters.epub"]
    single = run("epub", content / "year-2020" / "issue-01" / "editorial" / "article.md", "--out", tmp_path / "one")
    assert single.exit_code == 0 and outputs(tmp_path / "one") == ["editorial.epub"]


def test_a_subfolder_build_with_a_root_keeps_the_archive_layout(tmp_path):
    content = tmp_path / "archive"
    write_article(content / "year-2020" / "issue-01" / "editorial", article("Editorial"))
    result = run("epub", content / "year-2020", "--root", content, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert outputs(tmp_path / "out") == ["year-2020/issue-01/editorial.epub"]


@pytest.mark.parametrize("layout", ["declared slugs", "file beside folder", "two files given"])
def test_two_sources_never_write_one_file(tmp_path, layout):
    content = tmp_path / "archive"
    if layout == "declared slugs":
        first = write_article(content, article("One", "slug: same\n"), name="one.md")
        second = write_article(content, article("Two", "slug: same\n"), name="two.md")
        given = [content]
    elif layout == "file beside folder":
        first = write_article(content, article("Flat"), name="news.md")
        second = write_article(content / "news", article("Folder"))
        given = [content]
    else:
        first = write_article(content / "2019" / "editorial", article("One"))
        second = write_article(content / "2020" / "editorial", article("Two"))
        given = [first, second]
    write_article(content / "other", article("Other"))
    result = run("epub", *given, "--out", tmp_path / "out")
    assert result.exit_code == 1
    for this, that in ((first, second), (second, first)):
        assert f"error: {this}: its editions would overwrite those of {that}" in result.output
    produced = outputs(tmp_path / "out") if (tmp_path / "out").exists() else []
    assert not any(name.startswith(("same", "news", "editorial")) for name in produced)
    assert ("other.epub" in produced) == (layout != "two files given")
