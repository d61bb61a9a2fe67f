"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    from PIL import Image
    frames = [Image.new("P", (40, 30), colour) for colour in (1, 2, 3, 4)]
    frames[0].save(folder / "anim.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
