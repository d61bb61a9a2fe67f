"""Images: generated covers and placeholders, and normalisation of article images.

Everything here is deterministic: the same arguments give byte-identical output
(no timestamps, no text chunks, no metadata), so editions can be rebuilt and compared.
"""

from __future__ import annotations

import io
import logging
import math
import re
import threading
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFile, ImageFont, ImageOps, UnidentifiedImageError

from .errors import InputError, PressexportError
from .svg import safe_svg

try:  # colour management is optional in Pillow builds
    from PIL import ImageCms
except ImportError:  # pragma: no cover - depends on the Pillow build
    ImageCms = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

DEFAULT_FONTS_DIR = Path(__file__).resolve().parent / "styles" / "fonts"

# Cover palette: off-white paper, a deep ink-blue band, near-black title.
PAPER = (246, 243, 236)
BAND = (27, 42, 68)
BAND_TEXT = (238, 233, 222)
TITLE_INK = (24, 24, 28)
BYLINE_INK = (78, 78, 84)

PLACEHOLDER_BG = (236, 236, 236)
PLACEHOLDER_BORDER = (186, 186, 186)
PLACEHOLDER_INK = (96, 96, 96)

JPEG_QUALITY = 85
# Formats accepted by load_image; others (EPS, PSD, ICO, ...) are refused on purpose.
ACCEPTED_FORMATS = ("PNG", "JPEG", "MPO", "GIF", "WEBP", "BMP", "TIFF", "AVIF")
_JPEG_FORMATS = {"JPEG", "MPO"}
_FORMAT_NAMES = "PNG, JPEG, GIF, WebP, BMP or TIFF"
_REEXPORT = "re-export it as PNG or JPEG"

# Guards the process-wide decoder settings changed by _strict_decoding().
_DECODE_LOCK = threading.Lock()

# Whitespace that may break a line (not NBSP, NNBSP or figure space).
_BREAKABLE_SPACE = re.compile(r"[^\S\u00a0\u202f\u2007]+")
# Greek accents and breathings that are dropped in all-caps text.
_GREEK_CAPS_DROP = {"\u0300", "\u0301", "\u0313", "\u0314", "\u0342", "\u0345"}


# --------------------------------------------------------------------------- fonts


@lru_cache(maxsize=64)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """The font at ``path`` in ``size`` pixels; a clear error if it is missing."""
    try:
        return ImageFont.truetype(str(path), size)
    except OSError as exc:
        raise PressexportError(
            f"cannot load font {path.name}",
            where=path,
            hint="pass fonts_dir pointing at the project's styles/fonts folder",
        ) from exc


@lru_cache(maxsize=16)
def _cmap(path: Path) -> frozenset[int]:
    """The code points that the font at ``path`` has glyphs for."""
    try:
        with TTFont(str(path), lazy=True) as font:
            return frozenset(font.getBestCmap())
    except Exception as exc:  # fontTools raises many types for bad files
        raise PressexportError(
            f"cannot read font {path.name}",
            where=path,
            hint="pass fonts_dir pointing at the project's styles/fonts folder",
        ) from exc


def _font_path(fonts_dir: Path, name: str) -> Path:
    return Path(fonts_dir) / name


def _renderable(text: str, font_path: Path) -> str:
    """``text`` normalised (NFC) without invisible or unsupported characters.

    Characters the font has no glyph for would print as boxes; they are dropped
    and logged instead.
    """
    cmap = _cmap(font_path)
    kept: list[str] = []
    missing: set[str] = set()
    for ch in unicodedata.normalize("NFC", text):
        if ch.isspace():
            kept.append(" " if ch in "\t\n\r\f\v" else ch)
        elif unicodedata.category(ch) in ("Cc", "Cf") or 0xFE00 <= ord(ch) <= 0xFE0F:
            continue  # controls, soft hyphens, joiners, variation selectors
        elif ord(ch) in cmap:
            kept.append(ch)
        else:
            missing.add(ch)
    if missing:
        log.warning(
            "%s has no glyphs for %s; they are left out of the generated image",
            font_path.name,
            " ".join(sorted(f"U+{ord(c):04X}" for c in missing)),
        )
    return " ".join(_BREAKABLE_SPACE.split("".join(kept))).strip()


def _draw_kwargs(font: ImageFont.FreeTypeFont, lang: str) -> dict[str, str]:
    """Language for shaping (e.g. Serbian or Bulgarian forms), when raqm is present."""
    if lang and font.layout_engine == ImageFont.Layout.RAQM:
        return {"language": lang}
    return {}


def _upper(text: str, lang: str) -> str:
    """Upper-case ``text`` following the conventions of ``lang`` (Greek, Turkish)."""
    primary = re.split(r"[-_]", lang or "")[0].lower()
    if primary in ("tr", "az"):
        text = text.replace("i", "\u0130")
    upper = text.upper()
    if primary != "el":
        return upper
    out: list[str] = []
    base = ""
    for ch in unicodedata.normalize("NFD", upper):
        if unicodedata.combining(ch):
            if ch in _GREEK_CAPS_DROP and "GREEK" in unicodedata.name(base, ""):
                continue
        else:
            base = ch
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


# --------------------------------------------------------------------------- wrapping


def _greedy(words: list[str], width: float, measure) -> list[str] | None:
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


def _balanced(words: list[str], width: float, measure) -> list[str] | None:
    """Wrap into as few lines as greedy filling needs, with lines of even length.

    A small dynamic programme minimises the squared slack of the lines (the last
    line may be shorter) and avoids ending a line with a short word ("of", "в").
    """
    greedy = _greedy(words, width, measure)
    if greedy is None or len(greedy) < 2:
        return greedy
    n, target = len(words), len(greedy)
    inf = float("inf")

    def cost(i: int, j: int) -> float:  # words[i:j] on one line
        slack = (width - measure(" ".join(words[i:j]))) / width
        if slack < 0:
            return inf
        if j == n:
            return 0.5 * slack * slack
        last = words[j - 1].strip(".,;:!?»«\"'“”‘’()")
        short = 0.04 if 0 < len(last) <= 2 and last.islower() else 0.0
        return slack * slack + short

    # best[k][j]: cost of setting words[:j] in k lines; back[k][j]: start of line k.
    best = [[inf] * (n + 1) for _ in range(target + 1)]
    back = [[0] * (n + 1) for _ in range(target + 1)]
    best[0][0] = 0.0
    for k in range(1, target + 1):
        for j in range(1, n + 1):
            for i in range(j - 1, -1, -1):
                if best[k - 1][i] == inf:
                    continue
                c = cost(i, j)
                if c == inf:
                    break  # longer lines only get wider
                if best[k - 1][i] + c < best[k][j]:
                    best[k][j], back[k][j] = best[k - 1][i] + c, i
    if best[target][n] == inf:
        return greedy
    lines, j = [], n
    for k in range(target, 0, -1):
        i = back[k][j]
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
    found = pyphen.language_fallback(lang.replace("-", "_")) if lang else None
    return pyphen.Pyphen(lang=found) if found else None


def _break_word(word: str, width: float, measure, lang: str) -> list[str]:
    """Hyphenate a word wider than ``width`` into pieces that fit.

    Breaks after existing hyphens or at the language's hyphenation points; when
    none fits, between characters.
    """
    dic = _hyphenator(lang)
    points = set(dic.positions(word)) if dic else set()
    points |= {i + 1 for i, ch in enumerate(word[:-1]) if ch in "-‐–—/"}
    pieces: list[str] = []
    start = 0
    while start < len(word) - 1 and measure(word[start:]) > width:
        cut = None
        for pos in sorted(p for p in points if p > start):
            piece = word[start:pos] + ("" if word[pos - 1] in "-‐–—/" else "-")
            if measure(piece) > width:
                break
            cut = (pos, piece)
        if cut is None:
            pos = start + 1
            while pos < len(word) - 1 and measure(word[start : pos + 1] + "-") <= width:
                pos += 1
            cut = (pos, word[start:pos] + "-")
        pieces.append(cut[1])
        start = cut[0]
    pieces.append(word[start:])
    return pieces


def _fit(
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
        font = _font(font_path, size)
        measure = lru_cache(maxsize=None)(font.getlength)
        words = [
            piece
            for word in (text.split(" ") if text else [])
            for piece in (
                _break_word(word, width, measure, lang) if measure(word) > width else [word]
            )
        ]
        lines = _greedy(words, width, measure) or []
        few_enough = not max_lines or len(lines) <= max_lines or size < 0.6 * max_size
        fits = len(lines) * size * leading <= max_height and few_enough
        if fits:
            return font, _balanced(words, width, measure) or []
        if size <= min_size:
            return font, _truncate(lines, int(max_height // (size * leading)), width, measure)
        size = max(min_size, math.floor(size * 0.94))


def _truncate(lines: list[str], keep: int, width: float, measure) -> list[str]:
    """The first ``keep`` lines (at least one), the last ending with an ellipsis."""
    if len(lines) <= keep:
        return lines
    log.warning("text too long for the generated image; it is shortened: %.40s…", lines[0])
    kept = lines[: max(1, keep)]
    last = kept[-1]
    while last and measure(last + "…") > width:
        last = last[:-1]
    kept[-1] = last.rstrip(" ,;:-") + "…"
    return kept


def _cap_height(font: ImageFont.FreeTypeFont) -> int:
    return -font.getbbox("H", anchor="ls")[1]


def _tracked_length(text: str, font: ImageFont.FreeTypeFont, tracking: float) -> float:
    return sum(font.getlength(ch) for ch in text) + tracking * max(0, len(text) - 1)


def _draw_tracked(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    font: ImageFont.FreeTypeFont,
    tracking: float,
    fill: tuple[int, int, int],
) -> None:
    """Draw letter-spaced text with its left baseline at ``xy``."""
    x, y = xy
    for ch in text:
        draw.text((x, y), ch, font=font, fill=fill, anchor="ls")
        x += font.getlength(ch) + tracking


def _png(image: Image.Image) -> bytes:
    """PNG bytes without any ancillary metadata."""
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


# --------------------------------------------------------------------------- covers


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
    width, height = size
    u = width / 1600  # design unit: sizes below are for a 1600 px wide cover
    margin = round(128 * u)
    text_width = width - 2 * margin
    image = Image.new("RGB", size, PAPER)
    draw = ImageDraw.Draw(image)

    # Top band with the publication name in letter-spaced capitals.
    band_h = round(height * 0.085)
    draw.rectangle((0, 0, width, band_h - 1), fill=BAND)
    pub_path = _font_path(fonts_dir, "NotoSans-Bold.ttf")
    pub_text = _upper(_renderable(publication, pub_path), lang)
    if pub_text:
        pub_size = round(40 * u)
        font = _font(pub_path, pub_size)
        tracking = pub_size * 0.2
        while pub_size > round(30 * u) and _tracked_length(pub_text, font, tracking) > text_width:
            pub_size -= 1
            font = _font(pub_path, pub_size)
            tracking = pub_size * 0.2
        while len(pub_text) > 1 and _tracked_length(pub_text, font, tracking) > text_width:
            pub_text = pub_text[:-2].rstrip() + "…"
        baseline = (band_h + _cap_height(font)) / 2
        _draw_tracked(draw, (margin, baseline), pub_text, font, tracking, BAND_TEXT)

    # Title and byline, as a group placed a little above the optical centre.
    title_path = _font_path(fonts_dir, "NotoSerif-Bold.ttf")
    title_leading = 1.12
    title_font, title_lines = _fit(
        _renderable(title, title_path),
        title_path,
        width=text_width,
        max_height=height * 0.6,
        max_size=round(176 * u),
        min_size=round(44 * u),
        leading=title_leading,
        max_lines=6,
        lang=lang,
    )
    byline_path = _font_path(fonts_dir, "NotoSans-Regular.ttf")
    byline_leading = 1.3
    byline_font, byline_lines = _fit(
        _renderable(byline, byline_path),
        byline_path,
        width=text_width,
        max_height=3 * 50 * u * byline_leading,
        max_size=round(50 * u),
        min_size=round(30 * u),
        leading=byline_leading,
        max_lines=3,
        lang=lang,
    )

    rule_h = max(2, round(12 * u))
    rule_gap = round(80 * u)
    title_pitch = title_font.size * title_leading
    title_cap = _cap_height(title_font)
    title_h = title_cap + (len(title_lines) - 1) * title_pitch if title_lines else 0
    byline_pitch = byline_font.size * byline_leading
    byline_cap = _cap_height(byline_font)
    byline_gap = round(max(90 * u, title_font.size * 0.75)) if title_lines else 0
    byline_h = byline_cap + (len(byline_lines) - 1) * byline_pitch if byline_lines else 0
    group_h = rule_h + rule_gap + title_h + (byline_gap + byline_h if byline_lines else 0)

    region_top = band_h + round(110 * u)
    region_bottom = height - round(170 * u)
    top = region_top + max(0, (region_bottom - region_top - group_h) * 0.4)

    draw.rectangle((margin, top, margin + round(150 * u) - 1, top + rule_h - 1), fill=BAND)
    y = top + rule_h + rule_gap + title_cap
    for line in title_lines:
        draw.text((margin, y), line, font=title_font, fill=TITLE_INK, anchor="ls",
                  **_draw_kwargs(title_font, lang))
        y += title_pitch
    y = y - title_pitch + byline_gap + byline_cap if title_lines else y + byline_cap
    for line in byline_lines:
        draw.text((margin, y), line, font=byline_font, fill=BYLINE_INK, anchor="ls",
                  **_draw_kwargs(byline_font, lang))
        y += byline_pitch

    # A thin closing band at the foot.
    draw.rectangle((0, height - round(36 * u), width, height), fill=BAND)
    return _png(image)


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

    font_path = _font_path(fonts_dir, "NotoSans-Regular.ttf")
    leading = 1.35
    font, lines = _fit(
        _renderable(text, font_path),
        font_path,
        width=width * 0.8,
        max_height=height * 0.8,
        max_size=max(8, round(min(width / 24, height / 14))),
        min_size=max(6, round(height / 40)),
        leading=leading,
    )
    if lines:
        pitch = font.size * leading
        cap = _cap_height(font)
        block = cap + (len(lines) - 1) * pitch
        y = (height - block) / 2 + cap
        for line in lines:
            draw.text((width / 2, y), line, font=font, fill=PLACEHOLDER_INK, anchor="ms")
            y += pitch
    return _png(image)


# --------------------------------------------------------------------------- article images


def extension(media_type: str) -> str:
    """The file extension for a media type that load_image returns."""
    return {"image/jpeg": "jpg", "image/svg+xml": "svg"}.get(media_type, "png")


def load_image(
    path: Path,
    *,
    max_side: int = 1600,
    max_pixels: int = 50_000_000,
    greyscale: bool = False,
) -> tuple[bytes, str]:
    """Read and normalise an image; return ``(data, media_type)``.

    The format is detected from the content. The result has no metadata, EXIF
    orientation applied, colours converted to sRGB, its long side at most
    ``max_side``; it is a JPEG for opaque images from a JPEG source, a PNG
    otherwise. Raises InputError for unreadable, unsupported or too large files.
    The pixel limit is ``max_pixels`` or Pillow's own limit, whichever is lower.
    """
    where = str(path)
    data = _read(path)
    if _looks_like_svg(data, path):
        return safe_svg(data, path), "image/svg+xml"
    _refuse_markup(data, path)
    try:
        with _strict_decoding():
            im = Image.open(io.BytesIO(data), formats=_open_formats())
            _check_pixels(im.size, path, max_pixels)
            source = im.format or ""
            if source in _JPEG_FORMATS and max(im.size) > max_side:
                scale = max_side / max(im.size)  # let libjpeg decode at a reduced scale
                im.draft(None, (math.ceil(im.width * scale), math.ceil(im.height * scale)))
            im.load()  # the first frame of animated images
        image = _normalise(im, name=path.name, max_side=max_side, greyscale=greyscale)
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError) as exc:
        found = re.search(r"\((\d+) pixels\)", str(exc))  # Pillow names the pixel count
        raise _too_large(path, max_pixels, pixels=int(found[1]) if found else None) from exc
    except UnidentifiedImageError as exc:
        raise InputError(
            f"{path.name} is not an image in a supported format ({_FORMAT_NAMES})",
            where=where,
            hint=_REEXPORT,
        ) from exc
    except Exception as exc:  # Pillow decoders raise many types for bad data
        log.debug("decoding %s failed", where, exc_info=True)
        raise InputError(
            f"cannot read image {path.name}: the file is truncated or corrupt ({exc})",
            where=where,
            hint=_REEXPORT,
        ) from exc

    if source in _JPEG_FORMATS and image.mode in ("RGB", "L"):
        buf = io.BytesIO()
        image.save(buf, format="JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False)
        return buf.getvalue(), "image/jpeg"
    return _png(image), "image/png"


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Decode strictly: truncated files fail, decompression-bomb warnings raise.

    WeasyPrint sets ``ImageFile.LOAD_TRUNCATED_IMAGES`` when imported, which makes
    Pillow pad a truncated file with grey instead of failing. Both settings are
    process-wide: they are changed under a lock and restored afterwards.
    """
    with _DECODE_LOCK, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _read(path: Path) -> bytes:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"image {path.name} not found", where=str(path)) from exc
    except OSError as exc:
        raise InputError(
            f"cannot read image {path.name}: {exc.strerror or exc}", where=str(path)
        ) from exc
    if not data:
        raise InputError(f"cannot read image {path.name}: the file is empty",
                         where=str(path), hint=_REEXPORT)
    return data


def _looks_like_svg(data: bytes, path: Path) -> bool:
    """An uncompressed SVG document (by its content, not its name)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    html_marks = (b"<html", b"<!doctype html", b"<head", b"<body")
    return head.startswith(b"<") and (b"<svg" in head or b"<!doctype svg" in head) \
        and not any(mark in head for mark in html_marks)


def _refuse_markup(data: bytes, path: Path) -> None:
    """Refuse SVG (not supported yet) and HTML pages saved under an image name."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    is_svgz = data[:2] == b"\x1f\x8b" and path.suffix.lower() == ".svgz"
    if not head.startswith(b"<") and not is_svgz:
        return
    html_marks = (b"<html", b"<!doctype html", b"<head", b"<body")
    if is_svgz or b"<svg" in head or b"<!doctype svg" in head or (
        head.startswith(b"<?xml") and not any(m in head for m in html_marks)
    ):
        raise InputError(f"SVG images are not supported yet ({path.name})",
                         where=str(path), hint="export it as PNG")
    raise InputError(
        f"{path.name} is not an image: it looks like an HTML page",
        where=str(path),
        hint="download the image file itself, not the web page that shows it",
    )


@lru_cache(maxsize=1)
def _open_formats() -> tuple[str, ...]:
    Image.init()
    return tuple(f for f in ACCEPTED_FORMATS if f in Image.OPEN)


def _pixel_limit(max_pixels: int) -> int:
    pillow = Image.MAX_IMAGE_PIXELS
    return min(max_pixels, pillow) if pillow else max_pixels


def _too_large(
    path: Path,
    max_pixels: int,
    size: tuple[int, int] | None = None,
    pixels: int | None = None,
) -> InputError:
    limit = _pixel_limit(max_pixels)
    if size:
        found = f"{size[0]}×{size[1]} pixels, "
    elif pixels:
        found = f"{pixels:,} pixels, "
    else:
        found = ""
    return InputError(
        f"image {path.name} is too large ({found}the limit is {limit:,} pixels)",
        where=str(path),
        hint="scale it down before adding it",
    )


def _check_pixels(size: tuple[int, int], path: Path, max_pixels: int) -> None:
    """Refuse images over the pixel limit, from the header alone."""
    if size[0] * size[1] > _pixel_limit(max_pixels):
        raise _too_large(path, max_pixels, size)


def _normalise(im: Image.Image, *, name: str, max_side: int, greyscale: bool) -> Image.Image:
    """Orientation, sRGB, standard mode, size, greyscale; returns a metadata-free image."""
    image = _exif_transpose(im, name)
    image = _to_srgb(image, name)
    image = _standard_mode(image)
    if max(image.size) > max_side:
        scale = max_side / max(image.size)
        new_size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(new_size, Image.Resampling.LANCZOS)
    if greyscale and image.mode in ("RGB", "RGBA"):
        image = image.convert("LA" if image.mode == "RGBA" else "L")
    if image.mode in ("RGBA", "LA") and image.getchannel("A").getextrema() == (255, 255):
        image = image.convert(image.mode[:-1])  # alpha that hides nothing
    # A fresh image from the pixels alone: no EXIF, XMP, ICC profile or text chunks.
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _exif_transpose(im: Image.Image, name: str) -> Image.Image:
    """The image turned upright as its EXIF orientation says."""
    try:
        return ImageOps.exif_transpose(im)
    except Exception:  # a damaged EXIF block should not lose the picture
        log.warning("ignoring unreadable EXIF orientation in %s", name,
                    exc_info=log.isEnabledFor(logging.DEBUG))
        return im.copy()


@lru_cache(maxsize=1)
def _srgb_profile():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(im: Image.Image, name: str) -> Image.Image:
    """Convert colours through an embedded ICC profile to sRGB, before it is stripped."""
    icc = im.info.get("icc_profile")
    if not icc or ImageCms is None or im.mode not in ("RGB", "RGBA", "CMYK"):
        return im
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(im, source, _srgb_profile(), outputMode=out_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        log.warning("ignoring unusable ICC profile in %s", name)
        return im
    if im.mode == "RGBA":
        converted.putalpha(im.getchannel("A"))
    return converted


def _standard_mode(im: Image.Image) -> Image.Image:
    """RGB or RGBA (L for grey images): palette, CMYK, LA, 16-bit, ... converted."""
    mode = im.mode
    if mode == "RGBA":
        return im
    if mode in ("RGB", "L", "P", "PA", "LA", "La", "RGBa") and im.has_transparency_data:
        return im.convert("RGBA")
    if mode in ("RGB", "L"):
        return im
    if mode == "1":
        return im.convert("L")
    if mode.startswith("I") or mode == "F":
        return _grey_from_high_depth(im)
    return im.convert("RGB")  # palette, CMYK, YCbCr, LAB, HSV, RGBX, ...


def _grey_from_high_depth(im: Image.Image) -> Image.Image:
    """16-bit, 32-bit or float grey images scaled to 8-bit L."""
    if im.mode == "F":
        low, high = im.getextrema()
        span = (high - low) or 1.0
        return im.point(lambda v: (v - low) * (255.0 / span)).convert("L")
    wide = im.convert("I")
    low, high = wide.getextrema()
    if high > 255 or im.mode.startswith("I;16"):
        wide = wide.point(lambda v: v * (1 / 257))
    return wide.convert("L")


__all__ = ["generate_cover", "load_image", "placeholder_image", "DEFAULT_FONTS_DIR"]
