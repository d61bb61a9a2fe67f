"""Where the shipped stylesheets and fonts live, and how to read them."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import PressexportError


def styles_dir() -> Path:
    """The styles folder: $PRESSEXPORT_STYLES, else the project's own ``styles/``."""
    override = os.environ.get("PRESSEXPORT_STYLES")
    folder = Path(override) if override else Path(__file__).resolve().parents[2] / "styles"
    if not (folder / "base.css").is_file():
        raise PressexportError(f"no base.css in styles folder {folder}",
                               hint="set PRESSEXPORT_STYLES to the styles folder of your pressexport checkout")
    return folder


def stylesheet(name: str) -> Path:
    """The path of one stylesheet (e.g. 'print.css') in the styles folder."""
    return styles_dir() / name


def fonts_dir() -> Path:
    """The shipped fonts."""
    return styles_dir() / "fonts"
