"""How much of a page's article text `pressexport import` keeps, and how little of the rest, measured
against a published reference extraction.

    .venv/bin/python bench/extraction.py DATASET

DATASET is a folder laid out as Zyte's article-extraction benchmark is (github.com/scrapinghub/
article-extraction-benchmark): ``html/<key>.html.gz`` pages and ``ground-truth.json`` mapping each key to
its ``articleBody``. For each page the script runs the importer's page reader (the Markdown it writes,
turned back into plain text) and, side by side, trafilatura alone (its plain-text extraction), and scores
both by that benchmark's measure: word 4-grams of the prediction against those of the reference, each
page's counts normalised, precision and recall averaged over the pages.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import markdown
from lxml import html as lxml_html

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from pressexport.importers.page import draft_from_page  # noqa: E402

WORD = re.compile(r"\w+")


def shingles(text: str, size: int = 4) -> Counter:
    """The text's word n-grams, counted."""
    words = WORD.findall(text or "")
    return Counter(tuple(words[i:i + size]) for i in range(max(1, len(words) - size + 1)) if words[i:i + size])


def scores(reference: str, predicted: str) -> tuple[float | None, float | None]:
    """(precision, recall) of one page; None where the measure is undefined (nothing predicted, nothing to find)."""
    truth, guess = shingles(reference), shingles(predicted)
    matched = sum((truth & guess).values())
    extra = sum(guess.values()) - matched
    missed = sum(truth.values()) - matched
    total = matched + extra + missed
    if total == 0:
        return 1.0, 1.0
    if extra == missed == 0:
        return 1.0, 1.0
    precision = matched / (matched + extra) if matched + extra else None
    recall = matched / (matched + missed) if matched + missed else None
    return precision, recall


def markdown_text(body: str) -> str:
    """What a reader reads of an article's Markdown: the rendered HTML's text."""
    rendered = markdown.markdown(body, extensions=["tables", "footnotes"])
    return lxml_html.fromstring(f"<div>{rendered}</div>").text_content() if rendered.strip() else ""


def importer_text(page: Path, raw: bytes) -> str:
    try:
        return markdown_text(draft_from_page(raw, page).body)
    except ValueError:  # no article text found: the importer reports the page as failed
        return ""


def trafilatura_text(raw: bytes) -> str:
    import trafilatura

    return trafilatura.extract(raw.decode("utf-8", "replace")) or ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    args = parser.parse_args()
    truth = json.loads((args.dataset / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[: args.limit or None]
    results: dict[str, list] = {"pressexport import": [], "trafilatura alone": []}
    timings = {name: 0.0 for name in results}
    for key in keys:
        page = args.dataset / "html" / f"{key}.html.gz"
        raw = gzip.decompress(page.read_bytes())
        for name, extract in (("pressexport import", lambda: importer_text(page, raw)),
                              ("trafilatura alone", lambda: trafilatura_text(raw))):
            started = time.perf_counter()
            text = extract()
            timings[name] += time.perf_counter() - started
            results[name].append(scores(truth[key].get("articleBody", ""), text))
    print(f"{len(keys)} pages")
    print(f"{'':<20} {'precision':>9} {'recall':>9} {'F1':>9} {'s/page':>9}")
    for name, pairs in results.items():
        precision = statistics.mean(p for p, _ in pairs if p is not None)
        recall = statistics.mean(r for _, r in pairs if r is not None)
        f1 = 2 * precision * recall / (precision + recall)
        print(f"{name:<20} {precision:>9.3f} {recall:>9.3f} {f1:>9.3f} {timings[name] / len(keys):>9.3f}")


if __name__ == "__main__":
    main()
