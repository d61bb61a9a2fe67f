"""pressexport: Markdown articles to print-ready PDF and accessible EPUB.

Importing the package has no side effects; the PDF backend is loaded (and fontconfig pointed at the
shipped fonts) only when a PDF is made.
"""

from __future__ import annotations

from .version import __version__  # noqa: E402

from .build import build, write_eco_pdf, write_epub, write_pdf  # noqa: E402
from .core import render_article  # noqa: E402
from .errors import InputError, OutputError, PressexportError  # noqa: E402
from .source import load_article  # noqa: E402

__all__ = ["__version__", "build", "load_article", "render_article", "write_pdf", "write_epub", "write_eco_pdf",
           "PressexportError", "InputError", "OutputError"]
