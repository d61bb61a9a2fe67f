"""Batch runs over an archive folder: progress, skipping unchanged articles, surviving a bad one."""

from __future__ import annotations

from PIL import Image
from typer.testing import CliRunner

from conftest import write_article
from pressexport.batch import MANIFEST, batch
from pressexport.build import BuildOptions
from pressexport.cli import app

GOOD = "---\ntitle: {title}\nlang: en\nlicence: CC-BY-4.0\n---\n\nA paragraph about {title}.\n"
BROKEN = "---\ntitle: [unclosed\n---\n\nText.\n"


def archive(tmp_path):
    folder = tmp_path / "archive"
    write_article(folder / "2019" / "one", GOOD.format(title="One"))
    write_article(folder / "2020" / "two", GOOD.format(title="Two"))
    write_article(folder / "2020" / "bad", BROKEN)
    return folder


def test_a_bad_article_does_not_stop_the_others(tmp_path):
    folder = archive(tmp_path)
    seen = []
    report = batch(folder, BuildOptions(out_dir=tmp_path / "out", formats=("epub",)),
                   progress=lambda i, n, path, status: seen.append((i, n, path.parent.name, status)))
    assert [(s[2], s[3]) for s in seen] == [("one", "built"), ("bad", "failed"), ("two", "built")]
    assert seen[-1][:2] == (3, 3)
    assert len(report.failures) == 1 and "bad/article.md" in report.failures[0]
    assert sorted(p.name for p in report.written) == ["one.epub", "two.epub"]


def test_unchanged_articles_are_skipped_and_changed_ones_rebuilt(tmp_path):
    folder = archive(tmp_path)
    options = BuildOptions(out_dir=tmp_path / "out", formats=("epub",))
    batch(folder, options)
    assert (tmp_path / "out" / MANIFEST).is_file()
    again = batch(folder, options)
    assert again.written == [] and len(again.unchanged) == 2
    write_article(folder / "2020" / "two", GOOD.format(title="Two, revised"))
    third = batch(folder, options)
    assert [p.name for p in third.written] == ["two.epub"] and len(third.unchanged) == 1
    (tmp_path / "out" / "one.epub").unlink()  # a missing output is rebuilt too
    assert [p.name for p in batch(folder, options).written] == ["one.epub"]
    assert len(batch(folder, options, force=True).written) == 2


def test_an_image_changed_in_a_shared_folder_rebuilds_the_article_that_uses_it(tmp_path):
    folder = tmp_path / "archive"
    shared = folder / "shared"
    shared.mkdir(parents=True)
    Image.new("RGB", (40, 30), (200, 30, 30)).save(shared / "map.png")
    write_article(folder / "2020" / "one", GOOD.format(title="One") + "\n![A map](../../shared/map.png)\n")
    write_article(folder / "2020" / "two", GOOD.format(title="Two"))
    options = BuildOptions(out_dir=tmp_path / "out", formats=("epub",))
    batch(folder, options)
    Image.new("RGB", (40, 30), (30, 30, 200)).save(shared / "map.png")
    again = batch(folder, options)
    assert [p.name for p in again.written] == ["one.epub"]
    assert [p.parent.name for p in again.unchanged] == ["two"]


def test_cli_batch_reports_progress_and_exit_code(tmp_path):
    folder = archive(tmp_path)
    result = CliRunner().invoke(app, ["batch", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "[1/3] built" in result.output and "[2/3] failed" in result.output
    assert "4 file(s) written, 0 article(s) unchanged, 1 failed" in result.output
    assert "Traceback" not in result.output


def test_cli_batch_eco_prints_the_total(tmp_path):
    folder = tmp_path / "archive"
    write_article(folder / "one", GOOD.format(title="One"))
    write_article(folder / "two", GOOD.format(title="Two"))
    result = CliRunner().invoke(app, ["batch", str(folder), "--eco", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "all 2 articles: eco:" in result.output
