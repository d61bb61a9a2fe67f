"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    from PIL import Image
    Image.new("CMYK", (60, 40), (0, 200, 200, 0)).save(folder / "cmyk.jpg", format="JPEG")
