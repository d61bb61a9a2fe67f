"""Batch: every article under a folder, with progress, skipping articles unchanged since the last run."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .version import __version__
from .atomic import write_atomic
from .build import BuildOptions, BuildReport, Built, build_into, find_articles
from .resources import styles_dir


MANIFEST = ".pressexport-manifest.json"
Progress = Callable[[int, int, Path, str], None]  # (index, total, article, "built" | "unchanged" | "failed")


@dataclass
class BatchReport(BuildReport):
    """A build report that also lists the articles skipped because nothing had changed."""

    unchanged: list[Path] = field(default_factory=list)


def batch(folder: str | Path, options: BuildOptions = BuildOptions(), *, force: bool = False,
          progress: Progress | None = None) -> BatchReport:
    """Build every article under ``folder``; with a manifest in the output folder recording, for each
    article, the files its last render read (source, images, cover) with their hashes and the settings,
    articles whose editions are up to date are skipped (``force`` rebuilds them). The manifest is saved
    after each article, so a killed run resumes where it stopped."""
    folder = Path(folder)
    root = options.root or folder
    articles = find_articles(folder)
    manifest = {} if force else load_manifest(options.out_dir)
    settings = settings_digest(options)
    report = BatchReport()
    for index, path in enumerate(articles, start=1):
        key = relative_key(path, folder)
        if up_to_date(manifest.get(key, {}), settings):
            report.unchanged.append(path)
            status = "unchanged"
        else:
            built = build_into(report, path, root, options)
            status = "built" if built is not None else "failed"
            if built is not None:
                manifest[key] = manifest_entry(built, settings)
                save_manifest(options.out_dir, manifest)
        if progress:
            progress(index, len(articles), path, status)
    return report


def settings_digest(options: BuildOptions) -> str:
    """What else decides the editions: the version, every file of the styles folder, the options."""
    digest = hashlib.sha256(f"{__version__}|{options.formats}|{options.pdf}|{options.epub}|"
                            f"{options.allow_remote}".encode())
    for style in sorted(p for p in styles_dir().rglob("*") if p.is_file()):
        digest.update(style.name.encode())
        digest.update(hashlib.sha256(style.read_bytes()).digest())
    return digest.hexdigest()


def manifest_entry(built: Built, settings: str) -> dict:
    """What the manifest records of one article: the settings, every file read with its hash, the outputs."""
    return {"settings": settings, "inputs": {str(item.path.resolve()): item.sha256 for item in built.inputs},
            "outputs": [str(path) for path in built.written]}


def up_to_date(entry: dict, settings: str) -> bool:
    """Whether the last build used these settings, read files that are all unchanged, and its outputs exist."""
    inputs = entry.get("inputs")
    if entry.get("settings") != settings or not isinstance(inputs, dict) or not inputs:
        return False
    return (all(file_digest(Path(path)) == digest for path, digest in inputs.items())
            and all(Path(path).is_file() for path in entry.get("outputs", [])))


def file_digest(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, or None when it is gone or unreadable."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def relative_key(path: Path, folder: Path) -> str:
    """The article's path inside the batch folder, the manifest's key."""
    return path.resolve().relative_to(folder.resolve()).as_posix()


def load_manifest(out_dir: Path) -> dict:
    """The previous run's manifest, or an empty one (missing or unreadable: rebuild everything)."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return data.get("articles", {}) if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_manifest(out_dir: Path, articles: dict) -> None:
    """Write the manifest atomically (sorted, so that it diffs well)."""
    text = json.dumps({"version": __version__, "articles": articles}, indent=1, sort_keys=True)
    write_atomic(out_dir / MANIFEST, text.encode())
