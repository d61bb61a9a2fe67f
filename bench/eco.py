"""Benchmark (run by hand): the eco edition against the standard one, measured on the PDFs.

    .venv/bin/python bench/eco.py [--columns 1|2] [--images grey|none] [--out DIR] [--corpus] [ARTICLE.md ...]

For the seed article and the longest corpus article (or the articles given; --corpus adds every corpus
article) it renders both editions exactly as `pressexport pdf --eco` does, rasterises them with PDFium
(pressexport.eco.measure) and prints pages, duplex sheets and toner of each, the eco edition's body text
size (the size of most of its characters, read from the PDF), and whether the targets are met:
at least 40% fewer pages, at least 50% less toner, body text at least 9 pt. Exits 1 if a target is missed.
--out keeps the PDFs (to look at them: pdftoppm -png -r 60 FILE.pdf PREFIX).
"""

from __future__ import annotations

import argparse
import io
import logging
import sys
import time
from collections import Counter
from pathlib import Path

from pypdf import PdfReader

from pressexport import load_article, render_article
from pressexport.resources import use_shipped_fonts_only

use_shipped_fonts_only()  # before the PDF backend starts WeasyPrint
from pressexport.backends import ecoprint, pdf
from pressexport.options import ECO_COLUMNS, EcoImages, PageSize

PROJECT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT / "tests" / "corpus"
DEFAULT_ARTICLES = [
    PROJECT / "content" / "russia-coronavirus-aid" / "article.md",
    CORPUS / "ph-fr-transcription-automatisee-graphies-non-latines.md",  # the longest in the corpus
]
PAGES_TARGET = 0.40
TONER_TARGET = 0.50
BODY_PT_TARGET = 9.0


def body_size(pdf_bytes: bytes) -> float:
    """The font size (pt) carrying the most characters: the body text's."""
    sizes: Counter[float] = Counter()

    def visit(text, cm, tm, font, size):
        scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
        sizes[round(size * scale, 1)] += len(text.strip())

    for page in PdfReader(io.BytesIO(pdf_bytes)).pages:
        page.extract_text(visitor_text=visit)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", nargs="*", type=Path)
    parser.add_argument("--columns", type=int, default=2, choices=ECO_COLUMNS)
    parser.add_argument("--images", default="grey", choices=[mode.value for mode in EcoImages])
    parser.add_argument("--page-size", default="a4", choices=[size.value for size in PageSize])
    parser.add_argument("--out", type=Path, help="keep both PDFs of each article in this folder")
    parser.add_argument("--corpus", action="store_true", help="also every article in tests/corpus")
    args = parser.parse_args()
    logging.getLogger("pressexport").setLevel(logging.ERROR)

    articles = args.articles or list(DEFAULT_ARTICLES)
    if args.corpus:
        articles += [p for p in sorted(CORPUS.glob("*.md")) if p.name != "SOURCES.md" and p not in articles]
    options = pdf.PdfOptions(page_size=args.page_size, eco=True, eco_columns=args.columns, eco_images=args.images)
    print(f"eco edition: {args.columns} column(s), images {args.images}, {args.page_size}; "
          f"targets: pages -{PAGES_TARGET:.0%}, toner -{TONER_TARGET:.0%}, body >= {BODY_PT_TARGET:g} pt\n")
    missed = 0
    for path in articles:
        start = time.perf_counter()
        rendered = render_article(load_article(path))
        editions = ecoprint.editions(rendered, options)
        seconds = time.perf_counter() - start
        report, size = editions.report, body_size(editions.eco)
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{rendered.article.slug}.pdf").write_bytes(editions.standard)
            (args.out / f"{rendered.article.slug}.eco.pdf").write_bytes(editions.eco)
        checks = {
            f"pages -{report.pages_saved:.0%}": report.pages_saved >= PAGES_TARGET,
            f"toner -{report.toner_saved:.0%}": report.toner_saved >= TONER_TARGET,
            f"body {size:g} pt": size >= BODY_PT_TARGET,
        }
        missed += not all(checks.values())
        print(f"{path.relative_to(PROJECT) if path.is_relative_to(PROJECT) else path}  ({seconds:.0f} s, both editions)")
        for line in report.details():
            print(f"  {line}")
        print("  targets: " + ", ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in checks.items()) + "\n")
    print("all targets met" if not missed else f"{missed} article(s) missed a target")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
