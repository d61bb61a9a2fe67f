"""pressexport: Markdown articles to print-ready PDF and accessible EPUB.

Importing the package has no side effects and loads nothing heavy: its public names are imported on
first use (PEP 562), so a command that needs only the record (a batch with nothing to do) starts fast.
The PDF backend is loaded (and fontconfig pointed at the shipped fonts) only when a PDF is made.
"""

from __future__ import annotations

import importlib

from .version import __version__

PUBLIC = {"build": "build", "write_pdf": "build", "write_epub": "build", "write_eco_pdf": "build",
          "render_article": "core", "load_article": "sources.article", "batch": "archive.batch",
          "PressexportError": "errors", "InputError": "errors", "OutputError": "errors"}

__all__ = ["__version__", *PUBLIC]


def __getattr__(name: str):
    """A public name, imported from its module on first use."""
    if name not in PUBLIC:
        raise AttributeError(f"module 'pressexport' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{PUBLIC[name]}", __name__), name)
    globals()[name] = value
    return value
