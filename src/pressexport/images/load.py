"""Article images read and checked: format by content, size limits, strict decoding."""

from __future__ import annotations

import io
import logging
import math
import re
import struct
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageFile, UnidentifiedImageError

from ..errors import InputError
from .svg import safe_svg
from .normalise import encode, normalise

log = logging.getLogger(__name__)

JPEG_QUALITY = 85
# Formats accepted by load_image; others (EPS, PSD, ICO, ...) are refused on purpose.
ACCEPTED_FORMATS = ("PNG", "JPEG", "MPO", "GIF", "WEBP", "BMP", "TIFF", "AVIF")
_JPEG_FORMATS = {"JPEG", "MPO"}
_FORMAT_NAMES = "PNG, JPEG, GIF, WebP, BMP or TIFF"
_REEXPORT = "re-export it as PNG or JPEG"
_HTML_MARKS = (b"<html", b"<!doctype html", b"<head", b"<body")
# What Pillow's decoders raise for damaged data (libavif reports failures as RuntimeError).
# Anything else from decoding is a fault of ours, not of the file, and is not caught.
_BAD_DATA = (OSError, ValueError, SyntaxError, EOFError, struct.error, NotImplementedError,
             OverflowError, RuntimeError)

# Guards the process-wide decoder settings changed by _strict_decoding().
_DECODE_LOCK = threading.Lock()


# An image file larger than this is refused before it is read (a 50-megapixel photograph compresses well below
# it): a sparse or runaway file would otherwise be read whole into memory, at build and at import alike.
MAX_IMAGE_BYTES = 200 * 2**20


def too_large_a_file(path: Path) -> bool:
    """Whether an image file is over MAX_IMAGE_BYTES (by its size on disk; a file that cannot be looked at is
    left for the reader to report)."""
    try:
        return path.stat().st_size > MAX_IMAGE_BYTES
    except OSError:
        return False


def extension(media_type: str) -> str:
    """The file extension for a media type that load_image returns."""
    return {"image/jpeg": "jpg", "image/svg+xml": "svg"}.get(media_type, "png")


def load_image(
    path: Path,
    *,
    data: bytes | None = None,
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
    With ``data`` (a download), those bytes are the image and ``path`` only names it in messages.
    """
    data = _read(path) if data is None else _not_empty(data, path)
    if _looks_like_svg(data):
        return safe_svg(data, path), "image/svg+xml"
    _refuse_markup(data, path)
    im = _decode(data, path, max_side=max_side, max_pixels=max_pixels)
    image = normalise(im, name=path.name, max_side=max_side, greyscale=greyscale)
    return encode(image, jpeg=im.format in _JPEG_FORMATS, quality=JPEG_QUALITY)


def _decode(data: bytes, path: Path, *, max_side: int, max_pixels: int) -> Image.Image:
    """The first frame of the image in ``data``, decoded strictly; InputError if it cannot be."""
    try:
        with _strict_decoding():
            im = Image.open(io.BytesIO(data), formats=_open_formats())
            _check_pixels(im.size, path, max_pixels)
            if im.format in _JPEG_FORMATS and max(im.size) > max_side:
                scale = max_side / max(im.size)  # let libjpeg decode at a reduced scale
                im.draft(None, (math.ceil(im.width * scale), math.ceil(im.height * scale)))
            im.load()  # the first frame of animated images
            return im
    # A MemoryError is not caught: an image within the limits that does not fit under the worker's memory
    # ceiling fails its article with that reason (the ceiling can be raised), rather than vanish.
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        found = re.search(r"\((\d+) pixels\)", str(exc))  # Pillow names the pixel count
        raise _too_large(path, max_pixels, pixels=int(found[1]) if found else None) from exc
    except UnidentifiedImageError as exc:
        raise InputError(f"{path.name} is not an image in a supported format ({_FORMAT_NAMES})",
                         where=str(path), hint=_REEXPORT) from exc
    except _BAD_DATA as exc:
        log.debug("decoding %s failed", path, exc_info=True)
        raise InputError(f"cannot read image {path.name}: the file is truncated or corrupt ({exc})",
                         where=str(path), hint=_REEXPORT) from exc


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
    """The bytes of the file at ``path``; InputError if it is missing, unreadable, empty or over
    MAX_IMAGE_BYTES (checked before it is read)."""
    if too_large_a_file(Path(path)):
        raise InputError(f"image {path.name} is over {MAX_IMAGE_BYTES // 2**20} MB", where=str(path),
                         hint=_REEXPORT)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"image {path.name} not found", where=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read image {path.name}: {exc.strerror or exc}", where=str(path)) from exc
    return _not_empty(data, path)


def _not_empty(data: bytes, path: Path) -> bytes:
    """``data``, or InputError when there is none."""
    if not data:
        raise InputError(f"cannot read image {path.name}: the file is empty", where=str(path), hint=_REEXPORT)
    return data


def _head(data: bytes) -> bytes:
    """The start of ``data`` in lower case, after any byte order mark and whitespace."""
    return data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()


def _looks_like_svg(data: bytes) -> bool:
    """An uncompressed SVG document (by its content, not its name)."""
    head = _head(data)
    return head.startswith(b"<") and (b"<svg" in head or b"<!doctype svg" in head) \
        and not any(mark in head for mark in _HTML_MARKS)


def _refuse_markup(data: bytes, path: Path) -> None:
    """Refuse SVG (not supported yet) and HTML pages saved under an image name."""
    head = _head(data)
    is_svgz = data[:2] == b"\x1f\x8b" and path.suffix.lower() == ".svgz"
    if not head.startswith(b"<") and not is_svgz:
        return
    if is_svgz or b"<svg" in head or b"<!doctype svg" in head or (
        head.startswith(b"<?xml") and not any(m in head for m in _HTML_MARKS)
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
    """The accepted formats that this Pillow build can open."""
    Image.init()
    return tuple(f for f in ACCEPTED_FORMATS if f in Image.OPEN)


def _pixel_limit(max_pixels: int) -> int:
    """``max_pixels``, or Pillow's own limit if that is lower."""
    pillow = Image.MAX_IMAGE_PIXELS
    return min(max_pixels, pillow) if pillow else max_pixels


def _too_large(
    path: Path,
    max_pixels: int,
    size: tuple[int, int] | None = None,
    pixels: int | None = None,
) -> InputError:
    """The error for an image over the pixel limit, naming its size when known."""
    if size:
        found = f"{size[0]}×{size[1]} pixels, "
    elif pixels:
        found = f"{pixels:,} pixels, "
    else:
        found = ""
    return InputError(
        f"image {path.name} is too large ({found}the limit is {_pixel_limit(max_pixels):,} pixels)",
        where=str(path),
        hint="scale it down before adding it",
    )


def _check_pixels(size: tuple[int, int], path: Path, max_pixels: int) -> None:
    """Refuse images over the pixel limit, from the header alone."""
    if size[0] * size[1] > _pixel_limit(max_pixels):
        raise _too_large(path, max_pixels, size)
