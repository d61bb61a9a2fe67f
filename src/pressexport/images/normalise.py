"""Pixels made plain: upright, sRGB, a standard mode, reduced, greyed and stripped of metadata."""

from __future__ import annotations

import io
import logging
import struct
from functools import lru_cache

from PIL import Image, ImageOps

from ..diagnostics import warn

try:  # colour management is optional in Pillow builds
    from PIL import ImageCms
except ImportError:  # pragma: no cover - depends on the Pillow build
    ImageCms = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

# What Pillow raises for a damaged EXIF block: besides parse errors, TypeError for values
# of the wrong type (e.g. a text orientation).
_BAD_EXIF = (OSError, ValueError, SyntaxError, EOFError, struct.error, KeyError, IndexError, TypeError)


def normalise(im: Image.Image, *, name: str, max_side: int, greyscale: bool) -> Image.Image:
    """Orientation, sRGB, standard mode, size, greyscale; returns a metadata-free image."""
    image = _exif_transpose(im, name)
    image = _to_srgb(image, name)
    image = _standard_mode(image)
    image = shrink(image, max_side)
    if greyscale and image.mode in ("RGB", "RGBA"):
        image = image.convert("LA" if image.mode == "RGBA" else "L")
    if image.mode in ("RGBA", "LA") and image.getchannel("A").getextrema() == (255, 255):
        image = image.convert(image.mode[:-1])  # alpha that hides nothing
    return strip(image)


def print_greyscale(data: bytes, media_type: str, *, max_side: int, ink: float, quality: int) -> bytes:
    """An image made for printing with little toner: greyscale, lightened and reduced.

    ``data`` is an image as :func:`load_image` returns it; each pixel keeps the share ``ink``
    of its darkness; transparency is kept; the long side is at most ``max_side``. The result
    is a JPEG of ``quality`` when ``media_type`` is JPEG, a PNG otherwise; deterministic.
    """
    with Image.open(io.BytesIO(data)) as source:
        source.load()
        alpha = source.getchannel("A") if "A" in source.getbands() else None
        grey = source.convert("L")
    grey = grey.point([round(255 - (255 - v) * ink) for v in range(256)])
    if alpha is not None:
        grey = Image.merge("LA", (grey, alpha))
    image = strip(shrink(grey, max_side))
    return encode(image, jpeg=media_type == "image/jpeg", quality=quality)[0]


def shrink(image: Image.Image, max_side: int) -> Image.Image:
    """The image with its long side at most ``max_side`` pixels (never enlarged)."""
    if max(image.size) <= max_side:
        return image
    scale = max_side / max(image.size)
    new_size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(new_size, Image.Resampling.LANCZOS)


def strip(image: Image.Image) -> Image.Image:
    """A fresh image from the pixels alone: no EXIF, XMP, ICC profile or text chunks."""
    return Image.frombytes(image.mode, image.size, image.tobytes())


def encode(image: Image.Image, *, jpeg: bool, quality: int) -> tuple[bytes, str]:
    """``(data, media_type)``: a baseline JPEG of ``quality`` if ``jpeg`` and the image is
    opaque, a PNG otherwise; neither has metadata."""
    if jpeg and image.mode in ("RGB", "L"):
        buf = io.BytesIO()
        image.save(buf, format="JPEG", quality=quality, optimize=False, progressive=False)
        return buf.getvalue(), "image/jpeg"
    return png(image), "image/png"


def png(image: Image.Image, **options) -> bytes:
    """PNG bytes without any ancillary metadata (``options`` go to Pillow's PNG writer)."""
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False, **options)
    return buf.getvalue()


def _exif_transpose(im: Image.Image, name: str) -> Image.Image:
    """The image turned upright as its EXIF orientation says."""
    try:
        return ImageOps.exif_transpose(im)
    except _BAD_EXIF:  # a damaged EXIF block should not lose the picture
        log.debug("EXIF orientation of %s", name, exc_info=True)
        warn("image-metadata", name, "ignoring unreadable EXIF orientation")
        return im.copy()


@lru_cache(maxsize=1)
def _srgb_profile():
    """The sRGB colour profile that images are converted to."""
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
        warn("image-metadata", name, "ignoring unusable ICC profile")
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
