"""Tests for the ``pressexport`` command line (Typer's CliRunner on ``pressexport.cli.app``).

Real builds are few and tiny: each one writes a real PDF or EPUB.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from conftest import write_article
from pressexport import __version__
from pressexport.cli import app

TINY = "---\ntitle: Tiny\nlang: en\nlicence: CC-BY-4.0\n---\nA tiny article.\n"
BROKEN_YAML = "---\ntitle: Broken\nlicence: x: y\nlang: en\n---\nText.\n"  # YAML error on file line 3
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(autouse=True)
def restore_package_logger():
    """The CLI routes the 'pressexport' logger to its own handler and stops propagation;
    undo that so later tests' caplog still sees the package's warnings."""
    logger = logging.getLogger("pressexport")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    yield
    logger.handlers[:], logger.level, logger.propagate = saved


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str | Path):
    return runner.invoke(app, [str(arg) for arg in args])


def names(folder: Path) -> list[str]:
    """Every entry in a folder, hidden ones included."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def error_lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith("error:")]


# --- help -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "present", "absent"),
    [
        (["--help"], ["build", "pdf", "epub", "--version"], []),
        (["-h"], ["build", "pdf", "epub"], []),
        (["build", "--help"], ["--out", "--page-size", "--pdf-variant", "--root", "--quiet"], []),
        (["pdf", "--help"], ["--out", "--page-size", "--pdf-variant", "--root", "--quiet"], []),
        (["epub", "--help"], ["--out", "--root", "--quiet"], ["--page-size", "--pdf-variant"]),
    ],
)
def test_help(runner, args, present, absent):
    result = invoke(runner, *args)
    assert result.exit_code == 0, result.output
    text = ANSI.sub("", result.output)
    for option in present:
        assert option in text
    for option in absent:
        assert option not in text


def test_page_size_help_lists_sizes(runner):
    text = ANSI.sub("", invoke(runner, "pdf", "--help").output)
    for size in ("a4", "letter", "a5"):
        assert size in text


def test_version(runner):
    result = invoke(runner, "--version")
    assert result.exit_code == 0
    assert __version__ in result.output


# --- builds ---------------------------------------------------------------------------------------


def test_pdf_writes_only_the_pdf(runner, tmp_path):
    article = write_article(tmp_path / "tiny", TINY)
    out = tmp_path / "out"
    result = invoke(runner, "pdf", article, "--out", out)
    assert result.exit_code == 0, result.output
    assert names(out) == ["tiny.pdf"]
    assert f"wrote {out / 'tiny.pdf'}" in result.stdout
    box = PdfReader(out / "tiny.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 by default


def test_page_size_letter(runner, tmp_path):
    article = write_article(tmp_path / "tiny", TINY)
    out = tmp_path / "out"
    result = invoke(runner, "pdf", article, "--out", out, "--page-size", "letter")
    assert result.exit_code == 0, result.output
    box = PdfReader(out / "tiny.pdf").pages[0].mediabox
    assert (float(box.width), float(box.height)) == (612, 792)


def test_epub_writes_only_the_epub(runner, tmp_path):
    article = write_article(tmp_path / "tiny", TINY)
    out = tmp_path / "out"
    result = invoke(runner, "epub", article, "--out", out)
    assert result.exit_code == 0, result.output
    assert names(out) == ["tiny.epub"]
    assert (out / "tiny.epub").read_bytes()[:2] == b"PK"


def test_build_folder_with_one_good_and_one_broken_article(runner, tmp_path):
    folder = tmp_path / "articles"
    write_article(folder, TINY, "good.md")
    broken = write_article(folder, BROKEN_YAML, "broken.md")
    out = tmp_path / "out"
    result = invoke(runner, "build", folder, "--out", out)
    assert result.exit_code == 1
    assert names(out) == ["good.epub", "good.pdf"]  # both written; no temporary files left
    assert not list(out.glob(".*.tmp"))
    assert (out / "good.pdf").read_bytes().startswith(b"%PDF-")
    errors = error_lines(result)
    assert len(errors) == 1
    assert f"{broken}:3:" in errors[0]
    assert "Traceback" not in result.output


# --- errors (no build runs) -----------------------------------------------------------------------


def test_missing_file(runner, tmp_path):
    missing = tmp_path / "nope.md"
    out = tmp_path / "out"
    result = invoke(runner, "build", missing, "--out", out)
    assert result.exit_code == 1
    errors = error_lines(result)
    assert len(errors) == 1
    assert str(missing) in errors[0]
    assert "Traceback" not in result.output
    assert errors[0] in result.stderr
    assert names(out) == []


def test_invalid_yaml_names_the_line(runner, tmp_path):
    broken = write_article(tmp_path, BROKEN_YAML)
    result = invoke(runner, "pdf", broken, "--out", tmp_path / "out")
    assert result.exit_code == 1
    errors = error_lines(result)
    assert len(errors) == 1
    assert f"{broken}:3:" in errors[0]
    assert "Traceback" not in result.output


def test_quiet_prints_only_the_error(runner, tmp_path):
    broken = write_article(tmp_path, BROKEN_YAML)
    result = invoke(runner, "pdf", broken, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert [line for line in result.output.splitlines() if line] == error_lines(result)


def test_unknown_page_size_is_a_usage_error(runner, tmp_path):
    article = write_article(tmp_path, TINY)
    out = tmp_path / "out"
    result = invoke(runner, "pdf", article, "--out", out, "--page-size", "tabloid")
    assert result.exit_code == 2
    assert "tabloid" in result.output
    assert names(out) == []


@pytest.mark.parametrize(
    "args",
    [
        ["pdf", "{article}", "--bogus"],
        ["epub", "{article}", "--page-size", "a4"],  # the EPUB has no page size
        ["pdf", "{article}", "--pdf-variant", "pdf/x-9"],  # unknown variant
        ["frobnicate", "{article}"],
        ["build"],  # no article given
    ],
)
def test_usage_errors_exit_2(runner, tmp_path, args):
    article = write_article(tmp_path, TINY)
    result = invoke(runner, *[a.format(article=article) for a in args], "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert names(tmp_path / "out") == []
