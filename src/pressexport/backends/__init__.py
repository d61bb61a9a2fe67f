"""Output backends, one module each, listed in one registry and imported only when a build needs them."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..language.hyphenation import american_english_for_plain_en
from ..resources import use_shipped_fonts_only
from .native_libs import libraries_looked_up_once

# format → the module that writes it; each has render(rendered, options) -> bytes and write(rendered, path, options)
BACKENDS = {"pdf": "pressexport.backends.pdf", "epub": "pressexport.backends.epub"}
ECO = "pressexport.backends.ecoprint"  # the eco edition: a layer over the PDF backend
# format → the module that writes a whole issue: render(issue, rendered_articles, options) -> bytes
ISSUE_BACKENDS = {"pdf": "pressexport.backends.issue_pdf", "epub": "pressexport.backends.issue_epub"}
NO_PDF_ENGINE = {BACKENDS["epub"], ISSUE_BACKENDS["epub"]}


def load(name: str) -> ModuleType:
    """The backend for a format (or ``ECO``), imported on first use; the PDF engine's fonts are set up first."""
    module = BACKENDS.get(name, name)
    if module in NO_PDF_ENGINE:
        return importlib.import_module(module)
    use_shipped_fonts_only()  # before WeasyPrint starts fontconfig, which reads its settings once
    american_english_for_plain_en()  # before WeasyPrint loads a hyphenation dictionary
    with libraries_looked_up_once():  # WeasyPrint opens its native libraries as it is imported
        return importlib.import_module(module)
