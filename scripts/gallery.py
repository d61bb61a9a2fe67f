"""The gallery: the seed and a few corpus articles as an editor and a reader see them, to look at after a
change to the design.

    ./tasks gallery            (or: .venv/bin/python scripts/gallery.py [OUT])

writes into output/gallery/: every PDF page as PNG (A4, A5 and the eco edition), the EPUB's screens at
phone width, upright and on its side, in day and night modes (Debian's headless Chromium; night mode lays a
reading system's dark override over the book, as Apple Books and Thorium do), and index.html showing all.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pypdfium2 as pdfium

from pressexport.build import BuildOptions, build
from pressexport.options import PdfOptions

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = [ROOT / "content" / "russia-coronavirus-aid" / "article.md",
            ROOT / "tests" / "corpus" / "ph-fr-transcription-automatisee-graphies-non-latines.md",
            ROOT / "tests" / "corpus" / "ru-bogi-kartonnoy-vselennoy.md",
            ROOT / "tests" / "corpus" / "es-ropensci-multiverso.md"]
PAPER = ("a4", "a5")
SCREENS = {"phone": (412, 915), "phone-landscape": (915, 412)}
MODES = {
    "day": "",
    # what reading systems lay over a book in night mode: their colours, important, on the root and body
    "night": "html, body { background: #121212 !important; color: #d8d8d8 !important; }",
    "sepia": "html, body { background: #f4ecd8 !important; color: #5b4636 !important; }",
}
PAGES_SHOWN = 3  # of each PDF
DOCUMENTS = ("cover.xhtml", "title.xhtml", "article.xhtml", "credits.xhtml")


def chromium() -> str:
    """Debian's Chromium, or a clear exit."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    sys.exit("gallery: no Chromium found; ./tasks gallery installs Debian's chromium package")


def editions(out: Path) -> dict[str, list[Path]]:
    """Each paper size's editions of the gallery's articles (standard, eco and EPUB)."""
    written: dict[str, list[Path]] = {}
    for size in PAPER:
        report = build(ARTICLES, BuildOptions(out_dir=out / "editions" / size, root=ROOT,
                                              formats=("pdf", "epub") if size == "a4" else ("pdf",),
                                              pdf=PdfOptions(page_size=size, eco=True)))
        for failure in report.failures:
            print(f"gallery: {failure}", file=sys.stderr)
        written[size] = report.written
    return written


def pdf_pages(pdf: Path, out: Path, label: str) -> list[Path]:
    """The PDF's first pages as PNG, at 100 dpi."""
    shown = []
    document = pdfium.PdfDocument(pdf)
    for index in range(min(len(document), PAGES_SHOWN)):
        target = out / f"{label}-p{index + 1}.png"
        document[index].render(scale=100 / 72).to_pil().save(target)
        shown.append(target)
    return shown


def epub_screens(epub: Path, out: Path, label: str, browser: str) -> list[Path]:
    """The book's documents at phone width, upright and on its side, in each mode."""
    shown = []
    with tempfile.TemporaryDirectory() as folder:
        with zipfile.ZipFile(epub) as book:
            book.extractall(folder)
        content = Path(folder) / "EPUB"
        for mode, css in MODES.items():
            (content / f"gallery-{mode}.css").write_text(css, encoding="utf-8")
            for name in DOCUMENTS:
                document = content / name
                if not document.is_file():
                    continue
                viewed = content / f"gallery-{mode}-{name}"
                text = document.read_text(encoding="utf-8")
                viewed.write_text(text.replace("</head>", f'<link rel="stylesheet" href="gallery-{mode}.css"/></head>'),
                                  encoding="utf-8")
                for screen, (width, height) in SCREENS.items():
                    target = out / f"{label}-{Path(name).stem}-{screen}-{mode}.png"
                    subprocess.run([browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                    "--allow-file-access-from-files", f"--window-size={width},{height}",
                                    f"--screenshot={target}", viewed.as_uri()],
                                   check=True, capture_output=True, timeout=60)
                    shown.append(target)
    return shown


def index(out: Path, images: list[Path]) -> None:
    """index.html: every image, named."""
    figures = "\n".join(f'<figure><img src="{html.escape(image.name)}" alt="" loading="lazy"/>'
                        f"<figcaption>{html.escape(image.stem)}</figcaption></figure>" for image in images)
    (out / "index.html").write_text(
        "<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"/><title>pressexport gallery</title>"
        "<style>body{font-family:sans-serif;display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}"
        "img{max-width:420px;border:1px solid #999}</style>" + figures + "</html>", encoding="utf-8")


def main(out: Path = ROOT / "output" / "gallery") -> None:
    browser = chromium()
    out.mkdir(parents=True, exist_ok=True)
    images: list[Path] = []
    for size, files in editions(out).items():
        for pdf in sorted(path for path in files if path.suffix == ".pdf"):
            images += pdf_pages(pdf, out, f"{pdf.name.removesuffix('.pdf').replace('.', '-')}-{size}")
        for epub in sorted(path for path in files if path.suffix == ".epub"):
            images += epub_screens(epub, out, epub.stem, browser)
    index(out, images)
    print(f"gallery: {len(images)} images in {out}; open {out / 'index.html'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "output" / "gallery")
