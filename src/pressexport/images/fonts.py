"""Fonts for generated images: loading, glyph coverage and the text they can set."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from ..errors import PressexportError
from ..diagnostics import warn

log = logging.getLogger(__name__)

DEFAULT_FONTS_DIR = Path(__file__).resolve().parents[1] / "styles" / "fonts"
FONTS_HINT = "pass fonts_dir pointing at the project's styles/fonts folder"

# Whitespace that may break a line (not NBSP, NNBSP or figure space).
_BREAKABLE_SPACE = re.compile(r"[^\S\u00a0\u202f\u2007]+")
# Greek accents and breathings that are dropped in all-caps text.
_GREEK_CAPS_DROP = {"\u0300", "\u0301", "\u0313", "\u0314", "\u0342", "\u0345"}
# A noncharacter, which no font maps: drawing it draws the font's .notdef glyph.
_UNMAPPED = "\U0010ffff"
_PROBE_SIZE = 32  # pixels: large enough that different outlines give different bitmaps


@lru_cache(maxsize=64)
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """The font at ``path`` in ``size`` pixels; a clear error if it is missing."""
    try:
        return ImageFont.truetype(str(path), size)
    except OSError as exc:
        raise PressexportError(f"cannot load font {path.name}", where=path, hint=FONTS_HINT) from exc


def font_path(fonts_dir: Path, name: str) -> Path:
    """The path of the font file ``name`` in ``fonts_dir``."""
    return Path(fonts_dir) / name


class GlyphCoverage:
    """Which characters a font has glyphs for, found through FreeType alone.

    FreeType draws a character the font does not map as the font's .notdef glyph, so a
    character is covered when its bitmap or advance differs from that of an unmapped code
    point. (Reading the cmap table would take fontTools, which the EPUB path does not load.)
    """

    def __init__(self, path: Path) -> None:
        try:
            self._font = ImageFont.truetype(str(path), _PROBE_SIZE, layout_engine=ImageFont.Layout.BASIC)
        except OSError as exc:
            raise PressexportError(f"cannot read font {path.name}", where=path, hint=FONTS_HINT) from exc
        self._lock = threading.Lock()  # one FreeType face is not safe to render from two threads
        self._notdef = self._drawing(_UNMAPPED)
        self._known: dict[str, bool] = {}

    def __contains__(self, ch: str) -> bool:
        """Whether the font has a glyph for the character ``ch``."""
        if ch not in self._known:
            self._known[ch] = self._drawing(ch) != self._notdef
        return self._known[ch]

    def _drawing(self, ch: str) -> tuple[tuple[int, int], bytes, float]:
        """The size, pixels and advance of ``ch`` as the font draws it."""
        with self._lock:
            mask = self._font.getmask(ch)
            return mask.size, bytes(mask), self._font.getlength(ch)


@lru_cache(maxsize=16)
def coverage(path: Path) -> GlyphCoverage:
    """The glyph coverage of the font at ``path``."""
    return GlyphCoverage(path)


def renderable(text: str, font_path: Path) -> str:
    """``text`` normalised (NFC) without invisible or unsupported characters.

    Characters the font has no glyph for would print as boxes; they are dropped
    and logged instead.
    """
    covered = coverage(font_path)
    kept: list[str] = []
    missing: set[str] = set()
    for ch in unicodedata.normalize("NFC", text):
        if ch.isspace():
            kept.append(" " if ch in "\t\n\r\f\v" else ch)
        elif unicodedata.category(ch) in ("Cc", "Cf") or 0xFE00 <= ord(ch) <= 0xFE0F:
            continue  # controls, soft hyphens, joiners, variation selectors
        elif ch in covered:
            kept.append(ch)
        else:
            missing.add(ch)
    if missing:
        _log_missing(font_path, missing)
    return " ".join(_BREAKABLE_SPACE.split("".join(kept))).strip()


def _log_missing(font_path: Path, missing: set[str]) -> None:
    """Say which characters were left out for want of glyphs."""
    warn("missing-glyphs", font_path.name, "no glyphs for "
         + " ".join(sorted(f"U+{ord(c):04X}" for c in missing)) + "; they are left out of the generated image")


def draw_kwargs(font: ImageFont.FreeTypeFont, lang: str) -> dict[str, str]:
    """Language for shaping (e.g. Serbian or Bulgarian forms), when raqm is present."""
    if lang and font.layout_engine == ImageFont.Layout.RAQM:
        return {"language": lang}
    return {}


def upper(text: str, lang: str) -> str:
    """Upper-case ``text`` following the conventions of ``lang`` (Greek, Turkish)."""
    primary = re.split(r"[-_]", lang or "")[0].lower()
    if primary in ("tr", "az"):
        text = text.replace("i", "\u0130")
    capitals = text.upper()
    return _drop_greek_accents(capitals) if primary == "el" else capitals


def _drop_greek_accents(text: str) -> str:
    """Greek capitals without the accents and breathings that all-caps Greek leaves out."""
    out: list[str] = []
    base = ""
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            if ch in _GREEK_CAPS_DROP and "GREEK" in unicodedata.name(base, ""):
                continue
        else:
            base = ch
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def cap_height(font: ImageFont.FreeTypeFont) -> int:
    """The height of a capital H above the baseline, in pixels."""
    return -font.getbbox("H", anchor="ls")[1]
