"""Batch runs over an archive folder: progress, the record, skipping unchanged articles, surviving a bad one."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from conftest import long_article, write_article
from pressexport.archive.batch import batch
from pressexport.build import BuildOptions
from pressexport.options import BatchOptions
from pressexport.cli import app
from pressexport.archive.record import RECORD, Record

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
                   progress=lambda i, n, path, status, _said, why: seen.append((i, n, path.parent.name, status, why)))
    assert sorted((s[2], s[3]) for s in seen) == [("bad", "failed"), ("one", "built"), ("two", "built")]
    assert [s[4] for s in seen if s[3] == "failed"] == report.failures  # a failed line carries its reason
    assert [s[:2] for s in seen] == [(1, 3), (2, 3), (3, 3)]
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
    assert len(batch(folder, options, BatchOptions(force=True)).written) == 2


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
    forced = batch(folder / "2020", options, BatchOptions(force=True))
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
    configs = {name for name in entry.inputs if name.endswith("pressexport.yaml")}  # looked for, absent
    assert sorted(set(entry.inputs) - configs) == ["2020/one/article.md", "shared/map.png"]
    assert configs == {"2020/one/pressexport.yaml", "2020/pressexport.yaml", "pressexport.yaml"}
    assert all(entry.inputs[name][0] is None for name in configs)
    assert all(len(digest) == 64 and size > 0 and mtime for name, (digest, size, mtime) in entry.inputs.items()
               if name not in configs)
    assert entry.slug == "one"
    assert entry.outputs == {"2020/one.epub": (tmp_path / "out" / "2020" / "one.epub").stat().st_size}
    assert entry.diagnostics == () and entry.seconds > 0


def test_cli_batch_reports_progress_and_exit_code(tmp_path):
    folder = archive(tmp_path)
    result = CliRunner().invoke(app, ["batch", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "[1/3] " in result.output and "[3/3] " in result.output and result.output.count("] failed ") == 1
    assert "2 articles built, 0 unchanged, 1 failed; 4 files written in " in result.output
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


# --- workers: parallel, stopped when stuck or runaway, recycled, resumable -----------------------------


def test_two_workers_build_what_one_does(tmp_path):
    folder = archive(tmp_path)
    one = batch(folder, epub_only(tmp_path / "one"), BatchOptions(jobs=1))
    two = batch(folder, epub_only(tmp_path / "two"), BatchOptions(jobs=2, renders_per_worker=1))
    assert built_names(one) == built_names(two) == ["2019/one.epub", "2020/two.epub"]
    for name in built_names(one):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_a_stuck_article_is_stopped_and_the_others_are_built(tmp_path):
    folder = archive(tmp_path)
    write_article(folder / "2021" / "long", long_article(2000))  # a minute's work and more
    report = batch(folder, BuildOptions(out_dir=tmp_path / "out", formats=("pdf",)), BatchOptions(jobs=2, timeout=6))
    stopped = [line for line in report.failures if "long/article.md" in line]
    assert stopped and "took longer than 6 s and was stopped; give --timeout more seconds" in stopped[0]
    assert built_names(report) == ["2019/one.pdf", "2020/two.pdf"]
    assert not list((tmp_path / "out").rglob("*.tmp")) and not (tmp_path / "out" / "2021").exists() or \
        not list((tmp_path / "out" / "2021").iterdir())


def test_an_article_over_the_memory_ceiling_fails_alone(tmp_path):
    folder = archive(tmp_path)
    (folder / "2021" / "huge").mkdir(parents=True)
    Image.effect_noise((6000, 6000), 64).convert("RGB").save(folder / "2021" / "huge" / "noise.png")
    write_article(folder / "2021" / "huge", GOOD.format(title="Huge") + "\n![Noise](noise.png)\n")
    report = batch(folder, epub_only(tmp_path / "out"), BatchOptions(jobs=1, memory_mb=300))
    failed = [line for line in report.failures if "huge/article.md" in line]
    assert failed and "memory ceiling of 300 MiB (--memory-limit)" in failed[0], report.failures
    assert built_names(report) == ["2019/one.epub", "2020/two.epub"]


@pytest.mark.slow
def test_a_killed_batch_leaves_no_partial_file_and_resumes(tmp_path):
    """kill -9 in the middle of a run: no partial output, and the next run builds only what is missing."""
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "archive"
    for n in range(12):
        write_article(folder / f"{n:02}", long_article(30).replace("title: Long", f"title: Part {n}"))
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pressexport.cli", "batch", str(folder), "--out", str(out), "-j", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.rglob("*.pdf"))) < 4:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the batch and its workers, mid-write if it comes to that
    process.wait()
    done = {p.stem for p in out.rglob("*.epub")} & {p.stem for p in out.rglob("*.pdf")}
    assert 2 <= len(done) < 12
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    built, unchanged = map(int, re.search(r"(\d+) articles? built, (\d+) unchanged", resumed.stdout).groups())
    assert built + unchanged == 12 and 2 <= unchanged <= len(done)  # only what was missing is built again
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert len(list(out.rglob("*.pdf"))) == len(list(out.rglob("*.epub"))) == 12


def test_cli_batch_writes_a_json_report(tmp_path):
    import json

    folder = archive(tmp_path)
    report = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["batch", str(folder), "--out", str(tmp_path / "out"), "--report-json", str(report)])
    assert result.exit_code == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    assert sorted(Path(path).parent.name for path in data["built"]) == ["one", "two"]
    assert len(data["failed"]) == 1 and "bad/article.md" in data["failed"][0]
    assert data["unchanged"] == [] and data["warnings"] == {} and data["seconds"] > 0


OPENED: list[str] = []
sys.addaudithook(lambda event, args: OPENED.append(str(args[0])) if event == "open" and OPENED_ON else None)
OPENED_ON: list[bool] = []


def test_a_run_with_nothing_changed_reads_no_article_and_no_image(tmp_path):
    """Unchanged files are known by their size and time: the no-op run opens none of them."""
    folder = tmp_path / "archive"
    save_map(folder)
    for name in ("one", "two", "three"):
        write_article(folder / "2020" / name, WITH_MAP.format(title=name))
    options = epub_only(tmp_path / "out")
    batch(folder, options)
    OPENED.clear()
    OPENED_ON.append(True)
    try:
        again = batch(folder, options)
    finally:
        OPENED_ON.clear()
    assert len(again.unchanged) == 3
    assert not [path for path in OPENED if path.startswith(str(folder))], OPENED
    os.utime(folder / "shared" / "map.png")  # touched, same bytes: hashed once, still unchanged
    for article in folder.rglob("article.md"):
        os.utime(article)  # as a copy that did not keep times leaves them
    assert len(batch(folder, options).unchanged) == 3
    OPENED.clear()
    OPENED_ON.append(True)
    try:
        third = batch(folder, options)  # the times were refreshed in the record: nothing is read again
    finally:
        OPENED_ON.clear()
    assert len(third.unchanged) == 3
    assert not [path for path in OPENED if path.startswith(str(folder))], OPENED


def test_a_failure_is_remembered_and_said_again_without_a_build_until_an_input_changes(tmp_path, monkeypatch):
    folder = archive(tmp_path)  # 2020/bad has broken front matter
    issue = folder / "2021" / "issue-08"
    write_article(issue / "good", GOOD.format(title="Good"))
    write_article(issue / "broken", BROKEN)
    (issue / "issue.yaml").write_text('title: "Issue 8"\narticles: ["*/article.md"]\n', encoding="utf-8")
    options = epub_only(tmp_path / "out")
    first = batch(folder, options)
    assert len(first.failures) == 3 and len(first.built) == 3  # bad, broken, the issue; one, two, good

    import pressexport.archive.batch as batch_module

    def no_pool(*_args):
        raise AssertionError("a worker pool was started for a no-op run")

    monkeypatch.setattr(batch_module, "pool_for", no_pool)
    seen = []
    again = batch(folder, options, progress=lambda i, n, path, status, _said, why: seen.append((status, why)))
    assert again.built == [] and len(again.unchanged) == 3
    assert sorted(again.failures) == sorted(f"{line} (as in the last run: nothing it reads has changed; --force "
                                            "tries again)" for line in first.failures)
    assert [why for status, why in seen if status == "failed"] and all(why for status, why in seen if status == "failed")
    monkeypatch.undo()
    write_article(issue / "broken", GOOD.format(title="Mended"))  # the issue and its article are built now
    third = batch(folder, options)
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in third.written) == ["2021/issue-08.epub"]
    assert len(third.failures) == 1 and "2020/bad/article.md" in third.failures[0]
    forced = batch(folder, options, BatchOptions(force=True))
    assert len(forced.failures) == 1 and "as in the last run" not in forced.failures[0]


@pytest.mark.expected_logs(r"the batch record is damaged")
@pytest.mark.parametrize("page", [0, 1])  # the header (not a database any more), a page of the table
def test_a_damaged_record_is_set_aside_with_one_line_and_every_edition_kept(tmp_path, page):
    folder = archive(tmp_path)
    shutil.rmtree(folder / "2020" / "bad")
    out = tmp_path / "out"
    command = ["batch", str(folder), "--out", str(out), "--formats", "epub"]
    assert CliRunner().invoke(app, command).exit_code == 0
    record = out / RECORD
    with Record.open(out):
        pass  # the WAL is checkpointed into the file
    data = bytearray(record.read_bytes())
    size = 4096
    data[page * size:(page + 1) * size] = os.urandom(size)
    record.write_bytes(bytes(data))
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    said = [line for line in result.output.splitlines() if "record is damaged" in line]
    assert len(said) == 1 and said[0].startswith(f"warning: {record}: the batch record is damaged ("), result.output
    assert "set aside as .pressexport-record.damaged.sqlite" in said[0]
    assert "2 articles built, 0 unchanged" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in out.rglob("*.epub")) == ["one.epub", "two.epub"]
    assert (out / ".pressexport-record.damaged.sqlite").is_file()
    assert "0 articles built, 2 unchanged" in CliRunner().invoke(app, command).output  # the new record holds


def test_formats_writes_only_the_editions_named_and_the_record_knows_which_it_holds(tmp_path):
    folder = archive(tmp_path)
    shutil.rmtree(folder / "2020" / "bad")
    out = tmp_path / "out"
    first = CliRunner().invoke(app, ["batch", str(folder), "--out", str(out), "--formats", "epub"])
    assert first.exit_code == 0, first.output
    assert sorted(p.name for p in out.rglob("*.*") if not p.name.startswith(".")) == ["one.epub", "two.epub"]
    both = CliRunner().invoke(app, ["batch", str(folder), "--out", str(out)])  # the PDFs are missing: built
    assert "2 articles built, 0 unchanged" in both.output, both.output
    assert sorted(p.suffix for p in out.rglob("*.*") if not p.name.startswith(".")) == [".epub"] * 2 + [".pdf"] * 2
    for formats in ("epub", "pdf", "pdf,epub"):  # each edition is current: nothing to do
        again = CliRunner().invoke(app, ["batch", str(folder), "--out", str(out), "--formats", formats])
        assert "0 articles built, 2 unchanged" in again.output, (formats, again.output)
    wrong = CliRunner().invoke(app, ["build", str(folder), "--out", str(out), "--formats", "docx"])
    assert wrong.exit_code == 2 and "unknown format 'docx'" in wrong.output


def laid_out_before() -> tuple[int, int]:
    """In a worker: how many engines (font configurations) and parsed stylesheets it holds."""
    from pressexport.backends.pdf_engine import engine
    from pressexport.resources import styles_dir

    made = engine.cache_info().currsize
    return made, len(engine(styles_dir()).sheets) if made else 0


def test_a_new_worker_lays_out_a_page_before_it_takes_an_article(tmp_path):
    # --timeout is for the article's own work: the pool's clock starts when a worker takes a job, so the
    # engines, fonts and stylesheets must be ready by then (a cold worker's first page took seconds)
    import multiprocessing

    from pebble import ProcessPool

    from pressexport.archive.workers import warm_up

    with ProcessPool(max_workers=1, initializer=warm_up, initargs=(BuildOptions(out_dir=tmp_path / "out"), 2048),
                     context=multiprocessing.get_context("spawn")) as pool:
        engines, sheets = pool.schedule(laid_out_before).result(timeout=300)
    assert engines == 1 and sheets >= 3  # fonts.css, base.css, print.css at least


def test_a_batch_of_fresh_workers_under_a_short_timeout_builds_every_article(tmp_path):
    folder = tmp_path / "archive"
    for n in range(4):
        write_article(folder / f"a{n}", GOOD.format(title=f"Short {n}"))
    report = batch(folder, BuildOptions(out_dir=tmp_path / "out"),
                   BatchOptions(jobs=2, timeout=5, renders_per_worker=1))  # a fresh worker for every article
    assert report.failures == [] and len(report.built) == 4


@pytest.mark.slow
def test_the_workers_of_a_batch_killed_with_sigkill_die_with_it(tmp_path):
    import signal
    import subprocess
    import time

    import psutil

    folder = tmp_path / "archive"
    for n in range(2):
        write_article(folder / f"{n:02}", long_article(2000).replace("title: Long", f"title: Part {n}"))  # a minute each
    command = [sys.executable, "-m", "pressexport.cli", "batch", str(folder), "--out", str(tmp_path / "out"), "-j", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    batch_process = psutil.Process(process.pid)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(batch_process.children(recursive=True)) < 4:
        time.sleep(0.05)  # the resource tracker, the fork server and two workers
    time.sleep(2)  # the workers are at work on their articles
    family = batch_process.children(recursive=True)
    assert len(family) >= 4
    os.kill(process.pid, signal.SIGKILL)  # the batch alone, as a user's kill -9 or the OOM killer does
    process.wait()
    gone, alive = psutil.wait_procs(family, timeout=10)
    assert not alive, f"left running: {[p.pid for p in alive]}"
