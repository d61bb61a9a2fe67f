"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    outside = (folder / ".." / "..").resolve()
    # a real PNG with a text chunk holding the canary, plus a plain-text canary
    from PIL import Image, PngImagePlugin
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "canary-outside-png")
    Image.new("RGB", (8, 8), (255, 0, 0)).save(outside / "outside.png", pnginfo=info)
    (outside / "outside.txt").write_text("canary-outside-text\n")
