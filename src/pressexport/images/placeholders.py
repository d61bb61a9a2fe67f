"""Placeholders for missing images: a framed grey panel with a line of text."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from . import fonts
from .fonts import DEFAULT_FONTS_DIR
from .normalise import png
from .text import fit

PLACEHOLDER_BG = (236, 236, 236)
PLACEHOLDER_BORDER = (186, 186, 186)
PLACEHOLDER_INK = (96, 96, 96)

PLACEHOLDER_FONT = "NotoSans-Regular.ttf"
LEADING = 1.35


def placeholder_image(
    text: str,
    *,
    fonts_dir: Path = DEFAULT_FONTS_DIR,
    size: tuple[int, int] = (1200, 675),
) -> bytes:
    """A light grey PNG with a thin border and ``text`` centred; deterministic."""
    width, height = size
    image = Image.new("RGB", size, PLACEHOLDER_BG)
    draw = ImageDraw.Draw(image)
    border = max(1, round(min(size) / 300))
    draw.rectangle((0, 0, width - 1, height - 1), outline=PLACEHOLDER_BORDER, width=border)
    font, lines = _set(text, fonts_dir, width, height)
    _draw_centred(draw, font, lines, width, height)
    return png(image)


def _set(words: str, fonts_dir: Path, width: int, height: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The text in lines and the font size that fit 80% of the panel either way."""
    path = fonts.font_path(fonts_dir, PLACEHOLDER_FONT)
    return fit(
        fonts.renderable(words, path),
        path,
        width=width * 0.8,
        max_height=height * 0.8,
        max_size=max(8, round(min(width / 24, height / 14))),
        min_size=max(6, round(height / 40)),
        leading=LEADING,
    )


def _draw_centred(draw: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont, lines: list[str],
                  width: int, height: int) -> None:
    """Draw the lines centred in the panel, each on its own baseline."""
    if not lines:
        return
    pitch = font.size * LEADING
    cap = fonts.cap_height(font)
    y = (height - (cap + (len(lines) - 1) * pitch)) / 2 + cap
    for line in lines:
        draw.text((width / 2, y), line, font=font, fill=PLACEHOLDER_INK, anchor="ms")
        y += pitch
