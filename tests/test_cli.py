"""Tests for the ``pressexport`` command line (Typer's CliRunner on ``pressexport.cli.app``).

Real builds are few and tiny: each one writes a real PDF or EPUB.
"""

from __future__ import annotations

import importlib
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from pypdf import PdfReader
from typer.testing import CliRunner

from conftest import write_article
from pressexport import __version__, cli
from pressexport.archive import workers
from pressexport.cli import app
from pressexport.options import PdfOptions

TINY = "---\ntitle: Tiny\nlang: en\nlicence: CC-BY-4.0\n---\nA tiny article.\n"
BROKEN_YAML = "---\ntitle: Broken\nlicence: x: y\nlang: en\n---\nText.\n"  # YAML error on file line 3
ANSI = re.compile(r"\x1b\[[0-9;]*m")
BOX = re.compile(r"[\u2500-\u257f]")  # the panel Typer may draw around a usage error
REPO = Path(__file__).resolve().parents[1]
SEED = "content/russia-coronavirus-aid/article.md"
PDF_ENGINES = {"weasyprint", "fontTools", "pypdfium2"}
BUILD = importlib.import_module("pressexport.build")  # the module: ``pressexport.build`` is also the function


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


def plain(output: str) -> str:
    """Output without colours, panel borders or line wrapping."""
    return " ".join(BOX.sub(" ", ANSI.sub("", output)).split())


# --- help -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "present", "absent"),
    [
        (["--help"], ["build", "pdf", "epub", "--version"], []),
        (["-h"], ["build", "pdf", "epub"], []),
        (["build", "--help"], ["--out", "--page-size", "--pdf-variant", "--root", "--quiet", "--verbose"], []),
        (["pdf", "--help"], ["--out", "--page-size", "--pdf-variant", "--root", "--quiet", "--verbose"], []),
        (["epub", "--help"], ["--out", "--root", "--quiet", "--verbose"], ["--page-size", "--pdf-variant", "--eco"]),
        (["batch", "--help"], ["--out", "--root", "--page-size", "--eco", "--force", "--quiet", "--verbose"], []),
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


def test_unknown_page_size_lists_the_sizes(runner, tmp_path):
    article = write_article(tmp_path, TINY)
    result = invoke(runner, "pdf", article, "--out", tmp_path / "out", "--page-size", "tabloid")
    assert result.exit_code == 2
    text = plain(result.output)
    assert "--page-size" in text and "tabloid" in text
    for size in ("a4", "letter", "a5"):
        assert f"'{size}'" in text


def test_eco_columns_out_of_range_is_a_usage_error(runner, tmp_path):
    article = write_article(tmp_path, TINY)
    result = invoke(runner, "pdf", article, "--out", tmp_path / "out", "--eco", "--eco-columns", "3")
    assert result.exit_code == 2
    assert "--eco-columns" in plain(result.output)
    assert names(tmp_path / "out") == []


@pytest.mark.parametrize(("args", "named"), [(["--eco-images", "none"], ["--eco-images"]),
                                             (["--eco-columns", "2", "--report"], ["--eco-columns", "--report"])])
def test_eco_options_without_eco_name_the_options(runner, tmp_path, args, named):
    article = write_article(tmp_path, TINY)
    result = invoke(runner, "build", article, "--out", tmp_path / "out", *args)
    assert result.exit_code == 2
    text = plain(result.output)
    assert "add --eco" in text
    for option in named:
        assert f"'{option}'" in text


def test_invalid_options_print_one_error_and_exit_2(capsys):
    with pytest.raises(typer.Exit) as stopped:
        cli.validated(PdfOptions, eco_columns=3)
    assert stopped.value.exit_code == 2
    assert capsys.readouterr().err.startswith("error: unknown eco column count '3'")


# --- internal errors and --verbose -----------------------------------------------------------------


def simulated_bug(*args, **kwargs):
    raise RuntimeError("simulated bug")


@pytest.mark.parametrize("command", ["epub", "batch"])
@pytest.mark.parametrize(("flags", "traceback_shown"), [([], False), (["--verbose"], True), (["-v"], True)])
def test_verbose_prints_the_traceback_of_an_internal_error(runner, tmp_path, monkeypatch, command, flags,
                                                           traceback_shown):
    monkeypatch.setattr(BUILD, "build_one", simulated_bug)  # our own bug, not an engine's
    monkeypatch.setattr(workers, "START_METHOD", "fork")  # batch's workers are forks of this patched process
    write_article(tmp_path / "articles", TINY)
    result = invoke(runner, command, tmp_path / "articles", "--out", tmp_path / "out", *flags)
    assert result.exit_code == 1
    errors = error_lines(result)
    assert len(errors) == 1 and "internal error (RuntimeError: simulated bug)" in errors[0]
    assert ("Traceback (most recent call last)" in result.stderr) is traceback_shown
    assert ("in simulated_bug" in result.stderr) is traceback_shown


# --- what each command loads and sets up -----------------------------------------------------------


@pytest.mark.parametrize(("command", "fonts"), [("pdf", True), ("build", True), ("epub", False)])
def test_pdf_commands_use_the_shipped_fonts_before_building(runner, tmp_path, monkeypatch, command, fonts):
    calls = []
    monkeypatch.setattr(cli, "use_shipped_fonts_only", lambda: calls.append("fonts"))
    monkeypatch.setattr(BUILD, "build_one", lambda *args, **kwargs: calls.append("build") or [])
    write_article(tmp_path / "articles", TINY)
    invoke(runner, command, tmp_path / "articles", "--out", tmp_path / "out")
    assert calls == (["fonts", "build"] if fonts else ["build"])


def imported_modules(importtime_log: str) -> set[str]:
    """The top-level packages named by ``python -X importtime`` (lines ``import time: self | total | module``)."""
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in importtime_log.splitlines()
            if line.startswith("import time:") and "|" in line}


def test_epub_never_loads_the_pdf_engines(tmp_path):
    command = [sys.executable, "-X", "importtime", "-m", "pressexport", "epub", SEED, "--out", str(tmp_path)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "russia-coronavirus-aid.epub").is_file()
    assert imported_modules(done.stderr) & PDF_ENGINES == set()


# --- the command line as a newcomer meets it ---------------------------------------------------------------

WIDE = {"COLUMNS": "300", "TERMINAL_WIDTH": "300"}


def help_text(*args: str) -> str:
    return CliRunner().invoke(app, [*args, "--help"], prog_name="pressexport", env=WIDE).output


def test_the_command_list_gives_each_command_one_whole_sentence():
    output = help_text()
    rows = {match[0]: match[1].strip() for match in re.findall(r"│ (build|pdf|epub|batch|import) +(.+?)│", output)}
    assert sorted(rows) == ["batch", "build", "epub", "import", "pdf"], output
    assert all(text.endswith(".") and text.count(".") == 1 for text in rows.values()), rows


@pytest.mark.parametrize(("command", "usage"), [("pdf", "ARTICLE_OR_FOLDER..."), ("batch", "FOLDER"),
                                                ("import", "SOURCE...")])
def test_usage_names_the_arguments_as_a_shell_would_take_them(command, usage):
    output = help_text(command)
    assert f"Usage: pressexport {command} [OPTIONS] {usage}" in output, output
    assert "{" not in output.splitlines()[1]


def test_option_help_fits_the_command():
    pdf = help_text("pdf")
    assert "EPUB" not in re.search(r"--split.*", pdf)[0]
    batch = " ".join(help_text("batch").split())
    assert "the root of the last batch into the same --out when it holds FOLDER" in batch
    assert "or the article's folder" not in batch


def test_tasks_without_a_task_prints_only_its_usage():
    done = subprocess.run(["bash", str(Path(__file__).parents[1] / "tasks")], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stdout.splitlines()[0].startswith("pressexport's task runner") and "set -" not in done.stdout


@pytest.mark.parametrize(("title", "advice"), [
    ('"The "tidal" grid"', "holds double quotes too, which end it early: write the inner quotes as “ ”"),
    ("'It's here'", "holds an apostrophe or single quotes too, which end it early: write the apostrophe as ’"),
    ("a: b", "quote values that contain ':' or '#'"),
])
def test_broken_quoting_in_the_front_matter_is_explained_by_its_real_cause(tmp_path, title, advice):
    article = write_article(tmp_path / "piece", f"---\ntitle: {title}\nlang: en\n---\n\nText.\n")
    result = CliRunner().invoke(app, ["epub", str(article), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{article}:2: broken YAML front matter" in result.output and advice in result.output, result.output


@pytest.mark.parametrize("command", ["build", "epub", "batch"])
def test_a_folder_without_articles_is_said_so(tmp_path, command):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "README.md").write_text("# Not an article\n", encoding="utf-8")
    result = CliRunner().invoke(app, [command, str(tmp_path / "empty"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.strip() == (f"error: {tmp_path / 'empty'}: no article found in this folder; articles are "
                                     "Markdown files (.markdown, .md, .mdx); README and licence files and hidden "
                                     "folders are left out")


def test_a_report_json_that_is_a_folder_is_a_usage_error(tmp_path):
    write_article(tmp_path / "archive" / "one", "---\ntitle: One\nlang: en\n---\n\nText.\n")
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "archive"), "--out", str(tmp_path / "out"),
                                      "--report-json", str(tmp_path / "archive")])
    assert result.exit_code == 2 and "is a folder; give a file name" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()
