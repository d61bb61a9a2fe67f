"""Measure a PDF edition (pages, sheets, toner) and compare the eco edition with the standard one.

Toner is estimated the way print shops quote it, as *coverage*: each page is rasterised with PDFium at
``DPI`` to greyscale and the ink of a pixel is ``(255 - v) / 255`` (white paper 0, solid black 1), so a
page's coverage is the mean over its area (anti-aliased glyph edges count in proportion). An edition's
``coverage`` is the mean over its pages; its ``toner`` is the total, the sum over pages of coverage
times page area, in cm² of solid black. Savings compare totals: the same words on fewer, denser pages
have a higher coverage per page but use less toner.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from PIL import ImageStat

from .diagnostics import plural

DPI = 50
POINTS_PER_CM = 72 / 2.54
MINUS = "\u2212"


@dataclass(frozen=True)
class EditionFigures:
    """What printing one edition takes, measured from its PDF."""

    pages: int
    sheets: int  # printed duplex: two pages per sheet
    coverage: float  # mean ink coverage per page, 0..1
    toner: float  # total ink: sum of page coverage × page area, in cm² of solid black
    page_coverage: tuple[float, ...] = ()  # coverage of each page, 0..1

    def describe(self) -> str:
        """'3 pages, 2 sheets, coverage 4.8%, toner 90.1 cm²'."""
        return (f"{plural(self.pages, 'page')}, {plural(self.sheets, 'sheet')}, "
                f"coverage {self.coverage * 100:.1f}%, toner {self.toner:.1f} cm²")


@dataclass(frozen=True)
class EcoReport:
    """The eco edition against the standard one."""

    standard: EditionFigures
    eco: EditionFigures

    @property
    def pages_saved(self) -> float:
        """Fraction of pages saved, e.g. 0.67 (negative if the eco edition had more)."""
        return saving(self.standard.pages, self.eco.pages)

    @property
    def sheets_saved(self) -> float:
        """Fraction of sheets saved (duplex)."""
        return saving(self.standard.sheets, self.eco.sheets)

    @property
    def toner_saved(self) -> float:
        """Fraction of toner saved (total ink)."""
        return saving(self.standard.toner, self.eco.toner)

    def summary(self) -> str:
        """The one line a reader is told, e.g. 'eco: 1 page instead of 3 (−67%), 1 sheet instead of 2 (−50%),
        toner −58%'."""
        return "eco: " + self.savings()

    def savings(self) -> str:
        """The figures of the summary without its 'eco:' prefix (the eco edition's own note uses them)."""
        sheets = (f"{plural(self.eco.sheets, 'sheet')} instead of {self.standard.sheets} ({percent(self.sheets_saved)}), "
                  if self.eco.sheets != self.standard.sheets else "")  # "1 sheet instead of 1 (±0%)" says nothing
        pages = (f"{plural(self.eco.pages, 'page')} instead of {self.standard.pages} ({percent(self.pages_saved)}), "
                 if self.eco.pages != self.standard.pages else "")  # nor does "1 page instead of 1 (±0%)"
        return f"{pages}{sheets}toner {percent(self.toner_saved)}"

    def details(self) -> list[str]:
        """Both editions' figures and the summary, one line each."""
        return [f"standard: {self.standard.describe()}", f"eco:      {self.eco.describe()}", self.summary()]


def measure(pdf_bytes: bytes, dpi: int = DPI) -> EditionFigures:
    """Pages, duplex sheets and toner coverage of a PDF, by rasterising every page to greyscale."""
    import pypdfium2 as pdfium  # imported here: only measuring needs it

    document = pdfium.PdfDocument(pdf_bytes)
    try:
        coverages, areas = [], []
        for index in range(len(document)):
            page = document[index]
            try:
                width, height = page.get_size()
                bitmap = page.render(scale=dpi / 72, grayscale=True, fill_color=(255, 255, 255, 255),
                                     draw_annots=False)
                image = bitmap.to_pil().convert("L")
                coverages.append((255 - ImageStat.Stat(image).mean[0]) / 255)
                areas.append(width * height / POINTS_PER_CM ** 2)
            finally:
                page.close()
    finally:
        document.close()
    pages = len(coverages)
    return EditionFigures(
        pages=pages,
        sheets=math.ceil(pages / 2),
        coverage=sum(coverages) / pages if pages else 0.0,
        toner=sum(c * a for c, a in zip(coverages, areas)),
        page_coverage=tuple(coverages),
    )


def compare(standard: EditionFigures, eco: EditionFigures) -> EcoReport:
    """The eco edition's figures against the standard edition's."""
    return EcoReport(standard=standard, eco=eco)


def total(reports: Iterable[EcoReport]) -> EcoReport:
    """Several articles' reports added up, for a batch: pages, sheets and toner summed, coverage averaged
    over every page."""
    reports = list(reports)
    return EcoReport(standard=added(r.standard for r in reports), eco=added(r.eco for r in reports))


def added(figures: Iterable[EditionFigures]) -> EditionFigures:
    """Editions printed one after another: each starts on a new sheet."""
    figures = list(figures)
    page_coverage = tuple(c for f in figures for c in f.page_coverage)
    pages = sum(f.pages for f in figures)
    return EditionFigures(
        pages=pages,
        sheets=sum(f.sheets for f in figures),
        coverage=sum(f.coverage * f.pages for f in figures) / pages if pages else 0.0,
        toner=sum(f.toner for f in figures),
        page_coverage=page_coverage,
    )


def saving(before: float, after: float) -> float:
    """1 - after/before (0 when there was nothing before)."""
    return 1 - after / before if before else 0.0


def percent(fraction: float) -> str:
    """A saving as a change: 0.634 → '−63%', -0.05 → '+5%', 0 → '±0%'."""
    value = round(fraction * 100)
    return f"{MINUS}{value}%" if value > 0 else f"+{-value}%" if value < 0 else "\u00b10%"


__all__ = ["EditionFigures", "EcoReport", "measure", "compare", "total"]
