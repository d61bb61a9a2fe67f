"""Tests for pressexport.images: generated covers, placeholders and image normalisation."""

from __future__ import annotations

import re
import resource
import struct
import subprocess
import sys
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageFile

from pressexport.errors import InputError
from pressexport.images import generate_cover, load_image, placeholder_image, print_greyscale
from pressexport.images import covers, load, placeholders
from pressexport.images.covers import BAND, PAPER
from pressexport.images.fonts import GlyphCoverage, upper
from pressexport.images.placeholders import PLACEHOLDER_BG, PLACEHOLDER_BORDER

FONTS = Path(__file__).resolve().parents[1] / "styles" / "fonts"

LONG_TITLE = (
    "What is behind Russia’s sending of coronavirus aid to Italy and the West? "
    "Influence or solidarity?"
)
LONG_CYRILLIC = (
    "Что стоит за отправкой Россией помощи в связи с коронавирусом в Италию "
    "и на Запад? Влияние или солидарность? Подробный разбор гуманитарной "
    "дипломатии Москвы во время пандемии и её последствий для Европейского союза"
)


def _open(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


def _save(image: Image.Image, path: Path, fmt: str, **params) -> Path:
    image.save(path, format=fmt, **params)
    return path


def _margins_are_blank(image: Image.Image, margin: int) -> bool:
    """Nothing is drawn in the side margins between the top band and the foot band."""
    image = image.convert("RGB")
    w, h = image.size
    top, bottom = round(h * 0.085) + 1, h - round(h * 0.02)
    for box in ((0, top, margin, bottom), (w - margin, top, w, bottom)):
        if image.crop(box).getcolors() != [((box[2] - box[0]) * (box[3] - box[1]), PAPER)]:
            return False
    return True


def _big_png(path: Path, width: int, height: int) -> Path:
    """A valid 1-bit PNG of the given size, written row by row without Pillow.

    Pillow keeps 1-bit images at one byte per pixel, so making a 20000×20000 image
    with it would take 400 MB; this file is a few hundred kilobytes.
    """

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    row = b"\x00" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )
    return path


def _photo(size: tuple[int, int] = (320, 240)) -> Image.Image:
    """An opaque RGB image with some structure (gradients and a block)."""
    w, h = size
    down = Image.linear_gradient("L").resize(size)
    across = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).resize(size)
    image = Image.merge("RGB", (across, down, Image.new("L", size, 128)))
    image.paste((200, 30, 30), (w // 4, h // 4, w // 2, h // 2))
    return image


# --------------------------------------------------------------------------- covers


def test_cover_is_deterministic_png_of_the_requested_size():
    first = generate_cover(LONG_TITLE, publication="The Riddle", byline="By Anna Petrova",
                           fonts_dir=FONTS)
    second = generate_cover(LONG_TITLE, publication="The Riddle", byline="By Anna Petrova",
                            fonts_dir=FONTS)
    assert first == second
    image = _open(first)
    assert image.format == "PNG"
    assert image.size == (1600, 2400)
    assert image.mode == "P"  # the cover's own palette: a third of the encoding time of RGB
    assert len(image.getcolors()) > 4  # antialiased text: ramps between ground and ink, not flat colours
    assert not {"exif", "icc_profile", "xmp"} & set(image.info)
    assert not getattr(image, "text", {})


def test_cover_changes_with_its_arguments():
    base = generate_cover("Solidarity", fonts_dir=FONTS, size=(400, 600))
    assert generate_cover("Influence", fonts_dir=FONTS, size=(400, 600)) != base
    assert generate_cover("Solidarity", byline="By A. N. Other", fonts_dir=FONTS,
                          size=(400, 600)) != base


def test_cover_honours_size():
    image = _open(generate_cover("Solidarity", fonts_dir=FONTS, size=(800, 1200)))
    assert image.size == (800, 1200)


def test_cover_layout_band_paper_and_title_ink():
    image = _open(generate_cover(LONG_TITLE, publication="The Riddle", fonts_dir=FONTS)).convert("RGB")
    assert image.getpixel((1590, 10)) == BAND  # top band
    assert image.getpixel((1590, 2395)) == BAND  # foot band
    assert image.getpixel((1590, 1200)) == PAPER
    # The title is set in dark ink somewhere in the middle of the page.
    middle = image.crop((0, 400, 1600, 2000)).convert("L")
    assert middle.getextrema()[0] < 60


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        (LONG_CYRILLIC, "ru"),
        ("Η αλληλεγγύη της Ρωσίας προς την Ιταλία και τη Δύση: επιρροή ή αλληλεγγύη;", "el"),
        (LONG_TITLE + " " + LONG_TITLE + " " + LONG_TITLE, "en"),
        ("Die Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung", "de"),
        ("Supercalifragilisticexpialidociousnessxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "xx"),
        pytest.param("word " * 2000, "en",  # shortened with an ellipsis at the minimum size
                     marks=pytest.mark.expected_logs(r"text too long for the generated image")),
    ],
)
def test_long_titles_fit_inside_the_margins(title, lang):
    data = generate_cover(title, publication="Новая газета", byline="Анна Петрова",
                          lang=lang, fonts_dir=FONTS)
    image = _open(data)
    assert image.size == (1600, 2400)
    assert _margins_are_blank(image, margin=120)


@pytest.mark.expected_logs(r"NotoSerif-Bold.ttf: no glyphs for U\+1F30D U\+56E2 U\+7ED3")
def test_cover_without_text_or_with_unsupported_characters():
    assert _open(generate_cover("", fonts_dir=FONTS, size=(400, 600))).size == (400, 600)
    # CJK and emoji have no glyphs in Noto Serif: they are left out, not drawn as boxes.
    with_emoji = generate_cover("Solidarity \U0001F30D\uFE0F 团结", fonts_dir=FONTS, size=(400, 600))
    assert with_emoji == generate_cover("Solidarity", fonts_dir=FONTS, size=(400, 600))


def test_missing_fonts_dir_is_a_clear_error(tmp_path):
    from pressexport.errors import PressexportError

    with pytest.raises(PressexportError) as caught:
        generate_cover("Solidarity", fonts_dir=tmp_path / "nowhere")
    assert re.match(r"cannot (load|read) font \S+\.ttf$", caught.value.message), caught.value.one_line()
    assert caught.value.hint == "pass fonts_dir pointing at the project's styles/fonts folder"


def test_upper_follows_greek_and_turkish_rules():
    assert upper("Η Καθημερινή", "el") == "Η ΚΑΘΗΜΕΡΙΝΗ"
    assert upper("Προϊόν", "el") == "ΠΡΟΪΟΝ"
    assert upper("Café", "el") == "CAFÉ"
    assert upper("istanbul", "tr") == "İSTANBUL"
    assert upper("istanbul", "en") == "ISTANBUL"


# --------------------------------------------------------------------------- placeholder


def test_placeholder_is_deterministic_and_framed():
    text = "Image not available: A crowd gathers outside the parliament building in the rain"
    first = placeholder_image(text, fonts_dir=FONTS)
    assert first == placeholder_image(text, fonts_dir=FONTS)
    image = _open(first)
    assert image.format == "PNG"
    assert image.size == (1200, 675)
    assert image.getpixel((0, 0)) == PLACEHOLDER_BORDER
    assert image.getpixel((600, 40)) == PLACEHOLDER_BG
    assert image.convert("L").crop((100, 250, 1100, 425)).getextrema()[0] < 140  # the text


@pytest.mark.expected_logs(r"text too long for the generated image")
def test_placeholder_with_very_long_text_and_small_size():
    image = _open(placeholder_image("word " * 300, fonts_dir=FONTS, size=(300, 200)))
    assert image.size == (300, 200)


# --------------------------------------------------------------------------- load_image


def test_load_png_is_deterministic_and_png(tmp_path):
    path = _save(_photo(), tmp_path / "figure.png", "PNG")
    data, media_type = load_image(path)
    assert media_type == "image/png"
    assert data == load_image(path)[0]
    image = _open(data)
    assert (image.format, image.mode, image.size) == ("PNG", "RGB", (320, 240))
    assert image.tobytes() == _photo().tobytes()  # lossless


def test_load_jpeg_is_deterministic_and_jpeg(tmp_path):
    path = _save(_photo(), tmp_path / "photo.jpg", "JPEG", quality=95)
    data, media_type = load_image(path)
    assert media_type == "image/jpeg"
    assert data == load_image(path)[0]
    image = _open(data)
    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (320, 240))
    assert not image.info.get("progressive")


def test_cmyk_jpeg_becomes_rgb_jpeg(tmp_path):
    path = _save(Image.new("CMYK", (64, 48), (0, 255, 255, 0)), tmp_path / "print.jpg", "JPEG")
    data, media_type = load_image(path)
    image = _open(data)
    assert media_type == "image/jpeg"
    assert image.mode == "RGB"
    r, g, b = image.getpixel((32, 24))
    assert r > 200 and g < 60 and b < 60  # still red


def test_palette_png_with_transparency_becomes_rgba_png(tmp_path):
    image = Image.new("P", (40, 40), 0)
    image.putpalette([255, 255, 255, 200, 0, 0] + [0, 0, 0] * 254)
    image.paste(1, (10, 10, 30, 30))
    path = _save(image, tmp_path / "logo.png", "PNG", transparency=0)
    data, media_type = load_image(path)
    result = _open(data)
    assert media_type == "image/png"
    assert result.mode == "RGBA"
    assert result.getpixel((0, 0))[3] == 0
    assert result.getpixel((20, 20)) == (200, 0, 0, 255)


def test_palette_png_without_transparency_becomes_rgb(tmp_path):
    path = _save(_photo().convert("P"), tmp_path / "chart.png", "PNG")
    assert _open(load_image(path)[0]).mode == "RGB"


def test_opaque_alpha_is_dropped(tmp_path):
    path = _save(_photo().convert("RGBA"), tmp_path / "flat.png", "PNG")
    assert _open(load_image(path)[0]).mode == "RGB"


def test_la_and_16_bit_grey_are_converted(tmp_path):
    la = Image.merge("LA", (Image.new("L", (20, 20), 90), Image.new("L", (20, 20), 128)))
    result = _open(load_image(_save(la, tmp_path / "la.png", "PNG"))[0])
    assert result.mode == "RGBA"
    assert result.getpixel((5, 5)) == (90, 90, 90, 128)

    deep = Image.new("I;16", (20, 20), 65535)
    deep.paste(32896, (0, 0, 10, 20))  # 128 * 257
    result = _open(load_image(_save(deep, tmp_path / "deep.png", "PNG"))[0])
    assert result.mode == "L"
    assert result.getpixel((15, 5)) == 255
    assert result.getpixel((5, 5)) == 128


def test_png_named_jpg_is_read_by_content(tmp_path):
    path = _save(_photo(), tmp_path / "misnamed.jpg", "PNG")
    data, media_type = load_image(path)
    assert media_type == "image/png"
    assert _open(data).format == "PNG"


def test_webp_gif_bmp_tiff_sources_give_png(tmp_path):
    for fmt, name in (("WEBP", "a.webp"), ("GIF", "b.gif"), ("BMP", "c.bmp"), ("TIFF", "d.tif")):
        path = _save(_photo(), tmp_path / name, fmt)
        data, media_type = load_image(path)
        assert media_type == "image/png", fmt
        assert _open(data).size == (320, 240)


def test_html_named_png_is_an_input_error(tmp_path):
    path = tmp_path / "chart.png"
    path.write_text("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head></html>")
    with pytest.raises(InputError) as info:
        load_image(path)
    assert "chart.png" in info.value.message
    assert "HTML" in str(info.value)
    assert info.value.where == str(path)


SVG_HEAD = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'


def test_a_safe_svg_is_kept_as_svg(tmp_path):
    path = tmp_path / "diagram.png"  # the name does not matter, the content does
    path.write_text(SVG_HEAD + '<!-- note --><rect width="10" height="10" fill="url(#g)"/><use href="#r"/></svg>')
    data, media_type = load_image(path)
    assert media_type == "image/svg+xml"
    assert b"<rect" in data and b"note" not in data


@pytest.mark.parametrize("body, reason", [
    ("<script>alert(1)</script>", "script"),
    ('<rect onload="alert(1)"/>', "event handler"),
    ('<a href="javascript:alert(1)"><text>x</text></a>', "javascript"),
    ('<image href="http://127.0.0.1/track.png"/>', "external resource"),
    ('<image xlink:href="file:///etc/passwd"/>', "external resource"),
    ('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>', "foreignObject"),
    ('<style>@import url(http://x/y.css);</style>', "external"),
    ('<rect style="fill: url(http://x/y)"/>', "external"),
    ('<set attributeName="href" to="javascript:alert(1)"/>', "set"),
])
def test_an_unsafe_svg_is_refused(tmp_path, body, reason):
    path = tmp_path / "drawing.svg"
    path.write_text(SVG_HEAD + body + "</svg>")
    with pytest.raises(InputError, match=reason):
        load_image(path)


def test_an_svg_with_entities_is_refused(tmp_path):
    path = tmp_path / "bomb.svg"
    path.write_text('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
                    '<svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>')
    with pytest.raises(InputError, match="entities"):
        load_image(path)


def test_other_files_are_input_errors(tmp_path):
    text = tmp_path / "notes.png"
    text.write_text("just some text, not an image")
    with pytest.raises(InputError, match="notes.png.*not an image"):
        load_image(text)
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        load_image(empty)
    with pytest.raises(InputError, match="not found"):
        load_image(tmp_path / "missing.png")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_image_is_an_input_error(tmp_path, fmt):
    full = BytesIO()
    _photo((400, 300)).save(full, format=fmt)
    path = tmp_path / f"cut.{fmt.lower()}"
    path.write_bytes(full.getvalue()[: len(full.getvalue()) // 2])
    with pytest.raises(InputError) as info:
        load_image(path)
    assert f"cannot read image cut.{fmt.lower()}" in info.value.message
    assert "re-export it as PNG or JPEG" in str(info.value)


def test_truncated_image_is_refused_even_if_pillow_is_lenient(tmp_path, monkeypatch):
    # WeasyPrint sets this flag when imported; load_image must stay strict.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    full = BytesIO()
    _photo((400, 300)).save(full, format="JPEG")
    path = tmp_path / "cut.jpg"
    path.write_bytes(full.getvalue()[: len(full.getvalue()) // 2])
    with pytest.raises(InputError, match="cannot read image cut.jpg"):
        load_image(path)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # restored


def test_decompression_bomb_is_refused_from_the_header(tmp_path):
    path = _big_png(tmp_path / "bomb.png", 20_000, 20_000)  # 400 megapixels
    assert path.stat().st_size < 1_000_000
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputError, match="too large") as info:
        load_image(path, max_pixels=10_000_000)
    assert "bomb.png" in info.value.message
    assert "400,000,000 pixels" in info.value.message
    # Nothing close to the 400 MB that decoding would take was allocated (ru_maxrss is in KiB).
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 200_000


def test_pixel_limit_below_pillows_own(tmp_path):
    path = _big_png(tmp_path / "poster.png", 4000, 3000)  # 12 megapixels
    with pytest.raises(InputError, match="too large.*4000×3000"):
        load_image(path, max_pixels=10_000_000)
    assert _open(load_image(path, max_pixels=20_000_000)[0]).size == (1600, 1200)


def test_pillow_bomb_warning_becomes_input_error(tmp_path):
    path = _big_png(tmp_path / "huge.png", 10_000, 10_000)  # over Pillow's 89.5 Mpx warning
    with pytest.raises(InputError, match="too large"):
        load_image(path, max_pixels=500_000_000)


def test_animated_gif_gives_first_frame(tmp_path):
    frames = [Image.new("RGB", (30, 20), c) for c in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    data, media_type = load_image(path)
    image = _open(data)
    assert media_type == "image/png"
    assert not getattr(image, "is_animated", False)
    assert image.convert("RGB").getpixel((15, 10)) == (255, 0, 0)
    assert "duration" not in image.info and "loop" not in image.info


def test_metadata_is_stripped(tmp_path):
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x0131] = "Some software"  # Software
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    jpeg = _save(_photo(), tmp_path / "camera.jpg", "JPEG", exif=exif.tobytes(), icc_profile=icc)
    png = _save(_photo(), tmp_path / "export.png", "PNG", exif=exif.tobytes(), icc_profile=icc)
    for path in (jpeg, png):
        assert {"exif", "icc_profile"} <= set(Image.open(path).info)
        image = _open(load_image(path)[0])
        assert "exif" not in image.info
        assert "icc_profile" not in image.info
        assert not getattr(image, "text", {})
        assert not image.getexif()


def test_exif_orientation_is_applied(tmp_path):
    image = Image.new("RGB", (200, 100), (255, 255, 255))
    image.paste((0, 0, 0), (0, 0, 20, 20))  # a mark in the top left corner
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    path = _save(image, tmp_path / "portrait.jpg", "JPEG", exif=exif.tobytes())
    result = _open(load_image(path)[0])
    assert result.size == (100, 200)
    assert result.getpixel((95, 5))[0] < 60  # the mark is now top right
    assert result.getpixel((5, 5))[0] > 200


def test_downsampling_to_max_side(tmp_path):
    wide = _save(_photo((3000, 1000)), tmp_path / "wide.png", "PNG")
    assert _open(load_image(wide)[0]).size == (1600, 533)
    assert _open(load_image(wide, max_side=500)[0]).size == (500, 167)
    tall = _save(_photo((900, 2700)), tmp_path / "tall.jpg", "JPEG")
    data, media_type = load_image(tall, max_side=1000)
    assert media_type == "image/jpeg"
    assert _open(data).size == (333, 1000)
    small = _save(_photo((100, 50)), tmp_path / "small.png", "PNG")
    assert _open(load_image(small)[0]).size == (100, 50)  # never enlarged


def test_greyscale(tmp_path):
    photo = _save(_photo(), tmp_path / "photo.jpg", "JPEG")
    data, media_type = load_image(photo, greyscale=True)
    assert media_type == "image/jpeg"
    assert _open(data).mode == "L"

    logo = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    logo.paste((200, 0, 0, 255), (10, 10, 30, 30))
    data, media_type = load_image(_save(logo, tmp_path / "logo.png", "PNG"), greyscale=True)
    result = _open(data)
    assert media_type == "image/png"
    assert result.mode == "LA"
    assert result.getpixel((0, 0))[1] == 0


def test_an_internal_error_is_not_blamed_on_the_file(tmp_path, monkeypatch):
    path = _save(_photo(), tmp_path / "fine.png", "PNG")

    def broken(*args, **kwargs):
        raise TypeError("a bug of ours")

    monkeypatch.setattr(load, "_check_pixels", broken)  # inside the decoding step
    with pytest.raises(TypeError, match="a bug of ours"):
        load_image(path)
    monkeypatch.undo()
    monkeypatch.setattr(load, "normalise", broken)  # after decoding
    with pytest.raises(TypeError, match="a bug of ours"):
        load_image(path)


# --------------------------------------------------------------------------- print greyscale


def test_print_greyscale_lightens_reduces_and_keeps_the_format(tmp_path):
    jpeg, media_type = load_image(_save(_photo((800, 400)), tmp_path / "photo.jpg", "JPEG"))
    grey = print_greyscale(jpeg, media_type, max_side=200, ink=0.5, quality=80)
    assert grey == print_greyscale(jpeg, media_type, max_side=200, ink=0.5, quality=80)
    image = _open(grey)
    assert (image.format, image.mode, image.size) == ("JPEG", "L", (200, 100))
    assert image.getextrema()[0] >= 120  # black keeps half its ink

    logo = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    logo.paste((0, 0, 0, 255), (10, 10, 30, 30))
    data, media_type = load_image(_save(logo, tmp_path / "logo.png", "PNG"))
    image = _open(print_greyscale(data, media_type, max_side=640, ink=0.75, quality=80))
    assert (image.format, image.mode, image.size) == ("PNG", "LA", (40, 40))
    assert image.getpixel((0, 0))[1] == 0
    assert image.getpixel((20, 20)) == (round(255 - 255 * 0.75), 255)
    assert not {"exif", "icc_profile", "xmp"} & set(image.info)


# --------------------------------------------------------------------------- glyph coverage

COVER_FONTS = sorted({covers.PUBLICATION_FONT, covers.TITLE_FONT, covers.BYLINE_FONT,
                      placeholders.PLACEHOLDER_FONT})


def _cmap(name: str) -> set[int]:
    from fontTools.ttLib import TTFont  # the tests may load fontTools; the EPUB path may not

    with TTFont(str(FONTS / name), lazy=True) as font:
        return set(font.getBestCmap())


def _coverage_disagreements(name: str, code_points) -> list[str]:
    cmap, covered = _cmap(name), GlyphCoverage(FONTS / name)
    return [f"U+{cp:04X}" for cp in code_points
            if not 0xD800 <= cp <= 0xDFFF and (chr(cp) in covered) != (cp in cmap)]


@pytest.mark.parametrize("name", COVER_FONTS)
def test_glyph_coverage_matches_the_fonts_cmap(name):
    sample = sorted(_cmap(name) | set(range(0, 0x30000, 37)))
    assert _coverage_disagreements(name, sample) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", COVER_FONTS)
def test_glyph_coverage_matches_the_fonts_cmap_everywhere(name):
    planes = [*range(0x30000), *range(0xE0000, 0xE0200)]  # beyond: CJK extensions, private use
    assert _coverage_disagreements(name, planes) == []


def test_generated_images_do_not_load_fonttools():
    code = ("import sys, pressexport.images as i; i.generate_cover('Solidarity', size=(400, 600)); "
            "i.placeholder_image('Missing'); print(sorted(m for m in ('fontTools', 'weasyprint', 'pypdfium2') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
