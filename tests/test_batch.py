"""Batch runs over an archive folder: progress, the record, skipping unchanged articles, surviving a bad one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from conftest import write_article
from pressexport.batch import batch
from pressexport.build import BuildOptions
from pressexport.cli import app
from pressexport.record import RECORD, Record

GOOD = "---\ntitle: {title}\nlang: en\nlicence: CC-BY-4.0\n---\n\nA paragraph about {title}.\n"
BROKEN = "---\ntitle: [unclosed\n---\n\nText.\n"
WITH_MAP = GOOD + "\n![A map](../../shared/map.png)\n"


def archive(tmp_path):
    folder = tmp_path / "archive"
    write_article(folder / "2019" / "one", GOOD.format(title="One"))
    write_article(folder / "2020" / "two", GOOD.format(title="Two"))
    write_article(folder / "2020" / "bad", BROKEN)
    return folder


def epub_only(out):
    return BuildOptions(out_dir=out, formats=("epub",))


def built_names(report):
    return sorted(path.relative_to(path.parents[1]).as_posix() for path in report.written)


def save_map(folder, colour=(200, 30, 30)):
    (folder / "shared").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), colour).save(folder / "shared" / "map.png")


def test_a_bad_article_does_not_stop_the_others(tmp_path):
    folder = archive(tmp_path)
    seen = []
    report = batch(folder, epub_only(tmp_path / "out"),
                   progress=lambda i, n, path, status, _said: seen.append((i, n, path.parent.name, status)))
    assert [(s[2], s[3]) for s in seen] == [("one", "built"), ("bad", "failed"), ("two", "built")]
    assert seen[-1][:2] == (3, 3)
    assert len(report.failures) == 1 and "bad/article.md" in report.failures[0]
    assert built_names(report) == ["2019/one.epub", "2020/two.epub"]


def test_unchanged_articles_are_skipped_and_changed_ones_rebuilt(tmp_path):
    folder = archive(tmp_path)
    options = epub_only(tmp_path / "out")
    batch(folder, options)
    assert (tmp_path / "out" / RECORD).is_file()
    again = batch(folder, options)
    assert again.written == [] and len(again.unchanged) == 2
    write_article(folder / "2020" / "two", GOOD.format(title="Two, revised"))
    third = batch(folder, options)
    assert built_names(third) == ["2020/two.epub"] and len(third.unchanged) == 1
    (tmp_path / "out" / "2019" / "one.epub").unlink()  # a missing output is rebuilt too
    assert built_names(batch(folder, options)) == ["2019/one.epub"]
    assert len(batch(folder, options, force=True).written) == 2


def test_an_image_changed_in_a_shared_folder_rebuilds_the_article_that_uses_it(tmp_path):
    folder = tmp_path / "archive"
    save_map(folder)
    write_article(folder / "2020" / "one", WITH_MAP.format(title="One"))
    write_article(folder / "2020" / "two", GOOD.format(title="Two"))
    options = epub_only(tmp_path / "out")
    batch(folder, options)
    save_map(folder, (30, 30, 200))
    again = batch(folder, options)
    assert built_names(again) == ["2020/one.epub"]
    assert [p.parent.name for p in again.unchanged] == ["two"]


@pytest.mark.expected_logs(r"image '\.\./\.\./shared/map\.png' not available")
def test_an_image_added_after_the_first_build_is_picked_up(tmp_path):
    folder = tmp_path / "archive"
    write_article(folder / "2020" / "one", WITH_MAP.format(title="One"))
    options = epub_only(tmp_path / "out")
    first = batch(folder, options)
    assert [d.code for d in first.diagnostics] == ["image-missing"]
    assert len(batch(folder, options).unchanged) == 1  # still missing: nothing to do
    save_map(folder)
    again = batch(folder, options)
    assert built_names(again) == ["2020/one.epub"] and again.diagnostics == []


def test_the_record_keys_on_the_root_not_the_working_folder(tmp_path, monkeypatch):
    folder = archive(tmp_path)
    monkeypatch.chdir(tmp_path)
    batch("archive", epub_only(tmp_path / "out"))  # relative paths
    monkeypatch.chdir(folder / "2019")
    again = batch(folder, epub_only(tmp_path / "out"))  # absolute paths, another working folder
    assert again.written == [] and len(again.unchanged) == 2
    monkeypatch.chdir(tmp_path / "out")
    from_out = batch("../archive", epub_only(Path(".")))
    assert from_out.written == [] and len(from_out.unchanged) == 2


def test_an_edited_copy_of_the_archive_is_judged_by_its_content(tmp_path):
    folder = archive(tmp_path)
    options = epub_only(tmp_path / "out")
    batch(folder, options)
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    write_article(copy / "2020" / "two", GOOD.format(title="Two, edited in the copy"))
    again = batch(copy, options)
    assert built_names(again) == ["2020/two.epub"]
    assert [p.parent.name for p in again.unchanged] == ["one"]


def test_one_issue_batched_into_the_same_out_keeps_the_archive_root_and_layout(tmp_path):
    folder = tmp_path / "archive"
    save_map(folder)
    write_article(folder / "2020" / "one", WITH_MAP.format(title="One"))
    write_article(folder / "2021" / "three", GOOD.format(title="Three"))
    options = epub_only(tmp_path / "out")
    batch(folder, options)
    issue = batch(folder / "2020", options)
    assert issue.written == [] and issue.diagnostics == [] and len(issue.unchanged) == 1
    forced = batch(folder / "2020", options, force=True)
    assert built_names(forced) == ["2020/one.epub"] and forced.diagnostics == []  # the shared map is inside
    with Record.open(tmp_path / "out") as record:
        assert record.root == folder.resolve()
        assert sorted(key for key, _ in record.entries()) == ["2020/one/article.md", "2021/three/article.md"]
    assert len(batch(folder, options).unchanged) == 2


@pytest.mark.expected_logs(r"not available", r"replaced editions that had fewer missing images")
def test_an_edition_degraded_by_a_missing_image_is_said_so(tmp_path):
    folder = tmp_path / "archive"
    save_map(folder)
    write_article(folder / "2020" / "one", WITH_MAP.format(title="One"))
    options = epub_only(tmp_path / "out")
    batch(folder, options)
    (folder / "shared" / "map.png").unlink()
    again = batch(folder, options)
    assert sorted(d.code for d in again.diagnostics) == ["degraded", "image-missing"]
    assert "1 placeholder" in next(d.message for d in again.diagnostics if d.code == "degraded")
    with Record.open(tmp_path / "out") as record:
        assert [d.code for d in record.get("2020/one/article.md").diagnostics] == ["image-missing", "degraded"]


def test_the_record_holds_inputs_outputs_sizes_and_diagnostics(tmp_path):
    folder = tmp_path / "archive"
    save_map(folder)
    write_article(folder / "2020" / "one", WITH_MAP.format(title="One"))
    batch(folder, epub_only(tmp_path / "out"))
    with Record.open(tmp_path / "out") as record:
        entry = record.get("2020/one/article.md")
    assert sorted(entry.inputs) == ["2020/one/article.md", "shared/map.png"]
    assert all(len(digest) == 64 for digest in entry.inputs.values())
    assert entry.outputs == {"2020/one.epub": (tmp_path / "out" / "2020" / "one.epub").stat().st_size}
    assert entry.diagnostics == () and entry.seconds > 0


def test_cli_batch_reports_progress_and_exit_code(tmp_path):
    folder = archive(tmp_path)
    result = CliRunner().invoke(app, ["batch", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "[1/3] built" in result.output and "[2/3] failed" in result.output
    assert "2 article(s) built (4 file(s) written), 0 unchanged, 1 failed" in result.output
    assert "Traceback" not in result.output


@pytest.mark.expected_logs(r"not available", r"has no alt text")
def test_cli_batch_counts_warnings_by_kind(tmp_path):
    folder = tmp_path / "archive"
    write_article(folder / "one", GOOD.format(title="One") + "\n![](a.png)\n\n![A b](b.png)\n")
    result = CliRunner().invoke(app, ["batch", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert f"built     {folder / 'one' / 'article.md'} with 2 placeholders, 1 image without alt text" in result.output
    assert "warnings: 2 placeholders, 1 image without alt text" in result.output
    assert "not available" not in result.output  # counted, not flooded (--verbose says each)
    verbose = CliRunner().invoke(app, ["batch", str(folder), "--out", str(tmp_path / "out"), "--force", "-v"])
    assert verbose.output.count("not available") == 2


def test_cli_batch_eco_prints_the_total(tmp_path):
    folder = tmp_path / "archive"
    write_article(folder / "one", GOOD.format(title="One"))
    write_article(folder / "two", GOOD.format(title="Two"))
    result = CliRunner().invoke(app, ["batch", str(folder), "--eco", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "all 2 articles: eco:" in result.output
