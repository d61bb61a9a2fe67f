"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    import os
    from PIL import Image, PngImagePlugin
    secret_dir = (folder / "..").resolve() / "secret"
    secret_dir.mkdir(exist_ok=True)
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "canary-symlink-png")
    Image.new("RGB", (8, 8), (0, 0, 255)).save(secret_dir / "secret.png", pnginfo=info)
    (folder / "images").mkdir(exist_ok=True)
    os.symlink(secret_dir / "secret.png", folder / "images" / "linked.png")
    os.symlink("/etc/passwd", folder / "passwd.png")
    os.symlink(secret_dir, folder / "images" / "up")
