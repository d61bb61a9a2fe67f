"""The generated cover: a publication band, a large balanced title and a byline."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from . import fonts, text
from .fonts import DEFAULT_FONTS_DIR
from .normalise import png

GENERATED_COVER = "images/generated-cover.png"  # a generated cover's name inside an edition

# Cover palette: off-white paper, a deep ink-blue band, near-black title.
PAPER = (246, 243, 236)
BAND = (27, 42, 68)
BAND_TEXT = (238, 233, 222)
TITLE_INK = (24, 24, 28)
BYLINE_INK = (78, 78, 84)

PUBLICATION_FONT = "NotoSans-Bold.ttf"
TITLE_FONT = "NotoSerif-Bold.ttf"
BYLINE_FONT = "NotoSans-Regular.ttf"
TITLE_LEADING = 1.12
BYLINE_LEADING = 1.3
TRACKING = 0.2  # letter-spacing of the publication name, in ems
# The cover is drawn in a palette, not in RGB: one byte a pixel, so the PNG encodes in a tenth of the
# time (the encoding was most of an EPUB's build). Every colour it holds: each ink's antialiased
# edge is a ramp from the ground the ink is drawn on.
RAMP_STEPS = 64
INK_ON_GROUND = ((PAPER, TITLE_INK), (PAPER, BYLINE_INK), (BAND, BAND_TEXT))


@dataclass(frozen=True)
class _Grid:
    """The measures of one cover; design sizes are given for a cover 1600 px wide."""

    width: int
    height: int
    unit: float  # pixels per design pixel
    margin: int
    band: int  # height of the top band

    @classmethod
    def of(cls, size: tuple[int, int]) -> _Grid:
        """The grid of a cover of ``size`` pixels."""
        width, height = size
        unit = width / 1600
        return cls(width, height, unit, round(128 * unit), round(height * 0.085))

    @property
    def text_width(self) -> int:
        """The width between the side margins."""
        return self.width - 2 * self.margin

    def px(self, design: float) -> int:
        """A design size in whole pixels of this cover."""
        return round(design * self.unit)


@dataclass(frozen=True)
class _Block:
    """Lines of text set in one font, and the distance between their baselines."""

    font: ImageFont.FreeTypeFont
    lines: list[str]
    leading: float

    @property
    def pitch(self) -> float:
        """The distance from one baseline to the next."""
        return self.font.size * self.leading

    @property
    def cap(self) -> int:
        """The cap height: from the top of the block to its first baseline."""
        return fonts.cap_height(self.font)

    @property
    def height(self) -> float:
        """From the top of the first line's capitals to the last baseline; 0 without lines."""
        return self.cap + (len(self.lines) - 1) * self.pitch if self.lines else 0


def generate_cover(
    title: str,
    *,
    publication: str = "",
    byline: str = "",
    lang: str = "en",
    fonts_dir: Path = DEFAULT_FONTS_DIR,
    size: tuple[int, int] = (1600, 2400),
) -> bytes:
    """A calm typographic cover (PNG bytes): publication band, large title, byline.

    The title is set in Noto Serif Bold, wrapped into balanced lines and shrunk
    until it takes at most 60% of the height. Deterministic for the same arguments.
    """
    grid = _Grid.of(size)
    canvas = _Canvas(size)
    _draw_band(canvas, grid, publication, lang, fonts_dir)
    title_block = _title(title, grid, lang, fonts_dir)
    byline_block = _byline(byline, grid, lang, fonts_dir)
    _draw_group(canvas, grid, title_block, byline_block, lang)
    canvas.rectangle((0, grid.height - grid.px(36), grid.width, grid.height), BAND)  # the foot band
    return canvas.png()


class _Canvas:
    """A cover in the palette of INK_ON_GROUND: grounds and rules in their exact colours, text drawn
    in a layer of its own, then set along the ramp from its ground to its ink."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.ramps = {pair: n * RAMP_STEPS for n, pair in enumerate(INK_ON_GROUND)}
        self.palette = [channel for ground, ink in INK_ON_GROUND for step in range(RAMP_STEPS)
                        for channel in _mix(ground, ink, step / (RAMP_STEPS - 1))]
        self.image = Image.new("P", size, self._index(PAPER))
        self.image.putpalette(self.palette)
        self.draw = ImageDraw.Draw(self.image)

    def _index(self, colour: tuple[int, int, int]) -> int:
        """The palette index of a ground (where its ramps start) or of an ink (where one ends)."""
        for (ground, ink), start in self.ramps.items():
            if colour in (ground, ink):
                return start + (RAMP_STEPS - 1 if colour == ink else 0)
        raise ValueError(f"{colour} is not in the cover's palette")

    def rectangle(self, box: tuple[float, float, float, float], colour: tuple[int, int, int]) -> None:
        """A flat rectangle in one of the palette's colours."""
        self.draw.rectangle(box, fill=self._index(colour))

    @contextmanager
    def text(self, ground: tuple[int, int, int], ink: tuple[int, int, int]) -> Iterator[ImageDraw.ImageDraw]:
        """A layer to draw text on (in white, antialiased), set in ``ink`` on ``ground`` when done."""
        layer = Image.new("L", self.image.size, 0)
        yield ImageDraw.Draw(layer)
        box = layer.getbbox()
        if box is None:
            return
        layer = layer.crop(box)  # only where the text is: mapping a whole layer costs more than drawing it
        start = self.ramps[(ground, ink)]
        indices = layer.point([start + round(alpha * (RAMP_STEPS - 1) / 255) for alpha in range(256)])
        indices.putpalette(self.palette)  # an L image given a palette becomes one in P mode, indices kept
        self.image.paste(indices, box, mask=layer.point([0] + [255] * 255))

    def png(self) -> bytes:
        """PNG bytes; run-length compression suits flat grounds and few colours (3 times faster than
        zlib's default, for 12% more bytes)."""
        return png(self.image, compress_type=zlib.Z_RLE)


def _mix(ground: tuple[int, int, int], ink: tuple[int, int, int], amount: float) -> tuple[int, ...]:
    """The colour ``amount`` of the way from ``ground`` to ``ink``."""
    return tuple(round(g + (i - g) * amount) for g, i in zip(ground, ink))


def _draw_band(canvas: _Canvas, grid: _Grid, publication: str, lang: str, fonts_dir: Path) -> None:
    """The top band, with the publication name in letter-spaced capitals."""
    canvas.rectangle((0, 0, grid.width, grid.band - 1), BAND)
    path = fonts.font_path(fonts_dir, PUBLICATION_FONT)
    name = fonts.upper(fonts.renderable(publication, path), lang)
    if not name:
        return
    font, tracking, name = _fit_tracked(name, path, grid)
    baseline = (grid.band + fonts.cap_height(font)) / 2
    with canvas.text(BAND, BAND_TEXT) as draw:
        text.draw_tracked(draw, (grid.margin, baseline), name, font, tracking, 255)


def _fit_tracked(name: str, path: Path, grid: _Grid) -> tuple[ImageFont.FreeTypeFont, float, str]:
    """The font, letter-spacing and text of the publication name: made smaller (down to
    30 design px), then shortened with an ellipsis, until it fits between the margins."""
    size = grid.px(40)
    font, tracking = fonts.font(path, size), size * TRACKING
    while size > grid.px(30) and text.tracked_length(name, font, tracking) > grid.text_width:
        size -= 1
        font, tracking = fonts.font(path, size), size * TRACKING
    while len(name) > 1 and text.tracked_length(name, font, tracking) > grid.text_width:
        name = name[:-2].rstrip() + "…"
    return font, tracking, name


def _title(title: str, grid: _Grid, lang: str, fonts_dir: Path) -> _Block:
    """The title in balanced lines, as large as fits six lines in 60% of the height."""
    path = fonts.font_path(fonts_dir, TITLE_FONT)
    font, lines = text.fit(fonts.renderable(title, path), path, width=grid.text_width,
                           max_height=grid.height * 0.6, max_size=grid.px(176), min_size=grid.px(44),
                           leading=TITLE_LEADING, max_lines=6, lang=lang)
    return _Block(font, lines, TITLE_LEADING)


def _byline(byline: str, grid: _Grid, lang: str, fonts_dir: Path) -> _Block:
    """The byline in at most three lines."""
    path = fonts.font_path(fonts_dir, BYLINE_FONT)
    font, lines = text.fit(fonts.renderable(byline, path), path, width=grid.text_width,
                           max_height=3 * 50 * grid.unit * BYLINE_LEADING, max_size=grid.px(50),
                           min_size=grid.px(30), leading=BYLINE_LEADING, max_lines=3, lang=lang)
    return _Block(font, lines, BYLINE_LEADING)


def _draw_group(canvas: _Canvas, grid: _Grid, title: _Block, byline: _Block, lang: str) -> None:
    """A short rule, the title and the byline as one group, a little above the optical centre."""
    rule_h, rule_gap = max(2, grid.px(12)), grid.px(80)
    byline_gap = round(max(90 * grid.unit, title.font.size * 0.75)) if title.lines else 0
    group_h = rule_h + rule_gap + title.height + (byline_gap + byline.height if byline.lines else 0)
    region_top, region_bottom = grid.band + grid.px(110), grid.height - grid.px(170)
    top = region_top + max(0, (region_bottom - region_top - group_h) * 0.4)
    canvas.rectangle((grid.margin, top, grid.margin + grid.px(150) - 1, top + rule_h - 1), BAND)
    with canvas.text(PAPER, TITLE_INK) as draw:
        y = _draw_lines(draw, grid.margin, top + rule_h + rule_gap + title.cap, title, lang)
    y = y - title.pitch + byline_gap + byline.cap if title.lines else y + byline.cap
    with canvas.text(PAPER, BYLINE_INK) as draw:
        _draw_lines(draw, grid.margin, y, byline, lang)


def _draw_lines(draw: ImageDraw.ImageDraw, x: float, y: float, block: _Block, lang: str) -> float:
    """Draw the block's lines in full ink, the first baseline at ``y``; the baseline after the last line."""
    for line in block.lines:
        draw.text((x, y), line, font=block.font, fill=255, anchor="ls", **fonts.draw_kwargs(block.font, lang))
        y += block.pitch
    return y
