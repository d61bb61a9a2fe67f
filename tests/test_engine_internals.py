"""One test per engine internal pressexport relies on, so that an upgrade that moves one fails here first.

WeasyPrint is pinned below its next major version (pyproject.toml); these say what to look at when lifting
the pin.
"""

from __future__ import annotations

import datetime as dt
import io

import weasyprint
from fontTools.misc import timeTools
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import _h_e_a_d
from pypdf import PdfReader
from weasyprint.formatting_structure.boxes import FootnoteAreaBox

from conftest import write_article
from pressexport import load_article, render_article
from pressexport.backends import pdf
from pressexport.backends.pdf_engine import font_time, install_font_clock
from pressexport.backends.print_body import misplaced_notes
from pressexport.resources import fonts_dir

NOTES = "---\ntitle: Notes\nlang: en\nlicence: CC0-1.0\n---\n\nA claim.[^1] Another.[^2]\n\n[^1]: First.\n[^2]: Second.\n"


def test_pages_expose_their_page_box_with_a_footnote_area(tmp_path):
    """``misplaced_notes`` reads ``page._page_box.children`` and looks for ``FootnoteAreaBox``."""
    rendered = render_article(load_article(write_article(tmp_path, NOTES)))
    document, _ = pdf.lay_out(rendered, pdf.PdfOptions())
    areas = [child for child in document.pages[0]._page_box.children if isinstance(child, FootnoteAreaBox)]
    assert areas, "no FootnoteAreaBox among the first page box's children"
    texts = " ".join(box.text for area in areas for box in area.descendants() if hasattr(box, "text"))
    assert "First." in texts and "Second." in texts
    assert misplaced_notes(document) == frozenset()


def test_metadata_generates_rdf_that_rights_are_inserted_into(tmp_path):
    """``add_rights_to_xmp`` wraps ``metadata.generate_rdf_metadata`` and inserts before ``</rdf:RDF>``."""
    rendered = render_article(load_article(write_article(tmp_path, NOTES)))
    document, _ = pdf.lay_out(rendered, pdf.PdfOptions())
    generate = document.metadata.generate_rdf_metadata
    assert callable(generate)
    xmp = PdfReader(io.BytesIO(pdf.render(rendered))).trailer["/Root"]["/Metadata"].get_object().get_data()
    assert xmp.count(b"<rdf:RDF") == 1 and b"xmpRights:UsageTerms" in xmp


def test_font_clock_stamps_saved_fonts_with_the_render_time():
    """fontTools stamps ``head.modified`` through ``_h_e_a_d.timestampNow``, which the engine redirects."""
    install_font_clock()
    when = dt.datetime(2020, 4, 1, tzinfo=dt.timezone.utc)
    font = TTFont(str(fonts_dir() / "NotoSans-Regular.ttf"))
    with font_time(when):
        buffer = io.BytesIO()
        font.save(buffer)
    saved = TTFont(io.BytesIO(buffer.getvalue()))
    assert saved["head"].modified == int(when.timestamp()) - timeTools.epoch_diff
    assert _h_e_a_d.timestampNow() != saved["head"].modified  # outside a render: fontTools' own clock


def test_weasyprint_is_the_pinned_major_version():
    """The internals above were checked against WeasyPrint 70."""
    assert weasyprint.__version__.split(".")[0] == "70"


LIBRARY_NAMES = ["gobject-2.0", "pango-1.0", "harfbuzz", "fontconfig", "pangoft2-1.0", "libgobject-2.0-0", "nosuchlib-pressexport"]


def test_cached_loader_lookup_answers_as_ctypes_does():
    """``native_libs`` answers find_library from one ``ldconfig -p``; ctypes' own answer is the reference."""
    import ctypes.util

    from pressexport.backends.native_libs import libraries_looked_up_once

    expected = {name: ctypes.util.find_library(name) for name in LIBRARY_NAMES}
    with libraries_looked_up_once():
        found = {name: ctypes.util.find_library(name) for name in LIBRARY_NAMES}
    assert found == expected
    assert expected["pango-1.0"], "Pango is installed, so ctypes must find it"


def test_loading_the_pdf_backend_starts_at_most_one_process():
    """cffi asks ctypes.util.find_library about each of WeasyPrint's library names; without the cached
    lookup that starts ldconfig, gcc and ld some fifty times before the first PDF."""
    import subprocess
    import sys

    probe = ("import sys\n"
             "started = []\n"
             "sys.addaudithook(lambda event, args: started.append(args[1]) if event == 'subprocess.Popen' else None)\n"
             "from pressexport import backends\n"
             "backends.load('pdf')\n"
             "print(len(started), started)\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert int(out.split()[0]) <= 1, out
