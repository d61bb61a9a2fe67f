"""The batch on a real Dask distributed cluster (LocalCluster): files travel through the scheduler."""

from __future__ import annotations

import os

import pytest
from PIL import Image

from conftest import long_article, write_article
from pressexport.archive.batch import batch
from pressexport.build import BuildOptions
from pressexport.options import BatchOptions
from pressexport.archive.record import Record

distributed = pytest.importorskip("distributed", reason="the dask extra: pip install 'pressexport[dask]'")

GOOD = "---\ntitle: {title}\nlang: en\nlicence: CC-BY-4.0\n---\n\nA paragraph about {title}.\n"


@pytest.fixture(scope="module")
def client():
    """A real two-worker cluster on this machine (processes, so nothing is shared but what is sent)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1") as cluster, distributed.Client(cluster) as connected:
        yield connected


@pytest.mark.slow
@pytest.mark.expected_logs(r"image '\.\./\.\./shared/gone\.png' not available")
def test_a_cluster_builds_what_the_local_workers_build(tmp_path, client):
    folder = tmp_path / "archive"
    (folder / "shared").mkdir(parents=True)
    Image.new("RGB", (40, 30), (200, 30, 30)).save(folder / "shared" / "map.png")
    write_article(folder / "2020" / "one", GOOD.format(title="One") + "\n![A map](../../shared/map.png)\n")
    write_article(folder / "2020" / "two", GOOD.format(title="Two") + "\n![Gone](../../shared/gone.png)\n")
    write_article(folder / "2021" / "bad", "---\ntitle: [unclosed\n---\n")
    options = BuildOptions(out_dir=tmp_path / "cluster", formats=("epub",))
    remote = batch(folder, options, BatchOptions(scheduler=client))
    batch(folder, BuildOptions(out_dir=tmp_path / "local", formats=("epub",)), BatchOptions(jobs=1))
    names = sorted(path.relative_to(tmp_path / "cluster").as_posix() for path in remote.written)
    assert names == ["2020/one.epub", "2020/two.epub"]
    for name in names:
        assert (tmp_path / "cluster" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    assert len(remote.failures) == 1 and str(folder / "2021" / "bad" / "article.md") in remote.failures[0]
    assert [(d.code, d.file) for d in remote.diagnostics] == [("image-missing", str(folder / "2020/two/article.md"))]
    with Record.open(tmp_path / "cluster") as record:
        inputs = record.get("2020/one/article.md").inputs
        assert sorted(name for name in inputs if not name.endswith("pressexport.yaml")) == [
            "2020/one/article.md", "shared/map.png"]  # and the publication configs looked for, absent
        assert record.get("2020/two/article.md").inputs["shared/gone.png"][0] is None
    again = batch(folder, options, BatchOptions(scheduler=client))
    assert again.written == [] and len(again.unchanged) == 2  # the record's quick checks hold
    Image.new("RGB", (40, 30), (30, 30, 200)).save(folder / "shared" / "gone.png")
    third = batch(folder, options, BatchOptions(scheduler=client))
    assert [p.name for p in third.written] == ["two.epub"] and third.diagnostics == []


@pytest.mark.slow
def test_an_article_over_its_time_on_a_cluster_is_stopped_and_its_worker_restarted(tmp_path, client):
    folder = tmp_path / "archive"
    write_article(folder / "2020" / "one", GOOD.format(title="One"))
    write_article(folder / "2020" / "two", GOOD.format(title="Two"))
    write_article(folder / "2021" / "long", long_article(2000))  # a minute's work and more
    pids = set(client.run(os.getpid).values())
    report = batch(folder, BuildOptions(out_dir=tmp_path / "out", formats=("pdf",)),
                   BatchOptions(scheduler=client, timeout=8))
    assert sorted(p.name for p in report.written) == ["one.pdf", "two.pdf"]
    assert report.failures == [f"{folder / '2021' / 'long' / 'article.md'}: took longer than 8 s and was stopped; "
                               "give --timeout more seconds if it is just very long"]
    client.wait_for_workers(2, timeout=60)  # the stuck worker was restarted by its nanny, and warmed up again
    assert len(set(client.run(os.getpid).values()) - pids) == 1
    assert sorted(client.run(lambda: __import__("sys").modules.get("weasyprint") is not None).values()) == [True, True]
    write_article(folder / "2021" / "long", GOOD.format(title="Short now"))
    again = batch(folder, BuildOptions(out_dir=tmp_path / "out", formats=("pdf",)), BatchOptions(scheduler=client))
    assert [p.name for p in again.written] == ["long.pdf"] and again.failures == []


@pytest.mark.slow
def test_linked_articles_and_images_build_on_a_cluster_byte_for_byte_as_here(tmp_path, client, monkeypatch):
    # the worker's copy of the root has no links: each file travels under the name the build looks it up by
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = tmp_path / "archive"
    (folder / "shared").mkdir(parents=True)
    Image.new("RGB", (40, 30), (200, 30, 30)).save(folder / "shared" / "map.png")
    # hidden folders are not searched: these articles are reached through the links alone
    write_article(folder / ".drafts" / "real", GOOD.format(title="Real") + "\n![A map](../../shared/map.png)\n")
    write_article(folder / ".kept" / "pictured", GOOD.format(title="Pictured") + "\n![A map](../../shared/map.png)\n")
    (folder / "2020").mkdir()
    (folder / "2020" / "linked.md").symlink_to(folder / ".drafts" / "real" / "article.md")
    (folder / "2021").mkdir()
    (folder / "2021" / "issue").symlink_to(folder / ".kept", target_is_directory=True)
    remote = batch(folder, BuildOptions(out_dir=tmp_path / "cluster"), BatchOptions(scheduler=client))
    local = batch(folder, BuildOptions(out_dir=tmp_path / "local"), BatchOptions(jobs=1))
    assert remote.failures == [] and local.failures == []
    names = sorted(path.relative_to(tmp_path / "cluster").as_posix() for path in remote.written)
    assert names == sorted(path.relative_to(tmp_path / "local").as_posix() for path in local.written)
    assert names == ["2020/linked.epub", "2020/linked.pdf", "2021/issue/pictured.epub", "2021/issue/pictured.pdf"]
    for name in names:
        assert (tmp_path / "cluster" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name


@pytest.mark.slow
def test_a_cluster_builds_with_the_publication_s_config_and_house_style(tmp_path, client):
    from test_publication import publication

    folder = publication(tmp_path / "review")
    remote = batch(folder, BuildOptions(out_dir=tmp_path / "cluster"), BatchOptions(scheduler=client))
    local = batch(folder, BuildOptions(out_dir=tmp_path / "local"), BatchOptions(jobs=1))
    assert remote.failures == [] and local.failures == []
    names = sorted(path.relative_to(tmp_path / "cluster").as_posix() for path in remote.written)
    assert names == ["2024/tides.epub", "2024/tides.pdf", "2024/winds.epub", "2024/winds.pdf"]
    for name in names:  # the config (A5) and the house's font and CSS reached the workers
        assert (tmp_path / "cluster" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
