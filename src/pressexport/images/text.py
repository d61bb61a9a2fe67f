"""Text for generated images: fitting to a box, line breaking, hyphenation and letter-spacing."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from PIL import ImageDraw, ImageFont

from . import fonts
from ..language.hyphenation import american_english_for_plain_en
from ..diagnostics import warn

log = logging.getLogger(__name__)

Measure = Callable[[str], float]

_INF = float("inf")
_HYPHENS = "-‐–—/"  # a word may break after these without adding a hyphen
_PUNCTUATION = ".,;:!?»«\"'“”‘’()"


def fit(
    text: str,
    font_path: Path,
    *,
    width: float,
    max_height: float,
    max_size: int,
    min_size: int,
    leading: float,
    max_lines: int = 0,
    lang: str = "",
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font size (down to ``min_size``) at which ``text`` fits the box.

    Lines are balanced; words wider than the box are hyphenated. ``max_lines`` keeps
    short texts from running into many lines of large type; it is given up below
    60% of ``max_size`` so that long texts stay as large as the height allows.
    """
    size = max_size
    while True:
        font = fonts.font(font_path, size)
        measure = lru_cache(maxsize=None)(font.getlength)
        words = _words(text, width, measure, lang)
        lines = greedy(words, width, measure) or []
        few_enough = not max_lines or len(lines) <= max_lines or size < 0.6 * max_size
        if len(lines) * size * leading <= max_height and few_enough:
            return font, balanced(words, width, measure) or []
        if size <= min_size:
            return font, truncate(lines, int(max_height // (size * leading)), width, measure)
        size = max(min_size, math.floor(size * 0.94))


def _words(text: str, width: float, measure: Measure, lang: str) -> list[str]:
    """The words of ``text``, those wider than ``width`` broken into hyphenated pieces."""
    return [
        piece
        for word in (text.split(" ") if text else [])
        for piece in (break_word(word, width, measure, lang) if measure(word) > width else [word])
    ]


def greedy(words: list[str], width: float, measure: Measure) -> list[str] | None:
    """Fill lines up to ``width``; None if a single word is wider than that."""
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if measure(candidate) <= width:
            current = candidate
        elif not current or measure(word) > width:
            return None
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def balanced(words: list[str], width: float, measure: Measure) -> list[str] | None:
    """Wrap into as few lines as greedy filling needs, with lines of even length.

    A small dynamic programme minimises the squared slack of the lines (the last
    line may be shorter) and avoids ending a line with a short word ("of", "в").
    """
    filled = greedy(words, width, measure)
    if filled is None or len(filled) < 2:
        return filled
    starts = _best_starts(len(words), len(filled), lambda i, j: _line_cost(words, i, j, width, measure))
    return filled if starts is None else _lines_from(words, starts)


def _line_cost(words: list[str], i: int, j: int, width: float, measure: Measure) -> float:
    """The cost of ``words[i:j]`` on one line; infinite if they do not fit."""
    slack = (width - measure(" ".join(words[i:j]))) / width
    if slack < 0:
        return _INF
    if j == len(words):
        return 0.5 * slack * slack  # the last line may be short
    last = words[j - 1].strip(_PUNCTUATION)
    short = 0.04 if 0 < len(last) <= 2 and last.islower() else 0.0
    return slack * slack + short


def _best_starts(n: int, count: int, cost: Callable[[int, int], float]) -> list[list[int]] | None:
    """``starts[k][j]``: where line k begins in the cheapest setting of the first j of ``n``
    words in k lines; None if the ``n`` words cannot be set in ``count`` lines."""
    best = [[_INF] * (n + 1) for _ in range(count + 1)]
    starts = [[0] * (n + 1) for _ in range(count + 1)]
    best[0][0] = 0.0
    for k in range(1, count + 1):
        for j in range(1, n + 1):
            for i in range(j - 1, -1, -1):
                if best[k - 1][i] == _INF:
                    continue
                c = cost(i, j)
                if c == _INF:
                    break  # longer lines only get wider
                if best[k - 1][i] + c < best[k][j]:
                    best[k][j], starts[k][j] = best[k - 1][i] + c, i
    return None if best[count][n] == _INF else starts


def _lines_from(words: list[str], starts: list[list[int]]) -> list[str]:
    """The lines of the setting that ``starts`` describes, read back from the last line."""
    lines, j = [], len(words)
    for k in range(len(starts) - 1, 0, -1):
        i = starts[k][j]
        lines.append(" ".join(words[i:j]))
        j = i
    return lines[::-1]


@lru_cache(maxsize=16)
def _hyphenator(lang: str):
    """A pyphen dictionary for ``lang``, or None."""
    try:
        import pyphen
    except ImportError:  # pragma: no cover - pyphen comes with WeasyPrint
        return None
    american_english_for_plain_en()
    found = pyphen.language_fallback(lang.replace("-", "_")) if lang else None
    return pyphen.Pyphen(lang=found) if found else None


def break_word(word: str, width: float, measure: Measure, lang: str) -> list[str]:
    """Hyphenate a word wider than ``width`` into pieces that fit.

    Breaks after existing hyphens or at the language's hyphenation points; when
    none fits, between characters.
    """
    dic = _hyphenator(lang)
    points = set(dic.positions(word)) if dic else set()
    points |= {i + 1 for i, ch in enumerate(word[:-1]) if ch in _HYPHENS}
    pieces: list[str] = []
    start = 0
    while start < len(word) - 1 and measure(word[start:]) > width:
        start, piece = _cut(word, start, points, width, measure)
        pieces.append(piece)
    pieces.append(word[start:])
    return pieces


def _cut(word: str, start: int, points: set[int], width: float, measure: Measure) -> tuple[int, str]:
    """Where the piece of ``word`` from ``start`` ends, and the piece with its hyphen."""
    cut = None
    for pos in sorted(p for p in points if p > start):
        piece = word[start:pos] + ("" if word[pos - 1] in _HYPHENS else "-")
        if measure(piece) > width:
            break
        cut = (pos, piece)
    if cut is not None:
        return cut
    pos = start + 1  # no hyphenation point fits: break between characters
    while pos < len(word) - 1 and measure(word[start : pos + 1] + "-") <= width:
        pos += 1
    return pos, word[start:pos] + "-"


def truncate(lines: list[str], keep: int, width: float, measure: Measure) -> list[str]:
    """The first ``keep`` lines (at least one), the last ending with an ellipsis."""
    if len(lines) <= keep:
        return lines
    warn("cover-text-shortened", "", f"text too long for the generated image; it is shortened: {lines[0]:.40}…")
    kept = lines[: max(1, keep)]
    last = kept[-1]
    while last and measure(last + "…") > width:
        last = last[:-1]
    kept[-1] = last.rstrip(" ,;:-") + "…"
    return kept


def tracked_length(text: str, font: ImageFont.FreeTypeFont, tracking: float) -> float:
    """The width of ``text`` letter-spaced by ``tracking`` pixels."""
    return sum(font.getlength(ch) for ch in text) + tracking * max(0, len(text) - 1)


def draw_tracked(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    font: ImageFont.FreeTypeFont,
    tracking: float,
    fill: int | tuple[int, int, int],
) -> None:
    """Draw letter-spaced text with its left baseline at ``xy``."""
    x, y = xy
    for ch in text:
        draw.text((x, y), ch, font=font, fill=fill, anchor="ls")
        x += font.getlength(ch) + tracking
