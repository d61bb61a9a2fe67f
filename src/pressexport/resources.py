"""Where the shipped stylesheets and fonts live, and how to read them."""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path

from .errors import PressexportError


@functools.lru_cache(maxsize=1)
def styles_dir() -> Path:
    """The stylesheets and fonts shipped inside the package (a publication's own come from its config, as
    its house style: sources/publication.py)."""
    folder = Path(__file__).resolve().parent / "styles"
    if not (folder / "base.css").is_file():
        raise PressexportError(f"no base.css in the styles folder {folder}", hint="reinstall pressexport")
    return folder


def stylesheet(name: str) -> Path:
    """The path of one stylesheet (e.g. 'print.css') in the styles folder."""
    return styles_dir() / name


def fonts_dir() -> Path:
    """The shipped fonts."""
    return styles_dir() / "fonts"


FONTCONFIG_TEMPLATE = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/conf.d</include>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


def use_shipped_fonts_only() -> None:
    """Point fontconfig at the shipped fonts alone, so every machine typesets the same pages.

    The system's matching rules are kept; its font folders are not, so a glyph missing from the shipped
    fonts shows as a missing glyph (and a warning) instead of silently coming from whatever is installed.
    """
    try:
        fonts = fonts_dir().resolve()
    except PressexportError:
        return  # no styles folder: the build will report it; fontconfig keeps its defaults
    folder = Path(tempfile.gettempdir()) / f"pressexport-fontconfig-{hashlib.sha256(bytes(fonts)).hexdigest()[:12]}"
    config = folder / "fonts.conf"
    if not config.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        temp = folder / f".fonts.conf.{os.getpid()}"
        temp.write_text(FONTCONFIG_TEMPLATE.format(fonts=fonts, cache=folder / "cache"), encoding="utf-8")
        os.replace(temp, config)
    os.environ["FONTCONFIG_FILE"] = str(config)
