"""The eco edition: every word kept, fewer pages, less toner, and a report measured on the files.

Real WeasyPrint renders and real rasterisation (PDFium); no mocks. The size targets (≥40% fewer pages,
≥50% less toner) are measured by bench/eco.py, not here.
"""

from __future__ import annotations

import io
import logging
import re

import pytest
from PIL import Image
from pypdf import PdfReader
from typer.testing import CliRunner

from conftest import SEED, write_article
from test_editions import PRINT_NOTE, pdf_text, seed_paragraphs
from pressexport import eco, load_article, render_article
from pressexport.backends import ecoprint, pdf
from pressexport.build import BuildOptions, build, write_eco_pdf
from pressexport.cli import app
from pressexport.errors import InputError

IMAGE_ARTICLE = """---
title: Pictures in print
lang: en
licence: CC-BY-4.0
---

The first paragraph comes before a captioned photograph.

![A red and blue test card](card.png "The test card, photographed in colour")

A paragraph between the pictures.

![An uncaptioned green square](square.png)

![A picture that is not there](absent.png "Its caption survives too")

The last paragraph after the pictures.
"""


def normalised(text: str) -> str:
    """Text compared across line breaks: a hard hyphen that ended a line is joined to the next word."""
    return re.sub(r"-\s+", "-", text)


def xobject_images(path) -> list[dict]:
    """Every image XObject drawn on any page (its PDF dictionary)."""
    found = []
    for page in PdfReader(path).pages:
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        for item in xobjects.values():
            item = item.get_object()
            if item.get("/Subtype") == "/Image":
                found.append(item)
    return found


def font_sizes_of(path, fragment: str) -> set[float]:
    """The rendered sizes (pt) of the text runs that contain ``fragment``."""
    sizes: set[float] = set()

    def visit(text, cm, tm, font, size):
        if fragment in text:
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            sizes.add(round(size * scale, 2))

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return sizes


@pytest.fixture(scope="module")
def seed_rendered():
    return render_article(load_article(SEED))


@pytest.fixture(scope="module")
def seed_editions(seed_rendered, tmp_path_factory):
    """The seed's standard and eco editions written side by side, with the report."""
    out = tmp_path_factory.mktemp("eco-seed")
    report = write_eco_pdf(seed_rendered, out / "seed.eco.pdf", standard_path=out / "seed.pdf")
    return {"standard": out / "seed.pdf", "eco": out / "seed.eco.pdf", "report": report}


@pytest.fixture(scope="module")
def image_article(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pictures")
    card = Image.new("RGB", (900, 600), (200, 30, 30))
    card.paste((30, 60, 200), (450, 0, 900, 600))
    card.save(folder / "card.png")
    Image.new("RGB", (300, 300), (20, 160, 60)).save(folder / "square.png")
    logging.getLogger("pressexport").setLevel(logging.ERROR)  # the absent image is warned about
    try:
        return render_article(load_article(write_article(folder, IMAGE_ARTICLE)))
    finally:
        logging.getLogger("pressexport").setLevel(logging.NOTSET)


# --- measuring ------------------------------------------------------------------------------------


def test_measure_counts_pages_sheets_and_ink():
    half_black = Image.new("L", (200, 200), 255)
    half_black.paste(0, (0, 0, 100, 200))
    white = Image.new("L", (200, 200), 255)
    buffer = io.BytesIO()
    half_black.save(buffer, format="PDF", save_all=True, append_images=[white, white], resolution=72)
    figures = eco.measure(buffer.getvalue())
    assert (figures.pages, figures.sheets) == (3, 2)
    assert figures.page_coverage[0] == pytest.approx(0.5, abs=0.02)
    assert figures.page_coverage[1:] == (0.0, 0.0)
    assert figures.coverage == pytest.approx(0.5 / 3, abs=0.01)
    page_cm2 = (200 / 72 * 2.54) ** 2
    assert figures.toner == pytest.approx(0.5 * page_cm2, rel=0.04)


def test_summary_states_real_percentages():
    standard = eco.EditionFigures(pages=7, sheets=4, coverage=0.05, toner=200.0)
    lighter = eco.EditionFigures(pages=4, sheets=2, coverage=0.04, toner=74.0)
    report = eco.compare(standard, lighter)
    assert report.summary() == "eco: 4 pages instead of 7 (−43%), 2 sheets instead of 4 (−50%), toner −63%"
    assert report.toner_saved == pytest.approx(0.63)
    one = eco.compare(eco.EditionFigures(1, 1, 0.02, 10.0), eco.EditionFigures(1, 1, 0.021, 10.5))
    assert one.summary() == "eco: toner +5%"  # the pages and sheets it did not save unsaid


def test_batch_total_adds_up():
    a = eco.compare(eco.EditionFigures(3, 2, 0.05, 90.0, (0.05,) * 3), eco.EditionFigures(1, 1, 0.07, 40.0, (0.07,)))
    b = eco.compare(eco.EditionFigures(5, 3, 0.04, 120.0, (0.04,) * 5), eco.EditionFigures(2, 1, 0.05, 60.0, (0.05,) * 2))
    total = eco.total([a, b])
    assert (total.standard.pages, total.standard.sheets, total.eco.pages, total.eco.sheets) == (8, 5, 3, 2)
    assert total.eco.toner == 100.0
    assert total.standard.coverage == pytest.approx((0.05 * 3 + 0.04 * 5) / 8)


# --- the seed's eco edition -----------------------------------------------------------------------


def test_eco_keeps_every_paragraph(seed_editions):
    text = normalised(pdf_text(seed_editions["eco"]))
    missing = [p[:60] for p in seed_paragraphs() if normalised(p) not in text]
    assert not missing


def test_eco_keeps_credits_licence_related_and_print_note(seed_editions):
    text = normalised(pdf_text(seed_editions["eco"]))
    for words in ("Credits and licence", "Creative Commons Attribution-ShareAlike 4.0 International",
                  "This piece was first published in PMP Magazine.", "First published in April 2020",
                  "Ministry of Defence of the Russian Federation", "Original cover photo (not included",
                  "Coronavirus: What does ‘from Russia with love’ really mean?", "BBC News", "CNBC",
                  "Related reading", PRINT_NOTE, "◆", "SHA-256"):
        assert words in text, words


def test_eco_has_fewer_pages_than_standard(seed_editions):
    standard, eco_pages = (len(PdfReader(seed_editions[k]).pages) for k in ("standard", "eco"))
    assert eco_pages < standard


def test_report_figures_are_those_of_the_files(seed_editions):
    report = seed_editions["report"]
    assert report.standard == eco.measure(seed_editions["standard"].read_bytes())
    assert report.eco == eco.measure(seed_editions["eco"].read_bytes())
    assert report.eco.pages == len(PdfReader(seed_editions["eco"]).pages)
    assert report.standard.sheets == (report.standard.pages + 1) // 2


def test_first_page_states_the_saving(seed_editions):
    first_page = " ".join((PdfReader(seed_editions["eco"]).pages[0].extract_text() or "").split())
    report = seed_editions["report"]
    assert f"Eco edition: {report.savings()}, compared with the standard edition." in first_page
    assert "Eco edition" not in pdf_text(seed_editions["standard"])


def test_eco_body_text_is_at_least_9pt_in_the_light_face(seed_editions):
    assert min(font_sizes_of(seed_editions["eco"], "devastating earthquake")) >= 9
    fonts = {str(font.get_object()["/BaseFont"]) for page in PdfReader(seed_editions["eco"]).pages
             for font in (page["/Resources"].get("/Font") or {}).values()}
    assert any("Press-Sans-Light" in name for name in fonts), fonts


def test_eco_asks_for_duplex(seed_editions):
    preferences = PdfReader(seed_editions["eco"]).trailer["/Root"]["/ViewerPreferences"]
    assert preferences["/Duplex"] == "/DuplexFlipLongEdge"
    assert "/ViewerPreferences" not in PdfReader(seed_editions["standard"]).trailer["/Root"]


def test_eco_edition_from_write_eco_pdf_is_the_same(seed_rendered, seed_editions, tmp_path):
    write_eco_pdf(seed_rendered, tmp_path / "direct.pdf")
    assert (tmp_path / "direct.pdf").read_bytes() == seed_editions["eco"].read_bytes()


@pytest.mark.parametrize("page_size", ["a4", "letter", "a5"])
def test_eco_lines_stay_readable_on_every_page_size(seed_rendered, page_size):
    # The eco edition's small type across a whole A4 page would run to 130 characters a line: two columns.
    editions = ecoprint.editions(seed_rendered, pdf.PdfOptions(eco=True, page_size=page_size))
    pages = PdfReader(io.BytesIO(editions.eco)).pages
    lines = [line for page in pages for line in page.extract_text().splitlines()
             if not line.startswith("Eco edition:")]  # the note, in the head margin, is one line of its own
    assert max(len(line) for line in lines) <= 85, max(lines, key=len)


def test_one_column_keeps_every_paragraph(seed_rendered, tmp_path):
    editions = ecoprint.editions(seed_rendered, pdf.PdfOptions(eco=True, eco_columns=1))
    (tmp_path / "one.pdf").write_bytes(editions.eco)
    text = normalised(pdf_text(tmp_path / "one.pdf"))
    assert not [p[:60] for p in seed_paragraphs() if normalised(p) not in text]
    assert editions.report.eco.pages < editions.report.standard.pages


@pytest.mark.parametrize("options", [{"eco_columns": 3}, {"eco_images": "colour"}])
def test_unknown_eco_options_are_refused(options):
    with pytest.raises(InputError):
        pdf.PdfOptions(eco=True, **options)


# --- images ---------------------------------------------------------------------------------------


def test_eco_images_none_drops_every_image_but_keeps_the_words(image_article, tmp_path):
    write_eco_pdf(image_article, tmp_path / "none.eco.pdf", pdf.PdfOptions(eco=True, eco_images="none"),
                  standard_path=tmp_path / "none.pdf")
    assert len(xobject_images(tmp_path / "none.pdf")) >= 2  # the standard edition has them
    assert xobject_images(tmp_path / "none.eco.pdf") == []
    text = pdf_text(tmp_path / "none.eco.pdf")
    for words in ("The test card, photographed in colour", "[Image: An uncaptioned green square]",
                  "Its caption survives too", "[Image not available: A picture that is not there]",
                  "The first paragraph comes before", "A paragraph between the pictures.",
                  "The last paragraph after the pictures."):
        assert words in text, words


def test_eco_images_grey_are_greyscale_and_reduced(image_article, tmp_path):
    write_eco_pdf(image_article, tmp_path / "grey.eco.pdf")
    found = xobject_images(tmp_path / "grey.eco.pdf")
    assert len(found) == 2  # the placeholder of the absent image is a line of text instead
    for image in found:
        assert image["/ColorSpace"] == "/DeviceGray"
        assert max(image["/Width"], image["/Height"]) <= ecoprint.IMAGE_MAX_SIDE
    assert "[Image not available: A picture that is not there]" in pdf_text(tmp_path / "grey.eco.pdf")


# --- build and command line -----------------------------------------------------------------------


def test_build_writes_both_pdfs_and_reports_them(tmp_path):
    article = write_article(tmp_path / "tiny", "---\ntitle: Tiny\nlang: en\nlicence: CC0-1.0\n---\nA tiny article.\n")
    out = tmp_path / "out"
    report = build([article], BuildOptions(out_dir=out, formats=("pdf",), pdf=pdf.PdfOptions(eco=True)))
    assert report.ok, report.failures
    assert report.written == [out / "tiny.pdf", out / "tiny.eco.pdf"]
    figures = report.eco[out / "tiny.eco.pdf"]
    assert figures.standard == eco.measure((out / "tiny.pdf").read_bytes())
    assert figures.eco == eco.measure((out / "tiny.eco.pdf").read_bytes())
    assert report.eco_total() == eco.total([figures])


@pytest.fixture
def restore_package_logger():
    logger = logging.getLogger("pressexport")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    yield
    logger.handlers[:], logger.level, logger.propagate = saved


def test_cli_pdf_eco_report(tmp_path, restore_package_logger):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["pdf", str(SEED), "--eco", "--report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["russia-coronavirus-aid.eco.pdf", "russia-coronavirus-aid.pdf"]
    report = eco.compare(eco.measure((out / "russia-coronavirus-aid.pdf").read_bytes()),
                         eco.measure((out / "russia-coronavirus-aid.eco.pdf").read_bytes()))
    lines = result.stdout.splitlines()
    assert report.summary() in [line.strip() for line in lines]
    assert f"standard: {report.standard.describe()}" in result.stdout
    assert re.search(r"eco: 1 page instead of \d+ \(−\d+%\), 1 sheet instead of \d+ \(−\d+%\), toner −\d+%", result.stdout)


@pytest.mark.parametrize("args", [["--report"], ["--eco-columns", "2"], ["--eco", "--eco-columns", "3"],
                                  ["--eco", "--eco-images", "sepia"]])
def test_cli_eco_usage_errors(tmp_path, args, restore_package_logger):
    result = CliRunner().invoke(app, ["pdf", str(SEED), "--out", str(tmp_path / "out"), *args])
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "out").exists()


COVERED = """---
title: A covered article
lang: en
licence: CC-BY-4.0
cover:
  image: cover.png
  alt: A blue cover
  caption: The harbour at dawn.
  credit: Jane Photographer
  licence: CC-BY-4.0
---

The only paragraph.
"""


def test_eco_has_no_cover_photo_but_credits_it(tmp_path):
    folder = tmp_path / "covered"
    folder.mkdir()
    Image.new("RGB", (1200, 800), (20, 60, 160)).save(folder / "cover.png")
    rendered = render_article(load_article(write_article(folder, COVERED)))
    write_eco_pdf(rendered, tmp_path / "c.eco.pdf", standard_path=tmp_path / "c.pdf")
    assert xobject_images(tmp_path / "c.pdf")  # the standard edition shows the cover photo
    assert xobject_images(tmp_path / "c.eco.pdf") == []
    text = pdf_text(tmp_path / "c.eco.pdf")
    assert "Original cover photo (not included in this edition): The harbour at dawn." in text
    assert "Credit: Jane Photographer." in text


def test_cli_build_eco_writes_pdf_eco_pdf_and_epub(tmp_path, restore_package_logger):
    article = write_article(tmp_path / "tiny", "---\ntitle: Tiny\nlang: en\nlicence: CC0-1.0\n---\nA tiny article.\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(article), "--eco", "--eco-columns", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["tiny.eco.pdf", "tiny.epub", "tiny.pdf"]
    report = eco.compare(eco.measure((out / "tiny.pdf").read_bytes()), eco.measure((out / "tiny.eco.pdf").read_bytes()))
    assert f"{out / 'tiny.eco.pdf'}: {report.summary()}" in result.stdout


@pytest.mark.parametrize("lang", ["en", "fr", "ru"])
def test_the_eco_note_leaves_out_sheets_it_did_not_save(lang):
    # "1 sheet instead of 1 (±0%)" told a reader nothing
    from pressexport.backends.ecoprint import note
    from pressexport.eco import EcoReport, EditionFigures

    same = EcoReport(EditionFigures(pages=2, sheets=1, coverage=0.05, toner=50.0, page_coverage=(0.05, 0.05)),
                     EditionFigures(pages=1, sheets=1, coverage=0.06, toner=30.0, page_coverage=(0.06,)))
    said = note(same, lang)
    assert "1 sheet" not in said and "1 лист" not in said and "1 feuille" not in said, said
    assert "(±0" not in said and "±0" not in same.summary() and "sheet" not in same.summary()


@pytest.mark.parametrize("lang", ["en", "fr", "de", "es", "it", "pt", "ru"])
def test_the_eco_note_leaves_out_pages_it_did_not_save(lang):
    # "1 page instead of 1 (±0%)" told a reader nothing either
    from pressexport.backends.ecoprint import note
    from pressexport.eco import EcoReport, EditionFigures

    same = EcoReport(EditionFigures(pages=1, sheets=1, coverage=0.05, toner=50.0, page_coverage=(0.05,)),
                     EditionFigures(pages=1, sheets=1, coverage=0.02, toner=20.0, page_coverage=(0.02,)))
    said = note(same, lang)
    assert "1" not in said and "±0" not in said and "−60" in said, said


NOTED = """---
title: The tidal grid
authors: [Ann Example, Bo Sample]
date: 2024-03-01
lang: en
licence: CC-BY-4.0
end_mark: "🔷"
---
The grid runs on the tides.[^1] It is an old idea, and a good one, that the moon should turn our lights on;
engineers have tried it since the nineteenth century, with [mixed results](https://example.org/results).[^2]

[^1]: A first note, long enough to run over more than one line in a column of the eco edition, so that its
    measure shows: at the foot of the page it would run across both columns.
[^2]: A second note, shorter.
"""


def words_with_positions(pdf_bytes: bytes):
    """Each word of the first page with its left and right edges in points (PDFium)."""
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(pdf_bytes)[0]  # bytes are read in place
    text = page.get_textpage()
    found = []
    for index in range(text.count_chars()):
        char = text.get_text_range(index, 1)
        box = text.get_charbox(index)
        found.append((char, box[0], box[2]))
    return found, page.get_width()


def test_eco_notes_and_link_addresses_sit_in_its_columns_after_the_text(tmp_path):
    rendered = render_article(load_article(write_article(tmp_path / "noted", NOTED)))
    editions = ecoprint.editions(rendered, pdf.PdfOptions(eco=True, eco_columns=2))
    chars, width = words_with_positions(editions.eco)
    text = "".join(char for char, _, _ in chars)
    note = text.index("A first note")
    assert text.index("mixed results") < note  # after the text, not at the foot of the page
    note_chars = [(left, right) for char, left, right in chars[note:text.index("shorter.")] if char.strip()]
    column = (width - 2 * 15 * 72 / 25.4) / 2  # eco margins are 15 mm
    assert max(right for _, right in note_chars) - min(left for left, _ in note_chars) < column + 5
    assert text.index("https://example.org/results") > note  # the link's address: a lettered note there too
    assert "link-notes" in ecoprint.pdf.document_html(rendered, None, frozenset({1, 2}),
                                                                    notes_at_end=True)
    assert "Bo Sample — March 1, 2024" in pdf_text(io.BytesIO(editions.eco))  # a space each side of the dash


def test_the_eco_end_mark_is_black(tmp_path):
    import pypdfium2 as pdfium

    rendered = render_article(load_article(write_article(tmp_path / "noted", NOTED)))
    editions = ecoprint.editions(rendered, pdf.PdfOptions(eco=True))
    for data, coloured in ((editions.eco, False), (editions.standard, True)):
        image = pdfium.PdfDocument(data)[0].render(scale=2).to_pil().convert("RGB")
        red, green, blue = (channel.tobytes() for channel in image.split())
        tinted = sum(1 for r, g, b in zip(red, green, blue) if b - max(r, g) > 60)
        assert (tinted > 20) is coloured
