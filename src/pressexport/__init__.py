"""pressexport: Markdown articles to print-ready PDF and accessible EPUB."""

from __future__ import annotations

__version__ = "0.1.0"

from .resources import use_shipped_fonts_only  # noqa: E402

use_shipped_fonts_only()  # before WeasyPrint (through Pango) starts fontconfig: it reads the setting once

from .build import build, write_eco_pdf, write_epub, write_pdf  # noqa: E402
from .core import render_article  # noqa: E402
from .errors import InputError, OutputError, PressexportError  # noqa: E402
from .source import load_article  # noqa: E402

__all__ = ["__version__", "build", "load_article", "render_article", "write_pdf", "write_epub", "write_eco_pdf",
           "PressexportError", "InputError", "OutputError"]
