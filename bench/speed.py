"""Benchmark (run by hand): pressexport's commands against pandoc and WeasyPrint alone, as whole processes.

    .venv/bin/python bench/speed.py [ARTICLE.md ...]

Each tool runs as the user runs it (a new process, start-up included), the tools interleaved round by
round so that they share the machine's state; the median wall time of RUNS rounds (after one warm-up)
is printed per tool, with the ratios the project tracks:

- ``pressexport epub`` / ``pandoc -o x.epub`` (target: at most 3)
- ``pressexport pdf`` / ``pandoc --pdf-engine=weasyprint`` (target: at most 0.9)
- ``pressexport pdf`` / ``weasyprint`` on pandoc's standalone HTML (WeasyPrint alone)

pandoc comes from the Debian package ``pandoc``; WeasyPrint is the one in pressexport's virtualenv.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEFAULT_ARTICLES = [
    PROJECT / "content" / "russia-coronavirus-aid" / "article.md",
    PROJECT / "tests" / "corpus" / "ph-introduction-to-stylometry-with-python.md",
]
RUNS = 5


def commands(article: Path, out: Path) -> dict[str, list[str]]:
    """Every tool's command line for one article, writing into ``out``."""
    html = out / "pandoc.html"
    subprocess.run(["pandoc", str(article), "-s", "-o", str(html)], check=True, capture_output=True)
    return {
        "pressexport epub": [str(BIN / "pressexport"), "epub", str(article), "--out", str(out / "px"), "-q"],
        "pandoc epub": ["pandoc", str(article), "-o", str(out / "pandoc.epub")],
        "pressexport pdf": [str(BIN / "pressexport"), "pdf", str(article), "--out", str(out / "px"), "-q"],
        "pandoc pdf": ["pandoc", str(article), f"--pdf-engine={BIN / 'weasyprint'}", "-o", str(out / "pandoc.pdf")],
        "weasyprint": [str(BIN / "weasyprint"), "-q", str(html), str(out / "weasyprint.pdf")],
    }


def seconds(command: list[str]) -> float:
    """Wall time of one run of a command (its output discarded; a failure stops the benchmark)."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(article: Path) -> dict[str, float]:
    """Median seconds per tool, the tools interleaved in each round after one warm-up round."""
    with tempfile.TemporaryDirectory(prefix="pressexport-bench-") as folder:
        tools = commands(article, Path(folder))
        times: dict[str, list[float]] = {name: [] for name in tools}
        for round_ in range(RUNS + 1):
            for name, command in tools.items():
                taken = seconds(command)
                if round_:
                    times[name].append(taken)
    return {name: statistics.median(values) for name, values in times.items()}


def report(article: Path, medians: dict[str, float]) -> None:
    """One line per tool, then the ratios."""
    for name, value in medians.items():
        print(f"{article.name[:44]:44} {name:18} {value:6.2f} s")
    epub = medians["pressexport epub"] / medians["pandoc epub"]
    pdf = medians["pressexport pdf"] / medians["pandoc pdf"]
    alone = medians["pressexport pdf"] / medians["weasyprint"]
    print(f"{'':44} epub/pandoc {epub:.2f} (target ≤ 3)   pdf/pandoc {pdf:.2f} (target ≤ 0.9)   "
          f"pdf/WeasyPrint alone {alone:.2f}")


def main(articles: list[Path]) -> None:
    if shutil.which("pandoc") is None:
        sys.exit("pandoc not found: install the Debian package 'pandoc'")
    for article in articles:
        report(article, measure(article))


if __name__ == "__main__":
    main([Path(p).resolve() for p in sys.argv[1:]] or DEFAULT_ARTICLES)
