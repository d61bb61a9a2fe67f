"""pressexport: Markdown articles to print-ready PDF and accessible EPUB."""

from __future__ import annotations

__version__ = "0.1.0"

from .build import build, write_epub, write_pdf  # noqa: E402
from .core import render_article  # noqa: E402
from .errors import InputError, OutputError, PressexportError  # noqa: E402
from .source import load_article  # noqa: E402

__all__ = ["__version__", "build", "load_article", "render_article", "write_pdf", "write_epub",
           "PressexportError", "InputError", "OutputError"]
