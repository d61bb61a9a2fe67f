"""The output side: unwritable folders and full disks give one clear line and leave no partial file."""

from __future__ import annotations

import errno
import os
import tempfile

import pytest
from typer.testing import CliRunner

from conftest import write_article
from pressexport.safety.atomic import write_atomic
from pressexport.cli import app
from pressexport.errors import OutputError

TINY = "---\ntitle: Tiny\nlang: en\nlicence: CC0-1.0\n---\n\nOne paragraph.\n"


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_unwritable_folder_is_one_clear_line(tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)  # as root, chmod would not stop the write
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(write_article(tmp_path / "a", TINY)), "--out", str(out)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Permission denied" in errors[0] and "--out" in errors[0]
    assert "Traceback" not in result.output and leftovers(out) == []


def test_output_path_that_is_a_file_is_one_clear_line(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(app, ["build", str(write_article(tmp_path / "a", TINY)), "--out", str(blocker)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "out" in errors[0] and "Traceback" not in result.output


def no_space(*args):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_full_disk_leaves_no_partial_file(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", no_space)
    target = tmp_path / "edition.pdf"
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(target, b"%PDF-1.7 " * 100_000)
    assert leftovers(tmp_path) == []


def test_full_disk_during_a_build_keeps_the_previous_edition_and_writes_no_half_set(tmp_path, monkeypatch):
    article = write_article(tmp_path / "a", TINY)
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.pdf").write_bytes(b"previous edition")
    real_fsync = os.fsync
    calls = []

    def second_fails(fd):
        calls.append(fd)
        if len(calls) == 2:  # the article's second edition: the disk is full
            no_space()
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", second_fails)
    result = CliRunner().invoke(app, ["build", str(article), "--out", str(out)])
    assert result.exit_code == 1
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert leftovers(out) == ["a.pdf"]
    assert (out / "a.pdf").read_bytes() == b"previous edition"


def test_a_pdf_with_images_has_the_same_bytes_wherever_its_root_lies(tmp_path, monkeypatch):
    # WeasyPrint names an image after its URL: an address under the root's own folder would differ per copy
    from PIL import Image

    from pressexport.build import BuildOptions, build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    pdfs = []
    for place in ("one", "elsewhere/two"):
        folder = tmp_path / place / "piece"
        (folder / "images").mkdir(parents=True)
        Image.new("RGB", (60, 40), (20, 90, 160)).save(folder / "images" / "map.png")
        (folder / "article.md").write_text("---\ntitle: Maps\nlang: en\nlicence: CC-BY-4.0\n---\n\n"
                                           "A map.\n\n![The map](images/map.png)\n", encoding="utf-8")
        report = build([folder / "article.md"], BuildOptions(out_dir=tmp_path / place / "out", formats=("pdf",)))
        assert report.ok, report.failures
        pdfs.append((tmp_path / place / "out" / "piece.pdf").read_bytes())
    assert b"/Subtype /Image" in pdfs[0] or b"/Subtype/Image" in pdfs[0]
    assert pdfs[0] == pdfs[1]
