"""Benchmark (run by hand): pressexport's PDF and EPUB builds against pandoc and bare WeasyPrint.

    .venv/bin/python bench/speed.py [ARTICLE.md ...]

Prints the median wall time of each tool per article and the ratios pressexport/pandoc and
pressexport/WeasyPrint. pandoc is optional (Debian package `pandoc`); it renders PDFs through
WeasyPrint (`--pdf-engine=weasyprint`), so the comparison is like for like.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import markdown
import weasyprint

from pressexport import load_article, render_article
from pressexport.resources import use_shipped_fonts_only

use_shipped_fonts_only()  # before the PDF backend starts WeasyPrint
from pressexport.backends import epub, pdf

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = [
    PROJECT / "content" / "russia-coronavirus-aid" / "article.md",
    PROJECT / "tests" / "corpus" / "ph-introduction-to-stylometry-with-python.md",
]
RUNS = 3


def median_seconds(action) -> float:
    """Median wall time of a few runs (the first run warms caches and is discarded)."""
    action()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pressexport_pdf(path: Path) -> None:
    pdf.render(render_article(load_article(path)))


def pressexport_epub(path: Path) -> None:
    epub.render(render_article(load_article(path)))


def bare_weasyprint(path: Path) -> None:
    """Python-Markdown straight into WeasyPrint with no stylesheet: the floor for any PDF tool."""
    body = markdown.markdown(path.read_text(encoding="utf-8").split("\n---\n", 1)[-1], extensions=["extra"])
    weasyprint.HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def pandoc(path: Path, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"out.{suffix}"
        engine = ["--pdf-engine=weasyprint"] if suffix == "pdf" else []
        subprocess.run(["pandoc", str(path), "-o", str(target), *engine], check=True, capture_output=True,
                       env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"})


def main(paths: list[Path]) -> None:
    has_pandoc = shutil.which("pandoc") is not None
    print(f"{'article':45} {'tool':22} {'seconds':>8}  ratio")
    for path in paths:
        ours_pdf = median_seconds(lambda: pressexport_pdf(path))
        ours_epub = median_seconds(lambda: pressexport_epub(path))
        floor = median_seconds(lambda: bare_weasyprint(path))
        rows = [("pressexport pdf", ours_pdf, ""), ("pressexport epub", ours_epub, ""),
                ("bare WeasyPrint", floor, f"pressexport/WeasyPrint = {ours_pdf / floor:.2f}")]
        if has_pandoc:
            pandoc_pdf = median_seconds(lambda: pandoc(path, "pdf"))
            pandoc_epub = median_seconds(lambda: pandoc(path, "epub"))
            rows += [("pandoc pdf (weasyprint)", pandoc_pdf, f"pressexport/pandoc = {ours_pdf / pandoc_pdf:.2f}"),
                     ("pandoc epub", pandoc_epub, f"pressexport/pandoc = {ours_epub / pandoc_epub:.2f}")]
        for tool, seconds, ratio in rows:
            print(f"{path.name[:45]:45} {tool:22} {seconds:8.2f}  {ratio}")
    if not has_pandoc:
        print("pandoc not found: install the Debian package 'pandoc' for the pandoc ratios")


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or DEFAULT_ARTICLES)
