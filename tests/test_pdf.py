"""PDF facts: variants, rights in XMP, outline, page sizes, footnotes on the page of their call."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from conftest import CORPUS_LOGS, SEED, write_article
from pressexport import load_article, render_article
from pressexport.backends import pdf

FOOTNOTED = """---
title: Notes at the foot
lang: en
licence: CC-BY-4.0
---

# First part

The first call is here.[^a] A [linked source](https://example.org/report) is cited too.

## Second part

{filler}

The second call is on a later page.[^b]

[^a]: The first note, which belongs on the first page.
[^b]: The second note, which must sit on the page of its call.
"""


@pytest.fixture(scope="module")
def seed_rendered():
    return render_article(load_article(SEED))


def render_to(tmp_path, rendered, **options):
    path = tmp_path / "edition.pdf"
    pdf.write(rendered, path, pdf.PdfOptions(**options))
    return PdfReader(path)


def test_ua_variant_is_tagged(tmp_path, seed_rendered):
    reader = render_to(tmp_path, seed_rendered, variant="pdf/ua-1")
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert "/StructTreeRoot" in root


def test_archival_variant_embeds_the_markdown_source(tmp_path, seed_rendered):
    reader = render_to(tmp_path, seed_rendered, variant="pdf/a-3b")
    attachments = reader.attachments
    assert list(attachments) == ["article.md"]
    assert attachments["article.md"][0] == SEED.read_bytes()
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in xmp
    assert xmp.count(b"<rdf:RDF") == 1  # one RDF block: the rights sit inside WeasyPrint's own


def test_licence_is_in_the_xmp(tmp_path, seed_rendered):
    reader = render_to(tmp_path, seed_rendered)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert '<cc:license rdf:resource="https://creativecommons.org/licenses/by-sa/4.0/"/>' in xmp
    assert "<xmpRights:Marked>True</xmpRights:Marked>" in xmp
    assert seed_rendered.article.source_hash in xmp


def test_outline_follows_the_headings(tmp_path, seed_rendered):
    reader = render_to(tmp_path, seed_rendered)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[0] == seed_rendered.article.title
    flat = str(reader.outline)
    assert "Why is Russia helping other nations" in flat


@pytest.mark.parametrize("size, points", [("a4", (595, 842)), ("letter", (612, 792)), ("a5", (420, 595))])
def test_page_sizes(tmp_path, seed_rendered, size, points):
    reader = render_to(tmp_path, seed_rendered, page_size=size)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == points


@pytest.mark.expected_logs(r"printed as endnotes")
def test_footnotes_sit_on_the_page_of_their_call(tmp_path):
    filler = "\n\n".join(["A paragraph of filler text that pushes the second call onto a later page. " * 6] * 12)
    article = write_article(tmp_path / "notes", FOOTNOTED.replace("{filler}", filler))
    reader = render_to(tmp_path, render_article(load_article(article)))
    pages = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    first = next(i for i, text in enumerate(pages) if "The first call is here" in text)
    second = next(i for i, text in enumerate(pages) if "The second call is on a later page" in text)
    assert second > first
    text = " ".join(pages)
    for note, page in (("The first note, which belongs on the first page.", first),
                       ("The second note, which must sit on the page of its call.", second)):
        # On the page of its call, or (WeasyPrint moved it) an endnote after the text, never elsewhere.
        assert note in pages[page] or text.index(note) > text.index("The second call is on a later page")
    assert "A linked sourcea is cited" in pages[first]  # its address is a lettered note on the same page
    assert "a. https://example.org/report" in pages[first]


def test_no_folio_on_the_first_page_and_a_running_head_after(tmp_path, seed_rendered):
    reader = render_to(tmp_path, seed_rendered)
    first, second = (" ".join((p.extract_text() or "").split()) for p in reader.pages[:2])
    assert "page 1 of" not in first
    assert "page 2 of" in second
    assert "PMP Magazine / What is behind Russia" in second


NOTES_CASES = """---
title: Footnote cases
lang: en
---

Two calls in one line.[^one] And another.[^two] The long note is called here.[^long]

{filler}

{last}

[^one]: First short note.
[^two]: Second short note, on the same page as the first.
[^long]: {long}
"""


def note_pages(tmp_path, last_line: str, page_size: str = "a4"):
    filler = "\n\n".join(["Filler text that moves the last call towards the foot of the page. " * 7] * 6)
    text = NOTES_CASES.replace("{filler}", filler).replace("{last}", last_line)
    text = text.replace("{long}", "A very long note. " * 400)
    article = write_article(tmp_path / "cases", text)
    reader = render_to(tmp_path, render_article(load_article(article)), page_size=page_size)
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def test_several_footnotes_on_one_page_and_a_long_one_as_endnote(tmp_path, caplog):
    pages = note_pages(tmp_path, "The end.")
    assert "First short note." in pages[0] and "Second short note" in pages[0]
    assert any("printed as endnotes" in r.getMessage() for r in caplog.records)
    text = " ".join(pages)
    end_of_text = text.index("The end.")
    assert text.index("Notes", end_of_text) < text.index("A very long note.")  # after the text, under Notes


@pytest.mark.expected_logs(r"no 'licence' in front matter")
def test_a_call_on_the_last_line_of_a_page_keeps_its_note(tmp_path):
    for lines in range(0, 12):
        extra = "\n\n".join(["One more line of text to shift the call." ] * lines)
        last = f"{extra}\n\nThe last call sits here.[^one]" if extra else "The last call sits here.[^one]"
        text = NOTES_CASES.replace("[^one]: First short note.", "[^one]: First short note.\n[^four]: Fourth note.")
        text = text.replace("{filler}", "\n\n".join(["Filler text that moves the call. " * 12] * 9))
        text = text.replace("{last}", last.replace("[^one]", "[^four]")).replace("{long}", "Short.")
        article = write_article(tmp_path / f"last-{lines}", text)
        path = tmp_path / f"last-{lines}.pdf"
        pdf.write(render_article(load_article(article)), path)
        pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages]
        call = next(i for i, t in enumerate(pages) if "The last call sits here" in t)
        assert "Fourth note." in pages[call], (lines, call)


COVERAGE = """---
title: Coverage ἀρχῇ → ✓
lang: en
licence: CC0-1.0
---

“Quotes” ‘single’ — Россия «ёлочки» ἐν ἀρχῇ ἦν ὁ λόγος ᾧ ┌─┐ → ⇒ ≤ ∑ ✓ ★ € end🔷

`code ┌─┐ → ᾧ` and *italic ἀρχῇ Россия* and **bold ἀρχῇ Россия**
"""


def test_every_glyph_comes_from_the_shipped_fonts(tmp_path, caplog):
    article = write_article(tmp_path / "coverage", COVERAGE)
    reader = render_to(tmp_path, render_article(load_article(article)))
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert names and all(name.startswith(("Press-", "Noto-")) for name in names), names  # shipped fonts only
    assert not [r for r in caplog.records if "notdef" in r.getMessage()]


@pytest.mark.parametrize("size", ["a4", "a5"])
@pytest.mark.expected_logs(*CORPUS_LOGS, r"printed as endnotes")
def test_every_footnote_of_a_long_article_is_on_its_calls_page(size):
    from pressexport.backends.print_body import misplaced_notes
    from conftest import CORPUS

    rendered = render_article(load_article(CORPUS / "ph-introduction-to-stylometry-with-python.md"))
    document, _ = pdf.lay_out_notes_on_their_pages(rendered, pdf.PdfOptions(page_size=size))
    assert misplaced_notes(document) == frozenset()
    printed = sum(1 for page in document.pages for area in page._page_box.children[1:2]
                  for box in area.descendants() if box.element is not None and box.element.get("class") == "footnote")
    assert printed >= len(rendered.notes) - 3  # nearly all stay footnotes; at most a few become endnotes


# --- the print grid: the measure, and the credits that end the text's last page ------------------------------


def body_line_lengths(path) -> list[int]:
    """The length of every printed line of 30 characters or more (text, notes and credits), as PDFium reads it."""
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    lines = []
    for index in range(len(document)):
        lines += document[index].get_textpage().get_text_range().replace("\r\n", "\n").split("\n")
    return sorted(len(line.strip()) for line in lines if len(line.strip()) >= 30)


@pytest.mark.parametrize("size", ["a4", "letter", "a5"])
@pytest.mark.expected_logs(*CORPUS_LOGS, r"printed as endnotes", r"image .* not available")
def test_the_measure_sets_sixty_to_seventy_five_characters_a_line(tmp_path, size):
    from conftest import CORPUS

    for source in (SEED, CORPUS / "ph-georeferencing-qgis.md"):
        path = tmp_path / f"{source.stem}.pdf"
        pdf.write(render_article(load_article(source)), path, pdf.PdfOptions(page_size=size))
        lengths = body_line_lengths(path)
        median = lengths[len(lengths) // 2]
        assert 60 <= median <= 75, (source.name, size, median)


def last_page_text(path) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    return document[len(document) - 1].get_textpage().get_text_range()


@pytest.mark.parametrize("size", ["a4", "letter", "a5"])
@pytest.mark.expected_logs(*CORPUS_LOGS, r"printed as endnotes", r"image .* not available")
def test_no_page_holds_only_the_credits(tmp_path, size):
    # the credits run on after the text under a rule; set tighter, or with the text's last block carried
    # over, when they would otherwise fill a page of their own
    from conftest import CORPUS

    for source in (SEED, CORPUS / "ph-georeferencing-qgis.md", CORPUS / "ph-getting-started-with-markdown.md"):
        path = tmp_path / f"{source.stem}.pdf"
        pdf.write(render_article(load_article(source)), path, pdf.PdfOptions(page_size=size))
        last = last_page_text(path).replace("\r\n", "\n")
        assert "Credits and licence" in last, (source.name, size)
        before = last.split("Credits and licence")[0].replace("Please think about the environment before printing "
                                                              "this article.", "").strip()
        assert len(before) > 40, (source.name, size, last[:200])  # some of the text itself


def test_the_pdfs_document_title_is_searchable_as_typed(tmp_path):
    # French typography puts narrow no-break spaces inside « » and before ? ! : a catalogue search for the
    # plain title must still find it
    path = write_article(tmp_path / "fr", '---\ntitle: \'Le "grand" débat : pourquoi ?\'\nlang: fr\nlicence: CC-BY-4.0\n'
                                          "---\n\nUn texte en français, assez long pour être lu comme tel.\n")
    reader = render_to(tmp_path, render_article(load_article(path)))
    assert reader.metadata.title == "Le « grand » débat : pourquoi ?"


LONG_WORDS = """---
title: Die Donaudampfschifffahrtsgesellschaftskapitänsmütze und ihre Geschichte
lang: de
licence: CC-BY-4.0
---

## Rechtsschutzversicherungsgesellschaften im Überblick

Ein Absatz mit einem langen Bezeichner `configureDonaudampfschifffahrtsgesellschaftKapitaenMuetze` mitten im
Text, und danach geht der Satz noch eine Weile weiter, damit wir sehen, wie die Zeilen umbrechen.
"""


def glyph_boxes(path):
    """Each page's width and its characters with their boxes (left, bottom, right, top), as PDFium reads them."""
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    for index in range(len(document)):
        page = document[index]
        text = page.get_textpage()
        chars = [(text.get_text_range(k, 1), text.get_charbox(k)) for k in range(text.count_chars())]
        yield page.get_width(), [(char, box) for char, box in chars if char.strip()]  # line breaks are not glyphs


@pytest.mark.parametrize("size", ["a4", "a5"])
def test_long_words_in_titles_and_code_stay_on_the_paper_and_in_their_column(tmp_path, size):
    from pressexport.backends.ecoprint import editions

    rendered = render_article(load_article(write_article(tmp_path / "lang", LONG_WORDS)))
    standard = tmp_path / "standard.pdf"
    pdf.write(rendered, standard, pdf.PdfOptions(page_size=size))
    margin = 16 if size == "a5" else 36  # mm, the grid's side margins (page-a5.css, page-a4.css)
    for width, chars in glyph_boxes(standard):
        rightmost = max(box[2] for _, box in chars)
        assert rightmost <= width - margin * 72 / 25.4 + 1, (size, rightmost, width)
    eco = tmp_path / "eco.pdf"
    eco.write_bytes(editions(rendered, pdf.PdfOptions(page_size=size, eco=True)).eco)
    identifier = "configureDonaudampfschifffahrtsgesellschaftKapitaenMuetze"
    for width, chars in glyph_boxes(eco):  # two columns: the identifier stays in its own
        text = "".join(char for char, _ in chars)
        start = text.find(identifier[:12])
        assert start >= 0
        boxes = [box for _, box in chars[start:start + len(identifier)]]
        left_column_ends = width / 2 - 3 * 72 / 25.4  # the 6 mm gap's left edge
        assert all(box[2] <= left_column_ends + 1 or box[0] >= left_column_ends for box in boxes), size


@pytest.mark.parametrize("size", ["a4", "a5"])
def test_a_table_row_is_never_split_across_pages(tmp_path, size):
    cell = "A long cell that wraps over several lines of the narrow column. " * 4
    rows = "\n".join(f"| {n} | {cell} | last cell {n} |" for n in range(40))
    article = write_article(tmp_path / "table", "---\ntitle: Rows\nlang: en\nlicence: CC0\n---\n\n"
                            + "Text before the table.\n\n| N | Text | End |\n|---|------|-----|\n" + rows + "\n")
    document, _ = pdf.lay_out(render_article(load_article(article)), pdf.PdfOptions(page_size=size))
    pages_of_row: dict[str, set[int]] = {}
    for number, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            if box.element_tag == "tr" and box.element is not None:
                first_cell = "".join(next(iter(box.element)).itertext())
                pages_of_row.setdefault(first_cell, set()).add(number)
    header = pages_of_row.pop("N")
    assert header == set().union(*pages_of_row.values()) and len(header) > 1  # repeated on every page of the table
    assert len(pages_of_row) == 40 and all(len(pages) == 1 for pages in pages_of_row.values())


def test_the_credits_are_not_hyphenated_and_hold_a_title_s_quotes_to_its_words(tmp_path):
    from pressexport.build import BuildOptions, build

    paths = []
    for n in range(10):  # titles of every length, so that the credits' lines break everywhere
        title = " ".join(["Unge", "tidal", "grids", "of", "the", "northern", "sea"][: 1 + n % 7]) + " x" * n
        paths.append(write_article(tmp_path / f"t{n}", f"---\ntitle: '{title}'\nlang: en\nlicence: CC-BY-SA-4.0\n"
                                                        f"authors: Ann Ungeheuer-Beispielsweise\n---\n\nText.\n"))
    report = build(paths, BuildOptions(out_dir=tmp_path / "out", formats=("pdf",), pdf=pdf.PdfOptions(page_size="a5")))
    assert report.ok, report.failures
    for path in report.written:
        lines = [line.rstrip() for page in PdfReader(path).pages for line in page.extract_text().splitlines()]
        credits = lines[next(i for i, line in enumerate(lines) if line.startswith("Credits")):]
        assert not any(line.endswith("“") for line in credits), credits
        # names and words of the credits are never cut by an added hyphen (U+2010; a compound's own may end a line)
        assert not any(line.endswith("\u2010") for line in credits), credits
    credits = pdf.document_html(render_article(load_article(paths[3])), None)
    assert '<span class="held">“Unge</span>' in credits and '<span class="held">x”</span>' in credits
